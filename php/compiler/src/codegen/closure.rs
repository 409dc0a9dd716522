//! Closures and arrow functions: each is compiled as a function of the program
//! ([`Program::closures`](crate::bytecode::Program::closures)) whose `use` variables take the
//! slots after its parameters; where it is written, `Op::MakeClosure` binds them.

use super::{Gen, Result, TEMP};
use crate::CompileError;
use crate::bytecode::{Op, Slot};
use php_syntax::ast::{ArrowFunction, Closure, ExprKind, Param, Staticness, StmtId};
use php_syntax::visit::{Child, walk_exprs};

/// How a closure is declared.
struct Flags {
    /// `static function`, `static fn`: no `$this`.
    is_static: bool,
    /// An arrow function: its variables are bound without warnings.
    arrow: bool,
    /// `function &()`.
    returns_ref: bool,
}

/// What a closure's body is.
enum Body<'a> {
    /// `function () { ... }`
    Stmts(&'a [StmtId]),
    /// `fn () => expr`
    Expr(php_syntax::ast::ExprId),
}

impl<'a> Gen<'a> {
    /// `function (...) use (...) { ... }`.
    pub(super) fn closure(&mut self, c: &'a Closure) -> Result<Slot> {
        let uses: Vec<(Box<[u8]>, bool)> = c
            .uses
            .iter()
            .map(|u| (u.name.name.clone(), u.by_ref))
            .collect();
        let is_static = c.staticness == Staticness::Static;
        let body = Body::Stmts(&c.body);
        self.make_closure(
            &c.params,
            &uses,
            body,
            c.return_type.as_ref(),
            Flags {
                is_static,
                arrow: false,
                returns_ref: c.by_ref,
            },
        )
    }

    /// `fn (...) => expr`: the variables its body uses are bound by value.
    pub(super) fn arrow(&mut self, a: &'a ArrowFunction) -> Result<Slot> {
        let mut names: Vec<Box<[u8]>> = Vec::new();
        walk_exprs(
            self.ast,
            Child::Expr(a.body),
            |k| !matches!(k, ExprKind::Closure(_)),
            |_, k| {
                let found: Vec<&[u8]> = match k {
                    ExprKind::Variable(n) => vec![&n[..]],
                    ExprKind::Closure(c) => c.uses.iter().map(|u| &u.name.name[..]).collect(),
                    _ => Vec::new(),
                };
                for n in found {
                    if n != b"this"
                        && !a.params.iter().any(|p| &p.name.name[..] == n)
                        && !names.iter().any(|x| &x[..] == n)
                    {
                        names.push(n.into());
                    }
                }
            },
        );
        let uses: Vec<(Box<[u8]>, bool)> = names.into_iter().map(|n| (n, false)).collect();
        let is_static = a.staticness == Staticness::Static;
        let ret = a.return_type.as_ref();
        self.make_closure(
            &a.params,
            &uses,
            Body::Expr(a.body),
            ret,
            Flags {
                is_static,
                arrow: true,
                returns_ref: a.by_ref,
            },
        )
    }

    fn make_closure(
        &mut self,
        params: &'a [Param],
        uses: &[(Box<[u8]>, bool)],
        body: Body<'a>,
        ret: Option<&'a php_syntax::ast::TypeHint>,
        flags: Flags,
    ) -> Result<Slot> {
        let Flags {
            is_static,
            arrow: quiet,
            returns_ref,
        } = flags;
        let mut g = Gen::new(self.unit, &self.scope.declare(b"{closure}"));
        g.returns_ref = returns_ref;
        g.f.class = self.f.class.clone();
        g.scope = self.scope.clone();
        g.line = self.line;
        g.f.line = self.line;
        g.params(params)?;
        g.f.ret = g.return_type(ret)?;
        for (name, by_ref) in uses {
            if g.cv_of.contains_key(name) {
                return Err(CompileError {
                    message: format!(
                        "Cannot use lexical variable ${} as a parameter name",
                        String::from_utf8_lossy(name)
                    ),
                    line: self.line,
                    fatal: true,
                });
            }
            g.cv(name);
            g.f.uses.push(*by_ref);
        }
        g.f.is_static = is_static;
        if !is_static {
            g.f.this = Some(g.cv(b"this"));
        }
        match body {
            Body::Stmts(list) => {
                g.bind_superglobals(list.iter().map(|&s| php_syntax::visit::Child::Stmt(s)));
                g.stmts(list)?;
                g.implicit_return(None);
            }
            Body::Expr(e) => {
                g.bind_superglobals(std::iter::once(php_syntax::visit::Child::Expr(e)));
                let v = g.expr(e)?;
                g.verify_return(Some(e), v)?;
                g.emit(Op::Return { src: v });
            }
        }
        let func = g.finish_checked()?;
        let index = {
            let mut list = self.unit.closures.borrow_mut();
            list.push(func);
            list.len() as u32 - 1
        };
        // The bound values, in consecutive temporaries.
        let base = self.next_temp;
        for _ in uses {
            self.temp();
        }
        for (i, (name, by_ref)) in uses.iter().enumerate() {
            let dst = TEMP | (base + i as Slot);
            let cv = if &name[..] == b"this" {
                self.this_slot()
            } else {
                self.cv(name)
            };
            if *by_ref {
                self.emit(Op::MakeRef { dst, cv });
            } else if quiet {
                self.emit(Op::LoadQuiet { dst, cv });
            } else {
                self.emit(Op::Load { dst, cv });
            }
        }
        let dst = self.temp();
        self.emit(Op::MakeClosure {
            dst,
            func: index,
            captures: TEMP | base,
            n: uses.len() as u32,
        });
        Ok(dst)
    }
}
