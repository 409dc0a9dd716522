//! Division and remainder, with the guards for division by zero and overflow.

use crate::ir::{CallDescr, Descr, EffectInfo, Opcode};
use crate::twin::Recording;
use crate::twin::sym::{Operand, float_binop, record};
use crate::twin::{Executor, Live, Site, Sym};
use crate::value::{JitValue, Kind};
use std::sync::Arc;

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
    let op = crate::twin::recorder::with_active(|rec| {
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
