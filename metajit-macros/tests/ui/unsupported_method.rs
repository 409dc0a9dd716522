// Only a few methods of red values can be traced.
use metajit::JitStruct;

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    a: i64,
}

#[metajit::jit]
fn step(frame: &mut Frame) -> u32 {
    frame.a.count_ones()
}

fn main() {}
