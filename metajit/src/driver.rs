//! The JIT driver: one per interpreter instance.
//!
//! It owns everything the JIT knows (parameters, hot counters, compiled loops and bridges,
//! guard resume data, statistics, the log) and runs the life cycle: counting at
//! `can_enter_jit!()`, tracing hot loops, optimizing and compiling traces, entering compiled
//! code, handling guard failures (blackhole, or tracing a bridge once a guard is hot), and
//! handing the interpreter the state to continue from. There is no global state: tests run
//! interpreters with their own drivers on parallel threads.
//!
//! Re-entrancy: compiled code may call functions that call the interpreter again (a callback
//! from a residual call). The nested portal invocation keeps its JIT: it runs compiled code,
//! counts, traces and compiles, on the same backend, while the outer code runs (the backend is
//! never borrowed across a run, and code is freed only when no compiled code is on the stack).
//! One thing waits: while a trace is being recorded, nested invocations start no trace and
//! failing guards trace no bridge (there is one recorder).

use crate::asm::{AsmToken, AsmTokens};
use crate::backend::{Backend, CompileInfo, Exit, GuardId};
use crate::blackhole::Blackhole;
use crate::buffers::BufferPool;
use crate::chain::run_chain;
use crate::fasthash::FastMap;
use crate::ir::{Descr, OpRef, Opcode, TargetId, Trace};
use crate::log::{Category, Log};
use crate::params::{ParamError, Params};
use crate::pieces::{GuardInfo, Piece, PieceKind};
use crate::registry::Registry;
use crate::resume::ResumeData;
use crate::tracer::{TraceEnd, TraceEnv, TraceKind, Tracer};
pub use crate::twin::PortalInfo;
use crate::twin::recorder::{AbortReason, ActiveGuard};
use crate::twin::{PortalState, Recording, ResumeFrame, ResumeValue, Stop, TwinInfo};
use crate::vable::{VLayout, VState};
use crate::value::Kind;
use crate::warmstate::{GreenKey, MAX_GREENS, WarmState};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

/// `Stop::Nested` comes only from inlined portal frames, which the twin of the portal that
/// called them handles.
const NESTED_ESCAPED: &str = "metajit: an inlined call's merge point reached the driver";

/// What the interpreter does after `can_enter_jit!()`.
pub enum Entered {
    /// Nothing happened: continue interpreting.
    Continue,
    /// Continue interpreting from this merge-point state (greens then reds, as bits).
    Resume(PortalState),
    /// The interpreter function returned this value (its twin form) while the JIT ran it.
    Return(Box<dyn Any>),
}

pub use crate::stats::Stats;

/// One JIT instance's state (shared by the driver and its tracer).
pub(crate) struct Inner {
    pub(crate) params: RefCell<Params>,
    enabled: Cell<bool>,
    threshold: Cell<u32>,
    /// `function_threshold` (0: function entries are never counted nor traced).
    function_threshold: Cell<u32>,
    /// A trace is being recorded: nested portal invocations (an interpreter called back from a
    /// residual call) run compiled code but start no trace, and guard failures trace no
    /// bridge, since the recorder is busy.
    pub(crate) tracing: Cell<bool>,
    /// How many executions of compiled code are on the native stack (nested ones come from
    /// residual calls that re-enter the interpreter). Code is freed only when none is.
    pub(crate) running: Cell<u32>,
    /// Input and output buffers for runs of compiled code, one pair per nesting level in use.
    buffers: BufferPool,
    pub(crate) warm: RefCell<WarmState>,
    /// Compiled loops by green key (indices into `pieces`).
    pub(crate) loops: RefCell<FastMap<GreenKey, usize>>,
    /// Compiled function entries (traces from the interpreter function's start) by green key.
    pub(crate) functions: RefCell<FastMap<GreenKey, usize>>,
    /// The callees of `call_assembler` ops (`asm.rs`), told when `functions` changes.
    asm: AsmTokens,
    /// Every compiled loop and bridge.
    pub(crate) pieces: RefCell<Vec<Piece>>,
    /// How many pieces jump into each label.
    pub(crate) jumped_into: RefCell<HashMap<TargetId, u32>>,
    /// Pieces that folded each quasi-immutable field (by the field's address).
    pub(crate) qi_deps: RefCell<HashMap<usize, Vec<usize>>>,
    /// Invalidated pieces waiting to be freed.
    pub(crate) to_free: RefCell<Vec<usize>>,
    /// Whether any trace of this instance read a quasi-immutable field (from then on traces
    /// check their invalidation flag at entry and after calls).
    pub(crate) qi_used: Cell<bool>,
    pub(crate) guards: RefCell<Vec<GuardInfo>>,
    pub(crate) backend: RefCell<Box<dyn Backend>>,
    registry: Registry,
    pub(crate) aborts: RefCell<FastMap<GreenKey, u32>>,
    pub(crate) stats: RefCell<Stats>,
    pub(crate) log: Log,
    next_target: Cell<u32>,
    /// The region policy's state (`regions.rs`).
    pub(crate) regions: RefCell<crate::regions::RegionState>,
    /// The address of the `JitDriver` handle the interpreter passes (set at each hook; the
    /// handle cannot move while the interpreter borrows it). Executors hand it to generated
    /// code, which calls the interpreter function natively with it.
    driver_addr: Cell<usize>,
    /// A merge-point state the next entry into the interpreter function resumes at (an
    /// inlined call finishing natively, [`JitDriver::resume_next_entry`]).
    pending_entry: RefCell<Option<PortalState>>,
    /// Function entries whose calls traces make rather than inline (a loop was found in them).
    no_inline: RefCell<std::collections::HashSet<GreenKey>>,
}

