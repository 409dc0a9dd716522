//! Compile-time literals: the PHP type of a literal default value, and whether a declared
//! type accepts it (`zend_is_valid_default_value`).

use super::types;
use crate::ast::*;

/// A literal's PHP type name if the expression is a compile-time literal PHP evaluates.
pub(super) fn literal_type(ast: &Ast, e: ExprId) -> Option<(&'static str, u32)> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || literal_type_inner(ast, e))
}

pub(super) fn literal_type_inner(ast: &Ast, e: ExprId) -> Option<(&'static str, u32)> {
    Some(match &ast.expr(e).kind {
        ExprKind::Int(_) => ("int", types::LONG),
        ExprKind::Float(_) => ("float", types::DOUBLE),
        ExprKind::String(_) => ("string", types::STRING),
        ExprKind::Constant(n) if n.kind != NameKind::Qualified && n.kind != NameKind::Relative => {
            let t = n.text.to_ascii_lowercase();
            match &t[..] {
                b"null" => ("null", types::NULL),
                b"true" => ("bool", types::TRUE),
                b"false" => ("bool", types::FALSE),
                _ => return None,
            }
        }
        ExprKind::Unary {
            op: UnaryOp::Neg | UnaryOp::Plus,
            expr,
        } => match literal_type(ast, *expr)? {
            (n @ ("int" | "float"), m) => (n, m),
            _ => return None,
        },
        ExprKind::Array { items, .. }
            if items.iter().flatten().all(|i| {
                i.key.is_none_or(|k| literal_type(ast, k).is_some())
                    && !i.unpack
                    && !i.by_ref
                    && literal_type(ast, i.value).is_some()
            }) =>
        {
            ("array", types::ARRAY)
        }
        _ => return None,
    })
}

pub(super) fn is_null_literal(ast: &Ast, e: ExprId) -> bool {
    literal_type(ast, e).is_some_and(|(n, _)| n == "null")
}

/// `zend_is_valid_default_value`.
pub(super) fn valid_default(ty: &TypeHint, value_bits: u32) -> bool {
    let m = types::mask(ty);
    if m.bits & value_bits != 0 {
        return true;
    }
    if m.bits & types::DOUBLE != 0 && value_bits == types::LONG {
        return true;
    }
    let iterable = type_has_iterable(ty);
    iterable && value_bits == types::ARRAY
}

pub(super) fn type_has_iterable(t: &TypeHint) -> bool {
    match t {
        TypeHint::Named(n) => n.text.eq_ignore_ascii_case(b"iterable"),
        TypeHint::Nullable(i, _) => type_has_iterable(i),
        TypeHint::Union(p, _) => p.iter().any(type_has_iterable),
        TypeHint::Intersection(..) => false,
    }
}
