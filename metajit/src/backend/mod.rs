//! Backends: turn optimized traces into something executable.
//!
//! One [`Backend`] trait, two implementations: the reference IR interpreter ([`interp`], the test
//! oracle, always built) and Cranelift ([`cranelift`], native code, behind the `cranelift`
//! feature). The same backend test suite (`tests/backend_suite.rs`) runs against both.
//!
//! The contract:
//! - A *loop* is a trace starting with its inputs; it may contain `label`s and ends with a `jump`
//!   (to one of its own labels or to a label compiled earlier) or a `finish`.
//! - A *bridge* is attached to a guard: its inputs are that guard's fail arguments, in order
//!   (`Trace::fail_args`). Once compiled, a failure of the guard continues in the bridge.
//! - [`Backend::execute`] runs code from its first op with the given inputs until a guard
//!   without a bridge fails (the guard's fail arguments are written to `out`) or a `finish` is
//!   reached (its arguments are written to `out`).
//! - Calls go to `extern "C"` functions taking every argument as `i64` (floats as their bits)
//!   and returning an `i64` (floats as bits; ignored for void calls). Called functions must not
//!   unwind.
//! - Executable memory is never writable and executable at the same time; [`Backend::free`]
//!   releases a piece of code once the driver no longer needs it.

#[cfg(feature = "cranelift")]
pub mod cranelift;
pub mod interp;

use crate::ir::Trace;
use std::fmt;

/// A compiled loop or bridge within one backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodeId(pub u32);

/// A guard, numbered across every trace of one JIT instance (the driver assigns them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GuardId(pub u32);

impl fmt::Display for GuardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "g{}", self.0)
    }
}

/// What the driver tells the backend besides the trace.
#[derive(Clone, Debug)]
pub struct CompileInfo<'a> {
    /// One id per guard op of the trace, in trace order.
    pub guard_ids: &'a [GuardId],
    /// A name for logs and profilers (`loop 3 at pc=7`).
    pub name: &'a str,
}

/// Why execution left compiled code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// A guard failed and has no bridge; `out` holds its fail arguments.
    Guard(GuardId),
    /// A `finish` was reached; `out` holds its arguments.
    Finish,
    /// A `finish` with target `return` was reached: the interpreter function returns the
    /// value whose words `out` holds.
    Return,
}

/// Why a trace could not be compiled (never a user error: the driver logs it and keeps
/// interpreting).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// The trace uses something this backend does not support.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A jump names a label no compiled trace defines.
    #[error("jump to unknown label {0}")]
    UnknownTarget(crate::ir::TargetId),
    /// The code generator failed.
    #[error("code generation failed: {0}")]
    Codegen(String),
    /// The guard to attach a bridge to is unknown.
    #[error("no guard {0}")]
    UnknownGuard(GuardId),
}

/// A code generator and executor for traces. See the module documentation for the contract.
pub trait Backend {
    /// A short name for logs (`interp`, `cranelift`).
    fn name(&self) -> &'static str;

    /// Compiles a loop (or any trace entered from the interpreter).
    fn compile_loop(
        &mut self,
        trace: &Trace,
        info: &CompileInfo<'_>,
    ) -> Result<CodeId, BackendError>;

    /// Compiles a bridge and attaches it to guard `from`.
    fn compile_bridge(
        &mut self,
        from: GuardId,
        trace: &Trace,
        info: &CompileInfo<'_>,
    ) -> Result<CodeId, BackendError>;

    /// The entry of `code`, to run it without holding the backend: the running code may call
    /// functions that re-enter the interpreter, whose JIT compiles new pieces (and attaches
    /// bridges) on this same backend while the code runs.
    fn entry(&self, code: CodeId) -> Entry;

    /// Runs `code` with `inputs` until a guard without bridge fails or a `finish`.
    ///
    /// # Safety
    /// The trace's memory operations and calls act on the raw addresses in `inputs` and in
    /// its constants: the caller guarantees they point to live objects of the layouts the
    /// descriptors describe (what tracing by concrete execution establishes).
    unsafe fn execute(&self, code: CodeId, inputs: &[i64], out: &mut Vec<i64>) -> Exit {
        // SAFETY: the caller's promise.
        unsafe { self.entry(code).run(inputs, out) }
    }

