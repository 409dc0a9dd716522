//! A portal may return `Err(e)` and `None` directly whatever its success type (the twin builds
//! them in its own return type), and a helper's `Result<(), E>` may be propagated with `?` as a
//! statement. Every mode computes what the interpreter computes.

use metajit::{JitArray, JitDriver, JitStruct, Params};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stopped {
    Negative,
    Limit,
}

metajit::green_type!(Stopped);

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    i: i64,
    acc: i64,
    limit: i64,
    xs: JitArray<i64>,
}

#[metajit::jit]
fn check(frame: &mut Frame) -> Result<(), Stopped> {
    if frame.acc > frame.limit {
        return Err(Stopped::Limit);
    }
    Ok(())
}

#[metajit::interpreter(greens(pc), reds(frame), driver = jit)]
fn sum(jit: &JitDriver, frame: &mut Frame) -> Result<i64, Stopped> {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            if frame.i as usize == frame.xs.len() {
                return Ok(frame.acc);
            }
            let x = frame.xs[frame.i as usize];
            if x < 0 {
                return Err(Stopped::Negative);
            }
            frame.acc += x;
            check(frame)?;
            frame.i += 1;
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

/// `Err` with a red payload: the index of the first negative item.
#[metajit::interpreter(greens(pc), reds(frame), driver = jit)]
fn first_negative(jit: &JitDriver, frame: &mut Frame) -> Result<i64, i64> {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            if frame.i as usize == frame.xs.len() {
                return Ok(-1);
            }
            if frame.xs[frame.i as usize] < 0 {
                return Err(frame.i);
            }
            frame.i += 1;
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

#[metajit::interpreter(greens(pc), reds(frame), driver = jit)]
fn first_zero(jit: &JitDriver, frame: &mut Frame) -> Option<i64> {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            if frame.i as usize == frame.xs.len() {
                return None;
            }
            if frame.xs[frame.i as usize] == 0 {
                return Some(frame.i);
            }
            frame.i += 1;
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

fn frame(xs: &[i64], limit: i64) -> Frame {
    let mut a = JitArray::new(xs.len(), 0);
    for (i, &x) in xs.iter().enumerate() {
        a[i] = x;
    }
    Frame {
        i: 0,
        acc: 0,
        limit,
        xs: a,
    }
}

#[test]
fn err_and_none_return_in_every_mode() {
    let ones = vec![1i64; 500];
    let mut negative = ones.clone();
    negative[400] = -1;
    let mut zero = ones.clone();
    zero[300] = 0;
    for spec in [
        "enable=false",
        "threshold=1,function_threshold=1,trace_eagerness=1",
        "threshold=5,trace_eagerness=3,backend=interp",
        "",
    ] {
        let mut p = Params::default();
        p.apply(spec).unwrap();
        let jit = JitDriver::with_params(p);
        assert_eq!(sum(&jit, &mut frame(&ones, 1000)), Ok(500), "{spec}");
        let mut f = frame(&negative, 1000);
        assert_eq!(sum(&jit, &mut f), Err(Stopped::Negative), "{spec}");
        assert_eq!(f.i, 400, "{spec}");
        let mut f = frame(&ones, 250);
        assert_eq!(sum(&jit, &mut f), Err(Stopped::Limit), "{spec}");
        assert_eq!(f.acc, 251, "{spec}");
        assert_eq!(
            first_negative(&jit, &mut frame(&negative, 0)),
            Err(400),
            "{spec}"
        );
        assert_eq!(first_negative(&jit, &mut frame(&ones, 0)), Ok(-1), "{spec}");
        assert_eq!(first_zero(&jit, &mut frame(&zero, 0)), Some(300), "{spec}");
        assert_eq!(first_zero(&jit, &mut frame(&ones, 0)), None, "{spec}");
    }
}
