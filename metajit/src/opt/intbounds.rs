//! Intbounds: integer range analysis, and the guards, overflow checks and ops it proves useless.
//!
//! First pass of the pipeline, on the recorded trace, and again after unroll (see `PIPELINE`).
//! One forward pass gives every output value an [`IntBound`] (in a side table indexed by op):
//! constants are exact; loads of narrow fields and items are bounded by their representation
//! (`u8` is `0..=255`); `arraylen` is `0..=MAX_ARRAY_LEN` (`JitArray` refuses longer arrays);
//! comparisons are 0 or 1; `int_and` with a non-negative mask, `int_signext`,
//! shifts, division and remainder by constants, and add/sub/mul (exactly, when they cannot
//! wrap) propagate ranges. Guards refine the ranges of what they test for everything after them:
//! after `guard_true(i < n)` the range of `i` is below `n`'s maximum and `n`'s above `i`'s
//! minimum; `uint_lt(i, len)` with a non-negative `len` (a bounds check) also makes `i`
//! non-negative; `guard_value(x, 5)` makes `x` exactly 5 (and later uses of `x` the constant).
//! Besides ranges, the comparisons that guards established are remembered as relations
//! ([`Relations`]), so a repeated bounds check `uint_lt(i, len)` on the same values folds even
//! when nothing is known about `len`.
//!
//! What it removes:
//! - an op whose range is a single value becomes that constant (comparisons whose outcome the
//!   ranges or the relations decide, `int_and(x, 255)` of a constant...);
//! - `int_and(x, m)` where `x` is non-negative and has no bit outside `m`, `int_signext(x, n)`
//!   where `x` already fits, `int_mod(x, c)` where `0 <= x < c`, become `x`;
//! - `int_add_ovf`/`int_sub_ovf`/`int_mul_ovf` whose exact result fits in `i64` become the plain
//!   op, and their `guard_no_overflow` disappears;
//! - `guard_true`/`guard_false`/`guard_value` whose condition is known to hold disappear; one
//!   known to fail is kept (it always fails).
//!
//! Invariants: a range never excludes a value the op can produce, and refining by a guard that
//! contradicts what is known (an always-failing guard) leaves the ranges as they were, so no
//! range is ever empty. Facts learnt before a `label` other than the entry label are dropped at
//! it, since the label rebinds its arguments.

use super::bound::IntBound;
use super::builder::copy_label;
use super::builder::{Builder, Norm};
use super::{InputBound, OptContext, OptError};
use crate::fasthash::{FastMap, FastSet};
use crate::ir::{Descr, Flags, Op, OpRef, Opcode, Trace};
use crate::value::Kind;

/// A comparison in normal form: `a < b`, `a <= b`, `a == b`, `a != b` (signed or unsigned).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Rel {
    Lt,
    Le,
    Eq,
    Ne,
    ULt,
    ULe,
}

/// `opcode(a, b)` as `(rel, x, y)`, meaning `x rel y`.
fn normal(opcode: Opcode, a: OpRef, b: OpRef) -> Option<(Rel, OpRef, OpRef)> {
    use Opcode::*;
    Some(match opcode {
        IntLt => (Rel::Lt, a, b),
        IntLe => (Rel::Le, a, b),
        IntGt => (Rel::Lt, b, a),
        IntGe => (Rel::Le, b, a),
        IntEq | PtrEq => (Rel::Eq, a, b),
        IntNe | PtrNe => (Rel::Ne, a, b),
        UintLt => (Rel::ULt, a, b),
        UintLe => (Rel::ULe, a, b),
        UintGt => (Rel::ULt, b, a),
        UintGe => (Rel::ULe, b, a),
        _ => return None,
    })
}

/// The negation of `x rel y`, in normal form.
fn negate((rel, x, y): (Rel, OpRef, OpRef)) -> (Rel, OpRef, OpRef) {
    match rel {
        Rel::Lt => (Rel::Le, y, x),
        Rel::Le => (Rel::Lt, y, x),
        Rel::Eq => (Rel::Ne, x, y),
        Rel::Ne => (Rel::Eq, x, y),
        Rel::ULt => (Rel::ULe, y, x),
        Rel::ULe => (Rel::ULt, y, x),
    }
}

/// Comparisons between values that guards established.
#[derive(Default)]
pub(super) struct Relations {
    known: FastSet<(Rel, OpRef, OpRef)>,
}

