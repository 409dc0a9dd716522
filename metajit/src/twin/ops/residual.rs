//! Results of residual calls: one JIT value, or an `Option`/`Result` of one.
//!
//! A `#[dont_look_inside]` function may return `Option<T>` or `Result<T, E>` with `T` a JIT
//! value and `E` any type (an error enum, a message). Compiled code calls the function's shim,
//! which returns `T`'s word on success. On failure (`None`, `Err(e)`) the shim keeps the
//! failure aside for this thread (the *pending failure*, as RPython keeps a pending exception)
//! and sets a status word; the trace follows every such call with a guard on the status, whose
//! resume point is the call's own continuation. When the guard fails, resuming the call takes
//! the pending failure, so the interpreter (or the blackhole) goes on with `None` or `Err(e)`
//! exactly where the call returned it. The tracer itself never records a failure path: a
//! failing call while tracing gives up the trace (error paths stay in the interpreter).

use crate::twin::types::TwinType;
use crate::twin::{Form, FromValue, Sym, TwinForm};
use crate::value::JitValue;
use std::any::Any;
use std::cell::{Cell, RefCell};

thread_local! {
    /// Set by a shim whose call failed; compiled code guards that it is 0 after the call.
    static STATUS: Cell<i64> = const { Cell::new(0) };
    /// The failure a shim kept aside, until the call's continuation takes it.
    static PENDING: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

/// The address of this thread's status word (a constant of traces recorded on this thread;
/// a `JitDriver` and its compiled code never leave the thread that made them).
pub(crate) fn status_addr() -> usize {
    STATUS.with(|s| s as *const Cell<i64> as usize)
}

/// Keeps a failed call's failure for its continuation (generated shims call this).
pub fn set_pending(failure: Box<dyn Any>) {
    PENDING.with(|p| *p.borrow_mut() = Some(failure));
    STATUS.with(|s| s.set(1));
}

/// Takes the failure a shim kept aside, if the status says a call failed (the continuation of
/// a call whose status guard failed).
pub fn take_pending() -> Option<Box<dyn Any>> {
    if STATUS.with(|s| s.replace(0)) == 0 {
        return None;
    }
    let f = PENDING.with(|p| p.borrow_mut().take());
    Some(f.unwrap_or_else(|| Box::new(())))
}

/// How a residual function's result crosses the call.
#[diagnostic::on_unimplemented(
    message = "a #[dont_look_inside] function returning `{Self}` cannot be called from traced code",
    note = "residual functions return a JIT value (integers, bool, f64, references, `Ref`s, `()`), or an `Option` or `Result` of one"
)]
pub trait ResidualRet: TwinForm + Sized + 'static {
    /// The JIT value the call's result word carries.
    type Word: JitValue;
    /// Whether the result has a failure side (`None`, `Err`), checked by a status guard.
    const FALLIBLE: bool;
    /// Splits a native result into its word, or its failure (kept aside as a box).
    fn split(self) -> Result<Self::Word, Box<dyn Any>>;
    /// The twin form of a success.
    fn form_ok(w: Sym<Self::Word>) -> Form<Self>;
    /// The twin form of a failure.
    fn form_failure(f: Box<dyn Any>) -> Form<Self>;
    /// The success word of a twin result, if it is one (for `record_known_result!`).
    fn known_word(f: Form<Self>) -> Option<Sym<Self::Word>>;
}

impl<T: TwinType + TwinForm + 'static> ResidualRet for T
where
    Form<T>: FromValue<Sym<T::Twin>>,
    Sym<T::Twin>: FromValue<Form<T>>,
{
    type Word = T::Twin;
    const FALLIBLE: bool = false;
    fn split(self) -> Result<T::Twin, Box<dyn Any>> {
        Ok(self.to_twin())
    }
    fn form_ok(w: Sym<T::Twin>) -> Form<T> {
        <Form<T> as FromValue<Sym<T::Twin>>>::from_value(w)
    }
    fn form_failure(_: Box<dyn Any>) -> Form<T> {
        unreachable!("metajit: an infallible call failed")
    }
    fn known_word(f: Form<T>) -> Option<Sym<T::Twin>> {
        Some(<Sym<T::Twin> as FromValue<Form<T>>>::from_value(f))
    }
}

impl<T: TwinType + TwinForm + crate::twin::TaggedOption + 'static> ResidualRet for Option<T>
where
    Form<T>: FromValue<Sym<T::Twin>>,
    Sym<T::Twin>: FromValue<Form<T>>,
{
    type Word = T::Twin;
    const FALLIBLE: bool = true;
    fn split(self) -> Result<T::Twin, Box<dyn Any>> {
        match self {
            Some(v) => Ok(v.to_twin()),
            None => Err(Box::new(())),
        }
    }
    fn form_ok(w: Sym<T::Twin>) -> Option<Form<T>> {
        Some(<Form<T> as FromValue<Sym<T::Twin>>>::from_value(w))
    }
    fn form_failure(_: Box<dyn Any>) -> Option<Form<T>> {
        None
    }
    fn known_word(f: Option<Form<T>>) -> Option<Sym<T::Twin>> {
        f.map(<Sym<T::Twin> as FromValue<Form<T>>>::from_value)
    }
}

