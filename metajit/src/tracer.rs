//! The tracer: the executor that records.
//!
//! It runs twin code on concrete values (so tracing is real execution: residual calls happen,
//! output appears) and records every operation on non-constant values into a trace. At each
//! guard it snapshots the chain of twin frames: the callers' frames (pushed by `enter_call`
//! when an inlined call starts) plus the current frame's live slots. A trace ends at a merge
//! point: when it comes back to the green key it started at (a loop), when it reaches a key
//! that already has compiled code (it jumps there), or, for bridges, at a loop header without
//! compiled code (it returns to the interpreter there). When recording stops early (an abort),
//! the tracer keeps executing like the blackhole up to the next merge point.

use crate::ir::{OpRef, Opcode, SnapFrame, SnapValue, Snapshot, TargetId};
use crate::twin::recorder::{AbortReason, Recorder};
use crate::twin::{Executor, Live, PortalState, Recording, ResumeValue, Site, SnapWriter, Stop};
use crate::twin::{PortalInfo, TwinInfo};
use crate::vable::VLayout;
use crate::value::Kind;
use crate::warmstate::GreenKey;
use std::cell::RefCell;
use std::rc::Rc;

/// What the trace is being recorded for.
#[derive(Clone, Debug)]
pub(crate) enum TraceKind {
    /// A loop starting at this key, closing with a jump to `entry`.
    Loop { key: GreenKey, entry: TargetId },
    /// A bridge from a guard.
    Bridge,
    /// A function: from the interpreter function's entry at this key (`function_threshold`)
    /// to its return, or to a loop header (where it jumps to the loop's code or returns to the
    /// interpreter). It starts with the label `entry`.
    Function { entry: TargetId },
}

/// How a trace ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TraceEnd {
    /// Still recording (not ended yet).
    Open,
    /// Closed (jump to its own entry) or jumped to another loop's entry.
    Jumped,
    /// A bridge returned to the interpreter at a merge point (`finish` with the state), or
    /// the trace returned from the interpreter function (`finish` with `descr=return`).
    Finished,
    /// Recording stopped.
    Aborted(AbortReason),
}

