//! Lowering of the individual operations: arithmetic, comparisons, guards' conditions, memory,
//! allocation and calls. Each must compute exactly what the reference backend
//! (`backend::interp`, through `ir::eval_pure`) computes, including the cases Cranelift would
//! trap on: division by zero gives 0, `i64::MIN / -1` wraps, shift amounts are taken mod 64
//! (Cranelift's shifts already mask), float-to-int casts saturate with NaN as 0.

use super::BackendError;
use super::lower::{Lowerer, Passes};
use super::runtime;
use crate::ir::{Descr, Op, OpRef, Opcode};
use crate::value::{IntRepr, Kind};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};

/// Heap accesses of traced code: the driver guarantees the addresses are valid (tracing by
/// concrete execution read them), but not their alignment (descriptors allow packed layouts).
const HEAP: MemFlagsData = MemFlagsData::new().with_notrap();

impl Lowerer<'_, '_> {
    /// Lowers one op that is not `label`, `jump` or `finish`.
    pub fn op(&mut self, i: usize, op: &Op) -> Result<(), BackendError> {
        use Opcode::*;
        let a = |k: usize| op.args[k];
        let result: Option<Value> = match op.opcode {
            Input => {
                return Err(BackendError::Codegen("input after other operations".into()));
            }
            SameAs => {
                let v = self.arg(a(0))?;
                if !a(0).is_const() {
                    self.flags[i] = self.flags[a(0).index()];
                }
                Some(v)
            }
            IntAdd | IntSub | IntMul | IntAnd | IntOr | IntXor | IntShl | IntShr | UintShr => {
                let (x, y) = (self.arg(a(0))?, self.arg(a(1))?);
                let ins = self.b.ins();
                Some(match op.opcode {
                    IntAdd => ins.iadd(x, y),
                    IntSub => ins.isub(x, y),
                    IntMul => ins.imul(x, y),
                    IntAnd => ins.band(x, y),
                    IntOr => ins.bor(x, y),
                    IntXor => ins.bxor(x, y),
                    // Cranelift masks the amount to the type's width: mod 64, as required.
                    IntShl => ins.ishl(x, y),
                    IntShr => ins.sshr(x, y),
                    _ => ins.ushr(x, y),
                })
            }
            IntDiv | IntMod | UintDiv | UintMod => Some(self.division(op)?),
            IntNeg => {
                let x = self.arg(a(0))?;
                Some(self.b.ins().ineg(x))
            }
            IntInvert => {
                let x = self.arg(a(0))?;
                Some(self.b.ins().bnot(x))
            }
            IntSignext => Some(self.signext(a(0), a(1))?),
            IntLt | IntLe | IntEq | IntNe | IntGt | IntGe | UintLt | UintLe | UintGt | UintGe
            | PtrEq | PtrNe => {
                let cc = int_cc(op.opcode);
                let (x, y) = (self.arg(a(0))?, self.arg(a(1))?);
                let f = self.b.ins().icmp(cc, x, y);
                Some(self.comparison(i, f))
            }
            IntIsZero | IntIsTrue => {
                let x = self.arg(a(0))?;
                let cc = if op.opcode == IntIsZero {
                    IntCC::Equal
                } else {
                    IntCC::NotEqual
                };
                let zero = self.b.ins().iconst(types::I64, 0);
                let f = self.b.ins().icmp(cc, x, zero);
                Some(self.comparison(i, f))
            }
            IntAddOvf | IntSubOvf | IntMulOvf => {
                let (x, y) = (self.arg(a(0))?, self.arg(a(1))?);
                let ins = self.b.ins();
                let (v, of) = match op.opcode {
                    IntAddOvf => ins.sadd_overflow(x, y),
                    IntSubOvf => ins.ssub_overflow(x, y),
                    _ => ins.smul_overflow(x, y),
                };
                self.ovf = Some(of);
                Some(v)
            }
            FloatAdd | FloatSub | FloatMul | FloatDiv => {
                let (x, y) = (self.arg(a(0))?, self.arg(a(1))?);
                let ins = self.b.ins();
                Some(match op.opcode {
                    FloatAdd => ins.fadd(x, y),
                    FloatSub => ins.fsub(x, y),
                    FloatMul => ins.fmul(x, y),
                    _ => ins.fdiv(x, y),
                })
            }
            FloatNeg => {
                let x = self.arg(a(0))?;
                Some(self.b.ins().fneg(x))
            }
            FloatAbs => {
                let x = self.arg(a(0))?;
                Some(self.b.ins().fabs(x))
            }
            FloatLt | FloatLe | FloatEq | FloatNe | FloatGt | FloatGe => {
                let cc = match op.opcode {
                    FloatLt => FloatCC::LessThan,
                    FloatLe => FloatCC::LessThanOrEqual,
                    FloatEq => FloatCC::Equal,
                    // Unordered or not equal: NaN != NaN, as in Rust.
                    FloatNe => FloatCC::NotEqual,
                    FloatGt => FloatCC::GreaterThan,
                    _ => FloatCC::GreaterThanOrEqual,
                };
                let (x, y) = (self.arg(a(0))?, self.arg(a(1))?);
                let f = self.b.ins().fcmp(cc, x, y);
                Some(self.comparison(i, f))
            }
            CastIntToFloat => {
                let x = self.arg(a(0))?;
                Some(self.b.ins().fcvt_from_sint(types::F64, x))
            }
            CastFloatToInt => {
                let x = self.arg(a(0))?;
                Some(self.b.ins().fcvt_to_sint_sat(types::I64, x))
            }
            CastIntToPtr | CastPtrToInt => Some(self.arg(a(0))?),
            ConvertFloatBytesToLonglong => {
                let x = self.arg(a(0))?;
                Some(self.b.ins().bitcast(types::I64, MemFlagsData::new(), x))
            }
            ConvertLonglongBytesToFloat => {
                let x = self.arg(a(0))?;
                Some(self.b.ins().bitcast(types::F64, MemFlagsData::new(), x))
            }

            GuardTrue | GuardFalse | GuardNonnull | GuardIsnull => {
                let r = a(0);
                let (cond, mut passes) = match (!r.is_const()).then(|| self.flags[r.index()]) {
                    Some(Some(f)) => (f, Passes::IfNonZero),
                    _ => (self.arg(r)?, Passes::IfNonZero),
                };
                if matches!(op.opcode, GuardFalse | GuardIsnull) {
                    passes = Passes::IfZero;
                }
                self.guard(op, cond, passes)?;
                None
            }
            GuardValue => {
                let (x, y) = (self.arg_bits(a(0))?, self.arg_bits(a(1))?);
                let f = self.b.ins().icmp(IntCC::Equal, x, y);
                self.guard(op, f, Passes::IfNonZero)?;
                None
            }
            GuardClass => {
                let p = self.arg(a(0))?;
                let class = self.b.ins().load(types::I64, HEAP, p, 0);
                let expected = self.arg(a(1))?;
                let f = self.b.ins().icmp(IntCC::Equal, class, expected);
                self.guard(op, f, Passes::IfNonZero)?;
                None
            }
            GuardNoOverflow | GuardOverflow => {
                let Some(of) = self.ovf.take() else {
                    return Err(BackendError::Codegen(format!(
                        "{} without a preceding overflow-checked op",
                        op.opcode.name()
                    )));
                };
                let passes = if op.opcode == GuardNoOverflow {
                    Passes::IfZero
                } else {
                    Passes::IfNonZero
                };
                self.guard(op, of, passes)?;
                None
            }
            GuardNoException | GuardNotInvalidated | GuardNotForced => {
                self.guard_never_fails();
                None
            }

            GetField => {
                let f = self.descr(op)?.as_field().cloned().ok_or_else(bad_descr)?;
                let p = self.arg(a(0))?;
                Some(self.load(f.kind, f.repr, p, f.offset as i64))
            }
            SetField => {
                let f = self.descr(op)?.as_field().cloned().ok_or_else(bad_descr)?;
                let (p, v) = (self.arg(a(0))?, self.arg(a(1))?);
                self.store(f.kind, f.repr, v, p, f.offset as i64);
                None
            }
            GetArrayItem | SetArrayItem => {
                let d = self.descr(op)?.as_array().cloned().ok_or_else(bad_descr)?;
                let base = self.arg(a(0))?;
                let (addr, offset) = match self.t.const_int_of(a(1)) {
                    Some(idx) => (
                        base,
                        idx.wrapping_mul(d.item_size as i64)
                            .wrapping_add(d.items_offset as i64),
                    ),
                    None => {
                        let idx = self.arg(a(1))?;
                        let scaled = if d.item_size.is_power_of_two() {
                            let sh = self
                                .b
                                .ins()
                                .iconst(types::I64, d.item_size.trailing_zeros() as i64);
                            self.b.ins().ishl(idx, sh)
                        } else {
                            let size = self.b.ins().iconst(types::I64, d.item_size as i64);
                            self.b.ins().imul(idx, size)
                        };
                        (self.b.ins().iadd(base, scaled), d.items_offset as i64)
                    }
                };
                if op.opcode == GetArrayItem {
                    Some(self.load(d.kind, d.repr, addr, offset))
                } else {
                    let v = self.arg(a(2))?;
                    self.store(d.kind, d.repr, v, addr, offset);
                    None
                }
            }
            ArrayLen => {
                let d = self.descr(op)?.as_array().cloned().ok_or_else(bad_descr)?;
                let p = self.arg(a(0))?;
                Some(self.load(Kind::Int, WORD, p, d.len_offset as i64))
            }
            RawLoad => {
                let (x, y) = (self.arg(a(0))?, self.arg(a(1))?);
                let addr = self.b.ins().iadd(x, y);
                let kind = if op.kind == Kind::Float {
                    Kind::Float
                } else {
                    Kind::Int
                };
                Some(self.load(kind, WORD, addr, 0))
            }
            RawStore => {
                let (x, y) = (self.arg(a(0))?, self.arg(a(1))?);
                let v = self.arg(a(2))?;
                let addr = self.b.ins().iadd(x, y);
                self.b.ins().store(HEAP, v, addr, 0);
                None
            }
            GetClass => {
                let p = self.arg(a(0))?;
                Some(self.b.ins().load(types::I64, HEAP, p, 0))
            }
            QuasiimmutField | DebugMergePoint | RecordKnownResult | RecordExactClass => None,

            New | NewWithVtable => {
                let s = self.descr(op)?.as_size().cloned().ok_or_else(bad_descr)?;
                let p = if s.alloc != 0 {
                    self.call_native(s.alloc, &[])
                } else {
                    let size = self.b.ins().iconst(types::I64, s.size as i64);
                    let align = self.b.ins().iconst(types::I64, s.align as i64);
                    self.call_native(runtime::new_struct as *const () as usize, &[size, align])
                };
                if op.opcode == NewWithVtable {
                    let tid = self.b.ins().iconst(types::I64, s.type_id);
                    self.b.ins().store(HEAP, tid, p, 0);
                }
                Some(p)
            }
            NewArray => {
                let descr = op
                    .descr
                    .and_then(|d| self.env.array_descrs.get(&d))
                    .copied();
                let descr = descr.ok_or_else(bad_descr)?;
                let d = self.b.ins().iconst(types::I64, descr as i64);
                let len = self.arg(a(0))?;
                Some(self.call_native(runtime::new_array as *const () as usize, &[d, len]))
            }

            // `call_assembler` calls the interpreter's assembler wrapper, which enters the
            // callee's compiled code through the driver (see `asm.rs`).
            Call | CallPure | CallMayForce | CallAssembler => {
                let c = self.descr(op)?.as_call().cloned().ok_or_else(bad_descr)?;
                let args = op
                    .args
                    .iter()
                    .map(|&r| self.arg_bits(r))
                    .collect::<Result<Vec<_>, _>>()?;
                let r = self.call_native(c.func, &args);
                match op.kind {
                    Kind::Void => None,
                    Kind::Float => Some(self.b.ins().bitcast(types::F64, MemFlagsData::new(), r)),
                    _ => Some(r),
                }
            }
            CondCall => {
                let c = self.descr(op)?.as_call().cloned().ok_or_else(bad_descr)?;
                let cond = self.arg(a(0))?;
                let call = self.b.create_block();
                let cont = self.b.create_block();
                self.b.ins().brif(cond, call, &[], cont, &[]);
                self.b.switch_to_block(call);
                let args = op.args[1..]
                    .iter()
                    .map(|&r| self.arg_bits(r))
                    .collect::<Result<Vec<_>, _>>()?;
                self.call_native(c.func, &args);
                self.b.ins().jump(cont, &[]);
                self.b.switch_to_block(cont);
                None
            }
            Label | Jump | Finish => unreachable!("control ops are lowered by lower.rs"),
        };
        if let Some(v) = result {
            self.vals[i] = Some(v);
        }
        Ok(())
    }

