//! A function being compiled ([`FnState`]) and how it becomes a [`Proto`]: the placeholders of
//! uncaptured locals are removed, jump targets remapped, and the stack depths checked. Also the
//! per-instruction facts the compiler needs: clox's byte size and the stack effect.

use crate::chunk::{Capture, Constant, FunctionKind, Op, Proto};
use std::rc::Rc;

/// A local variable of the function being compiled: one declaration.
#[derive(Debug)]
pub(super) struct Local<'src> {
    /// Its name (`this` for slot 0 of methods, empty for slot 0 of functions).
    pub(super) name: &'src str,
    /// The scope depth it was declared at, or -1 while its initializer is being compiled.
    pub(super) depth: i32,
    /// Whether a closure captured it.
    pub(super) captured: bool,
    /// The placeholder instruction marking where its value lands in its slot.
    pub(super) marker: Option<usize>,
    /// The `GetLocal`/`SetLocal` instructions that access this declaration.
    pub(super) accesses: Vec<usize>,
}

/// The state of one function being compiled.
#[derive(Debug)]
pub(super) struct FnState<'src> {
    /// What kind of function it is.
    pub(super) kind: FunctionKind,
    /// Its name (`None` for the script).
    pub(super) name: Option<Rc<str>>,
    /// Parameters seen so far (may pass 255 in erroneous code).
    pub(super) arity: usize,
    /// The instructions emitted so far (placeholders included).
    pub(super) ops: Vec<Op>,
    /// The line of each instruction.
    pub(super) lines: Vec<u32>,
    /// The stack depth before each instruction.
    pub(super) depth: Vec<i32>,
    /// Whether each instruction survives (false for deleted placeholders).
    pub(super) keep: Vec<bool>,
    /// The stack depth after the last instruction.
    pub(super) cur_depth: i32,
    /// How many bytes clox would have emitted so far.
    pub(super) bytes: usize,
    /// The constant pool.
    pub(super) constants: Vec<Constant>,
    /// The captures, as clox's upvalue array.
    pub(super) upvalues: Vec<Capture>,
    /// The locals in scope, by slot.
    pub(super) locals: Vec<Local<'src>>,
    /// The current block nesting (0 is the function's top level, where the script has globals).
    pub(super) scope_depth: i32,
}

/// The number of bytes clox emits for `op` (for [`Op::Closure`], without the capture pairs).
/// Placeholders count zero; `GetCell`/`SetCell` are never emitted directly.
pub(super) fn clox_size(op: Op) -> usize {
    match op {
        Op::BoxLocal(_) => 0,
        Op::Nil
        | Op::True
        | Op::False
        | Op::Pop
        | Op::Equal
        | Op::Greater
        | Op::Less
        | Op::Add
        | Op::Subtract
        | Op::Multiply
        | Op::Divide
        | Op::Not
        | Op::Negate
        | Op::Print
        | Op::Return
        | Op::Inherit => 1,
        Op::Jump(_) | Op::JumpIfFalse(_) | Op::Loop(_) | Op::Invoke(..) | Op::SuperInvoke(..) => 3,
        Op::Constant(_)
        | Op::GetLocal(_)
        | Op::SetLocal(_)
        | Op::GetCell(_)
        | Op::SetCell(_)
        | Op::GetGlobal(_)
        | Op::DefineGlobal(_)
        | Op::SetGlobal(_)
        | Op::GetUpvalue(_)
        | Op::SetUpvalue(_)
        | Op::GetProperty(_)
        | Op::SetProperty(_)
        | Op::GetSuper(_)
        | Op::Call(_)
        | Op::Closure(_)
        | Op::Class(_)
        | Op::Method(_) => 2,
    }
}

/// The net change of the stack depth when `op` runs.
pub(super) fn stack_effect(op: Op) -> i32 {
    match op {
        Op::Constant(_)
        | Op::Nil
        | Op::True
        | Op::False
        | Op::GetLocal(_)
        | Op::GetCell(_)
        | Op::GetGlobal(_)
        | Op::GetUpvalue(_)
        | Op::Closure(_)
        | Op::Class(_) => 1,
        Op::SetLocal(_)
        | Op::BoxLocal(_)
        | Op::SetCell(_)
        | Op::SetGlobal(_)
        | Op::SetUpvalue(_)
        | Op::GetProperty(_)
        | Op::Not
        | Op::Negate
        | Op::Jump(_)
        | Op::JumpIfFalse(_)
        | Op::Loop(_) => 0,
        Op::Pop
        | Op::DefineGlobal(_)
        | Op::SetProperty(_)
        | Op::GetSuper(_)
        | Op::Equal
        | Op::Greater
        | Op::Less
        | Op::Add
        | Op::Subtract
        | Op::Multiply
        | Op::Divide
        | Op::Print
        | Op::Return
        | Op::Inherit
        | Op::Method(_) => -1,
        Op::Call(n) | Op::Invoke(_, n) => -i32::from(n),
        Op::SuperInvoke(_, n) => -i32::from(n) - 1,
    }
}

/// Whether execution never falls through `op` to the next instruction.
pub(super) fn is_unconditional(op: Op) -> bool {
    matches!(op, Op::Jump(_) | Op::Loop(_) | Op::Return)
}

