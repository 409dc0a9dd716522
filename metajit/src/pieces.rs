//! Compiled pieces of code: loops and bridges, their bookkeeping, invalidation and freeing.
//!
//! A finished trace is optimized, its guards get ids and resume data, and the backend compiles
//! it into a *piece*. The driver remembers for each piece its guards, the labels of other
//! pieces it jumps to, and an invalidation flag: a word that compiled code tests when the
//! trace folded quasi-immutable fields. Invalidating a piece sets its flag and unregisters it
//! (a loop is no longer entered from the interpreter, a bridge's guard may get a new bridge);
//! its code is freed as soon as no running code can be inside it and no other piece jumps
//! into it. Freeing a piece frees the bridges attached to its guards (the backend contract).

use crate::backend::{CodeId, CompileInfo, GuardId};
use crate::driver::{GuardInfo, Inner, describe};
use crate::ir::{Descr, Opcode, TargetId, Trace};
use crate::log::Category;
use crate::resume::ResumeData;
use crate::tracer::{TraceEnd, TraceKind, Tracer};
use crate::twin::AbortReason;
use crate::twin::PortalInfo;
use crate::twin::Recording;
use crate::vable::VLayout;
use crate::warmstate::GreenKey;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

/// What a piece is.
pub(crate) enum PieceKind {
    /// A loop entered from the interpreter at `key`.
    Loop {
        key: GreenKey,
        entry: TargetId,
        /// The virtualizable's layout the loop was traced with (it only runs on frames with it).
        vlayout: Option<VLayout>,
    },
    /// A bridge attached to a guard.
    Bridge { guard: GuardId },
}

/// One compiled loop or bridge.
pub(crate) struct Piece {
    pub code: CodeId,
    pub kind: PieceKind,
    pub name: String,
    pub trace: Trace,
    /// Its guards.
    pub guards: Vec<GuardId>,
    /// Labels of other pieces it jumps to.
    pub jumps: Vec<TargetId>,
    /// The invalidation flag (0 valid, 1 invalidated), at a stable address compiled code reads.
    pub flag: Box<i64>,
    pub valid: bool,
    pub freed: bool,
}

impl Inner {
    /// Counts a trace that did not make it to code: in the statistics, and against its loop
    /// key's `retrace_limit` (a quasi-immutable retrace is not the key's fault).
    fn give_up(&self, key: Option<GreenKey>, where_: &str, reason: AbortReason, detail: &str) {
        self.count_abort(reason);
        if let Some(k) = key
            && reason != AbortReason::QuasiImmutableRetrace
        {
            *self.aborts.borrow_mut().entry(k).or_insert(0) += 1;
        }
        if self.log.enabled(Category::Abort) {
            let sep = if detail.is_empty() { "" } else { ": " };
            self.log.write(&format!(
                "[metajit] abort {where_}: {reason}{sep}{detail}\n"
            ));
        }
    }

