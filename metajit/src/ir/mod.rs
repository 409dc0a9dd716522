//! The trace IR: a linear list of operations over `int`, `ref` and `float` values.
//!
//! A [`Trace`] holds its operations in a `Vec` (inputs first, as `input` ops), constants in a side
//! table, descriptors (what a field, array, allocation or call looks like) in another, and the
//! resume data of its guards ([`Snapshot`]s) in a third. Values are named by [`OpRef`], a `u32`
//! that is either the index of the operation producing the value or, with the top bit set, the
//! index of a constant. The text format (`text.rs`, `parse.rs`) prints and reads all of it; the
//! verifier (`verify.rs`) checks the invariants every pass must keep.

mod descr;
mod eval;
mod opcode;
mod parse;
mod snapshot;
mod text;
mod verify;

pub use descr::{
    ArrayDescr, CallDescr, Descr, DescrId, EffectInfo, FieldDescr, FieldFlags, SizeDescr, TargetId,
};
pub use eval::{eval_ovf, eval_pure};
pub use opcode::{Arity, Flags, Opcode, ResultKind};
pub use parse::{ParseError, parse_trace, parse_trace_with};
pub use snapshot::{
    PendingStore, SnapFrame, SnapValue, Snapshot, SnapshotId, VirtualDesc, VirtualKind,
};
pub use verify::{VerifyError, verify};

use crate::value::Kind;
use std::collections::HashMap;
use std::fmt;

/// A value in a trace: the result of an operation, or a constant.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpRef(u32);

const CONST_BIT: u32 = 1 << 31;

impl OpRef {
    /// The value produced by the operation at `index`.
    pub const fn op(index: u32) -> OpRef {
        OpRef(index)
    }

    /// The constant at `index` in the trace's constant table.
    pub const fn konst(index: u32) -> OpRef {
        OpRef(index | CONST_BIT)
    }

    /// Whether this names a constant.
    pub const fn is_const(self) -> bool {
        self.0 & CONST_BIT != 0
    }

    /// The operation index (for non-constants) or constant index (for constants).
    pub const fn index(self) -> usize {
        (self.0 & !CONST_BIT) as usize
    }
}

impl fmt::Debug for OpRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_const() {
            write!(f, "c{}", self.index())
        } else {
            write!(f, "v{}", self.index())
        }
    }
}

/// A constant: its kind and its 64 raw bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Const {
    /// The kind of the constant.
    pub kind: Kind,
    /// The value's bits (`JitValue::to_bits`).
    pub bits: i64,
}

impl Const {
    /// An integer constant.
    pub fn int(v: i64) -> Const {
        Const {
            kind: Kind::Int,
            bits: v,
        }
    }

    /// A float constant.
    pub fn float(v: f64) -> Const {
        Const {
            kind: Kind::Float,
            bits: v.to_bits() as i64,
        }
    }

    /// A reference constant (an address; 0 is null).
    pub fn ptr(addr: i64) -> Const {
        Const {
            kind: Kind::Ref,
            bits: addr,
        }
    }

    /// The float value of a float constant.
    pub fn as_float(self) -> f64 {
        f64::from_bits(self.bits as u64)
    }
}

/// One operation of a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    /// What the operation does.
    pub opcode: Opcode,
    /// The kind of its result (`Void` when it has none).
    pub kind: Kind,
    /// Its arguments.
    pub args: Vec<OpRef>,
    /// Its descriptor (field, array, size, call or jump target), if it takes one.
    pub descr: Option<DescrId>,
    /// For guards: the resume data describing the interpreter state to rebuild on failure.
    pub snapshot: Option<SnapshotId>,
}

impl Op {
    /// An operation without descriptor or snapshot.
    pub fn new(opcode: Opcode, kind: Kind, args: Vec<OpRef>) -> Op {
        Op {
            opcode,
            kind,
            args,
            descr: None,
            snapshot: None,
        }
    }
}

/// A trace: inputs, operations, constants, descriptors and snapshots.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// All operations, the `input` ops first.
    pub ops: Vec<Op>,
    /// The constant table.
    pub consts: Vec<Const>,
    /// The descriptor table.
    pub descrs: Vec<Descr>,
    /// The snapshot table (resume data of guards).
    pub snapshots: Vec<Snapshot>,
    const_index: HashMap<Const, u32>,
    descr_index: HashMap<Descr, u32>,
}

