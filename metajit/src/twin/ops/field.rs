//! Field reads and writes of `JitStruct`s.

use crate::ir::{Descr, FieldDescr, FieldFlags, Opcode};
use crate::twin::Recording;
use crate::twin::recorder::Recorder;
use crate::twin::types::{FieldType, FieldWrite, JitStruct, Ref, repr_of};
use crate::twin::{Executor, Sym};
use crate::value::{JitValue, Kind};
use std::any::TypeId;
use std::sync::Arc;

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
    V: crate::twin::IntoTwin<Sym<F::Read>>,
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
            t.abort(crate::twin::AbortReason::VirtualizableChanged);
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
