//! Recompiling a piece together with its bridges, so hot loop -> bridge -> loop crossings
//! become branches inside one function.
//!
//! A crossing through a guard slot is two tail calls (about 3 ns on the development machine,
//! ten times an iteration of a small loop; see the book chapter). [`CraneliftBackend::merge_bridges`]
//! recompiles a piece with every bridge attached directly to its guards lowered in the guard's
//! failure block: the bridge's inputs are the fail values, its `jump` back to a label of the
//! piece is a branch. The piece keeps its `CodeId`, guard ids and slots; entry labels are
//! retargeted to the new function. The merged bridges stay alive as pieces: their guards keep
//! their slots (the merged code loads them, so bridges of merged bridges still attach), and
//! they can be entered from their guard's slot by nothing else.
//!
//! The code without the bridges is kept: freeing a merged bridge, or compiling a replacement
//! bridge for its guard, restores it ([`CraneliftBackend::unmerge`]) so that the guard exits
//! (or reaches the new bridge) exactly as without merging. Deciding *which* loops are hot enough
//! to merge is the driver's business (it counts guard failures for bridges anyway).

use super::lower::{InlineBridge, LowerEnv};
use super::{BackendError, CodeId, CraneliftBackend, Generated, value_type};
use cranelift_codegen::ir::Type;
use cranelift_jit::JITModule;
use std::collections::HashMap;

/// The code of a piece before merging.
pub(super) struct Unmerged {
    module: JITModule,
    entry: *const u8,
    code_size: usize,
}

impl Unmerged {
    /// Releases the code.
    pub(super) fn free(self) {
        // SAFETY: called when the piece owning this code is freed or the backend dropped;
        // the code is not current (no slot or piece entry points to it) and does not run.
        unsafe { self.module.free_memory() };
    }
}

impl CraneliftBackend {
    /// Recompiles `code` with the bridges currently attached to its guards inlined. Returns how
    /// many bridges were merged (0 leaves the piece as it was). Merging again after new
    /// bridges were attached starts from the unmerged code. Bridges with labels are left out.
    pub fn merge_bridges(&mut self, code: CodeId) -> Result<usize, BackendError> {
        let Some(piece) = self.piece(code) else {
            return Err(BackendError::Codegen(format!(
                "merge_bridges: no live piece {code:?}"
            )));
        };
        if piece.unmerged.is_some() {
            self.unmerge(code);
        }
        let piece = self.piece(code).expect("still live");
        let bridges: Vec<(usize, CodeId)> = piece
            .guard_ids
            .iter()
            .enumerate()
            .filter_map(|(k, g)| Some((k, self.guards.get(g)?.bridge?)))
            .filter(|&(_, b)| {
                self.piece(b).is_some_and(|p| {
                    p.trace
                        .ops
                        .iter()
                        .all(|op| op.opcode != crate::ir::Opcode::Label)
                })
            })
            .collect();
        if bridges.is_empty() {
            return Ok(0);
        }

        // Environments borrow the pieces; codegen borrows the compile contexts: disjoint fields.
        let pieces = &self.pieces;
        let targets = &self.targets;
        let native_call_conv = self.isa.default_call_conv();
        let frontend = self.isa.frontend_config();
        let cross_of = |p: &super::Piece| -> HashMap<_, _> {
            p.jumps_to
                .iter()
                .filter_map(|&t| Some((t, targets.peek(t)?)))
                .collect()
        };
        struct Parts {
            slots: Vec<usize>,
            cross: HashMap<crate::ir::TargetId, (usize, Vec<Type>)>,
        }
        let parts_of = |p: &super::Piece| Parts {
            slots: (0..p.guard_ids.len()).map(|k| p.slots.addr(k)).collect(),
            cross: cross_of(p),
        };
        let host = pieces[code.0 as usize].as_deref().expect("live");
        let host_parts = parts_of(host);
        let bridge_parts: Vec<(usize, &super::Piece, Parts)> = bridges
            .iter()
            .map(|&(k, b)| {
                let p = pieces[b.0 as usize].as_deref().expect("live bridge");
                (k, p, parts_of(p))
            })
            .collect();
        let no_inline = HashMap::new();
        let inline: HashMap<usize, InlineBridge<'_>> = bridge_parts
            .iter()
            .map(|(k, p, parts)| {
                (
                    *k,
                    InlineBridge {
                        trace: &p.trace,
                        env: LowerEnv {
                            guard_ids: &p.guard_ids,
                            guard_slots: &parts.slots,
                            cross_targets: &parts.cross,
                            array_descrs: &p.descr_addrs,
                            native_call_conv,
                            frontend,
                            inline: &no_inline,
                        },
                    },
                )
            })
            .collect();
        let inputs: Vec<Type> = host
            .trace
            .input_kinds()
            .into_iter()
            .map(value_type)
            .collect();
        let generated = Self::generate(
            &self.isa,
            &mut self.ctx,
            &mut self.fctx,
            &host.trace,
            &inputs,
            code,
            &LowerEnv {
                guard_ids: &host.guard_ids,
                guard_slots: &host_parts.slots,
                cross_targets: &host_parts.cross,
                array_descrs: &host.descr_addrs,
                native_call_conv,
                frontend,
                inline: &inline,
            },
        );
        drop(inline);
        let Generated {
            module,
            entry,
            code_size,
            max_out,
        } = generated?;

        // Publish.
        self.max_out = self.max_out.max(max_out);
        let piece = self.pieces[code.0 as usize].as_mut().expect("live");
        let old = Unmerged {
            module: piece.module.replace(module).expect("live module"),
            entry: std::mem::replace(&mut piece.entry, entry),
            code_size: std::mem::replace(&mut piece.code_size, code_size),
        };
        piece.unmerged = Some(old);
        piece.merged = bridges.iter().map(|&(_, b)| b).collect();
        for (tid, is_entry, types) in piece.defines.clone() {
            if is_entry {
                self.targets.define(tid, code, Some(entry as usize), types);
            }
        }
        for &(_, b) in &bridges {
            if let Some(p) = self.pieces[b.0 as usize].as_mut() {
                p.merged_into = Some(code);
            }
        }
        if let Some(pm) = &mut self.perf_map {
            pm.record(
                entry as usize,
                code_size,
                &format!("metajit::merged {code:?}"),
            );
        }
        Ok(bridges.len())
    }

    /// Gives `code` back the code it had before [`CraneliftBackend::merge_bridges`] (no-op when
    /// nothing is merged).
    pub(super) fn unmerge(&mut self, code: CodeId) {
        let Some(piece) = self
            .pieces
            .get_mut(code.0 as usize)
            .and_then(|p| p.as_deref_mut())
        else {
            return;
        };
        let Some(old) = piece.unmerged.take() else {
            return;
        };
        let merged_code = piece.module.replace(old.module).expect("live module");
        piece.entry = old.entry;
        piece.code_size = old.code_size;
        let merged = std::mem::take(&mut piece.merged);
        let entry = piece.entry as usize;
        for (tid, is_entry, types) in piece.defines.clone() {
            if is_entry {
                self.targets.define(tid, code, Some(entry), types);
            }
        }
        for b in merged {
            if let Some(p) = self.pieces[b.0 as usize].as_mut() {
                p.merged_into = None;
            }
        }
        // SAFETY: the merged code is no longer reachable: the piece's entry and its entry
        // labels' slots point to the restored code, and nothing runs during a `&mut self` call.
        unsafe { merged_code.free_memory() };
    }
}
