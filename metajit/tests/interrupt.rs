//! `metajit::interrupt_pending()` polled at a loop's back-edge: when something outside the
//! loop's logic raises the flag (here a residual call standing in for a timer thread), the
//! compiled loop leaves through its poll guard at the same iteration the interpreter stops.

use metajit::testing::same_in_every_mode;
use metajit::{JitArray, JitDriver, JitStruct};

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable_array)]
    regs: JitArray<i64>,
}

/// Raises the interrupt when the countdown reaches `at` (as a timer would, unseen by traces).
#[metajit::dont_look_inside]
fn tick(remaining: i64, at: i64) -> i64 {
    if remaining == at {
        metajit::interrupt::request();
    }
    remaining
}

#[metajit::interpreter(greens(at), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, at: i64, frame: &mut Frame) -> i64 {
    loop {
        metajit::merge_point!();
        if frame.regs[1] <= 0 {
            return frame.regs[0];
        }
        frame.regs[0] += tick(frame.regs[1], at);
        frame.regs[1] -= 1;
        if metajit::interrupt_pending() {
            // Stopped: how much was left, negated.
            return -frame.regs[1];
        }
        metajit::can_enter_jit!();
    }
}

fn go(jit: JitDriver, n: i64, at: i64) -> i64 {
    metajit::interrupt::clear();
    let mut frame = Frame {
        regs: JitArray::new(2, 0),
    };
    frame.regs[1] = n;
    let r = run(&jit, at, &mut frame);
    metajit::interrupt::clear();
    r
}

#[test]
fn compiled_loops_stop_at_the_interrupt() {
    for (n, at) in [(1000, 1), (1000, 500), (1000, 3), (50, 0), (5000, 4000)] {
        let got = same_in_every_mode(&format!("{n} iterations, interrupt at {at}"), |jit| {
            go(jit, n, at)
        });
        let want = if at > 0 && at <= n {
            -(at - 1)
        } else {
            n * (n + 1) / 2
        };
        assert_eq!(got, want, "{n} iterations, interrupt at {at}");
    }
}
