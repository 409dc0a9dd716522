//! The tlr interpreter: an ordinary dispatch loop with metajit's annotations.
//!
//! This file is the subject of the book's tutorial; the `ANCHOR` comments mark the pieces it
//! quotes.

use crate::{Op, Program, TlrError};
use metajit::cli::Output;
use metajit::{JitArray, JitDriver, JitStruct};

// ANCHOR: frame
/// The machine state: the accumulator and the registers.
///
/// `#[derive(JitStruct)]` (with `#[repr(C)]`) tells the JIT where the fields are, so traced
/// code can read and write them; `regs` is a `JitArray`, an array whose layout the JIT knows.
#[derive(JitStruct)]
#[repr(C)]
pub struct Frame {
    #[jit(virtualizable)]
    a: i64,
    #[jit(virtualizable_array)]
    regs: JitArray<i64>,
    output: Output,
}
// ANCHOR_END: frame

impl Frame {
    /// A frame with `n` registers, the first ones set to `inputs`, printing to `output`.
    pub fn new(n: usize, inputs: &[i64], output: Output) -> Frame {
        let mut regs = JitArray::new(n, 0);
        for (i, &v) in inputs.iter().take(n).enumerate() {
            regs[i] = v;
        }
        Frame { a: 0, regs, output }
    }

    /// Where `print_a` prints.
    pub fn output(&mut self) -> &mut Output {
        &mut self.output
    }
}

// ANCHOR: print
/// `print_a`. Output is not traced: the trace calls this function. It returns false once the
/// output has failed (its reader went away, or the disk is full).
#[metajit::dont_look_inside]
fn write_line(frame: &mut Frame, value: i64) -> bool {
    frame.output.write(format!("{value}\n").as_bytes())
}

/// `print_a`, failing when the output does. Traced code inlines it: the result of the call
/// becomes a guard.
#[metajit::jit]
fn print(frame: &mut Frame, value: i64) -> Result<(), TlrError> {
    if !write_line(frame, value) {
        return Err(TlrError::Output);
    }
    Ok(())
}
// ANCHOR_END: print

// ANCHOR: helpers
/// `a = a op r` for division and remainder, which have error cases. Traced code inlines it:
/// the tests on `d` become guards. `rem` and `line` come from the instruction, so they are
/// green: plain values while tracing, and the error value is built from them.
#[metajit::jit(greens(rem, line))]
fn divide(frame: &mut Frame, d: i64, rem: bool, line: usize) -> Result<(), TlrError> {
    if d == 0 {
        return Err(TlrError::DivisionByZero { line });
    }
    if d == -1 {
        // i64::MIN / -1 overflows; tlr arithmetic wraps.
        frame.a = if rem { 0 } else { frame.a.wrapping_mul(-1) };
        return Ok(());
    }
    frame.a = if rem { frame.a % d } else { frame.a / d };
    Ok(())
}
// ANCHOR_END: helpers

// ANCHOR: run
/// Runs `prog` on `frame` and returns the value of `a` at `return_a` (or at the end).
// ANCHOR: head
#[metajit::interpreter(greens(pc, prog), reds(frame), virtualizable(frame), driver = jit)]
pub fn run(jit: &JitDriver, prog: &Program, frame: &mut Frame) -> Result<i64, TlrError> {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc >= prog.ops.len() {
            return Ok(frame.a);
        }
        // ANCHOR_END: head
        match prog.ops[pc] {
            Op::SetA(n) => frame.a = n,
            Op::MovAR(r) => frame.regs[r] = frame.a,
            Op::MovRA(r) => frame.a = frame.regs[r],
            Op::AddRToA(r) => frame.a = frame.a.wrapping_add(frame.regs[r]),
            Op::SubRFromA(r) => frame.a = frame.a.wrapping_sub(frame.regs[r]),
            Op::MulRToA(r) => frame.a = frame.a.wrapping_mul(frame.regs[r]),
            Op::DivAR(r, line) => divide(frame, frame.regs[r], false, line)?,
            Op::ModAR(r, line) => divide(frame, frame.regs[r], true, line)?,
            Op::LtAR(r) => frame.a = (frame.a < frame.regs[r]) as i64,
            Op::EqAR(r) => frame.a = (frame.a == frame.regs[r]) as i64,
            Op::IncA => frame.a = frame.a.wrapping_add(1),
            Op::DecA => frame.a = frame.a.wrapping_sub(1),
            Op::NegA => frame.a = frame.a.wrapping_mul(-1),
            // ANCHOR: jumps
            Op::JumpIfA(target) => {
                if frame.a != 0 {
                    pc = target;
                    metajit::can_enter_jit!();
                    continue;
                }
            }
            Op::Jump(target) => {
                pc = target;
                metajit::can_enter_jit!();
                continue;
            }
            // ANCHOR_END: jumps
            Op::PrintA => {
                print(frame, frame.a)?;
            }
            Op::ReturnA => return Ok(frame.a),
        }
        pc += 1;
    }
}
// ANCHOR_END: run
