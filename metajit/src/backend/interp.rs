//! The reference backend: executes the IR directly.
//!
//! It defines what every operation means at run time (pure operations through
//! [`crate::ir::eval_pure`], memory and calls here) and is the oracle the native backend and the
//! optimizer are tested against. It is also a complete backend: a JIT built without Cranelift
//! runs traces with it (correct, and still faster than no JIT for some interpreters, but mostly
//! useful for tests).

use super::{
    Backend, BackendError, CodeId, CompileInfo, Entry, EntryKind, Exit, GuardId, call_i64, mem,
};
use crate::fasthash::FastMap;
use crate::ir::{Descr, Op, OpRef, Opcode, TargetId, Trace, eval_ovf, eval_pure};
use crate::value::Kind;
use std::cell::RefCell;
use std::rc::Rc;

struct Unit {
    trace: Trace,
    /// GuardId for each op index that is a guard.
    guards: FastMap<usize, GuardId>,
    /// Fail arguments per guard op index.
    fail_args: FastMap<usize, Vec<OpRef>>,
}

/// What running code reads: the compiled units, labels and attached bridges. Running code
/// borrows it only for a moment at a time, so calls it makes may compile more (nested JIT).
#[derive(Default)]
pub(crate) struct Shared {
    units: RefCell<Vec<Option<Rc<Unit>>>>,
    targets: RefCell<FastMap<TargetId, (CodeId, usize)>>,
    bridges: RefCell<FastMap<GuardId, CodeId>>,
}

impl Shared {
    fn unit(&self, code: CodeId) -> Rc<Unit> {
        self.units.borrow()[code.0 as usize]
            .clone()
            .expect("running freed code")
    }
}

/// The reference IR interpreter backend.
#[derive(Default)]
pub struct InterpBackend {
    shared: Rc<Shared>,
    guard_owner: FastMap<GuardId, CodeId>,
}

impl InterpBackend {
    /// A backend with nothing compiled.
    pub fn new() -> InterpBackend {
        InterpBackend::default()
    }

    fn install(&mut self, trace: &Trace, info: &CompileInfo<'_>) -> Result<CodeId, BackendError> {
        let id = CodeId(self.shared.units.borrow().len() as u32);
        let mut guards = FastMap::default();
        let mut fail_args = FastMap::default();
        let mut gi = info.guard_ids.iter();
        for (i, op) in trace.ops.iter().enumerate() {
            if op.opcode.is_guard() {
                let g = *gi
                    .next()
                    .ok_or_else(|| BackendError::Codegen("fewer guard ids than guards".into()))?;
                guards.insert(i, g);
                fail_args.insert(i, trace.fail_args(op));
                self.guard_owner.insert(g, id);
            }
            if op.opcode == Opcode::Label {
                let t = trace
                    .descr_of(op)
                    .and_then(Descr::as_target)
                    .ok_or_else(|| BackendError::Codegen("label without target".into()))?;
                self.shared.targets.borrow_mut().insert(t, (id, i));
            }
        }
        for op in &trace.ops {
            if op.opcode == Opcode::Jump {
                let t = trace
                    .descr_of(op)
                    .and_then(Descr::as_target)
                    .ok_or_else(|| BackendError::Codegen("jump without target".into()))?;
                if !self.shared.targets.borrow().contains_key(&t) {
                    return Err(BackendError::UnknownTarget(t));
                }
            }
        }
        for (i, op) in trace.ops.iter().enumerate() {
            if op.opcode.is_guard() && trace.fail_args(op).len() > super::MAX_EXIT_WORDS
                || op.opcode == Opcode::Finish && op.args.len() > super::MAX_EXIT_WORDS
            {
                return Err(BackendError::Unsupported(format!(
                    "an exit of more than {} words (op {i})",
                    super::MAX_EXIT_WORDS
                )));
            }
        }
        self.shared.units.borrow_mut().push(Some(Rc::new(Unit {
            trace: trace.clone(),
            guards,
            fail_args,
        })));
        Ok(id)
    }
}

