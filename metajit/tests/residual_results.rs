//! Residual calls returning `Option` and `Result`: compiled code checks each call's status, and
//! when a call made by compiled code fails, the interpreter goes on from the call with the very
//! `None` or `Err(e)` it returned (`e` included). Every mode computes the same.

use metajit::testing::same_in_every_mode;
use metajit::{JitDriver, JitStruct};

/// An error with a payload that is not a JIT value.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fault {
    message: String,
    at: i64,
}

metajit::green_type!(Fault);

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable)]
    i: i64,
    #[jit(virtualizable)]
    acc: i64,
    n: i64,
    /// `table(i)` is missing at these `i`.
    missing_every: i64,
    /// `divide` fails at this `i`.
    fail_at: i64,
}

/// A lookup that finds nothing now and then.
#[metajit::dont_look_inside]
fn table(frame: &Frame, i: i64) -> Option<i64> {
    if frame.missing_every > 0 && i % frame.missing_every == 0 {
        None
    } else {
        Some(i * 3 + 1)
    }
}

/// A computation that fails with a message once.
#[metajit::dont_look_inside]
fn divide(frame: &Frame, x: i64, i: i64) -> Result<i64, Fault> {
    if i == frame.fail_at {
        return Err(Fault {
            message: format!("cannot divide {x} at {i}"),
            at: i,
        });
    }
    Ok(x / 2 + i)
}

#[metajit::interpreter(greens(pc), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, frame: &mut Frame) -> Result<i64, Fault> {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            if frame.i >= frame.n {
                return Ok(frame.acc);
            }
            let v = match table(frame, frame.i) {
                Some(v) => v,
                None => frame.n - 7,
            };
            let d = divide(frame, v, frame.i)?;
            frame.acc = frame.acc.wrapping_mul(31).wrapping_add(d) % 1_000_000_007;
            frame.i += 1;
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

fn run_with(jit: &JitDriver, n: i64, missing_every: i64, fail_at: i64) -> Result<i64, Fault> {
    let mut frame = Frame {
        i: 0,
        acc: 1,
        n,
        missing_every,
        fail_at,
    };
    run(jit, &mut frame)
}

#[test]
fn none_and_err_from_compiled_code_reach_the_interpreter() {
    for (n, missing, fail) in [(500, 0, -1), (500, 97, -1), (500, 97, 400), (500, 0, 3)] {
        let r = same_in_every_mode(&format!("n={n} missing={missing} fail={fail}"), |jit| {
            run_with(&jit, n, missing, fail)
        });
        if fail >= 0 {
            let e = r.expect_err("the call fails");
            assert_eq!(e.at, fail);
            assert!(e.message.starts_with("cannot divide"), "{}", e.message);
        } else {
            assert!(r.is_ok());
        }
    }
}

/// The loop is compiled before the first `None` and the failing call: compiled code checks
/// the calls' status, and the failures come out of it.
#[test]
fn compiled_calls_check_their_status() {
    for backend in ["", ",backend=interp"] {
        let jit = metajit::testing::driver(&format!("threshold=5{backend}"));
        let reference = run_with(&metajit::testing::driver("enable=false"), 500, 97, 400);
        assert_eq!(run_with(&jit, 500, 97, 400), reference);
        let loops = jit.loop_traces();
        assert_eq!(loops.len(), 1, "{backend}");
        let text = loops[0].1.to_string();
        assert_eq!(
            text.matches("descr=jit.call_failed)").count(),
            2,
            "{backend}: one status check per fallible call:\n{text}"
        );
        assert!(jit.stats().guard_failures >= 2, "{backend}");
    }
}