impl<T: TwinType + TwinForm + 'static, E: TwinForm + 'static> ResidualRet for Result<T, E>
where
    Form<T>: FromValue<Sym<T::Twin>>,
    Sym<T::Twin>: FromValue<Form<T>>,
{
    type Word = T::Twin;
    const FALLIBLE: bool = true;
    fn split(self) -> Result<T::Twin, Box<dyn Any>> {
        match self {
            Ok(v) => Ok(v.to_twin()),
            Err(e) => Err(Box::new(e)),
        }
    }
    fn form_ok(w: Sym<T::Twin>) -> Result<Form<T>, Form<E>> {
        Ok(<Form<T> as FromValue<Sym<T::Twin>>>::from_value(w))
    }
    fn form_failure(f: Box<dyn Any>) -> Result<Form<T>, Form<E>> {
        match f.downcast::<E>() {
            Ok(e) => Err(E::to_form(*e)),
            Err(_) => unreachable!("metajit: a pending failure of another type"),
        }
    }
    fn known_word(f: Result<Form<T>, Form<E>>) -> Option<Sym<T::Twin>> {
        f.ok().map(<Sym<T::Twin> as FromValue<Form<T>>>::from_value)
    }
}

/// The shim's result word for a native result (generated shims call this): the success's
/// bits, or 0 with the failure kept aside.
pub fn shim_result<R: ResidualRet>(r: R) -> i64 {
    match r.split() {
        Ok(w) => w.to_bits(),
        Err(f) => {
            set_pending(f);
            0
        }
    }
}

/// Calls a residual function whose result is `R` (generated code): the call is recorded as
/// [`residual_call`](super::residual_call) does, and for a fallible result a guard on the status
/// word follows, resuming at the call's own continuation (`Site { info, point: 0 }`).
#[allow(clippy::too_many_arguments)]
pub fn residual_call_ret<E: crate::twin::Executor, R: ResidualRet>(
    e: &mut E,
    info: &'static crate::twin::TwinInfo,
    name: &'static str,
    func: usize,
    kind: super::CallKind,
    args: &[crate::twin::ResumeValue],
    native: impl FnOnce() -> R,
) -> Form<R> {
    use crate::twin::Recording;
    let word = match native().split() {
        Ok(w) => w,
        Err(failure) => {
            if let Some(t) = e.tracer() {
                t.abort(crate::twin::AbortReason::FailingCall);
            }
            return R::form_failure(failure);
        }
    };
    // A fallible call is never folded or shared: its status must be checked each time.
    let kind = if R::FALLIBLE && kind == super::CallKind::Elidable {
        super::CallKind::Residual
    } else {
        kind
    };
    let sym = super::residual_call(e, info, name, func, kind, args, || word);
    if R::FALLIBLE
        && let Some(t) = e.tracer()
    {
        let status = {
            let mut rec = t.rec();
            let p = rec.const_of(crate::value::Kind::Ref, status_addr() as i64);
            let d = rec.trace.descr(status_descr());
            rec.record(
                crate::ir::Opcode::GetField,
                crate::value::Kind::Int,
                &[p],
                Some(d),
            )
        };
        if let Some(status) = status {
            t.guard(
                crate::ir::Opcode::GuardFalse,
                &[status],
                crate::twin::Site { info, point: 0 },
                &|w: &mut crate::twin::SnapWriter<'_>| crate::twin::SlotValue::write(sym, w),
            );
        }
    }
    R::form_ok(sym)
}

/// The result a resumed residual call hands its caller (generated resume code): the pending
/// failure, if its status guard failed, else the success read from resume data.
///
/// A bridge traced from a status guard starts here. It clears the status word (compiled
/// bridges take the failure over from the guard) and goes on with `None`; a failure with a
/// payload (`Err(e)`) is not traced, since compiled code would keep this `e` for every later
/// failure: the interpreter handles those.
pub fn resume_call_ret<E: crate::twin::Executor, R: ResidualRet>(
    e: &mut E,
    reader: &mut crate::twin::ResumeReader<'_>,
) -> Form<R> {
    use crate::twin::Recording;
    if R::FALLIBLE
        && let Some(failure) = take_pending()
    {
        if let Some(t) = e.tracer() {
            if failure.is::<()>() {
                let mut rec = t.rec();
                let p = rec.const_of(crate::value::Kind::Ref, status_addr() as i64);
                let zero = rec.const_of(crate::value::Kind::Int, 0);
                let d = rec.trace.descr(status_descr());
                rec.record(
                    crate::ir::Opcode::SetField,
                    crate::value::Kind::Void,
                    &[p, zero],
                    Some(d),
                );
            } else {
                t.abort(crate::twin::AbortReason::FailingCall);
            }
        }
        return R::form_failure(failure);
    }
    let w: Sym<R::Word> = crate::twin::SlotValue::read(reader);
    R::form_ok(w)
}

/// The descriptor of the status word.
fn status_descr() -> crate::ir::Descr {
    crate::ir::Descr::Field(crate::ir::FieldDescr {
        name: std::sync::Arc::from("jit.call_failed"),
        offset: 0,
        kind: crate::value::Kind::Int,
        repr: crate::value::IntRepr {
            size: 8,
            signed: true,
        },
        flags: crate::ir::FieldFlags::default(),
    })
}
