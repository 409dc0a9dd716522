// The interpreter function needs a dispatch loop starting with merge_point!().
use metajit::JitDriver;

#[metajit::interpreter(greens(pc), reds(acc), driver = jit)]
fn run(jit: &JitDriver, acc: i64) -> i64 {
    let mut pc = 0usize;
    while pc < 10 {
        pc += 1;
    }
    acc
}

fn main() {}
