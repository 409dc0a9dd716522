//! `JitArray<T>`: the JIT-visible array type.
//!
//! Traced code may index only arrays whose layout the JIT knows, so interpreters keep their
//! red arrays in `JitArray`s rather than `Vec`s: one heap block holding the length (a `usize`
//! at offset 0) followed by the items (from offset 8). Its length is fixed; growing means
//! allocating a bigger array ([`JitArray::resized`]). [`ArrayRef`] is the borrowed, `Copy` view
//! that traced code passes around.

use crate::ir::ArrayDescr;
use crate::twin::compound::Part;
use crate::value::{JitValue, Kind};
use std::alloc::Layout;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::Arc;

/// Offset of item 0 from the array's address.
pub const ITEMS_OFFSET: usize = 8;

/// The most items a `JitArray` may have (2^48: more than any 64-bit machine can address in
/// bytes). The optimizer relies on it: an index below an array's length is far from overflowing
/// when a small constant is added to it.
pub const MAX_ARRAY_LEN: usize = 1 << 48;

fn layout_for(len: usize, item_size: usize) -> Layout {
    assert!(
        len <= MAX_ARRAY_LEN,
        "JitArray of {len} items: more than MAX_ARRAY_LEN"
    );
    let bytes = len
        .checked_mul(item_size)
        .and_then(|b| b.checked_add(ITEMS_OFFSET))
        .expect("JitArray size overflows");
    Layout::from_size_align(bytes, 8).expect("JitArray layout")
}

/// Allocates a zeroed array block for `descr` with `len` items (what `new_array` does).
pub(crate) fn alloc_raw_array(descr: &ArrayDescr, len: usize) -> usize {
    let layout = layout_for(len, descr.item_size as usize);
    // SAFETY: the layout is at least 8 bytes.
    let p = unsafe { std::alloc::alloc_zeroed(layout) };
    if p.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    // SAFETY: the block starts with room for the length word.
    unsafe { std::ptr::write(p as *mut usize, len) };
    p as usize
}

/// A type a [`JitArray`] may hold: a JIT value (one part) or a `#[derive(JitCompound)]` value
/// (one part per field; traced code loads and stores each part on its own).
///
/// # Safety
/// `PARTS` must describe the type's layout truthfully (non-overlapping word-sized fields), and
/// the all-zero bit pattern must be a valid value.
pub unsafe trait ArrayItem: Copy + 'static {
    /// The item's parts: a JIT value is one part at offset 0.
    const PARTS: &'static [Part];
}

// SAFETY: a JIT value is one word-sized part at offset 0, and zero bits are a valid value of
// every JIT value type (`from_bits(0)`).
unsafe impl<T: JitValue + 'static> ArrayItem for T {
    const PARTS: &'static [Part] = &[Part::of::<T>("", 0)];
}

/// A fixed-length heap array with a layout the JIT knows. Owns its items.
pub struct JitArray<T: ArrayItem> {
    ptr: NonNull<u8>,
    _items: PhantomData<T>,
}

impl<T: ArrayItem> JitArray<T> {
    /// An array of `len` copies of `fill`.
    pub fn new(len: usize, fill: T) -> JitArray<T> {
        assert!(
            std::mem::align_of::<T>() <= 8,
            "JitArray items must be at most 8-aligned"
        );
        let layout = layout_for(len, std::mem::size_of::<T>());
        // SAFETY: the layout is at least 8 bytes.
        let p = unsafe { std::alloc::alloc(layout) };
        let Some(ptr) = NonNull::new(p) else {
            std::alloc::handle_alloc_error(layout)
        };
        // SAFETY: the block has room for the length and `len` items.
        unsafe {
            std::ptr::write(p as *mut usize, len);
            let items = p.add(ITEMS_OFFSET) as *mut T;
            for i in 0..len {
                std::ptr::write(items.add(i), fill);
            }
        }
        JitArray {
            ptr,
            _items: PhantomData,
        }
    }

    /// The empty array, which allocates nothing (what a [`JitNew`](crate::JitNew) blank object
    /// holds in an array field `new!` sets).
    pub fn empty() -> JitArray<T> {
        JitArray {
            ptr: NonNull::from(&EMPTY).cast(),
            _items: PhantomData,
        }
    }

    /// An array holding the items of `items`.
    pub fn from_slice(items: &[T]) -> JitArray<T>
    where
        T: Default,
    {
        let mut a = JitArray::new(items.len(), T::default());
        a.as_mut_slice().copy_from_slice(items);
        a
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        // SAFETY: the block starts with the length word.
        unsafe { std::ptr::read(self.ptr.as_ptr() as *const usize) }
    }

    /// Whether the array has no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items.
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: `len` initialized items follow the header.
        unsafe {
            std::slice::from_raw_parts(self.ptr.as_ptr().add(ITEMS_OFFSET) as *const T, self.len())
        }
    }

    /// The items, mutably.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as for `as_slice`, and `&mut self` makes the access unique.
        unsafe {
            std::slice::from_raw_parts_mut(
                self.ptr.as_ptr().add(ITEMS_OFFSET) as *mut T,
                self.len(),
            )
        }
    }

    /// A copy with `new_len` items: the old ones, then `fill`.
    pub fn resized(&self, new_len: usize, fill: T) -> JitArray<T> {
        let mut a = JitArray::new(new_len, fill);
        let n = self.len().min(new_len);
        a.as_mut_slice()[..n].copy_from_slice(&self.as_slice()[..n]);
        a
    }

    /// The borrowed view traced code uses.
    pub fn as_ref(&self) -> ArrayRef<T> {
        ArrayRef {
            ptr: self.ptr.as_ptr() as usize,
            _items: PhantomData,
        }
    }

    /// The descriptor of this array type's items (of part `part` of each item).
    pub fn descr(part: usize) -> ArrayDescr {
        part_descr::<T>(part)
    }
}

