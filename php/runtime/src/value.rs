//! The PHP value: a 16-byte `#[repr(C)]` tag and payload.
//!
//! [`Value`] is the form the VM's hot paths and the JIT see: `Copy`, two `u64`s (the tag and
//! the payload: an int, a float's bits, or a heap block's address), derived
//! [`JitCompound`](metajit::JitCompound) so a trace keeps the two parts in registers and guards
//! the tag. A `Value` does not own anything. [`Zval`] is the owning form, for library code and
//! containers: cloning one adds a reference to its heap block, dropping it removes one.
//!
//! Every heap block starts with a [`Header`] holding its reference count. Freeing a container
//! (an array, a reference) releases what it holds; the blocks that reach zero on the way are
//! queued and freed by one loop, so dropping a deeply nested array never recurses natively.

use crate::array::{ArrObj, PhpArray};
use crate::object::{ObjObj, PhpObject};
use crate::resource::{PhpResource, ResObj};
use crate::string::{PhpString, StrObj};
use std::cell::{Cell, RefCell, UnsafeCell};
use std::fmt;
use std::ptr::NonNull;

/// The tags of [`Value`] (the order is Zend's).
pub mod tag {
    /// An unset slot (a variable never assigned, a deleted array entry); never a PHP value.
    pub const UNDEF: u64 = 0;
    /// `null`.
    pub const NULL: u64 = 1;
    /// `false`.
    pub const FALSE: u64 = 2;
    /// `true`.
    pub const TRUE: u64 = 3;
    /// An `int`: the payload is the integer.
    pub const INT: u64 = 4;
    /// A `float`: the payload is its bits.
    pub const FLOAT: u64 = 5;
    /// A `string`: the payload is a [`StrObj`](crate::string::StrObj) address.
    pub const STRING: u64 = 6;
    /// An `array`: the payload is an [`ArrObj`](crate::array::ArrObj) address.
    pub const ARRAY: u64 = 7;
    /// An object: the payload is an [`ObjObj`](crate::object::ObjObj) address.
    pub const OBJECT: u64 = 8;
    /// A resource (streams): the payload is a [`ResObj`](crate::resource::ResObj) address.
    pub const RESOURCE: u64 = 9;
    /// A PHP reference (`&`): the payload is a [`RefObj`](super::RefObj) address.
    pub const REFERENCE: u64 = 10;
}

/// What a heap block is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// [`StrObj`].
    String,
    /// [`ArrObj`].
    Array,
    /// [`RefObj`].
    Reference,
    /// [`ObjObj`].
    Object,
    /// [`ResObj`].
    Resource,
}

/// The start of every heap block.
#[repr(C)]
pub struct Header {
    /// The number of owners.
    pub refcount: Cell<u32>,
    /// What the block is (the low 3 bits), its colour in a running cycle collection (the
    /// next 2 bits, 0 outside one) and its place in the collector's buffer of possible roots
    /// (the high 24 bits: the index plus one, 0 when it is not there; see [`gc`](crate::gc)).
    info: Cell<u32>,
}

impl Header {
    /// The header of a new block with one owner.
    pub fn new(kind: Kind) -> Header {
        Header {
            refcount: Cell::new(1),
            info: Cell::new(kind as u32),
        }
    }

    /// What the block is.
    pub fn kind(&self) -> Kind {
        match self.info.get() & 7 {
            0 => Kind::String,
            1 => Kind::Array,
            2 => Kind::Reference,
            3 => Kind::Object,
            _ => Kind::Resource,
        }
    }

    /// The block's slot in the buffer of possible roots plus one (0: not buffered).
    #[inline(always)]
    pub(crate) fn root(&self) -> u32 {
        self.info.get() >> 8
    }

    /// Records the block's slot in the buffer of possible roots (`slot` is the index plus
    /// one, below 2^24; 0: not buffered).
    pub(crate) fn set_root(&self, slot: u32) {
        self.info.set((self.info.get() & 0xff) | (slot << 8));
    }

    /// The block's colour in the cycle collection running now (0 outside one).
    #[inline(always)]
    pub(crate) fn color(&self) -> u32 {
        (self.info.get() >> 3) & 3
    }

    /// Sets the block's colour in the cycle collection running now (below 4).
    pub(crate) fn set_color(&self, color: u32) {
        self.info.set((self.info.get() & !(3 << 3)) | (color << 3));
    }

    /// Adds an owner.
    pub fn inc(&self) {
        let n = self
            .refcount
            .get()
            .checked_add(1)
            .expect("reference count overflow");
        self.refcount.set(n);
    }

