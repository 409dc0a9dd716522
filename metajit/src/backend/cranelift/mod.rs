//! The native backend: compiles traces to machine code with Cranelift (0.135).
//!
//! Design (the book chapter `metajit/backend-cranelift.md` has the measurements and reasons):
//!
//! - **One Cranelift function per piece** (a compiled loop or bridge), in its own `JITModule`,
//!   so [`Backend::free`] releases exactly that piece's code. `label`s are blocks with
//!   parameters, guards are branches to cold exit blocks (`lower.rs`, `ops.rs`).
//! - **Calling convention** (`abi.rs`): every piece is `fn(out, inputs...) -> exit word` with
//!   Cranelift's `tail` convention; bridges and cross-piece jumps are `return_call_indirect`s
//!   through slots in backend-owned memory (`tables.rs`), so attaching a bridge or recompiling a
//!   loop writes a word and never patches code, and chains of pieces run in constant stack.
//! - **Entry** from Rust through a cached System V trampoline per input signature; the pieces
//!   write exits straight into the caller's `Vec`, so `execute` does not allocate once the
//!   vector has grown to the largest exit.
//! - **Regions** (`region.rs`): a hot cycle of pieces (loop -> exit bridge -> next loop -> ...)
//!   is recompiled as one function with an entry selector, so the crossings between its members
//!   become branches; the members' own code is kept and comes back when the region is
//!   dissolved (a member freed or replaced). [`CraneliftBackend::merge_bridges`] is the
//!   one-loop case.
//! - **One code arena per backend** (`arena.rs`): every module's code is placed in a shared
//!   reservation, packed in 64-byte blocks, so the hundreds of small pieces of a big program
//!   share pages instead of taking a page (and a TLB entry) each; freed blocks are reused.
//! - **W^X**: a page is read-write only while code is being copied into it, then read-execute
//!   before any of it runs (the arena counts writers per page); pages are never writable and
//!   executable at once (a test checks `/proc/self/maps`), and wholly free pages are made
//!   inaccessible.
//!
//! Invariants this module owns: a piece's guard slots, its boxed descriptors and the target
//! slots it jumps through outlive its code; a slot holds zero or the address of a live function
//! with the signature the loading code expects; `execute`'s output vector has room for the
//! largest exit of any live piece.

mod abi;
mod arena;
mod lower;
mod ops;
mod perfmap;
mod region;
mod runtime;
mod tables;
/// Code of at least this many bytes came from a function whose compilation grew the context's
/// scratch (register allocation above all) to tens of megabytes: [`release_context`] frees it.
const LARGE_FUNCTION: usize = 64 * 1024;

/// Clears `ctx` for the next function; after a large one, replaces it, so the scratch memory
/// of the largest function ever compiled is not kept for the life of the JIT.
pub(crate) fn release_context(ctx: &mut Context, code_size: usize) {
    if code_size >= LARGE_FUNCTION {
        *ctx = Context::new();
    } else {
        ctx.clear();
    }
}

#[cfg(test)]
mod tests;

use super::{
    Backend, BackendError, CodeId, CompileInfo, Entry, EntryKind, Exit, GuardId, MAX_EXIT_WORDS,
};
use crate::ir::{DescrId, Opcode, TargetId, Trace};
use abi::{FINISH, SharedCode, Trampoline, piece_signature, value_type};
use cranelift_codegen::Context;
use cranelift_codegen::ir::{Function, Type, UserFuncName};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::FunctionBuilderContext;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Module, default_libcall_names};
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};
use tables::{GuardSlots, TargetTable};

/// Cranelift's optimization level for compiled traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptLevel {
    /// Fastest compilation: no mid-end optimization (`opt_level=none`).
    None,
    /// Cranelift's e-graph optimizations (`opt_level=speed`).
    Speed,
}

/// Which register allocator Cranelift runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regalloc {
    /// regalloc2's backtracking allocator: better code, slower to compile (the default).
    Backtracking,
    /// regalloc2's single-pass allocator: quicker compilation, more spills and moves.
    SinglePass,
}

/// Settings of a [`CraneliftBackend`].
#[derive(Clone, Debug)]
pub struct CraneliftOptions {
    /// Optimization level.
    pub opt_level: OptLevel,
    /// Register allocator for pieces.
    pub regalloc: Regalloc,
    /// Register allocator for regions (hot code compiled again, `region.rs`).
    pub region_regalloc: Regalloc,
    /// Run Cranelift's IR verifier on every function (adds 60-70% to compile time; on by
    /// default in debug builds).
    pub verify: bool,
    /// Append every compiled piece to `/tmp/perf-<pid>.map` for `perf report`.
    pub perf_map: bool,
}

