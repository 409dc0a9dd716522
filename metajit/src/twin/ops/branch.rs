//! Conditions, promotion and `match` scrutinees: where traced code branches, a guard.

use crate::ir::Opcode;
use crate::twin::Recording;
use crate::twin::types::Ref;
use crate::twin::{Executor, Live, Site, Sym};
use crate::value::JitValue;

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

/// The scrutinee of a `match` on a red value: scalars are promoted; a nullable reference is
/// tested for null (`guard_nonnull`/`guard_isnull`); `Option`s and `Result`s, whose variant is
/// already decided while tracing, pass through.
pub trait TwinScrutinee {
    /// What the match sees.
    type Plain;
    /// Converts.
    fn scrutinee<E: Executor>(self, e: &mut E, site: Site, live: Live<'_>) -> Self::Plain;
}

/// A JIT value a `match` can look at in traced code, and what the match sees of it.
pub trait ScrutineeValue: JitValue {
    /// What the match sees.
    type Plain;
    /// Converts, recording the guard that makes the arm taken while tracing the only one.
    fn scrutinee<E: Executor>(s: Sym<Self>, e: &mut E, site: Site, live: Live<'_>) -> Self::Plain;
}

impl<T: ScrutineeValue> TwinScrutinee for Sym<T> {
    type Plain = T::Plain;
    #[inline(always)]
    fn scrutinee<E: Executor>(self, e: &mut E, site: Site, live: Live<'_>) -> T::Plain {
        T::scrutinee(self, e, site, live)
    }
}

macro_rules! promoted_scrutinee {
    ($($t:ty),*) => {$(
        impl ScrutineeValue for $t {
            type Plain = $t;
            #[inline(always)]
            fn scrutinee<E: Executor>(s: Sym<$t>, e: &mut E, site: Site, live: Live<'_>) -> $t {
                s.promote(e, site, live)
            }
        }
        impl TwinScrutinee for $t {
            type Plain = $t;
            #[inline(always)]
            fn scrutinee<E: Executor>(self, _: &mut E, _: Site, _: Live<'_>) -> $t { self }
        }
    )*};
}
promoted_scrutinee!(
    i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, f64, char
);

impl<T> ScrutineeValue for Option<Ref<T>> {
    type Plain = Option<Sym<Ref<T>>>;
    #[inline(always)]
    fn scrutinee<E: Executor>(
        s: Sym<Option<Ref<T>>>,
        e: &mut E,
        site: Site,
        live: Live<'_>,
    ) -> Option<Sym<Ref<T>>> {
        non_null(e, s, site, live)
    }
}

/// The reference in a nullable one, guarding (when traced) that it is null or not as seen.
#[inline(always)]
pub fn non_null<E: Executor, T>(
    e: &mut E,
    s: Sym<Option<Ref<T>>>,
    site: Site,
    live: Live<'_>,
) -> Option<Sym<Ref<T>>> {
    let v = s.value();
    if let Some(op) = s.op()
        && let Some(t) = e.tracer()
    {
        let g = match v {
            Some(_) => Opcode::GuardNonnull,
            None => Opcode::GuardIsnull,
        };
        t.guard(g, &[op], site, live);
    }
    v.map(|r| s.with_value(r))
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
