//! Comparisons of plain values and `Sym`s: `lt`, `le`, `gt`, `ge`, `eq`, `ne`.

use crate::ir::Opcode;
use crate::twin::Sym;
use crate::twin::sym::compare;
use crate::twin::types::Ref;
use crate::value::{JitValue, Kind};

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
