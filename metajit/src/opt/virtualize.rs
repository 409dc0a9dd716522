//! Virtualize: escape analysis and allocation removal.
//!
//! Third pass (after rewrite, before pure). An allocation (`new`, `new_with_vtable`, or
//! `new_array` of a constant length up to [`MAX_VIRTUAL_ITEMS`]) is not emitted; the object
//! becomes *virtual*: a record, in a side table, of the values its fields (or items) hold.
//! Stores into it update the record, loads from it are replaced by the recorded value (or the
//! zero the allocation would have left), `arraylen` by the length, `getclass`/`guard_class` by
//! its known class, `guard_nonnull` disappears and `ptr_eq` with anything else is false. A
//! virtual object may hold references to other virtual objects.
//!
//! A virtual object is *materialized* (forced) where it escapes: passed to a call, stored into
//! an object that is not virtual, passed to `jump`, `finish` or `label`, compared with a guard
//! that needs its address, indexed with a non-constant index. Forcing emits the allocation and
//! a store for every field holding a non-zero value (forcing the virtual objects those refer to
//! first; an object being forced counts as materialized, so cycles terminate); from then on the
//! object is an ordinary value. An object that never escapes is never allocated.
//!
//! Guards that may fail while an object is virtual describe it in their snapshot
//! (`SnapValue::Virtual`, with its kind and field values, themselves possibly virtual): a
//! failing guard allocates and fills it then (`resume.rs`), so the interpreter sees exactly the
//! object the unoptimized trace would have built.
//!
//! Loads forwarded from stores of narrow integer fields are truncated and extended as memory
//! would (`Builder::narrow`). Fields are identified by descriptor: two different field
//! descriptors never name the same bytes of one object (a field access that overlaps another
//! recorded field, or touches the type id of a `new_with_vtable` object, forces the object).
//! Reference counts kept in fields of a virtual object cost nothing: increments and
//! decrements become arithmetic on recorded values that dead-code elimination removes.

use super::builder::{Builder, Norm};
use super::{OptContext, OptError};
use crate::fasthash::FastMap;
use crate::ir::{
    Const, Descr, DescrId, Op, OpRef, Opcode, SnapValue, Snapshot, SnapshotId, Trace, VirtualDesc,
    VirtualKind,
};
use crate::value::Kind;

/// Arrays longer than this are always allocated (every snapshot would list every item).
pub(super) const MAX_VIRTUAL_ITEMS: i64 = 32;

/// What an input value is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum V {
    /// An output value.
    Out(OpRef),
    /// Virtual object `k`.
    Virt(u32),
    /// The address of virtual object `k` as an integer (`cast_ptr_to_int`: interpreters that
    /// keep references in an integer payload, as tagged values do).
    VirtAddr(u32),
}

struct VObj {
    kind: VirtualKind,
    /// Struct fields in order of first store.
    fields: Vec<(DescrId, V)>,
    /// Array items (as the allocation's array descriptor reads them).
    items: Vec<V>,
    /// Arrays of compound items: the other parts, by array descriptor.
    parts: Vec<(DescrId, Vec<V>)>,
    /// The allocation, once materialized.
    forced: Option<OpRef>,
    /// Its address as an integer, once materialized and needed.
    forced_addr: Option<OpRef>,
    /// Whether an integer holds its address (`V::VirtAddr`).
    addr_taken: bool,
}

/// What a carried object is at the loop's label: its kind and its fields' descriptors.
type Shape = (VirtualKind, Vec<DescrId>);

/// Objects carried around a peeled loop (the `carry` run after `unroll`): the loop's label
/// and the argument positions whose object stays virtual, passed as its fields.
#[derive(Clone, Default)]
struct Carry {
    /// Index of the loop's label (`label(S, Lloop)`) in the input.
    label: usize,
    /// Argument positions of the label and the jump carried as fields.
    positions: Vec<usize>,
    /// Per carried position: the object's kind and its fields' descriptors, as the label
    /// passes them (the jump must pass the same).
    shapes: FastMap<usize, Shape>,
}

