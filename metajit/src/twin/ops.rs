//! The operations generated twin code calls, each accepting plain (green or constant) values
//! and `Sym`s alike: the type decides, not the macro.
//!
//! Comparisons, conditions, casts, field and array access, division, promotion, calls. Each
//! function does the concrete work (what the native interpreter would do, including panicking
//! where it would panic) and, when a tracer is recording and a value is not constant, records
//! the operation and any guard it implies at the given [`Site`].

use super::recorder::Recorder;
use super::sym::{Operand, compare, float_binop, record};
use super::types::{FieldType, FieldWrite, JitStruct, Ref, TwinType, repr_of};
use super::{Executor, Live, ResumeValue, Site, Stop, Sym};
use crate::ir::{CallDescr, Descr, EffectInfo, FieldDescr, FieldFlags, OpRef, Opcode};
use crate::jitarray::{ArrayRef, array_descr};
use crate::value::{JitValue, Kind};
use std::any::{Any, TypeId};
use std::sync::Arc;

// ---------------------------------------------------------------- comparisons

/// Comparison in twin code: plain operands compare natively (`bool`), a `Sym` on either side
/// gives a `Sym<bool>`.
pub trait TwinCmp<Rhs> {
    /// `bool` or `Sym<bool>`.
    type Out;
    /// `<`
    fn lt(self, rhs: Rhs) -> Self::Out;
    /// `<=`
    fn le(self, rhs: Rhs) -> Self::Out;
    /// `>`
    fn gt(self, rhs: Rhs) -> Self::Out;
    /// `>=`
    fn ge(self, rhs: Rhs) -> Self::Out;
    /// `==`
    fn eq(self, rhs: Rhs) -> Self::Out;
    /// `!=`
    fn ne(self, rhs: Rhs) -> Self::Out;
}

macro_rules! plain_cmp {
    ($($t:ty),*) => {$(
        impl TwinCmp<$t> for $t {
            type Out = bool;
            #[inline(always)] fn lt(self, r: $t) -> bool { self < r }
            #[inline(always)] fn le(self, r: $t) -> bool { self <= r }
            #[inline(always)] fn gt(self, r: $t) -> bool { self > r }
            #[inline(always)] fn ge(self, r: $t) -> bool { self >= r }
            #[inline(always)] fn eq(self, r: $t) -> bool { self == r }
            #[inline(always)] fn ne(self, r: $t) -> bool { self != r }
        }
    )*};
}
plain_cmp!(
    i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, f64, char
);

fn cmp_opcodes<T: JitValue>() -> [Opcode; 6] {
    use Opcode::*;
    match T::KIND {
        Kind::Float => [FloatLt, FloatLe, FloatGt, FloatGe, FloatEq, FloatNe],
        Kind::Ref => [IntLt, IntLe, IntGt, IntGe, PtrEq, PtrNe],
        _ if T::REPR.signed => [IntLt, IntLe, IntGt, IntGe, IntEq, IntNe],
        _ => [UintLt, UintLe, UintGt, UintGe, IntEq, IntNe],
    }
}

macro_rules! sym_cmp {
    ($($t:ty),*) => {$(
        sym_cmp!(@one Sym<$t>, Sym<$t>, |a: Sym<$t>| a, |b: Sym<$t>| b, $t);
        sym_cmp!(@one Sym<$t>, $t, |a: Sym<$t>| a, |b: $t| Sym::konst(b), $t);
        sym_cmp!(@one $t, Sym<$t>, |a: $t| Sym::konst(a), |b: Sym<$t>| b, $t);
    )*};
    (@one $l:ty, $r:ty, $fl:expr, $fr:expr, $t:ty) => {
        impl TwinCmp<$r> for $l {
            type Out = Sym<bool>;
            fn lt(self, r: $r) -> Sym<bool> { let (a, b) = (($fl)(self), ($fr)(r)); compare(a, b, cmp_opcodes::<$t>()[0], a.value() < b.value()) }
            fn le(self, r: $r) -> Sym<bool> { let (a, b) = (($fl)(self), ($fr)(r)); compare(a, b, cmp_opcodes::<$t>()[1], a.value() <= b.value()) }
            fn gt(self, r: $r) -> Sym<bool> { let (a, b) = (($fl)(self), ($fr)(r)); compare(a, b, cmp_opcodes::<$t>()[2], a.value() > b.value()) }
            fn ge(self, r: $r) -> Sym<bool> { let (a, b) = (($fl)(self), ($fr)(r)); compare(a, b, cmp_opcodes::<$t>()[3], a.value() >= b.value()) }
            fn eq(self, r: $r) -> Sym<bool> { let (a, b) = (($fl)(self), ($fr)(r)); compare(a, b, cmp_opcodes::<$t>()[4], a.value() == b.value()) }
            fn ne(self, r: $r) -> Sym<bool> { let (a, b) = (($fl)(self), ($fr)(r)); compare(a, b, cmp_opcodes::<$t>()[5], a.value() != b.value()) }
        }
    };
}
sym_cmp!(
    i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, f64
);