/// A JIT instance. Create one per interpreter instance and pass it to the portal.
pub struct JitDriver {
    inner: Rc<Inner>,
}

impl Default for JitDriver {
    fn default() -> JitDriver {
        JitDriver::with_params(Params::default())
    }
}

fn make_backend(params: &Params) -> Box<dyn Backend> {
    match params.backend.as_str() {
        "interp" => Box::new(crate::backend::interp::InterpBackend::new()),
        _ => default_backend(params),
    }
}

#[cfg(feature = "cranelift")]
fn default_backend(params: &Params) -> Box<dyn Backend> {
    use crate::backend::cranelift::{CraneliftBackend, CraneliftOptions, OptLevel, Regalloc};
    let options = CraneliftOptions {
        opt_level: if params.opt_level == "speed" {
            OptLevel::Speed
        } else {
            OptLevel::None
        },
        regalloc: if params.regalloc == "single_pass" {
            Regalloc::SinglePass
        } else {
            Regalloc::Backtracking
        },
        perf_map: params.perf_map,
        ..CraneliftOptions::default()
    };
    match CraneliftBackend::with_options(options) {
        Ok(b) => Box::new(b),
        Err(_) => Box::new(crate::backend::interp::InterpBackend::new()),
    }
}

#[cfg(not(feature = "cranelift"))]
fn default_backend(_: &Params) -> Box<dyn Backend> {
    Box::new(crate::backend::interp::InterpBackend::new())
}

impl JitDriver {
    /// A driver with default parameters and no logging (`METAJIT_*` ignored).
    pub fn new() -> JitDriver {
        JitDriver::default()
    }

    /// A driver configured from `METAJIT_PARAMS` and `METAJIT_LOG`.
    pub fn from_env() -> Result<JitDriver, ParamError> {
        let params = Params::from_env()?;
        Ok(JitDriver::build(params, Log::from_env()))
    }

    /// A driver with these parameters and no logging.
    pub fn with_params(params: Params) -> JitDriver {
        JitDriver::build(params, Log::off())
    }

    /// A driver with these parameters and this log.
    pub fn build(params: Params, log: Log) -> JitDriver {
        let backend = make_backend(&params);
        JitDriver {
            inner: Rc::new(Inner {
                enabled: Cell::new(params.enable),
                threshold: Cell::new(params.threshold.max(1)),
                function_threshold: Cell::new(params.function_threshold),
                params: RefCell::new(params),
                tracing: Cell::new(false),
                running: Cell::new(0),
                buffers: BufferPool::default(),
                warm: RefCell::new(WarmState::default()),
                loops: RefCell::new(FastMap::default()),
                functions: RefCell::new(FastMap::default()),
                asm: AsmTokens::default(),
                pieces: RefCell::new(Vec::new()),
                jumped_into: RefCell::new(HashMap::new()),
                qi_deps: RefCell::new(HashMap::new()),
                to_free: RefCell::new(Vec::new()),
                qi_used: Cell::new(false),
                guards: RefCell::new(Vec::new()),
                backend: RefCell::new(backend),
                registry: Registry::default(),
                aborts: RefCell::new(FastMap::default()),
                stats: RefCell::new(Stats::default()),
                log,
                next_target: Cell::new(0),
                regions: RefCell::default(),
                driver_addr: Cell::new(0),
                pending_entry: RefCell::new(None),
                no_inline: RefCell::default(),
            }),
        }
    }

    /// Turns the JIT off (`--jit=off`) or on.
    pub fn set_enabled(&self, on: bool) {
        self.inner.enabled.set(on);
        self.inner.params.borrow_mut().enable = on;
    }

    /// Sets a parameter by name.
    pub fn set_param(&self, name: &str, value: &str) -> Result<(), ParamError> {
        if name == "backend" && !self.inner.pieces.borrow().is_empty() {
            return Err(ParamError::BadValue {
                name: name.into(),
                value: format!("{value} (code is already compiled with another backend)"),
            });
        }
        let mut p = self.inner.params.borrow_mut();
        p.set(name, value)?;
        self.inner.enabled.set(p.enable);
        self.inner.threshold.set(p.threshold.max(1));
        self.inner.function_threshold.set(p.function_threshold);
        if name == "backend" {
            *self.inner.backend.borrow_mut() = make_backend(&p);
        }
        Ok(())
    }

    /// The current parameters.
    pub fn params(&self) -> Params {
        self.inner.params.borrow().clone()
    }

    /// A copy of the statistics.
    pub fn stats(&self) -> Stats {
        self.inner.stats.borrow().clone()
    }

