//! Binary-to-text encodings: hexadecimal (`hex2bin`), URL encoding (`urlencode`,
//! `rawurlencode` and their inverses) and base64.

use crate::args;
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("hex2bin", hex2bin),
    ("urlencode", urlencode),
    ("rawurlencode", rawurlencode),
    ("urldecode", urldecode),
    ("rawurldecode", rawurldecode),
    ("base64_encode", base64_encode),
    ("base64_decode", base64_decode),
];

fn text(s: &[u8]) -> Zval {
    Zval::string(PhpString::new(s))
}

fn one_string(h: &mut dyn Host, name: &str, a: &[Zval]) -> Result<PhpString, PhpError> {
    args::arity(h, name, a, 1, 1)?;
    args::string(h, name, 1, "string", &a[0])
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn hex2bin(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "hex2bin", a)?;
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        h.warn("hex2bin(): Hexadecimal input string must have an even length")?;
        return Ok(Zval::bool(false));
    }
    let mut out = Vec::with_capacity(b.len() / 2);
    for pair in b.chunks(2) {
        match (hex_value(pair[0]), hex_value(pair[1])) {
            (Some(x), Some(y)) => out.push(x << 4 | y),
            _ => {
                h.warn("hex2bin(): Input string must be hexadecimal string")?;
                return Ok(Zval::bool(false));
            }
        }
    }
    Ok(text(&out))
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Percent-encodes every byte but letters, digits and `-_.` (and `~` if `raw`); a space is `+`
/// unless `raw`.
fn url_encode(s: &[u8], raw: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for &c in s {
        if c.is_ascii_alphanumeric() || b"-_.".contains(&c) || (raw && c == b'~') {
            out.push(c);
        } else if c == b' ' && !raw {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[
                b'%',
                HEX_UPPER[(c >> 4) as usize],
                HEX_UPPER[(c & 15) as usize],
            ]);
        }
    }
    out
}

/// Decodes `%XX` escapes (and `+` as a space unless `raw`); malformed escapes stay as they are.
fn url_decode(s: &[u8], raw: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == b'+' && !raw {
            out.push(b' ');
        } else if c == b'%' {
            let pair = (
                s.get(i + 1).copied().and_then(hex_value),
                s.get(i + 2).copied().and_then(hex_value),
            );
            if let (Some(x), Some(y)) = pair {
                out.push(x << 4 | y);
                i += 3;
                continue;
            }
            out.push(c);
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

fn urlencode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "urlencode", a)?;
    Ok(text(&url_encode(s.as_bytes(), false)))
}

fn rawurlencode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "rawurlencode", a)?;
    Ok(text(&url_encode(s.as_bytes(), true)))
}

fn urldecode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "urldecode", a)?;
    Ok(text(&url_decode(s.as_bytes(), false)))
}

fn rawurldecode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "rawurldecode", a)?;
    Ok(text(&url_decode(s.as_bytes(), true)))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "base64_encode", a)?;
    let mut out = Vec::with_capacity(s.len().div_ceil(3) * 4);
    for chunk in s.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * k) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    Ok(text(&out))
}

fn base64_decode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "base64_decode", a, 1, 2)?;
    let s = args::string(h, "base64_decode", 1, "string", &a[0])?;
    let strict = a.len() == 2 && args::boolean(h, "base64_decode", 2, "strict", &a[1])?;
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut n, mut padding) = (0u32, 0usize, 0usize);
    for &c in s.as_bytes() {
        if c == b'=' {
            padding += 1;
            continue;
        }
        let Some(v) = BASE64.iter().position(|&x| x == c) else {
            if strict && !matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                return Ok(Zval::bool(false));
            }
            continue;
        };
        if strict && padding > 0 {
            return Ok(Zval::bool(false));
        }
        acc = acc << 6 | v as u32;
        n += 1;
        if n % 4 == 0 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
        }
    }
    match n % 4 {
        1 if strict => return Ok(Zval::bool(false)),
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    if strict && padding > 0 && (padding > 2 || (n + padding) % 4 != 0) {
        return Ok(Zval::bool(false));
    }
    Ok(text(&out))
}
