//! Building a twin for one function: the lowering/taint fixpoint, the twin function, its
//! resume entry and its `TwinInfo`.

use crate::analysis::{liveness, taint};
use crate::cfg::{Func, PointId, SlotId};
use crate::emit::{EmitInput, emit_body};
use crate::lower::{Config, Lowerer, PortalCfg};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use std::collections::HashSet;
use syn::visit_mut::VisitMut;

/// A parameter of a traced function.
pub struct Param {
    /// Its name.
    pub name: syn::Ident,
    /// Its type as written.
    pub ty: syn::Type,
    /// Declared green.
    pub green: bool,
}

/// What kind of body is lowered.
pub enum Body<'a> {
    /// A helper: its whole block.
    Helper(&'a syn::Block),
    /// The portal: the dispatch loop, the statements after it, the greens/reds, and names
    /// declared before the loop.
    Portal {
        dispatch: &'a syn::ExprLoop,
        rest: &'a [syn::Stmt],
        cfg: &'a PortalCfg,
        prologue_names: Vec<String>,
    },
}

/// The lowered and analyzed function.
pub struct Lowered {
    pub f: Func,
    pub items: Vec<syn::Item>,
    pub params: Vec<SlotId>,
    pub merge: Option<(PointId, Vec<SlotId>, Vec<SlotId>)>,
}

/// Lowers until the red set is stable; reports all errors.
pub fn lower(params: &[Param], body: &Body<'_>, allow_loops: bool) -> Result<Lowered, TokenStream> {
    let mut red: HashSet<usize> = HashSet::new();
    for _round in 0..16 {
        let cfg = Config {
            red_bindings: &red,
            allow_loops,
            portal: match body {
                Body::Portal { cfg, .. } => Some(cfg),
                Body::Helper(_) => None,
            },
        };
        let mut low = Lowerer::new(&cfg);
        let mut param_slots = Vec::new();
        match body {
            Body::Helper(block) => {
                for p in params {
                    param_slots.push(low.param(&p.name, None, !p.green));
                }
                low.lower_body(block);
            }
            Body::Portal {
                dispatch,
                rest,
                prologue_names,
                cfg,
            } => {
                let named: HashSet<String> = cfg
                    .greens
                    .iter()
                    .chain(&cfg.reds)
                    .map(|i| i.to_string())
                    .collect();
                low.invalid = prologue_names
                    .iter()
                    .filter(|n| !named.contains(*n))
                    .cloned()
                    .collect();
                for p in params {
                    let is_driver = cfg.driver.as_ref().is_some_and(|(d, _)| d == &p.name);
                    if !named.contains(&p.name.to_string()) && !is_driver {
                        low.invalid.insert(p.name.to_string());
                    }
                }
                low.lower_portal(dispatch, rest);
            }
        }
        let deferred = std::mem::take(&mut *low.deferred.borrow_mut());
        low.errors.extend(deferred);
        let new_red = taint(&mut low.f, &low.assigns, &low.fixed_red, &red);
        // Errors that depend on colors (a write to data that looks green) are final only
        // once the colors are: a local assigned a red value is found red in a later round.
        if !low.errors.is_empty() {
            if new_red != red {
                red = new_red;
                continue;
            }
            let errs = low.errors.iter().map(|e| e.to_compile_error());
            return Err(quote!(#(#errs)*));
        }
        if new_red == red {
            let merge = low
                .merge_point
                .map(|p| (p, low.portal_slots.0.clone(), low.portal_slots.1.clone()));
            if let (Body::Portal { cfg, .. }, Some((_, greens, _))) = (body, &merge) {
                for (g, &s) in cfg.greens.iter().zip(greens) {
                    if low.f.slots[s].red {
                        let msg = format!(
                            "the green `{g}` is assigned a red value in the dispatch loop; greens must be computed from greens (use metajit::promote on the red value)"
                        );
                        return Err(syn::Error::new(g.span(), msg).to_compile_error());
                    }
                }
            }
            liveness(&mut low.f, low.merge_point);
            return Ok(Lowered {
                f: low.f,
                items: low.items,
                params: param_slots,
                merge,
            });
        }
        red = new_red;
    }
    Err(quote!(compile_error!("metajit: the red/green analysis did not converge");))
}

/// Replaces every lifetime in a type by `'static` (twin types are lifetime-free).
pub fn staticize(ty: &syn::Type) -> syn::Type {
    struct S;
    impl VisitMut for S {
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            *l = syn::Lifetime::new("'static", l.span());
        }
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            r.lifetime = Some(syn::Lifetime::new(
                "'static",
                proc_macro2::Span::call_site(),
            ));
            self.visit_type_mut(&mut r.elem);
        }
    }
    let mut t = ty.clone();
    S.visit_type_mut(&mut t);
    t
}

