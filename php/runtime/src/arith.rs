//! PHP 8's arithmetic on numbers: ints that overflow become floats, and division, modulo and
//! shifts raise PHP's errors.

use crate::number::Num;

/// An arithmetic error PHP throws (the VM makes it a `DivisionByZeroError` or an
/// `ArithmeticError` with [`message`](ArithError::message)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithError {
    /// `/` or `fdiv`-free division by zero: `DivisionByZeroError`.
    DivisionByZero,
    /// `%` by zero: `DivisionByZeroError`.
    ModuloByZero,
    /// `<<`/`>>` by a negative count: `ArithmeticError`.
    NegativeShift,
}

impl ArithError {
    /// PHP's message.
    pub fn message(self) -> &'static str {
        match self {
            ArithError::DivisionByZero => "Division by zero",
            ArithError::ModuloByZero => "Modulo by zero",
            ArithError::NegativeShift => "Bit shift by negative number",
        }
    }
}

/// `a + b`.
pub fn add(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_add(y)
            .map_or_else(|| Num::Float(x as f64 + y as f64), Num::Int),
        _ => Num::Float(a.to_f64() + b.to_f64()),
    }
}

/// `a - b`.
pub fn sub(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_sub(y)
            .map_or_else(|| Num::Float(x as f64 - y as f64), Num::Int),
        _ => Num::Float(a.to_f64() - b.to_f64()),
    }
}

/// `a * b`.
pub fn mul(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_mul(y)
            .map_or_else(|| Num::Float(x as f64 * y as f64), Num::Int),
        _ => Num::Float(a.to_f64() * b.to_f64()),
    }
}

/// `a / b`: an int when both are ints and the division is exact.
pub fn div(a: Num, b: Num) -> Result<Num, ArithError> {
    match (a, b) {
        (_, Num::Int(0)) => Err(ArithError::DivisionByZero),
        (_, Num::Float(0.0)) => Err(ArithError::DivisionByZero),
        (Num::Int(x), Num::Int(y)) => Ok(match x.checked_rem(y) {
            Some(0) => Num::Int(x / y),
            _ => Num::Float(x as f64 / y as f64),
        }),
        _ => Ok(Num::Float(a.to_f64() / b.to_f64())),
    }
}

/// `a % b` on ints (the operands are converted to ints first): the sign of `a`.
pub fn modulo(a: i64, b: i64) -> Result<i64, ArithError> {
    match b {
        0 => Err(ArithError::ModuloByZero),
        -1 => Ok(0),
        _ => Ok(a % b),
    }
}

/// `-a`.
pub fn neg(a: Num) -> Num {
    match a {
        Num::Int(x) => x.checked_neg().map_or(Num::Float(-(x as f64)), Num::Int),
        Num::Float(f) => Num::Float(-f),
    }
}

/// `a ** b`. An int to a non-negative int power is computed by repeated squaring in ints;
/// when a product overflows, the rest is computed in floats from that point, as PHP does (so
/// the float result matches PHP's to the last bit).
pub fn pow(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Int(base), Num::Int(exp)) if exp >= 0 => int_pow(base, exp),
        _ => Num::Float(a.to_f64().powf(b.to_f64())),
    }
}

fn int_pow(base: i64, exp: i64) -> Num {
    if exp == 0 {
        return Num::Int(1);
    }
    if base == 0 {
        return Num::Int(0);
    }
    let (mut acc, mut sq, mut i) = (1i64, base, exp);
    while i >= 1 {
        if i % 2 == 1 {
            i -= 1;
            match acc.checked_mul(sq) {
                Some(v) => acc = v,
                None => return Num::Float(acc as f64 * sq as f64 * (sq as f64).powf(i as f64)),
            }
        } else {
            i /= 2;
            match sq.checked_mul(sq) {
                Some(v) => sq = v,
                None => return Num::Float(acc as f64 * (sq as f64 * sq as f64).powf(i as f64)),
            }
        }
    }
    Num::Int(acc)
}

/// `a << b`.
pub fn shl(a: i64, b: i64) -> Result<i64, ArithError> {
    match b {
        ..0 => Err(ArithError::NegativeShift),
        64.. => Ok(0),
        _ => Ok(a.wrapping_shl(b as u32)),
    }
}

/// `a >> b` (arithmetic).
pub fn shr(a: i64, b: i64) -> Result<i64, ArithError> {
    match b {
        ..0 => Err(ArithError::NegativeShift),
        64.. => Ok(if a < 0 { -1 } else { 0 }),
        _ => Ok(a >> b),
    }
}

#[cfg(test)]
mod tests {
    // Expected values are what `php -n` 8.2 prints.
    use super::*;
    use Num::{Float, Int};

    #[test]
    fn overflow_to_float() {
        assert_eq!(add(Int(i64::MAX), Int(1)), Float(9.223372036854776e18));
        assert_eq!(sub(Int(i64::MIN), Int(1)), Float(-9.223372036854776e18));
        assert_eq!(mul(Int(i64::MAX), Int(2)), Float(1.8446744073709552e19));
        assert_eq!(neg(Int(i64::MIN)), Float(9.223372036854776e18));
        assert_eq!(add(Int(1), Float(0.5)), Float(1.5));
    }

    #[test]
    fn division_and_modulo() {
        assert_eq!(div(Int(7), Int(2)), Ok(Float(3.5)));
        assert_eq!(div(Int(6), Int(2)), Ok(Int(3)));
        assert_eq!(div(Int(i64::MIN), Int(-1)), Ok(Float(9.223372036854776e18)));
        assert_eq!(div(Int(1), Int(0)), Err(ArithError::DivisionByZero));
        assert_eq!(
            div(Float(1.0), Float(-0.0)),
            Err(ArithError::DivisionByZero)
        );
        assert_eq!(modulo(7, -3), Ok(1));
        assert_eq!(modulo(-7, 3), Ok(-1));
        assert_eq!(modulo(i64::MIN, -1), Ok(0));
        assert_eq!(modulo(1, 0), Err(ArithError::ModuloByZero));
    }

    #[test]
    fn powers() {
        assert_eq!(pow(Int(2), Int(62)), Int(1 << 62));
        assert_eq!(pow(Int(2), Int(63)), Float(9.223372036854776e18));
        assert_eq!(pow(Int(-2), Int(63)), Int(i64::MIN));
        assert_eq!(pow(Int(3), Int(40)), Float(1.2157665459056929e19));
        assert_eq!(pow(Int(0), Int(0)), Int(1));
        assert_eq!(pow(Int(2), Int(-1)), Float(0.5));
        assert_eq!(pow(Int(2), Float(0.5)), Float(std::f64::consts::SQRT_2));
        assert!(matches!(pow(Int(-8), Float(1.0 / 3.0)), Float(f) if f.is_nan()));
    }

    #[test]
    fn shifts() {
        assert_eq!(shl(1, 63), Ok(i64::MIN));
        assert_eq!(shl(1, 64), Ok(0));
        assert_eq!(shr(-8, 1), Ok(-4));
        assert_eq!(shr(-8, 100), Ok(-1));
        assert_eq!(shl(1, -1), Err(ArithError::NegativeShift));
    }
}
