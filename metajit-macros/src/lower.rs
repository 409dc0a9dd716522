//! Lowering: a Rust function body to the codewriter's block IR (`cfg.rs`).
//!
//! Every local becomes a slot; control flow becomes terminators; every operation that may
//! guard (indexing, division, promotion, conditions, red matches) starts a new block so that
//! a failing guard can resume exactly there; every call ends its block so that an inlined
//! callee's guards can resume the caller right after it. Green expressions (computed only from
//! greens and constants) stay whole and are printed as plain Rust.
//!
//! Lowering runs several times: which locals are red is only known after a pass (the taint
//! fixpoint in `analysis.rs`), and lowering decisions depend on it. Binding numbers are
//! assigned in source order, so they are stable between passes.

use crate::cfg::*;
use crate::green::{hint_name, is_assign_op, is_constructor, is_pure_std};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use std::collections::HashSet;
use syn::Stmt as SynStmt;
use syn::spanned::Spanned;
use syn::{Expr, Pat};

/// What a name in scope refers to.
#[derive(Clone, Debug)]
pub enum Var {
    /// A slot.
    Slot(SlotId),
    /// An identifier bound directly by generated code (match-arm guard bindings).
    Direct(syn::Ident),
}

/// The portal's greens and reds.
pub struct PortalCfg {
    /// Green names, in order.
    pub greens: Vec<syn::Ident>,
    /// Red names, in order.
    pub reds: Vec<syn::Ident>,
}

/// Fixed inputs of a lowering pass.
pub struct Config<'a> {
    /// Bindings found red by the previous pass.
    pub red_bindings: &'a HashSet<usize>,
    /// Whether loops may appear (portal, `unroll_safe`).
    pub allow_loops: bool,
    /// Set when lowering the portal.
    pub portal: Option<&'a PortalCfg>,
}

struct LoopCtx {
    label: Option<String>,
    cont: Option<BlockId>,
    brk: BlockId,
    result: Option<SlotId>,
}

/// The lowering state.
pub struct Lowerer<'a> {
    /// The function being built.
    pub f: Func,
    cur: BlockId,
    scopes: Vec<Vec<(String, Var)>>,
    next_binding: usize,
    /// Every assignment, for the taint fixpoint: (destination, right-hand side).
    pub assigns: Vec<(SlotId, Rhs)>,
    /// Slots red from the start (red parameters, portal reds).
    pub fixed_red: Vec<SlotId>,
    loops: Vec<LoopCtx>,
    cfg: &'a Config<'a>,
    /// Errors found (reported all at once).
    pub errors: Vec<syn::Error>,
    /// Items declared inside the body (copied into the twin).
    pub items: Vec<syn::Item>,
    /// Names declared before the portal loop that are neither green nor red.
    pub invalid: HashSet<String>,
    /// The portal's merge point.
    pub merge_point: Option<PointId>,
    /// The portal's green and red slots, in order.
    pub portal_slots: (Vec<SlotId>, Vec<SlotId>),
    /// Set while lowering the right-hand side of an assignment to a green of the portal.
    want_plain: bool,
    /// Errors found while printing green code (which only borrows the lowerer).
    pub deferred: std::cell::RefCell<Vec<syn::Error>>,
    unsafe_depth: usize,
}