/// The array descriptor for items of type `T`.
pub fn array_descr<T: JitValue + 'static>() -> ArrayDescr {
    part_descr::<T>(0)
}

/// The array descriptor for part `part` of items of type `T` (`array<T>` for a one-part item,
/// `array<T>.field` for a part of a compound: its items start at the part's offset).
pub fn part_descr<T: ArrayItem>(part: usize) -> ArrayDescr {
    let p = &T::PARTS[part];
    let ty = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or("?");
    let name = if T::PARTS.len() == 1 {
        format!("array<{ty}>")
    } else {
        format!("array<{ty}>.{}", p.name)
    };
    ArrayDescr {
        name: Arc::from(name),
        len_offset: 0,
        items_offset: (ITEMS_OFFSET + p.offset) as u32,
        item_size: std::mem::size_of::<T>() as u32,
        kind: p.kind,
        repr: p.repr,
    }
}

/// The block of [`JitArray::empty`]: a length of zero, never written (an empty array has no
/// item to write) and never freed.
static EMPTY: usize = 0;

impl<T: ArrayItem> Drop for JitArray<T> {
    fn drop(&mut self) {
        if std::ptr::eq(self.ptr.as_ptr(), &EMPTY as *const usize as *const u8) {
            return;
        }
        let layout = layout_for(self.len(), std::mem::size_of::<T>());
        // SAFETY: allocated by `new` (or `new_array` in traced code) with this layout.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr(), layout) };
    }
}

impl<T: ArrayItem> std::ops::Index<usize> for JitArray<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.as_slice()[i]
    }
}

impl<T: ArrayItem> std::ops::IndexMut<usize> for JitArray<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.as_mut_slice()[i]
    }
}

impl<T: ArrayItem + std::fmt::Debug> std::fmt::Debug for JitArray<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<T: ArrayItem> Clone for JitArray<T> {
    fn clone(&self) -> JitArray<T> {
        self.resized(self.len(), unsafe_default(self))
    }
}

fn unsafe_default<T: ArrayItem>(a: &JitArray<T>) -> T {
    // Any item works as the fill: every slot is overwritten by the copy. An empty array needs
    // no fill at all, and zero bits are a valid value of every item type.
    a.as_slice().first().copied().unwrap_or_else(|| {
        // SAFETY: the all-zero bit pattern is a valid item (the `ArrayItem` contract).
        unsafe { std::mem::zeroed() }
    })
}

/// A borrowed view of a [`JitArray`]: an address, `Copy`, what traced code holds in locals.
/// Valid while the array it came from is alive and not replaced.
pub struct ArrayRef<T> {
    ptr: usize,
    _items: PhantomData<T>,
}

impl<T> Clone for ArrayRef<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for ArrayRef<T> {}

impl<T: ArrayItem> ArrayRef<T> {
    /// The number of items.
    pub fn len(self) -> usize {
        // SAFETY: an ArrayRef points to a live array block (see the type's contract).
        unsafe { std::ptr::read(self.ptr as *const usize) }
    }

    /// Whether the array has no items.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Reads item `i` (panics when out of bounds, as indexing does).
    pub fn get(self, i: usize) -> T {
        assert!(
            i < self.len(),
            "index {i} out of bounds for JitArray of length {}",
            self.len()
        );
        // SAFETY: in bounds of a live array.
        unsafe {
            std::ptr::read((self.ptr + ITEMS_OFFSET + i * std::mem::size_of::<T>()) as *const T)
        }
    }

    /// Writes item `i` (panics when out of bounds).
    pub fn set(self, i: usize, v: T) {
        assert!(
            i < self.len(),
            "index {i} out of bounds for JitArray of length {}",
            self.len()
        );
        // SAFETY: in bounds of a live array; traced code has no other references into items.
        unsafe {
            std::ptr::write(
                (self.ptr + ITEMS_OFFSET + i * std::mem::size_of::<T>()) as *mut T,
                v,
            )
        };
    }

    /// The address of the array block.
    pub fn addr(self) -> usize {
        self.ptr
    }
}

// SAFETY: an ArrayRef travels as the address of its array block, a heap reference.
unsafe impl<T: ArrayItem> JitValue for ArrayRef<T> {
    const KIND: Kind = Kind::Ref;
    fn to_bits(self) -> i64 {
        self.ptr as i64
    }
    fn from_bits(bits: i64) -> Self {
        ArrayRef {
            ptr: bits as usize,
            _items: PhantomData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_hold_items_and_resize() {
        let mut a = JitArray::new(3, 7u8);
        a[1] = 9;
        assert_eq!(a.as_slice(), &[7, 9, 7]);
        let b = a.resized(5, 0);
        assert_eq!(b.as_slice(), &[7, 9, 7, 0, 0]);
        let r = b.as_ref();
        assert_eq!(r.get(1), 9);
        r.set(4, 1);
        assert_eq!(b[4], 1);
        assert_eq!(r.len(), 5);
        assert_eq!(a.clone().as_slice(), a.as_slice());
    }
}
