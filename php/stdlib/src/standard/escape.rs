//! Backslash escapes: `addslashes`, `stripslashes`, `addcslashes`, `stripcslashes`,
//! `quotemeta`, and the character lists with `a..z` ranges that `addcslashes`, `trim` and
//! `str_word_count` read.

use crate::args;
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("addslashes", addslashes),
    ("stripslashes", stripslashes),
    ("addcslashes", addcslashes),
    ("stripcslashes", stripcslashes),
    ("quotemeta", quotemeta),
];

fn text(s: Vec<u8>) -> Zval {
    Zval::string(PhpString::new(&s))
}

/// The byte set of a character list, where `x..y` is the range from `x` to `y`; a malformed
/// range warns as `name()` and its dots count as themselves (but the first).
pub fn char_mask(h: &mut dyn Host, name: &str, list: &[u8]) -> Result<[bool; 256], PhpError> {
    let mut set = [false; 256];
    let mut i = 0;
    while i < list.len() {
        let c = list[i];
        if i + 3 < list.len() && list[i + 1] == b'.' && list[i + 2] == b'.' && list[i + 3] >= c {
            for x in c..=list[i + 3] {
                set[x as usize] = true;
            }
            i += 4;
            continue;
        }
        if i + 1 < list.len() && c == b'.' && list[i + 1] == b'.' {
            let why = if i == 0 {
                ", no character to the left of '..'"
            } else if i + 2 >= list.len() {
                ", no character to the right of '..'"
            } else if list[i - 1] > list[i + 2] {
                ", '..'-range needs to be incrementing"
            } else {
                ""
            };
            h.warn(&format!("{name}(): Invalid '..'-range{why}"))?;
        } else {
            set[c as usize] = true;
        }
        i += 1;
    }
    Ok(set)
}

fn one_string(h: &mut dyn Host, name: &str, a: &[Zval]) -> Result<PhpString, PhpError> {
    args::arity(h, name, a, 1, 1)?;
    args::string(h, name, 1, "string", &a[0])
}

fn addslashes(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "addslashes", a)?;
    let mut out = Vec::with_capacity(s.len());
    for &c in s.as_bytes() {
        match c {
            b'\'' | b'"' | b'\\' => out.extend_from_slice(&[b'\\', c]),
            0 => out.extend_from_slice(b"\\0"),
            _ => out.push(c),
        }
    }
    Ok(text(out))
}

fn stripslashes(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "stripslashes", a)?;
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            match b.get(i + 1) {
                Some(b'0') => out.push(0),
                Some(&c) => out.push(c),
                None => {}
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(text(out))
}

fn addcslashes(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "addcslashes", a, 2, 2)?;
    let s = args::string(h, "addcslashes", 1, "string", &a[0])?;
    let list = args::string(h, "addcslashes", 2, "characters", &a[1])?;
    if s.is_empty() {
        return Ok(text(Vec::new()));
    }
    let set = char_mask(h, "addcslashes", list.as_bytes())?;
    let mut out = Vec::with_capacity(s.len());
    for &c in s.as_bytes() {
        if !set[c as usize] {
            out.push(c);
            continue;
        }
        out.push(b'\\');
        match c {
            b'\n' => out.push(b'n'),
            b'\t' => out.push(b't'),
            b'\r' => out.push(b'r'),
            0x07 => out.push(b'a'),
            0x0b => out.push(b'v'),
            0x08 => out.push(b'b'),
            0x0c => out.push(b'f'),
            c if !(32..=126).contains(&c) => out.extend_from_slice(format!("{c:03o}").as_bytes()),
            c => out.push(c),
        }
    }
    Ok(text(out))
}

/// The value of up to `max` digits of `radix` at the start of `b`, and how many there were.
fn digits(b: &[u8], radix: u32, max: usize) -> (u32, usize) {
    let mut value = 0;
    let mut n = 0;
    while n < max && n < b.len() {
        match (b[n] as char).to_digit(radix) {
            Some(d) => value = value * radix + d,
            None => break,
        }
        n += 1;
    }
    (value, n)
}

fn stripcslashes(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "stripcslashes", a)?;
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' || i + 1 == b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        i += 1;
        let simple = match b[i] {
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b'a' => Some(0x07),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'\\' => Some(b'\\'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 1;
            continue;
        }
        if b[i] == b'x' {
            let (v, n) = digits(&b[i + 1..], 16, 2);
            if n > 0 {
                out.push(v as u8);
                i += 1 + n;
                continue;
            }
        }
        let (v, n) = digits(&b[i..], 8, 3);
        if n > 0 {
            out.push(v as u8);
            i += n;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(text(out))
}

fn quotemeta(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let s = one_string(h, "quotemeta", a)?;
    let mut out = Vec::with_capacity(s.len());
    for &c in s.as_bytes() {
        if b".\\+*?[^]$()".contains(&c) {
            out.push(b'\\');
        }
        out.push(c);
    }
    Ok(text(out))
}
