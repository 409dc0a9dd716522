//! The fold engine: what every pass that emits a pure op or a guard applies through the
//! builder (`Norm::Full`), so that folds exposed by later substitutions are not missed.
//!
//! [`fold`]: given a pure op whose arguments are already output values, either a value that
//! replaces it (a constant computed with [`eval_pure`], so folding can never disagree with
//! execution, or one of its arguments: `x + 0`, `x * 1`, `x & -1`, `-(-x)`, `(x + y) - y`...), or
//! an equivalent op in canonical form (constants on the right of commutative ops and comparisons,
//! `(x + 1) + 2` as `x + 3`, `int_is_zero(a < b)` as `a >= b`).
//!
//! [`GuardFacts`]: what each emitted guard established (a value non-zero, zero, non-null, of a
//! known class, equal to a constant; no exception pending; not invalidated), so that later
//! guards that are implied are dropped.

use crate::fasthash::{FastMap, FastSet};
use crate::ir::{Const, Descr, Flags, OpRef, Opcode, ResultKind, Trace, eval_pure};
use crate::value::Kind;

/// What [`fold`] made of a pure op.
pub(super) enum Folded {
    /// The op computes this existing value (or constant): emit nothing.
    Value(OpRef),
    /// Emit this op (possibly rewritten into canonical form).
    Op(Opcode, Vec<OpRef>),
}

fn result_kind(t: &Trace, opcode: Opcode, args: &[OpRef]) -> Kind {
    match opcode.result_kind() {
        ResultKind::Fixed(k) => k,
        ResultKind::PerOp => args.first().map_or(Kind::Int, |&a| t.kind_of(a)),
    }
}

pub(super) fn def(t: &Trace, h: usize, r: OpRef) -> Option<(Opcode, &[OpRef])> {
    (!r.is_const() && r.index() >= h).then(|| {
        let op = &t.ops[r.index()];
        (op.opcode, &op.args[..])
    })
}

/// Whether `r` is the result of a comparison (0 or 1).
pub(super) fn is_bool(t: &Trace, h: usize, r: OpRef) -> bool {
    match t.const_int_of(r) {
        Some(c) => c == 0 || c == 1,
        None => def(t, h, r).is_some_and(|(o, _)| o.flags().has(Flags::COMPARISON)),
    }
}

