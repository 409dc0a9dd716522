//! Unroll: loop peeling, so that loop-invariant work runs once.
//!
//! Sixth pass (after heap, before dce), only when `OptContext::unroll` is set and the trace is
//! a loop jumping to its own entry label:
//! ```text
//! [inputs] label(inputs, Lentry) body jump(J, Lentry)
//! ```
//! becomes
//! ```text
//! [inputs] label(inputs, Lentry) body label(S, Lloop) body' jump(S', Lloop)
//! ```
//! The first copy of the body (the *preamble*) is the input, unchanged: it runs the first
//! iteration and is where other traces and bridges enter (`Lentry` keeps its place and
//! arguments). The second copy (the *peeled loop*, `Lloop` from `OptContext::new_target`)
//! runs every later iteration and omits what the preamble already did:
//!
//! - **Invariant values** are computed once. An input is invariant when the jump passes it
//!   back unchanged (`J[k]` is input `k`); constants are invariant; so is a pure op or
//!   `call_pure` of invariant values, an overflow-checked op of invariant values (with its
//!   `guard_no_overflow`), `arraylen` and `getclass` of an invariant object (lengths and
//!   classes never change), a `getfield` of an invariant object whose field is immutable,
//!   quasi-immutable or written by no op of the body (no `setfield` with that field, no call
//!   whose effect may write it, no `raw_store`), and a `getarrayitem` of an invariant array at
//!   an invariant index whose array type no op of the body writes. Each has the same value in
//!   every iteration, so the loop uses the preamble's value.
//! - **Established guards**: a guard whose arguments are all invariant checks what the
//!   preamble's copy already checked on the same values; it cannot fail in the loop.
//! - **Loop-carried memory**: a load of a field of an invariant object (or an item of an
//!   invariant array at an invariant index) that is the body's first access to that location,
//!   with no store or call before it that may write it, reads what the previous iteration left
//!   there; if the body ends knowing that value (its last access is a store or a load, with
//!   nothing after it that may write the location), the load is replaced by that value carried
//!   from the previous iteration. Stores stay: memory is exact at every guard and at the jump.
//!
//! Values crossing `Lloop` are its arguments: one per preamble value `s` the loop needs (the
//! jump's arguments, the end values of carried loads, the invariant values the loop uses). At
//! `Lloop`, `s` holds its preamble value; the loop's jump passes the loop's own copy of `s`
//! (for an invariant value, `s` itself: the same label argument back). After `Lloop` the trace
//! only refers to these arguments and to ops after it, so the loop is closed. Because the loop
//! is a substituted copy of the body, its end state has the preamble's shape by construction:
//! the jump to `Lloop` is always compatible and no fall-back to `Lentry` is needed. Arguments
//! the loop ends up not needing are removed by dce.
//!
//! When peeling would remove nothing (no invariant op, established guard or carried load), the
//! trace is left as it is: a second copy of the body would only cost code.

use super::{OptContext, OptError};
use crate::fasthash::{FastMap, FastSet};
use crate::ir::{Descr, DescrId, EffectInfo, Op, OpRef, Opcode, SnapValue, Trace};
use crate::value::Kind;
use std::sync::Arc;

/// A memory location the carried-load analysis follows.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Loc {
    Field(DescrId, OpRef),
    Item(DescrId, OpRef, OpRef),
}

/// What an op of the body may write.
#[derive(Default)]
struct Writes {
    fields: FastSet<Arc<str>>,
    arrays: FastSet<DescrId>,
    /// Declared effects that may write arrays by name (`writes([Item])`).
    declared: Vec<EffectInfo>,
    all_fields: bool,
    all_arrays: bool,
}

impl Writes {
    fn add_effect(&mut self, e: &EffectInfo) {
        match e {
            EffectInfo::Elidable | EffectInfo::ReadOnly => {}
            EffectInfo::WritesFields(names) => {
                self.fields.extend(names.iter().cloned());
                self.declared.push(e.clone());
            }
            EffectInfo::Any => {
                self.all_fields = true;
                self.all_arrays = true;
            }
        }
    }

