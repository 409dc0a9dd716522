//! Shared by the Lox tests: running a program in-process under given JIT parameters, and the
//! official suite's expectation comments.

#![allow(dead_code)]

use lang_lox::{LoxError, Vm};
use metajit::JitDriver;
use metajit::cli::Output;

/// What a run printed and how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// The error, if the program failed.
    pub error: Option<LoxError>,
}

impl Outcome {
    /// The exit code `lox` would give.
    pub fn exit_code(&self) -> u8 {
        self.error.as_ref().map_or(0, |e| e.exit_code())
    }

    /// The text `lox` would write to stderr.
    pub fn stderr(&self) -> String {
        self.error.as_ref().map_or(String::new(), |e| e.to_string())
    }
}

/// Runs `source` on the JIT `jit`.
pub fn run_source(source: &str, jit: JitDriver) -> Outcome {
    let mut vm = Vm::new(Output::memory(), jit);
    let error = vm.interpret(source).err();
    let stdout = String::from_utf8(vm.output.take()).expect("UTF-8 output");
    Outcome { stdout, error }
}

/// What a suite test expects, from its comments.
#[derive(Debug, Default)]
pub struct Expectations {
    /// `// expect: TEXT` lines, in order.
    pub stdout: Vec<String>,
    /// Compile errors (`[line N] Error...`).
    pub compile_errors: Vec<String>,
    /// `// expect runtime error: MESSAGE` and the line of that comment.
    pub runtime_error: Option<(String, u32)>,
}

impl Expectations {
    /// Reads the comments of a test (clox's variants of `[c line N]` errors; Java's skipped).
    pub fn parse(source: &str) -> Expectations {
        let mut e = Expectations::default();
        for (i, line) in source.lines().enumerate() {
            let n = i as u32 + 1;
            if let Some(p) = line.find("// expect: ") {
                e.stdout.push(line[p + "// expect: ".len()..].to_string());
            } else if let Some(p) = line.find("// expect runtime error: ") {
                let msg = line[p + "// expect runtime error: ".len()..].to_string();
                e.runtime_error = Some((msg, n));
            } else if let Some(p) = line.find("// Error") {
                e.compile_errors
                    .push(format!("[line {n}] {}", &line[p + 3..]));
            } else if let Some(p) = line.find("// [") {
                let rest = &line[p + 4..];
                let rest = if let Some(r) = rest.strip_prefix("c ") {
                    r
                } else if rest.starts_with("java ") {
                    continue;
                } else {
                    rest
                };
                if let Some(r) = rest.strip_prefix("line ")
                    && let Some((num, tail)) = r.split_once("] ")
                    && tail.starts_with("Error")
                {
                    e.compile_errors.push(format!("[line {num}] {tail}"));
                }
            }
        }
        e
    }

    /// Whether `o` is what the test expects; why not otherwise.
    pub fn check(&self, o: &Outcome) -> Result<(), String> {
        let lines: Vec<&str> = o.stdout.lines().collect();
        if lines != self.stdout {
            return Err(format!("stdout {:?}, expected {:?}", lines, self.stdout));
        }
        let stderr = o.stderr();
        let err_lines: Vec<&str> = stderr.lines().collect();
        if !self.compile_errors.is_empty() {
            let mut got: Vec<&str> = err_lines.clone();
            let mut want: Vec<&str> = self.compile_errors.iter().map(|s| s.as_str()).collect();
            got.sort();
            want.sort();
            if got != want || o.exit_code() != 65 {
                return Err(format!(
                    "stderr {err_lines:?}, expected {want:?} (exit {})",
                    o.exit_code()
                ));
            }
        } else if let Some((msg, line)) = &self.runtime_error {
            let trace = format!("[line {line}]");
            if err_lines.first() != Some(&msg.as_str())
                || !err_lines.get(1).is_some_and(|l| l.starts_with(&trace))
                || o.exit_code() != 70
            {
                return Err(format!(
                    "stderr {err_lines:?}, expected {msg:?} then {trace} (exit {})",
                    o.exit_code()
                ));
            }
        } else if o.exit_code() != 0 || !stderr.is_empty() {
            return Err(format!("unexpected failure: {stderr:?}"));
        }
        Ok(())
    }
}