impl Default for CraneliftOptions {
    fn default() -> CraneliftOptions {
        CraneliftOptions {
            opt_level: OptLevel::None,
            regalloc: Regalloc::Backtracking,
            region_regalloc: Regalloc::Backtracking,
            verify: cfg!(debug_assertions),
            perf_map: false,
        }
    }
}

/// Counters of the work the backend did (for logs and the book's measurements).
#[derive(Clone, Copy, Debug, Default)]
pub struct CompileStats {
    /// Pieces compiled (loops and bridges; trampolines not counted).
    pub pieces: u64,
    /// Trace ops compiled (inputs and markers excluded).
    pub ops: u64,
    /// Wall-clock time spent in `compile_loop`/`compile_bridge`.
    pub time: Duration,
    /// Bytes of machine code produced (pieces and regions).
    pub code_bytes: u64,
    /// Regions compiled (`region.rs`), including recompilations.
    pub regions: u64,
    /// Pieces compiled again as members of those regions.
    pub region_members: u64,
    /// Wall-clock time spent compiling regions (not included in `time`).
    pub region_time: Duration,
}

/// A compiled loop or bridge.
struct Piece {
    /// Owns the machine code; `None` only while being freed.
    module: Option<JITModule>,
    /// Where `execute` and jumps to the entry label enter: the piece's own function, or its
    /// entry stub into a region.
    entry: *const u8,
    /// The piece's own function.
    own_entry: *const u8,
    trampoline: Trampoline,
    num_inputs: usize,
    code_size: usize,
    /// The guards of the piece, in trace order, and their slots.
    guard_ids: Vec<GuardId>,
    slots: GuardSlots,
    /// The guard this piece is attached to, for bridges.
    attached_to: Option<GuardId>,
    /// Labels this piece defines: target, whether it is the entry label, argument types.
    defines: Vec<(TargetId, bool, Vec<Type>)>,
    /// Target slots this piece's code loads (references held in the target table).
    jumps_to: Vec<TargetId>,
    /// Descriptors whose addresses the code passes to helpers (boxed: the addresses are baked
    /// into the code).
    #[allow(clippy::vec_box)]
    _array_descrs: Vec<Box<crate::ir::ArrayDescr>>,
    /// Their addresses by descriptor id (for recompiling).
    descr_addrs: HashMap<DescrId, usize>,
    /// The trace, kept so the piece can be recompiled in a region (`region.rs`).
    trace: Trace,
    /// The region whose code runs this piece, if any.
    region: Option<usize>,
    /// Times the piece's own code was entered (counted for bridges only; their code increments
    /// it): the driver's measure of how hot a crossing is.
    entries: Box<AtomicU64>,
}

/// The output of [`CraneliftBackend::generate`].
struct Generated {
    module: JITModule,
    entry: *const u8,
    code_size: usize,
}

/// Where a guard lives.
struct GuardHome {
    piece: CodeId,
    /// Index of its slot in the piece.
    slot: usize,
    /// The types of its fail arguments (a bridge's inputs must match).
    types: Vec<Type>,
    /// The exit stub its slot holds when it has no bridge.
    stub: usize,
    /// The bridge attached to it, if any.
    bridge: Option<CodeId>,
}

/// The Cranelift backend. See the module documentation.
pub struct CraneliftBackend {
    isa: OwnedTargetIsa,
    /// The target regions are compiled for (`CraneliftOptions::region_regalloc`).
    region_isa: OwnedTargetIsa,
    options: CraneliftOptions,
    pieces: Vec<Option<Box<Piece>>>,
    guards: HashMap<GuardId, GuardHome>,
    targets: TargetTable,
    /// Compiled regions, by index (`None` once dissolved).
    regions: Vec<Option<region::RegionCode>>,
    shared: SharedCode,
    /// Where every module's code goes (`arena.rs`).
    arena: arena::CodeArena,
    ctx: Context,
    fctx: FunctionBuilderContext,
    perf_map: Option<perfmap::PerfMap>,
    stats: CompileStats,
}

