//! Errors of a Lox run, as clox reports them.

use std::fmt;

/// Why a program stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum LoxError {
    /// Compile errors: one `[line N] Error...` line each (exit code 65).
    Compile(Vec<String>),
    /// A runtime error: the message, then the stack trace, innermost frame first (exit code
    /// 70).
    Runtime {
        /// The message (`Operands must be numbers.`).
        message: String,
        /// `[line N] in name()` lines, ending with `[line N] in script`.
        trace: Vec<String>,
    },
    /// Standard output failed (its reader went away, or the device is full): the program was
    /// stopped.
    Output,
}

metajit::green_type!(LoxError);

impl LoxError {
    /// The exit code clox uses for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            LoxError::Compile(_) => 65,
            LoxError::Runtime { .. } => 70,
            LoxError::Output => 74,
        }
    }
}

impl fmt::Display for LoxError {
    /// The text clox writes to stderr (one line per entry).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoxError::Compile(lines) => {
                for l in lines {
                    writeln!(f, "{l}")?;
                }
                Ok(())
            }
            LoxError::Runtime { message, trace } => {
                writeln!(f, "{message}")?;
                for l in trace {
                    writeln!(f, "{l}")?;
                }
                Ok(())
            }
            LoxError::Output => writeln!(f, "write error"),
        }
    }
}
