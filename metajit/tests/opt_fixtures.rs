//! Optimizer fixtures (`tests/opt/**/*.trace`): each input trace is optimized, the printed
//! result compared with the expected text, and the oracle run on both (see `opt_support`).
//! `BLESS=1 cargo test -p metajit --test opt_fixtures` rewrites expected outputs;
//! `FIXTURE=heap/` runs only the fixtures whose path contains that string.

mod opt_support;

#[test]
fn fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/opt");
    opt_support::fixture::check_dir(&dir);
}
