//! What the dispatch loop calls: slot writes with reference counting (traced), and the
//! residual calls for everything that is not int arithmetic, by family.

pub mod arith;
pub mod array;
pub mod array_access;
pub mod call;
pub mod callable;
pub mod dim_plan;
pub mod exception;
pub mod iter;
pub mod magic;
pub mod object;
pub mod output;
pub mod props;
pub mod refs;
pub mod send;
pub mod str_offset;
pub mod types;
pub mod unpack;
pub mod vars;

use crate::vm::Frame;
use php_runtime::{Value, Zval, tag};

/// Adds a reference to a counted value.
#[metajit::dont_look_inside]
pub fn addref(t: u64, bits: u64) {
    // SAFETY: the value is live (held by a slot or a constant) during the call.
    std::mem::forget(unsafe { Zval::from_borrowed(Value { tag: t, bits }) });
}

/// Drops a reference to a counted value (freeing it when it was the last).
#[metajit::dont_look_inside]
pub fn release(t: u64, bits: u64) {
    // SAFETY: the caller gives up the share it owned.
    drop(unsafe { Zval::from_raw(Value { tag: t, bits }) });
}

/// Stores `v` (whose share the caller gives) in slot `dst`, releasing what the slot held.
#[metajit::jit]
pub fn put(frame: &mut Frame, dst: usize, v: Value) {
    let old = frame.slots[dst];
    frame.slots[dst] = v;
    if old.tag >= tag::STRING {
        release(old.tag, old.bits);
    }
}

/// Stores a copy of `v` (borrowed) in slot `dst`.
#[metajit::jit]
pub fn put_copy(frame: &mut Frame, dst: usize, v: Value) {
    if v.tag >= tag::STRING {
        addref(v.tag, v.bits);
    }
    put(frame, dst, v);
}

/// Releases the slots `from..from + n` (temporaries at the end of a statement). Traced, its
/// loop unrolled (`from` and `n` are constants of the instruction): where the trace knows a
/// slot holds no counted value, nothing is left but the slot's reset.
#[metajit::unroll_safe]
pub fn free_temps(frame: &mut Frame, from: usize, n: usize) {
    let mut i = from;
    while i < from + n {
        put(frame, i, Value::UNDEF);
        i += 1;
    }
}

/// The truth value of a slot's value (`if`, `while`, `&&`...).
#[metajit::jit]
pub fn truthy(v: Value) -> bool {
    if v.tag == tag::TRUE {
        true
    } else if v.tag == tag::INT {
        v.bits != 0
    } else if v.tag <= tag::FALSE {
        false
    } else {
        truthy_slow(v.tag, v.bits)
    }
}

/// [`truthy`] for floats, strings and arrays.
#[metajit::dont_look_inside]
fn truthy_slow(t: u64, bits: u64) -> bool {
    // SAFETY: the value is live (in a slot) during the call; it is not dropped here.
    let z = std::mem::ManuallyDrop::new(unsafe { Zval::from_raw(Value { tag: t, bits }) });
    php_runtime::convert::to_bool(&z)
}

/// `return`: moves slot `src` to slot 0, where the caller takes it.
#[metajit::dont_look_inside]
pub fn return_value(frame: &mut Frame, src: usize) {
    if crate::include_scope::is_included(frame) {
        crate::include_scope::write_back(frame);
    }
    // The script's return value is not used, and its slot 0 is a global variable.
    if src != 0 && frame.depth > 1 {
        let v = std::mem::replace(&mut frame.slots[src], Value::UNDEF);
        let old = std::mem::replace(&mut frame.slots[0], v);
        // SAFETY: the slot owned its value.
        drop(unsafe { Zval::from_raw(old) });
    }
}

/// The value in a slot, borrowed as a [`Zval`] (no count change).
pub fn borrow(frame: &Frame, slot: usize) -> std::mem::ManuallyDrop<Zval> {
    // SAFETY: the slot owns a share; the result is never dropped.
    std::mem::ManuallyDrop::new(unsafe { Zval::from_raw(frame.slots[slot]) })
}

/// Stores an owned value in a slot (residual code's counterpart of [`put`]).
pub fn store(frame: &mut Frame, slot: usize, v: Zval) {
    let old = std::mem::replace(&mut frame.slots[slot], v.into_raw());
    // SAFETY: the slot owned its old value.
    drop(unsafe { Zval::from_raw(old) });
}
