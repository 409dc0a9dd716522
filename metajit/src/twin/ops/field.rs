//! Field reads and writes of `JitStruct`s.

use crate::ir::{Descr, FieldDescr, FieldFlags, Opcode};
use crate::twin::Recording;
use crate::twin::compound::{Compound, JitCompound, MAX_PARTS, Part};
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

pub(super) fn field_id<S: JitStruct, F: FieldType>(
    rec: &mut Recorder,
    offset: usize,
) -> crate::ir::DescrId {
    rec.field_descr(TypeId::of::<S>(), offset, || field_descr::<S, F>(offset))
}

/// The base of a field access in twin code: a reference to a `JitStruct` (the field is in
/// memory) or a [`Compound`] value (the field is one of its parts).
pub trait FieldBase<S> {
    /// Reads the field `proj` selects.
    fn get_field<E: Executor, F: TwinField>(
        self,
        e: &mut E,
        proj: fn(*const S) -> *const F,
    ) -> F::Out;
}

macro_rules! memory_bases {
    ($($b:ty),*) => {$(
        impl<S: JitStruct> FieldBase<S> for $b {
            #[inline(always)]
            fn get_field<E: Executor, F: TwinField>(
                self,
                e: &mut E,
                proj: fn(*const S) -> *const F,
            ) -> F::Out {
                F::load(e, self.red_ref(), proj)
            }
        }
    )*};
}
memory_bases!(Sym<Ref<S>>, Ref<S>, &S);

impl<S: JitCompound> FieldBase<S> for Compound<S> {
    #[inline(always)]
    fn get_field<E: Executor, F: TwinField>(
        self,
        _: &mut E,
        proj: fn(*const S) -> *const F,
    ) -> F::Out {
        let v = self.value();
        F::project(self, field_offset(&v as *const S as *mut S, proj))
    }
}

/// A field type as twin code reads it: a scalar or reference (a `Sym`), or a compound value
/// (a [`Compound`], one load per part).
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot be read in traced code",
    note = "traced code reads fields of JIT value types (integers, bool, f64, `Ref`, `JitArray`, `Cell`s of those) and of `#[derive(metajit::JitCompound)]` types"
)]
pub trait TwinField: Sized {
    /// What a read gives.
    type Out;
    /// Reads the field of the object `base` (`proj` is `|p| addr_of!((*p).field)`).
    fn load<E: Executor, S: JitStruct>(
        e: &mut E,
        base: Sym<Ref<S>>,
        proj: fn(*const S) -> *const Self,
    ) -> Self::Out;
    /// The part at `offset` of a compound value.
    fn project<C: JitCompound>(c: Compound<C>, offset: usize) -> Self::Out;
}

/// A [`TwinField`] traced code may also write.
pub trait TwinFieldWrite: TwinField {
    /// Writes `value` into the field of the object `base`.
    fn store<E: Executor, S: JitStruct>(
        e: &mut E,
        base: Sym<Ref<S>>,
        proj: fn(*const S) -> *const Self,
        value: Self::Out,
    );
}

impl<F: FieldType> TwinField for F {
    type Out = Sym<F::Read>;
    #[inline(always)]
    fn load<E: Executor, S: JitStruct>(
        e: &mut E,
        base: Sym<Ref<S>>,
        proj: fn(*const S) -> *const F,
    ) -> Sym<F::Read> {
        load_scalar::<E, S, F>(e, base, proj)
    }
    fn project<C: JitCompound>(c: Compound<C>, offset: usize) -> Sym<F::Read> {
        c.project::<F::Read>(offset)
    }
}

impl<F: FieldWrite> TwinFieldWrite for F {
    #[inline(always)]
    fn store<E: Executor, S: JitStruct>(
        e: &mut E,
        base: Sym<Ref<S>>,
        proj: fn(*const S) -> *const F,
        value: Sym<F::Read>,
    ) {
        store_scalar::<E, S, F>(e, base, proj, value)
    }
}

/// Reads `base.field` in twin code (`proj` is `|p| addr_of!((*p).field)`).
#[inline(always)]
pub fn getfield<E: Executor, B: FieldBase<S>, S, F: TwinField>(
    e: &mut E,
    base: B,
    proj: fn(*const S) -> *const F,
) -> F::Out {
    base.get_field(e, proj)
}

/// Writes `base.field = value` in twin code.
#[inline(always)]
pub fn setfield<
    E: Executor,
    B: RedBase<S>,
    S: JitStruct,
    F: TwinFieldWrite,
    V: crate::twin::IntoTwin<F::Out>,
>(
    e: &mut E,
    base: B,
    proj: fn(*const S) -> *const F,
    value: V,
) {
    F::store(e, base.red_ref(), proj, value.into_twin())
}

