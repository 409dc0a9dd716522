//! The optimizer: single forward passes over a trace, in one fixed `PIPELINE`.
//!
//! Each pass takes a trace and returns a new one; the verifier runs between passes in debug
//! builds and tests, so a pass that breaks an invariant is caught where it happens.

use crate::ir::{TargetId, Trace, VerifyError, verify};

/// What passes may need from the driver.
pub struct OptContext<'a> {
    /// Allocates a new label target (loop peeling adds a label).
    pub new_target: &'a dyn Fn() -> TargetId,
    /// Whether to peel loops (only for loop traces).
    pub unroll: bool,
}

/// Why optimization failed (the trace is then dropped, never run).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptError {
    /// A pass produced an invalid trace (a bug in that pass).
    #[error("pass {pass} broke the trace: {error}")]
    Invalid {
        /// The pass.
        pass: &'static str,
        /// What the verifier found.
        error: VerifyError,
    },
    /// The input trace was invalid (a bug in the recorder).
    #[error("recorded trace is invalid: {0}")]
    BadInput(VerifyError),
}

/// A pass: name and function.
pub type Pass = (&'static str, fn(&Trace, &mut OptContext<'_>) -> Trace);

/// The passes, in order.
pub const PIPELINE: &[Pass] = &[];

/// Runs the pipeline.
pub fn optimize(trace: &Trace, ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    verify(trace).map_err(OptError::BadInput)?;
    let mut t = trace.clone();
    for (name, pass) in PIPELINE {
        t = pass(&t, ctx);
        if cfg!(debug_assertions) {
            verify(&t).map_err(|error| OptError::Invalid { pass: name, error })?;
        }
    }
    Ok(t)
}
