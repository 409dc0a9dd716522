//! Analyses over the lowered function: which slots are red (a fixpoint over assignments) and
//! which slots are live at each resume point.

use crate::cfg::*;
use std::collections::{BTreeSet, HashSet};

/// Whether an expression produces a red value, given the slots' current colors.
pub fn ex_is_red(f: &Func, ex: &Ex) -> bool {
    match ex {
        Ex::Slot(s) => f.slots[*s].red,
        Ex::Green(_, uses) => uses.iter().any(|&s| f.slots[s].red),
        Ex::Field(..) | Ex::ArrayLen(_) | Ex::New(..) | Ex::ExecCall(..) => true,
        Ex::WeAreJitted | Ex::IsConstant(_) => false,
        Ex::Unary(_, a) | Ex::Cast(a, _) | Ex::TupleField(a, _) => ex_is_red(f, a),
        Ex::Arith(_, a, b) | Ex::Cmp(_, a, b) => ex_is_red(f, a) || ex_is_red(f, b),
        Ex::Tuple(v) | Ex::Construct(_, v) => v.iter().any(|e| ex_is_red(f, e)),
        Ex::StructLit(_, v) => v.iter().any(|(_, e)| ex_is_red(f, e)),
    }
}

/// Whether a statement's result is red.
pub fn rhs_is_red(f: &Func, rhs: &Rhs) -> bool {
    match rhs {
        Rhs::Ex(e) => ex_is_red(f, e),
        Rhs::Index { .. } | Rhs::Call { .. } => true,
        Rhs::DivRem { a, b, .. } => ex_is_red(f, a) || ex_is_red(f, b),
        Rhs::Promote { plain, .. } => !plain,
        Rhs::ClassTest { red, .. } => *red,
        Rhs::GreenIndex { .. } => false,
        Rhs::SetIndex { .. }
        | Rhs::SetField { .. }
        | Rhs::AssertGreen(_)
        | Rhs::CanEnterJit
        | Rhs::KnownResult { .. } => false,
    }
}

/// Colors slots: red when any assignment to them is red. Returns the red user bindings.
pub fn taint(
    f: &mut Func,
    assigns: &[(SlotId, Rhs)],
    fixed_red: &[SlotId],
    previous: &HashSet<usize>,
) -> HashSet<usize> {
    for s in f.slots.iter_mut() {
        s.red = s.binding.is_some_and(|b| previous.contains(&b));
    }
    for &s in fixed_red {
        f.slots[s].red = true;
    }
    loop {
        let mut changed = false;
        for (dst, rhs) in assigns {
            if !f.slots[*dst].red && rhs_is_red(f, rhs) {
                f.slots[*dst].red = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    f.slots
        .iter()
        .filter(|s| s.red)
        .filter_map(|s| s.binding)
        .collect()
}

/// Fills each resume point's live slots (sorted by slot number, which is the snapshot order).
/// The merge point keeps the greens-then-reds list lowering gave it.
pub fn liveness(f: &mut Func, merge_point: Option<PointId>) {
    let n = f.blocks.len();
    let mut uses: Vec<BTreeSet<SlotId>> = vec![BTreeSet::new(); n];
    let mut defs: Vec<BTreeSet<SlotId>> = vec![BTreeSet::new(); n];
    let merge_live: Vec<SlotId> = merge_point
        .map(|p| f.points[p].live.clone())
        .unwrap_or_default();
    for (b, block) in f.blocks.iter().enumerate() {
        let (u, d) = (&mut uses[b], &mut defs[b]);
        for st in &block.stmts {
            st.rhs.uses(&mut |s| {
                if !d.contains(&s) {
                    u.insert(s);
                }
            });
            if let Some(dst) = st.dst {
                d.insert(dst);
            }
        }
        if let Some(t) = &block.term {
            t.uses(&mut |s| {
                if !d.contains(&s) {
                    u.insert(s);
                }
            });
            if let Term::MergePoint(_) = t {
                for &s in &merge_live {
                    if !d.contains(&s) {
                        u.insert(s);
                    }
                }
            }
            if let Term::Switch { arms, .. } = t {
                for a in arms {
                    for (_, s) in &a.bindings {
                        d.insert(*s);
                    }
                }
            }
        }
    }
    let succs: Vec<Vec<BlockId>> = f
        .blocks
        .iter()
        .map(|b| b.term.as_ref().map(|t| t.succs()).unwrap_or_default())
        .collect();
    let mut live_in: Vec<BTreeSet<SlotId>> = vec![BTreeSet::new(); n];
    loop {
        let mut changed = false;
        for b in (0..n).rev() {
            let mut out: BTreeSet<SlotId> = BTreeSet::new();
            for &s in &succs[b] {
                out.extend(live_in[s].iter().copied());
            }
            let mut inn: BTreeSet<SlotId> = out.difference(&defs[b]).copied().collect();
            inn.extend(uses[b].iter().copied());
            if inn != live_in[b] {
                live_in[b] = inn;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (i, p) in f.points.iter_mut().enumerate() {
        if Some(i) == merge_point {
            continue;
        }
        let mut live: Vec<SlotId> = live_in[p.block].iter().copied().collect();
        if let PointKind::After { result: Some(r) } = p.kind {
            live.retain(|&s| s != r);
        }
        p.live = live;
    }
}
