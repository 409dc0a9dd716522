//! The crate's own golden programs (`tests/programs/*.lox`), each run in every JIT mode: the
//! outcomes must agree, and equal the `.expect` file next to the program (exit code, stdout
//! and stderr as clox produces them). Needs nothing outside the repository.

mod common;

use common::run_source;
use metajit::testing::same_in_every_mode;
use std::path::Path;

/// Unoptimized builds use much more native stack per Lox call than the `lox` binary does: while
/// a trace is recorded, inlined calls nest the interpreter's twin up to `max_inline_depth`
/// deep, and the debug twin's frames are large (recursion.lox in the eager set needs about
/// 4 MiB in a debug build, under 1 MiB in release). The test gets a thread with room.
#[test]
fn golden_programs_in_every_mode() {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(golden_programs)
        .expect("a test thread")
        .join()
        .expect("the golden programs ran");
}

fn golden_programs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "lox"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "golden programs missing");
    let mut failures = Vec::new();
    for path in &names {
        let source = std::fs::read_to_string(path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let expect = std::fs::read_to_string(path.with_extension("expect")).unwrap();
        let outcome = same_in_every_mode(&name, |jit| run_source(&source, jit));
        let got = format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            outcome.exit_code(),
            outcome.stdout,
            outcome.stderr()
        );
        if got != expect {
            failures.push(format!("{name}:\n--- got\n{got}--- expected\n{expect}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