    fn descr(&self, op: &Op) -> Result<&Descr, BackendError> {
        self.t.descr_of(op).ok_or_else(bad_descr)
    }

    /// Records the `i8` flag of a comparison and returns it as the op's 0/1 `i64` result.
    fn comparison(&mut self, i: usize, flag: Value) -> Value {
        self.flags[i] = Some(flag);
        self.b.ins().uextend(types::I64, flag)
    }

    /// `int_div`, `int_mod`, `uint_div`, `uint_mod` with the reference semantics: a zero
    /// divisor gives 0, `MIN / -1` wraps to `MIN` and `MIN % -1` is 0 (Cranelift traps on both).
    fn division(&mut self, op: &Op) -> Result<Value, BackendError> {
        use Opcode::*;
        let x = self.arg(op.args[0])?;
        let signed = matches!(op.opcode, IntDiv | IntMod);
        let quotient = matches!(op.opcode, IntDiv | UintDiv);
        if let Some(c) = self.t.const_int_of(op.args[1]) {
            let ins = self.b.ins();
            return Ok(match (c, signed, quotient) {
                (0, _, _) | (-1, true, false) => ins.iconst(types::I64, 0),
                (-1, true, true) => ins.ineg(x),
                _ => {
                    let d = ins.iconst(types::I64, c);
                    let ins = self.b.ins();
                    match (signed, quotient) {
                        (true, true) => ins.sdiv(x, d),
                        (true, false) => ins.srem(x, d),
                        (false, true) => ins.udiv(x, d),
                        (false, false) => ins.urem(x, d),
                    }
                }
            });
        }
        let y = self.arg(op.args[1])?;
        let zero = self.b.ins().iconst(types::I64, 0);
        let one = self.b.ins().iconst(types::I64, 1);
        let is_zero = self.b.ins().icmp(IntCC::Equal, y, zero);
        if !signed {
            let d = self.b.ins().select(is_zero, one, y);
            return Ok(if quotient {
                let q = self.b.ins().udiv(x, d);
                self.b.ins().select(is_zero, zero, q)
            } else {
                // x % 1 == 0: the zero-divisor answer.
                self.b.ins().urem(x, d)
            });
        }
        let minus_one = self.b.ins().iconst(types::I64, -1);
        let is_m1 = self.b.ins().icmp(IntCC::Equal, y, minus_one);
        let special = self.b.ins().bor(is_zero, is_m1);
        let d = self.b.ins().select(special, one, y);
        Ok(if quotient {
            let q = self.b.ins().sdiv(x, d);
            let neg = self.b.ins().ineg(x);
            let q = self.b.ins().select(is_m1, neg, q);
            self.b.ins().select(is_zero, zero, q)
        } else {
            // Both special divisors give remainder 0, which is x % 1.
            self.b.ins().srem(x, d)
        })
    }

