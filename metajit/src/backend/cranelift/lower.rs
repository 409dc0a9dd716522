//! Lowering traces to one Cranelift function: the control structure.
//!
//! A function holds one trace (a piece compiled on its own) or several (a *region*,
//! `region.rs`). Lowering walks each trace once:
//!
//! - The function's entry block takes `(out, exit, inputs...)`; each `label` becomes a block
//!   whose parameters are the label's arguments, entered by falling through (a `jump` with the
//!   current values) or by a `jump`. After a label, its argument values are the block
//!   parameters; every other value keeps the definition it had before the label, which
//!   dominates it (the only ways into a label block are the fall-through and back edges from
//!   later in the same trace, or jumps of other traces of the function to an *entry* label,
//!   whose arguments are all the trace's inputs).
//! - Each guard ends its block with a `brif` to a fresh continuation block and a cold *exit*
//!   block. The exit loads the guard's slot ([`super::tables`]) and tail-calls it with
//!   `(out, guard id, fail args...)` (`Trace::fail_args` order): the slot holds the guard's
//!   bridge or the exit stub that writes the fail arguments to `out` and returns (`abi.rs`).
//!   When the guard's bridge is part of the function, the bridge's trace is lowered right there
//!   instead, its inputs bound to the fail values.
//! - A `jump` to a label of the same trace, or to the entry label of another trace of the
//!   function, is a branch; to another piece's entry label, a load of the target slot and a
//!   tail call. `finish` writes its arguments and returns.
//! - Values beyond the registers of the convention travel in `out` (`abi::in_registers`): a
//!   transfer stores them before its tail call, an entry loads them.
//! - A function with several entry traces (a region) takes `(out, exit, selector)` with all
//!   inputs in `out`, and starts with a `br_table` on the selector (`abi::region_signature`).
//!
//! The per-operation lowering (arithmetic, memory, calls) is in `ops.rs`.

use super::BackendError;
use super::abi::{self, FINISH, RETURN, piece_signature, value_type};
use crate::backend::GuardId;
use crate::ir::{Descr, DescrId, Op, OpRef, Opcode, TargetId, Trace};
use crate::value::Kind;
use cranelift_codegen::ir::immediates::Ieee64;
use cranelift_codegen::ir::{
    Block, BlockArg, Function, InstBuilder, JumpTableData, MemFlagsData, SigRef, Type, Value, types,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use std::collections::HashMap;

/// Loads and stores of the backend's own memory (slots, the output buffer): aligned, never
/// trapping.
pub(super) const OWN_MEMORY: MemFlagsData = MemFlagsData::trusted();

/// What lowering needs to know about one trace of the function besides its ops.
pub(super) struct TraceEnv<'a> {
    pub trace: &'a Trace,
    /// One id per guard op, in trace order.
    pub guard_ids: &'a [GuardId],
    /// Address of each guard's slot, in trace order.
    pub guard_slots: Vec<usize>,
    /// Jump targets in other pieces: slot address and argument types.
    pub cross_targets: HashMap<TargetId, (usize, Vec<Type>)>,
    /// Addresses of the piece-owned copies of the array descriptors `new_array` uses.
    pub array_descrs: &'a HashMap<DescrId, usize>,
    /// Guards (by index) whose bridge is lowered at their failure: the bridge's index in
    /// [`Plan::traces`].
    pub inline: HashMap<usize, usize>,
    /// A counter (its address) incremented each time the trace is entered.
    pub counter: Option<usize>,
}

/// Everything one function is made of.
pub(super) struct Plan<'a> {
    pub traces: Vec<TraceEnv<'a>>,
    /// The traces the function is entered at, in selector order. With one entry the function
    /// has the piece signature of its inputs; with more, the region signature.
    pub roots: Vec<usize>,
    /// The host's C calling convention (for helper and residual calls).
    pub native_call_conv: CallConv,
    /// For `FunctionBuilder::finalize`.
    pub frontend: TargetFrontendConfig,
}

impl Plan<'_> {
    /// The types of trace `index`'s inputs.
    pub(super) fn input_types(&self, index: usize) -> Vec<Type> {
        self.traces[index]
            .trace
            .input_kinds()
            .into_iter()
            .map(value_type)
            .collect()
    }
}

/// What lowering found out about the traces.
pub(super) struct Lowered {
    /// The most values any exit of the function writes to `out`.
    pub max_out: usize,
}

