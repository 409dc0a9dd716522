//! Types that cross between native code and twin code: references to JIT-visible structs,
//! field types, and the conversions the generated code applies at function boundaries.

use super::sym::Sym;
use crate::jitarray::{ArrayRef, JitArray};
use crate::value::{IntRepr, JitValue, Kind};
use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A reference to a JIT-visible object (a `#[derive(JitStruct)]` struct or anything else the
/// interpreter hands around by pointer): the red form of `&T` / `&mut T` in traced code.
///
/// It is a non-null address, `Copy`, and travels as an IR `ref`; a nullable reference is an
/// `Option<Ref<T>>`, one word with null for `None`, which traced code tests with
/// `guard_nonnull`/`guard_isnull`. Turning a `Ref` back into a Rust reference is `unsafe`: the
/// interpreter promises the object outlives the use.
#[repr(transparent)]
pub struct Ref<T> {
    ptr: NonNull<T>,
    _t: PhantomData<*mut T>,
}

impl<T> Clone for Ref<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Ref<T> {}

impl<T> std::fmt::Debug for Ref<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ref({:p})", self.ptr.as_ptr())
    }
}

impl<T> PartialEq for Ref<T> {
    fn eq(&self, o: &Self) -> bool {
        self.ptr == o.ptr
    }
}

impl<T> Ref<T> {
    /// The reference to `r`.
    pub fn new(r: &T) -> Ref<T> {
        Ref {
            ptr: NonNull::from(r),
            _t: PhantomData,
        }
    }

    /// The reference to a mutable `r`.
    pub fn new_mut(r: &mut T) -> Ref<T> {
        Ref {
            ptr: NonNull::from(r),
            _t: PhantomData,
        }
    }

    /// The reference held by a raw pointer (the pointer's object must outlive every use, as
    /// for any `Ref`).
    ///
    /// # Panics
    /// If `ptr` is null: a reference that may be missing is an `Option<Ref<T>>`
    /// ([`Ref::from_nullable`]).
    pub fn from_ptr(ptr: *mut T) -> Ref<T> {
        Ref::from_nullable(ptr).expect("Ref::from_ptr of a null pointer")
    }

    /// The reference held by a raw pointer, `None` for null.
    pub fn from_nullable(ptr: *mut T) -> Option<Ref<T>> {
        NonNull::new(ptr).map(|ptr| Ref {
            ptr,
            _t: PhantomData,
        })
    }

    /// A placeholder that refers to no object (its address is `T`'s alignment, which no
    /// object has): for fields `metajit::new!` overwrites, never to be read through.
    pub fn dangling() -> Ref<T> {
        Ref {
            ptr: NonNull::dangling(),
            _t: PhantomData,
        }
    }

    /// The object's address.
    pub fn addr(self) -> usize {
        self.ptr.as_ptr() as usize
    }

    /// The raw pointer.
    pub fn as_ptr(self) -> *mut T {
        self.ptr.as_ptr()
    }

    /// The object, shared.
    ///
    /// # Safety
    /// The object must be alive for `'a` and not mutated through another path meanwhile.
    pub unsafe fn get<'a>(self) -> &'a T {
        // SAFETY: the caller's promise.
        unsafe { self.ptr.as_ref() }
    }

    /// The object, unique.
    ///
    /// # Safety
    /// The object must be alive for `'a` and accessed through no other path meanwhile.
    pub unsafe fn get_mut<'a>(self) -> &'a mut T {
        // SAFETY: the caller's promise.
        unsafe { &mut *self.ptr.as_ptr() }
    }
}

/// Field access through a `Ref` in native interpreter code. A `Ref` is like a garbage-collected
/// reference: it does not keep its object alive; the interpreter guarantees the object outlives
/// every `Ref` to it (reading through a dangling `Ref` is undefined behaviour).
impl<T> std::ops::Deref for Ref<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the type's contract above.
        unsafe { self.ptr.as_ref() }
    }
}