    /// The name of the backend in use.
    pub fn backend_name(&self) -> &'static str {
        self.inner.backend.borrow().name()
    }

    /// The optimized traces of every compiled loop, in the text format (for trace-shape tests
    /// and tools).
    pub fn loop_traces(&self) -> Vec<(String, Trace)> {
        self.inner
            .pieces
            .borrow()
            .iter()
            .filter(|p| matches!(p.kind, PieceKind::Loop { .. }))
            .map(|p| (p.name.clone(), p.trace.clone()))
            .collect()
    }

    /// The optimized traces of every compiled bridge.
    pub fn bridge_traces(&self) -> Vec<Trace> {
        self.inner
            .pieces
            .borrow()
            .iter()
            .filter(|p| matches!(p.kind, PieceKind::Bridge { .. }))
            .map(|p| p.trace.clone())
            .collect()
    }

    /// Declares that the quasi-immutable field `field` (of an object traced code read it from)
    /// has changed: compiled code that folded its old value is invalidated and will be freed.
    /// Call it right after writing a field marked `#[jit(quasi_immutable)]`.
    pub fn invalidate_quasi_immutable<T>(&self, field: &T) {
        self.inner.invalidate_field(field as *const T as usize);
        self.inner.free_invalidated();
    }

    /// Called by the generated interpreter at `can_enter_jit!()` with the greens and reds (as
    /// bits and kinds): counts, traces, or runs compiled code.
    pub fn can_enter_jit(
        &self,
        portal: &'static PortalInfo,
        greens: &[i64],
        reds: &[(i64, Kind)],
    ) -> Entered {
        self.inner
            .driver_addr
            .set(self as *const JitDriver as usize);
        self.inner.enter(portal, greens, reds, false)
    }

    /// Called by the generated interpreter when it starts (before its dispatch loop) with its
    /// greens and reds: counts calls with `function_threshold`, traces the function from its
    /// start when hot, or runs the code compiled for it.
    pub fn enter_portal(
        &self,
        portal: &'static PortalInfo,
        greens: &[i64],
        reds: &[(i64, Kind)],
    ) -> Entered {
        if let Some(state) = self.inner.pending_entry.borrow_mut().take() {
            return Entered::Resume(state);
        }
        self.inner
            .driver_addr
            .set(self as *const JitDriver as usize);
        self.inner.enter(portal, greens, reds, true)
    }

    /// A traced call of the interpreter function (`call_assembler`, see `asm.rs`) with these
    /// reds, to the entry the token names: runs its compiled code, or `Continue` when it has
    /// none (the caller then calls the interpreter function natively). Generated code calls it
    /// with a token the tracer made; not for interpreters to call.
    #[doc(hidden)]
    pub fn call_assembler(&self, token: usize, reds: &[(i64, Kind)]) -> Entered {
        let inner = &self.inner;
        if !inner.enabled.get() {
            return Entered::Continue;
        }
        // SAFETY: `token` is the address of a token of this driver (a constant of the trace
        // that calls), which lives as long as the driver.
        let tok = unsafe { &*(token as *const AsmToken) };
        let Some(id) = inner
            .asm
            .piece(tok, |k| inner.functions.borrow().get(k).copied())
        else {
            return Entered::Continue;
        };
        inner.driver_addr.set(self as *const JitDriver as usize);
        let mut out = inner.buffers.take();
        out.inputs.clear();
        out.inputs.extend(reds.iter().map(|r| r.0));
        inner.run(tok.portal, id, tok.greens(), out)
    }

    /// Makes the next entry into the interpreter function (its `enter_portal` hook) continue
    /// from `state` instead of its start: how generated code finishes an inlined call natively
    /// (see `Stop::Nested`). Not for interpreters to call.
    #[doc(hidden)]
    pub fn resume_next_entry(&self, state: PortalState) {
        *self.inner.pending_entry.borrow_mut() = Some(state);
    }
}

impl Drop for JitDriver {
    fn drop(&mut self) {
        if self.inner.log.enabled(Category::Summary) {
            let s = self
                .inner
                .stats
                .borrow()
                .summary(self.inner.backend.borrow().name());
            self.inner.log.write(&s);
        }
    }
}

impl Inner {
    /// A loop header (`function` false) or a function entry: runs its compiled code, or counts
    /// and traces it when hot.
    fn enter(
        self: &Rc<Self>,
        portal: &'static PortalInfo,
        greens: &[i64],
        reds: &[(i64, Kind)],
        function: bool,
    ) -> Entered {
        if !self.enabled.get() || (function && self.function_threshold.get() == 0) {
            return Entered::Continue;
        }
        self.free_invalidated();
        debug_assert!(greens.len() <= MAX_GREENS);
        let key = GreenKey::new(portal as *const PortalInfo as usize, greens);
        let table = if function {
            &self.functions
        } else {
            &self.loops
        };
        let compiled = table.borrow().get(&key).copied();
        if let Some(id) = compiled {
            let mut out = self.buffers.take();
            out.inputs.clear();
            out.inputs.extend(reds.iter().map(|r| r.0));
            return self.run(portal, id, greens, out);
        }
        if self.tracing.get() {
            return Entered::Continue;
        }
        let hot = if function {
            let threshold = self.function_threshold.get();
            self.warm.borrow_mut().tick_function(&key, threshold)
        } else {
            self.warm.borrow_mut().tick(&key, self.threshold.get())
        };
        let retrace_limit = self.params.borrow().retrace_limit;
        if !hot || self.aborts.borrow().get(&key).copied().unwrap_or(0) > retrace_limit {
            return Entered::Continue;
        }
        Inner::trace_loop(self, portal, key, greens, reds, function)
    }

    /// The entry label of the loop compiled for `key`, with the virtualizable layout it expects.
    pub(crate) fn compiled_entry_with_layout(
        &self,
        key: &GreenKey,
    ) -> Option<(TargetId, Option<VLayout>)> {
        let id = *self.loops.borrow().get(key)?;
        let pieces = self.pieces.borrow();
        match &pieces[id].kind {
            PieceKind::Loop { entry, vlayout, .. } => Some((*entry, vlayout.clone())),
            PieceKind::Bridge { .. } => None,
        }
    }

    pub(crate) fn trace_limit(&self) -> usize {
        self.params.borrow().trace_limit
    }

    pub(crate) fn max_inline_depth(&self) -> usize {
        self.params.borrow().max_inline_depth
    }

