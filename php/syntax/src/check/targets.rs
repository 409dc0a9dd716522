//! Write contexts: assignment and `foreach` targets, destructuring (`list()`/`[]`),
//! parameters, and what may be written to or taken by reference.

use super::CResult;
use super::consts::ConstContext;
use super::members;
use super::walk::{GLOBALS_MODIFY, Use, Walker};
use crate::ast::*;

impl<'a> Walker<'a> {
    pub(super) fn params(&mut self, params: &[Param], is_constructor: bool, at: u32) -> CResult {
        members::params(self.lines, params, is_constructor, at)?;
        for p in params {
            if let Some(d) = p.default {
                self.const_value(d, ConstContext::Default, at)?;
            }
        }
        Ok(())
    }

    pub(super) fn is_this(&self, e: ExprId) -> bool {
        matches!(&self.ast.expr(e).kind, ExprKind::Variable(n) if &**n == b"this")
    }

    /// An assignment target (also `foreach` targets and list elements).
    pub(super) fn target(&mut self, e: ExprId) -> CResult {
        let ast = self.ast;
        let x = ast.expr(e);
        match &x.kind {
            ExprKind::Variable(_) if self.is_this(e) => {
                self.err(x.span.start, "Cannot re-assign $this")
            }
            ExprKind::Variable(_) if self.is_globals(e) => self.err(x.span.start, GLOBALS_MODIFY),
            ExprKind::ArrayDim { base, dim: None } if self.is_globals(*base) => {
                self.err(x.span.start, "Cannot append to $GLOBALS")
            }
            ExprKind::ArrayDim { base, .. } if self.is_builtin_result(*base) => self.err(
                x.span.start,
                "Cannot use result of built-in function in write context",
            ),
            ExprKind::ArrayDim { .. } | ExprKind::Property { .. } if self.is_temporary(e) => self
                .err(
                    x.span.start,
                    "Cannot use temporary expression in write context",
                ),
            ExprKind::List { items, syntax } => {
                let saved = self.list_syntax.replace(*syntax);
                let r = self.list(items, x.span.start);
                self.list_syntax = saved;
                r
            }
            ExprKind::Call { .. } => self.err(
                x.span.start,
                "Can't use function return value in write context",
            ),
            ExprKind::MethodCall {
                access: Access::Nullsafe,
                ..
            }
            | ExprKind::Property {
                access: Access::Nullsafe,
                ..
            } => self.err(x.span.start, "Can't use nullsafe operator in write context"),
            ExprKind::MethodCall { .. } | ExprKind::StaticCall { .. } => self.err(
                x.span.start,
                "Can't use method return value in write context",
            ),
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::String(_)
            | ExprKind::Constant(_)
            | ExprKind::ClassConstant { .. }
            | ExprKind::Binary { .. }
            | ExprKind::Unary { .. }
            | ExprKind::Array { .. }
            | ExprKind::MagicConstant(_) => self.err(
                x.span.start,
                "Assignments can only happen to writable values",
            ),
            _ => {
                if self.has_nullsafe(e) {
                    return self.err(x.span.start, "Can't use nullsafe operator in write context");
                }
                self.expr(e, Use::Write)
            }
        }
    }

