//! The recorder: builds the trace while the tracer executes twin code.
//!
//! It owns the trace under construction, interns constants and descriptors, keeps a small
//! tracing-time heap cache (a field read twice from the same object is recorded once, as the
//! design asks), counts towards the trace limit and remembers why recording stopped. While a
//! trace is recorded the recorder is also reachable through a thread-local, so that `Sym`
//! arithmetic (plain Rust operators in twin code) can record without an executor argument.

use crate::ir::{Const, Descr, DescrId, Op, OpRef, Opcode, Snapshot, SnapshotId, Trace};
use crate::value::Kind;
use std::any::TypeId;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

macro_rules! abort_reasons {
    ($($variant:ident => $text:literal,)*) => {
        /// Why a trace was given up (logged and counted; the interpreter just continues).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum AbortReason { $(#[doc = $text] $variant,)* }

        impl AbortReason {
            /// Every reason, in table order.
            pub const ALL: &'static [AbortReason] = &[$(AbortReason::$variant,)*];

            /// A short description for logs.
            pub fn text(self) -> &'static str {
                match self { $(AbortReason::$variant => $text,)* }
            }
        }
    };
}

abort_reasons! {
    TraceTooLong => "the trace exceeded trace_limit",
    PortalReturned => "the interpreter function returned while tracing",
    InlineTooDeep => "inlining went deeper than the inlining limit",
    TooManyCallArgs => "a residual call has more arguments than backends support",
    CompileFailed => "the backend could not compile the trace",
    OptimizerFailed => "the optimizer rejected the trace",
    NotGreen => "metajit::assert_green saw a value that is not constant",
    QuasiImmutableRetrace => "the first read of a quasi-immutable field: traced again with invalidation checks",
    VirtualizableChanged => "the virtualizable frame was changed in a way traces cannot follow (array replaced or resized)",
    FailingCall => "a residual call returned None or Err while tracing (failure paths stay in the interpreter)",
    LoopInInlinedCall => "an inlined call of the interpreter function reached a loop header (later traces call that function instead)",
}

impl std::fmt::Display for AbortReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

/// Builds one trace.
pub struct Recorder {
    pub(crate) trace: Trace,
    recording: bool,
    pub(crate) abort: Option<AbortReason>,
    limit: usize,
    field_descrs: HashMap<(TypeId, usize), DescrId>,
    array_descrs: HashMap<(TypeId, usize), DescrId>,
    call_descrs: HashMap<usize, DescrId>,
    size_descrs: HashMap<TypeId, DescrId>,
    /// Tracing-time heap cache: (object, field descriptor) -> value.
    heap: HashMap<(OpRef, DescrId), OpRef>,
    /// Array lengths read so far (lengths never change): array -> length.
    lens: HashMap<OpRef, OpRef>,
}

impl Recorder {
    pub(crate) fn new(limit: usize) -> Recorder {
        Recorder {
            trace: Trace::new(),
            recording: true,
            abort: None,
            limit,
            field_descrs: HashMap::new(),
            array_descrs: HashMap::new(),
            call_descrs: HashMap::new(),
            size_descrs: HashMap::new(),
            heap: HashMap::new(),
            lens: HashMap::new(),
        }
    }

    /// Whether operations are still being recorded.
    pub(crate) fn recording(&self) -> bool {
        self.recording
    }

    /// Stops recording for `reason` (the first reason wins).
    pub(crate) fn abort(&mut self, reason: AbortReason) {
        if self.recording {
            self.recording = false;
            self.abort = Some(reason);
        }
    }

    /// The constant with these bits.
    pub(crate) fn const_of(&mut self, kind: Kind, bits: i64) -> OpRef {
        self.trace.konst(Const { kind, bits })
    }

    /// Records an operation; `None` once recording has stopped.
    pub(crate) fn record(
        &mut self,
        opcode: Opcode,
        kind: Kind,
        args: &[OpRef],
        descr: Option<DescrId>,
    ) -> Option<OpRef> {
        if !self.recording {
            return None;
        }
        if self.trace.ops.len() >= self.limit {
            self.abort(AbortReason::TraceTooLong);
            return None;
        }
        let mut op = Op::new(opcode, kind, args.to_vec());
        op.descr = descr;
        Some(self.trace.push(op))
    }

    /// Records a guard with its snapshot.
    pub(crate) fn record_guard(
        &mut self,
        opcode: Opcode,
        args: &[OpRef],
        snapshot: Snapshot,
    ) -> Option<OpRef> {
        let r = self.record(opcode, Kind::Void, args, None)?;
        let id: SnapshotId = self.trace.add_snapshot(snapshot);
        self.trace.ops[r.index()].snapshot = Some(id);
        Some(r)
    }

