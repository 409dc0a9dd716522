//! The positions of `foreach`-by-reference loops kept in the table they walk (PHP's hash
//! table iterators).
//!
//! A loop that walks an array by reference sees the changes its body makes: entries appended
//! are visited, removed ones skipped. Its position is a slot number, so it lives in the table
//! itself, under the loop's id, and follows the entries when slot numbers change: when dead
//! slots are squeezed out ([`Table::compact`]), and when a built-in rebuilds the array
//! (`array_shift`, `array_splice`...: those carry the positions over as ordinals with
//! [`Table::iter_ordinals`] and [`Table::place_iters`]). A loop whose id the table does not
//! hold (the variable was given another array) starts again at that array's internal pointer,
//! as PHP does.
//!
//! A loop left by `return` or an exception leaves its position behind; a table keeps at most
//! [`MAX_ITERS`] of them, dropping the oldest.

use super::Table;
use crate::Zval;
use crate::value::{PhpRef, View};
use std::sync::atomic::{AtomicU32, Ordering};

/// The most loop positions one table keeps.
const MAX_ITERS: usize = 16;

/// The source of loop ids (unique for 2^32 loops, ample for positions left behind).
static NEXT_ID: AtomicU32 = AtomicU32::new(1);

/// A fresh id for a `foreach` by reference.
pub fn new_iter_id() -> u32 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

impl Table {
    /// The slot the loop `id` looks at next, if this table holds its position.
    pub fn iter_pos(&self, id: u32) -> Option<usize> {
        self.iters.iter().find(|(i, _)| *i == id).map(|&(_, p)| p)
    }

    /// Sets the position of the loop `id` (adding it if new).
    pub fn set_iter_pos(&mut self, id: u32, pos: usize) {
        if let Some(e) = self.iters.iter_mut().find(|(i, _)| *i == id) {
            e.1 = pos;
            return;
        }
        if self.iters.len() >= MAX_ITERS {
            // The newest is most likely one left behind; the oldest, an outer loop still
            // running.
            self.iters.pop();
        }
        self.iters.push((id, pos));
    }

    /// Forgets the position of the loop `id` (the loop has ended).
    pub fn drop_iter(&mut self, id: u32) {
        self.iters.retain(|(i, _)| *i != id);
    }

    /// The first live slot at or after the internal pointer (where a loop whose array was
    /// replaced goes on).
    pub fn pointer_pos(&self) -> usize {
        self.live_from(self.pos).unwrap_or(self.slots.len())
    }

    /// The loop positions as ordinals: how many live entries come before each.
    pub fn iter_ordinals(&self) -> Vec<(u32, usize)> {
        self.iters
            .iter()
            .map(|&(id, p)| {
                let p = p.min(self.slots.len());
                (id, self.slots[..p].iter().filter(|s| s.is_live()).count())
            })
            .collect()
    }

    /// Takes loop positions given as ordinals (see [`iter_ordinals`](Table::iter_ordinals)),
    /// each put on the slot of that live entry (past the end if there are fewer).
    pub fn place_iters(&mut self, iters: Vec<(u32, usize)>) {
        for (id, n) in iters {
            let slot = self
                .slots
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_live())
                .nth(n)
                .map_or(self.slots.len(), |(i, _)| i);
            self.set_iter_pos(id, slot);
        }
    }

    /// Moves the loop positions to the slots the live entries get when the dead ones are
    /// squeezed out (called before the squeeze).
    pub(super) fn compact_iters(&mut self) {
        if self.iters.is_empty() {
            return;
        }
        let ordinals = self.iter_ordinals();
        self.iters = ordinals;
    }
}

/// Starts a walk by reference over the array `r` refers to (`foreach` by reference,
/// `array_walk`): its id, its position at the first entry.
pub fn start_ref(r: &PhpRef) -> u32 {
    let id = new_iter_id();
    let mut a = r.replace(Zval::UNDEF);
    if let Some(arr) = a.array_mut() {
        arr.make_mut().set_iter_pos(id, 0);
    }
    drop(r.replace(a));
    id
}

/// The next entry of the walk `id` over the array `r` refers to: its key, and the element
/// made a reference where it is; `None` at the end (the table then forgets the walk). A
/// table that does not know the walk (the variable was given another array) is walked from
/// its internal pointer.
pub fn next_ref(r: &PhpRef, id: u32) -> Option<(Zval, PhpRef)> {
    let mut a = r.replace(Zval::UNDEF);
    let found = a.array_mut().and_then(|arr| {
        // Read before separating: a copy has no walk positions.
        let at = arr.iter_pos(id).unwrap_or_else(|| arr.pointer_pos());
        let t = arr.make_mut();
        let Some(p) = t.live_from(at) else {
            t.drop_iter(id);
            return None;
        };
        t.set_iter_pos(id, p + 1);
        let k = t.at(p).0.to_zval();
        let e = t.at_mut(p);
        let elem = match e.view() {
            View::Ref(x) => x.clone(),
            _ => {
                let x = PhpRef::new(std::mem::replace(e, Zval::NULL));
                *e = Zval::reference(x.clone());
                x
            }
        };
        Some((k, elem))
    });
    drop(r.replace(a));
    found
}

/// Ends the walk `id` over the array `r` refers to (left before its end).
pub fn end_ref(r: &PhpRef, id: u32) {
    let mut a = r.replace(Zval::UNDEF);
    if let Some(arr) = a.array_mut()
        && arr.iter_pos(id).is_some()
    {
        arr.make_mut().drop_iter(id);
    }
    drop(r.replace(a));
}
