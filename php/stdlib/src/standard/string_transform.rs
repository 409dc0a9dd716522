//! Reshaping strings: line breaking (`wordwrap`, `chunk_split`, `nl2br`), splitting into
//! pieces (`str_split`, `str_word_count`) and splicing (`substr_replace`).

use crate::args;
use php_runtime::convert::{push_string, to_int, type_name};
use php_runtime::number::{Num, Numeric};
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("wordwrap", wordwrap),
    ("chunk_split", chunk_split),
    ("nl2br", nl2br),
    ("str_split", str_split),
    ("str_word_count", str_word_count),
    ("substr_replace", substr_replace),
];

fn text(s: &[u8]) -> Zval {
    Zval::string(PhpString::new(s))
}

/// Breaks `s` at spaces so that lines are at most `width` long (when possible).
fn wrap(s: &[u8], width: i64, brk: &[u8], cut: bool) -> Vec<u8> {
    let len = s.len() as i64;
    let (mut start, mut space) = (0i64, 0i64);
    if brk.len() == 1 && !cut {
        // Breaks replace spaces.
        let mut out = s.to_vec();
        for cur in 0..len {
            let c = s[cur as usize];
            if c == brk[0] {
                start = cur + 1;
                space = cur + 1;
            } else if c == b' ' {
                if cur - start >= width {
                    out[cur as usize] = brk[0];
                    start = cur + 1;
                }
                space = cur;
            } else if cur - start >= width && start != space {
                out[space as usize] = brk[0];
                start = space + 1;
            }
        }
        return out;
    }
    let mut out = Vec::with_capacity(s.len());
    let slice = |a: i64, b: i64| &s[a as usize..b as usize];
    let mut cur = 0i64;
    while cur < len {
        let c = s[cur as usize];
        if c == brk[0] && cur + (brk.len() as i64) < len && s[cur as usize..].starts_with(brk) {
            out.extend_from_slice(slice(start, cur + brk.len() as i64));
            cur += brk.len() as i64 - 1;
            start = cur + 1;
            space = cur + 1;
        } else if c == b' ' {
            if cur - start >= width {
                out.extend_from_slice(slice(start, cur));
                out.extend_from_slice(brk);
                start = cur + 1;
            }
            space = cur;
        } else if cur - start >= width && cut && start >= space {
            out.extend_from_slice(slice(start, cur));
            out.extend_from_slice(brk);
            start = cur;
            space = cur;
        } else if cur - start >= width && start < space {
            out.extend_from_slice(slice(start, space));
            out.extend_from_slice(brk);
            start = space + 1;
            space = start;
        }
        cur += 1;
    }
    if start < len {
        out.extend_from_slice(slice(start, len));
    }
    out
}

fn wordwrap(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "wordwrap", a, 1, 4)?;
    let s = args::string(h, "wordwrap", 1, "string", &a[0])?;
    let width = match a.get(1) {
        Some(v) => args::int(h, "wordwrap", 2, "width", v)?,
        None => 75,
    };
    let brk = match a.get(2) {
        Some(v) => args::string(h, "wordwrap", 3, "break", v)?,
        None => PhpString::from("\n"),
    };
    let cut = match a.get(3) {
        Some(v) => args::boolean(h, "wordwrap", 4, "cut_long_words", v)?,
        None => false,
    };
    if s.is_empty() {
        return Ok(text(b""));
    }
    if brk.is_empty() {
        let msg = "wordwrap(): Argument #3 ($break) cannot be empty";
        return Err(h.throw("ValueError", msg.into()));
    }
    if width == 0 && cut {
        let msg = "wordwrap(): Argument #4 ($cut_long_words) cannot be true when argument #2 ($width) is 0";
        return Err(h.throw("ValueError", msg.into()));
    }
    Ok(text(&wrap(s.as_bytes(), width, brk.as_bytes(), cut)))
}

/// A chunk length parameter, which must be positive.
fn chunk_length(
    h: &mut dyn Host,
    name: &str,
    v: Option<&Zval>,
    default: i64,
) -> Result<usize, PhpError> {
    let n = match v {
        Some(v) => args::int(h, name, 2, "length", v)?,
        None => default,
    };
    if n <= 0 {
        let msg = format!("{name}(): Argument #2 ($length) must be greater than 0");
        return Err(h.throw("ValueError", msg));
    }
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

fn chunk_split(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "chunk_split", a, 1, 3)?;
    let s = args::string(h, "chunk_split", 1, "string", &a[0])?;
    let n = chunk_length(h, "chunk_split", a.get(1), 76)?;
    let end = match a.get(2) {
        Some(v) => args::string(h, "chunk_split", 3, "separator", v)?,
        None => PhpString::from("\r\n"),
    };
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len() + end.len() * (b.len() / n + 1));
    if b.is_empty() {
        out.extend_from_slice(end.as_bytes());
    }
    for chunk in b.chunks(n) {
        out.extend_from_slice(chunk);
        out.extend_from_slice(end.as_bytes());
    }
    Ok(text(&out))
}

