//! The twin form of a Rust type: what a value of that type looks like in twin code.
//!
//! Red scalars and references become `Sym`s; `()` stays; `Result`, `Option` and tuples keep
//! their shape with their contents converted (their variant is decided while tracing, by the
//! guarded control flow that produced them); green data types declared with
//! [`green_type!`](crate::green_type) stay themselves. Parameters and results of twins have
//! twin forms, and [`from_value`] converts a value into the form its destination expects.

use super::compound::{Compound, JitCompound};
use super::sym::Sym;
use super::types::{Ref, TwinType};
use crate::jitarray::ArrayRef;
use crate::value::JitValue;

/// A type that can appear in twin code, and its form there.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter or result of traced code",
    note = "traced code passes JIT values (integers, bool, f64, references, `Ref`s), `()`, and `Result`/`Option`/tuples of them; declare plain green data types with `metajit::green_type!`"
)]
pub trait TwinForm {
    /// The form in twin code.
    type Form;
    /// Converts a native value (at entry into twin code).
    fn to_form(self) -> Self::Form;
    /// Converts back (when twin code hands a result to native code).
    ///
    /// # Safety
    /// References must point to live objects (see [`TwinType::from_twin`]).
    unsafe fn from_form(f: Self::Form) -> Self;
}

/// The twin form of `T`.
pub type Form<T> = <T as TwinForm>::Form;

macro_rules! scalar_forms {
    ($($t:ty),*) => {$(
        impl TwinForm for $t {
            type Form = Sym<$t>;
            #[inline(always)] fn to_form(self) -> Sym<$t> { Sym::konst(self) }
            #[inline(always)] unsafe fn from_form(f: Sym<$t>) -> $t { f.value() }
        }
    )*};
}
scalar_forms!(
    i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, f64, char
);

impl TwinForm for () {
    type Form = ();
    fn to_form(self) {}
    unsafe fn from_form(_: ()) {}
}

impl<T> TwinForm for Ref<T> {
    type Form = Sym<Ref<T>>;
    fn to_form(self) -> Sym<Ref<T>> {
        Sym::konst(self)
    }
    unsafe fn from_form(f: Sym<Ref<T>>) -> Ref<T> {
        f.value()
    }
}

impl<T: crate::jitarray::ArrayItem> TwinForm for ArrayRef<T> {
    type Form = Sym<ArrayRef<T>>;
    fn to_form(self) -> Sym<ArrayRef<T>> {
        Sym::konst(self)
    }
    unsafe fn from_form(f: Sym<ArrayRef<T>>) -> ArrayRef<T> {
        f.value()
    }
}

/// A nullable reference is one JIT value (null for `None`); a `match` on it guards.
impl<T> TwinForm for Option<Ref<T>> {
    type Form = Sym<Option<Ref<T>>>;
    fn to_form(self) -> Sym<Option<Ref<T>>> {
        Sym::konst(self)
    }
    unsafe fn from_form(f: Sym<Option<Ref<T>>>) -> Option<Ref<T>> {
        f.value()
    }
}

impl<'a, T> TwinForm for &'a T {
    type Form = Sym<Ref<T>>;
    fn to_form(self) -> Sym<Ref<T>> {
        Sym::konst(Ref::new(self))
    }
    unsafe fn from_form(f: Sym<Ref<T>>) -> &'a T {
        // SAFETY: the caller's promise.
        unsafe { <&T as TwinType>::from_twin(f.value()) }
    }
}

impl<'a, T> TwinForm for &'a mut T {
    type Form = Sym<Ref<T>>;
    fn to_form(self) -> Sym<Ref<T>> {
        Sym::konst(Ref::new_mut(self))
    }
    unsafe fn from_form(f: Sym<Ref<T>>) -> &'a mut T {
        // SAFETY: the caller's promise.
        unsafe { <&mut T as TwinType>::from_twin(f.value()) }
    }
}

impl<T: TwinForm, E: TwinForm> TwinForm for Result<T, E> {
    type Form = Result<T::Form, E::Form>;
    fn to_form(self) -> Self::Form {
        self.map(T::to_form).map_err(E::to_form)
    }
    unsafe fn from_form(f: Self::Form) -> Self {
        // SAFETY: forwarded to the contents.
        unsafe {
            match f {
                Ok(v) => Ok(T::from_form(v)),
                Err(e) => Err(E::from_form(e)),
            }
        }
    }
}

