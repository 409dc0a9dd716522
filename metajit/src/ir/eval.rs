//! The meaning of every pure operation, in one place: the reference interpreter executes with
//! these functions and the optimizer folds constants with them, so folding can never disagree
//! with execution.

use super::Opcode;

/// Evaluates a pure integer or float operation on raw bits (floats as their bit patterns).
/// Returns `None` for operations that are not pure arithmetic (loads, calls, guards...).
pub fn eval_pure(op: Opcode, a: &[i64]) -> Option<i64> {
    use Opcode::*;
    let f = |i: usize| f64::from_bits(a[i] as u64);
    let fb = |x: f64| x.to_bits() as i64;
    let b = |c: bool| c as i64;
    Some(match op {
        SameAs => a[0],
        IntAdd => a[0].wrapping_add(a[1]),
        IntSub => a[0].wrapping_sub(a[1]),
        IntMul => a[0].wrapping_mul(a[1]),
        // Division by zero and MIN / -1 are excluded by guards the tracer records first; give
        // them a defined (but meaningless) value so folding never panics.
        IntDiv => {
            if a[1] == 0 {
                0
            } else {
                a[0].wrapping_div(a[1])
            }
        }
        IntMod => {
            if a[1] == 0 {
                0
            } else {
                a[0].wrapping_rem(a[1])
            }
        }
        UintDiv => {
            if a[1] == 0 {
                0
            } else {
                ((a[0] as u64) / (a[1] as u64)) as i64
            }
        }
        UintMod => {
            if a[1] == 0 {
                0
            } else {
                ((a[0] as u64) % (a[1] as u64)) as i64
            }
        }
        IntAnd => a[0] & a[1],
        IntOr => a[0] | a[1],
        IntXor => a[0] ^ a[1],
        IntShl => a[0].wrapping_shl(a[1] as u32 & 63),
        IntShr => a[0].wrapping_shr(a[1] as u32 & 63),
        UintShr => ((a[0] as u64).wrapping_shr(a[1] as u32 & 63)) as i64,
        IntNeg => a[0].wrapping_neg(),
        IntInvert => !a[0],
        IntSignext => match a[1] {
            1 => a[0] as i8 as i64,
            2 => a[0] as i16 as i64,
            4 => a[0] as i32 as i64,
            _ => a[0],
        },
        IntLt => b(a[0] < a[1]),
        IntLe => b(a[0] <= a[1]),
        IntEq => b(a[0] == a[1]),
        IntNe => b(a[0] != a[1]),
        IntGt => b(a[0] > a[1]),
        IntGe => b(a[0] >= a[1]),
        UintLt => b((a[0] as u64) < (a[1] as u64)),
        UintLe => b((a[0] as u64) <= (a[1] as u64)),
        UintGt => b((a[0] as u64) > (a[1] as u64)),
        UintGe => b((a[0] as u64) >= (a[1] as u64)),
        IntIsZero => b(a[0] == 0),
        IntIsTrue => b(a[0] != 0),
        FloatAdd => fb(f(0) + f(1)),
        FloatSub => fb(f(0) - f(1)),
        FloatMul => fb(f(0) * f(1)),
        FloatDiv => fb(f(0) / f(1)),
        FloatNeg => fb(-f(0)),
        FloatAbs => fb(f(0).abs()),
        FloatLt => b(f(0) < f(1)),
        FloatLe => b(f(0) <= f(1)),
        FloatEq => b(f(0) == f(1)),
        FloatNe => b(f(0) != f(1)),
        FloatGt => b(f(0) > f(1)),
        FloatGe => b(f(0) >= f(1)),
        CastIntToFloat => fb(a[0] as f64),
        CastFloatToInt => f(0) as i64,
        ConvertFloatBytesToLonglong | ConvertLonglongBytesToFloat | CastIntToPtr | CastPtrToInt => {
            a[0]
        }
        PtrEq => b(a[0] == a[1]),
        PtrNe => b(a[0] != a[1]),
        _ => return None,
    })
}

/// Evaluates an overflow-checked operation: the wrapped result and whether it overflowed.
pub fn eval_ovf(op: Opcode, a: i64, b: i64) -> Option<(i64, bool)> {
    match op {
        Opcode::IntAddOvf => Some(a.overflowing_add(b)),
        Opcode::IntSubOvf => Some(a.overflowing_sub(b)),
        Opcode::IntMulOvf => Some(a.overflowing_mul(b)),
        _ => None,
    }
}
