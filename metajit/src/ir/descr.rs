//! Descriptors: what the JIT knows about fields, arrays, allocations, calls and jump targets.
//!
//! A descriptor is plain data (offsets, sizes, kinds, flags), compared by value and interned per
//! trace ([`super::Trace::descr`]). Field and array descriptors come from
//! `#[derive(metajit::JitStruct)]` and `JitArray`; call descriptors from the call annotations;
//! the text format names each descriptor and declares it in the trace's header.

use crate::value::{IntRepr, Kind};
use std::fmt;
use std::sync::Arc;

/// Index of a descriptor in a trace's descriptor table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DescrId(pub u32);

/// Identifies a `label` that `jump`s may target (across traces of one JIT instance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetId(pub u32);

impl TargetId {
    /// The target of a `finish` that returns from the interpreter function (its arguments are
    /// the returned value's words) instead of handing the interpreter a merge-point state.
    pub const RETURN: TargetId = TargetId(u32::MAX);
}

impl fmt::Display for TargetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == TargetId::RETURN {
            f.write_str("return")
        } else {
            write!(f, "L{}", self.0)
        }
    }
}

/// Properties of a field that let the optimizer fold reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct FieldFlags {
    /// Never written after the object is built: reads of a constant object fold, reads of the
    /// same object are CSE'd across writes and calls.
    pub immutable: bool,
    /// Written rarely: reads of a constant object fold; code that folded the field is
    /// invalidated when the interpreter announces a write
    /// (`JitDriver::invalidate_quasi_immutable`).
    pub quasi_immutable: bool,
}

/// A field of a JIT-visible struct.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldDescr {
    /// `Struct.field`, for the text format and logs.
    pub name: Arc<str>,
    /// Byte offset from the object's address.
    pub offset: u32,
    /// The IR kind of the field's value.
    pub kind: Kind,
    /// Width and signedness in memory (ints; floats and refs are 8 bytes).
    pub repr: IntRepr,
    /// Folding properties.
    pub flags: FieldFlags,
}

/// The layout of a JIT-visible array (a `JitArray`): a length and items at fixed offsets from
/// the array's address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArrayDescr {
    /// A name for the text format and logs.
    pub name: Arc<str>,
    /// Offset of the length word (a `usize`).
    pub len_offset: u32,
    /// Offset of item 0.
    pub items_offset: u32,
    /// Distance between items.
    pub item_size: u32,
    /// The IR kind of an item.
    pub kind: Kind,
    /// Width and signedness of an item in memory.
    pub repr: IntRepr,
}

/// What an allocation creates: a struct of `size` bytes, with a type id in its first word when
/// it is allocated by `new_with_vtable`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SizeDescr {
    /// The struct's name.
    pub name: Arc<str>,
    /// Size in bytes.
    pub size: u32,
    /// Alignment in bytes (allocations use the global allocator with this layout, so a `Box`
    /// of the struct can free them).
    pub align: u32,
    /// The type id stored at offset 0 (what `guard_class` compares); 0 when untyped.
    pub type_id: i64,
    /// The language's allocation function, or 0 for the global allocator. When set, it is the
    /// address of an `extern "C" fn() -> i64` returning a new object whose fields outside the
    /// JIT's view are initialized (a header, a link into the collector's list); every field a
    /// trace wrote is then stored explicitly, zeros included (see `twin::JitNew`).
    pub alloc: usize,
    /// What the allocation function may write (what the optimizer forgets across a `new`
    /// that calls it); unused without `alloc`.
    pub alloc_effect: EffectInfo,
}

/// What a called function may do to the heap, which decides what the optimizer may keep in its
/// caches across the call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EffectInfo {
    /// Pure (`#[metajit::elidable]`): folded when all arguments are constant, CSE'd otherwise,
    /// removed when unused.
    Elidable,
    /// Reads the heap but writes nothing the trace can see.
    ReadOnly,
    /// May write only these fields and arrays, by descriptor name: `Type.field` for a field,
    /// `array<T>` for the items of every `JitArray<T>` (all parts of a compound item).
    WritesFields(Arc<[Arc<str>]>),
    /// May do anything (the default for residual calls).
    Any,
}

impl EffectInfo {
    /// Whether a call with this effect may change the value of a field.
    pub fn may_write_field(&self, field: &FieldDescr) -> bool {
        match self {
            EffectInfo::Elidable | EffectInfo::ReadOnly => false,
            EffectInfo::WritesFields(names) => names.iter().any(|n| **n == *field.name),
            EffectInfo::Any => true,
        }
    }

    /// Whether a call with this effect may change items of arrays of descriptor `array`.
    pub fn may_write_array(&self, array: &ArrayDescr) -> bool {
        match self {
            EffectInfo::Elidable | EffectInfo::ReadOnly => false,
            EffectInfo::WritesFields(names) => names.iter().any(|n| {
                array
                    .name
                    .strip_prefix(&**n)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            }),
            EffectInfo::Any => true,
        }
    }
}

/// A function the trace calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CallDescr {
    /// The function's name, for the text format and logs.
    pub name: Arc<str>,
    /// Its address: an `extern "C"` function of the backend call convention, taking every
    /// argument as an `i64` (floats as their bits) and returning an `i64` (floats as bits;
    /// ignored for `Void`), as `backend::call_i64` and the native backend call it.
    pub func: usize,
    /// Argument kinds.
    pub args: Arc<[Kind]>,
    /// Result kind (`Void` for none).
    pub result: Kind,
    /// What the call may do to the heap.
    pub effect: EffectInfo,
}

/// A descriptor.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Descr {
    /// For `getfield`/`setfield`.
    Field(FieldDescr),
    /// For array operations.
    Array(ArrayDescr),
    /// For `new`/`new_with_vtable`.
    Size(SizeDescr),
    /// For calls.
    Call(CallDescr),
    /// For `label`/`jump`.
    Target(TargetId),
}

impl Descr {
    /// The name the text format uses for this descriptor.
    pub fn name(&self) -> String {
        match self {
            Descr::Field(d) => d.name.to_string(),
            Descr::Array(d) => d.name.to_string(),
            Descr::Size(d) => d.name.to_string(),
            Descr::Call(d) => d.name.to_string(),
            Descr::Target(t) => t.to_string(),
        }
    }

    /// The field descriptor, if this is one.
    pub fn as_field(&self) -> Option<&FieldDescr> {
        match self {
            Descr::Field(d) => Some(d),
            _ => None,
        }
    }

    /// The array descriptor, if this is one.
    pub fn as_array(&self) -> Option<&ArrayDescr> {
        match self {
            Descr::Array(d) => Some(d),
            _ => None,
        }
    }

    /// The call descriptor, if this is one.
    pub fn as_call(&self) -> Option<&CallDescr> {
        match self {
            Descr::Call(d) => Some(d),
            _ => None,
        }
    }

    /// The size descriptor, if this is one.
    pub fn as_size(&self) -> Option<&SizeDescr> {
        match self {
            Descr::Size(d) => Some(d),
            _ => None,
        }
    }

    /// The jump target, if this is one.
    pub fn as_target(&self) -> Option<TargetId> {
        match self {
            Descr::Target(t) => Some(*t),
            _ => None,
        }
    }
}
