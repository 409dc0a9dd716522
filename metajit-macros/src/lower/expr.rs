//! Lowering of expressions: operators, calls, field and array access, hints.

use super::*;

impl Lowerer<'_> {
    // ------------------------------------------------------------ expressions

    /// Lowers `e` for its effect only.
    pub fn expr_effect(&mut self, e: &Expr) {
        match e {
            Expr::Assign(a) => self.assign(&a.left, &a.right),
            Expr::Binary(b) if is_assign_op(&b.op) => {
                self.compound_assign(&b.left, &b.op, &b.right)
            }
            _ => {
                let v = self.expr(e);
                if !matches!(v, Ex::Tuple(ref t) if t.is_empty()) && !v.is_stable() {
                    self.push(None, Rhs::Ex(v));
                }
            }
        }
    }

    /// Lowers `e` for its value.
    pub fn expr(&mut self, e: &Expr) -> Ex {
        if self.is_green(e) && green_emittable(e) {
            return self.green(e);
        }
        let unit = Ex::Tuple(Vec::new());
        match e {
            Expr::Path(p) => match p.path.get_ident().map(|i| i.to_string()) {
                Some(name) if self.invalid.contains(&name) => {
                    self.error(p.span(), format!("`{name}` is declared before the dispatch loop but is neither a green nor a red; list it in greens(..) or reds(..)"));
                    unit
                }
                Some(name) => match self.lookup(&name) {
                    Some(Var::Slot(s)) => Ex::Slot(s),
                    Some(Var::Direct(i)) => Ex::Green(quote!(#i), Vec::new()),
                    None => self.green(e),
                },
                None => self.green(e),
            },
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Lit(_) => self.green(e),
            Expr::Unary(u) => match u.op {
                syn::UnOp::Deref(_) => {
                    // `*x` on a red Copy value (a reference to a scalar is not red): read it as is.
                    self.expr(&u.expr)
                }
                syn::UnOp::Not(t) => {
                    let a = self.expr(&u.expr);
                    Ex::Unary(quote!(#t), Box::new(a))
                }
                syn::UnOp::Neg(t) => {
                    let a = self.expr(&u.expr);
                    Ex::Unary(quote!(#t), Box::new(a))
                }
                _ => {
                    self.error(u.span(), "unsupported unary operator in traced code");
                    unit
                }
            },
            Expr::Binary(b) => self.binary(b),
            Expr::Cast(c) => {
                let a = self.expr(&c.expr);
                Ex::Cast(Box::new(a), c.ty.to_token_stream())
            }
            Expr::Field(f) => {
                let base = self.expr(&f.base);
                match &f.member {
                    syn::Member::Named(_) => Ex::Field(Box::new(base), f.member.clone()),
                    syn::Member::Unnamed(_) => Ex::TupleField(Box::new(base), f.member.clone()),
                }
            }
            Expr::Index(i) => self.index(i),
            Expr::Tuple(t) => {
                let v = self.exprs(t.elems.iter().collect());
                Ex::Tuple(v)
            }
            Expr::Call(c) => self.call(c),
            Expr::MethodCall(m) => self.method_call(m),
            Expr::Block(b) if b.label.is_none() => self.block_value(&b.block),
            Expr::Block(b) => {
                let exit = self.new_block();
                let result = self.new_temp();
                self.loops.push(LoopCtx {
                    label: b.label.as_ref().map(|l| l.name.ident.to_string()),
                    cont: None,
                    brk: exit,
                    result: Some(result),
                });
                let v = self.block_value(&b.block);
                self.assign_slot(result, v);
                self.loops.pop();
                self.goto(exit);
                self.switch_to(exit);
                Ex::Slot(result)
            }
            Expr::Unsafe(u) => {
                self.unsafe_depth += 1;
                let v = self.block_value(&u.block);
                self.unsafe_depth -= 1;
                v
            }
            Expr::If(i) => self.if_expr(i),
            Expr::Match(m) => self.match_expr(m),
            Expr::Loop(l) => self.loop_expr(l),
            Expr::While(w) => self.while_expr(w),
            Expr::ForLoop(f) => self.for_expr(f),
            Expr::Assign(_) => {
                self.expr_effect(e);
                unit
            }
            Expr::Return(r) => {
                // `return Err(e)` says nothing of the success type (`Ok(x)` of the error type,
                // `None` of the value's), which the conversion to the twin's form would have to
                // guess: they are built in the twin's return type directly, and only the
                // payload is converted.
                if let Some((ctor, payload)) = r.expr.as_deref().and_then(variant_payload) {
                    let v = self.expr(payload);
                    let (tokens, uses) = match self.materialize(v) {
                        Ex::Slot(s) => {
                            let id = crate::emit::slot_ident(s);
                            (quote!(#id.get()), vec![s])
                        }
                        Ex::Green(t, u) => (t, u),
                        Ex::WeAreJitted => (quote!(::metajit::twin::we_are_jitted()), Vec::new()),
                        _ => unreachable!("materialized values are slots or constants"),
                    };
                    self.terminate(Term::ReturnRaw(Ex::Green(
                        quote!(#ctor(::metajit::twin::from_value(#tokens))),
                        uses,
                    )));
                    return unit;
                }
                if r.expr.as_deref().is_some_and(is_none) {
                    self.terminate(Term::ReturnRaw(Ex::Green(
                        quote!(::core::option::Option::None),
                        Vec::new(),
                    )));
                    return unit;
                }
                let v = match &r.expr {
                    Some(x) => self.expr(x),
                    None => Ex::Tuple(Vec::new()),
                };
                self.terminate(Term::Return(v));
                unit
            }
            Expr::Break(b) => {
                let v = b.expr.as_ref().map(|x| self.expr(x));
                match self.find_loop(b.label.as_ref(), b.span(), false) {
                    Some(i) => {
                        if let (Some(v), Some(r)) = (v, self.loops[i].result) {
                            self.assign_slot(r, v);
                        }
                        let t = self.loops[i].brk;
                        self.terminate(Term::Goto(t));
                    }
                    None => self.terminate(Term::Panic(quote!(unreachable!()))),
                }
                unit
            }
            Expr::Continue(c) => {
                match self.find_loop(c.label.as_ref(), c.span(), true) {
                    Some(i) => {
                        let t = self.loops[i].cont.expect("loops have a continue target");
                        self.terminate(Term::Goto(t));
                    }
                    None => self.terminate(Term::Panic(quote!(unreachable!()))),
                }
                unit
            }
            Expr::Try(t) => self.try_expr(&t.expr),
            Expr::Struct(st) if st.rest.is_none() && st.qself.is_none() => {
                let values = self.exprs(st.fields.iter().map(|f| &f.expr).collect());
                let fields = st
                    .fields
                    .iter()
                    .map(|f| f.member.clone())
                    .zip(values)
                    .collect();
                let path = &st.path;
                Ex::StructLit(quote!(#path), fields)
            }
            Expr::Macro(m) => self.macro_expr(&m.mac),
            Expr::Let(l) => {
                self.error(l.span(), "`let` expressions are only supported as the whole condition of `if let`/`while let` in traced code");
                unit
            }
            other => {
                let what = describe_expr(other);
                self.error(
                    other.span(),
                    format!("{what} cannot be traced with red values; compute it from green values only, or move it into a #[metajit::dont_look_inside] function"),
                );
                unit
            }
        }
    }

    /// Lowers sibling expressions in order, keeping earlier values in temps when a later one
    /// may run statements (so effects happen in source order).
    pub(super) fn exprs(&mut self, es: Vec<&Expr>) -> Vec<Ex> {
        let mut out = Vec::with_capacity(es.len());
        for (i, e) in es.iter().enumerate() {
            let v = self.expr(e);
            let later_emits = es[i + 1..].iter().any(|x| self.may_emit(x));
            out.push(if later_emits { self.materialize(v) } else { v });
        }
        out
    }

    /// Whether lowering `e` may add statements or blocks.
    pub(super) fn may_emit(&self, e: &Expr) -> bool {
        if self.is_green(e) && green_emittable(e) {
            return false;
        }
        match e {
            Expr::Lit(_) | Expr::Path(_) => false,
            Expr::Paren(p) => self.may_emit(&p.expr),
            Expr::Group(g) => self.may_emit(&g.expr),
            Expr::Unary(u) => self.may_emit(&u.expr),
            Expr::Cast(c) => self.may_emit(&c.expr),
            Expr::Field(f) => self.may_emit(&f.base),
            Expr::Struct(st) => st.fields.iter().any(|f| self.may_emit(&f.expr)),
            Expr::Tuple(t) => t.elems.iter().any(|x| self.may_emit(x)),
            Expr::Binary(b) => {
                matches!(
                    b.op,
                    syn::BinOp::Div(_)
                        | syn::BinOp::Rem(_)
                        | syn::BinOp::And(_)
                        | syn::BinOp::Or(_)
                ) || is_assign_op(&b.op)
                    || self.may_emit(&b.left)
                    || self.may_emit(&b.right)
            }
            _ => true,
        }
    }

    pub(super) fn find_loop(
        &mut self,
        label: Option<&syn::Lifetime>,
        span: Span,
        is_continue: bool,
    ) -> Option<usize> {
        let found = match label {
            Some(l) => {
                let name = l.ident.to_string();
                self.loops
                    .iter()
                    .rposition(|c| c.label.as_deref() == Some(name.as_str()))
            }
            None => self.loops.iter().rposition(|c| c.cont.is_some()),
        };
        if found.is_none() || (is_continue && found.is_some_and(|i| self.loops[i].cont.is_none())) {
            self.error(span, "break/continue target not found in traced code");
            return None;
        }
        found
    }

    pub(super) fn binary(&mut self, b: &syn::ExprBinary) -> Ex {
        use syn::BinOp::*;
        match &b.op {
            And(_) | Or(_) => {
                let t = self.new_temp();
                let yes = self.new_block();
                let no = self.new_block();
                let join = self.new_block();
                let e = Expr::Binary(b.clone());
                self.cond(&e, yes, no);
                self.switch_to(yes);
                self.assign_slot(t, Ex::Green(quote!(true), Vec::new()));
                self.goto(join);
                self.switch_to(no);
                self.assign_slot(t, Ex::Green(quote!(false), Vec::new()));
                self.goto(join);
                self.switch_to(join);
                Ex::Slot(t)
            }
            Div(_) | Rem(_) => {
                let v = self.exprs(vec![&b.left, &b.right]);
                let (a, c) = (v[0].clone(), v[1].clone());
                let t = self.new_temp();
                let op = if matches!(b.op, Div(_)) { "div" } else { "rem" };
                self.guarded(Some(t), |point| Rhs::DivRem { op, a, b: c, point });
                Ex::Slot(t)
            }
            Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) => {
                let name = match b.op {
                    Eq(_) => "eq",
                    Ne(_) => "ne",
                    Lt(_) => "lt",
                    Le(_) => "le",
                    Gt(_) => "gt",
                    _ => "ge",
                };
                let v = self.exprs(vec![&b.left, &b.right]);
                Ex::Cmp(name, Box::new(v[0].clone()), Box::new(v[1].clone()))
            }
            op if is_assign_op(op) => {
                self.compound_assign(&b.left, op, &b.right);
                Ex::Tuple(Vec::new())
            }
            op => {
                let v = self.exprs(vec![&b.left, &b.right]);
                Ex::Arith(
                    op.to_token_stream(),
                    Box::new(v[0].clone()),
                    Box::new(v[1].clone()),
                )
            }
        }
    }

    pub(super) fn index(&mut self, i: &syn::ExprIndex) -> Ex {
        let t = self.new_temp();
        if self.is_green(&i.expr) && green_emittable(&i.expr) {
            let (base, base_uses) = self.green_tokens(&i.expr);
            let idx = self.expr(&i.index);
            self.guarded(Some(t), |point| Rhs::GreenIndex {
                base,
                base_uses,
                idx,
                point,
            });
        } else {
            let v = self.exprs(vec![&i.expr, &i.index]);
            let (base, idx) = (v[0].clone(), v[1].clone());
            self.guarded(Some(t), |point| Rhs::Index { base, idx, point });
        }
        Ex::Slot(t)
    }

    pub(super) fn call(&mut self, c: &syn::ExprCall) -> Ex {
        let Expr::Path(p) = &*c.func else {
            self.error(c.func.span(), "traced code can only call functions by path");
            return Ex::Tuple(Vec::new());
        };
        if let Some(h) = hint_name(&p.path) {
            let args: Vec<&Expr> = c.args.iter().collect();
            let vals = self.exprs(args);
            return match (h.as_str(), vals.as_slice()) {
                ("promote", [v]) => {
                    let t = self.new_temp();
                    let v = v.clone();
                    let plain = std::mem::take(&mut self.want_plain);
                    self.guarded(Some(t), |point| Rhs::Promote {
                        val: v,
                        point,
                        plain,
                    });
                    Ex::Slot(t)
                }
                ("we_are_jitted", []) => Ex::WeAreJitted,
                ("is_constant", [v]) => Ex::IsConstant(Box::new(v.clone())),
                ("assert_green", [v]) => {
                    self.push(None, Rhs::AssertGreen(v.clone()));
                    Ex::Tuple(Vec::new())
                }
                _ => {
                    self.error(
                        c.span(),
                        format!("wrong number of arguments to metajit::{h}"),
                    );
                    Ex::Tuple(Vec::new())
                }
            };
        }
        if let Some((func, types)) = class_test(&p.path)
            && c.args.len() == 1
        {
            let v = self.expr(&c.args[0]);
            let t = self.new_temp();
            let red = func == "downcast";
            self.guarded(Some(t), |point| Rhs::ClassTest {
                func,
                types,
                arg: v,
                point,
                red,
            });
            return Ex::Slot(t);
        }
        if is_constructor(&p.path) {
            let args = self.exprs(c.args.iter().collect());
            return Ex::Construct(p.path.to_token_stream(), args);
        }
        if is_float_from_bits(&p.path) && c.args.len() == 1 {
            let args = self.exprs(c.args.iter().collect());
            return Ex::Construct(quote!(::metajit::twin::float_from_bits), args);
        }
        if is_interrupt_poll(&p.path) && c.args.is_empty() {
            return Ex::ExecCall(quote!(::metajit::twin::interrupt_pending), Vec::new());
        }
        if let Some(f) = ref_cast(&p.path)
            && c.args.len() == 1
        {
            let args = self.exprs(c.args.iter().collect());
            let generics = &p.path.segments.last().expect("a path").arguments;
            return Ex::Construct(quote!(::metajit::twin::#f #generics), args);
        }
        if is_pure_std(&p.path) {
            self.error(
                c.span(),
                "standard-library functions can only be called on green values in traced code; wrap the call in a #[metajit::elidable] function",
            );
            return Ex::Tuple(Vec::new());
        }
        let args = self.exprs(c.args.iter().collect());
        self.emit_call(Callee::Path(p.path.clone()), None, args, c.span())
    }

    pub(super) fn method_call(&mut self, m: &syn::ExprMethodCall) -> Ex {
        if self.is_green(&m.receiver) && green_emittable(&m.receiver) {
            // A method of green data with red arguments: the arguments are promoted (each
            // becomes a constant of the trace, guarded), and the call runs natively.
            let (recv, mut uses) = self.green_tokens(&m.receiver);
            let vals = self.exprs(m.args.iter().collect());
            let mut args = Vec::new();
            for v in vals {
                let t = self.new_temp();
                self.guarded(Some(t), |point| Rhs::Promote {
                    val: v,
                    point,
                    plain: true,
                });
                uses.push(t);
                let id = crate::emit::slot_ident(t);
                args.push(quote!(#id.get()));
            }
            let method = &m.method;
            let turbofish = &m.turbofish;
            return Ex::Green(quote!(#recv.#method #turbofish (#(#args),*)), uses);
        }
        let mut all: Vec<&Expr> = vec![&m.receiver];
        all.extend(m.args.iter());
        let mut vals = self.exprs(all);
        let recv = vals.remove(0);
        if m.method == "len" && vals.is_empty() {
            return Ex::ArrayLen(Box::new(recv));
        }
        self.emit_call(
            Callee::Method(m.method.clone()),
            Some(recv),
            vals,
            m.method.span(),
        )
    }

    pub(super) fn emit_call(
        &mut self,
        callee: Callee,
        recv: Option<Ex>,
        args: Vec<Ex>,
        span: Span,
    ) -> Ex {
        let t = self.new_temp();
        let b = self.fresh_block();
        let before = self.new_point(b, PointKind::Before);
        let cont = self.new_block();
        let after = self.new_point(cont, PointKind::After { result: Some(t) });
        self.push(
            Some(t),
            Rhs::Call {
                callee,
                recv,
                args,
                before,
                after,
                span,
            },
        );
        self.goto(cont);
        self.switch_to(cont);
        Ex::Slot(t)
    }

    pub(super) fn try_expr(&mut self, inner: &Expr) -> Ex {
        let v = self.expr(inner);
        let v = self.materialize(v);
        let t = self.new_temp();
        let r = self.new_temp();
        let ok = self.new_block();
        let bail = self.new_block();
        let b = self.cur;
        let p = self.new_point(b, PointKind::Before);
        let ok_id = syn::Ident::new("__metajit_ok", Span::call_site());
        let err_id = syn::Ident::new("__metajit_residual", Span::call_site());
        let scrut = match v {
            Ex::Slot(s) => {
                let id = crate::emit::slot_ident(s);
                Ex::Green(quote!(::metajit::twin::try_branch(#id.get())), vec![s])
            }
            Ex::Green(t, u) => Ex::Green(quote!(::metajit::twin::try_branch(#t)), u),
            _ => unreachable!("materialized values are slots or constants"),
        };
        self.assigns.push((t, Rhs::Ex(scrut.clone())));
        self.assigns.push((r, Rhs::Ex(scrut.clone())));
        let arms = vec![
            Arm {
                pat: quote!(::core::result::Result::Ok(#ok_id)),
                bindings: vec![(ok_id, t)],
                guard: None,
                target: ok,
            },
            Arm {
                pat: quote!(::core::result::Result::Err(#err_id)),
                bindings: vec![(err_id, r)],
                guard: None,
                target: bail,
            },
        ];
        self.f.blocks[b].term = Some(Term::Switch {
            scrut,
            point: p,
            arms,
            native: true,
        });
        let dead = self.new_block();
        self.cur = dead;
        self.switch_to(bail);
        let rid = crate::emit::slot_ident(r);
        self.terminate(Term::ReturnRaw(Ex::Green(
            quote!(::metajit::twin::from_residual(#rid.get())),
            vec![r],
        )));
        self.switch_to(ok);
        Ex::Slot(t)
    }
}

/// For `Ok(x)`, `Err(x)` or `Some(x)` (also with a path, `Result::Err(x)`): the variant's full
/// path and `x`.
fn variant_payload(e: &Expr) -> Option<(TokenStream, &Expr)> {
    match e {
        Expr::Call(c) if c.args.len() == 1 => match &*c.func {
            Expr::Path(p) => {
                // `Ok`, or `Result::Ok` and longer paths to it (not another enum's `Ok`).
                let segs = segments(&p.path);
                let owner_ok =
                    segs.len() == 1 || matches!(segs[segs.len() - 2].as_str(), "Result" | "Option");
                if !owner_ok {
                    return None;
                }
                let ctor = match segs.last()?.as_str() {
                    "Ok" => quote!(::core::result::Result::Ok),
                    "Err" => quote!(::core::result::Result::Err),
                    "Some" => quote!(::core::option::Option::Some),
                    _ => return None,
                };
                Some((ctor, c.args.first()?))
            }
            _ => None,
        },
        Expr::Paren(p) => variant_payload(&p.expr),
        _ => None,
    }
}

/// Whether `e` is `None` (also `Option::None`).
fn is_none(e: &Expr) -> bool {
    match e {
        Expr::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "None"),
        Expr::Paren(p) => is_none(&p.expr),
        _ => false,
    }
}

/// `f64::from_bits` (a bit reinterpretation traced code records as one operation).
/// `metajit::interrupt_pending()`: the poll of the interrupt flag.
fn is_interrupt_poll(p: &syn::Path) -> bool {
    let segs = segments(p);
    matches!(segs.as_slice(), [a, b] if a == "metajit" && b == "interrupt_pending")
}

fn is_float_from_bits(p: &syn::Path) -> bool {
    let segs = segments(p);
    matches!(segs.as_slice(), [a, b] if a == "f64" && b == "from_bits")
}

/// `metajit::has_class`, `metajit::downcast` or `metajit::record_exact_class`: the twin
/// function's name and the type arguments written.
fn class_test(p: &syn::Path) -> Option<(syn::Ident, Vec<TokenStream>)> {
    let segs = segments(p);
    let [m, f] = segs.as_slice() else {
        return None;
    };
    if m != "metajit" || !matches!(f.as_str(), "has_class" | "downcast" | "record_exact_class") {
        return None;
    }
    let types = match &p.segments.last()?.arguments {
        syn::PathArguments::AngleBracketed(a) => {
            a.args.iter().map(|g| g.to_token_stream()).collect()
        }
        _ => Vec::new(),
    };
    Some((syn::Ident::new(f, p.span()), types))
}

/// `metajit::ref_from_addr` / `metajit::ref_addr` (reinterpretations between addresses and
/// references), by the twin function's name.
fn ref_cast(p: &syn::Path) -> Option<syn::Ident> {
    let segs = segments(p);
    match segs.as_slice() {
        [m, f] if m == "metajit" && (f == "ref_from_addr" || f == "ref_addr" || f == "ref_of") => {
            Some(syn::Ident::new(f, p.span()))
        }
        _ => None,
    }
}
