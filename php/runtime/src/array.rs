//! PHP arrays: ordered hash maps with int and string keys, a packed form, and copy-on-write.
//!
//! A [`Table`] keeps its entries in insertion order in one vector of slots. A *packed* table
//! (the form of a list, `[1, 2, 3]`) has no hash index: the entry with key `i` is slot `i`.
//! The first key that breaks that rule (a string key, an int out of order, an int filling a
//! hole) builds an open-addressing index of slot numbers. Deleting an entry leaves a dead slot
//! (so iteration positions stay valid); dead slots are squeezed out when the vector would have
//! to grow and at least half of it is dead.
//!
//! [`PhpArray`] is a refcounted handle on a table: cloning it shares the table, and
//! [`PhpArray::make_mut`] copies the table first when it is shared (*separation*), which is how
//! PHP arrays behave as values.

use crate::number::canonical_int;
use crate::string::{PhpString, hash_bytes};
use crate::value::{Header, Kind, View, Zval, free_block};
use std::fmt;
use std::ops::Deref;
use std::ptr::NonNull;

pub mod iters;

/// An array key as stored: an int or a string that is not the canonical form of an int.
#[derive(Clone, PartialEq, Eq)]
pub enum ArrayKey {
    /// An int key (`"5"` becomes 5).
    Int(i64),
    /// A string key.
    Str(PhpString),
}

/// An array key, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRef<'a> {
    /// An int key.
    Int(i64),
    /// A string key (never the canonical form of an int: use [`KeyRef::from_bytes`]).
    Str(&'a [u8]),
}

impl<'a> KeyRef<'a> {
    /// The key for `bytes` as PHP normalizes it: `"12"` is the int 12, `"012"` a string.
    pub fn from_bytes(bytes: &'a [u8]) -> KeyRef<'a> {
        match canonical_int(bytes) {
            Some(i) => KeyRef::Int(i),
            None => KeyRef::Str(bytes),
        }
    }

    fn hash(self) -> u64 {
        match self {
            KeyRef::Int(i) => hash_int(i),
            KeyRef::Str(s) => hash_bytes(s),
        }
    }
}

impl ArrayKey {
    /// The key for a string, normalized (`"12"` is the int 12).
    pub fn from_string(s: PhpString) -> ArrayKey {
        match canonical_int(s.as_bytes()) {
            Some(i) => ArrayKey::Int(i),
            None => ArrayKey::Str(s),
        }
    }

    /// The key for `s`, normalized.
    pub fn from_bytes(s: &[u8]) -> ArrayKey {
        match canonical_int(s) {
            Some(i) => ArrayKey::Int(i),
            None => ArrayKey::Str(PhpString::new(s)),
        }
    }

    /// The key, borrowed.
    pub fn as_ref(&self) -> KeyRef<'_> {
        match self {
            ArrayKey::Int(i) => KeyRef::Int(*i),
            ArrayKey::Str(s) => KeyRef::Str(s.as_bytes()),
        }
    }

    /// The key as a value (an int or a string).
    pub fn to_zval(&self) -> Zval {
        match self {
            ArrayKey::Int(i) => Zval::int(*i),
            ArrayKey::Str(s) => Zval::string(s.clone()),
        }
    }

    fn hash(&self) -> u64 {
        match self {
            ArrayKey::Int(i) => hash_int(*i),
            ArrayKey::Str(s) => s.hash_code(),
        }
    }
}

