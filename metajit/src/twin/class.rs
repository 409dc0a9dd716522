//! Classes of JIT-visible objects: a type id in an object's first word, which traced code can
//! guard (`guard_class`) and the optimizer tracks (an object made by `new_with_vtable`, or one
//! a `guard_class` or `record_exact_class` established, has a known class).
//!
//! A `#[derive(JitStruct)]` struct marked `#[jit(class)]` gets a [`Class`]: a static whose
//! address is the type id. Its first field must be a [`ClassPtr`] (or a header struct that
//! starts with one, marked [`ClassFirst`]); the interpreter stores `ClassPtr::of::<T>()` there
//! when it makes an object and promises so with `unsafe impl JitClass for T {}`. Traced code
//! then tests an object of a family of such types with [`has_class`](crate::has_class) or
//! [`downcast`](crate::downcast) (a guard on the class seen while tracing), and tells the
//! optimizer a class it knows by construction with
//! [`record_exact_class`](crate::record_exact_class) (no guard).

use super::types::{JitStruct, Ref};

/// The static description of a class: its address is the type id objects of the class carry.
#[derive(Debug)]
pub struct Class {
    /// The struct's name.
    pub name: &'static str,
    /// The module that defines it (so that two structs of one name have different classes).
    pub module: &'static str,
}

impl Class {
    /// A class (what `#[jit(class)]` makes).
    pub const fn new(name: &'static str, module: &'static str) -> Class {
        Class { name, module }
    }
}

/// The word at the start of an object of a class: a pointer to its [`Class`].
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct ClassPtr(&'static Class);

impl ClassPtr {
    /// The class word of objects of `T`.
    pub const fn of<T: JitClass>() -> ClassPtr {
        match T::CLASS {
            Some(c) => ClassPtr(c),
            None => panic!("a JitClass without a class (derive JitStruct with #[jit(class)])"),
        }
    }

    /// The type id (the class's address): what `guard_class` compares.
    pub fn id(self) -> i64 {
        self.0 as *const Class as i64
    }

    /// The class.
    pub fn class(self) -> &'static Class {
        self.0
    }
}

impl PartialEq for ClassPtr {
    fn eq(&self, o: &ClassPtr) -> bool {
        std::ptr::eq(self.0, o.0)
    }
}
impl Eq for ClassPtr {}

/// A type whose values begin with a [`ClassPtr`] at offset 0.
///
/// # Safety
/// The first word of every value of the type is a valid `ClassPtr`.
pub unsafe trait ClassFirst {}

// SAFETY: a ClassPtr is its own first word.
unsafe impl ClassFirst for ClassPtr {}

/// A `JitStruct` with a class (`#[jit(class)]`), whose objects carry it.
///
/// # Safety
/// Every object of the type starts with `ClassPtr::of::<Self>()`, from its creation to its end
/// (the interpreter's constructors and [`JitNew::blank`](super::JitNew::blank) store it).
pub unsafe trait JitClass: JitStruct + ClassFirst {}

/// The class word of the object `r` refers to.
pub fn class_of<T: ClassFirst>(r: Ref<T>) -> ClassPtr {
    // SAFETY: `ClassFirst`: the object's first word is a ClassPtr.
    unsafe { *(r.as_ptr() as *const ClassPtr) }
}

/// The type id of `T`'s objects, or 0 for a struct without a class.
pub(crate) fn type_id_of<T: JitStruct>() -> i64 {
    T::CLASS.map_or(0, |c| c as *const Class as i64)
}
