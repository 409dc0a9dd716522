//! Interrupts: a process-wide flag that anything (a timer thread, an allocator over its
//! limit, a signal handler) may raise, and that the interpreter polls where it can stop
//! safely, typically at loop back-edges and calls.
//!
//! The interpreter polls with [`interrupt_pending`](crate::interrupt_pending) inside its
//! annotated loop. In traced code the poll is not a call: it records a load of the flag's
//! word and a guard on it, so a compiled loop checks the flag on every iteration at the cost
//! of one memory read, and leaves through that guard when it is raised. The interpreter then
//! runs the same poll natively, sees the flag and handles the interrupt (raising the language's
//! error, for instance). The flag stays raised until [`clear`] lowers it.

use std::sync::atomic::{AtomicI64, Ordering};

/// The flag: non-zero while an interrupt is pending.
static PENDING: AtomicI64 = AtomicI64::new(0);

/// Raises the flag (from any thread, or from an allocator: it does not allocate).
pub fn request() {
    PENDING.store(1, Ordering::SeqCst);
}

/// Lowers the flag.
pub fn clear() {
    PENDING.store(0, Ordering::SeqCst);
}

/// Whether the flag is raised.
#[inline(always)]
pub fn pending() -> bool {
    PENDING.load(Ordering::Relaxed) != 0
}

/// The flag's address (the word traced polls load).
pub(crate) fn flag_addr() -> i64 {
    PENDING.as_ptr() as i64
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_and_clear() {
        super::clear();
        assert!(!super::pending());
        super::request();
        assert!(super::pending());
        super::clear();
        assert!(!super::pending());
    }
}
