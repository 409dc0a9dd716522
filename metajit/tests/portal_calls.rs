//! Calls of the interpreter function from traced code (`#[metajit::interpreter(.., recursive)]`):
//! a toy register machine whose `Call` op runs the callee by calling the dispatch function.
//! Traces inline such calls (the callee's merge points become debug merge points), up to
//! `max_unroll_recursion` levels of the same function, and make the call natively past that or
//! when the callee has a loop; guards failing inside an inlined call resume the callee's frame
//! and finish the call natively. Every mode computes the same.

use metajit::testing::same_in_every_mode;
use metajit::{JitArray, JitDriver, JitStruct, Ref};

#[derive(Clone, Copy, Debug)]
enum Op {
    /// `r[d] = k`.
    Const(u8, i64),
    /// `r[d] = r[a] + r[b]`.
    Add(u8, u8, u8),
    /// `r[d] = r[a] - r[b]`.
    Sub(u8, u8, u8),
    /// Jump to `t` when `r[a] < r[b]`.
    JumpIfLess(u8, u8, u32),
    /// Jump back to `t` (a loop header).
    Loop(u32),
    /// `r[d] = func(r[a])`.
    Call(u8, u8, u8),
    /// Return `r[a]`.
    Ret(u8),
    /// `r[0] = r[a]`, return 0: the result left in the frame.
    RetInFrame(u8),
    /// `r[d] = func(r[a])` for a function that leaves its result in its frame's `r[0]`.
    CallForFrame(u8, u8, u8),
    /// `r[d] = func(r[a])` in a new frame when the call is inlined (`metajit::new!`: a
    /// virtual object in the trace), in the depth's frame otherwise (`metajit::inlines!`).
    CallFresh(u8, u8, u8),
}

struct Prog {
    funcs: Vec<Vec<Op>>,
}

/// The frames, one per call depth (allocated once, reused; boxed so that they stay put).
struct Stack {
    #[allow(clippy::vec_box)]
    frames: Vec<Box<Frame>>,
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable_array)]
    regs: JitArray<i64>,
    #[jit(immutable)]
    stack: Ref<Stack>,
    depth: usize,
}

thread_local! {
    /// Frames made by `new!` (natively, by compiled code or on resume), freed after each run.
    #[allow(clippy::vec_box)]
    static FRESH: std::cell::RefCell<Vec<Box<Frame>>> = const { std::cell::RefCell::new(Vec::new()) };
}

// SAFETY: a live boxed frame kept by the thread's list; the fields `new!` sets own nothing.
unsafe impl metajit::JitNew for Frame {
    const BLANK_WRITES: Option<&'static [&'static str]> = Some(&[]);
    fn blank() -> Ref<Frame> {
        let mut f = Box::new(Frame {
            regs: JitArray::empty(),
            stack: Ref::dangling(),
            depth: 0,
        });
        let r = Ref::new_mut(&mut *f);
        FRESH.with(|l| l.borrow_mut().push(f));
        r
    }
}

/// The frame for a call at `depth`, its registers cleared.
#[metajit::dont_look_inside]
fn frame_at(stack: Ref<Stack>, depth: usize) -> Ref<Frame> {
    // SAFETY: the stack outlives every call; only this call touches it now.
    let s = unsafe { stack.get_mut() };
    while s.frames.len() <= depth {
        let d = s.frames.len();
        s.frames.push(Box::new(Frame {
            regs: JitArray::new(8, 0),
            stack,
            depth: d,
        }));
    }
    let f = &mut s.frames[depth];
    f.regs.as_mut_slice().fill(0);
    Ref::new_mut(&mut **f)
}

