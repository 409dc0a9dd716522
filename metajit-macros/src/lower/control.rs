//! Lowering of control flow: `if`, `match`, loops, `break` and `continue`.

use super::*;

impl Lowerer<'_> {
    // ------------------------------------------------------------ control flow

    /// Lowers a condition, branching to `t` or `f`.
    pub fn cond(&mut self, e: &Expr, t: BlockId, f: BlockId) {
        match e {
            Expr::Paren(p) => self.cond(&p.expr, t, f),
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                let mid = self.new_block();
                self.cond(&b.left, mid, f);
                self.switch_to(mid);
                self.cond(&b.right, t, f);
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Or(_)) => {
                let mid = self.new_block();
                self.cond(&b.left, t, mid);
                self.switch_to(mid);
                self.cond(&b.right, t, f);
            }
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) && !self.is_green(e) => {
                self.cond(&u.expr, f, t)
            }
            Expr::Let(l) => {
                // The bindings go into the current scope: the one `if`/`while` opened for the
                // taken branch.
                let scrut = self.expr(&l.expr);
                self.switch(scrut, &[((*l.pat).clone(), t)], Some(f), true);
            }
            _ => {
                let c = self.expr(e);
                let b = if matches!(c, Ex::Green(..)) {
                    self.cur
                } else {
                    self.fresh_block()
                };
                let point = self.new_point(b, PointKind::Before);
                self.f.blocks[b].term = Some(Term::Branch {
                    cond: c,
                    point,
                    then_b: t,
                    else_b: f,
                });
                let dead = self.new_block();
                self.cur = dead;
            }
        }
    }

    pub(super) fn if_expr(&mut self, i: &syn::ExprIf) -> Ex {
        let result = self.new_temp();
        let then_b = self.new_block();
        let else_b = self.new_block();
        let join = self.new_block();
        self.push_scope();
        self.cond(&i.cond, then_b, else_b);
        self.switch_to(then_b);
        let v = self.block_value(&i.then_branch);
        self.assign_slot(result, v);
        self.goto(join);
        self.pop_scope();
        self.switch_to(else_b);
        let v = match &i.else_branch {
            Some((_, e)) => self.expr(e),
            None => Ex::Tuple(Vec::new()),
        };
        self.assign_slot(result, v);
        self.goto(join);
        self.switch_to(join);
        Ex::Slot(result)
    }

    pub(super) fn match_expr(&mut self, m: &syn::ExprMatch) -> Ex {
        let scrut = self.expr(&m.expr);
        let result = self.new_temp();
        let join = self.new_block();
        let targets: Vec<(Pat, BlockId)> = m
            .arms
            .iter()
            .map(|a| (a.pat.clone(), self.new_block()))
            .collect();
        let bodies: Vec<BlockId> = targets.iter().map(|t| t.1).collect();
        let scopes = self.switch(scrut, &targets, None, false);
        for ((arm, body), scope) in m.arms.iter().zip(bodies).zip(scopes) {
            self.switch_to(body);
            self.scopes.push(scope);
            let v = self.expr(&arm.body);
            self.assign_slot(result, v);
            self.pop_scope();
            self.goto(join);
        }
        self.switch_to(join);
        Ex::Slot(result)
    }

    /// Emits a switch on `scrut` with one arm per pattern (plus a wildcard arm to `otherwise`).
    /// Returns the scopes holding each arm's bindings; `bind_here` leaves the bindings in the
    /// current scope instead (for `let ... else`).
    pub(super) fn switch(
        &mut self,
        scrut: Ex,
        pats: &[(Pat, BlockId)],
        otherwise: Option<BlockId>,
        bind_here: bool,
    ) -> Vec<Vec<(String, Var)>> {
        let scrut = self.materialize(scrut);
        let b = self.fresh_block();
        let point = self.new_point(b, PointKind::Before);
        let mut arms = Vec::new();
        let mut scopes = Vec::new();
        for (pat, target) in pats {
            let (pat, guard) = match pat {
                Pat::Guard(g) => ((*g.pat).clone(), Some((*g.guard).clone())),
                p => (p.clone(), None),
            };
            let names = crate::green::pat_idents(&pat);
            let mut renamed = pat.clone();
            let mut bindings = Vec::new();
            let mut direct = Vec::new();
            if !bind_here {
                self.push_scope();
            }
            for n in &names {
                let id = syn::Ident::new(&format!("__metajit_b_{n}"), Span::call_site());
                let s = self.new_var(n, None);
                self.assigns.push((s, Rhs::Ex(scrut.clone())));
                bindings.push((id.clone(), s));
                direct.push((n.clone(), Var::Direct(id)));
            }
            rename_pat(&mut renamed, &names);
            let guard = guard.map(|g| {
                self.scopes.push(direct.clone());
                let ex = if self.is_green(&g) {
                    self.green(&g)
                } else {
                    self.error(g.span(), "match guards in traced code must be green");
                    Ex::Green(quote!(true), Vec::new())
                };
                self.pop_scope();
                ex
            });
            if !bind_here {
                scopes.push(self.scopes.pop().expect("arm scope"));
            }
            arms.push(Arm {
                pat: renamed.to_token_stream(),
                bindings,
                guard,
                target: *target,
            });
        }
        if let Some(o) = otherwise {
            arms.push(Arm {
                pat: quote!(_),
                bindings: Vec::new(),
                guard: None,
                target: o,
            });
        }
        self.f.blocks[b].term = Some(Term::Switch {
            scrut,
            point,
            arms,
            native: false,
        });
        let dead = self.new_block();
        self.cur = dead;
        scopes
    }

    pub(super) fn loop_expr(&mut self, l: &syn::ExprLoop) -> Ex {
        self.check_loops_allowed(l.span());
        let head = self.new_block();
        let exit = self.new_block();
        let result = self.new_temp();
        self.goto(head);
        self.switch_to(head);
        self.loops.push(LoopCtx {
            label: l.label.as_ref().map(|x| x.name.ident.to_string()),
            cont: Some(head),
            brk: exit,
            result: Some(result),
        });
        let v = self.block_value(&l.body);
        let _ = v;
        self.goto(head);
        self.loops.pop();
        self.switch_to(exit);
        Ex::Slot(result)
    }

    pub(super) fn while_expr(&mut self, w: &syn::ExprWhile) -> Ex {
        self.check_loops_allowed(w.span());
        let head = self.new_block();
        let body = self.new_block();
        let exit = self.new_block();
        self.goto(head);
        self.switch_to(head);
        self.push_scope();
        self.cond(&w.cond, body, exit);
        self.switch_to(body);
        self.loops.push(LoopCtx {
            label: w.label.as_ref().map(|x| x.name.ident.to_string()),
            cont: Some(head),
            brk: exit,
            result: None,
        });
        self.block_value(&w.body);
        self.goto(head);
        self.loops.pop();
        self.pop_scope();
        self.switch_to(exit);
        Ex::Tuple(Vec::new())
    }

    pub(super) fn for_expr(&mut self, f: &syn::ExprForLoop) -> Ex {
        self.check_loops_allowed(f.span());
        let Expr::Range(r) = &*f.expr else {
            self.error(f.expr.span(), "traced code can only loop over ranges (`for i in a..b`); iterators are not traceable");
            return Ex::Tuple(Vec::new());
        };
        let (Some(start), Some(end)) = (&r.start, &r.end) else {
            self.error(r.span(), "traced `for` loops need a bounded range");
            return Ex::Tuple(Vec::new());
        };
        let inclusive = matches!(r.limits, syn::RangeLimits::Closed(_));
        let v = self.exprs(vec![start, end]);
        let i = self.new_temp();
        let n = self.new_temp();
        self.assign_slot(i, v[0].clone());
        self.assign_slot(n, v[1].clone());
        let head = self.new_block();
        let body = self.new_block();
        let step = self.new_block();
        let exit = self.new_block();
        self.goto(head);
        self.switch_to(head);
        let cmp = if inclusive { "le" } else { "lt" };
        let b = self.fresh_block();
        let point = self.new_point(b, PointKind::Before);
        self.f.blocks[b].term = Some(Term::Branch {
            cond: Ex::Cmp(cmp, Box::new(Ex::Slot(i)), Box::new(Ex::Slot(n))),
            point,
            then_b: body,
            else_b: exit,
        });
        self.switch_to(body);
        self.push_scope();
        self.bind_pattern(&f.pat, Some(Ex::Slot(i)), None);
        self.loops.push(LoopCtx {
            label: f.label.as_ref().map(|x| x.name.ident.to_string()),
            cont: Some(step),
            brk: exit,
            result: None,
        });
        self.block_value(&f.body);
        self.loops.pop();
        self.pop_scope();
        self.goto(step);
        self.switch_to(step);
        self.assign_slot(
            i,
            Ex::Arith(
                quote!(+),
                Box::new(Ex::Slot(i)),
                Box::new(Ex::Green(quote!(1), Vec::new())),
            ),
        );
        self.goto(head);
        self.switch_to(exit);
        Ex::Tuple(Vec::new())
    }

    pub(super) fn check_loops_allowed(&mut self, span: Span) {
        if !self.cfg.allow_loops {
            self.error(
                span,
                "loops in #[metajit::jit] functions are not traced; mark the function #[metajit::unroll_safe] if the loop runs a small, fixed number of times, or #[metajit::dont_look_inside] to call it natively",
            );
        }
    }
}