impl Relations {
    fn holds(&self, (rel, x, y): (Rel, OpRef, OpRef)) -> bool {
        let k = |r: Rel, a: OpRef, b: OpRef| self.known.contains(&(r, a, b));
        match rel {
            Rel::Lt => k(Rel::Lt, x, y),
            Rel::Le => k(Rel::Le, x, y) || k(Rel::Lt, x, y) || k(Rel::Eq, x, y) || k(Rel::Eq, y, x),
            Rel::Eq => k(Rel::Eq, x, y) || k(Rel::Eq, y, x),
            Rel::Ne => {
                k(Rel::Ne, x, y)
                    || k(Rel::Ne, y, x)
                    || k(Rel::Lt, x, y)
                    || k(Rel::Lt, y, x)
                    || k(Rel::ULt, x, y)
                    || k(Rel::ULt, y, x)
            }
            Rel::ULt => k(Rel::ULt, x, y),
            Rel::ULe => {
                k(Rel::ULe, x, y) || k(Rel::ULt, x, y) || k(Rel::Eq, x, y) || k(Rel::Eq, y, x)
            }
        }
    }

    /// The outcome of `x rel y`, if the relations decide it.
    fn decide(&self, c: (Rel, OpRef, OpRef)) -> Option<bool> {
        if self.holds(c) {
            Some(true)
        } else if self.holds(negate(c)) {
            Some(false)
        } else {
            None
        }
    }
}

struct Bounds<'a> {
    b: Builder<'a>,
    /// Range of each output op's value (ints; `FULL` for other kinds).
    of: Vec<IntBound>,
    rel: Relations,
    /// Values that are another value plus a constant (`int_add`/`int_sub` of a constant,
    /// through chains): `x -> (base, offset)`.
    lin: FastMap<OpRef, (OpRef, i64)>,
    /// Offset bounds checks: `(base, y) -> c` when `base + c <u y` holds with `base + c`
    /// non-negative (the largest such `c`). Then `base + d <u y` for every `d <= c` whose value
    /// is non-negative: `0 <= base + d <= base + c < y`.
    below: FastMap<(OpRef, OpRef), i64>,
    /// The ops `strengthen` emitted for `base + offset`, which later equal adds reuse.
    added: FastMap<(OpRef, i64), OpRef>,
    /// For `x`, the values a guard established `x < y` (or `x <u y`, both non-negative) for:
    /// raising `x`'s minimum later raises theirs.
    above: FastMap<OpRef, Vec<OpRef>>,
}

/// Offsets this small cannot make a value near the ends of the `i64` range wrap unnoticed.
const SMALL_OFFSET: i64 = 1 << 40;