/// A module for `isa` whose code goes into `arena`.
fn new_module(isa: &OwnedTargetIsa, arena: &arena::CodeArena) -> JITModule {
    let mut builder = JITBuilder::with_isa(isa.clone(), default_libcall_names());
    builder.memory_provider(arena.provider());
    JITModule::new(builder)
}

impl CraneliftBackend {
    /// A backend for the host machine with default options.
    pub fn new() -> Result<CraneliftBackend, BackendError> {
        CraneliftBackend::with_options(CraneliftOptions::default())
    }

    /// A backend for the host machine.
    pub fn with_options(options: CraneliftOptions) -> Result<CraneliftBackend, BackendError> {
        let isa = Self::isa(&options, options.regalloc)?;
        let region_isa = Self::isa(&options, options.region_regalloc)?;
        let perf_map = if options.perf_map {
            Some(perfmap::PerfMap::open().map_err(|e| {
                BackendError::Codegen(format!("opening {}: {e}", perfmap::PerfMap::path()))
            })?)
        } else {
            None
        };
        let arena = arena::CodeArena::new()
            .map_err(|e| BackendError::Codegen(format!("reserving code memory: {e}")))?;
        Ok(CraneliftBackend {
            shared: SharedCode::new(&isa, &arena),
            arena,
            isa,
            region_isa,
            options,
            pieces: Vec::new(),
            guards: HashMap::new(),
            targets: TargetTable::default(),
            regions: Vec::new(),
            ctx: Context::new(),
            fctx: FunctionBuilderContext::new(),
            perf_map,
            stats: CompileStats::default(),
        })
    }

