// The interpreter function must say where its JIT driver is.
#[metajit::interpreter(greens(pc), reds(acc))]
fn run(acc: i64) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        pc += 1;
        if pc > 3 {
            return acc;
        }
    }
}

fn main() {}