// SAFETY: a Ref travels as its address; from_bits rebuilds the same address (zero, which no
// Ref holds, becomes the dangling placeholder rather than an invalid value).
unsafe impl<T> JitValue for Ref<T> {
    const KIND: Kind = Kind::Ref;
    fn to_bits(self) -> i64 {
        self.addr() as i64
    }
    fn from_bits(bits: i64) -> Self {
        Ref::from_nullable(bits as *mut T).unwrap_or_else(Ref::dangling)
    }
}

// SAFETY: a nullable reference travels as its address or zero; from_bits rebuilds either.
unsafe impl<T> JitValue for Option<Ref<T>> {
    const KIND: Kind = Kind::Ref;
    fn to_bits(self) -> i64 {
        self.map_or(0, |r| r.addr() as i64)
    }
    fn from_bits(bits: i64) -> Self {
        Ref::from_nullable(bits as *mut T)
    }
}

/// One field of a [`JitStruct`], as the derive describes it.
#[derive(Clone, Copy, Debug)]
pub struct FieldInfo {
    /// The field's name.
    pub name: &'static str,
    /// Its byte offset (`core::mem::offset_of!`).
    pub offset: usize,
    /// `#[jit(immutable)]`: never written after construction.
    pub immutable: bool,
    /// `#[jit(quasi_immutable)]`: rarely written; reads from a constant object fold. A write
    /// goes through `JitDriver::invalidate_quasi_immutable`, which invalidates the code that
    /// folded the field.
    pub quasi_immutable: bool,
}

/// A struct whose fields traced code may read and write. Implemented by
/// `#[derive(metajit::JitStruct)]` on `#[repr(C)]` structs.
///
/// # Safety
/// `FIELDS` must list real fields with their true offsets.
pub unsafe trait JitStruct: 'static {
    /// The struct's name (for descriptors and logs).
    const NAME: &'static str;
    /// Its fields.
    const FIELDS: &'static [FieldInfo];
    /// The fields kept in registers while the struct is the interpreter's virtualizable
    /// (`#[jit(virtualizable)]` scalars and `#[jit(virtualizable_array)]` arrays, in order).
    const VIRTUALIZABLE: &'static [VirtualizableField] = &[];
    /// The struct's class (`#[jit(class)]`): objects carry its address as a type id in their
    /// first word (see [`JitClass`](super::class::JitClass)).
    const CLASS: Option<&'static super::class::Class> = None;
}

/// The representation of a pointer-sized word.
pub const PTR_REPR: IntRepr = IntRepr {
    size: 8,
    signed: true,
};

/// A field of a virtualizable struct: a scalar, or a `JitArray` whose items are virtualized.
#[derive(Clone, Copy, Debug)]
pub struct VirtualizableField {
    /// The struct's name (`JitStruct::NAME`).
    pub owner: &'static str,
    /// The field's name.
    pub name: &'static str,
    /// Its offset.
    pub offset: usize,
    /// The kind of the scalar (arrays: unused, see `array_parts`).
    pub kind: Kind,
    /// Width and signedness of the scalar.
    pub repr: IntRepr,
    /// For arrays: the size of one item (items start at `JitArray`'s fixed offset).
    pub array_item_size: Option<usize>,
    /// For arrays: the parts of an item, each a location per item.
    pub array_parts: &'static [super::compound::Part],
    /// For arrays: the array descriptor of part `i` of the items.
    pub array_descr: Option<fn(usize) -> crate::ir::ArrayDescr>,
}

/// A field type that can be a virtualizable scalar.
pub trait VirtualizableScalar {
    /// Its kind.
    const KIND: Kind;
    /// Its representation.
    const REPR: IntRepr;
}

impl<F: FieldWrite> VirtualizableScalar for F {
    const KIND: Kind = <F::Read as JitValue>::KIND;
    const REPR: IntRepr = <F::Read as JitValue>::REPR;
}

/// A field type that can be a virtualizable array (`JitArray<T>`).
pub trait VirtualizableArray {
    /// The parts of an item (one for a JIT value, one per field of a compound).
    const PARTS: &'static [super::compound::Part];
    /// The size of an item.
    const ITEM_SIZE: usize;
    /// The array descriptor of part `part` of the items.
    fn descr(part: usize) -> crate::ir::ArrayDescr;
}

