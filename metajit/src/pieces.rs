//! Compiled pieces of code: loops and bridges, and what the driver keeps about each (its
//! guards, the labels of other pieces it jumps to, its invalidation flag: a word that compiled
//! code tests when the trace folded quasi-immutable fields). The driver makes a piece of each
//! finished trace (optimized, its guards given ids and resume data, compiled by the backend),
//! unregisters it when it is invalidated, and frees its code once no running code can be inside
//! it and no other piece jumps into it; freeing a piece frees the bridges attached to its guards
//! (the backend contract).

use crate::backend::{CodeId, GuardId};
use crate::ir::{TargetId, Trace};
use crate::resume::ResumeData;
use crate::vable::VLayout;
use crate::warmstate::GreenKey;
use std::collections::HashMap;

/// What a piece is.
pub(crate) enum PieceKind {
    /// A loop entered from the interpreter at `key`.
    Loop {
        key: GreenKey,
        entry: TargetId,
        /// The virtualizable's layout the loop was traced with (it only runs on frames with it).
        vlayout: Option<VLayout>,
        /// A function entry: its trace takes only the reds and loads the virtualizable's
        /// locations itself (a loop takes them as inputs, read by the driver).
        function: bool,
    },
    /// A bridge attached to a guard.
    Bridge { guard: GuardId },
}

/// One compiled loop or bridge.
pub(crate) struct Piece {
    pub code: CodeId,
    pub kind: PieceKind,
    pub name: String,
    pub trace: Trace,
    /// Its guards.
    pub guards: Vec<GuardId>,
    /// Labels of other pieces it jumps to.
    pub jumps: Vec<TargetId>,
    /// The invalidation flag (0 valid, 1 invalidated), at a stable address compiled code reads.
    pub flag: Box<i64>,
    pub valid: bool,
    pub freed: bool,
}

/// What the driver knows about one guard of compiled code.
pub(crate) struct GuardInfo {
    pub resume: ResumeData,
    pub failures: u32,
    /// For `guard_value`: which fail argument holds the guarded value.
    pub value_index: Option<usize>,
    pub value_failures: HashMap<i64, u32>,
    /// The piece attached to it as a bridge.
    pub bridge: Option<usize>,
    /// For `guard_true`/`guard_false`: the fail argument holding the condition, whose value
    /// is known when the guard fails (a bridge treats it as a constant).
    pub cond_index: Option<usize>,
    pub bridge_attempts: u32,
    /// Ranges the trace established for the fail arguments (a bridge's inputs) at this guard.
    pub fail_bounds: Vec<crate::opt::InputBound>,
}
