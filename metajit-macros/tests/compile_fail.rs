//! The traceable subset's compile errors: each `tests/ui/*.rs` must fail to compile with the
//! message in its `.stderr` file (regenerate with `TRYBUILD=overwrite` and read the diff).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
