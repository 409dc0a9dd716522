//! tlr: a tiny register machine, the tutorial language of metajit.
//!
//! A program has an accumulator `a` and a fixed number of integer registers (`alloc N`, the
//! first instruction). Instructions move values between `a` and the registers, do arithmetic
//! on `a`, jump, print and return. Inputs given on the command line go into `r0`, `r1`, ...
//! The book's tutorial builds [`interp::run`] and its JIT step by step; [`syntax`] reads the
//! text form:
//!
//! ```text
//! # square of r0 by repeated addition
//!         alloc 3
//!         mov_r_a 0
//!         mov_a_r 1        # r1: counter
//! loop:   mov_r_a 2
//!         add_r_to_a 0
//!         mov_a_r 2        # r2 += r0
//!         mov_r_a 1
//!         dec_a
//!         mov_a_r 1        # r1 -= 1
//!         jump_if_a loop
//!         mov_r_a 2
//!         return_a
//! ```

pub mod interp;
pub mod syntax;

pub use interp::{Frame, run};
pub use syntax::{Op, ParseError, Program, parse};

/// A run-time error of a tlr program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlrError {
    /// `div_a_r`/`mod_a_r` by a register holding 0, at this source line.
    DivisionByZero {
        /// The instruction's line.
        line: usize,
    },
    /// Writing the output failed; the frame's [`Output`](metajit::cli::Output) says why.
    Output,
}

impl std::fmt::Display for TlrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlrError::DivisionByZero { line } => write!(f, "division by zero at line {line}"),
            TlrError::Output => f.write_str("cannot write the output"),
        }
    }
}

impl std::error::Error for TlrError {}

metajit::green_type!(TlrError);
