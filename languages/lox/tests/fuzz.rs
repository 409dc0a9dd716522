//! A seeded differential fuzz test: random Lox programs (loops, functions, closures, classes,
//! inheritance, strings, runtime errors) run with the JIT off, with the eager parameter set and
//! with a middle setting; outputs and errors must be the same.

mod common;

use common::run_source;
use metajit::testing::{EAGER, driver};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// Generates programs over a fixed set of variables so that every name is defined.
struct Gen {
    rng: Lcg,
    out: String,
    depth: usize,
}

const NUM_VARS: &[&str] = &["a", "b", "c"];

impl Gen {
    fn line(&mut self, s: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// A number-valued expression (may still fail at run time on a non-number).
    fn num(&mut self, budget: u32) -> String {
        if budget == 0 || self.rng.below(3) == 0 {
            return match self.rng.below(4) {
                0 => format!("{}", self.rng.below(20)),
                1 => format!("{}.5", self.rng.below(9)),
                _ => self.rng.pick(NUM_VARS).to_string(),
            };
        }
        match self.rng.below(7) {
            0 => format!("({} + {})", self.num(budget - 1), self.num(budget - 1)),
            1 => format!("({} - {})", self.num(budget - 1), self.num(budget - 1)),
            2 => format!("({} * {})", self.num(budget - 1), self.num(budget - 1)),
            3 => format!("({} / {})", self.num(budget - 1), self.num(budget - 1)),
            4 => format!("-{}", self.num(budget - 1)),
            5 => format!("f({}, {})", self.num(budget - 1), self.num(budget - 1)),
            _ => format!("p.get({})", self.num(budget - 1)),
        }
    }

    fn cond(&mut self) -> String {
        let ops = ["<", "<=", ">", ">=", "==", "!="];
        let c = format!("{} {} {}", self.num(1), self.rng.pick(&ops), self.num(1));
        match self.rng.below(4) {
            0 => format!("!({c})"),
            1 => format!("{c} and {} < {}", self.num(1), self.num(1)),
            2 => format!("{c} or {} == {}", self.num(1), self.num(1)),
            _ => c,
        }
    }

    fn stmt(&mut self, budget: u32) {
        let choice = if budget == 0 {
            self.rng.below(4)
        } else {
            self.rng.below(11)
        };
        match choice {
            0 => {
                let v = self.rng.pick(NUM_VARS);
                let e = self.num(2);
                self.line(&format!("{v} = {e};"));
            }
            1 => {
                let e = self.num(2);
                self.line(&format!("print {e};"));
            }
            2 => {
                let e = self.num(1);
                self.line(&format!("s = s + \"x\"; p.add({e});"));
            }
            3 => {
                let e = self.num(1);
                self.line(&format!("counter(); total = total + {e};"));
            }
            9 if self.rng.below(4) == 0 => {
                // A runtime error, taken only when the condition holds.
                let c = self.cond();
                let bad = self
                    .rng
                    .pick(&["-s", "a + s", "p.missing", "nothing()", "a()"]);
                self.line(&format!("if ({c}) print {bad};"));
            }
            4 | 5 => {
                let n = 2 + self.rng.below(25);
                let i = format!("i{}", self.depth);
                self.line(&format!("for (var {i} = 0; {i} < {n}; {i} = {i} + 1) {{"));
                self.depth += 1;
                for _ in 0..1 + self.rng.below(3) {
                    self.stmt(budget - 1);
                }
                self.depth -= 1;
                self.line("}");
            }
            6 | 7 => {
                let c = self.cond();
                self.line(&format!("if ({c}) {{"));
                self.depth += 1;
                self.stmt(budget - 1);
                self.depth -= 1;
                self.line("} else {");
                self.depth += 1;
                self.stmt(budget - 1);
                self.depth -= 1;
                self.line("}");
            }
            8 | 10 => {
                let n = self.rng.below(12);
                self.line(&format!("total = total + rec({n});"));
            }
            _ => {
                let v = self.rng.pick(NUM_VARS);
                let e = self.num(1);
                self.line(&format!(
                    "{{ var t = {e}; fun g() {{ t = t + 1; return t; }} {v} = g() + g(); }}"
                ));
            }
        }
    }

    fn program(&mut self) -> String {
        self.out.clear();
        self.out.push_str(
            "var a = 1; var b = 2.5; var c = 3;
var s = \"\";
var total = 0;
fun f(x, y) { if (x > y) return x - y; return y - x + 1; }
fun rec(n) { if (n < 2) return n; return rec(n - 1) + rec(n - 2); }
fun makeCounter() { var k = 0; fun inc() { k = k + 1; return k; } return inc; }
var counter = makeCounter();
class Acc {
  init() { this.sum = 0; }
  add(x) { this.sum = this.sum + x; return this; }
  get(x) { return this.sum + x; }
}
class Scaled < Acc {
  add(x) { return super.add(x * 2); }
}
var p = Scaled();
",
        );
        for _ in 0..3 + self.rng.below(5) {
            self.stmt(3);
        }
        self.out.push_str(
            "print a; print b; print c; print s; print total; print p.sum; print counter();\n",
        );
        self.out.clone()
    }
}

#[test]
fn random_programs_agree_with_and_without_the_jit() {
    let mut g = Gen {
        rng: Lcg(0x5eed_10c5),
        out: String::new(),
        depth: 0,
    };
    let mut errors = 0;
    for case in 0..120 {
        let src = g.program();
        let off = run_source(&src, driver("enable=false"));
        if off.error.is_some() {
            errors += 1;
        }
        for mode in [EAGER, "threshold=3,function_threshold=2,trace_eagerness=2"] {
            let on = run_source(&src, driver(mode));
            assert_eq!(on, off, "case {case}, mode {mode}:\n{src}");
        }
    }
    // Both kinds of outcome are exercised.
    assert!(
        errors > 0 && errors < 120,
        "{errors} of 120 programs failed"
    );
}