    /// What op `op` may write.
    fn of_op(t: &Trace, op: &Op) -> Writes {
        let mut w = Writes::default();
        match (op.opcode, t.descr_of(op)) {
            (Opcode::SetField, Some(Descr::Field(f))) => {
                w.fields.insert(f.name.clone());
            }
            (Opcode::SetArrayItem, _) => {
                if let Some(d) = op.descr {
                    w.arrays.insert(d);
                }
            }
            (Opcode::CallPure, _) => {}
            (Opcode::New | Opcode::NewWithVtable, Some(Descr::Size(s))) if s.alloc != 0 => {
                w.add_effect(&s.alloc_effect)
            }
            (o, d) if o.is_call() => match d {
                Some(Descr::Call(c)) => w.add_effect(&c.effect),
                _ => w.add_effect(&EffectInfo::Any),
            },
            (o, _) if o.flags().has(crate::ir::Flags::EFFECT) => w.add_effect(&EffectInfo::Any),
            _ => {}
        }
        w
    }

    fn merge(&mut self, o: Writes) {
        self.fields.extend(o.fields);
        self.arrays.extend(o.arrays);
        self.declared.extend(o.declared);
        self.all_fields |= o.all_fields;
        self.all_arrays |= o.all_arrays;
    }

    fn field(&self, f: &crate::ir::FieldDescr) -> bool {
        !(f.flags.immutable || f.flags.quasi_immutable)
            && (self.all_fields || self.fields.contains(&f.name))
    }

    fn array(&self, t: &Trace, d: DescrId) -> bool {
        self.all_arrays
            || self.arrays.contains(&d)
            || t.descrs[d.0 as usize]
                .as_array()
                .is_some_and(|a| self.declared.iter().any(|e| e.may_write_array(a)))
    }
}

/// How the peeled loop treats a body op.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    /// Recomputed in the loop.
    Variant,
    /// Same value in every iteration: the loop uses the preamble's.
    Invariant,
    /// A guard the preamble's copy already established.
    Established,
    /// A load replaced by the value the previous iteration left (a body value).
    Carried(OpRef),
}

struct Analysis<'t> {
    t: &'t Trace,
    entry: usize,
    jump: usize,
    role: Vec<Role>,
}