impl Bounds<'_> {
    fn get(&self, r: OpRef) -> IntBound {
        match self.b.out.const_of(r) {
            Some(c) if c.kind == Kind::Int => IntBound::exact(c.bits),
            Some(_) => IntBound::FULL,
            None => self.of.get(r.index()).copied().unwrap_or(IntBound::FULL),
        }
    }

    fn set(&mut self, r: OpRef, bound: IntBound) {
        if r.is_const() {
            return;
        }
        if self.of.len() <= r.index() {
            self.of.resize(r.index() + 1, IntBound::FULL);
        }
        self.of[r.index()] = bound;
    }

    /// Narrows the range of `r` (never to nothing); a single value becomes a replacement.
    fn refine(&mut self, r: OpRef, bound: IntBound) {
        if r.is_const() || self.b.out.kind_of(r) != Kind::Int {
            return;
        }
        let old = self.get(r);
        if let Some(m) = old.meet(bound) {
            self.set(r, m);
            if m.lo > old.lo
                && let Some(ys) = self.above.get(&r).cloned()
            {
                for y in ys {
                    self.refine(y, IntBound::range(m.lo.saturating_add(1), i64::MAX));
                }
            }
            if let Some(c) = m.constant() {
                let k = self.b.const_int(c);
                self.b.replace(r, k);
            }
            // Backwards: `r = base + off` (exactly, modulo 2^64) narrows `base` as well, when
            // the shifted range does not cross the ends of `i64`.
            if let Some(&(base, off)) = self.lin.get(&r) {
                let (lo, hi) = (m.lo as i128 - off as i128, m.hi as i128 - off as i128);
                if lo >= i64::MIN as i128 && hi <= i64::MAX as i128 {
                    self.refine(base, IntBound::range(lo as i64, hi as i64));
                }
            }
        }
    }

    /// `x` as (base, offset).
    fn linear(&self, x: OpRef) -> (OpRef, i64) {
        self.lin.get(&x).copied().unwrap_or((x, 0))
    }

    /// Records that `x` is `a + c` (or `a - c` when `negate`), for an `int_add`/`int_sub`.
    fn note_linear(&mut self, x: OpRef, a: OpRef, c: i64, negate: bool) {
        let c = if negate { c.checked_neg() } else { Some(c) };
        // `unsigned_abs`: `i64::MIN.abs()` would wrap to itself and pass.
        let small = |c: &i64| c.unsigned_abs() < SMALL_OFFSET as u64;
        let Some(c) = c.filter(small) else {
            return;
        };
        let (base, off) = self.linear(a);
        if let Some(o) = off.checked_add(c).filter(small) {
            self.lin.insert(x, (base, o));
        }
    }

    /// Whether `x <u y` follows from an offset bounds check on the same base.
    fn below_by_offset(&self, x: OpRef, y: OpRef) -> bool {
        let (base, d) = self.linear(x);
        self.get(x).lo >= 0 && self.below.get(&(base, y)).is_some_and(|&c| d <= c)
    }

    /// The outcome of comparison `opcode(a, b)`, if ranges or relations decide it.
    fn decide_cmp(&self, opcode: Opcode, a: OpRef, b: OpRef) -> Option<bool> {
        use Opcode::*;
        let (x, y) = (self.get(a), self.get(b));
        let ints = self.b.out.kind_of(a) == Kind::Int;
        let by_range = match opcode {
            _ if !ints => None,
            IntLt => x.lt(y),
            IntLe => x.le(y),
            IntGt => y.lt(x),
            IntGe => y.le(x),
            IntEq => x.eq(y),
            IntNe => x.eq(y).map(|e| !e),
            UintLt => x.ult(y),
            UintLe => x.ule(y),
            UintGt => y.ult(x),
            UintGe => y.ule(x),
            _ => None,
        };
        by_range
            .or_else(|| normal(opcode, a, b).and_then(|c| self.rel.decide(c)))
            .or_else(|| {
                let c = normal(opcode, a, b)?;
                match (c, negate(c)) {
                    ((Rel::ULt, x, y), _) if self.below_by_offset(x, y) => Some(true),
                    (_, (Rel::ULt, x, y)) if self.below_by_offset(x, y) => Some(false),
                    _ => None,
                }
            })
    }

    /// The range of a pure op's result and, if the op is redundant, the value it equals.
    fn pure_op(&mut self, opcode: Opcode, args: &[OpRef]) -> (IntBound, Option<OpRef>) {
        use Opcode::*;
        let a = self.get(args[0]);
        let b = args.get(1).map(|&r| self.get(r)).unwrap_or(IntBound::FULL);
        let cb = b.constant();
        let same = |v: OpRef, bound: IntBound| (bound, Some(v));
        let bound = match opcode {
            IntAdd | IntSub | IntMul => {
                let exact = match opcode {
                    IntAdd => a.add_exact(b),
                    IntSub => a.sub_exact(b),
                    _ => a.mul_exact(b),
                };
                exact.unwrap_or(IntBound::FULL)
            }
            IntAnd => {
                if let Some(m) = cb
                    && a.fits_mask(m)
                {
                    return same(args[0], a);
                }
                if let Some(m) = a.constant()
                    && b.fits_mask(m)
                {
                    return same(args[1], b);
                }
                a.and(b)
            }
            IntOr | IntXor => a.or_xor(b),
            IntShl => cb.map_or(IntBound::FULL, |s| a.shl(s)),
            IntShr => cb.map_or(IntBound::FULL, |s| a.shr(s)),
            UintShr => match cb {
                Some(s) => a.ushr(s),
                None if a.is_nonneg() => IntBound::range(0, a.hi),
                None => IntBound::FULL,
            },
            IntNeg => a.neg(),
            IntInvert => a.invert(),
            IntDiv => cb.map_or(IntBound::FULL, |c| a.div(c)),
            IntMod => match cb {
                Some(c) if c > 0 && a.is_nonneg() && a.hi < c => return same(args[0], a),
                Some(c) => a.rem(c),
                None => IntBound::FULL,
            },
            UintDiv => cb.map_or(IntBound::FULL, |c| a.udiv(c)),
            UintMod => match cb {
                Some(c) if c > 0 && a.is_nonneg() && a.hi < c => return same(args[0], a),
                Some(c) => a.urem(c),
                None => IntBound::FULL,
            },
            IntSignext => match cb {
                Some(n @ (1 | 2 | 4)) => {
                    let r = IntBound::of_repr(crate::value::IntRepr {
                        size: n as u8,
                        signed: true,
                    });
                    if a.within(r) {
                        return same(args[0], a);
                    }
                    r
                }
                _ => IntBound::FULL,
            },
            SameAs => a,
            IntIsZero => match a.eq(IntBound::exact(0)) {
                Some(z) => IntBound::exact(z as i64),
                None => IntBound::BOOL,
            },
            IntIsTrue => match a.eq(IntBound::exact(0)) {
                Some(z) => IntBound::exact(!z as i64),
                None => IntBound::BOOL,
            },
            o if o.flags().has(Flags::COMPARISON) => match args.get(1) {
                Some(&y) => match self.decide_cmp(o, args[0], y) {
                    Some(t) => IntBound::exact(t as i64),
                    None => IntBound::BOOL,
                },
                None => IntBound::BOOL,
            },
            CastFloatToInt => IntBound::FULL,
            _ => IntBound::FULL,
        };
        (bound, None)
    }

    /// What a guard on a comparison (or plain int) `cond` passing with `truth` teaches.
    fn learn_condition(&mut self, cond: OpRef, truth: bool) {
        let op = self.b.def(cond).cloned();
        let Some(Op { opcode, args, .. }) = op else {
            return;
        };
        if !opcode.flags().has(Flags::COMPARISON) {
            // guard_true(x) on a plain int: x != 0; guard_false(x): x == 0.
            if truth {
                self.exclude_zero(cond);
            } else {
                self.refine(cond, IntBound::exact(0));
            }
            return;
        }
        if matches!(opcode, Opcode::IntIsZero | Opcode::IntIsTrue) {
            if truth == (opcode == Opcode::IntIsZero) {
                self.refine(args[0], IntBound::exact(0));
            } else {
                self.exclude_zero(args[0]);
            }
            return;
        }
        let Some(c) = normal(opcode, args[0], args[1]) else {
            return;
        };
        if self.b.out.kind_of(args[0]) != Kind::Int && !matches!(c.0, Rel::Eq | Rel::Ne) {
            return;
        }
        let (rel, x, y) = if truth { c } else { negate(c) };
        self.rel.known.insert((rel, x, y));
        if self.b.out.kind_of(x) != Kind::Int {
            return;
        }
        let (bx, by) = (self.get(x), self.get(y));
        match rel {
            Rel::Lt if by.hi > i64::MIN && bx.lo < i64::MAX => {
                self.refine(x, IntBound::range(i64::MIN, by.hi - 1));
                self.refine(y, IntBound::range(bx.lo + 1, i64::MAX));
            }
            Rel::Le => {
                self.refine(x, IntBound::range(i64::MIN, by.hi));
                self.refine(y, IntBound::range(bx.lo, i64::MAX));
            }
            Rel::Eq => {
                if let Some(m) = bx.meet(by) {
                    self.refine(x, m);
                    self.refine(y, m);
                }
            }
            Rel::Ne => {
                if let Some(k) = by.constant() {
                    self.exclude(x, k);
                }
                if let Some(k) = bx.constant() {
                    self.exclude(y, k);
                }
            }
            Rel::ULt => self.learn_ult(x, y),
            Rel::ULe if by.is_nonneg() => {
                self.refine(x, IntBound::range(0, by.hi));
                let bx = self.get(x);
                self.refine(y, IntBound::range(bx.lo, i64::MAX));
                self.rel.known.insert((Rel::Le, x, y));
            }
            _ => {}
        }
    }

    /// Learns `x <u y` (a bounds check that passed): with `y` known non-negative, `0 <= x < y`
    /// in signed order too, and an offset bounds check of `x`'s base.
    fn learn_ult(&mut self, x: OpRef, y: OpRef) {
        self.rel.known.insert((Rel::ULt, x, y));
        let by = self.get(y);
        if !(by.is_nonneg() && by.hi > 0) {
            return;
        }
        self.refine(x, IntBound::range(0, by.hi - 1));
        let bx = self.get(x);
        self.refine(y, IntBound::range(bx.lo + 1, i64::MAX));
        self.rel.known.insert((Rel::Lt, x, y));
        self.above.entry(x).or_default().push(y);
        let (base, c) = self.linear(x);
        let best = self.below.entry((base, y)).or_insert(c);
        *best = (*best).max(c);
    }

    fn exclude_zero(&mut self, r: OpRef) {
        self.exclude(r, 0);
    }

    /// Narrows `r`'s range when `k` is one of its ends.
    fn exclude(&mut self, r: OpRef, k: i64) {
        let b = self.get(r);
        if b.lo == k && b.hi > k {
            self.refine(r, IntBound::range(k + 1, b.hi));
        } else if b.hi == k && b.lo < k {
            self.refine(r, IntBound::range(b.lo, k - 1));
        }
    }

    /// The range of a value loaded by `op`.
    fn load_bound(&self, op: &Op) -> IntBound {
        if op.kind != Kind::Int {
            return IntBound::FULL;
        }
        match (op.opcode, self.b.src.descr_of(op)) {
            (Opcode::GetField, Some(Descr::Field(f))) => IntBound::of_repr(f.repr),
            (Opcode::GetArrayItem, Some(Descr::Array(a))) => IntBound::of_repr(a.repr),
            (Opcode::ArrayLen, _) => IntBound::range(0, crate::jitarray::MAX_ARRAY_LEN as i64),
            _ => IntBound::FULL,
        }
    }
}

