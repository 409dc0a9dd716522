//! `#[metajit::interpreter(greens(..), reds(..), driver = ..)]`: the dispatch function.
//!
//! The native function keeps its body; the codewriter only (1) rebinds green and red
//! parameters as mutable, (2) removes `merge_point!()` and (3) turns each `can_enter_jit!()`
//! into a call to the driver, which may hand back a new merge-point state (continue the
//! dispatch loop from it) or the function's result. The twin covers the dispatch loop and what
//! follows it, and is entered only at resume points (the merge point is point 0's block).

use crate::lower::PortalCfg;
use crate::twin_fn::{Body, Names, Param, lower, staticize, twin_items, twin_type};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream};
use syn::visit_mut::VisitMut;

struct Args {
    greens: Vec<syn::Ident>,
    reds: Vec<syn::Ident>,
    virtualizable: Vec<syn::Ident>,
    driver: Option<syn::Expr>,
    /// `recursive`: traced code calls the function (the guest language's calls).
    recursive: bool,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Args> {
        let mut a = Args {
            greens: Vec::new(),
            reds: Vec::new(),
            virtualizable: Vec::new(),
            driver: None,
            recursive: false,
        };
        while !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key == "recursive" && (input.is_empty() || input.peek(syn::Token![,])) {
                a.recursive = true;
            } else if input.peek(syn::Token![=]) {
                input.parse::<syn::Token![=]>()?;
                if key == "driver" {
                    a.driver = Some(input.parse()?);
                } else {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown interpreter option `{key}`"),
                    ));
                }
            } else {
                let content;
                syn::parenthesized!(content in input);
                let ids: Vec<syn::Ident> = content
                    .parse_terminated(syn::Ident::parse, syn::Token![,])?
                    .into_iter()
                    .collect();
                match key.to_string().as_str() {
                    "greens" => a.greens = ids,
                    "reds" => a.reds = ids,
                    "virtualizable" => a.virtualizable = ids,
                    "driver" => {
                        if ids.len() != 1 {
                            return Err(syn::Error::new(
                                key.span(),
                                "driver(..) names one parameter",
                            ));
                        }
                        let id = &ids[0];
                        a.driver = Some(syn::parse_quote!(#id));
                    }
                    other => {
                        return Err(syn::Error::new(
                            key.span(),
                            format!(
                                "unknown interpreter option `{other}` (expected greens, reds, virtualizable, driver, recursive)"
                            ),
                        ));
                    }
                }
            }
            if !input.is_empty() {
                input.parse::<syn::Token![,]>()?;
            }
        }
        Ok(a)
    }
}

fn is_macro_named(stmt: &syn::Stmt, name: &str) -> bool {
    let mac = match stmt {
        syn::Stmt::Macro(m) => &m.mac,
        syn::Stmt::Expr(syn::Expr::Macro(m), _) => &m.mac,
        _ => return false,
    };
    mac.path.segments.last().is_some_and(|s| s.ident == name)
}

/// Expands `#[metajit::interpreter]`.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    match expand_inner(attr, item) {
        Ok(t) => t,
        Err(e) => e.to_compile_error(),
    }
}

