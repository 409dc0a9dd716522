//! Dead-code elimination: removes operations whose results nobody needs.
//!
//! Last pass of the pipeline. One backward pass marks what is live: every op with an effect
//! (stores, calls other than `call_pure`, guards, overflow-checked ops, control ops), every
//! marker (`debug_merge_point`) and every op without a result (`quasiimmut_field`), and,
//! transitively, every value those use as an argument or in resume data (the values of virtual
//! objects and pending stores included). Pure ops, `call_pure`, reads (`getfield`,
//! `getarrayitem`, `arraylen`, `getclass`, `raw_load`) and allocations whose results are not
//! live are dropped: none of them can be observed.
//!
//! Loop-carried values: a `label` other than the entry label (the peeled loop's, from unroll)
//! is only ever jumped to by its own trace's final `jump` (other traces and bridges enter
//! loops at their entry label, the only cross-trace target the backends accept). A label
//! argument is needed when a live op after the label uses it, or when the final `jump` passes
//! it on into a needed argument; the needed set is grown from nothing to a fixpoint, so a
//! value that only feeds its own update through the jump (a counter nothing reads) is removed
//! from both the label and the jump, with the ops computing it.

use super::{OptContext, OptError};
use crate::ir::{Descr, Flags, Op, OpRef, Opcode, SnapValue, Trace};
use crate::value::Kind;

/// Whether an op must stay even when its result is unused.
fn must_keep(op: &Op) -> bool {
    op.opcode == Opcode::Input
        || op.opcode.has_effect()
        || op.opcode.flags().has(Flags::MARKER)
        || op.kind == Kind::Void
}

/// The internal loop label and the final jump back to it, if the trace has them: (label index,
/// jump index).
fn internal_loop(t: &Trace) -> Option<(usize, usize)> {
    let last = t.ops.len().checked_sub(1)?;
    let jump = &t.ops[last];
    if jump.opcode != Opcode::Jump {
        return None;
    }
    let target = t.descr_of(jump).and_then(Descr::as_target)?;
    let entry = t.num_inputs();
    let l = t.ops.iter().enumerate().position(|(i, op)| {
        i != entry
            && op.opcode == Opcode::Label
            && t.descr_of(op).and_then(Descr::as_target) == Some(target)
    })?;
    (t.ops[l].args.len() == jump.args.len()).then_some((l, last))
}

/// Marks live ops, counting label/jump arguments at `slot` positions only where `slot` says.
fn liveness(t: &Trace, lp: Option<(usize, usize)>, slot: &[bool]) -> Vec<bool> {
    let n = t.ops.len();
    let mut live = vec![false; n];
    let mark = |live: &mut Vec<bool>, r: OpRef| {
        if !r.is_const() {
            live[r.index()] = true;
        }
    };
    for i in (0..n).rev() {
        let op = &t.ops[i];
        if !(live[i] || must_keep(op)) {
            continue;
        }
        live[i] = true;
        let slotted = lp.is_some_and(|(l, j)| i == l || i == j);
        for (k, &a) in op.args.iter().enumerate() {
            if !slotted || slot[k] {
                mark(&mut live, a);
            }
        }
        if let Some(s) = op.snapshot {
            t.snapshots[s.0 as usize].for_each_value(|v| {
                if let SnapValue::Value(r) = v {
                    mark(&mut live, r);
                }
            });
        }
    }
    live
}

/// Which slots of the internal loop label are needed (see the module documentation): grown
/// from none, so that values that only feed their own slot through the jump stay out.
fn needed_slots(t: &Trace, (l, j): (usize, usize)) -> Vec<bool> {
    let label = &t.ops[l];
    let jump = &t.ops[j];
    let mut needed = vec![false; label.args.len()];
    loop {
        let live = liveness(t, Some((l, j)), &needed);
        let mut used = vec![false; t.ops.len()];
        let mut mark = |r: OpRef| {
            if !r.is_const() {
                used[r.index()] = true;
            }
        };
        for (i, op) in t.ops.iter().enumerate().skip(l + 1) {
            if !live[i] || i == j {
                continue;
            }
            op.args.iter().for_each(|&a| mark(a));
            if let Some(s) = op.snapshot {
                t.snapshots[s.0 as usize].for_each_value(|v| {
                    if let SnapValue::Value(r) = v {
                        mark(r);
                    }
                });
            }
        }
        for (k, &a) in jump.args.iter().enumerate() {
            if needed[k] {
                mark(a);
            }
        }
        let next: Vec<bool> = label
            .args
            .iter()
            .map(|&a| !a.is_const() && used[a.index()])
            .collect();
        if next == needed {
            return needed;
        }
        needed = next;
    }
}

/// The dead-code elimination pass.
pub(super) fn run(src: &Trace, _ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    let lp = internal_loop(src);
    let slots = match lp {
        Some(lj) => needed_slots(src, lj),
        None => Vec::new(),
    };
    let live = liveness(src, lp, &slots);
    let mut out = src.fresh_like();
    let mut map: Vec<Option<OpRef>> = vec![None; src.ops.len()];
    let get = |map: &[Option<OpRef>], r: OpRef| -> Result<OpRef, OptError> {
        if r.is_const() {
            return Ok(r);
        }
        map[r.index()].ok_or_else(|| OptError::Internal {
            pass: "dce",
            message: format!("live value uses dead {r:?}"),
        })
    };
    for (i, op) in src.ops.iter().enumerate() {
        if !live[i] {
            continue;
        }
        let slotted = lp.is_some_and(|(l, j)| i == l || i == j);
        let mut args = Vec::with_capacity(op.args.len());
        for (k, &a) in op.args.iter().enumerate() {
            if !slotted || slots[k] {
                args.push(get(&map, a)?);
            }
        }
        let snapshot = match op.snapshot {
            Some(s) => {
                let mut snap = src.snapshots[s.0 as usize].clone();
                let mut bad = None;
                snap.map_values(|r| match get(&map, r) {
                    Ok(v) => SnapValue::Value(v),
                    Err(e) => {
                        bad = Some(e);
                        SnapValue::Value(r)
                    }
                });
                if let Some(e) = bad {
                    return Err(e);
                }
                Some(out.add_snapshot(snap))
            }
            None => None,
        };
        let r = out.push(Op {
            opcode: op.opcode,
            kind: op.kind,
            args,
            descr: op.descr,
            snapshot,
        });
        map[i] = Some(r);
    }
    Ok(out)
}
