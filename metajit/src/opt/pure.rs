//! Pure: common-subexpression elimination of pure operations, elidable calls and
//! overflow-checked arithmetic.
//!
//! Fourth pass (after virtualize, which turns field reads of removed allocations into plain
//! values and so exposes new common subexpressions). Two pure ops with the same opcode,
//! descriptor and (output) arguments compute the same value; the second is replaced by the
//! first. Arguments of commutative ops are compared as a set. The table ([`CseTable`]) is
//! shared with the builder, so later passes that re-emit pure ops CSE them too.
//!
//! - `call_pure` (a call to an `#[metajit::elidable]` function) is CSE'd on its descriptor and
//!   arguments. With all arguments constant it is *evaluated now*: elidable functions are pure
//!   by contract (no effects, result depends only on the arguments, no unwinding), and the
//!   descriptor's `func` is the real `extern "C"` shim the compiled code would call, so calling
//!   it here gives exactly the value the trace would compute; the tracer folds such calls the
//!   same way while recording. A descriptor with `func == 0` (a text fixture without a bound
//!   function) is never called. A reference result becomes a constant, so an elidable function
//!   returning a reference must return one that lives as long as its arguments' referents do
//!   (an interned string, a method of a class): the same contract as for green values.
//! - `int_add_ovf(a, b)` followed by `guard_no_overflow`, seen again with the same arguments,
//!   cannot overflow the second time: the second op and its guard are removed.
//! - Removing pure ops whose result is unused is left to dead-code elimination.

use super::builder::{Builder, Norm};
use super::builder::{copy_label, copy_ovf_pair};
use super::cse::ArgKey;
use super::{OptContext, OptError};
use crate::fasthash::FastMap;
use crate::ir::{OpRef, Opcode, Trace};
use crate::value::Kind;

/// The pure pass.
pub(super) fn run(src: &Trace, _ctx: &mut OptContext<'_>) -> Result<Trace, OptError> {
    let mut b = Builder::new(src, Norm::Full);
    // Overflow-checked ops known not to overflow: (opcode, args) -> result.
    let mut no_ovf: FastMap<(Opcode, ArgKey), OpRef> = FastMap::default();
    let n = src.ops.len();
    let mut i = b.num_inputs();
    while i < n {
        let op = &src.ops[i];
        match op.opcode {
            Opcode::CallPure => {
                let args = b.get_args(&op.args);
                let v = match eval_elidable(&mut b, i, &args) {
                    Some(v) => v,
                    None => b.emit_pure(op.opcode, op.kind, args, op.descr),
                };
                b.set(i, v);
            }
            Opcode::IntAddOvf | Opcode::IntSubOvf | Opcode::IntMulOvf => {
                let args = b.get_args(&op.args);
                let key = (op.opcode, ArgKey::new(op.opcode, &args));
                let guard = src.ops[i + 1].opcode;
                match no_ovf.get(&key) {
                    Some(&v) if guard == Opcode::GuardNoOverflow => b.set(i, v),
                    _ => {
                        copy_ovf_pair(&mut b, i);
                        if guard == Opcode::GuardNoOverflow {
                            no_ovf.insert(key, b.get(OpRef::op(i as u32)));
                        }
                    }
                }
                i += 2;
                continue;
            }
            Opcode::Label => {
                copy_label(&mut b, i);
                no_ovf.clear();
            }
            Opcode::RecordKnownResult => {
                // Later calls of the function with these arguments give `result`.
                let args = b.get_args(&op.args);
                if let (Some(cse), Some((&result, rest))) = (&mut b.cse, args.split_first()) {
                    cse.insert(Opcode::CallPure, rest, op.descr, result);
                }
            }
            _ => b.copy(i),
        }
        i += 1;
    }
    b.finish("pure")
}

/// Calls the elidable function of `call_pure` op `i` now, if every argument is constant and
/// the descriptor names a real function (see the module documentation).
fn eval_elidable(b: &mut Builder<'_>, i: usize, args: &[OpRef]) -> Option<OpRef> {
    let op = &b.src.ops[i];
    let call = b.src.descr_of(op)?.as_call()?;
    if call.func == 0
        || op.kind == Kind::Void
        || args.len() > crate::backend::MAX_CALL_ARGS
        || !args.iter().all(|a| a.is_const())
    {
        return None;
    }
    let bits: Vec<i64> = args.iter().map(|a| b.out.consts[a.index()].bits).collect();
    // SAFETY: `func` is the `extern "C"` shim of an `#[metajit::elidable]` function with the
    // backend call convention (the descriptor's contract), called with as many `i64`s as it
    // takes (the verifier checked the argument kinds against the descriptor). Elidable
    // functions are pure and do not unwind, so calling one now is what the trace would do.
    let v = unsafe { crate::backend::call_i64(call.func, &bits) };
    Some(b.const_bits(op.kind, v))
}