/// The twin form of a parameter or result type.
pub fn twin_type(ty: &syn::Type, green: bool) -> TokenStream {
    let t = staticize(ty);
    if green {
        t.to_token_stream()
    } else {
        quote!(::metajit::twin::Form<#t>)
    }
}

/// Names of the generated items for function `name`.
pub struct Names {
    pub twin: syn::Ident,
    pub resume: syn::Ident,
    pub info: syn::Ident,
    pub portal: syn::Ident,
    pub shim: syn::Ident,
    pub native_run: syn::Ident,
    pub call: syn::Ident,
}

impl Names {
    pub fn new(name: &syn::Ident) -> Names {
        Names {
            twin: format_ident!("__metajit_twin_{}", name),
            resume: format_ident!("__metajit_resume_{}", name),
            info: format_ident!("__METAJIT_TWIN_{}", name.to_string().to_uppercase()),
            portal: format_ident!("__METAJIT_PORTAL_{}", name.to_string().to_uppercase()),
            shim: format_ident!("__metajit_shim_{}", name),
            native_run: format_ident!("__metajit_native_{}", name),
            call: format_ident!("metajit_call_{}", name),
        }
    }
}

/// Prints the twin function, its resume entry and its `TwinInfo`. `portal` is the portal's
/// `PortalInfo` static and whether its twin can be entered fresh (`args_ty` is then its state).
pub fn twin_items(
    name: &syn::Ident,
    names: &Names,
    low: &Lowered,
    args_ty: &TokenStream,
    ret_ty: &TokenStream,
    slot_types: &[(SlotId, TokenStream)],
    portal: Option<(&syn::Ident, bool)>,
) -> TokenStream {
    let portal_fresh = portal.is_some_and(|(_, fresh)| fresh);
    let portal = portal.map(|(p, _)| p);
    let inp = EmitInput {
        f: &low.f,
        info: &names.info,
        portal,
        merge: low.merge.clone(),
        params: &low.params,
        slot_types,
        items: &low.items,
        native_run: portal.map(|_| &names.native_run),
        portal_fresh,
    };
    let body = emit_body(&inp);
    let Names {
        twin, resume, info, ..
    } = names;
    let name_str = name.to_string();
    let info_static = twin_info_static(info, &name_str, resume, portal.is_some());
    quote! {
        #[doc(hidden)]
        #[allow(unused_mut, unused_variables, unused_assignments, unreachable_code, unused_braces, unused_parens, unused_unsafe, non_snake_case, clippy::all)]
        fn #twin<E: ::metajit::twin::Executor>(
            __e: &mut E,
            __entry: ::metajit::twin::Entry<'_, '_, #args_ty>,
        ) -> ::core::result::Result<#ret_ty, ::metajit::twin::Stop> {
            #body
        }

        #[doc(hidden)]
        fn #resume<E: ::metajit::twin::Executor>(
            __e: &mut E,
            __point: u32,
            __reader: &mut ::metajit::twin::ResumeReader<'_>,
            __ret: ::core::option::Option<::std::boxed::Box<dyn ::core::any::Any>>,
        ) -> ::core::result::Result<::std::boxed::Box<dyn ::core::any::Any>, ::metajit::twin::Stop> {
            #twin(__e, ::metajit::twin::Entry::Resume(::metajit::twin::Resume { point: __point, reader: __reader, ret: __ret }))
                .map(::metajit::twin::box_result)
        }

        #info_static
    }
}

/// The `TwinInfo` static `info` of twin function `name`, whose generic resume entry is the
/// function `resume`: a marker type carries the entry to `metajit::chain::resume_any`, which
/// instantiates it for the executor it is handed.
pub fn twin_info_static(
    info: &syn::Ident,
    name_str: &str,
    resume: &syn::Ident,
    portal: bool,
) -> proc_macro2::TokenStream {
    let marker = quote::format_ident!("{}_RESUME", info);
    quote::quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct #marker;

        impl ::metajit::twin::TwinResume for #marker {
            fn resume<E: ::metajit::twin::Executor>(
                __e: &mut E,
                __point: u32,
                __reader: &mut ::metajit::twin::ResumeReader<'_>,
                __ret: ::core::option::Option<::std::boxed::Box<dyn ::core::any::Any>>,
            ) -> ::core::result::Result<::std::boxed::Box<dyn ::core::any::Any>, ::metajit::twin::Stop> {
                #resume::<E>(__e, __point, __reader, __ret)
            }
        }

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        static #info: ::metajit::twin::TwinInfo = ::metajit::twin::TwinInfo {
            name: #name_str,
            resume: ::metajit::chain::resume_any::<#marker>,
            portal: #portal,
        };
    }
}
