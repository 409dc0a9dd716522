//! Printing the twin: a function generic over the executor, a loop over numbered blocks, slots
//! as `metajit::twin::Slot` locals, an entry that either takes fresh arguments or restores the
//! live slots of a resume point.
//!
//! Every call that takes the executor evaluates its arguments into `let`s first (the executor
//! is a `&mut` borrow, so it cannot appear twice in one call's argument list).

use crate::analysis::ex_is_red;
use crate::cfg::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// The identifier of slot `s` in generated code.
pub fn slot_ident(s: SlotId) -> syn::Ident {
    format_ident!("__metajit_s{}", s)
}

/// What the emitter needs besides the lowered function.
pub struct EmitInput<'a> {
    /// The lowered function.
    pub f: &'a Func,
    /// The `TwinInfo` static's identifier.
    pub info: &'a syn::Ident,
    /// The portal's `PortalInfo` static (portal only).
    pub portal: Option<&'a syn::Ident>,
    /// The merge point and the portal's (greens, reds) slots.
    pub merge: Option<(PointId, Vec<SlotId>, Vec<SlotId>)>,
    /// Parameter slots in order (helpers).
    pub params: &'a [SlotId],
    /// Declared slot types (by slot), for parameters.
    pub slot_types: &'a [(SlotId, TokenStream)],
    /// Items declared in the body.
    pub items: &'a [syn::Item],
    /// The portal's native entry from a merge-point state (`fn(driver_addr, PortalState) ->
    /// result`), which finishes an inlined call natively (portal only).
    pub native_run: Option<&'a syn::Ident>,
    /// Whether the portal's twin can be entered fresh (its state types are all known).
    pub portal_fresh: bool,
}

struct Emitter<'a> {
    inp: &'a EmitInput<'a>,
    used_points: RefCell<BTreeSet<PointId>>,
    used_slots: RefCell<BTreeSet<SlotId>>,
}

/// Prints the twin's body (the function signature is printed by the caller).
pub fn emit_body(inp: &EmitInput<'_>) -> TokenStream {
    let e = Emitter {
        inp,
        used_points: RefCell::new(BTreeSet::new()),
        used_slots: RefCell::new(BTreeSet::new()),
    };
    let f = inp.f;
    // Blocks reachable from the entry, resume points and the merge point.
    let mut roots: Vec<BlockId> = vec![0];
    if let Some((mp, _, _)) = &inp.merge {
        roots.push(f.points[*mp].block);
    }
    // First pass over every reachable block to collect used points; resume points make more
    // blocks reachable, so iterate.
    let mut reachable = BTreeSet::new();
    let mut arms = Vec::new();
    loop {
        let mut stack = roots.clone();
        for p in e.used_points.borrow().iter() {
            stack.push(f.points[*p].block);
        }
        // Depth-first, in the order of first visits: a block comes after a block that leads to
        // it, so rustc infers a slot's type from where it is set (a `match` arm's binding)
        // before it reads the slot in the arm's body.
        stack.reverse();
        let mut seen = BTreeSet::new();
        let mut order = Vec::new();
        while let Some(b) = stack.pop() {
            if seen.insert(b) {
                order.push(b);
                if let Some(t) = &f.blocks[b].term {
                    stack.extend(t.succs().into_iter().rev());
                }
            }
        }
        arms.clear();
        for &b in &order {
            arms.push(e.block(b));
        }
        if seen == reachable {
            break;
        }
        reachable = seen;
    }
    let entry = e.entry();
    let used = e.used_slots.borrow().clone();
    let decls = used.iter().map(|&s| {
        let id = slot_ident(s);
        let ty = inp
            .slot_types
            .iter()
            .find(|(x, _)| *x == s)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| quote!(_));
        quote!(let mut #id: ::metajit::twin::Slot<#ty> = ::metajit::twin::Slot::new();)
    });
    let items = inp.items;
    quote! {
        #(#items)*
        #(#decls)*
        let mut __metajit_block: u32 = #entry;
        loop {
            match __metajit_block {
                #(#arms)*
                _ => ::core::unreachable!("metajit: bad twin block"),
            }
        }
    }
}

