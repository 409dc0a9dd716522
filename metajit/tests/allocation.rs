//! Allocation in traced code (`metajit::new!`): a loop that boxes a value in a new object per
//! iteration, with an array of compound items, leaves no allocation in its compiled loop (the
//! optimizer keeps the object's fields in registers); an object that escapes is allocated by
//! compiled code through the language's `blank`; a guard failing while the object exists only
//! in registers rebuilds it. Every mode computes the same.

use metajit::testing::{driver, same_in_every_mode};
use metajit::{JitArray, JitDriver, JitNew, JitStruct, Ref};
use std::cell::Cell;

/// A two-word compound item (what a tagged value is).
#[derive(metajit::JitCompound, Clone, Copy, Debug, PartialEq, Default)]
#[repr(C)]
struct Pair {
    tag: i64,
    bits: i64,
}

const NO_PAIR: Pair = Pair { tag: 0, bits: 0 };

/// The object the loop allocates.
#[derive(JitStruct)]
#[repr(C)]
struct Boxed {
    /// Outside the JIT's view: set by `blank`, as a collector's header would be.
    serial: u64,
    value: i64,
    items: JitArray<Pair>,
}

thread_local! {
    /// How many objects `blank` made (natively, in compiled code and on resume).
    static BLANKS: Cell<u64> = const { Cell::new(0) };
    /// The objects made, freed at the end of each run (boxed: they must not move).
    #[allow(clippy::vec_box)]
    static OWNED: std::cell::RefCell<Vec<Box<Boxed>>> = const { std::cell::RefCell::new(Vec::new()) };
}

// SAFETY: `blank` returns a live, boxed object whose fields `new!` sets own nothing (an empty
// array, zeros); the thread's list keeps it alive until the run ends.
unsafe impl JitNew for Boxed {
    fn blank() -> Ref<Boxed> {
        let serial = BLANKS.with(|b| {
            b.set(b.get() + 1);
            b.get()
        });
        let mut obj = Box::new(Boxed {
            serial,
            value: 0,
            items: JitArray::empty(),
        });
        let r = Ref::new_mut(&mut *obj);
        OWNED.with(|o| o.borrow_mut().push(obj));
        r
    }
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable)]
    i: i64,
    #[jit(virtualizable)]
    acc: i64,
    /// The last object kept (escaping every `keep_every` iterations).
    kept: Ref<Boxed>,
}

struct Prog {
    /// Keep the object every this many iterations (0: never).
    keep_every: i64,
    /// Add the object's value on a rare branch every this many iterations (0: never).
    branch_every: i64,
}

#[metajit::interpreter(greens(pc, prog), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, prog: &Prog, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            if frame.i == 0 {
                return frame.acc;
            }
            let value = frame.acc % 1000 + frame.i;
            let b = metajit::new!(Boxed {
                value,
                items: JitArray::new(2, NO_PAIR),
            });
            // SAFETY: `b` is alive (owned by the thread's list) and used only here.
            unsafe { b.get_mut() }.items[1] = Pair {
                tag: 3,
                bits: frame.i * 2,
            };
            frame.acc += b.value + b.items[1].bits + b.items[0].tag;
            if prog.branch_every != 0 && frame.i % prog.branch_every == 0 {
                frame.acc += b.items[1].tag * b.value;
            }
            if prog.keep_every != 0 && frame.i % prog.keep_every == 0 {
                frame.kept = b;
            }
            frame.i -= 1;
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

/// Runs `n` iterations: the result, the kept object's value and how many objects were made.
fn run_with(jit: &JitDriver, prog: &Prog, n: i64) -> (i64, i64, u64) {
    BLANKS.with(|b| b.set(0));
    let mut first = Box::new(Boxed {
        serial: 0,
        value: -1,
        items: JitArray::empty(),
    });
    let mut frame = Frame {
        i: n,
        acc: 0,
        kept: Ref::new_mut(&mut *first),
    };
    let r = run(jit, prog, &mut frame);
    let kept = frame.kept.value;
    let made = BLANKS.with(|b| b.get());
    OWNED.with(|o| o.borrow_mut().clear());
    (r, kept, made)
}

/// What the loop computes, in plain Rust.
fn expected(prog: &Prog, n: i64) -> (i64, i64) {
    let (mut acc, mut kept) = (0i64, -1i64);
    for i in (1..=n).rev() {
        let value = acc % 1000 + i;
        acc += value + i * 2;
        if prog.branch_every != 0 && i % prog.branch_every == 0 {
            acc += 3 * value;
        }
        if prog.keep_every != 0 && i % prog.keep_every == 0 {
            kept = value;
        }
    }
    (acc, kept)
}

#[test]
fn temporaries_agree_in_every_mode() {
    let prog = Prog {
        keep_every: 0,
        branch_every: 0,
    };
    let (acc, kept) = same_in_every_mode("alloc", |jit| {
        let (acc, kept, _) = run_with(&jit, &prog, 500);
        (acc, kept)
    });
    assert_eq!((acc, kept), expected(&prog, 500));
}