/// Applies the fold rules to pure op `opcode(args)` (arguments are output values of `t`).
pub(super) fn fold(t: &mut Trace, h: usize, opcode: Opcode, mut args: Vec<OpRef>) -> Folded {
    use Opcode::*;
    if args.is_empty() {
        return Folded::Op(opcode, args);
    }
    let kind = result_kind(t, opcode, &args);
    // Constant folding, with the interpreter's own semantics.
    if !args.is_empty() && args.iter().all(|a| a.is_const()) {
        let bits: Vec<i64> = args.iter().map(|a| t.consts[a.index()].bits).collect();
        if let Some(v) = eval_pure(opcode, &bits) {
            return Folded::Value(t.konst(Const { kind, bits: v }));
        }
    }
    if opcode == SameAs {
        return Folded::Value(args[0]);
    }
    // Canonical order: constants on the right.
    let mut opcode = opcode;
    if args.len() == 2 && args[0].is_const() && !args[1].is_const() {
        if opcode.flags().has(Flags::COMMUTATIVE) {
            args.swap(0, 1);
        } else if let Some(sw) = opcode.swapped_comparison() {
            opcode = sw;
            args.swap(0, 1);
        }
    }
    let c = |t: &Trace, i: usize| args.get(i).and_then(|&a| t.const_int_of(a));
    let x = args[0];
    let y = args.get(1).copied().unwrap_or(x);
    let cy = c(t, 1);
    let value = |v: OpRef| Folded::Value(v);
    match opcode {
        IntAdd | IntSub => {
            if cy == Some(0) {
                return value(x);
            }
            if opcode == IntSub && x == y {
                return Folded::Value(t.const_int(0));
            }
            if opcode == IntSub && t.const_int_of(x) == Some(0) {
                return Folded::Op(IntNeg, vec![y]);
            }
            // (a + y) - y, (a + y) - a, (a - y) + y.
            if let Some((inner, ia)) = def(t, h, x)
                && ia.len() == 2
            {
                let (a0, a1) = (ia[0], ia[1]);
                match (opcode, inner) {
                    (IntSub, IntAdd) if a1 == y => return value(a0),
                    (IntSub, IntAdd) if a0 == y => return value(a1),
                    (IntAdd, IntSub) if a1 == y => return value(a0),
                    _ => {}
                }
                // Reassociate constants: (a +- c1) +- c2 = a + (+-c1 +- c2).
                if let (Some(c2), Some(c1), IntAdd | IntSub) = (cy, t.const_int_of(a1), inner) {
                    let c1 = if inner == IntSub {
                        c1.wrapping_neg()
                    } else {
                        c1
                    };
                    let c2 = if opcode == IntSub {
                        c2.wrapping_neg()
                    } else {
                        c2
                    };
                    let k = c1.wrapping_add(c2);
                    if k == 0 {
                        return value(a0);
                    }
                    let kc = t.const_int(k);
                    return Folded::Op(IntAdd, vec![a0, kc]);
                }
            }
        }
        IntMul => match cy {
            Some(0) => return value(y),
            Some(1) => return value(x),
            Some(-1) => return Folded::Op(IntNeg, vec![x]),
            _ => {}
        },
        IntDiv | UintDiv if cy == Some(1) => return value(x),
        IntAnd => {
            if cy == Some(0) || x == y {
                return value(y);
            }
            if cy == Some(-1) {
                return value(x);
            }
            if let Some(m) = cy {
                if m > 0 && fits_unsigned_mask(t, h, x, m) {
                    return value(x);
                }
                if let Some((IntAnd, ia)) = def(t, h, x)
                    && let Some(m1) = t.const_int_of(ia[1])
                {
                    let inner = ia[0];
                    let mc = t.const_int(m & m1);
                    return Folded::Op(IntAnd, vec![inner, mc]);
                }
            }
        }
        IntOr => {
            if cy == Some(0) || x == y {
                return value(x);
            }
            if cy == Some(-1) {
                return value(y);
            }
        }
        IntXor => {
            if cy == Some(0) {
                return value(x);
            }
            if x == y {
                return Folded::Value(t.const_int(0));
            }
            if cy == Some(-1) {
                return Folded::Op(IntInvert, vec![x]);
            }
        }
        IntShl | IntShr | UintShr => {
            if cy.is_some_and(|s| s & 63 == 0) {
                return value(x);
            }
            if t.const_int_of(x) == Some(0) {
                return value(x);
            }
        }
        IntNeg | IntInvert | FloatNeg => {
            if let Some((inner, ia)) = def(t, h, x)
                && inner == opcode
            {
                return value(ia[0]);
            }
        }
        ConvertFloatBytesToLonglong | ConvertLonglongBytesToFloat | CastIntToPtr | CastPtrToInt => {
            let inverse = match opcode {
                ConvertFloatBytesToLonglong => ConvertLonglongBytesToFloat,
                ConvertLonglongBytesToFloat => ConvertFloatBytesToLonglong,
                CastIntToPtr => CastPtrToInt,
                _ => CastIntToPtr,
            };
            if let Some((inner, ia)) = def(t, h, x)
                && inner == inverse
            {
                return value(ia[0]);
            }
        }
        IntSignext => {
            if let Some(n) = cy
                && signext_is_noop(t, h, x, n)
            {
                return value(x);
            }
        }
        IntEq | IntLe | IntGe | UintLe | UintGe | PtrEq if x == y => {
            return Folded::Value(t.const_int(1));
        }
        IntNe | IntLt | IntGt | UintLt | UintGt | PtrNe if x == y => {
            return Folded::Value(t.const_int(0));
        }
        IntIsTrue if is_bool(t, h, x) => return value(x),
        IntIsZero => {
            if let Some(n) = negated(t, h, x) {
                return n;
            }
        }
        _ => {}
    }
    // `b != 0`, `b == 1` are `b`; `b == 0`, `b != 1` are its negation, for a boolean `b`.
    if matches!(opcode, IntEq | IntNe)
        && let Some(k) = cy
        && (k == 0 || k == 1)
        && is_bool(t, h, x)
    {
        if (opcode == IntNe) == (k == 0) {
            return value(x);
        }
        if let Some(n) = negated(t, h, x) {
            return n;
        }
    }
    Folded::Op(opcode, args)
}

/// The negation of boolean `x` as an op, if `x` is an integer comparison.
fn negated(t: &Trace, h: usize, x: OpRef) -> Option<Folded> {
    let (o, a) = def(t, h, x)?;
    let n = o.negated_int_comparison()?;
    Some(Folded::Op(n, a.to_vec()))
}

