//! Native helpers that compiled code calls (allocation), with the backend call convention.
//!
//! They are `extern "C"` and must not unwind: a panic inside one (an impossible allocation size)
//! aborts the process at the function boundary instead of unwinding into JIT frames, which have
//! no unwind information.

use crate::backend::mem;
use crate::ir::ArrayDescr;

/// `new`/`new_with_vtable`: `size` zeroed bytes aligned to `align`.
pub(super) extern "C" fn new_struct(size: i64, align: i64) -> i64 {
    mem::alloc(size as usize, align as usize) as i64
}

/// `new_array`: a zeroed array block of `len` items for the descriptor at `descr`.
///
/// `descr` is the address of an `ArrayDescr` owned by the piece whose code calls this (kept
/// alive as long as the code).
pub(super) extern "C" fn new_array(descr: i64, len: i64) -> i64 {
    // SAFETY: compiled code passes the address of a boxed `ArrayDescr` that its piece owns.
    let descr = unsafe { &*(descr as *const ArrayDescr) };
    crate::jitarray::alloc_raw_array(descr, len as usize) as i64
}
