//! The optimizer: single forward passes over a trace, in one fixed [`PIPELINE`].
//!
//! ```text
//! intbounds -> rewrite -> virtualize -> pure -> heap -> unroll -> carry -> intbounds -> dce
//! ```
//! - `intbounds`: integer ranges and relations from constants, loads, masks and guards; removes
//!   guards, overflow checks and masks they prove useless.
//! - `rewrite`: constant folding, algebraic identities, canonical forms, guard simplification
//!   and strengthening.
//! - `virtualize`: allocations that do not escape become virtual objects (in resume data when
//!   needed), materialized only where they escape.
//! - `pure`: CSE of pure ops, elidable calls and overflow-checked ops; elidable calls with
//!   constant arguments are evaluated.
//! - `heap`: load/store forwarding with type-based aliasing, invalidation by calls' effects,
//!   lazy stores (pending stores in resume data).
//! - `unroll`: loop peeling; the peeled loop reuses invariant values, skips established guards
//!   and carries memory values across its label.
//! - `carry`: virtualize again, on the peeled loop: an object the loop allocates and passes to
//!   its next iteration goes through the loop's label as its fields (virtuals across the back
//!   edge), so the loop does not allocate it.
//! - `intbounds` again: on the finished preamble and loop, where heap forwarding and CSE have made
//!   equal what the recorded trace loaded or computed twice (a length loaded per access).
//! - `dce`: removes what nothing needs, including unused loop-label arguments.
//!
//! A pass added later (strings, when a language needs them) goes between virtualize and pure.
//! Each pass reads a trace front to back and builds a new one (`builder.rs`); what it knows
//! about values lives in side tables indexed by op. The verifier runs between passes in debug
//! builds and tests, so a pass that breaks an invariant is caught where it happens, and a pass
//! that fails (a bug) gives an [`OptError`], never a panic that would take the interpreter down.
//!
//! What every pass keeps (the trace contract):
//! - the entry `label` (first op after the inputs, taking exactly the inputs) stays where it
//!   is: other traces jump to it;
//! - a `jump` to another trace's label keeps its argument count and kinds;
//! - every guard keeps a snapshot that rebuilds exactly the interpreter state the input trace
//!   would have produced at that guard (values, virtual objects, delayed stores), with the same
//!   frames' `code` and `point`;
//! - stores and calls with effects keep their order and their number.
//!
//! Passes that substitute values re-normalize what they emit through the rewrite pass's fold
//! rules, the pure pass's CSE table and the guard facts (`builder::Norm`), as LuaJIT's emitters
//! all go through its FOLD engine; the book chapter (`book/src/metajit/optimizer.md`) explains
//! each pass with examples.

mod bound;
mod builder;
mod cse;
mod dce;
mod fold;
mod heap;
mod intbounds;
mod pure;
mod rewrite;
mod unroll;
mod virtualize;

use crate::ir::{TargetId, Trace, VerifyError, verify};

/// What passes may need from the driver.
pub struct OptContext<'a> {
    /// Allocates a new label target (loop peeling adds a label).
    pub new_target: &'a dyn Fn() -> TargetId,
    /// Whether to peel loops (only for loop traces).
    pub unroll: bool,
    /// How many delayed stores a guard may carry (more make resume data, fail arguments and
    /// exit code bigger on guard-heavy traces).
    pub max_pending_stores: usize,
    /// Ranges known for integer inputs of the trace: a bridge's inputs are the fail arguments
    /// of its guard, whose ranges the parent trace established ([`guard_input_bounds`]).
    pub input_bounds: &'a [InputBound],
    /// Whether a guard may check for later guards too (bounds-check strengthening in
    /// `intbounds`): it then fails where the input would have failed later, which is exact when
    /// resuming at it redoes what lies between, as an interpreter does (the driver), but not for
    /// a comparison of exits (the optimizer's random tests).
    pub strengthen_guards: bool,
}