/// `r` as `base + offset` when it is a constant, `x + c` or `x - c` (else `r + 0`).
fn offset_form(t: &Trace, h: usize, r: OpRef) -> (Option<OpRef>, i64) {
    if let Some(c) = t.const_int_of(r) {
        return (None, c);
    }
    match def(t, h, r) {
        Some((Opcode::IntAdd, a)) if t.const_int_of(a[1]).is_some() => {
            (Some(a[0]), t.const_int_of(a[1]).unwrap_or(0))
        }
        Some((Opcode::IntSub, a)) if t.const_int_of(a[1]).is_some() => {
            (Some(a[0]), t.const_int_of(a[1]).unwrap_or(0).wrapping_neg())
        }
        _ => (Some(r), 0),
    }
}

/// Whether integers `a` and `b` are known to differ: different constants, or the same value
/// plus different constants (`i` and `i + 1`: neighbouring array items never alias).
pub(super) fn differ(t: &Trace, h: usize, a: OpRef, b: OpRef) -> bool {
    let (x, c) = offset_form(t, h, a);
    let (y, d) = offset_form(t, h, b);
    x == y && c != d
}

/// The memory representation of a load's result, if `x` is a load of a narrow integer.
pub(super) fn load_repr(t: &Trace, h: usize, x: OpRef) -> Option<crate::value::IntRepr> {
    let op = (!x.is_const() && x.index() >= h).then(|| &t.ops[x.index()])?;
    let d = t.descr_of(op)?;
    match (op.opcode, d) {
        (Opcode::GetField, Descr::Field(f)) if f.kind == Kind::Int => Some(f.repr),
        (Opcode::GetArrayItem, Descr::Array(a)) if a.kind == Kind::Int => Some(a.repr),
        _ => None,
    }
}

