//! The two indirection tables compiled code reads: guard slots and jump targets.
//!
//! Cranelift cannot patch finalized code, so everything that changes after a piece is compiled
//! lives in memory the backend owns and the code only loads from:
//!
//! - **Guard slots**: one word per guard, allocated with the piece that owns the guard, holding
//!   the function a failure of the guard tail-calls: the exit stub of its fail arguments'
//!   signature ("no bridge": write the fail arguments and return), or the bridge.
//!   `compile_bridge` stores the bridge's address; freeing the bridge stores the stub again.
//! - **Target slots**: one word per jump target (`TargetId`) that some piece enters from
//!   *another* piece, holding the address of the function whose entry is that label. A cross-piece
//!   `jump` loads the slot and tail-calls. Recompiling a loop under the same target only
//!   rewrites the slot.
//!
//! Invariant: a slot's address is baked into code, so a slot lives at least as long as every
//! piece whose code loads it. Guard slots are owned by their piece; target slots are
//! reference-counted by the pieces that jump through them (plus their definition).

use super::BackendError;
use crate::backend::CodeId;
use crate::ir::TargetId;
use cranelift_codegen::ir::Type;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The guard slots of one piece, in the order of its guards.
pub(super) struct GuardSlots(Box<[AtomicUsize]>);

impl GuardSlots {
    /// Slots holding these initial addresses.
    pub(super) fn new(initial: &[usize]) -> GuardSlots {
        GuardSlots(initial.iter().map(|&a| AtomicUsize::new(a)).collect())
    }

    /// The address of slot `k` (for the code to load from).
    pub(super) fn addr(&self, k: usize) -> usize {
        &self.0[k] as *const AtomicUsize as usize
    }

    pub(super) fn get(&self, k: usize) -> usize {
        self.0[k].load(Ordering::Acquire)
    }

    pub(super) fn set(&self, k: usize, target: usize) {
        self.0[k].store(target, Ordering::Release);
    }
}

/// Where a label can be entered from another piece.
struct Definition {
    /// The piece that defines the label.
    owner: CodeId,
    /// The address of the function that starts at the label, when the label is its trace's
    /// entry label (first op after the inputs, taking exactly the inputs); `None` for labels
    /// inside a trace, which only jumps of the same piece can reach.
    entry: Option<usize>,
    /// The types of the label's arguments.
    types: Vec<Type>,
}

struct Entry {
    /// Boxed so its address stays put while the map grows.
    slot: Box<AtomicUsize>,
    def: Option<Definition>,
    /// Live pieces whose code loads `slot`.
    users: u32,
    /// The argument types the users were compiled against.
    used_types: Option<Vec<Type>>,
}

/// The jump-target table.
#[derive(Default)]
pub(super) struct TargetTable {
    entries: HashMap<TargetId, Entry>,
}

impl TargetTable {
    /// Whether `owner` may (re)define `tid` with these properties: when code already jumps to
    /// the target, the new definition must be enterable with the same argument types.
    pub(super) fn check_define(
        &self,
        tid: TargetId,
        is_entry: bool,
        types: &[Type],
    ) -> Result<(), BackendError> {
        match self.entries.get(&tid) {
            Some(e) if e.users > 0 => {
                let same = e.used_types.as_deref() == Some(types);
                if !is_entry || !same {
                    return Err(BackendError::Codegen(format!(
                        "label {tid} is redefined with different arguments (or not as an entry \
                         label) while compiled code jumps to it"
                    )));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Records that `owner` defines `tid` (after [`TargetTable::check_define`]).
    pub(super) fn define(
        &mut self,
        tid: TargetId,
        owner: CodeId,
        entry: Option<usize>,
        types: Vec<Type>,
    ) {
        let e = self.entries.entry(tid).or_insert_with(|| Entry {
            slot: Box::new(AtomicUsize::new(0)),
            def: None,
            users: 0,
            used_types: None,
        });
        e.slot.store(entry.unwrap_or(0), Ordering::Release);
        e.def = Some(Definition {
            owner,
            entry,
            types,
        });
    }

    /// The piece whose definition of `tid` is current.
    pub(super) fn owner(&self, tid: TargetId) -> Option<CodeId> {
        Some(self.entries.get(&tid)?.def.as_ref()?.owner)
    }

    /// Takes a reference to `tid`'s slot for a piece about to jump there from outside:
    /// returns the slot's address and the argument types.
    pub(super) fn acquire(&mut self, tid: TargetId) -> Result<(usize, Vec<Type>), BackendError> {
        let Some(e) = self.entries.get_mut(&tid) else {
            return Err(BackendError::UnknownTarget(tid));
        };
        let Some(def) = &e.def else {
            return Err(BackendError::UnknownTarget(tid));
        };
        if def.entry.is_none() {
            return Err(BackendError::Unsupported(format!(
                "jump from another piece of code to {tid}, which is not the entry label of its \
                 trace (the first op after the inputs, taking exactly the inputs)"
            )));
        }
        let types = def.types.clone();
        e.users += 1;
        e.used_types = Some(types.clone());
        Ok((&*e.slot as *const AtomicUsize as usize, types))
    }

    /// The slot address and argument types of a target the caller holds a reference to.
    pub(super) fn peek(&self, tid: TargetId) -> Option<(usize, Vec<Type>)> {
        let e = self.entries.get(&tid)?;
        Some((
            &*e.slot as *const AtomicUsize as usize,
            e.used_types.clone()?,
        ))
    }

    /// Drops a reference taken by [`TargetTable::acquire`].
    pub(super) fn release(&mut self, tid: TargetId) {
        if let Some(e) = self.entries.get_mut(&tid) {
            e.users -= 1;
            if e.users == 0 {
                e.used_types = None;
                if e.def.is_none() {
                    self.entries.remove(&tid);
                }
            }
        }
    }

    /// Forgets the definition of `tid` if `owner` made it (the piece is being freed). Code
    /// still jumping there would find a zero slot: the driver frees jumpers first.
    pub(super) fn undefine(&mut self, tid: TargetId, owner: CodeId) {
        if let Some(e) = self.entries.get_mut(&tid)
            && e.def.as_ref().is_some_and(|d| d.owner == owner)
        {
            e.def = None;
            e.slot.store(0, Ordering::Release);
            if e.users == 0 {
                self.entries.remove(&tid);
            }
        }
    }

    /// How many targets the table holds (for tests of bounded growth).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}
