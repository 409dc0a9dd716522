//! `checked_add`/`checked_mul` in traced code: the loop records `int_add_ovf` and a guard
//! without an argument (`guard_no_overflow`), and compiling that trace, failing the guard and
//! bridging it give what the interpreter computes in every mode. (A guard without an argument
//! once crashed the driver while it built resume data.)

use metajit::testing::same_in_every_mode;
use metajit::{JitArray, JitDriver, JitStruct};

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable_array)]
    regs: JitArray<i64>,
    /// How many additions overflowed (and saturated instead).
    overflows: i64,
}

#[metajit::interpreter(greens(step), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, step: i64, frame: &mut Frame) -> i64 {
    loop {
        metajit::merge_point!();
        if frame.regs[1] <= 0 {
            return frame.regs[0];
        }
        // r0 = r0 * 2 + step, saturating (and counting) when it overflows.
        let doubled = match frame.regs[0].checked_mul(2) {
            Some(d) => d,
            None => {
                frame.overflows += 1;
                i64::MAX
            }
        };
        frame.regs[0] = match doubled.checked_add(step) {
            Some(s) => s,
            None => {
                frame.overflows += 1;
                i64::MAX
            }
        };
        frame.regs[1] -= 1;
        metajit::can_enter_jit!();
    }
}

fn go(jit: JitDriver, start: i64, iterations: i64, step: i64) -> (i64, i64) {
    let mut frame = Frame {
        regs: JitArray::new(2, 0),
        overflows: 0,
    };
    frame.regs[0] = start;
    frame.regs[1] = iterations;
    let r = run(&jit, step, &mut frame);
    (r, frame.overflows)
}

#[test]
fn overflow_guards_in_every_mode() {
    // Small values never overflow; 1 doubled 70 times does after 62 doublings, and then every
    // iteration overflows (the guard fails once, then its bridge runs).
    for (start, n, step) in [(0, 50, 1), (1, 70, 0), (1, 200, 3), (-5, 100, -7)] {
        let got = same_in_every_mode(&format!("start {start}, {n} steps of {step}"), |jit| {
            go(jit, start, n, step)
        });
        let mut want = (start, 0);
        for _ in 0..n {
            let d = want.0.checked_mul(2).unwrap_or_else(|| {
                want.1 += 1;
                i64::MAX
            });
            want.0 = d.checked_add(step).unwrap_or_else(|| {
                want.1 += 1;
                i64::MAX
            });
        }
        assert_eq!(got, want, "start {start}, {n} steps of {step}");
    }
}
