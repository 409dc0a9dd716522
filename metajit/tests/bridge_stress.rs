//! Many data-dependent branches under the eager parameters: every guard of every trace fails
//! at once and grows a bridge, bridges of bridges follow, and bridges cross the headers of
//! loops that have no compiled code yet. Hundreds of bridges are made (728 with the eager
//! set); the driver must keep returning to its one run loop (a driver that called back into
//! the loop from each new bridge overflowed a 1 MiB stack here), and every mode must compute
//! the same result as the interpreter.
//!
//! The program is a small register machine: an outer loop around an inner loop that steps a
//! pseudo-random generator and branches on 10 of its bits.

use metajit::{JitArray, JitDriver, JitStruct, Params};

#[derive(Clone, Copy)]
enum Op {
    /// `r[a] = k`
    Set(usize, i64),
    /// `r[a] = lcg(r[a])`
    Step(usize),
    /// If bit `b` of `r[a]` is set, jump forward to `target`.
    IfBit(usize, u32, usize),
    /// `r[a] += k`
    AddK(usize, i64),
    /// `r[a] ^= r[b]`
    Xor(usize, usize),
    /// `r[a] += r[b]`
    Add(usize, usize),
    /// Forward jump.
    Jump(usize),
    /// `r[a] -= 1`; jump back to `target` unless it is 0.
    Loop(usize, usize),
}

struct Program {
    ops: Vec<Op>,
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    regs: JitArray<i64>,
}

#[metajit::interpreter(greens(pc, prog), reds(frame), driver = jit)]
fn run(jit: &JitDriver, prog: &Program, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc >= prog.ops.len() {
            return frame.regs[0];
        }
        match prog.ops[pc] {
            Op::Set(a, k) => frame.regs[a] = k,
            Op::Step(a) => {
                frame.regs[a] = (frame.regs[a].wrapping_mul(1_103_515_245) + 12_345) & 0x7fff_ffff
            }
            Op::IfBit(a, b, target) => {
                if (frame.regs[a] >> b) & 1 != 0 {
                    pc = target;
                    continue;
                }
            }
            Op::AddK(a, k) => frame.regs[a] = frame.regs[a].wrapping_add(k),
            Op::Xor(a, b) => frame.regs[a] ^= frame.regs[b],
            Op::Add(a, b) => frame.regs[a] = frame.regs[a].wrapping_add(frame.regs[b]),
            Op::Jump(target) => {
                pc = target;
                continue;
            }
            Op::Loop(a, target) => {
                frame.regs[a] -= 1;
                if frame.regs[a] != 0 {
                    pc = target;
                    metajit::can_enter_jit!();
                    continue;
                }
            }
        }
        pc += 1;
    }
}

/// Registers: 0 the result, 1 the generator, 2 and 3 the loop counters, 4 scratch.
fn program(outer: i64, inner: i64, bits: u32) -> Program {
    let mut p = vec![Op::Set(0, 0), Op::Set(1, 42), Op::Set(2, outer)];
    let outer_head = p.len();
    p.push(Op::Set(3, inner));
    let inner_head = p.len();
    p.push(Op::Step(1));
    for b in 0..bits {
        // if bit b { r0 += b + 1 } else { r4 = r1; r0 ^= r4 }
        let at = p.len();
        p.push(Op::IfBit(1, 4 + b, at + 4));
        p.push(Op::Set(4, i64::from(b) * 7));
        p.push(Op::Xor(0, 4));
        p.push(Op::Jump(at + 5));
        p.push(Op::AddK(0, i64::from(b) + 1));
    }
    p.push(Op::Loop(3, inner_head));
    p.push(Op::Add(0, 2));
    p.push(Op::Loop(2, outer_head));
    Program { ops: p }
}

fn run_with(spec: &str, prog: &Program) -> (i64, u32) {
    let mut p = Params::default();
    p.apply(spec).unwrap();
    let jit = JitDriver::with_params(p);
    let mut f = Frame {
        regs: JitArray::new(5, 0),
    };
    let r = run(&jit, prog, &mut f);
    (r, jit.stats().bridges)
}

#[test]
fn hundreds_of_bridges_return_to_one_run_loop() {
    let prog = program(12, 100, 10);
    let (want, _) = run_with("enable=false", &prog);
    // A small stack: the driver's depth must not grow with the number of bridges.
    let got = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            [
                "threshold=1,function_threshold=1,trace_eagerness=1",
                "threshold=3,trace_eagerness=2",
            ]
            .map(|spec| (spec, run_with(spec, &prog)))
        })
        .unwrap()
        .join()
        .expect("the eager runs finish without overflowing the stack");
    for (spec, (r, bridges)) in got {
        assert_eq!(r, want, "params {spec}");
        assert!(bridges >= 100, "{spec}: only {bridges} bridges were made");
    }
}
