//! String functions.

use crate::args;
use php_runtime::value::View;
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("strlen", strlen),
    ("str_repeat", str_repeat),
    ("strtolower", strtolower),
    ("strtoupper", strtoupper),
    ("ucfirst", ucfirst),
    ("lcfirst", lcfirst),
    ("ucwords", ucwords),
    ("strrev", strrev),
    ("substr", substr),
    ("strpos", strpos),
    ("str_contains", str_contains),
    ("str_starts_with", str_starts_with),
    ("str_ends_with", str_ends_with),
    ("str_replace", str_replace),
    ("trim", trim),
    ("ltrim", ltrim),
    ("rtrim", rtrim),
    ("chop", rtrim),
    ("implode", implode),
    ("join", implode),
    ("explode", explode),
    ("strcmp", strcmp),
    ("strcasecmp", strcasecmp),
    ("ord", ord),
    ("chr", chr),
    ("bin2hex", bin2hex),
    ("str_pad", str_pad),
    ("sprintf", super::printf::sprintf),
    ("printf", super::printf::printf),
    ("vsprintf", super::printf::vsprintf),
    ("vprintf", super::printf::vprintf),
];

fn text(s: Vec<u8>) -> Zval {
    Zval::string(PhpString::new(&s))
}

fn strlen(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "strlen", a, 1, 1)?;
    let s = args::string(h, "strlen", 1, "string", &a[0])?;
    Ok(Zval::int(s.len() as i64))
}

fn str_repeat(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "str_repeat", a, 2, 2)?;
    let s = args::string(h, "str_repeat", 1, "string", &a[0])?;
    let n = args::int(h, "str_repeat", 2, "times", &a[1])?;
    if n < 0 {
        let msg = "str_repeat(): Argument #2 ($times) must be greater than or equal to 0";
        return Err(h.throw("ValueError", msg.into()));
    }
    Ok(text(s.as_bytes().repeat(n as usize)))
}

fn map_string(
    h: &mut dyn Host,
    name: &str,
    a: &[Zval],
    f: fn(&[u8]) -> Vec<u8>,
) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 1)?;
    let s = args::string(h, name, 1, "string", &a[0])?;
    Ok(text(f(s.as_bytes())))
}

fn strtolower(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    map_string(h, "strtolower", a, <[u8]>::to_ascii_lowercase)
}

fn strtoupper(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    map_string(h, "strtoupper", a, <[u8]>::to_ascii_uppercase)
}

fn ucfirst(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    map_string(h, "ucfirst", a, |s| {
        let mut v = s.to_vec();
        if let Some(c) = v.first_mut() {
            c.make_ascii_uppercase();
        }
        v
    })
}

fn lcfirst(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    map_string(h, "lcfirst", a, |s| {
        let mut v = s.to_vec();
        if let Some(c) = v.first_mut() {
            c.make_ascii_lowercase();
        }
        v
    })
}

fn ucwords(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ucwords", a, 1, 2)?;
    let s = args::string(h, "ucwords", 1, "string", &a[0])?;
    let delims = if a.len() == 2 {
        args::string(h, "ucwords", 2, "separators", &a[1])?
            .as_bytes()
            .to_vec()
    } else {
        b" \t\r\n\x0c\x0b".to_vec()
    };
    let delims = super::escape::char_mask(h, "ucwords", &delims)?;
    let mut v = s.as_bytes().to_vec();
    let mut start = true;
    for c in &mut v {
        if start {
            c.make_ascii_uppercase();
        }
        start = delims[*c as usize];
    }
    Ok(text(v))
}

fn strrev(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    map_string(h, "strrev", a, |s| s.iter().rev().copied().collect())
}

/// A start offset as `substr` and friends read it: negative counts from the end, clamped.
fn clamp_start(offset: i64, len: usize) -> usize {
    let len = len as i64;
    (if offset < 0 {
        (len + offset).max(0)
    } else {
        offset.min(len)
    }) as usize
}

fn substr(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "substr", a, 2, 3)?;
    let s = args::string(h, "substr", 1, "string", &a[0])?;
    let offset = args::int(h, "substr", 2, "offset", &a[1])?;
    let b = s.as_bytes();
    let start = clamp_start(offset, b.len());
    let end = match a.get(2).map(|v| v.view()) {
        None | Some(View::Null) => b.len(),
        Some(_) => {
            let len = args::int(h, "substr", 3, "length", &a[2])?;
            if len < 0 {
                ((b.len() as i64 + len).max(start as i64)) as usize
            } else {
                (start as i64 + len).min(b.len() as i64) as usize
            }
        }
    };
    Ok(text(b[start..end.max(start)].to_vec()))
}

/// The needle's position in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn offset_error(h: &mut dyn Host, name: &str) -> PhpError {
    let msg =
        format!("{name}(): Argument #3 ($offset) must be contained in argument #1 ($haystack)");
    h.throw("ValueError", msg)
}

