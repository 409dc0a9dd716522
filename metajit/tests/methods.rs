//! Methods of JIT-visible types in traced code (`#[metajit::methods]` on the impl block):
//! `&self`, `&mut self` and by-value `self` receivers, inlined (`#[metajit::jit]`), called
//! (`#[metajit::dont_look_inside]`) and folded (`#[metajit::elidable]`), a method calling
//! another, and a method of a compound value. Every mode computes the same, and the compiled
//! loop inlines what it should.

use metajit::testing::{driver, same_in_every_mode};
use metajit::{JitDriver, JitStruct};

#[derive(JitStruct)]
#[repr(C)]
struct Counter {
    #[jit(virtualizable)]
    i: i64,
    #[jit(virtualizable)]
    acc: i64,
    #[jit(immutable)]
    step: i64,
    log: Vec<i64>,
}

#[metajit::methods]
impl Counter {
    /// Adds `by` scaled; inlined, and calls another method.
    #[metajit::jit]
    fn bump(&mut self, by: i64) -> i64 {
        self.acc += by * self.scale();
        self.acc
    }

    #[metajit::jit]
    fn scale(&self) -> i64 {
        Self::BASE + self.step
    }

    /// Not traced: a residual call.
    #[metajit::dont_look_inside]
    fn record(&mut self, v: i64) {
        self.log.push(v);
    }

    /// Pure: folded when its arguments are constants.
    #[metajit::elidable]
    fn weight(&self, k: i64) -> i64 {
        k * k + 1
    }

    /// Not annotated: native code only.
    fn total(&self) -> i64 {
        self.acc + self.log.iter().sum::<i64>()
    }

    const BASE: i64 = 1;
}

/// A compound value with a by-value method.
#[derive(metajit::JitCompound, Clone, Copy, Debug, PartialEq)]
#[repr(C)]
struct Pair {
    tag: i64,
    bits: i64,
}

#[metajit::methods]
impl Pair {
    #[metajit::jit]
    fn sum(self, extra: i64) -> i64 {
        self.tag + self.bits + extra
    }
}

#[metajit::interpreter(greens(pc), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, pc: usize, frame: &mut Counter) -> i64 {
    loop {
        metajit::merge_point!();
        if pc == 0 {
            if frame.i == 0 {
                return frame.acc;
            }
            let v = frame.bump(frame.i % 3);
            if frame.i % 16 == 0 {
                frame.record(v);
            }
            let p = Pair {
                tag: frame.i,
                bits: 2,
            };
            frame.acc += p.sum(frame.weight(3)) % 7;
            frame.i -= 1;
            metajit::can_enter_jit!();
            continue;
        }
    }
}

fn run_with(jit: &JitDriver, n: i64) -> (i64, i64, Vec<i64>) {
    let mut c = Counter {
        i: n,
        acc: 0,
        step: 2,
        log: Vec::new(),
    };
    let r = run(jit, 0, &mut c);
    (r, c.total(), c.log)
}

fn expected(n: i64) -> (i64, i64, Vec<i64>) {
    let (mut acc, mut log) = (0i64, Vec::new());
    for i in (1..=n).rev() {
        acc += (i % 3) * 3;
        if i % 16 == 0 {
            log.push(acc);
        }
        acc += (i + 2 + 10) % 7;
    }
    (acc, acc + log.iter().sum::<i64>(), log)
}

#[test]
fn methods_agree_in_every_mode() {
    let got = same_in_every_mode("methods", |jit| run_with(&jit, 300));
    assert_eq!(got, expected(300));
}

/// `bump`, `scale` and `sum` are inlined and `weight` folded: the loop calls nothing but
/// `record`, which is on a branch it leaves by a guard.
#[test]
fn inlined_methods_leave_no_calls() {
    let jit = driver("threshold=3");
    assert_eq!(run_with(&jit, 500), expected(500));
    let text = jit.loop_traces()[0].1.to_string();
    let body = &text[text.rfind("label(").expect("a loop")..];
    for op in ["call(", "call_pure(", "getfield("] {
        assert!(!body.contains(op), "the loop has no `{op}`:\n{text}");
    }
}
