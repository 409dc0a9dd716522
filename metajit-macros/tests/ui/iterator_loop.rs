// Only ranges can be looped over in traced code.
#[metajit::unroll_safe]
fn sum(n: i64) -> i64 {
    let mut s = 0;
    for x in [1, 2, 3].iter() {
        s += x * n;
    }
    s
}

fn main() {}