    pub(crate) fn new_target(&self) -> TargetId {
        let t = self.next_target.get();
        self.next_target.set(t + 1);
        TargetId(t)
    }

    pub(crate) fn count_abort(&self, reason: AbortReason) {
        *self.stats.borrow_mut().aborts.entry(reason).or_insert(0) += 1;
    }

    /// Continues from a merge-point state: runs compiled code if the state's key has some.
    fn after_merge(self: &Rc<Self>, portal: &'static PortalInfo, state: PortalState) -> Entered {
        let ng = portal.green_names.len();
        let key = GreenKey::new(portal as *const PortalInfo as usize, &state.0[..ng]);
        let compiled = self.loops.borrow().get(&key).copied();
        match compiled {
            Some(id) if self.enabled.get() => self.run_from(portal, id, state),
            _ => Entered::Resume(state),
        }
    }

    /// Runs compiled loop `id` from `state` until execution must return to the interpreter.
    fn run_from(
        self: &Rc<Self>,
        portal: &'static PortalInfo,
        id: usize,
        state: PortalState,
    ) -> Entered {
        let ng = portal.green_names.len();
        let mut out = self.buffers.take();
        out.inputs.clear();
        out.inputs.extend_from_slice(&state.0[ng..]);
        self.run(portal, id, &state.0[..ng], out)
    }

    /// Runs compiled loop `id` on the reds in `out.inputs` (at the merge point `greens`) until
    /// execution must return to the interpreter. The state is built only when a run ends
    /// somewhere else than a return (a compiled call that returns allocates nothing).
    fn run(
        self: &Rc<Self>,
        portal: &'static PortalInfo,
        mut id: usize,
        greens: &[i64],
        mut out: crate::buffers::RunBuffers<'_>,
    ) -> Entered {
        let ng = portal.green_names.len();
        let nr = portal.red_names.len();
        let mut state: Option<PortalState> = None;
        loop {
            if let Some(s) = &state {
                out.inputs.clear();
                out.inputs.extend_from_slice(&s.0[ng..]);
            }
            let code = {
                let pieces = self.pieces.borrow();
                let (layout, function) = match &pieces[id].kind {
                    PieceKind::Loop {
                        vlayout, function, ..
                    } => (vlayout.as_ref(), *function),
                    PieceKind::Bridge { .. } => (None, false),
                };
                if let (Some(layout), Some((ri, _))) = (layout, portal.virtualizable) {
                    let frame = out.inputs[ri] as usize;
                    if !layout.matches(frame) {
                        drop(pieces);
                        return Entered::Resume(match state {
                            Some(s) => s,
                            None => {
                                let mut s = greens.to_vec();
                                s.extend_from_slice(&out.inputs[..nr]);
                                PortalState(s)
                            }
                        });
                    }
                    if !function {
                        layout.read_into(frame, &mut out.inputs);
                    }
                }
                pieces[id].code
            };
            self.stats.borrow_mut().entries += 1;
            // The backend is not borrowed while the code runs: a call it makes may re-enter
            // the interpreter, whose JIT may compile more code on it.
            let entry = self.backend.borrow().entry(code);
            self.running.set(self.running.get() + 1);
            let pair = &mut *out;
            // SAFETY: the reds are the live objects of the interpreter at this merge point,
            // which is what the trace was recorded on; the code is not freed while it runs
            // (`free_invalidated` waits until no compiled code is running).
            let exit = unsafe { entry.run(&pair.inputs, &mut pair.buf) };
            self.running.set(self.running.get() - 1);
            // Now and then, compile hot cycles of pieces as regions (`regions.rs`), when no
            // compiled code is on the stack.
            if self.running.get() == 0 && self.regions.borrow_mut().due(&self.params.borrow()) {
                let params = self.params.borrow();
                let mut backend = self.backend.borrow_mut();
                self.regions.borrow_mut().look(crate::regions::LookContext {
                    params: &params,
                    backend: &mut **backend,
                    pieces: &self.pieces.borrow(),
                    stats: &mut self.stats.borrow_mut(),
                    log: &self.log,
                });
            }
            let next = match exit {
                Exit::Finish => {
                    // A bridge returned at a merge point: greens, reds, then the
                    // virtualizable's locations, which go back into the frame.
                    if let Some((ri, fields)) = portal.virtualizable {
                        let frame = out.buf[ng + ri] as usize;
                        VLayout::of(fields, frame).write(frame, &out.buf[ng + nr..]);
                    }
                    out.buf.truncate(ng + nr);
                    // A copy: the buffer (sized for any exit) goes back to the pool.
                    PortalState(out.buf.to_vec())
                }
                Exit::Return => return Entered::Return((portal.decode_return)(&out.buf)),
                Exit::Guard(g) => match self.guard_failed(portal, g, &out.buf) {
                    Entered::Resume(s) => s,
                    other => return other,
                },
            };
            let key = GreenKey::new(portal as *const PortalInfo as usize, &next.0[..ng]);
            match self.loops.borrow().get(&key).copied() {
                Some(next_id) if self.enabled.get() => id = next_id,
                _ => return Entered::Resume(next),
            }
            state = Some(next);
        }
    }

