// Functions called with red arguments from traced code must be annotated.
use metajit::JitStruct;

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    a: i64,
}

fn helper(x: i64) -> i64 {
    x + 1
}

#[metajit::jit]
fn step(frame: &mut Frame) -> i64 {
    helper(frame.a)
}

fn main() {}
