//! Class tests in traced code: `metajit::has_class`, `metajit::downcast` and
//! `metajit::record_exact_class` (see `twin::class`).

use crate::ir::Opcode;
use crate::twin::class::{ClassFirst, JitClass, class_of, type_id_of};
use crate::twin::sym::{Operand, record};
use crate::twin::types::Ref;
use crate::twin::{Executor, IntoTwin, Live, Recording, Site, Sym};
use crate::value::Kind;

/// Whether `r`'s object is exactly a `U`, guarding (when traced) that its class is the one
/// seen: `guard_class` when it is a `U` (the optimizer then knows the class), a test of the
/// class word otherwise.
pub fn has_class<U: JitClass, E: Executor, T: ClassFirst>(
    e: &mut E,
    r: impl IntoTwin<Sym<Ref<T>>>,
    site: Site,
    live: Live<'_>,
) -> bool {
    let r: Sym<Ref<T>> = r.into_twin();
    let want = type_id_of::<U>();
    let is = class_of(r.value()).id() == want;
    if let Some(op) = r.op()
        && let Some(t) = e.tracer()
    {
        let c = t.rec().const_of(Kind::Int, want);
        if is {
            t.guard(Opcode::GuardClass, &[op, c], site, live);
        } else if let Some(cls) = record(Opcode::GetClass, Kind::Int, &[Operand::Op(op)])
            && let Some(same) = record(
                Opcode::IntEq,
                Kind::Int,
                &[Operand::Op(cls), Operand::Op(c)],
            )
        {
            t.guard(Opcode::GuardFalse, &[same], site, live);
        }
    }
    is
}

/// `r` as a reference to a `U` when its object is exactly a `U` (guarded as by [`has_class`]).
pub fn downcast<U: JitClass, E: Executor, T: ClassFirst>(
    e: &mut E,
    r: impl IntoTwin<Sym<Ref<T>>>,
    site: Site,
    live: Live<'_>,
) -> Option<Sym<Ref<U>>> {
    let r: Sym<Ref<T>> = r.into_twin();
    has_class::<U, E, T>(e, r, site, live)
        .then(|| r.with_value(Ref::from_ptr(r.value().as_ptr().cast::<U>())))
}

/// Tells the optimizer that `r`'s object is a `U` (no guard: the interpreter knows it).
pub fn record_exact_class<U: JitClass, E: Executor, T: ClassFirst>(
    e: &mut E,
    r: impl IntoTwin<Sym<Ref<T>>>,
    _site: Site,
    _live: Live<'_>,
) {
    let r: Sym<Ref<T>> = r.into_twin();
    debug_assert!(
        class_of(r.value()).id() == type_id_of::<U>(),
        "record_exact_class of an object of another class"
    );
    if let Some(op) = r.op()
        && e.tracer().is_some()
    {
        let want = type_id_of::<U>();
        record(
            Opcode::RecordExactClass,
            Kind::Void,
            &[Operand::Op(op), Operand::Const(Kind::Int, want)],
        );
    }
}
