//! Run-time support for twin code: what the macros' generated code calls.
//!
//! The codewriter (`metajit-macros`) turns each annotated function into a *twin*: a function
//! generic over an [`Executor`], flattened into numbered blocks, whose locals live in [`Slot`]s
//! and whose red values are [`Sym`]s. Two executors run twins:
//! - the [`crate::tracer::Tracer`] executes concretely and records every operation on red
//!   values into a trace, snapshotting the live slots at each guard;
//! - the [`crate::blackhole::Blackhole`] resumes a chain of twin frames at the resume points a
//!   failed guard names and runs them, without recording, to the next merge point.
//!
//! The contract between generated code and this module:
//! - every potential guard gets a [`Site`] (twin function + resume point) and a [`Live`]
//!   closure writing the values of the slots live there, in the order the resume point's
//!   restore code reads them back;
//! - twin functions return `Result<R, Stop>`; `Stop` unwinds to the driver when the portal
//!   reaches a merge point where execution must leave the twin (blackhole done, trace done);
//! - nothing here is called from native (non-twin) code, and none of it may panic on values the
//!   interpreter produces: a panic in twin code is the interpreter panicking, as it would have
//!   natively.

pub mod class;
pub mod compound;
mod form;
mod methods;
mod ops;
pub(crate) mod recorder;
mod ret;
mod sym;
mod types;

pub use compound::{Compound, JitCompound, Part};
pub use form::{
    Bind, Form, FromValue, NoneResidual, TwinForm, TwinFromResidual, TwinTry, bind, from_residual,
    from_value, try_branch,
};
pub use methods::{Builtin, TwinMethod, call_method, method_hash};
pub use ops::*;
pub use recorder::AbortReason;
pub(crate) use ret::written_ops;
pub use ret::{PortalReturn, decode_return, encode_return};
pub use sym::Sym;
pub use types::{
    FieldInfo, FieldType, FieldWrite, IntoTwin, JitStruct, PTR_REPR, RedOf, Ref, TwinType,
    VirtualizableArray, VirtualizableField, VirtualizableScalar, into_twin,
};

use crate::ir::{OpRef, SnapValue};
use crate::value::{JitValue, Kind};
use recorder::Recorder;
use std::any::Any;

/// A place in a twin function where execution can resume: the function and a point number.
#[derive(Clone, Copy, Debug)]
pub struct Site {
    /// The twin function.
    pub info: &'static TwinInfo,
    /// The resume point within it.
    pub point: u32,
}

/// Writes the live slots of the current twin frame at a site (generated per site).
pub type Live<'a> = &'a dyn Fn(&mut SnapWriter<'_>);

/// The entry of a twin function for resumption by executor `E`, at a resume point, with the
/// reader of its live slots and the result of the call it was waiting for.
pub type ResumeFn<E> =
    fn(&mut E, u32, &mut ResumeReader<'_>, Option<Box<dyn Any>>) -> Result<Box<dyn Any>, Stop>;

/// [`ResumeFn`] with the executor type-erased (it is downcast from `dyn Any`).
pub type ResumeAny = fn(
    &mut dyn Any,
    u32,
    &mut ResumeReader<'_>,
    Option<Box<dyn Any>>,
) -> Result<Box<dyn Any>, Stop>;

/// A twin function's resume entry, for any executor: the codewriter implements it on a marker
/// type per function.
pub trait TwinResume {
    /// Resumes the function in `e` at `point`.
    fn resume<E: Executor>(
        e: &mut E,
        point: u32,
        reader: &mut ResumeReader<'_>,
        ret: Option<Box<dyn Any>>,
    ) -> Result<Box<dyn Any>, Stop>;
}

/// The registration record of one twin function (a `static` the macro emits next to it).
pub struct TwinInfo {
    /// The function's name (for logs).
    pub name: &'static str,
    /// Resumes the function in an executor (`metajit::chain::resume_any::<Marker>`).
    pub resume: ResumeAny,
    /// Whether this is the twin of an interpreter function (a portal): a chain's frames of
    /// portals other than the outermost are inlined calls of it.
    pub portal: bool,
}

impl std::fmt::Debug for TwinInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TwinInfo({})", self.name)
    }
}

