//! Parsing Brainfuck: run-length folding, `[-]` recognition, bracket matching; and the
//! translation of the same ops to C.

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
}

/// A parsed program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The operations.
    pub ops: Vec<Op>,
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
    Ok(Program { ops })
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
    let mut depth = 1;
    for op in &p.ops {
        let ind = "    ".repeat(depth);
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
                let ind = "    ".repeat(depth);
                let _ = writeln!(s, "{ind}}}");
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
    fn folds_runs_and_matches_brackets() {
        let p = parse(b"+++ comment -- >>< [->+<] [-] .,").unwrap();
        assert_eq!(
            p.ops,
            vec![
                Op::Add(1),
                Op::Move(1, 15),
                Op::Open(7),
                Op::Add(255),
                Op::Move(1, 21),
                Op::Add(1),
                Op::Move(-1, 23),
                Op::Close(2),
                Op::Clear,
                Op::Out,
                Op::In
            ]
        );
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
    }
}
