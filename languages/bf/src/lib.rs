//! Brainfuck on metajit.
//!
//! A program is parsed into [`Op`]s with run-length folding (`+++` is one `Add(3)`, `>>` one
//! `Move(2)`) and `[-]`/`[+]` recognized as `Clear`; brackets are matched at parse time. The
//! interpreter ([`interp::run`]) is an ordinary dispatch loop annotated for metajit: the
//! program position and the program are green, the tape, the cell pointer and the I/O state
//! are red. Cells are 8-bit and wrap; the tape grows to the right as needed; moving left of
//! cell 0 is an error. [`to_c`] translates the same ops to C (the benchmark's reference).

pub mod interp;
mod parse;

pub use interp::{Io, Tape, run};
pub use parse::{Op, ParseError, Program, Transfer, parse, to_c};

/// A run-time error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BfError {
    /// The pointer moved left of cell 0; `pos` is the byte offset of the `<` in the source.
    MovedLeft {
        /// Byte offset of the offending `<` run in the source.
        pos: usize,
    },
    /// Writing the output failed (its reader went away, or the device is full); the output's
    /// error says which.
    Output,
}

impl std::fmt::Display for BfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BfError::MovedLeft { pos } => {
                write!(f, "the pointer moved left of cell 0 (at byte {pos})")
            }
            BfError::Output => f.write_str("cannot write the output"),
        }
    }
}

impl std::error::Error for BfError {}

metajit::green_type!(BfError);
