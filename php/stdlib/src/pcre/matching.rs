//! `preg_match`, `preg_match_all`, `preg_grep`, `preg_quote`, `preg_last_error` and
//! `preg_last_error_msg`, and the match arrays they build (shared with the callbacks of
//! `preg_replace_callback`).

use super::compile::Program;
use super::exec::{self, ExecOptions, Slots, UNSET};
use super::{Scanner, check_subject, exec_error_code, group_names, regex, reported_groups};
use crate::args;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Host, PhpArray, PhpError, PhpString, Zval};

pub const PREG_PATTERN_ORDER: i64 = 1;
pub const PREG_SET_ORDER: i64 = 2;
pub const PREG_OFFSET_CAPTURE: i64 = 256;
pub const PREG_UNMATCHED_AS_NULL: i64 = 512;
pub const PREG_GREP_INVERT: i64 = 1;

/// Stores `v` in the variable a by-reference parameter refers to.
pub(super) fn set_ref(param: Option<&Zval>, v: Zval) {
    if let Some(p) = param
        && let View::Ref(r) = p.view()
    {
        drop(r.replace(v));
    }
}

/// The string form of an array element or argument, with PHP's conversions and diagnostics.
pub(super) fn value_string(h: &mut dyn Host, v: &Zval) -> Result<PhpString, PhpError> {
    if let Some(s) = php_runtime::convert::to_php_string(v) {
        return Ok(s);
    }
    match v.deref().view() {
        View::Array(_) => {
            h.warn("Array to string conversion")?;
            Ok(PhpString::from("Array"))
        }
        View::Object(o) if o.class().method(b"__tostring").is_some() => h.object_to_string(v),
        View::Object(o) => {
            let msg = format!(
                "Object of class {} could not be converted to string",
                o.class().display()
            );
            Err(h.throw("Error", msg))
        }
        _ => Ok(PhpString::from("")),
    }
}

/// The value of group `g` of a match: its text, `""` or `null` when unset.
fn group_value(s: &[u8], m: &Slots, g: usize, null_unset: bool) -> Zval {
    match (m.get(2 * g), m.get(2 * g + 1)) {
        (Some(&a), Some(&b)) if a != UNSET && b != UNSET && a <= b => {
            Zval::string(PhpString::new(&s[a..b]))
        }
        _ if null_unset => Zval::NULL,
        _ => Zval::string(PhpString::from("")),
    }
}

/// `[text, offset]` of group `g` (`["", -1]` or `[null, -1]` when unset).
fn offset_pair(s: &[u8], m: &Slots, g: usize, null_unset: bool) -> Zval {
    let start = m.get(2 * g).copied().unwrap_or(UNSET);
    let offset = if start == UNSET { -1 } else { start as i64 };
    Zval::array(PhpArray::from_list([
        group_value(s, m, g, null_unset),
        Zval::int(offset),
    ]))
}

/// Adds a group's value under its name (an unset group does not replace an earlier one of
/// the same name) and under the next index.
fn add_group(out: &mut PhpArray, name: Option<&Vec<u8>>, v: Zval, unset: bool) {
    if let Some(name) = name {
        let key = ArrayKey::from_bytes(name);
        if !(unset && out.contains(key.as_ref())) {
            drop(out.insert(key, v.clone()));
        }
    }
    let _ = out.append(v);
}

/// The array of one match as `preg_match` stores it, under `flags`.
pub(super) fn match_array(s: &[u8], m: &Slots, names: &[Option<Vec<u8>>], flags: i64) -> PhpArray {
    let offsets = flags & PREG_OFFSET_CAPTURE != 0;
    let null_unset = flags & PREG_UNMATCHED_AS_NULL != 0;
    let count = reported_groups(m);
    let total = if null_unset { names.len() } else { count };
    let mut out = PhpArray::new();
    for g in 0..total {
        let v = if offsets {
            offset_pair(s, m, g, null_unset)
        } else {
            group_value(s, m, g, null_unset)
        };
        let unset = m.get(2 * g).is_none_or(|&x| x == UNSET);
        add_group(&mut out, names.get(g).and_then(Option::as_ref), v, unset);
    }
    out
}

