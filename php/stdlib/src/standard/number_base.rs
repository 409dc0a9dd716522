//! Integers written in other bases: `bindec`, `octdec`, `hexdec`, `decbin`, `decoct` and
//! `base_convert` (`dechex` is in [`math`](super::math)).

use crate::args;
use php_runtime::number::Num;
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("bindec", bindec),
    ("octdec", octdec),
    ("hexdec", hexdec),
    ("decbin", decbin),
    ("decoct", decoct),
    ("base_convert", base_convert),
];

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// The number written in `base` in `s`: surrounding whitespace and a `0x`/`0o`/`0b` prefix
/// (for bases 16, 8, 2) are allowed, other invalid characters are ignored with a deprecation;
/// a float when it does not fit an int.
fn parse_base(h: &mut dyn Host, s: &[u8], base: u32) -> Result<Num, PhpError> {
    let mut s = s;
    while let [c, rest @ ..] = s {
        if !is_c_space(*c) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., c] = s {
        if !is_c_space(*c) {
            break;
        }
        s = rest;
    }
    if let [b'0', p, rest @ ..] = s {
        let prefix = match base {
            16 => b'x',
            8 => b'o',
            2 => b'b',
            _ => 0,
        };
        if p.to_ascii_lowercase() == prefix {
            s = rest;
        }
    }
    let mut invalid = false;
    let mut value = Num::Int(0);
    for &c in s {
        let d = match (c as char).to_digit(36) {
            Some(d) if d < base => d,
            _ => {
                invalid = true;
                continue;
            }
        };
        value = match value {
            Num::Int(n) => match n
                .checked_mul(i64::from(base))
                .and_then(|n| n.checked_add(i64::from(d)))
            {
                Some(n) => Num::Int(n),
                None => Num::Float(n as f64 * f64::from(base) + f64::from(d)),
            },
            Num::Float(f) => Num::Float(f * f64::from(base) + f64::from(d)),
        };
    }
    if invalid {
        h.deprecated(
            "Invalid characters passed for attempted conversion, these have been ignored",
        )?;
    }
    Ok(value)
}

fn to_base(h: &mut dyn Host, name: &str, a: &[Zval], base: u32) -> Result<Zval, PhpError> {
    let param = match base {
        2 => "binary_string",
        8 => "octal_string",
        _ => "hex_string",
    };
    args::arity(h, name, a, 1, 1)?;
    let s = args::string(h, name, 1, param, &a[0])?;
    Ok(Zval::from(parse_base(h, s.as_bytes(), base)?))
}

fn bindec(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    to_base(h, "bindec", a, 2)
}

fn octdec(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    to_base(h, "octdec", a, 8)
}

fn hexdec(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    to_base(h, "hexdec", a, 16)
}

/// The digits of `n` (as unsigned) in `base`.
fn int_digits(n: i64, base: u32) -> Vec<u8> {
    let mut n = n as u64;
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % u64::from(base)) as usize]);
        n /= u64::from(base);
        if n == 0 {
            break;
        }
    }
    out.reverse();
    out
}

fn from_int(h: &mut dyn Host, name: &str, a: &[Zval], base: u32) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 1)?;
    let n = args::int(h, name, 1, "num", &a[0])?;
    Ok(Zval::string(PhpString::new(&int_digits(n, base))))
}

fn decbin(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    from_int(h, "decbin", a, 2)
}

fn decoct(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    from_int(h, "decoct", a, 8)
}

fn base_convert(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "base_convert", a, 3, 3)?;
    let s = args::string(h, "base_convert", 1, "num", &a[0])?;
    let from = args::int(h, "base_convert", 2, "from_base", &a[1])?;
    let to = args::int(h, "base_convert", 3, "to_base", &a[2])?;
    for (n, param, base) in [(2, "from_base", from), (3, "to_base", to)] {
        if !(2..=36).contains(&base) {
            let msg = format!(
                "base_convert(): Argument #{n} (${param}) must be between 2 and 36 (inclusive)"
            );
            return Err(h.throw("ValueError", msg));
        }
    }
    let (from, to) = (from as u32, to as u32);
    let digits = match parse_base(h, s.as_bytes(), from)? {
        Num::Int(n) => int_digits(n, to),
        Num::Float(f) if f.is_infinite() => {
            h.warn("base_convert(): Number too large")?;
            Vec::new()
        }
        Num::Float(mut f) => {
            let mut out = Vec::new();
            loop {
                out.push(DIGITS[(f % f64::from(to)) as usize]);
                f /= f64::from(to);
                // PHP's buffer holds 64 digits.
                if f.abs() < 1.0 || out.len() == 64 {
                    break;
                }
            }
            out.reverse();
            out
        }
    };
    Ok(Zval::string(PhpString::new(&digits)))
}