    fn guard_failed(
        self: &Rc<Self>,
        portal: &'static PortalInfo,
        g: GuardId,
        fail: &[i64],
    ) -> Entered {
        let (eagerness, retrace_limit) = {
            let p = self.params.borrow();
            (p.trace_eagerness.max(1), p.retrace_limit)
        };
        self.stats.borrow_mut().guard_failures += 1;
        let hot = {
            let mut guards = self.guards.borrow_mut();
            let gi = &mut guards[g.0 as usize];
            gi.failures += 1;
            let count = match gi.value_index {
                Some(i) => {
                    let c = gi.value_failures.entry(fail[i]).or_insert(0);
                    *c += 1;
                    *c
                }
                None => gi.failures,
            };
            count >= eagerness
                && gi.bridge.is_none()
                && gi.bridge_attempts <= retrace_limit
                && !self.tracing.get()
        };
        if self.log.enabled(Category::Guard) {
            self.log.write(&format!(
                "[metajit] guard {g} failed{}\n",
                if hot { " (tracing a bridge)" } else { "" }
            ));
        }
        if hot {
            return self.trace_bridge(portal, g, fail);
        }
        self.stats.borrow_mut().blackholes += 1;
        let frames = self.guards.borrow()[g.0 as usize].resume.decode(
            fail,
            None,
            &|_| false,
            &mut Vec::new(),
        );
        let mut bh = Blackhole::new(self.driver_addr.get());
        match run_chain(&mut bh, &frames) {
            Ok(ret) => Entered::Return(ret),
            Err(Stop::MergePoint(state)) => Entered::Resume(state),
            Err(Stop::Nested(_)) => unreachable!("{NESTED_ESCAPED}"),
        }
    }

    /// Traces from a merge point: a loop (from a hot loop header) or, with `function`, a
    /// function (from the interpreter function's start).
    fn trace_loop(
        self: &Rc<Self>,
        portal: &'static PortalInfo,
        key: GreenKey,
        greens: &[i64],
        reds: &[(i64, Kind)],
        function: bool,
    ) -> Entered {
        let t0 = Instant::now();
        let entry = self.new_target();
        let limit = self.params.borrow().trace_limit;
        let kind = if function {
            TraceKind::Function { entry }
        } else {
            TraceKind::Loop { key, entry }
        };
        let mut tracer = Tracer::new(self.clone(), kind, limit);
        let mut values: Vec<ResumeValue> = greens
            .iter()
            .map(|&g| ResumeValue {
                bits: g,
                op: None,
                kind: Kind::Int,
            })
            .collect();
        let mut vstate = None;
        {
            let mut rec = tracer.rec();
            let mut inputs: Vec<OpRef> =
                reds.iter().map(|&(_, k)| rec.trace.add_input(k)).collect();
            if let Some((ri, fields)) = portal.virtualizable {
                let frame = reds[ri].0 as usize;
                vstate = Some(VState::at_entry(
                    &mut rec,
                    fields,
                    frame,
                    ri,
                    &mut inputs,
                    function,
                ));
            }
            let d = rec.trace.descr(Descr::Target(entry));
            rec.record(Opcode::Label, Kind::Void, &inputs, Some(d));
            if function && let Some(v) = &mut vstate {
                v.load(&mut rec);
            }
            values.extend(
                reds.iter()
                    .zip(&inputs)
                    .map(|(&(bits, kind), &op)| ResumeValue {
                        bits,
                        op: Some(op),
                        kind,
                    }),
            );
        }
        let frames = [ResumeFrame {
            info: portal.twin,
            point: portal.merge_point,
            values,
        }];
        let vlayout = vstate.as_ref().map(|v| v.layout.clone());
        tracer.vstate = vstate;
        if self.qi_used.get() {
            tracer.checks_at_start = true;
            tracer.record_invalidation_check(None, &frames);
        }
        self.tracing.set(true);
        let result = {
            let _active = ActiveGuard::install(tracer.rec.clone());
            run_chain(&mut tracer, &frames)
        };
        self.tracing.set(false);
        self.stats.borrow_mut().time_tracing += t0.elapsed();
        let state = match result {
            Ok(ret) => {
                // A function trace ends with the return; a loop that returns is no loop.
                if !function || !tracer.end_with_return(&*ret, portal.encode_return) {
                    tracer.abort(AbortReason::PortalReturned);
                }
                self.finish_trace(portal, &mut tracer, Some((key, vlayout)), None, greens);
                return Entered::Return(ret);
            }
            Err(Stop::MergePoint(state)) => state,
            Err(Stop::Nested(_)) => unreachable!("{NESTED_ESCAPED}"),
        };
        self.finish_trace(portal, &mut tracer, Some((key, vlayout)), None, greens);
        self.after_merge(portal, state)
    }

