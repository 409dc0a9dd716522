//! `hippy -l` and the class hierarchy: every case of `fixtures/lint-classes.txt` gives the
//! verdict, message and line real `php -n -l` gave (recorded after `>>>`): the errors of
//! linking classes to their parents while the file compiles (PHP's early binding), and the
//! classes PHP leaves to be linked when their declaration runs, which lint does not check.

use std::process::Command;

/// `ok`, or the first error as `Fatal error: MESSAGE on line N`, from `hippy -n -l`'s output.
fn verdict(dir: &std::path::Path, src: &str) -> String {
    let file = dir.join("case.php");
    std::fs::write(&file, src).expect("write the case");
    let out = Command::new(env!("CARGO_BIN_EXE_hippy"))
        .current_dir(dir)
        .args(["-n", "-l", "case.php"])
        .output()
        .expect("hippy runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text.lines() {
        for label in ["Parse error", "Fatal error"] {
            if let Some(rest) = line.strip_prefix(&format!("{label}: "))
                && let Some((message, n)) = rest.rsplit_once(" in case.php on line ")
            {
                return format!("{label}: {message} on line {n}");
            }
        }
    }
    if out.status.code() == Some(0) {
        "ok".into()
    } else {
        format!("unrecognised output: {text}")
    }
}

#[test]
fn class_linking_errors_match_php() {
    let dir = std::env::temp_dir().join(format!("hippy-lint-classes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = format!(
        "{}/tests/fixtures/lint-classes.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("fixture file");
    let mut failures = Vec::new();
    let mut count = 0;
    for case in text.split("\n### ").skip(1) {
        let (name, rest) = case.split_once('\n').expect("case name");
        let (body, expected) = rest.rsplit_once(">>> ").expect("expected result");
        let actual = verdict(&dir, &format!("<?php\n{body}"));
        count += 1;
        if actual != expected.trim_end() {
            failures.push(format!(
                "{name}:\n  php:   {}\n  hippy: {actual}",
                expected.trim_end()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(count > 30, "cases missing ({count})");
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
