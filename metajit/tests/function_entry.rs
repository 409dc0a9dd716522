//! Traces from a function's entry (`function_threshold`): an interpreter function without any
//! loop (a recursive Fibonacci, whose calls re-enter the interpreter through a residual call)
//! is compiled from its start to its return; bridges from its guards return too. Every mode
//! computes the same, and compiled code returns the values.

use metajit::testing::same_in_every_mode;
use metajit::{JitDriver, JitStruct};

#[derive(Clone, Copy, Debug)]
enum Op {
    /// `return n` when `n < 2`.
    ReturnIfSmall,
    /// `a = fib(n - 1)` (a nested interpretation).
    CallMinus1,
    /// `b = fib(n - 2)`.
    CallMinus2,
    /// `return a + b`.
    ReturnSum,
}

struct Code {
    ops: Vec<Op>,
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable)]
    n: i64,
    #[jit(virtualizable)]
    a: i64,
    #[jit(virtualizable)]
    b: i64,
    jit: *const JitDriver,
    code: *const Code,
}

/// `fib(n)` by interpreting the code again (natively: the portal is re-entered).
#[metajit::dont_look_inside]
fn fib_of(frame: &mut Frame, n: i64) -> i64 {
    let mut inner = Frame {
        n,
        a: 0,
        b: 0,
        jit: frame.jit,
        code: frame.code,
    };
    // SAFETY: the driver and code outlive every frame (they belong to the test).
    let (jit, code) = unsafe { (&*frame.jit, &*frame.code) };
    run(jit, code, &mut inner)
}

#[metajit::interpreter(greens(pc, code), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, code: &Code, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        match code.ops[pc] {
            Op::ReturnIfSmall => {
                if frame.n < 2 {
                    return frame.n;
                }
            }
            Op::CallMinus1 => frame.a = fib_of(frame, frame.n - 1),
            Op::CallMinus2 => frame.b = fib_of(frame, frame.n - 2),
            Op::ReturnSum => return frame.a.wrapping_add(frame.b),
        }
        pc += 1;
    }
}

fn fib(jit: &JitDriver, code: &Code, n: i64) -> i64 {
    let mut frame = Frame {
        n,
        a: 0,
        b: 0,
        jit,
        code,
    };
    run(jit, code, &mut frame)
}

fn code() -> Code {
    Code {
        ops: vec![
            Op::ReturnIfSmall,
            Op::CallMinus1,
            Op::CallMinus2,
            Op::ReturnSum,
        ],
    }
}

#[test]
fn recursive_functions_agree_in_every_mode() {
    let code = code();
    let r = same_in_every_mode("fib", |jit| {
        (0..=18).map(|n| fib(&jit, &code, n)).collect::<Vec<_>>()
    });
    assert_eq!(r[18], 2584);
}

#[test]
fn a_function_without_loops_is_compiled_from_its_entry() {
    let code = code();
    for backend in ["", ",backend=interp"] {
        let jit =
            metajit::testing::driver(&format!("function_threshold=20,trace_eagerness=2{backend}"));
        assert_eq!(fib(&jit, &code, 20), 6765);
        let s = jit.stats();
        assert!(s.functions >= 1, "{backend}: {}", s.summary("x"));
        assert_eq!(s.loops, 0, "{backend}: there is no loop");
        // The base case's bridge returns from compiled code as well.
        assert!(s.bridges >= 1, "{backend}: {}", s.summary("x"));
        // Most calls ran compiled code rather than the interpreter: fib(20) makes 21,891
        // calls.
        assert!(s.entries > 20_000, "{backend}: {}", s.summary("x"));
    }
}
