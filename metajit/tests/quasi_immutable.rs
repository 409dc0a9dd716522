//! Quasi-immutable fields: traces fold them, and writing one (followed by
//! `JitDriver::invalidate_quasi_immutable`) invalidates the traces that did, even from inside
//! compiled code. Outputs must equal the JIT-less run; invalidated code is freed.

use metajit::{JitDriver, JitStruct, Params, Ref};

#[derive(JitStruct)]
#[repr(C)]
struct Class {
    #[jit(quasi_immutable)]
    factor: i64,
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    cls: Ref<Class>,
    acc: i64,
    counter: i64,
    change_at: i64,
    jit: *const JitDriver,
}

#[derive(Clone, Copy)]
enum Op {
    /// acc += cls.factor
    Add,
    /// counter -= 1; at `change_at`, the class's factor changes
    Dec,
    JumpIfNotZero(usize),
    Halt,
}

/// Changes the factor of the frame's class to 5 (native code, as an interpreter would when a
/// program redefines something).
#[metajit::dont_look_inside]
fn change(frame: &mut Frame) {
    // SAFETY: the test keeps the class and the driver alive for the whole run.
    let cls = unsafe { frame.cls.get_mut() };
    cls.factor = 5;
    // SAFETY: as above.
    unsafe { &*frame.jit }.invalidate_quasi_immutable(&cls.factor);
}

#[metajit::interpreter(greens(pc, code), reds(frame), driver = jit)]
fn run(jit: &JitDriver, code: &Vec<Op>, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        match code[pc] {
            Op::Add => {
                let cls = metajit::promote(frame.cls);
                frame.acc += cls.factor;
                pc += 1;
            }
            Op::Dec => {
                frame.counter -= 1;
                if frame.counter == frame.change_at {
                    change(frame);
                }
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

#[test]
fn writes_invalidate_folded_reads() {
    let code = vec![Op::Add, Op::Dec, Op::JumpIfNotZero(0), Op::Halt];
    for mode in [
        "enable=false",
        "threshold=1,function_threshold=1,trace_eagerness=1",
        "threshold=20,trace_eagerness=5",
        "threshold=20,trace_eagerness=5,backend=interp",
    ] {
        let mut p = Params::default();
        p.apply(mode).unwrap();
        let jit = JitDriver::with_params(p);
        let mut cls = Class { factor: 3 };
        let mut frame = Frame {
            cls: Ref::new_mut(&mut cls),
            acc: 0,
            counter: 1000,
            change_at: 400,
            jit: &jit,
        };
        let r = run(&jit, &code, &mut frame);
        // 600 iterations (counter 1000..=401) add 3, then the change, then 400 more add 5.
        assert_eq!(r, 600 * 3 + 400 * 5, "mode {mode}");
        if mode != "enable=false" {
            let s = jit.stats();
            assert!(s.loops >= 1, "{mode}: {}", s.summary("x"));
            assert!(
                s.invalidated >= 1,
                "{mode}: the loop folded the factor and must be invalidated: {}",
                s.summary("x")
            );
            let (_, first) = &jit.loop_traces()[0];
            let text = first.to_string();
            assert!(
                text.contains("quasiimmut_field")
                    && !text.contains("getfield(p1, descr=Class.factor)"),
                "the factor is folded:\n{text}"
            );
            assert!(
                text.contains("jit.invalidated"),
                "the loop checks its invalidation flag:\n{text}"
            );
            // A second run keeps using compiled code for the new factor; the invalidated piece
            // is freed once no compiled code is running.
            frame.counter = 1000;
            frame.acc = 0;
            frame.change_at = -1;
            assert_eq!(run(&jit, &code, &mut frame), 5000, "mode {mode}");
            let s = jit.stats();
            assert!(s.freed >= 1, "{mode}: {}", s.summary("x"));
        }
    }
}
