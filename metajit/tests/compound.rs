//! Compound values (`#[derive(JitCompound)]`): a tagged value, as a dynamic language's VM
//! keeps it, in a virtualizable register array, in fields, in a heap array, passed to and
//! returned from inlined helpers and built by struct literals with red parts. Every mode
//! computes what the interpreter computes, and the optimized loop keeps tags the trace wrote
//! as constants out of memory and out of guards.

use metajit::testing::same_in_every_mode;
use metajit::{JitArray, JitCompound, JitDriver, JitStruct, Params};

/// A tagged value: an integer (the payload is the `i64`) or a float (the `f64`'s bits).
#[derive(Clone, Copy, Debug, PartialEq, JitCompound)]
#[repr(C)]
struct Val {
    tag: u64,
    bits: u64,
}

const INT: u64 = 1;
const FLOAT: u64 = 2;

impl Val {
    fn int(n: i64) -> Val {
        Val {
            tag: INT,
            bits: n as u64,
        }
    }
    fn float(x: f64) -> Val {
        Val {
            tag: FLOAT,
            bits: x.to_bits(),
        }
    }
}

/// A heap object with a compound field.
#[derive(JitStruct)]
#[repr(C)]
struct Boxed {
    v: Val,
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable_array)]
    regs: JitArray<Val>,
    heap: JitArray<Val>,
    boxed: Box<Boxed>,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Int(usize, i64),
    /// A float constant, as its bits.
    Float(usize, u64),
    /// `d = a + b` (ints add with wrapping; a float on either side makes a float sum).
    Add(usize, usize, usize),
    /// `d = a < b` as an int 0 or 1 (ints only).
    Lt(usize, usize, usize),
    /// Continue at the target while `r` is a nonzero int.
    JumpIf(usize, usize),
    /// `heap[i] = r` and `r = heap[j]` (a heap array of compounds).
    Store(usize, usize),
    Load(usize, usize),
    /// `boxed.v = r` and `r = boxed.v`.
    SetBox(usize),
    GetBox(usize),
}

/// A program (green data).
struct Prog {
    ops: Vec<Op>,
}

#[metajit::jit]
fn to_float(v: Val) -> f64 {
    if v.tag == INT {
        v.bits as i64 as f64
    } else {
        f64::from_bits(v.bits)
    }
}

#[metajit::jit]
fn add(a: Val, b: Val) -> Val {
    if a.tag == INT && b.tag == INT {
        return Val {
            tag: INT,
            bits: (a.bits as i64).wrapping_add(b.bits as i64) as u64,
        };
    }
    let sum = to_float(a) + to_float(b);
    Val {
        tag: FLOAT,
        bits: sum.to_bits(),
    }
}

#[metajit::interpreter(greens(pc, prog), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, prog: &Prog, frame: &mut Frame) -> Val {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc >= prog.ops.len() {
            return frame.regs[0];
        }
        match prog.ops[pc] {
            Op::Int(d, n) => {
                frame.regs[d] = Val {
                    tag: INT,
                    bits: n as u64,
                }
            }
            Op::Float(d, bits) => frame.regs[d] = Val { tag: FLOAT, bits },
            Op::Add(d, a, b) => frame.regs[d] = add(frame.regs[a], frame.regs[b]),
            Op::Lt(d, a, b) => {
                let (x, y) = (frame.regs[a], frame.regs[b]);
                let lt = (x.bits as i64) < (y.bits as i64);
                frame.regs[d] = Val {
                    tag: INT,
                    bits: lt as u64,
                };
            }
            Op::JumpIf(r, target) => {
                let v = frame.regs[r];
                if v.tag == INT && v.bits != 0 {
                    pc = target;
                    metajit::can_enter_jit!();
                    continue;
                }
            }
            Op::Store(i, r) => frame.heap[i] = frame.regs[r],
            Op::Load(r, i) => frame.regs[r] = frame.heap[i],
            Op::SetBox(r) => frame.boxed.v = frame.regs[r],
            Op::GetBox(r) => frame.regs[r] = frame.boxed.v,
        }
        pc += 1;
    }
}

fn run_prog(prog: &[Op], jit: JitDriver) -> (Val, Vec<Val>, Val) {
    run_on(&Prog { ops: prog.to_vec() }, &jit)
}

/// `r0 = sum of 1..n as ints, r1 = r1 + 0.5 each time`, through the heap and the box too.
fn counting(n: i64) -> Vec<Op> {
    vec![
        Op::Int(0, 0),
        Op::Float(1, 0f64.to_bits()),
        Op::Int(2, 0),
        Op::Int(3, n),
        Op::Int(4, 1),
        Op::Float(5, 0.5f64.to_bits()),
        // loop (6):
        Op::Add(2, 2, 4),
        Op::Add(0, 0, 2),
        Op::Add(1, 1, 5),
        Op::Store(0, 1),
        Op::Load(6, 0),
        Op::SetBox(6),
        Op::GetBox(7),
        Op::Lt(6, 2, 3),
        Op::JumpIf(6, 6),
        Op::Store(1, 7),
    ]
}

