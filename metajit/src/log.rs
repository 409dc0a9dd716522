//! `METAJIT_LOG`: what the JIT did, for researchers and for debugging interpreters.
//!
//! `METAJIT_LOG=<categories>` (comma-separated, or `all`) turns on categories; output goes to
//! standard error, or to the file named by `METAJIT_LOG_FILE`. Categories:
//! - `trace`: each recorded trace, in the IR text format, before optimization;
//! - `opt`: each trace after optimization (what the backend compiles);
//! - `abort`: traces given up, with the reason;
//! - `bridge`: bridges compiled, with the guard they attach to;
//! - `guard`: every guard failure that leaves compiled code (verbose);
//! - `compile`: time spent optimizing and compiling each trace (the summary totals tracing time);
//! - `summary`: a one-screen summary when the JIT instance is dropped.
//!
//! A disabled category costs one branch on a flag: messages are only formatted when enabled.

use std::cell::RefCell;
use std::fs::File;
use std::io::Write;

/// One log category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Category {
    /// Recorded traces.
    Trace = 1,
    /// Optimized traces.
    Opt = 2,
    /// Aborted traces.
    Abort = 4,
    /// Bridges.
    Bridge = 8,
    /// Guard failures.
    Guard = 16,
    /// Timings.
    Compile = 32,
    /// The exit summary.
    Summary = 64,
    /// Code invalidated (a quasi-immutable field changed) and freed.
    Invalidate = 128,
}

const CATEGORIES: &[(&str, Category)] = &[
    ("trace", Category::Trace),
    ("opt", Category::Opt),
    ("abort", Category::Abort),
    ("bridge", Category::Bridge),
    ("guard", Category::Guard),
    ("compile", Category::Compile),
    ("summary", Category::Summary),
    ("invalidate", Category::Invalidate),
];

/// Where log output goes and which categories are on.
pub struct Log {
    mask: u8,
    file: Option<RefCell<File>>,
}

impl Log {
    /// A log with nothing enabled.
    pub fn off() -> Log {
        Log {
            mask: 0,
            file: None,
        }
    }

    /// The log configured by `METAJIT_LOG` and `METAJIT_LOG_FILE`. Unknown categories are
    /// reported once on standard error and ignored.
    pub fn from_env() -> Log {
        let spec = match std::env::var("METAJIT_LOG") {
            Ok(s) => s,
            Err(std::env::VarError::NotUnicode(s)) => {
                eprintln!(
                    "metajit: METAJIT_LOG is not UTF-8 (`{}`); ignored",
                    s.to_string_lossy()
                );
                String::new()
            }
            Err(std::env::VarError::NotPresent) => String::new(),
        };
        let mut log = Log::parse(&spec);
        if log.mask != 0
            && let Some(path) = std::env::var_os("METAJIT_LOG_FILE")
        {
            match File::create(&path) {
                Ok(f) => log.file = Some(RefCell::new(f)),
                Err(e) => eprintln!(
                    "metajit: cannot open METAJIT_LOG_FILE {}: {e}",
                    path.to_string_lossy()
                ),
            }
        }
        log
    }

    /// A log with the categories of `spec` enabled.
    pub fn parse(spec: &str) -> Log {
        let mut mask = 0u8;
        for word in spec.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            if word == "all" {
                mask = 0xff;
            } else if let Some((_, c)) = CATEGORIES.iter().find(|(n, _)| *n == word) {
                mask |= *c as u8;
            } else {
                eprintln!(
                    "metajit: unknown METAJIT_LOG category `{word}` (known: all, {})",
                    CATEGORIES
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        Log { mask, file: None }
    }

    /// Whether `c` is enabled.
    #[inline(always)]
    pub fn enabled(&self, c: Category) -> bool {
        self.mask & c as u8 != 0
    }

    /// Writes a message (callers check `enabled` first so that formatting is skipped).
    pub fn write(&self, text: &str) {
        match &self.file {
            Some(f) => {
                let _ = f.borrow_mut().write_all(text.as_bytes());
            }
            None => {
                let _ = std::io::stderr().lock().write_all(text.as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_categories() {
        let l = Log::parse("trace, abort");
        assert!(l.enabled(Category::Trace) && l.enabled(Category::Abort));
        assert!(!l.enabled(Category::Opt));
        assert!(Log::parse("all").enabled(Category::Summary));
        assert!(!Log::off().enabled(Category::Trace));
    }
}
