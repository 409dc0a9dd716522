//! Test support for the optimizer: the oracle that runs a trace before and after optimization
//! on the reference backend and checks both did the same thing, the memory those runs act on,
//! the functions traces may call, and the fixture-file runner.
//!
//! - [`funcs`]: `extern "C"` functions fixtures call by descriptor name (logging calls with
//!   effects, elidable functions, field writers), whose logs are compared.
//! - [`world`]: builds the objects a trace's reference inputs point to, from how the trace uses
//!   them (shape inference), with seeded contents and sometimes aliasing inputs.
//! - [`oracle`]: instruments a trace (fuel against endless loops, registration of allocations),
//!   runs it, decodes the exit (finish values, or the failing guard's resume state with virtual
//!   objects materialized and pending stores applied), and compares two runs structurally
//!   (fresh objects by content, everything else by value), memory afterwards included.
//! - [`fixture`]: reads `tests/opt/**/*.trace` files (input + expected output), checks the
//!   printed optimized trace and runs the oracle on each.

#![allow(dead_code)]

pub mod fixture;
pub mod funcs;
pub mod oracle;
pub mod world;

/// A small deterministic random generator (SplitMix64): tests need reproducible seeds, not
/// quality randomness.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `p` percent.
    pub fn chance(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    /// One of the items.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An integer biased towards small values and edge cases.
    pub fn int(&mut self) -> i64 {
        match self.below(20) {
            0..=13 => self.below(16) as i64 - 3,
            14 => *self.pick(&[0, 1, -1, 255, 256, 1000, 1001]),
            15 => *self.pick(&[i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1]),
            16 => *self.pick(&[i32::MAX as i64, i32::MIN as i64, 1 << 32, 65535, 65536]),
            _ => self.next() as i64,
        }
    }
}
