//! Numeric strings and the conversions between PHP's scalar types, as PHP 8 defines them.
//!
//! A string is *numeric* when, after optional leading whitespace, it holds an integer or a
//! decimal number (with optional sign, fraction and exponent) followed by nothing but optional
//! whitespace. It is *leading-numeric* when such a number is followed by other bytes
//! (`"123abc"`): arithmetic then uses the number with a warning. Anything else is non-numeric.
//! Integers that do not fit in 64 bits are read as floats.

/// A PHP number: the result of reading a numeric string or of arithmetic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// An `int`.
    Int(i64),
    /// A `float`.
    Float(f64),
}

impl Num {
    /// The number as a float.
    pub fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// What a string holds, read as a number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Numeric {
    /// The whole string is a number (whitespace around it allowed).
    Whole(Num),
    /// A number followed by other bytes (`"12abc"`, `"1e"`, `"0x1A"`).
    Leading(Num),
    /// No number at the start.
    Not,
}

impl Numeric {
    /// The number, whole or leading.
    pub fn num(self) -> Option<Num> {
        match self {
            Numeric::Whole(n) | Numeric::Leading(n) => Some(n),
            Numeric::Not => None,
        }
    }
}

/// The whitespace PHP skips around numeric strings: space, `\t`, `\n`, `\r`, `\v`, `\f`.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Reads `s` as PHP reads a string in a numeric context.
pub fn parse_numeric(s: &[u8]) -> Numeric {
    parse_numeric_overflow(s).0
}

/// [`parse_numeric`], and which way an integer overflowed into a float: 1 for a positive
/// integer too big for an int, -1 for a negative one, 0 otherwise (string comparison needs it).
pub fn parse_numeric_overflow(s: &[u8]) -> (Numeric, i8) {
    let mut i = 0;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    let start = i;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut is_float = false;
    if i < s.len() && s[i] == b'.' {
        let frac_start = i + 1;
        let mut j = frac_start;
        while j < s.len() && s[j].is_ascii_digit() {
            j += 1;
        }
        if int_digits > 0 || j > frac_start {
            is_float = true;
            i = j;
        }
    }
    if int_digits == 0 && !is_float {
        return (Numeric::Not, 0);
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        let mut j = i + 1;
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            j += 1;
        }
        if j < s.len() && s[j].is_ascii_digit() {
            while j < s.len() && s[j].is_ascii_digit() {
                j += 1;
            }
            is_float = true;
            i = j;
        }
    }
    let text = &s[start..i];
    let mut overflow = 0;
    let num = if is_float {
        Num::Float(parse_float(text))
    } else {
        match parse_int(text) {
            Some(v) => Num::Int(v),
            None => {
                overflow = if text[0] == b'-' { -1 } else { 1 };
                Num::Float(parse_float(text))
            }
        }
    };
    let mut end = i;
    while end < s.len() && is_space(s[end]) {
        end += 1;
    }
    if end == s.len() {
        (Numeric::Whole(num), overflow)
    } else {
        (Numeric::Leading(num), overflow)
    }
}

/// A decimal integer with optional sign, or `None` if it does not fit in 64 bits.
fn parse_int(text: &[u8]) -> Option<i64> {
    let (neg, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    // Accumulate negatively so that i64::MIN is reachable.
    let mut v: i64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
    }
    if neg { Some(v) } else { v.checked_neg() }
}

