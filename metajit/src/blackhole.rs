//! The blackhole: the executor that resumes after a guard failure.
//!
//! A failed guard names a chain of twin frames (outermost first) with a resume point and the
//! values of the live slots in each. The blackhole resumes the innermost frame at its point and
//! runs it to its end, hands its result to the next frame out (resumed just after the call
//! that was in progress), and so on until the portal frame reaches a merge point, where control
//! goes back to the interpreter. It records nothing: every `Sym` it sees is a constant.
//!
//! The chain runner ([`crate::chain`]) resumes frames in it, and in the tracer when a bridge is
//! traced from a guard.

use crate::twin::{Executor, Live, NotRecording, PortalInfo, PortalState, ResumeValue, Site, Stop};

/// The non-recording executor.
#[derive(Default)]
pub struct Blackhole {
    _private: (),
}

impl Blackhole {
    /// A blackhole executor.
    pub fn new() -> Blackhole {
        Blackhole::default()
    }
}

impl Executor for Blackhole {
    type Recording = NotRecording;

    fn tracer(&mut self) -> Option<&mut NotRecording> {
        None
    }

    fn merge_point(
        &mut self,
        _portal: &'static PortalInfo,
        greens: &[i64],
        reds: &[ResumeValue],
    ) -> Result<(), Stop> {
        let mut v = greens.to_vec();
        v.extend(reds.iter().map(|r| r.bits));
        Err(Stop::MergePoint(PortalState(v)))
    }

    fn enter_call(&mut self, _after: Site, _live: Live<'_>) -> Result<(), Stop> {
        Ok(())
    }

    fn leave_call(&mut self) {}

    fn can_enter_jit(&mut self) {}
}
