//! Regions: a hot cycle of pieces compiled again as one function.
//!
//! A crossing between pieces (a guard's slot into a bridge, a bridge's jump into the next loop)
//! is a tail call, about 3 ns on the development machine: ten times an iteration of a small
//! loop (the book chapter has the measurements). When a program's hot path runs through a cycle
//! of pieces, loop -> exit bridge -> next loop -> ... -> first loop, the driver (`regions.rs`)
//! asks for the members to be compiled together: [`CraneliftBackend::compile_region`] lowers
//! every member into one function, where
//!
//! - a bridge of a member's guard that is itself a member is lowered at the guard's failure
//!   (inputs bound to the fail values, no call), recursively for bridges of bridges;
//! - a jump to the entry label of a member is a branch to that label's block; jumps elsewhere
//!   stay tail calls through the target table, guards without a member bridge keep their slot;
//! - the members that are entered from outside (loops: by `execute` and by jumps of other
//!   pieces) are the *entries*. With one entry the function has that loop's piece signature and
//!   replaces its code directly; with several it takes `(out, exit, selector)` and starts with
//!   a `br_table`, and each entry gets a small *stub* with the piece signature that stores its
//!   inputs in `out` and tail-calls it with its selector. The stubs are what the entry loops'
//!   target slots and `execute` use from then on; they are in the region's module.
//!
//! Members keep their `CodeId`s, guard ids, guard slots and their own code. *Dissolving* the
//! region (a member freed, a member bridge replaced, a member's label redefined, or a new
//! region taking some of its members) points every entry back at the members' own code and
//! frees the region's module, so the `Backend` contract holds unchanged. A bridge attached
//! later to a guard of a member whose bridge was not a member is reached through the guard's
//! slot as usual; the driver may then compile the region again with it.

use super::abi::{self, piece_signature};
use super::lower::{OWN_MEMORY, Plan, TraceEnv};
use super::{BackendError, CodeId, CraneliftBackend, Piece, codegen_error};
use crate::backend::Regions;
use crate::ir::TargetId;
use cranelift_codegen::ir::{Function, InstBuilder, Type, UserFuncName, types};
use cranelift_jit::JITModule;
use cranelift_module::{Linkage, Module};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// The code of one region.
pub(super) struct RegionCode {
    module: JITModule,
    members: Vec<CodeId>,
}

impl RegionCode {
    /// Releases the code.
    pub(super) fn free(self) {
        // SAFETY: called when the region is dissolved or the backend dropped: no piece entry
        // or target slot points into the module any more, and no code runs during a
        // `&mut self` call of the backend.
        unsafe { self.module.free_memory() };
    }
}

impl CraneliftBackend {
    /// Recompiles `code` with the bridges currently attached to its guards inlined (a region of
    /// the loop and those bridges). Returns how many bridges were merged; 0 leaves the piece as
    /// it was. Merging again after new bridges were attached starts afresh.
    pub fn merge_bridges(&mut self, code: CodeId) -> Result<usize, BackendError> {
        let Some(piece) = self.piece(code) else {
            return Err(BackendError::Codegen(format!(
                "merge_bridges: no live piece {code:?}"
            )));
        };
        let bridges: Vec<CodeId> = piece
            .guard_ids
            .iter()
            .filter_map(|g| self.guards.get(g)?.bridge)
            .collect();
        if bridges.is_empty() {
            return Ok(0);
        }
        let mut members = vec![code];
        members.extend(&bridges);
        self.compile_region(&members, &format!("merged {code:?}"))?;
        Ok(bridges.len())
    }

    /// Points the members of region `r` back at their own code and frees the region's.
    pub(super) fn dissolve(&mut self, r: usize) {
        let Some(region) = self.regions.get_mut(r).and_then(Option::take) else {
            return;
        };
        for &m in &region.members {
            let Some(p) = self
                .pieces
                .get_mut(m.0 as usize)
                .and_then(|p| p.as_deref_mut())
            else {
                continue;
            };
            p.region = None;
            p.entry = p.own_entry;
            let entry = p.own_entry as usize;
            for (tid, is_entry, types) in p.defines.clone() {
                if is_entry && self.targets.owner(tid) == Some(m) {
                    self.targets.define(tid, m, Some(entry), types);
                }
            }
        }
        region.free();
    }