impl Analysis<'_> {
    fn invariant(&self, r: OpRef) -> bool {
        r.is_const() || self.role[r.index()] == Role::Invariant
    }

    /// Whether two objects of the trace may be the same (for the carried-load analysis).
    fn may_alias(&self, p: OpRef, q: OpRef) -> bool {
        if p == q {
            return true;
        }
        if let (Some(a), Some(b)) = (self.t.const_of(p), self.t.const_of(q)) {
            return a.bits == b.bits;
        }
        let fresh = |r: OpRef| {
            !r.is_const()
                && r.index() > self.entry
                && matches!(
                    self.t.ops[r.index()].opcode,
                    Opcode::New | Opcode::NewWithVtable | Opcode::NewArray
                )
        };
        // Allocations of the body are distinct from the (invariant) objects that existed
        // before it.
        !(fresh(p) || fresh(q))
    }

    fn loc_written_by(&self, loc: Loc, op: &Op) -> Option<Option<OpRef>> {
        // Some(Some(v)): the op stores v at loc; Some(None): it may write loc; None: it does
        // not write it.
        let t = self.t;
        match (loc, op.opcode) {
            (Loc::Field(d, p), Opcode::SetField) if op.descr == Some(d) => {
                if op.args[0] == p {
                    Some(Some(op.args[1]))
                } else if self.may_alias(p, op.args[0]) {
                    Some(None)
                } else {
                    None
                }
            }
            (Loc::Item(d, a, k), Opcode::SetArrayItem) if op.descr == Some(d) => {
                let j = op.args[1];
                let same_index = j == k;
                let other_index = super::fold::differ(t, 0, j, k);
                if op.args[0] == a && same_index {
                    Some(Some(op.args[2]))
                } else if self.may_alias(a, op.args[0]) && !other_index {
                    Some(None)
                } else {
                    None
                }
            }
            _ => {
                let w = Writes::of_op(t, op);
                let hit = match loc {
                    Loc::Field(d, _) => t.descrs[d.0 as usize]
                        .as_field()
                        .is_some_and(|f| w.all_fields || w.fields.contains(&f.name)),
                    Loc::Item(d, _, _) => w.array(t, d),
                };
                hit.then_some(None)
            }
        }
    }

    /// Classifies the body's ops.
    fn run(&mut self) {
        let t = self.t;
        let mut writes = Writes::default();
        for op in &t.ops[self.entry + 1..self.jump] {
            writes.merge(Writes::of_op(t, op));
        }
        let jargs = &t.ops[self.jump].args;
        for (k, &a) in jargs.iter().enumerate() {
            if a == OpRef::op(k as u32) {
                self.role[k] = Role::Invariant;
            }
        }
        // Loads that may be carried: location -> (load op, body ops before it).
        let mut first: FastMap<Loc, usize> = FastMap::default();
        let mut i = self.entry + 1;
        while i < self.jump {
            let op = &t.ops[i];
            let all_inv = op.args.iter().all(|&a| self.invariant(a));
            let d = t.descr_of(op);
            use Opcode::*;
            let role = match op.opcode {
                o if (o.is_pure() || o == CallPure) && all_inv => Role::Invariant,
                IntAddOvf | IntSubOvf | IntMulOvf
                    if all_inv && t.ops[i + 1].opcode == GuardNoOverflow =>
                {
                    self.role[i] = Role::Invariant;
                    self.role[i + 1] = Role::Established;
                    i += 2;
                    continue;
                }
                ArrayLen | GetClass if all_inv => Role::Invariant,
                GetField if all_inv => match d.and_then(Descr::as_field) {
                    Some(f) if !writes.field(f) => Role::Invariant,
                    _ => {
                        first
                            .entry(Loc::Field(op.descr.unwrap_or(DescrId(0)), op.args[0]))
                            .or_insert(i);
                        Role::Variant
                    }
                },
                GetArrayItem if all_inv => match op.descr {
                    Some(dd) if !writes.array(t, dd) => Role::Invariant,
                    Some(dd) => {
                        first
                            .entry(Loc::Item(dd, op.args[0], op.args[1]))
                            .or_insert(i);
                        Role::Variant
                    }
                    None => Role::Variant,
                },
                o if o.is_guard()
                    && !op.args.is_empty()
                    && all_inv
                    && !matches!(o, GuardNoOverflow | GuardOverflow) =>
                {
                    Role::Established
                }
                _ => Role::Variant,
            };
            self.role[i] = role;
            i += 1;
        }
        // Carried loads: the first access to their location, nothing before it in the body
        // that may write it, and a value known at the end of the body.
        let mut carried: Vec<(usize, OpRef)> = Vec::new();
        for (&loc, &at) in &first {
            let before = &t.ops[self.entry + 1..at];
            if before
                .iter()
                .any(|op| self.loc_written_by(loc, op).is_some() || self.reads(loc, op))
            {
                continue;
            }
            let mut known = Some(OpRef::op(at as u32));
            for (j, op) in t.ops.iter().enumerate().take(self.jump).skip(at + 1) {
                if self.reads(loc, op) {
                    known = Some(OpRef::op(j as u32));
                }
                match self.loc_written_by(loc, op) {
                    Some(Some(v)) => known = Some(v),
                    Some(None) => known = None,
                    None => {}
                }
            }
            if let Some(v) = known {
                carried.push((at, v));
            }
        }
        for (at, v) in carried {
            self.role[at] = Role::Carried(v);
        }
    }

    /// Whether `op` is a load of exactly `loc` (a later access giving its value).
    fn reads(&self, loc: Loc, op: &Op) -> bool {
        match (loc, op.opcode) {
            (Loc::Field(d, p), Opcode::GetField) => op.descr == Some(d) && op.args[0] == p,
            (Loc::Item(d, a, k), Opcode::GetArrayItem) => {
                op.descr == Some(d) && op.args[0] == a && op.args[1] == k
            }
            _ => false,
        }
    }
}

