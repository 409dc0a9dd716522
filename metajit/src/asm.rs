//! `call_assembler`: a traced call of the interpreter function that is not inlined goes
//! straight to the code compiled for the callee's entry, as RPython's `call_assembler` does.
//!
//! The trace names the callee by a *token*, one per green key of a function entry, owned by the
//! driver for its whole life (so compiled code may hold its address as a constant). The call
//! goes to the interpreter's generated assembler wrapper, which hands the token and the reds to
//! [`crate::JitDriver::call_assembler`]: the driver finds the entry's compiled code through the
//! token (cached until the table of function entries changes) and runs it without the
//! interpreter's own entry (no hook, no key lookup). When the callee has no compiled entry (not
//! hot yet, or invalidated) the wrapper calls the interpreter function natively, as a residual
//! call would; when the compiled callee leaves through a guard, the interpreter finishes the
//! call from the guard's state.

use crate::fasthash::FastMap;
use crate::twin::PortalInfo;
use crate::warmstate::{GreenKey, MAX_GREENS};
use std::cell::{Cell, RefCell};

/// No compiled entry (in a token's cache).
const NONE: usize = usize::MAX;

/// The callee of `call_assembler` ops: a function entry's green key.
pub(crate) struct AsmToken {
    pub portal: &'static PortalInfo,
    pub key: GreenKey,
    pub greens: [i64; MAX_GREENS],
    /// The compiled entry's piece (or [`NONE`]) as of table generation `.0`.
    cache: Cell<(u64, usize)>,
}

impl AsmToken {
    /// The portal's greens.
    pub(crate) fn greens(&self) -> &[i64] {
        &self.greens[..self.portal.green_names.len()]
    }
}

/// The tokens of one JIT instance.
#[derive(Default)]
pub(crate) struct AsmTokens {
    tokens: RefCell<FastMap<GreenKey, Box<AsmToken>>>,
    /// Changes whenever the table of function entries does (invalidates every token's cache).
    generation: Cell<u64>,
}

impl AsmTokens {
    /// The address of the token for `greens` of `portal` (made on first use; it lives as long
    /// as the driver).
    pub(crate) fn token(&self, portal: &'static PortalInfo, greens: &[i64]) -> usize {
        let key = GreenKey::new(portal as *const PortalInfo as usize, greens);
        let mut tokens = self.tokens.borrow_mut();
        let tok = tokens.entry(key).or_insert_with(|| {
            let mut g = [0; MAX_GREENS];
            g[..greens.len()].copy_from_slice(greens);
            Box::new(AsmToken {
                portal,
                key,
                greens: g,
                cache: Cell::new((u64::MAX, NONE)),
            })
        });
        &**tok as *const AsmToken as usize
    }

    /// The table of function entries changed.
    pub(crate) fn changed(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
    }

    /// The piece compiled for `tok`'s entry, looked up with `lookup` when the cache is stale.
    pub(crate) fn piece(
        &self,
        tok: &AsmToken,
        lookup: impl FnOnce(&GreenKey) -> Option<usize>,
    ) -> Option<usize> {
        let generation = self.generation.get();
        let (seen, piece) = tok.cache.get();
        let piece = if seen == generation {
            piece
        } else {
            let p = lookup(&tok.key).unwrap_or(NONE);
            tok.cache.set((generation, p));
            p
        };
        (piece != NONE).then_some(piece)
    }
}
