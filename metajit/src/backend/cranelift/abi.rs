//! The calling convention between pieces of compiled code, and the entry trampolines.
//!
//! Every compiled loop or bridge is one Cranelift function with the `tail` calling convention:
//!
//! ```text
//! fn(out: *mut i64, in_0, ..., in_{n-1}) -> i64
//! ```
//!
//! `out` points to the caller's output buffer (the `Vec` given to `execute`, with capacity for
//! the largest exit of any live piece); `in_k` are the trace's inputs, `i64` for `int` and `ref`,
//! `f64` for `float`, so they travel in registers of the right class. Every function of a chain
//! returns the same *exit word*: the number of values written to `out` in the high 32 bits and
//! the exit code (a `GuardId`, or [`FINISH`]) in the low 32 bits. A guard with a bridge and a
//! jump into another piece are `return_call_indirect`s with the same shape, so control moves
//! between pieces without growing the stack and without touching memory for the values.
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
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Module, default_libcall_names};
use std::collections::HashMap;

/// The exit code of a `finish` (guard ids must differ from it; `compile` checks).
pub(super) const FINISH: u32 = u32::MAX;

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

/// The signature of a piece whose inputs have `inputs` types.
pub(super) fn piece_signature(inputs: &[Type]) -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::new(types::I64));
    sig.params.extend(inputs.iter().map(|&t| AbiParam::new(t)));
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

/// The trampolines compiled so far, one per input signature, in one long-lived module (they
/// are a few dozen bytes each and shared by every piece with that signature).
pub(super) struct Trampolines {
    module: Option<JITModule>,
    cache: HashMap<Vec<Type>, Trampoline>,
}

impl Trampolines {
    pub(super) fn new(isa: &OwnedTargetIsa) -> Trampolines {
        Trampolines {
            module: Some(JITModule::new(JITBuilder::with_isa(
                isa.clone(),
                default_libcall_names(),
            ))),
            cache: HashMap::new(),
        }
    }

    /// The trampoline for pieces taking `inputs`, compiled on first use.
    pub(super) fn get(
        &mut self,
        inputs: &[Type],
        ctx: &mut Context,
        fctx: &mut FunctionBuilderContext,
    ) -> Result<Trampoline, BackendError> {
        if let Some(&t) = self.cache.get(inputs) {
            return Ok(t);
        }
        let module = self.module.as_mut().expect("trampoline module is live");
        let call_conv = module.isa().default_call_conv();
        let mut sig = Signature::new(call_conv);
        sig.params.extend((0..3).map(|_| AbiParam::new(types::I64)));
        sig.returns.push(AbiParam::new(types::I64));
        ctx.func = Function::with_name_signature(UserFuncName::default(), sig.clone());
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
            let block = b.create_block();
            b.append_block_params_for_function_params(block);
            b.switch_to_block(block);
            let p = b.block_params(block).to_vec();
            let (entry, out, inp) = (p[0], p[1], p[2]);
            let mut args = vec![out];
            for (k, &ty) in inputs.iter().enumerate() {
                args.push(b.ins().load(ty, MemFlagsData::trusted(), inp, 8 * k as i32));
            }
            let callee_sig = b.import_signature(piece_signature(inputs));
            let call = b.ins().call_indirect(callee_sig, entry, &args);
            let r = b.inst_results(call)[0];
            b.ins().return_(&[r]);
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
        let addr = module.get_finalized_function(id);
        // SAFETY: the function just compiled has exactly the `Trampoline` signature in the
        // host's C calling convention (three i64/pointer arguments, an i64 result).
        let t: Trampoline = unsafe { std::mem::transmute::<*const u8, Trampoline>(addr) };
        self.cache.insert(inputs.to_vec(), t);
        Ok(t)
    }
}

impl Drop for Trampolines {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: the trampolines are only called from `execute`, which borrows the backend
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
