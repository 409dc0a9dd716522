//! `perf` map files: lets `perf report` name the JIT's code.
//!
//! Linux `perf` reads `/tmp/perf-<pid>.map`, one line per code range: `<start> <size> <name>`,
//! hexadecimal without `0x`. Enabled by `CraneliftOptions::perf_map`; each compiled piece and
//! trampoline appends a line when it is finalized. Ranges of freed code stay in the file (perf
//! has no way to retract them); a later piece at the same address appends a newer line.

use std::fs::File;
use std::io::Write;

/// An open perf map file.
pub(super) struct PerfMap {
    file: File,
}

impl PerfMap {
    /// Opens (appending to) `/tmp/perf-<pid>.map`.
    pub(super) fn open() -> std::io::Result<PerfMap> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(Self::path())?;
        Ok(PerfMap { file })
    }

    /// The file's path for this process.
    pub(super) fn path() -> String {
        format!("/tmp/perf-{}.map", std::process::id())
    }

    /// Names `size` bytes of code at `addr`. Errors are ignored: profiling aids never fail
    /// compilation.
    pub(super) fn record(&mut self, addr: usize, size: usize, name: &str) {
        // One write per line so concurrent writers (several backends) do not interleave.
        let line = format!("{addr:x} {size:x} {}\n", name.replace('\n', " "));
        let _ = self.file.write_all(line.as_bytes());
    }
}