pub fn preg_match(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    match_impl(h, a, "preg_match", false)
}

pub fn preg_match_all(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    match_impl(h, a, "preg_match_all", true)
}

fn match_impl(h: &mut dyn Host, a: &[Zval], func: &str, global: bool) -> Result<Zval, PhpError> {
    args::arity(h, func, a, 2, 5)?;
    let pattern = args::string(h, func, 1, "pattern", &a[0])?;
    let subject = args::string(h, func, 2, "subject", &a[1])?;
    let flags = match a.get(3) {
        Some(f) => args::int(h, func, 4, "flags", f)?,
        None => 0,
    };
    let offset = match a.get(4) {
        Some(o) => args::int(h, func, 5, "offset", o)?,
        None => 0,
    };
    if offset == i64::MIN {
        let msg = format!(
            "{func}(): Argument #5 ($offset) must be greater than {}",
            i64::MIN
        );
        return Err(h.throw("ValueError", msg));
    }
    let Some(prog) = regex(h, func, pattern.as_bytes())? else {
        return Ok(Zval::bool(false));
    };
    set_ref(a.get(2), Zval::array(PhpArray::new()));
    let mut order = flags & 0xff;
    if global && order == 0 {
        order = PREG_PATTERN_ORDER;
    }
    if (global && order != PREG_PATTERN_ORDER && order != PREG_SET_ORDER) || (!global && order != 0)
    {
        let msg = format!("{func}(): Argument #4 ($flags) must be a PREG_* constant");
        return Err(h.throw("ValueError", msg));
    }
    let s = subject.as_bytes();
    let start = if offset < 0 {
        s.len().saturating_sub(offset.unsigned_abs() as usize)
    } else {
        offset as usize
    };
    if start > s.len() {
        super::set_error(super::INTERNAL_ERROR);
        return Ok(Zval::bool(false));
    }
    super::set_error(super::NO_ERROR);
    if let Err(code) = check_subject(&prog, &subject, start) {
        super::set_error(code);
        return Ok(Zval::bool(false));
    }
    let limit = super::limits(h);
    let names = group_names(&prog);
    if !global {
        return Ok(
            match exec::exec(&prog, s, start, ExecOptions::default(), limit) {
                Ok(Some(m)) if m[1] < m[0] => {
                    h.warn(&format!("{func}(): Get subpatterns list failed"))?;
                    Zval::bool(false)
                }
                Ok(Some(m)) => {
                    set_ref(a.get(2), Zval::array(match_array(s, &m, &names, flags)));
                    Zval::int(1)
                }
                Ok(None) => Zval::int(0),
                Err(e) => {
                    super::set_error(exec_error_code(e));
                    Zval::bool(false)
                }
            },
        );
    }
    let (n, result, failed) = match_all(&prog, s, start, limit, &names, flags, order);
    if super::last_error() == super::INTERNAL_ERROR {
        h.warn(&format!("{func}(): Get subpatterns list failed"))?;
        return Ok(Zval::bool(false));
    }
    set_ref(a.get(2), Zval::array(result));
    Ok(if failed {
        Zval::bool(false)
    } else {
        Zval::int(n)
    })
}