/// The static description of an interpreter's dispatch function (emitted by
/// `#[metajit::interpreter]`).
pub struct PortalInfo {
    /// The function's name.
    pub name: &'static str,
    /// Its twin.
    pub twin: &'static TwinInfo,
    /// The resume point of its merge point (greens then reds are its live slots).
    pub merge_point: u32,
    /// Names of the greens, in order.
    pub green_names: &'static [&'static str],
    /// Names of the reds, in order.
    pub red_names: &'static [&'static str],
    /// The virtualizable red (its index among the reds) and its virtualized fields.
    pub virtualizable: Option<(usize, &'static [VirtualizableField])>,
    /// Writes the function's returned value (its boxed twin form) as trace values; false when
    /// it cannot leave compiled code (see [`PortalReturn`]).
    pub encode_return: fn(&dyn Any, &mut SnapWriter<'_>) -> bool,
    /// Rebuilds the boxed twin form of a returned value from the words compiled code returned.
    pub decode_return: fn(&[i64]) -> Box<dyn Any>,
}

impl PortalInfo {
    /// A short description of a green key for logs: `pc=7, code=0x55..`.
    pub(crate) fn describe(&self, greens: &[i64]) -> String {
        let parts: Vec<String> = (self.green_names.iter().zip(greens))
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        parts.join(", ")
    }
}

impl std::fmt::Debug for PortalInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PortalInfo({})", self.name)
    }
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

/// The interpreter state at a merge point: greens then reds, as raw bits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalState(pub Vec<i64>);

/// Why twin code unwinds to the driver.
#[derive(Debug)]
pub enum Stop {
    /// The portal reached a merge point where the executor hands control back: the blackhole
    /// finished, or the tracer ended its trace. Carries the interpreter state there.
    MergePoint(PortalState),
    /// An inlined call of the portal (not the outermost portal frame) reached a merge point
    /// where the executor stops following it: the twin runs the rest of that call natively,
    /// from this state, and returns its result to its caller (which the executor goes on
    /// running). Never reaches the driver.
    Nested(PortalState),
}

/// How a twin function is entered: with fresh arguments (a call) or at a resume point.
pub enum Entry<'r, 'v, A> {
    /// A call with these (twin-form) arguments.
    Fresh(A),
    /// Resumption.
    Resume(Resume<'r, 'v>),
}

/// Where and with what a twin function resumes.
pub struct Resume<'r, 'v> {
    /// The resume point.
    pub point: u32,
    /// The live slots' values.
    pub reader: &'r mut ResumeReader<'v>,
    /// The result of the call the point follows, if it follows one.
    pub ret: Option<Box<dyn Any>>,
}

/// A local variable of twin code. Empty until first assigned. Locals of traced code are
/// plain values: reading a slot copies (clones) its value.
#[derive(Clone, Copy)]
pub struct Slot<T>(Option<T>);

impl<T: Clone> Slot<T> {
    /// An empty slot.
    #[inline(always)]
    pub const fn new() -> Slot<T> {
        Slot(None)
    }

    /// Reads the slot.
    #[inline(always)]
    #[track_caller]
    pub fn get(&self) -> T {
        match &self.0 {
            Some(v) => v.clone(),
            None => slot_unset(),
        }
    }

    /// Writes the slot.
    #[inline(always)]
    pub fn set(&mut self, v: T) {
        self.0 = Some(v);
    }

    /// Whether the slot was assigned.
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }
}

impl<T: Clone> Default for Slot<T> {
    fn default() -> Self {
        Slot::new()
    }
}

#[cold]
#[track_caller]
fn slot_unset() -> ! {
    panic!("metajit: twin code read a local before it was assigned (a codewriter bug)")
}

impl<T: SlotValue> Slot<T> {
    /// Writes this slot's value to a snapshot (generated `Live` closures call this).
    pub fn snap(&self, w: &mut SnapWriter<'_>) {
        match self.0 {
            Some(v) => v.write(w),
            None => T::write_absent(w),
        }
    }

    /// Restores the slot from resume data.
    pub fn restore(&mut self, r: &mut ResumeReader<'_>) {
        self.0 = Some(T::read(r));
    }
}

/// Writes a slot's value to a snapshot (generated `Live` closures call this).
#[inline(always)]
pub fn snap_slot<T: SlotValue>(s: &Slot<T>, w: &mut SnapWriter<'_>) {
    s.snap(w)
}

/// Restores a slot from resume data (generated resume entries call this).
#[inline(always)]
pub fn restore_slot<T: SlotValue>(s: &mut Slot<T>, r: &mut ResumeReader<'_>) {
    s.restore(r)
}

