//! Array reads, writes and lengths, with bounds checks.

use super::*;
use crate::ir::OpRef;
use crate::ir::{Descr, Opcode};
use crate::jitarray::{ArrayItem, ArrayRef, part_descr};
use crate::twin::Recording;
use crate::twin::compound::{Compound, JitCompound, MAX_PARTS, part_bits};
use crate::twin::recorder::Recorder;
use crate::twin::{Executor, Live, Site, Sym};
use crate::value::{JitValue, Kind};
use std::any::TypeId;

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

impl<T: ArrayItem> RedArray<T> for Sym<ArrayRef<T>> {
    fn red_array(self) -> Sym<ArrayRef<T>> {
        self
    }
}
impl<T: ArrayItem> RedArray<T> for ArrayRef<T> {
    fn red_array(self) -> Sym<ArrayRef<T>> {
        Sym::konst(self)
    }
}
impl<T: ArrayItem> RedArray<T> for &crate::jitarray::JitArray<T> {
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

pub(super) fn array_id<T: ArrayItem>(rec: &mut Recorder, part: usize) -> crate::ir::DescrId {
    rec.array_descr(TypeId::of::<T>(), part, || {
        Descr::Array(part_descr::<T>(part))
    })
}

/// An array item as twin code holds it: a `Sym` for a JIT value, a [`Compound`] for a
/// compound value.
pub trait TwinItem: ArrayItem {
    /// The twin form of an item.
    type Out: Copy;
    /// The item made of `val` whose part `i` is held by `ops[i]`.
    fn from_parts(val: Self, ops: [Option<OpRef>; MAX_PARTS]) -> Self::Out;
    /// The concrete item.
    fn item_value(out: Self::Out) -> Self;
    /// The trace value of part `i`, if not constant.
    fn item_part(out: Self::Out, i: usize) -> Option<OpRef>;
}

impl<T: JitValue + 'static> TwinItem for T {
    type Out = Sym<T>;
    fn from_parts(val: T, ops: [Option<OpRef>; MAX_PARTS]) -> Sym<T> {
        Sym::traced(val, ops[0])
    }
    fn item_value(out: Sym<T>) -> T {
        out.value()
    }
    fn item_part(out: Sym<T>, _: usize) -> Option<OpRef> {
        out.op()
    }
}

/// [`TwinItem::from_parts`] for compounds (what `#[derive(JitCompound)]` generates calls).
pub fn compound_from_parts<T: JitCompound>(val: T, ops: [Option<OpRef>; MAX_PARTS]) -> Compound<T> {
    Compound::traced(val, ops)
}

/// [`TwinItem::item_part`] for compounds.
pub fn compound_part<T: JitCompound>(c: Compound<T>, i: usize) -> Option<OpRef> {
    c.part_op(i)
}

pub(super) fn part_operand<T: TwinItem>(out: T::Out, i: usize, rec: &mut Recorder) -> OpRef {
    match T::item_part(out, i) {
        Some(r) => r,
        None => {
            let p = &T::PARTS[i];
            rec.const_of(p.kind, part_bits(&T::item_value(out), p))
        }
    }
}

fn bounds_check<E: Executor, T: ArrayItem>(
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
    let d = array_id::<T>(&mut rec, 0);
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

/// Reads `arr[i]` in twin code (a bounds-check guard, then one load per part).
pub fn index<E: Executor, A: RedArray<T>, T: TwinItem, I: RedIndex>(
    e: &mut E,
    arr: A,
    i: I,
    site: Site,
    live: Live<'_>,
) -> T::Out {
    let (a, i) = (arr.red_array(), i.red_index());
    let mut ops: [Option<OpRef>; MAX_PARTS] = [None; MAX_PARTS];
    if let Some(loc) = vable_item(e, a, i, site, live) {
        let val = a.value().get(i.value());
        if let Some(t) = e.tracer() {
            for (p, op) in ops.iter_mut().enumerate().take(T::PARTS.len()) {
                *op = t.vable_get(loc + p);
            }
        }
        return T::from_parts(val, ops);
    }
    bounds_check(e, a, i, site, live);
    let val = a.value().get(i.value());
    let Some(t) = e.tracer() else {
        return T::from_parts(val, ops);
    };
    let mut rec = t.rec();
    let (arr, idx) = (a.operand(&mut rec), i.operand(&mut rec));
    for (p, part) in T::PARTS.iter().enumerate() {
        let d = array_id::<T>(&mut rec, p);
        ops[p] = rec.record(Opcode::GetArrayItem, part.kind, &[arr, idx], Some(d));
    }
    T::from_parts(val, ops)
}

/// The virtualizable location of `a[i]` (of its first part; the others follow) when `a` is
/// an array of the tracked virtualizable: the index is promoted (made a constant of the
/// trace) and the bounds checked natively.
fn vable_item<E: Executor, T: ArrayItem>(
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
    T: TwinItem,
    I: RedIndex,
    V: crate::twin::IntoTwin<T::Out>,
>(
    e: &mut E,
    arr: A,
    i: I,
    v: V,
    site: Site,
    live: Live<'_>,
) {
    let (a, i) = (arr.red_array(), i.red_index());
    let v: T::Out = v.into_twin();
    if let Some(loc) = vable_item(e, a, i, site, live) {
        a.value().set(i.value(), T::item_value(v));
        if let Some(t) = e.tracer() {
            for p in 0..T::PARTS.len() {
                let op = part_operand::<T>(v, p, &mut t.rec());
                t.vable_set(loc + p, op);
            }
        }
        return;
    }
    bounds_check(e, a, i, site, live);
    a.value().set(i.value(), T::item_value(v));
    let Some(t) = e.tracer() else { return };
    let mut rec = t.rec();
    let (arr, idx) = (a.operand(&mut rec), i.operand(&mut rec));
    for p in 0..T::PARTS.len() {
        let d = array_id::<T>(&mut rec, p);
        let val = part_operand::<T>(v, p, &mut rec);
        rec.record(Opcode::SetArrayItem, Kind::Void, &[arr, idx, val], Some(d));
    }
}

/// `arr.len()` in twin code.
pub fn array_len<E: Executor, A: RedArray<T>, T: ArrayItem>(e: &mut E, arr: A) -> Sym<usize> {
    let a = arr.red_array();
    let len = a.value().len();
    if a.is_const() {
        return Sym::konst(len);
    }
    let Some(t) = e.tracer() else {
        return Sym::konst(len);
    };
    let mut rec = t.rec();
    let d = array_id::<T>(&mut rec, 0);
    let arr = a.operand(&mut rec);
    Sym::traced(len, rec.array_len(arr, d))
}
