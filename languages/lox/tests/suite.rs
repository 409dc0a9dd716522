//! The official Lox test suite (`../shared/data/lox/test`, the clox set: everything but
//! `scanning/`, `expressions/` and the benchmarks), run in-process with the JIT off, with the
//! eager parameter set and with the defaults. Each test's expectations come from its comments,
//! as the suite's own runner reads them. Skipped (with a note) when `../shared` is absent.

mod common;

use common::{Expectations, Outcome, run_source};
use metajit::testing::{EAGER, driver};
use std::path::{Path, PathBuf};

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lox/test")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            if !["scanning", "expressions", "benchmark"].contains(&name.as_str()) {
                collect(&p, out);
            }
        } else if name.ends_with(".lox") {
            out.push(p);
        }
    }
}

#[test]
fn official_suite_in_three_modes() {
    let dir = suite_dir();
    if !dir.is_dir() {
        eprintln!(
            "note: {} not found; the Lox suite is skipped",
            dir.display()
        );
        return;
    }
    let mut files = Vec::new();
    collect(&dir, &mut files);
    let mut failures = Vec::new();
    let mut count = 0;
    for path in &files {
        let source = std::fs::read_to_string(path).unwrap();
        if source.contains("// nontest") {
            continue;
        }
        count += 1;
        let expect = Expectations::parse(&source);
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        for mode in ["enable=false", EAGER, ""] {
            let outcome = run_source(&source, driver(mode));
            if let Err(why) = expect.check(&outcome) {
                failures.push(format!("{name} [{mode}]: {why}"));
            }
        }
    }
    assert_eq!(count, 246, "the clox set has 246 tests");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn outcome_checks_can_fail() {
    let expect = Expectations::parse("print 1; // expect: 2\n");
    let outcome: Outcome = run_source("print 1;", driver("enable=false"));
    assert!(expect.check(&outcome).is_err());
}