impl<T> TwinCmp<Sym<Ref<T>>> for Sym<Ref<T>> {
    type Out = Sym<bool>;
    fn lt(self, r: Self) -> Sym<bool> {
        compare(
            self,
            r,
            Opcode::UintLt,
            self.value().addr() < r.value().addr(),
        )
    }
    fn le(self, r: Self) -> Sym<bool> {
        compare(
            self,
            r,
            Opcode::UintLe,
            self.value().addr() <= r.value().addr(),
        )
    }
    fn gt(self, r: Self) -> Sym<bool> {
        compare(
            self,
            r,
            Opcode::UintGt,
            self.value().addr() > r.value().addr(),
        )
    }
    fn ge(self, r: Self) -> Sym<bool> {
        compare(
            self,
            r,
            Opcode::UintGe,
            self.value().addr() >= r.value().addr(),
        )
    }
    fn eq(self, r: Self) -> Sym<bool> {
        compare(
            self,
            r,
            Opcode::PtrEq,
            self.value().addr() == r.value().addr(),
        )
    }
    fn ne(self, r: Self) -> Sym<bool> {
        compare(
            self,
            r,
            Opcode::PtrNe,
            self.value().addr() != r.value().addr(),
        )
    }
}

/// `a < b` in twin code.
#[inline(always)]
pub fn lt<A: TwinCmp<B>, B>(a: A, b: B) -> A::Out {
    a.lt(b)
}
/// `a <= b` in twin code.
#[inline(always)]
pub fn le<A: TwinCmp<B>, B>(a: A, b: B) -> A::Out {
    a.le(b)
}
/// `a > b` in twin code.
#[inline(always)]
pub fn gt<A: TwinCmp<B>, B>(a: A, b: B) -> A::Out {
    a.gt(b)
}
/// `a >= b` in twin code.
#[inline(always)]
pub fn ge<A: TwinCmp<B>, B>(a: A, b: B) -> A::Out {
    a.ge(b)
}
/// `a == b` in twin code.
#[inline(always)]
pub fn eq<A: TwinCmp<B>, B>(a: A, b: B) -> A::Out {
    a.eq(b)
}
/// `a != b` in twin code.
#[inline(always)]
pub fn ne<A: TwinCmp<B>, B>(a: A, b: B) -> A::Out {
    a.ne(b)
}

// ---------------------------------------------------------------- conditions and promotion

