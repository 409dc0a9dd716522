//! The hints in traced code: `promote` guards on the value seen and folds what follows,
//! `we_are_jitted` is true only in traced code, `is_constant` tells constants of the trace,
//! `assert_green` aborts traces where its argument is not constant.

use metajit::{JitDriver, JitStruct, Params};

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    counter: i64,
    k: i64,
    acc: i64,
    jitted: i64,
    constant_k: i64,
}

#[metajit::interpreter(greens(pc), reds(frame), driver = jit)]
fn run(jit: &JitDriver, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            let k = metajit::promote(frame.k);
            frame.acc += k * 3;
            if metajit::is_constant(k) {
                frame.constant_k += 1;
            }
            if metajit::we_are_jitted() {
                frame.jitted += 1;
            }
            frame.counter -= 1;
            if frame.counter == 0 {
                return frame.acc;
            }
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

fn go(mode: &str) -> (i64, Frame, JitDriver) {
    let mut p = Params::default();
    p.apply(mode).unwrap();
    let jit = JitDriver::with_params(p);
    let mut f = Frame {
        counter: 100,
        k: 7,
        acc: 0,
        jitted: 0,
        constant_k: 0,
    };
    let r = run(&jit, &mut f);
    (r, f, jit)
}

#[test]
fn hints_behave_in_traced_code() {
    let (r, f, _) = go("enable=false");
    assert_eq!((r, f.jitted, f.constant_k), (2100, 0, 0));
    let (r, f, jit) = go("threshold=5");
    assert_eq!(r, 2100);
    assert!(
        f.jitted > 90,
        "we_are_jitted is true in traced code: {}",
        f.jitted
    );
    assert!(
        f.constant_k > 90,
        "a promoted value is a constant of the trace: {}",
        f.constant_k
    );
    let text = jit.loop_traces()[0].1.to_string();
    assert!(
        text.contains("guard_value"),
        "promote guards on the value seen:\n{text}"
    );
    assert!(
        text.contains("int_add(") && !text.contains("int_mul("),
        "k * 3 folds once k is promoted:\n{text}"
    );
}

#[metajit::elidable]
fn double(x: i64) -> i64 {
    x * 2
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame2 {
    counter: i64,
    x: i64,
    acc: i64,
}

#[metajit::interpreter(greens(pc), reds(frame), driver = jit)]
fn run_known(jit: &JitDriver, frame: &mut Frame2) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            let x = frame.x;
            metajit::record_known_result!(x + x, double(x));
            frame.acc += double(x);
            frame.x += 1;
            frame.counter -= 1;
            if frame.counter == 0 {
                return frame.acc;
            }
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

#[test]
fn record_known_result_folds_later_calls() {
    let expected: i64 = (0..100).map(|x| 2 * x).sum();
    for mode in ["enable=false", "threshold=5"] {
        let mut p = Params::default();
        p.apply(mode).unwrap();
        let jit = JitDriver::with_params(p);
        let mut f = Frame2 {
            counter: 100,
            x: 0,
            acc: 0,
        };
        assert_eq!(run_known(&jit, &mut f), expected, "{mode}");
        if mode != "enable=false" {
            let text = jit.loop_traces()[0].1.to_string();
            assert!(
                !text.contains("call_pure") && !text.contains("record_known_result"),
                "the known result replaces the call:\n{text}"
            );
        }
    }
}
