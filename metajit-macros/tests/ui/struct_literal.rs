// A struct literal with a red value cannot be traced.
use metajit::{JitDriver, JitStruct};

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    a: i64,
}

struct Pair {
    x: i64,
}

#[metajit::jit]
fn make(frame: &mut Frame) -> i64 {
    let p = Pair { x: frame.a };
    p.x
}

fn main() {
    let _ = JitDriver::new();
}
