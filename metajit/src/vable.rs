//! Virtualizables: the interpreter's frame kept in registers while compiled code runs.
//!
//! A portal may declare one red, a reference to a `JitStruct`, as *virtualizable*: its fields
//! marked `#[jit(virtualizable)]` and the items of its `#[jit(virtualizable_array)]` arrays
//! become *locations* that traces carry as values instead of reading and writing memory.
//! - A loop trace takes the locations as extra inputs (after the reds) and passes them back in
//!   its `jump`; the driver reads them from the frame before entering compiled code.
//! - Inside a trace, field and item accesses on the frame are replaced by the location's
//!   current value ([`VState`]); no operation is recorded.
//! - Every guard's snapshot carries every location as a delayed store, so a failing guard
//!   writes the frame back before the blackhole runs; a bridge starts from those values.
//! - A residual call that receives the frame (or one of its arrays) first writes all locations
//!   back (recorded stores) and reloads them afterwards: functions behind
//!   `#[dont_look_inside]` see an up-to-date frame. A residual function that reaches the frame
//!   some other way (not as an argument) sees stale values: the contract, as in RPython.
//! - The layout of the locations (array lengths included) is fixed per trace: the driver only
//!   enters a loop whose layout matches the frame.
//!
//! Array pointer fields are locations too (their value never changes inside a trace), which
//! makes every snapshot name the frame as the target of a delayed store: that is how a bridge
//! finds the frame.

use crate::backend::mem;
use crate::ir::{
    ArrayDescr, Descr, FieldDescr, FieldFlags, OpRef, Opcode, PendingStore, SnapValue,
};
use crate::jitarray::ITEMS_OFFSET;
use crate::twin::VirtualizableField;
use crate::twin::recorder::Recorder;
use crate::value::{IntRepr, Kind};
use std::sync::Arc;

/// One virtualized location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VLoc {
    /// Index into the portal's virtualizable fields.
    pub field: usize,
    /// For array items: the item index.
    pub item: Option<usize>,
    /// For array items: which part of the item (0 for a one-part item).
    pub part: usize,
    /// Kind of the value.
    pub kind: Kind,
    /// Representation in memory.
    pub repr: IntRepr,
}

/// The locations of one frame, in input order.
#[derive(Clone, Debug)]
pub(crate) struct VLayout {
    pub fields: &'static [VirtualizableField],
    pub locs: Vec<VLoc>,
    /// The length of each array field (0 for scalars).
    lens: Vec<usize>,
}

impl PartialEq for VLayout {
    fn eq(&self, o: &VLayout) -> bool {
        std::ptr::eq(self.fields, o.fields) && self.locs == o.locs
    }
}

use crate::twin::PTR_REPR;

impl VLayout {
    /// The layout of the frame at `frame` (array lengths read from memory).
    pub(crate) fn of(fields: &'static [VirtualizableField], frame: usize) -> VLayout {
        let mut locs = Vec::new();
        let mut lens = Vec::with_capacity(fields.len());
        for (fi, f) in fields.iter().enumerate() {
            match f.array_item_size {
                None => {
                    lens.push(0);
                    locs.push(VLoc {
                        field: fi,
                        item: None,
                        part: 0,
                        kind: f.kind,
                        repr: f.repr,
                    })
                }
                Some(_) => {
                    locs.push(VLoc {
                        field: fi,
                        item: None,
                        part: 0,
                        kind: Kind::Ref,
                        repr: PTR_REPR,
                    });
                    let arr = Self::array_ptr(f, frame);
                    // SAFETY: the field holds a live JitArray, whose block starts with its length.
                    let len = unsafe { std::ptr::read(arr as *const usize) };
                    lens.push(len);
                    for i in 0..len {
                        for (pi, p) in f.array_parts.iter().enumerate() {
                            locs.push(VLoc {
                                field: fi,
                                item: Some(i),
                                part: pi,
                                kind: p.kind,
                                repr: p.repr,
                            });
                        }
                    }
                }
            }
        }
        VLayout { fields, locs, lens }
    }

