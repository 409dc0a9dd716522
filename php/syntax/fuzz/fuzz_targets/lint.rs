//! Fuzz target: `php_syntax::lint` must return a value (never panic, hang or overflow the
//! stack) on any input. Run with `cargo fuzz run lint` from `php/syntax` (needs nightly).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = php_syntax::lint(data, php_syntax::ParseOptions::default());
    let _ = php_syntax::lint(&[b"<?php ", data].concat(), php_syntax::ParseOptions::default());
});
