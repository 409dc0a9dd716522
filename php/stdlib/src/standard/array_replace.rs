//! Combining arrays key by key: `array_replace` (later arrays overwrite earlier entries),
//! `array_replace_recursive` (nested arrays replaced entry by entry), and
//! `array_merge_recursive` (entries with the same string key gathered into arrays).

use crate::args;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("array_replace", array_replace),
    ("array_replace_recursive", array_replace_recursive),
    ("array_merge_recursive", array_merge_recursive),
];

/// The array arguments of a call; `first` names the first parameter (`None`: all are
/// variadic, which PHP does not name).
pub(crate) fn arrays(
    h: &mut dyn Host,
    func: &str,
    a: &[Zval],
    first: Option<&str>,
) -> Result<Vec<PhpArray>, PhpError> {
    let mut out = Vec::with_capacity(a.len());
    for (i, v) in a.iter().enumerate() {
        out.push(match first {
            Some(name) if i == 0 => args::array(h, func, 1, name, v)?,
            _ => variadic_array(h, func, i + 1, v)?,
        });
    }
    Ok(out)
}

/// An array argument `n` of a variadic parameter (which PHP's messages do not name).
pub(crate) fn variadic_array(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    v: &Zval,
) -> Result<PhpArray, PhpError> {
    if let View::Array(arr) = v.deref().view() {
        return Ok(arr.clone());
    }
    let given = match v.deref().view() {
        View::Object(o) => o.class().display(),
        _ => php_runtime::convert::type_name(v).to_string(),
    };
    let msg = format!("{func}(): Argument #{n} must be of type array, {given} given");
    Err(h.throw("TypeError", msg))
}

fn array_replace(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_replace", a, 1, usize::MAX)?;
    let all = arrays(h, "array_replace", a, Some("array"))?;
    let mut out = all[0].clone();
    for arr in &all[1..] {
        for (k, v) in arr.iter() {
            drop(out.insert(k.clone(), v.clone()));
        }
    }
    Ok(Zval::array(out))
}

/// The array a value holds, seeing through a reference.
fn array_of(v: &Zval) -> Option<PhpArray> {
    match v.deref().view() {
        View::Array(a) => Some(a.clone()),
        _ => None,
    }
}

fn replace_into(dest: &mut PhpArray, src: &PhpArray) {
    for (k, v) in src.iter() {
        let nested = array_of(v).and_then(|s| {
            let d = array_of(dest.get(k.as_ref())?)?;
            Some((d, s))
        });
        match nested {
            Some((mut d, s)) => {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || replace_into(&mut d, &s));
                drop(dest.insert(k.clone(), Zval::array(d)));
            }
            None => drop(dest.insert(k.clone(), v.clone())),
        }
    }
}

fn array_replace_recursive(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_replace_recursive", a, 1, usize::MAX)?;
    let all = arrays(h, "array_replace_recursive", a, Some("array"))?;
    let mut out = all[0].clone();
    for arr in &all[1..] {
        replace_into(&mut out, arr);
    }
    Ok(Zval::array(out))
}

/// `(array) $v` for a value that is not an array: the properties of an object, an empty
/// array for null, else a list of the value.
fn to_array(v: Zval) -> PhpArray {
    match v.view() {
        View::Array(a) => a.clone(),
        View::Null | View::Undef => PhpArray::new(),
        View::Object(o) => o.to_array(),
        _ => PhpArray::from_list([v]),
    }
}

fn occupied(h: &mut dyn Host) -> PhpError {
    h.throw(
        "Error",
        "Cannot add element to the array as the next element is already occupied".into(),
    )
}

fn merge_into(h: &mut dyn Host, dest: &mut PhpArray, src: &PhpArray) -> Result<(), PhpError> {
    for (k, v) in src.iter() {
        let existing = match k {
            ArrayKey::Str(_) => dest.get(k.as_ref()).map(Zval::deref),
            ArrayKey::Int(_) => None,
        };
        let Some(existing) = existing else {
            let added = match k {
                ArrayKey::Str(_) => {
                    drop(dest.insert(k.clone(), v.clone()));
                    true
                }
                ArrayKey::Int(_) => dest.append(v.clone()).is_ok(),
            };
            if !added {
                return Err(occupied(h));
            }
            continue;
        };
        let mut gathered = if existing.is_null() {
            PhpArray::from_list([Zval::NULL])
        } else {
            to_array(existing)
        };
        let v = v.deref();
        let nested = match v.view() {
            View::Array(s) => Some(s.clone()),
            View::Object(_) => Some(to_array(v.clone())),
            _ => None,
        };
        match nested {
            Some(s) => {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || merge_into(h, &mut gathered, &s))?;
            }
            None => {
                if gathered.append(v).is_err() {
                    return Err(occupied(h));
                }
            }
        }
        drop(dest.insert(k.clone(), Zval::array(gathered)));
    }
    Ok(())
}

fn array_merge_recursive(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let all = arrays(h, "array_merge_recursive", a, None)?;
    let mut out = PhpArray::new();
    for arr in &all {
        merge_into(h, &mut out, arr)?;
    }
    Ok(Zval::array(out))
}
