// Macros other than the JIT's own and panics cannot be traced.
#[metajit::jit]
fn show(x: i64) -> i64 {
    println!("{x}");
    x
}

fn main() {}
