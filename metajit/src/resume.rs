//! Compiled resume data: a guard's snapshot re-expressed over its fail arguments.
//!
//! When a trace is compiled, each guard's [`Snapshot`] (which refers to trace values) becomes
//! [`ResumeData`] that refers to positions in the guard's fail-argument list (what the backend
//! hands back when the guard fails), constants and virtual objects. On failure,
//! [`ResumeData::decode`] materializes the virtuals, replays delayed stores and produces the
//! frames the blackhole (or the bridge tracer) resumes.

use crate::backend::mem;
use crate::ir::{Descr, OpRef, Opcode, SnapValue, Snapshot, Trace, VirtualKind};
use crate::twin::recorder::Recorder;
use crate::twin::{ResumeFrame, ResumeValue, TwinInfo};
use crate::value::Kind;
use std::rc::Rc;

/// Where a resume value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// Fail argument number n.
    FailArg(u32),
    /// A constant.
    Const(i64),
    /// Virtual object number n (materialized on failure).
    Virtual(u32),
}

#[derive(Clone, Debug)]
pub(crate) struct FrameData {
    pub info: &'static TwinInfo,
    pub point: u32,
    pub values: Vec<(Source, Kind)>,
}

#[derive(Clone, Debug)]
pub(crate) enum VirtualData {
    Struct {
        typed: bool,
        descr: crate::ir::SizeDescr,
        fields: Vec<(crate::ir::FieldDescr, Source)>,
    },
    Array {
        len: usize,
        /// Each part of the items with its array descriptor (the first allocates).
        parts: Vec<(crate::ir::ArrayDescr, Vec<Source>)>,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct StoreData {
    target: Source,
    /// Shared by the guards of a piece (one allocation per descriptor, not per store: a
    /// virtualizable frame gives every guard a store per slot).
    descr: Rc<Descr>,
    index: Option<Source>,
    value: Source,
}

/// A delayed store of a guard, resolved for a bridge starting there.
#[derive(Clone, Debug)]
pub(crate) struct ResolvedStore {
    /// The object's address.
    pub target: i64,
    /// The object as a bridge value.
    pub target_op: OpRef,
    /// Field or array descriptor.
    pub descr: Descr,
    /// For array stores: the index.
    pub index: Option<i64>,
    /// The stored value as a bridge value (for a virtual object, a placeholder until
    /// [`ResumeData::decode`] has made it: see `value_virtual`).
    pub value: OpRef,
    /// The virtual object the store stores (its index in the resume data), if it is one.
    pub value_virtual: Option<u32>,
}

/// Resume data of one compiled guard.
#[derive(Clone, Debug)]
pub(crate) struct ResumeData {
    pub frames: Vec<FrameData>,
    pub virtuals: Vec<VirtualData>,
    pub pending: Vec<StoreData>,
    /// Kinds of the fail arguments.
    pub fail_kinds: Vec<Kind>,
}

impl ResumeData {
    /// Builds the resume data of a guard whose snapshot is `snap`, with fail arguments
    /// `fail_args` (as `Snapshot::referenced_values` lists them); `descrs` are the trace's
    /// descriptors, shared.
    pub(crate) fn build(
        trace: &Trace,
        descrs: &[Rc<Descr>],
        snap: &Snapshot,
        fail_args: &[OpRef],
        infos: &dyn Fn(u32) -> &'static TwinInfo,
    ) -> ResumeData {
        let src = |v: SnapValue| -> (Source, Kind) {
            match v {
                SnapValue::Value(r) if r.is_const() => {
                    let c = trace.consts[r.index()];
                    (Source::Const(c.bits), c.kind)
                }
                SnapValue::Value(r) => {
                    let i = fail_args
                        .iter()
                        .position(|&a| a == r)
                        .expect("fail args cover the snapshot");
                    (Source::FailArg(i as u32), trace.kind_of(r))
                }
                SnapValue::Virtual(i) => (Source::Virtual(i), Kind::Ref),
            }
        };
        let frames = snap
            .frames
            .iter()
            .map(|f| FrameData {
                info: infos(f.code),
                point: f.point,
                values: f.values.iter().map(|&v| src(v)).collect(),
            })
            .collect();
        let virtuals = snap
            .virtuals
            .iter()
            .map(|v| match v.kind {
                VirtualKind::Struct(d) | VirtualKind::StructWithVtable(d) => {
                    let s = trace.descrs[d.0 as usize]
                        .as_size()
                        .expect("size descr")
                        .clone();
                    VirtualData::Struct {
                        descr: s,
                        typed: matches!(v.kind, VirtualKind::StructWithVtable(_)),
                        fields: v
                            .fields
                            .iter()
                            .map(|&(fd, x)| {
                                (
                                    trace.descrs[fd.0 as usize]
                                        .as_field()
                                        .expect("field descr")
                                        .clone(),
                                    src(x).0,
                                )
                            })
                            .collect(),
                    }
                }
                VirtualKind::Array(d) => {
                    let part = |d: crate::ir::DescrId, items: &[SnapValue]| {
                        let descr = trace.descrs[d.0 as usize]
                            .as_array()
                            .expect("array descr")
                            .clone();
                        (descr, items.iter().map(|&x| src(x).0).collect())
                    };
                    let mut parts = vec![part(d, &v.items)];
                    parts.extend(v.parts.iter().map(|(pd, items)| part(*pd, items)));
                    VirtualData::Array {
                        len: v.items.len(),
                        parts,
                    }
                }
            })
            .collect();
        let pending = snap
            .pending
            .iter()
            .map(|p| StoreData {
                target: src(p.target).0,
                descr: descrs[p.descr.0 as usize].clone(),
                index: p.index.map(|i| src(i).0),
                value: src(p.value).0,
            })
            .collect();
        let fail_kinds = fail_args.iter().map(|&r| trace.kind_of(r)).collect();
        ResumeData {
            frames,
            virtuals,
            pending,
            fail_kinds,
        }
    }

    /// The delayed stores, with their target and index as concrete values and their target and
    /// value as trace values of a bridge whose inputs are `ops` (one per fail argument).
    pub(crate) fn resolved_pending(
        &self,
        fail: &[i64],
        ops: &[OpRef],
        rec: &mut Recorder,
    ) -> Vec<ResolvedStore> {
        let bits = |s: Source| -> Option<i64> {
            match s {
                Source::FailArg(i) => Some(fail[i as usize]),
                Source::Const(c) => Some(c),
                Source::Virtual(_) => None,
            }
        };
        let mut out = Vec::new();
        for st in &self.pending {
            let kind = match &*st.descr {
                Descr::Field(f) => f.kind,
                Descr::Array(a) => a.kind,
                _ => continue,
            };
            let op = |s: Source, k: Kind, rec: &mut Recorder| -> Option<OpRef> {
                match s {
                    Source::FailArg(i) => Some(ops[i as usize]),
                    Source::Const(c) => Some(rec.const_of(k, c)),
                    Source::Virtual(_) => None,
                }
            };
            let value_virtual = match st.value {
                Source::Virtual(k) => Some(k),
                _ => None,
            };
            let value = match value_virtual {
                Some(_) => Some(OpRef::op(0)),
                None => op(st.value, kind, rec),
            };
            let (Some(target), Some(target_op), Some(value)) =
                (bits(st.target), op(st.target, Kind::Ref, rec), value)
            else {
                continue;
            };
            let index = match st.index {
                Some(i) => match bits(i) {
                    Some(b) => Some(b),
                    None => continue,
                },
                None => None,
            };
            out.push(ResolvedStore {
                target,
                target_op,
                descr: (*st.descr).clone(),
                index,
                value,
                value_virtual,
            });
        }
        out
    }

    /// The frames to resume, given the fail argument values. Allocates virtual objects and
    /// replays delayed stores.
    ///
    /// When a bridge is being traced, `bridge` holds the bridge's inputs (one per fail
    /// argument) and its recorder: the allocations and stores are then also recorded at the
    /// start of the bridge (compiled code left them undone), and resume values carry the trace
    /// values that hold them.
    /// `virtual_ops` receives the trace value of each virtual object made (when recording).
    pub(crate) fn decode(
        &self,
        fail: &[i64],
        mut bridge: Option<(&[OpRef], &mut Recorder)>,
        skip_record: &dyn Fn(i64) -> bool,
        virtual_ops: &mut Vec<Option<OpRef>>,
    ) -> Vec<ResumeFrame> {
        let mut objs: Vec<(i64, Option<OpRef>)> = Vec::with_capacity(self.virtuals.len());
        // Allocate first, fill after: virtuals may refer to each other.
        for v in &self.virtuals {
            let (p, op) = match v {
                VirtualData::Struct { typed, descr, .. } => {
                    let p = mem::new_struct(descr, *typed);
                    let op = bridge.as_mut().and_then(|(_, rec)| {
                        let d = rec.trace.descr(Descr::Size(descr.clone()));
                        let opcode = if *typed {
                            Opcode::NewWithVtable
                        } else {
                            Opcode::New
                        };
                        rec.record(opcode, Kind::Ref, &[], Some(d))
                    });
                    (p, op)
                }
                VirtualData::Array { len, parts } => {
                    let descr = &parts[0].0;
                    let p = crate::jitarray::alloc_raw_array(descr, *len);
                    let op = bridge.as_mut().and_then(|(_, rec)| {
                        let d = rec.trace.descr(Descr::Array(descr.clone()));
                        let n = rec.const_of(Kind::Int, *len as i64);
                        rec.record(Opcode::NewArray, Kind::Ref, &[n], Some(d))
                    });
                    (p, op)
                }
            };
            objs.push((p as i64, op));
        }
        virtual_ops.clear();
        virtual_ops.extend(objs.iter().map(|o| o.1));
        let val = |s: Source| -> i64 {
            match s {
                Source::FailArg(i) => fail[i as usize],
                Source::Const(c) => c,
                Source::Virtual(i) => objs[i as usize].0,
            }
        };
        let op_of = |s: Source,
                     kind: Kind,
                     bridge: &mut Option<(&[OpRef], &mut Recorder)>|
         -> Option<OpRef> {
            let (ops, rec) = bridge.as_mut()?;
            Some(match s {
                Source::FailArg(i) => ops[i as usize],
                Source::Const(c) => rec.const_of(kind, c),
                // An integer holding a virtual's address (a tagged value's payload).
                Source::Virtual(i) if kind == Kind::Int => rec.record(
                    Opcode::CastPtrToInt,
                    Kind::Int,
                    &[objs[i as usize].1?],
                    None,
                )?,
                Source::Virtual(i) => objs[i as usize].1?,
            })
        };
        let record_store = |bridge: &mut Option<(&[OpRef], &mut Recorder)>,
                            target: Source,
                            descr: &Descr,
                            index: Option<Source>,
                            value: Source| {
            let (kind, opcode) = match descr {
                Descr::Field(fd) => (fd.kind, Opcode::SetField),
                Descr::Array(ad) => (ad.kind, Opcode::SetArrayItem),
                _ => return,
            };
            let (Some(t), Some(v)) = (op_of(target, Kind::Ref, bridge), op_of(value, kind, bridge))
            else {
                return;
            };
            let i = index.and_then(|i| op_of(i, Kind::Int, bridge));
            let (_, rec) = bridge.as_mut().expect("recording");
            let d = rec.trace.descr(descr.clone());
            let args: Vec<OpRef> = match i {
                Some(i) => vec![t, i, v],
                None => vec![t, v],
            };
            rec.record(opcode, Kind::Void, &args, Some(d));
        };
        for (v, &(p, _)) in self.virtuals.iter().zip(&objs) {
            match v {
                VirtualData::Struct { fields, .. } => {
                    for (fd, s) in fields {
                        // SAFETY: the field lies inside the struct just allocated.
                        unsafe {
                            mem::store(p as usize + fd.offset as usize, fd.kind, fd.repr, val(*s))
                        };
                    }
                }
                VirtualData::Array { parts, .. } => {
                    for (descr, items) in parts {
                        for (i, s) in items.iter().enumerate() {
                            let addr = p as usize
                                + descr.items_offset as usize
                                + i * descr.item_size as usize;
                            // SAFETY: in bounds of the array just allocated (every part has
                            // the allocating part's item size and lies inside an item).
                            unsafe { mem::store(addr, descr.kind, descr.repr, val(*s)) };
                        }
                    }
                }
            }
        }
        for (i, v) in self.virtuals.iter().enumerate() {
            let me = Source::Virtual(i as u32);
            match v {
                VirtualData::Struct { fields, .. } => {
                    for (fd, s) in fields {
                        record_store(&mut bridge, me, &Descr::Field(fd.clone()), None, *s);
                    }
                }
                VirtualData::Array { parts, .. } => {
                    for (descr, items) in parts {
                        for (k, s) in items.iter().enumerate() {
                            record_store(
                                &mut bridge,
                                me,
                                &Descr::Array(descr.clone()),
                                Some(Source::Const(k as i64)),
                                *s,
                            );
                        }
                    }
                }
            }
        }
        for st in &self.pending {
            let target = val(st.target) as usize;
            match &*st.descr {
                Descr::Field(fd) => {
                    // SAFETY: the trace recorded this store on a live object; it was only delayed.
                    unsafe {
                        mem::store(target + fd.offset as usize, fd.kind, fd.repr, val(st.value))
                    }
                }
                Descr::Array(ad) => {
                    let i = st.index.map(val).unwrap_or(0) as usize;
                    let addr = target + ad.items_offset as usize + i * ad.item_size as usize;
                    // SAFETY: as above; the index was bounds-checked before the store was delayed.
                    unsafe { mem::store(addr, ad.kind, ad.repr, val(st.value)) }
                }
                _ => {}
            }
            if !skip_record(target as i64) {
                record_store(&mut bridge, st.target, &st.descr, st.index, st.value);
            }
        }
        self.frames
            .iter()
            .map(|f| ResumeFrame {
                info: f.info,
                point: f.point,
                values: f
                    .values
                    .iter()
                    .map(|&(s, kind)| ResumeValue {
                        bits: val(s),
                        op: op_of(s, kind, &mut bridge).filter(|r| !r.is_const()),
                        kind,
                    })
                    .collect(),
            })
            .collect()
    }
}

/// Gives the delayed stores whose value is a virtual object (`value_virtual`) the trace value of
/// that object as [`ResumeData::decode`] made it (`virtual_ops`), cast to an integer for integer
/// locations (a tagged value's payload); drops those whose object was not recorded.
pub(crate) fn bind_virtual_values(
    stores: &mut Vec<ResolvedStore>,
    virtual_ops: &[Option<OpRef>],
    rec: &mut Recorder,
) {
    stores.retain_mut(|st| {
        let Some(k) = st.value_virtual else {
            return true;
        };
        let kind = match &st.descr {
            Descr::Field(f) => f.kind,
            Descr::Array(a) => a.kind,
            _ => Kind::Ref,
        };
        let op = match (virtual_ops.get(k as usize).copied().flatten(), kind) {
            (Some(p), Kind::Int) => rec.record(Opcode::CastPtrToInt, Kind::Int, &[p], None),
            (op, _) => op,
        };
        match op {
            Some(op) => {
                st.value = op;
                true
            }
            None => false,
        }
    });
}
