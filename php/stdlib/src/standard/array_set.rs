//! Arrays as sets: the `array_diff` and `array_intersect` families (by value, by key, by both,
//! and with user comparisons) and `array_unique`.
//!
//! Values compare as strings (`(string) $x === (string) $y`), as PHP's functions without a
//! callback do; keys compare as keys. The functions with a user comparison give PHP's results
//! for a consistent comparison, but call it in their own order (PHP sorts the arrays first).

use super::array_natsort::natural_compare;
use crate::args;
use php_runtime::compare::{NestingTooDeep, compare};
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};
use std::cmp::Ordering;
use std::collections::HashSet;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("array_diff", array_diff),
    ("array_diff_key", array_diff_key),
    ("array_diff_assoc", array_diff_assoc),
    ("array_udiff", array_udiff),
    ("array_udiff_assoc", array_udiff_assoc),
    ("array_diff_ukey", array_diff_ukey),
    ("array_intersect", array_intersect),
    ("array_intersect_key", array_intersect_key),
    ("array_intersect_assoc", array_intersect_assoc),
    ("array_uintersect", array_uintersect),
    ("array_uintersect_assoc", array_uintersect_assoc),
    ("array_intersect_ukey", array_intersect_ukey),
    ("array_unique", array_unique),
];

/// A value as a string, as these functions compare them (an array is "Array", with PHP's
/// warning).
fn string_of(h: &mut dyn Host, v: &Zval) -> Result<PhpString, PhpError> {
    match v.view() {
        View::Array(_) => {
            h.warn("Array to string conversion")?;
            Ok(PhpString::from("Array"))
        }
        View::Object(o) => {
            let msg = format!(
                "Object of class {} could not be converted to string",
                o.class().display()
            );
            Err(h.throw("Error", msg))
        }
        View::Ref(r) => string_of(h, &r.get()),
        _ => Ok(php_runtime::convert::to_php_string(v).unwrap_or_else(|| PhpString::from(""))),
    }
}

/// The arrays of a call: `array` first, then the variadic ones (PHP names only the first).
fn arrays(h: &mut dyn Host, func: &str, a: &[Zval]) -> Result<Vec<PhpArray>, PhpError> {
    super::array_replace::arrays(h, func, a, Some("array"))
}

/// Splits a call with a trailing callback into its arrays and the callback (checked).
fn with_callback<'a>(
    h: &mut dyn Host,
    func: &str,
    a: &'a [Zval],
) -> Result<(Vec<PhpArray>, &'a Zval), PhpError> {
    args::arity(h, func, a, 2, usize::MAX)?;
    let (f, rest) = a.split_last().expect("two arguments at least");
    if let Some(why) = h.callable_error(f) {
        let msg = format!(
            "{func}(): Argument #{} must be a valid callback, {why}",
            a.len()
        );
        return Err(h.throw("TypeError", msg));
    }
    Ok((arrays(h, func, rest)?, f))
}

fn user_equal(h: &mut dyn Host, f: &Zval, x: Zval, y: Zval) -> Result<bool, PhpError> {
    let r = h.call(f, vec![x, y])?;
    Ok(php_runtime::convert::to_int(&r) == 0)
}

fn array_diff(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_diff", a, 1, usize::MAX)?;
    let all = arrays(h, "array_diff", a)?;
    let (first, others) = all.split_first().expect("one argument at least");
    if first.is_empty() {
        return Ok(Zval::array(PhpArray::new()));
    }
    if first.len() == 1 {
        let (_, v) = first.iter().next().expect("one entry");
        let wanted = string_of(h, v)?;
        for other in others {
            for (_, w) in other.iter() {
                if string_of(h, w)? == wanted {
                    return Ok(Zval::array(PhpArray::new()));
                }
            }
        }
        return Ok(Zval::array(first.clone()));
    }
    if others.iter().all(|o| o.is_empty()) {
        return Ok(Zval::array(first.clone()));
    }
    let mut exclude = HashSet::new();
    for other in others {
        for (_, w) in other.iter() {
            exclude.insert(string_of(h, w)?.as_bytes().to_vec());
        }
    }
    let mut out = PhpArray::new();
    for (k, v) in first.iter() {
        if !exclude.contains(string_of(h, v)?.as_bytes()) {
            drop(out.insert(k.clone(), v.clone()));
        }
    }
    Ok(Zval::array(out))
}