impl<T: crate::jitarray::ArrayItem> VirtualizableArray for JitArray<T> {
    const PARTS: &'static [super::compound::Part] = T::PARTS;
    const ITEM_SIZE: usize = std::mem::size_of::<T>();
    fn descr(part: usize) -> crate::ir::ArrayDescr {
        crate::jitarray::part_descr::<T>(part)
    }
}

/// A type a field of a [`JitStruct`] may have in traced code, and what reading it yields.
///
/// # Safety
/// `Self` and `Self::Read` must have the same size and bit layout, because traced code reads a
/// field of type `Self` as a `Self::Read`.
pub unsafe trait FieldType {
    /// The value a read produces (a `JitValue`).
    type Read: JitValue;
}

/// A [`FieldType`] traced code may also write.
///
/// # Safety
/// Writing a `Self::Read` over a `Self` must leave a valid `Self` and drop nothing.
pub unsafe trait FieldWrite: FieldType {}

macro_rules! scalar_fields {
    ($($t:ty),*) => {$(
        // SAFETY: a scalar field reads as itself.
        unsafe impl FieldType for $t { type Read = $t; }
        // SAFETY: scalars have no drop glue.
        unsafe impl FieldWrite for $t {}
        // SAFETY: Cell<T> is repr(transparent) over T.
        unsafe impl FieldType for Cell<$t> { type Read = $t; }
        // SAFETY: as above; writing through a shared reference is what Cell is for.
        unsafe impl FieldWrite for Cell<$t> {}
    )*};
}
scalar_fields!(
    i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, f64
);

// SAFETY: a JitArray is one pointer to its block, which is what an ArrayRef is.
unsafe impl<T: crate::jitarray::ArrayItem> FieldType for JitArray<T> {
    type Read = ArrayRef<T>;
}
// SAFETY: a Ref field is a pointer read as itself.
unsafe impl<T> FieldType for Ref<T> {
    type Read = Ref<T>;
}
// SAFETY: as above, no drop glue.
unsafe impl<T> FieldWrite for Ref<T> {}
// SAFETY: `Option<Ref<T>>` is one pointer, null for `None` (the `NonNull` niche), read as
// itself.
unsafe impl<T> FieldType for Option<Ref<T>> {
    type Read = Option<Ref<T>>;
}
// SAFETY: no drop glue.
unsafe impl<T> FieldWrite for Option<Ref<T>> {}
// SAFETY: Cell<Option<Ref<T>>> is repr(transparent) over the nullable pointer.
unsafe impl<T> FieldType for Cell<Option<Ref<T>>> {
    type Read = Option<Ref<T>>;
}
// SAFETY: Cell writes need no drop.
unsafe impl<T> FieldWrite for Cell<Option<Ref<T>>> {}
// SAFETY: a `&'static T` field is a pointer (to static data: code, tables), read as a `Ref`
// as `&T` parameters are.
unsafe impl<T: 'static> FieldType for &'static T {
    type Read = Ref<T>;
}
// SAFETY: Cell<Ref<T>> is repr(transparent) over the pointer.
unsafe impl<T> FieldType for Cell<Ref<T>> {
    type Read = Ref<T>;
}
// SAFETY: Cell writes need no drop.
unsafe impl<T> FieldWrite for Cell<Ref<T>> {}
// SAFETY: Box<T> (T: Sized) is one non-null pointer to the T.
unsafe impl<T> FieldType for Box<T> {
    type Read = Ref<T>;
}

/// How a Rust type appears in twin code at function boundaries (parameters, results) when it
/// is red: `&T`/`&mut T` become [`Ref<T>`], scalars stay themselves, all wrapped in [`Sym`].
pub trait TwinType {
    /// The `JitValue` the type travels as.
    type Twin: JitValue;
    /// Native value to its twin form.
    fn to_twin(self) -> Self::Twin;
    /// Twin form back to the native value.
    ///
    /// # Safety
    /// For references: the object must be alive and not aliased for the reference's lifetime
    /// (the JIT only rebuilds references it got from the interpreter at the same merge point).
    unsafe fn from_twin(t: Self::Twin) -> Self;
}

