//! An interpreter re-entered from compiled code keeps its JIT: an outer loop calls, through a
//! residual function, the interpreter on a sub-program with a loop of its own. The nested
//! invocations run compiled code, and the sub-program's loop is traced and compiled while the
//! outer loop's compiled code is on the stack. Every mode computes the same.

use metajit::testing::same_in_every_mode;
use metajit::{JitDriver, JitStruct};

#[derive(Clone, Copy, Debug)]
enum Op {
    /// `acc += n`.
    Add(i64),
    /// `acc += run(sub, frame of n)`: a nested interpretation.
    Call(usize),
    /// `Call(sub)` once `n` is below the limit.
    CallBelow(usize, i64),
    /// `n -= 1`; continue at the target while `n > 0`.
    Loop(usize),
    /// `acc *= 3; acc %= 1000003`.
    Mix,
}

struct Prog {
    /// The programs: 0 is the main one.
    subs: Vec<Vec<Op>>,
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable)]
    acc: i64,
    #[jit(virtualizable)]
    n: i64,
    /// Program the frame runs (an index into `Prog::subs`).
    sub: usize,
    jit: *const JitDriver,
    prog: *const Prog,
}

/// The residual call: interprets sub-program `sub` with `n` iterations (natively, which
/// re-enters the portal and its JIT).
#[metajit::dont_look_inside]
fn call_sub(frame: &mut Frame, sub: usize) -> i64 {
    // SAFETY: the driver and program outlive every frame (they belong to the test's caller).
    let (jit, prog) = unsafe { (&*frame.jit, &*frame.prog) };
    let mut inner = Frame {
        acc: 0,
        n: frame.n % 7 + 3,
        sub,
        jit: frame.jit,
        prog: frame.prog,
    };
    run(jit, prog, sub, &mut inner)
}

#[metajit::interpreter(greens(pc, sub, prog), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, prog: &Prog, sub: usize, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc >= prog.subs[sub].len() {
            return frame.acc;
        }
        match prog.subs[sub][pc] {
            Op::Add(k) => frame.acc = frame.acc.wrapping_add(k),
            Op::Call(s) => {
                let r = call_sub(frame, s);
                frame.acc = frame.acc.wrapping_add(r);
            }
            Op::CallBelow(s, limit) => {
                if frame.n < limit {
                    let r = call_sub(frame, s);
                    frame.acc = frame.acc.wrapping_add(r);
                }
            }
            Op::Loop(target) => {
                frame.n -= 1;
                if frame.n > 0 {
                    pc = target;
                    metajit::can_enter_jit!();
                    continue;
                }
            }
            Op::Mix => frame.acc = frame.acc.wrapping_mul(3) % 1_000_003,
        }
        pc += 1;
    }
}

fn program() -> Prog {
    Prog {
        subs: vec![
            // main: 300 times: acc += 1; acc += sub1() (from the 50th time on); mix. Its loop
            // is compiled before it first calls sub1, so sub1's and sub2's loops only ever
            // get hot in invocations made by compiled code.
            vec![Op::Add(1), Op::CallBelow(1, 250), Op::Mix, Op::Loop(0)],
            // sub1: a loop of its own, calling sub2 on the way
            vec![Op::Add(2), Op::Call(2), Op::Loop(0), Op::Add(5)],
            // sub2: a short loop
            vec![Op::Add(3), Op::Mix, Op::Loop(0)],
        ],
    }
}

fn run_main(jit: &JitDriver, prog: &Prog) -> i64 {
    let mut frame = Frame {
        acc: 0,
        n: 300,
        sub: 0,
        jit,
        prog,
    };
    run(jit, prog, 0, &mut frame)
}

#[test]
fn nested_interpretations_agree_in_every_mode() {
    let prog = program();
    same_in_every_mode("reentry", |jit| run_main(&jit, &prog));
}

#[test]
fn nested_loops_are_compiled_while_outer_code_runs() {
    let prog = program();
    let reference = run_main(&metajit::testing::driver("enable=false"), &prog);
    // Bridges at the first failure: the guard of `CallBelow` fails once, its bridge is traced
    // (the one call made while tracing cannot trace), and every later call comes from
    // compiled code.
    for backend in ["", ",backend=interp"] {
        let jit = metajit::testing::driver(&format!("threshold=5,trace_eagerness=1{backend}"));
        assert_eq!(run_main(&jit, &prog), reference);
        // The main loop, sub1's loop and sub2's loop each have compiled code; the nested ones
        // were traced in invocations made by compiled code.
        let loops = jit.loop_traces();
        assert!(
            loops.len() >= 3,
            "{backend}: {} loops compiled",
            loops.len()
        );
        let entries = jit.stats().entries;
        assert!(
            entries > 300,
            "{backend}: {entries} entries into compiled code"
        );
    }
}