/// A branch condition: `bool` decides natively; a non-constant `Sym<bool>` becomes a guard on
/// the value seen.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a condition in traced code",
    note = "conditions must be `bool` or `Sym<bool>`"
)]
pub trait TwinCond {
    /// The concrete truth value (recording a guard when tracing).
    fn truth<E: Executor>(self, e: &mut E, site: Site, live: Live<'_>) -> bool;
}

impl TwinCond for bool {
    #[inline(always)]
    fn truth<E: Executor>(self, _: &mut E, _: Site, _: Live<'_>) -> bool {
        self
    }
}

impl TwinCond for Sym<bool> {
    #[inline(always)]
    fn truth<E: Executor>(self, e: &mut E, site: Site, live: Live<'_>) -> bool {
        let v = self.value();
        if let Some(op) = self.op()
            && let Some(t) = e.tracer()
        {
            t.guard(
                if v {
                    Opcode::GuardTrue
                } else {
                    Opcode::GuardFalse
                },
                &[op],
                site,
                live,
            );
        }
        v
    }
}

/// Evaluates a branch condition (generated `if`/`while` call this).
#[inline(always)]
pub fn cond<E: Executor, C: TwinCond>(e: &mut E, c: C, site: Site, live: Live<'_>) -> bool {
    c.truth(e, site, live)
}

/// A value that can be made green: a `Sym` is guarded to equal the value seen (`guard_value`);
/// plain values are green already.
pub trait TwinPromote {
    /// The plain type.
    type Plain;
    /// Promotes.
    fn promote<E: Executor>(self, e: &mut E, site: Site, live: Live<'_>) -> Self::Plain;
}

impl<T: JitValue> TwinPromote for Sym<T> {
    type Plain = T;
    #[inline(always)]
    fn promote<E: Executor>(self, e: &mut E, site: Site, live: Live<'_>) -> T {
        let v = self.value();
        if let Some(op) = self.op()
            && let Some(t) = e.tracer()
        {
            let c = t.rec().const_of(T::KIND, v.to_bits());
            t.guard(Opcode::GuardValue, &[op, c], site, live);
        }
        v
    }
}

macro_rules! plain_promote {
    ($($t:ty),*) => {$(
        impl TwinPromote for $t {
            type Plain = $t;
            #[inline(always)]
            fn promote<E: Executor>(self, _: &mut E, _: Site, _: Live<'_>) -> $t { self }
        }
    )*};
}
plain_promote!(
    i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, f64, char
);

/// `metajit::promote(x)` in twin code.
#[inline(always)]
pub fn promote<E: Executor, P: TwinPromote>(
    e: &mut E,
    x: P,
    site: Site,
    live: Live<'_>,
) -> P::Plain {
    x.promote(e, site, live)
}

/// `metajit::promote(x)` in twin code when the result stays a twin value: a constant `Sym`.
#[inline(always)]
pub fn promote_const<E: Executor, P: TwinPromote>(
    e: &mut E,
    x: P,
    site: Site,
    live: Live<'_>,
) -> Sym<P::Plain>
where
    P::Plain: JitValue,
{
    Sym::konst(x.promote(e, site, live))
}

/// The scrutinee of a `match` on a red value: scalars are promoted; `Option`s and `Result`s,
/// whose variant is already decided while tracing, pass through.
pub trait TwinScrutinee {
    /// What the match sees.
    type Plain;
    /// Converts.
    fn scrutinee<E: Executor>(self, e: &mut E, site: Site, live: Live<'_>) -> Self::Plain;
}

impl<T: TwinPromote> TwinScrutinee for T {
    type Plain = T::Plain;
    #[inline(always)]
    fn scrutinee<E: Executor>(self, e: &mut E, site: Site, live: Live<'_>) -> T::Plain {
        self.promote(e, site, live)
    }
}

impl<T> TwinScrutinee for Option<T> {
    type Plain = Option<T>;
    #[inline(always)]
    fn scrutinee<E: Executor>(self, _: &mut E, _: Site, _: Live<'_>) -> Option<T> {
        self
    }
}

impl<T, U> TwinScrutinee for Result<T, U> {
    type Plain = Result<T, U>;
    #[inline(always)]
    fn scrutinee<E: Executor>(self, _: &mut E, _: Site, _: Live<'_>) -> Result<T, U> {
        self
    }
}

/// The scrutinee of a generated `match` on a red value.
#[inline(always)]
pub fn scrutinee<E: Executor, S: TwinScrutinee>(
    e: &mut E,
    s: S,
    site: Site,
    live: Live<'_>,
) -> S::Plain {
    s.scrutinee(e, site, live)
}

// ---------------------------------------------------------------- casts

/// `x as T` in twin code.
pub trait TwinCast<To> {
    /// `To` for plain values, `Sym<To>` for `Sym`s.
    type Out;
    /// Converts.
    fn cast(self) -> Self::Out;
}

macro_rules! casts {
    ($($from:ty => [$($to:ty),*];)*) => {$($(
        impl TwinCast<$to> for $from {
            type Out = $to;
            #[inline(always)]
            fn cast(self) -> $to { self as $to }
        }
        impl TwinCast<$to> for Sym<$from> {
            type Out = Sym<$to>;
            #[inline(always)]
            fn cast(self) -> Sym<$to> { int_cast::<$from, $to>(self, self.value() as $to) }
        }
    )*)*};
}
casts! {
    i8 => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
    i16 => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
    i32 => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
    i64 => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
    isize => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
    u8 => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, char];
    u16 => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
    u32 => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
    u64 => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
    usize => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
    bool => [i8, i16, i32, i64, isize, u8, u16, u32, u64, usize];
}

// SAFETY: chars travel as their code point (zero-extended u32), which `from_bits` inverts for
// the values `to_bits` produces.
unsafe impl JitValue for char {
    const KIND: Kind = Kind::Int;
    const REPR: crate::value::IntRepr = crate::value::IntRepr {
        size: 4,
        signed: false,
    };
    fn to_bits(self) -> i64 {
        self as i64
    }
    fn from_bits(bits: i64) -> char {
        char::from_u32(bits as u32).unwrap_or('\u{fffd}')
    }
}

fn int_cast<F: JitValue, T: JitValue>(x: Sym<F>, val: T) -> Sym<T> {
    if x.is_const() {
        return Sym::konst(val);
    }
    // Bits are already normalized for F; they need work only when T is narrower, or
    // changes signedness at the same width.
    let (f, t) = (F::REPR, T::REPR);
    let needs = t.size < f.size || (t.size == f.size && t.signed != f.signed && t.size < 8);
    if !needs {
        return x.with_value(val);
    }
    Sym::traced(val, super::sym::normalize(x.op(), t))
}

macro_rules! float_casts {
    ($($t:ty),*) => {$(
        impl TwinCast<f64> for $t {
            type Out = f64;
            fn cast(self) -> f64 { self as f64 }
        }
        impl TwinCast<f64> for Sym<$t> {
            type Out = Sym<f64>;
            fn cast(self) -> Sym<f64> {
                let val = self.value() as f64;
                if self.is_const() { return Sym::konst(val); }
                Sym::traced(val, record(Opcode::CastIntToFloat, Kind::Float, &[Operand::of(self)]))
            }
        }
        impl TwinCast<$t> for f64 {
            type Out = $t;
            fn cast(self) -> $t { self as $t }
        }
        impl TwinCast<$t> for Sym<f64> {
            type Out = Sym<$t>;
            fn cast(self) -> Sym<$t> {
                let val = self.value() as $t;
                if self.is_const() { return Sym::konst(val); }
                let wide = Sym::<i64>::traced(self.value() as i64, record(Opcode::CastFloatToInt, Kind::Int, &[Operand::of(self)]));
                int_cast::<i64, $t>(wide, val)
            }
        }
    )*};
}
float_casts!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl TwinCast<f64> for f64 {
    type Out = f64;
    fn cast(self) -> f64 {
        self
    }
}
impl TwinCast<f64> for Sym<f64> {
    type Out = Sym<f64>;
    fn cast(self) -> Sym<f64> {
        self
    }
}

/// `x as To` in twin code.
#[inline(always)]
pub fn cast<To, X: TwinCast<To>>(x: X) -> X::Out {
    x.cast()
}

// ---------------------------------------------------------------- division

/// `/` and `%` in twin code: integer division guards the divisor (Rust panics on zero and on
/// `MIN / -1`; compiled code must leave the trace instead).
pub trait TwinDiv<Rhs> {
    /// Result type.
    type Out;
    /// `/`
    fn div<E: Executor>(self, rhs: Rhs, e: &mut E, site: Site, live: Live<'_>) -> Self::Out;
    /// `%`
    fn rem<E: Executor>(self, rhs: Rhs, e: &mut E, site: Site, live: Live<'_>) -> Self::Out;
}

macro_rules! int_div {
    ($($t:ty),*) => {$(
        int_div!(@one Sym<$t>, Sym<$t>, |a: Sym<$t>| a, |b: Sym<$t>| b, $t);
        int_div!(@one Sym<$t>, $t, |a: Sym<$t>| a, |b: $t| Sym::konst(b), $t);
        int_div!(@one $t, Sym<$t>, |a: $t| Sym::konst(a), |b: Sym<$t>| b, $t);
        impl TwinDiv<$t> for $t {
            type Out = $t;
            #[inline(always)] fn div<E: Executor>(self, r: $t, _: &mut E, _: Site, _: Live<'_>) -> $t { self / r }
            #[inline(always)] fn rem<E: Executor>(self, r: $t, _: &mut E, _: Site, _: Live<'_>) -> $t { self % r }
        }
    )*};
    (@one $l:ty, $r:ty, $fl:expr, $fr:expr, $t:ty) => {
        impl TwinDiv<$r> for $l {
            type Out = Sym<$t>;
            fn div<E: Executor>(self, r: $r, e: &mut E, site: Site, live: Live<'_>) -> Sym<$t> {
                sym_divrem(($fl)(self), ($fr)(r), e, site, live, true)
            }
            fn rem<E: Executor>(self, r: $r, e: &mut E, site: Site, live: Live<'_>) -> Sym<$t> {
                sym_divrem(($fl)(self), ($fr)(r), e, site, live, false)
            }
        }
    };
}

trait DivInt: JitValue {
    fn checked_div_(self, o: Self) -> Option<Self>;
    fn checked_rem_(self, o: Self) -> Option<Self>;
}
macro_rules! div_int {
    ($($t:ty),*) => {$(
        impl DivInt for $t {
            fn checked_div_(self, o: Self) -> Option<Self> { self.checked_div(o) }
            fn checked_rem_(self, o: Self) -> Option<Self> { self.checked_rem(o) }
        }
    )*};
}
div_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
int_div!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

fn sym_divrem<T: DivInt, E: Executor>(
    a: Sym<T>,
    b: Sym<T>,
    e: &mut E,
    site: Site,
    live: Live<'_>,
    div: bool,
) -> Sym<T> {
    let res = if div {
        a.value().checked_div_(b.value())
    } else {
        a.value().checked_rem_(b.value())
    };
    let Some(val) = res else {
        // What the native interpreter does here.
        panic!("attempt to divide by zero or with overflow");
    };
    if a.is_const() && b.is_const() {
        return Sym::konst(val);
    }
    if let Some(t) = e.tracer() {
        if let Some(bop) = b.op() {
            let mut rec = t.rec();
            let zero = rec.const_of(Kind::Int, 0);
            let nz = rec.record(Opcode::IntNe, Kind::Int, &[bop, zero], None);
            drop(rec);
            if let Some(nz) = nz {
                t.guard(Opcode::GuardTrue, &[nz], site, live);
            }
            if T::REPR.signed {
                // MIN / -1 overflows: guard the divisor is not -1 unless the dividend is known
                // not to be MIN.
                let min = crate::value::normalize_int(i64::MIN, T::REPR);
                let a_is_min_possible = a.op().is_some() || a.value().to_bits() == min;
                if a_is_min_possible {
                    let mut rec = t.rec();
                    let m1 = rec.const_of(Kind::Int, -1);
                    let ne = rec.record(Opcode::IntNe, Kind::Int, &[bop, m1], None);
                    drop(rec);
                    if let Some(ne) = ne {
                        t.guard(Opcode::GuardTrue, &[ne], site, live);
                    }
                }
            }
        } else if T::REPR.signed && b.value().to_bits() == -1 && a.op().is_some() {
            let mut rec = t.rec();
            let min = rec.const_of(Kind::Int, crate::value::normalize_int(i64::MIN, T::REPR));
            let ne = rec.record(
                Opcode::IntNe,
                Kind::Int,
                &[a.op().expect("non-constant"), min],
                None,
            );
            drop(rec);
            if let Some(ne) = ne {
                t.guard(Opcode::GuardTrue, &[ne], site, live);
            }
        }
    }
    let opcode = match (div, T::REPR.signed) {
        (true, true) => Opcode::IntDiv,
        (true, false) => Opcode::UintDiv,
        (false, true) => Opcode::IntMod,
        (false, false) => Opcode::UintMod,
    };
    Sym::traced(
        val,
        record(opcode, Kind::Int, &[Operand::of(a), Operand::of(b)]),
    )
}

macro_rules! float_div {
    ($l:ty, $r:ty, $fl:expr, $fr:expr) => {
        impl TwinDiv<$r> for $l {
            type Out = Sym<f64>;
            fn div<E: Executor>(self, r: $r, _: &mut E, _: Site, _: Live<'_>) -> Sym<f64> {
                let (a, b): (Sym<f64>, Sym<f64>) = (($fl)(self), ($fr)(r));
                float_binop(a, b, Opcode::FloatDiv, a.value() / b.value())
            }
            fn rem<E: Executor>(self, r: $r, _: &mut E, _: Site, _: Live<'_>) -> Sym<f64> {
                let (a, b): (Sym<f64>, Sym<f64>) = (($fl)(self), ($fr)(r));
                float_rem(a, b)
            }
        }
    };
}
float_div!(Sym<f64>, Sym<f64>, |a| a, |b| b);
float_div!(Sym<f64>, f64, |a| a, Sym::konst);
float_div!(f64, Sym<f64>, Sym::konst, |b| b);
impl TwinDiv<f64> for f64 {
    type Out = f64;
    fn div<E: Executor>(self, r: f64, _: &mut E, _: Site, _: Live<'_>) -> f64 {
        self / r
    }
    fn rem<E: Executor>(self, r: f64, _: &mut E, _: Site, _: Live<'_>) -> f64 {
        self % r
    }
}

extern "C" fn float_rem_helper(a: i64, b: i64) -> i64 {
    (f64::from_bits(a as u64) % f64::from_bits(b as u64)).to_bits() as i64
}

fn float_rem(a: Sym<f64>, b: Sym<f64>) -> Sym<f64> {
    let val = a.value() % b.value();
    if a.is_const() && b.is_const() {
        return Sym::konst(val);
    }
    let op = super::recorder::with_active(|rec| {
        let d = rec.call_descr(float_rem_helper as *const () as usize, || {
            Descr::Call(CallDescr {
                name: Arc::from("float_rem"),
                func: float_rem_helper as *const () as usize,
                args: Arc::from([Kind::Float, Kind::Float]),
                result: Kind::Float,
                effect: EffectInfo::Elidable,
            })
        });
        let (x, y) = (a.operand(rec), b.operand(rec));
        rec.record(Opcode::CallPure, Kind::Float, &[x, y], Some(d))
    })
    .flatten();
    Sym::traced(val, op)
}

/// `a / b` in twin code.
#[inline(always)]
pub fn div<E: Executor, A: TwinDiv<B>, B>(
    e: &mut E,
    a: A,
    b: B,
    site: Site,
    live: Live<'_>,
) -> A::Out {
    a.div(b, e, site, live)
}

/// `a % b` in twin code.
#[inline(always)]
pub fn rem<E: Executor, A: TwinDiv<B>, B>(
    e: &mut E,
    a: A,
    b: B,
    site: Site,
    live: Live<'_>,
) -> A::Out {
    a.rem(b, e, site, live)
}

// ---------------------------------------------------------------- fields

/// A base of a field access in traced code: a (red or constant) reference to a `JitStruct`.
#[diagnostic::on_unimplemented(
    message = "field access on `{Self}` in traced code",
    note = "red field accesses need a reference to a `#[derive(metajit::JitStruct)]` struct"
)]
pub trait RedBase<S> {
    /// As a `Sym<Ref<S>>`.
    fn red_ref(self) -> Sym<Ref<S>>;
}

impl<S> RedBase<S> for Sym<Ref<S>> {
    #[inline(always)]
    fn red_ref(self) -> Sym<Ref<S>> {
        self
    }
}
impl<S> RedBase<S> for Ref<S> {
    #[inline(always)]
    fn red_ref(self) -> Sym<Ref<S>> {
        Sym::konst(self)
    }
}
impl<S> RedBase<S> for &S {
    #[inline(always)]
    fn red_ref(self) -> Sym<Ref<S>> {
        Sym::konst(Ref::new(self))
    }
}

fn field_descr<S: JitStruct, F: FieldType>(offset: usize) -> Descr {
    let info = S::FIELDS.iter().find(|f| f.offset == offset);
    let name = match info {
        Some(i) => format!("{}.{}", S::NAME, i.name),
        None => format!("{}+{offset}", S::NAME),
    };
    Descr::Field(FieldDescr {
        name: Arc::from(name),
        offset: offset as u32,
        kind: <F::Read as JitValue>::KIND,
        repr: repr_of::<F::Read>(),
        flags: FieldFlags {
            immutable: info.is_some_and(|i| i.immutable),
            quasi_immutable: info.is_some_and(|i| i.quasi_immutable),
        },
    })
}

fn field_offset<S, F>(base: *mut S, proj: fn(*const S) -> *const F) -> usize {
    let off = (proj(base) as usize).wrapping_sub(base as usize);
    assert!(
        off < std::mem::size_of::<S>().max(1),
        "metajit: a traced field projection left its struct"
    );
    off
}

fn field_id<S: JitStruct, F: FieldType>(rec: &mut Recorder, offset: usize) -> crate::ir::DescrId {
    rec.field_descr(TypeId::of::<S>(), offset, || field_descr::<S, F>(offset))
}

/// Reads `base.field` in twin code (`proj` is `|p| addr_of!((*p).field)`).
pub fn getfield<E: Executor, B: RedBase<S>, S: JitStruct, F: FieldType>(
    e: &mut E,
    base: B,
    proj: fn(*const S) -> *const F,
) -> Sym<F::Read> {
    let base = base.red_ref();
    let ptr = base.value().as_ptr();
    // SAFETY: the base is a live object (tracing and blackholing run on real objects) and the
    // field has the layout of `F::Read` (the `FieldType` contract).
    let val: F::Read = unsafe { std::ptr::read(proj(ptr) as *const F::Read) };
    let Some(t) = e.tracer() else {
        return Sym::konst(val);
    };
    let offset = field_offset(ptr, proj);
    if let Some(loc) = t.vable_field(ptr as usize, offset) {
        return Sym::traced(val, t.vable_get(loc));
    }
    let mut rec = t.rec();
    let d = field_id::<S, F>(&mut rec, offset);
    let obj = base.operand(&mut rec);
    let flags = rec.trace.descrs[d.0 as usize]
        .as_field()
        .map(|f| f.flags)
        .unwrap_or_default();
    if base.is_const() && (flags.immutable || flags.quasi_immutable) {
        if flags.quasi_immutable {
            rec.record(Opcode::QuasiimmutField, Kind::Void, &[obj], Some(d));
            drop(rec);
            t.qi_read(ptr as usize + offset);
        }
        return Sym::konst(val);
    }
    if let Some(v) = rec.heap_get(obj, d) {
        return Sym::traced(val, Some(v));
    }
    let op = rec.record(
        Opcode::GetField,
        <F::Read as JitValue>::KIND,
        &[obj],
        Some(d),
    );
    if let Some(v) = op {
        rec.heap_remember(obj, d, v);
    }
    Sym::traced(val, op)
}

/// Writes `base.field = value` in twin code.
pub fn setfield<
    E: Executor,
    B: RedBase<S>,
    S: JitStruct,
    F: FieldWrite,
    V: super::IntoTwin<Sym<F::Read>>,
>(
    e: &mut E,
    base: B,
    proj: fn(*const S) -> *const F,
    value: V,
) {
    let base = base.red_ref();
    let value: Sym<F::Read> = value.into_twin();
    let ptr = base.value().as_ptr();
    // SAFETY: as for getfield; writing a `F::Read` over a `F` is allowed by `FieldWrite`.
    unsafe { std::ptr::write(proj(ptr) as *mut F::Read, value.value()) };
    let Some(t) = e.tracer() else { return };
    let offset = field_offset(ptr, proj);
    if let Some(loc) = t.vable_field(ptr as usize, offset) {
        if t.vable_is_array_ptr(loc) {
            t.abort(super::AbortReason::VirtualizableChanged);
            return;
        }
        let v = value.operand(&mut t.rec());
        t.vable_set(loc, v);
        return;
    }
    let mut rec = t.rec();
    let d = field_id::<S, F>(&mut rec, offset);
    let obj = base.operand(&mut rec);
    let v = value.operand(&mut rec);
    rec.record(Opcode::SetField, Kind::Void, &[obj, v], Some(d));
    rec.heap_write(obj, d, v);
}

// ---------------------------------------------------------------- arrays

/// An array in traced code: a (red or constant) `ArrayRef`.
#[diagnostic::on_unimplemented(
    message = "indexing `{Self}` with a red index in traced code",
    note = "red arrays must be `metajit::JitArray`s (read through a JitStruct field or held as `ArrayRef`); to index green data with a red index, promote the index"
)]
pub trait RedArray<T> {
    /// As a `Sym<ArrayRef<T>>`.
    fn red_array(self) -> Sym<ArrayRef<T>>;
}

impl<T: JitValue> RedArray<T> for Sym<ArrayRef<T>> {
    fn red_array(self) -> Sym<ArrayRef<T>> {
        self
    }
}
impl<T: JitValue> RedArray<T> for ArrayRef<T> {
    fn red_array(self) -> Sym<ArrayRef<T>> {
        Sym::konst(self)
    }
}
impl<T: JitValue> RedArray<T> for &crate::jitarray::JitArray<T> {
    fn red_array(self) -> Sym<ArrayRef<T>> {
        Sym::konst(self.as_ref())
    }
}

/// An index in traced code: any integer, plain or `Sym`.
pub trait RedIndex {
    /// As a `Sym<usize>`.
    fn red_index(self) -> Sym<usize>;
}
macro_rules! red_index {
    ($($t:ty),*) => {$(
        impl RedIndex for $t { fn red_index(self) -> Sym<usize> { Sym::konst(self as usize) } }
        impl RedIndex for Sym<$t> { fn red_index(self) -> Sym<usize> { self.with_value(self.value() as usize) } }
    )*};
}
red_index!(usize, u8, u16, u32, u64, i32, i64, isize);

fn array_id<T: JitValue + 'static>(rec: &mut Recorder) -> crate::ir::DescrId {
    rec.array_descr(TypeId::of::<T>(), || Descr::Array(array_descr::<T>()))
}