    /// Optimizes and compiles a finished trace (or logs why it was given up).
    pub(crate) fn finish_trace(
        self: &Rc<Self>,
        portal: &'static PortalInfo,
        tracer: &mut Tracer,
        loop_of: Option<(GreenKey, Option<VLayout>)>,
        bridge_of: Option<GuardId>,
        greens: &[i64],
    ) {
        let key = loop_of.as_ref().map(|l| l.0);
        let vlayout = loop_of.and_then(|l| l.1);
        let where_ = match (key, bridge_of) {
            (Some(_), _) => format!("loop at {}", describe(portal, greens)),
            (None, Some(g)) => format!("bridge from guard {g}"),
            _ => "trace".to_string(),
        };
        if tracer.end == TraceEnd::Open {
            tracer.abort(AbortReason::TraceTooLong);
        }
        let trace = std::mem::take(&mut tracer.rec().trace);
        self.stats.borrow_mut().ops_recorded += trace.ops.len() as u64;
        if self.log.enabled(Category::Trace) {
            self.log.write(&format!(
                "[metajit] recorded {where_} ({} ops)\n{trace}",
                trace.ops.len()
            ));
        }
        if let TraceEnd::Aborted(reason) = tracer.end {
            self.give_up(key, &where_, reason, "");
            return;
        }
        let t1 = Instant::now();
        // A bridge's inputs are its guard's fail arguments: it starts with what the parent
        // trace knew about their ranges.
        let input_bounds = bridge_of
            .map(|g| self.guards.borrow()[g.0 as usize].fail_bounds.clone())
            .unwrap_or_default();
        let optimized = if self.params.borrow().optimize {
            let mut ctx = crate::opt::OptContext {
                new_target: &|| self.new_target(),
                unroll: self.params.borrow().unroll && key.is_some(),
                max_pending_stores: self.params.borrow().max_pending_stores,
                input_bounds: &input_bounds,
            };
            crate::opt::optimize(&trace, &mut ctx)
        } else {
            Ok(trace)
        };
        let fail_bounds = match &optimized {
            Ok(t) if self.params.borrow().optimize => crate::opt::guard_input_bounds(t),
            _ => Vec::new(),
        };
        self.stats.borrow_mut().time_optimizing += t1.elapsed();
        let trace = match optimized {
            Ok(t) => t,
            Err(e) => {
                self.give_up(key, &where_, AbortReason::OptimizerFailed, &e.to_string());
                return;
            }
        };
        if self.log.enabled(Category::Opt) {
            self.log.write(&format!(
                "[metajit] optimized {where_} ({} ops)\n{trace}",
                trace.ops.len()
            ));
        }
        self.stats.borrow_mut().ops_optimized += trace.ops.len() as u64;
        let piece_id = self.pieces.borrow().len();
        // Resume data and guard ids.
        let mut ids = Vec::new();
        {
            let mut fail_bounds = fail_bounds.into_iter();
            let mut guards = self.guards.borrow_mut();
            for op in trace.ops.iter().filter(|o| o.opcode.is_guard()) {
                let fail = trace.fail_args(op);
                let snap = &trace.snapshots[op.snapshot.expect("guards have snapshots").0 as usize];
                let resume = ResumeData::build(&trace, snap, &fail, &|c| self.info_of(c));
                let value_index = (op.opcode == Opcode::GuardValue)
                    .then(|| fail.iter().position(|&a| a == op.args[0]))
                    .flatten();
                // A failing `guard_true` saw 0; a failing `guard_false` saw a non-zero value,
                // which is known exactly (1) only when a comparison produced it.
                let cond = op.args[0];
                let cond_known = match op.opcode {
                    Opcode::GuardTrue => true,
                    Opcode::GuardFalse => {
                        !cond.is_const() && trace.ops[cond.index()].opcode.is_comparison()
                    }
                    _ => false,
                };
                let cond_index = cond_known
                    .then(|| fail.iter().position(|&a| a == cond))
                    .flatten();
                ids.push(GuardId(guards.len() as u32));
                guards.push(GuardInfo {
                    resume,
                    failures: 0,
                    value_index,
                    cond_index,
                    value_failures: HashMap::new(),
                    bridge: None,
                    bridge_attempts: 0,
                    fail_bounds: fail_bounds.next().unwrap_or_default(),
                });
            }
        }
        let t2 = Instant::now();
        let info = CompileInfo {
            guard_ids: &ids,
            name: &where_,
        };
        let compiled = {
            let mut backend = self.backend.borrow_mut();
            match bridge_of {
                Some(g) => backend.compile_bridge(g, &trace, &info),
                None => backend.compile_loop(&trace, &info),
            }
        };
        self.stats.borrow_mut().time_compiling += t2.elapsed();
        if self.log.enabled(Category::Compile) {
            self.log.write(&format!(
                "[metajit] {where_}: optimizing and building resume data {:.3} ms, compiling {:.3} ms\n",
                t2.duration_since(t1).as_secs_f64() * 1000.0,
                t2.elapsed().as_secs_f64() * 1000.0
            ));
        }
        let code = match compiled {
            Ok(c) => c,
            Err(e) => {
                self.give_up(key, &where_, AbortReason::CompileFailed, &e.to_string());
                return;
            }
        };
        self.stats.borrow_mut().code_bytes += self.backend.borrow().code_size(code);
        self.warm.borrow_mut().decay(self.params.borrow().decay);
        // Labels of other pieces this one jumps to.
        let own: Vec<TargetId> = trace
            .ops
            .iter()
            .filter(|o| o.opcode == Opcode::Label)
            .filter_map(|o| trace.descr_of(o).and_then(Descr::as_target))
            .collect();
        let mut jumps: Vec<TargetId> = trace
            .ops
            .iter()
            .filter(|o| o.opcode == Opcode::Jump)
            .filter_map(|o| trace.descr_of(o).and_then(Descr::as_target))
            .filter(|t| !own.contains(t))
            .collect();
        jumps.sort_unstable();
        jumps.dedup();
        for t in &jumps {
            *self.jumped_into.borrow_mut().entry(*t).or_insert(0) += 1;
        }
        let kind = match (key, bridge_of) {
            (Some(k), _) => {
                let entry = match &tracer.kind {
                    TraceKind::Loop { entry, .. } => *entry,
                    TraceKind::Bridge => unreachable!("loop traces have an entry"),
                };
                self.loops.borrow_mut().insert(k, piece_id);
                self.stats.borrow_mut().loops += 1;
                PieceKind::Loop {
                    key: k,
                    entry,
                    vlayout,
                }
            }
            (None, Some(g)) => {
                self.guards.borrow_mut()[g.0 as usize].bridge = Some(piece_id);
                self.stats.borrow_mut().bridges += 1;
                if self.log.enabled(Category::Bridge) {
                    self.log
                        .write(&format!("[metajit] bridge attached to guard {g}\n"));
                }
                PieceKind::Bridge { guard: g }
            }
            _ => unreachable!("a trace is a loop or a bridge"),
        };
        for &addr in &tracer.qi_deps {
            self.qi_deps
                .borrow_mut()
                .entry(addr)
                .or_default()
                .push(piece_id);
        }
        let flag = tracer.flag.take().unwrap_or_else(|| Box::new(0));
        self.pieces.borrow_mut().push(Piece {
            code,
            kind,
            name: where_,
            trace,
            guards: ids,
            jumps,
            flag,
            valid: true,
            freed: false,
        });
    }