    pub(super) fn list_has_ref(&self, items: &[Option<ArrayItem>]) -> bool {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.list_has_ref_inner(items))
    }

    pub(super) fn list_has_ref_inner(&self, items: &[Option<ArrayItem>]) -> bool {
        items.iter().flatten().any(|i| {
            i.by_ref
                || matches!(&self.ast.expr(i.value).kind, ExprKind::List { items, .. } if self.list_has_ref(items))
        })
    }

    /// A call PHP compiles to a special instruction (`strlen`, `is_int`, ...), or a
    /// first-class callable: its result cannot be written to.
    pub(super) fn is_builtin_result(&self, e: ExprId) -> bool {
        let ExprKind::Call { callee, args } = &self.ast.expr(e).kind else {
            return false;
        };
        let Args::List(list, _) = &**args else {
            return true;
        };
        let Callee::Name(n) = callee else {
            return false;
        };
        let global = n.kind == NameKind::FullyQualified
            || (n.kind == NameKind::Unqualified && !self.names.in_namespace());
        if !global || list.iter().any(|a| a.unpack || a.name.is_some()) {
            return false;
        }
        let name = n.text.to_ascii_lowercase();
        let one = [
            &b"strlen"[..],
            b"is_null",
            b"is_bool",
            b"is_long",
            b"is_int",
            b"is_integer",
            b"is_float",
            b"is_double",
            b"is_string",
            b"is_array",
            b"is_object",
            b"is_resource",
            b"is_scalar",
            b"boolval",
            b"intval",
            b"floatval",
            b"doubleval",
            b"strval",
            b"gettype",
            b"count",
            b"sizeof",
        ];
        (one.contains(&&name[..]) && list.len() == 1)
            || (matches!(&name[..], b"func_num_args" | b"func_get_args") && list.is_empty())
    }

    /// `zend_can_write_to_variable`: a variable, static property or call, possibly behind
    /// `[...]` and `->` (but not `?->`).
    pub(super) fn can_write_to_variable(&self, mut e: ExprId) -> bool {
        loop {
            match &self.ast.expr(e).kind {
                ExprKind::ArrayDim { base, .. } => e = *base,
                ExprKind::Property {
                    object,
                    access: Access::Normal,
                    ..
                } => e = *object,
                ExprKind::Variable(_)
                | ExprKind::VariableVariable(_)
                | ExprKind::StaticProperty { .. }
                | ExprKind::Call { .. }
                | ExprKind::StaticCall { .. } => return true,
                ExprKind::MethodCall { access, .. } => return *access == Access::Normal,
                _ => return false,
            }
        }
    }

    pub(super) fn is_globals(&self, e: ExprId) -> bool {
        matches!(&self.ast.expr(e).kind, ExprKind::Variable(n) if &**n == b"GLOBALS")
    }

    /// Whether a dim/property chain starts at a value that is not a variable or a call.
    pub(super) fn is_temporary(&self, mut e: ExprId) -> bool {
        loop {
            match &self.ast.expr(e).kind {
                ExprKind::ArrayDim { base, .. } => e = *base,
                ExprKind::Property { object, .. } => e = *object,
                ExprKind::Variable(_)
                | ExprKind::VariableVariable(_)
                | ExprKind::StaticProperty { .. }
                | ExprKind::Call { .. }
                | ExprKind::MethodCall { .. }
                | ExprKind::StaticCall { .. }
                | ExprKind::New { .. }
                | ExprKind::Clone(_) => return false,
                ExprKind::Assign { .. }
                | ExprKind::AssignRef { .. }
                | ExprKind::AssignOp { .. } => return false,
                ExprKind::Match { .. }
                | ExprKind::Ternary { .. }
                | ExprKind::Closure(_)
                | ExprKind::ArrowFunction(_) => return false,
                _ => return true,
            }
        }
    }

    /// Whether a variable chain goes through `?->`.
    pub(super) fn has_nullsafe(&self, mut e: ExprId) -> bool {
        loop {
            match &self.ast.expr(e).kind {
                ExprKind::Property {
                    access: Access::Nullsafe,
                    ..
                }
                | ExprKind::MethodCall {
                    access: Access::Nullsafe,
                    ..
                } => return true,
                ExprKind::Property { object, .. } | ExprKind::MethodCall { object, .. } => {
                    e = *object
                }
                ExprKind::ArrayDim { base, .. } => e = *base,
                _ => return false,
            }
        }
    }

    pub(super) fn list(&mut self, items: &[Option<ArrayItem>], at: u32) -> CResult {
        if items.iter().all(Option::is_none) {
            return self.err(at, "Cannot use empty list");
        }
        let first_at = items.iter().flatten().next().map_or(at, |i| i.span.start);
        let keyed = items.iter().flatten().any(|i| i.key.is_some());
        for item in items {
            let Some(i) = item else {
                if keyed {
                    return self.err(
                        at,
                        "Cannot use empty array entries in keyed array assignment",
                    );
                }
                continue;
            };
            if i.unpack {
                return self.err(
                    i.span.start,
                    "Spread operator is not supported in assignments",
                );
            }
            if i.key.is_some() != keyed {
                return self.err(
                    first_at,
                    "Cannot mix keyed and unkeyed array entries in assignments",
                );
            }
            if let Some(k) = i.key {
                self.expr(k, Use::Read)?;
            }
            let v = self.ast.expr(i.value);
            match &v.kind {
                ExprKind::Array {
                    syntax: ArraySyntax::Long,
                    ..
                } => return self.err(v.span.start, "Cannot assign to array(), use [] instead"),
                ExprKind::List { syntax: inner, .. } if Some(*inner) != self.list_syntax => {
                    return self.err(v.span.start, "Cannot mix [] and list()");
                }
                _ => {}
            }
            if !matches!(v.kind, ExprKind::List { .. }) && !self.can_write_to_variable(i.value) {
                return self.err(
                    v.span.start,
                    "Assignments can only happen to writable values",
                );
            }
            self.target(i.value)?;
        }
        Ok(())
    }
}