fn bounds_check<E: Executor, T: JitValue + 'static>(
    e: &mut E,
    a: Sym<ArrayRef<T>>,
    i: Sym<usize>,
    site: Site,
    live: Live<'_>,
) {
    let len = a.value().len();
    if i.value() >= len {
        panic!(
            "index out of bounds: the len is {len} but the index is {}",
            i.value()
        );
    }
    let Some(t) = e.tracer() else { return };
    if a.is_const() && i.is_const() {
        // A constant array's length never changes (JitArrays have fixed lengths).
        return;
    }
    let mut rec = t.rec();
    let d = array_id::<T>(&mut rec);
    let arr = a.operand(&mut rec);
    let idx = i.operand(&mut rec);
    let len_op = if a.is_const() {
        rec.const_of(Kind::Int, len as i64)
    } else {
        match rec.array_len(arr, d) {
            Some(r) => r,
            None => return,
        }
    };
    let Some(ok) = rec.record(Opcode::UintLt, Kind::Int, &[idx, len_op], None) else {
        return;
    };
    drop(rec);
    t.guard(Opcode::GuardTrue, &[ok], site, live);
}

/// Reads `arr[i]` in twin code (a bounds-check guard, then the load).
pub fn index<E: Executor, A: RedArray<T>, T: JitValue + 'static, I: RedIndex>(
    e: &mut E,
    arr: A,
    i: I,
    site: Site,
    live: Live<'_>,
) -> Sym<T> {
    let (a, i) = (arr.red_array(), i.red_index());
    if let Some(loc) = vable_item(e, a, i, site, live) {
        let val = a.value().get(i.value());
        let op = e.tracer().and_then(|t| t.vable_get(loc));
        return Sym::traced(val, op);
    }
    bounds_check(e, a, i, site, live);
    let val = a.value().get(i.value());
    let Some(t) = e.tracer() else {
        return Sym::konst(val);
    };
    let mut rec = t.rec();
    let d = array_id::<T>(&mut rec);
    let (arr, idx) = (a.operand(&mut rec), i.operand(&mut rec));
    Sym::traced(
        val,
        rec.record(Opcode::GetArrayItem, T::KIND, &[arr, idx], Some(d)),
    )
}