impl<T: TwinForm + super::TaggedOption> TwinForm for Option<T> {
    type Form = Option<T::Form>;
    fn to_form(self) -> Self::Form {
        self.map(T::to_form)
    }
    unsafe fn from_form(f: Self::Form) -> Self {
        // SAFETY: forwarded to the contents.
        f.map(|v| unsafe { T::from_form(v) })
    }
}

macro_rules! tuple_forms {
    ($(($($n:ident $i:tt),*);)*) => {$(
        impl<$($n: TwinForm),*> TwinForm for ($($n,)*) {
            type Form = ($($n::Form,)*);
            fn to_form(self) -> Self::Form { ($(self.$i.to_form(),)*) }
            unsafe fn from_form(f: Self::Form) -> Self {
                // SAFETY: forwarded to the contents.
                unsafe { ($($n::from_form(f.$i),)*) }
            }
        }
    )*};
}
tuple_forms! {
    (A 0, B 1);
    (A 0, B 1, C 2);
    (A 0, B 1, C 2, D 3);
}

/// Declares plain data types that twin code passes around unchanged (green values: error
/// enums, opcodes, descriptors). Their values are constants of the trace wherever they appear,
/// so they must only be produced by green computations or guarded control flow.
///
/// ```ignore
/// metajit::green_type!(MyError, Op);
/// ```
#[macro_export]
macro_rules! green_type {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::twin::TwinForm for $t {
            type Form = $t;
            fn to_form(self) -> $t { self }
            unsafe fn from_form(f: $t) -> $t { f }
        }
        impl $crate::twin::FromValue<$t> for $t {
            fn from_value(x: $t) -> $t { x }
        }
    )*};
}

/// Conversion of a value into the twin form a destination expects.
#[diagnostic::on_unimplemented(
    message = "cannot pass a `{X}` where traced code expects a `{Self}`"
)]
pub trait FromValue<X> {
    /// Converts.
    fn from_value(x: X) -> Self;
}

impl<T: JitValue> FromValue<T> for Sym<T> {
    #[inline(always)]
    fn from_value(x: T) -> Sym<T> {
        Sym::konst(x)
    }
}
impl<T: JitValue> FromValue<Sym<T>> for Sym<T> {
    #[inline(always)]
    fn from_value(x: Sym<T>) -> Sym<T> {
        x
    }
}
impl<T: JitCompound> FromValue<T> for Compound<T> {
    #[inline(always)]
    fn from_value(x: T) -> Compound<T> {
        Compound::konst(x)
    }
}
impl<T: JitCompound> FromValue<Compound<T>> for Compound<T> {
    #[inline(always)]
    fn from_value(x: Compound<T>) -> Compound<T> {
        x
    }
}
/// `Some(r)` or `None` where a nullable reference is expected.
impl<T> FromValue<Option<Sym<Ref<T>>>> for Sym<Option<Ref<T>>> {
    #[inline(always)]
    fn from_value(x: Option<Sym<Ref<T>>>) -> Sym<Option<Ref<T>>> {
        super::IntoTwin::into_twin(x)
    }
}
impl<'a, T> FromValue<&'a T> for Sym<Ref<T>> {
    fn from_value(x: &'a T) -> Sym<Ref<T>> {
        Sym::konst(Ref::new(x))
    }
}
impl<'a, T> FromValue<&'a mut T> for Sym<Ref<T>> {
    fn from_value(x: &'a mut T) -> Sym<Ref<T>> {
        Sym::konst(Ref::new_mut(x))
    }
}
macro_rules! green_scalars {
    ($($t:ty),*) => {$(
        impl FromValue<$t> for $t {
            #[inline(always)]
            fn from_value(x: $t) -> $t { x }
        }
    )*};
}
green_scalars!(
    i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, f64, char
);