/// The compiled loop allocates nothing: no `new`, no `new_array`, no store; objects are made
/// only while the loop is interpreted or traced.
#[test]
fn the_loop_of_a_temporary_allocates_nothing() {
    let prog = Prog {
        keep_every: 0,
        branch_every: 0,
    };
    let jit = driver("threshold=3");
    let (acc, _, made) = run_with(&jit, &prog, 1000);
    assert_eq!(acc, expected(&prog, 1000).0);
    let text = jit.loop_traces()[0].1.to_string();
    let body = &text[text.rfind("label(").expect("a loop")..];
    for op in ["new(", "new_array(", "setfield(", "setarrayitem(", "call("] {
        assert!(!body.contains(op), "the loop has no `{op}`:\n{text}");
    }
    assert!(made < 20, "{made} objects made in 1000 iterations");
}

/// An object stored into the frame escapes: compiled code allocates it (through `blank`)
/// where it escapes, with its fields, and every mode agrees on what was kept.
#[test]
fn escaping_objects_are_allocated_by_compiled_code() {
    let prog = Prog {
        keep_every: 10,
        branch_every: 0,
    };
    let (acc, kept) = same_in_every_mode("alloc-escape", |jit| {
        let (acc, kept, _) = run_with(&jit, &prog, 500);
        (acc, kept)
    });
    assert_eq!((acc, kept), expected(&prog, 500));
    let jit = driver("threshold=3");
    let (_, _, made) = run_with(&jit, &prog, 1000);
    assert!(
        (100..200).contains(&made),
        "one object per kept iteration (plus the interpreted ones): {made}"
    );
}

/// A guard failing while the object is virtual rebuilds it (with its array of compound items)
/// for the interpreter, which reads its fields.
#[test]
fn failing_guards_rebuild_virtual_objects() {
    let prog = Prog {
        keep_every: 0,
        branch_every: 7,
    };
    let (acc, kept) = same_in_every_mode("alloc-guard", |jit| {
        let (acc, kept, _) = run_with(&jit, &prog, 500);
        (acc, kept)
    });
    assert_eq!((acc, kept), expected(&prog, 500));
}

/// A boxed counter carried around the loop (the frame's field points to a new box each
/// iteration, as a language boxing its numbers would).
#[derive(JitStruct)]
#[repr(C)]
struct Counter {
    value: i64,
    steps: i64,
}

thread_local! {
    /// The counters made, freed at the end of each run (boxed: they must not move).
    #[allow(clippy::vec_box)]
    static COUNTERS: std::cell::RefCell<Vec<Box<Counter>>> = const { std::cell::RefCell::new(Vec::new()) };
}

// SAFETY: a live boxed object kept by the thread's list; its fields own nothing.
unsafe impl JitNew for Counter {
    const BLANK_WRITES: Option<&'static [&'static str]> = Some(&[]);
    fn blank() -> Ref<Counter> {
        let mut c = Box::new(Counter { value: 0, steps: 0 });
        let r = Ref::new_mut(&mut *c);
        COUNTERS.with(|o| o.borrow_mut().push(c));
        r
    }
}

#[derive(JitStruct)]
#[repr(C)]
struct CountFrame {
    #[jit(virtualizable)]
    i: i64,
    #[jit(virtualizable)]
    counter: Ref<Counter>,
}

#[metajit::interpreter(greens(pc), reds(frame), virtualizable(frame), driver = jit)]
fn count(jit: &JitDriver, pc: usize, frame: &mut CountFrame) -> i64 {
    loop {
        metajit::merge_point!();
        if pc == 0 {
            if frame.i == 0 {
                return frame.counter.value * 1000 + frame.counter.steps;
            }
            let c = frame.counter;
            frame.counter = metajit::new!(Counter {
                value: c.value + frame.i % 7,
                steps: c.steps + 1,
            });
            frame.i -= 1;
            metajit::can_enter_jit!();
            continue;
        }
    }
}

fn count_with(jit: &JitDriver, n: i64) -> i64 {
    let mut first = Box::new(Counter { value: 0, steps: 0 });
    let mut frame = CountFrame {
        i: n,
        counter: Ref::new_mut(&mut *first),
    };
    let r = count(jit, 0, &mut frame);
    COUNTERS.with(|o| o.borrow_mut().clear());
    r
}

/// The box goes around the loop as its two fields: the compiled loop allocates nothing, and
/// the box is made when the loop exits (the interpreter reads it).
#[test]
fn virtuals_cross_the_back_edge() {
    let expected = (1..=300).map(|i| i % 7).sum::<i64>() * 1000 + 300;
    assert_eq!(
        same_in_every_mode("carry", |jit| count_with(&jit, 300)),
        expected
    );
    let jit = driver("threshold=3");
    assert_eq!(count_with(&jit, 300), expected);
    let text = jit.loop_traces()[0].1.to_string();
    let body = &text[text.rfind("label(").expect("a peeled loop")..];
    assert!(
        !body.contains("new("),
        "the loop allocates nothing:\n{text}"
    );
    assert!(
        body.contains("v0 = new Counter("),
        "the loop's exit describes the box:\n{text}"
    );
}