/// The jump target of `op`, if it is a jump.
fn jump_target(op: Op) -> Option<u32> {
    match op {
        Op::Jump(t) | Op::JumpIfFalse(t) | Op::Loop(t) => Some(t),
        _ => None,
    }
}

impl<'src> FnState<'src> {
    /// A new function of `kind` named `name`, with slot 0 reserved as clox does.
    pub(super) fn new(kind: FunctionKind, name: Option<Rc<str>>) -> Self {
        let slot0 = if kind == FunctionKind::Function {
            ""
        } else {
            "this"
        };
        FnState {
            kind,
            name,
            arity: 0,
            ops: Vec::new(),
            lines: Vec::new(),
            depth: Vec::new(),
            keep: Vec::new(),
            cur_depth: 1,
            bytes: 0,
            constants: Vec::new(),
            upvalues: Vec::new(),
            locals: vec![Local {
                name: slot0,
                depth: 0,
                captured: false,
                marker: None,
                accesses: Vec::new(),
            }],
            scope_depth: 0,
        }
    }

    /// Appends `op`, counting `bytes` clox bytes; returns its index.
    pub(super) fn push(&mut self, op: Op, bytes: usize, line: u32) -> usize {
        let index = self.ops.len();
        self.ops.push(op);
        self.lines.push(line);
        self.depth.push(self.cur_depth);
        self.keep.push(true);
        self.cur_depth += stack_effect(op);
        self.bytes += bytes;
        index
    }

    /// Ends the life of the innermost local: its placeholder becomes `BoxLocal` and its accesses
    /// cell accesses if it was captured, else the placeholder is deleted.
    pub(super) fn retire_last_local(&mut self) {
        let Some(local) = self.locals.pop() else {
            return;
        };
        let Some(marker) = local.marker else {
            return;
        };
        if local.captured {
            for &i in &local.accesses {
                if let Some(op) = self.ops.get_mut(i) {
                    *op = match *op {
                        Op::GetLocal(s) => Op::GetCell(s),
                        Op::SetLocal(s) => Op::SetCell(s),
                        other => other,
                    };
                }
            }
        } else if let Some(keep) = self.keep.get_mut(marker) {
            *keep = false;
        }
    }

    /// Turns the finished function into a [`Proto`]: removes deleted placeholders, remaps jump
    /// targets and computes the depths. With `check`, verifies (in debug builds) that every path
    /// reaching an instruction agrees on its depth.
    pub(super) fn finish(mut self, check: bool) -> Proto {
        while !self.locals.is_empty() {
            self.retire_last_local();
        }
        let n = self.ops.len();
        let mut new_index = Vec::with_capacity(n + 1);
        let mut count = 0u32;
        for &keep in &self.keep {
            new_index.push(count);
            count += u32::from(keep);
        }
        new_index.push(count);
        let remap = |t: u32| new_index.get(t as usize).copied().unwrap_or(count);
        let mut ops = Vec::with_capacity(count as usize);
        let mut lines = Vec::with_capacity(count as usize);
        let mut depths = Vec::with_capacity(count as usize);
        for i in (0..n).filter(|&i| self.keep[i]) {
            let op = match self.ops[i] {
                Op::Jump(t) => Op::Jump(remap(t)),
                Op::JumpIfFalse(t) => Op::JumpIfFalse(remap(t)),
                Op::Loop(t) => Op::Loop(remap(t)),
                op => op,
            };
            ops.push(op);
            lines.push(self.lines[i]);
            depths.push(self.depth[i]);
        }
        if check {
            verify_depths(&ops, &depths);
        }
        let clamp = |d: i32| u16::try_from(d.max(0)).unwrap_or(u16::MAX);
        let max_depth = ops
            .iter()
            .zip(&depths)
            .map(|(&op, &d)| d.max(d + stack_effect(op)))
            .max()
            .unwrap_or(1)
            .max(1);
        Proto {
            name: self.name,
            kind: self.kind,
            arity: u8::try_from(self.arity).unwrap_or(u8::MAX),
            ops,
            lines,
            depth: depths.into_iter().map(clamp).collect(),
            max_depth: clamp(max_depth),
            constants: self.constants,
            upvalues: self.upvalues,
        }
    }
}

/// Checks (in debug builds) that every edge of the control-flow graph agrees on the depth of its
/// destination, and that no depth falls below the reserved slot 0.
fn verify_depths(ops: &[Op], depths: &[i32]) {
    if !cfg!(debug_assertions) {
        return;
    }
    for (i, (&op, &d)) in ops.iter().zip(depths).enumerate() {
        debug_assert!(d >= 1, "depth {d} below slot 0 at instruction {i} ({op:?})");
        let after = d + stack_effect(op);
        if let Some(t) = jump_target(op) {
            let t = t as usize;
            debug_assert!(t <= ops.len(), "jump target {t} out of range at {i}");
            if let Some(&dt) = depths.get(t) {
                debug_assert_eq!(dt, after, "depth mismatch at jump {i} -> {t} ({op:?})");
            }
        }
        if !is_unconditional(op)
            && let Some(&dn) = depths.get(i + 1)
        {
            debug_assert_eq!(dn, after, "depth mismatch falling through {i} ({op:?})");
        }
    }
}
