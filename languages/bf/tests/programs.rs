//! Every example program with the JIT off, with the eager parameter set and with the defaults,
//! on both backends: output and result must agree, and match what the programs are known to
//! print. Also the error cases, tape growth, input, the trace shape of Mandelbrot-like inner
//! loops, and a differential fuzz test.

use lang_bf::{BfError, Io, Tape, parse, run};
use metajit::JitDriver;
use metajit::cli::Output;
use metajit::testing;

/// Runs `src` with `input` on `jit`: the result and the output.
fn run_on(jit: &JitDriver, src: &[u8], input: &[u8]) -> (Result<(), BfError>, Vec<u8>) {
    let prog = parse(src).expect("valid program");
    let mut io = Io::new(
        Box::new(std::io::Cursor::new(input.to_vec())),
        Output::memory(),
    );
    let mut tape = Tape::new();
    let r = run(jit, &prog, &mut tape, &mut io);
    (r, io.output.take())
}

/// Runs under the parameters `mode`; also returns the driver (for its statistics).
fn run_with(src: &[u8], input: &[u8], mode: &str) -> (Result<(), BfError>, Vec<u8>, JitDriver) {
    let jit = testing::driver(mode);
    let (r, o) = run_on(&jit, src, input);
    (r, o, jit)
}

/// Runs in every mode; all must agree. Returns the outcome.
fn run_all(src: &[u8], input: &[u8]) -> (Result<(), BfError>, Vec<u8>) {
    testing::same_in_every_mode("program", |jit| run_on(&jit, src, input))
}

/// A plain Brainfuck interpreter, one character at a time with no folding: the reference for
/// what the folded ops (`[-]`, transfer loops) must compute. `Err(())` when the pointer moves
/// left of cell 0.
fn reference(src: &[u8]) -> (Result<(), ()>, Vec<u8>) {
    let mut jump = vec![0; src.len()];
    let mut open = Vec::new();
    for (i, &c) in src.iter().enumerate() {
        if c == b'[' {
            open.push(i);
        } else if c == b']' {
            let o = open.pop().expect("balanced");
            jump[o] = i;
            jump[i] = o;
        }
    }
    let (mut tape, mut p, mut pc, mut out) = (vec![0u8; 1], 0usize, 0, Vec::new());
    while pc < src.len() {
        match src[pc] {
            b'+' => tape[p] = tape[p].wrapping_add(1),
            b'-' => tape[p] = tape[p].wrapping_sub(1),
            b'>' => {
                p += 1;
                if p == tape.len() {
                    tape.push(0);
                }
            }
            b'<' if p == 0 => return (Err(()), out),
            b'<' => p -= 1,
            b'.' => out.push(tape[p]),
            b'[' if tape[p] == 0 => pc = jump[pc],
            b']' if tape[p] != 0 => pc = jump[pc],
            _ => {}
        }
        pc += 1;
    }
    (Ok(()), out)
}

/// Transfer loops compute what the loops they stand for compute, in every mode: factors
/// left and right, wrapping products, cells touched twice, a loop entered with 0, and a loop
/// that walks left of cell 0 (the error is reported at the same `<` as without folding).
#[test]
fn transfer_loops_agree_with_plain_loops() {
    let cases: &[&str] = &[
        "+++++[->+++<]>.",
        "++>+++++++[<<++>>->+++>>----<<<]<<.>>.>.>>.",
        "+++>++++++++++[-<+++++++++++++++++++++++++++++++++++++++++++>]<.",
        ">[->+<]+>.<.",
        "+++[>+++[>++<-]<-]>>.",
        "+>+[-<+>]<.",
        ">>+[-<+<+>>]",
        "+[-<+>]",
    ];
    for src in cases {
        let (want_r, want_out) = reference(src.as_bytes());
        let (r, out) = run_all(src.as_bytes(), b"");
        assert_eq!((r.is_ok(), &out), (want_r.is_ok(), &want_out), "{src}");
    }
    // The error is where the unfolded loop moves left: the `<<<` at byte 5.
    assert_eq!(
        run_all(b">>+[-<<<+>>>]", b"").0,
        Err(BfError::MovedLeft { pos: 5 })
    );
}

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn hello() {
    assert_eq!(
        run_all(&example("hello.bf"), b""),
        (Ok(()), b"Hello from metajit!\n".to_vec())
    );
}