fn load_scalar<E: Executor, S: JitStruct, F: FieldType>(
    e: &mut E,
    base: Sym<Ref<S>>,
    proj: fn(*const S) -> *const F,
) -> Sym<F::Read> {
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
    let d = field_id::<S, F>(&mut t.rec(), offset);
    Sym::traced(val, load_recorded(t, base, offset, d))
}

/// Records the read of the word at `offset` of `base` (described by `d`): nothing for an
/// immutable or quasi-immutable field of a constant object (the result is `None`, a
/// constant), the cached value when the heap cache knows it, else a `getfield`.
fn load_recorded<R: Recording, S>(
    t: &mut R,
    base: Sym<Ref<S>>,
    offset: usize,
    d: crate::ir::DescrId,
) -> Option<crate::ir::OpRef> {
    let mut rec = t.rec();
    let obj = base.operand(&mut rec);
    let (flags, kind) = match rec.trace.descrs[d.0 as usize].as_field() {
        Some(f) => (f.flags, f.kind),
        None => (FieldFlags::default(), Kind::Int),
    };
    if base.is_const() && (flags.immutable || flags.quasi_immutable) {
        if flags.quasi_immutable {
            rec.record(Opcode::QuasiimmutField, Kind::Void, &[obj], Some(d));
            drop(rec);
            t.qi_read(base.value().addr() + offset);
        }
        return None;
    }
    if let Some(v) = rec.heap_get(obj, d) {
        return Some(v);
    }
    let op = rec.record(Opcode::GetField, kind, &[obj], Some(d));
    if let Some(v) = op {
        rec.heap_remember(obj, d, v);
    }
    op
}

/// The descriptor of part `part` of the compound field at `offset` of `S`.
fn part_descr<S: JitStruct>(offset: usize, part: &Part) -> Descr {
    let info = S::FIELDS.iter().find(|f| f.offset == offset);
    let field = match info {
        Some(i) => format!("{}.{}", S::NAME, i.name),
        None => format!("{}+{offset}", S::NAME),
    };
    Descr::Field(FieldDescr {
        name: Arc::from(format!("{field}.{}", part.name)),
        offset: (offset + part.offset) as u32,
        kind: part.kind,
        repr: part.repr,
        flags: FieldFlags {
            immutable: info.is_some_and(|i| i.immutable),
            quasi_immutable: info.is_some_and(|i| i.quasi_immutable),
        },
    })
}

/// Reads a compound field of an object in twin code: one load per part (what the
/// `TwinField` impl of a `#[derive(JitCompound)]` type calls).
pub fn load_compound<E: Executor, S: JitStruct, C: JitCompound>(
    e: &mut E,
    base: Sym<Ref<S>>,
    proj: fn(*const S) -> *const C,
) -> Compound<C> {
    let ptr = base.value().as_ptr();
    // SAFETY: the base is a live object and the field a `C`.
    let val: C = unsafe { std::ptr::read(proj(ptr)) };
    let Some(t) = e.tracer() else {
        return Compound::konst(val);
    };
    let offset = field_offset(ptr, proj);
    let mut ops = [None; MAX_PARTS];
    for (i, p) in C::PARTS.iter().enumerate() {
        let at = offset + p.offset;
        let d = t
            .rec()
            .field_descr(TypeId::of::<S>(), at, || part_descr::<S>(offset, p));
        ops[i] = load_recorded(t, base, at, d);
    }
    Compound::traced(val, ops)
}

/// Writes a compound field of an object in twin code: one store per part.
pub fn store_compound<E: Executor, S: JitStruct, C: JitCompound>(
    e: &mut E,
    base: Sym<Ref<S>>,
    proj: fn(*const S) -> *const C,
    value: Compound<C>,
) {
    let ptr = base.value().as_ptr();
    // SAFETY: the base is a live object and the field a `C` (a `Copy` type: nothing drops).
    unsafe { std::ptr::write(proj(ptr) as *mut C, value.value()) };
    let Some(t) = e.tracer() else { return };
    let offset = field_offset(ptr, proj);
    let mut rec = t.rec();
    let obj = base.operand(&mut rec);
    for (i, p) in C::PARTS.iter().enumerate() {
        let at = offset + p.offset;
        let d = rec.field_descr(TypeId::of::<S>(), at, || part_descr::<S>(offset, p));
        let v = value.part_operand(i, &mut rec);
        rec.record(Opcode::SetField, Kind::Void, &[obj, v], Some(d));
        rec.heap_write(obj, d, v);
    }
}

fn store_scalar<E: Executor, S: JitStruct, F: FieldWrite>(
    e: &mut E,
    base: Sym<Ref<S>>,
    proj: fn(*const S) -> *const F,
    value: Sym<F::Read>,
) {
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