    /// The target for `options` with this register allocator.
    fn isa(options: &CraneliftOptions, regalloc: Regalloc) -> Result<OwnedTargetIsa, BackendError> {
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| {
            f.set(k, v)
                .map_err(|e| BackendError::Codegen(format!("setting {k}={v}: {e}")))
        };
        set(
            &mut flags,
            "opt_level",
            match options.opt_level {
                OptLevel::None => "none",
                OptLevel::Speed => "speed",
            },
        )?;
        set(
            &mut flags,
            "regalloc_algorithm",
            match regalloc {
                Regalloc::Backtracking => "backtracking",
                Regalloc::SinglePass => "single_pass",
            },
        )?;
        set(
            &mut flags,
            "enable_verifier",
            if options.verify { "true" } else { "false" },
        )?;
        // cranelift-jit requirements: absolute addresses, no colocated libcalls.
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "use_colocated_libcalls", "false")?;
        // Nothing ever unwinds through JIT frames (helpers are extern "C" and abort on panic).
        set(&mut flags, "unwind_info", "false")?;
        // Cranelift's x64 tail calls rely on frame pointers (emit.rs asserts it); they also
        // let `perf` walk through JIT frames.
        set(&mut flags, "preserve_frame_pointers", "true")?;
        cranelift_native::builder()
            .map_err(|e| BackendError::Unsupported(format!("host machine: {e}")))?
            .finish(settings::Flags::new(flags))
            .map_err(codegen_error)
    }

    /// The options the backend was built with.
    pub fn options(&self) -> &CraneliftOptions {
        &self.options
    }

    /// What the backend compiled so far.
    pub fn stats(&self) -> CompileStats {
        self.stats
    }

    fn piece(&self, code: CodeId) -> Option<&Piece> {
        self.pieces.get(code.0 as usize).and_then(|p| p.as_deref())
    }

    fn compile(
        &mut self,
        trace: &Trace,
        info: &CompileInfo<'_>,
        bridge_of: Option<GuardId>,
    ) -> Result<CodeId, BackendError> {
        let started = Instant::now();
        let id = CodeId(self.pieces.len() as u32);
        let inputs: Vec<Type> = trace.input_kinds().into_iter().map(value_type).collect();

        // A bridge inlined in a region is about to be replaced, or a label of a member is
        // redefined: the members go back to their own code (which enters the guard's slot and
        // the label's target slot).
        if let Some(g) = bridge_of
            && let Some(b) = self.guards.get(&g).and_then(|h| h.bridge)
            && let Some(r) = self.piece(b).and_then(|p| p.region)
        {
            self.dissolve(r);
        }
        for op in trace.ops.iter().filter(|o| o.opcode == Opcode::Label) {
            if let Ok(tid) = lower::target_of(trace, op)
                && let Some(owner) = self.targets.owner(tid)
                && let Some(r) = self.piece(owner).and_then(|p| p.region)
            {
                self.dissolve(r);
            }
        }
        // Everything that can fail is checked before any table changes.
        if let Some(g) = bridge_of {
            let home = self.guards.get(&g).ok_or(BackendError::UnknownGuard(g))?;
            if home.types != inputs {
                return Err(BackendError::Codegen(format!(
                    "bridge inputs {inputs:?} do not match the fail arguments {:?} of {g}",
                    home.types
                )));
            }
        }
        let mut guard_types = Vec::new();
        let mut defines = Vec::new();
        let mut labels = HashMap::new();
        let mut array_descrs = Vec::new();
        let mut descr_addrs: HashMap<DescrId, usize> = HashMap::new();
        for (i, op) in trace.ops.iter().enumerate() {
            if op.opcode.is_guard() {
                let types = trace
                    .fail_args(op)
                    .iter()
                    .map(|&r| value_type(trace.kind_of(r)))
                    .collect::<Vec<_>>();
                guard_types.push(types);
            }
            match op.opcode {
                Opcode::Label => {
                    let tid = lower::target_of(trace, op)?;
                    let entry = lower::is_entry_label(trace, i, op);
                    let types: Vec<Type> = op
                        .args
                        .iter()
                        .map(|&a| value_type(trace.kind_of(a)))
                        .collect();
                    self.targets.check_define(tid, entry, &types)?;
                    labels.insert(tid, ());
                    defines.push((tid, entry, types));
                }
                Opcode::NewArray => {
                    if let Some(d) = op.descr
                        && let Some(a) = trace.descr_of(op).and_then(|d| d.as_array())
                        && !descr_addrs.contains_key(&d)
                    {
                        let boxed = Box::new(a.clone());
                        descr_addrs.insert(d, &*boxed as *const _ as usize);
                        array_descrs.push(boxed);
                    }
                }
                _ => {}
            }
        }
        if info.guard_ids.len() < guard_types.len() {
            return Err(BackendError::Codegen("fewer guard ids than guards".into()));
        }
        let guard_ids = info.guard_ids[..guard_types.len()].to_vec();
        for (k, g) in guard_ids.iter().enumerate() {
            if g.0 >= abi::RETURN || self.guards.contains_key(g) || guard_ids[..k].contains(g) {
                return Err(BackendError::Codegen(format!(
                    "guard id {g} is reserved or in use"
                )));
            }
        }
        let mut jumps_to = Vec::new();
        let mut cross = HashMap::new();
        for op in &trace.ops {
            if op.opcode != Opcode::Jump {
                continue;
            }
            let tid = lower::target_of(trace, op)?;
            if labels.contains_key(&tid) || cross.contains_key(&tid) {
                continue;
            }
            match self.targets.acquire(tid) {
                Ok(t) => {
                    cross.insert(tid, t);
                    jumps_to.push(tid);
                }
                Err(e) => {
                    jumps_to.iter().for_each(|&t| self.targets.release(t));
                    return Err(e);
                }
            }
        }

        // Shared code first (cached per signature): the entry trampoline and the exit stubs
        // the guard slots start with.
        let shared = (|| {
            let trampoline = self
                .shared
                .trampoline(&inputs, &mut self.ctx, &mut self.fctx)?;
            let stubs = guard_types
                .iter()
                .map(|t| self.shared.exit_stub(t, &mut self.ctx, &mut self.fctx))
                .collect::<Result<Vec<usize>, BackendError>>()?;
            Ok((trampoline, stubs))
        })();
        let (trampoline, stubs) = match shared {
            Ok(s) => s,
            Err(e) => {
                jumps_to.iter().for_each(|&t| self.targets.release(t));
                return Err(e);
            }
        };
        let slots = GuardSlots::new(&stubs);
        let entries = Box::new(AtomicU64::new(0));
        let plan = lower::Plan {
            traces: vec![lower::TraceEnv {
                trace,
                guard_ids: &guard_ids,
                guard_slots: (0..guard_ids.len()).map(|k| slots.addr(k)).collect(),
                cross_targets: cross,
                array_descrs: &descr_addrs,
                inline: HashMap::new(),
                counter: bridge_of.map(|_| &*entries as *const AtomicU64 as usize),
            }],
            roots: vec![0],
            native_call_conv: self.isa.default_call_conv(),
            frontend: self.isa.frontend_config(),
        };
        let result = Self::generate(
            &self.isa,
            &self.arena,
            &mut self.ctx,
            &mut self.fctx,
            &plan,
            piece_signature(&inputs),
            id,
        );
        drop(plan);
        let Generated {
            module,
            entry,
            code_size,
        } = match result {
            Ok(r) => r,
            Err(e) => {
                jumps_to.iter().for_each(|&t| self.targets.release(t));
                return Err(e);
            }
        };

        // Publish: from here on nothing fails.
        for (k, ((&g, types), stub)) in guard_ids.iter().zip(guard_types).zip(stubs).enumerate() {
            self.guards.insert(
                g,
                GuardHome {
                    piece: id,
                    slot: k,
                    types,
                    stub,
                    bridge: None,
                },
            );
        }
        for (tid, is_entry, types) in &defines {
            let addr = is_entry.then_some(entry as usize);
            self.targets.define(*tid, id, addr, types.clone());
        }
        if let Some(g) = bridge_of {
            let home = self.guards.get_mut(&g).expect("checked above");
            if let Some(old) = home.bridge.replace(id) {
                // The old bridge stays alive (the driver owns it) but is detached.
                if let Some(p) = self.pieces[old.0 as usize].as_mut() {
                    p.attached_to = None;
                }
            }
            let owner = self.pieces[home.piece.0 as usize]
                .as_ref()
                .expect("guards of freed pieces are unregistered");
            owner.slots.set(home.slot, entry as usize);
        }
        if let Some(pm) = &mut self.perf_map {
            pm.record(
                entry as usize,
                code_size,
                &format!("metajit::{}", info.name),
            );
        }
        self.pieces.push(Some(Box::new(Piece {
            module: Some(module),
            entry,
            own_entry: entry,
            trampoline,
            num_inputs: inputs.len(),
            code_size,
            guard_ids,
            slots,
            attached_to: bridge_of,
            defines,
            jumps_to,
            _array_descrs: array_descrs,
            descr_addrs,
            trace: trace.clone(),
            region: None,
            entries,
        })));
        self.stats.pieces += 1;
        self.stats.ops += trace.num_real_ops() as u64;
        self.stats.code_bytes += code_size as u64;
        self.stats.time += started.elapsed();
        Ok(id)
    }

    /// Builds, compiles and finalizes the function of one piece in a fresh module.
    fn generate(
        isa: &OwnedTargetIsa,
        arena: &arena::CodeArena,
        ctx: &mut Context,
        fctx: &mut FunctionBuilderContext,
        plan: &lower::Plan<'_>,
        sig: cranelift_codegen::ir::Signature,
        id: CodeId,
    ) -> Result<Generated, BackendError> {
        ctx.clear();
        ctx.func = Function::with_name_signature(UserFuncName::user(0, id.0), sig.clone());
        let lowered = lower::lower(plan, &mut ctx.func, fctx);
        let lowered = match lowered {
            Ok(l) => l,
            Err(e) => {
                ctx.clear();
                return Err(e);
            }
        };
        let mut module = new_module(isa, arena);
        // `ModuleError` is large; box it right away (clippy::result_large_err).
        let defined = (|| -> Result<_, Box<cranelift_module::ModuleError>> {
            let fid = module.declare_anonymous_function(&sig)?;
            module.define_function(fid, ctx)?;
            Ok(fid)
        })();
        let code_size = ctx.compiled_code().map_or(0, |c| c.code_buffer().len());
        release_context(ctx, code_size);
        let finalized = defined.and_then(|fid| {
            module.finalize_definitions()?;
            Ok(fid)
        });
        let fid = match finalized {
            Ok(f) => f,
            Err(e) => {
                // SAFETY: nothing refers to this module's code yet.
                unsafe { module.free_memory() };
                return Err(codegen_error(e));
            }
        };
        if lowered.max_out > MAX_EXIT_WORDS {
            // SAFETY: nothing refers to the module's code yet.
            unsafe { module.free_memory() };
            return Err(BackendError::Unsupported(format!(
                "an exit of {} words (at most {MAX_EXIT_WORDS})",
                lowered.max_out
            )));
        }
        let entry = module.get_finalized_function(fid);
        Ok(Generated {
            module,
            entry,
            code_size,
        })
    }
}

