//! Why a PHP program stopped early, and how PHP prints it.

use std::fmt::Write;

/// One line of a stack trace: the call made at `file(line)`.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceLine {
    /// The line of the call.
    pub line: u32,
    /// `f(1, 'a')`: the function and its arguments as PHP prints them.
    pub call: String,
}

/// A PHP program's early end: an error, or `exit`.
#[derive(Clone, Debug, PartialEq)]
pub enum PhpError {
    /// An exception nobody caught (the VM's errors are `Error` subclasses, named by `class`).
    Uncaught {
        /// The class (`DivisionByZeroError`, `TypeError`, ...).
        class: &'static str,
        /// The message.
        message: String,
        /// Where it was thrown.
        line: u32,
        /// The calls that led there, innermost first.
        trace: Vec<TraceLine>,
    },
    /// A fatal error (not an exception): PHP's `Fatal error: ...`.
    Fatal {
        /// The message.
        message: String,
        /// Where.
        line: u32,
    },
    /// Standard output failed (its reader went away, or the device is full).
    Output,
    /// `exit`/`die`: the program ends normally with this status.
    Exit(u8),
}

metajit::green_type!(PhpError);

impl PhpError {
    /// The text PHP prints for it (display_errors on, to standard output), for the script
    /// `file`.
    pub fn render(&self, file: &str) -> String {
        let mut s = String::new();
        match self {
            PhpError::Uncaught {
                class,
                message,
                line,
                trace,
            } => {
                let _ = write!(
                    s,
                    "\nFatal error: Uncaught {class}: {message} in {file}:{line}\nStack trace:\n"
                );
                for (i, t) in trace.iter().enumerate() {
                    let _ = writeln!(s, "#{i} {file}({}): {}", t.line, t.call);
                }
                let _ = write!(
                    s,
                    "#{} {{main}}\n  thrown in {file} on line {line}\n",
                    trace.len()
                );
            }
            PhpError::Fatal { message, line } => {
                let _ = write!(s, "\nFatal error: {message} in {file} on line {line}\n");
            }
            PhpError::Output | PhpError::Exit(_) => {}
        }
        s
    }

    /// The process exit code PHP uses for it.
    pub fn exit_code(&self) -> u8 {
        match self {
            PhpError::Exit(code) => *code,
            _ => 255,
        }
    }
}
