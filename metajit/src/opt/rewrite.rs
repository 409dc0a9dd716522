//! Rewrite: constant folding, algebraic identities, canonical forms and guard simplification.
//!
//! Second pass of the pipeline (after intbounds). It runs the *fold rules* of the fold engine ([`super::fold`]) over every op: given a
//! pure op whose arguments are already output values, either a value that replaces it (a
//! constant computed with `eval_pure`, so folding can never disagree with execution, or one of
//! its arguments: `x + 0`, `x * 1`, `x & -1`, `-(-x)`, `(x + y) - y`...), or an equivalent op in
//! canonical form (constants on the right of commutative ops and comparisons, `(x + 1) + 2` as
//! `x + 3`, `int_is_zero(a < b)` as `a >= b`). Every pass that re-emits pure ops uses these rules
//! through the builder (`Norm::Full`), so folds exposed by later substitutions are not missed.
//!
//! Guards: [`GuardFacts`](super::fold::GuardFacts) records what each emitted guard established (a value non-zero, zero,
//! non-null, of a known class, equal to a constant; no exception pending; not invalidated) and
//! drops later guards that are implied. The pass also rewrites guard conditions:
//! `guard_true(int_is_zero(x))` is `guard_false(x)`, and `guard_value(b, 1)` on a comparison
//! result becomes `guard_true(b)`. *Strengthening*: after `guard_true(x == C)` later uses of
//! `x` become the constant `C` (the guard stays a comparison: as a `guard_value` the driver
//! would count its failures per failing value, and the branch not taken, seen with many
//! values, might never get a bridge). A guard known to fail
//! (`guard_true(0)`, `guard_class` against a class the value is known not to have) is kept as is:
//! it always fails, and what follows it never runs, but the trace stays valid.
//!
//! Overflow-checked ops whose result is known (constant arguments, `x + 0`, `x * 1`) lose their
//! overflow guard when it is known to pass; a pair known to go the other way is kept.
//!
//! Not done (and why): strengthening an *earlier* guard from a later one (PyPy turns
//! `guard_nonnull; guard_class` into one `guard_nonnull_class`) needs an op the backends do not
//! have, and proving `guard_class(p, C)` from `guard_value(p, K)` needs the class of the object
//! at `K`, which the optimizer cannot read safely. Float identities other than double negation
//! are not exact (`x + 0.0` changes `-0.0`), so floats are only folded when constant.

use super::builder::{Builder, Norm, copy_label, copy_ovf_pair};
use super::fold::{def, is_bool};
use super::{OptContext, OptError};
use crate::ir::{OpRef, Opcode, Trace, eval_ovf};

/// The rewrite pass.
pub(super) fn run(src: &Trace, _ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    let mut b = Builder::new(src, Norm::Full);
    let n = src.ops.len();
    let mut i = b.num_inputs();
    while i < n {
        let op = &src.ops[i];
        match op.opcode {
            Opcode::IntAddOvf | Opcode::IntSubOvf | Opcode::IntMulOvf => {
                i += fold_ovf(&mut b, i);
                continue;
            }
            Opcode::GuardTrue | Opcode::GuardFalse | Opcode::GuardValue => {
                simplify_guard(&mut b, i);
            }
            Opcode::Label => copy_label(&mut b, i),
            _ => b.copy(i),
        }
        i += 1;
    }
    b.finish("rewrite")
}

/// An overflow-checked op at `i` and its guard at `i + 1`: folded when the result is known and
/// the guard known to pass. Returns how many input ops were consumed.
pub(super) fn fold_ovf(b: &mut Builder<'_>, i: usize) -> usize {
    use Opcode::*;
    let src = b.src;
    let op = &src.ops[i];
    let guard = &src.ops[i + 1];
    let (x, y) = (b.get(op.args[0]), b.get(op.args[1]));
    let wants_no_ovf = guard.opcode == GuardNoOverflow;
    let known: Option<(OpRef, bool)> = match (b.out.const_int_of(x), b.out.const_int_of(y)) {
        (Some(p), Some(q)) => eval_ovf(op.opcode, p, q).map(|(v, o)| (b.const_int(v), o)),
        (_, Some(0)) if matches!(op.opcode, IntAddOvf | IntSubOvf) => Some((x, false)),
        (Some(0), _) if op.opcode == IntAddOvf => Some((y, false)),
        (_, Some(1)) if op.opcode == IntMulOvf => Some((x, false)),
        (Some(1), _) if op.opcode == IntMulOvf => Some((y, false)),
        (_, Some(0)) | (Some(0), _) if op.opcode == IntMulOvf => Some((b.const_int(0), false)),
        _ if op.opcode == IntSubOvf && x == y => Some((b.const_int(0), false)),
        _ => None,
    };
    if let Some((v, overflowed)) = known
        && overflowed != wants_no_ovf
    {
        b.set(i, v);
        return 2;
    }
    copy_ovf_pair(b, i);
    2
}

/// `guard_true`/`guard_false`/`guard_value` with their conditions rewritten (see the module
/// documentation).
fn simplify_guard(b: &mut Builder<'_>, i: usize) {
    use Opcode::*;
    let src = b.src;
    let op = &src.ops[i];
    let mut opcode = op.opcode;
    let mut args = b.get_args(&op.args);
    // Peel negations and boolean tests off the condition.
    while matches!(opcode, GuardTrue | GuardFalse) {
        let Some((inner, ia)) = def(&b.out, b.horizon(), args[0]) else {
            break;
        };
        let flip = |o: Opcode| {
            if o == GuardTrue {
                GuardFalse
            } else {
                GuardTrue
            }
        };
        let cst = ia.get(1).and_then(|&r| b.out.const_int_of(r));
        let next = match (inner, cst) {
            (IntIsZero, _) => (flip(opcode), ia[0]),
            (IntIsTrue, _) | (IntNe, Some(0)) => (opcode, ia[0]),
            (IntEq, Some(0)) => (flip(opcode), ia[0]),
            _ => break,
        };
        opcode = next.0;
        args = vec![next.1];
    }
    // guard_value(b, 0/1) on a boolean is guard_false/guard_true.
    if opcode == GuardValue
        && is_bool(&b.out, b.horizon(), args[0])
        && !args[0].is_const()
        && let Some(k) = b.out.const_int_of(args[1])
        && (k == 0 || k == 1)
    {
        opcode = if k == 1 { GuardTrue } else { GuardFalse };
        args.truncate(1);
    }
    // Strengthening: after guard_true(x == C), x is C. The guard itself stays a comparison:
    // as a guard_value, the driver would count its failures per failing value, and the other
    // branch (taken with many different values) might never get a bridge.
    let mut known_value = None;
    if matches!(opcode, GuardTrue | GuardFalse)
        && let Some((inner, ia)) = def(&b.out, b.horizon(), args[0])
        && ia.len() == 2
        && !ia[0].is_const()
        && ia[1].is_const()
        && ((opcode == GuardTrue && matches!(inner, IntEq | PtrEq))
            || (opcode == GuardFalse && matches!(inner, IntNe | PtrNe)))
    {
        known_value = Some((ia[0], ia[1]));
    }
    let snap = match op.snapshot {
        Some(s) => b.snapshot(s),
        None => b.add_snapshot(crate::ir::Snapshot::default()),
    };
    b.emit_guard(opcode, args, snap);
    if let Some((x, c)) = known_value {
        b.replace(x, c);
    }
}
