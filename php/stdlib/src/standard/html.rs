//! HTML escaping: `htmlspecialchars`, `htmlentities` and their inverses, with PHP's `ENT_*`
//! flags (quotes, invalid code units, document types) for UTF-8 and single-byte charsets.

use super::html_entities;
use crate::args;
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("htmlspecialchars", htmlspecialchars),
    ("htmlentities", htmlentities),
    ("htmlspecialchars_decode", htmlspecialchars_decode),
    ("html_entity_decode", html_entity_decode),
];

const QUOTE_SINGLE: i64 = 1;
const QUOTE_DOUBLE: i64 = 2;
const IGNORE: i64 = 4;
const SUBSTITUTE: i64 = 8;
const DISALLOWED: i64 = 128;
/// `ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML401`.
const DEFAULT_FLAGS: i64 = 11;

/// The document type of the flags.
#[derive(Clone, Copy, PartialEq)]
enum Doc {
    Html401,
    Xml1,
    Xhtml,
    Html5,
}

fn doctype(flags: i64) -> Doc {
    match flags & 48 {
        0 => Doc::Html401,
        16 => Doc::Xml1,
        32 => Doc::Xhtml,
        _ => Doc::Html5,
    }
}

/// Whether the code point may appear in a document of type `doc`.
fn allowed(c: u32, doc: Doc) -> bool {
    match doc {
        Doc::Html401 => {
            (0x20..=0x7e).contains(&c)
                || matches!(c, 0x09 | 0x0a | 0x0d)
                || (0xa0..=0xd7ff).contains(&c)
                || (0xe000..=0x10ffff).contains(&c)
        }
        Doc::Html5 => {
            (0x20..=0x7e).contains(&c)
                || matches!(c, 0x09 | 0x0a | 0x0c | 0x0d)
                || (0xa0..=0xd7ff).contains(&c)
                || ((0xe000..=0x10ffff).contains(&c) && !noncharacter(c))
        }
        Doc::Xml1 | Doc::Xhtml => {
            (0x20..=0xd7ff).contains(&c)
                || matches!(c, 0x09 | 0x0a | 0x0d)
                || ((0xe000..=0x10ffff).contains(&c) && c != 0xfffe && c != 0xffff)
        }
    }
}

fn noncharacter(c: u32) -> bool {
    (c & 0xffff) >= 0xfffe || (0xfdd0..=0xfdef).contains(&c)
}

/// Whether a numeric character reference to `c` is valid in a document of type `doc`.
fn numeric_allowed(c: u32, doc: Doc) -> bool {
    match doc {
        Doc::Html401 => c <= 0x10ffff,
        Doc::Html5 => {
            (0x20..=0x7e).contains(&c)
                || matches!(c, 0x09 | 0x0a | 0x0c)
                || ((0xa0..=0x10ffff).contains(&c) && !noncharacter(c))
        }
        Doc::Xml1 | Doc::Xhtml => allowed(c, doc),
    }
}

/// The charset argument: UTF-8 (`true`) or a single-byte charset (`false`).
fn charset(h: &mut dyn Host, name: &str, a: &[Zval]) -> Result<bool, PhpError> {
    let Some(v) = a.get(2).filter(|v| !v.deref().is_null()) else {
        return Ok(true);
    };
    let cs = args::string(h, name, 3, "encoding", v)?;
    let lower = cs.as_bytes().to_ascii_lowercase();
    Ok(match &lower[..] {
        b"" | b"utf-8" => true,
        b"iso-8859-1" | b"iso8859-1" | b"iso-8859-15" | b"iso8859-15" | b"cp866" | b"866"
        | b"ibm866" | b"cp1251" | b"windows-1251" | b"win-1251" | b"1251" | b"cp1252"
        | b"windows-1252" | b"1252" | b"koi8-r" | b"koi8-ru" | b"koi8r" | b"macroman" => false,
        b"big5" | b"950" | b"gb2312" | b"936" | b"big5-hkscs" | b"shift_jis" | b"sjis" | b"932"
        | b"euc-jp" | b"eucjp" | b"eucjp-win" | b"sjis-win" | b"cp932" => {
            let msg =
                format!("{name}() with a multibyte charset other than UTF-8 is not supported yet");
            return Err(h.throw("Error", msg));
        }
        _ => {
            let shown = String::from_utf8_lossy(cs.as_bytes());
            h.warn(&format!(
                "{name}(): Charset \"{shown}\" is not supported, assuming UTF-8"
            ))?;
            true
        }
    })
}

