//! Fixture tests: every file under `fixtures/ok` parses, its spans satisfy the invariants,
//! and its AST dump matches the snapshot; every file under `fixtures/err` gives exactly the
//! output real `php -n -l` gave (committed next to it as `.out`).

use php_syntax::{ParseOptions, dump};
use std::path::Path;

#[test]
fn ok_fixtures() {
    insta::glob!("fixtures/ok/*.php", |path| {
        let src = std::fs::read(path).expect("fixture readable");
        let ast = php_syntax::lint(&src, ParseOptions::default())
            .unwrap_or_else(|d| panic!("{} should parse: {d}", path.display()));
        let nodes = dump::tree(&ast);
        if let Err(e) = dump::check_spans(&nodes, src.len() as u32) {
            panic!("{}: span invariant: {}", path.display(), e.0);
        }
        insta::assert_snapshot!(dump::dump(&ast));
    });
}

/// What `php -n -l NAME` prints on stdout (display_errors on, PHP's defaults).
fn lint_output(name: &str, src: &[u8]) -> String {
    match php_syntax::lint(src, ParseOptions::default()) {
        Ok(_) => format!("No syntax errors detected in {name}\n"),
        Err(d) => format!("{}Errors parsing {name}\n", d.display_text(name)),
    }
}

#[test]
fn err_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/err");
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "php") {
            continue;
        }
        count += 1;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let src = std::fs::read(&path).expect("fixture readable");
        let expected =
            std::fs::read_to_string(path.with_extension("out")).expect("expected output from php");
        let actual = lint_output(&name, &src);
        if actual != expected {
            failures.push(format!(
                "{name}:\n  php:   {expected:?}\n  hippy: {actual:?}"
            ));
        }
    }
    assert!(count > 30, "error fixtures missing");
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