fn expand_inner(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: Args = syn::parse2(attr)?;
    let mut f: syn::ItemFn = syn::parse2(item)?;
    let Some(driver) = args.driver.clone() else {
        return Err(syn::Error::new(
            f.sig.ident.span(),
            "#[metajit::interpreter] needs `driver = <expression of type &metajit::JitDriver>`",
        ));
    };
    if args.greens.len() > 4 {
        return Err(syn::Error::new(
            args.greens[4].span(),
            "at most four greens are supported",
        ));
    }
    if args.virtualizable.len() > 1 {
        return Err(syn::Error::new(
            args.virtualizable[1].span(),
            "at most one red can be virtualizable",
        ));
    }
    let params = crate::funcs::params_of(&f.sig, &[])?;
    // Find the dispatch loop: a top-level `loop` whose first statement is `merge_point!()`.
    let idx = f
        .block
        .stmts
        .iter()
        .position(|s| matches!(s, syn::Stmt::Expr(syn::Expr::Loop(l), _) if l.body.stmts.first().is_some_and(|x| is_macro_named(x, "merge_point"))))
        .ok_or_else(|| syn::Error::new(f.sig.ident.span(), "the interpreter function must contain a top-level `loop { metajit::merge_point!(); ... }`"))?;
    let dispatch = match &f.block.stmts[idx] {
        syn::Stmt::Expr(syn::Expr::Loop(l), _) => l.clone(),
        _ => unreachable!(),
    };
    let rest: Vec<syn::Stmt> = f.block.stmts[idx + 1..].to_vec();
    let mut prologue_names = Vec::new();
    // Types of locals declared before the loop, when the source says them (an annotation or a
    // suffixed literal): the twin's slots for greens and reds get them.
    let mut prologue_types: Vec<(String, syn::Type)> = Vec::new();
    for s in &f.block.stmts[..idx] {
        if let syn::Stmt::Local(l) = s {
            prologue_names.extend(crate::green::pat_idents(&l.pat));
            if let Some((name, ty)) = local_type(l) {
                prologue_types.push((name, ty));
            }
        }
    }
    let all_names: Vec<String> = params
        .iter()
        .map(|p| p.name.to_string())
        .chain(prologue_names.iter().cloned())
        .collect();
    for id in args.greens.iter().chain(&args.reds) {
        if !all_names.contains(&id.to_string()) {
            return Err(syn::Error::new(
                id.span(),
                format!(
                    "`{id}` is neither a parameter nor a local declared before the dispatch loop"
                ),
            ));
        }
    }
    // The driver, when it is a parameter `&T`: twin code reads it from its executor.
    let driver_param = match &driver {
        syn::Expr::Path(p) => p.path.get_ident().and_then(|id| {
            params
                .iter()
                .find(|p| &p.name == id)
                .and_then(|p| match &p.ty {
                    syn::Type::Reference(r) if r.mutability.is_none() => {
                        Some((id.clone(), staticize(&r.elem)))
                    }
                    _ => None,
                })
        }),
        _ => None,
    };
    let cfg = PortalCfg {
        greens: args.greens.clone(),
        reds: args.reds.clone(),
        driver: driver_param
            .as_ref()
            .map(|(id, ty)| (id.clone(), crate::portal_call::driver_read(ty))),
    };
    let low = match lower(
        &params,
        &Body::Portal {
            dispatch: &dispatch,
            rest: &rest,
            cfg: &cfg,
            prologue_names,
        },
        true,
    ) {
        Ok(l) => l,
        Err(e) => return Ok(quote!(#e #f)),
    };
    let name = f.sig.ident.clone();
    let names = Names::new(&name);
    let ret = crate::funcs::ret_type(&f.sig);
    let ret_twin = twin_type(&ret, false);
    // Slot types: parameters' declared types (greens as is, reds in twin form).
    let mut slot_types = Vec::new();
    if let Some((_, greens, reds)) = &low.merge {
        let local_ty = |id: &syn::Ident| {
            prologue_types
                .iter()
                .find(|(n, _)| id == n)
                .map(|(_, t)| t.clone())
        };
        for (id, &s) in args.greens.iter().zip(greens) {
            if let Some(p) = params.iter().find(|p| &p.name == id) {
                slot_types.push((s, staticize(&p.ty).to_token_stream()));
            } else if let Some(t) = local_ty(id) {
                slot_types.push((s, staticize(&t).to_token_stream()));
            }
        }
        for (id, &s) in args.reds.iter().zip(reds) {
            let t = match (params.iter().find(|p| &p.name == id), local_ty(id)) {
                (Some(p), _) => twin_type(&p.ty, false),
                (None, Some(t)) => twin_type(&t, false),
                (None, None) => quote!(::metajit::twin::Sym<_>),
            };
            slot_types.push((s, t));
        }
    }
    // The twin's fresh entry (an inlined call) takes the state at the first merge point,
    // when every green's and red's type is known.
    let state_types: Option<Vec<TokenStream>> = low.merge.as_ref().and_then(|(_, g, r)| {
        g.iter()
            .chain(r)
            .map(|s| {
                slot_types
                    .iter()
                    .find(|(x, _)| x == s)
                    .map(|(_, t)| t.clone())
                    .filter(|t| !t.to_string().ends_with("< _ >"))
            })
            .collect()
    });
    let fresh_ty = match &state_types {
        Some(t) => quote!((#(#t,)*)),
        None => quote!(()),
    };
    let twin = twin_items(
        &name,
        &names,
        &low,
        &fresh_ty,
        &ret_twin,
        &slot_types,
        Some((&names.portal, state_types.is_some())),
    );
    let calls = crate::portal_call::PortalCall {
        f: &f,
        params: &params,
        greens: &args.greens,
        reds: &args.reds,
        driver: driver_param.filter(|_| state_types.is_some()),
        prologue: &f.block.stmts[..idx],
        names: &names,
        recursive: args.recursive,
    }
    .items();
    // The native function.
    let label = dispatch
        .label
        .as_ref()
        .map(|l| l.name.clone())
        .unwrap_or_else(|| syn::Lifetime::new("'__metajit_portal", proc_macro2::Span::call_site()));
    let portal_ident = &names.portal;
    let greens = &args.greens;
    let reds = &args.reds;
    let ng = greens.len();
    let set_greens = greens
        .iter()
        .enumerate()
        .map(|(i, g)| quote!(#g = ::metajit::JitValue::from_bits(__s.0[#i]);));
    let set_reds = reds.iter().enumerate().map(|(i, r)| {
        let k = ng + i;
        quote!(#r = unsafe { ::metajit::twin::TwinType::from_twin(::metajit::JitValue::from_bits(__s.0[#k])) };)
    });
    let ret_static = staticize(&ret);
    let red_states: Vec<TokenStream> = reds
        .iter()
        .map(
            |r| match params.iter().find(|p| &p.name == r).map(|p| &p.ty) {
                Some(syn::Type::Reference(_)) => quote!(::metajit::twin::red_state_ref(&*#r)),
                _ => quote!(::metajit::twin::red_state(&#r)),
            },
        )
        .collect();
    let set_greens: Vec<TokenStream> = set_greens.collect();
    let set_reds: Vec<TokenStream> = set_reds.collect();
    // One call of the driver with the greens and reds; on `Resume` the function goes on from
    // the state (`then`), on `Return` it returns the value compiled code produced.
    let driver_call = |method: syn::Ident, then: TokenStream| -> syn::Expr {
        syn::parse_quote! {
            match (#driver).#method(
                &#portal_ident,
                &[#(::metajit::twin::green_bits(#greens)),*],
                &[#(#red_states),*],
            ) {
                ::metajit::Entered::Continue => {}
                ::metajit::Entered::Resume(__s) => {
                    #(#set_greens)*
                    #(#set_reds)*
                    #then
                }
                ::metajit::Entered::Return(__v) => {
                    return unsafe { <#ret_static as ::metajit::twin::TwinForm>::from_form(::metajit::twin::take_result(::core::option::Option::Some(__v))) };
                }
            }
        }
    };
    // At the function's start (after the code before the dispatch loop): the driver counts the
    // call, traces the function when hot, or runs its compiled code.
    let entry_hook = syn::Stmt::Expr(
        driver_call(quote::format_ident!("enter_portal"), quote!()),
        Some(Default::default()),
    );
    let hook = driver_call(
        quote::format_ident!("can_enter_jit"),
        quote!(continue #label;),
    );
    let mut native_loop = dispatch.clone();
    native_loop.label = Some(syn::Label {
        name: label.clone(),
        colon_token: Default::default(),
    });
    native_loop.body.stmts.remove(0);
    HookRewriter { hook: &hook }.visit_block_mut(&mut native_loop.body);
    f.block.stmts[idx] = syn::Stmt::Expr(syn::Expr::Loop(native_loop), None);
    f.block.stmts.insert(idx, entry_hook);
    let rebinds = params
        .iter()
        .filter(|p| greens.contains(&p.name) || reds.contains(&p.name))
        .map(|p| {
            let n = &p.name;
            quote!(#[allow(unused_mut)] let mut #n = #n;)
        });
    let old = std::mem::take(&mut f.block.stmts);
    let rebinds: Vec<syn::Stmt> = rebinds
        .map(|t| syn::parse2(t).expect("a let statement"))
        .collect();
    f.block.stmts = rebinds.into_iter().chain(old).collect();
    f.attrs
        .push(syn::parse_quote!(#[allow(unreachable_code, clippy::never_loop)]));
    let green_names = greens.iter().map(|g| g.to_string());
    let red_names = reds.iter().map(|r| r.to_string());
    let virtualizable = match args.virtualizable.first() {
        None => quote!(::core::option::Option::None),
        Some(v) => {
            let Some(i) = reds.iter().position(|r| r == v) else {
                return Err(syn::Error::new(
                    v.span(),
                    "the virtualizable must be one of the reds",
                ));
            };
            let ty = match params.iter().find(|p| &p.name == v).map(|p| &p.ty) {
                Some(syn::Type::Reference(r)) => staticize(&r.elem),
                _ => {
                    return Err(syn::Error::new(
                        v.span(),
                        "the virtualizable must be a parameter of type `&mut T` (T: JitStruct)",
                    ));
                }
            };
            quote!(::core::option::Option::Some((#i, <#ty as ::metajit::twin::JitStruct>::VIRTUALIZABLE)))
        }
    };
    let name_str = name.to_string();
    let info = &names.info;
    let mp = low.merge.as_ref().map(|m| m.0 as u32).unwrap_or(0);
    Ok(quote! {
        #f
        #twin
        #calls
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        static #portal_ident: ::metajit::PortalInfo = ::metajit::PortalInfo {
            name: #name_str,
            twin: &#info,
            merge_point: #mp,
            green_names: &[#(#green_names),*],
            red_names: &[#(#red_names),*],
            virtualizable: #virtualizable,
            encode_return: ::metajit::twin::encode_return::<#ret_twin>,
            decode_return: ::metajit::twin::decode_return::<#ret_twin>,
        };
    })
}

/// The declared type of `let x: T = ..` or `let x = 0usize`.
pub fn local_type(l: &syn::Local) -> Option<(String, syn::Type)> {
    match &l.pat {
        syn::Pat::Type(t) => {
            let names = crate::green::pat_idents(&t.pat);
            (names.len() == 1).then(|| (names[0].clone(), (*t.ty).clone()))
        }
        syn::Pat::Ident(i) => {
            let init = l.init.as_ref()?;
            let syn::Expr::Lit(lit) = &*init.expr else {
                return None;
            };
            let suffix = match &lit.lit {
                syn::Lit::Int(n) => n.suffix().to_string(),
                syn::Lit::Float(f) => f.suffix().to_string(),
                _ => return None,
            };
            if suffix.is_empty() {
                return None;
            }
            Some((i.ident.to_string(), syn::parse_str(&suffix).ok()?))
        }
        _ => None,
    }
}

struct HookRewriter<'a> {
    hook: &'a syn::Expr,
}

impl VisitMut for HookRewriter<'_> {
    fn visit_stmt_mut(&mut self, s: &mut syn::Stmt) {
        if is_macro_named(s, "can_enter_jit") {
            *s = syn::Stmt::Expr(self.hook.clone(), Some(Default::default()));
            return;
        }
        syn::visit_mut::visit_stmt_mut(self, s);
    }
    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        if let syn::Expr::Macro(m) = e
            && m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "can_enter_jit")
        {
            *e = self.hook.clone();
            return;
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Unused parameter kinds (kept for future options).
pub fn _unused(_: &Param) {}
