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

mod assign;
mod control;
mod expr;
mod stmt;

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
    /// The driver parameter, when the driver is one (`driver = jit`), and the expression
    /// twin code reads it with (from the executor).
    pub driver: Option<(syn::Ident, syn::Expr)>,
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
    /// What twin code reads for `name` when it names the portal's driver parameter.
    pub fn driver_read(&self, name: &str) -> Option<syn::Expr> {
        let (id, e) = self.cfg.portal?.driver.as_ref()?;
        (id == name).then(|| e.clone())
    }

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
}

/// The names of a path's segments (`metajit::JitArray::new` → `["metajit", "JitArray", "new"]`).
fn segments(p: &syn::Path) -> Vec<String> {
    p.segments.iter().map(|s| s.ident.to_string()).collect()
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
            if self.0.contains(&n) && !(i.subpat.is_none() && crate::green::is_path_like(&i.ident))
            {
                i.ident = syn::Ident::new(&format!("__metajit_b_{n}"), i.ident.span());
                i.mutability = None;
            }
            if let Some((_, sub)) = &mut i.subpat {
                self.visit_pat_mut(sub);
            }
        }
        // A shorthand field (`Op::Const { dst, k }`) whose binding is renamed must name its
        // field explicitly (`dst: __metajit_b_dst`).
        fn visit_field_pat_mut(&mut self, f: &mut syn::FieldPat) {
            syn::visit_mut::visit_field_pat_mut(self, f);
            if f.colon_token.is_none() {
                f.colon_token = Some(Default::default());
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
