//! Declared effects of residual calls: what the trace knows of a field or an array item
//! survives a call declared `reads_only`, or `writes(..)` of other fields and arrays, and is
//! forgotten after a call that may write it. Every mode computes the same.

use metajit::testing::same_in_every_mode;
use metajit::{JitArray, JitDriver, JitStruct, Ref};

#[derive(JitStruct)]
#[repr(C)]
struct Obj {
    x: i64,
    y: i64,
    items: JitArray<i64>,
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable)]
    i: i64,
    #[jit(virtualizable)]
    acc: i64,
    obj: Ref<Obj>,
}

/// Reads `obj.x`; writes nothing.
#[metajit::dont_look_inside(reads_only)]
fn peek(obj: Ref<Obj>) -> i64 {
    obj.x * 2
}

/// Writes `obj.y` only.
#[metajit::dont_look_inside(writes(Obj.y))]
fn bump_y(obj: Ref<Obj>) {
    // SAFETY: the test keeps the object alive and unaliased during the run.
    unsafe { obj.get_mut() }.y += 1;
}

/// Writes items of `i64` arrays only.
#[metajit::dont_look_inside(writes([i64]))]
fn bump_item(obj: Ref<Obj>) {
    // SAFETY: as above.
    unsafe { obj.get_mut() }.items[1] += 1;
}

/// May write anything.
#[metajit::dont_look_inside]
fn anything(obj: Ref<Obj>) {
    // SAFETY: as above.
    unsafe { obj.get_mut() }.y += 1;
}

#[metajit::interpreter(greens(pc, mode), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, mode: u8, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            if frame.i == 0 {
                return frame.acc;
            }
            let obj = frame.obj;
            let a = obj.x;
            let c = obj.items[0];
            if mode == 0 {
                frame.acc += peek(obj);
            } else if mode == 1 {
                bump_y(obj);
            } else if mode == 2 {
                anything(obj);
            } else {
                bump_item(obj);
            }
            let b = obj.x;
            let d = obj.items[0];
            frame.acc += a + b + c * d;
            frame.i -= 1;
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

fn run_mode(jit: &JitDriver, mode: u8) -> (i64, i64) {
    let mut obj = Box::new(Obj {
        x: 3,
        y: 0,
        items: JitArray::new(2, 5),
    });
    let mut frame = Frame {
        i: 100,
        acc: 0,
        obj: Ref::new_mut(&mut *obj),
    };
    let r = run(jit, mode, &mut frame);
    (r, obj.y + obj.items[1])
}

#[test]
fn every_mode_agrees() {
    for mode in 0..4 {
        same_in_every_mode(&format!("effects mode {mode}"), |jit| run_mode(&jit, mode));
    }
}

/// The recorded loop reads `obj.x` once when the call cannot write it, twice when it may.
#[test]
fn the_heap_cache_survives_calls_that_cannot_write() {
    for (mode, reads) in [(0u8, 1), (1, 1), (2, 2), (3, 1)] {
        let jit = metajit::testing::driver("threshold=3,optimize=false");
        run_mode(&jit, mode);
        let loops = jit.loop_traces();
        assert_eq!(loops.len(), 1, "mode {mode}");
        let text = loops[0].1.to_string();
        assert_eq!(
            text.matches("descr=Obj.x)").count(),
            reads,
            "mode {mode}: reads of obj.x in the recorded loop:\n{text}"
        );
    }
}

/// The optimized loop does not load `obj.items[0]` when the call cannot write `i64` arrays
/// (`reads_only`, `writes(Obj.y)`: the preamble's load serves every iteration), and loads it
/// when the call may (`writes([i64])`, or anything).
#[test]
fn array_items_survive_calls_that_cannot_write_them() {
    for (mode, reloads) in [(0u8, false), (1, false), (2, true), (3, true)] {
        let jit = metajit::testing::driver("threshold=3");
        run_mode(&jit, mode);
        let loops = jit.loop_traces();
        let text = loops[0].1.to_string();
        let body = &text[text.rfind("label(").expect("a loop")..];
        assert_eq!(
            body.contains("getarrayitem("),
            reloads,
            "mode {mode}: loads of obj.items[0] in the loop:\n{text}"
        );
    }
}
