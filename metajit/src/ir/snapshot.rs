//! Resume data: what a guard needs to rebuild the interpreter's state when it fails.
//!
//! A [`Snapshot`] is the chain of twin frames live at the guard (outermost first), each naming
//! the twin function (`code`, an id the JIT driver resolves), the resume point inside it and the
//! values of its live slots. Values are trace values or references to *virtual* objects: objects
//! the optimizer removed from the trace, described here field by field and allocated only when
//! the guard fails. Stores the optimizer delayed past the guard are listed too and replayed on
//! failure. Passes rewrite snapshots as they rewrite values; the backend saves the values a
//! snapshot refers to ([`Snapshot::referenced_values`]) when the guard fails.

use super::{DescrId, OpRef};

/// Index of a snapshot in a trace's snapshot table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SnapshotId(pub u32);

/// A value in resume data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SnapValue {
    /// A trace value (or constant).
    Value(OpRef),
    /// The virtual object at this index of the snapshot's `virtuals`.
    Virtual(u32),
}

/// One twin frame at a guard.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SnapFrame {
    /// Which twin function (resolved by the JIT driver).
    pub code: u32,
    /// The resume point inside it.
    pub point: u32,
    /// Its live slots, in the order the resume point declares them.
    pub values: Vec<SnapValue>,
}

/// What kind of object a virtual is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VirtualKind {
    /// A struct from `new` (descriptor: its size descriptor).
    Struct(DescrId),
    /// A struct from `new_with_vtable`.
    StructWithVtable(DescrId),
    /// An array from `new_array` (descriptor: its array descriptor).
    Array(DescrId),
}

/// A removed allocation, to be materialized if the guard fails.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VirtualDesc {
    /// Struct or array, with its descriptor.
    pub kind: VirtualKind,
    /// Struct fields that were written: (field descriptor, value).
    pub fields: Vec<(DescrId, SnapValue)>,
    /// Array items, all of them (arrays have a known length when virtual), as the kind's
    /// array descriptor reads them.
    pub items: Vec<SnapValue>,
    /// Arrays of compound items: the other parts of the items, each with its array descriptor
    /// (same length and item size, another offset within the item).
    pub parts: Vec<(DescrId, Vec<SnapValue>)>,
}

/// A store the optimizer delayed past a guard: done before resuming when the guard fails.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PendingStore {
    /// The object stored into.
    pub target: SnapValue,
    /// Field or array descriptor.
    pub descr: DescrId,
    /// For array stores: the index.
    pub index: Option<SnapValue>,
    /// The stored value.
    pub value: SnapValue,
}

/// Resume data of one guard.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Snapshot {
    /// Twin frames, outermost first.
    pub frames: Vec<SnapFrame>,
    /// Virtual objects referred to by `SnapValue::Virtual`.
    pub virtuals: Vec<VirtualDesc>,
    /// Delayed stores to replay.
    pub pending: Vec<PendingStore>,
}

impl Snapshot {
    /// A snapshot of a single frame (code 0, point 0) holding `values`: the form the short text
    /// syntax `guard_true(i1) [i0, p2]` stands for.
    pub fn flat(values: Vec<OpRef>) -> Snapshot {
        Snapshot {
            frames: vec![SnapFrame {
                code: 0,
                point: 0,
                values: values.into_iter().map(SnapValue::Value).collect(),
            }],
            virtuals: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// Every `SnapValue` in the snapshot, in a fixed order (frames, virtual fields and items,
    /// pending stores).
    pub fn for_each_value(&self, mut f: impl FnMut(SnapValue)) {
        for fr in &self.frames {
            fr.values.iter().copied().for_each(&mut f);
        }
        for v in &self.virtuals {
            v.fields.iter().for_each(|&(_, x)| f(x));
            v.items.iter().copied().for_each(&mut f);
            for (_, items) in &v.parts {
                items.iter().copied().for_each(&mut f);
            }
        }
        for p in &self.pending {
            f(p.target);
            if let Some(i) = p.index {
                f(i);
            }
            f(p.value);
        }
    }

    /// Rewrites every trace value with `f` (virtual references are kept).
    pub fn map_values(&mut self, mut f: impl FnMut(OpRef) -> SnapValue) {
        let mut g = |v: &mut SnapValue| {
            if let SnapValue::Value(r) = *v {
                *v = f(r);
            }
        };
        for fr in &mut self.frames {
            fr.values.iter_mut().for_each(&mut g);
        }
        for v in &mut self.virtuals {
            v.fields.iter_mut().for_each(|(_, x)| g(x));
            v.items.iter_mut().for_each(&mut g);
            for (_, items) in &mut v.parts {
                items.iter_mut().for_each(&mut g);
            }
        }
        for p in &mut self.pending {
            g(&mut p.target);
            if let Some(i) = &mut p.index {
                g(i);
            }
            g(&mut p.value);
        }
    }

    /// The distinct non-constant trace values the snapshot refers to, in order of first
    /// appearance: the guard's fail arguments.
    pub fn referenced_values(&self) -> Vec<OpRef> {
        let mut out: Vec<OpRef> = Vec::new();
        self.for_each_value(|v| {
            if let SnapValue::Value(r) = v
                && !r.is_const()
                && !out.contains(&r)
            {
                out.push(r);
            }
        });
        out
    }

    /// Whether this is the short form (one frame, code 0, point 0, nothing else).
    pub fn is_flat(&self) -> bool {
        self.frames.len() == 1
            && self.frames[0].code == 0
            && self.frames[0].point == 0
            && self.virtuals.is_empty()
            && self.pending.is_empty()
    }
}