    /// Invalidates every piece that folded the quasi-immutable field at `addr`.
    pub(crate) fn invalidate_field(&self, addr: usize) {
        let Some(deps) = self.qi_deps.borrow_mut().remove(&addr) else {
            return;
        };
        for p in deps {
            self.invalidate_piece(p);
        }
    }

    fn invalidate_piece(&self, p: usize) {
        let mut pieces = self.pieces.borrow_mut();
        let piece = &mut pieces[p];
        if !piece.valid {
            return;
        }
        piece.valid = false;
        *piece.flag = 1;
        if let PieceKind::Loop { key, .. } = &piece.kind {
            let mut loops = self.loops.borrow_mut();
            if loops.get(key) == Some(&p) {
                loops.remove(key);
            }
        }
        self.stats.borrow_mut().invalidated += 1;
        if self.log.enabled(Category::Invalidate) {
            self.log
                .write(&format!("[metajit] invalidated {}\n", piece.name));
        }
        self.to_free.borrow_mut().push(p);
    }

    /// Frees invalidated pieces that no running code can be in and no other piece jumps into.
    /// Called when no compiled code is on the stack.
    pub(crate) fn free_invalidated(&self) {
        if self.busy.get() || self.to_free.borrow().is_empty() {
            return;
        }
        let pending = std::mem::take(&mut *self.to_free.borrow_mut());
        let mut keep = Vec::new();
        for p in pending {
            let blocked = {
                let pieces = self.pieces.borrow();
                match &pieces[p].kind {
                    PieceKind::Loop { entry, .. } => {
                        self.jumped_into.borrow().get(entry).copied().unwrap_or(0) > 0
                    }
                    PieceKind::Bridge { .. } => false,
                }
            };
            if blocked {
                keep.push(p);
                continue;
            }
            let code = self.pieces.borrow()[p].code;
            if !self.pieces.borrow()[p].freed {
                self.backend.borrow_mut().free(code);
                self.forget_freed(p);
            }
        }
        self.to_free.borrow_mut().extend(keep);
    }

    /// Bookkeeping for a piece the backend freed, and (recursively) the bridges attached to
    /// its guards, which the backend freed with it.
    fn forget_freed(&self, p: usize) {
        let (guards, jumps, kind_guard) = {
            let mut pieces = self.pieces.borrow_mut();
            let piece = &mut pieces[p];
            if piece.freed {
                return;
            }
            piece.freed = true;
            piece.valid = false;
            let kg = match piece.kind {
                PieceKind::Bridge { guard } => Some(guard),
                PieceKind::Loop { .. } => None,
            };
            if self.log.enabled(Category::Invalidate) {
                self.log
                    .write(&format!("[metajit] freed the code of {}\n", piece.name));
            }
            (piece.guards.clone(), std::mem::take(&mut piece.jumps), kg)
        };
        self.stats.borrow_mut().freed += 1;
        for t in jumps {
            if let Some(n) = self.jumped_into.borrow_mut().get_mut(&t) {
                *n = n.saturating_sub(1);
            }
        }
        if let Some(g) = kind_guard {
            let mut gs = self.guards.borrow_mut();
            let gi = &mut gs[g.0 as usize];
            if gi.bridge == Some(p) {
                gi.bridge = None;
                gi.bridge_attempts = 0;
                gi.failures = 0;
                gi.value_failures.clear();
            }
        }
        for g in guards {
            let b = self.guards.borrow()[g.0 as usize].bridge;
            if let Some(b) = b {
                self.forget_freed(b);
            }
        }
    }
}
