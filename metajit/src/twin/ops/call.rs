//! Calls (residual and inlined), known results, and the hints (`we_are_jitted`, `is_constant`, `assert_green`).

use crate::ir::{CallDescr, Descr, EffectInfo, OpRef, Opcode};
use crate::twin::Recording;
use crate::twin::types::TwinType;
use crate::twin::{Executor, Live, ResumeValue, Site, Stop, Sym};
use crate::value::{JitValue, Kind};
use std::any::Any;
use std::sync::Arc;

// ---------------------------------------------------------------- calls

/// Where a call happens, for the callee's snapshots: `before` is the call itself (guards a
/// builtin records resume there and redo the call), `after` is the caller's continuation
/// (inlined callees' guards resume the caller there, with the callee's result).
#[derive(Clone, Copy)]
pub struct CallSite<'a> {
    /// Resume point before the call.
    pub before: Site,
    /// Live slots before the call.
    pub live_before: Live<'a>,
    /// Resume point after the call.
    pub after: Site,
    /// Live slots after the call (the result excluded).
    pub live_after: Live<'a>,
}

/// A function twin code can call: implemented by the annotation macros on a marker type
/// named like the function (`#[metajit::jit] fn f` makes `struct f {}`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is called with red arguments in traced code but is not annotated",
    note = "annotate the function with #[metajit::jit] (inline it), #[metajit::elidable] (pure) or #[metajit::dont_look_inside] (call it as is)"
)]
pub trait TwinFn<E: Executor> {
    /// The twin parameter tuple.
    type Args;
    /// The twin result.
    type Ret;
    /// Calls (inlines, records a residual call, or folds).
    fn call(e: &mut E, args: Self::Args, site: CallSite<'_>) -> Result<Self::Ret, Stop>;
}

/// What a residual or elidable call may do, from its annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// `#[metajit::dont_look_inside]`: anything.
    Residual,
    /// `#[metajit::elidable]`: nothing (pure).
    Elidable,
    /// `#[metajit::dont_look_inside(reads_only)]`: reads the heap, writes nothing traced code
    /// can see (what the trace knows of fields survives the call).
    ReadOnly,
    /// `#[metajit::dont_look_inside(writes(Type.field, [Item], ...))]`: writes only these
    /// fields and the items of these arrays (by descriptor name: `Type.field`, `array<Item>`).
    Writes(&'static [&'static str]),
    /// A call of the interpreter function through its compiled entry (`call_assembler`, what
    /// the codewriter generates for `recursive` portals): anything.
    Assembler,
}

impl CallKind {
    /// The effect of the call, for its descriptor.
    fn effect(self) -> EffectInfo {
        match self {
            CallKind::Residual | CallKind::Assembler => EffectInfo::Any,
            CallKind::Elidable => EffectInfo::Elidable,
            CallKind::ReadOnly => EffectInfo::ReadOnly,
            CallKind::Writes(fields) => {
                EffectInfo::WritesFields(fields.iter().map(|f| Arc::from(*f)).collect())
            }
        }
    }
}

/// Calls a function as a residual call (or folds an elidable one with constant arguments).
///
/// `native` performs the call concretely; `func` is the address of its `extern "C"` shim
/// (all-`i64` convention) that compiled code calls.
pub fn residual_call<E: Executor, R: JitValue>(
    e: &mut E,
    info: &'static crate::twin::TwinInfo,
    name: &'static str,
    func: usize,
    kind: CallKind,
    args: &[ResumeValue],
    native: impl FnOnce() -> R,
) -> Sym<R> {
    let val = native();
    let Some(t) = e.tracer() else {
        return Sym::konst(val);
    };
    if kind == CallKind::Elidable && args.iter().all(|a| a.op.is_none()) {
        return Sym::konst(val);
    }
    if args.len() > crate::backend::MAX_CALL_ARGS {
        t.abort(crate::twin::AbortReason::TooManyCallArgs);
        return Sym::konst(val);
    }
    let reload = kind != CallKind::Elidable && t.vable_before_call(args);
    let mut rec = t.rec();
    let d = rec.call_descr(func, || {
        Descr::Call(CallDescr {
            name: Arc::from(name),
            func,
            args: args.iter().map(|a| a.kind).collect(),
            result: if std::mem::size_of::<R>() == 0 {
                Kind::Void
            } else {
                R::KIND
            },
            effect: kind.effect(),
        })
    });
    let ops: Vec<OpRef> = args
        .iter()
        .map(|a| a.op.unwrap_or_else(|| rec.const_of(a.kind, a.bits)))
        .collect();
    let result_kind = match &rec.trace.descrs[d.0 as usize] {
        Descr::Call(c) => c.result,
        _ => Kind::Void,
    };
    let opcode = match kind {
        CallKind::Elidable => Opcode::CallPure,
        CallKind::Assembler => Opcode::CallAssembler,
        _ => Opcode::Call,
    };
    let r = rec.record(opcode, result_kind, &ops, Some(d));
    if kind != CallKind::Elidable {
        let effect = kind.effect();
        rec.heap_clobber_by(&effect);
    }
    drop(rec);
    if reload {
        t.vable_after_call();
    }
    let result = if result_kind == Kind::Void {
        Sym::konst(val)
    } else {
        Sym::traced(val, r)
    };
    if kind != CallKind::Elidable && t.qi_used() {
        // The call may have changed a quasi-immutable field this trace folded: check the
        // invalidation flag, resuming (if it was set) just after the call with its result.
        t.record_invalidation_check(
            Some((
                crate::twin::Site { info, point: 0 },
                &|w: &mut crate::twin::SnapWriter<'_>| crate::twin::SlotValue::write(result, w),
            )),
            &[],
        );
    }
    result
}

