//! The codewriter's own IR: a function body as blocks of simple statements over slots.
//!
//! Lowering (`lower.rs`) turns a Rust function body into this form: every local becomes a
//! [`Slot`], every operation that may guard or call becomes its own statement at the start of a
//! block (so that execution can resume exactly there), and control flow (`if`, `match`, loops,
//! `break`, `return`, `?`, `&&`) becomes block terminators. Expressions that need no splitting
//! stay trees ([`Ex`]). The analyses (`analysis.rs`) compute which slots are red and which are
//! live at each resume point; `emit.rs` prints the twin.

use proc_macro2::{Span, TokenStream};

/// Index of a slot.
pub type SlotId = usize;
/// Index of a block.
pub type BlockId = usize;
/// Index of a resume point.
pub type PointId = usize;

/// A local of the twin: a Rust local, a parameter, or a temporary.
#[derive(Clone, Debug)]
#[allow(dead_code)] // `name` and `ty` make `Debug` output of the IR readable.
pub struct Slot {
    /// A readable name (the variable's, or `t` for temporaries).
    pub name: String,
    /// The binding this slot belongs to (stable across lowering passes), for the taint fixpoint.
    pub binding: Option<usize>,
    /// Holds red values (`Sym`s) rather than plain green values.
    pub red: bool,
    /// A declared type, when the source gives one.
    pub ty: Option<TokenStream>,
}

/// An expression that needs no splitting: evaluated where it is used.
#[derive(Clone, Debug)]
pub enum Ex {
    /// Read of a slot.
    Slot(SlotId),
    /// Green Rust code, printed as is with slot reads substituted (`uses` lists them).
    Green(TokenStream, Vec<SlotId>),
    /// A unary operator on a red operand (`-x`, `!x`).
    Unary(TokenStream, Box<Ex>),
    /// Arithmetic or bitwise operator (`+ - * & | ^ << >>`), printed as the operator itself
    /// (`Sym` implements them).
    Arith(TokenStream, Box<Ex>, Box<Ex>),
    /// A comparison, printed as a call to `metajit::twin::{lt,le,gt,ge,eq,ne}`.
    Cmp(&'static str, Box<Ex>, Box<Ex>),
    /// `x as T`.
    Cast(Box<Ex>, TokenStream),
    /// `base.field` on a red base (a `getfield`).
    Field(Box<Ex>, syn::Member),
    /// `base.0` on a red tuple value (native access).
    TupleField(Box<Ex>, syn::Member),
    /// A tuple of expressions.
    Tuple(Vec<Ex>),
    /// A constructor call (`Some(x)`, `Op::Add(x)`) with possibly red arguments.
    Construct(TokenStream, Vec<Ex>),
    /// `metajit::we_are_jitted()` in twin code.
    WeAreJitted,
    /// `metajit::is_constant(x)`.
    IsConstant(Box<Ex>),
    /// `arr.len()` on a red array.
    ArrayLen(Box<Ex>),
    /// A struct literal with red fields (a `JitCompound` value): the type and the fields.
    StructLit(TokenStream, Vec<(syn::Member, Ex)>),
    /// `metajit::new!(T { fields })`: an allocation of `T` and its fields' values (only as the
    /// whole right-hand side of a statement, so that it runs once).
    New(TokenStream, Vec<(syn::Member, Ex)>),
    /// A run-time function of `metajit::twin` taking the executor first (`JitArray::new` in a
    /// `new!`, `metajit::interrupt_pending()`).
    ExecCall(TokenStream, Vec<Ex>),
}

impl Ex {
    /// Calls `f` on every slot the expression reads.
    pub fn uses(&self, f: &mut impl FnMut(SlotId)) {
        match self {
            Ex::Slot(s) => f(*s),
            Ex::Green(_, u) => u.iter().for_each(|&s| f(s)),
            Ex::Unary(_, a)
            | Ex::Cast(a, _)
            | Ex::Field(a, _)
            | Ex::TupleField(a, _)
            | Ex::IsConstant(a)
            | Ex::ArrayLen(a) => a.uses(f),
            Ex::Arith(_, a, b) | Ex::Cmp(_, a, b) => {
                a.uses(f);
                b.uses(f);
            }
            Ex::Tuple(v) | Ex::Construct(_, v) | Ex::ExecCall(_, v) => {
                v.iter().for_each(|e| e.uses(f))
            }
            Ex::StructLit(_, v) | Ex::New(_, v) => v.iter().for_each(|(_, e)| e.uses(f)),
            Ex::WeAreJitted => {}
        }
    }