/// A range known for one integer input of a trace: `lo <= value <= hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputBound {
    /// The input's position among the trace's inputs.
    pub input: u32,
    /// The least value.
    pub lo: i64,
    /// The greatest value.
    pub hi: i64,
}

/// For each guard of an optimized trace, in order, the ranges intbounds knows for its fail
/// arguments when the guard fails (what the trace established before the guard; not the
/// guard's own condition, which failed), as [`InputBound`]s of a bridge starting there, whose
/// inputs are those fail arguments in order. Arguments with nothing known are left out.
pub fn guard_input_bounds(trace: &Trace) -> Vec<Vec<InputBound>> {
    // A bug in the analysis must not take the interpreter down: bridges then start knowing
    // nothing.
    std::panic::catch_unwind(|| intbounds::guard_fail_bounds(trace)).unwrap_or_default()
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
    /// A pass found itself in a state it should never reach (a bug in that pass).
    #[error("pass {pass} failed: {message}")]
    Internal {
        /// The pass.
        pass: &'static str,
        /// What went wrong.
        message: String,
    },
    /// No pass has this name ([`run_passes`]).
    #[error("no optimization pass named `{0}`")]
    UnknownPass(String),
}

/// The signature of a pass.
pub type PassFn = fn(&Trace, &mut OptContext<'_>) -> Result<Trace, OptError>;

/// A pass: name and function.
pub type Pass = (&'static str, PassFn);

/// The passes, in order.
pub const PIPELINE: &[Pass] = &[
    ("intbounds", intbounds::run),
    ("rewrite", rewrite::run),
    ("virtualize", virtualize::run),
    ("pure", pure::run),
    ("heap", heap::run),
    ("unroll", unroll::run),
    ("carry", virtualize::carry),
    ("intbounds", intbounds::run),
    ("dce", dce::run),
];

/// Runs one pass, turning a panic (a bug) into an error.
fn run_one(pass: &Pass, t: &Trace, ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    let (name, f) = *pass;
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(t, ctx))) {
        Ok(r) => r,
        Err(e) => {
            let message = e
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| e.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            Err(OptError::Internal {
                pass: name,
                message: format!("panicked: {message}"),
            })
        }
    }
}

/// Runs the pipeline.
pub fn optimize(trace: &Trace, ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    verify(trace).map_err(OptError::BadInput)?;
    let mut t = trace.clone();
    for pass in PIPELINE {
        t = run_one(pass, &t, ctx)?;
        if cfg!(debug_assertions) {
            verify(&t).map_err(|error| OptError::Invalid {
                pass: pass.0,
                error,
            })?;
        }
    }
    Ok(t)
}