struct Virt<'a> {
    b: Builder<'a>,
    carry: Carry,
    /// The first carried position whose object was not virtual, or not of the label's shape,
    /// where the label or the jump needed it (the run is then redone without it).
    mismatch: Option<usize>,
    /// Input ops standing for virtual objects (or their addresses).
    virt_of: FastMap<usize, V>,
    objs: Vec<VObj>,
}

impl Virt<'_> {
    /// What input value `r` is now.
    fn val(&self, r: OpRef) -> V {
        if !r.is_const()
            && let Some(&v) = self.virt_of.get(&r.index())
        {
            return self.live(v);
        }
        V::Out(self.b.get(r))
    }

    /// `v`, with materialized objects as their allocation.
    fn live(&self, v: V) -> V {
        match v {
            V::Virt(k) => match self.objs[k as usize].forced {
                Some(r) => V::Out(self.b.resolve(r)),
                None => v,
            },
            V::VirtAddr(k) => match self.objs[k as usize].forced_addr {
                Some(r) => V::Out(self.b.resolve(r)),
                None => v,
            },
            V::Out(r) => V::Out(self.b.resolve(r)),
        }
    }

    /// The output value for `v`, materializing it if it is virtual.
    fn force_v(&mut self, v: V) -> OpRef {
        match self.live(v) {
            V::Out(r) => r,
            V::Virt(k) => self.force(k),
            V::VirtAddr(k) => {
                self.force(k);
                let a = self.objs[k as usize].forced_addr.expect("forced");
                self.b.resolve(a)
            }
        }
    }

    /// The output value for input value `r` (materializing a virtual object).
    fn out(&mut self, r: OpRef) -> OpRef {
        let v = self.val(r);
        self.force_v(v)
    }

    fn zero(&mut self, kind: Kind) -> OpRef {
        self.b.out.konst(Const { kind, bits: 0 })
    }

    /// Materializes virtual object `k`: allocation, then its non-zero fields.
    fn force(&mut self, k: u32) -> OpRef {
        if let Some(r) = self.objs[k as usize].forced {
            return self.b.resolve(r);
        }
        let kind = self.objs[k as usize].kind;
        let r = match kind {
            VirtualKind::Struct(d) | VirtualKind::StructWithVtable(d) => {
                let opcode = if matches!(kind, VirtualKind::Struct(_)) {
                    Opcode::New
                } else {
                    Opcode::NewWithVtable
                };
                let mut op = Op::new(opcode, Kind::Ref, vec![]);
                op.descr = Some(d);
                self.b.push(op)
            }
            VirtualKind::Array(d) => {
                let n = self.b.const_int(self.objs[k as usize].items.len() as i64);
                let mut op = Op::new(Opcode::NewArray, Kind::Ref, vec![n]);
                op.descr = Some(d);
                self.b.push(op)
            }
        };
        self.objs[k as usize].forced = Some(r);
        if self.objs[k as usize].addr_taken {
            // Its address as an integer, for the integers that held the virtual's address.
            let addr = self
                .b
                .push(Op::new(Opcode::CastPtrToInt, Kind::Int, vec![r]));
            self.objs[k as usize].forced_addr = Some(addr);
        }
        // Memory from the global allocator is zeroed; the language's allocator gives no such
        // promise, so every field written is stored.
        let zeroed = match kind {
            VirtualKind::Struct(d) | VirtualKind::StructWithVtable(d) => self.b.out.descrs
                [d.0 as usize]
                .as_size()
                .is_none_or(|s| s.alloc == 0),
            VirtualKind::Array(_) => true,
        };
        let fields = std::mem::take(&mut self.objs[k as usize].fields);
        for &(fd, v) in &fields {
            let x = self.force_v(v);
            if zeroed && self.is_zero(x) {
                continue;
            }
            let mut op = Op::new(Opcode::SetField, Kind::Void, vec![r, x]);
            op.descr = Some(fd);
            self.b.push(op);
        }
        let items = std::mem::take(&mut self.objs[k as usize].items);
        let parts = std::mem::take(&mut self.objs[k as usize].parts);
        if let VirtualKind::Array(d) = kind {
            for (d, items) in std::iter::once((d, items)).chain(parts) {
                for (i, &v) in items.iter().enumerate() {
                    let x = self.force_v(v);
                    if self.is_zero(x) {
                        continue;
                    }
                    let idx = self.b.const_int(i as i64);
                    let mut op = Op::new(Opcode::SetArrayItem, Kind::Void, vec![r, idx, x]);
                    op.descr = Some(d);
                    self.b.push(op);
                }
            }
        }
        r
    }

    fn is_zero(&self, x: OpRef) -> bool {
        self.b.out.const_of(x).is_some_and(|c| c.bits == 0)
    }

    /// The unforced virtual object behind input value `r`.
    fn virt(&self, r: OpRef) -> Option<u32> {
        match self.val(r) {
            V::Virt(k) => Some(k),
            V::Out(_) | V::VirtAddr(_) => None,
        }
    }

    /// Whether field `fd` can be tracked on virtual `k` (no overlap with another recorded
    /// field or with the type id, inside the object).
    fn field_ok(&self, k: u32, fd: DescrId) -> bool {
        let descrs = &self.b.out.descrs;
        let Some(f) = descrs[fd.0 as usize].as_field() else {
            return false;
        };
        let o = &self.objs[k as usize];
        let size = match o.kind {
            VirtualKind::Struct(d) | VirtualKind::StructWithVtable(d) => {
                descrs[d.0 as usize].as_size().map_or(0, |s| s.size)
            }
            VirtualKind::Array(_) => return false,
        };
        let width = |f: &crate::ir::FieldDescr| match f.kind {
            Kind::Int => f.repr.size as u32,
            _ => 8,
        };
        let (start, end) = (f.offset, f.offset + width(f));
        if end > size || (matches!(o.kind, VirtualKind::StructWithVtable(_)) && start < 8) {
            return false;
        }
        o.fields.iter().all(|&(od, _)| {
            od == fd
                || descrs[od.0 as usize].as_field().is_none_or(|g| {
                    let (s2, e2) = (g.offset, g.offset + width(g));
                    end <= s2 || e2 <= start
                })
        })
    }

    /// The item index of a constant `i` within virtual array `k`.
    fn item_index(&self, k: u32, i: OpRef) -> Option<usize> {
        let o = &self.objs[k as usize];
        let VirtualKind::Array(_) = o.kind else {
            return None;
        };
        let i = self.b.out.const_int_of(self.b.get(i))?;
        (0..o.items.len() as i64).contains(&i).then_some(i as usize)
    }

    /// Which items of virtual array `k` an access with array descriptor `d` reads: `None` for
    /// the allocation's descriptor, `Some(p)` for other part `p` (added on first use), or no
    /// answer when `d` does not describe parts of the same items (the array is then forced).
    fn part(&mut self, k: u32, d: DescrId) -> Option<Option<usize>> {
        let VirtualKind::Array(a) = self.objs[k as usize].kind else {
            return None;
        };
        if a == d {
            return Some(None);
        }
        if let Some(p) = self.objs[k as usize]
            .parts
            .iter()
            .position(|&(pd, _)| pd == d)
        {
            return Some(Some(p));
        }
        let descrs = &self.b.out.descrs;
        let (x, y) = (
            descrs[a.0 as usize].as_array()?,
            descrs[d.0 as usize].as_array()?,
        );
        let width = |ad: &crate::ir::ArrayDescr| match ad.kind {
            Kind::Int => ad.repr.size as u32,
            _ => 8,
        };
        // `new_array` allocates `JitArray` blocks: the items start at `ITEMS_OFFSET`.
        let base = crate::jitarray::ITEMS_OFFSET as u32;
        let inside = y.items_offset >= base && y.items_offset + width(y) <= base + y.item_size;
        let overlaps = |p: &crate::ir::ArrayDescr| {
            p.items_offset < y.items_offset + width(y) && y.items_offset < p.items_offset + width(p)
        };
        let clash = overlaps(x)
            || self.objs[k as usize]
                .parts
                .iter()
                .any(|(pd, _)| descrs[pd.0 as usize].as_array().is_none_or(overlaps));
        if x.item_size != y.item_size || x.len_offset != y.len_offset || !inside || clash {
            return None;
        }
        let z = V::Out(self.zero(y.kind));
        let n = self.objs[k as usize].items.len();
        let o = &mut self.objs[k as usize];
        o.parts.push((d, vec![z; n]));
        Some(Some(o.parts.len() - 1))
    }

    /// Copies snapshot `sid`, describing virtual objects it refers to.
    fn snapshot(&mut self, sid: SnapshotId) -> SnapshotId {
        let src = self.b.src;
        let s = &src.snapshots[sid.0 as usize];
        let mut out = Snapshot {
            frames: s.frames.clone(),
            virtuals: s.virtuals.clone(),
            pending: s.pending.clone(),
        };
        let mut memo: FastMap<u32, u32> = FastMap::default();
        let mut conv = |me: &mut Self, out: &mut Snapshot, v: SnapValue| match v {
            SnapValue::Value(r) => {
                let v = me.val(r);
                me.snap_value(v, out, &mut memo)
            }
            SnapValue::Virtual(_) => v,
        };
        for f in 0..out.frames.len() {
            for j in 0..out.frames[f].values.len() {
                let v = out.frames[f].values[j];
                out.frames[f].values[j] = conv(self, &mut out, v);
            }
        }
        for k in 0..s.virtuals.len() {
            for j in 0..out.virtuals[k].fields.len() {
                let v = out.virtuals[k].fields[j].1;
                out.virtuals[k].fields[j].1 = conv(self, &mut out, v);
            }
            for j in 0..out.virtuals[k].items.len() {
                let v = out.virtuals[k].items[j];
                out.virtuals[k].items[j] = conv(self, &mut out, v);
            }
        }
        for p in 0..out.pending.len() {
            let ps = out.pending[p].clone();
            out.pending[p].target = conv(self, &mut out, ps.target);
            if let Some(i) = ps.index {
                out.pending[p].index = Some(conv(self, &mut out, i));
            }
            out.pending[p].value = conv(self, &mut out, ps.value);
        }
        self.b.add_snapshot(out)
    }

    /// `v` as resume data, adding the virtual objects it refers to (once each) to `out`.
    fn snap_value(&self, v: V, out: &mut Snapshot, memo: &mut FastMap<u32, u32>) -> SnapValue {
        // A virtual's address is described as the virtual: the guard's resume data holds
        // raw bits, which are the same for the reference and the integer.
        let k = match self.live(v) {
            V::Out(r) => return SnapValue::Value(r),
            V::Virt(k) | V::VirtAddr(k) => k,
        };
        if let Some(&i) = memo.get(&k) {
            return SnapValue::Virtual(i);
        }
        let idx = out.virtuals.len() as u32;
        memo.insert(k, idx);
        let o = &self.objs[k as usize];
        out.virtuals.push(VirtualDesc {
            kind: o.kind,
            fields: Vec::new(),
            items: Vec::new(),
            parts: Vec::new(),
        });
        let fields: Vec<_> = o
            .fields
            .iter()
            .map(|&(fd, x)| (fd, self.snap_value(x, out, memo)))
            .collect();
        let items: Vec<_> = o
            .items
            .iter()
            .map(|&x| self.snap_value(x, out, memo))
            .collect();
        let parts: Vec<_> = o
            .parts
            .iter()
            .map(|(pd, xs)| {
                (
                    *pd,
                    xs.iter().map(|&x| self.snap_value(x, out, memo)).collect(),
                )
            })
            .collect();
        let d = &mut out.virtuals[idx as usize];
        d.fields = fields;
        d.items = items;
        d.parts = parts;
        SnapValue::Virtual(idx)
    }

    /// Emits input op `i` with its arguments materialized.
    fn emit(&mut self, i: usize) {
        let src = self.b.src;
        let op = &src.ops[i];
        let args: Vec<OpRef> = op.args.iter().map(|&a| self.out(a)).collect();
        if op.opcode.is_pure() || op.opcode == Opcode::CallPure {
            let v = self.b.emit_pure(op.opcode, op.kind, args, op.descr);
            self.b.set(i, v);
        } else if op.opcode.is_guard() {
            let snap = match op.snapshot {
                Some(s) => self.snapshot(s),
                None => self.b.add_snapshot(Snapshot::default()),
            };
            self.b.emit_guard(op.opcode, args, snap);
        } else {
            self.b.note_effect(op.opcode);
            let r = self.b.push(Op {
                opcode: op.opcode,
                kind: op.kind,
                args,
                descr: op.descr,
                snapshot: None,
            });
            if op.kind != Kind::Void {
                self.b.set(i, r);
            }
        }
    }

    /// Makes input op `i` stand for `v`.
    fn set(&mut self, i: usize, v: V) {
        match v {
            V::Out(r) => self.b.set(i, r),
            V::Virt(_) | V::VirtAddr(_) => {
                self.virt_of.insert(i, v);
            }
        }
    }

    /// Handles input op `i`; returns how many ops it consumed.
    fn op(&mut self, i: usize) -> usize {
        use Opcode::*;
        let src = self.b.src;
        let op = &src.ops[i];
        let a = |k: usize| op.args[k];
        match op.opcode {
            New | NewWithVtable => {
                let Some(d) = op.descr else {
                    self.emit(i);
                    return 1;
                };
                let kind = if op.opcode == New {
                    VirtualKind::Struct(d)
                } else {
                    VirtualKind::StructWithVtable(d)
                };
                self.new_virtual(i, kind, Vec::new());
            }
            NewArray => {
                let len = self.b.out.const_int_of(self.b.get(a(0)));
                match (len, op.descr, src.descr_of(op).and_then(Descr::as_array)) {
                    (Some(n), Some(d), Some(ad)) if (0..=MAX_VIRTUAL_ITEMS).contains(&n) => {
                        let z = V::Out(self.zero(ad.kind));
                        self.new_virtual(i, VirtualKind::Array(d), vec![z; n as usize]);
                    }
                    _ => self.emit(i),
                }
            }
            GetField | SetField => {
                let fd = op.descr.unwrap_or(DescrId(u32::MAX));
                match self.virt(a(0)) {
                    Some(k) if self.field_ok(k, fd) => {
                        let f = src.descrs[fd.0 as usize].as_field().cloned();
                        let slot = self.objs[k as usize]
                            .fields
                            .iter()
                            .position(|&(d, _)| d == fd);
                        if op.opcode == SetField {
                            let v = self.val(a(1));
                            let o = &mut self.objs[k as usize];
                            match slot {
                                Some(s) => o.fields[s].1 = v,
                                None => o.fields.push((fd, v)),
                            }
                        } else {
                            let v = match slot {
                                Some(s) => self.objs[k as usize].fields[s].1,
                                None => V::Out(self.zero(op.kind)),
                            };
                            let v = match (self.live(v), f) {
                                (V::Out(x), Some(f)) => V::Out(self.b.narrow(x, f.kind, f.repr)),
                                (v, _) => v,
                            };
                            self.set(i, v);
                        }
                    }
                    _ => self.emit(i),
                }
            }
            GetArrayItem | SetArrayItem => match self.virt(a(0)) {
                Some(k)
                    if self.item_index(k, a(1)).is_some()
                        && let Some(part) = self.part(k, op.descr.unwrap_or(DescrId(u32::MAX))) =>
                {
                    let idx = self.item_index(k, a(1)).unwrap_or(0);
                    let stored = (op.opcode == SetArrayItem).then(|| self.val(a(2)));
                    let o = &mut self.objs[k as usize];
                    let items = match part {
                        None => &mut o.items,
                        Some(p) => &mut o.parts[p].1,
                    };
                    if let Some(v) = stored {
                        items[idx] = v;
                    } else {
                        let v = items[idx];
                        let v = self.live(v);
                        let ad = src.descr_of(op).and_then(Descr::as_array).cloned();
                        let v = match (v, ad) {
                            (V::Out(x), Some(ad)) => V::Out(self.b.narrow(x, ad.kind, ad.repr)),
                            (v, _) => v,
                        };
                        self.set(i, v);
                    }
                }
                _ => self.emit(i),
            },
            ArrayLen => match self.virt(a(0)) {
                Some(k) if matches!(self.objs[k as usize].kind, VirtualKind::Array(_)) => {
                    let n = self.objs[k as usize].items.len() as i64;
                    let c = self.b.const_int(n);
                    self.b.set(i, c);
                }
                _ => self.emit(i),
            },
            GetClass | GuardClass => match self.virt(a(0)).map(|k| self.objs[k as usize].kind) {
                Some(VirtualKind::StructWithVtable(d)) => {
                    let t = src.descrs[d.0 as usize].as_size().map_or(0, |s| s.type_id);
                    if op.opcode == GetClass {
                        let c = self.b.const_int(t);
                        self.b.set(i, c);
                    } else if self.b.out.const_int_of(self.b.get(a(1))) != Some(t) {
                        self.emit(i);
                    }
                }
                _ => self.emit(i),
            },
            GuardNonnull if self.virt(a(0)).is_some() => {}
            QuasiimmutField | RecordExactClass if self.virt(a(0)).is_some() => {}
            PtrEq | PtrNe => {
                let (x, y) = (self.val(a(0)), self.val(a(1)));
                if matches!(x, V::Virt(_)) || matches!(y, V::Virt(_)) {
                    let same = x == y;
                    let c = self.b.const_int((same == (op.opcode == PtrEq)) as i64);
                    self.b.set(i, c);
                } else {
                    self.emit(i);
                }
            }
            CastPtrToInt | CastIntToPtr => match (op.opcode, self.val(a(0))) {
                (CastPtrToInt, V::Virt(k)) => {
                    self.objs[k as usize].addr_taken = true;
                    self.set(i, V::VirtAddr(k));
                }
                (CastIntToPtr, V::VirtAddr(k)) => self.set(i, V::Virt(k)),
                _ => self.emit(i),
            },
            SameAs => {
                let v = self.val(a(0));
                self.set(i, v);
            }
            IntAddOvf | IntSubOvf | IntMulOvf => {
                // The op, then its guard, whose resume data may describe virtual objects.
                let args = vec![self.out(a(0)), self.out(a(1))];
                let r = self.b.push(Op::new(op.opcode, op.kind, args));
                self.b.set(i, r);
                let g = &src.ops[i + 1];
                let snap = match g.snapshot {
                    Some(s) => self.snapshot(s),
                    None => self.b.add_snapshot(Snapshot::default()),
                };
                let mut gop = Op::new(g.opcode, Kind::Void, vec![]);
                gop.snapshot = Some(snap);
                self.b.push(gop);
                return 2;
            }
            Label if i == self.carry.label && !self.carry.positions.is_empty() => {
                return self.carried_label(i);
            }
            Jump if !self.carry.positions.is_empty()
                && op.descr == src.ops[self.carry.label].descr =>
            {
                self.carried_jump(i);
            }
            Label => {
                // Rebound values must be real: materialize virtual ones; the builder resets
                // what it learnt.
                let args: Vec<OpRef> = op
                    .args
                    .iter()
                    .map(|&x| {
                        if !x.is_const() && self.virt_of.contains_key(&x.index()) {
                            self.out(x)
                        } else {
                            self.b.get_raw(x)
                        }
                    })
                    .collect();
                if i != self.b.num_inputs() {
                    self.force_used_after(i, &[]);
                    let args = self.b.label_args(args);
                    self.b.barrier();
                    // After the label, its arguments stand for what the label binds.
                    for (&a, &v) in op.args.iter().zip(&args) {
                        if !a.is_const() {
                            self.virt_of.remove(&a.index());
                            self.b.set(a.index(), v);
                        }
                    }
                    let mut new = op.clone();
                    new.args = args;
                    self.b.push(new);
                    return 1;
                }
                let mut new = op.clone();
                new.args = args;
                self.b.push(new);
            }
            _ => self.emit(i),
        }
        1
    }

    /// Forces the virtual objects from before the label at `i` that ops after it use without
    /// their being label arguments (`skip`): one object for every pass through the label, it
    /// must be real before the loop starts.
    fn force_used_after(&mut self, i: usize, skip: &[OpRef]) {
        let src = self.b.src;
        let mut used: Vec<usize> = Vec::new();
        for later in &src.ops[i + 1..] {
            used.extend(
                later
                    .args
                    .iter()
                    .filter(|r| !r.is_const() && r.index() < i && !skip.contains(r))
                    .map(|r| r.index()),
            );
            if let Some(sid) = later.snapshot {
                src.snapshots[sid.0 as usize].for_each_value(|v| {
                    if let SnapValue::Value(r) = v
                        && !r.is_const()
                        && r.index() < i
                        && !skip.contains(&r)
                    {
                        used.push(r.index());
                    }
                });
            }
        }
        for u in used {
            let v = self.val(OpRef::op(u as u32));
            if !matches!(v, V::Out(_)) {
                self.force_v(v);
            }
        }
    }

    /// The fields of the virtual object at carried position `k` (argument `x`), in the order
    /// of `shape` (or the object's own, sorted by descriptor, when `shape` is `None`); `None`
    /// when it is not an unforced virtual struct of that shape.
    fn carried_fields(
        &mut self,
        x: OpRef,
        shape: Option<&Shape>,
        seen: &mut Vec<u32>,
    ) -> Option<(Shape, Vec<V>)> {
        let V::Virt(k) = self.val(x) else {
            return None;
        };
        if seen.contains(&k) {
            return None;
        }
        seen.push(k);
        let o = &self.objs[k as usize];
        if matches!(o.kind, VirtualKind::Array(_)) {
            return None;
        }
        let mut fds: Vec<DescrId> = o.fields.iter().map(|&(d, _)| d).collect();
        fds.sort_unstable_by_key(|d| d.0);
        if let Some((kind, want)) = shape
            && (*kind != o.kind || *want != fds)
        {
            return None;
        }
        let vals = fds
            .iter()
            .map(|d| {
                o.fields
                    .iter()
                    .find(|(e, _)| e == d)
                    .map(|&(_, v)| v)
                    .unwrap_or(V::Out(OpRef::op(0)))
            })
            .collect();
        Some(((o.kind, fds), vals))
    }

    /// The loop's label with carried objects: each passed as its fields, and after the label
    /// a virtual object whose fields are the label's arguments.
    fn carried_label(&mut self, i: usize) -> usize {
        let src = self.b.src;
        let op = &src.ops[i];
        let mut flat: Vec<OpRef> = Vec::new();
        let mut spans: Vec<(usize, usize, usize)> = Vec::new(); // (position, start, len)
        let mut seen = Vec::new();
        for (k, &x) in op.args.iter().enumerate() {
            if self.carry.positions.contains(&k) {
                match self.carried_fields(x, None, &mut seen) {
                    Some((shape, vals)) => {
                        let start = flat.len();
                        for v in vals {
                            let r = self.force_v(v);
                            flat.push(r);
                        }
                        spans.push((k, start, flat.len() - start));
                        self.carry.shapes.insert(k, shape);
                        continue;
                    }
                    None => {
                        self.mismatch.get_or_insert(k);
                    }
                }
            }
            let r = if !x.is_const() && self.virt_of.contains_key(&x.index()) {
                self.out(x)
            } else {
                self.b.get_raw(x)
            };
            flat.push(r);
        }
        let carried: Vec<OpRef> = spans.iter().map(|&(k, _, _)| op.args[k]).collect();
        self.force_used_after(i, &carried);
        let args = self.b.label_args(flat);
        self.b.barrier();
        let mut at = 0;
        for (k, &a) in op.args.iter().enumerate() {
            if let Some(&(_, start, len)) = spans.iter().find(|s| s.0 == k) {
                let (kind, fds) = self.carry.shapes[&k].clone();
                let obj = self.objs.len() as u32;
                self.objs.push(VObj {
                    kind,
                    fields: fds
                        .into_iter()
                        .zip(args[start..start + len].iter().map(|&r| V::Out(r)))
                        .collect(),
                    items: Vec::new(),
                    parts: Vec::new(),
                    forced: None,
                    forced_addr: None,
                    addr_taken: false,
                });
                self.virt_of.insert(a.index(), V::Virt(obj));
                at = start + len;
                continue;
            }
            if !a.is_const() {
                self.virt_of.remove(&a.index());
                self.b.set(a.index(), args[at]);
            }
            at += 1;
        }
        let mut new = op.clone();
        new.args = args;
        self.b.push(new);
        1
    }

    /// The loop's jump with carried objects: each must be a virtual of the label's shape, and
    /// is passed as its fields.
    fn carried_jump(&mut self, i: usize) {
        let src = self.b.src;
        let op = &src.ops[i];
        let mut flat = Vec::new();
        let mut seen = Vec::new();
        for (k, &x) in op.args.iter().enumerate() {
            if let Some(shape) = self.carry.shapes.get(&k).cloned() {
                match self.carried_fields(x, Some(&shape), &mut seen) {
                    Some((_, vals)) => {
                        for v in vals {
                            let r = self.force_v(v);
                            flat.push(r);
                        }
                    }
                    None => {
                        self.mismatch.get_or_insert(k);
                        flat.extend(shape.1.iter().map(|_| OpRef::op(0)));
                    }
                }
                continue;
            }
            flat.push(self.out(x));
        }
        let mut new = op.clone();
        new.args = flat;
        self.b.push(new);
    }

    fn new_virtual(&mut self, i: usize, kind: VirtualKind, items: Vec<V>) {
        let k = self.objs.len() as u32;
        self.objs.push(VObj {
            kind,
            fields: Vec::new(),
            items,
            parts: Vec::new(),
            forced: None,
            forced_addr: None,
            addr_taken: false,
        });
        self.virt_of.insert(i, V::Virt(k));
    }
}

