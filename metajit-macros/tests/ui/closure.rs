// A closure over red values cannot be traced.
use metajit::JitStruct;

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    a: i64,
}

#[metajit::jit]
fn apply(frame: &mut Frame) -> i64 {
    let f = |x: i64| x + frame.a;
    f(1)
}

fn main() {}