impl Backend for CraneliftBackend {
    fn name(&self) -> &'static str {
        "cranelift"
    }

    fn compile_loop(
        &mut self,
        trace: &Trace,
        info: &CompileInfo<'_>,
    ) -> Result<CodeId, BackendError> {
        self.compile(trace, info, None)
    }

    fn compile_bridge(
        &mut self,
        from: GuardId,
        trace: &Trace,
        info: &CompileInfo<'_>,
    ) -> Result<CodeId, BackendError> {
        self.compile(trace, info, Some(from))
    }

    fn entry(&self, code: CodeId) -> Entry {
        let piece = self.piece(code).expect("executing freed or unknown code");
        Entry::new(EntryKind::Native(NativeEntry {
            trampoline: piece.trampoline,
            entry: piece.entry,
            num_inputs: piece.num_inputs,
        }))
    }

    fn free(&mut self, code: CodeId) {
        if let Some(r) = self.piece(code).and_then(|p| p.region) {
            // The region's code runs this piece: its members go back to their own code.
            self.dissolve(r);
        }
        let Some(mut piece) = self.pieces.get_mut(code.0 as usize).and_then(Option::take) else {
            return;
        };
        if let Some(g) = piece.attached_to
            && let Some(home) = self.guards.get_mut(&g)
            && home.bridge == Some(code)
        {
            home.bridge = None;
            if let Some(owner) = self.pieces[home.piece.0 as usize].as_ref() {
                owner.slots.set(home.slot, home.stub);
            }
        }
        for (k, g) in piece.guard_ids.iter().enumerate() {
            let home = self.guards.remove(g);
            debug_assert!(
                home.as_ref()
                    .is_none_or(|h| h.bridge.is_some() == (piece.slots.get(k) != h.stub))
            );
            if let Some(b) = home.and_then(|h| h.bridge) {
                self.free(b);
            }
        }
        for (t, _, _) in &piece.defines {
            self.targets.undefine(*t, code);
        }
        for &t in &piece.jumps_to {
            self.targets.release(t);
        }
        if let Some(m) = piece.module.take() {
            // SAFETY: the piece is unreachable now: its guards' bridges are freed, the slot
            // of the guard it was attached to is zero, its targets are undefined, and the
            // driver does not free code that is running or that live code still jumps to.
            unsafe { m.free_memory() };
        }
    }

    fn code_size(&self, code: CodeId) -> usize {
        self.piece(code).map_or(0, |p| p.code_size)
    }

    fn regions(&mut self) -> Option<&mut dyn super::Regions> {
        Some(self)
    }
}

