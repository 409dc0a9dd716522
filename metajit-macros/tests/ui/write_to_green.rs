// Green data is immutable in traced code.
use metajit::JitDriver;

struct Code {
    ops: Vec<u8>,
}

#[metajit::interpreter(greens(pc, code), reds(acc), driver = jit)]
fn run(jit: &JitDriver, code: &mut Code, acc: i64) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        code.ops[pc] = 1;
        pc += 1;
        if pc > 3 {
            return acc;
        }
    }
}

fn main() {}
