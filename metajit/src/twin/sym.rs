//! `Sym<T>`: a value in twin code, with the trace value it came from.
//!
//! Twin code (what the macros generate) computes on `Sym<T>` wherever the interpreter computes
//! on a red `T`. A `Sym` always carries the concrete value (tracing is concrete execution); while
//! tracing it also names the trace value that produced it, unless it is a constant. The blackhole
//! only ever sees constants. Arithmetic operators are implemented here: on two constants they
//! compute natively; otherwise they record an operation through the active recorder (a
//! thread-local installed by the tracer for the duration of one trace).

use super::recorder::{Recorder, with_active};
use crate::ir::{OpRef, Opcode};
use crate::value::{IntRepr, JitValue, Kind};
use std::ops::{Add, BitAnd, BitOr, BitXor, Mul, Neg, Not, Shl, Shr, Sub};

const CONST_TAG: u32 = u32::MAX;

/// A value of twin code: the concrete value plus, while tracing, its trace value.
#[derive(Clone, Copy, Debug)]
pub struct Sym<T> {
    val: T,
    tag: u32,
}

impl<T: JitValue> Sym<T> {
    /// A constant.
    #[inline(always)]
    pub fn konst(val: T) -> Sym<T> {
        Sym {
            val,
            tag: CONST_TAG,
        }
    }

    /// A value produced by trace value `op` (or a constant when `op` is `None`).
    #[inline(always)]
    pub(crate) fn traced(val: T, op: Option<OpRef>) -> Sym<T> {
        match op {
            Some(r) if !r.is_const() => Sym {
                val,
                tag: r.index() as u32,
            },
            _ => Sym::konst(val),
        }
    }

    /// The concrete value.
    #[inline(always)]
    pub fn value(self) -> T {
        self.val
    }

    /// Whether the value is a constant of the trace (always true outside tracing).
    #[inline(always)]
    pub fn is_const(self) -> bool {
        self.tag == CONST_TAG
    }

    /// The trace value, if this is not a constant.
    #[inline(always)]
    pub(crate) fn op(self) -> Option<OpRef> {
        (self.tag != CONST_TAG).then(|| OpRef::op(self.tag))
    }

    /// The trace operand for this value (interning constants in `rec`'s trace).
    pub(crate) fn operand(self, rec: &mut Recorder) -> OpRef {
        match self.op() {
            Some(r) => r,
            None => rec.const_of(T::KIND, self.val.to_bits()),
        }
    }

    /// The same value with the concrete part replaced (used when reinterpreting types).
    pub(crate) fn with_value<U: JitValue>(self, val: U) -> Sym<U> {
        Sym { val, tag: self.tag }
    }
}

/// Records `opcode(args)` producing a `kind` value, if a recorder is active and recording.
pub(crate) fn record(opcode: Opcode, kind: Kind, args: &[Operand]) -> Option<OpRef> {
    with_active(|rec| {
        let ops: Vec<OpRef> = args.iter().map(|a| a.resolve(rec)).collect();
        rec.record(opcode, kind, &ops, None)
    })
    .flatten()
}

/// An argument to [`record`]: a `Sym`'s trace value or constant bits.
#[derive(Clone, Copy)]
pub(crate) enum Operand {
    /// A non-constant trace value.
    Op(OpRef),
    /// A constant of this kind.
    Const(Kind, i64),
}

impl Operand {
    pub(crate) fn of<T: JitValue>(s: Sym<T>) -> Operand {
        match s.op() {
            Some(r) => Operand::Op(r),
            None => Operand::Const(T::KIND, s.val.to_bits()),
        }
    }

    fn resolve(self, rec: &mut Recorder) -> OpRef {
        match self {
            Operand::Op(r) => r,
            Operand::Const(k, bits) => rec.const_of(k, bits),
        }
    }
}

/// Records the normalization of a 64-bit result to `repr` (mask or sign-extend sub-word ints).
pub(crate) fn normalize(op: Option<OpRef>, repr: IntRepr) -> Option<OpRef> {
    let r = op?;
    if repr.size >= 8 {
        return Some(r);
    }
    if repr.signed {
        record(
            Opcode::IntSignext,
            Kind::Int,
            &[Operand::Op(r), Operand::Const(Kind::Int, repr.size as i64)],
        )
    } else {
        let mask = (1i64 << (repr.size as u32 * 8)) - 1;
        record(
            Opcode::IntAnd,
            Kind::Int,
            &[Operand::Op(r), Operand::Const(Kind::Int, mask)],
        )
    }
}

