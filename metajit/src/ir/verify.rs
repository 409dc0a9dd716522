//! The verifier: the invariants every trace keeps, checked between optimization passes (in debug
//! builds and tests) and on every trace a test builds by hand.
//!
//! Checked: inputs come first; every argument is defined before its use and has the kind the
//! operation expects; arities; descriptors of the right sort; every guard has resume data whose
//! values are defined; overflow-checked arithmetic is followed by its guard; nothing follows a
//! `jump` or `finish`; a `jump` to a label of the same trace passes matching kinds.

use super::{Arity, Descr, OpRef, Opcode, ResultKind, SnapValue, Trace};
use crate::value::Kind;
use std::collections::HashMap;

/// An invariant a trace breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("op {op} ({opname}): {message}")]
pub struct VerifyError {
    /// Index of the offending op.
    pub op: usize,
    /// Its name.
    pub opname: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The kinds an op's arguments must have (`None`: checked separately or anything goes).
fn expected_args(opcode: Opcode) -> Option<&'static [Kind]> {
    use Kind::*;
    use Opcode::*;
    Some(match opcode {
        IntAdd | IntSub | IntMul | IntDiv | IntMod | UintDiv | UintMod | IntAnd | IntOr
        | IntXor | IntShl | IntShr | UintShr | IntSignext | IntLt | IntLe | IntEq | IntNe
        | IntGt | IntGe | UintLt | UintLe | UintGt | UintGe | IntAddOvf | IntSubOvf | IntMulOvf => {
            &[Int, Int]
        }
        IntNeg
        | IntInvert
        | IntIsZero
        | IntIsTrue
        | CastIntToFloat
        | GuardTrue
        | GuardFalse
        | NewArray
        | ConvertLonglongBytesToFloat
        | CastIntToPtr => &[Int],
        FloatAdd | FloatSub | FloatMul | FloatDiv | FloatLt | FloatLe | FloatEq | FloatNe
        | FloatGt | FloatGe => &[Float, Float],
        FloatNeg | FloatAbs | CastFloatToInt | ConvertFloatBytesToLonglong => &[Float],
        PtrEq | PtrNe => &[Ref, Ref],
        GuardClass | RecordExactClass => &[Ref, Int],
        GuardNonnull | GuardIsnull | ArrayLen | GetClass | QuasiimmutField | GetField
        | CastPtrToInt => &[Ref],
        GetArrayItem => &[Ref, Int],
        RawLoad => &[Int, Int],
        _ => return None,
    })
}

