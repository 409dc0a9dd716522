// A green of the interpreter may not be computed from a red value.
use metajit::{JitDriver, JitStruct};

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    target: usize,
}

#[metajit::interpreter(greens(pc), reds(frame), driver = jit)]
fn run(jit: &JitDriver, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc > 10 {
            return 0;
        }
        pc = frame.target;
    }
}

fn main() {}