impl Drop for CraneliftBackend {
    fn drop(&mut self) {
        for r in self.regions.iter_mut().filter_map(Option::take) {
            r.free();
        }
        for p in self.pieces.iter_mut().filter_map(Option::take) {
            let mut p = p;
            if let Some(m) = p.module.take() {
                // SAFETY: the backend is being dropped, so none of its code is running or can
                // be executed again.
                unsafe { m.free_memory() };
            }
        }
    }
}

fn codegen_error(e: impl std::fmt::Display) -> BackendError {
    BackendError::Codegen(e.to_string())
}

/// A piece's machine code, entered through its trampoline (see [`Entry`]).
pub(crate) struct NativeEntry {
    trampoline: Trampoline,
    entry: *const u8,
    num_inputs: usize,
}

impl NativeEntry {
    /// Runs the piece.
    ///
    /// # Safety
    /// As for `Backend::execute`; the piece must not have been freed.
    pub(crate) unsafe fn run(&self, inputs: &[i64], out: &mut Vec<i64>) -> Exit {
        assert_eq!(
            inputs.len(),
            self.num_inputs,
            "execute: wrong number of inputs"
        );
        out.clear();
        out.reserve(MAX_EXIT_WORDS);
        // SAFETY: the trampoline and entry belong to a live piece with this input signature;
        // `inputs` has one word per input; `out` has room for `MAX_EXIT_WORDS`, which bounds
        // every exit of every piece (compile rejects larger ones), including pieces compiled
        // while this one runs. The caller guarantees that the trace's memory operations are
        // valid (the trait's contract).
        let word = unsafe { (self.trampoline)(self.entry, out.as_mut_ptr(), inputs.as_ptr()) };
        let (exit, count) = abi::decode_exit(word);
        debug_assert!(count <= out.capacity());
        // SAFETY: the exit path that returned `word` initialized `count` words of `out`.
        unsafe { out.set_len(count) };
        if exit == FINISH {
            Exit::Finish
        } else if exit == abi::RETURN {
            Exit::Return
        } else {
            Exit::Guard(GuardId(exit))
        }
    }
}
