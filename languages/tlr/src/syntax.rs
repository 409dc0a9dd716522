//! The text form of tlr programs.
//!
//! One instruction per line, optionally preceded by `label:`; `#` starts a comment. The first
//! instruction must be `alloc N` (0 < N <= 256). Register operands must be below N; jump
//! targets must be labels of the program.

use std::collections::HashMap;

// ANCHOR: op
/// One instruction. Register operands are indices; jump targets are instruction indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `set_a N`: a = N.
    SetA(i64),
    /// `mov_a_r R`: rR = a.
    MovAR(usize),
    /// `mov_r_a R`: a = rR.
    MovRA(usize),
    /// `add_r_to_a R`: a += rR (wrapping).
    AddRToA(usize),
    /// `sub_r_from_a R`: a -= rR (wrapping).
    SubRFromA(usize),
    /// `mul_r_to_a R`: a *= rR (wrapping).
    MulRToA(usize),
    /// `div_a_r R`: a /= rR (truncating; an error when rR is 0).
    DivAR(usize, usize),
    /// `mod_a_r R`: a %= rR (an error when rR is 0).
    ModAR(usize, usize),
    /// `lt_a_r R`: a = 1 if a < rR else 0.
    LtAR(usize),
    /// `eq_a_r R`: a = 1 if a == rR else 0.
    EqAR(usize),
    /// `inc_a`: a += 1.
    IncA,
    /// `dec_a`: a -= 1.
    DecA,
    /// `neg_a`: a = -a.
    NegA,
    /// `jump_if_a L`: jump when a != 0 (a back-edge when L is earlier).
    JumpIfA(usize),
    /// `jump L`.
    Jump(usize),
    /// `print_a`: prints a on its own line.
    PrintA,
    /// `return_a`: ends the program with a as its result.
    ReturnA,
}
// ANCHOR_END: op

/// A parsed program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Number of registers.
    pub registers: usize,
    /// The instructions (after `alloc`).
    pub ops: Vec<Op>,
    /// The source line of each instruction.
    pub lines: Vec<usize>,
}

