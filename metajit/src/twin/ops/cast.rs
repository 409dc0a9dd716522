//! Numeric casts (`as`) of plain values and `Sym`s.

use crate::ir::Opcode;
use crate::twin::Sym;
use crate::twin::sym::{Operand, record};
use crate::value::{JitValue, Kind};

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
    Sym::traced(val, crate::twin::sym::normalize(x.op(), t))
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

/// `f64::from_bits(x)` in twin code (`x` a plain or red `u64`): the same bits as a float.
pub fn float_from_bits<X: crate::twin::IntoTwin<Sym<u64>>>(x: X) -> Sym<f64> {
    let x: Sym<u64> = x.into_twin();
    let val = f64::from_bits(x.value());
    if x.is_const() {
        return Sym::konst(val);
    }
    Sym::traced(
        val,
        record(
            Opcode::ConvertLonglongBytesToFloat,
            Kind::Float,
            &[Operand::of(x)],
        ),
    )
}

impl crate::twin::TwinMethod<{ crate::twin::method_hash("to_bits") }, ()> for Sym<f64> {
    type Ret = Sym<u64>;
    fn call<E: crate::twin::Executor>(
        self,
        _: &mut E,
        _: (),
        _: crate::twin::CallSite<'_>,
    ) -> Result<Sym<u64>, crate::twin::Stop> {
        let val = self.value().to_bits();
        if self.is_const() {
            return Ok(Sym::konst(val));
        }
        Ok(Sym::traced(
            val,
            record(
                Opcode::ConvertFloatBytesToLonglong,
                Kind::Int,
                &[Operand::of(self)],
            ),
        ))
    }
}

/// `metajit::ref_from_addr::<T>(x)` in twin code: the address `x` (a plain or red `u64`) as a
/// reference.
pub fn ref_from_addr<T>(x: impl crate::twin::IntoTwin<Sym<u64>>) -> Sym<crate::Ref<T>> {
    let x: Sym<u64> = x.into_twin();
    let val = crate::Ref::from_ptr(x.value() as usize as *mut T);
    if x.is_const() {
        return Sym::konst(val);
    }
    Sym::traced(
        val,
        record(Opcode::CastIntToPtr, Kind::Ref, &[Operand::of(x)]),
    )
}

/// `metajit::ref_of(r)` in twin code: the reference itself.
pub fn ref_of<T>(r: impl crate::twin::IntoTwin<Sym<crate::Ref<T>>>) -> Sym<crate::Ref<T>> {
    r.into_twin()
}

/// `metajit::ref_addr(r)` in twin code: a reference's address as a `u64`.
pub fn ref_addr<T>(r: impl crate::twin::IntoTwin<Sym<crate::Ref<T>>>) -> Sym<u64> {
    let r: Sym<crate::Ref<T>> = r.into_twin();
    let val = r.value().addr() as u64;
    if r.is_const() {
        return Sym::konst(val);
    }
    Sym::traced(
        val,
        record(Opcode::CastPtrToInt, Kind::Int, &[Operand::of(r)]),
    )
}

/// `metajit::interrupt_pending()` in twin code: a load of the interrupt flag's word (never
/// cached or folded: `raw_load` reads memory anyone may write) tested for non-zero.
pub fn interrupt_pending<E>(_: &mut E) -> Sym<bool> {
    let val = crate::interrupt::pending();
    let addr = Operand::Const(Kind::Int, crate::interrupt::flag_addr());
    let Some(word) = record(
        Opcode::RawLoad,
        Kind::Int,
        &[addr, Operand::Const(Kind::Int, 0)],
    ) else {
        return Sym::konst(val);
    };
    let zero = Operand::Const(Kind::Int, 0);
    Sym::traced(
        val,
        record(Opcode::IntNe, Kind::Int, &[Operand::Op(word), zero]),
    )
}