/// The matches of `preg_match_all`: (count, the array, whether an error stopped it).
fn match_all(
    prog: &Program,
    s: &[u8],
    start: usize,
    limit: super::exec::Limits,
    names: &[Option<Vec<u8>>],
    flags: i64,
    order: i64,
) -> (i64, PhpArray, bool) {
    let offsets = flags & PREG_OFFSET_CAPTURE != 0;
    let null_unset = flags & PREG_UNMATCHED_AS_NULL != 0;
    let mut scan = Scanner::new(prog, s, start, limit);
    let mut sets: Vec<PhpArray> = vec![PhpArray::new(); names.len()];
    let mut rows = PhpArray::new();
    let mut n = 0;
    let mut failed = false;
    loop {
        match scan.next_match() {
            Ok(Some(m)) => {
                n += 1;
                if order == PREG_SET_ORDER {
                    let _ = rows.append(Zval::array(match_array(s, &m, names, flags)));
                    continue;
                }
                for (g, set) in sets.iter_mut().enumerate() {
                    let v = if offsets {
                        offset_pair(s, &m, g, null_unset)
                    } else {
                        group_value(s, &m, g, null_unset)
                    };
                    let _ = set.append(v);
                }
            }
            Ok(None) => break,
            Err(code) => {
                super::set_error(code);
                failed = true;
                break;
            }
        }
    }
    if order == PREG_SET_ORDER {
        return (n, rows, failed);
    }
    let mut out = PhpArray::new();
    for (g, set) in sets.into_iter().enumerate() {
        add_group(&mut out, names[g].as_ref(), Zval::array(set), false);
    }
    (n, out, failed)
}

pub fn preg_grep(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "preg_grep", a, 2, 3)?;
    let pattern = args::string(h, "preg_grep", 1, "pattern", &a[0])?;
    let input = args::array(h, "preg_grep", 2, "array", &a[1])?;
    let flags = match a.get(2) {
        Some(f) => args::int(h, "preg_grep", 3, "flags", f)?,
        None => 0,
    };
    let Some(prog) = regex(h, "preg_grep", pattern.as_bytes())? else {
        return Ok(Zval::bool(false));
    };
    let invert = flags & PREG_GREP_INVERT != 0;
    let limit = super::limits(h);
    super::set_error(super::NO_ERROR);
    let mut out = PhpArray::new();
    for (k, v) in input.iter() {
        let text = value_string(h, v)?;
        let s = text.as_bytes();
        if let Err(code) = check_subject(&prog, &text, 0) {
            super::set_error(code);
            break;
        }
        let hit = match exec::exec(&prog, s, 0, ExecOptions::default(), limit) {
            Ok(m) => m.is_some(),
            Err(e) => {
                super::set_error(exec_error_code(e));
                break;
            }
        };
        if hit != invert {
            drop(out.insert(k.clone(), v.clone()));
        }
    }
    Ok(Zval::array(out))
}

pub fn preg_quote(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "preg_quote", a, 1, 2)?;
    let s = args::string(h, "preg_quote", 1, "str", &a[0])?;
    let delim = match a.get(1) {
        Some(d) if !d.is_null() => args::string(h, "preg_quote", 2, "delimiter", d)?
            .as_bytes()
            .first()
            .copied(),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'.' | b'\\' | b'+' | b'*' | b'?' | b'[' | b'^' | b']' | b'$' | b'(' | b')' | b'{'
            | b'}' | b'=' | b'!' | b'>' | b'<' | b'|' | b':' | b'-' | b'#' => {
                out.push(b'\\');
                out.push(b);
            }
            0 => out.extend_from_slice(b"\\000"),
            _ if Some(b) == delim => {
                out.push(b'\\');
                out.push(b);
            }
            _ => out.push(b),
        }
    }
    Ok(Zval::string(PhpString::new(&out)))
}

pub fn preg_last_error(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "preg_last_error", a, 0, 0)?;
    Ok(Zval::int(super::last_error()))
}

pub fn preg_last_error_msg(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "preg_last_error_msg", a, 0, 0)?;
    let msg = match super::last_error() {
        super::NO_ERROR => "No error",
        super::INTERNAL_ERROR => "Internal error",
        super::BACKTRACK_LIMIT_ERROR => "Backtrack limit exhausted",
        super::RECURSION_LIMIT_ERROR => "Recursion limit exhausted",
        super::BAD_UTF8_ERROR => "Malformed UTF-8 characters, possibly incorrectly encoded",
        super::BAD_UTF8_OFFSET_ERROR => {
            "The offset did not correspond to the beginning of a valid UTF-8 code point"
        }
        super::JIT_STACKLIMIT_ERROR => "JIT stack limit exhausted",
        _ => "Unknown error",
    };
    Ok(Zval::str(msg))
}