    fn array_ptr(f: &VirtualizableField, frame: usize) -> usize {
        // SAFETY: `frame` is the live virtualizable object; the field is a JitArray pointer.
        unsafe { std::ptr::read((frame + f.offset) as *const usize) }
    }

    fn addr(&self, l: &VLoc, frame: usize) -> usize {
        let f = &self.fields[l.field];
        match (l.item, f.array_item_size) {
            (Some(i), Some(size)) => {
                Self::array_ptr(f, frame) + ITEMS_OFFSET + i * size + f.array_parts[l.part].offset
            }
            _ => frame + f.offset,
        }
    }

    /// Appends every location's value, read from the frame, to `out`.
    pub(crate) fn read_into(&self, frame: usize, out: &mut Vec<i64>) {
        // SAFETY: the addresses are fields and in-bounds items of the live frame.
        out.extend(
            self.locs
                .iter()
                .map(|l| unsafe { mem::load(self.addr(l, frame), l.kind, l.repr) }),
        );
    }

    /// Whether the frame at `frame` has this layout (its arrays have the lengths this layout
    /// was made for), without building its layout.
    pub(crate) fn matches(&self, frame: usize) -> bool {
        self.fields
            .iter()
            .zip(&self.lens)
            .all(|(f, &len)| match f.array_item_size {
                None => true,
                Some(_) => {
                    // SAFETY: the field holds a live JitArray, whose block starts with its
                    // length.
                    let actual =
                        unsafe { std::ptr::read(Self::array_ptr(f, frame) as *const usize) };
                    actual == len
                }
            })
    }

    /// Writes values back into the frame (array pointers are left alone: they never change).
    pub(crate) fn write(&self, frame: usize, values: &[i64]) {
        for (l, &v) in self.locs.iter().zip(values) {
            if l.item.is_none() && self.fields[l.field].array_item_size.is_some() {
                continue;
            }
            // SAFETY: as for `read`.
            unsafe { mem::store(self.addr(l, frame), l.kind, l.repr, v) };
        }
    }

    /// The descriptor of a scalar or array-pointer location's field.
    pub(crate) fn field_descr(&self, field: usize) -> Descr {
        let f = &self.fields[field];
        let (kind, repr) = if f.array_item_size.is_some() {
            (Kind::Ref, PTR_REPR)
        } else {
            (f.kind, f.repr)
        };
        Descr::Field(FieldDescr {
            name: Arc::from(format!("{}.{}", f.owner, f.name)),
            offset: f.offset as u32,
            kind,
            repr,
            flags: FieldFlags::default(),
        })
    }

    /// The array descriptor of part `part` of an array field's items.
    pub(crate) fn array_descr(&self, field: usize, part: usize) -> Option<ArrayDescr> {
        self.fields[field].array_descr.map(|d| d(part))
    }

    /// Index of the location of `field` (item `item`, its part 0).
    pub(crate) fn loc_of(&self, field: usize, item: Option<usize>) -> Option<usize> {
        self.loc_of_part(field, item, 0)
    }

    /// Index of the location of part `part` of item `item` of `field`.
    pub(crate) fn loc_of_part(
        &self,
        field: usize,
        item: Option<usize>,
        part: usize,
    ) -> Option<usize> {
        self.locs
            .iter()
            .position(|l| l.field == field && l.item == item && l.part == part)
    }
}

/// The tracer's view of the virtualizable during one trace.
pub(crate) struct VState {
    pub layout: VLayout,
    pub frame: usize,
    pub frame_op: OpRef,
    /// The current trace value of each location.
    pub values: Vec<OpRef>,
}

impl VState {
    /// The state at the start of a bridge, rebuilt from the delayed stores of the guard it
    /// starts from (every guard of a trace that tracks the frame writes every location back).
    /// `None` when the stores do not describe a whole frame.
    /// The address of the virtualizable frame the delayed stores `stores` write back, if any.
    /// The frame's own stores come last (the optimizer puts the stores it delayed before the
    /// ones the guard's resume data already had), and other objects of the frame's type (callee
    /// frames made by traced code) may have delayed stores to the same fields.
    pub(crate) fn frame_of(
        fields: &'static [VirtualizableField],
        stores: &[crate::resume::ResolvedStore],
    ) -> Option<usize> {
        stores
            .iter()
            .rfind(|s| s.index.is_none() && is_vfield(fields, &s.descr))
            .map(|s| s.target as usize)
    }