    fn trace_bridge(
        self: &Rc<Self>,
        portal: &'static PortalInfo,
        g: GuardId,
        fail: &[i64],
    ) -> Entered {
        let t0 = Instant::now();
        let limit = self.params.borrow().trace_limit;
        let mut tracer = Tracer::new(self.clone(), TraceKind::Bridge, limit);
        let frames = {
            let guards = self.guards.borrow();
            let resume = &guards[g.0 as usize].resume;
            let mut rec = tracer.rec();
            let inputs: Vec<OpRef> = resume
                .fail_kinds
                .iter()
                .map(|&k| rec.trace.add_input(k))
                .collect();
            let mut stores = resume.resolved_pending(fail, &inputs, &mut rec);
            let frame = portal
                .virtualizable
                .and_then(|(_, fields)| VState::frame_of(fields, &stores));
            // Stores into the virtualizable are taken over by the bridge's tracked frame: they
            // are not redone at the bridge's start.
            let skip = |addr: i64| {
                portal
                    .virtualizable
                    .zip(frame)
                    .is_some_and(|((_, fields), f)| VState::frame_owns(fields, f, addr as usize))
            };
            let mut virtual_ops = Vec::new();
            let frames = resume.decode(fail, Some((&inputs, &mut rec)), &skip, &mut virtual_ops);
            // The frame's slots may hold objects the guard's resume data described as virtual:
            // decoding made them, and the bridge's frame holds them.
            crate::resume::bind_virtual_values(&mut stores, &virtual_ops, &mut rec);
            let vstate = portal
                .virtualizable
                .and_then(|(_, fields)| VState::from_stores(fields, &stores));
            (frames, vstate)
        };
        let (mut frames, vstate) = frames;
        // The failed guard's condition has a known value in the bridge.
        let cond = self.guards.borrow()[g.0 as usize].cond_index;
        if let Some(k) = cond {
            let op = tracer
                .rec()
                .trace
                .ops
                .get(k)
                .map(|_| crate::ir::OpRef::op(k as u32));
            for f in &mut frames {
                for v in &mut f.values {
                    if v.op.is_some() && v.op == op {
                        v.op = None;
                    }
                }
            }
        }
        tracer.vstate = vstate;
        if self.qi_used.get() {
            tracer.checks_at_start = true;
            tracer.record_invalidation_check(None, &frames);
        }
        if portal.virtualizable.is_some() && tracer.vstate.is_none() {
            tracer.abort(AbortReason::VirtualizableChanged);
        }
        self.tracing.set(true);
        let result = {
            let _active = ActiveGuard::install(tracer.rec.clone());
            run_chain(&mut tracer, &frames)
        };
        self.tracing.set(false);
        self.stats.borrow_mut().time_tracing += t0.elapsed();
        {
            let mut guards = self.guards.borrow_mut();
            guards[g.0 as usize].bridge_attempts += 1;
        }
        match result {
            Ok(ret) => {
                if !tracer.end_with_return(&*ret, portal.encode_return) {
                    tracer.abort(AbortReason::PortalReturned);
                }
                self.finish_trace(portal, &mut tracer, None, Some(g), &[]);
                Entered::Return(ret)
            }
            Err(Stop::Nested(_)) => unreachable!("{NESTED_ESCAPED}"),
            Err(Stop::MergePoint(state)) => {
                self.finish_trace(portal, &mut tracer, None, Some(g), &[]);
                // The caller's run loop (`run_from`) continues from here: calling back into it
                // would nest one native frame per traced bridge.
                Entered::Resume(state)
            }
        }
    }
}

impl TraceEnv for Inner {
    fn code_id(&self, info: &'static TwinInfo) -> u32 {
        self.registry.id_of(info)
    }
    fn compiled_entry_with_layout(&self, key: &GreenKey) -> Option<(TargetId, Option<VLayout>)> {
        Inner::compiled_entry_with_layout(self, key)
    }
    fn trace_limit(&self) -> usize {
        Inner::trace_limit(self)
    }
    fn max_inline_depth(&self) -> usize {
        Inner::max_inline_depth(self)
    }
    fn qi_used(&self) -> bool {
        self.qi_used.get()
    }
    fn note_qi_used(&self) {
        self.qi_used.set(true);
    }
    fn max_unroll_recursion(&self) -> usize {
        self.params.borrow().max_unroll_recursion
    }
    fn inline_forbidden(&self, key: &GreenKey) -> bool {
        self.no_inline.borrow().contains(key)
    }
    fn forbid_inline(&self, key: GreenKey) {
        self.no_inline.borrow_mut().insert(key);
    }
    fn asm_token(&self, portal: &'static PortalInfo, greens: &[i64]) -> usize {
        self.asm.token(portal, greens)
    }
    fn driver_addr(&self) -> usize {
        self.driver_addr.get()
    }
}

// ------------------------------------------------------------ finished traces and invalidation

impl Inner {
    /// Counts a trace that did not make it to code: in the statistics, and against its loop
    /// key's `retrace_limit` (a quasi-immutable retrace is not the key's fault).
    fn give_up(&self, key: Option<GreenKey>, where_: &str, reason: AbortReason, detail: &str) {
        self.count_abort(reason);
        if let Some(k) = key
            && reason != AbortReason::QuasiImmutableRetrace
            && reason != AbortReason::LoopInInlinedCall
        {
            *self.aborts.borrow_mut().entry(k).or_insert(0) += 1;
        }
        if self.log.enabled(Category::Abort) {
            let sep = if detail.is_empty() { "" } else { ": " };
            self.log.write(&format!(
                "[metajit] abort {where_}: {reason}{sep}{detail}\n"
            ));
        }
    }