/// Runs the named passes of the pipeline, in the given order, verifying the trace after each
/// (in every build): for tests and tools that look at one pass at a time.
pub fn run_passes(
    trace: &Trace,
    names: &[&str],
    ctx: &mut OptContext<'_>,
) -> Result<Trace, OptError> {
    verify(trace).map_err(OptError::BadInput)?;
    let mut t = trace.clone();
    for name in names {
        let pass = PIPELINE
            .iter()
            .find(|p| p.0 == *name)
            .ok_or_else(|| OptError::UnknownPass(name.to_string()))?;
        t = run_one(pass, &t, ctx)?;
        verify(&t).map_err(|error| OptError::Invalid {
            pass: pass.0,
            error,
        })?;
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::parse_trace;

    fn ctx_run(t: &Trace, names: &[&str]) -> Result<Trace, OptError> {
        let next = std::cell::Cell::new(0);
        let new_target = || {
            next.set(next.get() + 1);
            TargetId(1000 + next.get())
        };
        let mut ctx = OptContext {
            new_target: &new_target,
            unroll: true,
            max_pending_stores: usize::MAX,
            input_bounds: &[],
            strengthen_guards: true,
        };
        run_passes(t, names, &mut ctx)
    }

    #[test]
    fn guards_report_their_fail_arguments_ranges_and_bridges_use_them() {
        // A bounds check makes i1 0..=9 for the guards after it, but not for itself (a failing
        // guard's condition did not hold); i4 is i1 + 1, so 1..=10.
        let t = parse_trace(
            "[p0, i1]\n\
             i2 = uint_lt(i1, 10)\n\
             guard_true(i2) [i1, p0]\n\
             i4 = int_add(i1, 1)\n\
             i5 = int_eq(i4, 7)\n\
             guard_false(i5) [p0, i4, i1]\n\
             finish(i4)\n",
        )
        .unwrap();
        let b = guard_input_bounds(&t);
        let ib = |input, lo, hi| InputBound { input, lo, hi };
        assert_eq!(b, vec![vec![], vec![ib(1, 1, 10), ib(2, 0, 9)]]);
        // A bridge from the second guard starts with those ranges: its own checks of them fold.
        let bridge = parse_trace(
            "[p0, i1, i2]\n\
             i3 = uint_lt(i2, 10)\n\
             guard_true(i3) [i2]\n\
             i5 = int_lt(i1, 1)\n\
             guard_false(i5) [i1]\n\
             finish(i1)\n",
        )
        .unwrap();
        let new_target = || TargetId(0);
        let mut ctx = OptContext {
            new_target: &new_target,
            unroll: false,
            max_pending_stores: 0,
            input_bounds: &b[1],
            strengthen_guards: true,
        };
        let out = optimize(&bridge, &mut ctx).unwrap();
        assert!(!out.ops.iter().any(|o| o.opcode.is_guard()), "{out}");
        ctx.input_bounds = &[];
        let out = optimize(&bridge, &mut ctx).unwrap();
        assert_eq!(
            out.ops.iter().filter(|o| o.opcode.is_guard()).count(),
            2,
            "{out}"
        );
    }

    #[test]
    fn a_panicking_pass_is_an_error_not_a_crash() {
        fn boom(_: &Trace, _: &mut OptContext<'_>) -> Result<Trace, OptError> {
            panic!("deliberate")
        }
        let t = parse_trace("[i0]\nfinish(i0)\n").unwrap();
        let new_target = || TargetId(0);
        let mut ctx = OptContext {
            new_target: &new_target,
            unroll: false,
            max_pending_stores: usize::MAX,
            input_bounds: &[],
            strengthen_guards: true,
        };
        let e = run_one(&("boom", boom), &t, &mut ctx).unwrap_err();
        assert!(matches!(e, OptError::Internal { pass: "boom", .. }), "{e}");
        assert!(e.to_string().contains("deliberate"));
    }

    #[test]
    fn rejects_invalid_input_and_unknown_passes() {
        let bad = parse_trace("[i0]\ni1 = int_add_ovf(i0, 1)\nfinish(i1)\n").unwrap();
        assert!(matches!(ctx_run(&bad, &[]), Err(OptError::BadInput(_))));
        let t = parse_trace("[i0]\nfinish(i0)\n").unwrap();
        assert!(matches!(
            ctx_run(&t, &["frobnicate"]),
            Err(OptError::UnknownPass(_))
        ));
    }

    #[test]
    fn elidable_calls_without_a_function_are_never_called() {
        // Address 0 (a text trace without bound functions): CSE'd, not evaluated.
        let t = parse_trace(
            "descr f = call(args=(int), result=int, effect=elidable)\n[i0]\n\
             i1 = call_pure(3, descr=f)\ni2 = call_pure(3, descr=f)\nfinish(i1, i2)\n",
        )
        .unwrap();
        let out = ctx_run(&t, &["pure"]).unwrap();
        let text = out.to_string();
        assert_eq!(text.matches("call_pure").count(), 1, "{text}");
        assert!(text.contains("finish(i1, i1)"), "{text}");
    }

    #[test]
    fn the_pipeline_names_every_pass_in_order() {
        let names: Vec<&str> = PIPELINE.iter().map(|p| p.0).collect();
        assert_eq!(
            names,
            [
                "intbounds",
                "rewrite",
                "virtualize",
                "pure",
                "heap",
                "unroll",
                "carry",
                "intbounds",
                "dce"
            ]
        );
    }
}