fn nl2br(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "nl2br", a, 1, 2)?;
    let s = args::string(h, "nl2br", 1, "string", &a[0])?;
    let xhtml = match a.get(1) {
        Some(v) => args::boolean(h, "nl2br", 2, "use_xhtml", v)?,
        None => true,
    };
    let tag: &[u8] = if xhtml { b"<br />" } else { b"<br>" };
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' || c == b'\r' {
            out.extend_from_slice(tag);
            out.push(c);
            // `\r\n` and `\n\r` are one line break.
            if let Some(&d) = b.get(i + 1)
                && (d == b'\n' || d == b'\r')
                && d != c
            {
                out.push(d);
                i += 1;
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    Ok(text(&out))
}

fn str_split(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "str_split", a, 1, 2)?;
    let s = args::string(h, "str_split", 1, "string", &a[0])?;
    let n = chunk_length(h, "str_split", a.get(1), 1)?;
    let parts = s.as_bytes().chunks(n).map(text);
    Ok(Zval::array(PhpArray::from_list(parts)))
}

fn str_word_count(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "str_word_count", a, 1, 3)?;
    let s = args::string(h, "str_word_count", 1, "string", &a[0])?;
    let format = match a.get(1) {
        Some(v) => args::int(h, "str_word_count", 2, "format", v)?,
        None => 0,
    };
    let extra = match a.get(2) {
        Some(v) if !v.deref().is_null() => {
            let list = args::string(h, "str_word_count", 3, "characters", v)?;
            Some(super::escape::char_mask(
                h,
                "str_word_count",
                list.as_bytes(),
            )?)
        }
        _ => None,
    };
    if !(0..=2).contains(&format) {
        let msg = "str_word_count(): Argument #2 ($format) must be a valid format value";
        return Err(h.throw("ValueError", msg.into()));
    }
    let b = s.as_bytes();
    let allowed = |c: u8| extra.is_some_and(|set| set[c as usize]);
    let mut words = PhpArray::new();
    let mut count = 0;
    if !b.is_empty() {
        let mut p = 0;
        let mut e = b.len();
        // A word does not start the string with ' or -, nor end it with - (unless listed).
        if (b[0] == b'\'' || b[0] == b'-') && !allowed(b[0]) {
            p = 1;
        }
        if b[e - 1] == b'-' && !allowed(b'-') && e > p {
            e -= 1;
        }
        while p < e {
            let start = p;
            while p < e
                && (b[p].is_ascii_alphabetic() || allowed(b[p]) || b[p] == b'\'' || b[p] == b'-')
            {
                p += 1;
            }
            if p > start {
                count += 1;
                let key = if format == 2 {
                    ArrayKey::Int(start as i64)
                } else {
                    ArrayKey::Int(count - 1)
                };
                words.insert(key, text(&b[start..p]));
            }
            p += 1;
        }
    }
    Ok(if format == 0 {
        Zval::int(count)
    } else {
        Zval::array(words)
    })
}

fn param_type_error(h: &mut dyn Host, n: usize, param: &str, want: &str, v: &Zval) -> PhpError {
    let given = match v.view() {
        View::Object(o) => o.class().display(),
        _ => type_name(v).to_string(),
    };
    let msg =
        format!("substr_replace(): Argument #{n} (${param}) must be of type {want}, {given} given");
    h.throw("TypeError", msg)
}

fn null_deprecated(h: &mut dyn Host, n: usize, param: &str, want: &str) -> Result<(), PhpError> {
    h.deprecated(&format!(
        "substr_replace(): Passing null to parameter #{n} (${param}) of type {want} is deprecated"
    ))
}

/// A `string|array` parameter of `substr_replace`.
fn string_or_array(h: &mut dyn Host, n: usize, param: &str, v: &Zval) -> Result<Zval, PhpError> {
    match v.view() {
        View::Array(_) | View::Str(_) => Ok(v.deref()),
        // A copy, not a borrow: `__toString` may change what the reference refers to.
        View::Ref(_) => string_or_array(h, n, param, &v.deref()),
        View::Object(o) if o.class().method(b"__tostring").is_none() => {
            Err(param_type_error(h, n, param, "array|string", v))
        }
        View::Null | View::Undef => {
            null_deprecated(h, n, param, "array|string")?;
            Ok(Zval::str(""))
        }
        _ => Ok(Zval::string(args::string(
            h,
            "substr_replace",
            n,
            param,
            v,
        )?)),
    }
}