    /// Optimizes and compiles a finished trace (or logs why it was given up).
    pub(crate) fn finish_trace(
        self: &Rc<Self>,
        portal: &'static PortalInfo,
        tracer: &mut Tracer,
        loop_of: Option<(GreenKey, Option<VLayout>)>,
        bridge_of: Option<GuardId>,
        greens: &[i64],
    ) {
        let key = loop_of.as_ref().map(|l| l.0);
        let vlayout = loop_of.and_then(|l| l.1);
        let where_ = match (key, bridge_of) {
            (Some(_), _) if matches!(tracer.kind, TraceKind::Function { .. }) => {
                format!("function at {}", portal.describe(greens))
            }
            (Some(_), _) => format!("loop at {}", portal.describe(greens)),
            (None, Some(g)) => format!("bridge from guard {g}"),
            _ => "trace".to_string(),
        };
        if tracer.end == TraceEnd::Open {
            tracer.abort(AbortReason::TraceTooLong);
        }
        if tracer.end == TraceEnd::Aborted(AbortReason::TraceTooLong) {
            tracer.forbid_most_inlined();
        }
        let trace = std::mem::take(&mut tracer.rec().trace);
        self.stats.borrow_mut().ops_recorded += trace.ops.len() as u64;
        if self.log.enabled(Category::Trace) {
            self.log.write(&format!(
                "[metajit] recorded {where_} ({} ops)\n{trace}",
                trace.ops.len()
            ));
        }
        if let TraceEnd::Aborted(reason) = tracer.end {
            self.give_up(key, &where_, reason, "");
            return;
        }
        let t1 = Instant::now();
        // A bridge's inputs are its guard's fail arguments: it starts with what the parent
        // trace knew about their ranges.
        let input_bounds = bridge_of
            .map(|g| self.guards.borrow()[g.0 as usize].fail_bounds.clone())
            .unwrap_or_default();
        let optimized = if self.params.borrow().optimize {
            let mut ctx = crate::opt::OptContext {
                new_target: &|| self.new_target(),
                unroll: self.params.borrow().unroll
                    && matches!(tracer.kind, TraceKind::Loop { .. }),
                max_pending_stores: self.params.borrow().max_pending_stores,
                input_bounds: &input_bounds,
                strengthen_guards: true,
            };
            crate::opt::optimize(&trace, &mut ctx)
        } else {
            Ok(trace)
        };
        let fail_bounds = match &optimized {
            Ok(t) if self.params.borrow().optimize => crate::opt::guard_input_bounds(t),
            _ => Vec::new(),
        };
        self.stats.borrow_mut().time_optimizing += t1.elapsed();
        let trace = match optimized {
            Ok(t) => t,
            Err(e) => {
                self.give_up(key, &where_, AbortReason::OptimizerFailed, &e.to_string());
                return;
            }
        };
        if self.log.enabled(Category::Opt) {
            self.log.write(&format!(
                "[metajit] optimized {where_} ({} ops)\n{trace}",
                trace.ops.len()
            ));
        }
        self.stats.borrow_mut().ops_optimized += trace.ops.len() as u64;
        let piece_id = self.pieces.borrow().len();
        // Resume data and guard ids.
        let mut ids = Vec::new();
        {
            let mut fail_bounds = fail_bounds.into_iter();
            let mut guards = self.guards.borrow_mut();
            let descrs: Vec<Rc<Descr>> = trace.descrs.iter().cloned().map(Rc::new).collect();
            for op in trace.ops.iter().filter(|o| o.opcode.is_guard()) {
                let fail = trace.fail_args(op);
                let snap = &trace.snapshots[op.snapshot.expect("guards have snapshots").0 as usize];
                let resume =
                    ResumeData::build(&trace, &descrs, snap, &fail, &|c| self.registry.info(c));
                let value_index = (op.opcode == Opcode::GuardValue)
                    .then(|| fail.iter().position(|&a| a == op.args[0]))
                    .flatten();
                // A failing `guard_true` saw 0; a failing `guard_false` saw a non-zero value,
                // which is known exactly (1) only when a comparison produced it. (Other guards,
                // such as `guard_no_overflow`, may have no argument at all.)
                let cond_index = match op.opcode {
                    Opcode::GuardTrue | Opcode::GuardFalse => {
                        let cond = op.args[0];
                        let known = op.opcode == Opcode::GuardTrue
                            || (!cond.is_const() && trace.ops[cond.index()].opcode.is_comparison());
                        known
                            .then(|| fail.iter().position(|&a| a == cond))
                            .flatten()
                    }
                    _ => None,
                };
                ids.push(GuardId(guards.len() as u32));
                guards.push(GuardInfo {
                    resume,
                    failures: 0,
                    value_index,
                    cond_index,
                    value_failures: HashMap::new(),
                    bridge: None,
                    bridge_attempts: 0,
                    fail_bounds: fail_bounds.next().unwrap_or_default(),
                });
            }
        }
        let t2 = Instant::now();
        let info = CompileInfo {
            guard_ids: &ids,
            name: &where_,
        };
        let compiled = {
            let mut backend = self.backend.borrow_mut();
            match bridge_of {
                Some(g) => backend.compile_bridge(g, &trace, &info),
                None => backend.compile_loop(&trace, &info),
            }
        };
        self.stats.borrow_mut().time_compiling += t2.elapsed();
        if self.log.enabled(Category::Compile) {
            self.log.write(&format!(
                "[metajit] {where_}: optimizing and building resume data {:.3} ms, compiling {:.3} ms\n",
                t2.duration_since(t1).as_secs_f64() * 1000.0,
                t2.elapsed().as_secs_f64() * 1000.0
            ));
        }
        let code = match compiled {
            Ok(c) => c,
            Err(e) => {
                self.give_up(key, &where_, AbortReason::CompileFailed, &e.to_string());
                return;
            }
        };
        self.stats.borrow_mut().code_bytes += self.backend.borrow().code_size(code);
        self.warm.borrow_mut().decay(self.params.borrow().decay);
        // Labels of other pieces this one jumps to.
        let own: Vec<TargetId> = trace
            .ops
            .iter()
            .filter(|o| o.opcode == Opcode::Label)
            .filter_map(|o| trace.descr_of(o).and_then(Descr::as_target))
            .collect();
        let mut jumps: Vec<TargetId> = trace
            .ops
            .iter()
            .filter(|o| o.opcode == Opcode::Jump)
            .filter_map(|o| trace.descr_of(o).and_then(Descr::as_target))
            .filter(|t| !own.contains(t))
            .collect();
        jumps.sort_unstable();
        jumps.dedup();
        for t in &jumps {
            *self.jumped_into.borrow_mut().entry(*t).or_insert(0) += 1;
        }
        let kind = match (key, bridge_of) {
            (Some(k), _) => {
                let entry = match &tracer.kind {
                    TraceKind::Loop { entry, .. } => {
                        self.loops.borrow_mut().insert(k, piece_id);
                        self.stats.borrow_mut().loops += 1;
                        *entry
                    }
                    TraceKind::Function { entry, .. } => {
                        self.functions.borrow_mut().insert(k, piece_id);
                        self.asm.changed();
                        self.stats.borrow_mut().functions += 1;
                        *entry
                    }
                    TraceKind::Bridge => unreachable!("loop traces have an entry"),
                };
                PieceKind::Loop {
                    key: k,
                    entry,
                    vlayout,
                    function: matches!(tracer.kind, TraceKind::Function { .. }),
                }
            }
            (None, Some(g)) => {
                self.guards.borrow_mut()[g.0 as usize].bridge = Some(piece_id);
                self.stats.borrow_mut().bridges += 1;
                if self.log.enabled(Category::Bridge) {
                    self.log
                        .write(&format!("[metajit] bridge attached to guard {g}\n"));
                }
                PieceKind::Bridge { guard: g }
            }
            _ => unreachable!("a trace is a loop or a bridge"),
        };
        for &addr in &tracer.qi_deps {
            self.qi_deps
                .borrow_mut()
                .entry(addr)
                .or_default()
                .push(piece_id);
        }
        let flag = tracer.flag.take().unwrap_or_else(|| Box::new(0));
        self.pieces.borrow_mut().push(Piece {
            code,
            kind,
            name: where_,
            trace,
            guards: ids,
            jumps,
            flag,
            valid: true,
            freed: false,
        });
    }

