//! Array reads, writes and lengths, with bounds checks.

use super::*;
use crate::ir::{Descr, Opcode};
use crate::jitarray::{ArrayRef, array_descr};
use crate::twin::Recording;
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

impl<T: JitValue> RedArray<T> for Sym<ArrayRef<T>> {
    fn red_array(self) -> Sym<ArrayRef<T>> {
        self
    }
}
impl<T: JitValue> RedArray<T> for ArrayRef<T> {
    fn red_array(self) -> Sym<ArrayRef<T>> {
        Sym::konst(self)
    }
}
impl<T: JitValue> RedArray<T> for &crate::jitarray::JitArray<T> {
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

fn array_id<T: JitValue + 'static>(rec: &mut Recorder) -> crate::ir::DescrId {
    rec.array_descr(TypeId::of::<T>(), || Descr::Array(array_descr::<T>()))
}

fn bounds_check<E: Executor, T: JitValue + 'static>(
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
    let d = array_id::<T>(&mut rec);
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

/// Reads `arr[i]` in twin code (a bounds-check guard, then the load).
pub fn index<E: Executor, A: RedArray<T>, T: JitValue + 'static, I: RedIndex>(
    e: &mut E,
    arr: A,
    i: I,
    site: Site,
    live: Live<'_>,
) -> Sym<T> {
    let (a, i) = (arr.red_array(), i.red_index());
    if let Some(loc) = vable_item(e, a, i, site, live) {
        let val = a.value().get(i.value());
        let op = e.tracer().and_then(|t| t.vable_get(loc));
        return Sym::traced(val, op);
    }
    bounds_check(e, a, i, site, live);
    let val = a.value().get(i.value());
    let Some(t) = e.tracer() else {
        return Sym::konst(val);
    };
    let mut rec = t.rec();
    let d = array_id::<T>(&mut rec);
    let (arr, idx) = (a.operand(&mut rec), i.operand(&mut rec));
    Sym::traced(
        val,
        rec.record(Opcode::GetArrayItem, T::KIND, &[arr, idx], Some(d)),
    )
}

/// The virtualizable location of `a[i]` when `a` is an array of the tracked virtualizable:
/// the index is promoted (made a constant of the trace) and the bounds checked natively.
fn vable_item<E: Executor, T: JitValue + 'static>(
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
    T: JitValue + 'static,
    I: RedIndex,
    V: crate::twin::IntoTwin<Sym<T>>,
>(
    e: &mut E,
    arr: A,
    i: I,
    v: V,
    site: Site,
    live: Live<'_>,
) {
    let (a, i) = (arr.red_array(), i.red_index());
    let v: Sym<T> = v.into_twin();
    if let Some(loc) = vable_item(e, a, i, site, live) {
        a.value().set(i.value(), v.value());
        if let Some(t) = e.tracer() {
            let op = v.operand(&mut t.rec());
            t.vable_set(loc, op);
        }
        return;
    }
    bounds_check(e, a, i, site, live);
    a.value().set(i.value(), v.value());
    let Some(t) = e.tracer() else { return };
    let mut rec = t.rec();
    let d = array_id::<T>(&mut rec);
    let (arr, idx, val) = (
        a.operand(&mut rec),
        i.operand(&mut rec),
        v.operand(&mut rec),
    );
    rec.record(Opcode::SetArrayItem, Kind::Void, &[arr, idx, val], Some(d));
}

/// `arr.len()` in twin code.
pub fn array_len<E: Executor, A: RedArray<T>, T: JitValue + 'static>(
    e: &mut E,
    arr: A,
) -> Sym<usize> {
    let a = arr.red_array();
    let len = a.value().len();
    if a.is_const() {
        return Sym::konst(len);
    }
    let Some(t) = e.tracer() else {
        return Sym::konst(len);
    };
    let mut rec = t.rec();
    let d = array_id::<T>(&mut rec);
    let arr = a.operand(&mut rec);
    Sym::traced(len, rec.array_len(arr, d))
}
