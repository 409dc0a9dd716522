//! Methods on red values in twin code, dispatched by the method name's hash.
//!
//! Generated code calls `call_method::<HASH, _, _, _, E>(e, receiver, args, site)`; the
//! receiver's type implements [`TwinMethod`] for that hash (and a marker type: [`Builtin`] for
//! the methods here, the method's own for an interpreter's `#[metajit::methods]`). The integer methods interpreters use most
//! (`wrapping_*`, `checked_*`, `min`, `max`, `abs`) are here; overflow-checked ones record the
//! overflow guard at the call's `before` site, so a failing guard redoes the call.

use super::sym::{Operand, int_binop, record};
use super::{CallSite, Executor, Stop, Sym};
use crate::ir::Opcode;
use crate::twin::Recording;
use crate::value::{JitValue, Kind};

/// The FNV-1a hash of a method name (the codewriter computes the same).
pub const fn method_hash(name: &str) -> u64 {
    let b = name.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < b.len() {
        h ^= b[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

/// A method callable on a red receiver in twin code.
#[diagnostic::on_unimplemented(
    message = "this method cannot be called on a `{Self}` in traced code",
    note = "traced code supports a few methods of red integers (wrapping_add/sub/mul, checked_add/sub/mul, min, max, wrapping_abs), `len` of arrays, the tests of nullable references and the methods of an impl block marked #[metajit::methods]; move other calls into a #[metajit::dont_look_inside] function"
)]
pub trait TwinMethod<const H: u64, A, M = Builtin> {
    /// The result.
    type Ret;
    /// Calls.
    fn call<E: Executor>(self, e: &mut E, args: A, site: CallSite<'_>) -> Result<Self::Ret, Stop>;
}

/// The marker of the methods metajit provides; a method of the interpreter's own
/// (`#[metajit::methods]`) is marked by its generated function's marker type, which keeps its
/// `TwinMethod` impl within the orphan rules.
pub struct Builtin;

/// Calls a method on a red receiver (generated code).
#[inline(always)]
pub fn call_method<const H: u64, R: TwinMethod<H, A, M>, A, M, E: Executor>(
    e: &mut E,
    recv: R,
    args: A,
    site: CallSite<'_>,
) -> Result<R::Ret, Stop> {
    recv.call(e, args, site)
}

macro_rules! int_methods {
    ($($t:ty),*) => {$(
        impl TwinMethod<{ method_hash("wrapping_add") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, _: &mut E, (b,): (Sym<$t>,), _: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                Ok(int_binop(self, b, Opcode::IntAdd, |x, y| x.wrapping_add(y)))
            }
        }
        impl TwinMethod<{ method_hash("wrapping_sub") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, _: &mut E, (b,): (Sym<$t>,), _: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                Ok(int_binop(self, b, Opcode::IntSub, |x, y| x.wrapping_sub(y)))
            }
        }
        impl TwinMethod<{ method_hash("wrapping_mul") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, _: &mut E, (b,): (Sym<$t>,), _: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                Ok(int_binop(self, b, Opcode::IntMul, |x, y| x.wrapping_mul(y)))
            }
        }
        impl TwinMethod<{ method_hash("min") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, e: &mut E, (b,): (Sym<$t>,), site: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                let lt = super::lt(self, b);
                Ok(if super::cond(e, lt, site.before, site.live_before) { self } else { b })
            }
        }
        impl TwinMethod<{ method_hash("max") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, e: &mut E, (b,): (Sym<$t>,), site: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                let gt = super::gt(self, b);
                Ok(if super::cond(e, gt, site.before, site.live_before) { self } else { b })
            }
        }
        impl TwinMethod<{ method_hash("checked_add") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Option<Sym<$t>>;
            fn call<E: Executor>(self, e: &mut E, (b,): (Sym<$t>,), site: CallSite<'_>) -> Result<Option<Sym<$t>>, Stop> {
                Ok(checked(e, self, b, Opcode::IntAddOvf, self.value().checked_add(b.value()), site))
            }
        }
        impl TwinMethod<{ method_hash("checked_sub") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Option<Sym<$t>>;
            fn call<E: Executor>(self, e: &mut E, (b,): (Sym<$t>,), site: CallSite<'_>) -> Result<Option<Sym<$t>>, Stop> {
                Ok(checked(e, self, b, Opcode::IntSubOvf, self.value().checked_sub(b.value()), site))
            }
        }
        impl TwinMethod<{ method_hash("checked_mul") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Option<Sym<$t>>;
            fn call<E: Executor>(self, e: &mut E, (b,): (Sym<$t>,), site: CallSite<'_>) -> Result<Option<Sym<$t>>, Stop> {
                Ok(checked(e, self, b, Opcode::IntMulOvf, self.value().checked_mul(b.value()), site))
            }
        }
    )*};
}
int_methods!(i64, isize, i32);

