//! Allocation in traced code: objects made by `metajit::new!` and the arrays of their fields.
//!
//! Twin code allocates for real (tracing and blackholing run on real objects) and records
//! `new` (the struct's size descriptor, naming the language's allocation function) or
//! `new_array`, then one `setfield`/`setarrayitem` per value written. The optimizer removes
//! the allocation when the object does not escape the trace (`opt::virtualize`).

use super::array::{TwinItem, array_id, part_operand};
use crate::ir::{Descr, EffectInfo, Opcode, SizeDescr};
use crate::jitarray::{ArrayItem, ArrayRef, JitArray};
use crate::twin::Recording;
use crate::twin::compound::{Compound, JitCompound, part_bits};
use crate::twin::types::{FieldType, FieldWrite, JitStruct, Ref};
use crate::twin::{Executor, IntoTwin, Sym};
use crate::value::{JitValue, Kind};

use std::any::TypeId;
use std::sync::Arc;

/// A `JitStruct` that traced code may allocate with [`metajit::new!`](crate::new): the
/// language says how an object of the type comes to exist.
///
/// # Safety
/// `blank` returns a live object of type `Self`, allocated the way the language frees its
/// objects (compiled code and resume data call it whenever a removed allocation must exist
/// after all). Every field outside the ones `new!` sets must hold its final value (headers,
/// links into the collector's list); the fields `new!` sets are overwritten without being
/// dropped, so they must own nothing (zero, null, [`JitArray::empty`]).
pub unsafe trait JitNew: JitStruct + Sized {
    /// The fields (by descriptor name, `"Struct.field"`) `blank` may write besides the new
    /// object's, if any: what traces must reload after an allocation. `None` (the default):
    /// it may write anything.
    const BLANK_WRITES: Option<&'static [&'static str]> = None;

    /// A new object whose fields `new!` is about to set.
    fn blank() -> Ref<Self>;
}

/// What `T::blank` may write.
fn blank_effect<T: JitNew>() -> EffectInfo {
    match T::BLANK_WRITES {
        Some(names) => EffectInfo::WritesFields(names.iter().map(|&n| Arc::from(n)).collect()),
        None => EffectInfo::Any,
    }
}

/// The allocation function compiled code calls for `T` (the descriptor's `alloc`).
extern "C" fn alloc_shim<T: JitNew>() -> i64 {
    T::blank().to_bits()
}

/// The size descriptor of `T`'s allocations.
pub fn size_descr<T: JitNew>() -> SizeDescr {
    SizeDescr {
        name: Arc::from(T::NAME),
        size: std::mem::size_of::<T>() as u32,
        align: std::mem::align_of::<T>() as u32,
        type_id: crate::twin::class::type_id_of::<T>(),
        alloc: alloc_shim::<T> as *const () as usize,
        alloc_effect: blank_effect::<T>(),
    }
}

/// `new!`'s allocation in twin code: the blank object, recorded as `new`.
pub fn new_object<E: Executor, T: JitNew>(e: &mut E) -> Sym<Ref<T>> {
    let obj = T::blank();
    let Some(t) = e.tracer() else {
        return Sym::konst(obj);
    };
    let mut rec = t.rec();
    rec.heap_clobber_by(&blank_effect::<T>());
    let d = rec.size_descr(TypeId::of::<T>(), || Descr::Size(size_descr::<T>()));
    // A struct with a class is made with its type id, which the optimizer then knows.
    let opcode = match T::CLASS {
        Some(_) => Opcode::NewWithVtable,
        None => Opcode::New,
    };
    Sym::traced(obj, rec.record(opcode, Kind::Ref, &[], Some(d)))
}

/// A field type `new!` can set: what it may write over the blank object's field.
#[diagnostic::on_unimplemented(
    message = "`metajit::new!` cannot set a field of type `{Self}` in traced code",
    note = "new! sets fields of JIT value types, `#[derive(metajit::JitCompound)]` types and `JitArray`s made by `JitArray::new` inside the new!"
)]
pub trait TwinFieldInit {
    /// The twin value the field is set from.
    type In: Copy;
    /// Writes `value` over the field of the new object `obj` (without dropping the old value).
    fn init<E: Executor, S: JitStruct>(
        e: &mut E,
        obj: Sym<Ref<S>>,
        proj: fn(*const S) -> *const Self,
        value: Self::In,
    );
}

fn offset_in<S, F>(obj: *mut S, proj: fn(*const S) -> *const F) -> usize {
    (proj(obj) as usize).wrapping_sub(obj as usize)
}

