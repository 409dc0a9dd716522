//! A bridge knows the value of the condition whose guard failed, but only what it is sure of:
//! a failing `guard_true` saw 0, a failing `guard_false` of a comparison saw 1, and a failing
//! `guard_false` of any other value saw only "not zero". The loop below is traced while `x`
//! is 0 (the optimizer turns `x == 0` into `guard_false(x)`), then `x` alternates between 5
//! and 7: a bridge that took `x` for the value it saw when traced would add the wrong one.

use metajit::{JitArray, JitDriver, JitStruct, Params};

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    n: i64,
    acc: i64,
    xs: JitArray<i64>,
}

#[metajit::interpreter(greens(pc), reds(frame), driver = jit)]
fn run(jit: &JitDriver, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            let x = frame.xs[frame.n as usize];
            if x == 0 {
                frame.acc += 1;
            } else {
                frame.acc += x;
            }
            if frame.n == 0 {
                return frame.acc;
            }
            frame.n -= 1;
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

fn frame(len: usize, zeros: usize) -> Frame {
    // Counted down from the end: the last `zeros` cells are 0, the others 5 and 7.
    let mut xs = JitArray::new(len, 0i64);
    for i in 0..len - zeros {
        xs[i] = if i % 2 == 0 { 5 } else { 7 };
    }
    Frame {
        n: len as i64 - 1,
        acc: 0,
        xs,
    }
}

fn expected(f: &Frame) -> i64 {
    (0..f.xs.len())
        .map(|i| if f.xs[i] == 0 { 1 } else { f.xs[i] })
        .sum()
}

#[test]
fn bridges_of_guard_false_do_not_assume_the_traced_value() {
    for spec in [
        "enable=false",
        "threshold=5,trace_eagerness=3",
        "threshold=5,trace_eagerness=3,backend=interp",
        "threshold=1,function_threshold=1,trace_eagerness=1",
    ] {
        let mut p = Params::default();
        p.apply(spec).unwrap();
        let jit = JitDriver::with_params(p);
        let mut f = frame(1000, 100);
        let want = expected(&f);
        assert_eq!(run(&jit, &mut f), want, "params {spec}");
        if spec != "enable=false" {
            assert!(jit.stats().bridges >= 1, "{spec}: a bridge was made");
        }
    }
}