/// The intbounds pass.
///
/// On a peeled loop (a second `label`, jumped to by the trace's final `jump`), the ranges of
/// the label's integer arguments are assumed at the label: first what the preamble established
/// for the values it enters with; the pass then checks that the values the final `jump` passes
/// back lie within the assumption. If they do, the assumption holds on every iteration (by
/// induction) and the result stands; if not, the pass runs again with the assumption widened
/// (an end that moved goes to the limit), and after that with nothing assumed for the
/// arguments that still escape.
pub(super) fn run(src: &Trace, ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    fixpoint(src, ctx.input_bounds, None, ctx.strengthen_guards)
}

/// The pass with the peeled loop's assumptions checked (see [`run`]); `record` receives what
/// each guard knew, from the run whose assumptions held.
fn fixpoint(
    src: &Trace,
    input_bounds: &[InputBound],
    record: Option<&mut Vec<Vec<InputBound>>>,
    strengthen: bool,
) -> Result<Trace, OptError> {
    let mut assume: Option<Vec<IntBound>> = None;
    let mut guards = Vec::new();
    let want = record.is_some();
    let accept = |out, guards, record: Option<&mut Vec<Vec<InputBound>>>| {
        if let Some(r) = record {
            *r = guards;
        }
        out
    };
    for attempt in 0..3 {
        let mut loop_check = None;
        guards.clear();
        let rec = want.then_some(&mut guards);
        let out = analyze(
            src,
            input_bounds,
            rec,
            assume.as_deref(),
            &mut loop_check,
            strengthen,
        );
        let Some((assumed, passed)) = loop_check else {
            return accept(out, guards, record);
        };
        if assumed.iter().zip(&passed).all(|(a, p)| p.within(*a)) {
            return accept(out, guards, record);
        }
        assume = Some(
            assumed
                .iter()
                .zip(&passed)
                .map(|(&a, &p)| match attempt {
                    _ if p.within(a) => a,
                    0 | 1 => IntBound::range(
                        if p.lo < a.lo { i64::MIN } else { a.lo },
                        if p.hi > a.hi { i64::MAX } else { a.hi },
                    ),
                    _ => IntBound::FULL,
                })
                .collect(),
        );
    }
    // Assumptions that hold trivially: no argument is assumed anything.
    let all = assume.map(|a| vec![IntBound::FULL; a.len()]);
    guards.clear();
    let rec = want.then_some(&mut guards);
    let out = analyze(
        src,
        input_bounds,
        rec,
        all.as_deref(),
        &mut None,
        strengthen,
    );
    accept(out, guards, record)
}