impl Backend for InterpBackend {
    fn name(&self) -> &'static str {
        "interp"
    }

    fn compile_loop(
        &mut self,
        trace: &Trace,
        info: &CompileInfo<'_>,
    ) -> Result<CodeId, BackendError> {
        self.install(trace, info)
    }

    fn compile_bridge(
        &mut self,
        from: GuardId,
        trace: &Trace,
        info: &CompileInfo<'_>,
    ) -> Result<CodeId, BackendError> {
        if !self.guard_owner.contains_key(&from) {
            return Err(BackendError::UnknownGuard(from));
        }
        let id = self.install(trace, info)?;
        self.shared.bridges.borrow_mut().insert(from, id);
        Ok(id)
    }

    fn entry(&self, code: CodeId) -> Entry {
        Entry::new(EntryKind::Interp(self.shared.clone(), code))
    }

    fn free(&mut self, code: CodeId) {
        let Some(unit) = self.shared.units.borrow_mut()[code.0 as usize].take() else {
            return;
        };
        self.shared
            .targets
            .borrow_mut()
            .retain(|_, (c, _)| *c != code);
        // A freed bridge no longer catches its guard's failures: the guard exits again.
        self.shared.bridges.borrow_mut().retain(|_, b| *b != code);
        let owned: Vec<GuardId> = unit.guards.values().copied().collect();
        for g in owned {
            self.guard_owner.remove(&g);
            let b = self.shared.bridges.borrow_mut().remove(&g);
            if let Some(b) = b {
                self.free(b);
            }
        }
    }

    fn code_size(&self, code: CodeId) -> usize {
        self.shared.units.borrow()[code.0 as usize]
            .as_ref()
            .map_or(0, |u| u.trace.ops.len() * std::mem::size_of::<Op>())
    }
}