    /// Whether the expression is a plain constant or slot read (safe to evaluate later).
    pub fn is_stable(&self) -> bool {
        matches!(self, Ex::Slot(_) | Ex::WeAreJitted)
            || matches!(self, Ex::Green(_, u) if u.is_empty())
    }
}

/// What a call statement calls.
#[derive(Clone, Debug)]
pub enum Callee {
    /// A free function (through its `TwinFn` marker type).
    Path(syn::Path),
    /// A method on a red receiver (through `TwinMethod`, by name hash).
    Method(syn::Ident),
}

/// The right-hand side of a statement.
#[derive(Clone, Debug)]
pub enum Rhs {
    /// A pure expression.
    Ex(Ex),
    /// `base[idx]` with a bounds-check guard.
    Index { base: Ex, idx: Ex, point: PointId },
    /// `base[idx]` on green data with a red index (the index is promoted).
    GreenIndex {
        base: TokenStream,
        base_uses: Vec<SlotId>,
        idx: Ex,
        point: PointId,
    },
    /// `base[idx] = val`.
    SetIndex {
        base: Ex,
        idx: Ex,
        val: Ex,
        point: PointId,
    },
    /// `base.member = val` on a red base.
    SetField {
        base: Ex,
        member: syn::Member,
        val: Ex,
    },
    /// `a / b` or `a % b` (`op` is `div` or `rem`).
    DivRem {
        op: &'static str,
        a: Ex,
        b: Ex,
        point: PointId,
    },
    /// `metajit::promote(x)`.
    /// `plain` promotions (into a green of the portal) give the plain value; others a constant
    /// `Sym`, which traced field reads can still fold (quasi-immutable fields).
    Promote {
        val: Ex,
        point: PointId,
        plain: bool,
    },
    /// A call to another twin (or a residual/elidable function, or a method).
    Call {
        callee: Callee,
        recv: Option<Ex>,
        args: Vec<Ex>,
        before: PointId,
        after: PointId,
        span: Span,
    },
    /// `metajit::assert_green(x)`.
    AssertGreen(Ex),
    /// `metajit::has_class::<U>(r)`, `downcast::<U>(r)` or `record_exact_class::<U>(r)`: the
    /// twin function `func` with the user's type arguments `types` (`red`: the result is a
    /// twin value).
    ClassTest {
        func: syn::Ident,
        types: Vec<TokenStream>,
        arg: Ex,
        point: PointId,
        red: bool,
    },
    /// `metajit::record_known_result!(result, f(args))`.
    KnownResult {
        callee: syn::Path,
        result: Ex,
        args: Vec<Ex>,
    },
    /// `can_enter_jit!()`.
    CanEnterJit,
}

impl Rhs {
    /// Calls `f` on every slot the right-hand side reads.
    pub fn uses(&self, f: &mut impl FnMut(SlotId)) {
        match self {
            Rhs::Ex(e)
            | Rhs::Promote { val: e, .. }
            | Rhs::AssertGreen(e)
            | Rhs::ClassTest { arg: e, .. } => e.uses(f),
            Rhs::KnownResult { result, args, .. } => {
                result.uses(f);
                args.iter().for_each(|e| e.uses(f));
            }
            Rhs::Index { base, idx, .. } => {
                base.uses(f);
                idx.uses(f);
            }
            Rhs::GreenIndex { base_uses, idx, .. } => {
                base_uses.iter().for_each(|&s| f(s));
                idx.uses(f);
            }
            Rhs::SetIndex { base, idx, val, .. } => {
                base.uses(f);
                idx.uses(f);
                val.uses(f);
            }
            Rhs::SetField { base, val, .. } => {
                base.uses(f);
                val.uses(f);
            }
            Rhs::DivRem { a, b, .. } => {
                a.uses(f);
                b.uses(f);
            }
            Rhs::Call { recv, args, .. } => {
                if let Some(r) = recv {
                    r.uses(f);
                }
                args.iter().for_each(|e| e.uses(f));
            }
            Rhs::CanEnterJit => {}
        }
    }
}

/// A statement: evaluate `rhs`, store into `dst` if any.
#[derive(Clone, Debug)]
pub struct Stmt {
    /// Destination slot.
    pub dst: Option<SlotId>,
    /// What to evaluate.
    pub rhs: Rhs,
}

/// One arm of a `match` terminator.
#[derive(Clone, Debug)]
pub struct Arm {
    /// The pattern, with bindings renamed to `bindings[i].0`.
    pub pat: TokenStream,
    /// Pattern bindings: (identifier in `pat`, slot to store into).
    pub bindings: Vec<(syn::Ident, SlotId)>,
    /// A green guard expression (`if` in the arm), with slot reads substituted; it may also use
    /// the bindings' identifiers directly.
    pub guard: Option<Ex>,
    /// Where the arm's body starts.
    pub target: BlockId,
}

/// How a block ends.
#[derive(Clone, Debug)]
pub enum Term {
    /// Continue at a block.
    Goto(BlockId),
    /// `if`: a guard on a red condition.
    Branch {
        cond: Ex,
        point: PointId,
        then_b: BlockId,
        else_b: BlockId,
    },
    /// `match`: a red scrutinee is promoted (or passed through, for `Option`/`Result`).
    Switch {
        scrut: Ex,
        point: PointId,
        arms: Vec<Arm>,
        /// Native switches (the split of `?`) always match natively and bind values as they are.
        native: bool,
    },
    /// Return from the function (the value is converted to the result's twin form).
    Return(Ex),
    /// Return a value already of the result's twin form (the early return of `?`).
    ReturnRaw(Ex),
    /// The portal's merge point: greens and reds go to the executor, then continue.
    MergePoint(BlockId),
    /// Panics with a message (unreachable code after a diverging expression, `panic!`).
    Panic(TokenStream),
}

impl Term {
    /// Successor blocks.
    pub fn succs(&self) -> Vec<BlockId> {
        match self {
            Term::Goto(b) | Term::MergePoint(b) => vec![*b],
            Term::Branch { then_b, else_b, .. } => vec![*then_b, *else_b],
            Term::Switch { arms, .. } => arms.iter().map(|a| a.target).collect(),
            Term::Return(_) | Term::ReturnRaw(_) | Term::Panic(_) => vec![],
        }
    }

