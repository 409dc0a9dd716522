//! A twin written by hand, exactly as the codewriter generates one: the blueprint the macro
//! follows and a test of the runtime without the macro in the way.

use metajit::twin::{self, Executor, ResumeReader, ResumeValue, Site, Slot, Stop, Sym, TwinInfo};
use metajit::{Entered, JitDriver, JitStruct, Params, PortalInfo, Ref};
use std::any::Any;

#[derive(Clone, Copy, Debug)]
enum Op {
    Dec,
    AddAcc,
    JumpIfNotZero(usize),
    Halt,
}

struct Code {
    ops: Vec<Op>,
}

#[repr(C)]
struct Frame {
    counter: i64,
    acc: i64,
}

// SAFETY: the offsets are the fields' true offsets.
unsafe impl JitStruct for Frame {
    const NAME: &'static str = "Frame";
    const FIELDS: &'static [twin::FieldInfo] = &[
        twin::FieldInfo {
            name: "counter",
            offset: std::mem::offset_of!(Frame, counter),
            immutable: false,
            quasi_immutable: false,
        },
        twin::FieldInfo {
            name: "acc",
            offset: std::mem::offset_of!(Frame, acc),
            immutable: false,
            quasi_immutable: false,
        },
    ];
}

// ANCHOR: native
/// The native interpreter (what the user writes, with the hooks the macro inserts).
fn run(jit: &JitDriver, code: &Code, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    let mut code = code;
    let mut frame = frame;
    'portal: loop {
        match code.ops[pc] {
            Op::Dec => {
                frame.counter -= 1;
                pc += 1;
            }
            Op::AddAcc => {
                frame.acc += frame.counter;
                if frame.acc > 1000 {
                    frame.acc -= 1000;
                }
                pc += 1;
            }
            Op::JumpIfNotZero(t) => {
                pc += 1;
                if frame.counter != 0 {
                    pc = t;
                    // can_enter_jit!()
                    match jit.can_enter_jit(
                        &PORTAL,
                        &[twin::green_bits(pc), twin::green_bits(code)],
                        &[twin::red_state_ref(&*frame)],
                    ) {
                        Entered::Continue => {}
                        Entered::Resume(s) => {
                            pc = metajit::JitValue::from_bits(s.0[0]);
                            code = metajit::JitValue::from_bits(s.0[1]);
                            // SAFETY: the JIT hands back the frame it was given.
                            frame = unsafe {
                                twin::TwinType::from_twin(metajit::JitValue::from_bits(s.0[2]))
                            };
                            continue 'portal;
                        }
                        Entered::Return(v) => {
                            // SAFETY: as above.
                            return unsafe { twin::from_twin::<i64>(twin::take_result(Some(v))) };
                        }
                    }
                }
            }
            Op::Halt => return frame.acc,
        }
    }
}

// ANCHOR_END: native

// ANCHOR: info
static RUN_TWIN: TwinInfo = TwinInfo {
    name: "run",
    resume: metajit::chain::resume_any::<RunResume>,
    portal: true,
};
static PORTAL: PortalInfo = PortalInfo {
    name: "run",
    twin: &RUN_TWIN,
    merge_point: 0,
    green_names: &["pc", "code"],
    red_names: &["frame"],
    virtualizable: None,
    encode_return: twin::encode_return::<Sym<i64>>,
    decode_return: twin::decode_return::<Sym<i64>>,
};

/// The resume entry, for every executor.
struct RunResume;

impl twin::TwinResume for RunResume {
    fn resume<E: Executor>(
        e: &mut E,
        point: u32,
        r: &mut ResumeReader<'_>,
        ret: Option<Box<dyn Any>>,
    ) -> Result<Box<dyn Any>, Stop> {
        run_twin(e, point, r, ret).map(twin::box_result)
    }
}

// ANCHOR_END: info

const SITE_COND_ACC: Site = Site {
    info: &RUN_TWIN,
    point: 1,
};
const SITE_COND_JUMP: Site = Site {
    info: &RUN_TWIN,
    point: 2,
};

