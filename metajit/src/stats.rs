//! Counters and timings of one JIT instance, and the summary `METAJIT_LOG=summary` prints.

use crate::twin::AbortReason;
use std::collections::HashMap;
use std::time::Duration;

/// Counters and timings of one JIT instance.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Loops compiled.
    pub loops: u32,
    /// Bridges compiled.
    pub bridges: u32,
    /// Functions compiled (traces from an interpreter function's start, `function_threshold`).
    pub functions: u32,
    /// Traces given up, by reason.
    pub aborts: HashMap<AbortReason, u32>,
    /// Times compiled code was entered: from the interpreter, and again after a guard failure
    /// or a bridge's return when the state's loop is compiled.
    pub entries: u64,
    /// Guard failures that left compiled code.
    pub guard_failures: u64,
    /// Guard failures finished by the blackhole.
    pub blackholes: u64,
    /// Operations recorded (all traces).
    pub ops_recorded: u64,
    /// Operations after optimization (all compiled traces).
    pub ops_optimized: u64,
    /// Time spent recording traces.
    pub time_tracing: Duration,
    /// Time spent optimizing.
    pub time_optimizing: Duration,
    /// Time spent in the backend.
    pub time_compiling: Duration,
    /// Bytes of compiled code.
    pub code_bytes: usize,
    /// Pieces invalidated (quasi-immutable fields changed).
    pub invalidated: u32,
    /// Pieces whose code was freed.
    pub freed: u32,
    /// Regions compiled (hot cycles of pieces compiled as one unit, `regions.rs`), including
    /// recompilations.
    pub regions: u32,
    /// Pieces compiled again as members of those regions.
    pub region_members: u64,
    /// Time spent compiling regions (not included in `time_compiling`).
    pub time_regions: Duration,
}

impl Stats {
    /// Total aborts.
    pub fn total_aborts(&self) -> u32 {
        self.aborts.values().sum()
    }

    /// The one-screen summary `METAJIT_LOG=summary` prints.
    pub fn summary(&self, backend: &str) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mut aborts: Vec<String> = self
            .aborts
            .iter()
            .map(|(r, n)| format!("{}: {n}", r.text()))
            .collect();
        aborts.sort();
        format!(
            "metajit summary (backend {backend})\n\
             \x20 loops compiled     {:>10}   bridges compiled   {:>10}   functions {}\n\
             \x20 traces aborted     {:>10}{}\n\
             \x20 entries from interp{:>10}   guard failures     {:>10}   blackholed {}\n\
             \x20 ops recorded       {:>10}   after optimization {:>10}\n\
             \x20 time tracing {:>9.3} ms   optimizing {:>9.3} ms   compiling {:>9.3} ms\n\
             \x20 regions compiled   {:>10}   of pieces          {:>10}   in {:.3} ms\n\
             \x20 compiled code      {:>10} bytes\n\
             \x20 pieces invalidated {:>10}   freed              {:>10}\n",
            self.loops,
            self.bridges,
            self.functions,
            self.total_aborts(),
            if aborts.is_empty() {
                String::new()
            } else {
                format!("   ({})", aborts.join(", "))
            },
            self.entries,
            self.guard_failures,
            self.blackholes,
            self.ops_recorded,
            self.ops_optimized,
            ms(self.time_tracing),
            ms(self.time_optimizing),
            ms(self.time_compiling),
            self.regions,
            self.region_members,
            ms(self.time_regions),
            self.code_bytes,
            self.invalidated,
            self.freed
        )
    }
}