/// The virtualizable location of `a[i]` when `a` is an array of the tracked virtualizable:
/// the index is promoted (made a constant of the trace) and the bounds checked natively.
fn vable_item<E: Executor, T: JitValue + 'static>(
    e: &mut E,
    a: Sym<ArrayRef<T>>,
    i: Sym<usize>,
    site: Site,
    live: Live<'_>,
) -> Option<usize> {
    let addr = a.value().addr();
    if !e.tracer()?.vable_is_array(addr) {
        return None;
    }
    let idx = i.promote(e, site, live);
    let len = a.value().len();
    if idx >= len {
        panic!("index out of bounds: the len is {len} but the index is {idx}");
    }
    e.tracer()?.vable_item(addr, idx)
}

/// Writes `arr[i] = v` in twin code.
pub fn setindex<
    E: Executor,
    A: RedArray<T>,
    T: JitValue + 'static,
    I: RedIndex,
    V: super::IntoTwin<Sym<T>>,
>(
    e: &mut E,
    arr: A,
    i: I,
    v: V,
    site: Site,
    live: Live<'_>,
) {
    let (a, i) = (arr.red_array(), i.red_index());
    let v: Sym<T> = v.into_twin();
    if let Some(loc) = vable_item(e, a, i, site, live) {
        a.value().set(i.value(), v.value());
        if let Some(t) = e.tracer() {
            let op = v.operand(&mut t.rec());
            t.vable_set(loc, op);
        }
        return;
    }
    bounds_check(e, a, i, site, live);
    a.value().set(i.value(), v.value());
    let Some(t) = e.tracer() else { return };
    let mut rec = t.rec();
    let d = array_id::<T>(&mut rec);
    let (arr, idx, val) = (
        a.operand(&mut rec),
        i.operand(&mut rec),
        v.operand(&mut rec),
    );
    rec.record(Opcode::SetArrayItem, Kind::Void, &[arr, idx, val], Some(d));
}