impl PartialEq for Trace {
    fn eq(&self, other: &Trace) -> bool {
        self.ops == other.ops
            && self.consts == other.consts
            && self.descrs == other.descrs
            && self.snapshots == other.snapshots
    }
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Trace {
        Trace::default()
    }

    /// Appends an input of `kind`; inputs must come before every other operation.
    pub fn add_input(&mut self, kind: Kind) -> OpRef {
        debug_assert!(self.ops.iter().all(|op| op.opcode == Opcode::Input));
        self.push(Op::new(Opcode::Input, kind, Vec::new()))
    }

    /// Appends an operation and returns the value it produces.
    pub fn push(&mut self, op: Op) -> OpRef {
        let r = OpRef::op(self.ops.len() as u32);
        self.ops.push(op);
        r
    }

    /// The (deduplicated) constant with this kind and bits.
    pub fn konst(&mut self, c: Const) -> OpRef {
        if let Some(&i) = self.const_index.get(&c) {
            return OpRef::konst(i);
        }
        let i = self.consts.len() as u32;
        self.consts.push(c);
        self.const_index.insert(c, i);
        OpRef::konst(i)
    }

    /// Shorthand for an integer constant.
    pub fn const_int(&mut self, v: i64) -> OpRef {
        self.konst(Const::int(v))
    }

    /// The (deduplicated) descriptor id for `d`.
    pub fn descr(&mut self, d: Descr) -> DescrId {
        if let Some(&i) = self.descr_index.get(&d) {
            return DescrId(i);
        }
        let i = self.descrs.len() as u32;
        self.descr_index.insert(d.clone(), i);
        self.descrs.push(d);
        DescrId(i)
    }

    /// Adds a snapshot and returns its id.
    pub fn add_snapshot(&mut self, s: Snapshot) -> SnapshotId {
        self.snapshots.push(s);
        SnapshotId(self.snapshots.len() as u32 - 1)
    }

    /// The number of `input` ops.
    pub fn num_inputs(&self) -> usize {
        self.ops
            .iter()
            .take_while(|op| op.opcode == Opcode::Input)
            .count()
    }

    /// The kinds of the inputs, in order.
    pub fn input_kinds(&self) -> Vec<Kind> {
        self.ops
            .iter()
            .take_while(|op| op.opcode == Opcode::Input)
            .map(|op| op.kind)
            .collect()
    }

    /// The kind of a value.
    pub fn kind_of(&self, r: OpRef) -> Kind {
        if r.is_const() {
            self.consts[r.index()].kind
        } else {
            self.ops[r.index()].kind
        }
    }

    /// The constant behind `r`, if it is one.
    pub fn const_of(&self, r: OpRef) -> Option<Const> {
        r.is_const().then(|| self.consts[r.index()])
    }

    /// The integer value of `r` if it is an int constant.
    pub fn const_int_of(&self, r: OpRef) -> Option<i64> {
        self.const_of(r)
            .filter(|c| c.kind == Kind::Int)
            .map(|c| c.bits)
    }

    /// The descriptor of op `i`.
    pub fn descr_of(&self, op: &Op) -> Option<&Descr> {
        op.descr.map(|d| &self.descrs[d.0 as usize])
    }

    /// A new empty trace sharing this one's constants and descriptors (so `OpRef` constants and
    /// `DescrId`s stay valid): what optimization passes build their output in.
    pub fn fresh_like(&self) -> Trace {
        Trace {
            ops: Vec::new(),
            consts: self.consts.clone(),
            descrs: self.descrs.clone(),
            snapshots: Vec::new(),
            const_index: self.const_index.clone(),
            descr_index: self.descr_index.clone(),
        }
    }

    /// The final op (`jump` or `finish`), if the trace has one.
    pub fn final_op(&self) -> Option<&Op> {
        self.ops.last().filter(|op| op.opcode.is_final())
    }

    /// How many ops are not inputs or markers.
    pub fn num_real_ops(&self) -> usize {
        self.ops
            .iter()
            .filter(|op| op.opcode != Opcode::Input && !op.opcode.flags().has(Flags::MARKER))
            .count()
    }

    /// Every value the guard at op `i` needs on failure (its fail arguments), in a fixed order:
    /// the distinct non-constant values its snapshot refers to, including the fields of virtual
    /// objects and pending stores.
    pub fn fail_args(&self, op: &Op) -> Vec<OpRef> {
        match op.snapshot {
            Some(s) => self.snapshots[s.0 as usize].referenced_values(),
            None => Vec::new(),
        }
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&text::print_trace(self))
    }
}