    /// Releases the code of a loop or bridge. Guards of the freed code must not be executed
    /// again; bridges attached to them are freed with it.
    fn free(&mut self, code: CodeId);

    /// Bytes of machine code (or IR, for the interpreter) held for `code`.
    fn code_size(&self, code: CodeId) -> usize;

    /// Region compilation, for backends that support it (`None`: the default). See
    /// [`Regions`].
    fn regions(&mut self) -> Option<&mut dyn Regions> {
        None
    }
}

/// Compiling a hot *region* of pieces (loops and bridges that form a cycle: loop -> exit bridge
/// -> next loop -> ... -> first loop) into one unit, so that crossings between them become
/// branches. The driver decides which pieces (`regions.rs`); the backend keeps the contract of
/// [`Backend`] unchanged: every member keeps its `CodeId`, its guards and its entry, freeing or
/// replacing a member dissolves the region (members run their own code again), and a bridge
/// attached later to a guard of a member is reached as usual.
pub trait Regions {
    /// How many times bridge `code` was entered from its guard while running as its own code
    /// (entries of its code inlined in a region are not counted; 0 for unknown code).
    fn entry_count(&self, code: CodeId) -> u64;

    /// Compiles `members` (live pieces) as one region, dissolving regions that share members
    /// with it first. Every member bridge must be attached to a guard of another member: it is
    /// lowered at that guard's failure. Returns the region's bytes of machine code.
    fn compile_region(&mut self, members: &[CodeId], name: &str) -> Result<usize, BackendError>;

    /// The members of the region `code` runs in (`None` when it runs its own code).
    fn region_of(&self, code: CodeId) -> Option<&[CodeId]>;
}

/// The most words an exit may write (fail arguments of a guard, arguments of a `finish`):
/// backends reject traces with larger exits, so that a caller's output buffer, sized once
/// before running, fits every exit of every piece, including pieces compiled while it runs.
pub const MAX_EXIT_WORDS: usize = 4096;

/// Compiled code ready to run ([`Backend::entry`]). It holds no borrow of the backend, only
/// what the code needs, so nested compilation may change the backend while it runs. The code
/// stays valid until the backend frees it, which the driver does only when no compiled code
/// is running.
pub struct Entry(EntryKind);

pub(crate) enum EntryKind {
    /// Machine code entered through a trampoline.
    #[cfg(feature = "cranelift")]
    Native(cranelift::NativeEntry),
    /// Code of the reference interpreter.
    Interp(std::rc::Rc<interp::Shared>, CodeId),
}

impl Entry {
    pub(crate) fn new(kind: EntryKind) -> Entry {
        Entry(kind)
    }

    /// Runs the code with `inputs` until a guard without bridge fails or a `finish`; the exit's
    /// words are left in `out`.
    ///
    /// # Safety
    /// As for [`Backend::execute`].
    pub unsafe fn run(&self, inputs: &[i64], out: &mut Vec<i64>) -> Exit {
        match &self.0 {
            // SAFETY: the caller's promise.
            #[cfg(feature = "cranelift")]
            EntryKind::Native(n) => unsafe { n.run(inputs, out) },
            // SAFETY: the caller's promise.
            EntryKind::Interp(shared, code) => unsafe { interp::run(shared, *code, inputs, out) },
        }
    }
}