/// `arr.len()` in twin code.
pub fn array_len<E: Executor, A: RedArray<T>, T: JitValue + 'static>(
    e: &mut E,
    arr: A,
) -> Sym<usize> {
    let a = arr.red_array();
    let len = a.value().len();
    if a.is_const() {
        return Sym::konst(len);
    }
    let Some(t) = e.tracer() else {
        return Sym::konst(len);
    };
    let mut rec = t.rec();
    let d = array_id::<T>(&mut rec);
    let arr = a.operand(&mut rec);
    Sym::traced(len, rec.array_len(arr, d))
}

// ---------------------------------------------------------------- calls

/// Where a call happens, for the callee's snapshots: `before` is the call itself (guards a
/// builtin records resume there and redo the call), `after` is the caller's continuation
/// (inlined callees' guards resume the caller there, with the callee's result).
#[derive(Clone, Copy)]
pub struct CallSite<'a> {
    /// Resume point before the call.
    pub before: Site,
    /// Live slots before the call.
    pub live_before: Live<'a>,
    /// Resume point after the call.
    pub after: Site,
    /// Live slots after the call (the result excluded).
    pub live_after: Live<'a>,
}

/// A function twin code can call: implemented by the annotation macros on a marker type
/// named like the function (`#[metajit::jit] fn f` makes `struct f {}`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is called with red arguments in traced code but is not annotated",
    note = "annotate the function with #[metajit::jit] (inline it), #[metajit::elidable] (pure) or #[metajit::dont_look_inside] (call it as is)"
)]
pub trait TwinFn<E: Executor> {
    /// The twin parameter tuple.
    type Args;
    /// The twin result.
    type Ret;
    /// Calls (inlines, records a residual call, or folds).
    fn call(e: &mut E, args: Self::Args, site: CallSite<'_>) -> Result<Self::Ret, Stop>;
}

/// What a residual or elidable call may do, from its annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// `#[metajit::dont_look_inside]`: anything.
    Residual,
    /// `#[metajit::elidable]`: nothing (pure).
    Elidable,
}

