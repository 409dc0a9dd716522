//! Memory accounting for PHP's `memory_limit`, `memory_get_usage` and
//! `memory_get_peak_usage`: [`Counting`] is a global allocator (hippy's binary installs it)
//! that counts the bytes in use. Going over the limit does not fail the allocation (an
//! allocator cannot raise PHP's error where it stands): it notes the request's size and raises
//! metajit's interrupt flag, and the VM reports the fatal error at its next poll (a loop
//! back-edge or a call). Allocations that can be known to be too large beforehand (a string
//! of a given length) are checked with [`check`] first.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes in use.
static USED: AtomicUsize = AtomicUsize::new(0);
/// The most bytes in use at once.
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// The limit in bytes (`usize::MAX`: none).
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);
/// The size of the allocation that went over the limit (0: none did).
static TRIED: AtomicUsize = AtomicUsize::new(0);

/// The counting allocator (the system's, counted).
pub struct Counting;

fn grew(size: usize) {
    let now = USED.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
    if now > LIMIT.load(Ordering::Relaxed)
        && TRIED
            .compare_exchange(0, size.max(1), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        metajit::interrupt::request();
    }
}

// SAFETY: every method forwards to the system allocator with the caller's arguments; the
// counting touches only atomics and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        USED.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with `layout` (through this allocator).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` and `layout` come from this allocator, as `realloc` requires.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                USED.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

/// Bytes in use (0 when the counting allocator is not installed).
pub fn used() -> usize {
    USED.load(Ordering::Relaxed)
}

/// The most bytes in use at once.
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Forgets the peak (`memory_reset_peak_usage`).
pub fn reset_peak() {
    PEAK.store(used(), Ordering::Relaxed);
}

/// The limit in bytes, if any.
pub fn limit() -> Option<usize> {
    let l = LIMIT.load(Ordering::Relaxed);
    (l != usize::MAX).then_some(l)
}

/// Sets the limit (`None`: unlimited).
pub fn set_limit(limit: Option<usize>) {
    LIMIT.store(limit.unwrap_or(usize::MAX), Ordering::Relaxed);
}

/// The size of the allocation that went over the limit since the last call, if one did.
pub fn take_exceeded() -> Option<usize> {
    match TRIED.swap(0, Ordering::Relaxed) {
        0 => None,
        n => Some(n),
    }
}

/// Whether `size` more bytes would go over the limit (for allocations whose size is known
/// before they are made). PHP's message is [`exhausted`]'s.
pub fn check(size: u128) -> Result<(), String> {
    match limit() {
        Some(l) if used() as u128 + size > l as u128 => Err(exhausted(l, size)),
        _ => Ok(()),
    }
}

/// PHP's fatal error text for going over `limit` with a request of `size` bytes.
pub fn exhausted(limit: usize, size: u128) -> String {
    format!("Allowed memory size of {limit} bytes exhausted (tried to allocate {size} bytes)")
}

/// The bytes an ini quantity means (`memory_limit`: "128M", "1G", "512K", "-1" for none), as
/// PHP reads it: leading digits, then an optional K/M/G suffix.
pub fn parse_quantity(text: &str) -> Option<usize> {
    let t = text.trim();
    let (digits, unit) = t.split_at(
        t.find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+'))
            .unwrap_or(t.len()),
    );
    let n: i64 = digits.parse().ok()?;
    if n < 0 {
        return None;
    }
    let shift = match unit.trim().chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('k') => 10,
        Some('m') => 20,
        Some('g') => 30,
        _ => 0,
    };
    Some((n as usize).saturating_mul(1 << shift))
}

#[cfg(test)]
mod tests {
    #[test]
    fn quantities() {
        use super::parse_quantity as q;
        assert_eq!(q("128M"), Some(128 << 20));
        assert_eq!(q("2M"), Some(2 << 20));
        assert_eq!(q("1g"), Some(1 << 30));
        assert_eq!(q("512K"), Some(512 << 10));
        assert_eq!(q("1000"), Some(1000));
        assert_eq!(q("-1"), None);
    }
}