    /// Checks `members` and returns, for each, the member whose guard it is lowered at (`None`
    /// for entries).
    fn region_hosts(&self, members: &[CodeId]) -> Result<Vec<Option<usize>>, BackendError> {
        let index: HashMap<CodeId, usize> =
            members.iter().enumerate().map(|(i, &m)| (m, i)).collect();
        if index.len() != members.len() {
            return Err(BackendError::Codegen(
                "a region member is listed twice".into(),
            ));
        }
        let mut labels = HashMap::new();
        let mut hosts = Vec::new();
        for &m in members {
            let p = self
                .piece(m)
                .ok_or_else(|| BackendError::Codegen(format!("region member {m:?} is not live")))?;
            for (tid, _, _) in &p.defines {
                if labels.insert(*tid, m).is_some() || self.targets.owner(*tid) != Some(m) {
                    return Err(BackendError::Unsupported(format!(
                        "label {tid} is defined by two pieces"
                    )));
                }
            }
            let host = match p.attached_to {
                None => None,
                Some(g) => {
                    let home = self.guards.get(&g).ok_or(BackendError::UnknownGuard(g))?;
                    match index.get(&home.piece) {
                        Some(&h) if home.bridge == Some(m) => Some(h),
                        _ => {
                            return Err(BackendError::Codegen(format!(
                                "region member {m:?} is a bridge of {g}, whose piece is not a \
                                 member"
                            )));
                        }
                    }
                }
            };
            hosts.push(host);
        }
        if hosts.iter().all(Option::is_some) {
            return Err(BackendError::Codegen("a region needs a loop".into()));
        }
        Ok(hosts)
    }