/// Lowers `plan` into `func` (which already has the piece signature of the single root's
/// inputs, or the region signature for several roots).
pub(super) fn lower(
    plan: &Plan<'_>,
    func: &mut Function,
    fctx: &mut FunctionBuilderContext,
) -> Result<Lowered, BackendError> {
    let b = FunctionBuilder::new(func, fctx);
    let first = &plan.traces[plan.roots[0]];
    let mut l = Lowerer {
        plan,
        cur: plan.roots[0],
        t: first.trace,
        env: first,
        b,
        out: None,
        vals: Vec::new(),
        flags: Vec::new(),
        ovf: None,
        labels: HashMap::new(),
        trace_labels: Vec::new(),
        entry_labels: HashMap::new(),
        lowered: vec![false; plan.traces.len()],
        next_guard: 0,
        piece_sigs: HashMap::new(),
        native_sigs: HashMap::new(),
        max_out: 0,
    };
    l.run()?;
    let Lowerer { b, max_out, .. } = l;
    b.finalize(plan.frontend);
    Ok(Lowered { max_out })
}

pub(super) struct Lowerer<'a, 'f> {
    plan: &'a Plan<'a>,
    /// The trace being lowered (index in the plan), its ops and environment.
    cur: usize,
    pub t: &'a Trace,
    pub env: &'a TraceEnv<'a>,
    pub b: FunctionBuilder<'f>,
    /// The `out` parameter.
    out: Option<Value>,
    /// The current value of each op's result.
    pub vals: Vec<Option<Value>>,
    /// For comparison ops: the `i8` condition, so guards branch on flags directly.
    pub flags: Vec<Option<Value>>,
    /// The overflow flag of the last overflow-checked op.
    pub ovf: Option<Value>,
    /// Labels of the current trace.
    labels: HashMap<TargetId, Block>,
    /// Labels of every trace, by trace index.
    trace_labels: Vec<HashMap<TargetId, Block>>,
    /// Entry labels of every trace (branch targets for jumps from the other traces).
    entry_labels: HashMap<TargetId, Block>,
    /// Which traces have been lowered.
    lowered: Vec<bool>,
    next_guard: usize,
    piece_sigs: HashMap<Vec<Type>, SigRef>,
    native_sigs: HashMap<usize, SigRef>,
    max_out: usize,
}

/// How a guard's condition is tested.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Passes {
    /// The guard passes when the condition value is non-zero.
    IfNonZero,
    /// The guard passes when it is zero.
    IfZero,
}