/// A function whose results `metajit::record_known_result!` can declare: the elidable ones
/// (implemented by `#[metajit::elidable]`).
#[diagnostic::on_unimplemented(
    message = "record_known_result! needs a #[metajit::elidable] function, and `{Self}` is not one"
)]
pub trait TwinKnownResult<E: Executor>: TwinFn<E> {
    /// Tells the trace that the function returns `result` for `args`.
    fn record(e: &mut E, args: Self::Args, result: Self::Ret);
}

/// Records that the elidable function at `func` returns `result` for `args`: later calls with
/// the same arguments fold to `result` (the pure pass uses the fact; it costs nothing at run
/// time).
pub fn record_known_result<E: Executor>(
    e: &mut E,
    name: &'static str,
    func: usize,
    args: &[ResumeValue],
    result: ResumeValue,
) {
    let Some(t) = e.tracer() else { return };
    if args.len() > crate::backend::MAX_CALL_ARGS {
        return;
    }
    let mut rec = t.rec();
    let d = rec.call_descr(func, || {
        Descr::Call(CallDescr {
            name: Arc::from(name),
            func,
            args: args.iter().map(|a| a.kind).collect(),
            result: result.kind,
            effect: EffectInfo::Elidable,
        })
    });
    let mut ops: Vec<OpRef> = vec![
        result
            .op
            .unwrap_or_else(|| rec.const_of(result.kind, result.bits)),
    ];
    ops.extend(
        args.iter()
            .map(|a| a.op.unwrap_or_else(|| rec.const_of(a.kind, a.bits))),
    );
    rec.record(Opcode::RecordKnownResult, Kind::Void, &ops, Some(d));
}

/// The resume value of a call argument (generated call code passes these to
/// [`residual_call`]).
pub fn arg_value<T: JitValue>(s: Sym<T>) -> ResumeValue {
    ResumeValue::of(s)
}

/// The result of an inlined call handed to a resumed caller (generated resume code calls
/// this).
pub fn take_result<T: 'static>(ret: Option<Box<dyn Any>>) -> T {
    match ret.map(|b| b.downcast::<T>()) {
        Some(Ok(v)) => *v,
        _ => panic!(
            "metajit: resumed a call continuation without the callee's result (a codewriter bug)"
        ),
    }
}

/// Boxes a twin result for the type-erased resume chain.
pub fn box_result<T: 'static>(v: T) -> Box<dyn Any> {
    Box::new(v)
}

/// Converts a twin value back to the native type (at the portal's boundary).
///
/// # Safety
/// See [`TwinType::from_twin`].
pub unsafe fn from_twin<T: TwinType>(s: Sym<T::Twin>) -> T {
    // SAFETY: the caller's promise.
    unsafe { T::from_twin(s.value()) }
}

/// The bits and kind of a red value at `can_enter_jit!()` (generated native code).
pub fn red_state<T: JitValue>(x: &T) -> (i64, Kind) {
    (T::to_bits(*x), T::KIND)
}

/// The bits and kind of a red reference at `can_enter_jit!()`.
pub fn red_state_ref<T>(x: &T) -> (i64, Kind) {
    (x as *const T as i64, Kind::Ref)
}

/// `metajit::we_are_jitted()` in twin code: true in both executors (their code is the jitted
/// version of the interpreter).
pub fn we_are_jitted() -> bool {
    true
}

/// A value `metajit::is_constant` can ask about.
pub trait MaybeConst {
    /// Whether it is a constant of the trace.
    fn is_const_value(&self) -> bool;
}
impl<T: JitValue> MaybeConst for Sym<T> {
    fn is_const_value(&self) -> bool {
        self.is_const()
    }
}
impl<T: JitValue> MaybeConst for T {
    fn is_const_value(&self) -> bool {
        true
    }
}

/// `metajit::is_constant(x)` in twin code.
pub fn is_constant<E: Executor, X: MaybeConst>(e: &mut E, x: X) -> bool {
    e.tracer().is_some() && x.is_const_value()
}

/// `metajit::assert_green(x)` in twin code: aborts the trace if `x` is not a constant.
pub fn assert_green<E: Executor, X: MaybeConst>(e: &mut E, x: X) {
    if !x.is_const_value()
        && let Some(t) = e.tracer()
    {
        t.abort(crate::twin::AbortReason::NotGreen);
    }
}

/// Unused-value sink for generated statements (`let _ = expr;`).
#[inline(always)]
pub fn discard<T>(_: T) {}
