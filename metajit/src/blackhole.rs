//! The blackhole: the executor that resumes after a guard failure.
//!
//! A failed guard names a chain of twin frames (outermost first) with a resume point and the
//! values of the live slots in each. The blackhole resumes the innermost frame at its point and
//! runs it to its end, hands its result to the next frame out (resumed just after the call
//! that was in progress), and so on until the portal frame reaches a merge point, where control
//! goes back to the interpreter. It records nothing: every `Sym` it sees is a constant.
//!
//! The same chain runner resumes frames in the tracer when a bridge is traced from a guard.

use crate::driver::PortalInfo;
use crate::tracer::Tracer;
use crate::twin::{
    Executor, Live, PortalState, ResumeFn, ResumeReader, ResumeValue, Site, Stop, TwinInfo,
};
use std::any::Any;

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
    fn tracer(&mut self) -> Option<&mut Tracer> {
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

/// One frame of a chain to resume.
#[derive(Clone, Debug)]
pub struct ResumeFrame {
    /// The twin function.
    pub info: &'static TwinInfo,
    /// The resume point.
    pub point: u32,
    /// Values of its live slots.
    pub values: Vec<ResumeValue>,
}

/// How an executor resumes twin frames.
pub(crate) trait Resumer: Executor {
    fn resume_fn(info: &'static TwinInfo) -> ResumeFn<Self>;
    fn push_outer(&mut self, _f: &ResumeFrame) {}
    fn pop_outer(&mut self) {}
}

impl Resumer for Blackhole {
    fn resume_fn(info: &'static TwinInfo) -> ResumeFn<Blackhole> {
        info.resume_blackhole
    }
}

impl Resumer for Tracer {
    fn resume_fn(info: &'static TwinInfo) -> ResumeFn<Tracer> {
        info.resume_tracer
    }
    fn push_outer(&mut self, f: &ResumeFrame) {
        self.push_resumed_frame(f.info, f.point, &f.values);
    }
    fn pop_outer(&mut self) {
        self.pop_frame();
    }
}

/// Resumes `frames` (outermost first) innermost first. `Ok` carries the outermost frame's
/// result (the portal returned); `Err(Stop)` the merge point where execution stopped.
pub(crate) fn run_chain<E: Resumer>(
    e: &mut E,
    frames: &[ResumeFrame],
) -> Result<Box<dyn Any>, Stop> {
    for f in &frames[..frames.len().saturating_sub(1)] {
        e.push_outer(f);
    }
    let mut ret: Option<Box<dyn Any>> = None;
    for (i, f) in frames.iter().enumerate().rev() {
        if i + 1 < frames.len() {
            e.pop_outer();
        }
        let mut reader = ResumeReader::new(&f.values);
        match (E::resume_fn(f.info))(e, f.point, &mut reader, ret.take()) {
            Ok(v) => ret = Some(v),
            Err(stop) => {
                for _ in 0..i {
                    e.pop_outer();
                }
                return Err(stop);
            }
        }
    }
    Ok(ret.unwrap_or_else(|| Box::new(())))
}
