//! Integer ranges: the abstract values of the intbounds pass.
//!
//! An [`IntBound`] is an inclusive signed range `lo..=hi` that the 64-bit value is known to lie
//! in; it is never empty. Transfer functions follow the ops' wrapping semantics exactly: an
//! arithmetic result whose exact range (computed in `i128`) does not fit in `i64` may wrap, so
//! it gets the full range, never a wrong one.

use crate::value::IntRepr;

/// A non-empty inclusive range of `i64` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct IntBound {
    /// Smallest possible value.
    pub lo: i64,
    /// Largest possible value.
    pub hi: i64,
}

fn fit(lo: i128, hi: i128) -> Option<IntBound> {
    (lo >= i64::MIN as i128 && hi <= i64::MAX as i128).then_some(IntBound {
        lo: lo as i64,
        hi: hi as i64,
    })
}

/// The number of bits needed for non-negative `x`.
fn bit_len(x: i64) -> u32 {
    64 - (x as u64).leading_zeros()
}

impl IntBound {
    /// Any value.
    pub const FULL: IntBound = IntBound {
        lo: i64::MIN,
        hi: i64::MAX,
    };

    /// 0 or 1.
    pub const BOOL: IntBound = IntBound { lo: 0, hi: 1 };

    /// Exactly `c`.
    pub fn exact(c: i64) -> IntBound {
        IntBound { lo: c, hi: c }
    }

    /// `lo..=hi` (callers ensure `lo <= hi`).
    pub fn range(lo: i64, hi: i64) -> IntBound {
        debug_assert!(lo <= hi);
        IntBound { lo, hi }
    }