/// Runs `code` of `shared` (what [`Entry::run`] does for this backend).
///
/// # Safety
/// As for `Backend::execute`.
pub(crate) unsafe fn run(
    shared: &Shared,
    code: CodeId,
    inputs: &[i64],
    out: &mut Vec<i64>,
) -> Exit {
    let mut unit = shared.unit(code);
    let mut cur = code;
    let mut vals: Vec<i64> = vec![0; unit.trace.ops.len()];
    vals[..inputs.len()].copy_from_slice(inputs);
    let mut pc = inputs.len();
    let mut ovf = false;
    loop {
        let op = &unit.trace.ops[pc];
        let t = &unit.trace;
        let arg = |vals: &[i64], i: usize| -> i64 {
            let r = op.args[i];
            if r.is_const() {
                t.consts[r.index()].bits
            } else {
                vals[r.index()]
            }
        };
        // Arguments on the stack for the common short ops; only long calls allocate.
        let mut short = [0i64; 8];
        let long: Vec<i64>;
        let args: &[i64] = if op.args.len() <= short.len() {
            for (i, a) in short.iter_mut().enumerate().take(op.args.len()) {
                *a = arg(&vals, i);
            }
            &short[..op.args.len()]
        } else {
            long = (0..op.args.len()).map(|i| arg(&vals, i)).collect();
            &long
        };
        let mut guard_fails = false;
        let result: i64 = match op.opcode {
            Opcode::Input => unreachable!("inputs come first"),
            o if o.is_pure() => eval_pure(o, args).expect("pure op has a meaning"),
            Opcode::IntAddOvf | Opcode::IntSubOvf | Opcode::IntMulOvf => {
                let (v, o) = eval_ovf(op.opcode, args[0], args[1]).expect("ovf op");
                ovf = o;
                v
            }
            Opcode::GuardTrue => {
                guard_fails = args[0] == 0;
                0
            }
            Opcode::GuardFalse => {
                guard_fails = args[0] != 0;
                0
            }
            Opcode::GuardValue => {
                guard_fails = args[0] != args[1];
                0
            }
            Opcode::GuardNonnull => {
                guard_fails = args[0] == 0;
                0
            }
            Opcode::GuardIsnull => {
                guard_fails = args[0] != 0;
                0
            }
            Opcode::GuardNoOverflow => {
                guard_fails = ovf;
                0
            }
            Opcode::GuardOverflow => {
                guard_fails = !ovf;
                0
            }
            Opcode::GuardClass => {
                // SAFETY: guard_class is only recorded on objects with a type id at offset 0.
                guard_fails = unsafe { std::ptr::read(args[0] as *const i64) } != args[1];
                0
            }
            Opcode::GetClass => {
                // SAFETY: as for guard_class.
                unsafe { std::ptr::read(args[0] as *const i64) }
            }
            Opcode::GuardNoException | Opcode::GuardNotInvalidated | Opcode::GuardNotForced => 0,
            Opcode::GetField => {
                let f = t
                    .descr_of(op)
                    .and_then(Descr::as_field)
                    .expect("field descr");
                // SAFETY: the trace was recorded reading this field of this object.
                unsafe { mem::load(args[0] as usize + f.offset as usize, f.kind, f.repr) }
            }
            Opcode::SetField => {
                let f = t
                    .descr_of(op)
                    .and_then(Descr::as_field)
                    .expect("field descr");
                // SAFETY: as for getfield.
                unsafe {
                    mem::store(
                        args[0] as usize + f.offset as usize,
                        f.kind,
                        f.repr,
                        args[1],
                    )
                };
                0
            }
            Opcode::ArrayLen => {
                let a = t
                    .descr_of(op)
                    .and_then(Descr::as_array)
                    .expect("array descr");
                // SAFETY: the length word of a live array.
                unsafe { std::ptr::read((args[0] as usize + a.len_offset as usize) as *const i64) }
            }
            Opcode::GetArrayItem => {
                let a = t
                    .descr_of(op)
                    .and_then(Descr::as_array)
                    .expect("array descr");
                let addr = args[0] as usize
                    + a.items_offset as usize
                    + (args[1] as usize).wrapping_mul(a.item_size as usize);
                // SAFETY: traced code checks the index against the length first.
                unsafe { mem::load(addr, a.kind, a.repr) }
            }
            Opcode::SetArrayItem => {
                let a = t
                    .descr_of(op)
                    .and_then(Descr::as_array)
                    .expect("array descr");
                let addr = args[0] as usize
                    + a.items_offset as usize
                    + (args[1] as usize).wrapping_mul(a.item_size as usize);
                // SAFETY: as for getarrayitem.
                unsafe { mem::store(addr, a.kind, a.repr, args[2]) };
                0
            }
            Opcode::RawLoad => {
                // SAFETY: raw memory ops are only recorded by code that owns the memory.
                unsafe {
                    mem::load(
                        (args[0] + args[1]) as usize,
                        op.kind,
                        crate::value::IntRepr {
                            size: 8,
                            signed: true,
                        },
                    )
                }
            }
            Opcode::RawStore => {
                // SAFETY: as for raw_load.
                unsafe {
                    mem::store(
                        (args[0] + args[1]) as usize,
                        Kind::Int,
                        crate::value::IntRepr {
                            size: 8,
                            signed: true,
                        },
                        args[2],
                    )
                };
                0
            }
            Opcode::QuasiimmutField
            | Opcode::DebugMergePoint
            | Opcode::RecordKnownResult
            | Opcode::RecordExactClass => 0,
            Opcode::New | Opcode::NewWithVtable => {
                let s = t.descr_of(op).and_then(Descr::as_size).expect("size descr");
                mem::new_struct(s, op.opcode == Opcode::NewWithVtable) as i64
            }
            Opcode::NewArray => {
                let a = t
                    .descr_of(op)
                    .and_then(Descr::as_array)
                    .expect("array descr");
                crate::jitarray::alloc_raw_array(a, args[0] as usize) as i64
            }
            // `call_assembler` calls the interpreter's assembler wrapper, which enters the
            // callee's compiled code through the driver (see `asm.rs`).
            Opcode::Call | Opcode::CallPure | Opcode::CallMayForce | Opcode::CallAssembler => {
                let c = t.descr_of(op).and_then(Descr::as_call).expect("call descr");
                // SAFETY: call descriptors name extern "C" functions of the backend convention.
                unsafe { call_i64(c.func, args) }
            }
            Opcode::CondCall => {
                let c = t.descr_of(op).and_then(Descr::as_call).expect("call descr");
                if args[0] != 0 {
                    // SAFETY: as for call.
                    unsafe { call_i64(c.func, &args[1..]) };
                }
                0
            }
            Opcode::Label => {
                pc += 1;
                continue;
            }
            Opcode::Jump => {
                let target = t.descr_of(op).and_then(Descr::as_target).expect("target");
                let (code, at) = *shared
                    .targets
                    .borrow()
                    .get(&target)
                    .expect("jump target checked at compile time");
                if code != cur {
                    cur = code;
                    unit = shared.unit(code);
                    vals.clear();
                    vals.resize(unit.trace.ops.len(), 0);
                }
                let label = &unit.trace.ops[at];
                for (k, &r) in label.args.iter().enumerate() {
                    vals[r.index()] = args[k];
                }
                pc = at + 1;
                continue;
            }
            Opcode::Finish => {
                out.clear();
                out.extend_from_slice(args);
                if t.descr_of(op).and_then(Descr::as_target) == Some(TargetId::RETURN) {
                    return Exit::Return;
                }
                return Exit::Finish;
            }
            o => panic!("reference backend: unhandled op {}", o.name()),
        };
        if guard_fails {
            let gid = unit.guards[&pc];
            let fa: Vec<i64> = unit.fail_args[&pc]
                .iter()
                .map(|r| vals[r.index()])
                .collect();
            let bridge = shared.bridges.borrow().get(&gid).copied();
            match bridge {
                Some(b) => {
                    cur = b;
                    unit = shared.unit(b);
                    vals.clear();
                    vals.resize(unit.trace.ops.len(), 0);
                    vals[..fa.len()].copy_from_slice(&fa);
                    pc = fa.len();
                    continue;
                }
                None => {
                    out.clear();
                    out.extend_from_slice(&fa);
                    return Exit::Guard(gid);
                }
            }
        }
        if op.kind != Kind::Void {
            vals[pc] = result;
        }
        pc += 1;
    }
}
