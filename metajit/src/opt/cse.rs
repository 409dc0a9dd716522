//! The CSE table: pure ops already emitted, keyed by opcode, descriptor and arguments (the
//! arguments of commutative ops as a set). The pure pass fills it and the builder consults it,
//! so later passes that re-emit pure ops CSE them too.

use crate::fasthash::FastMap;
use crate::ir::{DescrId, Flags, OpRef, Opcode};

/// Arguments as a hashable key; up to three without allocating.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) enum ArgKey {
    Small(u8, [OpRef; 3]),
    Many(Vec<OpRef>),
}

impl ArgKey {
    pub(super) fn new(opcode: Opcode, args: &[OpRef]) -> ArgKey {
        if args.len() <= 3 {
            let mut a = [OpRef::konst(0); 3];
            a[..args.len()].copy_from_slice(args);
            if args.len() == 2 && opcode.flags().has(Flags::COMMUTATIVE) && a[1] < a[0] {
                a.swap(0, 1);
            }
            ArgKey::Small(args.len() as u8, a)
        } else {
            ArgKey::Many(args.to_vec())
        }
    }
}

type Key = (Opcode, Option<DescrId>, ArgKey);

/// Known values of pure ops, by opcode, descriptor and arguments.
#[derive(Default)]
pub(crate) struct CseTable {
    map: FastMap<Key, OpRef>,
}

impl CseTable {
    /// The value of an equal op seen before.
    pub(super) fn lookup(
        &self,
        opcode: Opcode,
        args: &[OpRef],
        descr: Option<DescrId>,
    ) -> Option<OpRef> {
        self.map
            .get(&(opcode, descr, ArgKey::new(opcode, args)))
            .copied()
    }

    /// Records the value of an op.
    pub(super) fn insert(
        &mut self,
        opcode: Opcode,
        args: &[OpRef],
        descr: Option<DescrId>,
        v: OpRef,
    ) {
        self.map
            .entry((opcode, descr, ArgKey::new(opcode, args)))
            .or_insert(v);
    }
}