// ANCHOR: twin
/// The twin, as a state machine over blocks. Blocks: 0 merge point, 1 dispatch, 2 Dec,
/// 3 AddAcc body, 4 AddAcc condition (resume point 1), 5 AddAcc then, 6 AddAcc join,
/// 7 Jump body, 8 Jump condition (resume point 2), 9 Jump then, 10 Halt.
fn run_twin<E: Executor>(
    e: &mut E,
    point: u32,
    r: &mut ResumeReader<'_>,
    _ret: Option<Box<dyn Any>>,
) -> Result<Sym<i64>, Stop> {
    let mut pc: Slot<usize> = Slot::new();
    let mut code: Slot<&Code> = Slot::new();
    let mut frame: Slot<Sym<Ref<Frame>>> = Slot::new();
    let mut t: Slot<usize> = Slot::new();
    let mut block: u32 = match point {
        0 => {
            pc.restore(r);
            code.restore(r);
            frame.restore(r);
            0
        }
        1 => {
            pc.restore(r);
            code.restore(r);
            frame.restore(r);
            4
        }
        2 => {
            pc.restore(r);
            code.restore(r);
            frame.restore(r);
            t.restore(r);
            8
        }
        _ => unreachable!(),
    };
    loop {
        match block {
            0 => {
                e.merge_point(
                    &PORTAL,
                    &[twin::green_bits(pc.get()), twin::green_bits(code.get())],
                    &[ResumeValue::of(frame.get())],
                )?;
                block = 1;
            }
            1 => {
                block = match code.get().ops[pc.get()] {
                    Op::Dec => 2,
                    Op::AddAcc => 3,
                    Op::JumpIfNotZero(x) => {
                        t.set(x);
                        7
                    }
                    Op::Halt => 10,
                }
            }
            2 => {
                let v = twin::getfield(e, frame.get(), |p| unsafe {
                    std::ptr::addr_of!((*p).counter)
                }) - 1;
                twin::setfield(
                    e,
                    frame.get(),
                    |p| unsafe { std::ptr::addr_of!((*p).counter) },
                    v,
                );
                pc.set(pc.get() + 1);
                block = 0;
            }
            3 => {
                let v = twin::getfield(e, frame.get(), |p| unsafe { std::ptr::addr_of!((*p).acc) })
                    + twin::getfield(e, frame.get(), |p| unsafe {
                        std::ptr::addr_of!((*p).counter)
                    });
                twin::setfield(
                    e,
                    frame.get(),
                    |p| unsafe { std::ptr::addr_of!((*p).acc) },
                    v,
                );
                block = 4;
            }
            4 => {
                let c = twin::gt(
                    twin::getfield(e, frame.get(), |p| unsafe { std::ptr::addr_of!((*p).acc) }),
                    1000,
                );
                block = if twin::cond(e, c, SITE_COND_ACC, &|w| {
                    pc.snap(w);
                    code.snap(w);
                    frame.snap(w);
                }) {
                    5
                } else {
                    6
                };
            }
            5 => {
                let v = twin::getfield(e, frame.get(), |p| unsafe { std::ptr::addr_of!((*p).acc) })
                    - 1000;
                twin::setfield(
                    e,
                    frame.get(),
                    |p| unsafe { std::ptr::addr_of!((*p).acc) },
                    v,
                );
                block = 6;
            }
            6 => {
                pc.set(pc.get() + 1);
                block = 0;
            }
            7 => {
                pc.set(pc.get() + 1);
                block = 8;
            }
            8 => {
                let c = twin::ne(
                    twin::getfield(e, frame.get(), |p| unsafe {
                        std::ptr::addr_of!((*p).counter)
                    }),
                    0,
                );
                block = if twin::cond(e, c, SITE_COND_JUMP, &|w| {
                    pc.snap(w);
                    code.snap(w);
                    frame.snap(w);
                    t.snap(w);
                }) {
                    9
                } else {
                    0
                };
            }
            9 => {
                pc.set(t.get());
                e.can_enter_jit();
                block = 0;
            }
            10 => {
                return Ok(twin::getfield(e, frame.get(), |p| unsafe {
                    std::ptr::addr_of!((*p).acc)
                }));
            }
            _ => unreachable!(),
        }
    }
}

// ANCHOR_END: twin

fn program() -> Code {
    Code {
        ops: vec![Op::AddAcc, Op::Dec, Op::JumpIfNotZero(0), Op::Halt],
    }
}

fn expected(n: i64) -> i64 {
    let mut f = Frame { counter: n, acc: 0 };
    loop {
        f.acc += f.counter;
        if f.acc > 1000 {
            f.acc -= 1000;
        }
        f.counter -= 1;
        if f.counter == 0 {
            return f.acc;
        }
    }
}

fn eager() -> Params {
    let mut p = Params::default();
    p.apply("threshold=3,trace_eagerness=2").unwrap();
    p
}

#[test]
fn jit_off_matches_plain_rust() {
    let jit = JitDriver::with_params(Params {
        enable: false,
        ..Default::default()
    });
    let mut f = Frame {
        counter: 500,
        acc: 0,
    };
    assert_eq!(run(&jit, &program(), &mut f), expected(500));
}

#[test]
fn traces_compiles_and_bridges() {
    for backend in ["interp", "auto"] {
        let mut p = eager();
        p.backend = backend.to_string();
        let jit = JitDriver::build(
            p,
            metajit::log::Log::parse(if std::env::var("SHOW").is_ok() {
                "all"
            } else {
                ""
            }),
        );
        let code = program();
        for n in [5, 100, 2000, 20000] {
            let mut f = Frame { counter: n, acc: 0 };
            assert_eq!(
                run(&jit, &code, &mut f),
                expected(n),
                "n={n} backend {backend}"
            );
        }
        let s = jit.stats();
        assert_eq!(s.loops, 1, "{}", s.summary("x"));
        assert!(
            s.bridges >= 1,
            "the acc > 1000 branch gets a bridge: {}",
            s.summary("x")
        );
        // Leaving the loop returns from the interpreter: bridges from that guard are given up.
        let returned = s
            .aborts
            .get(&twin::AbortReason::PortalReturned)
            .copied()
            .unwrap_or(0);
        assert_eq!(s.total_aborts(), returned, "{}", s.summary("x"));
        let traces = jit.loop_traces();
        let text = traces[0].1.to_string();
        assert!(text.contains("guard_false"), "{text}");
    }
}
