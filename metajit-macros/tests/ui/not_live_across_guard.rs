// A value that cannot be saved in resume data may not be live across a guard.
use metajit::JitStruct;

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    a: i64,
}

#[derive(Clone, Copy)]
struct Big {
    x: u8,
}

#[metajit::jit(greens(b))]
fn step(frame: &mut Frame, b: Big) -> i64 {
    if frame.a > 0 {
        return b.x as i64;
    }
    0
}

fn main() {}