    /// Invalidates every piece that folded the quasi-immutable field at `addr`.
    pub(crate) fn invalidate_field(&self, addr: usize) {
        let Some(deps) = self.qi_deps.borrow_mut().remove(&addr) else {
            return;
        };
        for p in deps {
            self.invalidate_piece(p);
        }
    }

    fn invalidate_piece(&self, p: usize) {
        let mut pieces = self.pieces.borrow_mut();
        let piece = &mut pieces[p];
        if !piece.valid {
            return;
        }
        piece.valid = false;
        *piece.flag = 1;
        if let PieceKind::Loop { key, .. } = &piece.kind {
            let mut loops = self.loops.borrow_mut();
            if loops.get(key) == Some(&p) {
                loops.remove(key);
            }
            let mut functions = self.functions.borrow_mut();
            if functions.get(key) == Some(&p) {
                functions.remove(key);
                self.asm.changed();
            }
        }
        self.stats.borrow_mut().invalidated += 1;
        if self.log.enabled(Category::Invalidate) {
            self.log
                .write(&format!("[metajit] invalidated {}\n", piece.name));
        }
        self.to_free.borrow_mut().push(p);
    }

    /// Frees invalidated pieces that no running code can be in and no other piece jumps into.
    /// Called when no compiled code is on the stack.
    pub(crate) fn free_invalidated(&self) {
        if self.running.get() > 0 || self.tracing.get() || self.to_free.borrow().is_empty() {
            return;
        }
        let pending = std::mem::take(&mut *self.to_free.borrow_mut());
        let mut keep = Vec::new();
        for p in pending {
            let blocked = {
                let pieces = self.pieces.borrow();
                match &pieces[p].kind {
                    PieceKind::Loop { entry, .. } => {
                        self.jumped_into.borrow().get(entry).copied().unwrap_or(0) > 0
                    }
                    PieceKind::Bridge { .. } => false,
                }
            };
            if blocked {
                keep.push(p);
                continue;
            }
            let code = self.pieces.borrow()[p].code;
            if !self.pieces.borrow()[p].freed {
                self.backend.borrow_mut().free(code);
                self.forget_freed(p);
            }
        }
        self.to_free.borrow_mut().extend(keep);
    }

    /// Bookkeeping for a piece the backend freed, and (recursively) the bridges attached to
    /// its guards, which the backend freed with it.
    fn forget_freed(&self, p: usize) {
        let (guards, jumps, kind_guard) = {
            let mut pieces = self.pieces.borrow_mut();
            let piece = &mut pieces[p];
            if piece.freed {
                return;
            }
            piece.freed = true;
            piece.valid = false;
            let kg = match piece.kind {
                PieceKind::Bridge { guard } => Some(guard),
                PieceKind::Loop { .. } => None,
            };
            if self.log.enabled(Category::Invalidate) {
                self.log
                    .write(&format!("[metajit] freed the code of {}\n", piece.name));
            }
            (piece.guards.clone(), std::mem::take(&mut piece.jumps), kg)
        };
        self.stats.borrow_mut().freed += 1;
        for t in jumps {
            if let Some(n) = self.jumped_into.borrow_mut().get_mut(&t) {
                *n = n.saturating_sub(1);
            }
        }
        if let Some(g) = kind_guard {
            let mut gs = self.guards.borrow_mut();
            let gi = &mut gs[g.0 as usize];
            if gi.bridge == Some(p) {
                gi.bridge = None;
                gi.bridge_attempts = 0;
                gi.failures = 0;
                gi.value_failures.clear();
            }
        }
        for g in guards {
            let b = self.guards.borrow()[g.0 as usize].bridge;
            if let Some(b) = b {
                self.forget_freed(b);
            }
        }
    }
}