/// An `array|int` (or `array|int|null`) parameter of `substr_replace`.
fn int_or_array(
    h: &mut dyn Host,
    n: usize,
    param: &str,
    v: &Zval,
    nullable: bool,
) -> Result<Zval, PhpError> {
    let want = if nullable {
        "array|int|null"
    } else {
        "array|int"
    };
    let fits = |f: f64| f.is_finite() && php_runtime::number::float_fits_int(f);
    match v.view() {
        View::Array(_) | View::Int(_) => Ok(v.deref()),
        View::Ref(r) => r.with(|v| int_or_array(h, n, param, v, nullable)),
        View::Null | View::Undef if nullable => Ok(Zval::NULL),
        View::Null | View::Undef => {
            null_deprecated(h, n, param, want)?;
            Ok(Zval::int(0))
        }
        View::Object(_) => Err(param_type_error(h, n, param, want, v)),
        View::Float(f) if !fits(f) => Err(param_type_error(h, n, param, want, v)),
        View::Str(s) => match php_runtime::number::parse_numeric(s.as_bytes()) {
            Numeric::Whole(Num::Int(_)) => {
                Ok(Zval::int(args::int(h, "substr_replace", n, param, v)?))
            }
            Numeric::Whole(Num::Float(f)) if fits(f) => {
                Ok(Zval::int(args::int(h, "substr_replace", n, param, v)?))
            }
            _ => Err(param_type_error(h, n, param, want, v)),
        },
        _ => Ok(Zval::int(args::int(h, "substr_replace", n, param, v)?)),
    }
}

/// Replaces the part of `s` from `offset` (negative: from the end) of `length` bytes (None: to
/// the end; negative: up to that far from the end) with `with`.
fn splice(s: &[u8], with: &[u8], offset: i64, length: Option<i64>) -> Vec<u8> {
    let len = s.len() as i64;
    let start = if offset < 0 {
        (len + offset).max(0)
    } else {
        offset.min(len)
    };
    let count = match length {
        None => len - start,
        Some(l) if l < 0 => ((len - start) + l).max(0),
        Some(l) => l.min(len - start),
    };
    let mut out = s[..start as usize].to_vec();
    out.extend_from_slice(with);
    out.extend_from_slice(&s[(start + count) as usize..]);
    out
}

/// The successive values of an array argument, or the same scalar for every subject.
enum Each {
    List(Vec<Zval>, usize),
    Same(Zval),
}

impl Each {
    fn new(v: &Zval) -> Each {
        match v.view() {
            View::Array(a) => Each::List(a.iter().map(|(_, v)| v.clone()).collect(), 0),
            _ => Each::Same(v.clone()),
        }
    }
    fn next(&mut self) -> Option<Zval> {
        match self {
            Each::List(items, i) => {
                let v = items.get(*i).cloned();
                *i += 1;
                v
            }
            Each::Same(v) => Some(v.clone()),
        }
    }
}

fn to_bytes(h: &mut dyn Host, v: &Zval) -> Result<Vec<u8>, PhpError> {
    let mut out = Vec::new();
    if push_string(&mut out, v).is_none() {
        h.warn("Array to string conversion")?;
        out = b"Array".to_vec();
    }
    Ok(out)
}

fn substr_replace(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "substr_replace", a, 3, 4)?;
    let subject = string_or_array(h, 1, "string", &a[0])?;
    let replace = string_or_array(h, 2, "replace", &a[1])?;
    let offset = int_or_array(h, 3, "offset", &a[2], false)?;
    let length = match a.get(3) {
        Some(v) => int_or_array(h, 4, "length", v, true)?,
        None => Zval::NULL,
    };
    let subjects = match subject.view() {
        View::Array(arr) => arr.clone(),
        _ => {
            let s = subject
                .into_string()
                .unwrap_or_else(|_| PhpString::from(""));
            if matches!(offset.view(), View::Array(_)) {
                let msg = "substr_replace(): Argument #3 ($offset) cannot be an array when working on a single string";
                return Err(h.throw("TypeError", msg.into()));
            }
            if matches!(length.view(), View::Array(_)) {
                let msg = "substr_replace(): Argument #4 ($length) cannot be an array when working on a single string";
                return Err(h.throw("TypeError", msg.into()));
            }
            let with = match replace.view() {
                View::Array(r) => match r.iter().next() {
                    Some((_, v)) => to_bytes(h, v)?,
                    None => Vec::new(),
                },
                _ => to_bytes(h, &replace)?,
            };
            let length = (!length.is_null()).then(|| to_int(&length));
            return Ok(text(&splice(s.as_bytes(), &with, to_int(&offset), length)));
        }
    };
    let (mut offsets, mut lengths, mut withs) =
        (Each::new(&offset), Each::new(&length), Each::new(&replace));
    let mut out = PhpArray::new();
    for (key, v) in subjects.iter() {
        let s = to_bytes(h, v)?;
        let off = offsets.next().map_or(0, |o| to_int(&o));
        let len = lengths.next().filter(|l| !l.is_null()).map(|l| to_int(&l));
        let with = match withs.next() {
            Some(w) => to_bytes(h, &w)?,
            None => Vec::new(),
        };
        out.insert(key.clone(), text(&splice(&s, &with, off, len)));
    }
    Ok(Zval::array(out))
}