/// A syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a program.
pub fn parse(src: &str) -> Result<Program, ParseError> {
    let mut labels: HashMap<String, usize> = HashMap::new();
    let mut insns: Vec<(usize, String, Option<String>)> = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let line = i + 1;
        let mut text = raw.split('#').next().unwrap_or("").trim();
        if let Some((label, rest)) = text.split_once(':') {
            let label = label.trim();
            if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(ParseError {
                    line,
                    message: format!("bad label `{label}`"),
                });
            }
            if labels.insert(label.to_string(), insns.len()).is_some() {
                return Err(ParseError {
                    line,
                    message: format!("label `{label}` defined twice"),
                });
            }
            text = rest.trim();
        }
        if text.is_empty() {
            continue;
        }
        let mut words = text.split_whitespace();
        let name = words.next().unwrap_or_default().to_string();
        let arg = words.next().map(str::to_string);
        if let Some(extra) = words.next() {
            return Err(ParseError {
                line,
                message: format!("unexpected `{extra}`"),
            });
        }
        insns.push((line, name, arg));
    }
    let Some((first_line, first, first_arg)) = insns.first().cloned() else {
        return Err(ParseError {
            line: 1,
            message: "empty program (expected `alloc N` first)".into(),
        });
    };
    if first != "alloc" {
        return Err(ParseError {
            line: first_line,
            message: "the first instruction must be `alloc N`".into(),
        });
    }
    let registers = match first_arg.as_deref().map(str::parse::<usize>) {
        Some(Ok(n)) if (1..=256).contains(&n) => n,
        _ => {
            return Err(ParseError {
                line: first_line,
                message: "`alloc` takes a register count from 1 to 256".into(),
            });
        }
    };
    let mut ops = Vec::new();
    let mut lines = Vec::new();
    for (line, name, arg) in insns.into_iter().skip(1) {
        let err = |message: String| ParseError { line, message };
        let reg = || -> Result<usize, ParseError> {
            let a = arg
                .as_deref()
                .ok_or_else(|| err(format!("`{name}` takes a register number")))?;
            let r: usize = a.parse().map_err(|_| err(format!("bad register `{a}`")))?;
            if r >= registers {
                return Err(err(format!(
                    "register {r} is not allocated (alloc {registers})"
                )));
            }
            Ok(r)
        };
        let target = || -> Result<usize, ParseError> {
            let a = arg
                .as_deref()
                .ok_or_else(|| err(format!("`{name}` takes a label")))?;
            labels
                .get(a)
                .map(|&t| t.saturating_sub(1))
                .ok_or_else(|| err(format!("unknown label `{a}`")))
        };
        let none = || -> Result<(), ParseError> {
            match &arg {
                Some(a) => Err(err(format!("`{name}` takes no operand, found `{a}`"))),
                None => Ok(()),
            }
        };
        let op = match name.as_str() {
            "set_a" => {
                let a = arg
                    .as_deref()
                    .ok_or_else(|| err("`set_a` takes an integer".into()))?;
                Op::SetA(a.parse().map_err(|_| err(format!("bad integer `{a}`")))?)
            }
            "mov_a_r" => Op::MovAR(reg()?),
            "mov_r_a" => Op::MovRA(reg()?),
            "add_r_to_a" => Op::AddRToA(reg()?),
            "sub_r_from_a" => Op::SubRFromA(reg()?),
            "mul_r_to_a" => Op::MulRToA(reg()?),
            "div_a_r" => Op::DivAR(reg()?, line),
            "mod_a_r" => Op::ModAR(reg()?, line),
            "lt_a_r" => Op::LtAR(reg()?),
            "eq_a_r" => Op::EqAR(reg()?),
            "inc_a" => none().map(|_| Op::IncA)?,
            "dec_a" => none().map(|_| Op::DecA)?,
            "neg_a" => none().map(|_| Op::NegA)?,
            "jump_if_a" => Op::JumpIfA(target()?),
            "jump" => Op::Jump(target()?),
            "print_a" => none().map(|_| Op::PrintA)?,
            "return_a" => none().map(|_| Op::ReturnA)?,
            "alloc" => return Err(err("`alloc` may only appear once, first".into())),
            other => return Err(err(format!("unknown instruction `{other}`"))),
        };
        ops.push(op);
        lines.push(line);
    }
    // Labels count `alloc` as instruction 0; a label after the last instruction targets the
    // end (running off the end returns `a`).
    for t in ops.iter_mut() {
        if let Op::JumpIfA(x) | Op::Jump(x) = t
            && *x > lines.len()
        {
            *x = lines.len();
        }
    }
    Ok(Program {
        registers,
        ops,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_labels_and_operands() {
        let p = parse("alloc 2\nset_a 5 # five\nl: mov_a_r 1\n dec_a\n jump_if_a l\n return_a\n")
            .unwrap();
        assert_eq!(p.registers, 2);
        assert_eq!(
            p.ops,
            vec![
                Op::SetA(5),
                Op::MovAR(1),
                Op::DecA,
                Op::JumpIfA(1),
                Op::ReturnA
            ]
        );
        assert_eq!(p.lines, vec![2, 3, 4, 5, 6]);
    }

    #[test]
    fn reports_errors_with_lines() {
        let cases = [
            ("", 1, "empty program"),
            ("set_a 1", 1, "first instruction"),
            ("alloc 2\nmov_a_r 2", 2, "not allocated"),
            ("alloc 2\njump nowhere", 2, "unknown label"),
            ("alloc 2\nfrob", 2, "unknown instruction"),
            ("alloc 2\nset_a x", 2, "bad integer"),
            ("alloc 2\nl: inc_a\nl: inc_a", 3, "defined twice"),
            ("alloc 2\ninc_a 3", 2, "takes no operand"),
            ("alloc 0", 1, "register count"),
        ];
        for (src, line, msg) in cases {
            let e = parse(src).unwrap_err();
            assert_eq!(e.line, line, "{src:?}: {e}");
            assert!(e.message.contains(msg), "{src:?}: {e}");
        }
    }
}
