//! The calling convention between pieces of compiled code, and the entry trampolines.
//!
//! Every compiled loop or bridge is one Cranelift function with the `tail` calling convention:
//!
//! ```text
//! fn(out: *mut i64, exit: i64, in_0, ..., in_{n-1}) -> i64
//! ```
//!
//! where only the first few integer and float inputs are parameters: the others travel in
//! `out` (input `k` in `out[k]`; [`in_registers`]), so that no transfer has stack arguments.
//! `out` points to the caller's output buffer (the `Vec` given to `execute`, with capacity for
//! the largest exit of any live piece); `exit` is the id of the guard whose failure led here
//! (0 on entry from Rust or a `jump`); `in_k` are the trace's inputs, `i64` for `int` and `ref`,
//! `f64` for `float`, so they travel in registers of the right class. Every function of a chain
//! returns the same *exit word*: the number of values written to `out` in the high 32 bits and
//! the exit code (a `GuardId`, or [`FINISH`]) in the low 32 bits.
//!
//! A failing guard always does the same thing: load its slot and `return_call_indirect` the
//! address with `(out, guard id, fail args...)`. The slot holds either the guard's bridge or the
//! shared *exit stub* of the fail arguments' signature, which writes its inputs to `out` and
//! returns the exit word for the `exit` argument. Stubs are compiled once per signature (like
//! trampolines), so the cold path of a guard is three instructions instead of one store per
//! fail argument plus a branch (the book chapter has the compile-time measurements).
//!
//! Rust cannot call a `tail` function, so `execute` enters through a *trampoline*: a
//! System V (`extern "C"`) function per input signature, compiled once and cached, that loads
//! the inputs from a slice and calls the piece.

use super::{BackendError, codegen_error};
use crate::value::Kind;
use cranelift_codegen::Context;
use cranelift_codegen::ir::{
    AbiParam, Function, InstBuilder, MemFlagsData, Signature, Type, UserFuncName, types,
};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::JITModule;
use cranelift_module::Module;
use std::collections::HashMap;

/// The exit code of a `finish` (guard ids must differ from it; `compile` checks).
pub(super) const FINISH: u32 = u32::MAX;
/// The exit code of a `finish` that returns from the interpreter function.
pub(super) const RETURN: u32 = u32::MAX - 1;

/// Packs an exit code and the number of values written to `out`.
pub(super) fn exit_word(code: u32, count: usize) -> i64 {
    ((count as i64) << 32) | code as i64
}

/// Unpacks an exit word into (code, count).
pub(super) fn decode_exit(word: i64) -> (u32, usize) {
    (word as u32, (word as u64 >> 32) as usize)
}

/// The Cranelift type a value of `kind` travels as.
pub(super) fn value_type(kind: Kind) -> Type {
    match kind {
        Kind::Float => types::F64,
        _ => types::I64,
    }
}

/// Integer values passed in registers from piece to piece (after `out` and `exit`, which take
/// two of the six integer argument registers of the `tail` convention on x86-64).
pub(super) const INT_ARG_REGS: usize = 4;
/// Float values passed in registers from piece to piece.
pub(super) const FLOAT_ARG_REGS: usize = 8;

/// Which of the values of a transfer (inputs of a piece, fail arguments of a guard, arguments of
/// a jump) with these types travel in registers: integers while fewer than [`INT_ARG_REGS`]
/// came before, floats likewise. The others travel in memory, value `k` in `out[k]`: the sender
/// stores them there before the tail call and the receiver loads them at its entry, so no
/// call between pieces has stack arguments (which would make Cranelift move the return address
/// in the prologue of every piece that makes such a call, on every entry).
pub(super) fn in_registers(types: &[Type]) -> Vec<bool> {
    let (mut ints, mut floats) = (0, 0);
    types
        .iter()
        .map(|&t| {
            let (n, max) = if t == types::F64 {
                (&mut floats, FLOAT_ARG_REGS)
            } else {
                (&mut ints, INT_ARG_REGS)
            };
            *n += 1;
            *n <= max
        })
        .collect()
}

/// The signature of a piece (or exit stub) whose inputs have `inputs` types: `out`, `exit`
/// and the inputs that travel in registers ([`in_registers`]).
pub(super) fn piece_signature(inputs: &[Type]) -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    sig.params.extend(
        inputs
            .iter()
            .zip(in_registers(inputs))
            .filter(|&(_, r)| r)
            .map(|(&t, _)| AbiParam::new(t)),
    );
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

/// The signature of a region's function (`region.rs`): `(out, exit, selector)`; the entry's
/// inputs are all in `out` (its stub stores them).
pub(super) fn region_signature() -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.extend((0..3).map(|_| AbiParam::new(types::I64)));
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

/// The signature of a native function of the backend call convention (`extern "C"`, every
/// argument and the result an `i64`).
pub(super) fn native_signature(call_conv: CallConv, nargs: usize) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params
        .extend((0..nargs).map(|_| AbiParam::new(types::I64)));
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

/// A compiled entry trampoline: calls `entry` with `out` and the inputs read from `inputs`.
pub(super) type Trampoline =
    unsafe extern "C" fn(entry: *const u8, out: *mut i64, inputs: *const i64) -> i64;

