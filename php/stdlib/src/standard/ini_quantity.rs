//! `ini_parse_quantity`: the byte quantities of ini settings ("128M", "0x10k"), read as Zend
//! reads them, with its warnings for the forms it accepts only for backwards compatibility.
//!
//! A quantity is a number (decimal, `0x` hex, `0o` or leading-`0` octal, `0b` binary,
//! optionally signed), then optional whitespace, then optionally one multiplier (`k`, `m`,
//! `g`, either case): the multiplier is the last character, whatever comes between.

use crate::args;
use php_runtime::{Builtin, Host, PhpError, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[("ini_parse_quantity", ini_parse_quantity)];

fn ini_parse_quantity(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ini_parse_quantity", a, 1, 1)?;
    let s = args::string(h, "ini_parse_quantity", 1, "shorthand", &a[0])?;
    let (value, warning) = parse_quantity(s.as_bytes());
    if let Some(w) = warning {
        h.warn(&w)?;
    }
    Ok(Zval::int(value))
}

/// The value of a quantity and the warning Zend gives about its form, if any.
pub fn parse_quantity(text: &[u8]) -> (i64, Option<String>) {
    let shown = String::from_utf8_lossy(text).into_owned();
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c');
    let start = text.iter().position(|b| !ws(b)).unwrap_or(text.len());
    let mut end = text.len();
    while end > start && ws(&text[end - 1]) {
        end -= 1;
    }
    let s = &text[start..end];
    if s.is_empty() {
        return (0, None);
    }
    let mut i = 0;
    let negative = match s[0] {
        b'-' => {
            i += 1;
            true
        }
        b'+' => {
            i += 1;
            false
        }
        _ => false,
    };
    let (base, prefixed) = match (s.get(i), s.get(i + 1).map(u8::to_ascii_lowercase)) {
        (Some(b'0'), Some(b'x')) => (16, true),
        (Some(b'0'), Some(b'o')) => (8, true),
        (Some(b'0'), Some(b'b')) => (2, true),
        (Some(b'0'), Some(b'0'..=b'9')) => (8, false),
        _ => (10, false),
    };
    if prefixed {
        i += 2;
    }
    let digits_start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|&b| (b as char).to_digit(base)) {
        match value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == digits_start {
        let why = if prefixed {
            "no digits after base prefix"
        } else {
            "no valid leading digits"
        };
        return (
            0,
            Some(format!(
                "Invalid quantity \"{shown}\": {why}, interpreting as \"0\" for backwards compatibility"
            )),
        );
    }
    if overflow {
        value = u64::MAX;
    }
    let mut number = value as i64;
    if negative {
        number = number.wrapping_neg();
    }
    let overflow_warning = |v: i64| {
        (
            v,
            Some(format!(
                "Invalid quantity \"{shown}\": value is out of range, using overflow result for backwards compatibility"
            )),
        )
    };
    let number_end = i;
    while i < s.len() && ws(&s[i]) {
        i += 1;
    }
    if number_end == s.len() {
        return if overflow {
            overflow_warning(number)
        } else {
            (number, None)
        };
    }
    let last = s[s.len() - 1];
    let shift = match last.to_ascii_lowercase() {
        b'k' => 10,
        b'm' => 20,
        b'g' => 30,
        _ => {
            let digits = String::from_utf8_lossy(&s[..number_end]);
            return (
                number,
                Some(format!(
                    "Invalid quantity \"{shown}\": unknown multiplier \"{}\", interpreting as \"{digits}\" for backwards compatibility",
                    last as char
                )),
            );
        }
    };
    let result = number.wrapping_shl(shift);
    if i < s.len() - 1 {
        let digits = String::from_utf8_lossy(&s[..i]);
        return (
            result,
            Some(format!(
                "Invalid quantity \"{shown}\", interpreting as \"{digits}{}\" for backwards compatibility",
                last as char
            )),
        );
    }
    if overflow || (result >> shift) != number {
        return overflow_warning(result);
    }
    (result, None)
}
