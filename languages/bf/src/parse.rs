//! Parsing Brainfuck: run-length folding, `[-]` and transfer-loop recognition, bracket
//! matching; and the translation of the same ops to C.

use std::fmt::Write;

/// One folded operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Add to the current cell (wrapping).
    Add(u8),
    /// Move the pointer by this many cells; `pos` is the source offset (for errors).
    Move(isize, usize),
    /// Set the current cell to 0 (`[-]` or `[+]`).
    Clear,
    /// Write the current cell.
    Out,
    /// Read into the current cell (unchanged at end of input).
    In,
    /// `[`: when the cell is 0, continue after the matching `]` (at the given index).
    Open(usize),
    /// `]`: when the cell is not 0, continue after the matching `[` (at the given index).
    Close(usize),
    /// A transfer loop (`[->+<]`), placed just before the loop it stands for:
    /// `Transfer(t, close)` adds the current cell times each factor of `Program::transfers[t]` to
    /// its target cell, clears the current cell and continues after the loop's `]` (at index
    /// `close`). Where the loop would move left of cell 0, the loop itself runs instead (and
    /// reports the error where it happens).
    Transfer(usize, usize),
}

/// The body of a transfer loop: a loop of `+`, `-`, `<`, `>` only, that comes back to where it
/// started and subtracts 1 from its starting cell (`[->+<]`, `[->>+++<-<]`...). Running it
/// `n` times, where `n` is the starting cell's value, adds `n` times its net change to every
/// other cell it touches and leaves the starting cell at 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// How far left of the starting cell the loop goes (0 or more).
    pub left: usize,
    /// How far right it goes.
    pub right: usize,
    /// Each target as (offset from the leftmost cell touched, factor), in increasing offsets;
    /// the starting cell (offset `left`) is not among them.
    pub targets: Vec<(usize, u8)>,
}

impl Transfer {
    /// The transfer a loop body of `ops` stands for, if it is one.
    fn of(ops: &[Op]) -> Option<Transfer> {
        let mut at = 0isize;
        let (mut min, mut max) = (0isize, 0isize);
        let mut net: Vec<(isize, u8)> = Vec::new();
        for op in ops {
            match *op {
                Op::Add(n) => match net.iter_mut().find(|(o, _)| *o == at) {
                    Some((_, d)) => *d = d.wrapping_add(n),
                    None => net.push((at, n)),
                },
                Op::Move(n, _) => {
                    at += n;
                    min = min.min(at);
                    max = max.max(at);
                }
                _ => return None,
            }
        }
        let own = net.iter().find(|(o, _)| *o == 0).map_or(0, |&(_, d)| d);
        if at != 0 || own != 255 {
            return None;
        }
        let left = min.unsigned_abs();
        let mut targets: Vec<(usize, u8)> = net
            .into_iter()
            .filter(|&(o, d)| o != 0 && d != 0)
            .map(|(o, d)| ((o - min) as usize, d))
            .collect();
        targets.sort_unstable();
        Some(Transfer {
            left,
            right: max as usize,
            targets,
        })
    }
}

/// A parsed program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The operations.
    pub ops: Vec<Op>,
    /// The bodies of the transfer loops ([`Op::Transfer`]).
    pub transfers: Vec<Transfer>,
}

/// Unbalanced brackets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// 1-based line of the offending bracket.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at line {}, column {}",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for ParseError {}

