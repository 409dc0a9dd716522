//! The output side of every pass: a new trace under construction, the mapping from the input
//! trace's values to the output's, and emission helpers that keep the output normalized.
//!
//! A pass reads its input trace once, front to back, and for each op decides what to emit into
//! a [`Builder`]. The builder starts as a copy of the input's inputs, shares its constant and
//! descriptor tables (so constant `OpRef`s and `DescrId`s keep their meaning) and records, for
//! each input op, the output value that now stands for it ([`Builder::get`]).
//!
//! Passes that substitute values (a load forwarded to a stored value, a guarded value replaced
//! by its constant) expose new folding opportunities in later ops. Rather than re-running the
//! whole pipeline, such passes emit pure ops through [`Builder::emit_pure`], which applies the
//! rewrite pass's fold rules ([`super::fold::fold`]) and the pure pass's CSE table
//! ([`super::cse::CseTable`]) on the spot, and guards through [`Builder::emit_guard`], which
//! drops guards whose condition is already known ([`super::fold::GuardFacts`]): the same
//! idea as LuaJIT's FOLD engine, which every emitter calls. [`Norm`] says which of these a
//! pass wants.
//!
//! Invariant: every value an emitted op or snapshot refers to is defined earlier in the output
//! (the verifier checks it after each pass).

use super::cse::CseTable;
use super::fold::{self, Folded, GuardFacts, Known};
use crate::ir::{DescrId, Op, OpRef, Opcode, SnapValue, Snapshot, SnapshotId, Trace};
use crate::value::{IntRepr, Kind};

/// Which normalizations the builder applies to what a pass emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Norm {
    /// Emit exactly what the pass asks for.
    Raw,
    /// Fold pure ops, CSE them, and drop guards whose condition is known.
    Full,
}

/// The output trace under construction and the input -> output value mapping.
pub(super) struct Builder<'a> {
    /// The input trace.
    pub src: &'a Trace,
    /// The output trace.
    pub out: Trace,
    /// For each input op, the output value standing for it (`None`: not mapped yet or void).
    map: Vec<Option<OpRef>>,
    /// Replacements of output values learnt from guards (`guard_value(x, 7)` makes later uses
    /// of `x` use `7`), indexed by output op.
    subst: Vec<Option<OpRef>>,
    /// CSE of pure ops (with `Norm::Full`).
    pub(super) cse: Option<CseTable>,
    /// What guards established (with `Norm::Full`).
    pub facts: Option<GuardFacts>,
    /// The first input value a pass asked for before mapping it (a bug in the pass, reported
    /// by [`Builder::finish`]).
    unmapped: std::cell::Cell<Option<OpRef>>,
    /// Output ops before this index are not looked into: a `label` after the start rebinds
    /// its arguments, so their defining ops no longer describe them (and, in a closed loop,
    /// nothing after the label refers to other values from before it).
    horizon: usize,
}

