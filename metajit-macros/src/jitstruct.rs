//! `#[derive(metajit::JitStruct)]`: field descriptions for a `#[repr(C)]` struct traced code
//! reads and writes, with the `#[jit(immutable)]` and `#[jit(quasi_immutable)]` field flags.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

/// Expands the derive.
pub fn expand(input: TokenStream) -> TokenStream {
    match expand_inner(input) {
        Ok(t) => t,
        Err(e) => e.to_compile_error(),
    }
}

fn expand_inner(input: TokenStream) -> syn::Result<TokenStream> {
    let s: syn::DeriveInput = syn::parse2(input)?;
    let repr_c = s.attrs.iter().any(|a| {
        a.path().is_ident("repr")
            && a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|l| l.iter().any(|i| i == "C"))
    });
    if !repr_c {
        return Err(syn::Error::new(
            s.ident.span(),
            "JitStruct needs #[repr(C)] so that field offsets are fixed",
        ));
    }
    let syn::Data::Struct(data) = &s.data else {
        return Err(syn::Error::new(
            s.span(),
            "JitStruct can only be derived for structs",
        ));
    };
    let syn::Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(s.span(), "JitStruct needs named fields"));
    };
    let name = &s.ident;
    let (impl_g, ty_g, where_c) = s.generics.split_for_impl();
    let mut infos = Vec::new();
    for f in &fields.named {
        let ident = f.ident.as_ref().expect("named field");
        let (mut immutable, mut quasi) = (false, false);
        for a in f.attrs.iter().filter(|a| a.path().is_ident("jit")) {
            a.parse_nested_meta(|m| {
                if m.path.is_ident("immutable") {
                    immutable = true;
                } else if m.path.is_ident("quasi_immutable") {
                    quasi = true;
                } else if m.path.is_ident("virtualizable_array") {
                    // Accepted; virtualizable frames are described by the interpreter's
                    // `virtualizable(..)` option.
                } else {
                    return Err(m.error(
                        "expected `immutable`, `quasi_immutable` or `virtualizable_array`",
                    ));
                }
                Ok(())
            })?;
        }
        let n = ident.to_string();
        infos.push(quote! {
            ::metajit::twin::FieldInfo { name: #n, offset: ::core::mem::offset_of!(Self, #ident), immutable: #immutable, quasi_immutable: #quasi }
        });
    }
    let name_str = name.to_string();
    Ok(quote! {
        // SAFETY: the offsets come from `offset_of!` on the struct's own fields.
        unsafe impl #impl_g ::metajit::twin::JitStruct for #name #ty_g #where_c {
            const NAME: &'static str = #name_str;
            const FIELDS: &'static [::metajit::twin::FieldInfo] = &[#(#infos),*];
        }
    })
}