/// The unroll pass.
pub(super) fn run(src: &Trace, ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    if !ctx.unroll {
        return Ok(src.clone());
    }
    let n = src.num_inputs();
    let Some(jump) = src.ops.len().checked_sub(1) else {
        return Ok(src.clone());
    };
    let (Some(label), last) = (src.ops.get(n), &src.ops[jump]) else {
        return Ok(src.clone());
    };
    let entry_target = src.descr_of(label).and_then(Descr::as_target);
    let is_loop = label.opcode == Opcode::Label
        && label
            .args
            .iter()
            .enumerate()
            .all(|(k, &a)| a == OpRef::op(k as u32))
        && label.args.len() == n
        && last.opcode == Opcode::Jump
        && last.args.len() == n
        && entry_target.is_some()
        && src.descr_of(last).and_then(Descr::as_target) == entry_target
        && !src.ops[n + 1..jump]
            .iter()
            .any(|o| o.opcode == Opcode::Label);
    if !is_loop {
        return Ok(src.clone());
    }
    let mut a = Analysis {
        t: src,
        entry: n,
        jump,
        role: vec![Role::Variant; src.ops.len()],
    };
    a.run();
    let body = n + 1..jump;
    // Peeling pays when the loop has invariant work, or passes an object it allocates to its
    // next iteration (which `carry` can then pass as its fields).
    let carries_allocation = src.ops[jump].args.iter().any(|r| {
        !r.is_const()
            && matches!(
                src.ops[r.index()].opcode,
                Opcode::New | Opcode::NewWithVtable
            )
    });
    if body.clone().all(|i| a.role[i] == Role::Variant) && !carries_allocation {
        return Ok(src.clone());
    }
    peel(src, &a, (ctx.new_target)())
}

