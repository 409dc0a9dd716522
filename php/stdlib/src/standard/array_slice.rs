//! Cutting arrays into parts: `array_slice`, `array_splice` (in place, by reference) and
//! `array_chunk`.

use super::callbacks::{array_ref, carry_iters, put_back};
use crate::args;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("array_slice", array_slice),
    ("array_splice", array_splice),
    ("array_chunk", array_chunk),
];

/// The by-reference parameters of this family (0-based).
pub const BY_REF: &[(&str, &[usize])] = &[("array_splice", &[0])];

/// Adds an entry to `out`, renumbering int keys (unless `keep`) and keeping string keys.
fn push_entry(out: &mut PhpArray, k: &ArrayKey, v: &Zval, keep: bool) {
    match k {
        ArrayKey::Int(_) if !keep => {
            let _ = out.append(v.clone());
        }
        _ => drop(out.insert(k.clone(), v.clone())),
    }
}

/// An optional `?int` parameter (`None` when absent or null).
fn opt_int(
    h: &mut dyn Host,
    a: &[Zval],
    i: usize,
    func: &str,
    param: &str,
) -> Result<Option<i64>, PhpError> {
    match a.get(i) {
        None => Ok(None),
        Some(v) => args::nullable_int(h, func, i + 1, param, v),
    }
}

fn array_slice(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_slice", a, 2, 4)?;
    let arr = args::array(h, "array_slice", 1, "array", &a[0])?;
    let offset = args::int(h, "array_slice", 2, "offset", &a[1])?;
    let length = opt_int(h, a, 2, "array_slice", "length")?;
    let keep = a.len() > 3 && args::boolean(h, "array_slice", 4, "preserve_keys", &a[3])?;
    let n = arr.len() as i128;
    let mut offset = i128::from(offset);
    if offset > n {
        return Ok(Zval::array(PhpArray::new()));
    }
    if offset < 0 {
        offset = (n + offset).max(0);
    }
    let length = match length {
        None => n - offset,
        Some(l) if l < 0 => n - offset + i128::from(l),
        Some(l) => i128::from(l).min(n - offset),
    };
    let mut out = PhpArray::new();
    if length > 0 {
        for (k, v) in arr.iter().skip(offset as usize).take(length as usize) {
            push_entry(&mut out, k, v, keep);
        }
    }
    Ok(Zval::array(out))
}

/// `(array) $v`: the values of an array, nothing for null, the properties of an object, or a
/// list of the value itself.
fn as_array(v: &Zval) -> PhpArray {
    match v.view() {
        View::Array(a) => a.clone(),
        View::Null | View::Undef => PhpArray::new(),
        View::Object(o) => o.to_array(),
        View::Ref(r) => as_array(&r.get()),
        _ => PhpArray::from_list([v.clone()]),
    }
}

fn array_splice(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_splice", a, 2, 4)?;
    let arr = array_ref(h, "array_splice", 1, "array", &a[0])?;
    let offset = args::int(h, "array_splice", 2, "offset", &a[1])?;
    let length = opt_int(h, a, 2, "array_splice", "length")?;
    let replacement = a.get(3).map(as_array);
    let n = arr.len() as i128;
    let mut offset = i128::from(offset);
    if offset < 0 {
        offset = (n + offset).max(0);
    } else if offset > n {
        offset = n;
    }
    let length = match length {
        None => n - offset,
        Some(l) if l < 0 => (n - offset + i128::from(l)).max(0),
        Some(l) => i128::from(l).min(n - offset),
    };
    let (start, end) = (offset as usize, (offset + length) as usize);
    let mut out = PhpArray::new();
    let mut removed = PhpArray::new();
    for (i, (k, v)) in arr.iter().enumerate() {
        if i == start
            && let Some(r) = &replacement
        {
            for (_, rv) in r.iter() {
                let _ = out.append(rv.clone());
            }
        }
        if i >= start && i < end {
            push_entry(&mut removed, k, v, false);
        } else {
            push_entry(&mut out, k, v, false);
        }
    }
    if start >= arr.len()
        && let Some(r) = &replacement
    {
        for (_, rv) in r.iter() {
            let _ = out.append(rv.clone());
        }
    }
    // A loop on a removed entry goes on after the replacement.
    let added = replacement.as_ref().map_or(0, |r| r.len());
    carry_iters(&arr, &mut out, |i| match i {
        i if i < start => i,
        i if i < end => start + added,
        i => i - (end - start) + added,
    });
    drop(arr);
    put_back(&a[0], out);
    Ok(Zval::array(removed))
}

fn array_chunk(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_chunk", a, 2, 3)?;
    let arr = args::array(h, "array_chunk", 1, "array", &a[0])?;
    let size = args::int(h, "array_chunk", 2, "length", &a[1])?;
    let keep = a.len() > 2 && args::boolean(h, "array_chunk", 3, "preserve_keys", &a[2])?;
    if size < 1 {
        return Err(h.throw(
            "ValueError",
            "array_chunk(): Argument #2 ($length) must be greater than 0".into(),
        ));
    }
    let mut out = PhpArray::new();
    let mut chunk = PhpArray::new();
    for (k, v) in arr.iter() {
        if keep {
            drop(chunk.insert(k.clone(), v.clone()));
        } else {
            let _ = chunk.append(v.clone());
        }
        if chunk.len() as i64 == size {
            let _ = out.append(Zval::array(std::mem::take(&mut chunk)));
        }
    }
    if !chunk.is_empty() {
        let _ = out.append(Zval::array(chunk));
    }
    Ok(Zval::array(out))
}
