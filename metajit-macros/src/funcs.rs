//! `#[metajit::jit]`, `#[metajit::unroll_safe]`, `#[metajit::elidable]` and
//! `#[metajit::dont_look_inside]`: the function stays as written; a marker type of the same
//! name (a braced struct, so only the type namespace is taken) implements `TwinFn`, which
//! inlines the twin, records a residual call, or folds a pure one.

use crate::twin_fn::{Body, Names, Param, lower, staticize, twin_items, twin_type};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;

/// How calls to the function are traced.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Inlined (`#[jit]`).
    Inline,
    /// Inlined, loops unrolled (`#[unroll_safe]`).
    UnrollSafe,
    /// Called natively, result folded when arguments are constant (`#[elidable]`).
    Elidable,
    /// Called natively (`#[dont_look_inside]`).
    Residual,
}

/// Parses `greens(a, b)` from a `#[jit(...)]` attribute.
pub fn parse_greens(attr: TokenStream) -> syn::Result<Vec<syn::Ident>> {
    if attr.is_empty() {
        return Ok(Vec::new());
    }
    let meta: syn::Meta = syn::parse2(attr)?;
    match meta {
        syn::Meta::List(l) if l.path.is_ident("greens") => {
            let ids = l.parse_args_with(
                syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated,
            )?;
            Ok(ids.into_iter().collect())
        }
        other => Err(syn::Error::new(
            other.span(),
            "expected `greens(name, ...)`",
        )),
    }
}