/// What the tracer needs from the JIT instance it records for (the driver implements it).
pub(crate) trait TraceEnv {
    /// The number of a twin function in resume data.
    fn code_id(&self, info: &'static TwinInfo) -> u32;
    /// The entry of the loop compiled for `key`, with the virtualizable layout it expects.
    fn compiled_entry_with_layout(&self, key: &GreenKey) -> Option<(TargetId, Option<VLayout>)>;
    /// The `trace_limit` parameter.
    fn trace_limit(&self) -> usize;
    /// The `max_inline_depth` parameter.
    fn max_inline_depth(&self) -> usize;
    /// Whether any trace folded a quasi-immutable field.
    fn qi_used(&self) -> bool;
    /// A trace folded a quasi-immutable field.
    fn note_qi_used(&self);
    /// The `max_unroll_recursion` parameter.
    fn max_unroll_recursion(&self) -> usize;
    /// Whether calls of the portal entering at `key` are made rather than inlined.
    fn inline_forbidden(&self, key: &GreenKey) -> bool;
    /// From now on, calls of the portal entering at `key` are made rather than inlined.
    fn forbid_inline(&self, key: GreenKey);
    /// The address of the `call_assembler` token for entering `portal` at `greens`.
    fn asm_token(&self, portal: &'static PortalInfo, greens: &[i64]) -> usize;
    /// The address of the driver (see [`crate::twin::Executor::driver_addr`]).
    fn driver_addr(&self) -> usize;
}

/// An inlined call of the portal the tracer is in.
struct InlinedPortal {
    /// Its green key at entry (unknown for frames of a resumed chain).
    key: Option<GreenKey>,
    /// Its reds (their bits) at entry; `None` when unknown.
    reds: Option<Vec<i64>>,
}

/// The recording executor.
pub struct Tracer {
    pub(crate) rec: Rc<RefCell<Recorder>>,
    pub(crate) jit: Rc<dyn TraceEnv>,
    pub(crate) kind: TraceKind,
    frames: Vec<SnapFrame>,
    started: bool,
    after_can_enter: bool,
    pub(crate) end: TraceEnd,
    /// Merge points passed so far.
    pub(crate) merge_points: usize,
    /// The loop headers a bridge has passed.
    headers: Vec<GreenKey>,
    /// The virtualizable frame, while it is tracked.
    pub(crate) vstate: Option<crate::vable::VState>,
    /// Addresses of the quasi-immutable fields whose values the trace folded.
    pub(crate) qi_deps: Vec<usize>,
    /// The invalidation flag of the piece being recorded, allocated when the trace checks it.
    pub(crate) flag: Option<Box<i64>>,
    /// Whether the trace checks its invalidation flag at its start.
    pub(crate) checks_at_start: bool,
    /// The inlined portal calls being followed, outermost first.
    portals: Vec<InlinedPortal>,
    /// How many calls of each portal entry the trace inlined.
    inlined: Vec<(GreenKey, usize)>,
}

impl Tracer {
    pub(crate) fn new(jit: Rc<dyn TraceEnv>, kind: TraceKind, limit: usize) -> Tracer {
        Tracer {
            rec: Rc::new(RefCell::new(Recorder::new(limit))),
            jit,
            kind,
            frames: Vec::new(),
            started: false,
            after_can_enter: false,
            end: TraceEnd::Open,
            merge_points: 0,
            headers: Vec::new(),
            vstate: None,
            qi_deps: Vec::new(),
            flag: None,
            checks_at_start: false,
            portals: Vec::new(),
            inlined: Vec::new(),
        }
    }

    /// Whether operations are being recorded.
    pub(crate) fn recording(&self) -> bool {
        self.rec.borrow().recording()
    }

    fn snapshot(&self, rec: &mut Recorder, site: Site, live: Live<'_>) -> Snapshot {
        let mut w = SnapWriter {
            rec,
            values: Vec::new(),
        };
        live(&mut w);
        let values = w.values;
        let mut frames = self.frames.clone();
        frames.push(SnapFrame {
            code: self.jit.code_id(site.info),
            point: site.point,
            values,
        });
        let pending = match &self.vstate {
            Some(v) => v.pending_stores(rec),
            None => Vec::new(),
        };
        Snapshot {
            frames,
            virtuals: Vec::new(),
            pending,
        }
    }

    /// Marks that the next merge point is a loop header (`can_enter_jit!()` in twin code).
    pub(crate) fn can_enter_jit(&mut self) {
        self.after_can_enter = true;
    }

    fn state_operands(&self, rec: &mut Recorder, reds: &[ResumeValue]) -> Vec<OpRef> {
        let mut out: Vec<OpRef> = reds
            .iter()
            .map(|v| match v.op {
                Some(r) => r,
                None => rec.const_of(v.kind, v.bits),
            })
            .collect();
        if let Some(v) = &self.vstate {
            out.extend(v.values.iter().copied());
        }
        out
    }

    /// Ends the trace with a jump to `target` passing the reds.
    fn end_with_jump(&mut self, target: TargetId, reds: &[ResumeValue]) {
        let mut rec = self.rec.borrow_mut();
        let args = self.state_operands(&mut rec, reds);
        let d = rec.trace.descr(crate::ir::Descr::Target(target));
        if rec
            .record(Opcode::Jump, Kind::Void, &args, Some(d))
            .is_some()
        {
            self.end = TraceEnd::Jumped;
        }
    }

    /// Ends a bridge with a return to the interpreter at this merge point.
    fn end_with_finish(&mut self, greens: &[i64], reds: &[ResumeValue]) {
        let mut rec = self.rec.borrow_mut();
        let mut args: Vec<OpRef> = greens.iter().map(|&g| rec.const_of(Kind::Int, g)).collect();
        args.extend(self.state_operands(&mut rec, reds));
        if rec
            .record(Opcode::Finish, Kind::Void, &args, None)
            .is_some()
        {
            self.end = TraceEnd::Finished;
        }
    }

    /// Ends the trace with the interpreter function's return of `ret` (its boxed twin form,
    /// written by `encode`), the virtualizable frame written back first. False, and nothing recorded, when the value cannot leave compiled
    /// code.
    pub(crate) fn end_with_return(
        &mut self,
        ret: &dyn std::any::Any,
        encode: fn(&dyn std::any::Any, &mut SnapWriter<'_>) -> bool,
    ) -> bool {
        if !self.recording() {
            return false;
        }
        let mut rec = self.rec.borrow_mut();
        let mut w = SnapWriter {
            rec: &mut rec,
            values: Vec::new(),
        };
        if !encode(ret, &mut w) {
            return false;
        }
        let Some(args) = crate::twin::written_ops(&w.values) else {
            return false;
        };
        // The frame outlives the call (its caller may read what the function left in it):
        // its tracked locations go back into it.
        if let Some(v) = &self.vstate {
            v.force(&mut rec);
        }
        let d = rec.trace.descr(crate::ir::Descr::Target(TargetId::RETURN));
        if rec
            .record(Opcode::Finish, Kind::Void, &args, Some(d))
            .is_some()
        {
            self.end = TraceEnd::Finished;
        }
        true
    }

    fn vable_layout_changed(&self) -> bool {
        self.vstate
            .as_ref()
            .is_some_and(|v| crate::vable::VLayout::of(v.layout.fields, v.frame) != v.layout)
    }

    /// Pushes an outer frame of a resumed chain (bridge tracing) for later snapshots.
    pub(crate) fn push_resumed_frame(
        &mut self,
        info: &'static crate::twin::TwinInfo,
        point: u32,
        values: &[ResumeValue],
    ) {
        let mut rec = self.rec.borrow_mut();
        let vals = values
            .iter()
            .map(|v| SnapValue::Value(v.op.unwrap_or_else(|| rec.const_of(v.kind, v.bits))))
            .collect();
        self.frames.push(SnapFrame {
            code: self.jit.code_id(info),
            point,
            values: vals,
        });
    }

    pub(crate) fn pop_frame(&mut self) {
        self.frames.pop();
    }
}

impl Recording for Tracer {
    /// Gives up the trace.
    fn abort(&mut self, reason: AbortReason) {
        self.rec.borrow_mut().abort(reason);
        if self.end == TraceEnd::Open {
            self.end = TraceEnd::Aborted(reason);
        }
    }

    /// The recorder (borrowed; never hold it across twin code).
    fn rec(&self) -> std::cell::RefMut<'_, Recorder> {
        self.rec.borrow_mut()
    }

    /// Records a guard at `site`.
    fn guard(&mut self, opcode: Opcode, args: &[OpRef], site: Site, live: Live<'_>) {
        let mut rec = self.rec.borrow_mut();
        if !rec.recording() {
            return;
        }
        let snap = self.snapshot(&mut rec, site, live);
        rec.record_guard(opcode, args, snap);
    }

    /// The virtualizable location of a field access on the object at `obj`, if tracked.
    fn vable_field(&self, obj: usize, offset: usize) -> Option<usize> {
        self.vstate.as_ref()?.field_loc(obj, offset)
    }

    /// Whether `loc` is an array-pointer location (those cannot be written in traced code).
    fn vable_is_array_ptr(&self, loc: usize) -> bool {
        self.vstate.as_ref().is_some_and(|v| {
            let l = &v.layout.locs[loc];
            l.item.is_none() && v.layout.fields[l.field].array_item_size.is_some()
        })
    }

    /// The current trace value of a location.
    fn vable_get(&self, loc: usize) -> Option<OpRef> {
        self.vstate.as_ref().map(|v| v.values[loc])
    }

    /// Sets the trace value of a location.
    fn vable_set(&mut self, loc: usize, op: OpRef) {
        if let Some(v) = &mut self.vstate {
            v.values[loc] = op;
        }
    }

    /// The location of item `i` of the array at `arr`, if it is a tracked virtualizable array.
    fn vable_item(&self, arr: usize, i: usize) -> Option<usize> {
        let v = self.vstate.as_ref()?;
        let f = v.array_field(arr)?;
        v.layout.loc_of(f, Some(i))
    }

    /// Whether `arr` is a tracked virtualizable array.
    fn vable_is_array(&self, arr: usize) -> bool {
        self.vstate
            .as_ref()
            .is_some_and(|v| v.array_field(arr).is_some())
    }

    /// Before a residual call with these arguments: if it receives the frame or one of its
    /// arrays, writes the locations back; returns whether they must be reloaded after it.
    fn vable_before_call(&mut self, args: &[ResumeValue]) -> bool {
        let Some(v) = &self.vstate else { return false };
        // The frame, one of its arrays, or, inside inlined calls of the portal, a red of one
        // of them (from a callee's frame, the callee can reach its callers' frames: they must
        // be in memory too). Inlined frames of a resumed chain are not known: every call
        // there writes the frame back.
        let inner = |bits: i64| {
            self.portals.iter().any(|p| match &p.reds {
                Some(reds) => reds.contains(&bits),
                None => true,
            })
        };
        let touches = args.iter().any(|a| {
            a.bits as usize == v.frame || v.array_field(a.bits as usize).is_some() || inner(a.bits)
        });
        if touches {
            v.force(&mut self.rec.borrow_mut());
        }
        touches
    }

    /// After a residual call that received the frame: reloads the locations.
    fn vable_after_call(&mut self) {
        if let Some(v) = &mut self.vstate {
            v.reload(&mut self.rec.borrow_mut());
        }
    }

    /// A quasi-immutable field at `addr` was folded. The first such read of a JIT instance
    /// aborts the trace: it is retraced with an invalidation check at its start.
    fn qi_read(&mut self, addr: usize) {
        self.jit.note_qi_used();
        if !self.checks_at_start {
            self.abort(AbortReason::QuasiImmutableRetrace);
            return;
        }
        if !self.qi_deps.contains(&addr) {
            self.qi_deps.push(addr);
        }
    }

    /// Records `guard_false(getfield(flag))`: the check of this piece's invalidation flag, with
    /// the snapshot `site`/`live` give (or `frames`, at the start of a trace).
    fn qi_used(&self) -> bool {
        self.jit.qi_used()
    }

    fn record_invalidation_check(
        &mut self,
        site: Option<(Site, Live<'_>)>,
        frames: &[crate::twin::ResumeFrame],
    ) {
        if !self.recording() {
            return;
        }
        let addr = &**self.flag.get_or_insert_with(|| Box::new(0)) as *const i64 as i64;
        let flag_op = {
            let mut rec = self.rec.borrow_mut();
            let p = rec.const_of(Kind::Ref, addr);
            let d = rec
                .trace
                .descr(crate::ir::Descr::Field(crate::ir::FieldDescr {
                    name: std::sync::Arc::from("jit.invalidated"),
                    offset: 0,
                    kind: Kind::Int,
                    repr: crate::value::IntRepr {
                        size: 8,
                        signed: true,
                    },
                    flags: crate::ir::FieldFlags::default(),
                }));
            rec.record(Opcode::GetField, Kind::Int, &[p], Some(d))
        };
        let Some(flag_op) = flag_op else { return };
        match site {
            Some((site, live)) => self.guard(Opcode::GuardFalse, &[flag_op], site, live),
            None => {
                let mut rec = self.rec.borrow_mut();
                let mut snap_frames = Vec::new();
                for f in frames {
                    let values = f
                        .values
                        .iter()
                        .map(|v| {
                            SnapValue::Value(v.op.unwrap_or_else(|| rec.const_of(v.kind, v.bits)))
                        })
                        .collect();
                    snap_frames.push(SnapFrame {
                        code: self.jit.code_id(f.info),
                        point: f.point,
                        values,
                    });
                }
                let pending = match &self.vstate {
                    Some(v) => v.pending_stores(&mut rec),
                    None => Vec::new(),
                };
                rec.record_guard(
                    Opcode::GuardFalse,
                    &[flag_op],
                    Snapshot {
                        frames: snap_frames,
                        virtuals: Vec::new(),
                        pending,
                    },
                );
            }
        }
    }
}

impl Executor for Tracer {
    type Recording = Tracer;

    fn tracer(&mut self) -> Option<&mut Tracer> {
        if self.recording() { Some(self) } else { None }
    }

    fn merge_point(
        &mut self,
        portal: &'static PortalInfo,
        greens: &[i64],
        reds: &[ResumeValue],
    ) -> Result<(), Stop> {
        let header = std::mem::take(&mut self.after_can_enter);
        let state = || {
            let mut v = greens.to_vec();
            v.extend(reds.iter().map(|r| r.bits));
            PortalState(v)
        };
        if !self.portals.is_empty() {
            return self.nested_merge_point(greens, header, state);
        }
        if !self.recording() {
            return Err(Stop::MergePoint(state()));
        }
        self.merge_points += 1;
        let key = GreenKey::new(portal as *const PortalInfo as usize, greens);
        let first = !self.started;
        self.started = true;
        if first && matches!(self.kind, TraceKind::Function { .. }) {
            return Ok(());
        }
        if let TraceKind::Loop { key: start, entry } = self.kind.clone() {
            if first {
                return Ok(());
            }
            if key == start {
                if self.vable_layout_changed() {
                    self.abort(AbortReason::VirtualizableChanged);
                } else {
                    self.end_with_jump(entry, reds);
                }
                return Err(Stop::MergePoint(state()));
            }
        }
        if let Some((entry, layout)) = self.jit.compiled_entry_with_layout(&key) {
            let current = self
                .vstate
                .as_ref()
                .map(|v| crate::vable::VLayout::of(v.layout.fields, v.frame));
            if current == layout {
                self.end_with_jump(entry, reds);
            } else {
                // The compiled loop expects another frame layout: return to the interpreter.
                self.end_with_finish(greens, reds);
            }
            return Err(Stop::MergePoint(state()));
        }
        // A bridge at a loop header without compiled code keeps tracing (through the next
        // iteration of that loop) until it reaches compiled code; ending it here with a return to
        // the interpreter would make every later pass exit compiled code. It gives up and returns
        // to the interpreter when it reaches a header it has already passed (it would unroll
        // that loop: every unrolled guard would later grow a bridge of its own, which unrolls
        // again, so bridges multiply with the eager parameters), or has used most of the trace
        // limit. At the return the driver continues in the loop's code once it exists.
        if matches!(self.kind, TraceKind::Bridge | TraceKind::Function { .. }) && header {
            let again = self.headers.contains(&key);
            if again || self.rec.borrow().trace.ops.len() > self.jit.trace_limit() / 2 {
                self.end_with_finish(greens, reds);
                return Err(Stop::MergePoint(state()));
            }
            self.headers.push(key);
        }
        let mut rec = self.rec.borrow_mut();
        let args: Vec<OpRef> = greens.iter().map(|&g| rec.const_of(Kind::Int, g)).collect();
        rec.record(Opcode::DebugMergePoint, Kind::Void, &args, None);
        Ok(())
    }

    fn enter_call(&mut self, after: Site, live: Live<'_>) -> Result<(), Stop> {
        if self.frames.len() >= self.jit.max_inline_depth() {
            self.abort(AbortReason::InlineTooDeep);
        }
        let mut rec = self.rec.borrow_mut();
        let mut w = SnapWriter {
            rec: &mut rec,
            values: Vec::new(),
        };
        live(&mut w);
        let values = w.values;
        self.frames.push(SnapFrame {
            code: self.jit.code_id(after.info),
            point: after.point,
            values,
        });
        Ok(())
    }

    fn leave_call(&mut self) {
        self.frames.pop();
    }

    fn can_enter_jit(&mut self) {
        Tracer::can_enter_jit(self);
    }

    /// Follows the call when recording, the call is not too deep, its function is not already
    /// inlined `max_unroll_recursion` times in this trace, and no earlier trace found a loop
    /// in it.
    fn would_inline_portal_call(&mut self, portal: &'static PortalInfo, greens: &[i64]) -> bool {
        if !self.recording() || self.frames.len() + 1 >= self.jit.max_inline_depth() {
            return false;
        }
        let key = GreenKey::new(portal as *const PortalInfo as usize, greens);
        let again = self
            .portals
            .iter()
            .filter(|p| p.key.as_ref() == Some(&key))
            .count();
        again < self.jit.max_unroll_recursion() && !self.jit.inline_forbidden(&key)
    }

    fn enter_portal_call(
        &mut self,
        portal: &'static PortalInfo,
        greens: &[i64],
        reds: &[ResumeValue],
    ) -> bool {
        if !self.would_inline_portal_call(portal, greens) {
            return false;
        }
        let key = GreenKey::new(portal as *const PortalInfo as usize, greens);
        match self.inlined.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => self.inlined.push((key, 1)),
        }
        self.portals.push(InlinedPortal {
            key: Some(key),
            reds: Some(reds.iter().map(|r| r.bits).collect()),
        });
        true
    }

    fn leave_portal_call(&mut self) {
        self.portals.pop();
    }

    fn set_portal_depth(&mut self, n: usize) {
        self.portals.truncate(n);
        while self.portals.len() < n {
            self.portals.push(InlinedPortal {
                key: None,
                reds: None,
            });
        }
    }

    fn asm_token(&mut self, portal: &'static PortalInfo, greens: &[i64]) -> Option<usize> {
        self.recording().then(|| self.jit.asm_token(portal, greens))
    }

    fn driver_addr(&self) -> usize {
        self.jit.driver_addr()
    }
}

impl Tracer {
    /// The trace grew too long: the function it inlined most often is called, not inlined, by
    /// later traces (RPython's answer to a recursive function unrolled into a huge trace).
    pub(crate) fn forbid_most_inlined(&self) {
        if let Some((key, _)) = self.inlined.iter().max_by_key(|(_, n)| *n) {
            self.jit.forbid_inline(*key);
        }
    }

    /// A merge point of an inlined call of the portal: recorded as a debug merge point (the
    /// trace goes on through the call). A loop header there (a loop in the callee) gives up
    /// the trace and makes later traces call that function instead of inlining it; the rest of
    /// the call then runs natively, as it does once recording has stopped.
    fn nested_merge_point(
        &mut self,
        greens: &[i64],
        header: bool,
        state: impl Fn() -> PortalState,
    ) -> Result<(), Stop> {
        if self.recording() && header {
            if let Some(key) = self.portals.iter().rev().find_map(|p| p.key) {
                self.jit.forbid_inline(key);
            }
            self.abort(AbortReason::LoopInInlinedCall);
        }
        if !self.recording() {
            return Err(Stop::Nested(state()));
        }
        let mut rec = self.rec.borrow_mut();
        let args: Vec<OpRef> = greens.iter().map(|&g| rec.const_of(Kind::Int, g)).collect();
        rec.record(Opcode::DebugMergePoint, Kind::Void, &args, None);
        Ok(())
    }
}
