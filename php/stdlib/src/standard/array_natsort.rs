//! Natural order ("img2" before "img10"): the comparison PHP's `strnatcmp` family uses, and
//! `natsort`/`natcasesort`, which sort an array in place by it, keeping the keys.

use super::callbacks::{array_ref, put_back};
use crate::args;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};
use std::cmp::Ordering;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[("natsort", natsort), ("natcasesort", natcasesort)];

/// The by-reference parameters of this family (0-based).
pub const BY_REF: &[(&str, &[usize])] = &[("natsort", &[0]), ("natcasesort", &[0])];

/// The byte at `i`, or 0 past the end (as reading a C string's terminator).
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

fn digit_at(s: &[u8], i: usize) -> bool {
    at(s, i).is_ascii_digit()
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Two runs of digits compared as integers: the longer run is greater; at equal lengths, the
/// first differing digit decides.
fn compare_integers(a: &[u8], ap: &mut usize, b: &[u8], bp: &mut usize) -> Ordering {
    let mut first_difference = Ordering::Equal;
    loop {
        match (digit_at(a, *ap), digit_at(b, *bp)) {
            (false, false) => return first_difference,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => {
                if first_difference == Ordering::Equal {
                    first_difference = a[*ap].cmp(&b[*bp]);
                }
            }
        }
        *ap += 1;
        *bp += 1;
    }
}

/// Two runs of digits compared as fractions (one starts with a zero): digit by digit, the
/// shorter run is less when it is a prefix.
fn compare_fractions(a: &[u8], ap: &mut usize, b: &[u8], bp: &mut usize) -> Ordering {
    loop {
        match (digit_at(a, *ap), digit_at(b, *bp)) {
            (false, false) => return Ordering::Equal,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => match a[*ap].cmp(&b[*bp]) {
                Ordering::Equal => {}
                o => return o,
            },
        }
        *ap += 1;
        *bp += 1;
    }
}

/// PHP's natural comparison of two strings (`strnatcmp`, or `strnatcasecmp` with `fold_case`):
/// leading zeros and whitespace are skipped, runs of digits compare as numbers, other bytes
/// one by one.
pub fn natural_compare(a: &[u8], b: &[u8], fold_case: bool) -> Ordering {
    if a.is_empty() || b.is_empty() {
        return a.len().cmp(&b.len());
    }
    let (mut ap, mut bp) = (0, 0);
    let mut leading = true;
    loop {
        let (mut ca, mut cb) = (at(a, ap), at(b, bp));
        if leading {
            while ca == b'0' && ap + 1 < a.len() && digit_at(a, ap + 1) {
                ap += 1;
                ca = a[ap];
            }
            while cb == b'0' && bp + 1 < b.len() && digit_at(b, bp + 1) {
                bp += 1;
                cb = b[bp];
            }
            leading = false;
        }
        while is_space(ca) {
            ap += 1;
            ca = at(a, ap);
        }
        while is_space(cb) {
            bp += 1;
            cb = at(b, bp);
        }
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let o = if ca == b'0' || cb == b'0' {
                compare_fractions(a, &mut ap, b, &mut bp)
            } else {
                compare_integers(a, &mut ap, b, &mut bp)
            };
            if o != Ordering::Equal {
                return o;
            }
            match (ap >= a.len(), bp >= b.len()) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                (false, false) => {
                    ca = a[ap];
                    cb = b[bp];
                }
            }
        }
        if fold_case {
            ca = ca.to_ascii_uppercase();
            cb = cb.to_ascii_uppercase();
        }
        match ca.cmp(&cb) {
            Ordering::Equal => {}
            o => return o,
        }
        ap += 1;
        bp += 1;
        match (ap >= a.len(), bp >= b.len()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
    }
}

/// A value as the string natural sorting compares (an array is "Array", with PHP's warning).
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

fn sort_natural(
    h: &mut dyn Host,
    a: &[Zval],
    func: &str,
    fold_case: bool,
) -> Result<Zval, PhpError> {
    args::arity(h, func, a, 1, 1)?;
    let arr = array_ref(h, func, 1, "array", &a[0])?;
    let mut entries: Vec<(ArrayKey, Zval)> =
        arr.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    drop(arr);
    super::stable_sort::sort_by(&mut entries, |x, y| {
        let (s, t) = (string_of(h, &x.1)?, string_of(h, &y.1)?);
        Ok(natural_compare(s.as_bytes(), t.as_bytes(), fold_case))
    })?;
    let mut out = PhpArray::new();
    for (k, v) in entries {
        drop(out.insert(k, v));
    }
    put_back(&a[0], out);
    Ok(Zval::bool(true))
}

fn natsort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    sort_natural(h, a, "natsort", false)
}

fn natcasesort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    sort_natural(h, a, "natcasesort", true)
}
