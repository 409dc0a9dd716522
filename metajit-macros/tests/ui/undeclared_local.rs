// Locals used by the dispatch loop must be greens or reds.
use metajit::JitDriver;

#[metajit::interpreter(greens(pc), reds(acc), driver = jit)]
fn run(jit: &JitDriver, acc: i64) -> i64 {
    let mut pc = 0usize;
    let limit = 10usize;
    loop {
        metajit::merge_point!();
        pc += 1;
        if pc > limit {
            return acc;
        }
    }
}

fn main() {}