impl Emitter<'_> {
    fn slot(&self, s: SlotId) -> syn::Ident {
        self.used_slots.borrow_mut().insert(s);
        slot_ident(s)
    }

    fn site(&self, p: PointId) -> TokenStream {
        self.used_points.borrow_mut().insert(p);
        let info = self.inp.info;
        let point = p as u32;
        quote!(::metajit::twin::Site { info: &#info, point: #point })
    }

    fn live(&self, p: PointId) -> TokenStream {
        let snaps = self.inp.f.points[p].live.iter().map(|&s| {
            let id = self.slot(s);
            quote!(::metajit::twin::snap_slot(&#id, __w);)
        });
        quote!(&|__w: &mut ::metajit::twin::SnapWriter<'_>| { #(#snaps)* })
    }

    /// An expression; sub-expressions that use the executor are bound to `let`s inside a block.
    fn ex(&self, ex: &Ex) -> TokenStream {
        match ex {
            Ex::Slot(s) => {
                let id = self.slot(*s);
                quote!(#id.get())
            }
            Ex::Green(t, uses) => {
                for &s in uses {
                    self.slot(s);
                }
                quote!((#t))
            }
            Ex::Unary(op, a) => {
                let a = self.ex(a);
                quote!((#op #a))
            }
            Ex::Arith(op, a, b) => {
                let (a, b) = (self.ex(a), self.ex(b));
                quote!({ let __l = #a; let __r = #b; __l #op __r })
            }
            Ex::Cmp(name, a, b) => {
                let (a, b) = (self.ex(a), self.ex(b));
                let f = format_ident!("{}", name);
                quote!({ let __l = #a; let __r = #b; ::metajit::twin::#f(__l, __r) })
            }
            Ex::Cast(a, ty) => {
                let a = self.ex(a);
                quote!(::metajit::twin::cast::<#ty, _>(#a))
            }
            Ex::Field(base, m) => {
                let b = self.ex(base);
                quote!({ let __b = #b; ::metajit::twin::getfield(__e, __b, |__p| unsafe { ::core::ptr::addr_of!((*__p).#m) }) })
            }
            Ex::StructLit(path, fields) => {
                let vals: Vec<_> = fields.iter().map(|(_, e)| self.ex(e)).collect();
                let n = fields.len();
                let fv: Vec<_> = (0..n).map(|i| format_ident!("__f{}", i)).collect();
                let pv: Vec<_> = (0..n).map(|i| format_ident!("__p{}", i)).collect();
                let ov: Vec<_> = (0..n).map(|i| format_ident!("__o{}", i)).collect();
                let members: Vec<_> = fields.iter().map(|(m, _)| m).collect();
                quote!({
                    #(let #fv = #vals;)*
                    #(let (#pv, #ov) = ::metajit::twin::compound::literal_part(&#fv);)*
                    ::metajit::twin::compound::build(
                        #path { #(#members: #pv),* },
                        &[#((::core::mem::offset_of!(#path, #members), #ov)),*],
                    )
                })
            }
            Ex::New(path, fields) => {
                let vals: Vec<_> = fields.iter().map(|(_, e)| self.ex(e)).collect();
                let vs: Vec<_> = (0..fields.len())
                    .map(|i| format_ident!("__n{}", i))
                    .collect();
                let members: Vec<_> = fields.iter().map(|(m, _)| m).collect();
                quote!({
                    #(let #vs = #vals;)*
                    let __obj = ::metajit::twin::new_object::<_, #path>(__e);
                    #(::metajit::twin::init_field(__e, __obj, |__p| unsafe { ::core::ptr::addr_of!((*__p).#members) }, #vs);)*
                    __obj
                })
            }
            Ex::ExecCall(path, args) => {
                let vals: Vec<_> = args.iter().map(|e| self.ex(e)).collect();
                let vs: Vec<_> = (0..args.len()).map(|i| format_ident!("__x{}", i)).collect();
                quote!({
                    #(let #vs = #vals;)*
                    #path(__e, #(#vs),*)
                })
            }
            Ex::TupleField(a, m) => {
                let a = self.ex(a);
                quote!((#a).#m)
            }
            Ex::Tuple(v) => {
                let v: Vec<_> = v.iter().map(|x| self.ex(x)).collect();
                quote!((#(#v,)*))
            }
            Ex::Construct(path, v) => {
                let v: Vec<_> = v.iter().map(|x| self.ex(x)).collect();
                quote!(#path(#(#v),*))
            }
            Ex::WeAreJitted => quote!(::metajit::twin::we_are_jitted()),
            Ex::IsConstant(a) => {
                let a = self.ex(a);
                quote!({ let __a = #a; ::metajit::twin::is_constant(__e, __a) })
            }
            Ex::ArrayLen(a) => {
                let a = self.ex(a);
                quote!({ let __a = #a; ::metajit::twin::array_len(__e, __a) })
            }
        }
    }

    /// Stores `value` (tokens) into slot `dst`, converting green values into red slots.
    fn store(&self, dst: SlotId, value: TokenStream, value_red: bool) -> TokenStream {
        let id = self.slot(dst);
        if self.inp.f.slots[dst].red && !value_red {
            quote!({ let __v = ::metajit::twin::from_value(#value); #id.set(__v); })
        } else {
            quote!({ let __v = #value; #id.set(__v); })
        }
    }

    fn stmt(&self, st: &Stmt) -> TokenStream {
        let f = self.inp.f;
        let value = match &st.rhs {
            Rhs::Ex(e) => {
                let t = self.ex(e);
                return match st.dst {
                    Some(d) => self.store(d, t, ex_is_red(f, e)),
                    None => quote!(::metajit::twin::discard(#t);),
                };
            }
            Rhs::Index { base, idx, point } => {
                let (b, i, site, live) = (
                    self.ex(base),
                    self.ex(idx),
                    self.site(*point),
                    self.live(*point),
                );
                quote!({ let __b = #b; let __i = #i; ::metajit::twin::index(__e, __b, __i, #site, #live) })
            }
            Rhs::GreenIndex {
                base,
                base_uses,
                idx,
                point,
            } => {
                for &s in base_uses {
                    self.slot(s);
                }
                let (i, site, live) = (self.ex(idx), self.site(*point), self.live(*point));
                quote!({ let __i = #i; let __i = ::metajit::twin::promote(__e, __i, #site, #live); (#base)[__i] })
            }
            Rhs::SetIndex {
                base,
                idx,
                val,
                point,
            } => {
                let (b, i, v, site, live) = (
                    self.ex(base),
                    self.ex(idx),
                    self.ex(val),
                    self.site(*point),
                    self.live(*point),
                );
                quote!({ let __b = #b; let __i = #i; let __v = #v; ::metajit::twin::setindex(__e, __b, __i, __v, #site, #live) })
            }
            Rhs::SetField { base, member, val } => {
                let (b, v) = (self.ex(base), self.ex(val));
                quote!({ let __b = #b; let __v = #v; ::metajit::twin::setfield(__e, __b, |__p| unsafe { ::core::ptr::addr_of!((*__p).#member) }, __v) })
            }
            Rhs::DivRem { op, a, b, point } => {
                let (a, b, site, live) =
                    (self.ex(a), self.ex(b), self.site(*point), self.live(*point));
                let fun = format_ident!("{}", op);
                quote!({ let __l = #a; let __r = #b; ::metajit::twin::#fun(__e, __l, __r, #site, #live) })
            }
            Rhs::Promote { val, point, plain } => {
                let (v, site, live) = (self.ex(val), self.site(*point), self.live(*point));
                if *plain {
                    quote!({ let __v = #v; ::metajit::twin::promote(__e, __v, #site, #live) })
                } else {
                    quote!({ let __v = #v; ::metajit::twin::promote_const(__e, __v, #site, #live) })
                }
            }
            Rhs::ClassTest {
                func,
                types,
                arg,
                point,
                ..
            } => {
                let (v, site, live) = (self.ex(arg), self.site(*point), self.live(*point));
                let u = types.first().cloned().unwrap_or_else(|| quote!(_));
                quote!({ let __v = #v; ::metajit::twin::#func::<#u, _, _>(__e, __v, #site, #live) })
            }
            Rhs::AssertGreen(v) => {
                let v = self.ex(v);
                quote!({ let __v = #v; ::metajit::twin::assert_green(__e, __v) })
            }
            Rhs::CanEnterJit => quote!(::metajit::twin::Executor::can_enter_jit(__e)),
            Rhs::KnownResult {
                callee,
                result,
                args,
            } => {
                let args: Vec<TokenStream> = args.iter().map(|a| self.ex(a)).collect();
                let names: Vec<syn::Ident> =
                    (0..args.len()).map(|i| format_ident!("__a{}", i)).collect();
                let r = self.ex(result);
                quote!({
                    #(let #names = #args;)*
                    let __res = #r;
                    <#callee as ::metajit::twin::TwinKnownResult<E>>::record(__e, (#(::metajit::twin::from_value(#names),)*), ::metajit::twin::from_value(__res))
                })
            }
            Rhs::Call {
                callee,
                recv,
                args,
                before,
                after,
                span,
            } => {
                let args: Vec<TokenStream> = args.iter().map(|a| self.ex(a)).collect();
                let names: Vec<syn::Ident> =
                    (0..args.len()).map(|i| format_ident!("__a{}", i)).collect();
                let cs = {
                    let (sb, lb, sa, la) = (
                        self.site(*before),
                        self.live(*before),
                        self.site(*after),
                        self.live(*after),
                    );
                    quote!(::metajit::twin::CallSite { before: #sb, live_before: #lb, after: #sa, live_after: #la })
                };
                match callee {
                    Callee::Path(path) => {
                        let call = quote::quote_spanned!(*span => <#path as ::metajit::twin::TwinFn<E>>::call);
                        quote!({
                            #(let #names = #args;)*
                            #call(__e, (#(::metajit::twin::from_value(#names),)*), #cs)?
                        })
                    }
                    Callee::Method(m) => {
                        let hash = method_hash(&m.to_string());
                        let r = self.ex(recv.as_ref().expect("method receiver"));
                        let call = quote::quote_spanned!(m.span() => ::metajit::twin::call_method::<#hash, _, _, _, E>);
                        quote!({
                            let __recv = #r;
                            #(let #names = #args;)*
                            #call(__e, __recv, (#(::metajit::twin::from_value(#names),)*), #cs)?
                        })
                    }
                }
            }
        };
        match st.dst {
            Some(d) => self.store(d, value, crate::analysis::rhs_is_red(f, &st.rhs)),
            None => quote!(#value;),
        }
    }

    fn term(&self, t: &Term) -> TokenStream {
        let f = self.inp.f;
        match t {
            Term::Goto(b) => {
                let b = *b as u32;
                quote!(__metajit_block = #b;)
            }
            Term::Branch {
                cond,
                point,
                then_b,
                else_b,
            } => {
                let c = self.ex(cond);
                let (tb, eb) = (*then_b as u32, *else_b as u32);
                if ex_is_red(f, cond) {
                    let (site, live) = (self.site(*point), self.live(*point));
                    quote!(__metajit_block = if { let __c = #c; ::metajit::twin::cond(__e, __c, #site, #live) } { #tb } else { #eb };)
                } else {
                    quote!(__metajit_block = if #c { #tb } else { #eb };)
                }
            }
            Term::Switch {
                scrut,
                point,
                arms,
                native,
            } => {
                let s = self.ex(scrut);
                let red = !native && ex_is_red(f, scrut);
                let scrut_tokens = if red {
                    let (site, live) = (self.site(*point), self.live(*point));
                    quote!({ let __x = #s; ::metajit::twin::scrutinee(__e, __x, #site, #live) })
                } else {
                    s
                };
                // A native switch on a red value (`?` on a call's result) binds values that are
                // in twin form already; the others bind plain values.
                let twin_bindings = *native && ex_is_red(f, scrut);
                let arms = arms.iter().map(|a| {
                    let pat = &a.pat;
                    let guard = a.guard.as_ref().map(|g| {
                        let g = self.ex(g);
                        quote!(if #g)
                    });
                    // Bindings of a red scrutinee are plain values (a promoted integer) or twin
                    // values (inside an `Option` or `Result`): `bind` makes either the slot's
                    // twin form, with a type rustc infers from the binding.
                    let sets = a.bindings.iter().map(|(id, s)| {
                        if red && f.slots[*s].red {
                            let slot = self.slot(*s);
                            quote!({ let __v = ::metajit::twin::bind(#id); #slot.set(__v); })
                        } else {
                            self.store(*s, quote!(#id), twin_bindings)
                        }
                    });
                    let target = a.target as u32;
                    quote!(#pat #guard => { #(#sets)* __metajit_block = #target; })
                });
                quote!(match #scrut_tokens { #(#arms)* })
            }
            Term::Return(e) => {
                let v = self.ex(e);
                quote!(return ::core::result::Result::Ok(::metajit::twin::from_value(#v));)
            }
            Term::ReturnRaw(e) => {
                let v = self.ex(e);
                quote!(return ::core::result::Result::Ok(#v);)
            }
            Term::MergePoint(next) => {
                let (_, greens, reds) = self.inp.merge.as_ref().expect("merge point in a portal");
                let portal = self.inp.portal.expect("portal info");
                let g = greens.iter().map(|&s| {
                    let id = self.slot(s);
                    quote!(::metajit::twin::green_bits(#id.get()))
                });
                let r = reds.iter().map(|&s| {
                    let id = self.slot(s);
                    quote!(::metajit::twin::ResumeValue::of(#id.get()))
                });
                let next = *next as u32;
                let native = self.inp.native_run.expect("native entry of the portal");
                quote! {
                    match ::metajit::twin::Executor::merge_point(__e, &#portal, &[#(#g),*], &[#(#r),*]) {
                        ::core::result::Result::Ok(()) => {}
                        ::core::result::Result::Err(::metajit::twin::Stop::Nested(__s)) => {
                            let __d = ::metajit::twin::Executor::driver_addr(__e);
                            return ::core::result::Result::Ok(#native(__d, __s));
                        }
                        ::core::result::Result::Err(__stop) => return ::core::result::Result::Err(__stop),
                    }
                    __metajit_block = #next;
                }
            }
            Term::Panic(tokens) => quote!({ #tokens }),
        }
    }

    fn block(&self, b: BlockId) -> TokenStream {
        let block = &self.inp.f.blocks[b];
        let stmts: Vec<TokenStream> = block.stmts.iter().map(|s| self.stmt(s)).collect();
        let term = match &block.term {
            Some(t) => self.term(t),
            None => quote!(::core::unreachable!("metajit: unterminated twin block")),
        };
        let id = b as u32;
        quote!(#id => { #(#stmts)* #term })
    }

    fn entry(&self) -> TokenStream {
        let f = self.inp.f;
        let mut arms = Vec::new();
        let points: Vec<PointId> = self.used_points.borrow().iter().copied().collect();
        let mut points = points;
        if let Some((mp, _, _)) = &self.inp.merge {
            points.push(*mp);
        }
        points.sort_unstable();
        points.dedup();
        for p in points {
            let pt = &f.points[p];
            let restores = pt.live.iter().map(|&s| {
                let id = self.slot(s);
                quote!(::metajit::twin::restore_slot(&mut #id, __r.reader);)
            });
            let result = match pt.kind {
                PointKind::After { result: Some(r) } => {
                    let id = self.slot(r);
                    quote!(#id.set(::metajit::twin::take_result(__r.ret));)
                }
                _ => quote!(),
            };
            let (pid, block) = (p as u32, pt.block as u32);
            arms.push(quote!(#pid => { #(#restores)* #result #block }));
        }
        let fresh = if self.inp.merge.is_some() && !self.inp.portal_fresh {
            quote!(::metajit::twin::Entry::Fresh(_) => ::core::unreachable!("metajit: this interpreter function is not inlined"),)
        } else if let Some((_, greens, reds)) = &self.inp.merge {
            // An inlined call of the portal: its greens and reds at the first merge point.
            let state: Vec<SlotId> = greens.iter().chain(reds).copied().collect();
            let names: Vec<syn::Ident> = (0..state.len())
                .map(|i| format_ident!("__p{}", i))
                .collect();
            let sets = state.iter().zip(&names).map(|(&s, n)| {
                let id = self.slot(s);
                quote!(#id.set(#n);)
            });
            quote!(::metajit::twin::Entry::Fresh((#(#names,)*)) => { #(#sets)* 0 })
        } else {
            let names: Vec<syn::Ident> = (0..self.inp.params.len())
                .map(|i| format_ident!("__p{}", i))
                .collect();
            let sets = self.inp.params.iter().zip(&names).map(|(&s, n)| {
                let id = self.slot(s);
                quote!(#id.set(#n);)
            });
            quote!(::metajit::twin::Entry::Fresh((#(#names,)*)) => { #(#sets)* 0 })
        };
        quote! {
            match __entry {
                #fresh
                ::metajit::twin::Entry::Resume(__r) => match __r.point {
                    #(#arms)*
                    _ => ::core::unreachable!("metajit: unknown resume point"),
                },
            }
        }
    }
}

/// The FNV-1a hash of a method name: the const parameter `TwinMethod` dispatches on.
pub fn method_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