/// A float in the syntax [`parse_numeric`] accepted (correctly rounded, as `strtod`).
fn parse_float(text: &[u8]) -> f64 {
    // The syntax checked above is a subset of what Rust's parser accepts.
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// Whether a float converts to an int without leaving the int range.
pub fn float_fits_int(f: f64) -> bool {
    // i64::MAX as f64 is 2^63, which does not fit.
    f >= i64::MIN as f64 && f < i64::MAX as f64
}

/// A float converted to an int as `(int)` does: truncated, NaN and infinities give 0, and
/// values out of range wrap around modulo 2^64.
pub fn float_to_int(f: f64) -> i64 {
    if !f.is_finite() {
        return 0;
    }
    if float_fits_int(f) {
        return f as i64;
    }
    let two64 = 18446744073709551616.0_f64;
    let mut m = f % two64;
    if m < 0.0 {
        m += two64;
    }
    if m >= 9223372036854775808.0 {
        m -= two64;
    }
    m as i64
}

/// Whether [`float_to_int`] keeps the value of `f` (no fraction, in range, not NaN or
/// infinite): when it does not, PHP 8.1+ deprecates the implicit conversion ("Implicit
/// conversion from float ... to int loses precision").
pub fn float_keeps_value(f: f64) -> bool {
    float_to_int(f) as f64 == f
}

/// A float converted to an int with saturation (what a numeric string whose number is too big
/// converts to): NaN and infinities give 0.
pub fn float_to_int_saturating(f: f64) -> i64 {
    if !f.is_finite() {
        0
    } else if float_fits_int(f) {
        f as i64
    } else if f > 0.0 {
        i64::MAX
    } else {
        i64::MIN
    }
}

/// A string converted to an int as `(int)` and `intval()` do: the leading number, 0 if none.
pub fn str_to_int(s: &[u8]) -> i64 {
    match parse_numeric(s).num() {
        Some(Num::Int(i)) => i,
        Some(Num::Float(f)) => float_to_int_saturating(f),
        None => 0,
    }
}

/// A string converted to a float as `(float)` does: the leading number, 0.0 if none.
pub fn str_to_float(s: &[u8]) -> f64 {
    parse_numeric(s).num().map_or(0.0, Num::to_f64)
}

/// Whether a string is truthy: everything but `""` and `"0"`.
pub fn str_to_bool(s: &[u8]) -> bool {
    !(s.is_empty() || s == b"0")
}

/// The decimal digits of an int, as PHP prints it.
pub fn int_to_string(i: i64) -> String {
    i.to_string()
}

/// If `s` is the canonical decimal form of an int (`"0"`, `"-5"`, but not `"05"`, `"+5"`,
/// `"-0"` or `" 5"`), that int: how array keys and property names are normalized.
pub fn canonical_int(s: &[u8]) -> Option<i64> {
    let digits = s.strip_prefix(b"-").unwrap_or(s);
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits[0] == b'0' && (digits.len() > 1 || s.len() > 1) {
        return None;
    }
    parse_int(s)
}

#[cfg(test)]
mod tests {
    // Expected values are what `php -n` 8.2 prints for the same conversions.
    use super::*;

    #[test]
    fn numeric_strings() {
        assert_eq!(parse_numeric(b"123abc"), Numeric::Leading(Num::Int(123)));
        assert_eq!(parse_numeric(b"abc"), Numeric::Not);
        assert_eq!(parse_numeric(b" 12 "), Numeric::Whole(Num::Int(12)));
        assert_eq!(parse_numeric(b"\n1"), Numeric::Whole(Num::Int(1)));
        assert_eq!(parse_numeric(b"1e3"), Numeric::Whole(Num::Float(1000.0)));
        assert_eq!(parse_numeric(b"0x1A"), Numeric::Leading(Num::Int(0)));
        assert_eq!(parse_numeric(b".5"), Numeric::Whole(Num::Float(0.5)));
        assert_eq!(parse_numeric(b"5."), Numeric::Whole(Num::Float(5.0)));
        assert_eq!(parse_numeric(b"."), Numeric::Not);
        assert_eq!(parse_numeric(b"-"), Numeric::Not);
        assert_eq!(parse_numeric(b""), Numeric::Not);
        assert_eq!(parse_numeric(b" 1 2"), Numeric::Leading(Num::Int(1)));
        assert_eq!(parse_numeric(b"1e"), Numeric::Leading(Num::Int(1)));
        assert_eq!(parse_numeric(b"1e+"), Numeric::Leading(Num::Int(1)));
        assert_eq!(
            parse_numeric(b"-1.5e-3x"),
            Numeric::Leading(Num::Float(-0.0015))
        );
        assert_eq!(
            parse_numeric(b"9223372036854775807"),
            Numeric::Whole(Num::Int(i64::MAX))
        );
        assert_eq!(
            parse_numeric(b"-9223372036854775808"),
            Numeric::Whole(Num::Int(i64::MIN))
        );
        assert_eq!(
            parse_numeric(b"9223372036854775808"),
            Numeric::Whole(Num::Float(9.223372036854776e18))
        );
        assert_eq!(
            parse_numeric(b"1e1000"),
            Numeric::Whole(Num::Float(f64::INFINITY))
        );
    }

    #[test]
    fn casts_to_int() {
        assert_eq!(str_to_int(b"12abc"), 12);
        assert_eq!(str_to_int(b" 0x1A"), 0);
        assert_eq!(str_to_int(b"1e3"), 1000);
        assert_eq!(str_to_int(b"  -12 "), -12);
        assert_eq!(str_to_int(b"12 "), 12);
        assert_eq!(str_to_int(b"1e20"), i64::MAX);
        assert_eq!(str_to_int(b"9999999999999999999"), i64::MAX);
        assert_eq!(str_to_int(b"-9999999999999999999"), i64::MIN);
        assert_eq!(str_to_float(b"1e3abc"), 1000.0);
        assert_eq!(float_to_int(1e20), 7766279631452241920);
        assert_eq!(float_to_int(-1e20), -7766279631452241920);
        assert_eq!(float_to_int(1.9e19), 553255926290448384);
        assert_eq!(float_to_int(-9.3e18), 9146744073709551616);
        assert_eq!(float_to_int(9.3e18), -9146744073709551616);
        assert_eq!(float_to_int(-1.5e19), 3446744073709551616);
        assert_eq!(float_to_int(f64::NAN), 0);
        assert_eq!(float_to_int(f64::INFINITY), 0);
        assert_eq!(float_to_int(-3.9), -3);
        assert!(float_keeps_value(-0.0) && float_keeps_value(3.0));
        assert!(!float_keeps_value(1.5) && !float_keeps_value(1e20));
        assert!(!float_keeps_value(f64::INFINITY) && !float_keeps_value(f64::NAN));
    }

    #[test]
    fn canonical_int_keys() {
        assert_eq!(canonical_int(b"0"), Some(0));
        assert_eq!(canonical_int(b"-5"), Some(-5));
        assert_eq!(canonical_int(b"123"), Some(123));
        assert_eq!(canonical_int(b"05"), None);
        assert_eq!(canonical_int(b"-0"), None);
        assert_eq!(canonical_int(b"+5"), None);
        assert_eq!(canonical_int(b" 5"), None);
        assert_eq!(canonical_int(b"5 "), None);
        assert_eq!(canonical_int(b""), None);
        assert_eq!(canonical_int(b"-"), None);
        assert_eq!(canonical_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(canonical_int(b"9223372036854775808"), None);
        assert_eq!(canonical_int(b"-9223372036854775808"), Some(i64::MIN));
    }
}