/// Builds preamble + peeled loop from the analysis.
fn peel(src: &Trace, a: &Analysis<'_>, lloop: crate::ir::TargetId) -> Result<Trace, OptError> {
    let (n, jump) = (a.entry, a.jump);
    let jargs = &src.ops[jump].args;
    // The loop value of a body value, before the loop's own ops exist: what label slot (a
    // preamble value) or constant stands for it.
    let slot_of = |r: OpRef| -> OpRef {
        if r.is_const() {
            return r;
        }
        if r.index() < n {
            return jargs[r.index()];
        }
        match a.role[r.index()] {
            Role::Carried(v) => v,
            _ => r,
        }
    };
    // Slots: every preamble value the loop needs, in a fixed order.
    let mut slots: Vec<OpRef> = Vec::new();
    let mut in_slots: FastSet<OpRef> = FastSet::default();
    let mut need = |slots: &mut Vec<OpRef>, s: OpRef| {
        if !s.is_const() && in_slots.insert(s) {
            slots.push(s);
        }
    };
    for &j in jargs {
        need(&mut slots, j);
    }
    for i in n + 1..jump {
        if let Role::Carried(v) = a.role[i] {
            // The first iteration's value of the location is the preamble's end value v;
            // loop values may themselves be carried, inputs or invariants.
            need(&mut slots, v);
        }
    }
    let mut uses = |slots: &mut Vec<OpRef>, r: OpRef| {
        if r.is_const() {
            return;
        }
        let s = slot_of(r);
        let is_body_variant = s.index() > n && s == r && a.role[r.index()] == Role::Variant;
        if !is_body_variant {
            need(slots, s);
        }
    };
    for i in n + 1..jump {
        if a.role[i] != Role::Variant {
            continue;
        }
        let op = &src.ops[i];
        for &r in &op.args {
            uses(&mut slots, r);
        }
        if let Some(s) = op.snapshot {
            src.snapshots[s.0 as usize].for_each_value(|v| {
                if let SnapValue::Value(r) = v {
                    uses(&mut slots, r);
                }
            });
        }
    }
    // Invariant or carried values can stand in for others: close the set under slot_of of the
    // loop values the jump passes back.
    let mut k = 0;
    while k < slots.len() {
        let s = slots[k];
        if s.index() > n && a.role[s.index()] != Role::Variant {
            uses(&mut slots, s);
        }
        k += 1;
    }

    // Preamble: the input up to its jump, unchanged.
    let mut out = src.fresh_like();
    for op in &src.ops[..jump] {
        let mut op = op.clone();
        if let Some(s) = op.snapshot {
            op.snapshot = Some(out.add_snapshot(src.snapshots[s.0 as usize].clone()));
        }
        out.push(op);
    }
    let d = out.descr(Descr::Target(lloop));
    let mut label = Op::new(Opcode::Label, Kind::Void, slots.clone());
    label.descr = Some(d);
    out.push(label);

    // The peeled loop.
    let mut lmap: Vec<Option<OpRef>> = vec![None; src.ops.len()];
    let bound: FastSet<OpRef> = slots.iter().copied().collect();
    let get = |lmap: &[Option<OpRef>], r: OpRef| -> Result<OpRef, OptError> {
        if r.is_const() {
            return Ok(r);
        }
        if let Some(v) = lmap[r.index()] {
            return Ok(v);
        }
        let s = slot_of(r);
        if s.is_const() || bound.contains(&s) {
            Ok(s)
        } else {
            Err(OptError::Internal {
                pass: "unroll",
                message: format!("the loop needs {r:?}, which crosses no label argument"),
            })
        }
    };
    for i in n + 1..jump {
        let op = &src.ops[i];
        if let Role::Carried(v) = a.role[i] {
            // A carried value is what was stored: a load of a narrow field would truncate it.
            let repr = match src.descr_of(op) {
                Some(Descr::Field(f)) if f.kind == Kind::Int => f.repr,
                Some(Descr::Array(d)) if d.kind == Kind::Int => d.repr,
                _ => continue,
            };
            if super::fold::fits_repr(src, 0, v, repr) {
                continue;
            }
            // The slot of v (its value in the previous iteration), not the loop's own v.
            if let Some(c) = src.const_int_of(v) {
                lmap[i] = Some(out.const_int(crate::value::normalize_int(c, repr)));
                continue;
            }
            let x = v;
            let (opcode, k) = super::fold::narrowing(repr);
            let k = out.const_int(k);
            lmap[i] = Some(out.push(Op::new(opcode, Kind::Int, vec![x, k])));
            continue;
        }
        if a.role[i] != Role::Variant {
            continue;
        }
        let mut new = op.clone();
        new.args = op
            .args
            .iter()
            .map(|&r| get(&lmap, r))
            .collect::<Result<_, _>>()?;
        if let Some(s) = op.snapshot {
            let mut snap = src.snapshots[s.0 as usize].clone();
            let mut err = None;
            snap.map_values(|r| match get(&lmap, r) {
                Ok(v) => SnapValue::Value(v),
                Err(e) => {
                    err = Some(e);
                    SnapValue::Value(r)
                }
            });
            if let Some(e) = err {
                return Err(e);
            }
            new.snapshot = Some(out.add_snapshot(snap));
        }
        let r = out.push(new);
        if op.kind != Kind::Void {
            lmap[i] = Some(r);
        }
    }
    let args = slots
        .iter()
        .map(|&s| get(&lmap, s))
        .collect::<Result<Vec<_>, _>>()?;
    let mut j = Op::new(Opcode::Jump, Kind::Void, args);
    j.descr = Some(d);
    out.push(j);
    Ok(out)
}
