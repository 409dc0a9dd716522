//! The nullsafe operator (`?->`) and its short-circuit.
//!
//! When the object of `?->` is `null`, the rest of the chain it is in (the properties,
//! elements, method calls and static members applied after it, with their arguments) is
//! skipped and the whole chain is `null`. A chain ends at the first expression that does not
//! continue it (an argument, an operand, a key): as PHP's compiler does, each chain
//! expression marks the expression it continues (its object, container or class, not that of
//! a class constant) as inner;
//! an expression compiled without that mark ends a chain and owns the jumps of the `?->`
//! inside it, which lead to code setting its result to `null`.

use super::{Gen, Result};
use crate::bytecode::{Const, Op, Slot};
use php_syntax::ast::{Access, ClassRef, ExprId, ExprKind};
use std::collections::HashSet;

/// The short-circuit state of the function being compiled.
#[derive(Default)]
pub(super) struct ShortCircuit {
    /// The expressions that continue a chain (compiled as part of the chain around them).
    inner: HashSet<ExprId>,
    /// The jumps of the `?->` met in the chain being compiled, to its `null` result.
    jumps: Vec<usize>,
}

/// The expression a chain expression continues: its object, container or class.
fn continued(kind: &ExprKind) -> Option<ExprId> {
    match kind {
        ExprKind::Property { object, .. } | ExprKind::MethodCall { object, .. } => Some(*object),
        ExprKind::ArrayDim { base, .. } => Some(*base),
        ExprKind::StaticProperty { class, .. } | ExprKind::StaticCall { class, .. } => {
            match &**class {
                ClassRef::Expr(e) => Some(*e),
                _ => None,
            }
        }
        _ => None,
    }
}

impl Gen<'_> {
    /// Compiles the expression `e` of kind `kind` with `compile`: when `e` ends a chain, the
    /// `?->` inside it jump to code that makes its result (the returned slot) `null`.
    pub(super) fn short_circuit(
        &mut self,
        e: ExprId,
        kind: &ExprKind,
        compile: impl FnOnce(&mut Self) -> Result<Slot>,
    ) -> Result<Slot> {
        let Some(inner) = continued(kind) else {
            return compile(self);
        };
        self.short.inner.insert(inner);
        if self.short.inner.contains(&e) {
            return compile(self);
        }
        let outer = std::mem::take(&mut self.short.jumps);
        let r = compile(self);
        let jumps = std::mem::replace(&mut self.short.jumps, outer);
        let r = r?;
        if !jumps.is_empty() {
            let over = self.emit(Op::Jump { to: 0 });
            let here = self.here();
            for j in jumps {
                self.patch(j, here);
            }
            let k = self.constant(Const::Null);
            self.emit(Op::Const { dst: r, k });
            let end = self.here();
            self.patch(over, end);
        }
        Ok(r)
    }

    /// Marks `e` as continuing the chain being compiled (the root of a chain a caller walks
    /// itself, compiled with [`Gen::expr`]).
    pub(super) fn continues_chain(&mut self, e: ExprId) {
        self.short.inner.insert(e);
    }

    /// Whether the place `e` is reached through a `?->` (so it is no place: it cannot be
    /// written or referenced).
    pub(super) fn through_nullsafe(&self, mut e: ExprId) -> bool {
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

    /// `?->` on the object in slot `obj`: when it is `null`, the chain ends here.
    pub(super) fn nullsafe(&mut self, obj: Slot) {
        let not_null = self.emit(Op::JumpIfNotNull { src: obj, to: 0 });
        let j = self.emit(Op::Jump { to: 0 });
        self.short.jumps.push(j);
        let here = self.here();
        self.patch(not_null, here);
    }
}