    /// The values a load of an integer of this representation produces.
    pub fn of_repr(r: IntRepr) -> IntBound {
        let bits = 8 * r.size as u32;
        if bits >= 64 {
            return IntBound::FULL;
        }
        if r.signed {
            IntBound::range(-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
        } else {
            IntBound::range(0, (1i64 << bits) - 1)
        }
    }

    /// The value, if there is only one.
    pub fn constant(self) -> Option<i64> {
        (self.lo == self.hi).then_some(self.lo)
    }

    /// Whether every value is `>= 0`.
    pub fn is_nonneg(self) -> bool {
        self.lo >= 0
    }

    /// Whether `self` lies within `other`.
    pub fn within(self, other: IntBound) -> bool {
        other.lo <= self.lo && self.hi <= other.hi
    }

    /// The intersection, if not empty.
    pub fn meet(self, other: IntBound) -> Option<IntBound> {
        let (lo, hi) = (self.lo.max(other.lo), self.hi.min(other.hi));
        (lo <= hi).then_some(IntBound { lo, hi })
    }

    /// The exact range of `self + other`, if it cannot overflow.
    pub fn add_exact(self, o: IntBound) -> Option<IntBound> {
        fit(
            self.lo as i128 + o.lo as i128,
            self.hi as i128 + o.hi as i128,
        )
    }

    /// The exact range of `self - other`, if it cannot overflow.
    pub fn sub_exact(self, o: IntBound) -> Option<IntBound> {
        fit(
            self.lo as i128 - o.hi as i128,
            self.hi as i128 - o.lo as i128,
        )
    }

    /// The exact range of `self * other`, if it cannot overflow.
    pub fn mul_exact(self, o: IntBound) -> Option<IntBound> {
        let c = [
            self.lo as i128 * o.lo as i128,
            self.lo as i128 * o.hi as i128,
            self.hi as i128 * o.lo as i128,
            self.hi as i128 * o.hi as i128,
        ];
        fit(*c.iter().min()?, *c.iter().max()?)
    }

    /// The range of the wrapping result of an exact computation that may overflow: the part of
    /// the exact range that fits when the op is known not to have overflowed.
    pub fn clamp_exact(lo: i128, hi: i128) -> Option<IntBound> {
        let lo = lo.max(i64::MIN as i128);
        let hi = hi.min(i64::MAX as i128);
        (lo <= hi).then(|| IntBound::range(lo as i64, hi as i64))
    }

    /// The exact (`i128`) range of an add, sub or mul, overflow or not.
    pub fn exact_i128(op: crate::ir::Opcode, a: IntBound, b: IntBound) -> (i128, i128) {
        use crate::ir::Opcode::*;
        let (al, ah, bl, bh) = (a.lo as i128, a.hi as i128, b.lo as i128, b.hi as i128);
        match op {
            IntAdd | IntAddOvf => (al + bl, ah + bh),
            IntSub | IntSubOvf => (al - bh, ah - bl),
            _ => {
                let c = [al * bl, al * bh, ah * bl, ah * bh];
                (*c.iter().min().unwrap_or(&0), *c.iter().max().unwrap_or(&0))
            }
        }
    }

    /// `-self`.
    pub fn neg(self) -> IntBound {
        if self.lo == i64::MIN {
            IntBound::FULL
        } else {
            IntBound::range(-self.hi, -self.lo)
        }
    }

    /// `!self`.
    pub fn invert(self) -> IntBound {
        IntBound::range(!self.hi, !self.lo)
    }

    /// `self & other`.
    pub fn and(self, o: IntBound) -> IntBound {
        match (self.is_nonneg(), o.is_nonneg()) {
            (true, true) => IntBound::range(0, self.hi.min(o.hi)),
            (true, false) => IntBound::range(0, self.hi),
            (false, true) => IntBound::range(0, o.hi),
            _ => IntBound::FULL,
        }
    }

    /// `self | other` and `self ^ other`.
    pub fn or_xor(self, o: IntBound) -> IntBound {
        if self.is_nonneg() && o.is_nonneg() {
            let bits = bit_len(self.hi.max(o.hi));
            let hi = if bits >= 63 {
                i64::MAX
            } else {
                (1i64 << bits) - 1
            };
            IntBound::range(0, hi)
        } else {
            IntBound::FULL
        }
    }

    /// `self << s` for a constant shift `s` (taken mod 64).
    pub fn shl(self, s: i64) -> IntBound {
        let s = (s & 63) as u32;
        fit((self.lo as i128) << s, (self.hi as i128) << s).unwrap_or(IntBound::FULL)
    }

    /// `self >> s` (arithmetic) for a constant shift.
    pub fn shr(self, s: i64) -> IntBound {
        let s = (s & 63) as u32;
        IntBound::range(self.lo >> s, self.hi >> s)
    }

    /// `self >> s` (logical) for a constant shift.
    pub fn ushr(self, s: i64) -> IntBound {
        let s = (s & 63) as u32;
        if s == 0 {
            self
        } else if self.is_nonneg() {
            IntBound::range(self.lo >> s, self.hi >> s)
        } else {
            IntBound::range(0, (u64::MAX >> s) as i64)
        }
    }

    /// Truncating `self / c` for a constant `c`.
    pub fn div(self, c: i64) -> IntBound {
        match c {
            0 => IntBound::exact(0),
            c if c > 0 => IntBound::range(self.lo / c, self.hi / c),
            -1 => self.neg(),
            c => IntBound::range(self.hi / c, self.lo / c),
        }
    }

    /// `self % c` (sign of the dividend) for a constant `c`.
    pub fn rem(self, c: i64) -> IntBound {
        if c == 0 {
            return IntBound::exact(0);
        }
        let m = c.unsigned_abs().saturating_sub(1).min(i64::MAX as u64) as i64;
        if self.is_nonneg() {
            IntBound::range(0, self.hi.min(m))
        } else if self.hi <= 0 {
            IntBound::range(self.lo.max(-m), 0)
        } else {
            IntBound::range(-m, m)
        }
    }

    /// Unsigned `self / c` for a constant `c > 0`.
    pub fn udiv(self, c: i64) -> IntBound {
        if c <= 0 {
            return IntBound::FULL;
        }
        if self.is_nonneg() {
            IntBound::range(self.lo / c, self.hi / c)
        } else if c == 1 {
            self
        } else {
            IntBound::range(0, (u64::MAX / c as u64) as i64)
        }
    }

    /// Unsigned `self % c` for a constant `c > 0`.
    pub fn urem(self, c: i64) -> IntBound {
        if c <= 0 {
            return IntBound::FULL;
        }
        if self.is_nonneg() {
            IntBound::range(0, self.hi.min(c - 1))
        } else {
            IntBound::range(0, c - 1)
        }
    }

    /// Whether `self & m == self` for every value: non-negative and no bit outside `m`'s low
    /// run of ones.
    pub fn fits_mask(self, m: i64) -> bool {
        if !self.is_nonneg() || m < 0 {
            return false;
        }
        let bits = bit_len(self.hi);
        let need = if bits >= 63 {
            i64::MAX
        } else {
            (1i64 << bits) - 1
        };
        m & need == need
    }

    /// Whether the value is the same in both signed and unsigned order relative to others on
    /// the same side: every value non-negative, or every value negative.
    fn one_side(self) -> Option<bool> {
        if self.lo >= 0 {
            Some(true)
        } else if self.hi < 0 {
            Some(false)
        } else {
            None
        }
    }

    /// `self < o` signed, if known.
    pub fn lt(self, o: IntBound) -> Option<bool> {
        if self.hi < o.lo {
            Some(true)
        } else if self.lo >= o.hi {
            Some(false)
        } else {
            None
        }
    }

    /// `self <= o` signed, if known.
    pub fn le(self, o: IntBound) -> Option<bool> {
        o.lt(self).map(|b| !b)
    }

    /// `self == o`, if known.
    pub fn eq(self, o: IntBound) -> Option<bool> {
        match (self.constant(), o.constant()) {
            (Some(a), Some(b)) => Some(a == b),
            _ if self.meet(o).is_none() => Some(false),
            _ => None,
        }
    }

    /// `self < o` unsigned, if known.
    pub fn ult(self, o: IntBound) -> Option<bool> {
        match (self.one_side()?, o.one_side()?) {
            (a, b) if a == b => self.lt(o),
            // Non-negative values are below negative ones in unsigned order.
            (a, _) => Some(a),
        }
    }

    /// `self <= o` unsigned, if known.
    pub fn ule(self, o: IntBound) -> Option<bool> {
        o.ult(self).map(|b| !b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_never_claims_a_range_it_may_leave() {
        let a = IntBound::range(i64::MAX - 1, i64::MAX);
        assert_eq!(a.add_exact(IntBound::exact(1)), None);
        assert_eq!(
            IntBound::range(0, 10).add_exact(IntBound::range(-5, 5)),
            Some(IntBound::range(-5, 15))
        );
        assert_eq!(IntBound::range(i64::MIN, 0).neg(), IntBound::FULL);
        assert_eq!(
            IntBound::range(-3, 7).mul_exact(IntBound::range(-2, 2)),
            Some(IntBound::range(-14, 14))
        );
        assert_eq!(IntBound::range(0, 255).shl(56), IntBound::FULL);
    }

    #[test]
    fn comparisons_and_masks() {
        let byte = IntBound::of_repr(IntRepr {
            size: 1,
            signed: false,
        });
        assert_eq!(byte, IntBound::range(0, 255));
        assert!(byte.fits_mask(255) && !byte.fits_mask(127) && byte.fits_mask(i64::MAX));
        assert_eq!(byte.lt(IntBound::exact(256)), Some(true));
        assert_eq!(byte.ult(IntBound::exact(-1)), Some(true));
        assert_eq!(IntBound::exact(-1).ult(byte), Some(false));
        assert_eq!(IntBound::range(-1, 1).ult(byte), None);
        assert_eq!(IntBound::range(-7, 20).rem(5), IntBound::range(-4, 4));
        assert_eq!(IntBound::range(-20, 20).div(-3), IntBound::range(-6, 6));
    }
}
