//! metajit: a meta-tracing JIT framework for interpreters written in Rust.
//!
//! An interpreter author writes an ordinary dispatch loop, marks it with
//! [`interpreter`](macro@interpreter) (naming its greens and reds), marks the helpers traced
//! code may look into with [`jit`](macro@jit) and friends, and gets a tracing JIT: hot loops of
//! the *interpreted* program are traced by running the interpreter's own logic, optimized, and
//! compiled to machine code, with guards that fall back to the interpreter exactly where
//! execution diverges.
//!
//! The pieces, in pipeline order: the codewriter macros (crate `metajit-macros`) generate a
//! *twin* of each annotated function; the [`tracer`] runs twins and records the IR ([`ir`]);
//! the optimizer ([`opt`]) rewrites it; a [`backend`] compiles it; the [`driver`] runs the
//! life cycle (hot counters, entering compiled code, guard failures through the
//! [`blackhole`], bridges). See the book for the tutorial and references.
#![warn(missing_docs)]

mod asm;
pub mod backend;
pub mod blackhole;
mod buffers;
pub mod chain;
pub mod cli;
pub mod driver;
mod fasthash;
pub mod interrupt;
pub mod ir;
pub mod jitarray;
pub mod log;
pub mod opt;
pub mod params;
mod pieces;
mod regions;
mod registry;
mod resume;
mod stats;
pub mod testing;
pub mod tracer;
pub mod twin;
mod vable;
pub mod value;
pub mod warmstate;

pub use driver::{Entered, JitDriver, PortalInfo, Stats};
pub use jitarray::{ArrayItem, ArrayRef, JitArray};
pub use metajit_macros::{
    JitCompound, JitStruct, dont_look_inside, elidable, interpreter, jit, methods, unroll_safe,
};
pub use params::Params;
pub use twin::class::{Class, ClassFirst, ClassPtr, JitClass, class_of};
pub use twin::{JitCompound, JitNew, JitStruct, Ref};
pub use value::{JitValue, Kind};

/// Whether an interrupt is pending ([`interrupt::request`]). Use it at the points where the
/// interpreter can stop safely (loop back-edges, calls); traced code polls the flag with one
/// memory read and a guard instead of a call.
#[inline(always)]
pub fn interrupt_pending() -> bool {
    interrupt::pending()
}

/// Hint: makes `x` green (a constant in the trace) by guarding on the value seen while tracing.
/// Natively the identity. Use it on values that are nearly always the same at a given program
/// position (types, classes, small integers that select code paths); on values that vary, each
/// new value fails the guard and costs a bridge.
#[inline(always)]
pub fn promote<T>(x: T) -> T {
    x
}

/// The address `addr` as a reference (the payload of a tagged value that points to an object).
/// Traced code records `cast_int_to_ptr`; a pair with [`ref_addr`] folds away.
#[inline(always)]
pub fn ref_from_addr<T>(addr: u64) -> Ref<T> {
    Ref::from_ptr(addr as usize as *mut T)
}

/// The reference to `r` (`Ref::new`, in a form traced code can use: the twin of a `&T` or
/// `&mut T` parameter already is a reference).
#[inline(always)]
pub fn ref_of<T>(r: &T) -> Ref<T> {
    Ref::new(r)
}

/// A reference's address (to store it as a tagged value's payload). Traced code records
/// `cast_ptr_to_int`.
#[inline(always)]
pub fn ref_addr<T>(r: Ref<T>) -> u64 {
    r.addr() as u64
}

/// Whether `r`'s object is exactly of class `U` (a `#[jit(class)]` struct). Traced code guards
/// the class seen while tracing (`guard_class` when it matches, after which the optimizer knows
/// the object's class).
#[inline(always)]
pub fn has_class<U: JitClass>(r: Ref<impl ClassFirst>) -> bool {
    class_of(r) == ClassPtr::of::<U>()
}

/// `r` as a reference to a `U` when its object is exactly of class `U` (guarded in traced code
/// as by [`has_class`]).
#[inline(always)]
pub fn downcast<U: JitClass>(r: Ref<impl ClassFirst>) -> Option<Ref<U>> {
    has_class::<U>(r).then(|| Ref::from_ptr(r.as_ptr().cast::<U>()))
}