/// Parses the effects of a `#[dont_look_inside(...)]`: nothing (any effect), `reads_only`, or
/// `writes(Type.field, [Item], ...)` (fields, and the items of `JitArray<Item>`s); the
/// `CallKind` variant to pass to the call.
pub fn parse_effects(attr: TokenStream) -> syn::Result<TokenStream> {
    if attr.is_empty() {
        return Ok(quote!(Residual));
    }
    let meta: syn::Meta = syn::parse2(attr)?;
    match meta {
        syn::Meta::Path(p) if p.is_ident("reads_only") => Ok(quote!(ReadOnly)),
        // What `recursive` portals' assembler wrappers use (not for interpreters).
        syn::Meta::Path(p) if p.is_ident("assembler") => Ok(quote!(Assembler)),
        syn::Meta::List(l) if l.path.is_ident("writes") => {
            let items = l.parse_args_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            )?;
            let names = items
                .iter()
                .map(|e| match e {
                    syn::Expr::Field(f) => {
                        let base = f.base.to_token_stream().to_string().replace(' ', "");
                        let member = f.member.to_token_stream().to_string();
                        Ok(format!("{base}.{member}"))
                    }
                    syn::Expr::Array(a) if a.elems.len() == 1 => match &a.elems[0] {
                        syn::Expr::Path(p) => {
                            let last = p.path.segments.last().expect("a path");
                            Ok(format!("array<{}>", last.ident))
                        }
                        other => Err(syn::Error::new(
                            other.span(),
                            "expected an item type: `[Value]`",
                        )),
                    },
                    other => Err(syn::Error::new(
                        other.span(),
                        "expected a field `Type.field` or the items of arrays `[Item]`",
                    )),
                })
                .collect::<syn::Result<Vec<String>>>()?;
            Ok(quote!(Writes(&[#(#names),*])))
        }
        other => Err(syn::Error::new(
            other.span(),
            "expected `reads_only` or `writes(Type.field, [Item], ...)`",
        )),
    }
}

/// The parameters of a traced function (simple identifiers only).
pub fn params_of(sig: &syn::Signature, greens: &[syn::Ident]) -> syn::Result<Vec<Param>> {
    if !sig
        .generics
        .params
        .iter()
        .all(|g| matches!(g, syn::GenericParam::Lifetime(_)))
    {
        return Err(syn::Error::new(
            sig.generics.span(),
            "traced functions cannot be generic over types (only lifetimes)",
        ));
    }
    if sig.asyncness.is_some() {
        return Err(syn::Error::new(
            sig.span(),
            "traced functions cannot be async",
        ));
    }
    let mut out = Vec::new();
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(r) => {
                return Err(syn::Error::new(
                    r.span(),
                    "a traced method needs #[metajit::methods] on its impl block",
                ));
            }
            syn::FnArg::Typed(pt) => match &*pt.pat {
                syn::Pat::Ident(id) if id.subpat.is_none() && id.by_ref.is_none() => {
                    out.push(Param {
                        name: id.ident.clone(),
                        ty: (*pt.ty).clone(),
                        green: greens.contains(&id.ident),
                    });
                }
                other => {
                    return Err(syn::Error::new(
                        other.span(),
                        "parameters of traced functions must be plain identifiers",
                    ));
                }
            },
        }
    }
    for g in greens {
        if !out.iter().any(|p| &p.name == g) {
            return Err(syn::Error::new(
                g.span(),
                format!("`{g}` is not a parameter"),
            ));
        }
    }
    Ok(out)
}

/// The declared result type (`()` when none).
pub fn ret_type(sig: &syn::Signature) -> syn::Type {
    match &sig.output {
        syn::ReturnType::Default => syn::parse_quote!(()),
        syn::ReturnType::Type(_, t) => (**t).clone(),
    }
}

/// Whether the body contains a loop (outside closures and nested items).
pub fn has_loops(b: &syn::Block) -> bool {
    use syn::visit::Visit;
    struct V(bool);
    impl<'a> Visit<'a> for V {
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            match e {
                syn::Expr::Loop(_) | syn::Expr::While(_) | syn::Expr::ForLoop(_) => self.0 = true,
                syn::Expr::Closure(_) => {}
                _ => syn::visit::visit_expr(self, e),
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut v = V(false);
    v.visit_block(b);
    v.0
}

/// Expands a function annotation.
pub fn expand(kind: Kind, attr: TokenStream, item: TokenStream) -> TokenStream {
    let f: syn::ItemFn = match syn::parse2(item) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error(),
    };
    // `#[dont_look_inside(reads_only)]` / `(writes(Type.field, ...))` declare effects;
    // the other annotations take `greens(..)`.
    let (greens, effects) = if kind == Kind::Residual {
        match parse_effects(attr) {
            Ok(e) => (Vec::new(), e),
            Err(e) => return e.to_compile_error(),
        }
    } else {
        match parse_greens(attr) {
            Ok(g) => (g, quote!(Residual)),
            Err(e) => return e.to_compile_error(),
        }
    };
    let params = match params_of(&f.sig, &greens) {
        Ok(p) => p,
        Err(e) => return e.to_compile_error(),
    };
    // A function with loops is called, not inlined, unless it is unroll_safe.
    let kind = if kind == Kind::Inline && has_loops(&f.block) {
        if let Some(g) = greens.first() {
            return syn::Error::new(
                g.span(),
                "this function contains a loop, so traced code calls it instead of inlining it, and greens(..) only applies to inlined functions; mark it #[metajit::unroll_safe] to inline it with its loops unrolled",
            )
            .to_compile_error();
        }
        Kind::Residual
    } else {
        kind
    };
    let generated = match kind {
        Kind::Inline | Kind::UnrollSafe => inline_items(&f, &params, kind == Kind::UnrollSafe),
        Kind::Elidable | Kind::Residual => {
            if !greens.is_empty() {
                return syn::Error::new(
                    greens[0].span(),
                    "greens(..) only applies to inlined functions",
                )
                .to_compile_error();
            }
            residual_items(&f, &params, kind, effects)
        }
    };
    quote!(#f #generated)
}

fn marker(f: &syn::ItemFn) -> TokenStream {
    let vis = &f.vis;
    let name = &f.sig.ident;
    quote! {
        #[allow(non_camel_case_types)]
        #[doc(hidden)]
        #vis struct #name {}
    }
}

fn inline_items(f: &syn::ItemFn, params: &[Param], unroll_safe: bool) -> TokenStream {
    let name = &f.sig.ident;
    let names = Names::new(name);
    let low = match lower(params, &Body::Helper(&f.block), unroll_safe) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let arg_types: Vec<TokenStream> = params.iter().map(|p| twin_type(&p.ty, p.green)).collect();
    let ret = ret_type(&f.sig);
    let ret_twin = twin_type(&ret, false);
    let args_ty = quote!((#(#arg_types,)*));
    let slot_types: Vec<_> = low
        .params
        .iter()
        .copied()
        .zip(arg_types.iter().cloned())
        .collect();
    let twin = twin_items(
        name,
        &names,
        &low,
        &quote!(<#name as ::metajit::twin::TwinFn<E>>::Args),
        &ret_twin,
        &slot_types,
        None,
    );
    let marker = marker(f);
    let twin_fn = &names.twin;
    quote! {
        #marker
        impl<E: ::metajit::twin::Executor> ::metajit::twin::TwinFn<E> for #name {
            type Args = #args_ty;
            type Ret = #ret_twin;
            #[inline]
            fn call(__e: &mut E, __args: Self::Args, __site: ::metajit::twin::CallSite<'_>) -> ::core::result::Result<Self::Ret, ::metajit::twin::Stop> {
                ::metajit::twin::Executor::enter_call(__e, __site.after, __site.live_after)?;
                let __r = #twin_fn(__e, ::metajit::twin::Entry::Fresh(__args));
                ::metajit::twin::Executor::leave_call(__e);
                __r
            }
        }
        #twin
    }
}

fn residual_items(
    f: &syn::ItemFn,
    params: &[Param],
    kind: Kind,
    effects: TokenStream,
) -> TokenStream {
    let name = &f.sig.ident;
    let names = Names::new(name);
    let shim = &names.shim;
    let ret = ret_type(&f.sig);
    let ret_static = staticize(&ret);
    let unit_ret = matches!(&ret, syn::Type::Tuple(t) if t.elems.is_empty());
    let raw: Vec<syn::Ident> = (0..params.len())
        .map(|i| quote::format_ident!("__a{}", i))
        .collect();
    let tys: Vec<syn::Type> = params.iter().map(|p| staticize(&p.ty)).collect();
    let conv = tys.iter().zip(&raw).map(|(t, a)| {
        quote!(unsafe { <#t as ::metajit::twin::TwinType>::from_twin(<<#t as ::metajit::twin::TwinType>::Twin as ::metajit::JitValue>::from_bits(#a)) })
    });
    let native_call = if unit_ret {
        quote!({ #name(#(#conv),*); 0 })
    } else {
        quote!(::metajit::twin::shim_result::<#ret_static>(#name(#(#conv),*)))
    };
    let arg_types: Vec<TokenStream> = tys
        .iter()
        .map(|t| quote!(::metajit::twin::Form<#t>))
        .collect();
    let call_kind = if kind == Kind::Elidable {
        quote!(Elidable)
    } else {
        effects
    };
    let name_str = name.to_string();
    let from_form = tys
        .iter()
        .zip(&raw)
        .map(|(t, a)| quote!(unsafe { <#t as ::metajit::twin::TwinForm>::from_form(#a) }));
    let ret_twin = quote!(::metajit::twin::Form<#ret_static>);
    let info = &names.info;
    let result = if unit_ret {
        quote! {
            ::metajit::twin::Executor::enter_call(__e, __site.after, __site.live_after)?;
            let _ = ::metajit::twin::residual_call::<E, ()>(__e, &#info, #name_str, #shim as usize, ::metajit::twin::CallKind::#call_kind, &[#(::metajit::twin::arg_value(#raw)),*], || { #name(#(#from_form),*); });
            ::metajit::twin::Executor::leave_call(__e);
            ::core::result::Result::Ok(())
        }
    } else {
        quote! {
            ::metajit::twin::Executor::enter_call(__e, __site.after, __site.live_after)?;
            let __r = ::metajit::twin::residual_call_ret::<E, #ret_static>(__e, &#info, #name_str, #shim as usize, ::metajit::twin::CallKind::#call_kind, &[#(::metajit::twin::arg_value(#raw)),*], || #name(#(#from_form),*));
            ::metajit::twin::Executor::leave_call(__e);
            ::core::result::Result::Ok(__r)
        }
    };
    // Resuming a residual call (after a check that follows it failed) returns its result.
    let resume_value = if unit_ret {
        quote!({
            let _: ::metajit::twin::Sym<()> = ::metajit::twin::SlotValue::read(__reader);
            ::metajit::twin::box_result(())
        })
    } else {
        quote!({
            let __f: #ret_twin = ::metajit::twin::resume_call_ret::<E, #ret_static>(__e, __reader);
            ::metajit::twin::box_result(__f)
        })
    };
    let resume = &names.resume;
    let info_static = crate::twin_fn::twin_info_static(info, &name_str, resume, false);
    let resume_items = quote! {
        #[doc(hidden)]
        fn #resume<E: ::metajit::twin::Executor>(
            __e: &mut E,
            __point: u32,
            __reader: &mut ::metajit::twin::ResumeReader<'_>,
            __ret: ::core::option::Option<::std::boxed::Box<dyn ::core::any::Any>>,
        ) -> ::core::result::Result<::std::boxed::Box<dyn ::core::any::Any>, ::metajit::twin::Stop> {
            let _ = (&__point, &__ret);
            ::core::result::Result::Ok(#resume_value)
        }

        #info_static
    };
    let marker = marker(f);
    let span = f.sig.ident.span();
    let shim_ret_check = if unit_ret {
        quote!()
    } else {
        quote::quote_spanned!(span => const _: fn() = || { fn __metajit_check<T: ::metajit::twin::ResidualRet>() {} __metajit_check::<#ret_static>(); };)
    };
    let known_result = if kind == Kind::Elidable {
        let word = if unit_ret {
            quote!(::core::option::Option::Some(
                ::metajit::twin::Sym::konst(())
            ))
        } else {
            quote!(<#ret_static as ::metajit::twin::ResidualRet>::known_word(__result))
        };
        quote! {
            impl<E: ::metajit::twin::Executor> ::metajit::twin::TwinKnownResult<E> for #name {
                fn record(__e: &mut E, __args: Self::Args, __result: Self::Ret) {
                    let (#(#raw,)*) = __args;
                    let _ = &__result;
                    if let ::core::option::Option::Some(__r) = #word {
                        ::metajit::twin::record_known_result(__e, #name_str, #shim as usize, &[#(::metajit::twin::arg_value(#raw)),*], ::metajit::twin::arg_value(__r));
                    }
                }
            }
        }
    } else {
        quote!()
    };
    quote! {
        #marker
        #shim_ret_check
        #resume_items
        #known_result
        #[doc(hidden)]
        #[allow(clippy::all, unused_unsafe)]
        extern "C" fn #shim(#(#raw: i64),*) -> i64 {
            // SAFETY: compiled code passes back the bits of values of these types that the
            // tracer saw, so the references are to objects the interpreter holds.
            #native_call
        }
        impl<E: ::metajit::twin::Executor> ::metajit::twin::TwinFn<E> for #name {
            type Args = (#(#arg_types,)*);
            type Ret = #ret_twin;
            #[inline]
            #[allow(unused_unsafe)]
            fn call(__e: &mut E, __args: Self::Args, __site: ::metajit::twin::CallSite<'_>) -> ::core::result::Result<Self::Ret, ::metajit::twin::Stop> {
                let (#(#raw,)*) = __args;
                #result
            }
        }
    }
    .into_token_stream()
}
