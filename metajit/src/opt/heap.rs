//! Heap: load/store forwarding, read caching and lazy stores.
//!
//! Fifth pass (after pure, before unroll), on a trace whose non-escaping allocations are gone.
//! A cache maps memory locations to the value they are known to hold: a field `(descriptor,
//! object)`, an array item `(descriptor, array, index)` (the index an output value, constant
//! or not), an array length, an object's class. A load of a known location is replaced by the
//! known value (through `Builder::narrow`, which truncates a stored value as memory would); a
//! load of an unknown location is emitted and cached.
//!
//! **Aliasing.** Locations with different descriptors never overlap (a field descriptor belongs
//! to one struct type, an array descriptor to one array type). Two objects are known to be
//! distinct when they are different constants, or when one is an allocation of this trace and
//! the other is another allocation or a value that existed before it; array indices are known
//! different when they are different constants. A store to `F` of object `p` forgets what is
//! cached about `F` of every object that may be `p`; a store to an item forgets the items of
//! arrays that may be the same array at indices that may be equal.
//!
//! **Calls** forget according to their descriptor's `EffectInfo`: elidable and read-only calls
//! keep everything, `WritesFields(names)` forgets those fields and the items of those arrays,
//! `Any` forgets every mutable field and every array item. Immutable and quasi-immutable fields, array lengths and classes
//! survive everything (quasi-immutable fields are protected by invalidation outside the
//! trace). `raw_store` and ops with unknown effects forget everything mutable.
//!
//! **Lazy stores.** A store is not emitted where it is recorded: it becomes *pending* and the
//! location's cached value. A pending store is emitted just before anything that could observe
//! memory: a load of a location it may alias (same descriptor, possibly the same object and
//! index), a store to such a location (so the two keep their order), a call (of any kind: the
//! callee may read it), a raw memory access, an op with unknown effects, `jump`, `finish`,
//! `label`. A guard does not observe memory: the pending stores are added to its snapshot
//! (`PendingStore`, in program order, before the stores an earlier optimization already
//! delayed past the guard), so a failing guard performs them before the interpreter resumes. A pending store overwritten before it was emitted is dropped, and a store of the
//! value the location is known to hold already (read from it, or stored and emitted) is
//! dropped: so `x = p.rc; p.rc = x + 1; ...; y = p.rc; p.rc = y - 1` with no call or aliasing
//! access in between leaves no store at all (rewrite folds `x + 1 - 1` to `x`).
//!
//! Stores and calls keep their relative order and number, except stores proven redundant.

use super::builder::{Builder, Norm};
use super::{OptContext, OptError};
use crate::fasthash::FastMap;
use crate::ir::{
    Descr, DescrId, EffectInfo, Op, OpRef, Opcode, PendingStore, SnapValue, Snapshot, SnapshotId,
    Trace,
};
use crate::value::Kind;

/// What the cache knows about a location.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// The value a load would give (as stored: loads narrow it).
    value: OpRef,
    /// The value memory is known to hold (from a load or an emitted store), which may differ
    /// from `value` while a store is pending.
    memory: Option<OpRef>,
    /// Whether a store of `value` is pending.
    pending: bool,
}

/// A memory location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Loc {
    Field(DescrId, OpRef),
    Item(DescrId, OpRef, OpRef),
}

impl Loc {
    fn descr(self) -> DescrId {
        match self {
            Loc::Field(d, _) | Loc::Item(d, _, _) => d,
        }
    }
}

struct Heap<'a> {
    b: Builder<'a>,
    /// Known locations, by descriptor.
    cache: FastMap<DescrId, FastMap<Loc, Entry>>,
    /// Locations with a pending store, in program order.
    pending: Vec<Loc>,
    /// How many pending stores a guard may carry.
    max_pending: usize,
    /// Array lengths: (descriptor, array) -> length.
    lens: FastMap<(DescrId, OpRef), OpRef>,
    /// Classes: object -> type id (constant).
    classes: FastMap<OpRef, OpRef>,
    /// Allocations of this trace (output values).
    fresh: crate::fasthash::FastSet<OpRef>,
}

