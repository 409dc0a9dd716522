//! Value kinds and the bridge between Rust values and IR values.
//!
//! The IR knows exactly three kinds of values (design §3.1): `int` (an `i64`, also used for
//! non-GC pointers and booleans), `ref` (a pointer to a heap object the JIT may look into) and
//! `float` (an `f64`). Every Rust type that may be red in traced code implements [`JitValue`],
//! which says which kind it travels as and how to turn it into the 64 raw bits that compiled
//! code, resume data and the blackhole pass around.

use std::fmt;

/// The kind of an IR value. `Void` is the "kind" of operations without a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A 64-bit integer (also booleans and non-GC pointers).
    Int,
    /// A reference to a heap object.
    Ref,
    /// A 64-bit float.
    Float,
    /// No value (operations with side effects only).
    Void,
}

impl Kind {
    /// The one-letter prefix the text format uses for values of this kind.
    pub fn prefix(self) -> char {
        match self {
            Kind::Int => 'i',
            Kind::Ref => 'p',
            Kind::Float => 'f',
            Kind::Void => 'v',
        }
    }

    /// Parses a text-format prefix back into a kind.
    pub fn from_prefix(c: char) -> Option<Kind> {
        match c {
            'i' => Some(Kind::Int),
            'p' => Some(Kind::Ref),
            'f' => Some(Kind::Float),
            'v' => Some(Kind::Void),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Int => "int",
            Kind::Ref => "ref",
            Kind::Float => "float",
            Kind::Void => "void",
        })
    }
}

/// The signedness and width of an integer in memory, for field and array descriptors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IntRepr {
    /// Size in bytes: 1, 2, 4 or 8.
    pub size: u8,
    /// Whether loads sign-extend (true) or zero-extend (false).
    pub signed: bool,
}

/// A Rust type that can be a value in traced code: it travels as one IR value of kind
/// [`JitValue::KIND`], as 64 raw bits.
///
/// # Safety
/// `from_bits(v.to_bits())` must give back `v`, and for `Kind::Int` types the bits must be the
/// value sign- or zero-extended to 64 bits as [`JitValue::REPR`] says, because compiled code
/// computes on those bits directly (a `u8` that is 255 must travel as 255, not -1).
pub unsafe trait JitValue: Copy {
    /// The IR kind this type travels as.
    const KIND: Kind;
    /// Width and signedness (for integers; ignored for other kinds).
    const REPR: IntRepr = IntRepr {
        size: 8,
        signed: true,
    };
    /// The value as 64 raw bits.
    fn to_bits(self) -> i64;
    /// Rebuilds a value from bits produced by `to_bits` (or computed by compiled code that
    /// respects this type's representation).
    fn from_bits(bits: i64) -> Self;
}

macro_rules! int_jit_value {
    ($($t:ty => $size:expr, $signed:expr;)*) => {$(
        // SAFETY: `as i64` sign- or zero-extends according to the type's signedness, which is
        // what REPR declares, and truncating back with `as` inverts it.
        unsafe impl JitValue for $t {
            const KIND: Kind = Kind::Int;
            const REPR: IntRepr = IntRepr { size: $size, signed: $signed };
            #[inline(always)]
            fn to_bits(self) -> i64 { self as i64 }
            #[inline(always)]
            fn from_bits(bits: i64) -> Self { bits as $t }
        }
    )*};
}

int_jit_value! {
    i8 => 1, true; i16 => 2, true; i32 => 4, true; i64 => 8, true; isize => 8, true;
    u8 => 1, false; u16 => 2, false; u32 => 4, false; u64 => 8, false; usize => 8, false;
}

// SAFETY: booleans travel as 0 or 1, the zero-extension of a one-byte value.
unsafe impl JitValue for bool {
    const KIND: Kind = Kind::Int;
    const REPR: IntRepr = IntRepr {
        size: 1,
        signed: false,
    };
    #[inline(always)]
    fn to_bits(self) -> i64 {
        self as i64
    }
    #[inline(always)]
    fn from_bits(bits: i64) -> Self {
        bits != 0
    }
}

// SAFETY: floats travel as their IEEE bit pattern, which `from_bits` inverts exactly.
unsafe impl JitValue for f64 {
    const KIND: Kind = Kind::Float;
    #[inline(always)]
    fn to_bits(self) -> i64 {
        f64::to_bits(self) as i64
    }
    #[inline(always)]
    fn from_bits(bits: i64) -> Self {
        f64::from_bits(bits as u64)
    }
}

// SAFETY: `()` carries no information; any bits rebuild it.
unsafe impl JitValue for () {
    const KIND: Kind = Kind::Int;
    #[inline(always)]
    fn to_bits(self) -> i64 {
        0
    }
    #[inline(always)]
    fn from_bits(_: i64) -> Self {}
}

// SAFETY: a shared reference travels as its address. Rebuilding one from bits is only done
// for bits that came from a live reference of the same type (a green value recorded as a
// constant, or a red one passed through compiled code); the interpreter's contract is that
// green data outlives the JIT state that recorded it (see the book's annotation reference).
unsafe impl<T> JitValue for &T {
    const KIND: Kind = Kind::Int;
    #[inline(always)]
    fn to_bits(self) -> i64 {
        self as *const T as i64
    }
    #[inline(always)]
    fn from_bits(bits: i64) -> Self {
        // SAFETY: see the impl's comment: the bits are the address of a live `T`.
        unsafe { &*(bits as *const T) }
    }
}

// SAFETY: raw pointers are plain addresses.
unsafe impl<T> JitValue for *const T {
    const KIND: Kind = Kind::Int;
    #[inline(always)]
    fn to_bits(self) -> i64 {
        self as i64
    }
    #[inline(always)]
    fn from_bits(bits: i64) -> Self {
        bits as *const T
    }
}

// SAFETY: raw pointers are plain addresses.
unsafe impl<T> JitValue for *mut T {
    const KIND: Kind = Kind::Int;
    #[inline(always)]
    fn to_bits(self) -> i64 {
        self as i64
    }
    #[inline(always)]
    fn from_bits(bits: i64) -> Self {
        bits as *mut T
    }
}

/// Extends the low `repr.size` bytes of `bits` to 64 bits the way a load of that integer type
/// would: the canonical form of an int value of that representation.
#[inline]
pub fn normalize_int(bits: i64, repr: IntRepr) -> i64 {
    match (repr.size, repr.signed) {
        (1, true) => bits as i8 as i64,
        (1, false) => bits as u8 as i64,
        (2, true) => bits as i16 as i64,
        (2, false) => bits as u16 as i64,
        (4, true) => bits as i32 as i64,
        (4, false) => bits as u32 as i64,
        _ => bits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_round_trip_with_their_extension() {
        assert_eq!(255u8.to_bits(), 255);
        assert_eq!((-1i8).to_bits(), -1);
        assert_eq!(u8::from_bits(255), 255);
        assert_eq!(u64::MAX.to_bits(), -1);
        assert_eq!(
            normalize_int(
                0x1ff,
                IntRepr {
                    size: 1,
                    signed: false
                }
            ),
            0xff
        );
        assert_eq!(
            normalize_int(
                0xff,
                IntRepr {
                    size: 1,
                    signed: true
                }
            ),
            -1
        );
    }

    #[test]
    fn floats_travel_as_bits() {
        let x = -0.0f64;
        assert_eq!(
            <f64 as JitValue>::from_bits(JitValue::to_bits(x)).to_bits(),
            x.to_bits()
        );
    }
}
