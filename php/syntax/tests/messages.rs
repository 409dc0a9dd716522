//! Message fixtures: every case of `fixtures/messages.txt` gives exactly the verdict, message
//! and line real `php -n -l` gave (recorded after `>>>`; refresh with
//! `php -n tests/fixtures/update-messages.php`). They cover PHP's expected-token lists in
//! the parser states our parser can be in, and the compile-time checks of single
//! declarations and statements.

use php_syntax::{ParseOptions, lint};

fn verdict(src: &[u8]) -> String {
    match lint(src, ParseOptions::default()) {
        Ok(_) => "ok".into(),
        Err(d) => format!("{}: {} on line {}", d.severity.label(), d.message, d.line),
    }
}

#[test]
fn messages_match_php() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/messages.txt");
    let text = std::fs::read_to_string(path).expect("messages.txt");
    let mut failures = Vec::new();
    let mut count = 0;
    for case in text.split("\n### ").skip(1) {
        let (name, rest) = case.split_once('\n').expect("case name");
        let (body, expected) = rest.rsplit_once(">>> ").expect("expected result");
        let src = format!("<?php\n{body}");
        let actual = verdict(src.as_bytes());
        count += 1;
        if actual != expected.trim_end() {
            failures.push(format!(
                "{name}:\n  php:   {}\n  hippy: {actual}",
                expected.trim_end()
            ));
        }
    }
    assert!(count > 100, "message cases missing ({count})");
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
