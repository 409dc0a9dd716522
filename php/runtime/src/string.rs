//! PHP strings: refcounted byte strings (not UTF-8) with a cached hash.
//!
//! A [`PhpString`] owns one reference to a heap block holding a [`Header`], the length, the
//! capacity, the hash (computed on first use) and the bytes. Cloning adds a reference;
//! dropping the last one frees the block. Appending to a string nobody else holds grows it in
//! place, so `$s .= ...` in a loop is linear.

use crate::value::{Header, Kind};
use std::alloc::{Layout, alloc, dealloc, realloc};
use std::cell::Cell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ptr::NonNull;

/// The heap block of a string.
#[repr(C)]
pub struct StrObj {
    /// Reference count and kind.
    pub header: Header,
    /// The hash of the bytes, 0 until computed.
    hash: Cell<u64>,
    /// Bytes in use.
    len: usize,
    /// Bytes allocated after the fixed part.
    cap: usize,
    // The bytes follow.
}

/// An owned reference to a PHP string.
#[repr(transparent)]
pub struct PhpString {
    ptr: NonNull<StrObj>,
}

/// The hash of a string's bytes (FNV-1a, never 0): what arrays key on.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h.max(1)
}

fn layout(cap: usize) -> Layout {
    Layout::from_size_align(size_of::<StrObj>() + cap, align_of::<StrObj>())
        .expect("string too large")
}

impl PhpString {
    /// A new string holding a copy of `bytes`.
    pub fn new(bytes: &[u8]) -> PhpString {
        let s = PhpString::with_capacity(bytes.len());
        // SAFETY: the block has room for `cap >= bytes.len()` bytes and nobody else sees it.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), s.data_ptr(), bytes.len());
            (*s.ptr.as_ptr()).len = bytes.len();
        }
        s
    }

    /// An empty string with room for `cap` bytes.
    pub fn with_capacity(cap: usize) -> PhpString {
        let cap = cap.max(8);
        // SAFETY: the layout has a non-zero size (the fixed part).
        let raw = unsafe { alloc(layout(cap)) } as *mut StrObj;
        let Some(ptr) = NonNull::new(raw) else {
            std::alloc::handle_alloc_error(layout(cap));
        };
        // SAFETY: `raw` is a fresh allocation large enough for a `StrObj`.
        unsafe {
            raw.write(StrObj {
                header: Header::new(Kind::String),
                hash: Cell::new(0),
                len: 0,
                cap,
            });
        }
        PhpString { ptr }
    }

    fn obj(&self) -> &StrObj {
        // SAFETY: `ptr` is a live block while this reference exists.
        unsafe { self.ptr.as_ref() }
    }

    fn data_ptr(&self) -> *mut u8 {
        // SAFETY: the bytes start right after the fixed part, inside the same allocation.
        unsafe { (self.ptr.as_ptr() as *mut u8).add(size_of::<StrObj>()) }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: the first `len` bytes after the fixed part are initialized.
        unsafe { std::slice::from_raw_parts(self.data_ptr(), self.obj().len) }
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.obj().len
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of references to this string.
    pub fn refcount(&self) -> u32 {
        self.obj().header.refcount.get()
    }

    /// Whether two handles refer to the same block.
    pub fn ptr_eq(a: &PhpString, b: &PhpString) -> bool {
        a.ptr == b.ptr
    }

    /// The hash of the bytes ([`hash_bytes`]), computed once.
    pub fn hash_code(&self) -> u64 {
        let h = self.obj().hash.get();
        if h != 0 {
            return h;
        }
        let h = hash_bytes(self.as_bytes());
        self.obj().hash.set(h);
        h
    }

    /// Appends `bytes`, in place when this is the only reference and there is room.
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let len = self.len();
        let need = len.checked_add(bytes.len()).expect("string too large");
        if self.refcount() != 1 {
            let mut s = PhpString::with_capacity(need.max(len * 2));
            s.push_bytes(self.as_bytes());
            *self = s;
        } else if need > self.obj().cap {
            let new_cap = need.max(self.obj().cap * 2);
            // SAFETY: the block was allocated with `layout(cap)`; the new layout has the same
            // alignment; the fixed part and bytes are moved by `realloc`.
            let raw = unsafe {
                realloc(
                    self.ptr.as_ptr() as *mut u8,
                    layout(self.obj().cap),
                    layout(new_cap).size(),
                )
            } as *mut StrObj;
            let Some(ptr) = NonNull::new(raw) else {
                std::alloc::handle_alloc_error(layout(new_cap));
            };
            self.ptr = ptr;
            // SAFETY: unique reference (refcount 1), block just reallocated.
            unsafe { (*self.ptr.as_ptr()).cap = new_cap };
        }
        // SAFETY: unique reference with room for `need` bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.data_ptr().add(len), bytes.len());
            let obj = &mut *self.ptr.as_ptr();
            obj.len = need;
            obj.hash.set(0);
        }
    }

    /// Sets byte `at` to `byte` (`$s[at] = ...`), padding with spaces when `at` is past the
    /// end; in place when this is the only reference. The caller bounds `at` (PHP's memory
    /// limit): the padding is allocated.
    pub fn set_byte(&mut self, at: usize, byte: u8) {
        let len = self.len();
        if at >= len {
            let mut tail = vec![b' '; at - len + 1];
            tail[at - len] = byte;
            self.push_bytes(&tail);
            return;
        }
        if self.refcount() != 1 {
            *self = PhpString::new(self.as_bytes());
        }
        // SAFETY: unique reference (refcount 1) and `at < len`, inside the initialized bytes.
        unsafe {
            *self.data_ptr().add(at) = byte;
            (*self.ptr.as_ptr()).hash.set(0);
        }
    }

    /// Gives up this reference as a raw pointer (for a [`Value`](crate::Value)).
    pub fn into_raw(self) -> *const StrObj {
        let p = self.ptr.as_ptr();
        std::mem::forget(self);
        p
    }

    /// Takes back a reference given up by [`into_raw`](Self::into_raw).
    ///
    /// # Safety
    /// `p` came from `into_raw` and its reference has not been taken back already.
    pub unsafe fn from_raw(p: *const StrObj) -> PhpString {
        PhpString {
            // SAFETY: `into_raw` never returns null.
            ptr: unsafe { NonNull::new_unchecked(p as *mut StrObj) },
        }
    }

    /// Borrows the string a raw pointer refers to, without taking a reference.
    ///
    /// # Safety
    /// The slot must hold a pointer from `into_raw` whose reference is alive while the slot is
    /// borrowed.
    pub unsafe fn borrow_raw(slot: &u64) -> &PhpString {
        // SAFETY: `PhpString` is a transparent non-null pointer, the same size as a `u64` on
        // the 64-bit targets this crate supports; the caller vouches for the pointer.
        unsafe { &*(slot as *const u64 as *const PhpString) }
    }
}

