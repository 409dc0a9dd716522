// A traced method needs #[metajit::methods] on its impl block.
struct Frame {
    a: i64,
}

impl Frame {
    #[metajit::jit]
    fn get(&self) -> i64 {
        self.a
    }
}

fn main() {}