/// Checks `t`; returns the first broken invariant.
pub fn verify(t: &Trace) -> Result<(), VerifyError> {
    let mut labels: HashMap<u32, Vec<Kind>> = HashMap::new();
    let mut inputs_done = false;
    let n = t.ops.len();
    for (i, op) in t.ops.iter().enumerate() {
        let fail = |message: String| {
            Err(VerifyError {
                op: i,
                opname: op.opcode.name(),
                message,
            })
        };
        let defined =
            |r: OpRef| r.is_const() && r.index() < t.consts.len() || !r.is_const() && r.index() < i;
        if op.opcode == Opcode::Input {
            if inputs_done {
                return fail("input after other operations".into());
            }
            if op.kind == Kind::Void {
                return fail("void input".into());
            }
            continue;
        }
        inputs_done = true;
        if let Arity::Fixed(k) = op.opcode.arity()
            && op.args.len() != k as usize
        {
            return fail(format!("takes {k} arguments, has {}", op.args.len()));
        }
        for &a in &op.args {
            if !defined(a) {
                return fail(format!("argument {a:?} used before it is defined"));
            }
            if t.kind_of(a) == Kind::Void {
                return fail("void value used as an argument".into());
            }
        }
        let kinds: Vec<Kind> = op.args.iter().map(|&a| t.kind_of(a)).collect();
        if let Some(exp) = expected_args(op.opcode)
            && kinds != exp
        {
            return fail(format!("argument kinds {kinds:?}, expected {exp:?}"));
        }
        match op.opcode.result_kind() {
            ResultKind::Fixed(k) if k != op.kind => {
                return fail(format!("result kind {} but the op produces {k}", op.kind));
            }
            _ => {}
        }
        let descr = t.descr_of(op);
        let need = |ok: bool, what: &str| {
            if ok {
                Ok(())
            } else {
                fail(format!("needs a {what} descriptor"))
            }
        };
        use Opcode::*;
        match op.opcode {
            GetField => {
                need(matches!(descr, Some(Descr::Field(_))), "field")?;
                let f = descr.and_then(Descr::as_field).unwrap();
                if f.kind != op.kind {
                    return fail(format!("loads a {} field as {}", f.kind, op.kind));
                }
            }
            SetField => {
                need(matches!(descr, Some(Descr::Field(_))), "field")?;
                let f = descr.and_then(Descr::as_field).unwrap();
                if kinds != [Kind::Ref, f.kind] {
                    return fail(format!("stores {kinds:?} into a {} field", f.kind));
                }
            }
            GetArrayItem | ArrayLen | NewArray => {
                need(matches!(descr, Some(Descr::Array(_))), "array")?;
                let a = descr.and_then(Descr::as_array).unwrap();
                if op.opcode == GetArrayItem && a.kind != op.kind {
                    return fail(format!("loads a {} item as {}", a.kind, op.kind));
                }
            }
            SetArrayItem => {
                need(matches!(descr, Some(Descr::Array(_))), "array")?;
                let a = descr.and_then(Descr::as_array).unwrap();
                if kinds != [Kind::Ref, Kind::Int, a.kind] {
                    return fail(format!("stores {kinds:?} into a {} array", a.kind));
                }
            }
            New | NewWithVtable => need(matches!(descr, Some(Descr::Size(_))), "size")?,
            RecordKnownResult => {
                need(matches!(descr, Some(Descr::Call(_))), "call")?;
                let c = descr.and_then(Descr::as_call).unwrap();
                if kinds.len() != c.args.len() + 1
                    || kinds[1..] != c.args[..]
                    || kinds[0] != c.result
                {
                    return fail(format!(
                        "records {kinds:?} for {} which takes {:?} and returns {}",
                        c.name, c.args, c.result
                    ));
                }
            }
            Call | CallPure | CallMayForce | CallAssembler | CondCall => {
                need(matches!(descr, Some(Descr::Call(_))), "call")?;
                let c = descr.and_then(Descr::as_call).unwrap();
                let args = if op.opcode == CondCall {
                    if kinds.first() != Some(&Kind::Int) {
                        return fail("cond_call's first argument must be an int".into());
                    }
                    &kinds[1..]
                } else {
                    &kinds[..]
                };
                if args != &c.args[..] {
                    return fail(format!(
                        "passes {args:?} to {} which takes {:?}",
                        c.name, c.args
                    ));
                }
                if op.opcode != CondCall && c.result != op.kind {
                    return fail(format!(
                        "{} returns {}, op expects {}",
                        c.name, c.result, op.kind
                    ));
                }
            }
            GuardValue => {
                if kinds[0] != kinds[1] {
                    return fail("guard_value compares values of different kinds".into());
                }
                if !op.args[1].is_const() {
                    return fail("guard_value's second argument must be a constant".into());
                }
            }
            SameAs if kinds[0] != op.kind => {
                return fail("same_as changes kind".into());
            }
            Label => {
                need(matches!(descr, Some(Descr::Target(_))), "target")?;
                let tid = descr.and_then(Descr::as_target).unwrap();
                labels.insert(tid.0, kinds.clone());
            }
            Jump => {
                need(matches!(descr, Some(Descr::Target(_))), "target")?;
                let tid = descr.and_then(Descr::as_target).unwrap();
                if let Some(lk) = labels.get(&tid.0)
                    && *lk != kinds
                {
                    return fail(format!("jumps with {kinds:?} to a label taking {lk:?}"));
                }
            }
            _ => {}
        }
        if op.opcode.is_guard() {
            let Some(s) = op.snapshot else {
                return fail("guard without resume data".into());
            };
            let Some(snap) = t.snapshots.get(s.0 as usize) else {
                return fail("resume data index out of range".into());
            };
            let mut bad = None;
            snap.for_each_value(|v| match v {
                SnapValue::Value(r) if !defined(r) => {
                    bad = Some(format!("resume data uses {r:?} before it is defined"))
                }
                SnapValue::Virtual(k) if k as usize >= snap.virtuals.len() => {
                    bad = Some(format!("resume data names missing virtual v{k}"))
                }
                _ => {}
            });
            if let Some(m) = bad {
                return fail(m);
            }
        } else if op.snapshot.is_some() {
            return fail("resume data on a non-guard".into());
        }
        if op.opcode.flags().has(super::Flags::OVF) {
            let next = t.ops.get(i + 1).map(|o| o.opcode);
            if !matches!(next, Some(GuardNoOverflow | GuardOverflow)) {
                return fail("overflow-checked op not followed by its guard".into());
            }
        }
        if op.opcode.is_final() && i + 1 != n {
            return fail("operations after the end of the trace".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse_trace;
    use super::*;

    #[test]
    fn accepts_a_good_trace() {
        let t = parse_trace("[i0]\nlabel(i0, descr=L0)\ni1 = int_add(i0, 1)\ni2 = int_lt(i1, 9)\nguard_true(i2) [i1]\njump(i1, descr=L0)\n").unwrap();
        verify(&t).unwrap();
    }

    #[test]
    fn rejects_kind_mismatch_and_bad_jumps() {
        let t = parse_trace("[i0, f1]\ni2 = int_add(i0, f1)\n").unwrap();
        assert!(verify(&t).unwrap_err().message.contains("argument kinds"));
        let t = parse_trace("[i0, f1]\nlabel(i0, descr=L0)\njump(f1, descr=L0)\n").unwrap();
        assert!(verify(&t).unwrap_err().message.contains("jumps with"));
        let t = parse_trace("[i0]\ni1 = int_add_ovf(i0, 1)\njump(i1, descr=L0)\n").unwrap();
        assert!(verify(&t).unwrap_err().message.contains("overflow"));
    }
}