impl Heap<'_> {
    fn known_distinct(&self, p: OpRef, q: OpRef) -> bool {
        if p == q {
            return false;
        }
        let consts = (self.b.out.const_of(p), self.b.out.const_of(q));
        if let (Some(a), Some(b)) = consts {
            return a.bits != b.bits;
        }
        let fresh_before = |a: OpRef, b: OpRef| {
            self.fresh.contains(&a) && (b.is_const() || self.fresh.contains(&b) || b < a)
        };
        fresh_before(p, q) || fresh_before(q, p)
    }

    fn may_alias(&self, a: Loc, b: Loc) -> bool {
        match (a, b) {
            (Loc::Field(d, p), Loc::Field(e, q)) => d == e && !self.known_distinct(p, q),
            (Loc::Item(d, p, i), Loc::Item(e, q, j)) => {
                let different_index = super::fold::differ(&self.b.out, self.b.horizon(), i, j);
                d == e && !self.known_distinct(p, q) && !different_index
            }
            _ => false,
        }
    }

    fn entry(&self, loc: Loc) -> Option<Entry> {
        self.cache.get(&loc.descr())?.get(&loc).copied()
    }

    fn set_entry(&mut self, loc: Loc, e: Entry) {
        self.cache.entry(loc.descr()).or_default().insert(loc, e);
    }

    /// Emits the pending store of `loc`.
    fn flush(&mut self, loc: Loc) {
        let Some(mut e) = self.entry(loc) else {
            return;
        };
        if !e.pending {
            return;
        }
        let op = match loc {
            Loc::Field(d, p) => {
                let mut op = Op::new(Opcode::SetField, Kind::Void, vec![p, e.value]);
                op.descr = Some(d);
                op
            }
            Loc::Item(d, a, i) => {
                let mut op = Op::new(Opcode::SetArrayItem, Kind::Void, vec![a, i, e.value]);
                op.descr = Some(d);
                op
            }
        };
        self.b.push(op);
        e.pending = false;
        e.memory = Some(e.value);
        self.set_entry(loc, e);
        self.pending.retain(|&l| l != loc);
    }

    /// Emits the oldest pending stores until at most `max_pending` remain: every
    /// pending store makes each later guard's resume data, fail arguments and exit code
    /// bigger, which costs compile time and code size on guard-heavy traces.
    fn bound_pending(&mut self) {
        let max = self.max_pending;
        while self.pending.len() > max {
            let oldest = self.pending[0];
            self.flush(oldest);
        }
    }

    /// Emits every pending store.
    fn flush_all(&mut self) {
        for loc in self.pending.clone() {
            self.flush(loc);
        }
    }

    /// Emits the pending stores to locations that may alias `loc` (other than `loc`).
    fn flush_aliases(&mut self, loc: Loc) {
        let hit: Vec<Loc> = self
            .pending
            .iter()
            .copied()
            .filter(|&l| l != loc && self.may_alias(l, loc))
            .collect();
        for l in hit {
            self.flush(l);
        }
    }

    /// Forgets the cached locations (other than `loc`) that may alias `loc`.
    fn kill_aliases(&mut self, loc: Loc) {
        self.flush_aliases(loc);
        let Some(map) = self.cache.get(&loc.descr()) else {
            return;
        };
        let dead: Vec<Loc> = map
            .keys()
            .copied()
            .filter(|&l| l != loc && self.may_alias(l, loc))
            .collect();
        if let Some(map) = self.cache.get_mut(&loc.descr()) {
            for l in dead {
                map.remove(&l);
            }
        }
    }

    /// After a call or unknown effect: forgets what it may have written.
    fn kill_by_effect(&mut self, effect: &EffectInfo) {
        let descrs = &self.b.out.descrs;
        self.cache.retain(|&d, _| match &descrs[d.0 as usize] {
            Descr::Field(f) => {
                f.flags.immutable || f.flags.quasi_immutable || !effect.may_write_field(f)
            }
            Descr::Array(a) => !effect.may_write_array(a),
            _ => false,
        });
    }

    /// A load of `loc` (input op `i`).
    fn load(&mut self, i: usize, loc: Loc) {
        let src = self.b.src;
        let op = &src.ops[i];
        if let Some(e) = self.entry(loc) {
            let (kind, repr) = match src.descr_of(op) {
                Some(Descr::Field(f)) => (f.kind, f.repr),
                Some(Descr::Array(a)) => (a.kind, a.repr),
                _ => (
                    op.kind,
                    crate::value::IntRepr {
                        size: 8,
                        signed: true,
                    },
                ),
            };
            let v = self.b.narrow(e.value, kind, repr);
            self.b.set(i, v);
            return;
        }
        self.flush_aliases(loc);
        let args = self.b.get_args(&op.args);
        let mut new = Op::new(op.opcode, op.kind, args);
        new.descr = op.descr;
        let r = self.b.push(new);
        self.b.set(i, r);
        self.set_entry(
            loc,
            Entry {
                value: r,
                memory: Some(r),
                pending: false,
            },
        );
    }

    /// A store of `value` to `loc`.
    fn store(&mut self, loc: Loc, value: OpRef) {
        self.kill_aliases(loc);
        match self.entry(loc) {
            Some(e) if e.memory == Some(value) => {
                // Memory already holds it: the store (and any pending one) is redundant.
                self.pending.retain(|&l| l != loc);
                self.set_entry(
                    loc,
                    Entry {
                        value,
                        memory: e.memory,
                        pending: false,
                    },
                );
            }
            e => {
                if !e.is_some_and(|e| e.pending) {
                    self.pending.push(loc);
                }
                self.set_entry(
                    loc,
                    Entry {
                        value,
                        memory: e.and_then(|e| e.memory),
                        pending: true,
                    },
                );
            }
        }
    }

    /// The snapshot of a guard: the input's, plus the pending stores.
    fn snapshot(&mut self, sid: Option<SnapshotId>) -> SnapshotId {
        let mut s = match sid {
            Some(s) => {
                let mut s = self.b.src.snapshots[s.0 as usize].clone();
                s.map_values(|r| SnapValue::Value(self.b.get(r)));
                s
            }
            None => Snapshot::default(),
        };
        // Ours come first: stores the input already delayed past this guard (its snapshot's
        // own pending stores) follow, in program order, every store the input still does
        // before the guard that they may alias (a store flushes the pending stores it may
        // alias before becoming pending itself).
        let delayed = std::mem::take(&mut s.pending);
        for &loc in &self.pending {
            let Some(e) = self.entry(loc) else { continue };
            let (descr, target, index) = match loc {
                Loc::Field(d, p) => (d, p, None),
                Loc::Item(d, a, i) => (d, a, Some(SnapValue::Value(i))),
            };
            s.pending.push(PendingStore {
                target: SnapValue::Value(target),
                descr,
                index,
                value: SnapValue::Value(e.value),
            });
        }
        s.pending.extend(delayed);
        self.b.add_snapshot(s)
    }

    /// A call-like op: pending stores first, then the op, then forget its writes.
    fn call(&mut self, i: usize) {
        let src = self.b.src;
        let op = &src.ops[i];
        let args = self.b.get_args(&op.args);
        if op.opcode == Opcode::CallPure
            && let Some(v) = self.b.lookup_pure(op.opcode, &args, op.descr)
        {
            self.b.set(i, v);
            return;
        }
        self.flush_all();
        let effect = match src.descr_of(op) {
            Some(Descr::Call(c)) => c.effect.clone(),
            _ => EffectInfo::Any,
        };
        if op.opcode == Opcode::CallPure {
            let v = self.b.emit_pure(op.opcode, op.kind, args, op.descr);
            self.b.set(i, v);
        } else {
            self.b.note_effect(op.opcode);
            let mut new = Op::new(op.opcode, op.kind, args);
            new.descr = op.descr;
            let r = self.b.push(new);
            if op.kind != Kind::Void {
                self.b.set(i, r);
            }
        }
        self.kill_by_effect(&effect);
    }

    fn op(&mut self, i: usize) -> usize {
        use Opcode::*;
        let src = self.b.src;
        let op = &src.ops[i];
        let d = op.descr.unwrap_or(DescrId(u32::MAX));
        match op.opcode {
            GetField => {
                let p = self.b.get(op.args[0]);
                self.load(i, Loc::Field(d, p));
            }
            SetField => {
                let (p, x) = (self.b.get(op.args[0]), self.b.get(op.args[1]));
                self.store(Loc::Field(d, p), x);
            }
            GetArrayItem => {
                let (a, k) = (self.b.get(op.args[0]), self.b.get(op.args[1]));
                self.load(i, Loc::Item(d, a, k));
            }
            SetArrayItem => {
                let a = self.b.get(op.args[0]);
                let (k, x) = (self.b.get(op.args[1]), self.b.get(op.args[2]));
                self.store(Loc::Item(d, a, k), x);
            }
            ArrayLen => {
                let a = self.b.get(op.args[0]);
                match self.lens.get(&(d, a)) {
                    Some(&n) => self.b.set(i, n),
                    None => {
                        self.b.copy(i);
                        let n = self.b.get(OpRef::op(i as u32));
                        self.lens.insert((d, a), n);
                    }
                }
            }
            GetClass => {
                let p = self.b.get(op.args[0]);
                match self.classes.get(&p) {
                    Some(&c) => self.b.set(i, c),
                    None => {
                        self.b.copy(i);
                        let c = self.b.get(OpRef::op(i as u32));
                        self.classes.insert(p, c);
                    }
                }
            }
            New | NewWithVtable | NewArray => {
                // The language's allocation function may write what its effect says.
                if let Some(Descr::Size(s)) = src.descr_of(op)
                    && s.alloc != 0
                {
                    let effect = s.alloc_effect.clone();
                    self.kill_by_effect(&effect);
                }
                self.b.copy(i);
                let r = self.b.get(OpRef::op(i as u32));
                self.fresh.insert(r);
                if op.opcode == NewArray {
                    let n = self.b.get(op.args[0]);
                    self.lens.insert((d, r), n);
                }
                if let (NewWithVtable, Some(Descr::Size(s))) = (op.opcode, src.descr_of(op)) {
                    let c = self.b.const_int(s.type_id);
                    self.classes.insert(r, c);
                }
            }
            IntAddOvf | IntSubOvf | IntMulOvf => {
                let args = self.b.get_args(&op.args);
                let r = self.b.push(Op::new(op.opcode, op.kind, args));
                self.b.set(i, r);
                let g = &src.ops[i + 1];
                let snap = self.snapshot(g.snapshot);
                let mut gop = Op::new(g.opcode, Kind::Void, vec![]);
                gop.snapshot = Some(snap);
                self.b.push(gop);
                return 2;
            }
            o if o.is_guard() => {
                let args = self.b.get_args(&op.args);
                self.bound_pending();
                let snap = self.snapshot(op.snapshot);
                self.b.emit_guard(o, args, snap);
                if o == GuardClass {
                    let p = self.b.get(op.args[0]);
                    let c = self.b.get(op.args[1]);
                    self.classes.insert(p, c);
                }
            }
            Call | CallPure | CallMayForce | CallAssembler | CondCall => self.call(i),
            Jump | Finish => {
                self.flush_all();
                self.b.copy(i);
            }
            Label => {
                self.flush_all();
                super::builder::copy_label(&mut self.b, i);
                if i != self.b.num_inputs() {
                    self.cache.clear();
                    self.lens.clear();
                    self.classes.clear();
                    self.fresh.clear();
                }
            }
            RawLoad => {
                self.flush_all();
                self.b.copy(i);
            }
            o if o.is_pure() || o.flags().has(crate::ir::Flags::MARKER) || o == QuasiimmutField => {
                self.b.copy(i)
            }
            _ => {
                // raw_store and anything else with effects: may touch any memory.
                self.flush_all();
                self.b.copy(i);
                self.kill_by_effect(&EffectInfo::Any);
            }
        }
        1
    }
}

/// The heap pass.
pub(super) fn run(src: &Trace, ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    let mut h = Heap {
        max_pending: ctx.max_pending_stores,
        b: Builder::new(src, Norm::Full),
        cache: FastMap::default(),
        pending: Vec::new(),
        lens: FastMap::default(),
        classes: FastMap::default(),
        fresh: Default::default(),
    };
    let n = src.ops.len();
    let mut i = h.b.num_inputs();
    while i < n {
        i += h.op(i);
    }
    if !h.pending.is_empty() {
        return Err(OptError::Internal {
            pass: "heap",
            message: "stores still pending at the end of the trace".into(),
        });
    }
    h.b.finish("heap")
}