impl Clone for PhpString {
    fn clone(&self) -> PhpString {
        self.obj().header.inc();
        PhpString { ptr: self.ptr }
    }
}

impl Drop for PhpString {
    fn drop(&mut self) {
        if self.obj().header.dec() == 0 {
            let cap = self.obj().cap;
            // SAFETY: the last reference is gone; the block was allocated with `layout(cap)`.
            unsafe { dealloc(self.ptr.as_ptr() as *mut u8, layout(cap)) };
        }
    }
}

impl PartialEq for PhpString {
    fn eq(&self, other: &PhpString) -> bool {
        self.ptr == other.ptr || self.as_bytes() == other.as_bytes()
    }
}

impl Eq for PhpString {}

impl Hash for PhpString {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash_code());
    }
}

impl PartialOrd for PhpString {
    fn partial_cmp(&self, other: &PhpString) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PhpString {
    fn cmp(&self, other: &PhpString) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl fmt::Debug for PhpString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

impl From<&str> for PhpString {
    fn from(s: &str) -> PhpString {
        PhpString::new(s.as_bytes())
    }
}

impl From<&[u8]> for PhpString {
    fn from(s: &[u8]) -> PhpString {
        PhpString::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_in_place_and_copy_when_shared() {
        let mut a = PhpString::from("ab");
        for _ in 0..100 {
            a.push_bytes(b"cd");
        }
        assert_eq!(a.len(), 202);
        let b = a.clone();
        assert_eq!(a.refcount(), 2);
        a.push_bytes(b"!");
        assert_eq!(b.len(), 202, "the shared copy is not changed");
        assert_eq!(a.len(), 203);
        assert_eq!(a.refcount(), 1);
        assert_eq!(b.refcount(), 1);
        assert!(a.as_bytes().starts_with(b.as_bytes()));
    }

    #[test]
    fn hash_follows_contents() {
        let mut a = PhpString::from("key");
        let b = PhpString::new(b"key");
        assert_eq!(a.hash_code(), b.hash_code());
        assert_eq!(a, b);
        a.push_bytes(b"2");
        assert_ne!(a.hash_code(), b.hash_code());
        assert_ne!(PhpString::from("").hash_code(), 0);
    }

    #[test]
    fn set_byte_pads_and_copies_when_shared() {
        let mut a = PhpString::from("abc");
        let b = a.clone();
        a.set_byte(1, b'Z');
        assert_eq!(a.as_bytes(), b"aZc");
        assert_eq!(b.as_bytes(), b"abc", "the shared copy is not changed");
        a.set_byte(5, b'!');
        assert_eq!(a.as_bytes(), b"aZc  !");
        assert_eq!(a.hash_code(), PhpString::from("aZc  !").hash_code());
    }

    #[test]
    fn raw_round_trip() {
        let a = PhpString::from("x");
        let raw = a.clone().into_raw();
        assert_eq!(a.refcount(), 2);
        // SAFETY: `raw` came from `into_raw` and is taken back once.
        let back = unsafe { PhpString::from_raw(raw) };
        assert!(PhpString::ptr_eq(&a, &back));
        drop(back);
        assert_eq!(a.refcount(), 1);
    }
}
