//! Lowering of assignments: plain, compound, to fields, array items and locals.

use super::*;

impl Lowerer<'_> {
    // ------------------------------------------------------------ assignment

    pub(super) fn assign(&mut self, lhs: &Expr, rhs: &Expr) {
        match lhs {
            Expr::Path(p) if p.path.get_ident().is_some() => {
                let name = p.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                // A promotion assigned to a green of the portal gives a plain value.
                let target = self.lookup(&name);
                if let Some(Var::Slot(s)) = &target
                    && self.portal_slots.0.contains(s)
                    && is_promote_call(rhs)
                {
                    self.want_plain = true;
                }
                let v = self.expr(rhs);
                self.want_plain = false;
                match target {
                    Some(Var::Slot(s)) => self.assign_slot(s, v),
                    _ => self.error(p.span(), format!("assignment to `{name}`, which is not a local of traced code")),
                }
            }
            Expr::Field(f) if matches!(f.member, syn::Member::Named(_)) => {
                if self.is_green(&f.base) {
                    self.error(f.span(), "traced code may not write to green data (greens must be immutable)");
                    return;
                }
                let v = self.exprs(vec![&f.base, rhs]);
                let (base, val) = (v[0].clone(), v[1].clone());
                self.push(None, Rhs::SetField { base, member: f.member.clone(), val });
            }
            Expr::Index(i) => {
                if self.is_green(&i.expr) {
                    self.error(i.span(), "traced code may not write to green data (greens must be immutable)");
                    return;
                }
                let v = self.exprs(vec![&i.expr, &i.index, rhs]);
                let (base, idx, val) = (v[0].clone(), v[1].clone(), v[2].clone());
                self.guarded(None, |point| Rhs::SetIndex { base, idx, val, point });
            }
            Expr::Paren(p) => self.assign(&p.expr, rhs),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.error(u.span(), "traced code cannot write through `*`; write to a field or array item of a JIT-visible object")
            }
            other => self.error(other.span(), "unsupported assignment target in traced code"),
        }
    }

    pub(super) fn compound_assign(&mut self, lhs: &Expr, op: &syn::BinOp, rhs: &Expr) {
        let bin = compound_to_binary(op);
        match lhs {
            Expr::Path(_) | Expr::Paren(_) => {
                let e: Expr = syn::parse_quote!(#lhs #bin (#rhs));
                self.assign(lhs, &e);
            }
            Expr::Field(f) => {
                if self.is_green(&f.base) {
                    self.error(
                        f.span(),
                        "traced code may not write to green data (greens must be immutable)",
                    );
                    return;
                }
                let base = self.expr(&f.base);
                let base = self.materialize(base);
                let cur = Ex::Field(Box::new(base.clone()), f.member.clone());
                let r = self.expr(rhs);
                let val = self.combine(bin, cur, r);
                self.push(
                    None,
                    Rhs::SetField {
                        base,
                        member: f.member.clone(),
                        val,
                    },
                );
            }
            Expr::Index(i) => {
                if self.is_green(&i.expr) {
                    self.error(
                        i.span(),
                        "traced code may not write to green data (greens must be immutable)",
                    );
                    return;
                }
                // On primitive operands Rust evaluates the right-hand side first, then the
                // place: `a[i] += f(a)` reads the item after `f` ran.
                let r = self.expr(rhs);
                let r = self.materialize(r);
                let v = self.exprs(vec![&i.expr, &i.index]);
                let base = self.materialize(v[0].clone());
                let idx = self.materialize(v[1].clone());
                let t = self.new_temp();
                let (b2, i2) = (base.clone(), idx.clone());
                self.guarded(Some(t), |point| Rhs::Index {
                    base: b2,
                    idx: i2,
                    point,
                });
                let val = self.combine(bin, Ex::Slot(t), r);
                let val = self.materialize(val);
                self.guarded(None, |point| Rhs::SetIndex {
                    base,
                    idx,
                    val,
                    point,
                });
            }
            other => self.error(
                other.span(),
                "unsupported compound assignment target in traced code",
            ),
        }
    }

    pub(super) fn combine(&mut self, op: syn::BinOp, a: Ex, b: Ex) -> Ex {
        use syn::BinOp::*;
        match op {
            Div(_) | Rem(_) => {
                let t = self.new_temp();
                let name = if matches!(op, Div(_)) { "div" } else { "rem" };
                self.guarded(Some(t), |point| Rhs::DivRem {
                    op: name,
                    a,
                    b,
                    point,
                });
                Ex::Slot(t)
            }
            op => Ex::Arith(op.to_token_stream(), Box::new(a), Box::new(b)),
        }
    }
}
