//! Optimizer fixtures: text files holding an input trace and the expected optimized trace.
//!
//! ```text
//! # What the fixture shows (free text).
//! # passes: rewrite            (optional: these passes only; default the whole PIPELINE)
//! # unroll: off                (optional: OptContext::unroll, default on)
//! # strengthen: on             (optional: OptContext::strengthen_guards, default off; the
//! #                             oracle then accepts a guard failing early, see `oracle::check`)
//! # run: i0=3 i1=-2            (optional, repeatable: int inputs the oracle also tries)
//! # seeds: 40                  (optional: random worlds for the oracle, default 24)
//! [i0, i1]
//! ...input trace...
//! ==== expected
//! [i0, i1]
//! ...optimized trace, as printed...
//! ```
//! Each fixture is optimized (the verifier runs after every pass), the printed result compared
//! with the expected text (`BLESS=1` rewrites it, never when `CI` is set), the printed result
//! parsed back, and the oracle run on the input and the optimized trace.

use super::{funcs, oracle};
use metajit::ir::{TargetId, Trace, parse_trace, parse_trace_with};
use metajit::opt::{OptContext, PIPELINE, run_passes};
use std::cell::Cell;
use std::path::{Path, PathBuf};

const SEPARATOR: &str = "==== expected";

/// A parsed fixture file.
pub struct Fixture {
    /// The passes to run (names).
    pub passes: Vec<String>,
    /// `OptContext::unroll`.
    pub unroll: bool,
    /// `OptContext::strengthen_guards`.
    pub strengthen: bool,
    /// Int inputs to try besides the random ones.
    pub runs: Vec<Vec<(usize, i64)>>,
    /// How many random worlds.
    pub seeds: u64,
    /// The input trace's text.
    pub input: String,
    /// The expected output, if the file has one.
    pub expected: Option<String>,
}

/// Reads a fixture.
pub fn read(text: &str) -> Result<Fixture, String> {
    let (input, expected) = match text.split_once(&format!("\n{SEPARATOR}\n")) {
        Some((a, b)) => (a.to_string() + "\n", Some(b.to_string())),
        None => (text.to_string(), None),
    };
    let mut f = Fixture {
        passes: PIPELINE.iter().map(|p| p.0.to_string()).collect(),
        unroll: true,
        strengthen: false,
        runs: Vec::new(),
        seeds: 24,
        input,
        expected,
    };
    let names: Vec<String> = f
        .input
        .lines()
        .find(|l| l.trim_start().starts_with('['))
        .map(|l| {
            l.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|s| s.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    for line in f.input.lines() {
        let Some(h) = line.strip_prefix('#') else {
            continue;
        };
        let h = h.trim();
        if let Some(p) = h.strip_prefix("passes:") {
            f.passes = p.split_whitespace().map(str::to_string).collect();
        } else if let Some(u) = h.strip_prefix("unroll:") {
            f.unroll = u.trim() != "off";
        } else if let Some(u) = h.strip_prefix("strengthen:") {
            f.strengthen = u.trim() == "on";
        } else if let Some(s) = h.strip_prefix("seeds:") {
            f.seeds = s.trim().parse().map_err(|_| format!("bad seeds: {s}"))?;
        } else if let Some(r) = h.strip_prefix("run:") {
            let mut run = Vec::new();
            for kv in r.split_whitespace() {
                let (k, v) = kv.split_once('=').ok_or(format!("bad run: {kv}"))?;
                let i = names
                    .iter()
                    .position(|n| n == k)
                    .ok_or(format!("no input {k}"))?;
                run.push((i, v.parse().map_err(|_| format!("bad value {v}"))?));
            }
            f.runs.push(run);
        }
    }
    Ok(f)
}

/// Optimizes a fixture's input (relabeled for the oracle): (relabeled input, output).
pub fn optimize(f: &Fixture) -> Result<(Trace, Trace), String> {
    let input = parse_trace_with(&f.input, &funcs::lookup).map_err(|e| format!("input: {e}"))?;
    let input = oracle::relabel(&input);
    let next = Cell::new(1000u32);
    let new_target = || {
        next.set(next.get() + 1);
        TargetId(next.get() - 1)
    };
    let mut ctx = OptContext {
        new_target: &new_target,
        unroll: f.unroll,
        max_pending_stores: usize::MAX,
        input_bounds: &[],
        strengthen_guards: f.strengthen,
    };
    let names: Vec<&str> = f.passes.iter().map(String::as_str).collect();
    let out = run_passes(&input, &names, &mut ctx).map_err(|e| format!("optimizer: {e}"))?;
    Ok((input, out))
}

/// Checks one fixture file; with `bless`, rewrites its expected output instead of failing on
/// a difference.
pub fn check_file(path: &Path, bless: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let f = read(&text)?;
    let (input, out) = optimize(&f)?;
    let printed = oracle::unrelabel(&out).to_string();
    let again = parse_trace(&printed).map_err(|e| format!("output does not parse: {e}"))?;
    if again.to_string() != printed {
        return Err("output does not round-trip through the parser".into());
    }
    let conclusive = oracle::check(&input, &out, 0..f.seeds, &f.runs, f.strengthen)
        .map_err(|e| format!("{e}\n--- optimized trace\n{printed}"))?;
    if conclusive == 0 {
        return Err("no conclusive oracle run (every run ran out of fuel)".into());
    }
    if f.expected.as_deref() != Some(printed.as_str()) {
        if bless {
            let new = format!("{}{SEPARATOR}\n{printed}", f.input);
            std::fs::write(path, new).map_err(|e| e.to_string())?;
            return Ok(());
        }
        return Err(format!(
            "output differs (BLESS=1 to accept)\n--- expected\n{}--- actual\n{printed}",
            f.expected.as_deref().unwrap_or("(none)\n")
        ));
    }
    Ok(())
}

/// Every `.trace` file under `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "trace") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Checks every fixture under `dir`, reporting all failures at once.
pub fn check_dir(dir: &Path) {
    let bless = std::env::var_os("BLESS").is_some() && std::env::var_os("CI").is_none();
    let only = std::env::var("FIXTURE").ok();
    let files = files(dir);
    assert!(!files.is_empty(), "no fixtures under {}", dir.display());
    let mut failures = Vec::new();
    for p in &files {
        if only
            .as_deref()
            .is_some_and(|o| !p.to_string_lossy().contains(o))
        {
            continue;
        }
        if let Err(e) = check_file(p, bless) {
            failures.push(format!("{}: {e}", p.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}