/// Writes one word of a new object and records it (the new object aliases nothing).
fn init_word<E: Executor, S: JitStruct, F: FieldType>(
    e: &mut E,
    obj: Sym<Ref<S>>,
    offset: usize,
    value: Sym<F::Read>,
) {
    // SAFETY: `obj` is the live object `new!` just allocated and `offset` one of its fields,
    // of type `F`, which has `F::Read`'s layout (the `FieldType` contract); the old value owns
    // nothing (the `JitNew` contract), so it is overwritten without a drop.
    unsafe { std::ptr::write((obj.value().addr() + offset) as *mut F::Read, value.value()) };
    let Some(t) = e.tracer() else { return };
    let mut rec = t.rec();
    let d = super::field::field_id::<S, F>(&mut rec, offset);
    let (o, v) = (obj.operand(&mut rec), value.operand(&mut rec));
    rec.record(Opcode::SetField, Kind::Void, &[o, v], Some(d));
    rec.heap_init(o, d, v);
}

impl<F: FieldWrite> TwinFieldInit for F {
    type In = Sym<F::Read>;
    fn init<E: Executor, S: JitStruct>(
        e: &mut E,
        obj: Sym<Ref<S>>,
        proj: fn(*const S) -> *const F,
        value: Sym<F::Read>,
    ) {
        let offset = offset_in(obj.value().as_ptr(), proj);
        init_word::<E, S, F>(e, obj, offset, value);
    }
}

impl<T: ArrayItem> TwinFieldInit for JitArray<T> {
    type In = Sym<ArrayRef<T>>;
    fn init<E: Executor, S: JitStruct>(
        e: &mut E,
        obj: Sym<Ref<S>>,
        proj: fn(*const S) -> *const JitArray<T>,
        value: Sym<ArrayRef<T>>,
    ) {
        let offset = offset_in(obj.value().as_ptr(), proj);
        init_word::<E, S, JitArray<T>>(e, obj, offset, value);
    }
}

/// [`TwinFieldInit::init`] for a compound field (what `#[derive(JitCompound)]` generates calls).
pub fn init_compound<E: Executor, S: JitStruct, C: JitCompound>(
    e: &mut E,
    obj: Sym<Ref<S>>,
    proj: fn(*const S) -> *const C,
    value: Compound<C>,
) {
    super::field::store_compound(e, obj, proj, value)
}

/// Sets a field of the object `new!` just allocated, in twin code.
#[inline(always)]
pub fn init_field<E: Executor, S: JitStruct, F: TwinFieldInit, V: IntoTwin<F::In>>(
    e: &mut E,
    obj: Sym<Ref<S>>,
    proj: fn(*const S) -> *const F,
    value: V,
) {
    F::init(e, obj, proj, value.into_twin())
}

/// `JitArray::new(len, fill)` inside `new!`, in twin code: the array, recorded as
/// `new_array` and, when `fill` is not all zero bits, one store per item (which needs a
/// constant length).
pub fn new_array<E: Executor, T: TwinItem, N: super::array::RedIndex, V: IntoTwin<T::Out>>(
    e: &mut E,
    len: N,
    fill: V,
) -> Sym<ArrayRef<T>> {
    let (n, fill) = (len.red_index(), fill.into_twin());
    let array = JitArray::new(n.value(), T::item_value(fill));
    let r = array.as_ref();
    // The `new!` that called this stores the array into its object, which owns it from then on.
    std::mem::forget(array);
    let Some(t) = e.tracer() else {
        return Sym::konst(r);
    };
    let zero = T::PARTS
        .iter()
        .enumerate()
        .all(|(i, p)| T::item_part(fill, i).is_none() && part_bits(&T::item_value(fill), p) == 0);
    assert!(
        zero || n.is_const(),
        "metajit::new!: JitArray::new with a fill that is not all zero bits needs a constant length in traced code"
    );
    let mut rec = t.rec();
    let d = array_id::<T>(&mut rec, 0);
    let len_op = n.operand(&mut rec);
    let Some(arr) = rec.record(Opcode::NewArray, Kind::Ref, &[len_op], Some(d)) else {
        return Sym::konst(r);
    };
    rec.array_known_len(arr, len_op);
    if !zero {
        for i in 0..n.value() {
            let idx = rec.const_of(Kind::Int, i as i64);
            for p in 0..T::PARTS.len() {
                let pd = array_id::<T>(&mut rec, p);
                let v = part_operand::<T>(fill, p, &mut rec);
                rec.record(Opcode::SetArrayItem, Kind::Void, &[arr, idx, v], Some(pd));
            }
        }
    }
    Sym::traced(r, Some(arr))
}
