//! Calls of the interpreter function from traced code (RPython's portal calls): the items
//! `#[metajit::interpreter(.., recursive)]` adds so that twin code can call the portal like any
//! function. (The portal's result must then be one a residual call can return: not a
//! compound.)
//!
//! - A marker type named like the function implements `TwinFn`: when the executor follows the
//!   call (`Executor::enter_portal_call`), the portal's twin is entered fresh at its first merge
//!   point, inlining the call into the trace; otherwise the call is a residual call of the
//!   native function (through a `#[dont_look_inside]` wrapper).
//! - A native entry from a merge-point state finishes an inlined call natively when the
//!   executor stops following it (`Stop::Nested`): it makes the driver's next function entry
//!   resume at that state and calls the native function.
//!
//! Inlining needs the portal's state at its first merge point to be known from the call's
//! arguments: every parameter is a green, a red or the driver, and the code before the
//! dispatch loop only declares locals initialised by typed literals (`let mut pc = 0usize;`).
//! Other portals are always called natively.

use crate::twin_fn::{Names, Param, staticize};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

/// What the generator needs to know about the portal.
pub struct PortalCall<'a> {
    /// The native function.
    pub f: &'a syn::ItemFn,
    /// Its parameters.
    pub params: &'a [Param],
    /// Greens and reds in order.
    pub greens: &'a [syn::Ident],
    /// Reds in order.
    pub reds: &'a [syn::Ident],
    /// The driver parameter and the type it points to, when the driver is a parameter.
    pub driver: Option<(syn::Ident, syn::Type)>,
    /// The statements before the dispatch loop.
    pub prologue: &'a [syn::Stmt],
    /// Generated names.
    pub names: &'a Names,
    /// Whether the function is declared `recursive` (traced code calls it).
    pub recursive: bool,
}

/// A state value at the first merge point: a parameter (by index) or a literal of a type.
enum Init {
    Param(usize),
    Literal(Box<(syn::Expr, syn::Type)>),
}

