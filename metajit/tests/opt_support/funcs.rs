//! Functions traces under test may call, bound to call descriptors by name
//! (`descr log1 = call(args=(int), result=int, effect=any)`; a `#n` suffix is ignored).
//!
//! Calls with effects append to a per-thread log that the oracle compares between runs: they
//! must happen in the same order, as often, with the same arguments. Elidable functions log
//! nothing (they may be folded, CSE'd or removed). The instrumentation functions (`fuel`,
//! `reg_struct`, `reg_array`) are added by the oracle after optimization.

use std::cell::RefCell;
use std::collections::HashMap;

/// One logged call: function name and arguments (`ref` arguments flagged).
#[derive(Clone, Debug, PartialEq)]
pub struct Logged {
    /// The function.
    pub name: &'static str,
    /// Arguments: (is a reference, bits).
    pub args: Vec<(bool, i64)>,
}

thread_local! {
    static LOG: RefCell<Vec<Logged>> = const { RefCell::new(Vec::new()) };
    static FUEL: RefCell<i64> = const { RefCell::new(0) };
    static FRESH: RefCell<HashMap<i64, usize>> = RefCell::new(HashMap::new());
}

fn log(name: &'static str, args: &[(bool, i64)]) {
    LOG.with(|l| {
        l.borrow_mut().push(Logged {
            name,
            args: args.to_vec(),
        })
    });
}

/// Takes the log of this thread.
pub fn take_log() -> Vec<Logged> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// Sets how many loop iterations a run may do before the fuel guard fails.
pub fn set_fuel(n: i64) {
    FUEL.with(|f| *f.borrow_mut() = n);
}

/// Takes the fresh objects registered on this thread: address -> size in bytes.
pub fn take_fresh() -> HashMap<i64, usize> {
    FRESH.with(|f| std::mem::take(&mut *f.borrow_mut()))
}

/// Registers a fresh object (also used when materializing virtuals).
pub fn register_fresh(addr: i64, size: usize) {
    FRESH.with(|f| {
        f.borrow_mut().insert(addr, size);
    });
}

fn mix(args: &[i64]) -> i64 {
    args.iter()
        .fold(17i64, |h, &a| h.wrapping_mul(31).wrapping_add(a))
}

extern "C" fn log0() -> i64 {
    log("log0", &[]);
    mix(&[])
}
extern "C" fn log1(a: i64) -> i64 {
    log("log1", &[(false, a)]);
    mix(&[a])
}
extern "C" fn log2(a: i64, b: i64) -> i64 {
    log("log2", &[(false, a), (false, b)]);
    mix(&[a, b])
}
extern "C" fn logp(p: i64) -> i64 {
    log("logp", &[(true, p)]);
    0
}
extern "C" fn logpi(p: i64, a: i64) -> i64 {
    log("logpi", &[(true, p), (false, a)]);
    a
}
/// `f(p, v)`: writes `v` into the word at offset 8 of `p` (descriptor `effect=writes(S.a)`).
extern "C" fn write_a(p: i64, v: i64) -> i64 {
    log("write_a", &[(true, p), (false, v)]);
    // SAFETY: fixtures only pass objects with at least 16 bytes (shape inference gives every
    // struct room for offset 8).
    unsafe { std::ptr::write_unaligned((p + 8) as *mut i64, v) };
    0
}
/// Reads the word at offset 8 of `p` (`effect=readonly`).
extern "C" fn read_a(p: i64) -> i64 {
    log("read_a", &[(true, p)]);
    // SAFETY: as for `write_a`.
    unsafe { std::ptr::read_unaligned((p + 8) as *const i64) }
}
/// Decrements the word at offset 8 of `p` and logs `free` when it reaches 0 (a refcounted
/// runtime's destructor call; `effect=any`).
extern "C" fn decref(p: i64) -> i64 {
    // SAFETY: as for `write_a`.
    let v = unsafe { std::ptr::read_unaligned((p + 8) as *const i64) } - 1;
    // SAFETY: as for `write_a`.
    unsafe { std::ptr::write_unaligned((p + 8) as *mut i64, v) };
    if v == 0 {
        log("free", &[(true, p)]);
    }
    0
}
extern "C" fn pure1(a: i64) -> i64 {
    a.wrapping_mul(a).wrapping_add(1)
}
extern "C" fn pure2(a: i64, b: i64) -> i64 {
    a.wrapping_mul(31).wrapping_add(b)
}
extern "C" fn fuel() -> i64 {
    FUEL.with(|f| {
        let mut f = f.borrow_mut();
        *f -= 1;
        (*f > 0) as i64
    })
}
extern "C" fn reg_struct(p: i64, size: i64) -> i64 {
    register_fresh(p, size as usize);
    0
}
extern "C" fn reg_array(p: i64, item_size: i64) -> i64 {
    // SAFETY: called right after `new_array` on the array it allocated: length word at 0.
    let len = unsafe { std::ptr::read(p as *const i64) } as usize;
    register_fresh(p, 8 + len * item_size as usize);
    0
}

/// The address of the function a descriptor name binds to.
pub fn lookup(name: &str) -> Option<usize> {
    let base = name.split('#').next().unwrap_or(name);
    Some(match base {
        "log0" => log0 as extern "C" fn() -> i64 as usize,
        "log1" => log1 as extern "C" fn(i64) -> i64 as usize,
        "log2" => log2 as extern "C" fn(i64, i64) -> i64 as usize,
        "logp" => logp as extern "C" fn(i64) -> i64 as usize,
        "logpi" => logpi as extern "C" fn(i64, i64) -> i64 as usize,
        "write_a" => write_a as extern "C" fn(i64, i64) -> i64 as usize,
        "read_a" => read_a as extern "C" fn(i64) -> i64 as usize,
        "decref" => decref as extern "C" fn(i64) -> i64 as usize,
        "pure1" => pure1 as extern "C" fn(i64) -> i64 as usize,
        "pure2" => pure2 as extern "C" fn(i64, i64) -> i64 as usize,
        "fuel" => fuel as extern "C" fn() -> i64 as usize,
        "reg_struct" => reg_struct as extern "C" fn(i64, i64) -> i64 as usize,
        "reg_array" => reg_array as extern "C" fn(i64, i64) -> i64 as usize,
        _ => return None,
    })
}