/// The next UTF-8 character of `b` at `i`: its code point (`None`: invalid) and length.
fn next_utf8(b: &[u8], i: usize) -> (Option<u32>, usize) {
    let c = b[i];
    let avail = b.len() - i;
    let trail = |k: usize| b.get(i + k).is_some_and(|&x| (0x80..=0xbf).contains(&x));
    let lead = |k: usize| {
        b.get(i + k)
            .is_some_and(|&x| x < 0x80 || (0xc2..=0xf4).contains(&x))
    };
    let bits = |k: usize| u32::from(b[i + k] & 0x3f);
    match c {
        0..=0x7f => (Some(u32::from(c)), 1),
        0x80..=0xc1 | 0xf5..=0xff => (None, 1),
        0xc2..=0xdf => {
            if avail < 2 {
                (None, 1)
            } else if !trail(1) {
                (None, if lead(1) { 1 } else { 2 })
            } else {
                (Some((u32::from(c & 0x1f) << 6) | bits(1)), 2)
            }
        }
        _ => {
            let n = if c < 0xf0 { 3 } else { 4 };
            if avail < n || !(1..n).all(trail) {
                let bad = (1..n).find(|&k| avail < k + 1 || lead(k)).unwrap_or(n);
                return (None, bad);
            }
            let cp = if n == 3 {
                (u32::from(c & 0x0f) << 12) | (bits(1) << 6) | bits(2)
            } else {
                (u32::from(c & 0x07) << 18) | (bits(1) << 12) | (bits(2) << 6) | bits(3)
            };
            let ok = if n == 3 {
                cp >= 0x800 && !(0xd800..=0xdfff).contains(&cp)
            } else {
                (0x10000..=0x10ffff).contains(&cp)
            };
            (ok.then_some(cp), n)
        }
    }
}

/// The code point of a numeric character reference at `b[i..]` (after `&#`) and where its `;`
/// is.
fn numeric_ref(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let (radix, mut j) = match b.get(i) {
        Some(b'x' | b'X') => (16, i + 1),
        _ => (10, i),
    };
    let start = j;
    let mut value: u64 = 0;
    while let Some(d) = b.get(j).and_then(|&c| (c as char).to_digit(radix)) {
        value = (value * u64::from(radix) + u64::from(d)).min(u64::from(u32::MAX));
        j += 1;
    }
    if j == start || b.get(j) != Some(&b';') || value > 0x10ffff {
        return None;
    }
    Some((value as u32, j))
}

/// The name of a named character reference at `b[i..]` (after `&`) and where its `;` is.
fn named_ref(b: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let len = b[i..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if len == 0 || b.get(i + len) != Some(&b';') {
        return None;
    }
    Some((&b[i..i + len], i + len))
}

/// The code point of the named entity `name` in a document of type `doc` (`all`: every
/// entity of the type, otherwise the basic ones).
fn entity(name: &[u8], doc: Doc, all: bool) -> Option<u32> {
    let basic = match name {
        b"amp" => Some(38),
        b"lt" => Some(60),
        b"gt" => Some(62),
        b"quot" => Some(34),
        b"apos" if doc != Doc::Html401 => Some(39),
        _ => None,
    };
    if basic.is_some() || !all || doc == Doc::Xml1 {
        return basic;
    }
    html_entities::lookup(name)
}

fn html5_unsupported(h: &mut dyn Host, name: &str) -> PhpError {
    let msg = format!("{name}() with the HTML 5 entities (ENT_HTML5) is not supported yet");
    h.throw("Error", msg)
}

/// `htmlspecialchars` (`all`: `htmlentities`).
fn encode(h: &mut dyn Host, name: &str, a: &[Zval], all: bool) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 4)?;
    let s = args::string(h, name, 1, "string", &a[0])?;
    let flags = match a.get(1) {
        Some(v) => args::int(h, name, 2, "flags", v)?,
        None => DEFAULT_FLAGS,
    };
    let utf8 = charset(h, name, a)?;
    let double = match a.get(3) {
        Some(v) => args::boolean(h, name, 4, "double_encode", v)?,
        None => true,
    };
    let doc = doctype(flags);
    if doc == Doc::Html5 && (all || !double) {
        return Err(html5_unsupported(h, name));
    }
    if all && !utf8 {
        let msg = format!("{name}() with a charset other than UTF-8 is not supported yet");
        return Err(h.throw("Error", msg));
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let (cp, n) = if utf8 {
            next_utf8(b, i)
        } else {
            (Some(u32::from(b[i])), 1)
        };
        let Some(cp) = cp else {
            if flags & IGNORE != 0 {
                i += n;
                continue;
            }
            if flags & SUBSTITUTE == 0 {
                return Ok(Zval::string(PhpString::from("")));
            }
            out.extend_from_slice("\u{fffd}".as_bytes());
            i += n;
            continue;
        };
        match cp {
            0x26 if !double => {
                let kept = if b.get(i + 1) == Some(&b'#') {
                    numeric_ref(b, i + 2)
                        .filter(|&(c, _)| flags & DISALLOWED == 0 || numeric_allowed(c, doc))
                        .map(|(_, end)| end)
                } else {
                    named_ref(b, i + 1)
                        .filter(|&(n, _)| {
                            entity(n, doc, true).is_some() || (doc == Doc::Xhtml && n == b"apos")
                        })
                        .map(|(_, end)| end)
                };
                match kept {
                    Some(end) => {
                        out.extend_from_slice(&b[i..=end]);
                        i = end + 1;
                        continue;
                    }
                    None => out.extend_from_slice(b"&amp;"),
                }
            }
            0x26 => out.extend_from_slice(b"&amp;"),
            0x22 if flags & QUOTE_DOUBLE != 0 => out.extend_from_slice(b"&quot;"),
            0x27 if flags & QUOTE_SINGLE != 0 => out.extend_from_slice(if doc == Doc::Html401 {
                b"&#039;"
            } else {
                b"&apos;"
            }),
            0x3c => out.extend_from_slice(b"&lt;"),
            0x3e => out.extend_from_slice(b"&gt;"),
            _ if flags & DISALLOWED != 0 && !allowed(cp, doc) => {
                out.extend_from_slice(if utf8 {
                    "\u{fffd}".as_bytes()
                } else {
                    b"&#xFFFD;"
                });
            }
            _ => {
                match html_entities::name_of(cp).filter(|_| all && doc != Doc::Xml1 && cp > 0x7f) {
                    Some(name) => {
                        out.push(b'&');
                        out.extend_from_slice(name);
                        out.push(b';');
                    }
                    None => out.extend_from_slice(&b[i..i + n]),
                }
            }
        }
        i += n;
    }
    Ok(Zval::string(PhpString::new(&out)))
}

