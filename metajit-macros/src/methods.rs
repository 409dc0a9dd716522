//! `#[metajit::methods]` on an inherent `impl` block: its methods marked `#[metajit::jit]`,
//! `#[metajit::unroll_safe]`, `#[metajit::elidable]` or `#[metajit::dont_look_inside]` become
//! traceable. Items cannot be generated inside an `impl`, so each such method becomes a free
//! function of the same annotation (`metajit_method_<type>_<method>`, with the receiver as its
//! first parameter `__self`), the method a call of it, and a `TwinMethod` impl on the
//! receiver's twin form dispatches `recv.method(args)` in traced code to the function's twin.

use crate::twin_fn::twin_type;
use proc_macro2::{Group, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::spanned::Spanned;

/// The annotations a method may carry, by their last path segment.
const KINDS: &[&str] = &["jit", "unroll_safe", "elidable", "dont_look_inside"];

/// Expands the attribute.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    match expand_inner(attr, item) {
        Ok(t) => t,
        Err(e) => e.to_compile_error(),
    }
}

fn expand_inner(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new(
            attr.span(),
            "#[metajit::methods] takes no arguments",
        ));
    }
    let mut imp: syn::ItemImpl = syn::parse2(item)?;
    if let Some((path, _)) = &imp.trait_ {
        return Err(syn::Error::new(
            path.span(),
            "#[metajit::methods] applies to inherent impl blocks, not trait impls",
        ));
    }
    if !imp.generics.params.is_empty() {
        return Err(syn::Error::new(
            imp.generics.span(),
            "#[metajit::methods] cannot apply to a generic impl block",
        ));
    }
    let self_ty = (*imp.self_ty).clone();
    let type_name = match &self_ty {
        syn::Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        other => {
            return Err(syn::Error::new(
                other.span(),
                "#[metajit::methods] needs an impl of a named type",
            ));
        }
    };
    let mut out = TokenStream::new();
    for item in &mut imp.items {
        let syn::ImplItem::Fn(m) = item else { continue };
        let Some(pos) = m.attrs.iter().position(is_annotation) else {
            continue;
        };
        let annotation = m.attrs.remove(pos);
        out.extend(method_items(m, annotation, &self_ty, &type_name)?);
    }
    Ok(quote!(#imp #out))
}

/// Whether an attribute is one of the function annotations (`#[jit]`, `#[metajit::jit]`, ...).
fn is_annotation(a: &syn::Attribute) -> bool {
    let segs: Vec<String> = a
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segs.as_slice() {
        [k] => KINDS.contains(&k.as_str()),
        [m, k] => m == "metajit" && KINDS.contains(&k.as_str()),
        _ => false,
    }
}

/// The free function, the method's new body and the `TwinMethod` impl for one method.
fn method_items(
    m: &mut syn::ImplItemFn,
    annotation: syn::Attribute,
    self_ty: &syn::Type,
    type_name: &str,
) -> syn::Result<TokenStream> {
    let name = &m.sig.ident;
    let free = format_ident!("metajit_method_{}_{}", snake(type_name), name);
    let kind = annotation
        .path()
        .segments
        .last()
        .expect("an annotation path")
        .ident
        .clone();
    let args = match &annotation.meta {
        syn::Meta::List(l) => {
            let t = &l.tokens;
            quote!((#t))
        }
        _ => quote!(),
    };
    let greens = match (&annotation.meta, kind == "dont_look_inside") {
        (syn::Meta::List(l), false) => crate::funcs::parse_greens(l.tokens.to_token_stream())?,
        _ => Vec::new(),
    };
    let Some(syn::FnArg::Receiver(recv)) = m.sig.inputs.first() else {
        return Err(syn::Error::new(
            m.sig.span(),
            "an associated function without `self` cannot be traced as a method; make it a free function",
        ));
    };
    let recv_ty: syn::Type = match &recv.kind {
        syn::ReceiverKind::Reference(_, _, Some(_)) => syn::parse_quote!(&mut #self_ty),
        syn::ReceiverKind::Reference(_, _, None) => syn::parse_quote!(&#self_ty),
        syn::ReceiverKind::Value => self_ty.clone(),
        _ => {
            return Err(syn::Error::new(
                recv.span(),
                "traced methods take `self`, `&self` or `&mut self`",
            ));
        }
    };
    let mut params = Vec::new();
    let mut names = Vec::new();
    let mut twin_args = Vec::new();
    for input in m.sig.inputs.iter().skip(1) {
        let syn::FnArg::Typed(pt) = input else {
            unreachable!("only the first input is a receiver")
        };
        let syn::Pat::Ident(id) = &*pt.pat else {
            return Err(syn::Error::new(
                pt.pat.span(),
                "parameters of traced methods must be plain identifiers",
            ));
        };
        let n = &id.ident;
        let ty = &pt.ty;
        params.push(quote!(#n: #ty));
        names.push(n.clone());
        twin_args.push(twin_type(ty, greens.contains(n)));
    }
    let ret = crate::funcs::ret_type(&m.sig);
    let ret_twin = twin_type(&ret, false);
    let recv_twin = twin_type(&recv_ty, false);
    let body = rename_self(m.block.to_token_stream(), self_ty);
    let (vis, generics, output) = (&m.vis, &m.sig.generics, &m.sig.output);
    let hash = crate::emit::method_hash(&name.to_string());
    let arg_names: Vec<syn::Ident> = (0..names.len())
        .map(|i| format_ident!("__a{}", i))
        .collect();
    let attrs = &m.attrs;
    let free_fn = quote! {
        #[::metajit::#kind #args]
        #[doc(hidden)]
        #[allow(non_snake_case, clippy::all)]
        #(#attrs)*
        #vis fn #free #generics (__self: #recv_ty, #(#params),*) #output #body
    };
    m.block = syn::parse_quote!({ #free(self, #(#names),*) });
    m.attrs.push(syn::parse_quote!(#[inline(always)]));
    Ok(quote! {
        #free_fn
        impl ::metajit::twin::TwinMethod<#hash, (#(#twin_args,)*), #free> for #recv_twin {
            type Ret = #ret_twin;
            #[inline(always)]
            fn call<E: ::metajit::twin::Executor>(
                self,
                __e: &mut E,
                (#(#arg_names,)*): (#(#twin_args,)*),
                __site: ::metajit::twin::CallSite<'_>,
            ) -> ::core::result::Result<Self::Ret, ::metajit::twin::Stop> {
                <#free as ::metajit::twin::TwinFn<E>>::call(__e, (self, #(#arg_names,)*), __site)
            }
        }
    })
}

/// `BoundMethod` as `bound_method` (generated names stay snake case).
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The method's body as the free function's: `self` becomes `__self` and `Self` the type.
fn rename_self(body: TokenStream, self_ty: &syn::Type) -> syn::Block {
    fn walk(ts: TokenStream, self_ty: &syn::Type) -> TokenStream {
        let mut out = TokenStream::new();
        for tt in ts {
            match tt {
                TokenTree::Ident(i) if i == "self" => {
                    out.extend(std::iter::once(TokenTree::Ident(proc_macro2::Ident::new(
                        "__self",
                        i.span(),
                    ))));
                }
                TokenTree::Ident(i) if i == "Self" => out.extend(self_ty.to_token_stream()),
                TokenTree::Group(g) => {
                    let mut ng = Group::new(g.delimiter(), walk(g.stream(), self_ty));
                    ng.set_span(g.span());
                    out.extend(std::iter::once(TokenTree::Group(ng)));
                }
                other => out.extend(std::iter::once(other)),
            }
        }
        out
    }
    syn::parse2(walk(body, self_ty)).expect("a block stays a block")
}
