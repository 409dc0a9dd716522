//! Running a chain of resumed twin frames in an executor: what a failing guard leads to (in the
//! blackhole) and where a bridge starts (in the tracer).
//!
//! A twin function's [`TwinInfo`] carries one type-erased resume entry; [`resume_any`] is that
//! entry for every executor: the codewriter instantiates it with the function's
//! [`TwinResume`] marker, and it finds which executor it was handed.

use crate::blackhole::Blackhole;
use crate::tracer::Tracer;
use crate::twin::{Executor, ResumeFrame, ResumeReader, Stop, TwinResume};
use std::any::Any;

/// The resume entry of twin function `R` for every executor (the [`TwinInfo`] field
/// `resume`; the codewriter emits `resume: metajit::chain::resume_any::<Marker>`).
///
/// [`TwinInfo`]: crate::twin::TwinInfo
pub fn resume_any<R: TwinResume>(
    e: &mut dyn Any,
    point: u32,
    reader: &mut ResumeReader<'_>,
    ret: Option<Box<dyn Any>>,
) -> Result<Box<dyn Any>, Stop> {
    if let Some(b) = e.downcast_mut::<Blackhole>() {
        return R::resume(b, point, reader, ret);
    }
    match e.downcast_mut::<Tracer>() {
        Some(t) => R::resume(t, point, reader, ret),
        None => unreachable!("metajit: twin code resumed by an unknown executor"),
    }
}

/// An executor that resumes chains of frames. The outer frames of a chain wait for their
/// callee's result; a tracer keeps them as its frame stack while the inner ones run.
pub(crate) trait Resumer: Executor {
    /// Frame `f`, an outer frame, is waiting for its callee.
    fn push_outer(&mut self, _f: &ResumeFrame) {}
    /// The innermost waiting frame resumes.
    fn pop_outer(&mut self) {}
}

impl Resumer for Blackhole {}

impl Resumer for Tracer {
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
        e.set_portal_depth(frames[..i].iter().filter(|f| f.info.portal).count());
        let mut reader = ResumeReader::new(&f.values);
        match (f.info.resume)(e as &mut dyn Any, f.point, &mut reader, ret.take()) {
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