fn line_col(src: &[u8], pos: usize) -> (usize, usize) {
    let before = &src[..pos];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = pos
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

/// Parses a program. Characters other than the eight commands are comments.
pub fn parse(src: &[u8]) -> Result<Program, ParseError> {
    let mut ops: Vec<Op> = Vec::new();
    let mut transfers: Vec<Transfer> = Vec::new();
    let mut open: Vec<(usize, usize)> = Vec::new(); // (op index, source offset)
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        match c {
            b'+' | b'-' => {
                let mut n: u8 = 0;
                while i < src.len() && (matches!(src[i], b'+' | b'-') || !is_command(src[i])) {
                    match src[i] {
                        b'+' => n = n.wrapping_add(1),
                        b'-' => n = n.wrapping_sub(1),
                        _ => {}
                    }
                    i += 1;
                }
                if n != 0 {
                    ops.push(Op::Add(n));
                }
                continue;
            }
            b'>' | b'<' => {
                let start = i;
                let mut n: isize = 0;
                while i < src.len() && (matches!(src[i], b'>' | b'<') || !is_command(src[i])) {
                    match src[i] {
                        b'>' => n += 1,
                        b'<' => n -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                if n != 0 {
                    ops.push(Op::Move(n, start));
                }
                continue;
            }
            b'.' => ops.push(Op::Out),
            b',' => ops.push(Op::In),
            b'[' => {
                open.push((ops.len(), i));
                ops.push(Op::Open(0));
            }
            b']' => {
                let Some((o, _)) = open.pop() else {
                    let (line, column) = line_col(src, i);
                    return Err(ParseError {
                        message: "unmatched `]`".into(),
                        line,
                        column,
                    });
                };
                if ops.len() == o + 2 && matches!(ops[o + 1], Op::Add(1) | Op::Add(255)) {
                    ops.truncate(o);
                    ops.push(Op::Clear);
                } else if let Some(t) = Transfer::of(&ops[o + 1..]) {
                    // `Transfer`, then the loop itself (its fallback): the body has no
                    // brackets, so inserting shifts no index but this loop's own.
                    ops.insert(o, Op::Transfer(transfers.len(), 0));
                    transfers.push(t);
                    let close = ops.len();
                    ops[o] = Op::Transfer(transfers.len() - 1, close);
                    ops[o + 1] = Op::Open(close);
                    ops.push(Op::Close(o + 1));
                } else {
                    let close = ops.len();
                    ops[o] = Op::Open(close);
                    ops.push(Op::Close(o));
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(&(_, pos)) = open.last() {
        let (line, column) = line_col(src, pos);
        return Err(ParseError {
            message: "unmatched `[`".into(),
            line,
            column,
        });
    }
    Ok(Program { ops, transfers })
}

fn is_command(c: u8) -> bool {
    matches!(c, b'+' | b'-' | b'>' | b'<' | b'.' | b',' | b'[' | b']')
}

/// Translates a program to C (the same folded ops), for the benchmark's reference point.
/// The tape is 1 MiB (the translator does not grow it); reading at end of input leaves the
/// cell unchanged, as the interpreter does.
pub fn to_c(p: &Program) -> String {
    let mut s = String::from(
        "#include <stdio.h>\n#include <stdlib.h>\n\nint main(void) {\n    unsigned char *t = calloc(1 << 20, 1);\n    unsigned char *p = t;\n    int c;\n",
    );
    // Indentation stops growing at 16 levels, so the output stays linear in the program's size
    // however deeply loops nest.
    const MAX_INDENT: usize = 16;
    let mut depth = 1;
    for op in &p.ops {
        let ind = "    ".repeat(depth.min(MAX_INDENT));
        match *op {
            Op::Add(n) => {
                let _ = writeln!(s, "{ind}*p += {n};");
            }
            Op::Move(n, _) => {
                let _ = writeln!(s, "{ind}p += {n};");
            }
            Op::Clear => {
                let _ = writeln!(s, "{ind}*p = 0;");
            }
            Op::Out => {
                let _ = writeln!(s, "{ind}putchar(*p);");
            }
            Op::In => {
                let _ = writeln!(s, "{ind}if ((c = getchar()) != EOF) *p = (unsigned char)c;");
            }
            Op::Open(_) => {
                let _ = writeln!(s, "{ind}while (*p) {{");
                depth += 1;
            }
            Op::Close(_) => {
                depth -= 1;
                let ind = "    ".repeat(depth.min(MAX_INDENT));
                let _ = writeln!(s, "{ind}}}");
            }
            Op::Transfer(t, _) => {
                // The loop follows and finds the cell 0: the translation stays the same
                // program, with the transfer done up front.
                let tr = &p.transfers[t];
                let _ = writeln!(s, "{ind}if (*p) {{");
                for &(off, d) in &tr.targets {
                    let o = off as isize - tr.left as isize;
                    let _ = writeln!(s, "{ind}    p[{o}] += *p * {d};");
                }
                let _ = writeln!(s, "{ind}    *p = 0;\n{ind}}}");
            }
        }
    }
    s.push_str("    free(t);\n    return 0;\n}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_output_is_linear_in_nesting_depth() {
        let n = 30_000;
        let src = format!("+{}-{}", "[".repeat(n), "]".repeat(n));
        let c = to_c(&parse(src.as_bytes()).unwrap());
        // About 16 levels of indentation and a few characters of code per bracket.
        assert!(c.len() < 2 * n * (4 * 16 + 16), "{} bytes", c.len());
        // The innermost `[-]` is a clear.
        assert_eq!(c.matches("while (*p) {").count(), n - 1);
    }

    #[test]
    fn folds_runs_and_matches_brackets() {
        let p = parse(b"+++ comment -- >>< [->+<] [-] .,").unwrap();
        assert_eq!(
            p.ops,
            vec![
                Op::Add(1),
                Op::Move(1, 15),
                Op::Transfer(0, 8),
                Op::Open(8),
                Op::Add(255),
                Op::Move(1, 21),
                Op::Add(1),
                Op::Move(-1, 23),
                Op::Close(3),
                Op::Clear,
                Op::Out,
                Op::In
            ]
        );
        assert_eq!(
            p.transfers,
            vec![Transfer {
                left: 0,
                right: 1,
                targets: vec![(1, 1)]
            }]
        );
    }

    #[test]
    fn recognizes_transfer_loops_only() {
        // Left and right of the starting cell, wrapping factors.
        let p = parse(b"[<<++>>->+++>>----<<<]").unwrap();
        assert_eq!(
            p.transfers,
            vec![Transfer {
                left: 2,
                right: 3,
                targets: vec![(0, 2), (3, 3), (5, 252)]
            }]
        );
        assert!(matches!(p.ops[0], Op::Transfer(0, c) if p.ops[c] == Op::Close(1)));
        // Not transfers: the pointer drifts, the own cell goes up or by 2, output, nesting.
        for src in [
            &b"[->+]"[..],
            b"[+>+<]",
            b"[-->+<]",
            b"[->.<]",
            b"[->[-]<]",
            b"[>]",
        ] {
            let p = parse(src).unwrap();
            assert!(p.transfers.is_empty(), "{}", String::from_utf8_lossy(src));
        }
    }

    #[test]
    fn reports_unbalanced_brackets_with_positions() {
        let e = parse(b"+\n+[[-]").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.line, e.column),
            ("unmatched `[`", 2, 2)
        );
        let e = parse(b"+]").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.line, e.column),
            ("unmatched `]`", 1, 2)
        );
    }

    #[test]
    fn translates_to_c() {
        let c = to_c(&parse(b"+[->+<].").unwrap());
        assert!(
            c.contains("while (*p) {") && c.contains("putchar(*p);"),
            "{c}"
        );
        assert!(
            c.contains("if (*p) {\n        p[1] += *p * 1;\n        *p = 0;\n    }"),
            "{c}"
        );
    }
}