    /// Calls `f` on every slot the terminator reads.
    pub fn uses(&self, f: &mut impl FnMut(SlotId)) {
        match self {
            Term::Branch { cond, .. } => cond.uses(f),
            Term::Switch { scrut, arms, .. } => {
                scrut.uses(f);
                for a in arms {
                    if let Some(g) = &a.guard {
                        g.uses(f);
                    }
                }
            }
            Term::Return(e) | Term::ReturnRaw(e) => e.uses(f),
            Term::Goto(_) | Term::MergePoint(_) | Term::Panic(_) => {}
        }
    }
}

/// A basic block.
#[derive(Clone, Debug)]
pub struct Block {
    /// Statements in order.
    pub stmts: Vec<Stmt>,
    /// The terminator (`None` while the block is being built).
    pub term: Option<Term>,
}

/// Where and how execution resumes at a point.
#[derive(Clone, Debug)]
pub enum PointKind {
    /// At the start of a block (re-executing its first statement or its terminator).
    Before,
    /// At the start of a block, after a call whose result goes into `result`.
    After { result: Option<SlotId> },
}

/// A resume point.
#[derive(Clone, Debug)]
pub struct Point {
    /// The block execution resumes at.
    pub block: BlockId,
    /// Before a statement, or after a call.
    pub kind: PointKind,
    /// Slots live there, in snapshot order (filled by liveness).
    pub live: Vec<SlotId>,
}

/// A lowered function.
#[derive(Clone, Debug, Default)]
pub struct Func {
    /// All slots.
    pub slots: Vec<Slot>,
    /// All blocks; block 0 is the entry.
    pub blocks: Vec<Block>,
    /// All resume points.
    pub points: Vec<Point>,
}
