//! `preg_replace`, `preg_filter`, `preg_replace_callback` and `preg_replace_callback_array`.
//!
//! A replacement string is read once into [`Piece`]s (`$1`, `\1`, `${1}` become group
//! references, as PHP reads them: at most two digits, `\\` before `\` or `$` escapes it);
//! callbacks get the match array `preg_match` would build.

use super::compile::Program;
use super::exec::{Slots, UNSET};
use super::matching::{match_array, set_ref, value_string};
use super::{Scanner, check_subject, group_names, regex, reported_groups};
use crate::args;
use php_runtime::value::View;
use php_runtime::{Host, PhpArray, PhpError, PhpString, Zval};

/// A part of a replacement string.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Text(Vec<u8>),
    Group(usize),
}

/// What replaces each match.
enum With<'a> {
    Template(Vec<Piece>),
    Callback(&'a Zval, i64),
}

/// A `string|array` parameter.
enum Arg {
    Str(PhpString),
    Arr(PhpArray),
}

fn string_or_array(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<Arg, PhpError> {
    match v.deref().view() {
        View::Array(a) => Ok(Arg::Arr(a.clone())),
        View::Resource(_) => unreachable_type(h, func, n, param, v),
        View::Object(o) if o.class().method(b"__tostring").is_none() => {
            unreachable_type(h, func, n, param, v)
        }
        View::Null | View::Undef => {
            h.deprecated(&format!(
                "{func}(): Passing null to parameter #{n} (${param}) of type array|string is deprecated"
            ))?;
            Ok(Arg::Str(PhpString::from("")))
        }
        _ => Ok(Arg::Str(args::string(h, func, n, param, v)?)),
    }
}

/// PHP's `TypeError` for a value that is neither a string nor an array.
fn unreachable_type(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<Arg, PhpError> {
    let given = match v.deref().view() {
        View::Object(o) => o.class().display(),
        _ => php_runtime::convert::type_name(v).to_string(),
    };
    let msg =
        format!("{func}(): Argument #{n} (${param}) must be of type array|string, {given} given");
    Err(h.throw("TypeError", msg))
}

/// Reads a replacement string.
fn template(r: &[u8]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = Vec::new();
    let mut last: u8 = 0;
    let mut i = 0;
    while i < r.len() {
        let c = r[i];
        if c == b'\\' || c == b'$' {
            if last == b'\\' {
                text.pop();
                text.push(c);
                i += 1;
                last = 0;
                continue;
            }
            if let Some((g, next)) = backref_at(r, i) {
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Group(g));
                i = next;
                continue;
            }
        }
        text.push(c);
        last = c;
        i += 1;
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
}

/// A group reference at `i` (`\N`, `$N`, `${N}`, N of one or two digits): (group, end).
fn backref_at(r: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut j = i + 1;
    let braced = r[i] == b'$' && r.get(j) == Some(&b'{');
    if braced {
        j += 1;
    }
    let d = r.get(j).filter(|d| d.is_ascii_digit())?;
    let mut g = (d - b'0') as usize;
    j += 1;
    if let Some(d) = r.get(j).filter(|d| d.is_ascii_digit()) {
        g = g * 10 + (d - b'0') as usize;
        j += 1;
    }
    if braced {
        if r.get(j) != Some(&b'}') {
            return None;
        }
        j += 1;
    }
    Some((g, j))
}

/// Replaces the matches of `prog` in `s` (at most `limit`, all when negative), adding to
/// `count`; `None` when matching failed (the error code is set).
fn replace_in(
    h: &mut dyn Host,
    prog: &Program,
    subject: &PhpString,
    with: &With<'_>,
    limit: i64,
    count: &mut i64,
) -> Result<Option<PhpString>, PhpError> {
    let s = subject.as_bytes();
    if let Err(code) = check_subject(prog, subject, 0) {
        super::set_error(code);
        return Ok(None);
    }
    let backtrack = super::limits(h);
    let names = group_names(prog);
    let mut scan = Scanner::new(prog, s, 0, backtrack);
    let mut out = Vec::with_capacity(s.len());
    let mut last = 0;
    let mut left = limit;
    while left != 0 {
        let m = match scan.next_match() {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(code) => {
                super::set_error(code);
                return Ok(None);
            }
        };
        let (from, to) = (m[0].max(last), m[1].max(last));
        out.extend_from_slice(&s[last..from.min(to)]);
        substitute(h, s, &m, &names, with, &mut out)?;
        last = to;
        *count += 1;
        if left > 0 {
            left -= 1;
        }
    }
    out.extend_from_slice(&s[last..]);
    Ok(Some(PhpString::new(&out)))
}

/// Appends what replaces match `m`.
fn substitute(
    h: &mut dyn Host,
    s: &[u8],
    m: &Slots,
    names: &[Option<Vec<u8>>],
    with: &With<'_>,
    out: &mut Vec<u8>,
) -> Result<(), PhpError> {
    match with {
        With::Template(pieces) => {
            let n = reported_groups(m);
            for p in pieces {
                match p {
                    Piece::Text(t) => out.extend_from_slice(t),
                    Piece::Group(g) if *g < n => {
                        let (a, b) = (m[2 * g], m[2 * g + 1]);
                        if a != UNSET && b != UNSET && a <= b {
                            out.extend_from_slice(&s[a..b]);
                        }
                    }
                    Piece::Group(_) => {}
                }
            }
        }
        With::Callback(f, flags) => {
            let arg = Zval::array(match_array(s, m, names, *flags));
            let r = h.call(f, vec![arg])?;
            out.extend_from_slice(value_string(h, &r)?.as_bytes());
        }
    }
    Ok(())
}

/// Applies every (pattern, replacement) pair to one subject in turn; `None` on a bad pattern
/// or a failed match.
fn replace_subject(
    h: &mut dyn Host,
    func: &str,
    pairs: &[(PhpString, With<'_>)],
    subject: PhpString,
    limit: i64,
    count: &mut i64,
) -> Result<Option<PhpString>, PhpError> {
    let mut cur = subject;
    for (pattern, with) in pairs {
        let Some(prog) = regex(h, func, pattern.as_bytes())? else {
            return Ok(None);
        };
        match replace_in(h, &prog, &cur, with, limit, count)? {
            Some(next) => cur = next,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// The shared body: replaces in a string or each element of an array; `filter` keeps only
/// subjects where something was replaced (`preg_filter`).
fn replace_all(
    h: &mut dyn Host,
    func: &str,
    pairs: &[(PhpString, With<'_>)],
    subject: Arg,
    limit: i64,
    filter: bool,
) -> Result<(Zval, i64), PhpError> {
    super::set_error(super::NO_ERROR);
    let mut total = 0;
    match subject {
        Arg::Str(s) => {
            let r = replace_subject(h, func, pairs, s, limit, &mut total)?;
            Ok(match r {
                Some(r) if !filter || total > 0 => (Zval::string(r), total),
                _ => (Zval::NULL, total),
            })
        }
        Arg::Arr(a) => {
            let mut out = PhpArray::new();
            for (k, v) in a.iter() {
                let s = value_string(h, v)?;
                let mut n = 0;
                if let Some(r) = replace_subject(h, func, pairs, s, limit, &mut n)?
                    && (!filter || n > 0)
                {
                    drop(out.insert(k.clone(), Zval::string(r)));
                }
                total += n;
            }
            Ok((Zval::array(out), total))
        }
    }
}

/// The optional `limit` parameter at index `i` (-1 when absent).
fn limit_arg(h: &mut dyn Host, func: &str, a: &[Zval], i: usize) -> Result<i64, PhpError> {
    match a.get(i) {
        Some(l) => args::int(h, func, i + 1, "limit", l),
        None => Ok(-1),
    }
}

pub fn preg_replace(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    replace_impl(h, a, "preg_replace", false)
}

pub fn preg_filter(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    replace_impl(h, a, "preg_filter", true)
}

fn replace_impl(h: &mut dyn Host, a: &[Zval], func: &str, filter: bool) -> Result<Zval, PhpError> {
    args::arity(h, func, a, 3, 5)?;
    let pattern = string_or_array(h, func, 1, "pattern", &a[0])?;
    let replacement = string_or_array(h, func, 2, "replacement", &a[1])?;
    let subject = string_or_array(h, func, 3, "subject", &a[2])?;
    let limit = limit_arg(h, func, a, 3)?;
    let pairs: Vec<(PhpString, With<'_>)> = match (pattern, replacement) {
        (Arg::Str(p), Arg::Str(r)) => vec![(p, With::Template(template(r.as_bytes())))],
        (Arg::Str(_), Arg::Arr(_)) => {
            let msg = format!(
                "{func}(): Argument #1 ($pattern) must be of type array when argument #2 ($replacement) is an array, string given"
            );
            return Err(h.throw("TypeError", msg));
        }
        (Arg::Arr(ps), r) => {
            let mut reps = match &r {
                Arg::Arr(ra) => Some(ra.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()),
                Arg::Str(_) => None,
            }
            .map(Vec::into_iter);
            let mut pairs = Vec::new();
            for (_, p) in ps.iter() {
                let p = value_string(h, p)?;
                let r = match (&mut reps, &r) {
                    (Some(it), _) => match it.next() {
                        Some(v) => value_string(h, &v)?,
                        None => PhpString::from(""),
                    },
                    (None, Arg::Str(s)) => s.clone(),
                    (None, Arg::Arr(_)) => PhpString::from(""),
                };
                pairs.push((p, With::Template(template(r.as_bytes()))));
            }
            pairs
        }
    };
    let (result, count) = replace_all(h, func, &pairs, subject, limit, filter)?;
    set_ref(a.get(4), Zval::int(count));
    Ok(result)
}

/// The optional `flags` parameter of the callback forms, checked as PHP does.
fn callback_flags(h: &mut dyn Host, func: &str, a: &[Zval], i: usize) -> Result<i64, PhpError> {
    match a.get(i) {
        Some(f) => args::int(h, func, i + 1, "flags", f),
        None => Ok(0),
    }
}

pub fn preg_replace_callback(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    const F: &str = "preg_replace_callback";
    args::arity(h, F, a, 3, 6)?;
    let pattern = string_or_array(h, F, 1, "pattern", &a[0])?;
    crate::standard::callbacks::callback(h, F, 2, "callback", &a[1])?;
    let subject = string_or_array(h, F, 3, "subject", &a[2])?;
    let limit = limit_arg(h, F, a, 3)?;
    let flags = callback_flags(h, F, a, 5)?;
    let f = a[1].deref();
    let patterns = match pattern {
        Arg::Str(p) => vec![p],
        Arg::Arr(ps) => ps
            .iter()
            .map(|(_, p)| value_string(h, p))
            .collect::<Result<_, _>>()?,
    };
    let pairs: Vec<(PhpString, With<'_>)> = patterns
        .into_iter()
        .map(|p| (p, With::Callback(&f, flags)))
        .collect();
    let (result, count) = replace_all(h, F, &pairs, subject, limit, false)?;
    set_ref(a.get(4), Zval::int(count));
    Ok(result)
}

pub fn preg_replace_callback_array(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    const F: &str = "preg_replace_callback_array";
    args::arity(h, F, a, 2, 5)?;
    let map = args::array(h, F, 1, "pattern", &a[0])?;
    let subject = string_or_array(h, F, 2, "subject", &a[1])?;
    let limit = limit_arg(h, F, a, 2)?;
    let flags = callback_flags(h, F, a, 4)?;
    let mut callbacks = Vec::new();
    for (k, f) in map.iter() {
        let pattern = match k {
            php_runtime::ArrayKey::Int(_) => {
                let msg = format!(
                    "{F}(): Argument #1 ($pattern) must contain only string patterns as keys"
                );
                return Err(h.throw("TypeError", msg));
            }
            php_runtime::ArrayKey::Str(s) => s.clone(),
        };
        if h.callable_error(f).is_some() {
            let msg = format!("{F}(): Argument #1 ($pattern) must contain only valid callbacks");
            return Err(h.throw("TypeError", msg));
        }
        callbacks.push((pattern, f.deref()));
    }
    let pairs: Vec<(PhpString, With<'_>)> = callbacks
        .iter()
        .map(|(p, f)| (p.clone(), With::Callback(f, flags)))
        .collect();
    let (result, count) = replace_all(h, F, &pairs, subject, limit, false)?;
    set_ref(a.get(3), Zval::int(count));
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_replacements_as_php() {
        assert_eq!(
            template(b"a$1\\2${3}x"),
            vec![
                Piece::Text(b"a".to_vec()),
                Piece::Group(1),
                Piece::Group(2),
                Piece::Group(3),
                Piece::Text(b"x".to_vec()),
            ]
        );
        assert_eq!(template(b"\\\\1"), vec![Piece::Text(b"\\1".to_vec())]);
        assert_eq!(template(b"\\$1"), vec![Piece::Text(b"$1".to_vec())]);
        assert_eq!(
            template(b"$123"),
            vec![Piece::Group(12), Piece::Text(b"3".to_vec())]
        );
        assert_eq!(template(b"${1"), vec![Piece::Text(b"${1".to_vec())]);
    }
}