// Green references: twin code holds green data with a `'static` lifetime because twin types are
// lifetime-free; the interpreter's contract is that what greens reach outlives the JIT state.
impl<'a, 'b, T> FromValue<&'a T> for &'b T {
    fn from_value(x: &'a T) -> &'b T {
        // SAFETY: the green-data contract above.
        unsafe { &*(x as *const T) }
    }
}

impl FromValue<()> for () {
    fn from_value(_: ()) {}
}
impl FromValue<Sym<()>> for () {
    fn from_value(_: Sym<()>) {}
}
impl<T, U: FromValue<T>, E, F: FromValue<E>> FromValue<Result<T, E>> for Result<U, F> {
    fn from_value(x: Result<T, E>) -> Result<U, F> {
        x.map(U::from_value).map_err(F::from_value)
    }
}
impl<T, U: FromValue<T>> FromValue<Option<T>> for Option<U> {
    fn from_value(x: Option<T>) -> Option<U> {
        x.map(U::from_value)
    }
}
impl<A, B, A2: FromValue<A>, B2: FromValue<B>> FromValue<(A, B)> for (A2, B2) {
    fn from_value(x: (A, B)) -> (A2, B2) {
        (A2::from_value(x.0), B2::from_value(x.1))
    }
}
impl<A, B, C, A2: FromValue<A>, B2: FromValue<B>, C2: FromValue<C>> FromValue<(A, B, C)>
    for (A2, B2, C2)
{
    fn from_value(x: (A, B, C)) -> (A2, B2, C2) {
        (
            A2::from_value(x.0),
            B2::from_value(x.1),
            C2::from_value(x.2),
        )
    }
}

/// Converts `x` into the twin form the context expects.
#[inline(always)]
pub fn from_value<X, Y: FromValue<X>>(x: X) -> Y {
    Y::from_value(x)
}

/// The `?` operator in twin code: splits a `Result` or `Option` into its value or residual.
pub trait TwinTry {
    /// The success value.
    type Output;
    /// What `?` propagates.
    type Residual;
    /// Splits.
    fn branch(self) -> Result<Self::Output, Self::Residual>;
}

impl<T, E> TwinTry for Result<T, E> {
    type Output = T;
    type Residual = E;
    fn branch(self) -> Result<T, E> {
        self
    }
}

/// The residual of `None?`.
pub struct NoneResidual;

impl<T> TwinTry for Option<T> {
    type Output = T;
    type Residual = NoneResidual;
    fn branch(self) -> Result<T, NoneResidual> {
        self.ok_or(NoneResidual)
    }
}

/// Builds the early return of `?` from its residual.
pub trait TwinFromResidual<R> {
    /// Builds.
    fn from_residual(r: R) -> Self;
}

impl<T, E, F: From<E>> TwinFromResidual<E> for Result<T, F> {
    fn from_residual(r: E) -> Self {
        Err(F::from(r))
    }
}

impl<T> TwinFromResidual<NoneResidual> for Option<T> {
    fn from_residual(_: NoneResidual) -> Self {
        None
    }
}

/// `x?`'s split (generated code).
#[inline(always)]
pub fn try_branch<T: TwinTry>(x: T) -> Result<T::Output, T::Residual> {
    x.branch()
}

/// `x?`'s early return value (generated code).
#[inline(always)]
pub fn from_residual<R, T: TwinFromResidual<R>>(r: R) -> T {
    T::from_residual(r)
}

/// A value bound by a pattern on a red scrutinee, as the twin slot that receives it holds it:
/// a plain JIT value (a promoted integer) becomes a constant `Sym`, a twin value stays itself.
/// Unlike [`from_value`], the result type follows from the binding's type.
pub trait Bind {
    /// The slot's type.
    type Slot;
    /// Converts.
    fn bind(self) -> Self::Slot;
}

impl<T: JitValue> Bind for T {
    type Slot = Sym<T>;
    #[inline(always)]
    fn bind(self) -> Sym<T> {
        Sym::konst(self)
    }
}

impl<T: JitValue> Bind for Sym<T> {
    type Slot = Sym<T>;
    #[inline(always)]
    fn bind(self) -> Sym<T> {
        self
    }
}

impl<T: JitCompound> Bind for Compound<T> {
    type Slot = Compound<T>;
    #[inline(always)]
    fn bind(self) -> Compound<T> {
        self
    }
}

impl<T: Bind + super::TaggedOption> Bind for Option<T> {
    type Slot = Option<T::Slot>;
    #[inline(always)]
    fn bind(self) -> Option<T::Slot> {
        self.map(T::bind)
    }
}

/// [`Bind::bind`] (generated code).
#[inline(always)]
pub fn bind<B: Bind>(b: B) -> B::Slot {
    b.bind()
}