fn strpos(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "strpos", a, 2, 3)?;
    let hay = args::string(h, "strpos", 1, "haystack", &a[0])?;
    let needle = args::string(h, "strpos", 2, "needle", &a[1])?;
    let offset = if a.len() == 3 {
        args::int(h, "strpos", 3, "offset", &a[2])?
    } else {
        0
    };
    let len = hay.len() as i64;
    if offset > len || offset < -len {
        return Err(offset_error(h, "strpos"));
    }
    let from = clamp_start(offset, hay.len());
    Ok(match find(hay.as_bytes(), needle.as_bytes(), from) {
        Some(p) => Zval::int(p as i64),
        None => Zval::bool(false),
    })
}

fn two_strings(
    h: &mut dyn Host,
    name: &str,
    a: &[Zval],
) -> Result<(PhpString, PhpString), PhpError> {
    args::arity(h, name, a, 2, 2)?;
    let x = args::string(h, name, 1, "haystack", &a[0])?;
    let y = args::string(h, name, 2, "needle", &a[1])?;
    Ok((x, y))
}

fn str_contains(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (x, y) = two_strings(h, "str_contains", a)?;
    Ok(Zval::bool(find(x.as_bytes(), y.as_bytes(), 0).is_some()))
}

fn str_starts_with(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (x, y) = two_strings(h, "str_starts_with", a)?;
    Ok(Zval::bool(x.as_bytes().starts_with(y.as_bytes())))
}

fn str_ends_with(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (x, y) = two_strings(h, "str_ends_with", a)?;
    Ok(Zval::bool(x.as_bytes().ends_with(y.as_bytes())))
}

fn replace_all(subject: &[u8], search: &[u8], replace: &[u8]) -> Vec<u8> {
    if search.is_empty() {
        return subject.to_vec();
    }
    let mut out = Vec::with_capacity(subject.len());
    let mut i = 0;
    while i < subject.len() {
        if subject[i..].starts_with(search) {
            out.extend_from_slice(replace);
            i += search.len();
        } else {
            out.push(subject[i]);
            i += 1;
        }
    }
    out
}

fn str_replace(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "str_replace", a, 3, 3)?;
    if matches!(a[2].view(), View::Array(_)) {
        return Err(h.throw(
            "Error",
            "str_replace() on an array subject is not supported yet".into(),
        ));
    }
    let subject = args::string(h, "str_replace", 3, "subject", &a[2])?;
    let mut s = subject.as_bytes().to_vec();
    match (a[0].view(), a[1].view()) {
        (View::Array(search), View::Array(replace)) => {
            let replacements: Vec<Zval> = replace.iter().map(|(_, v)| v.clone()).collect();
            for (i, (_, needle)) in search.iter().enumerate() {
                let n = args::string(h, "str_replace", 1, "search", needle)?;
                let r = match replacements.get(i) {
                    Some(r) => args::string(h, "str_replace", 2, "replace", r)?,
                    None => PhpString::from(""),
                };
                s = replace_all(&s, n.as_bytes(), r.as_bytes());
            }
        }
        (View::Array(search), _) => {
            let r = args::string(h, "str_replace", 2, "replace", &a[1])?;
            for (_, needle) in search.iter() {
                let n = args::string(h, "str_replace", 1, "search", needle)?;
                s = replace_all(&s, n.as_bytes(), r.as_bytes());
            }
        }
        (_, View::Array(_)) => {
            let msg = "str_replace(): Argument #2 ($replace) must be of type string when argument #1 ($search) is a string";
            return Err(h.throw("TypeError", msg.into()));
        }
        _ => {
            let n = args::string(h, "str_replace", 1, "search", &a[0])?;
            let r = args::string(h, "str_replace", 2, "replace", &a[1])?;
            s = replace_all(&s, n.as_bytes(), r.as_bytes());
        }
    }
    Ok(text(s))
}

fn trim_with(
    h: &mut dyn Host,
    name: &str,
    a: &[Zval],
    left: bool,
    right: bool,
) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 2)?;
    let s = args::string(h, name, 1, "string", &a[0])?;
    let list = if a.len() == 2 {
        args::string(h, name, 2, "characters", &a[1])?
            .as_bytes()
            .to_vec()
    } else {
        b" \n\r\t\x0b\0".to_vec()
    };
    let set = super::escape::char_mask(h, name, &list)?;
    let b = s.as_bytes();
    let mut start = 0;
    let mut end = b.len();
    if left {
        while start < end && set[b[start] as usize] {
            start += 1;
        }
    }
    if right {
        while end > start && set[b[end - 1] as usize] {
            end -= 1;
        }
    }
    Ok(text(b[start..end].to_vec()))
}

fn trim(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    trim_with(h, "trim", a, true, true)
}

fn ltrim(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    trim_with(h, "ltrim", a, true, false)
}

fn rtrim(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    trim_with(h, "rtrim", a, false, true)
}