/// How the key-based functions compare the values of entries with the same key.
enum Values<'a> {
    /// Not at all (`array_diff_key`).
    Ignore,
    /// As strings (`array_diff_assoc`).
    Strings,
    /// With a user function (`array_udiff_assoc`).
    User(&'a Zval),
}

/// Whether the entry `(k, v)` of the first array has a matching entry in `other`.
fn key_match(
    h: &mut dyn Host,
    values: &Values<'_>,
    other: &PhpArray,
    k: &ArrayKey,
    v: &Zval,
) -> Result<bool, PhpError> {
    let Some(w) = other.get(k.as_ref()) else {
        return Ok(false);
    };
    Ok(match values {
        Values::Ignore => true,
        Values::Strings => string_of(h, v)? == string_of(h, w)?,
        Values::User(f) => user_equal(h, f, v.deref(), w.deref())?,
    })
}

/// The key-based functions: the entries of the first array that have a match in no other
/// array (`keep_matching` false) or in every other array (true).
fn by_key(
    h: &mut dyn Host,
    all: &[PhpArray],
    values: Values<'_>,
    keep_matching: bool,
) -> Result<Zval, PhpError> {
    let (first, others) = all.split_first().expect("one array at least");
    let mut out = PhpArray::new();
    for (k, v) in first.iter() {
        let mut keep = true;
        for other in others {
            if key_match(h, &values, other, k, v)? != keep_matching {
                keep = false;
                break;
            }
        }
        if keep {
            drop(out.insert(k.clone(), v.clone()));
        }
    }
    Ok(Zval::array(out))
}

fn array_diff_key(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_diff_key", a, 1, usize::MAX)?;
    let all = arrays(h, "array_diff_key", a)?;
    by_key(h, &all, Values::Ignore, false)
}

fn array_diff_assoc(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_diff_assoc", a, 1, usize::MAX)?;
    let all = arrays(h, "array_diff_assoc", a)?;
    by_key(h, &all, Values::Strings, false)
}

fn array_udiff_assoc(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (all, f) = with_callback(h, "array_udiff_assoc", a)?;
    by_key(h, &all, Values::User(f), false)
}

fn array_intersect_key(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_intersect_key", a, 1, usize::MAX)?;
    let all = arrays(h, "array_intersect_key", a)?;
    by_key(h, &all, Values::Ignore, true)
}

fn array_intersect_assoc(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_intersect_assoc", a, 1, usize::MAX)?;
    let all = arrays(h, "array_intersect_assoc", a)?;
    by_key(h, &all, Values::Strings, true)
}

fn array_uintersect_assoc(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (all, f) = with_callback(h, "array_uintersect_assoc", a)?;
    by_key(h, &all, Values::User(f), true)
}

/// The functions comparing with a user function, values (`keys` false) or keys: the entries
/// of the first array equal to an entry of no other array (`keep_matching` false) or of
/// every other array.
fn by_user(
    h: &mut dyn Host,
    all: &[PhpArray],
    f: &Zval,
    keys: bool,
    keep_matching: bool,
) -> Result<Zval, PhpError> {
    let (first, others) = all.split_first().expect("one array at least");
    let mut out = PhpArray::new();
    for (k, v) in first.iter() {
        let mut keep = true;
        for other in others {
            let mut found = false;
            for (ok, ov) in other.iter() {
                let equal = if keys {
                    user_equal(h, f, k.to_zval(), ok.to_zval())?
                } else {
                    user_equal(h, f, v.deref(), ov.deref())?
                };
                if equal {
                    found = true;
                    break;
                }
            }
            if found != keep_matching {
                keep = false;
                break;
            }
        }
        if keep {
            drop(out.insert(k.clone(), v.clone()));
        }
    }
    Ok(Zval::array(out))
}

fn array_udiff(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (all, f) = with_callback(h, "array_udiff", a)?;
    by_user(h, &all, f, false, false)
}

fn array_uintersect(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (all, f) = with_callback(h, "array_uintersect", a)?;
    by_user(h, &all, f, false, true)
}