/// Calls a function as a residual call (or folds an elidable one with constant arguments).
///
/// `native` performs the call concretely; `func` is the address of its `extern "C"` shim
/// (all-`i64` convention) that compiled code calls.
pub fn residual_call<E: Executor, R: JitValue>(
    e: &mut E,
    info: &'static super::TwinInfo,
    name: &'static str,
    func: usize,
    kind: CallKind,
    args: &[ResumeValue],
    native: impl FnOnce() -> R,
) -> Sym<R> {
    let val = native();
    let Some(t) = e.tracer() else {
        return Sym::konst(val);
    };
    if kind == CallKind::Elidable && args.iter().all(|a| a.op.is_none()) {
        return Sym::konst(val);
    }
    if args.len() > crate::backend::MAX_CALL_ARGS {
        t.abort(super::AbortReason::TooManyCallArgs);
        return Sym::konst(val);
    }
    let reload = kind == CallKind::Residual && t.vable_before_call(args);
    let mut rec = t.rec();
    let d = rec.call_descr(func, || {
        Descr::Call(CallDescr {
            name: Arc::from(name),
            func,
            args: args.iter().map(|a| a.kind).collect(),
            result: if std::mem::size_of::<R>() == 0 {
                Kind::Void
            } else {
                R::KIND
            },
            effect: if kind == CallKind::Elidable {
                EffectInfo::Elidable
            } else {
                EffectInfo::Any
            },
        })
    });
    let ops: Vec<OpRef> = args
        .iter()
        .map(|a| a.op.unwrap_or_else(|| rec.const_of(a.kind, a.bits)))
        .collect();
    let result_kind = match &rec.trace.descrs[d.0 as usize] {
        Descr::Call(c) => c.result,
        _ => Kind::Void,
    };
    let opcode = if kind == CallKind::Elidable {
        Opcode::CallPure
    } else {
        Opcode::Call
    };
    let r = rec.record(opcode, result_kind, &ops, Some(d));
    if kind == CallKind::Residual {
        rec.heap_clobber();
    }
    drop(rec);
    if reload {
        t.vable_after_call();
    }
    let result = if result_kind == Kind::Void {
        Sym::konst(val)
    } else {
        Sym::traced(val, r)
    };
    if kind == CallKind::Residual && t.jit.qi_used.get() {
        // The call may have changed a quasi-immutable field this trace folded: check the
        // invalidation flag, resuming (if it was set) just after the call with its result.
        t.record_invalidation_check(
            Some((
                super::Site { info, point: 0 },
                &|w: &mut super::SnapWriter<'_>| super::SlotValue::write(result, w),
            )),
            &[],
        );
    }
    result
}