fn implode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "implode", a, 1, 2)?;
    let (sep, arr) = match (a.len(), a[0].view()) {
        (1, View::Array(arr)) => (PhpString::from(""), arr.clone()),
        (1, _) => {
            let msg = format!(
                "implode(): Argument #1 ($pieces) must be of type array, {} given",
                php_runtime::convert::type_name(&a[0])
            );
            return Err(h.throw("TypeError", msg));
        }
        (_, View::Array(arr)) => {
            let sep = args::string(h, "implode", 2, "array", &a[1])?;
            (sep, arr.clone())
        }
        _ => {
            let sep = args::string(h, "implode", 1, "separator", &a[0])?;
            (sep, args::array(h, "implode", 2, "array", &a[1])?)
        }
    };
    let mut out = Vec::new();
    for (i, (_, v)) in arr.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep.as_bytes());
        }
        if php_runtime::convert::push_string(&mut out, v).is_none() {
            h.warn("Array to string conversion")?;
            out.extend_from_slice(b"Array");
        }
    }
    Ok(text(out))
}

fn explode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "explode", a, 2, 3)?;
    let sep = args::string(h, "explode", 1, "separator", &a[0])?;
    let s = args::string(h, "explode", 2, "string", &a[1])?;
    let limit = if a.len() == 3 {
        args::int(h, "explode", 3, "limit", &a[2])?
    } else {
        i64::MAX
    };
    if sep.is_empty() {
        let msg = "explode(): Argument #1 ($separator) cannot be empty";
        return Err(h.throw("ValueError", msg.into()));
    }
    let (b, d) = (s.as_bytes(), sep.as_bytes());
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + d.len() <= b.len() {
        if &b[i..i + d.len()] == d {
            parts.push(&b[start..i]);
            i += d.len();
            start = i;
        } else {
            i += 1;
        }
    }
    parts.push(&b[start..]);
    if limit > 0 && (limit as usize) < parts.len() {
        let keep = limit as usize - 1;
        let rest_start = parts[..keep]
            .iter()
            .map(|p| p.len() + d.len())
            .sum::<usize>();
        parts.truncate(keep);
        parts.push(&b[rest_start..]);
    } else if limit < 0 {
        let drop = (-limit) as usize;
        parts.truncate(parts.len().saturating_sub(drop));
    } else if limit == 0 && parts.len() > 1 {
        parts = vec![b];
    }
    let list = parts.into_iter().map(|p| Zval::string(PhpString::new(p)));
    Ok(Zval::array(php_runtime::PhpArray::from_list(list)))
}

fn compare_with(h: &mut dyn Host, name: &str, a: &[Zval], fold: bool) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 2, 2)?;
    let x = args::string(h, name, 1, "string1", &a[0])?;
    let y = args::string(h, name, 2, "string2", &a[1])?;
    Ok(Zval::int(super::string_compare::binary_compare(
        x.as_bytes(),
        y.as_bytes(),
        fold,
    )))
}

fn strcmp(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    compare_with(h, "strcmp", a, false)
}

fn strcasecmp(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    compare_with(h, "strcasecmp", a, true)
}

fn ord(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ord", a, 1, 1)?;
    let s = args::string(h, "ord", 1, "character", &a[0])?;
    Ok(Zval::int(i64::from(
        s.as_bytes().first().copied().unwrap_or(0),
    )))
}

fn chr(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "chr", a, 1, 1)?;
    let c = args::int(h, "chr", 1, "codepoint", &a[0])?;
    Ok(text(vec![c.rem_euclid(256) as u8]))
}

fn bin2hex(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    map_string(h, "bin2hex", a, |s| {
        s.iter()
            .flat_map(|b| format!("{b:02x}").into_bytes())
            .collect()
    })
}

fn str_pad(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "str_pad", a, 2, 4)?;
    let s = args::string(h, "str_pad", 1, "string", &a[0])?;
    let len = args::int(h, "str_pad", 2, "length", &a[1])?;
    let pad = if a.len() > 2 {
        args::string(h, "str_pad", 3, "pad_string", &a[2])?
    } else {
        PhpString::from(" ")
    };
    let kind = if a.len() > 3 {
        args::int(h, "str_pad", 4, "pad_type", &a[3])?
    } else {
        1
    };
    if pad.is_empty() {
        let msg = "str_pad(): Argument #3 ($pad_string) must be a non-empty string";
        return Err(h.throw("ValueError", msg.into()));
    }
    if !(0..=2).contains(&kind) {
        let msg = "str_pad(): Argument #4 ($pad_type) must be STR_PAD_LEFT, STR_PAD_RIGHT, or STR_PAD_BOTH";
        return Err(h.throw("ValueError", msg.into()));
    }
    let b = s.as_bytes();
    if len <= b.len() as i64 {
        return Ok(text(b.to_vec()));
    }
    let total = len as usize - b.len();
    let (left, right) = match kind {
        0 => (total, 0),
        1 => (0, total),
        _ => (total / 2, total - total / 2),
    };
    let p = pad.as_bytes();
    let fill = |n: usize| (0..n).map(|i| p[i % p.len()]).collect::<Vec<u8>>();
    let mut out = fill(left);
    out.extend_from_slice(b);
    out.extend(fill(right));
    Ok(text(out))
}