#[test]
fn multiplication_table() {
    let expected: String = (1..10)
        .map(|i| {
            (1..10)
                .map(|j| char::from(33 + i * j))
                .chain(['\n'])
                .collect::<String>()
        })
        .collect();
    assert_eq!(
        run_all(&example("multable.bf"), b""),
        (Ok(()), expected.into_bytes())
    );
}

#[test]
fn cat_copies_input() {
    assert_eq!(
        run_all(&example("cat.bf"), b"metajit\n"),
        (Ok(()), b"metajit\n".to_vec())
    );
    assert_eq!(run_all(&example("cat.bf"), b""), (Ok(()), Vec::new()));
}

#[test]
fn cells_wrap_and_the_tape_grows() {
    // 256 increments wrap to 0; moving 70,000 cells right grows the tape twice.
    let mut src = "+".repeat(256) + "[.]" + "+++";
    src += &">".repeat(70_000);
    src += "+++++[<+>-]<.";
    src += &"<".repeat(69_999);
    src += ".";
    assert_eq!(run_all(src.as_bytes(), b""), (Ok(()), vec![5, 3]));
}

#[test]
fn moving_left_of_cell_zero_is_an_error() {
    let (r, out) = run_all(b"+.>+<<+", b"");
    assert_eq!(r, Err(BfError::MovedLeft { pos: 4 }));
    assert_eq!(out, vec![1]);
    // In a hot loop, after compilation: 51 non-zero cells, then walk left past cell 0.
    let src = "+>".repeat(50) + "+[<]";
    let (r, _) = run_all(src.as_bytes(), b"");
    assert_eq!(r, Err(BfError::MovedLeft { pos: 102 }));
}

#[test]
fn unbalanced_brackets_are_reported() {
    assert!(parse(b"[[]").is_err());
    assert!(parse(b"[]]").is_err());
}

/// The same table over larger numbers (30..34): its inner copy and add loops run about 30
/// times each.
#[test]
fn big_table() {
    let expected: Vec<u8> = (30..35u32)
        .flat_map(|i| {
            (30..35u32)
                .map(move |j| ((33 + i * j) % 256) as u8)
                .chain([b'\n'])
        })
        .collect();
    assert_eq!(run_all(&example("bigtable.bf"), b""), (Ok(()), expected));
}

