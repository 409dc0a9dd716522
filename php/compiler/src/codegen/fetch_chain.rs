//! Reads of chains of elements and properties (`$a[$k]->p->{$c[1]}`), in PHP's order.
//!
//! PHP compiles such a chain with delayed fetches: it first evaluates, from the root
//! outwards, every key and property name that is a computed expression, and only then
//! fetches the links from the root outwards. A variable (the root, a key or a name) is read
//! by the fetch that uses it, so its "Undefined variable" warning comes with that fetch.
//! The order shows in the warnings a chain gives and in what a key's side effects see.
//! A nullsafe link (`?->`) ends a chain: what is below it is the chain's root.

use super::{Gen, Result, line_of};
use crate::bytecode::{Op, Slot};
use php_syntax::ast::{Access, ExprId, ExprKind, MemberName};

/// One link of a chain, from the root outwards.
enum Link<'a> {
    /// `[key]`.
    Dim(ExprId),
    /// `->name`.
    Prop(&'a MemberName),
}

/// A key or name: computed before the fetches, or a variable read by its fetch.
#[derive(Clone, Copy)]
enum Operand {
    /// Already in a slot.
    Ready(Slot),
    /// The variable in this slot, read by the fetch.
    Var(Slot),
}

impl<'a> Gen<'a> {
    /// Reads the element or property `top` (an `ArrayDim` with a key, or a `->` property),
    /// with the links below it, into a temporary.
    pub(super) fn read_chain(&mut self, top: &'a ExprKind) -> Result<Slot> {
        // The links from the top down, each with its line; then the root.
        let mut links = vec![(link_of(top), self.line)];
        let mut cur = below(top);
        let root = loop {
            let expr = self.ast.expr(cur);
            if !is_link(&self.ast.expr(cur).kind, self) {
                break cur;
            }
            links.push((link_of(&expr.kind), line_of(self.lines, expr.span)));
            cur = below(&expr.kind);
        };
        links.reverse();
        let top_line = self.line;
        // The root: a variable is read by the first fetch; anything else is evaluated now,
        // as part of the chain (a `?->` there skips the links).
        self.continues_chain(root);
        let root_var = self.plain_var(root);
        let mut container = match root_var {
            Some(cv) => Operand::Var(cv),
            None => match links[0].0 {
                Link::Dim(_) => Operand::Ready(self.expr(root)?),
                Link::Prop(_) => Operand::Ready(self.object_of(root)?),
            },
        };
        // The computed keys and names, from the root outwards.
        let mut operands = Vec::with_capacity(links.len());
        for (link, line) in &links {
            self.line = *line;
            let key = match link {
                Link::Dim(k) => *k,
                Link::Prop(MemberName::Expr(e)) => *e,
                Link::Prop(MemberName::Ident(i)) => {
                    let name = self.load_const(crate::bytecode::Const::Str(i.name.clone()));
                    operands.push(Operand::Ready(name));
                    continue;
                }
            };
            operands.push(match self.plain_var(key) {
                Some(cv) => Operand::Var(cv),
                None => Operand::Ready(self.expr(key)?),
            });
        }
        // The fetches, from the root outwards.
        for ((link, line), operand) in links.iter().zip(operands) {
            self.line = *line;
            let dst = self.temp();
            match link {
                // An element's container and key are read in place.
                Link::Dim(_) => {
                    let (Operand::Ready(base) | Operand::Var(base)) = container;
                    let (Operand::Ready(key) | Operand::Var(key)) = operand;
                    self.emit(Op::FetchDim { dst, base, key });
                }
                Link::Prop(_) => {
                    let obj = self.value_of(container);
                    let name = self.value_of(operand);
                    self.emit(Op::FetchProp {
                        dst,
                        obj,
                        name,
                        quiet: false,
                    });
                }
            }
            container = Operand::Ready(dst);
        }
        self.line = top_line;
        let Operand::Ready(v) = container else {
            unreachable!("a chain has a link")
        };
        Ok(v)
    }

    /// A slot holding the value of `o`: a variable is read now (with PHP's warning when it
    /// is undefined).
    fn value_of(&mut self, o: Operand) -> Slot {
        match o {
            Operand::Ready(s) => s,
            Operand::Var(cv) => {
                let t = self.temp();
                self.emit(Op::Load { dst: t, cv });
                t
            }
        }
    }
}

/// Whether `kind` is a link of a chain: an element with a key (not of `$GLOBALS`, which
/// names a global variable) or a `->` property.
fn is_link(kind: &ExprKind, g: &Gen<'_>) -> bool {
    match kind {
        ExprKind::ArrayDim { base, dim: Some(_) } => !matches!(
            &g.ast.expr(*base).kind,
            ExprKind::Variable(n) if &n[..] == b"GLOBALS"
        ),
        ExprKind::Property {
            access: Access::Normal,
            ..
        } => true,
        _ => false,
    }
}

/// The link `kind` makes (`kind` is a link).
fn link_of(kind: &ExprKind) -> Link<'_> {
    match kind {
        ExprKind::ArrayDim { dim: Some(k), .. } => Link::Dim(*k),
        ExprKind::Property { name, .. } => Link::Prop(name),
        _ => unreachable!("not a link of a chain"),
    }
}

/// The container or object below the link `kind`.
fn below(kind: &ExprKind) -> ExprId {
    match kind {
        ExprKind::ArrayDim { base, .. } => *base,
        ExprKind::Property { object, .. } => *object,
        _ => unreachable!("not a link of a chain"),
    }
}