/// Hint: `r`'s object is of class `U`, which the interpreter knows without testing (RPython's
/// `record_exact_class`). Traced code records it for the optimizer, which folds later class
/// tests of the object; nothing is checked at run time (a debug build asserts it natively).
#[inline(always)]
pub fn record_exact_class<U: JitClass>(r: Ref<impl ClassFirst>) {
    debug_assert!(
        class_of(r) == ClassPtr::of::<U>(),
        "record_exact_class of another class"
    );
}

/// Hint: true in traced (and blackholed) code, false natively. Lets an interpreter do something
/// cheaper or more JIT-friendly when being traced.
#[inline(always)]
pub fn we_are_jitted() -> bool {
    false
}

/// Hint: whether `x` is a constant in the trace being recorded (natively false). Use it to pick
/// a specialized path only when it will fold.
#[inline(always)]
pub fn is_constant<T>(_x: T) -> bool {
    false
}

/// Hint: aborts tracing when `x` is not a constant (natively nothing). For asserting that a
/// value an interpreter expects to fold does fold.
#[inline(always)]
pub fn assert_green<T>(_x: T) {}

/// Hint: `record_known_result!(result, f(args...))` tells traced code that the
/// `#[metajit::elidable]` function `f` returns `result` for these arguments, so a later call
/// `f(args...)` in the same trace folds to `result` (RPython's `record_known_result`). Natively
/// it does nothing and evaluates nothing. The contract: the fact must be true; a false one
/// makes compiled code compute with the wrong value.
#[macro_export]
macro_rules! record_known_result {
    ($result:expr, $($call:tt)*) => {};
}

/// Allocates a `JitStruct` that implements [`JitNew`] and sets its fields:
/// `metajit::new!(Point { x: 1, y, items: JitArray::new(n, 0) })` (field shorthand allowed).
///
/// Natively: the values are computed in order, then [`JitNew::blank`] makes the object and
/// each named field is overwritten with its value (the blank's value is not dropped; fields
/// not named keep the blank's value). In traced code the allocation is recorded (`new`, and
/// `new_array` for a `JitArray::new` written as a field's value), so the optimizer can remove
/// it when the object does not escape the trace; compiled code and resume data that need the
/// object after all call `blank` too. Returns a [`Ref`] to the object.
#[macro_export]
macro_rules! new {
    ($t:ident { $($f:ident $(: $v:expr)?),* $(,)? }) => {{
        let ($($f,)*) = ($($crate::__new_value!($f $(, $v)?),)*);
        let __obj: $crate::Ref<$t> = <$t as $crate::JitNew>::blank();
        $(
            // SAFETY: `blank` returned a live object of this type, whose fields `new!` sets own
            // nothing (the `JitNew` contract): each is overwritten without a drop.
            unsafe { ::core::ptr::write(::core::ptr::addr_of_mut!((*__obj.as_ptr()).$f), $f) };
        )*
        __obj
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __new_value {
    ($f:ident) => {
        $f
    };
    ($f:ident, $v:expr) => {
        $v
    };
}

/// Hint: `metajit::inlines!(run(code))` — whether a call of the `recursive` interpreter function
/// `run` with these greens (its green parameters, in order) made now from traced code would be
/// inlined into the trace. Natively and in the blackhole it is `false`. An interpreter uses it
/// to prepare a call the way that suits each case: Lox makes an inlined callee's frame with
/// `metajit::new!` (a virtual object, free in the trace) and a called one's by reusing a
/// frame. It only says what the tracer will do: the call must be correct either way.
#[macro_export]
macro_rules! inlines {
    ($($call:tt)*) => {
        false
    };
}

/// Marks the interpreter's dispatch-loop head inside a function annotated with
/// [`interpreter`](macro@interpreter). Outside such a function it does nothing.
#[macro_export]
macro_rules! merge_point {
    () => {};
}

/// Marks a back-edge of the interpreted program (where hot counters tick and compiled code is
/// entered) inside a function annotated with [`interpreter`](macro@interpreter). It must be the
/// last thing before control returns to the loop head. Outside such a function it does nothing.
#[macro_export]
macro_rules! can_enter_jit {
    () => {};
}