/// For each guard of `src`, in order, what is known about its fail arguments when it fails.
pub(super) fn guard_fail_bounds(src: &Trace) -> Vec<Vec<InputBound>> {
    let mut out = Vec::new();
    // The pass's output is not needed, only what it knew at each guard; a failure (a bug)
    // leaves the guards it did not reach without knowledge.
    let _ = fixpoint(src, &[], Some(&mut out), false);
    let guards = src.ops.iter().filter(|o| o.opcode.is_guard()).count();
    out.resize(guards, Vec::new());
    out
}

/// Records, for the guard `src.ops[i]`, the ranges of its fail arguments known before it.
/// Only values defined before op `before` count (the guard of an overflow-checked pair is
/// recorded before its op is processed).
fn record_guard(s: &Bounds<'_>, i: usize, before: usize, out: &mut Vec<Vec<InputBound>>) {
    let src = s.b.src;
    let op = &src.ops[i];
    let known = src
        .fail_args(op)
        .iter()
        .enumerate()
        .filter(|&(_, &a)| src.kind_of(a) == Kind::Int && (a.is_const() || a.index() < before))
        .filter_map(|(k, &a)| {
            let b = s.get(s.b.get(a));
            (b != IntBound::FULL).then_some(InputBound {
                input: k as u32,
                lo: b.lo,
                hi: b.hi,
            })
        })
        .collect();
    out.push(known);
}

