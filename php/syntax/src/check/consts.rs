//! Constant expressions (`zend_compile_const_expr`): what defaults, constants, enum case
//! values and attribute arguments may contain in each context.

use super::CResult;
use super::walk::{Use, Walker};
use crate::ast::*;
use crate::visit::{self, Child};

/// Where a constant expression is compiled, which decides what it may contain.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstContext {
    /// Global `const`, parameter and static-variable defaults, attribute arguments: `new`
    /// is allowed.
    Constant,
    /// A parameter default.
    Default,
    /// Class constants, property defaults, enum case values: no `new`.
    Member,
}

impl<'a> Walker<'a> {
    /// A constant expression: its rules, then the ordinary checks of its parts.
    pub(crate) fn const_value(&mut self, e: ExprId, ctx: ConstContext, line_at: u32) -> CResult {
        let saved_line = self.const_line.replace(line_at);
        let r = self.const_expr(e, ctx);
        self.const_line = saved_line;
        r?;
        let saved = std::mem::replace(&mut self.in_const, true);
        let r = self.expr(e, Use::Read);
        self.in_const = saved;
        r
    }

    /// `zend_compile_const_expr`: what a constant expression may contain.
    pub(crate) fn const_expr(&mut self, e: ExprId, ctx: ConstContext) -> CResult {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.const_expr_inner(e, ctx))
    }

    pub(super) fn const_expr_inner(&mut self, e: ExprId, ctx: ConstContext) -> CResult {
        let ast = self.ast;
        let x = ast.expr(e);
        let at = self.const_line.unwrap_or(x.span.start);
        let invalid = || "Constant expression contains invalid operations";
        let mut kids = Vec::new();
        match &x.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::String(_)
            | ExprKind::Constant(_)
            | ExprKind::MagicConstant(_) => return Ok(()),
            ExprKind::Binary { .. }
            | ExprKind::Unary { .. }
            | ExprKind::Ternary { .. }
            | ExprKind::ArrayDim { .. }
            | ExprKind::Property { .. } => {
                if let ExprKind::ArrayDim { dim: None, .. } = &x.kind {
                    return self.err(at, "Cannot use [] for reading");
                }
                if let ExprKind::Unary {
                    op: UnaryOp::Silence,
                    ..
                } = &x.kind
                {
                    return self.err(at, invalid());
                }
                visit::expr_children(&x.kind, |c| {
                    if let Child::Expr(k) = c {
                        kids.push(k);
                    }
                });
            }
            ExprKind::Array { items, .. } => {
                if items.iter().any(Option::is_none) {
                    return self.err(at, "Cannot use empty array elements in arrays");
                }
                for i in items.iter().flatten() {
                    if i.by_ref {
                        return self.err(at, invalid());
                    }
                    kids.extend(i.key);
                    kids.push(i.value);
                }
            }
            ExprKind::ClassConstant { class, name } => match &**class {
                ClassRef::Name(n) => {
                    if name.name.eq_ignore_ascii_case(b"class") {
                        if n.is("static") {
                            return self.err(at, "static::class cannot be used for compile-time class name resolution");
                        }
                        let saved = std::mem::replace(&mut self.in_const, false);
                        let r = self.class_fetch(n);
                        self.in_const = saved;
                        r?;
                    } else if n.is("static") {
                        return self
                            .err(at, "\"static::\" is not allowed in compile-time constants");
                    }
                    return Ok(());
                }
                ClassRef::Expr(_) => {
                    if name.name.eq_ignore_ascii_case(b"class") {
                        return self.err(
                            at,
                            "(expression)::class cannot be used in constant expressions",
                        );
                    }
                    return self.err(at, "Dynamic class names are not allowed in compile-time class constant references");
                }
            },
            ExprKind::New { class, args } => {
                if ctx == ConstContext::Member {
                    return self.err(at, "New expressions are not supported in this context");
                }
                match class {
                    NewClass::Anonymous(_) => {
                        return self.err(at, "Cannot use anonymous class in constant expression");
                    }
                    NewClass::Class(ClassRef::Expr(_)) => {
                        return self
                            .err(at, "Cannot use dynamic class name in constant expression");
                    }
                    NewClass::Class(ClassRef::Name(n)) => {
                        if n.is("static") {
                            return self
                                .err(at, "\"static\" is not allowed in compile-time constants");
                        }
                    }
                }
                if let Some(Args::List(list, _)) = args.as_deref() {
                    for a in list {
                        if a.unpack {
                            return self.err(
                                at,
                                "Argument unpacking in constant expressions is not supported",
                            );
                        }
                        kids.push(a.value);
                    }
                }
            }
            _ => return self.err(at, invalid()),
        }
        for k in kids {
            self.const_expr(k, ctx)?;
        }
        Ok(())
    }
}