/// A binary operation on two `Sym`s of one integer type: `f` computes the concrete result,
/// `opcode` is recorded when either side is not constant.
#[inline(always)]
pub(crate) fn int_binop<T: JitValue>(
    a: Sym<T>,
    b: Sym<T>,
    opcode: Opcode,
    f: impl FnOnce(T, T) -> T,
) -> Sym<T> {
    let val = f(a.val, b.val);
    if a.is_const() && b.is_const() {
        return Sym::konst(val);
    }
    let r = record(opcode, Kind::Int, &[Operand::of(a), Operand::of(b)]);
    Sym::traced(val, normalize(r, T::REPR))
}

/// A unary integer operation.
#[inline(always)]
pub(crate) fn int_unop<T: JitValue>(a: Sym<T>, opcode: Opcode, f: impl FnOnce(T) -> T) -> Sym<T> {
    let val = f(a.val);
    if a.is_const() {
        return Sym::konst(val);
    }
    let r = record(opcode, Kind::Int, &[Operand::of(a)]);
    Sym::traced(val, normalize(r, T::REPR))
}

/// A comparison of two `Sym`s (ints, floats or refs) producing a `Sym<bool>`.
#[inline(always)]
pub(crate) fn compare<T: JitValue>(a: Sym<T>, b: Sym<T>, opcode: Opcode, val: bool) -> Sym<bool> {
    if a.is_const() && b.is_const() {
        return Sym::konst(val);
    }
    Sym::traced(
        val,
        record(opcode, Kind::Int, &[Operand::of(a), Operand::of(b)]),
    )
}

/// A binary float operation.
#[inline(always)]
pub(crate) fn float_binop(a: Sym<f64>, b: Sym<f64>, opcode: Opcode, val: f64) -> Sym<f64> {
    if a.is_const() && b.is_const() {
        return Sym::konst(val);
    }
    Sym::traced(
        val,
        record(opcode, Kind::Float, &[Operand::of(a), Operand::of(b)]),
    )
}

macro_rules! int_ops {
    ($($t:ty),*) => {$(
        int_ops!(@bin $t, Add, add, IntAdd, wrapping_add);
        int_ops!(@bin $t, Sub, sub, IntSub, wrapping_sub);
        int_ops!(@bin $t, Mul, mul, IntMul, wrapping_mul);
        int_ops!(@bin $t, BitAnd, bitand, IntAnd, bitand_);
        int_ops!(@bin $t, BitOr, bitor, IntOr, bitor_);
        int_ops!(@bin $t, BitXor, bitxor, IntXor, bitxor_);
        impl Not for Sym<$t> {
            type Output = Sym<$t>;
            #[inline(always)]
            fn not(self) -> Sym<$t> { int_unop(self, Opcode::IntInvert, |a| !a) }
        }
        int_ops!(@shift $t, u32); int_ops!(@shift $t, i32); int_ops!(@shift $t, usize);
        int_ops!(@shift $t, u8); int_ops!(@shift $t, i64); int_ops!(@shift $t, u64);
    )*};
    (@bin $t:ty, $trait:ident, $method:ident, $opcode:ident, $f:ident) => {
        impl $trait for Sym<$t> {
            type Output = Sym<$t>;
            #[inline(always)]
            fn $method(self, rhs: Sym<$t>) -> Sym<$t> { int_binop(self, rhs, Opcode::$opcode, |a, b| a.$f(b)) }
        }
        impl $trait<$t> for Sym<$t> {
            type Output = Sym<$t>;
            #[inline(always)]
            fn $method(self, rhs: $t) -> Sym<$t> { int_binop(self, Sym::konst(rhs), Opcode::$opcode, |a, b| a.$f(b)) }
        }
        impl $trait<Sym<$t>> for $t {
            type Output = Sym<$t>;
            #[inline(always)]
            fn $method(self, rhs: Sym<$t>) -> Sym<$t> { int_binop(Sym::konst(self), rhs, Opcode::$opcode, |a, b| a.$f(b)) }
        }
    };
    (@shift $t:ty, $r:ty) => {
        impl Shl<Sym<$r>> for Sym<$t> {
            type Output = Sym<$t>;
            fn shl(self, rhs: Sym<$r>) -> Sym<$t> { shift(self, rhs.with_value(rhs.val as i64), Opcode::IntShl) }
        }
        impl Shl<$r> for Sym<$t> {
            type Output = Sym<$t>;
            fn shl(self, rhs: $r) -> Sym<$t> { shift(self, Sym::konst(rhs as i64), Opcode::IntShl) }
        }
        impl Shr<Sym<$r>> for Sym<$t> {
            type Output = Sym<$t>;
            fn shr(self, rhs: Sym<$r>) -> Sym<$t> { shift(self, rhs.with_value(rhs.val as i64), shr_opcode::<$t>()) }
        }
        impl Shr<$r> for Sym<$t> {
            type Output = Sym<$t>;
            fn shr(self, rhs: $r) -> Sym<$t> { shift(self, Sym::konst(rhs as i64), shr_opcode::<$t>()) }
        }
    };
}