#[metajit::interpreter(greens(pc, func, prog), reds(frame), virtualizable(frame), driver = jit, recursive)]
fn run(jit: &JitDriver, prog: &'static Prog, func: usize, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        match prog.funcs[func][pc] {
            Op::Const(d, k) => frame.regs[d as usize] = k,
            Op::Add(d, a, b) => {
                frame.regs[d as usize] = frame.regs[a as usize].wrapping_add(frame.regs[b as usize])
            }
            Op::Sub(d, a, b) => {
                frame.regs[d as usize] = frame.regs[a as usize].wrapping_sub(frame.regs[b as usize])
            }
            Op::JumpIfLess(a, b, t) => {
                if frame.regs[a as usize] < frame.regs[b as usize] {
                    pc = t as usize;
                    continue;
                }
            }
            Op::Loop(t) => {
                pc = t as usize;
                metajit::can_enter_jit!();
                continue;
            }
            Op::Call(d, f, a) => {
                let callee = frame_at(frame.stack, frame.depth + 1);
                // SAFETY: the callee's frame is another frame than this one.
                let c = unsafe { callee.get_mut() };
                c.regs[0] = frame.regs[a as usize];
                frame.regs[d as usize] = run(jit, prog, f as usize, c);
            }
            Op::Ret(a) => return frame.regs[a as usize],
            Op::RetInFrame(a) => {
                frame.regs[0] = frame.regs[a as usize];
                return 0;
            }
            Op::CallForFrame(d, f, a) => {
                let callee = frame_at(frame.stack, frame.depth + 1);
                // SAFETY: the callee's frame is another frame than this one.
                let c = unsafe { callee.get_mut() };
                c.regs[0] = frame.regs[a as usize];
                run(jit, prog, f as usize, c);
                frame.regs[d as usize] = c.regs[0];
            }
            Op::CallFresh(d, f, a) => {
                let callee = if metajit::inlines!(run(prog, f as usize)) {
                    metajit::new!(Frame {
                        regs: JitArray::new(8, 0),
                        stack: frame.stack,
                        depth: frame.depth + 1,
                    })
                } else {
                    frame_at(frame.stack, frame.depth + 1)
                };
                // SAFETY: the callee's frame is another frame than this one.
                let c = unsafe { callee.get_mut() };
                c.regs[0] = frame.regs[a as usize];
                frame.regs[d as usize] = run(jit, prog, f as usize, c);
            }
        }
        pc += 1;
    }
}

fn execute(jit: &JitDriver, prog: Prog, arg: i64) -> i64 {
    let prog: &'static Prog = Box::leak(Box::new(prog));
    let mut stack = Stack { frames: Vec::new() };
    let top = frame_at(Ref::new_mut(&mut stack), 0);
    // SAFETY: the stack lives until the end of this function.
    let top = unsafe { top.get_mut() };
    top.regs[0] = arg;
    let r = run(jit, prog, 0, top);
    FRESH.with(|l| l.borrow_mut().clear());
    r
}

/// Function 1: `fib(n)` by recursion (`n < 2: n`).
fn fib_ops() -> Vec<Op> {
    vec![
        Op::Const(1, 2),
        Op::JumpIfLess(0, 1, 9),
        Op::Const(2, 1),
        Op::Sub(3, 0, 2),
        Op::Call(4, 1, 3),
        Op::Sub(3, 3, 2),
        Op::Call(5, 1, 3),
        Op::Add(6, 4, 5),
        Op::Ret(6),
        Op::Ret(0),
    ]
}

/// Function 0: `s = 0; for i in 0..r0 { s += callee(i) }; return s`.
fn summing(callee: u8) -> Vec<Op> {
    vec![
        Op::Const(1, 0),         // 0: i = 0
        Op::Const(2, 0),         // 1: s = 0
        Op::Const(3, 1),         // 2: one
        Op::JumpIfLess(1, 0, 5), // 3: i < n: body
        Op::Ret(2),              // 4
        Op::Call(4, callee, 1),  // 5: t = callee(i)
        Op::Add(2, 2, 4),        // 6
        Op::Add(1, 1, 3),        // 7
        Op::Loop(3),             // 8
    ]
}

fn fib(n: i64) -> i64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}