    /// Removes an owner; returns how many are left.
    pub fn dec(&self) -> u32 {
        let n = self.refcount.get() - 1;
        self.refcount.set(n);
        n
    }
}

const _: () = assert!(size_of::<Header>() == 8);

/// A PHP value as the VM and the JIT see it: a tag from [`tag`] and a payload.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, metajit::JitCompound)]
pub struct Value {
    /// What the value is (one of [`tag`]'s constants).
    pub tag: u64,
    /// The int, the float's bits, or the heap block's address.
    pub bits: u64,
}

impl Value {
    /// An unset slot.
    pub const UNDEF: Value = Value {
        tag: tag::UNDEF,
        bits: 0,
    };
    /// `null`.
    pub const NULL: Value = Value {
        tag: tag::NULL,
        bits: 0,
    };

    /// Whether the payload is a heap block's address.
    pub fn is_refcounted(self) -> bool {
        matches!(
            self.tag,
            tag::STRING | tag::ARRAY | tag::OBJECT | tag::RESOURCE | tag::REFERENCE
        )
    }
}

/// Frees one kind of heap block.
type FreeFn = unsafe fn(NonNull<Header>);

/// Work queued while a block is being freed.
enum Pending {
    /// A block whose last owner went.
    Free(NonNull<Header>, FreeFn),
    /// A step to take once the blocks queued before it are freed.
    Then(fn(u32), u32),
}

thread_local! {
    /// Whether a block is being freed on this thread (then others are queued, not freed).
    static FREEING: Cell<bool> = const { Cell::new(false) };
    /// What was queued while another block was being freed (the next step last).
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// Frees a container block whose count reached zero, with `free`, without native recursion:
/// blocks freed while another is being freed are queued and freed by the outermost call,
/// depth first and in the order they were released (the order Zend frees them in, which
/// shows in the object handles it reuses).
///
/// # Safety
/// `block` has no owners left and `free` is the function that frees its kind.
pub(crate) unsafe fn free_block(block: NonNull<Header>, free: FreeFn) {
    if FREEING.with(|f| f.replace(true)) {
        PENDING.with(|p| p.borrow_mut().push(Pending::Free(block, free)));
        return;
    }
    let mut next = Pending::Free(block, free);
    loop {
        let mark = PENDING.with(|p| p.borrow().len());
        match next {
            Pending::Free(b, f) => {
                // SAFETY: the block is alive until `f` frees it.
                crate::gc::forget(unsafe { b.as_ref() });
                // SAFETY: the caller's contract, or queued by this function under it.
                unsafe { f(b) }
            }
            Pending::Then(f, arg) => f(arg),
        }
        // What that step queued comes next, in the order it was queued.
        PENDING.with(|p| p.borrow_mut()[mark..].reverse());
        match PENDING.with(|p| p.borrow_mut().pop()) {
            Some(n) => next = n,
            None => break,
        }
    }
    FREEING.with(|f| f.set(false));
}

/// Whether a block is being freed now (its queue may hold blocks with no owners left).
pub(crate) fn freeing() -> bool {
    FREEING.with(|f| f.get())
}

/// Runs `f(arg)` once the blocks the free running now has released are freed (at once when
/// no free is running).
pub(crate) fn after_free(f: fn(u32), arg: u32) {
    if FREEING.with(|x| x.get()) {
        PENDING.with(|p| p.borrow_mut().push(Pending::Then(f, arg)));
    } else {
        f(arg);
    }
}

/// The heap block of a PHP reference: one shared, mutable slot.
#[repr(C)]
pub struct RefObj {
    /// Reference count and kind.
    pub header: Header,
    /// The referenced value (never itself a reference).
    value: UnsafeCell<Zval>,
}

/// An owned handle on a PHP reference (what `$b = &$a` makes both variables hold).
#[repr(transparent)]
pub struct PhpRef {
    ptr: NonNull<RefObj>,
}

impl PhpRef {
    /// A new reference holding `value`.
    pub fn new(value: Zval) -> PhpRef {
        let b = Box::new(RefObj {
            header: Header::new(Kind::Reference),
            value: UnsafeCell::new(value),
        });
        PhpRef {
            ptr: NonNull::from(Box::leak(b)),
        }
    }

    fn obj(&self) -> &RefObj {
        // SAFETY: the block lives while this handle does.
        unsafe { self.ptr.as_ref() }
    }

    /// A copy of the referenced value.
    pub fn get(&self) -> Zval {
        // SAFETY: single-threaded, and no `&mut` to the slot outlives a method of this type.
        unsafe { (*self.obj().value.get()).clone() }
    }

    /// Stores `value`, returning the old value (dropped by the caller, after the store, so a
    /// destructor it runs sees the new value).
    pub fn replace(&self, value: Zval) -> Zval {
        // SAFETY: as in `get`; the old value is moved out before anything can run.
        unsafe { std::mem::replace(&mut *self.obj().value.get(), value) }
    }

    /// The number of owners.
    pub fn refcount(&self) -> u32 {
        self.obj().header.refcount.get()
    }

    /// The referenced slot, for writing through in place.
    ///
    /// # Safety
    /// The caller keeps a handle on the reference while using the pointer and makes no other
    /// access to the slot meanwhile (no `get`, `replace` or `with` until it is done).
    pub unsafe fn slot_ptr(&self) -> *mut Zval {
        self.obj().value.get()
    }

    /// Whether two handles are the same reference.
    pub fn ptr_eq(a: &PhpRef, b: &PhpRef) -> bool {
        a.ptr == b.ptr
    }

    /// Calls `f` with the referenced value.
    pub fn with<R>(&self, f: impl FnOnce(&Zval) -> R) -> R {
        // SAFETY: as in `get`; `f` gets a shared borrow only.
        f(unsafe { &*self.obj().value.get() })
    }

    /// Frees a block whose count reached zero.
    ///
    /// # Safety
    /// `h` is the header of a `RefObj` made by `new` with no owners left.
    pub(crate) unsafe fn free(h: NonNull<Header>) {
        // SAFETY: the caller's contract; the box is rebuilt exactly once.
        drop(unsafe { Box::from_raw(h.as_ptr() as *mut RefObj) });
    }
}

impl RefObj {
    /// The referenced value of the reference whose header is `h`, borrowed (for the cycle
    /// collector).
    ///
    /// # Safety
    /// `h` is a live `RefObj`'s header and no `&mut` to its slot exists meanwhile.
    pub(crate) unsafe fn value_of<'a>(h: NonNull<Header>) -> &'a Zval {
        // SAFETY: the caller's contract; the header is the block's first field.
        unsafe { &*(*(h.as_ptr() as *const RefObj)).value.get() }
    }

    /// Takes the referenced value out (leaving `null`), for the cycle collector.
    ///
    /// # Safety
    /// As for [`value_of`](Self::value_of), and no borrow of the slot is alive.
    pub(crate) unsafe fn take_value(h: NonNull<Header>) -> Zval {
        // SAFETY: the caller's contract.
        unsafe { std::mem::take(&mut *(*(h.as_ptr() as *const RefObj)).value.get()) }
    }
}

impl fmt::Debug for PhpRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with(|v| write!(f, "&{v:?}"))
    }
}