trait BitOps: Sized {
    fn bitand_(self, o: Self) -> Self;
    fn bitor_(self, o: Self) -> Self;
    fn bitxor_(self, o: Self) -> Self;
}
macro_rules! bit_ops {
    ($($t:ty),*) => {$(
        impl BitOps for $t {
            #[inline(always)] fn bitand_(self, o: Self) -> Self { self & o }
            #[inline(always)] fn bitor_(self, o: Self) -> Self { self | o }
            #[inline(always)] fn bitxor_(self, o: Self) -> Self { self ^ o }
        }
    )*};
}
bit_ops!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

fn shr_opcode<T: JitValue>() -> Opcode {
    if T::REPR.signed {
        Opcode::IntShr
    } else {
        Opcode::UintShr
    }
}

/// Shifts wrap the amount at the type's width (Rust's release semantics; debug builds of the
/// interpreter would panic on such amounts natively).
fn shift<T: JitValue>(a: Sym<T>, b: Sym<i64>, opcode: Opcode) -> Sym<T> {
    let bits = T::REPR.size as u32 * 8;
    let amount = (b.val as u32) & (bits - 1);
    let raw = a.val.to_bits();
    let val_bits = match opcode {
        Opcode::IntShl => raw.wrapping_shl(amount),
        Opcode::IntShr => raw.wrapping_shr(amount),
        _ => ((raw as u64) & width_mask(bits)).wrapping_shr(amount) as i64,
    };
    let val = T::from_bits(crate::value::normalize_int(val_bits, T::REPR));
    if a.is_const() && b.is_const() {
        return Sym::konst(val);
    }
    let amt = if b.is_const() {
        Operand::Const(Kind::Int, amount as i64)
    } else {
        match record(
            Opcode::IntAnd,
            Kind::Int,
            &[Operand::of(b), Operand::Const(Kind::Int, (bits - 1) as i64)],
        ) {
            Some(r) => Operand::Op(r),
            None => return Sym::konst(val),
        }
    };
    let r = record(opcode, Kind::Int, &[Operand::of(a), amt]);
    Sym::traced(val, normalize(r, T::REPR))
}

fn width_mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

int_ops!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

macro_rules! neg_ops {
    ($($t:ty),*) => {$(
        impl Neg for Sym<$t> {
            type Output = Sym<$t>;
            #[inline(always)]
            fn neg(self) -> Sym<$t> { int_unop(self, Opcode::IntNeg, |a| a.wrapping_neg()) }
        }
    )*};
}
neg_ops!(i8, i16, i32, i64, isize);

impl Not for Sym<bool> {
    type Output = Sym<bool>;
    #[inline(always)]
    fn not(self) -> Sym<bool> {
        let val = !self.val;
        if self.is_const() {
            return Sym::konst(val);
        }
        Sym::traced(
            val,
            record(
                Opcode::IntXor,
                Kind::Int,
                &[Operand::of(self), Operand::Const(Kind::Int, 1)],
            ),
        )
    }
}

macro_rules! float_ops {
    ($($trait:ident $method:ident $opcode:ident $op:tt;)*) => {$(
        impl $trait for Sym<f64> {
            type Output = Sym<f64>;
            #[inline(always)]
            fn $method(self, rhs: Sym<f64>) -> Sym<f64> { float_binop(self, rhs, Opcode::$opcode, self.val $op rhs.val) }
        }
        impl $trait<f64> for Sym<f64> {
            type Output = Sym<f64>;
            #[inline(always)]
            fn $method(self, rhs: f64) -> Sym<f64> { float_binop(self, Sym::konst(rhs), Opcode::$opcode, self.val $op rhs) }
        }
        impl $trait<Sym<f64>> for f64 {
            type Output = Sym<f64>;
            #[inline(always)]
            fn $method(self, rhs: Sym<f64>) -> Sym<f64> { float_binop(Sym::konst(self), rhs, Opcode::$opcode, self $op rhs.val) }
        }
    )*};
}
float_ops! {
    Add add FloatAdd +;
    Sub sub FloatSub -;
    Mul mul FloatMul *;
}

impl Neg for Sym<f64> {
    type Output = Sym<f64>;
    fn neg(self) -> Sym<f64> {
        let val = -self.val;
        if self.is_const() {
            return Sym::konst(val);
        }
        Sym::traced(
            val,
            record(Opcode::FloatNeg, Kind::Float, &[Operand::of(self)]),
        )
    }
}

impl<T: JitValue + Default> Default for Sym<T> {
    fn default() -> Sym<T> {
        Sym::konst(T::default())
    }
}

impl<T: JitValue + std::fmt::Display> std::fmt::Display for Sym<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.val.fmt(f)
    }
}