/// The inner loops of the Mandelbrot-like table program (loops of copies and adds, 30
/// iterations each) compile to straight-line code: guards, arithmetic, loads and stores, no
/// calls and no allocations.
#[test]
fn inner_loops_compile_to_straight_line_code() {
    use lang_bf::Op;
    let src = example("bigtable.bf");
    let prog = parse(&src).unwrap();
    // Innermost loops: `[` ... `]` with no I/O and no nested loop inside, other than the loops
    // that transfer ops stand for (the transfer does their work; the loop is only a fallback).
    let mut inner = Vec::new();
    for (i, op) in prog.ops.iter().enumerate() {
        let Op::Open(end) = *op else { continue };
        if i > 0 && matches!(prog.ops[i - 1], Op::Transfer(..)) {
            continue;
        }
        let (mut j, mut plain) = (i + 1, true);
        while j < end && plain {
            match prog.ops[j] {
                Op::Transfer(_, close) => j = close,
                Op::Add(_) | Op::Move(..) | Op::Clear => {}
                _ => plain = false,
            }
            j += 1;
        }
        if plain {
            inner.push(i + 1);
        }
    }
    // The multiplication loop: three transfers (`[->>>>>>+<+<<<<<]`...) per iteration.
    assert!(
        !inner.is_empty(),
        "the program has a loop of copies and adds"
    );
    let (r, _, jit) = run_with(&src, b"", "threshold=2,trace_eagerness=2");
    assert_eq!(r, Ok(()));
    let traces = jit.loop_traces();
    let mut checked = 0;
    for (name, t) in &traces {
        let Some(pc) = name
            .strip_prefix("loop at pc=")
            .and_then(|s| s.split(',').next())
            .and_then(|s| s.parse::<usize>().ok())
        else {
            continue;
        };
        if !inner.contains(&pc) {
            continue;
        }
        checked += 1;
        let text = t.to_string();
        for op in &t.ops {
            assert!(!op.opcode.is_call(), "inner loop at pc={pc} calls:\n{text}");
            assert!(
                !matches!(
                    op.opcode,
                    metajit::ir::Opcode::New
                        | metajit::ir::Opcode::NewWithVtable
                        | metajit::ir::Opcode::NewArray
                ),
                "inner loop at pc={pc} allocates:\n{text}"
            );
        }
        assert_eq!(
            t.final_op().map(|o| o.opcode),
            Some(metajit::ir::Opcode::Jump),
            "{text}"
        );
    }
    assert!(
        checked >= 1,
        "inner loops were compiled: {:?}",
        traces.iter().map(|t| &t.0).collect::<Vec<_>>()
    );
}

/// A small deterministic generator (no dependencies).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random program that terminates: every loop is `[` body `-]` on a cell the body leaves
/// alone (the body's moves sum to zero and avoid that cell's offset), entered after setting
/// the cell to a small count.
fn random_program(rng: &mut Lcg, depth: u32, out: &mut String) {
    let n = 1 + rng.below(6);
    for _ in 0..n {
        match rng.below(if depth < 3 { 6 } else { 5 }) {
            0 | 1 => out.push_str(
                &"+-"
                    .chars()
                    .nth(rng.below(2) as usize)
                    .unwrap()
                    .to_string()
                    .repeat(1 + rng.below(5) as usize),
            ),
            2 => {
                let k = 1 + rng.below(3) as usize;
                out.push_str(&">".repeat(k));
                out.push_str(&"+".repeat(1 + rng.below(9) as usize));
                out.push_str(&"<".repeat(k));
            }
            3 => out.push('.'),
            4 => {
                let k = 1 + rng.below(2) as usize;
                out.push_str(&">".repeat(k));
                out.push_str("[-]");
                out.push_str(&"<".repeat(k));
            }
            _ => {
                // A counted loop on a fresh cell to the right.
                out.push('>');
                out.push_str("[-]");
                out.push_str(&"+".repeat(1 + rng.below(4) as usize));
                out.push('[');
                out.push('>');
                random_program(rng, depth + 1, out);
                out.push('<');
                out.push_str("-]");
                out.push('<');
            }
        }
    }
}

#[test]
fn random_programs_agree_with_and_without_the_jit() {
    let mut rng = Lcg(0x5eed_b0f1);
    for case in 0..60 {
        let mut src = String::new();
        random_program(&mut rng, 0, &mut src);
        let (r0, o0, _) = run_with(src.as_bytes(), b"", "enable=false");
        let (want_r, want_out) = reference(src.as_bytes());
        assert_eq!(
            (r0.is_ok(), &o0),
            (want_r.is_ok(), &want_out),
            "case {case}: {src}"
        );
        for mode in [
            "threshold=1,function_threshold=1,trace_eagerness=1",
            "threshold=2,trace_eagerness=2,backend=interp",
        ] {
            let (r, o, _) = run_with(src.as_bytes(), b"", mode);
            assert_eq!((&r, &o), (&r0, &o0), "case {case}, mode {mode}: {src}");
        }
    }
}
