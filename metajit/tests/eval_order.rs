//! Traced code evaluates in Rust's order: in `a[i] += f(frame)` on integers the right-hand
//! side runs first, so an item that `f` writes is read after the write.

use metajit::{JitArray, JitDriver, JitStruct, Params};

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    n: i64,
    xs: JitArray<i64>,
}

#[metajit::jit]
fn bump(frame: &mut Frame) -> i64 {
    frame.xs[0] += 1000;
    1
}

#[metajit::interpreter(greens(pc), reds(frame), driver = jit)]
fn run(jit: &JitDriver, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            frame.xs[0] += bump(frame);
            frame.n -= 1;
            if frame.n == 0 {
                return frame.xs[0];
            }
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

#[test]
fn compound_assignment_to_an_item_reads_it_after_the_right_hand_side() {
    for spec in [
        "enable=false",
        "threshold=5",
        "threshold=5,backend=interp",
        "threshold=1,function_threshold=1,trace_eagerness=1",
    ] {
        let mut p = Params::default();
        p.apply(spec).unwrap();
        let jit = JitDriver::with_params(p);
        let mut f = Frame {
            n: 100,
            xs: JitArray::new(2, 0i64),
        };
        assert_eq!(run(&jit, &mut f), 100_100, "params {spec}");
    }
}