/// Collects the values of live slots at a guard, for the tracer's snapshot.
pub struct SnapWriter<'r> {
    pub(crate) rec: &'r mut Recorder,
    pub(crate) values: Vec<SnapValue>,
}

impl SnapWriter<'_> {
    fn push_const(&mut self, kind: Kind, bits: i64) {
        let r = self.rec.const_of(kind, bits);
        self.values.push(SnapValue::Value(r));
    }
}

/// One resume value: its bits, its kind and, when a tracer resumes (bridges), the trace value
/// holding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResumeValue {
    /// The value's bits.
    pub bits: i64,
    /// The trace value (bridge input) it comes from, or `None` for a constant.
    pub op: Option<OpRef>,
    /// Its kind.
    pub kind: Kind,
}

impl ResumeValue {
    /// The state value of a red (generated merge points call this).
    pub fn of<T: JitValue>(s: Sym<T>) -> ResumeValue {
        ResumeValue {
            bits: s.value().to_bits(),
            op: s.op(),
            kind: T::KIND,
        }
    }
}

/// The bits of a green value at a merge point.
pub fn green_bits<T: JitValue>(g: T) -> i64 {
    g.to_bits()
}

/// Reads the values of one twin frame's live slots when resuming it.
pub struct ResumeReader<'a> {
    values: &'a [ResumeValue],
    pos: usize,
}