/// Code shared by all pieces, compiled on first use and cached per signature in one
/// long-lived module: entry trampolines and exit stubs (a few dozen bytes each).
pub(super) struct SharedCode {
    module: Option<JITModule>,
    trampolines: HashMap<Vec<Type>, Trampoline>,
    stubs: HashMap<Vec<Type>, usize>,
}

impl SharedCode {
    pub(super) fn new(isa: &OwnedTargetIsa, arena: &super::arena::CodeArena) -> SharedCode {
        SharedCode {
            module: Some(super::new_module(isa, arena)),
            trampolines: HashMap::new(),
            stubs: HashMap::new(),
        }
    }

    /// The trampoline for pieces taking `inputs`.
    pub(super) fn trampoline(
        &mut self,
        inputs: &[Type],
        ctx: &mut Context,
        fctx: &mut FunctionBuilderContext,
    ) -> Result<Trampoline, BackendError> {
        if let Some(&t) = self.trampolines.get(inputs) {
            return Ok(t);
        }
        let module = self.module.as_mut().expect("shared module is live");
        let mut sig = Signature::new(module.isa().default_call_conv());
        sig.params.extend((0..3).map(|_| AbiParam::new(types::I64)));
        sig.returns.push(AbiParam::new(types::I64));
        let addr = compile(module, sig, ctx, fctx, |b, p| {
            let (entry, out, inp) = (p[0], p[1], p[2]);
            let exit = b.ins().iconst(types::I64, 0);
            let mut args = vec![out, exit];
            for (k, (&ty, reg)) in inputs.iter().zip(in_registers(inputs)).enumerate() {
                let v = b.ins().load(ty, MemFlagsData::trusted(), inp, 8 * k as i32);
                if reg {
                    args.push(v);
                } else {
                    b.ins().store(MemFlagsData::trusted(), v, out, 8 * k as i32);
                }
            }
            let callee_sig = b.import_signature(piece_signature(inputs));
            let call = b.ins().call_indirect(callee_sig, entry, &args);
            let r = b.inst_results(call)[0];
            b.ins().return_(&[r]);
        })?;
        // SAFETY: the function just compiled has exactly the `Trampoline` signature in the
        // host's C calling convention (three i64/pointer arguments, an i64 result).
        let t: Trampoline = unsafe { std::mem::transmute::<*const u8, Trampoline>(addr) };
        self.trampolines.insert(inputs.to_vec(), t);
        Ok(t)
    }

    /// The address of the exit stub for guards whose fail arguments have `types`: a piece-shaped
    /// function that writes its inputs to `out` and returns the exit word of its `exit`
    /// argument.
    pub(super) fn exit_stub(
        &mut self,
        types: &[Type],
        ctx: &mut Context,
        fctx: &mut FunctionBuilderContext,
    ) -> Result<usize, BackendError> {
        if let Some(&s) = self.stubs.get(types) {
            return Ok(s);
        }
        let module = self.module.as_mut().expect("shared module is live");
        let addr = compile(module, piece_signature(types), ctx, fctx, |b, p| {
            // Values that travel in memory are in place already.
            let (out, exit) = (p[0], p[1]);
            let mut regs = p[2..].iter();
            for (k, reg) in in_registers(types).into_iter().enumerate() {
                if reg {
                    let v = *regs.next().expect("one parameter per register value");
                    b.ins().store(MemFlagsData::trusted(), v, out, 8 * k as i32);
                }
            }
            let count = b.ins().iconst(types::I64, exit_word(0, types.len()));
            let word = b.ins().bor(exit, count);
            b.ins().return_(&[word]);
        })? as usize;
        self.stubs.insert(types.to_vec(), addr);
        Ok(addr)
    }
}

/// Compiles one function of `sig` whose single block `body` fills, given the parameters.
fn compile(
    module: &mut JITModule,
    sig: Signature,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    body: impl FnOnce(&mut FunctionBuilder<'_>, &[cranelift_codegen::ir::Value]),
) -> Result<*const u8, BackendError> {
    ctx.func = Function::with_name_signature(UserFuncName::default(), sig.clone());
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        let p = b.block_params(block).to_vec();
        body(&mut b, &p);
        b.seal_all_blocks();
        b.finalize(module.target_config());
    }
    let id = module
        .declare_anonymous_function(&sig)
        .map_err(codegen_error)?;
    let defined = module.define_function(id, ctx).map_err(codegen_error);
    module.clear_context(ctx);
    defined?;
    module.finalize_definitions().map_err(codegen_error)?;
    Ok(module.get_finalized_function(id))
}

impl Drop for SharedCode {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: trampolines and stubs only run inside `execute`, which borrows the backend
            // that owns this value; it is being dropped, so none runs.
            unsafe { m.free_memory() };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_words_round_trip() {
        assert_eq!(decode_exit(exit_word(7, 3)), (7, 3));
        assert_eq!(decode_exit(exit_word(FINISH, 0)), (FINISH, 0));
        assert_eq!(
            decode_exit(exit_word(u32::MAX - 1, 1000)),
            (u32::MAX - 1, 1000)
        );
    }
}