/// The pass, with the ranges known for inputs, optionally recording what each guard knew.
/// `assume`: the ranges of the peeled loop label's arguments (`None`: what the preamble
/// established); `loop_check` receives the ranges assumed at that label and those of the
/// values the final `jump` passes back to it.
fn analyze(
    src: &Trace,
    input_bounds: &[InputBound],
    mut record: Option<&mut Vec<Vec<InputBound>>>,
    assume: Option<&[IntBound]>,
    loop_check: &mut Option<(Vec<IntBound>, Vec<IntBound>)>,
    strengthen_guards: bool,
) -> Result<Trace, OptError> {
    let mut loop_target = None;
    let mut assumed = Vec::new();
    // Assumptions are made (and checked) only for the one peeled loop label unroll produces;
    // with several inner labels, nothing is assumed at any of them.
    let inner_labels = src
        .ops
        .iter()
        .enumerate()
        .filter(|&(k, o)| o.opcode == Opcode::Label && k != src.num_inputs())
        .count();
    let mut s = Bounds {
        b: Builder::new(src, Norm::Raw),
        of: Vec::new(),
        rel: Relations::default(),
        lin: FastMap::default(),
        below: FastMap::default(),
        added: FastMap::default(),
        above: FastMap::default(),
    };
    for ib in input_bounds {
        let input = OpRef::op(ib.input);
        if (ib.input as usize) < s.b.num_inputs() && src.kind_of(input) == Kind::Int {
            let r = s.b.get(input);
            s.refine(r, IntBound::range(ib.lo, ib.hi));
        }
    }
    let n = src.ops.len();
    let mut i = s.b.num_inputs();
    while i < n {
        let op = &src.ops[i];
        if let Some(out) = record.as_deref_mut() {
            if op.opcode.is_guard() {
                record_guard(&s, i, i, out);
            }
            // The guard of an overflow-checked pair is skipped below.
            if matches!(
                op.opcode,
                Opcode::IntAddOvf | Opcode::IntSubOvf | Opcode::IntMulOvf
            ) && src.ops.get(i + 1).is_some_and(|g| g.opcode.is_guard())
            {
                record_guard(&s, i + 1, i, out);
            }
        }
        match op.opcode {
            o if o.is_pure() && op.kind == Kind::Int => {
                let args = s.b.get_args(&op.args);
                let (bound, mut same) = s.pure_op(o, &args);
                if o == Opcode::IntAdd
                    && let Some(c) = s.b.out.const_int_of(args[1])
                {
                    same = same.or_else(|| s.added.get(&(args[0], c)).copied());
                }
                let v = match (same, bound.constant()) {
                    (_, Some(c)) => s.b.const_int(c),
                    (Some(v), None) => v,
                    (None, None) => {
                        let r = s.b.push(Op::new(o, Kind::Int, args.clone()));
                        s.set(r, bound);
                        if matches!(o, Opcode::IntAdd | Opcode::IntSub) {
                            let k = |r: OpRef| s.b.out.const_int_of(r);
                            match (k(args[0]), k(args[1])) {
                                (None, Some(c)) => {
                                    s.note_linear(r, args[0], c, o == Opcode::IntSub)
                                }
                                (Some(c), None) if o == Opcode::IntAdd => {
                                    s.note_linear(r, args[1], c, false)
                                }
                                _ => {}
                            }
                        }
                        r
                    }
                };
                s.b.set(i, v);
            }
            Opcode::IntAddOvf | Opcode::IntSubOvf | Opcode::IntMulOvf => {
                ovf(&mut s, i);
                i += 2;
                continue;
            }
            Opcode::GuardTrue | Opcode::GuardFalse => {
                let cond = s.b.get(op.args[0]);
                let truth = op.opcode == Opcode::GuardTrue;
                let known = match s.b.out.const_int_of(cond) {
                    Some(c) => Some((c != 0) == truth),
                    None => match s.b.def(cond).cloned() {
                        Some(d) if d.args.len() == 2 && d.opcode.flags().has(Flags::COMPARISON) => {
                            s.decide_cmp(d.opcode, d.args[0], d.args[1])
                                .map(|t| t == truth)
                        }
                        _ => s.get(cond).eq(IntBound::exact(0)).map(|z| z != truth),
                    },
                };
                if known.is_none() && strengthen_guards && strengthen(&mut s, i) {
                    s.learn_condition(cond, truth);
                } else if known != Some(true) {
                    s.b.copy(i);
                    if known.is_none() {
                        s.learn_condition(cond, truth);
                    }
                }
            }
            Opcode::GuardValue if src.kind_of(op.args[0]) == Kind::Int => {
                let x = s.b.get(op.args[0]);
                let c = s.b.get(op.args[1]);
                let k = s.b.out.const_int_of(c).unwrap_or(0);
                let known = s.get(x).eq(IntBound::exact(k));
                if known != Some(true) {
                    s.b.copy(i);
                    if known.is_none() {
                        s.refine(x, IntBound::exact(k));
                        s.b.replace(x, c);
                    }
                }
            }
            Opcode::Label => {
                copy_label(&mut s.b, i);
                if i != s.b.num_inputs() {
                    // The arguments' ranges on entry from the preamble (or as assumed).
                    let args = s.b.get_args(&op.args);
                    assumed = match assume {
                        Some(a) if a.len() == args.len() => a.to_vec(),
                        _ => args.iter().map(|&r| s.get(r)).collect(),
                    };
                    s.of.clear();
                    s.rel = Relations::default();
                    s.lin.clear();
                    s.below.clear();
                    s.added.clear();
                    s.above.clear();
                    if inner_labels != 1 {
                        assumed.clear();
                    }
                    for (k, (&r, &a)) in args.iter().zip(&assumed).enumerate() {
                        // An argument listed twice binds two values: assume nothing for it.
                        let once = !args[..k].contains(&r) && !args[k + 1..].contains(&r);
                        if s.b.out.kind_of(r) == Kind::Int && !r.is_const() && once {
                            s.set(r, a);
                        }
                    }
                    if inner_labels == 1 {
                        loop_target = src.descr_of(op).and_then(Descr::as_target);
                    }
                }
            }
            Opcode::Jump
                if loop_target.is_some()
                    && src.descr_of(op).and_then(Descr::as_target) == loop_target =>
            {
                let args = s.b.get_args(&op.args);
                let passed = args.iter().map(|&r| s.get(r)).collect();
                *loop_check = Some((std::mem::take(&mut assumed), passed));
                s.b.copy(i);
            }
            _ => {
                let bound = s.load_bound(op);
                s.b.copy(i);
                if op.kind == Kind::Int {
                    let r = s.b.get(OpRef::op(i as u32));
                    s.set(r, bound);
                }
            }
        }
        i += 1;
    }
    s.b.finish("intbounds")
}