impl<'a> Lowerer<'a> {
    /// A lowerer with an empty entry block.
    pub fn new(cfg: &'a Config<'a>) -> Lowerer<'a> {
        let mut f = Func::default();
        f.blocks.push(Block {
            stmts: Vec::new(),
            term: None,
        });
        Lowerer {
            f,
            cur: 0,
            scopes: vec![Vec::new()],
            next_binding: 0,
            assigns: Vec::new(),
            fixed_red: Vec::new(),
            loops: Vec::new(),
            cfg,
            errors: Vec::new(),
            items: Vec::new(),
            invalid: HashSet::new(),
            merge_point: None,
            portal_slots: (Vec::new(), Vec::new()),
            deferred: std::cell::RefCell::new(Vec::new()),
            want_plain: false,
            unsafe_depth: 0,
        }
    }

    // ------------------------------------------------------------ plumbing

    /// Records an error at `span`.
    pub fn error(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, msg));
    }

    /// Looks a name up in the scopes.
    pub fn lookup(&self, name: &str) -> Option<Var> {
        for scope in self.scopes.iter().rev() {
            if let Some((_, v)) = scope.iter().rev().find(|(n, _)| n == name) {
                return Some(v.clone());
            }
        }
        None
    }

    /// Whether slot `s` is red in this pass.
    pub fn slot_is_red(&self, s: SlotId) -> bool {
        self.f.slots[s].red
    }

    fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    /// A slot for a user binding (numbered in source order).
    pub fn new_var(&mut self, name: &str, ty: Option<TokenStream>) -> SlotId {
        let b = self.next_binding;
        self.next_binding += 1;
        let red = self.cfg.red_bindings.contains(&b);
        self.f.slots.push(Slot {
            name: name.to_string(),
            binding: Some(b),
            red,
            ty,
        });
        let s = self.f.slots.len() - 1;
        self.scopes
            .last_mut()
            .expect("a scope")
            .push((name.to_string(), Var::Slot(s)));
        s
    }

    /// A temporary slot.
    fn new_temp(&mut self) -> SlotId {
        self.f.slots.push(Slot {
            name: "t".into(),
            binding: None,
            red: false,
            ty: None,
        });
        self.f.slots.len() - 1
    }

    fn new_block(&mut self) -> BlockId {
        self.f.blocks.push(Block {
            stmts: Vec::new(),
            term: None,
        });
        self.f.blocks.len() - 1
    }

    fn switch_to(&mut self, b: BlockId) {
        self.cur = b;
    }

    /// Ends the current block; continues in a fresh (unreachable) block.
    fn terminate(&mut self, t: Term) {
        if self.f.blocks[self.cur].term.is_none() {
            self.f.blocks[self.cur].term = Some(t);
        }
        let dead = self.new_block();
        self.cur = dead;
    }

    fn goto(&mut self, b: BlockId) {
        if self.f.blocks[self.cur].term.is_none() {
            self.f.blocks[self.cur].term = Some(Term::Goto(b));
        }
    }

    /// Makes the current block empty (starting a new one if needed), for a resume point.
    fn fresh_block(&mut self) -> BlockId {
        if !self.f.blocks[self.cur].stmts.is_empty() || self.f.blocks[self.cur].term.is_some() {
            let b = self.new_block();
            self.goto(b);
            self.switch_to(b);
        }
        self.cur
    }

    fn new_point(&mut self, block: BlockId, kind: PointKind) -> PointId {
        self.f.points.push(Point {
            block,
            kind,
            live: Vec::new(),
        });
        self.f.points.len() - 1
    }

    /// Appends a statement to the current block.
    fn push(&mut self, dst: Option<SlotId>, rhs: Rhs) {
        if let Some(d) = dst {
            self.assigns.push((d, rhs.clone()));
        }
        self.f.blocks[self.cur]
            .stmts
            .push(crate::cfg::Stmt { dst, rhs });
    }

    /// A statement that may guard: it starts its own block, with a resume point before it.
    fn guarded(&mut self, dst: Option<SlotId>, make: impl FnOnce(PointId) -> Rhs) {
        let b = self.fresh_block();
        let p = self.new_point(b, PointKind::Before);
        let rhs = make(p);
        self.push(dst, rhs);
    }

    /// Assigns an expression to a slot.
    fn assign_slot(&mut self, s: SlotId, ex: Ex) {
        self.push(Some(s), Rhs::Ex(ex));
    }

    /// Keeps a value for later: slot reads and constants as they are, anything else in a temp.
    fn materialize(&mut self, ex: Ex) -> Ex {
        if ex.is_stable() {
            return ex;
        }
        let t = self.new_temp();
        self.assign_slot(t, ex);
        Ex::Slot(t)
    }

    fn green(&self, e: &Expr) -> Ex {
        let (tokens, uses) = self.green_tokens(e);
        if self.unsafe_depth > 0 {
            Ex::Green(quote!(unsafe { #tokens }), uses)
        } else {
            Ex::Green(tokens, uses)
        }
    }

    // ------------------------------------------------------------ entry points

    /// Binds a parameter to a new slot.
    pub fn param(&mut self, name: &syn::Ident, ty: Option<TokenStream>, red: bool) -> SlotId {
        let s = self.new_var(&name.to_string(), ty);
        if red {
            self.fixed_red.push(s);
            self.f.slots[s].red = true;
        }
        s
    }

    /// Lowers a helper's body: the value of the block is returned.
    pub fn lower_body(&mut self, body: &syn::Block) {
        let v = self.block_value(body);
        self.terminate(Term::Return(v));
    }

    /// Lowers the portal: `loop_stmt` is the dispatch loop (whose first statement is
    /// `merge_point!()`), `rest` the statements after it.
    pub fn lower_portal(&mut self, dispatch: &syn::ExprLoop, rest: &[SynStmt]) {
        let portal = self.cfg.portal.expect("portal config");
        let mut greens = Vec::new();
        for g in &portal.greens {
            greens.push(self.new_var(&g.to_string(), None));
        }
        let mut reds = Vec::new();
        for r in &portal.reds {
            let s = self.new_var(&r.to_string(), None);
            self.fixed_red.push(s);
            self.f.slots[s].red = true;
            reds.push(s);
        }
        self.portal_slots = (greens.clone(), reds.clone());
        let head = self.new_block();
        self.goto(head);
        let mp = self.new_point(head, PointKind::Before);
        self.f.points[mp].live = greens.iter().chain(&reds).copied().collect();
        self.merge_point = Some(mp);
        let body = self.new_block();
        self.f.blocks[head].term = Some(Term::MergePoint(body));
        let exit = self.new_block();
        self.switch_to(body);
        self.loops.push(LoopCtx {
            label: dispatch.label.as_ref().map(|l| l.name.ident.to_string()),
            cont: Some(head),
            brk: exit,
            result: None,
        });
        self.push_scope();
        let stmts = &dispatch.body.stmts[1..];
        let v = self.stmts_value(stmts);
        let _ = v;
        self.pop_scope();
        self.goto(head);
        self.loops.pop();
        self.switch_to(exit);
        let v = self.stmts_value(rest);
        self.terminate(Term::Return(v));
    }

    // ------------------------------------------------------------ statements and blocks

    fn block_value(&mut self, b: &syn::Block) -> Ex {
        self.push_scope();
        let v = self.stmts_value(&b.stmts);
        self.pop_scope();
        v
    }

    fn stmts_value(&mut self, stmts: &[SynStmt]) -> Ex {
        let mut value = Ex::Tuple(Vec::new());
        for (i, s) in stmts.iter().enumerate() {
            let last = i + 1 == stmts.len();
            match s {
                SynStmt::Expr(e, None) if last => value = self.expr(e),
                SynStmt::Expr(e, _) => self.expr_effect(e),
                SynStmt::Local(l) => self.local(l),
                SynStmt::Item(item) => self.items.push(item.clone()),
                SynStmt::Macro(m) => {
                    self.macro_stmt(&m.mac, m.semi_token.is_none() && last, &mut value)
                }
            }
        }
        value
    }

    fn local(&mut self, l: &syn::Local) {
        let init = l.init.as_ref();
        if let Some(LocalInitRef {
            diverge: Some(else_e),
            expr,
        }) = init.map(|i| LocalInitRef {
            expr: &i.expr,
            diverge: i.diverge.as_ref().map(|d| &*d.1),
        }) {
            // let PAT = e else { diverge };
            let scrut = self.expr(expr);
            let ok = self.new_block();
            let fail = self.new_block();
            self.switch(scrut, &[(l.pat.clone(), ok)], Some(fail), true);
            self.switch_to(fail);
            self.expr_effect(else_e);
            self.terminate(Term::Panic(quote!(unreachable!("let-else fell through"))));
            self.switch_to(ok);
            return;
        }
        let value = init.map(|i| self.expr(&i.expr));
        self.bind_pattern(&l.pat, value, None);
    }

    /// Binds `pat` (an identifier, `_`, a typed identifier or a tuple of those) to `value`.
    fn bind_pattern(&mut self, pat: &Pat, value: Option<Ex>, ty: Option<TokenStream>) {
        match pat {
            Pat::Ident(i) if i.subpat.is_none() && i.by_ref.is_none() => {
                let name = i.ident.to_string();
                let s = self.new_var(&name, ty);
                if let Some(v) = value {
                    self.assign_slot(s, v);
                }
            }
            Pat::Type(t) => {
                let ty = t.ty.to_token_stream();
                self.bind_pattern(&t.pat, value, Some(ty));
            }
            Pat::Wild(_) => {
                if let Some(v) = value {
                    self.push(None, Rhs::Ex(v));
                }
            }
            Pat::Tuple(t) => {
                let v = value.map(|v| self.materialize(v));
                for (k, p) in t.elems.iter().enumerate() {
                    let idx = syn::Index::from(k);
                    let elem = v.clone().map(|v| Ex::TupleField(Box::new(v), syn::Member::Unnamed(idx)));
                    self.bind_pattern(p, elem, None);
                }
            }
            Pat::Paren(p) => self.bind_pattern(&p.pat, value, ty),
            other => self.error(other.span(), "traced code only binds identifiers, `_` and tuples with `let`; use `match` or `let ... else` for other patterns"),
        }
    }

    fn macro_stmt(&mut self, mac: &syn::Macro, is_value: bool, value: &mut Ex) {
        let ex = self.macro_expr(mac);
        if is_value {
            *value = ex;
        }
    }

    /// Lowers a macro call (the few the codewriter understands).
    pub fn macro_expr(&mut self, mac: &syn::Macro) -> Ex {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let unit = Ex::Tuple(Vec::new());
        match name.as_str() {
            "can_enter_jit" => {
                if self.cfg.portal.is_none() {
                    self.error(mac.span(), "can_enter_jit!() is only meaningful in the #[metajit::interpreter] function");
                }
                self.push(None, Rhs::CanEnterJit);
                unit
            }
            "merge_point" => {
                self.error(mac.span(), "merge_point!() must be the first statement of the dispatch loop of the #[metajit::interpreter] function");
                unit
            }
            "record_known_result" => {
                let parsed = mac.parse_body_with(|input: syn::parse::ParseStream<'_>| {
                    let result: Expr = input.parse()?;
                    input.parse::<syn::Token![,]>()?;
                    let call: syn::ExprCall = input.parse()?;
                    Ok((result, call))
                });
                let (result, call) = match parsed {
                    Ok(x) => x,
                    Err(e) => {
                        self.errors.push(syn::Error::new(
                            e.span(),
                            "expected `record_known_result!(result, f(args...))`",
                        ));
                        return unit;
                    }
                };
                let Expr::Path(p) = &*call.func else {
                    self.error(call.func.span(), "record_known_result! needs a call of a #[metajit::elidable] function by path");
                    return unit;
                };
                let mut all: Vec<&Expr> = vec![&result];
                all.extend(call.args.iter());
                let mut vals = self.exprs(all);
                let result = vals.remove(0);
                self.push(
                    None,
                    Rhs::KnownResult {
                        callee: p.path.clone(),
                        result,
                        args: vals,
                    },
                );
                unit
            }
            "panic" | "unreachable" | "todo" | "unimplemented" => {
                let tokens = self.macro_with_green_args(mac);
                self.terminate(Term::Panic(tokens));
                unit
            }
            "assert" | "debug_assert" | "assert_eq" | "debug_assert_eq" | "assert_ne"
            | "debug_assert_ne" => {
                let args = match mac.parse_body_with(
                    syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
                ) {
                    Ok(a) => a.into_iter().collect::<Vec<_>>(),
                    Err(e) => {
                        self.errors.push(e);
                        return unit;
                    }
                };
                let cond: Expr = match (name.trim_start_matches("debug_"), args.as_slice()) {
                    ("assert", [c, ..]) => c.clone(),
                    ("assert_eq", [a, b, ..]) => syn::parse_quote!((#a) == (#b)),
                    ("assert_ne", [a, b, ..]) => syn::parse_quote!((#a) != (#b)),
                    _ => {
                        self.error(mac.span(), "malformed assertion");
                        return unit;
                    }
                };
                let ok = self.new_block();
                let fail = self.new_block();
                if name.starts_with("debug_") {
                    // Checked only where the native code checks it: in debug builds.
                    let check = self.new_block();
                    let b = self.cur;
                    let point = self.new_point(b, PointKind::Before);
                    self.f.blocks[b].term = Some(Term::Branch {
                        cond: Ex::Green(quote!(::core::cfg!(debug_assertions)), Vec::new()),
                        point,
                        then_b: check,
                        else_b: ok,
                    });
                    self.switch_to(check);
                }
                self.cond(&cond, ok, fail);
                self.switch_to(fail);
                // The message: the user's (green) format arguments, or the condition.
                let extra = match name.trim_start_matches("debug_") {
                    "assert" => &args[1.min(args.len())..],
                    _ => &args[2.min(args.len())..],
                };
                for a in extra {
                    if !self.is_green(a) || self.formats_red_local(a) {
                        self.error(
                            a.span(),
                            format!("the message of `{name}!` in traced code may only use green values (a traced panic cannot format a red one); drop the argument or check in a #[metajit::dont_look_inside] function"),
                        );
                        return unit;
                    }
                }
                let msg = if extra.is_empty() {
                    let text = format!("assertion failed: {}", cond.to_token_stream());
                    quote!(panic!("{}", #text))
                } else {
                    let parts: Vec<TokenStream> =
                        extra.iter().map(|a| self.green_tokens(a).0).collect();
                    quote!(panic!(#(#parts),*))
                };
                self.terminate(Term::Panic(msg));
                self.switch_to(ok);
                unit
            }
            _ => {
                self.error(
                    mac.span(),
                    format!("the macro `{name}!` cannot be traced; move it into a #[metajit::dont_look_inside] function"),
                );
                unit
            }
        }
    }

    /// A panicking macro with its (green) arguments substituted.
    fn macro_with_green_args(&mut self, mac: &syn::Macro) -> TokenStream {
        let path = &mac.path;
        let Ok(args) = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            return mac.to_token_stream();
        };
        let mut out = Vec::new();
        for a in &args {
            if !self.is_green(a) {
                self.error(
                    a.span(),
                    "arguments of panicking macros in traced code must be green",
                );
            }
            out.push(self.green_tokens(a).0);
        }
        quote!(#path!(#(#out),*))
    }

    // ------------------------------------------------------------ expressions

    /// Lowers `e` for its effect only.
    pub fn expr_effect(&mut self, e: &Expr) {
        match e {
            Expr::Assign(a) => self.assign(&a.left, &a.right),
            Expr::Binary(b) if is_assign_op(&b.op) => {
                self.compound_assign(&b.left, &b.op, &b.right)
            }
            _ => {
                let v = self.expr(e);
                if !matches!(v, Ex::Tuple(ref t) if t.is_empty()) && !v.is_stable() {
                    self.push(None, Rhs::Ex(v));
                }
            }
        }
    }

    /// Lowers `e` for its value.
    pub fn expr(&mut self, e: &Expr) -> Ex {
        if self.is_green(e) && green_emittable(e) {
            return self.green(e);
        }
        let unit = Ex::Tuple(Vec::new());
        match e {
            Expr::Path(p) => match p.path.get_ident().map(|i| i.to_string()) {
                Some(name) if self.invalid.contains(&name) => {
                    self.error(p.span(), format!("`{name}` is declared before the dispatch loop but is neither a green nor a red; list it in greens(..) or reds(..)"));
                    unit
                }
                Some(name) => match self.lookup(&name) {
                    Some(Var::Slot(s)) => Ex::Slot(s),
                    Some(Var::Direct(i)) => Ex::Green(quote!(#i), Vec::new()),
                    None => self.green(e),
                },
                None => self.green(e),
            },
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Lit(_) => self.green(e),
            Expr::Unary(u) => match u.op {
                syn::UnOp::Deref(_) => {
                    // `*x` on a red Copy value (a reference to a scalar is not red): read it as is.
                    self.expr(&u.expr)
                }
                syn::UnOp::Not(t) => {
                    let a = self.expr(&u.expr);
                    Ex::Unary(quote!(#t), Box::new(a))
                }
                syn::UnOp::Neg(t) => {
                    let a = self.expr(&u.expr);
                    Ex::Unary(quote!(#t), Box::new(a))
                }
                _ => {
                    self.error(u.span(), "unsupported unary operator in traced code");
                    unit
                }
            },
            Expr::Binary(b) => self.binary(b),
            Expr::Cast(c) => {
                let a = self.expr(&c.expr);
                Ex::Cast(Box::new(a), c.ty.to_token_stream())
            }
            Expr::Field(f) => {
                let base = self.expr(&f.base);
                match &f.member {
                    syn::Member::Named(_) => Ex::Field(Box::new(base), f.member.clone()),
                    syn::Member::Unnamed(_) => Ex::TupleField(Box::new(base), f.member.clone()),
                }
            }
            Expr::Index(i) => self.index(i),
            Expr::Tuple(t) => {
                let v = self.exprs(t.elems.iter().collect());
                Ex::Tuple(v)
            }
            Expr::Call(c) => self.call(c),
            Expr::MethodCall(m) => self.method_call(m),
            Expr::Block(b) if b.label.is_none() => self.block_value(&b.block),
            Expr::Block(b) => {
                let exit = self.new_block();
                let result = self.new_temp();
                self.loops.push(LoopCtx {
                    label: b.label.as_ref().map(|l| l.name.ident.to_string()),
                    cont: None,
                    brk: exit,
                    result: Some(result),
                });
                let v = self.block_value(&b.block);
                self.assign_slot(result, v);
                self.loops.pop();
                self.goto(exit);
                self.switch_to(exit);
                Ex::Slot(result)
            }
            Expr::Unsafe(u) => {
                self.unsafe_depth += 1;
                let v = self.block_value(&u.block);
                self.unsafe_depth -= 1;
                v
            }
            Expr::If(i) => self.if_expr(i),
            Expr::Match(m) => self.match_expr(m),
            Expr::Loop(l) => self.loop_expr(l),
            Expr::While(w) => self.while_expr(w),
            Expr::ForLoop(f) => self.for_expr(f),
            Expr::Assign(_) => {
                self.expr_effect(e);
                unit
            }
            Expr::Return(r) => {
                let v = match &r.expr {
                    Some(x) => self.expr(x),
                    None => Ex::Tuple(Vec::new()),
                };
                self.terminate(Term::Return(v));
                unit
            }
            Expr::Break(b) => {
                let v = b.expr.as_ref().map(|x| self.expr(x));
                match self.find_loop(b.label.as_ref(), b.span(), false) {
                    Some(i) => {
                        if let (Some(v), Some(r)) = (v, self.loops[i].result) {
                            self.assign_slot(r, v);
                        }
                        let t = self.loops[i].brk;
                        self.terminate(Term::Goto(t));
                    }
                    None => self.terminate(Term::Panic(quote!(unreachable!()))),
                }
                unit
            }
            Expr::Continue(c) => {
                match self.find_loop(c.label.as_ref(), c.span(), true) {
                    Some(i) => {
                        let t = self.loops[i].cont.expect("loops have a continue target");
                        self.terminate(Term::Goto(t));
                    }
                    None => self.terminate(Term::Panic(quote!(unreachable!()))),
                }
                unit
            }
            Expr::Try(t) => self.try_expr(&t.expr),
            Expr::Macro(m) => self.macro_expr(&m.mac),
            Expr::Let(l) => {
                self.error(l.span(), "`let` expressions are only supported as the whole condition of `if let`/`while let` in traced code");
                unit
            }
            other => {
                let what = describe_expr(other);
                self.error(
                    other.span(),
                    format!("{what} cannot be traced with red values; compute it from green values only, or move it into a #[metajit::dont_look_inside] function"),
                );
                unit
            }
        }
    }

    /// Lowers sibling expressions in order, keeping earlier values in temps when a later one
    /// may run statements (so effects happen in source order).
    fn exprs(&mut self, es: Vec<&Expr>) -> Vec<Ex> {
        let mut out = Vec::with_capacity(es.len());
        for (i, e) in es.iter().enumerate() {
            let v = self.expr(e);
            let later_emits = es[i + 1..].iter().any(|x| self.may_emit(x));
            out.push(if later_emits { self.materialize(v) } else { v });
        }
        out
    }

    /// Whether lowering `e` may add statements or blocks.
    fn may_emit(&self, e: &Expr) -> bool {
        if self.is_green(e) && green_emittable(e) {
            return false;
        }
        match e {
            Expr::Lit(_) | Expr::Path(_) => false,
            Expr::Paren(p) => self.may_emit(&p.expr),
            Expr::Group(g) => self.may_emit(&g.expr),
            Expr::Unary(u) => self.may_emit(&u.expr),
            Expr::Cast(c) => self.may_emit(&c.expr),
            Expr::Field(f) => self.may_emit(&f.base),
            Expr::Tuple(t) => t.elems.iter().any(|x| self.may_emit(x)),
            Expr::Binary(b) => {
                matches!(
                    b.op,
                    syn::BinOp::Div(_)
                        | syn::BinOp::Rem(_)
                        | syn::BinOp::And(_)
                        | syn::BinOp::Or(_)
                ) || is_assign_op(&b.op)
                    || self.may_emit(&b.left)
                    || self.may_emit(&b.right)
            }
            _ => true,
        }
    }

    fn find_loop(
        &mut self,
        label: Option<&syn::Lifetime>,
        span: Span,
        is_continue: bool,
    ) -> Option<usize> {
        let found = match label {
            Some(l) => {
                let name = l.ident.to_string();
                self.loops
                    .iter()
                    .rposition(|c| c.label.as_deref() == Some(name.as_str()))
            }
            None => self.loops.iter().rposition(|c| c.cont.is_some()),
        };
        if found.is_none() || (is_continue && found.is_some_and(|i| self.loops[i].cont.is_none())) {
            self.error(span, "break/continue target not found in traced code");
            return None;
        }
        found
    }

    fn binary(&mut self, b: &syn::ExprBinary) -> Ex {
        use syn::BinOp::*;
        match &b.op {
            And(_) | Or(_) => {
                let t = self.new_temp();
                let yes = self.new_block();
                let no = self.new_block();
                let join = self.new_block();
                let e = Expr::Binary(b.clone());
                self.cond(&e, yes, no);
                self.switch_to(yes);
                self.assign_slot(t, Ex::Green(quote!(true), Vec::new()));
                self.goto(join);
                self.switch_to(no);
                self.assign_slot(t, Ex::Green(quote!(false), Vec::new()));
                self.goto(join);
                self.switch_to(join);
                Ex::Slot(t)
            }
            Div(_) | Rem(_) => {
                let v = self.exprs(vec![&b.left, &b.right]);
                let (a, c) = (v[0].clone(), v[1].clone());
                let t = self.new_temp();
                let op = if matches!(b.op, Div(_)) { "div" } else { "rem" };
                self.guarded(Some(t), |point| Rhs::DivRem { op, a, b: c, point });
                Ex::Slot(t)
            }
            Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) => {
                let name = match b.op {
                    Eq(_) => "eq",
                    Ne(_) => "ne",
                    Lt(_) => "lt",
                    Le(_) => "le",
                    Gt(_) => "gt",
                    _ => "ge",
                };
                let v = self.exprs(vec![&b.left, &b.right]);
                Ex::Cmp(name, Box::new(v[0].clone()), Box::new(v[1].clone()))
            }
            op if is_assign_op(op) => {
                self.compound_assign(&b.left, op, &b.right);
                Ex::Tuple(Vec::new())
            }
            op => {
                let v = self.exprs(vec![&b.left, &b.right]);
                Ex::Arith(
                    op.to_token_stream(),
                    Box::new(v[0].clone()),
                    Box::new(v[1].clone()),
                )
            }
        }
    }

    fn index(&mut self, i: &syn::ExprIndex) -> Ex {
        let t = self.new_temp();
        if self.is_green(&i.expr) && green_emittable(&i.expr) {
            let (base, base_uses) = self.green_tokens(&i.expr);
            let idx = self.expr(&i.index);
            self.guarded(Some(t), |point| Rhs::GreenIndex {
                base,
                base_uses,
                idx,
                point,
            });
        } else {
            let v = self.exprs(vec![&i.expr, &i.index]);
            let (base, idx) = (v[0].clone(), v[1].clone());
            self.guarded(Some(t), |point| Rhs::Index { base, idx, point });
        }
        Ex::Slot(t)
    }

    fn call(&mut self, c: &syn::ExprCall) -> Ex {
        let Expr::Path(p) = &*c.func else {
            self.error(c.func.span(), "traced code can only call functions by path");
            return Ex::Tuple(Vec::new());
        };
        if let Some(h) = hint_name(&p.path) {
            let args: Vec<&Expr> = c.args.iter().collect();
            let vals = self.exprs(args);
            return match (h.as_str(), vals.as_slice()) {
                ("promote", [v]) => {
                    let t = self.new_temp();
                    let v = v.clone();
                    let plain = std::mem::take(&mut self.want_plain);
                    self.guarded(Some(t), |point| Rhs::Promote {
                        val: v,
                        point,
                        plain,
                    });
                    Ex::Slot(t)
                }
                ("we_are_jitted", []) => Ex::WeAreJitted,
                ("is_constant", [v]) => Ex::IsConstant(Box::new(v.clone())),
                ("assert_green", [v]) => {
                    self.push(None, Rhs::AssertGreen(v.clone()));
                    Ex::Tuple(Vec::new())
                }
                _ => {
                    self.error(
                        c.span(),
                        format!("wrong number of arguments to metajit::{h}"),
                    );
                    Ex::Tuple(Vec::new())
                }
            };
        }
        if is_constructor(&p.path) {
            let args = self.exprs(c.args.iter().collect());
            return Ex::Construct(p.path.to_token_stream(), args);
        }
        if is_pure_std(&p.path) {
            self.error(
                c.span(),
                "standard-library functions can only be called on green values in traced code; wrap the call in a #[metajit::elidable] function",
            );
            return Ex::Tuple(Vec::new());
        }
        let args = self.exprs(c.args.iter().collect());
        self.emit_call(Callee::Path(p.path.clone()), None, args, c.span())
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall) -> Ex {
        if self.is_green(&m.receiver) && green_emittable(&m.receiver) {
            // A method of green data with red arguments: the arguments are promoted (each
            // becomes a constant of the trace, guarded), and the call runs natively.
            let (recv, mut uses) = self.green_tokens(&m.receiver);
            let vals = self.exprs(m.args.iter().collect());
            let mut args = Vec::new();
            for v in vals {
                let t = self.new_temp();
                self.guarded(Some(t), |point| Rhs::Promote {
                    val: v,
                    point,
                    plain: true,
                });
                uses.push(t);
                let id = crate::emit::slot_ident(t);
                args.push(quote!(#id.get()));
            }
            let method = &m.method;
            let turbofish = &m.turbofish;
            return Ex::Green(quote!(#recv.#method #turbofish (#(#args),*)), uses);
        }
        let mut all: Vec<&Expr> = vec![&m.receiver];
        all.extend(m.args.iter());
        let mut vals = self.exprs(all);
        let recv = vals.remove(0);
        if m.method == "len" && vals.is_empty() {
            return Ex::ArrayLen(Box::new(recv));
        }
        self.emit_call(
            Callee::Method(m.method.clone()),
            Some(recv),
            vals,
            m.method.span(),
        )
    }

    fn emit_call(&mut self, callee: Callee, recv: Option<Ex>, args: Vec<Ex>, span: Span) -> Ex {
        let t = self.new_temp();
        let b = self.fresh_block();
        let before = self.new_point(b, PointKind::Before);
        let cont = self.new_block();
        let after = self.new_point(cont, PointKind::After { result: Some(t) });
        self.push(
            Some(t),
            Rhs::Call {
                callee,
                recv,
                args,
                before,
                after,
                span,
            },
        );
        self.goto(cont);
        self.switch_to(cont);
        Ex::Slot(t)
    }

    fn try_expr(&mut self, inner: &Expr) -> Ex {
        let v = self.expr(inner);
        let v = self.materialize(v);
        let t = self.new_temp();
        let r = self.new_temp();
        let ok = self.new_block();
        let bail = self.new_block();
        let b = self.cur;
        let p = self.new_point(b, PointKind::Before);
        let ok_id = syn::Ident::new("__metajit_ok", Span::call_site());
        let err_id = syn::Ident::new("__metajit_residual", Span::call_site());
        let scrut = match v {
            Ex::Slot(s) => {
                let id = crate::emit::slot_ident(s);
                Ex::Green(quote!(::metajit::twin::try_branch(#id.get())), vec![s])
            }
            Ex::Green(t, u) => Ex::Green(quote!(::metajit::twin::try_branch(#t)), u),
            _ => unreachable!("materialized values are slots or constants"),
        };
        self.assigns.push((t, Rhs::Ex(scrut.clone())));
        self.assigns.push((r, Rhs::Ex(scrut.clone())));
        let arms = vec![
            Arm {
                pat: quote!(::core::result::Result::Ok(#ok_id)),
                bindings: vec![(ok_id, t)],
                guard: None,
                target: ok,
            },
            Arm {
                pat: quote!(::core::result::Result::Err(#err_id)),
                bindings: vec![(err_id, r)],
                guard: None,
                target: bail,
            },
        ];
        self.f.blocks[b].term = Some(Term::Switch {
            scrut,
            point: p,
            arms,
            native: true,
        });
        let dead = self.new_block();
        self.cur = dead;
        self.switch_to(bail);
        let rid = crate::emit::slot_ident(r);
        self.terminate(Term::ReturnRaw(Ex::Green(
            quote!(::metajit::twin::from_residual(#rid.get())),
            vec![r],
        )));
        self.switch_to(ok);
        Ex::Slot(t)
    }

    // ------------------------------------------------------------ assignment

    fn assign(&mut self, lhs: &Expr, rhs: &Expr) {
        match lhs {
            Expr::Path(p) if p.path.get_ident().is_some() => {
                let name = p.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                // A promotion assigned to a green of the portal gives a plain value.
                let target = self.lookup(&name);
                if let Some(Var::Slot(s)) = &target
                    && self.portal_slots.0.contains(s)
                    && is_promote_call(rhs)
                {
                    self.want_plain = true;
                }
                let v = self.expr(rhs);
                self.want_plain = false;
                match target {
                    Some(Var::Slot(s)) => self.assign_slot(s, v),
                    _ => self.error(p.span(), format!("assignment to `{name}`, which is not a local of traced code")),
                }
            }
            Expr::Field(f) if matches!(f.member, syn::Member::Named(_)) => {
                if self.is_green(&f.base) {
                    self.error(f.span(), "traced code may not write to green data (greens must be immutable)");
                    return;
                }
                let v = self.exprs(vec![&f.base, rhs]);
                let (base, val) = (v[0].clone(), v[1].clone());
                self.push(None, Rhs::SetField { base, member: f.member.clone(), val });
            }
            Expr::Index(i) => {
                if self.is_green(&i.expr) {
                    self.error(i.span(), "traced code may not write to green data (greens must be immutable)");
                    return;
                }
                let v = self.exprs(vec![&i.expr, &i.index, rhs]);
                let (base, idx, val) = (v[0].clone(), v[1].clone(), v[2].clone());
                self.guarded(None, |point| Rhs::SetIndex { base, idx, val, point });
            }
            Expr::Paren(p) => self.assign(&p.expr, rhs),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.error(u.span(), "traced code cannot write through `*`; write to a field or array item of a JIT-visible object")
            }
            other => self.error(other.span(), "unsupported assignment target in traced code"),
        }
    }

    fn compound_assign(&mut self, lhs: &Expr, op: &syn::BinOp, rhs: &Expr) {
        let bin = compound_to_binary(op);
        match lhs {
            Expr::Path(_) | Expr::Paren(_) => {
                let e: Expr = syn::parse_quote!(#lhs #bin (#rhs));
                self.assign(lhs, &e);
            }
            Expr::Field(f) => {
                if self.is_green(&f.base) {
                    self.error(
                        f.span(),
                        "traced code may not write to green data (greens must be immutable)",
                    );
                    return;
                }
                let base = self.expr(&f.base);
                let base = self.materialize(base);
                let cur = Ex::Field(Box::new(base.clone()), f.member.clone());
                let r = self.expr(rhs);
                let val = self.combine(bin, cur, r);
                self.push(
                    None,
                    Rhs::SetField {
                        base,
                        member: f.member.clone(),
                        val,
                    },
                );
            }
            Expr::Index(i) => {
                if self.is_green(&i.expr) {
                    self.error(
                        i.span(),
                        "traced code may not write to green data (greens must be immutable)",
                    );
                    return;
                }
                // On primitive operands Rust evaluates the right-hand side first, then the
                // place: `a[i] += f(a)` reads the item after `f` ran.
                let r = self.expr(rhs);
                let r = self.materialize(r);
                let v = self.exprs(vec![&i.expr, &i.index]);
                let base = self.materialize(v[0].clone());
                let idx = self.materialize(v[1].clone());
                let t = self.new_temp();
                let (b2, i2) = (base.clone(), idx.clone());
                self.guarded(Some(t), |point| Rhs::Index {
                    base: b2,
                    idx: i2,
                    point,
                });
                let val = self.combine(bin, Ex::Slot(t), r);
                let val = self.materialize(val);
                self.guarded(None, |point| Rhs::SetIndex {
                    base,
                    idx,
                    val,
                    point,
                });
            }
            other => self.error(
                other.span(),
                "unsupported compound assignment target in traced code",
            ),
        }
    }

    fn combine(&mut self, op: syn::BinOp, a: Ex, b: Ex) -> Ex {
        use syn::BinOp::*;
        match op {
            Div(_) | Rem(_) => {
                let t = self.new_temp();
                let name = if matches!(op, Div(_)) { "div" } else { "rem" };
                self.guarded(Some(t), |point| Rhs::DivRem {
                    op: name,
                    a,
                    b,
                    point,
                });
                Ex::Slot(t)
            }
            op => Ex::Arith(op.to_token_stream(), Box::new(a), Box::new(b)),
        }
    }

    // ------------------------------------------------------------ control flow

    /// Lowers a condition, branching to `t` or `f`.
    pub fn cond(&mut self, e: &Expr, t: BlockId, f: BlockId) {
        match e {
            Expr::Paren(p) => self.cond(&p.expr, t, f),
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                let mid = self.new_block();
                self.cond(&b.left, mid, f);
                self.switch_to(mid);
                self.cond(&b.right, t, f);
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Or(_)) => {
                let mid = self.new_block();
                self.cond(&b.left, t, mid);
                self.switch_to(mid);
                self.cond(&b.right, t, f);
            }
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) && !self.is_green(e) => {
                self.cond(&u.expr, f, t)
            }
            Expr::Let(l) => {
                let scrut = self.expr(&l.expr);
                self.switch(scrut, &[((*l.pat).clone(), t)], Some(f), false);
            }
            _ => {
                let c = self.expr(e);
                let b = if matches!(c, Ex::Green(..)) {
                    self.cur
                } else {
                    self.fresh_block()
                };
                let point = self.new_point(b, PointKind::Before);
                self.f.blocks[b].term = Some(Term::Branch {
                    cond: c,
                    point,
                    then_b: t,
                    else_b: f,
                });
                let dead = self.new_block();
                self.cur = dead;
            }
        }
    }

    fn if_expr(&mut self, i: &syn::ExprIf) -> Ex {
        let result = self.new_temp();
        let then_b = self.new_block();
        let else_b = self.new_block();
        let join = self.new_block();
        self.push_scope();
        self.cond(&i.cond, then_b, else_b);
        self.switch_to(then_b);
        let v = self.block_value(&i.then_branch);
        self.assign_slot(result, v);
        self.goto(join);
        self.pop_scope();
        self.switch_to(else_b);
        let v = match &i.else_branch {
            Some((_, e)) => self.expr(e),
            None => Ex::Tuple(Vec::new()),
        };
        self.assign_slot(result, v);
        self.goto(join);
        self.switch_to(join);
        Ex::Slot(result)
    }

    fn match_expr(&mut self, m: &syn::ExprMatch) -> Ex {
        let scrut = self.expr(&m.expr);
        let result = self.new_temp();
        let join = self.new_block();
        let targets: Vec<(Pat, BlockId)> = m
            .arms
            .iter()
            .map(|a| (a.pat.clone(), self.new_block()))
            .collect();
        let bodies: Vec<BlockId> = targets.iter().map(|t| t.1).collect();
        let scopes = self.switch(scrut, &targets, None, false);
        for ((arm, body), scope) in m.arms.iter().zip(bodies).zip(scopes) {
            self.switch_to(body);
            self.scopes.push(scope);
            let v = self.expr(&arm.body);
            self.assign_slot(result, v);
            self.pop_scope();
            self.goto(join);
        }
        self.switch_to(join);
        Ex::Slot(result)
    }

    /// Emits a switch on `scrut` with one arm per pattern (plus a wildcard arm to `otherwise`).
    /// Returns the scopes holding each arm's bindings; `bind_here` leaves the bindings in the
    /// current scope instead (for `let ... else`).
    fn switch(
        &mut self,
        scrut: Ex,
        pats: &[(Pat, BlockId)],
        otherwise: Option<BlockId>,
        bind_here: bool,
    ) -> Vec<Vec<(String, Var)>> {
        let scrut = self.materialize(scrut);
        let b = self.fresh_block();
        let point = self.new_point(b, PointKind::Before);
        let mut arms = Vec::new();
        let mut scopes = Vec::new();
        for (pat, target) in pats {
            let (pat, guard) = match pat {
                Pat::Guard(g) => ((*g.pat).clone(), Some((*g.guard).clone())),
                p => (p.clone(), None),
            };
            let names = crate::green::pat_idents(&pat);
            let mut renamed = pat.clone();
            let mut bindings = Vec::new();
            let mut direct = Vec::new();
            if !bind_here {
                self.push_scope();
            }
            for n in &names {
                let id = syn::Ident::new(&format!("__metajit_b_{n}"), Span::call_site());
                let s = self.new_var(n, None);
                self.assigns.push((s, Rhs::Ex(scrut.clone())));
                bindings.push((id.clone(), s));
                direct.push((n.clone(), Var::Direct(id)));
            }
            rename_pat(&mut renamed, &names);
            let guard = guard.map(|g| {
                self.scopes.push(direct.clone());
                let ex = if self.is_green(&g) {
                    self.green(&g)
                } else {
                    self.error(g.span(), "match guards in traced code must be green");
                    Ex::Green(quote!(true), Vec::new())
                };
                self.pop_scope();
                ex
            });
            if !bind_here {
                scopes.push(self.scopes.pop().expect("arm scope"));
            }
            arms.push(Arm {
                pat: renamed.to_token_stream(),
                bindings,
                guard,
                target: *target,
            });
        }
        if let Some(o) = otherwise {
            arms.push(Arm {
                pat: quote!(_),
                bindings: Vec::new(),
                guard: None,
                target: o,
            });
        }
        self.f.blocks[b].term = Some(Term::Switch {
            scrut,
            point,
            arms,
            native: false,
        });
        let dead = self.new_block();
        self.cur = dead;
        scopes
    }

    fn loop_expr(&mut self, l: &syn::ExprLoop) -> Ex {
        self.check_loops_allowed(l.span());
        let head = self.new_block();
        let exit = self.new_block();
        let result = self.new_temp();
        self.goto(head);
        self.switch_to(head);
        self.loops.push(LoopCtx {
            label: l.label.as_ref().map(|x| x.name.ident.to_string()),
            cont: Some(head),
            brk: exit,
            result: Some(result),
        });
        let v = self.block_value(&l.body);
        let _ = v;
        self.goto(head);
        self.loops.pop();
        self.switch_to(exit);
        Ex::Slot(result)
    }

    fn while_expr(&mut self, w: &syn::ExprWhile) -> Ex {
        self.check_loops_allowed(w.span());
        let head = self.new_block();
        let body = self.new_block();
        let exit = self.new_block();
        self.goto(head);
        self.switch_to(head);
        self.push_scope();
        self.cond(&w.cond, body, exit);
        self.switch_to(body);
        self.loops.push(LoopCtx {
            label: w.label.as_ref().map(|x| x.name.ident.to_string()),
            cont: Some(head),
            brk: exit,
            result: None,
        });
        self.block_value(&w.body);
        self.goto(head);
        self.loops.pop();
        self.pop_scope();
        self.switch_to(exit);
        Ex::Tuple(Vec::new())
    }

    fn for_expr(&mut self, f: &syn::ExprForLoop) -> Ex {
        self.check_loops_allowed(f.span());
        let Expr::Range(r) = &*f.expr else {
            self.error(f.expr.span(), "traced code can only loop over ranges (`for i in a..b`); iterators are not traceable");
            return Ex::Tuple(Vec::new());
        };
        let (Some(start), Some(end)) = (&r.start, &r.end) else {
            self.error(r.span(), "traced `for` loops need a bounded range");
            return Ex::Tuple(Vec::new());
        };
        let inclusive = matches!(r.limits, syn::RangeLimits::Closed(_));
        let v = self.exprs(vec![start, end]);
        let i = self.new_temp();
        let n = self.new_temp();
        self.assign_slot(i, v[0].clone());
        self.assign_slot(n, v[1].clone());
        let head = self.new_block();
        let body = self.new_block();
        let step = self.new_block();
        let exit = self.new_block();
        self.goto(head);
        self.switch_to(head);
        let cmp = if inclusive { "le" } else { "lt" };
        let b = self.fresh_block();
        let point = self.new_point(b, PointKind::Before);
        self.f.blocks[b].term = Some(Term::Branch {
            cond: Ex::Cmp(cmp, Box::new(Ex::Slot(i)), Box::new(Ex::Slot(n))),
            point,
            then_b: body,
            else_b: exit,
        });
        self.switch_to(body);
        self.push_scope();
        self.bind_pattern(&f.pat, Some(Ex::Slot(i)), None);
        self.loops.push(LoopCtx {
            label: f.label.as_ref().map(|x| x.name.ident.to_string()),
            cont: Some(step),
            brk: exit,
            result: None,
        });
        self.block_value(&f.body);
        self.loops.pop();
        self.pop_scope();
        self.goto(step);
        self.switch_to(step);
        self.assign_slot(
            i,
            Ex::Arith(
                quote!(+),
                Box::new(Ex::Slot(i)),
                Box::new(Ex::Green(quote!(1), Vec::new())),
            ),
        );
        self.goto(head);
        self.switch_to(exit);
        Ex::Tuple(Vec::new())
    }

    fn check_loops_allowed(&mut self, span: Span) {
        if !self.cfg.allow_loops {
            self.error(
                span,
                "loops in #[metajit::jit] functions are not traced; mark the function #[metajit::unroll_safe] if the loop runs a small, fixed number of times, or #[metajit::dont_look_inside] to call it natively",
            );
        }
    }
}

fn is_promote_call(e: &Expr) -> bool {
    match e {
        Expr::Call(c) => {
            matches!(&*c.func, Expr::Path(p) if hint_name(&p.path).as_deref() == Some("promote"))
        }
        Expr::Paren(p) => is_promote_call(&p.expr),
        _ => false,
    }
}

struct LocalInitRef<'e> {
    expr: &'e Expr,
    diverge: Option<&'e Expr>,
}

/// Whether a green expression can be printed as one Rust expression (no control flow that the
/// twin must see).
pub fn green_emittable(e: &Expr) -> bool {
    use syn::visit::Visit;
    struct V(bool);
    impl<'ast> Visit<'ast> for V {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::If(_)
                | Expr::Match(_)
                | Expr::Loop(_)
                | Expr::While(_)
                | Expr::ForLoop(_)
                | Expr::Return(_)
                | Expr::Break(_)
                | Expr::Continue(_)
                | Expr::Try(_)
                | Expr::Assign(_)
                | Expr::Macro(_)
                | Expr::Let(_)
                | Expr::Async(_)
                | Expr::Await(_) => self.0 = false,
                Expr::Block(b) if !b.block.stmts.is_empty() => self.0 = false,
                Expr::Binary(b) if is_assign_op(&b.op) => self.0 = false,
                Expr::Closure(_) => {}
                _ => syn::visit::visit_expr(self, e),
            }
        }
    }
    let mut v = V(true);
    v.visit_expr(e);
    v.0
}

fn compound_to_binary(op: &syn::BinOp) -> syn::BinOp {
    use syn::BinOp::*;
    let sp = op.span();
    match op {
        AddAssign(_) => Add(syn::Token![+](sp)),
        SubAssign(_) => Sub(syn::Token![-](sp)),
        MulAssign(_) => Mul(syn::Token![*](sp)),
        DivAssign(_) => Div(syn::Token![/](sp)),
        RemAssign(_) => Rem(syn::Token![%](sp)),
        BitXorAssign(_) => BitXor(syn::Token![^](sp)),
        BitAndAssign(_) => BitAnd(syn::Token![&](sp)),
        BitOrAssign(_) => BitOr(syn::Token![|](sp)),
        ShlAssign(_) => Shl(syn::Token![<<](sp)),
        ShrAssign(_) => Shr(syn::Token![>>](sp)),
        other => *other,
    }
}

fn rename_pat(p: &mut Pat, names: &[String]) {
    use syn::visit_mut::VisitMut;
    struct R<'n>(&'n [String]);
    impl VisitMut for R<'_> {
        fn visit_pat_ident_mut(&mut self, i: &mut syn::PatIdent) {
            let n = i.ident.to_string();
            if self.0.contains(&n) {
                i.ident = syn::Ident::new(&format!("__metajit_b_{n}"), i.ident.span());
                i.mutability = None;
            }
            if let Some((_, sub)) = &mut i.subpat {
                self.visit_pat_mut(sub);
            }
        }
    }
    R(names).visit_pat_mut(p);
}

fn describe_expr(e: &Expr) -> &'static str {
    match e {
        Expr::Closure(_) => "a closure",
        Expr::Array(_) => "an array literal",
        Expr::Struct(_) => "a struct literal",
        Expr::Reference(_) => "taking a reference",
        Expr::Range(_) => "a range",
        Expr::Repeat(_) => "an array repeat expression",
        Expr::Async(_) | Expr::Await(_) => "async code",
        Expr::RawAddr(_) => "a raw address",
        _ => "this expression",
    }
}
