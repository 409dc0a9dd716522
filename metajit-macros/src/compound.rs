//! `#[derive(metajit::JitCompound)]`: a small `#[repr(C)]` `Copy` struct of JIT values (a tag
//! and a payload) that traced code keeps part by part. The derive lists the parts and
//! implements the twin-side traits: the value's twin form (`Compound<T>`), resume data, field
//! reads and writes of the type, and items of `JitArray`s of it.

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
    crate::jitstruct::require_repr_c(&s, "JitCompound")?;
    if !s.generics.params.is_empty() {
        return Err(syn::Error::new(
            s.generics.span(),
            "JitCompound types cannot be generic",
        ));
    }
    let syn::Data::Struct(data) = &s.data else {
        return Err(syn::Error::new(
            s.span(),
            "JitCompound can only be derived for structs",
        ));
    };
    let syn::Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(s.span(), "JitCompound needs named fields"));
    };
    if fields.named.is_empty() || fields.named.len() > 4 {
        return Err(syn::Error::new(
            s.span(),
            "a JitCompound has one to four fields",
        ));
    }
    let name = &s.ident;
    let name_str = name.to_string();
    let parts = fields.named.iter().map(|f| {
        let ident = f.ident.as_ref().expect("named field");
        let n = ident.to_string();
        let ty = &f.ty;
        quote!(::metajit::twin::Part::of::<#ty>(#n, ::core::mem::offset_of!(#name, #ident)))
    });
    let word_checks = fields.named.iter().map(|f| {
        let ty = &f.ty;
        quote!(assert!(::core::mem::size_of::<#ty>() <= 8, "JitCompound fields are JIT values of at most 8 bytes");)
    });
    Ok(quote! {
        // SAFETY: the parts are the struct's own fields with `offset_of!` offsets, each a JIT
        // value (`Part::of` requires it); JIT values are valid as all-zero bits.
        unsafe impl ::metajit::twin::JitCompound for #name {
            const NAME: &'static str = #name_str;
            const PARTS: &'static [::metajit::twin::Part] = &[#(#parts),*];
        }

        const _: () = { #(#word_checks)* };

        // SAFETY: as above: the parts describe the layout, zero bits are valid.
        unsafe impl ::metajit::ArrayItem for #name {
            const PARTS: &'static [::metajit::twin::Part] =
                <#name as ::metajit::twin::JitCompound>::PARTS;
        }

        impl ::metajit::twin::TwinForm for #name {
            type Form = ::metajit::twin::Compound<#name>;
            fn to_form(self) -> Self::Form {
                ::metajit::twin::Compound::konst(self)
            }
            unsafe fn from_form(f: Self::Form) -> Self {
                f.value()
            }
        }

        impl ::metajit::twin::FromValue<#name> for #name {
            fn from_value(x: #name) -> #name {
                x
            }
        }

        impl ::metajit::twin::SlotValue for #name {
            const WIDTH: usize = <#name as ::metajit::twin::JitCompound>::PARTS.len();
            fn write(self, w: &mut ::metajit::twin::SnapWriter<'_>) {
                ::metajit::twin::write_compound(self, w)
            }
            fn write_absent(w: &mut ::metajit::twin::SnapWriter<'_>) {
                ::metajit::twin::write_absent_compound::<#name>(w)
            }
            fn read(r: &mut ::metajit::twin::ResumeReader<'_>) -> Self {
                ::metajit::twin::read_compound(r)
            }
        }

        impl ::metajit::twin::TwinField for #name {
            type Out = ::metajit::twin::Compound<#name>;
            fn load<E: ::metajit::twin::Executor, S: ::metajit::twin::JitStruct>(
                e: &mut E,
                base: ::metajit::twin::Sym<::metajit::Ref<S>>,
                proj: fn(*const S) -> *const Self,
            ) -> Self::Out {
                ::metajit::twin::load_compound(e, base, proj)
            }
            fn project<C: ::metajit::twin::JitCompound>(
                _: ::metajit::twin::Compound<C>,
                _: usize,
            ) -> Self::Out {
                panic!("metajit: a compound inside a compound is not supported")
            }
        }

        impl ::metajit::twin::TwinFieldWrite for #name {
            fn store<E: ::metajit::twin::Executor, S: ::metajit::twin::JitStruct>(
                e: &mut E,
                base: ::metajit::twin::Sym<::metajit::Ref<S>>,
                proj: fn(*const S) -> *const Self,
                value: Self::Out,
            ) {
                ::metajit::twin::store_compound(e, base, proj, value)
            }
        }

        impl ::metajit::twin::TwinFieldInit for #name {
            type In = ::metajit::twin::Compound<#name>;
            fn init<E: ::metajit::twin::Executor, S: ::metajit::twin::JitStruct>(
                e: &mut E,
                obj: ::metajit::twin::Sym<::metajit::Ref<S>>,
                proj: fn(*const S) -> *const Self,
                value: Self::In,
            ) {
                ::metajit::twin::init_compound(e, obj, proj, value)
            }
        }

        impl ::metajit::twin::TwinItem for #name {
            type Out = ::metajit::twin::Compound<#name>;
            fn from_parts(
                val: Self,
                ops: [::core::option::Option<::metajit::ir::OpRef>; ::metajit::twin::compound::MAX_PARTS],
            ) -> Self::Out {
                ::metajit::twin::compound_from_parts(val, ops)
            }
            fn item_value(out: Self::Out) -> Self {
                out.value()
            }
            fn item_part(out: Self::Out, i: usize) -> ::core::option::Option<::metajit::ir::OpRef> {
                ::metajit::twin::compound_part(out, i)
            }
        }
    })
}