macro_rules! abs_methods {
    ($($t:ty),*) => {$(
        impl TwinMethod<{ method_hash("wrapping_abs") }, ()> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, e: &mut E, _: (), site: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                let neg = super::lt(self, 0 as $t);
                Ok(if super::cond(e, neg, site.before, site.live_before) { -self } else { self })
            }
        }
    )*};
}
abs_methods!(i64, isize, i32);

macro_rules! unsigned_methods {
    ($($t:ty),*) => {$(
        impl TwinMethod<{ method_hash("wrapping_add") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, _: &mut E, (b,): (Sym<$t>,), _: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                Ok(int_binop(self, b, Opcode::IntAdd, |x, y| x.wrapping_add(y)))
            }
        }
        impl TwinMethod<{ method_hash("wrapping_sub") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, _: &mut E, (b,): (Sym<$t>,), _: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                Ok(int_binop(self, b, Opcode::IntSub, |x, y| x.wrapping_sub(y)))
            }
        }
        impl TwinMethod<{ method_hash("wrapping_mul") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, _: &mut E, (b,): (Sym<$t>,), _: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                Ok(int_binop(self, b, Opcode::IntMul, |x, y| x.wrapping_mul(y)))
            }
        }
        impl TwinMethod<{ method_hash("min") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, e: &mut E, (b,): (Sym<$t>,), site: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                let lt = super::lt(self, b);
                Ok(if super::cond(e, lt, site.before, site.live_before) { self } else { b })
            }
        }
        impl TwinMethod<{ method_hash("max") }, (Sym<$t>,)> for Sym<$t> {
            type Ret = Sym<$t>;
            fn call<E: Executor>(self, e: &mut E, (b,): (Sym<$t>,), site: CallSite<'_>) -> Result<Sym<$t>, Stop> {
                let gt = super::gt(self, b);
                Ok(if super::cond(e, gt, site.before, site.live_before) { self } else { b })
            }
        }
    )*};
}
unsigned_methods!(u8, u16, u32, u64, usize);

/// An overflow-checked operation on 64-bit-wide integers: the result and a guard on the
/// overflow flag the trace saw.
fn checked<T: JitValue, E: Executor>(
    e: &mut E,
    a: Sym<T>,
    b: Sym<T>,
    opcode: Opcode,
    val: Option<T>,
    site: CallSite<'_>,
) -> Option<Sym<T>> {
    if a.is_const() && b.is_const() {
        return val.map(Sym::konst);
    }
    // Sub-word types overflow at their own width, which int_*_ovf (64-bit) does not see:
    // those compute wide and compare with the normalized result instead.
    if T::REPR.size < 8 {
        let wide = record(
            match opcode {
                Opcode::IntAddOvf => Opcode::IntAdd,
                Opcode::IntSubOvf => Opcode::IntSub,
                _ => Opcode::IntMul,
            },
            Kind::Int,
            &[Operand::of(a), Operand::of(b)],
        );
        let norm = super::sym::normalize(wide, T::REPR);
        if let (Some(w), Some(n)) = (wide, norm)
            && let Some(same) = record(Opcode::IntEq, Kind::Int, &[Operand::Op(w), Operand::Op(n)])
            && let Some(t) = e.tracer()
        {
            t.guard(
                if val.is_some() {
                    Opcode::GuardTrue
                } else {
                    Opcode::GuardFalse
                },
                &[same],
                site.before,
                site.live_before,
            );
        }
        return val.map(|v| Sym::traced(v, norm));
    }
    let r = record(opcode, Kind::Int, &[Operand::of(a), Operand::of(b)]);
    if r.is_some()
        && let Some(t) = e.tracer()
    {
        t.guard(
            if val.is_some() {
                Opcode::GuardNoOverflow
            } else {
                Opcode::GuardOverflow
            },
            &[],
            site.before,
            site.live_before,
        );
    }
    val.map(|v| Sym::traced(v, r))
}