    /// `int_signext(x, n)`: sign-extends the low `n` bytes (1, 2 or 4; anything else keeps x).
    fn signext(&mut self, x: OpRef, n: OpRef) -> Result<Value, BackendError> {
        let v = self.arg(x)?;
        let ext = |l: &mut Self, ty| {
            let narrow = l.b.ins().ireduce(ty, v);
            l.b.ins().sextend(types::I64, narrow)
        };
        if let Some(n) = self.t.const_int_of(n) {
            return Ok(match n {
                1 => ext(self, types::I8),
                2 => ext(self, types::I16),
                4 => ext(self, types::I32),
                _ => v,
            });
        }
        let n = self.arg(n)?;
        let mut r = v;
        for (bytes, ty) in [(4, types::I32), (2, types::I16), (1, types::I8)] {
            let e = ext(self, ty);
            let k = self.b.ins().iconst(types::I64, bytes);
            let is = self.b.ins().icmp(IntCC::Equal, n, k);
            r = self.b.ins().select(is, e, r);
        }
        Ok(r)
    }

    /// `base + offset` split into a base value and an offset that fits an instruction.
    fn address(&mut self, base: Value, offset: i64) -> (Value, i32) {
        match i32::try_from(offset) {
            Ok(o) => (base, o),
            Err(_) => {
                let o = self.b.ins().iconst(types::I64, offset);
                (self.b.ins().iadd(base, o), 0)
            }
        }
    }