    fn region_impl(&mut self, members: &[CodeId], name: &str) -> Result<usize, BackendError> {
        let started = Instant::now();
        let hosts = self.region_hosts(members)?;
        let old: Vec<usize> = members
            .iter()
            .filter_map(|&m| self.piece(m).and_then(|p| p.region))
            .collect();
        for r in old {
            self.dissolve(r);
        }
        let rid = self.regions.len();

        // The plan: one trace per member; bridges lowered at their guards.
        let pieces = &self.pieces;
        let targets = &self.targets;
        let live = |m: CodeId| -> &Piece { pieces[m.0 as usize].as_deref().expect("checked") };
        let index: HashMap<CodeId, usize> =
            members.iter().enumerate().map(|(i, &m)| (m, i)).collect();
        let mut traces: Vec<TraceEnv<'_>> = members
            .iter()
            .map(|&m| {
                let p = live(m);
                TraceEnv {
                    trace: &p.trace,
                    guard_ids: &p.guard_ids,
                    guard_slots: (0..p.guard_ids.len()).map(|k| p.slots.addr(k)).collect(),
                    cross_targets: p
                        .jumps_to
                        .iter()
                        .filter_map(|&t| Some((t, targets.peek(t)?)))
                        .collect::<HashMap<TargetId, (usize, Vec<Type>)>>(),
                    array_descrs: &p.descr_addrs,
                    inline: HashMap::new(),
                    counter: None,
                }
            })
            .collect();
        for (i, host) in hosts.iter().enumerate() {
            if let Some(h) = *host {
                let g = live(members[i]).attached_to.expect("bridges have a guard");
                let k = live(members[h])
                    .guard_ids
                    .iter()
                    .position(|&x| x == g)
                    .expect("the guard belongs to its piece");
                traces[h].inline.insert(k, index[&members[i]]);
            }
        }
        let roots: Vec<usize> = (0..members.len()).filter(|&i| hosts[i].is_none()).collect();
        let plan = Plan {
            traces,
            roots,
            native_call_conv: self.isa.default_call_conv(),
            frontend: self.isa.frontend_config(),
        };
        let input_types: Vec<Vec<Type>> = (0..members.len()).map(|i| plan.input_types(i)).collect();
        let single = plan.roots.len() == 1;
        let sig = if single {
            piece_signature(&input_types[plan.roots[0]])
        } else {
            abi::region_signature()
        };

        // One module: the region's function, then a stub per entry.
        let mut module = super::new_module(&self.region_isa, &self.arena);
        let ctx = &mut self.ctx;
        let fctx = &mut self.fctx;
        let built = (|| -> Result<_, BackendError> {
            let fid = module
                .declare_anonymous_function(&sig)
                .map_err(codegen_error)?;
            ctx.clear();
            ctx.func =
                Function::with_name_signature(UserFuncName::user(1, rid as u32), sig.clone());
            let lowered = super::lower::lower(&plan, &mut ctx.func, fctx);
            let lowered = match lowered {
                Ok(l) => l,
                Err(e) => {
                    ctx.clear();
                    return Err(e);
                }
            };
            let defined = module.define_function(fid, ctx).map_err(codegen_error);
            let mut code_size = ctx.compiled_code().map_or(0, |c| c.code_buffer().len());
            super::release_context(ctx, code_size);
            defined?;
            let mut stubs = Vec::new();
            if !single {
                for (sel, &r) in plan.roots.iter().enumerate() {
                    let ssig = piece_signature(&input_types[r]);
                    let sid = module
                        .declare_function(&format!("stub{sel}"), Linkage::Local, &ssig)
                        .map_err(codegen_error)?;
                    ctx.func =
                        Function::with_name_signature(UserFuncName::user(2, sel as u32), ssig);
                    let callee = module.declare_func_in_func(fid, &mut ctx.func);
                    {
                        let mut b = cranelift_frontend::FunctionBuilder::new(&mut ctx.func, fctx);
                        let block = b.create_block();
                        b.append_block_params_for_function_params(block);
                        b.switch_to_block(block);
                        let p = b.block_params(block).to_vec();
                        // All inputs go to `out` (those in memory are there already).
                        let types = &input_types[r];
                        let mut regs = p[2..].iter();
                        for (k, reg) in abi::in_registers(types).into_iter().enumerate() {
                            if reg {
                                let v = *regs.next().expect("one parameter per register value");
                                b.ins().store(OWN_MEMORY, v, p[0], 8 * k as i32);
                            }
                        }
                        let selector = b.ins().iconst(types::I64, sel as i64);
                        let args = [p[0], p[1], selector];
                        b.ins().return_call(callee, &args);
                        b.seal_all_blocks();
                        b.finalize(module.target_config());
                    }
                    module.define_function(sid, ctx).map_err(codegen_error)?;
                    code_size += ctx.compiled_code().map_or(0, |c| c.code_buffer().len());
                    ctx.clear();
                    stubs.push(sid);
                }
            }
            module.finalize_definitions().map_err(codegen_error)?;
            let main = module.get_finalized_function(fid);
            let entries: Vec<*const u8> = if single {
                vec![main]
            } else {
                stubs
                    .iter()
                    .map(|&s| module.get_finalized_function(s))
                    .collect()
            };
            Ok((lowered.max_out, code_size, main, entries))
        })();
        let roots = plan.roots.clone();
        drop(plan);
        let (_, code_size, main, entries) = match built {
            Ok(b) if b.0 > crate::backend::MAX_EXIT_WORDS => {
                // SAFETY: nothing refers to this module's code yet.
                unsafe { module.free_memory() };
                return Err(BackendError::Unsupported(format!(
                    "an exit of {} words",
                    b.0
                )));
            }
            Ok(b) => b,
            Err(e) => {
                // SAFETY: nothing refers to this module's code yet.
                unsafe { module.free_memory() };
                return Err(e);
            }
        };

        // Publish: the entries' code and entry labels now lead into the region.
        for (&r, &entry) in roots.iter().zip(&entries) {
            let m = members[r];
            let p = self.pieces[m.0 as usize].as_deref_mut().expect("live");
            p.entry = entry;
            for (tid, is_entry, types) in p.defines.clone() {
                if is_entry {
                    self.targets.define(tid, m, Some(entry as usize), types);
                }
            }
        }
        for &m in members {
            self.pieces[m.0 as usize]
                .as_deref_mut()
                .expect("live")
                .region = Some(rid);
        }
        if let Some(pm) = &mut self.perf_map {
            pm.record(main as usize, code_size, &format!("metajit::region {name}"));
        }
        self.regions.push(Some(RegionCode {
            module,
            members: members.to_vec(),
        }));
        self.stats.regions += 1;
        self.stats.region_members += members.len() as u64;
        self.stats.code_bytes += code_size as u64;
        self.stats.region_time += started.elapsed();
        Ok(code_size)
    }
}

impl Regions for CraneliftBackend {
    fn entry_count(&self, code: CodeId) -> u64 {
        self.piece(code)
            .map_or(0, |p| p.entries.load(Ordering::Relaxed))
    }

    fn compile_region(&mut self, members: &[CodeId], name: &str) -> Result<usize, BackendError> {
        self.region_impl(members, name)
    }

    fn region_of(&self, code: CodeId) -> Option<&[CodeId]> {
        let r = self.piece(code)?.region?;
        Some(&self.regions[r].as_ref()?.members)
    }
}
