//! Instructions with named fields, matched with shorthand patterns (`Op::Add { dst, a, b }`),
//! the way a register VM's bytecode reads best: the codewriter renames the bindings and must
//! keep naming the fields (it once emitted `Op::Add { __metajit_b_dst, .. }`, which does not
//! compile). Every mode computes what the interpreter computes.

use metajit::testing::same_in_every_mode;
use metajit::{JitArray, JitDriver, JitStruct};

#[derive(Clone, Copy, Debug)]
enum Op {
    /// `regs[dst] = value`.
    Set { dst: usize, value: i64 },
    /// `regs[dst] = regs[a] + regs[b]`.
    Add { dst: usize, a: usize, b: usize },
    /// Back to `to` while `regs[cond] < regs[limit]`.
    LoopIfLess {
        cond: usize,
        limit: usize,
        to: usize,
    },
}

struct Prog {
    ops: Vec<Op>,
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable_array)]
    regs: JitArray<i64>,
}

#[metajit::interpreter(greens(pc, prog), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, prog: &Prog, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc >= prog.ops.len() {
            return frame.regs[0];
        }
        match prog.ops[pc] {
            Op::Set { dst, value } => frame.regs[dst] = value,
            Op::Add { dst, a, b } => frame.regs[dst] = frame.regs[a].wrapping_add(frame.regs[b]),
            Op::LoopIfLess { cond, limit, to } => {
                if frame.regs[cond] < frame.regs[limit] {
                    pc = to;
                    metajit::can_enter_jit!();
                    continue;
                }
            }
        }
        pc += 1;
    }
}

#[test]
fn shorthand_field_patterns_in_every_mode() {
    // r0 = sum of 0..n: r1 counts, r2 is 1, r3 is n.
    for n in [0i64, 1, 10, 1000] {
        let prog = Prog {
            ops: vec![
                Op::Set { dst: 0, value: 0 },
                Op::Set { dst: 1, value: 0 },
                Op::Set { dst: 2, value: 1 },
                Op::Set { dst: 3, value: n },
                Op::Add { dst: 0, a: 0, b: 1 },
                Op::Add { dst: 1, a: 1, b: 2 },
                Op::LoopIfLess {
                    cond: 1,
                    limit: 3,
                    to: 4,
                },
            ],
        };
        let got = same_in_every_mode(&format!("sum below {n}"), |jit| {
            let mut frame = Frame {
                regs: JitArray::new(4, 0),
            };
            run(&jit, &prog, &mut frame)
        });
        let m = n.max(1);
        assert_eq!(got, m * (m - 1) / 2);
    }
}
