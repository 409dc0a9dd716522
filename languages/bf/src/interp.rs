//! The Brainfuck interpreter, annotated for metajit.
//!
//! Greens: the program position `pc` and the program. Reds: the tape, the pointer and the I/O
//! state. Each `]` that jumps back is a back-edge of the Brainfuck program: `can_enter_jit!()`.
//! Growing the tape and I/O happen in `#[dont_look_inside]` functions; everything else is
//! traced.

use crate::{BfError, Op, Program};
use metajit::cli::Output;
use metajit::{JitArray, JitDriver, JitStruct};
use std::io::Read;

/// The tape: 8-bit cells, growing to the right.
#[derive(JitStruct)]
#[repr(C)]
pub struct Tape {
    cells: JitArray<u8>,
}

impl Tape {
    /// A tape of 30,000 zero cells (it grows when the pointer passes its end).
    pub fn new() -> Tape {
        Tape {
            cells: JitArray::new(30_000, 0),
        }
    }

    /// The cells.
    pub fn cells(&self) -> &[u8] {
        self.cells.as_slice()
    }
}

impl Default for Tape {
    fn default() -> Tape {
        Tape::new()
    }
}

/// Input and output of a running program.
pub struct Io {
    input: Box<dyn Read>,
    /// The program's output: buffered, and failing once its reader is gone.
    pub output: Output,
}

impl Io {
    /// I/O on the given reader and output.
    pub fn new(input: Box<dyn Read>, output: Output) -> Io {
        Io { input, output }
    }
}

/// `.`: writes one byte; false once the output has failed (the program then stops).
#[metajit::dont_look_inside]
fn put(io: &mut Io, byte: u8) -> bool {
    io.output.write(&[byte])
}

/// `,`: the next input byte, or `current` at end of input. Output so far is flushed first,
/// so an interactive program's prompt shows before it waits.
#[metajit::dont_look_inside]
fn get(io: &mut Io, current: u8) -> u8 {
    io.output.flush();
    let mut b = [0u8];
    match io.input.read(&mut b) {
        Ok(1) => b[0],
        _ => current,
    }
}

/// Grows the tape so that `ptr` is a valid cell.
#[metajit::dont_look_inside]
fn grow(tape: &mut Tape, ptr: usize) {
    let new_len = (ptr + 1).max(tape.cells.len() * 2);
    tape.cells = tape.cells.resized(new_len, 0);
}

// ANCHOR: run
/// Runs `prog` on `tape`.
#[metajit::interpreter(greens(pc, prog), reds(tape, ptr, io), driver = jit)]
pub fn run(jit: &JitDriver, prog: &Program, tape: &mut Tape, io: &mut Io) -> Result<(), BfError> {
    let mut pc = 0usize;
    let mut ptr = 0usize;
    loop {
        metajit::merge_point!();
        if pc >= prog.ops.len() {
            return Ok(());
        }
        match prog.ops[pc] {
            Op::Add(n) => {
                let c = tape.cells[ptr];
                tape.cells[ptr] = c.wrapping_add(n);
            }
            Op::Move(n, pos) => {
                if n < 0 {
                    if ptr < n.unsigned_abs() {
                        return Err(BfError::MovedLeft { pos });
                    }
                    ptr -= n.unsigned_abs();
                } else {
                    ptr += n as usize;
                    if ptr >= tape.cells.len() {
                        grow(tape, ptr);
                    }
                }
            }
            Op::Clear => tape.cells[ptr] = 0,
            Op::Out => {
                if !put(io, tape.cells[ptr]) {
                    return Err(BfError::Output);
                }
            }
            Op::In => {
                let c = tape.cells[ptr];
                tape.cells[ptr] = get(io, c);
            }
            Op::Open(end) => {
                if tape.cells[ptr] == 0 {
                    pc = end;
                }
            }
            Op::Transfer(t, close) => {
                let c = tape.cells[ptr];
                if c == 0 {
                    pc = close;
                } else if ptr >= prog.transfers[t].left {
                    let base = ptr - prog.transfers[t].left;
                    let last = ptr + prog.transfers[t].right;
                    if last >= tape.cells.len() {
                        grow(tape, last);
                    }
                    for k in 0..prog.transfers[t].targets.len() {
                        let q = base + prog.transfers[t].targets[k].0;
                        let d = prog.transfers[t].targets[k].1;
                        let v = tape.cells[q];
                        tape.cells[q] = v.wrapping_add(c.wrapping_mul(d));
                    }
                    tape.cells[ptr] = 0;
                    pc = close;
                }
                // Otherwise the loop (the next op) runs and reports where it moves left of 0.
            }
            Op::Close(start) => {
                if tape.cells[ptr] != 0 {
                    pc = start + 1;
                    metajit::can_enter_jit!();
                    continue;
                }
            }
        }
        pc += 1;
    }
}
// ANCHOR_END: run