fn array_diff_ukey(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (all, f) = with_callback(h, "array_diff_ukey", a)?;
    by_user(h, &all, f, true, false)
}

fn array_intersect_ukey(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (all, f) = with_callback(h, "array_intersect_ukey", a)?;
    by_user(h, &all, f, true, true)
}

fn array_intersect(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_intersect", a, 1, usize::MAX)?;
    let all = arrays(h, "array_intersect", a)?;
    let (first, others) = all.split_first().expect("one argument at least");
    let mut sets = Vec::with_capacity(others.len());
    for other in others {
        let mut set = HashSet::new();
        for (_, w) in other.iter() {
            set.insert(string_of(h, w)?.as_bytes().to_vec());
        }
        sets.push(set);
    }
    let mut out = PhpArray::new();
    for (k, v) in first.iter() {
        let s = string_of(h, v)?;
        if sets.iter().all(|set| set.contains(s.as_bytes())) {
            drop(out.insert(k.clone(), v.clone()));
        }
    }
    Ok(Zval::array(out))
}

/// `SORT_REGULAR`, `SORT_NUMERIC`, `SORT_STRING`, `SORT_LOCALE_STRING`, `SORT_NATURAL` and
/// `SORT_FLAG_CASE`.
const SORT_NUMERIC: i64 = 1;
const SORT_STRING: i64 = 2;
const SORT_LOCALE_STRING: i64 = 5;
const SORT_NATURAL: i64 = 6;
const SORT_FLAG_CASE: i64 = 8;

/// Compares two values as the `sort` flags say.
pub(crate) fn flag_compare(
    h: &mut dyn Host,
    flags: i64,
    x: &Zval,
    y: &Zval,
) -> Result<Ordering, PhpError> {
    let case = flags & SORT_FLAG_CASE != 0;
    Ok(match flags & !SORT_FLAG_CASE {
        SORT_NUMERIC => {
            let (a, b) = (
                php_runtime::convert::to_float(x),
                php_runtime::convert::to_float(y),
            );
            a.partial_cmp(&b).unwrap_or(Ordering::Greater)
        }
        SORT_STRING | SORT_LOCALE_STRING => {
            let (a, b) = (string_of(h, x)?, string_of(h, y)?);
            if case {
                let lower = |s: &PhpString| s.as_bytes().to_ascii_lowercase();
                lower(&a).cmp(&lower(&b))
            } else {
                a.as_bytes().cmp(b.as_bytes())
            }
        }
        SORT_NATURAL => {
            let (a, b) = (string_of(h, x)?, string_of(h, y)?);
            natural_compare(a.as_bytes(), b.as_bytes(), case)
        }
        _ => match compare(x, y) {
            Ok(c) => c.cmp(&0),
            Err(_) => return Err(h.throw("Error", NestingTooDeep::MESSAGE.into())),
        },
    })
}

fn array_unique(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_unique", a, 1, 2)?;
    let arr = args::array(h, "array_unique", 1, "array", &a[0])?;
    let flags = match a.get(1) {
        Some(f) => args::int(h, "array_unique", 2, "flags", f)?,
        None => SORT_STRING,
    };
    if arr.len() <= 1 {
        return Ok(Zval::array(arr));
    }
    let entries: Vec<(ArrayKey, Zval)> = arr.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut keep = vec![true; entries.len()];
    if flags == SORT_STRING {
        let mut seen = HashSet::new();
        for (i, (_, v)) in entries.iter().enumerate() {
            keep[i] = seen.insert(string_of(h, v)?.as_bytes().to_vec());
        }
    } else {
        let order = super::stable_sort::stable_order(entries.len(), |x, y| {
            flag_compare(h, flags, &entries[x].1, &entries[y].1)
        })?;
        // In each run of equal values, the first in the array stays.
        let mut last = order[0];
        for &i in &order[1..] {
            if flag_compare(h, flags, &entries[last].1, &entries[i].1)? != Ordering::Equal {
                last = i;
            } else if last > i {
                keep[last] = false;
                last = i;
            } else {
                keep[i] = false;
            }
        }
    }
    let mut out = PhpArray::new();
    for ((k, v), kept) in entries.into_iter().zip(keep) {
        if kept {
            drop(out.insert(k, v));
        }
    }
    Ok(Zval::array(out))
}