impl<'a> Builder<'a> {
    /// A builder whose output starts with the input's `input` ops.
    pub fn new(src: &'a Trace, norm: Norm) -> Builder<'a> {
        let mut out = src.fresh_like();
        let mut map = vec![None; src.ops.len()];
        for (i, op) in src.ops.iter().enumerate() {
            if op.opcode != Opcode::Input {
                break;
            }
            map[i] = Some(out.push(op.clone()));
        }
        let full = norm == Norm::Full;
        Builder {
            src,
            subst: vec![None; out.ops.len()],
            out,
            map,
            cse: full.then(CseTable::default),
            facts: full.then(GuardFacts::default),
            unmapped: std::cell::Cell::new(None),
            horizon: 0,
        }
    }

    /// The number of input ops (they are copied first and map to themselves).
    pub fn num_inputs(&self) -> usize {
        self.src.num_inputs()
    }

    /// The output value standing for input value `r` (constants stand for themselves).
    pub fn get(&self, r: OpRef) -> OpRef {
        if r.is_const() {
            return r;
        }
        match self.map.get(r.index()).copied().flatten() {
            Some(v) => self.resolve(v),
            None => {
                // On verified input this means a pass forgot to map a value: reported by
                // `finish` rather than silently naming the wrong output op.
                if self.unmapped.get().is_none() {
                    self.unmapped.set(Some(r));
                }
                r
            }
        }
    }

    /// The output value mapped to input value `r`, ignoring replacements learnt from guards
    /// (what a `label` must rebind).
    pub fn get_raw(&self, r: OpRef) -> OpRef {
        if r.is_const() {
            return r;
        }
        match self.map.get(r.index()).copied().flatten() {
            Some(v) => v,
            None => {
                if self.unmapped.get().is_none() {
                    self.unmapped.set(Some(r));
                }
                r
            }
        }
    }

    /// Arguments for a `label`: output values it rebinds, so neither constants nor one value
    /// twice (the backends bind each argument to its value); a constant or repeated value that
    /// folding or forwarding produced is passed through a `same_as`.
    pub fn label_args(&mut self, args: Vec<OpRef>) -> Vec<OpRef> {
        let mut out: Vec<OpRef> = Vec::with_capacity(args.len());
        for a in args {
            let a = if a.is_const() || out.contains(&a) {
                let kind = self.out.kind_of(a);
                self.push(Op::new(Opcode::SameAs, kind, vec![a]))
            } else {
                a
            };
            out.push(a);
        }
        out
    }

    /// Forgets everything learnt from guards and CSE: at a `label` inside the trace, values
    /// are rebound, so facts about them from before the label no longer hold.
    pub fn barrier(&mut self) {
        self.horizon = self.out.ops.len();
        self.subst.iter_mut().for_each(|s| *s = None);
        if let Some(c) = &mut self.cse {
            *c = CseTable::default();
        }
        if let Some(f) = &mut self.facts {
            *f = GuardFacts::default();
        }
    }

    /// `get` for every argument.
    pub fn get_args(&self, args: &[OpRef]) -> Vec<OpRef> {
        args.iter().map(|&a| self.get(a)).collect()
    }

    /// Makes input op `i` stand for output value `v`.
    pub fn set(&mut self, i: usize, v: OpRef) {
        self.map[i] = Some(v);
    }

    /// Applies the replacements learnt from guards to an output value.
    pub fn resolve(&self, v: OpRef) -> OpRef {
        if v.is_const() {
            return v;
        }
        self.subst.get(v.index()).copied().flatten().unwrap_or(v)
    }

    /// From now on, uses of output value `v` use `with` instead.
    pub fn replace(&mut self, v: OpRef, with: OpRef) {
        if !v.is_const() && v != with {
            self.subst[v.index()] = Some(with);
        }
    }

    /// Appends an op to the output as is.
    pub fn push(&mut self, op: Op) -> OpRef {
        let r = self.out.push(op);
        self.subst.push(None);
        r
    }

    /// An integer constant.
    pub fn const_int(&mut self, v: i64) -> OpRef {
        self.out.const_int(v)
    }

    /// A constant of `kind` with raw bits `bits`.
    pub fn const_bits(&mut self, kind: Kind, bits: i64) -> OpRef {
        self.out.konst(crate::ir::Const { kind, bits })
    }

    /// The op defining output value `v`, if it is not a constant (nor rebound by a label).
    pub fn def(&self, v: OpRef) -> Option<&Op> {
        (!v.is_const() && v.index() >= self.horizon).then(|| &self.out.ops[v.index()])
    }

    /// The first output op whose definition may be looked into (see `horizon`).
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Emits a pure op (or a `call_pure`), folded and CSE'd when the builder normalizes.
    pub fn emit_pure(
        &mut self,
        opcode: Opcode,
        kind: Kind,
        args: Vec<OpRef>,
        descr: Option<DescrId>,
    ) -> OpRef {
        let args: Vec<OpRef> = args.into_iter().map(|a| self.resolve(a)).collect();
        let (opcode, args) = if self.cse.is_some() && opcode != Opcode::CallPure {
            match fold::fold(&mut self.out, self.horizon, opcode, args) {
                Folded::Value(v) => return v,
                Folded::Op(o, a) => (o, a),
            }
        } else {
            (opcode, args)
        };
        if let Some(cse) = &self.cse
            && let Some(v) = cse.lookup(opcode, &args, descr)
        {
            return v;
        }
        let r = self.push(Op {
            opcode,
            kind,
            args,
            descr,
            snapshot: None,
        });
        if let Some(cse) = &mut self.cse {
            cse.insert(opcode, &self.out.ops[r.index()].args, descr, r);
        }
        r
    }

    /// The value of an equal pure op emitted before, if the builder CSEs.
    pub fn lookup_pure(
        &self,
        opcode: Opcode,
        args: &[OpRef],
        descr: Option<DescrId>,
    ) -> Option<OpRef> {
        let args: Vec<OpRef> = args.iter().map(|&a| self.resolve(a)).collect();
        self.cse.as_ref()?.lookup(opcode, &args, descr)
    }

    /// Emits a guard with already-mapped arguments and an output snapshot, unless the facts
    /// gathered so far prove it always passes (then nothing is emitted). Returns whether it was
    /// emitted.
    pub fn emit_guard(&mut self, opcode: Opcode, args: Vec<OpRef>, snapshot: SnapshotId) -> bool {
        let args: Vec<OpRef> = args.into_iter().map(|a| self.resolve(a)).collect();
        if let Some(facts) = &self.facts
            && facts.passes(&self.out, self.horizon, opcode, &args)
        {
            return false;
        }
        self.push(Op {
            opcode,
            kind: Kind::Void,
            args: args.clone(),
            descr: None,
            snapshot: Some(snapshot),
        });
        if let Some(mut facts) = self.facts.take() {
            if let Some((a, known)) = facts.learn(&self.out, self.horizon, opcode, &args) {
                let v = match known {
                    Known::Int(n) => self.const_int(n),
                    Known::Null => self.const_bits(Kind::Ref, 0),
                    Known::Value(v) => v,
                };
                self.replace(a, v);
            }
            self.facts = Some(facts);
        }
        true
    }

    /// Tells the guard facts that an op with effects ran (calls reset what
    /// `guard_no_exception` and `guard_not_invalidated` established).
    pub fn note_effect(&mut self, opcode: Opcode) {
        if let Some(f) = &mut self.facts {
            f.note_effect(opcode);
        }
    }

    /// Copies snapshot `sid` of the input, rewriting each trace value with `get`.
    pub fn snapshot(&mut self, sid: SnapshotId) -> SnapshotId {
        let mut s = self.src.snapshots[sid.0 as usize].clone();
        s.map_values(|r| SnapValue::Value(self.get(r)));
        self.out.add_snapshot(s)
    }

    /// Adds an already-rewritten snapshot to the output.
    pub fn add_snapshot(&mut self, s: Snapshot) -> SnapshotId {
        self.out.add_snapshot(s)
    }

    /// Copies input op `i` with its arguments (and snapshot) rewritten, pure ops and guards
    /// through the normalizations; maps its result.
    pub fn copy(&mut self, i: usize) {
        let src = self.src;
        let op = &src.ops[i];
        let args = self.get_args(&op.args);
        if op.opcode.is_pure() || op.opcode == Opcode::CallPure {
            let v = self.emit_pure(op.opcode, op.kind, args, op.descr);
            self.set(i, v);
            return;
        }
        if op.opcode.is_guard() {
            let snap = match op.snapshot {
                Some(s) => self.snapshot(s),
                None => self.add_snapshot(Snapshot::default()),
            };
            self.emit_guard(op.opcode, args, snap);
            return;
        }
        let (opcode, kind, descr) = (op.opcode, op.kind, op.descr);
        if op.opcode.has_effect() || op.opcode.is_call() {
            self.note_effect(opcode);
        }
        let r = self.push(Op {
            opcode,
            kind,
            args,
            descr,
            snapshot: None,
        });
        if kind != Kind::Void {
            self.set(i, r);
        }
        if opcode == Opcode::RecordExactClass
            && let Some(mut facts) = self.facts.take()
        {
            // What a passed `guard_class` would establish.
            let args = &self.out.ops[r.index()].args;
            facts.learn(&self.out, self.horizon, Opcode::GuardClass, args);
            self.facts = Some(facts);
        }
    }

    /// `x` as a load of an integer of representation `repr` would give it back after a store:
    /// truncated and sign- or zero-extended. Forwarding a stored value to a later load must go
    /// through this (a `u8` field stored 256 reads back 0); no op is emitted when `x` is known
    /// to fit.
    pub fn narrow(&mut self, x: OpRef, kind: Kind, repr: IntRepr) -> OpRef {
        if kind != Kind::Int || repr.size >= 8 {
            return x;
        }
        if let Some(c) = self.out.const_int_of(x) {
            return self.const_int(crate::value::normalize_int(c, repr));
        }
        let fits = fold::fits_repr(&self.out, self.horizon, x, repr);
        if fits {
            return x;
        }
        let (opcode, k) = fold::narrowing(repr);
        let k = self.const_int(k);
        self.emit_pure(opcode, Kind::Int, vec![x, k], None)
    }

    /// The finished output trace, or the error of a pass that used a value it never mapped.
    pub fn finish(self, pass: &'static str) -> Result<Trace, super::OptError> {
        match self.unmapped.get() {
            None => Ok(self.out),
            Some(r) => Err(super::OptError::Internal {
                pass,
                message: format!("input value {r:?} used before the pass mapped it"),
            }),
        }
    }
}

/// Copies a `label`: its arguments are rebound, so a label after the start is a barrier for
/// everything learnt before it.
pub(super) fn copy_label(b: &mut Builder<'_>, i: usize) {
    let op = &b.src.ops[i];
    let mut args: Vec<OpRef> = op.args.iter().map(|&a| b.get_raw(a)).collect();
    if i != b.num_inputs() {
        args = b.label_args(args);
        b.barrier();
        // After the label, its arguments stand for what the label binds.
        for (&a, &v) in op.args.iter().zip(&args) {
            if !a.is_const() {
                b.set(a.index(), v);
            }
        }
    }
    let mut new = op.clone();
    new.args = args;
    b.push(new);
}

/// Copies an overflow-checked op and its guard unchanged (arguments rewritten).
pub(super) fn copy_ovf_pair(b: &mut Builder<'_>, i: usize) {
    let src = b.src;
    let op = &src.ops[i];
    let args = b.get_args(&op.args);
    let r = b.push(crate::ir::Op::new(op.opcode, op.kind, args));
    b.set(i, r);
    let g = &src.ops[i + 1];
    let snap = match g.snapshot {
        Some(s) => b.snapshot(s),
        None => b.add_snapshot(crate::ir::Snapshot::default()),
    };
    let mut gop = crate::ir::Op::new(g.opcode, g.kind, Vec::new());
    gop.snapshot = Some(snap);
    b.push(gop);
}
