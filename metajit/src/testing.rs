//! What every language's tests need from the JIT: the parameter sets a program must run under
//! with the same outcome, and a helper that runs it under each and compares.
//!
//! The sets are the JIT off (the reference), the *eager* set (every loop traced at its first
//! iteration, every guard bridged at its first failure: the most code paths through the
//! tracer, optimizer, backend and resume), the eager set on the reference backend, a
//! middle setting, and the defaults.

use crate::{JitDriver, Params};
use std::fmt::Debug;

/// The parameter sets (`METAJIT_PARAMS` syntax) a test runs a program under; the first turns
/// the JIT off.
pub const MODES: &[&str] = &[
    "enable=false",
    "threshold=1,function_threshold=1,trace_eagerness=1",
    "threshold=1,function_threshold=1,trace_eagerness=1,backend=interp",
    "threshold=5,trace_eagerness=3",
    "",
];

/// The eager set alone (for the slow tests that run only the JIT off and this).
pub const EAGER: &str = "threshold=1,function_threshold=1,trace_eagerness=1";

/// A driver with the parameters of `mode` (one of [`MODES`], or any `METAJIT_PARAMS` text).
pub fn driver(mode: &str) -> JitDriver {
    let mut p = Params::default();
    if let Err(e) = p.apply(mode) {
        panic!("bad test mode `{mode}`: {e}");
    }
    JitDriver::with_params(p)
}

/// Runs `run` with a driver for each of `modes` and checks that every outcome equals the
/// first (the JIT off); returns that outcome. `what` names the program in the failure message.
pub fn same_in_modes<R: PartialEq + Debug>(
    what: &str,
    modes: &[&str],
    mut run: impl FnMut(JitDriver) -> R,
) -> R {
    let mut modes = modes.iter();
    let first = modes.next().expect("at least one mode");
    let reference = run(driver(first));
    for mode in modes {
        let outcome = run(driver(mode));
        assert_eq!(
            outcome, reference,
            "{what}: mode `{mode}` differs from mode `{first}`"
        );
    }
    reference
}

/// [`same_in_modes`] with every mode of [`MODES`].
pub fn same_in_every_mode<R: PartialEq + Debug>(what: &str, run: impl FnMut(JitDriver) -> R) -> R {
    same_in_modes(what, MODES, run)
}

/// Waits for a child process whose standard output the test has closed (its reader went
/// away) to exit, and returns its status; kills it and panics after a minute (`what` names it
/// in the message). Every language binary must stop when its reader goes.
pub fn exit_after_reader_gone(
    child: &mut std::process::Child,
    what: &str,
) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for the child") {
            return status;
        }
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{what}: still running a minute after its reader went away");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