    /// Whether `addr` is the frame at `frame` or one of its arrays.
    pub(crate) fn frame_owns(
        fields: &'static [VirtualizableField],
        frame: usize,
        addr: usize,
    ) -> bool {
        addr == frame
            || fields
                .iter()
                .any(|f| f.array_item_size.is_some() && VLayout::array_ptr(f, frame) == addr)
    }

    pub(crate) fn from_stores(
        fields: &'static [VirtualizableField],
        stores: &[crate::resume::ResolvedStore],
    ) -> Option<VState> {
        let first = stores
            .iter()
            .rfind(|s| s.index.is_none() && is_vfield(fields, &s.descr))?;
        let (frame, frame_op) = (first.target as usize, first.target_op);
        let layout = VLayout::of(fields, frame);
        let mut values = Vec::with_capacity(layout.locs.len());
        for l in &layout.locs {
            let f = &fields[l.field];
            let found = match l.item {
                None => stores.iter().rev().find(|s| {
                    s.index.is_none()
                        && s.target as usize == frame
                        && s.descr
                            .as_field()
                            .is_some_and(|d| d.offset as usize == f.offset)
                }),
                Some(i) => {
                    let arr = VLayout::array_ptr(f, frame);
                    let at = (ITEMS_OFFSET + f.array_parts[l.part].offset) as u32;
                    stores.iter().rev().find(|s| {
                        s.index == Some(i as i64)
                            && s.target as usize == arr
                            && s.descr.as_array().is_some_and(|d| d.items_offset == at)
                    })
                }
            };
            values.push(found?.value);
        }
        Some(VState {
            layout,
            frame,
            frame_op,
            values,
        })
    }

    /// Which location a field access on `obj` at `offset` touches, if it is the frame's.
    pub(crate) fn field_loc(&self, obj: usize, offset: usize) -> Option<usize> {
        if obj != self.frame {
            return None;
        }
        let fi = self.layout.fields.iter().position(|f| f.offset == offset)?;
        self.layout.loc_of(fi, None)
    }