impl PortalCall<'_> {
    /// How each green and red gets its value at the first merge point, when the portal can be
    /// inlined.
    fn inits(&self) -> Option<Vec<Init>> {
        let mut literals = Vec::new();
        for s in self.prologue {
            let syn::Stmt::Local(l) = s else { return None };
            let init = l.init.as_ref()?;
            if init.diverge.is_some() {
                return None;
            }
            let syn::Expr::Lit(lit) = &*init.expr else {
                return None;
            };
            let (name, ty) = crate::portal::local_type(l)?;
            literals.push((name, syn::Expr::Lit(lit.clone()), ty));
        }
        for p in self.params {
            let known = self.greens.contains(&p.name)
                || self.reds.contains(&p.name)
                || self.driver.as_ref().is_some_and(|(d, _)| d == &p.name);
            if !known {
                return None;
            }
        }
        self.driver.as_ref()?;
        self.greens
            .iter()
            .chain(self.reds)
            .map(|id| match self.params.iter().position(|p| &p.name == id) {
                Some(i) => Some(Init::Param(i)),
                None => literals
                    .iter()
                    .find(|(n, _, _)| id == n)
                    .map(|(_, e, t)| Init::Literal(Box::new((e.clone(), t.clone())))),
            })
            .collect()
    }

    /// The marker type with its `TwinFn` impl, the residual wrapper and the native entry from
    /// a state.
    pub fn items(&self) -> TokenStream {
        let f = self.f;
        let name = &f.sig.ident;
        let vis = &f.vis;
        let Names {
            twin,
            native_run,
            call,
            portal,
            ..
        } = self.names;
        let ret_static = staticize(&crate::funcs::ret_type(&f.sig));
        let param_names: Vec<&syn::Ident> = self.params.iter().map(|p| &p.name).collect();
        // The residual call: a `#[dont_look_inside]` function calling the portal natively.
        let mut wrapper = f.clone();
        wrapper.sig.ident = call.clone();
        wrapper.vis = f.vis.clone();
        wrapper.attrs = vec![
            syn::parse_quote!(#[::metajit::dont_look_inside]),
            syn::parse_quote!(#[doc(hidden)]),
        ];
        wrapper.block = syn::parse_quote!({ #name(#(#param_names),*) });
        let raw: Vec<syn::Ident> = (0..self.params.len())
            .map(|i| format_ident!("__a{}", i))
            .collect();
        let inits = self.inits();
        let asm = format_ident!("metajit_asm_{}", name);
        let (inline, native_body) = match &inits {
            Some(inits) => (self.inline_call(inits, &raw, &asm), self.native_body(inits)),
            None => (
                quote!(),
                quote!(::core::unreachable!(
                    "metajit: an interpreter function that cannot be inlined was inlined"
                )),
            ),
        };
        let inlines = self.inlines_fn(inits.as_deref());
        let _ = (twin, portal);
        let native = quote! {
            #[doc(hidden)]
            #[allow(unused_unsafe, unreachable_code, unused_variables, clippy::all)]
            fn #native_run(__d: usize, __s: ::metajit::twin::PortalState) -> ::metajit::twin::Form<#ret_static> {
                #native_body
            }
        };
        if !self.recursive {
            return native;
        }
        let asm_wrapper = match &inits {
            Some(inits) => self.asm_wrapper(inits, &asm),
            None => quote!(),
        };
        quote! {
            #native

            #[allow(non_camel_case_types)]
            #[doc(hidden)]
            #vis struct #name {}

            #wrapper

            #asm_wrapper

            #inlines

            impl<E: ::metajit::twin::Executor> ::metajit::twin::TwinFn<E> for #name {
                type Args = <#call as ::metajit::twin::TwinFn<E>>::Args;
                type Ret = <#call as ::metajit::twin::TwinFn<E>>::Ret;
                #[allow(unused_unsafe, unused_variables, clippy::all)]
                fn call(__e: &mut E, __args: Self::Args, __site: ::metajit::twin::CallSite<'_>) -> ::core::result::Result<Self::Ret, ::metajit::twin::Stop> {
                    let (#(#raw,)*) = __args;
                    #inline
                    <#call as ::metajit::twin::TwinFn<E>>::call(__e, (#(#raw,)*), __site)
                }
            }
        }
    }

    /// `metajit::inlines!(name(greens...))` in twin code: whether a call with these green
    /// parameters (in parameter order) would be inlined now.
    fn inlines_fn(&self, inits: Option<&[Init]>) -> TokenStream {
        let name = &self.f.sig.ident;
        let portal = &self.names.portal;
        let ng = self.greens.len();
        let green_params: Vec<usize> = (0..self.params.len())
            .filter(|&i| self.greens.contains(&self.params[i].name))
            .collect();
        let args: Vec<syn::Ident> = (0..green_params.len())
            .map(|k| format_ident!("__g{}", k))
            .collect();
        let tys: Vec<syn::Type> = green_params
            .iter()
            .map(|&i| staticize(&self.params[i].ty))
            .collect();
        let body = match inits {
            Some(inits) => {
                let values = inits[..ng].iter().map(|init| match init {
                    Init::Param(i) => {
                        let k = green_params.iter().position(|j| j == i).expect("a green");
                        let a = &args[k];
                        let ty = &tys[k];
                        // SAFETY: a constant of the trace is a value the interpreter holds.
                        quote!(::metajit::twin::green_bits(unsafe { <#ty as ::metajit::twin::TwinForm>::from_form(#a) }))
                    }
                    Init::Literal(lit) => {
                        let (e, ty) = &**lit;
                        quote!(::metajit::twin::green_bits(#e as #ty))
                    }
                });
                quote! {
                    #(let #args: ::metajit::twin::Form<#tys> = ::metajit::twin::IntoTwin::into_twin(#args);)*
                    if !(true #(&& #args.is_const())*) {
                        return ::metajit::twin::Sym::konst(false);
                    }
                    let __greens = [#(#values),*];
                    ::metajit::twin::Sym::konst(::metajit::twin::Executor::would_inline_portal_call(__e, &#portal, &__greens))
                }
            }
            None => quote!(::metajit::twin::Sym::konst(false)),
        };
        quote! {
            impl #name {
                /// `metajit::inlines!` of this function in twin code.
                #[doc(hidden)]
                #[allow(unused_unsafe, unused_variables, clippy::all)]
                pub fn __metajit_inlines<E: ::metajit::twin::Executor>(
                    __e: &mut E,
                    #(#args: impl ::metajit::twin::IntoTwin<::metajit::twin::Form<#tys>>),*
                ) -> ::metajit::twin::Sym<bool> {
                    #body
                }
            }
        }
    }

    /// The driver parameter and the type it points to (inlinable portals have one).
    fn driver_param(&self) -> (&syn::Ident, &syn::Type) {
        let (d, t) = self
            .driver
            .as_ref()
            .expect("inlinable portals have a driver");
        (d, t)
    }

    /// The assembler wrapper: the residual function a `call_assembler` calls with the callee's
    /// token and the portal's parameters. It runs the callee's compiled entry through the
    /// driver, finishes the call natively from the state a guard left it in, or (no compiled
    /// entry) calls the function natively.
    fn asm_wrapper(&self, inits: &[Init], asm: &syn::Ident) -> TokenStream {
        let f = self.f;
        let name = &f.sig.ident;
        let (driver, driver_ty) = self.driver_param();
        let native_run = &self.names.native_run;
        let ret_static = staticize(&crate::funcs::ret_type(&f.sig));
        let param_names: Vec<&syn::Ident> = self.params.iter().map(|p| &p.name).collect();
        let red_states = inits[self.greens.len()..].iter().map(|init| match init {
            Init::Param(i) => {
                let p = &self.params[*i];
                let n = &p.name;
                match &p.ty {
                    syn::Type::Reference(_) => quote!(::metajit::twin::red_state_ref(&*#n)),
                    _ => quote!(::metajit::twin::red_state(&#n)),
                }
            }
            Init::Literal(lit) => {
                let (e, ty) = &**lit;
                quote!(::metajit::twin::red_state(&(#e as #ty)))
            }
        });
        let mut w = f.clone();
        w.sig.ident = asm.clone();
        w.attrs = vec![
            syn::parse_quote!(#[::metajit::dont_look_inside(assembler)]),
            syn::parse_quote!(#[doc(hidden)]),
        ];
        w.sig
            .inputs
            .insert(0, syn::parse_quote!(__metajit_token: usize));
        w.block = syn::parse_quote!({
            let __reds = [#(#red_states),*];
            match #driver.call_assembler(__metajit_token, &__reds) {
                // SAFETY: the result of compiled code that ran on the interpreter's live reds.
                ::metajit::Entered::Return(__v) => unsafe {
                    <#ret_static as ::metajit::twin::TwinForm>::from_form(::metajit::twin::take_result(::core::option::Option::Some(__v)))
                },
                // SAFETY: the driver handle outlives the call; the state holds its live reds.
                ::metajit::Entered::Resume(__s) => unsafe {
                    <#ret_static as ::metajit::twin::TwinForm>::from_form(#native_run(#driver as *const #driver_ty as usize, __s))
                },
                ::metajit::Entered::Continue => #name(#(#param_names),*),
            }
        });
        w.into_token_stream()
    }

    /// The inlining branch of the marker's `call`: taken when the greens are constants and
    /// the executor follows the call; otherwise, while tracing, a `call_assembler` through
    /// the assembler wrapper `asm`.
    fn inline_call(&self, inits: &[Init], raw: &[syn::Ident], asm: &syn::Ident) -> TokenStream {
        let Names { twin, portal, .. } = self.names;
        let ng = self.greens.len();
        let mut consts = Vec::new();
        let mut values = Vec::new();
        for (k, init) in inits.iter().enumerate() {
            let v = match init {
                Init::Param(i) => {
                    let a = &raw[*i];
                    if k < ng {
                        let ty = staticize(&self.params[*i].ty);
                        consts.push(quote!(#a.is_const()));
                        // SAFETY: a constant of the trace is a value the interpreter holds.
                        quote!(unsafe { <#ty as ::metajit::twin::TwinForm>::from_form(#a) })
                    } else {
                        quote!(#a)
                    }
                }
                Init::Literal(lit) => {
                    let (e, ty) = &**lit;
                    if k < ng {
                        quote!((#e as #ty))
                    } else {
                        quote!(::metajit::twin::TwinForm::to_form(#e as #ty))
                    }
                }
            };
            values.push(v);
        }
        let vars: Vec<syn::Ident> = (0..inits.len())
            .map(|i| format_ident!("__v{}", i))
            .collect();
        let (gv, rv) = vars.split_at(ng);
        quote! {
            if true #(&& #consts)* {
                #(let #vars = #values;)*
                let __greens = [#(::metajit::twin::green_bits(#gv)),*];
                let __reds = [#(::metajit::twin::ResumeValue::of(#rv)),*];
                if ::metajit::twin::Executor::enter_portal_call(__e, &#portal, &__greens, &__reds) {
                    if let ::core::result::Result::Err(__stop) = ::metajit::twin::Executor::enter_call(__e, __site.after, __site.live_after) {
                        ::metajit::twin::Executor::leave_portal_call(__e);
                        return ::core::result::Result::Err(__stop);
                    }
                    let __r = #twin(__e, ::metajit::twin::Entry::Fresh((#(#vars,)*)));
                    ::metajit::twin::Executor::leave_call(__e);
                    ::metajit::twin::Executor::leave_portal_call(__e);
                    return __r;
                }
                if let ::core::option::Option::Some(__tok) = ::metajit::twin::Executor::asm_token(__e, &#portal, &__greens) {
                    return <#asm as ::metajit::twin::TwinFn<E>>::call(__e, (::metajit::twin::Sym::konst(__tok), #(#raw,)*), __site);
                }
            }
        }
    }

    /// The native entry's body: the driver resumes the next entry at the state, and the
    /// function is called with the parameters the state holds.
    fn native_body(&self, inits: &[Init]) -> TokenStream {
        let f = self.f;
        let name = &f.sig.ident;
        let (driver, driver_ty) = self.driver_param();
        let args = self.params.iter().enumerate().map(|(i, p)| {
            if &p.name == driver {
                return quote!(#driver);
            }
            let k = inits
                .iter()
                .position(|x| matches!(x, Init::Param(j) if *j == i))
                .expect("every parameter but the driver is a green or a red");
            if k < self.greens.len() {
                quote!(::metajit::JitValue::from_bits(__bits[#k]))
            } else {
                // SAFETY: the state holds the reds of a running call of the interpreter
                // function: live objects.
                quote!(unsafe { ::metajit::twin::TwinType::from_twin(::metajit::JitValue::from_bits(__bits[#k])) })
            }
        });
        let driver_ty = driver_ty.to_token_stream();
        quote! {
            // SAFETY: `__d` is the address of the driver handle the running interpreter
            // borrows (it cannot move or be dropped while the call this finishes runs).
            let #driver: &#driver_ty = unsafe { &*(__d as *const #driver_ty) };
            let __bits = __s.0.clone();
            #driver.resume_next_entry(__s);
            ::metajit::twin::TwinForm::to_form(#name(#(#args),*))
        }
    }
}

/// The expression twin code reads the driver parameter with: the driver its executor runs
/// for.
pub fn driver_read(ty: &syn::Type) -> syn::Expr {
    // SAFETY (of the generated block): the executor's driver address is that of the driver
    // handle the interpreter passed to the hook that started it, borrowed while it runs.
    syn::parse_quote!(unsafe { &*(::metajit::twin::Executor::driver_addr(__e) as *const #ty) })
}