#[test]
fn recursion_gives_the_same_results_in_every_mode() {
    let got = same_in_every_mode("fib(22) by recursion", |jit| {
        let prog = Prog {
            funcs: vec![vec![Op::Call(1, 1, 0), Op::Ret(1)], fib_ops()],
        };
        execute(&jit, prog, 22)
    });
    assert_eq!(got, fib(22));
}

#[test]
fn results_left_in_the_callee_frame_survive_compiled_returns() {
    // fib again, each call's result read from the callee's frame after it returns: a compiled
    // function entry must write its virtualizable frame back when it returns.
    let fib_in_frame = vec![
        Op::Const(1, 2),
        Op::JumpIfLess(0, 1, 9),
        Op::Const(2, 1),
        Op::Sub(3, 0, 2),
        Op::CallForFrame(4, 1, 3),
        Op::Sub(3, 3, 2),
        Op::CallForFrame(5, 1, 3),
        Op::Add(6, 4, 5),
        Op::RetInFrame(6),
        Op::RetInFrame(0),
    ];
    let got = same_in_every_mode("fib(20), results in frames", |jit| {
        let prog = Prog {
            funcs: vec![
                vec![Op::CallForFrame(1, 1, 0), Op::Ret(1)],
                fib_in_frame.clone(),
            ],
        };
        execute(&jit, prog, 20)
    });
    assert_eq!(got, fib(20));
}

/// A callee without a loop, `x -> x + x - 1`, the count of a loop calling it and its sum.
fn double_program() -> (Vec<Op>, i64, i64) {
    let double = vec![
        Op::Const(1, 1),
        Op::Add(2, 0, 0),
        Op::Sub(2, 2, 1),
        Op::Ret(2),
    ];
    let n = 5000;
    let want: i64 = (0..n).map(|i| 2 * i - 1).sum();
    (double, n, want)
}

#[test]
fn a_loop_inlines_the_function_it_calls() {
    let (double, n, want) = double_program();
    let got = same_in_every_mode("a loop calling a function", |jit| {
        let prog = Prog {
            funcs: vec![summing(1), double.clone()],
        };
        execute(&jit, prog, n)
    });
    assert_eq!(got, want);
    let jit = JitDriver::new();
    let prog = Prog {
        funcs: vec![summing(1), double.clone()],
    };
    assert_eq!(execute(&jit, prog, n), want);
    let loops = jit.loop_traces();
    assert!(!loops.is_empty(), "the loop was compiled");
    for (_, t) in &loops {
        let text = t.to_string();
        assert!(
            !text.contains("metajit_call_run"),
            "the call is inlined, not made:\n{text}"
        );
    }
}

#[test]
fn a_callee_with_a_loop_is_called_not_inlined() {
    // callee: `x -> 0 + 1 + ... + (x - 1)` with its own loop.
    let triangle = vec![
        Op::Const(1, 0),
        Op::Const(2, 0),
        Op::Const(3, 1),
        Op::JumpIfLess(1, 0, 5),
        Op::Ret(2),
        Op::Add(2, 2, 1),
        Op::Add(1, 1, 3),
        Op::Loop(3),
    ];
    let n = 300;
    let want: i64 = (0..n).map(|i| i * (i - 1) / 2).sum();
    let got = same_in_every_mode("a loop calling a function with a loop", |jit| {
        let prog = Prog {
            funcs: vec![summing(1), triangle.clone()],
        };
        execute(&jit, prog, n)
    });
    assert_eq!(got, want);
}

/// A callee whose path changes halfway through the loop calling it (small `x` returns `x`,
/// large `x` returns `2 * (x - 3000)`), the loop's count and its sum.
fn step_program() -> (Vec<Op>, i64, i64) {
    let step = vec![
        Op::Const(1, 3000),
        Op::JumpIfLess(0, 1, 5),
        Op::Sub(2, 0, 1),
        Op::Add(2, 2, 2),
        Op::Ret(2),
        Op::Ret(0),
    ];
    let n = 6000;
    let want: i64 = (0..n)
        .map(|i| if i < 3000 { i } else { 2 * (i - 3000) })
        .sum();
    (step, n, want)
}