impl fmt::Debug for ArrayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArrayKey::Int(i) => write!(f, "{i}"),
            ArrayKey::Str(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<i64> for ArrayKey {
    fn from(i: i64) -> ArrayKey {
        ArrayKey::Int(i)
    }
}

impl From<&str> for ArrayKey {
    fn from(s: &str) -> ArrayKey {
        ArrayKey::from_bytes(s.as_bytes())
    }
}

fn hash_int(i: i64) -> u64 {
    (i as u64)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .rotate_left(29)
}

/// `$a[] = ...` failed: the next int key is already used (PHP's "Cannot add element to the
/// array as the next element is already occupied").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextKeyOccupied;

/// One entry: a dead slot holds an unset value.
#[derive(Clone)]
struct Slot {
    key: ArrayKey,
    val: Zval,
}

impl Slot {
    fn is_live(&self) -> bool {
        !matches!(self.val.view(), View::Undef)
    }
}

const EMPTY: u32 = u32::MAX;

/// Open addressing over slot numbers, linear probing, at most half full.
#[derive(Clone)]
struct Index {
    buckets: Vec<u32>,
    used: usize,
}

/// The contents of a PHP array.
#[derive(Clone)]
pub struct Table {
    slots: Vec<Slot>,
    /// `None` while the table is packed.
    index: Option<Index>,
    live: usize,
    /// PHP's "next free element": `i64::MIN` until an int key has been added.
    next_free: i64,
    /// The internal pointer (`current()`, `next()`...): a slot number, `slots.len()` past the
    /// end.
    pos: usize,
    /// The positions of the `foreach`-by-reference loops walking this table: (loop id,
    /// slot number); see [`iters`].
    iters: Vec<(u32, usize)>,
}

impl Default for Table {
    fn default() -> Table {
        Table::new()
    }
}

impl Table {
    /// An empty table.
    pub fn new() -> Table {
        Table {
            slots: Vec::new(),
            index: None,
            live: 0,
            next_free: i64::MIN,
            pos: 0,
            iters: Vec::new(),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Whether the table is in the packed (list) form.
    pub fn is_packed(&self) -> bool {
        self.index.is_none()
    }

    /// The key `$a[] = ...` would use.
    pub fn next_index(&self) -> i64 {
        if self.next_free == i64::MIN {
            0
        } else {
            self.next_free
        }
    }

    fn find(&self, key: KeyRef<'_>, hash: u64) -> Option<usize> {
        match &self.index {
            None => match key {
                KeyRef::Int(i) if i >= 0 && (i as u64) < self.slots.len() as u64 => {
                    Some(i as usize).filter(|&i| self.slots[i].is_live())
                }
                _ => None,
            },
            Some(index) => {
                let b = Self::probe(index, &self.slots, key, hash);
                let s = index.buckets[b];
                (s != EMPTY && self.slots[s as usize].is_live()).then_some(s as usize)
            }
        }
    }

    /// The bucket holding `key`, or the empty bucket where it would go.
    fn probe(index: &Index, slots: &[Slot], key: KeyRef<'_>, hash: u64) -> usize {
        let mask = index.buckets.len() - 1;
        let mut b = hash as usize & mask;
        loop {
            let s = index.buckets[b];
            if s == EMPTY || slots[s as usize].key.as_ref() == key {
                return b;
            }
            b = (b + 1) & mask;
        }
    }

    /// The value at `key`.
    pub fn get(&self, key: KeyRef<'_>) -> Option<&Zval> {
        self.find(key, key.hash()).map(|i| &self.slots[i].val)
    }

    /// The value at `key`, mutable.
    pub fn get_mut(&mut self, key: KeyRef<'_>) -> Option<&mut Zval> {
        self.find(key, key.hash()).map(|i| &mut self.slots[i].val)
    }

    /// Whether `key` has an entry.
    pub fn contains(&self, key: KeyRef<'_>) -> bool {
        self.get(key).is_some()
    }

    /// Stores `val` at `key`; returns the value it replaces (for the caller to drop).
    pub fn insert(&mut self, key: ArrayKey, val: Zval) -> Option<Zval> {
        let hash = key.hash();
        if let Some(i) = self.find(key.as_ref(), hash) {
            return Some(std::mem::replace(&mut self.slots[i].val, val));
        }
        self.add_new(key, hash, val);
        None
    }

    /// Stores `val` at `key`, back in the place of the entry [`remove`](Table::remove) left
    /// for that key if it is still there (an object's declared property set again after
    /// `unset()` keeps its place, as Zend's property slots do).
    pub fn revive(&mut self, key: ArrayKey, val: Zval) -> Option<Zval> {
        let hash = key.hash();
        if self.find(key.as_ref(), hash).is_none()
            && let Some(index) = &self.index
        {
            let s = index.buckets[Self::probe(index, &self.slots, key.as_ref(), hash)];
            if s != EMPTY {
                self.slots[s as usize].val = val;
                self.live += 1;
                return None;
            }
        }
        self.insert(key, val)
    }

    /// `$a[] = val`: stores at the next int key, which it returns.
    pub fn append(&mut self, val: Zval) -> Result<i64, NextKeyOccupied> {
        let k = self.next_index();
        let key = KeyRef::Int(k);
        if self.find(key, key.hash()).is_some() {
            return Err(NextKeyOccupied);
        }
        self.add_new(ArrayKey::Int(k), key.hash(), val);
        Ok(k)
    }

    /// The slot for `key` (inserting `null` if absent), mutable: what `$a[k][...] = ...` and
    /// `$a[k] .= ...` write through.
    pub fn entry(&mut self, key: ArrayKey) -> &mut Zval {
        let hash = key.hash();
        let i = match self.find(key.as_ref(), hash) {
            Some(i) => i,
            None => self.add_new(key, hash, Zval::NULL),
        };
        &mut self.slots[i].val
    }

    /// Removes `key`'s entry; returns its value (for the caller to drop).
    pub fn remove(&mut self, key: KeyRef<'_>) -> Option<Zval> {
        let i = self.find(key, key.hash())?;
        self.live -= 1;
        Some(std::mem::replace(&mut self.slots[i].val, Zval::UNDEF))
    }

    /// Adds an entry for a key that has none; returns its slot.
    fn add_new(&mut self, key: ArrayKey, hash: u64, val: Zval) -> usize {
        if let ArrayKey::Int(k) = key
            && (self.next_free == i64::MIN || k >= self.next_free)
        {
            self.next_free = k.saturating_add(1);
        }
        if self.slots.len() == self.slots.capacity()
            && self.slots.len() >= 8
            && self.live <= self.slots.len() / 2
        {
            self.compact();
        }
        let packed_fits =
            matches!(key, ArrayKey::Int(k) if k >= 0 && k as u64 == self.slots.len() as u64);
        if self.index.is_none() && !packed_fits {
            self.build_index(self.slots.len() + 1);
        }
        let slot = self.slots.len();
        assert!(slot < EMPTY as usize, "array too large");
        let key_ref_hash = hash;
        self.slots.push(Slot { key, val });
        self.live += 1;
        if self.index.is_some() {
            if (self.index.as_ref().map_or(0, |i| i.used) + 1) * 2
                > self.index.as_ref().map_or(0, |i| i.buckets.len())
            {
                self.build_index(self.slots.len());
            } else {
                let index = self.index.as_mut().expect("index");
                let b = Self::probe(
                    index,
                    &self.slots,
                    self.slots[slot].key.as_ref(),
                    key_ref_hash,
                );
                if index.buckets[b] == EMPTY {
                    index.used += 1;
                }
                index.buckets[b] = slot as u32;
            }
        }
        slot
    }

    /// Builds the index over the live slots, with room for `entries` keys.
    fn build_index(&mut self, entries: usize) {
        let n = (entries.max(4) * 2).next_power_of_two();
        let mut index = Index {
            buckets: vec![EMPTY; n],
            used: 0,
        };
        for (i, s) in self.slots.iter().enumerate() {
            if s.is_live() {
                let b = Self::probe(&index, &self.slots, s.key.as_ref(), s.key.hash());
                index.buckets[b] = i as u32;
                index.used += 1;
            }
        }
        self.index = Some(index);
    }

    /// Squeezes out dead slots (the table stops being packed if it had holes).
    fn compact(&mut self) {
        self.compact_iters();
        let old_pos = self.pos;
        let mut new_pos = None;
        let mut kept = Vec::with_capacity(self.live * 2);
        for (i, s) in std::mem::take(&mut self.slots).into_iter().enumerate() {
            if i >= old_pos && new_pos.is_none() && s.is_live() {
                new_pos = Some(kept.len());
            }
            if s.is_live() {
                kept.push(s);
            }
        }
        self.pos = new_pos.unwrap_or(kept.len());
        let holes = kept
            .iter()
            .enumerate()
            .any(|(i, s)| !matches!(s.key, ArrayKey::Int(k) if k as u64 == i as u64));
        self.slots = kept;
        if self.index.is_some() || holes {
            self.build_index(self.live + 1);
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&ArrayKey, &Zval)> {
        self.slots
            .iter()
            .filter(|s| s.is_live())
            .map(|s| (&s.key, &s.val))
    }

    /// The entries in order, their values mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&ArrayKey, &mut Zval)> {
        self.slots
            .iter_mut()
            .filter(|s| s.is_live())
            .map(|s| (&s.key, &mut s.val))
    }

    /// The first live position at or after `pos` (positions are stable while the table is
    /// only read or its existing entries are overwritten).
    pub fn live_from(&self, pos: usize) -> Option<usize> {
        (pos..self.slots.len()).find(|&i| self.slots[i].is_live())
    }

    /// The entry at a live position.
    pub fn at(&self, pos: usize) -> (&ArrayKey, &Zval) {
        let s = &self.slots[pos];
        (&s.key, &s.val)
    }

    /// The value at a live position, mutable (`foreach` by reference).
    pub fn at_mut(&mut self, pos: usize) -> &mut Zval {
        &mut self.slots[pos].val
    }

    /// The entry the internal pointer is on.
    pub fn current(&self) -> Option<(&ArrayKey, &Zval)> {
        self.live_from(self.pos).map(|p| self.at(p))
    }

    /// Moves the internal pointer to the next entry.
    pub fn advance(&mut self) {
        if let Some(p) = self.live_from(self.pos) {
            self.pos = p + 1;
        }
    }

    /// Moves the internal pointer to the previous entry (past the start: nowhere).
    pub fn retreat(&mut self) {
        let Some(p) = self.live_from(self.pos) else {
            self.pos = self.slots.len();
            return;
        };
        self.pos = (0..p)
            .rev()
            .find(|&i| self.slots[i].is_live())
            .unwrap_or(self.slots.len());
    }

    /// Moves the internal pointer to the first entry.
    pub fn reset(&mut self) {
        self.pos = 0;
    }

    /// Moves the internal pointer to the last entry.
    pub fn end(&mut self) {
        self.pos = (0..self.slots.len())
            .rev()
            .find(|&i| self.slots[i].is_live())
            .unwrap_or(self.slots.len());
    }

    /// A copy for separation: entries are shared (counts added), and a PHP reference held by
    /// this array alone is copied as its value, as PHP does.
    fn dup(&self) -> Table {
        let mut t = self.clone();
        // A `foreach` by reference stays with the original: on the copy, it starts again
        // at the internal pointer (PHP 8.2).
        t.iters = Vec::new();
        for s in &mut t.slots {
            let inner = match s.val.view() {
                View::Ref(r) if r.refcount() == 2 => Some(r.get()),
                _ => None,
            };
            if let Some(v) = inner {
                s.val = v;
            }
        }
        t
    }
}

/// An element copied into another array as PHP copies it: a PHP reference that no one else
/// holds (its other holders gone) is copied as its value, so that it is not shared by the
/// two arrays (`array_values`, `[...$a]`, and separation, see `Table::dup`).
pub fn copy_element(v: &Zval) -> Zval {
    match v.view() {
        View::Ref(r) if r.refcount() == 1 => r.get(),
        _ => v.clone(),
    }
}

/// A copy of `v` without PHP references at any depth (the value of each), as constants
/// hold arrays; `None` when an array contains itself through a reference (or nests deeper
/// than `depth`, which bounds the walk).
pub fn without_refs(v: &Zval, depth: usize) -> Option<Zval> {
    copy_without_refs(v, depth, &mut Vec::new())
}

/// [`without_refs`], `through` the references being copied (one met again: a cycle).
fn copy_without_refs(
    v: &Zval,
    depth: usize,
    through: &mut Vec<crate::value::PhpRef>,
) -> Option<Zval> {
    if let View::Ref(r) = v.view() {
        if through.iter().any(|t| crate::value::PhpRef::ptr_eq(t, r)) {
            return None;
        }
        through.push(r.clone());
        let copy = r.with(|inner| copy_without_refs(inner, depth, through));
        through.pop();
        return copy;
    }
    let View::Array(a) = v.view() else {
        return Some(v.clone());
    };
    if !a
        .iter()
        .any(|(_, e)| matches!(e.view(), View::Ref(_) | View::Array(_)))
    {
        return Some(v.clone());
    }
    let depth = depth.checked_sub(1)?;
    let mut out = PhpArray::new();
    for (k, e) in a.iter() {
        drop(out.insert(k.clone(), copy_without_refs(e, depth, through)?));
    }
    Some(Zval::array(out))
}

/// The heap block of an array.
#[repr(C)]
pub struct ArrObj {
    /// Reference count and kind.
    pub header: Header,
    table: Table,
}

/// An owned, shared handle on a PHP array.
#[repr(transparent)]
pub struct PhpArray {
    ptr: NonNull<ArrObj>,
}

impl PhpArray {
    /// An empty array.
    pub fn new() -> PhpArray {
        PhpArray::from_table(Table::new())
    }

    /// An array holding `table`.
    pub fn from_table(table: Table) -> PhpArray {
        let b = Box::new(ArrObj {
            header: Header::new(Kind::Array),
            table,
        });
        PhpArray {
            ptr: NonNull::from(Box::leak(b)),
        }
    }

    /// A list of `values` (keys 0, 1, ...).
    pub fn from_list(values: impl IntoIterator<Item = Zval>) -> PhpArray {
        let mut t = Table::new();
        for v in values {
            t.append(v).expect("a new list has free keys");
        }
        PhpArray::from_table(t)
    }

    fn obj(&self) -> &ArrObj {
        // SAFETY: the block lives while this handle does.
        unsafe { self.ptr.as_ref() }
    }

    /// The number of owners.
    pub fn refcount(&self) -> u32 {
        self.obj().header.refcount.get()
    }

    /// Whether two handles share one table.
    pub fn ptr_eq(a: &PhpArray, b: &PhpArray) -> bool {
        a.ptr == b.ptr
    }

    /// The table, for writing: copied first if it is shared.
    pub fn make_mut(&mut self) -> &mut Table {
        if self.refcount() > 1 {
            *self = PhpArray::from_table(self.obj().table.dup());
        }
        // SAFETY: this handle is the only owner, so nothing else reads the table meanwhile.
        unsafe { &mut (*self.ptr.as_ptr()).table }
    }

    /// See [`Table::insert`] (separates first).
    pub fn insert(&mut self, key: ArrayKey, val: Zval) -> Option<Zval> {
        self.make_mut().insert(key, val)
    }

    /// See [`Table::append`] (separates first).
    pub fn append(&mut self, val: Zval) -> Result<i64, NextKeyOccupied> {
        self.make_mut().append(val)
    }

    /// See [`Table::remove`] (separates first, only if the key is there).
    pub fn remove(&mut self, key: KeyRef<'_>) -> Option<Zval> {
        if !self.contains(key) {
            return None;
        }
        self.make_mut().remove(key)
    }

    /// Gives up this handle as a raw pointer (for a [`Value`](crate::Value)).
    pub fn into_raw(self) -> *const ArrObj {
        let p = self.ptr.as_ptr();
        std::mem::forget(self);
        p
    }

    /// Takes back a handle given up by [`into_raw`](Self::into_raw).
    ///
    /// # Safety
    /// `p` came from `into_raw` and is taken back once.
    pub unsafe fn from_raw(p: *const ArrObj) -> PhpArray {
        PhpArray {
            // SAFETY: `into_raw` never returns null.
            ptr: unsafe { NonNull::new_unchecked(p as *mut ArrObj) },
        }
    }

    /// Borrows the array a payload refers to, without taking a reference.
    ///
    /// # Safety
    /// The slot holds a pointer from `into_raw` whose share is alive while the slot is borrowed.
    pub unsafe fn borrow_raw(slot: &u64) -> &PhpArray {
        // SAFETY: `PhpArray` is a transparent non-null pointer, the size of a `u64` on the
        // 64-bit targets this crate supports; the caller vouches for the pointer.
        unsafe { &*(slot as *const u64 as *const PhpArray) }
    }

    /// Frees a block whose count reached zero.
    ///
    /// # Safety
    /// `h` is the header of an `ArrObj` made by `from_table` with no owners left.
    pub(crate) unsafe fn free(h: NonNull<Header>) {
        // SAFETY: the caller's contract; the box is rebuilt exactly once.
        drop(unsafe { Box::from_raw(h.as_ptr() as *mut ArrObj) });
    }
}

impl ArrObj {
    /// The table of the array whose header is `h`, borrowed (for the cycle collector).
    ///
    /// # Safety
    /// `h` is a live `ArrObj`'s header and no `&mut` to its table exists meanwhile.
    pub(crate) unsafe fn table_of<'a>(h: NonNull<Header>) -> &'a Table {
        // SAFETY: the caller's contract; the header is the block's first field.
        unsafe { &(*(h.as_ptr() as *const ArrObj)).table }
    }

    /// Takes the table out (leaving an empty one), for the cycle collector.
    ///
    /// # Safety
    /// As for [`table_of`](Self::table_of), and no borrow of the table is alive.
    pub(crate) unsafe fn take_table(h: NonNull<Header>) -> Table {
        // SAFETY: the caller's contract.
        unsafe { std::mem::take(&mut (*(h.as_ptr() as *mut ArrObj)).table) }
    }
}

impl Default for PhpArray {
    fn default() -> PhpArray {
        PhpArray::new()
    }
}

impl Deref for PhpArray {
    type Target = Table;
    fn deref(&self) -> &Table {
        &self.obj().table
    }
}

impl Clone for PhpArray {
    fn clone(&self) -> PhpArray {
        self.obj().header.inc();
        PhpArray { ptr: self.ptr }
    }
}

impl Drop for PhpArray {
    fn drop(&mut self) {
        let h = &self.obj().header;
        if h.dec() == 0 {
            // SAFETY: the last owner is gone; `free` is this kind's.
            unsafe { free_block(self.ptr.cast(), PhpArray::free) };
        } else {
            crate::gc::possible_root(h);
        }
    }
}

impl fmt::Debug for PhpArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests;