impl<'a> ResumeReader<'a> {
    /// A reader over `values`.
    pub fn new(values: &'a [ResumeValue]) -> ResumeReader<'a> {
        ResumeReader { values, pos: 0 }
    }

    fn next(&mut self) -> ResumeValue {
        let v = self.values.get(self.pos).copied().unwrap_or(ResumeValue {
            bits: 0,
            op: None,
            kind: Kind::Int,
        });
        self.pos += 1;
        v
    }
}

/// A value that may live in a slot across a guard: it can be written into resume data and
/// rebuilt from it.
#[diagnostic::on_unimplemented(
    message = "a value of type `{Self}` is live across a guard in traced code, but it cannot be saved in resume data",
    note = "values live across guards must be JIT values (integers, bool, f64, references, `Sym`s, `Option`s of them); compute this value after the guard, or move the code into a `#[metajit::dont_look_inside]` function"
)]
pub trait SlotValue: Copy {
    /// How many resume values the type takes.
    const WIDTH: usize;
    /// Writes the value.
    fn write(self, w: &mut SnapWriter<'_>);
    /// Writes placeholder values for an unassigned slot.
    fn write_absent(w: &mut SnapWriter<'_>) {
        for _ in 0..Self::WIDTH {
            w.push_const(Kind::Int, 0);
        }
    }
    /// Reads the value back.
    fn read(r: &mut ResumeReader<'_>) -> Self;
}

impl<T: JitValue> SlotValue for T {
    const WIDTH: usize = 1;
    fn write(self, w: &mut SnapWriter<'_>) {
        w.push_const(T::KIND, self.to_bits());
    }
    fn write_absent(w: &mut SnapWriter<'_>) {
        w.push_const(T::KIND, 0);
    }
    fn read(r: &mut ResumeReader<'_>) -> T {
        T::from_bits(r.next().bits)
    }
}

impl<T: JitValue> SlotValue for Sym<T> {
    const WIDTH: usize = 1;
    fn write(self, w: &mut SnapWriter<'_>) {
        let r = self.operand(w.rec);
        w.values.push(SnapValue::Value(r));
    }
    fn write_absent(w: &mut SnapWriter<'_>) {
        w.push_const(T::KIND, 0);
    }
    fn read(r: &mut ResumeReader<'_>) -> Sym<T> {
        let v = r.next();
        Sym::traced(T::from_bits(v.bits), v.op)
    }
}

impl<T: JitCompound> SlotValue for Compound<T> {
    const WIDTH: usize = T::PARTS.len();
    fn write(self, w: &mut SnapWriter<'_>) {
        for i in 0..T::PARTS.len() {
            let r = self.part_operand(i, w.rec);
            w.values.push(SnapValue::Value(r));
        }
    }
    fn write_absent(w: &mut SnapWriter<'_>) {
        for p in T::PARTS {
            w.push_const(p.kind, 0);
        }
    }
    fn read(r: &mut ResumeReader<'_>) -> Compound<T> {
        let mut val = compound::zeroed::<T>();
        let mut ops = [None; compound::MAX_PARTS];
        for (i, p) in T::PARTS.iter().enumerate() {
            let v = r.next();
            compound::set_part_bits(&mut val, p, v.bits);
            ops[i] = v.op;
        }
        Compound::traced(val, ops)
    }
}

/// Resume data for a green compound value (what `#[derive(JitCompound)]` generates calls).
pub fn write_compound<T: JitCompound>(v: T, w: &mut SnapWriter<'_>) {
    for p in T::PARTS {
        w.push_const(p.kind, compound::part_bits(&v, p));
    }
}

/// Reads back a green compound value written by [`write_compound`].
pub fn read_compound<T: JitCompound>(r: &mut ResumeReader<'_>) -> T {
    let mut val = compound::zeroed::<T>();
    for p in T::PARTS {
        compound::set_part_bits(&mut val, p, r.next().bits);
    }
    val
}

/// Placeholders for an unassigned slot of a green compound.
pub fn write_absent_compound<T: JitCompound>(w: &mut SnapWriter<'_>) {
    for p in T::PARTS {
        w.push_const(p.kind, 0);
    }
}

/// A value whose `Option` is resumed as a tag word followed by the value. References are not:
/// `Option<Ref<T>>` is itself a JIT value, one nullable word.
pub trait TaggedOption {}

impl<T: JitValue> TaggedOption for Sym<T> {}
impl<T: JitCompound> TaggedOption for Compound<T> {}
impl<T: JitCompound> TaggedOption for T {}
impl<T: crate::jitarray::ArrayItem> TaggedOption for crate::jitarray::ArrayRef<T> {}
macro_rules! tagged_option_scalars {
    ($($t:ty),*) => {$( impl TaggedOption for $t {} )*};
}
tagged_option_scalars!(
    i8,
    i16,
    i32,
    i64,
    isize,
    u8,
    u16,
    u32,
    u64,
    usize,
    bool,
    f64,
    char,
    ()
);

impl<S: SlotValue + TaggedOption> SlotValue for Option<S> {
    const WIDTH: usize = 1 + S::WIDTH;
    fn write(self, w: &mut SnapWriter<'_>) {
        match self {
            Some(v) => {
                w.push_const(Kind::Int, 1);
                v.write(w);
            }
            None => {
                w.push_const(Kind::Int, 0);
                S::write_absent(w);
            }
        }
    }
    fn read(r: &mut ResumeReader<'_>) -> Option<S> {
        let tag = r.next().bits;
        let v = S::read(r);
        (tag != 0).then_some(v)
    }
}

/// An executor of twin code. The twin is generic over it; the two executors are the tracer
/// (records) and the blackhole (only executes).
pub trait Executor: Sized + 'static {
    /// What this executor records with ([`NotRecording`] for one that never records).
    type Recording: Recording;

    /// The recording side of this executor, when it is recording.
    fn tracer(&mut self) -> Option<&mut Self::Recording>;

    /// The portal reached a merge point with these greens and reds: continue, or unwind with
    /// `Stop`.
    fn merge_point(
        &mut self,
        portal: &'static PortalInfo,
        greens: &[i64],
        reds: &[ResumeValue],
    ) -> Result<(), Stop>;

    /// The twin passed a `can_enter_jit!()`: the next merge point is a loop header.
    fn can_enter_jit(&mut self);

    /// A call to another twin begins; `after` is where the caller resumes (with the callee's
    /// result) and `live` its live slots there.
    fn enter_call(&mut self, after: Site, live: Live<'_>) -> Result<(), Stop>;

    /// The call begun by the last `enter_call` returned.
    fn leave_call(&mut self);

    /// Twin code calls the interpreter function `portal` (a call of the portal from traced
    /// code) with these greens and reds: whether to follow the call into its twin (inline it)
    /// rather than make it natively. `true` opens an inlined portal frame, closed by
    /// [`Executor::leave_portal_call`].
    fn enter_portal_call(
        &mut self,
        portal: &'static PortalInfo,
        greens: &[i64],
        reds: &[ResumeValue],
    ) -> bool;

    /// Whether a call of `portal` with these greens made now would be inlined (what
    /// `enter_portal_call` would answer, without opening anything): `metajit::inlines!`.
    fn would_inline_portal_call(&mut self, portal: &'static PortalInfo, greens: &[i64]) -> bool {
        let _ = (portal, greens);
        false
    }

    /// The `call_assembler` token for a call of `portal` with these greens that is not inlined,
    /// when recording (`None`: the call is an ordinary residual call).
    fn asm_token(&mut self, portal: &'static PortalInfo, greens: &[i64]) -> Option<usize> {
        let _ = (portal, greens);
        None
    }

    /// The inlined portal call opened by the last `enter_portal_call` returned.
    fn leave_portal_call(&mut self);

    /// A resumed chain continues in a frame with `n` portal frames outside it (inlined calls
    /// at depth `n`).
    fn set_portal_depth(&mut self, n: usize);

    /// The address of the [`crate::JitDriver`] this executor runs for (generated code turns it
    /// back into the interpreter function's driver parameter).
    fn driver_addr(&self) -> usize;
}

/// What twin code asks of an executor that records (the tracer): the recorder, guards with
/// their snapshots, aborting, the tracked locations of the virtualizable frame, and
/// quasi-immutable reads. The twin operations call it; the tracer implements it.
pub trait Recording {
    /// Gives up the trace.
    fn abort(&mut self, reason: AbortReason);
    /// The recorder (borrowed; never hold it across twin code).
    fn rec(&self) -> std::cell::RefMut<'_, Recorder>;
    /// Records a guard at `site`.
    fn guard(&mut self, opcode: crate::ir::Opcode, args: &[OpRef], site: Site, live: Live<'_>);
    /// The virtualizable location of a field access on the object at `obj`, if tracked.
    fn vable_field(&self, obj: usize, offset: usize) -> Option<usize>;
    /// Whether `loc` is an array-pointer location (those cannot be written in traced code).
    fn vable_is_array_ptr(&self, loc: usize) -> bool;
    /// The current trace value of a location.
    fn vable_get(&self, loc: usize) -> Option<OpRef>;
    /// Sets the trace value of a location.
    fn vable_set(&mut self, loc: usize, op: OpRef);
    /// The location of item `i` of the array at `arr`, if it is a tracked virtualizable array.
    fn vable_item(&self, arr: usize, i: usize) -> Option<usize>;
    /// Whether `arr` is a tracked virtualizable array.
    fn vable_is_array(&self, arr: usize) -> bool;
    /// Before a residual call with these arguments: writes the tracked locations back if the
    /// call receives the frame or one of its arrays; returns whether to reload them after it.
    fn vable_before_call(&mut self, args: &[ResumeValue]) -> bool;
    /// After a residual call that received the frame: reloads the locations.
    fn vable_after_call(&mut self);
    /// A quasi-immutable field at `addr` was folded.
    fn qi_read(&mut self, addr: usize);
    /// Whether any trace of this JIT instance folded a quasi-immutable field (calls then check
    /// the invalidation flag).
    fn qi_used(&self) -> bool;
    /// Records the check of this trace's invalidation flag, with the snapshot `site`/`live`
    /// give (or `frames`, at the start of a trace).
    fn record_invalidation_check(&mut self, site: Option<(Site, Live<'_>)>, frames: &[ResumeFrame]);
}

/// The [`Recording`] of an executor that never records (it has no values).
pub enum NotRecording {}

impl Recording for NotRecording {
    fn abort(&mut self, _: AbortReason) {
        match *self {}
    }
    fn rec(&self) -> std::cell::RefMut<'_, Recorder> {
        match *self {}
    }
    fn guard(&mut self, _: crate::ir::Opcode, _: &[OpRef], _: Site, _: Live<'_>) {
        match *self {}
    }
    fn vable_field(&self, _: usize, _: usize) -> Option<usize> {
        match *self {}
    }
    fn vable_is_array_ptr(&self, _: usize) -> bool {
        match *self {}
    }
    fn vable_get(&self, _: usize) -> Option<OpRef> {
        match *self {}
    }
    fn vable_set(&mut self, _: usize, _: OpRef) {
        match *self {}
    }
    fn vable_item(&self, _: usize, _: usize) -> Option<usize> {
        match *self {}
    }
    fn vable_is_array(&self, _: usize) -> bool {
        match *self {}
    }
    fn vable_before_call(&mut self, _: &[ResumeValue]) -> bool {
        match *self {}
    }
    fn vable_after_call(&mut self) {
        match *self {}
    }
    fn qi_read(&mut self, _: usize) {
        match *self {}
    }
    fn qi_used(&self) -> bool {
        match *self {}
    }
    fn record_invalidation_check(&mut self, _: Option<(Site, Live<'_>)>, _: &[ResumeFrame]) {
        match *self {}
    }
}