    /// Which array field `arr` is (by address), if it is one of the frame's.
    pub(crate) fn array_field(&self, arr: usize) -> Option<usize> {
        self.layout
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.array_item_size.is_some() && VLayout::array_ptr(f, self.frame) == arr)
            .map(|(i, _)| i)
    }

    /// The delayed stores that write every location back (for snapshots).
    pub(crate) fn pending_stores(&self, rec: &mut Recorder) -> Vec<PendingStore> {
        let mut out = Vec::with_capacity(self.values.len());
        for (l, &v) in self.layout.locs.iter().zip(&self.values) {
            match l.item {
                None => {
                    let d = rec.trace.descr(self.layout.field_descr(l.field));
                    out.push(PendingStore {
                        target: SnapValue::Value(self.frame_op),
                        descr: d,
                        index: None,
                        value: SnapValue::Value(v),
                    });
                }
                Some(i) => {
                    let ptr_loc = self
                        .layout
                        .loc_of(l.field, None)
                        .expect("array pointer location");
                    let arr = self.values[ptr_loc];
                    let d = rec.trace.descr(Descr::Array(
                        self.layout
                            .array_descr(l.field, l.part)
                            .expect("array descr"),
                    ));
                    let idx = rec.const_of(Kind::Int, i as i64);
                    out.push(PendingStore {
                        target: SnapValue::Value(arr),
                        descr: d,
                        index: Some(SnapValue::Value(idx)),
                        value: SnapValue::Value(v),
                    });
                }
            }
        }
        out
    }

    /// Records stores writing every location back to memory (before a call that sees the
    /// frame).
    pub(crate) fn force(&self, rec: &mut Recorder) {
        for (l, &v) in self.layout.locs.iter().zip(&self.values) {
            match l.item {
                // Array pointers never change inside a trace.
                None if self.layout.fields[l.field].array_item_size.is_some() => {}
                None => {
                    let d = rec.trace.descr(self.layout.field_descr(l.field));
                    rec.record(Opcode::SetField, Kind::Void, &[self.frame_op, v], Some(d));
                }
                Some(i) => {
                    let ptr_loc = self
                        .layout
                        .loc_of(l.field, None)
                        .expect("array pointer location");
                    let arr = self.values[ptr_loc];
                    let d = rec.trace.descr(Descr::Array(
                        self.layout
                            .array_descr(l.field, l.part)
                            .expect("array descr"),
                    ));
                    let idx = rec.const_of(Kind::Int, i as i64);
                    rec.record(Opcode::SetArrayItem, Kind::Void, &[arr, idx, v], Some(d));
                }
            }
        }
    }

    /// The state at the start of a trace whose reds are `inputs` (the frame is red `ri`, at
    /// `frame`). A loop takes the frame's locations as more inputs (they go around it); a
    /// function entry loads them itself after its label ([`VState::load`]), so that calling it
    /// passes only the reds.
    pub(crate) fn at_entry(
        rec: &mut Recorder,
        fields: &'static [VirtualizableField],
        frame: usize,
        ri: usize,
        inputs: &mut Vec<OpRef>,
        function: bool,
    ) -> VState {
        let layout = VLayout::of(fields, frame);
        let frame_op = inputs[ri];
        let values: Vec<OpRef> = if function {
            vec![frame_op; layout.locs.len()]
        } else {
            let v: Vec<OpRef> = layout
                .locs
                .iter()
                .map(|l| rec.trace.add_input(l.kind))
                .collect();
            inputs.extend(v.iter().copied());
            v
        };
        VState {
            layout,
            frame,
            frame_op,
            values,
        }
    }

    /// Records loads of every location, array pointers included (at the start of a function
    /// entry, whose inputs are only the reds).
    pub(crate) fn load(&mut self, rec: &mut Recorder) {
        for (k, l) in self.layout.locs.iter().enumerate() {
            if l.item.is_none() && self.layout.fields[l.field].array_item_size.is_some() {
                let d = rec.trace.descr(self.layout.field_descr(l.field));
                if let Some(op) = rec.record(Opcode::GetField, Kind::Ref, &[self.frame_op], Some(d))
                {
                    self.values[k] = op;
                }
            }
        }
        self.reload(rec);
    }

    /// Records loads of every location (after a call that may have changed the frame).
    pub(crate) fn reload(&mut self, rec: &mut Recorder) {
        for (k, l) in self.layout.locs.clone().iter().enumerate() {
            let op = match l.item {
                None if self.layout.fields[l.field].array_item_size.is_some() => continue,
                None => {
                    let d = rec.trace.descr(self.layout.field_descr(l.field));
                    rec.record(Opcode::GetField, l.kind, &[self.frame_op], Some(d))
                }
                Some(i) => {
                    let ptr_loc = self
                        .layout
                        .loc_of(l.field, None)
                        .expect("array pointer location");
                    let arr = self.values[ptr_loc];
                    let d = rec.trace.descr(Descr::Array(
                        self.layout
                            .array_descr(l.field, l.part)
                            .expect("array descr"),
                    ));
                    let idx = rec.const_of(Kind::Int, i as i64);
                    rec.record(Opcode::GetArrayItem, l.kind, &[arr, idx], Some(d))
                }
            };
            if let Some(op) = op {
                self.values[k] = op;
            }
        }
    }
}

/// Whether descriptor `d` is a field of the virtualizable described by `fields`.
fn is_vfield(fields: &[VirtualizableField], d: &Descr) -> bool {
    match d {
        Descr::Field(f) => fields.iter().any(|v| {
            v.offset == f.offset as usize && *f.name == *format!("{}.{}", v.owner, v.name)
        }),
        _ => false,
    }
}