/// Calls an `extern "C"` function with all-`i64` arguments (the backend call convention).
///
/// # Safety
/// `func` must be an `extern "C" fn` taking exactly `args.len()` `i64`s and returning an `i64`
/// (or nothing, in which case the result is garbage and must be ignored).
pub unsafe fn call_i64(func: usize, args: &[i64]) -> i64 {
    macro_rules! call {
        ($($a:ident),*) => {{
            // SAFETY: the caller promises `func` has this exact signature.
            let f: extern "C" fn($($a: i64),*) -> i64 = unsafe { std::mem::transmute(func) };
            #[allow(unused_mut, unused_variables)]
            let mut it = args.iter().copied();
            $(let $a = it.next().unwrap_or(0);)*
            f($($a),*)
        }};
    }
    match args.len() {
        0 => call!(),
        1 => call!(a),
        2 => call!(a, b),
        3 => call!(a, b, c),
        4 => call!(a, b, c, d),
        5 => call!(a, b, c, d, e),
        6 => call!(a, b, c, d, e, f),
        7 => call!(a, b, c, d, e, f, g),
        8 => call!(a, b, c, d, e, f, g, h),
        9 => call!(a, b, c, d, e, f, g, h, i),
        10 => call!(a, b, c, d, e, f, g, h, i, j),
        11 => call!(a, b, c, d, e, f, g, h, i, j, k),
        12 => call!(a, b, c, d, e, f, g, h, i, j, k, l),
        n => {
            panic!("metajit: calls with {n} arguments are not supported (at most {MAX_CALL_ARGS})")
        }
    }
}

/// The most arguments a traced call may pass.
pub const MAX_CALL_ARGS: usize = 12;

/// Memory access shared by backends that interpret or emulate loads and stores.
pub(crate) mod mem {
    use crate::value::{IntRepr, Kind, normalize_int};

    /// Loads a value of `kind`/`repr` at `addr`.
    ///
    /// # Safety
    /// `addr` must be valid for a read of that size.
    pub unsafe fn load(addr: usize, kind: Kind, repr: IntRepr) -> i64 {
        // SAFETY: the caller guarantees `addr` is readable for the access size; the JIT only
        // emits loads for fields and items the descriptors describe.
        unsafe {
            match (kind, repr.size) {
                (Kind::Int, 1) => {
                    normalize_int(std::ptr::read_unaligned(addr as *const u8) as i64, repr)
                }
                (Kind::Int, 2) => {
                    normalize_int(std::ptr::read_unaligned(addr as *const u16) as i64, repr)
                }
                (Kind::Int, 4) => {
                    normalize_int(std::ptr::read_unaligned(addr as *const u32) as i64, repr)
                }
                _ => std::ptr::read_unaligned(addr as *const i64),
            }
        }
    }

    /// Stores the low bytes of `v` at `addr`.
    ///
    /// # Safety
    /// `addr` must be valid for a write of that size.
    pub unsafe fn store(addr: usize, kind: Kind, repr: IntRepr, v: i64) {
        // SAFETY: as for `load`.
        unsafe {
            match (kind, repr.size) {
                (Kind::Int, 1) => std::ptr::write_unaligned(addr as *mut u8, v as u8),
                (Kind::Int, 2) => std::ptr::write_unaligned(addr as *mut u16, v as u16),
                (Kind::Int, 4) => std::ptr::write_unaligned(addr as *mut u32, v as u32),
                _ => std::ptr::write_unaligned(addr as *mut i64, v),
            }
        }
    }

    /// Allocates the struct of a `new` (`typed`: `new_with_vtable`, which also stores the type
    /// id): through the language's allocation function when the descriptor names one, else
    /// zeroed memory from the global allocator.
    pub fn new_struct(s: &crate::ir::SizeDescr, typed: bool) -> usize {
        let p = if s.alloc != 0 {
            // SAFETY: a non-zero `alloc` is the address of an `extern "C" fn() -> i64` (the
            // descriptor's contract, upheld by `twin::JitNew`).
            let f: extern "C" fn() -> i64 = unsafe { std::mem::transmute(s.alloc) };
            f() as usize
        } else {
            alloc(s.size as usize, s.align as usize)
        };
        if typed {
            // SAFETY: a fresh allocation of at least 8 bytes for typed structs.
            unsafe { std::ptr::write(p as *mut i64, s.type_id) };
        }
        p
    }

    /// Allocates `size` zeroed bytes with `align` from the global allocator.
    pub fn alloc(size: usize, align: usize) -> usize {
        let layout =
            std::alloc::Layout::from_size_align(size.max(1), align.max(1)).expect("valid layout");
        // SAFETY: the layout has a non-zero size.
        let p = unsafe { std::alloc::alloc_zeroed(layout) };
        if p.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        p as usize
    }
}