/// Whether `x` is known to be a value of integer representation `repr` already (what a load
/// of it would give back): a constant in range, a comparison, a load of a representation that
/// fits, a mask or sign extension that fits.
pub(super) fn fits_repr(t: &Trace, h: usize, x: OpRef, repr: crate::value::IntRepr) -> bool {
    if repr.size >= 8 {
        return true;
    }
    if let Some(c) = t.const_int_of(x) {
        return crate::value::normalize_int(c, repr) == c;
    }
    let bits = 8 * repr.size as u32;
    let (lo, hi) = if repr.signed {
        (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
    } else {
        (0, (1i64 << bits) - 1)
    };
    is_bool(t, h, x)
        || load_repr(t, h, x).is_some_and(|l| {
            let lb = 8 * l.size as u32;
            match (l.signed, repr.signed) {
                (true, true) | (false, false) => lb <= bits,
                (false, true) => lb < bits,
                (true, false) => false,
            }
        })
        || def(t, h, x).is_some_and(|(o, a)| match o {
            Opcode::IntAnd => t
                .const_int_of(a[1])
                .is_some_and(|m| m >= 0 && m >= lo && m <= hi),
            Opcode::IntSignext => {
                repr.signed
                    && t.const_int_of(a[1])
                        .is_some_and(|n| (1..=repr.size as i64).contains(&n))
            }
            _ => false,
        })
}

/// The op and constant that turn an int into what a load of representation `repr` gives:
/// `int_signext(x, size)` or `int_and(x, mask)`.
pub(super) fn narrowing(repr: crate::value::IntRepr) -> (Opcode, i64) {
    if repr.signed {
        (Opcode::IntSignext, repr.size as i64)
    } else {
        (Opcode::IntAnd, (1i64 << (8 * repr.size as u32)) - 1)
    }
}

/// Whether `x & m` is `x`: `x` is a zero-extended load no wider than `m`'s low ones.
fn fits_unsigned_mask(t: &Trace, h: usize, x: OpRef, m: i64) -> bool {
    if is_bool(t, h, x) {
        return m & 1 == 1;
    }
    match load_repr(t, h, x) {
        Some(r) if !r.signed && r.size < 8 => {
            let need = (1i64 << (8 * r.size as u32)) - 1;
            m & need == need
        }
        _ => false,
    }
}

/// Whether sign-extending the low `n` bytes of `x` leaves it unchanged.
fn signext_is_noop(t: &Trace, h: usize, x: OpRef, n: i64) -> bool {
    if !matches!(n, 1 | 2 | 4) {
        return false;
    }
    if let Some((Opcode::IntSignext, a)) = def(t, h, x)
        && t.const_int_of(a[1])
            .is_some_and(|m| matches!(m, 1 | 2 | 4) && m <= n)
    {
        return true;
    }
    if is_bool(t, h, x) {
        return true;
    }
    match load_repr(t, h, x) {
        Some(r) => (r.signed && (r.size as i64) <= n) || (!r.signed && (r.size as i64) < n),
        None => false,
    }
}

/// The value a guard established for its argument.
pub(super) enum Known {
    /// This integer.
    Int(i64),
    /// The null reference.
    Null,
    /// This (output) value.
    Value(OpRef),
}

/// What the guards emitted so far established. Owned by a `Builder` with `Norm::Full`.
#[derive(Default)]
pub(crate) struct GuardFacts {
    nonzero: FastSet<OpRef>,
    zero: FastSet<OpRef>,
    nonnull: FastSet<OpRef>,
    class: FastMap<OpRef, i64>,
    no_exception: bool,
    not_invalidated: bool,
}

impl GuardFacts {
    /// Whether `opcode(args)` (output values) is known to pass.
    pub(super) fn passes(&self, t: &Trace, h: usize, opcode: Opcode, args: &[OpRef]) -> bool {
        use Opcode::*;
        let a = args.first().copied();
        let konst = |r: OpRef| t.const_of(r).map(|c| c.bits);
        match (opcode, a) {
            (GuardTrue, Some(a)) => konst(a).map_or(self.nonzero.contains(&a), |v| v != 0),
            (GuardFalse, Some(a)) => konst(a).map_or(self.zero.contains(&a), |v| v == 0),
            (GuardNonnull, Some(a)) => match konst(a) {
                Some(v) => v != 0,
                None => {
                    self.nonnull.contains(&a)
                        || self.class.contains_key(&a)
                        || matches!(t.ops[a.index()].opcode, New | NewWithVtable | NewArray)
                }
            },
            (GuardIsnull, Some(a)) => konst(a) == Some(0),
            (GuardValue, Some(a)) => konst(a).is_some() && konst(a) == konst(args[1]),
            (GuardClass, Some(a)) => {
                let Some(want) = konst(args[1]) else {
                    return false;
                };
                self.known_class(t, h, a) == Some(want)
            }
            (GuardNoException, _) => self.no_exception,
            (GuardNotInvalidated, _) => self.not_invalidated,
            _ => false,
        }
    }

    /// The class of output value `a`, if a guard or its allocation established it.
    pub(super) fn known_class(&self, t: &Trace, h: usize, a: OpRef) -> Option<i64> {
        if let Some(&c) = self.class.get(&a) {
            return Some(c);
        }
        let op = (!a.is_const() && a.index() >= h).then(|| &t.ops[a.index()])?;
        match (op.opcode, t.descr_of(op)) {
            (Opcode::NewWithVtable, Some(Descr::Size(s))) => Some(s.type_id),
            _ => None,
        }
    }

    /// Records what guard `opcode(args)`, just emitted into `t` (horizon `h`), establishes for
    /// the ops after it. Returns the value its argument is now known to have, for the builder
    /// to substitute in later ops (strengthening).
    pub(super) fn learn(
        &mut self,
        t: &Trace,
        h: usize,
        opcode: Opcode,
        args: &[OpRef],
    ) -> Option<(OpRef, Known)> {
        use Opcode::*;
        let Some(&a) = args.first() else {
            match opcode {
                GuardNoException => self.no_exception = true,
                GuardNotInvalidated => self.not_invalidated = true,
                _ => {}
            }
            return None;
        };
        if a.is_const() {
            return None;
        }
        match opcode {
            GuardTrue => {
                self.nonzero.insert(a);
                is_bool(t, h, a).then_some((a, Known::Int(1)))
            }
            GuardFalse => {
                self.zero.insert(a);
                Some((a, Known::Int(0)))
            }
            GuardNonnull => {
                self.nonnull.insert(a);
                None
            }
            GuardIsnull => Some((a, Known::Null)),
            GuardClass => {
                if let Some(c) = t.const_of(args[1]) {
                    self.class.insert(a, c.bits);
                }
                self.nonnull.insert(a);
                None
            }
            GuardValue => Some((a, Known::Value(args[1]))),
            _ => None,
        }
    }

    /// An op with effects ran: calls may raise and may invalidate the trace.
    pub(super) fn note_effect(&mut self, opcode: Opcode) {
        let f = opcode.flags();
        if f.has(Flags::EFFECT) || f.has(Flags::CALL) {
            self.no_exception = false;
            self.not_invalidated = false;
        }
    }
}