/// The virtualize pass.
pub(super) fn run(src: &Trace, _ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    run_with(src, Carry::default()).map(|(t, _)| t)
}

fn run_with(src: &Trace, carry: Carry) -> Result<(Trace, Option<usize>), OptError> {
    let mut v = Virt {
        b: Builder::new(src, Norm::Full),
        carry,
        mismatch: None,
        virt_of: FastMap::default(),
        objs: Vec::new(),
    };
    let n = src.ops.len();
    let mut i = v.b.num_inputs();
    while i < n {
        i += v.op(i);
    }
    let mismatch = v.mismatch;
    Ok((v.b.finish("virtualize")?, mismatch))
}

/// Virtuals across the back edge (after `unroll`): an object the peeled loop allocates and
/// passes to its next iteration (a boxed number, an iterator) is passed as its fields, so the
/// loop allocates nothing for it. Candidates are the label/jump argument positions where both
/// the preamble and the loop pass a fresh allocation of the same type; a candidate whose
/// object turns out not to be virtual there, or not of the same shape (type and fields), is
/// dropped and the pass redone.
pub(super) fn carry(src: &Trace, _ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    let Some(last) = src.ops.last() else {
        return Ok(src.clone());
    };
    let n = src.num_inputs();
    let label = (n + 1..src.ops.len()).find(|&i| {
        src.ops[i].opcode == Opcode::Label
            && last.opcode == Opcode::Jump
            && src.ops[i].descr == last.descr
    });
    let Some(label) = label else {
        return Ok(src.clone());
    };
    let alloc = |r: OpRef| -> Option<DescrId> {
        let op = (!r.is_const()).then(|| &src.ops[r.index()])?;
        matches!(op.opcode, Opcode::New | Opcode::NewWithVtable).then_some(op.descr?)
    };
    let (la, ja) = (&src.ops[label].args, &last.args);
    let mut positions: Vec<usize> = (0..la.len().min(ja.len()))
        .filter(|&k| {
            let (a, b) = (la[k], ja[k]);
            alloc(a).is_some()
                && alloc(a) == alloc(b)
                && a.index() < label
                && b.index() > label
                && la.iter().filter(|&&x| x == a).count() == 1
        })
        .collect();
    while !positions.is_empty() {
        let carry = Carry {
            label,
            positions: positions.clone(),
            shapes: FastMap::default(),
        };
        match run_with(src, carry)? {
            (t, None) => return Ok(t),
            (_, Some(k)) => positions.retain(|&p| p != k),
        }
    }
    Ok(src.clone())
}
