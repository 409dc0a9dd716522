// A traced assert! may format only green values: a panic cannot format a traced one.
use metajit::JitDriver;

#[metajit::interpreter(greens(pc), reds(acc), driver = jit)]
fn run(jit: &JitDriver, acc: i64) -> i64 {
    let mut pc = 0usize;
    let mut acc = acc;
    loop {
        metajit::merge_point!();
        acc += 1;
        assert!(acc < 100, "acc is {}", acc);
        assert!(acc < 200, "acc is {acc}");
        pc += 1;
        if pc > 3 {
            return acc;
        }
    }
}

fn main() {}