    /// Loads a value of `kind` at `base + offset`, extending sub-word integers per `repr`.
    fn load(&mut self, kind: Kind, repr: IntRepr, base: Value, offset: i64) -> Value {
        let (p, o) = self.address(base, offset);
        let ins = self.b.ins();
        let i64t = types::I64;
        match (kind, repr.size, repr.signed) {
            (Kind::Float, _, _) => ins.load(types::F64, HEAP, p, o),
            (Kind::Int, 1, true) => ins.sload8(i64t, HEAP, p, o),
            (Kind::Int, 1, false) => ins.uload8(i64t, HEAP, p, o),
            (Kind::Int, 2, true) => ins.sload16(i64t, HEAP, p, o),
            (Kind::Int, 2, false) => ins.uload16(i64t, HEAP, p, o),
            (Kind::Int, 4, true) => ins.sload32(HEAP, p, o),
            (Kind::Int, 4, false) => ins.uload32(HEAP, p, o),
            _ => ins.load(i64t, HEAP, p, o),
        }
    }

    /// Stores `v` at `base + offset`, truncated to `repr`'s width for integers.
    fn store(&mut self, kind: Kind, repr: IntRepr, v: Value, base: Value, offset: i64) {
        let (p, o) = self.address(base, offset);
        let ins = self.b.ins();
        match (kind, repr.size) {
            (Kind::Int, 1) => ins.istore8(HEAP, v, p, o),
            (Kind::Int, 2) => ins.istore16(HEAP, v, p, o),
            (Kind::Int, 4) => ins.istore32(HEAP, v, p, o),
            _ => ins.store(HEAP, v, p, o),
        };
    }
}

/// A full machine word (array lengths, raw memory).
const WORD: IntRepr = IntRepr {
    size: 8,
    signed: true,
};

fn bad_descr() -> BackendError {
    BackendError::Codegen("operation without the descriptor it needs".into())
}

fn int_cc(op: Opcode) -> IntCC {
    use Opcode::*;
    match op {
        IntLt => IntCC::SignedLessThan,
        IntLe => IntCC::SignedLessThanOrEqual,
        IntEq | PtrEq => IntCC::Equal,
        IntNe | PtrNe => IntCC::NotEqual,
        IntGt => IntCC::SignedGreaterThan,
        IntGe => IntCC::SignedGreaterThanOrEqual,
        UintLt => IntCC::UnsignedLessThan,
        UintLe => IntCC::UnsignedLessThanOrEqual,
        UintGt => IntCC::UnsignedGreaterThan,
        _ => IntCC::UnsignedGreaterThanOrEqual,
    }
}