/// A bounds check of the input (`guard_false(uint_ge(x, len))`, `guard_true(uint_lt(x, len))`):
/// its index and length.
fn bounds_check(src: &Trace, op: &Op) -> Option<(OpRef, OpRef)> {
    let cond = *op.args.first()?;
    if cond.is_const() {
        return None;
    }
    let d = &src.ops[cond.index()];
    match (op.opcode, d.opcode) {
        (Opcode::GuardFalse, Opcode::UintGe) | (Opcode::GuardTrue, Opcode::UintLt) => {
            Some((d.args[0], d.args[1]))
        }
        _ => None,
    }
}

/// Input value `x` as (base, offset): an `int_add`/`int_sub` of a small constant, or itself.
fn src_linear(src: &Trace, x: OpRef) -> (OpRef, i64) {
    let k = |r: OpRef| {
        src.const_of(r)
            .filter(|c| c.kind == Kind::Int && c.bits.unsigned_abs() < SMALL_OFFSET as u64)
            .map(|c| c.bits)
    };
    if !x.is_const() {
        let d = &src.ops[x.index()];
        match (
            d.opcode,
            k(d.args.first().copied().unwrap_or(x)),
            d.args.get(1).and_then(|&r| k(r)),
        ) {
            (Opcode::IntAdd, None, Some(c)) => return (d.args[0], c),
            (Opcode::IntAdd, Some(c), None) => return (d.args[1], c),
            (Opcode::IntSub, None, Some(c)) => return (d.args[0], -c),
            _ => {}
        }
    }
    (x, 0)
}

/// A lower-bound check of the input (`guard_false(uint_lt(x, K))`, `guard_true(uint_ge(x,
/// K))`, `K` a constant): its value and `K`.
fn lower_check(src: &Trace, op: &Op) -> Option<(OpRef, i64)> {
    let cond = *op.args.first()?;
    if cond.is_const() {
        return None;
    }
    let d = &src.ops[cond.index()];
    let k = src
        .const_of(*d.args.get(1)?)
        .filter(|c| c.kind == Kind::Int && (0..SMALL_OFFSET).contains(&c.bits))?
        .bits;
    match (op.opcode, d.opcode) {
        (Opcode::GuardFalse, Opcode::UintLt) | (Opcode::GuardTrue, Opcode::UintGe) => {
            Some((d.args[0], k))
        }
        _ => None,
    }
}

