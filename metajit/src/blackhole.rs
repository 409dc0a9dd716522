//! The blackhole: the executor that resumes after a guard failure.
//!
//! A failed guard names a chain of twin frames (outermost first) with a resume point and the
//! values of the live slots in each. The blackhole resumes the innermost frame at its point and
//! runs it to its end, hands its result to the next frame out (resumed just after the call
//! that was in progress), and so on until the portal frame reaches a merge point, where control
//! goes back to the interpreter. A portal frame of an inlined call that reaches a merge point
//! runs the rest of its call natively (the interpreter function entered at that state) and
//! hands the result to its caller. It records nothing: every `Sym` it sees is a constant.
//!
//! The chain runner ([`crate::chain`]) resumes frames in it, and in the tracer when a bridge is
//! traced from a guard.

use crate::twin::{Executor, Live, NotRecording, PortalInfo, PortalState, ResumeValue, Site, Stop};

/// The non-recording executor.
pub struct Blackhole {
    /// Portal frames outside the frame running (inlined calls of the interpreter function).
    portal_depth: usize,
    driver: usize,
}

impl Blackhole {
    /// A blackhole executor for the driver at `driver` (see [`Executor::driver_addr`]).
    pub fn new(driver: usize) -> Blackhole {
        Blackhole {
            portal_depth: 0,
            driver,
        }
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
        // In an inlined call, the rest of the call runs natively; the outermost portal frame
        // returns to the interpreter.
        if self.portal_depth > 0 {
            Err(Stop::Nested(PortalState(v)))
        } else {
            Err(Stop::MergePoint(PortalState(v)))
        }
    }

    fn enter_call(&mut self, _after: Site, _live: Live<'_>) -> Result<(), Stop> {
        Ok(())
    }

    fn leave_call(&mut self) {}

    fn can_enter_jit(&mut self) {}

    /// Calls of the portal run natively: the blackhole only finishes what compiled code began.
    fn enter_portal_call(
        &mut self,
        _portal: &'static PortalInfo,
        _greens: &[i64],
        _reds: &[ResumeValue],
    ) -> bool {
        false
    }

    fn leave_portal_call(&mut self) {}

    fn set_portal_depth(&mut self, n: usize) {
        self.portal_depth = n;
    }

    fn driver_addr(&self) -> usize {
        self.driver
    }
}