    /// The descriptor id of a field of struct type `S`, building the descriptor once.
    pub(crate) fn field_descr(
        &mut self,
        ty: TypeId,
        offset: usize,
        make: impl FnOnce() -> Descr,
    ) -> DescrId {
        if let Some(&d) = self.field_descrs.get(&(ty, offset)) {
            return d;
        }
        let d = self.trace.descr(make());
        self.field_descrs.insert((ty, offset), d);
        d
    }

    /// The descriptor id of arrays of item type `T`.
    pub(crate) fn array_descr(
        &mut self,
        ty: TypeId,
        part: usize,
        make: impl FnOnce() -> Descr,
    ) -> DescrId {
        if let Some(&d) = self.array_descrs.get(&(ty, part)) {
            return d;
        }
        let d = self.trace.descr(make());
        self.array_descrs.insert((ty, part), d);
        d
    }

    /// The descriptor id of a call to the function at `func`.
    pub(crate) fn call_descr(&mut self, func: usize, make: impl FnOnce() -> Descr) -> DescrId {
        if let Some(&d) = self.call_descrs.get(&func) {
            return d;
        }
        let d = self.trace.descr(make());
        self.call_descrs.insert(func, d);
        d
    }

    /// The size descriptor id of struct type `ty`.
    pub(crate) fn size_descr(&mut self, ty: TypeId, make: impl FnOnce() -> Descr) -> DescrId {
        if let Some(&d) = self.size_descrs.get(&ty) {
            return d;
        }
        let d = self.trace.descr(make());
        self.size_descrs.insert(ty, d);
        d
    }

    /// Records that the new array `arr` has length `len`.
    pub(crate) fn array_known_len(&mut self, arr: OpRef, len: OpRef) {
        self.lens.insert(arr, len);
    }

    /// The length of array `arr` (recorded once per array: lengths never change).
    pub(crate) fn array_len(&mut self, arr: OpRef, descr: DescrId) -> Option<OpRef> {
        if let Some(&l) = self.lens.get(&arr) {
            return Some(l);
        }
        let l = self.record(Opcode::ArrayLen, Kind::Int, &[arr], Some(descr))?;
        self.lens.insert(arr, l);
        Some(l)
    }

    /// A cached value of `obj.field`, if this trace read or wrote it since the last
    /// invalidation.
    pub(crate) fn heap_get(&self, obj: OpRef, field: DescrId) -> Option<OpRef> {
        self.heap.get(&(obj, field)).copied()
    }

    /// Remembers `obj.field == value` after a read.
    pub(crate) fn heap_remember(&mut self, obj: OpRef, field: DescrId, value: OpRef) {
        self.heap.insert((obj, field), value);
    }

    /// A write of `obj.field = value`: other objects' cached values of the field may alias.
    pub(crate) fn heap_write(&mut self, obj: OpRef, field: DescrId, value: OpRef) {
        self.heap.retain(|&(_, f), _| f != field);
        self.heap.insert((obj, field), value);
    }

    /// The first write of `obj.field` of a new object (which no other reference aliases).
    pub(crate) fn heap_init(&mut self, obj: OpRef, field: DescrId, value: OpRef) {
        self.heap.insert((obj, field), value);
    }

    /// A call with this effect: forget the cached values of the fields it may write.
    pub(crate) fn heap_clobber_by(&mut self, effect: &crate::ir::EffectInfo) {
        let trace = &self.trace;
        self.heap
            .retain(|&(_, f), _| match &trace.descrs[f.0 as usize] {
                Descr::Field(fd) => fd.flags.immutable || !effect.may_write_field(fd),
                _ => false,
            });
    }
}

thread_local! {
    static ACTIVE: RefCell<Option<Rc<RefCell<Recorder>>>> = const { RefCell::new(None) };
}

/// Runs `f` on the active recorder, if one is installed on this thread and still recording.
pub(crate) fn with_active<R>(f: impl FnOnce(&mut Recorder) -> R) -> Option<R> {
    ACTIVE.with(|a| {
        let a = a.borrow();
        let rc = a.as_ref()?;
        let mut rec = rc.borrow_mut();
        if !rec.recording() {
            return None;
        }
        Some(f(&mut rec))
    })
}

/// Installs `rec` as this thread's active recorder until the guard is dropped.
pub(crate) struct ActiveGuard {
    previous: Option<Rc<RefCell<Recorder>>>,
}

impl ActiveGuard {
    pub(crate) fn install(rec: Rc<RefCell<Recorder>>) -> ActiveGuard {
        let previous = ACTIVE.with(|a| a.borrow_mut().replace(rec));
        ActiveGuard { previous }
    }
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        let prev = self.previous.take();
        ACTIVE.with(|a| *a.borrow_mut() = prev);
    }
}