fn htmlspecialchars(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    encode(h, "htmlspecialchars", a, false)
}

fn htmlentities(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    encode(h, "htmlentities", a, true)
}

fn push_utf8(out: &mut Vec<u8>, c: u32) {
    let ch = char::from_u32(c).unwrap_or('\u{fffd}');
    let mut buf = [0; 4];
    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
}

/// `htmlspecialchars_decode` (`all`: `html_entity_decode`).
fn decode(h: &mut dyn Host, name: &str, a: &[Zval], all: bool) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, if all { 3 } else { 2 })?;
    let s = args::string(h, name, 1, "string", &a[0])?;
    let flags = match a.get(1) {
        Some(v) => args::int(h, name, 2, "flags", v)?,
        None => DEFAULT_FLAGS,
    };
    let utf8 = if all { charset(h, name, a)? } else { true };
    let doc = doctype(flags);
    if all && doc == Doc::Html5 {
        return Err(html5_unsupported(h, name));
    }
    if all && !utf8 {
        let cs = args::string(h, name, 3, "encoding", &a[2])?;
        let lower = cs.as_bytes().to_ascii_lowercase();
        if !matches!(&lower[..], b"iso-8859-1" | b"iso8859-1") {
            let msg = format!(
                "{name}() with a charset other than UTF-8 or ISO-8859-1 is not supported yet"
            );
            return Err(h.throw("Error", msg));
        }
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'&' || i + 3 >= b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let found = if b[i + 1] == b'#' {
            numeric_ref(b, i + 2).filter(|&(c, _)| {
                let basic = matches!(c, 34 | 38 | 39 | 60 | 62);
                (all || basic) && allowed(c, doc) && !(doc == Doc::Html5 && c == 0x0d)
            })
        } else {
            named_ref(b, i + 1).and_then(|(n, end)| Some((entity(n, doc, all)?, end)))
        };
        let found = found.filter(|&(c, _)| {
            let quote_kept = (c == 0x27 && flags & QUOTE_SINGLE == 0)
                || (c == 0x22 && flags & QUOTE_DOUBLE == 0);
            !quote_kept && (utf8 || c <= 0xff)
        });
        match found {
            Some((c, end)) => {
                if utf8 {
                    push_utf8(&mut out, c);
                } else {
                    out.push(c as u8);
                }
                i = end + 1;
            }
            None => {
                out.push(b'&');
                i += 1;
            }
        }
    }
    Ok(Zval::string(PhpString::new(&out)))
}

fn htmlspecialchars_decode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    decode(h, "htmlspecialchars_decode", a, false)
}

fn html_entity_decode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    decode(h, "html_entity_decode", a, true)
}
