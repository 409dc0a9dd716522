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
    require_repr_c(&s, "JitStruct")?;
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
    let name_str = name.to_string();
    let mut infos = Vec::new();
    let mut virtualizable = Vec::new();
    for f in &fields.named {
        let ident = f.ident.as_ref().expect("named field");
        let (mut immutable, mut quasi, mut vscalar, mut varray) = (false, false, false, false);
        for a in f.attrs.iter().filter(|a| a.path().is_ident("jit")) {
            a.parse_nested_meta(|m| {
                if m.path.is_ident("immutable") {
                    immutable = true;
                } else if m.path.is_ident("quasi_immutable") {
                    quasi = true;
                } else if m.path.is_ident("virtualizable_array") {
                    varray = true;
                } else if m.path.is_ident("virtualizable") {
                    vscalar = true;
                } else {
                    return Err(m.error(
                        "expected `immutable`, `quasi_immutable`, `virtualizable` or `virtualizable_array`",
                    ));
                }
                Ok(())
            })?;
        }
        let n = ident.to_string();
        let ty = &f.ty;
        if vscalar {
            virtualizable.push(quote! {
                ::metajit::twin::VirtualizableField {
                    owner: #name_str,
                    name: #n,
                    offset: ::core::mem::offset_of!(Self, #ident),
                    kind: <#ty as ::metajit::twin::VirtualizableScalar>::KIND,
                    repr: <#ty as ::metajit::twin::VirtualizableScalar>::REPR,
                    array_item_size: ::core::option::Option::None,
                    array_parts: &[],
                    array_descr: ::core::option::Option::None,
                }
            });
        }
        if varray {
            virtualizable.push(quote! {
                ::metajit::twin::VirtualizableField {
                    owner: #name_str,
                    name: #n,
                    offset: ::core::mem::offset_of!(Self, #ident),
                    kind: ::metajit::Kind::Ref,
                    repr: ::metajit::twin::PTR_REPR,
                    array_item_size: ::core::option::Option::Some(<#ty as ::metajit::twin::VirtualizableArray>::ITEM_SIZE),
                    array_parts: <#ty as ::metajit::twin::VirtualizableArray>::PARTS,
                    array_descr: ::core::option::Option::Some(<#ty as ::metajit::twin::VirtualizableArray>::descr),
                }
            });
        }
        infos.push(quote! {
            ::metajit::twin::FieldInfo { name: #n, offset: ::core::mem::offset_of!(Self, #ident), immutable: #immutable, quasi_immutable: #quasi }
        });
    }
    Ok(quote! {
        // SAFETY: the offsets come from `offset_of!` on the struct's own fields.
        unsafe impl #impl_g ::metajit::twin::JitStruct for #name #ty_g #where_c {
            const NAME: &'static str = #name_str;
            const FIELDS: &'static [::metajit::twin::FieldInfo] = &[#(#infos),*];
            const VIRTUALIZABLE: &'static [::metajit::twin::VirtualizableField] = &[#(#virtualizable),*];
        }
    })
}

/// Fails unless the struct is `#[repr(C)]` (`what` names the derive in the message).
pub fn require_repr_c(s: &syn::DeriveInput, what: &str) -> syn::Result<()> {
    let repr_c = s.attrs.iter().any(|a| {
        a.path().is_ident("repr")
            && a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|l| l.iter().any(|i| i == "C"))
    });
    if repr_c {
        Ok(())
    } else {
        Err(syn::Error::new(
            s.ident.span(),
            format!("{what} needs #[repr(C)] so that field offsets are fixed"),
        ))
    }
}