impl<T: JitValue + 'static> TwinMethod<{ method_hash("len") }, ()>
    for Sym<crate::jitarray::ArrayRef<T>>
{
    type Ret = Sym<usize>;
    fn call<E: Executor>(self, e: &mut E, _: (), _: CallSite<'_>) -> Result<Sym<usize>, Stop> {
        Ok(super::array_len(e, self))
    }
}

// `unsafe { r.get_mut() }.field = v` and `unsafe { r.get() }.field`: in traced code the
// reference itself (the access is what is recorded).
impl<T> TwinMethod<{ method_hash("get_mut") }, ()> for Sym<crate::twin::Ref<T>> {
    type Ret = Sym<crate::twin::Ref<T>>;
    fn call<E: Executor>(self, _: &mut E, _: (), _: CallSite<'_>) -> Result<Self::Ret, Stop> {
        Ok(self)
    }
}

impl<T> TwinMethod<{ method_hash("get") }, ()> for Sym<crate::twin::Ref<T>> {
    type Ret = Sym<crate::twin::Ref<T>>;
    fn call<E: Executor>(self, _: &mut E, _: (), _: CallSite<'_>) -> Result<Self::Ret, Stop> {
        Ok(self)
    }
}

// Nullable references: testing or unwrapping one guards that it is null or not, as seen.
type NullableRef<T> = Sym<Option<crate::twin::Ref<T>>>;

impl<T> TwinMethod<{ method_hash("is_some") }, ()> for NullableRef<T> {
    type Ret = bool;
    fn call<E: Executor>(self, e: &mut E, _: (), site: CallSite<'_>) -> Result<bool, Stop> {
        Ok(super::ops::non_null(e, self, site.before, site.live_before).is_some())
    }
}

impl<T> TwinMethod<{ method_hash("is_none") }, ()> for NullableRef<T> {
    type Ret = bool;
    fn call<E: Executor>(self, e: &mut E, _: (), site: CallSite<'_>) -> Result<bool, Stop> {
        Ok(super::ops::non_null(e, self, site.before, site.live_before).is_none())
    }
}

impl<T> TwinMethod<{ method_hash("unwrap") }, ()> for NullableRef<T> {
    type Ret = Sym<crate::twin::Ref<T>>;
    fn call<E: Executor>(self, e: &mut E, _: (), site: CallSite<'_>) -> Result<Self::Ret, Stop> {
        let r = super::ops::non_null(e, self, site.before, site.live_before);
        Ok(r.expect("called `Option::unwrap()` on a `None` value"))
    }
}

impl<T> TwinMethod<{ method_hash("expect") }, (&str,)> for NullableRef<T> {
    type Ret = Sym<crate::twin::Ref<T>>;
    fn call<E: Executor>(
        self,
        e: &mut E,
        (msg,): (&str,),
        site: CallSite<'_>,
    ) -> Result<Self::Ret, Stop> {
        let r = super::ops::non_null(e, self, site.before, site.live_before);
        Ok(r.expect(msg))
    }
}
