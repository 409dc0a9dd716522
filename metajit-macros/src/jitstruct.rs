//! `#[derive(metajit::JitStruct)]`: field descriptions for a `#[repr(C)]` struct traced code
//! reads and writes, with the `#[jit(immutable)]` and `#[jit(quasi_immutable)]` field flags,
//! and a class for the struct marked `#[jit(class)]` (a static `metajit::Class`; the first field
//! must begin with the `ClassPtr`).

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
    let class = struct_class(&s, fields)?;
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
    let Some(first_ty) = class else {
        return Ok(quote! {
            // SAFETY: the offsets come from `offset_of!` on the struct's own fields.
            unsafe impl #impl_g ::metajit::twin::JitStruct for #name #ty_g #where_c {
                const NAME: &'static str = #name_str;
                const FIELDS: &'static [::metajit::twin::FieldInfo] = &[#(#infos),*];
                const VIRTUALIZABLE: &'static [::metajit::twin::VirtualizableField] = &[#(#virtualizable),*];
            }
        });
    };
    Ok(quote! {
        const _: () = {
            static CLASS: ::metajit::Class = ::metajit::Class::new(#name_str, ::core::module_path!());
            // SAFETY: the offsets come from `offset_of!` on the struct's own fields.
            unsafe impl ::metajit::twin::JitStruct for #name {
                const NAME: &'static str = #name_str;
                const FIELDS: &'static [::metajit::twin::FieldInfo] = &[#(#infos),*];
                const VIRTUALIZABLE: &'static [::metajit::twin::VirtualizableField] = &[#(#virtualizable),*];
                const CLASS: ::core::option::Option<&'static ::metajit::Class> = ::core::option::Option::Some(&CLASS);
            }
            fn first_field_starts_with_class_ptr<T: ::metajit::ClassFirst>() {}
            let _ = first_field_starts_with_class_ptr::<#first_ty>;
        };
        // SAFETY: the struct is `#[repr(C)]`, so its first field is at offset 0, and that field
        // begins with a ClassPtr (checked above).
        unsafe impl ::metajit::ClassFirst for #name {}
    })
}

/// The first field's type of a struct marked `#[jit(class)]`, or `None` when unmarked.
fn struct_class(s: &syn::DeriveInput, fields: &syn::FieldsNamed) -> syn::Result<Option<syn::Type>> {
    let mut class = false;
    for a in s.attrs.iter().filter(|a| a.path().is_ident("jit")) {
        a.parse_nested_meta(|m| {
            if m.path.is_ident("class") {
                class = true;
                Ok(())
            } else {
                Err(m.error("expected `class`"))
            }
        })?;
    }
    if !class {
        return Ok(None);
    }
    if !s.generics.params.is_empty() {
        return Err(syn::Error::new(
            s.generics.span(),
            "a #[jit(class)] struct cannot be generic (its class is one static)",
        ));
    }
    match fields.named.first() {
        Some(f) => Ok(Some(f.ty.clone())),
        None => Err(syn::Error::new(
            s.ident.span(),
            "a #[jit(class)] struct needs a first field that begins with a metajit::ClassPtr",
        )),
    }
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
