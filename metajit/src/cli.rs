//! What every language binary built on metajit shares on its command line and its output:
//! the `--jit=on|off` switch, the driver configured from `METAJIT_PARAMS` and `METAJIT_LOG`
//! (a bad value, including bytes that are not UTF-8, is an error), and [`Output`], a buffered
//! standard output that tells the interpreter when its reader has gone or the device is full,
//! so the program can stop instead of computing output nobody receives.

use crate::JitDriver;
use std::ffi::OsStr;
use std::io::{IsTerminal, Write};

/// The usage text of the JIT switch, for a binary's own usage line.
pub const JIT_USAGE: &str = "--jit=on|off";

/// The JIT switches given on a command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JitSwitch {
    /// `--jit=on` (the default) or `--jit=off`.
    pub on: bool,
}

impl Default for JitSwitch {
    fn default() -> JitSwitch {
        JitSwitch { on: true }
    }
}

impl JitSwitch {
    /// Takes `arg` if it is a JIT switch: `Ok(true)` when taken, `Ok(false)` for any other
    /// argument, an error message for `--jit=` with a value other than `on` or `off`.
    pub fn take(&mut self, arg: &OsStr) -> Result<bool, String> {
        let Some(value) = arg.as_encoded_bytes().strip_prefix(b"--jit=") else {
            return Ok(false);
        };
        self.on = match value {
            b"on" => true,
            b"off" => false,
            _ => {
                return Err(format!(
                    "--jit takes on or off, not `{}`",
                    String::from_utf8_lossy(value)
                ));
            }
        };
        Ok(true)
    }

    /// The driver for this run: `METAJIT_PARAMS` and `METAJIT_LOG` from the environment, then
    /// the switch. The error names the variable and the bad entry.
    pub fn driver(&self) -> Result<JitDriver, String> {
        self.driver_over("")
    }

    /// [`driver`](JitSwitch::driver) for a language with defaults of its own (`name=value`
    /// pairs, applied before `METAJIT_PARAMS`, which can override them).
    pub fn driver_over(&self, defaults: &str) -> Result<JitDriver, String> {
        let mut base = crate::Params::default();
        base.apply(defaults)
            .map_err(|e| format!("the language's JIT defaults: {e}"))?;
        let params =
            crate::Params::from_env_over(base).map_err(|e| format!("METAJIT_PARAMS: {e}"))?;
        let jit = JitDriver::build(params, crate::log::Log::from_env());
        if !self.on {
            jit.set_enabled(false);
        }
        Ok(jit)
    }
}

/// Buffered program output. Writes go to a buffer that is passed on to the sink when it fills
/// (at each newline when the sink is a terminal) and at [`flush`](Output::flush). The first
/// error of the sink is kept; from then on every write reports failure, so an interpreter
/// stops the program (`prog | head` ends `prog`, and a full disk is an error, not lost output).
/// Without a sink the output stays in memory (for tests).
pub struct Output {
    buf: Vec<u8>,
    sink: Option<Box<dyn Write>>,
    line_mode: bool,
    error: Option<std::io::Error>,
}

const CHUNK: usize = 1 << 16;

impl Output {
    /// Output to the process's standard output (line by line on a terminal).
    pub fn stdout() -> Output {
        let line_mode = std::io::stdout().is_terminal();
        Output {
            line_mode,
            ..Output::to(Box::new(std::io::stdout()))
        }
    }

    /// Output to `sink`, passed on in chunks.
    pub fn to(sink: Box<dyn Write>) -> Output {
        Output {
            buf: Vec::with_capacity(CHUNK),
            sink: Some(sink),
            line_mode: false,
            error: None,
        }
    }

    /// Output kept in memory: see [`contents`](Output::contents).
    pub fn memory() -> Output {
        Output {
            buf: Vec::new(),
            sink: None,
            line_mode: false,
            error: None,
        }
    }

    /// Writes `bytes`; false once the sink has failed (the bytes are dropped).
    pub fn write(&mut self, bytes: &[u8]) -> bool {
        if self.error.is_some() {
            return false;
        }
        self.buf.extend_from_slice(bytes);
        if self.sink.is_some()
            && (self.buf.len() >= CHUNK || (self.line_mode && bytes.contains(&b'\n')))
        {
            return self.flush();
        }
        true
    }

    /// Passes the buffer on to the sink and flushes it; false if the sink has failed.
    pub fn flush(&mut self) -> bool {
        let Some(sink) = self.sink.as_mut() else {
            return true;
        };
        if self.error.is_none()
            && let Err(e) = sink.write_all(&self.buf).and_then(|()| sink.flush())
        {
            self.error = Some(e);
        }
        self.buf.clear();
        self.error.is_none()
    }

    /// What was written, for output kept in memory (for a sink: what is not yet passed on).
    pub fn contents(&self) -> &[u8] {
        &self.buf
    }

    /// Takes what [`contents`](Output::contents) returns.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    /// The sink's first error.
    pub fn error(&self) -> Option<&std::io::Error> {
        self.error.as_ref()
    }

    /// Whether the sink failed because its reader went away (a closed pipe): a binary usually
    /// ends quietly then, as `yes | head` does.
    pub fn reader_gone(&self) -> bool {
        self.error
            .as_ref()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// At the end of a run: flushes, and decides the exit when the output failed. `None` when
    /// it did not (the binary reports its own result); success when the reader went away (the
    /// program stopped, as `yes | head` does); else `BINARY: write error: ...` on stderr and
    /// `code`.
    pub fn finish(&mut self, binary: &str, code: u8) -> Option<std::process::ExitCode> {
        self.flush();
        if self.reader_gone() {
            return Some(std::process::ExitCode::SUCCESS);
        }
        let e = self.error()?;
        eprintln!("{binary}: write error: {e}");
        Some(std::process::ExitCode::from(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jit_switch() {
        let mut s = JitSwitch::default();
        assert_eq!(s.take(OsStr::new("--jit=off")), Ok(true));
        assert!(!s.on);
        assert_eq!(s.take(OsStr::new("--jit=on")), Ok(true));
        assert!(s.on);
        assert_eq!(s.take(OsStr::new("file.b")), Ok(false));
        assert!(s.take(OsStr::new("--jit=maybe")).is_err());
    }

    /// A sink that accepts `room` bytes and then fails as a full device does.
    struct Full(usize);
    impl Write for Full {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
            let n = b.len().min(self.0);
            self.0 -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_sink_fails_every_later_write() {
        let mut out = Output::to(Box::new(Full(10)));
        assert!(out.write(b"more than ten bytes"));
        assert!(!out.flush(), "the buffer did not fit");
        assert!(!out.write(b"more"));
        assert!(out.error().is_some() && !out.reader_gone());
        let mut mem = Output::memory();
        for _ in 0..CHUNK {
            assert!(mem.write(b"xy"));
        }
        assert_eq!(mem.take().len(), 2 * CHUNK);
    }
}
