//! Lowering of statements and blocks: `let`, expression statements, scopes.

use super::*;

impl Lowerer<'_> {
    // ------------------------------------------------------------ statements and blocks

    pub(super) fn block_value(&mut self, b: &syn::Block) -> Ex {
        self.push_scope();
        let v = self.stmts_value(&b.stmts);
        self.pop_scope();
        v
    }

    pub(super) fn stmts_value(&mut self, stmts: &[SynStmt]) -> Ex {
        let mut value = Ex::Tuple(Vec::new());
        for (i, s) in stmts.iter().enumerate() {
            let last = i + 1 == stmts.len();
            match s {
                SynStmt::Expr(e, None) if last => value = self.expr(e),
                SynStmt::Expr(e, _) => self.expr_effect(e),
                SynStmt::Local(l) => self.local(l),
                SynStmt::Item(item) => self.items.push(item.clone()),
                SynStmt::Macro(m) => {
                    self.macro_stmt(&m.mac, m.semi_token.is_none() && last, &mut value)
                }
            }
        }
        value
    }

    pub(super) fn local(&mut self, l: &syn::Local) {
        let init = l.init.as_ref();
        if let Some(LocalInitRef {
            diverge: Some(else_e),
            expr,
        }) = init.map(|i| LocalInitRef {
            expr: &i.expr,
            diverge: i.diverge.as_ref().map(|d| &*d.1),
        }) {
            // let PAT = e else { diverge };
            let scrut = self.expr(expr);
            let ok = self.new_block();
            let fail = self.new_block();
            self.switch(scrut, &[(l.pat.clone(), ok)], Some(fail), true);
            self.switch_to(fail);
            self.expr_effect(else_e);
            self.terminate(Term::Panic(quote!(unreachable!("let-else fell through"))));
            self.switch_to(ok);
            return;
        }
        let value = init.map(|i| self.expr(&i.expr));
        self.bind_pattern(&l.pat, value, None);
    }

    /// Binds `pat` (an identifier, `_`, a typed identifier or a tuple of those) to `value`.
    pub(super) fn bind_pattern(&mut self, pat: &Pat, value: Option<Ex>, ty: Option<TokenStream>) {
        match pat {
            Pat::Ident(i) if i.subpat.is_none() && i.by_ref.is_none() => {
                let name = i.ident.to_string();
                let s = self.new_var(&name, ty);
                if let Some(v) = value {
                    self.assign_slot(s, v);
                }
            }
            Pat::Type(t) => {
                let ty = t.ty.to_token_stream();
                self.bind_pattern(&t.pat, value, Some(ty));
            }
            Pat::Wild(_) => {
                if let Some(v) = value {
                    self.push(None, Rhs::Ex(v));
                }
            }
            Pat::Tuple(t) => {
                let v = value.map(|v| self.materialize(v));
                for (k, p) in t.elems.iter().enumerate() {
                    let idx = syn::Index::from(k);
                    let elem = v.clone().map(|v| Ex::TupleField(Box::new(v), syn::Member::Unnamed(idx)));
                    self.bind_pattern(p, elem, None);
                }
            }
            Pat::Paren(p) => self.bind_pattern(&p.pat, value, ty),
            other => self.error(other.span(), "traced code only binds identifiers, `_` and tuples with `let`; use `match` or `let ... else` for other patterns"),
        }
    }

    pub(super) fn macro_stmt(&mut self, mac: &syn::Macro, is_value: bool, value: &mut Ex) {
        let ex = self.macro_expr(mac);
        if is_value {
            *value = ex;
        }
    }

    /// Lowers a macro call (the few the codewriter understands).
    pub fn macro_expr(&mut self, mac: &syn::Macro) -> Ex {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let unit = Ex::Tuple(Vec::new());
        match name.as_str() {
            "can_enter_jit" => {
                if self.cfg.portal.is_none() {
                    self.error(mac.span(), "can_enter_jit!() is only meaningful in the #[metajit::interpreter] function");
                }
                self.push(None, Rhs::CanEnterJit);
                unit
            }
            "merge_point" => {
                self.error(mac.span(), "merge_point!() must be the first statement of the dispatch loop of the #[metajit::interpreter] function");
                unit
            }
            "record_known_result" => {
                let parsed = mac.parse_body_with(|input: syn::parse::ParseStream<'_>| {
                    let result: Expr = input.parse()?;
                    input.parse::<syn::Token![,]>()?;
                    let call: syn::ExprCall = input.parse()?;
                    Ok((result, call))
                });
                let (result, call) = match parsed {
                    Ok(x) => x,
                    Err(e) => {
                        self.errors.push(syn::Error::new(
                            e.span(),
                            "expected `record_known_result!(result, f(args...))`",
                        ));
                        return unit;
                    }
                };
                let Expr::Path(p) = &*call.func else {
                    self.error(call.func.span(), "record_known_result! needs a call of a #[metajit::elidable] function by path");
                    return unit;
                };
                let mut all: Vec<&Expr> = vec![&result];
                all.extend(call.args.iter());
                let mut vals = self.exprs(all);
                let result = vals.remove(0);
                self.push(
                    None,
                    Rhs::KnownResult {
                        callee: p.path.clone(),
                        result,
                        args: vals,
                    },
                );
                unit
            }
            "new" if is_metajit_new(&mac.path) => self.new_object(mac),
            "inlines" => {
                let call: syn::ExprCall = match mac.parse_body() {
                    Ok(c) => c,
                    Err(e) => {
                        self.errors.push(syn::Error::new(
                            e.span(),
                            "expected `metajit::inlines!(function(greens...))`",
                        ));
                        return unit;
                    }
                };
                let syn::Expr::Path(p) = &*call.func else {
                    self.error(
                        call.func.span(),
                        "metajit::inlines! needs the interpreter function by path",
                    );
                    return unit;
                };
                let args = self.exprs(call.args.iter().collect());
                let path = &p.path;
                let t = self.new_temp();
                self.push(
                    Some(t),
                    Rhs::Ex(Ex::ExecCall(quote::quote!(#path::__metajit_inlines), args)),
                );
                Ex::Slot(t)
            }
            "panic" | "unreachable" | "todo" | "unimplemented" => {
                let tokens = self.macro_with_green_args(mac);
                self.terminate(Term::Panic(tokens));
                unit
            }
            "assert" | "debug_assert" | "assert_eq" | "debug_assert_eq" | "assert_ne"
            | "debug_assert_ne" => {
                let args = match mac.parse_body_with(
                    syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
                ) {
                    Ok(a) => a.into_iter().collect::<Vec<_>>(),
                    Err(e) => {
                        self.errors.push(e);
                        return unit;
                    }
                };
                let cond: Expr = match (name.trim_start_matches("debug_"), args.as_slice()) {
                    ("assert", [c, ..]) => c.clone(),
                    ("assert_eq", [a, b, ..]) => syn::parse_quote!((#a) == (#b)),
                    ("assert_ne", [a, b, ..]) => syn::parse_quote!((#a) != (#b)),
                    _ => {
                        self.error(mac.span(), "malformed assertion");
                        return unit;
                    }
                };
                let ok = self.new_block();
                let fail = self.new_block();
                if name.starts_with("debug_") {
                    // Checked only where the native code checks it: in debug builds.
                    let check = self.new_block();
                    let b = self.cur;
                    let point = self.new_point(b, PointKind::Before);
                    self.f.blocks[b].term = Some(Term::Branch {
                        cond: Ex::Green(quote!(::core::cfg!(debug_assertions)), Vec::new()),
                        point,
                        then_b: check,
                        else_b: ok,
                    });
                    self.switch_to(check);
                }
                self.cond(&cond, ok, fail);
                self.switch_to(fail);
                // The message: the user's (green) format arguments, or the condition.
                let extra = match name.trim_start_matches("debug_") {
                    "assert" => &args[1.min(args.len())..],
                    _ => &args[2.min(args.len())..],
                };
                for a in extra {
                    if !self.is_green(a) || self.formats_red_local(a) {
                        self.error(
                            a.span(),
                            format!("the message of `{name}!` in traced code may only use green values (a traced panic cannot format a red one); drop the argument or check in a #[metajit::dont_look_inside] function"),
                        );
                        return unit;
                    }
                }
                let msg = if extra.is_empty() {
                    let text = format!("assertion failed: {}", cond.to_token_stream());
                    quote!(panic!("{}", #text))
                } else {
                    let parts: Vec<TokenStream> =
                        extra.iter().map(|a| self.green_tokens(a).0).collect();
                    quote!(panic!(#(#parts),*))
                };
                self.terminate(Term::Panic(msg));
                self.switch_to(ok);
                unit
            }
            _ => {
                self.error(
                    mac.span(),
                    format!("the macro `{name}!` cannot be traced; move it into a #[metajit::dont_look_inside] function"),
                );
                unit
            }
        }
    }

    /// A panicking macro with its (green) arguments substituted.
    pub(super) fn macro_with_green_args(&mut self, mac: &syn::Macro) -> TokenStream {
        let path = &mac.path;
        let Ok(args) = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            return mac.to_token_stream();
        };
        let mut out = Vec::new();
        for a in &args {
            if !self.is_green(a) {
                self.error(
                    a.span(),
                    "arguments of panicking macros in traced code must be green",
                );
            }
            out.push(self.green_tokens(a).0);
        }
        quote!(#path!(#(#out),*))
    }
}

/// `metajit::new!` (or `new!` imported from metajit).
fn is_metajit_new(p: &syn::Path) -> bool {
    let segs = segments(p);
    matches!(segs.as_slice(), [n] if n == "new")
        || matches!(segs.as_slice(), [m, n] if m == "metajit" && n == "new")
}

/// `JitArray::new(len, fill)` (or `metajit::JitArray::new`, with or without a turbofish).
fn is_jitarray_new(e: &Expr) -> Option<&syn::ExprCall> {
    let Expr::Call(c) = e else { return None };
    let Expr::Path(p) = &*c.func else { return None };
    let segs = segments(&p.path);
    let n = segs.len();
    (n >= 2 && segs[n - 2] == "JitArray" && segs[n - 1] == "new" && c.args.len() == 2).then_some(c)
}

impl Lowerer<'_> {
    /// `metajit::new!(T { field: value, ... })`: the values in order (a `JitArray::new` as a
    /// field's value allocates an array), then the allocation, in one statement.
    fn new_object(&mut self, mac: &syn::Macro) -> Ex {
        let lit: syn::ExprStruct = match mac.parse_body() {
            Ok(l) => l,
            Err(e) => {
                self.errors.push(syn::Error::new(
                    e.span(),
                    "expected `metajit::new!(Type { field: value, ... })`",
                ));
                return Ex::Tuple(Vec::new());
            }
        };
        if lit.rest.is_some() || lit.qself.is_some() {
            self.error(
                lit.span(),
                "metajit::new! takes a struct literal without `..`",
            );
            return Ex::Tuple(Vec::new());
        }
        let mut fields = Vec::new();
        for (i, f) in lit.fields.iter().enumerate() {
            let later_emits = lit
                .fields
                .iter()
                .skip(i + 1)
                .any(|g| self.may_emit(&g.expr));
            let v = match is_jitarray_new(&f.expr) {
                Some(c) => {
                    let args = self.exprs(c.args.iter().collect());
                    Ex::ExecCall(quote::quote!(::metajit::twin::new_array), args)
                }
                None => self.expr(&f.expr),
            };
            let v = if later_emits { self.materialize(v) } else { v };
            fields.push((f.member.clone(), v));
        }
        let t = self.new_temp();
        let path = &lit.path;
        self.push(Some(t), Rhs::Ex(Ex::New(quote::quote!(#path), fields)));
        Ex::Slot(t)
    }
}