#[test]
fn tagged_values_compute_the_same_in_every_mode() {
    for n in [0, 1, 5, 100, 1000] {
        let prog = counting(n);
        let (r, heap, boxed) =
            same_in_every_mode(&format!("counting {n}"), |jit| run_prog(&prog, jit));
        let steps = n.max(1);
        assert_eq!(r, Val::int(steps * (steps + 1) / 2));
        assert_eq!(heap[0], Val::float(0.5 * steps as f64));
        assert_eq!(heap[1], heap[0]);
        assert_eq!(boxed, heap[0]);
    }
}

/// The same JIT runs the loop with an int increment (compiling it), then with a float one:
/// the tag guards of the compiled loop fail, and the blackhole or a bridge carries on with the
/// right values.
#[test]
fn a_tag_that_changes_fails_a_guard() {
    let ints = counting(200);
    let mut floats = ints.clone();
    floats[4] = Op::Float(4, 1f64.to_bits());
    // Both programs stay alive as long as the driver: they are green data, whose addresses
    // compiled code keeps.
    let (ints, floats) = (Prog { ops: ints }, Prog { ops: floats });
    let (a, b) = same_in_every_mode("tag change", |jit| {
        let first = run_on(&ints, &jit);
        let second = run_on(&floats, &jit);
        (first, second)
    });
    assert_eq!(a.0, Val::int(200 * 201 / 2));
    assert_eq!(b.0.tag, FLOAT);
    // `Lt` compares payloads as ints: a float counter ends the loop after one step.
    assert_eq!(b.1[0], Val::float(0.5));
}

fn run_on(prog: &Prog, jit: &JitDriver) -> (Val, Vec<Val>, Val) {
    let mut frame = Frame {
        regs: JitArray::new(8, Val::int(0)),
        heap: JitArray::new(4, Val::int(0)),
        boxed: Box::new(Boxed { v: Val::int(0) }),
    };
    let r = run(jit, prog, &mut frame);
    (r, frame.heap.as_slice().to_vec(), frame.boxed.v)
}

/// The optimized loop: registers live in the trace (no array access on them), the tags the
/// loop writes as constants are never tested again, and the values stored into the heap array
/// and the box are forwarded to the loads that follow (one store per part remains).
#[test]
fn constant_tags_fold_in_the_optimized_loop() {
    let jit = JitDriver::with_params(Params {
        threshold: 3,
        ..Params::default()
    });
    let prog = Prog { ops: counting(100) };
    run_on(&prog, &jit);
    let loops = jit.loop_traces();
    assert!(!loops.is_empty(), "the loop was compiled");
    let text = loops[0].1.to_string();
    let body = text.rsplit("label(").next().unwrap();
    assert!(
        !body.contains("getarrayitem(p2") && !body.contains("setarrayitem(p2"),
        "registers stay out of memory:\n{text}"
    );
    assert!(
        body.contains("convert_longlong_bytes_to_float") || body.contains("float_add"),
        "{text}"
    );
    // The peeled loop knows every tag: only the loop condition is left to guard.
    let guards = body.matches("guard_").count();
    assert_eq!(guards, 1, "only the loop condition is guarded:\n{text}");
    assert!(
        !body.contains("getfield(p") || !body.contains("Boxed.v"),
        "{text}"
    );
}

/// A tagged value whose payload is an object's address: `ref_from_addr`/`ref_addr` carry it
/// between the payload and a reference, and a round trip folds away.
mod payload_refs {
    use metajit::testing::same_in_every_mode;
    use metajit::{JitArray, JitCompound, JitDriver, JitStruct, Ref};

    #[derive(Clone, Copy, Debug, PartialEq, JitCompound)]
    #[repr(C)]
    struct Val {
        tag: u64,
        bits: u64,
    }

    #[derive(JitStruct)]
    #[repr(C)]
    struct Counter {
        n: i64,
    }

    #[derive(JitStruct)]
    #[repr(C)]
    struct Frame {
        #[jit(virtualizable_array)]
        regs: JitArray<Val>,
        #[jit(virtualizable)]
        i: i64,
    }

    #[metajit::interpreter(greens(pc), reds(frame), virtualizable(frame), driver = jit)]
    fn run(jit: &JitDriver, frame: &mut Frame) -> i64 {
        let mut pc = 0usize;
        loop {
            metajit::merge_point!();
            if pc == 0 {
                if frame.i == 0 {
                    let c = metajit::ref_from_addr::<Counter>(frame.regs[0].bits);
                    return c.n;
                }
                let v = frame.regs[0];
                let mut c = metajit::ref_from_addr::<Counter>(v.bits);
                c = metajit::ref_from_addr::<Counter>(metajit::ref_addr(c));
                bump(c);
                frame.regs[1] = Val {
                    tag: 7,
                    bits: metajit::ref_addr(c),
                };
                frame.i -= 1;
                metajit::can_enter_jit!();
                continue;
            }
            pc += 1;
        }
    }

    #[metajit::dont_look_inside]
    fn bump(c: Ref<Counter>) {
        // SAFETY: the test keeps the counter alive and unaliased during the run.
        unsafe { c.get_mut() }.n += 1;
    }

    #[test]
    fn payloads_become_references() {
        let r = same_in_every_mode("payload refs", |jit| {
            let mut counter = Box::new(Counter { n: 0 });
            let addr = metajit::ref_addr(Ref::new_mut(&mut *counter));
            let mut frame = Frame {
                regs: JitArray::new(2, Val { tag: 7, bits: addr }),
                i: 300,
            };
            run(&jit, &mut frame)
        });
        assert_eq!(r, 300);
    }
}
