//! Every example program, with the JIT off, with the eager parameter set (everything traced and
//! bridged at once) and with the defaults, on both backends: results and output must equal
//! each other and a plain Rust reference.

use lang_tlr::{Frame, TlrError, parse, run};
use metajit::cli::Output;
use metajit::testing::same_in_every_mode;
use metajit::{JitDriver, Params};

fn example(name: &str) -> String {
    let path = format!("{}/examples/{name}.tlr", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs `name` with `inputs` in every mode (they must agree); returns the outcome.
fn run_all(name: &str, inputs: &[i64]) -> (Result<i64, TlrError>, String) {
    let prog = parse(&example(name)).unwrap();
    same_in_every_mode(&format!("{name} {inputs:?}"), |jit| {
        let mut frame = Frame::new(prog.registers, inputs, Output::memory());
        let r = run(&jit, &prog, &mut frame);
        (r, String::from_utf8(frame.output().take()).unwrap())
    })
}

#[test]
fn square() {
    for n in [0, 1, 5, 1000, 12345] {
        assert_eq!(run_all("square", &[n]).0, Ok(n * n));
    }
}

#[test]
fn fib() {
    let reference = |n: i64| {
        let (mut a, mut b) = (0i64, 1i64);
        for _ in 0..n {
            (a, b) = (b, a.wrapping_add(b));
        }
        a
    };
    for n in [0, 1, 2, 10, 90, 5000] {
        assert_eq!(run_all("fib", &[n]).0, Ok(reference(n)));
    }
}

#[test]
fn primes() {
    let reference = |n: i64| {
        (2..n)
            .filter(|&p| (2..p).take_while(|d| d * d <= p).all(|d| p % d != 0))
            .count() as i64
    };
    for n in [0, 2, 3, 10, 100, 3000] {
        assert_eq!(run_all("primes", &[n]).0, Ok(reference(n)));
    }
}

#[test]
fn collatz() {
    let reference = |n: i64| {
        let mut steps = 0;
        for i in 1..=n {
            let mut x = i;
            while x != 1 {
                x = if x % 2 == 0 { x / 2 } else { 3 * x + 1 };
                steps += 1;
            }
        }
        steps
    };
    for n in [1, 2, 27, 500] {
        assert_eq!(run_all("collatz", &[n]).0, Ok(reference(n)));
    }
}

#[test]
fn countdown_prints() {
    let (r, out) = run_all("countdown", &[3]);
    assert_eq!(r, Ok(0));
    assert_eq!(out, "3\n2\n1\n");
    assert_eq!(run_all("countdown", &[0]), (Ok(0), String::new()));
}

/// The divisor changes after warm-up: a guard inside the inlined `divide` helper fails in
/// the middle of the `div_a_r` instruction, and execution must resume exactly there.
#[test]
fn guard_failing_inside_an_inlined_helper() {
    let reference = |d0: i64, n: i64, switch: i64, d1: i64| -> Result<i64, TlrError> {
        let (mut d, mut sum) = (d0, 0i64);
        let mut c = n;
        loop {
            if d == 0 {
                return Err(TlrError::DivisionByZero { line: 7 });
            }
            sum = sum.wrapping_add(if d == -1 {
                1000i64.wrapping_neg()
            } else {
                1000 / d
            });
            if c == switch {
                d = d1;
            }
            c -= 1;
            if c == 0 {
                return Ok(sum);
            }
        }
    };
    for (d0, n, switch, d1) in [
        (7, 3000, 1000, -1),
        (7, 3000, 1000, 0),
        (3, 50, 10, 5),
        (-1, 2000, 5, 2),
    ] {
        let got = run_all("divide", &[1000, d0, n, 0, switch, d1]).0;
        assert_eq!(
            got,
            reference(d0, n, switch, d1),
            "d0={d0} n={n} switch={switch} d1={d1}"
        );
    }
}

/// A branch that goes one way during warm-up and the other way afterwards gets a bridge.
#[test]
fn flipped_branch_gets_a_bridge() {
    let prog = parse(&example("divide")).unwrap();
    let mut p = Params::default();
    p.apply("threshold=50,trace_eagerness=20").unwrap();
    let jit = JitDriver::with_params(p);
    // After the switch the divisor is -1: the helper's `d == -1` test, false during warm-up,
    // is true from then on.
    let mut frame = Frame::new(
        prog.registers,
        &[1000, 7, 5000, 0, 2500, -1],
        Output::memory(),
    );
    let r = run(&jit, &prog, &mut frame);
    // Counter values 5000..=2500 divide by 7, the 2499 after the switch by -1.
    let expected: i64 = 2501 * (1000 / 7) - 2499 * 1000;
    assert_eq!(r, Ok(expected));
    let s = jit.stats();
    assert!(s.loops >= 1, "{}", s.summary("x"));
    assert!(
        s.bridges >= 1,
        "the flipped guard must get a bridge: {}",
        s.summary("x")
    );
    // After the bridge exists, the loop no longer leaves compiled code on every iteration.
    assert!(s.guard_failures < 200, "{}", s.summary("x"));
}

#[test]
fn loops_compile_to_guarded_straight_line_code() {
    let prog = parse(&example("square")).unwrap();
    let mut p = Params::default();
    p.apply("threshold=3").unwrap();
    let jit = JitDriver::with_params(p);
    let mut frame = Frame::new(prog.registers, &[1000], Output::memory());
    assert_eq!(run(&jit, &prog, &mut frame), Ok(1_000_000));
    let traces = jit.loop_traces();
    assert_eq!(traces.len(), 1);
    let text = traces[0].1.to_string();
    assert!(
        !text.contains("call"),
        "no calls in the square loop:\n{text}"
    );
    assert!(text.contains("jump("), "{text}");
}

/// A small deterministic generator (no dependencies).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A random program that terminates: loops count a dedicated register down from a small
/// value, and nothing else writes that register. Arithmetic (including division, which may
/// fail) works on the other registers.
fn random_program(rng: &mut Lcg) -> String {
    const REGS: u64 = 6; // r0..r3 data, r4..r5 loop counters
    let mut src = format!("alloc {REGS}\n");
    let mut label = 0;
    fn body(rng: &mut Lcg, depth: u32, src: &mut String, label: &mut u32) {
        for _ in 0..1 + rng.below(6) {
            let r = rng.below(4);
            let line = match rng.below(if depth < 2 { 13 } else { 12 }) {
                0 => format!("set_a {}", rng.below(41) as i64 - 20),
                1 => format!("mov_a_r {r}"),
                2 => format!("mov_r_a {r}"),
                3 => format!("add_r_to_a {r}"),
                4 => format!("sub_r_from_a {r}"),
                5 => format!("mul_r_to_a {r}"),
                6 => format!("div_a_r {r}"),
                7 => format!("mod_a_r {r}"),
                8 => format!("lt_a_r {r}"),
                9 => format!("eq_a_r {r}"),
                10 => "neg_a".to_string(),
                11 => "print_a".to_string(),
                _ => {
                    // A counted loop on counter register 4 + depth.
                    let c = 4 + depth;
                    let l = *label;
                    *label += 1;
                    src.push_str(&format!(
                        "set_a {}\nmov_a_r {c}\nloop{l}:\n",
                        1 + rng.below(30)
                    ));
                    body(rng, depth + 1, src, label);
                    src.push_str(&format!(
                        "mov_r_a {c}\ndec_a\nmov_a_r {c}\njump_if_a loop{l}\n"
                    ));
                    continue;
                }
            };
            src.push_str(&line);
            src.push('\n');
        }
    }
    body(rng, 0, &mut src, &mut label);
    src.push_str("return_a\n");
    src
}

#[test]
fn random_programs_agree_with_and_without_the_jit() {
    let mut rng = Lcg(0x71c0_ffee);
    for case in 0..300 {
        let src = random_program(&mut rng);
        let prog = parse(&src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let inputs: Vec<i64> = (0..4).map(|_| rng.below(21) as i64 - 10).collect();
        let mut outcomes = Vec::new();
        for mode in [
            "enable=false",
            "threshold=1,function_threshold=1,trace_eagerness=1",
            "threshold=3,trace_eagerness=2,backend=interp",
        ] {
            let mut p = Params::default();
            p.apply(mode).unwrap();
            let jit = JitDriver::with_params(p);
            let mut frame = Frame::new(prog.registers, &inputs, Output::memory());
            let r = run(&jit, &prog, &mut frame);
            outcomes.push((r, frame.output().take()));
        }
        assert_eq!(
            outcomes[1], outcomes[0],
            "case {case} (eager JIT), inputs {inputs:?}:\n{src}"
        );
        assert_eq!(
            outcomes[2], outcomes[0],
            "case {case} (reference backend), inputs {inputs:?}:\n{src}"
        );
    }
}

/// JIT state belongs to each interpreter instance: interpreters with their own drivers run on
/// parallel threads without interfering (the recorder's thread-local is per thread too).
#[test]
fn interpreters_run_on_parallel_threads() {
    let prog = parse(&example("collatz")).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let prog = prog.clone();
            std::thread::spawn(move || {
                let mut p = Params::default();
                p.apply("threshold=3,trace_eagerness=2").unwrap();
                let jit = JitDriver::with_params(p);
                let n = 200 + t * 50;
                let mut frame = Frame::new(prog.registers, &[n], Output::memory());
                let r = run(&jit, &prog, &mut frame);
                (n, r, jit.stats().loops)
            })
        })
        .collect();
    for h in handles {
        let (n, r, loops) = h.join().unwrap();
        let mut off = Frame::new(prog.registers, &[n], Output::memory());
        let jit = JitDriver::with_params(Params {
            enable: false,
            ..Params::default()
        });
        assert_eq!(r, run(&jit, &prog, &mut off), "n={n}");
        assert!(loops >= 1);
    }
}
