//! Warm-up: hashed, decaying hot counters keyed by green key.
//!
//! Each green key (portal + green values) hashes into a fixed table of counters; collisions only
//! make a key warm up a little early. A counter counts towards `threshold`; when it is reached
//! the key is traced. At every compilation all counters decay by `decay`/1000 of their value so
//! that keys which were warm long ago do not get traced on a single later visit.

/// A green key: the portal's identity and up to four green values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GreenKey {
    /// Address of the portal's static `PortalInfo`.
    pub portal: usize,
    /// The green values (unused ones are 0).
    pub greens: [i64; MAX_GREENS],
}

/// The most greens a portal may declare.
pub const MAX_GREENS: usize = 4;

impl GreenKey {
    /// The key for these greens.
    pub fn new(portal: usize, greens: &[i64]) -> GreenKey {
        let mut g = [0; MAX_GREENS];
        g[..greens.len()].copy_from_slice(greens);
        GreenKey { portal, greens: g }
    }

    fn hash(&self) -> u64 {
        // FxHash-style mixing: fast, and good enough to spread program positions.
        let mut h = (self.portal as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
        for &g in &self.greens {
            h = (h.rotate_left(5) ^ g as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        h
    }
}

const TABLE_BITS: u32 = 14;

/// The counter table.
pub struct WarmState {
    counters: Box<[u32]>,
}

impl Default for WarmState {
    fn default() -> Self {
        WarmState {
            counters: vec![0; 1 << TABLE_BITS].into_boxed_slice(),
        }
    }
}

impl WarmState {
    /// Counts one visit of `key`; true when it reached `threshold` (the counter restarts).
    #[inline]
    pub fn tick(&mut self, key: &GreenKey, threshold: u32) -> bool {
        self.tick_at(key.hash(), threshold)
    }

    /// Counts one call of the interpreter function at `key` (a counter of its own, apart from
    /// the loop header that may share the key); true when it reaches `threshold`.
    pub fn tick_function(&mut self, key: &GreenKey, threshold: u32) -> bool {
        self.tick_at(key.hash() ^ 0x9e37_79b9_7f4a_7c15, threshold)
    }

    fn tick_at(&mut self, hash: u64, threshold: u32) -> bool {
        let i = (hash >> (64 - TABLE_BITS)) as usize;
        let c = &mut self.counters[i];
        *c += 1;
        if *c >= threshold {
            *c = 0;
            true
        } else {
            false
        }
    }

    /// Resets the counter of `key`.
    pub fn reset(&mut self, key: &GreenKey) {
        let i = (key.hash() >> (64 - TABLE_BITS)) as usize;
        self.counters[i] = 0;
    }

    /// Decays all counters by `decay`/1000.
    pub fn decay(&mut self, decay: u32) {
        if decay == 0 {
            return;
        }
        let keep = 1000u64.saturating_sub(decay.min(1000) as u64);
        for c in self.counters.iter_mut() {
            *c = ((*c as u64 * keep) / 1000) as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_to_threshold_and_decays() {
        let mut w = WarmState::default();
        let k = GreenKey::new(1, &[7]);
        assert!(!w.tick(&k, 3));
        assert!(!w.tick(&k, 3));
        assert!(w.tick(&k, 3));
        assert!(!w.tick(&k, 3));
        w.tick(&k, 100);
        w.decay(1000);
        assert!(!w.tick(&k, 2));
        assert!(w.tick(&k, 2));
        assert!(w.tick(&GreenKey::new(1, &[8]), 1));
    }
}