#[test]
fn guards_failing_inside_an_inlined_call_resume_it() {
    // callee: `x -> if x < 3000 { x } else { fib(x % 7 ... ) }`, here: small x returns x, large
    // x returns x - 3000 + fib-free arithmetic, so the path the trace took fails later.
    let (step, n, want) = step_program();
    let got = same_in_every_mode("guards failing in an inlined call", |jit| {
        let prog = Prog {
            funcs: vec![summing(1), step.clone()],
        };
        execute(&jit, prog, n)
    });
    assert_eq!(got, want);
}

/// `summing` and `fib_ops` with their calls made by `CallFresh`.
fn fresh(ops: Vec<Op>) -> Vec<Op> {
    ops.into_iter()
        .map(|op| match op {
            Op::Call(d, f, a) => Op::CallFresh(d, f, a),
            op => op,
        })
        .collect()
}

/// A callee's frame made with `new!` when the call is inlined: the compiled loop neither
/// allocates it nor asks for the depth's frame; the callee's registers live in registers.
#[test]
fn inlined_calls_get_virtual_frames() {
    let (double, n, want) = double_program();
    let prog = || Prog {
        funcs: vec![fresh(summing(1)), double.clone()],
    };
    assert_eq!(
        same_in_every_mode("fresh frames", |jit| execute(&jit, prog(), n)),
        want
    );
    let jit = JitDriver::new();
    assert_eq!(execute(&jit, prog(), n), want);
    let loops = jit.loop_traces();
    assert!(!loops.is_empty(), "the loop was compiled");
    for (_, t) in &loops {
        let text = t.to_string();
        let body = &text[text.rfind("label(").unwrap_or(0)..];
        for op in ["new(", "new_array(", "frame_at", "metajit_call_run"] {
            assert!(!body.contains(op), "no `{op}` in the loop:\n{text}");
        }
    }
}

/// Recursion past the inlining bound takes the depth's frames (`inlines!` says no), guards
/// fail inside inlined calls with virtual frames, and bridges start with them: every mode
/// computes the same.
#[test]
fn recursion_with_virtual_frames_gives_the_same_results() {
    let got = same_in_every_mode("fib(20), fresh frames", |jit| {
        let prog = Prog {
            funcs: vec![vec![Op::CallFresh(1, 1, 0), Op::Ret(1)], fresh(fib_ops())],
        };
        execute(&jit, prog, 20)
    });
    assert_eq!(got, fib(20));
    let (step, n, want) = step_program();
    let got = same_in_every_mode("guards failing in a call with a fresh frame", |jit| {
        let prog = Prog {
            funcs: vec![fresh(summing(1)), step.clone()],
        };
        execute(&jit, prog, n)
    });
    assert_eq!(got, want);
}

/// Recursion past the inlining bound goes to the callee's compiled entry (`call_assembler`,
/// through the interpreter's assembler wrapper), not through a plain residual call of the
/// interpreter function; every mode computes the same (`recursion_gives_the_same_results..`).
#[test]
fn recursive_calls_go_through_call_assembler() {
    let jit = metajit::testing::driver("threshold=3,function_threshold=3");
    let prog = Prog {
        funcs: vec![vec![Op::Call(1, 1, 0), Op::Ret(1)], fib_ops()],
    };
    assert_eq!(execute(&jit, prog, 22), fib(22));
    let texts: Vec<String> = jit
        .loop_traces()
        .iter()
        .map(|(_, t)| t.to_string())
        .collect();
    let all = texts.join("\n");
    assert!(all.contains("call_assembler("), "{all}");
    assert!(all.contains("descr=metajit_asm_run"), "{all}");
    assert!(!all.contains("descr=metajit_call_run"), "{all}");
    assert!(jit.stats().functions >= 1, "fib's entry is compiled");
}