impl<'a> Lowerer<'a, '_> {
    fn run(&mut self) -> Result<(), BackendError> {
        let plan = self.plan;
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        let params = self.b.block_params(entry).to_vec();
        self.out = Some(params[0]);
        for te in &plan.traces {
            let t = te.trace;
            let mut labels = HashMap::new();
            for (i, op) in t.ops.iter().enumerate() {
                if op.opcode != Opcode::Label {
                    continue;
                }
                let tid = target_of(t, op)?;
                let block = self.b.create_block();
                for &a in &op.args {
                    if a.is_const() {
                        return Err(BackendError::Codegen(format!(
                            "label {tid} takes a constant argument"
                        )));
                    }
                    self.b.append_block_param(block, value_type(t.kind_of(a)));
                }
                if labels.insert(tid, block).is_some()
                    || (is_entry_label(t, i, op) && self.entry_labels.insert(tid, block).is_some())
                {
                    return Err(BackendError::Codegen(format!("label {tid} defined twice")));
                }
            }
            self.trace_labels.push(labels);
        }
        if let [root] = plan.roots[..] {
            let inputs = self.received(&plan.input_types(root), &params[2..]);
            self.lower_trace(root, inputs)?;
        } else {
            // A region: dispatch on the selector to each entry trace, whose inputs are all in
            // `out`.
            let sel = self.b.ins().ireduce(types::I32, params[2]);
            let blocks: Vec<Block> = plan.roots.iter().map(|_| self.b.create_block()).collect();
            let calls: Vec<_> = blocks
                .iter()
                .map(|&blk| self.b.func.dfg.block_call(blk, &[]))
                .collect();
            let jt = self
                .b
                .create_jump_table(JumpTableData::new(calls[0], &calls));
            self.b.ins().br_table(sel, jt);
            for (&root, &blk) in plan.roots.iter().zip(&blocks) {
                self.b.switch_to_block(blk);
                let types = plan.input_types(root);
                let all_in_memory = vec![false; types.len()];
                let inputs = self.received_as(&types, &all_in_memory, &[]);
                self.lower_trace(root, inputs)?;
            }
        }
        if let Some(k) = self.lowered.iter().position(|&l| !l) {
            return Err(BackendError::Codegen(format!(
                "trace {k} of the function is neither an entry nor a bridge of a failing guard"
            )));
        }
        self.b.seal_all_blocks();
        Ok(())
    }

    /// The values of a transfer of these types received as parameters `params` (the register
    /// values) and in `out` (the others).
    fn received(&mut self, types: &[Type], params: &[Value]) -> Vec<Value> {
        self.received_as(types, &abi::in_registers(types), params)
    }

    fn received_as(&mut self, types: &[Type], regs: &[bool], params: &[Value]) -> Vec<Value> {
        let out = self.out.expect("entry block sets out");
        self.max_out = self.max_out.max(types.len());
        let mut params = params.iter();
        types
            .iter()
            .zip(regs)
            .enumerate()
            .map(|(k, (&ty, &reg))| {
                if reg {
                    *params.next().expect("one parameter per register value")
                } else {
                    self.b.ins().load(ty, OWN_MEMORY, out, 8 * k as i32)
                }
            })
            .collect()
    }

    /// Tail-calls `callee` (of the piece signature for `values`) with `exit`: the values that
    /// travel in memory are stored in `out` first.
    fn transfer(&mut self, callee: Value, exit: i64, values: Vec<Value>) {
        let out = self.out.expect("entry block sets out");
        let types: Vec<Type> = values
            .iter()
            .map(|&v| self.b.func.dfg.value_type(v))
            .collect();
        let exit = self.b.ins().iconst(types::I64, exit);
        let mut args = vec![out, exit];
        for (k, (v, reg)) in values
            .into_iter()
            .zip(abi::in_registers(&types))
            .enumerate()
        {
            if reg {
                args.push(v);
            } else {
                self.b.ins().store(OWN_MEMORY, v, out, 8 * k as i32);
            }
        }
        self.max_out = self.max_out.max(types.len());
        let sig = self.piece_sig(&types);
        self.b.ins().return_call_indirect(sig, callee, &args);
    }

    /// Lowers trace `index` of the plan where control is now, its inputs bound to `inputs`.
    fn lower_trace(&mut self, index: usize, inputs: Vec<Value>) -> Result<(), BackendError> {
        let plan = self.plan;
        if std::mem::replace(&mut self.lowered[index], true) {
            return Err(BackendError::Codegen(format!(
                "trace {index} of the function is lowered twice"
            )));
        }
        let env = &plan.traces[index];
        let t = env.trace;
        let saved = (
            std::mem::replace(&mut self.cur, index),
            std::mem::replace(&mut self.t, t),
            std::mem::replace(&mut self.env, env),
            std::mem::replace(&mut self.vals, vec![None; t.ops.len()]),
            std::mem::replace(&mut self.flags, vec![None; t.ops.len()]),
            self.ovf.take(),
            std::mem::replace(&mut self.next_guard, 0),
            std::mem::replace(&mut self.labels, self.trace_labels[index].clone()),
        );
        let result = self.lower_ops(inputs);
        (
            self.cur,
            self.t,
            self.env,
            self.vals,
            self.flags,
            self.ovf,
            self.next_guard,
            self.labels,
        ) = saved;
        result
    }

    fn lower_ops(&mut self, inputs: Vec<Value>) -> Result<(), BackendError> {
        let t = self.t;
        let n_inputs = t.num_inputs();
        if inputs.len() != n_inputs {
            return Err(BackendError::Codegen(format!(
                "trace {} takes {n_inputs} inputs, entered with {}",
                self.cur,
                inputs.len()
            )));
        }
        for (k, v) in inputs.into_iter().enumerate() {
            self.vals[k] = Some(v);
        }
        if let Some(counter) = self.env.counter {
            let addr = self.b.ins().iconst(types::I64, counter as i64);
            let n = self.b.ins().load(types::I64, OWN_MEMORY, addr, 0);
            let n = self.b.ins().iadd_imm_s(n, 1);
            self.b.ins().store(OWN_MEMORY, n, addr, 0);
        }
        for (i, op) in t.ops.iter().enumerate().skip(n_inputs) {
            match op.opcode {
                Opcode::Label => self.label(op)?,
                Opcode::Jump => {
                    self.jump(op)?;
                    return self.check_ended(i);
                }
                Opcode::Finish => {
                    let args = op.args.clone();
                    let returns =
                        self.t.descr_of(op).and_then(Descr::as_target) == Some(TargetId::RETURN);
                    self.write_exit(&args, if returns { RETURN } else { FINISH })?;
                    return self.check_ended(i);
                }
                _ => self.op(i, op)?,
            }
        }
        Err(BackendError::Codegen(
            "trace does not end with jump or finish".into(),
        ))
    }

    fn check_ended(&self, i: usize) -> Result<(), BackendError> {
        if i + 1 == self.t.ops.len() {
            Ok(())
        } else {
            Err(BackendError::Codegen("operations after jump/finish".into()))
        }
    }

    /// The value of `r` (constants are materialized where used).
    pub fn arg(&mut self, r: OpRef) -> Result<Value, BackendError> {
        if let Some(c) = self.t.const_of(r) {
            return Ok(match c.kind {
                Kind::Float => self.b.ins().f64const(Ieee64::with_bits(c.bits as u64)),
                _ => self.b.ins().iconst(types::I64, c.bits),
            });
        }
        self.vals
            .get(r.index())
            .copied()
            .flatten()
            .ok_or_else(|| BackendError::Codegen(format!("{r:?} used without a value")))
    }

    /// The value of `r` as its 64 raw bits in an `i64` (floats are bit-cast).
    pub fn arg_bits(&mut self, r: OpRef) -> Result<Value, BackendError> {
        if let Some(c) = self.t.const_of(r) {
            return Ok(self.b.ins().iconst(types::I64, c.bits));
        }
        let v = self.arg(r)?;
        Ok(self.bits_of(v))
    }

    /// Bit-casts a float value to `i64`; other values are returned as they are.
    pub fn bits_of(&mut self, v: Value) -> Value {
        if self.b.func.dfg.value_type(v) == types::F64 {
            self.b.ins().bitcast(types::I64, MemFlagsData::new(), v)
        } else {
            v
        }
    }

    fn args(&mut self, rs: &[OpRef]) -> Result<Vec<Value>, BackendError> {
        rs.iter().map(|&r| self.arg(r)).collect()
    }

    /// The signature reference for calling a piece taking `types`.
    fn piece_sig(&mut self, types: &[Type]) -> SigRef {
        if let Some(&s) = self.piece_sigs.get(types) {
            return s;
        }
        let s = self.b.import_signature(piece_signature(types));
        self.piece_sigs.insert(types.to_vec(), s);
        s
    }

    /// Calls a native function of the backend convention with `args` (all `i64`).
    pub fn call_native(&mut self, func: usize, args: &[Value]) -> Value {
        let sig = match self.native_sigs.get(&args.len()) {
            Some(&s) => s,
            None => {
                let s = self.b.import_signature(abi::native_signature(
                    self.plan.native_call_conv,
                    args.len(),
                ));
                self.native_sigs.insert(args.len(), s);
                s
            }
        };
        let callee = self.b.ins().iconst(types::I64, func as i64);
        let call = self.b.ins().call_indirect(sig, callee, args);
        self.b.inst_results(call)[0]
    }

    fn label(&mut self, op: &Op) -> Result<(), BackendError> {
        let tid = target_of(self.t, op)?;
        let block = self.labels[&tid];
        let args: Vec<BlockArg> = self
            .args(&op.args)?
            .into_iter()
            .map(BlockArg::from)
            .collect();
        self.b.ins().jump(block, &args);
        self.b.switch_to_block(block);
        let params = self.b.block_params(block).to_vec();
        for (&a, p) in op.args.iter().zip(params) {
            self.vals[a.index()] = Some(p);
            self.flags[a.index()] = None;
        }
        self.ovf = None;
        Ok(())
    }

    fn jump(&mut self, op: &Op) -> Result<(), BackendError> {
        let tid = target_of(self.t, op)?;
        let args = self.args(&op.args)?;
        let local = self
            .labels
            .get(&tid)
            .or_else(|| self.entry_labels.get(&tid));
        if let Some(&block) = local {
            let params: Vec<Type> = self
                .b
                .block_params(block)
                .iter()
                .map(|&p| self.b.func.dfg.value_type(p))
                .collect();
            let types: Vec<Type> = args
                .iter()
                .map(|&a| self.b.func.dfg.value_type(a))
                .collect();
            if params != types {
                return Err(BackendError::Codegen(format!(
                    "jump to {tid} passes {types:?}, the label takes {params:?}"
                )));
            }
            let args: Vec<BlockArg> = args.into_iter().map(BlockArg::from).collect();
            self.b.ins().jump(block, &args);
            return Ok(());
        }
        let Some((slot, target_types)) = self.env.cross_targets.get(&tid) else {
            return Err(BackendError::UnknownTarget(tid));
        };
        let types: Vec<Type> = args
            .iter()
            .map(|&a| self.b.func.dfg.value_type(a))
            .collect();
        if &types != target_types {
            return Err(BackendError::Codegen(format!(
                "jump to {tid} passes {types:?}, the label takes {target_types:?}"
            )));
        }
        let slot = self.b.ins().iconst(types::I64, *slot as i64);
        let callee = self.b.ins().load(types::I64, OWN_MEMORY, slot, 0);
        self.transfer(callee, 0, args);
        Ok(())
    }

    /// Writes `values` to `out` and returns the exit word for `code`.
    fn write_exit(&mut self, values: &[OpRef], code: u32) -> Result<(), BackendError> {
        let out = self.out.expect("entry block sets out");
        for (k, &r) in values.iter().enumerate() {
            let v = self.arg(r)?;
            let offset = i32::try_from(8 * k)
                .map_err(|_| BackendError::Unsupported("exit with too many values".into()))?;
            self.b.ins().store(OWN_MEMORY, v, out, offset);
        }
        self.max_out = self.max_out.max(values.len());
        let word = self
            .b
            .ins()
            .iconst(types::I64, abi::exit_word(code, values.len()));
        self.b.ins().return_(&[word]);
        Ok(())
    }

    /// Ends the current block with the guard's test; continues in the block where it passed.
    pub fn guard(&mut self, op: &Op, cond: Value, passes: Passes) -> Result<(), BackendError> {
        let k = self.next_guard;
        self.next_guard += 1;
        let (Some(&gid), Some(&slot)) = (self.env.guard_ids.get(k), self.env.guard_slots.get(k))
        else {
            return Err(BackendError::Codegen("fewer guard ids than guards".into()));
        };
        let cont = self.b.create_block();
        let fail = self.b.create_block();
        let inline = self.env.inline.get(&k).copied();
        if inline.is_none() {
            self.b.set_cold_block(fail);
        }
        match passes {
            Passes::IfNonZero => self.b.ins().brif(cond, cont, &[], fail, &[]),
            Passes::IfZero => self.b.ins().brif(cond, fail, &[], cont, &[]),
        };
        self.b.switch_to_block(fail);
        let fail_args = self.t.fail_args(op);
        if let Some(bridge) = inline {
            let values = self.args(&fail_args)?;
            self.lower_trace(bridge, values)?;
            self.b.switch_to_block(cont);
            return Ok(());
        }
        let values = self.args(&fail_args)?;
        let slot = self.b.ins().iconst(types::I64, slot as i64);
        let target = self.b.ins().load(types::I64, OWN_MEMORY, slot, 0);
        self.transfer(target, i64::from(gid.0), values);

        self.b.switch_to_block(cont);
        Ok(())
    }

    /// A guard that never fails in this backend (`guard_no_exception`, `guard_not_forced`,
    /// `guard_not_invalidated`: the reference backend defines them so); it still owns a slot
    /// and a guard id.
    pub fn guard_never_fails(&mut self) {
        self.next_guard += 1;
    }
}

/// The jump target of a `label` or `jump`.
pub(super) fn target_of(t: &Trace, op: &Op) -> Result<TargetId, BackendError> {
    t.descr_of(op)
        .and_then(Descr::as_target)
        .ok_or_else(|| BackendError::Codegen(format!("{} without a target", op.opcode.name())))
}

/// Whether `op` (a `label` of `t`) is the trace's entry label: the first op after the inputs,
/// taking exactly the inputs in order. Only those can be entered from another piece.
pub(super) fn is_entry_label(t: &Trace, index: usize, op: &Op) -> bool {
    let n = t.num_inputs();
    index == n
        && op.args.len() == n
        && op
            .args
            .iter()
            .enumerate()
            .all(|(k, a)| *a == OpRef::op(k as u32))
}