/// Bounds-check strengthening: the bounds check at input op `i` checks `base + c1 <u len`. When
/// later checks of the same base follow with nothing between that has an effect, the guard
/// here checks for them (and they fold): upper checks `base + c2 <u len` (`c2 > c1`) become
/// one check of the largest offset; a lower check `base + c3 >=u K` joins it as one unsigned
/// range check, `base - L <u len - (best + L)` with `L = K - c3`, when `len >= best + L` is
/// known (no wrap). It needs `base + c1` known non-negative. The guard may now fail where the
/// original would have passed, but resuming at it is always exact: nothing between it and the
/// later checks changed the heap, and the interpreter redoes those steps. A guard whose
/// condition is one of its own fail arguments is left alone (a bridge takes the value of the
/// condition as known when the guard fails). Returns whether it emitted the guard.
fn strengthen(s: &mut Bounds<'_>, i: usize) -> bool {
    let src = s.b.src;
    let op = &src.ops[i];
    let Some((x, len)) = bounds_check(src, op) else {
        return false;
    };
    if src.fail_args(op).contains(&op.args[0]) || op.snapshot.is_none() {
        return false;
    }
    let (base, c1) = src_linear(src, x);
    let (mut best, mut lower) = (c1, None::<i64>);
    for later in &src.ops[i + 1..] {
        let f = later.opcode.flags();
        if f.has(Flags::EFFECT)
            || f.has(Flags::CALL)
            || f.has(Flags::ALLOC)
            || f.has(Flags::CONTROL)
        {
            break;
        }
        if !later.opcode.is_guard() {
            continue;
        }
        if let Some((x2, len2)) = bounds_check(src, later)
            && len2 == len
            && let (b2, c2) = src_linear(src, x2)
            && b2 == base
        {
            best = best.max(c2);
        } else if let Some((x3, k)) = lower_check(src, later)
            && let (b3, c3) = src_linear(src, x3)
            && b3 == base
        {
            lower = Some(lower.map_or(k - c3, |l| l.max(k - c3)));
        }
    }
    let (x_out, base_out, len_out) = (s.b.get(x), s.b.get(base), s.b.get(len));
    if s.get(x_out).lo < 0 || base_out.is_const() {
        return false;
    }
    // A lower bound the ranges already give needs no check; one that could make the length
    // wrap is not merged.
    let lower = lower.filter(|&l| {
        s.get(base_out).lo < l && l >= -c1 && s.get(len_out).lo >= best.saturating_add(l)
    });
    if best == c1 && lower.is_none() {
        return false;
    }
    let t = if best == c1 {
        x_out
    } else {
        let k = s.b.const_int(best);
        let (bound, _) = s.pure_op(Opcode::IntAdd, &[base_out, k]);
        let t =
            s.b.push(Op::new(Opcode::IntAdd, Kind::Int, vec![base_out, k]));
        s.set(t, bound);
        s.note_linear(t, base_out, best, false);
        s.added.insert((base_out, best), t);
        t
    };
    let snap = s.b.snapshot(op.snapshot.expect("checked above"));
    let Some(l) = lower else {
        let cmp =
            s.b.push(Op::new(Opcode::UintGe, Kind::Int, vec![t, len_out]));
        s.set(cmp, IntBound::range(0, 1));
        s.b.emit_guard(Opcode::GuardFalse, vec![cmp], snap);
        s.learn_condition(cmp, false);
        return true;
    };
    // base - l <u len - (best + l): l <= base and base + best < len.
    let kl = s.b.const_int(l);
    let u =
        s.b.push(Op::new(Opcode::IntSub, Kind::Int, vec![base_out, kl]));
    let (bound, _) = s.pure_op(Opcode::IntSub, &[base_out, kl]);
    s.set(u, bound);
    s.note_linear(u, base_out, l, true);
    // The cell a move left reaches (`base - l`, an `int_add` of `-l` later) is this value.
    s.added.insert((base_out, -l), u);
    let kw = s.b.const_int(best + l);
    let m =
        s.b.push(Op::new(Opcode::IntSub, Kind::Int, vec![len_out, kw]));
    let cmp = s.b.push(Op::new(Opcode::UintGe, Kind::Int, vec![u, m]));
    s.set(cmp, IntBound::range(0, 1));
    s.b.emit_guard(Opcode::GuardFalse, vec![cmp], snap);
    // Both ends: `base >= l` (and so `base + c1`, already computed, `>= l + c1`), `t <u len`.
    s.refine(base_out, IntBound::range(l, i64::MAX));
    s.refine(x_out, IntBound::range(l + c1, i64::MAX));
    s.refine(u, IntBound::range(0, i64::MAX));
    s.learn_ult(t, len_out);
    true
}

/// An overflow-checked op at `i` and its guard: the plain op when the exact result fits.
fn ovf(s: &mut Bounds<'_>, i: usize) {
    let src = s.b.src;
    let op = &src.ops[i];
    let args = s.b.get_args(&op.args);
    let (a, b) = (s.get(args[0]), s.get(args[1]));
    let (lo, hi) = IntBound::exact_i128(op.opcode, a, b);
    let fits = lo >= i64::MIN as i128 && hi <= i64::MAX as i128;
    let wants_no_ovf = src.ops[i + 1].opcode == Opcode::GuardNoOverflow;
    if fits && wants_no_ovf {
        let plain = match op.opcode {
            Opcode::IntAddOvf => Opcode::IntAdd,
            Opcode::IntSubOvf => Opcode::IntSub,
            _ => Opcode::IntMul,
        };
        let bound = IntBound::range(lo as i64, hi as i64);
        let v = match bound.constant() {
            Some(c) => s.b.const_int(c),
            None => {
                let r = s.b.push(Op::new(plain, Kind::Int, args));
                s.set(r, bound);
                r
            }
        };
        s.b.set(i, v);
        return;
    }
    super::builder::copy_ovf_pair(&mut s.b, i);
    if wants_no_ovf && let Some(bound) = IntBound::clamp_exact(lo, hi) {
        let r = s.b.get(OpRef::op(i as u32));
        s.set(r, bound);
    }
}
