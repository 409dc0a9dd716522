//! The toy interpreter of `handwritten_twin.rs`, written with the annotations: the macros must
//! produce a working twin.

use metajit::{JitArray, JitDriver, JitStruct, Params};

#[derive(Clone, Copy, Debug)]
enum Op {
    Dec,
    AddAcc,
    AddReg(usize),
    Clamp,
    JumpIfNotZero(usize),
    Halt,
}

struct Code {
    ops: Vec<Op>,
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    counter: i64,
    acc: i64,
    regs: JitArray<i64>,
}

#[metajit::jit]
fn clamp(frame: &mut Frame, limit: i64) {
    if frame.acc > limit {
        frame.acc -= limit;
    }
}

#[metajit::interpreter(greens(pc, code), reds(frame), driver = jit)]
fn run(jit: &JitDriver, code: &Code, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        match code.ops[pc] {
            Op::Dec => {
                frame.counter -= 1;
                pc += 1;
            }
            Op::AddAcc => {
                frame.acc += frame.counter;
                pc += 1;
            }
            Op::AddReg(r) => {
                frame.acc += frame.regs[r] * 2;
                pc += 1;
            }
            Op::Clamp => {
                clamp(frame, 1000);
                pc += 1;
            }
            Op::JumpIfNotZero(t) => {
                pc += 1;
                if frame.counter != 0 {
                    pc = t;
                    metajit::can_enter_jit!();
                }
            }
            Op::Halt => return frame.acc,
        }
    }
}

fn program() -> Code {
    Code {
        ops: vec![
            Op::AddAcc,
            Op::AddReg(1),
            Op::Clamp,
            Op::Dec,
            Op::JumpIfNotZero(0),
            Op::Halt,
        ],
    }
}

fn expected(n: i64) -> i64 {
    let mut acc = 0i64;
    let mut c = n;
    loop {
        acc += c;
        acc += 7 * 2;
        if acc > 1000 {
            acc -= 1000;
        }
        c -= 1;
        if c == 0 {
            return acc;
        }
    }
}

fn new_frame(n: i64) -> Frame {
    let mut regs = JitArray::new(3, 0i64);
    regs[1] = 7;
    Frame {
        counter: n,
        acc: 0,
        regs,
    }
}

#[test]
fn off_and_eager_agree_with_plain_rust() {
    for spec in [
        "enable=false",
        "threshold=1,function_threshold=1,trace_eagerness=1",
        "threshold=3,trace_eagerness=2,backend=interp",
    ] {
        let mut p = Params::default();
        p.apply(spec).unwrap();
        let jit = JitDriver::build(
            p,
            metajit::log::Log::parse(&std::env::var("SHOW").unwrap_or_default()),
        );
        let code = program();
        for n in [1, 5, 100, 3000] {
            let mut f = new_frame(n);
            assert_eq!(run(&jit, &code, &mut f), expected(n), "n={n} params {spec}");
        }
        if spec != "enable=false" {
            let s = jit.stats();
            assert!(s.loops >= 1, "{spec}: {}", s.summary("x"));
        }
    }
}