impl Clone for PhpRef {
    fn clone(&self) -> PhpRef {
        self.obj().header.inc();
        PhpRef { ptr: self.ptr }
    }
}

impl Drop for PhpRef {
    fn drop(&mut self) {
        let h = &self.obj().header;
        if h.dec() == 0 {
            // SAFETY: the last owner is gone; `free` is this kind's.
            unsafe { free_block(self.ptr.cast(), PhpRef::free) };
        } else {
            crate::gc::possible_root(h);
        }
    }
}

/// A borrowed view of a [`Zval`], for matching.
#[derive(Clone, Copy, Debug)]
pub enum View<'a> {
    /// An unset slot.
    Undef,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(&'a PhpString),
    /// An array.
    Array(&'a PhpArray),
    /// An object.
    Object(&'a PhpObject),
    /// A resource.
    Resource(&'a PhpResource),
    /// A PHP reference.
    Ref(&'a PhpRef),
}

/// An owned PHP value.
#[repr(transparent)]
pub struct Zval(Value);

impl Zval {
    /// An unset slot.
    pub const UNDEF: Zval = Zval(Value::UNDEF);
    /// `null`.
    pub const NULL: Zval = Zval(Value::NULL);

    /// A bool.
    pub fn bool(b: bool) -> Zval {
        Zval(Value {
            tag: if b { tag::TRUE } else { tag::FALSE },
            bits: 0,
        })
    }

    /// An int.
    pub fn int(i: i64) -> Zval {
        Zval(Value {
            tag: tag::INT,
            bits: i as u64,
        })
    }

    /// A float.
    pub fn float(f: f64) -> Zval {
        Zval(Value {
            tag: tag::FLOAT,
            bits: f.to_bits(),
        })
    }

    /// A string value taking `s`'s reference.
    pub fn string(s: PhpString) -> Zval {
        Zval(Value {
            tag: tag::STRING,
            bits: s.into_raw() as u64,
        })
    }

    /// A string value holding a copy of `s`.
    pub fn str(s: &str) -> Zval {
        Zval::string(PhpString::from(s))
    }

    /// An array value taking `a`'s reference.
    pub fn array(a: PhpArray) -> Zval {
        Zval(Value {
            tag: tag::ARRAY,
            bits: a.into_raw() as u64,
        })
    }

    /// An object value taking `o`'s handle.
    pub fn object(o: PhpObject) -> Zval {
        Zval(Value {
            tag: tag::OBJECT,
            bits: o.into_raw() as u64,
        })
    }

    /// A resource value taking `r`'s handle.
    pub fn resource(r: PhpResource) -> Zval {
        Zval(Value {
            tag: tag::RESOURCE,
            bits: r.into_raw() as u64,
        })
    }

    /// A reference value taking `r`'s handle.
    pub fn reference(r: PhpRef) -> Zval {
        let p = r.ptr.as_ptr() as u64;
        std::mem::forget(r);
        Zval(Value {
            tag: tag::REFERENCE,
            bits: p,
        })
    }

    /// The value, borrowed (no count changes).
    pub fn value(&self) -> Value {
        self.0
    }

    /// The tag.
    pub fn tag(&self) -> u64 {
        self.0.tag
    }

    /// Gives up ownership as a raw [`Value`].
    pub fn into_raw(self) -> Value {
        let v = self.0;
        std::mem::forget(self);
        v
    }

    /// Takes ownership of a raw value (one owner's share of its block).
    ///
    /// # Safety
    /// `v` came from [`into_raw`](Self::into_raw) (or is not refcounted) and its share is not
    /// taken back twice.
    pub unsafe fn from_raw(v: Value) -> Zval {
        Zval(v)
    }

    /// A new owner of a borrowed raw value (adds a reference).
    ///
    /// # Safety
    /// `v` is a live value: its block, if any, has an owner for the duration of the call.
    pub unsafe fn from_borrowed(v: Value) -> Zval {
        let z = std::mem::ManuallyDrop::new(Zval(v));
        (*z).clone()
    }

    /// The value, for matching.
    pub fn view(&self) -> View<'_> {
        let bits = &self.0.bits;
        match self.0.tag {
            tag::UNDEF => View::Undef,
            tag::NULL => View::Null,
            tag::FALSE => View::Bool(false),
            tag::TRUE => View::Bool(true),
            tag::INT => View::Int(*bits as i64),
            tag::FLOAT => View::Float(f64::from_bits(*bits)),
            // SAFETY: a string value's payload is a live string this value owns a share of.
            tag::STRING => View::Str(unsafe { PhpString::borrow_raw(bits) }),
            // SAFETY: likewise for arrays.
            tag::ARRAY => View::Array(unsafe { PhpArray::borrow_raw(bits) }),
            // SAFETY: likewise for objects.
            tag::OBJECT => View::Object(unsafe { PhpObject::borrow_raw(bits) }),
            // SAFETY: likewise for resources.
            tag::RESOURCE => View::Resource(unsafe { PhpResource::borrow_raw(bits) }),
            // SAFETY: `PhpRef` is a transparent non-null pointer, as the payload holds.
            tag::REFERENCE => View::Ref(unsafe { &*(bits as *const u64 as *const PhpRef) }),
            t => unreachable!("value with tag {t} has no runtime constructor"),
        }
    }

    /// The string this value holds, as an owned handle (`Err(self)` if it is not a string).
    pub fn into_string(self) -> Result<PhpString, Zval> {
        if self.0.tag != tag::STRING {
            return Err(self);
        }
        let p = self.into_raw().bits as *const StrObj;
        // SAFETY: a string value's payload is a string it owns a share of; the share moves.
        Ok(unsafe { PhpString::from_raw(p) })
    }

    /// The array this value holds, for writing through (`None` if it is not an array).
    pub fn array_mut(&mut self) -> Option<&mut PhpArray> {
        if self.0.tag != tag::ARRAY {
            return None;
        }
        // SAFETY: an array value's payload is a live `PhpArray` handle this value owns;
        // `PhpArray` is a transparent pointer the size of the `u64` payload.
        Some(unsafe { &mut *(&mut self.0.bits as *mut u64 as *mut PhpArray) })
    }

    /// The value a reference refers to, or the value itself (a copy either way).
    pub fn deref(&self) -> Zval {
        match self.view() {
            View::Ref(r) => r.get(),
            _ => self.clone(),
        }
    }

    /// Whether this is `null` (or unset).
    pub fn is_null(&self) -> bool {
        matches!(self.0.tag, tag::NULL | tag::UNDEF)
    }
}

impl Clone for Zval {
    fn clone(&self) -> Zval {
        match self.view() {
            View::Str(s) => std::mem::forget(s.clone()),
            View::Array(a) => std::mem::forget(a.clone()),
            View::Object(o) => std::mem::forget(o.clone()),
            View::Resource(r) => std::mem::forget(r.clone()),
            View::Ref(r) => std::mem::forget(r.clone()),
            _ => {}
        }
        Zval(self.0)
    }
}

impl Drop for Zval {
    fn drop(&mut self) {
        let p = self.0.bits as usize;
        match self.0.tag {
            // SAFETY: this value owned one share of the block (`from_raw`'s contract).
            tag::STRING => drop(unsafe { PhpString::from_raw(p as *const StrObj) }),
            // SAFETY: likewise.
            tag::ARRAY => drop(unsafe { PhpArray::from_raw(p as *const ArrObj) }),
            // SAFETY: likewise.
            tag::OBJECT => drop(unsafe { PhpObject::from_raw(p as *const ObjObj) }),
            // SAFETY: likewise.
            tag::RESOURCE => drop(unsafe { PhpResource::from_raw(p as *const ResObj) }),
            tag::REFERENCE => drop(PhpRef {
                // SAFETY: a reference's payload is the non-null address of its block.
                ptr: unsafe { NonNull::new_unchecked(p as *mut RefObj) },
            }),
            _ => {}
        }
    }
}

impl Default for Zval {
    fn default() -> Zval {
        Zval::NULL
    }
}

impl fmt::Debug for Zval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.view() {
            View::Ref(r) => write!(f, "{r:?}"),
            v => write!(f, "{v:?}"),
        }
    }
}

impl From<crate::number::Num> for Zval {
    fn from(n: crate::number::Num) -> Zval {
        match n {
            crate::number::Num::Int(i) => Zval::int(i),
            crate::number::Num::Float(f) => Zval::float(f),
        }
    }
}

impl From<i64> for Zval {
    fn from(i: i64) -> Zval {
        Zval::int(i)
    }
}

impl From<f64> for Zval {
    fn from(f: f64) -> Zval {
        Zval::float(f)
    }
}

impl From<bool> for Zval {
    fn from(b: bool) -> Zval {
        Zval::bool(b)
    }
}

impl From<&str> for Zval {
    fn from(s: &str) -> Zval {
        Zval::str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bytes() {
        assert_eq!(size_of::<Value>(), 16);
        assert_eq!(size_of::<Zval>(), 16);
    }

    #[test]
    fn counts_follow_clones_and_drops() {
        let s = PhpString::from("abc");
        let z = Zval::string(s.clone());
        assert_eq!(s.refcount(), 2);
        let z2 = z.clone();
        assert_eq!(s.refcount(), 3);
        drop(z);
        drop(z2);
        assert_eq!(s.refcount(), 1);
    }

    #[test]
    fn references_share_one_slot() {
        let r = PhpRef::new(Zval::int(1));
        let a = Zval::reference(r.clone());
        let b = a.clone();
        assert_eq!(r.refcount(), 3);
        r.replace(Zval::int(2));
        match (a.view(), b.view()) {
            (View::Ref(x), View::Ref(y)) => {
                assert!(PhpRef::ptr_eq(x, y));
                assert!(matches!(x.get().view(), View::Int(2)));
            }
            _ => panic!("not references"),
        }
        assert!(matches!(a.deref().view(), View::Int(2)));
    }

    #[test]
    fn dropping_deep_nesting_does_not_recurse() {
        // A million nested arrays, and a million nested references (not a shape PHP makes,
        // but the worst case for freeing): each freed by one loop.
        let mut v = Zval::int(0);
        for _ in 0..1_000_000 {
            let mut a = PhpArray::new();
            a.append(v).expect("append");
            v = Zval::array(a);
        }
        drop(v);
        let mut v = Zval::int(0);
        for _ in 0..1_000_000 {
            v = Zval::reference(PhpRef::new(v));
        }
        drop(v);
    }
}
