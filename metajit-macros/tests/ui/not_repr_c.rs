// JitStruct needs a fixed layout.
#[derive(metajit::JitStruct)]
struct Frame {
    a: i64,
}

fn main() {}