/// A function whose results `metajit::record_known_result!` can declare: the elidable ones
/// (implemented by `#[metajit::elidable]`).
#[diagnostic::on_unimplemented(
    message = "record_known_result! needs a #[metajit::elidable] function, and `{Self}` is not one"
)]
pub trait TwinKnownResult<E: Executor>: TwinFn<E> {
    /// Tells the trace that the function returns `result` for `args`.
    fn record(e: &mut E, args: Self::Args, result: Self::Ret);
}

/// Records that the elidable function at `func` returns `result` for `args`: later calls with
/// the same arguments fold to `result` (the pure pass uses the fact; it costs nothing at run
/// time).
pub fn record_known_result<E: Executor>(
    e: &mut E,
    name: &'static str,
    func: usize,
    args: &[ResumeValue],
    result: ResumeValue,
) {
    let Some(t) = e.tracer() else { return };
    if args.len() > crate::backend::MAX_CALL_ARGS {
        return;
    }
    let mut rec = t.rec();
    let d = rec.call_descr(func, || {
        Descr::Call(CallDescr {
            name: Arc::from(name),
            func,
            args: args.iter().map(|a| a.kind).collect(),
            result: result.kind,
            effect: EffectInfo::Elidable,
        })
    });
    let mut ops: Vec<OpRef> = vec![
        result
            .op
            .unwrap_or_else(|| rec.const_of(result.kind, result.bits)),
    ];
    ops.extend(
        args.iter()
            .map(|a| a.op.unwrap_or_else(|| rec.const_of(a.kind, a.bits))),
    );
    rec.record(Opcode::RecordKnownResult, Kind::Void, &ops, Some(d));
}

/// The resume value of a call argument (generated call code passes these to
/// [`residual_call`]).
pub fn arg_value<T: JitValue>(s: Sym<T>) -> ResumeValue {
    ResumeValue::of(s)
}

/// The result of an inlined call handed to a resumed caller (generated resume code calls
/// this).
pub fn take_result<T: 'static>(ret: Option<Box<dyn Any>>) -> T {
    match ret.map(|b| b.downcast::<T>()) {
        Some(Ok(v)) => *v,
        _ => panic!(
            "metajit: resumed a call continuation without the callee's result (a codewriter bug)"
        ),
    }
}

/// Boxes a twin result for the type-erased resume chain.
pub fn box_result<T: 'static>(v: T) -> Box<dyn Any> {
    Box::new(v)
}

/// Converts a twin value back to the native type (at the portal's boundary).
///
/// # Safety
/// See [`TwinType::from_twin`].
pub unsafe fn from_twin<T: TwinType>(s: Sym<T::Twin>) -> T {
    // SAFETY: the caller's promise.
    unsafe { T::from_twin(s.value()) }
}

/// The bits and kind of a red value at `can_enter_jit!()` (generated native code).
pub fn red_state<T: JitValue>(x: &T) -> (i64, Kind) {
    (T::to_bits(*x), T::KIND)
}

/// The bits and kind of a red reference at `can_enter_jit!()`.
pub fn red_state_ref<T>(x: &T) -> (i64, Kind) {
    (x as *const T as i64, Kind::Ref)
}

/// `metajit::we_are_jitted()` in twin code: true in both executors (their code is the jitted
/// version of the interpreter).
pub fn we_are_jitted() -> bool {
    true
}

/// A value `metajit::is_constant` can ask about.
pub trait MaybeConst {
    /// Whether it is a constant of the trace.
    fn is_const_value(&self) -> bool;
}
impl<T: JitValue> MaybeConst for Sym<T> {
    fn is_const_value(&self) -> bool {
        self.is_const()
    }
}
impl<T: JitValue> MaybeConst for T {
    fn is_const_value(&self) -> bool {
        true
    }
}

/// `metajit::is_constant(x)` in twin code.
pub fn is_constant<E: Executor, X: MaybeConst>(e: &mut E, x: X) -> bool {
    e.tracer().is_some() && x.is_const_value()
}

/// `metajit::assert_green(x)` in twin code: aborts the trace if `x` is not a constant.
pub fn assert_green<E: Executor, X: MaybeConst>(e: &mut E, x: X) {
    if !x.is_const_value()
        && let Some(t) = e.tracer()
    {
        t.abort(super::AbortReason::NotGreen);
    }
}

/// Unused-value sink for generated statements (`let _ = expr;`).
#[inline(always)]
pub fn discard<T>(_: T) {}