macro_rules! scalar_twin {
    ($($t:ty),*) => {$(
        impl TwinType for $t {
            type Twin = $t;
            #[inline(always)] fn to_twin(self) -> $t { self }
            #[inline(always)] unsafe fn from_twin(t: $t) -> $t { t }
        }
    )*};
}
scalar_twin!(
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
    ()
);

impl<T> TwinType for Ref<T> {
    type Twin = Ref<T>;
    fn to_twin(self) -> Ref<T> {
        self
    }
    unsafe fn from_twin(t: Ref<T>) -> Ref<T> {
        t
    }
}

impl<T> TwinType for Option<Ref<T>> {
    type Twin = Option<Ref<T>>;
    fn to_twin(self) -> Option<Ref<T>> {
        self
    }
    unsafe fn from_twin(t: Option<Ref<T>>) -> Option<Ref<T>> {
        t
    }
}

impl<T: crate::jitarray::ArrayItem> TwinType for ArrayRef<T> {
    type Twin = ArrayRef<T>;
    fn to_twin(self) -> ArrayRef<T> {
        self
    }
    unsafe fn from_twin(t: ArrayRef<T>) -> ArrayRef<T> {
        t
    }
}

impl<'a, T> TwinType for &'a T {
    type Twin = Ref<T>;
    fn to_twin(self) -> Ref<T> {
        Ref::new(self)
    }
    unsafe fn from_twin(t: Ref<T>) -> &'a T {
        // SAFETY: the caller's promise (see the trait).
        unsafe { t.get() }
    }
}

impl<'a, T> TwinType for &'a mut T {
    type Twin = Ref<T>;
    fn to_twin(self) -> Ref<T> {
        Ref::new_mut(self)
    }
    unsafe fn from_twin(t: Ref<T>) -> &'a mut T {
        // SAFETY: the caller's promise (see the trait).
        unsafe { t.get_mut() }
    }
}

/// The red twin form of a native type: `Sym` of its `TwinType::Twin`.
pub type RedOf<T> = Sym<<T as TwinType>::Twin>;

/// Conversion of an argument into the form a twin parameter expects: plain values become
/// constant `Sym`s, `Sym`s pass through, and green parameters take plain values as they are.
pub trait IntoTwin<Target> {
    /// Converts.
    fn into_twin(self) -> Target;
}

impl<T> IntoTwin<T> for T {
    #[inline(always)]
    fn into_twin(self) -> T {
        self
    }
}

impl<T: JitValue> IntoTwin<Sym<T>> for T {
    #[inline(always)]
    fn into_twin(self) -> Sym<T> {
        Sym::konst(self)
    }
}

impl<T: super::compound::JitCompound> IntoTwin<super::compound::Compound<T>> for T {
    #[inline(always)]
    fn into_twin(self) -> super::compound::Compound<T> {
        super::compound::Compound::konst(self)
    }
}

/// `Some(r)` and `None` in twin code, where a nullable reference is expected.
impl<T> IntoTwin<Sym<Option<Ref<T>>>> for Option<Sym<Ref<T>>> {
    #[inline(always)]
    fn into_twin(self) -> Sym<Option<Ref<T>>> {
        match self {
            Some(r) => r.with_value(Some(r.value())),
            None => Sym::konst(None),
        }
    }
}

impl<T> IntoTwin<Sym<Ref<T>>> for &T {
    fn into_twin(self) -> Sym<Ref<T>> {
        Sym::konst(Ref::new(self))
    }
}

impl<T> IntoTwin<Sym<Ref<T>>> for &mut T {
    fn into_twin(self) -> Sym<Ref<T>> {
        Sym::konst(Ref::new_mut(self))
    }
}

/// Converts `x` into whatever twin form the context expects (see [`IntoTwin`]).
#[inline(always)]
pub fn into_twin<X: IntoTwin<Y>, Y>(x: X) -> Y {
    x.into_twin()
}

/// The width and signedness of a JitValue, for descriptors.
pub(crate) fn repr_of<T: JitValue>() -> IntRepr {
    match T::KIND {
        Kind::Int => T::REPR,
        _ => IntRepr {
            size: 8,
            signed: true,
        },
    }
}
