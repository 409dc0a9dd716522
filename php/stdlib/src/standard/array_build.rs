//! Building arrays from parts: `array_fill`, `array_fill_keys`, `array_combine`, `array_pad`,
//! `array_column`, `array_flip` and `array_count_values`.

use super::array_lookup::offset_key;
use crate::args;
use php_runtime::object::PhpObject;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("array_fill", array_fill),
    ("array_fill_keys", array_fill_keys),
    ("array_combine", array_combine),
    ("array_pad", array_pad),
    ("array_column", array_column),
    ("array_flip", array_flip),
    ("array_count_values", array_count_values),
];

fn occupied(h: &mut dyn Host) -> PhpError {
    h.throw(
        "Error",
        "Cannot add element to the array as the next element is already occupied".into(),
    )
}

/// The key a value makes when converted to a string (ints stay ints; `"5"` becomes 5), as
/// `array_fill_keys` and `array_combine` convert their keys.
fn string_key(h: &mut dyn Host, v: &Zval) -> Result<ArrayKey, PhpError> {
    match v.view() {
        View::Int(i) => Ok(ArrayKey::Int(i)),
        View::Ref(r) => string_key(h, &r.get()),
        View::Array(_) => {
            h.warn("Array to string conversion")?;
            Ok(ArrayKey::from("Array"))
        }
        View::Object(o) => {
            let msg = format!(
                "Object of class {} could not be converted to string",
                o.class().display()
            );
            Err(h.throw("Error", msg))
        }
        _ => {
            let s = php_runtime::convert::to_php_string(v).unwrap_or_else(|| PhpString::from(""));
            Ok(ArrayKey::from_string(s))
        }
    }
}

fn array_fill(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_fill", a, 3, 3)?;
    let start = args::int(h, "array_fill", 1, "start_index", &a[0])?;
    let count = args::int(h, "array_fill", 2, "count", &a[1])?;
    if count < 0 {
        return Err(h.throw(
            "ValueError",
            "array_fill(): Argument #2 ($count) must be greater than or equal to 0".into(),
        ));
    }
    if count > i64::from(i32::MAX) {
        return Err(h.throw(
            "ValueError",
            "array_fill(): Argument #2 ($count) is too large".into(),
        ));
    }
    let mut out = PhpArray::new();
    for i in 0..count {
        if i == 0 {
            drop(out.insert(ArrayKey::Int(start), a[2].clone()));
        } else if out.append(a[2].clone()).is_err() {
            return Err(occupied(h));
        }
    }
    Ok(Zval::array(out))
}

fn array_fill_keys(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_fill_keys", a, 2, 2)?;
    let keys = args::array(h, "array_fill_keys", 1, "keys", &a[0])?;
    let mut out = PhpArray::new();
    for (_, k) in keys.iter() {
        let key = string_key(h, k)?;
        drop(out.insert(key, a[1].clone()));
    }
    Ok(Zval::array(out))
}

fn array_combine(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_combine", a, 2, 2)?;
    let keys = args::array(h, "array_combine", 1, "keys", &a[0])?;
    let values = args::array(h, "array_combine", 2, "values", &a[1])?;
    if keys.len() != values.len() {
        return Err(h.throw(
            "ValueError",
            "array_combine(): Argument #1 ($keys) and argument #2 ($values) must have the same number of elements".into(),
        ));
    }
    let mut out = PhpArray::new();
    for ((_, k), (_, v)) in keys.iter().zip(values.iter()) {
        let key = string_key(h, k)?;
        drop(out.insert(key, v.clone()));
    }
    Ok(Zval::array(out))
}

fn array_pad(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_pad", a, 3, 3)?;
    let arr = args::array(h, "array_pad", 1, "array", &a[0])?;
    let size = args::int(h, "array_pad", 2, "length", &a[1])?;
    let want = size.unsigned_abs();
    let have = arr.len() as u64;
    if want <= have {
        return Ok(Zval::array(arr));
    }
    if want - have > 1_048_576 {
        return Err(h.throw(
            "ValueError",
            "array_pad(): Argument #2 ($length) must be less than or equal to 1048576".into(),
        ));
    }
    let pads = (want - have) as usize;
    let mut out = PhpArray::new();
    if size < 0 {
        for _ in 0..pads {
            let _ = out.append(a[2].clone());
        }
    }
    for (k, v) in arr.iter() {
        let added = match k {
            ArrayKey::Int(_) => out.append(v.clone()).is_ok(),
            ArrayKey::Str(_) => {
                drop(out.insert(k.clone(), v.clone()));
                true
            }
        };
        if !added {
            return Err(occupied(h));
        }
    }
    if size > 0 {
        for _ in 0..pads {
            if out.append(a[2].clone()).is_err() {
                return Err(occupied(h));
            }
        }
    }
    Ok(Zval::array(out))
}

/// A `string|int|null` parameter of `array_column`, as the key it names.
fn column_param(
    h: &mut dyn Host,
    a: &[Zval],
    i: usize,
    param: &str,
) -> Result<Option<ArrayKey>, PhpError> {
    let Some(v) = a.get(i) else {
        return Ok(None);
    };
    let v = v.deref();
    Ok(Some(match v.view() {
        View::Null | View::Undef => return Ok(None),
        View::Int(n) => ArrayKey::Int(n),
        View::Bool(b) => ArrayKey::Int(i64::from(b)),
        View::Str(s) => ArrayKey::from_string(s.clone()),
        View::Float(f) if php_runtime::number::float_fits_int(f) => {
            ArrayKey::Int(args::int(h, "array_column", i + 1, param, &v)?)
        }
        View::Float(_) => ArrayKey::from_string(
            php_runtime::convert::to_php_string(&v).unwrap_or_else(|| PhpString::from("")),
        ),
        _ => {
            let given = match v.view() {
                View::Object(o) => o.class().display(),
                _ => php_runtime::convert::type_name(&v).to_string(),
            };
            let msg = format!(
                "array_column(): Argument #{} (${param}) must be of type string|int|null, {given} given",
                i + 1
            );
            return Err(h.throw("TypeError", msg));
        }
    }))
}

/// The public property of an object named by `key`.
fn public_prop(o: &PhpObject, key: &ArrayKey) -> Option<Zval> {
    let v = o.props().get(key.as_ref())?.deref();
    if matches!(v.view(), View::Undef) {
        return None;
    }
    if let ArrayKey::Str(name) = key
        && o.class().sees(None, name.as_bytes()).is_none()
    {
        return None;
    }
    Some(v)
}

/// The entry `key` of a row (an array's element or an object's public property).
fn fetch(row: &Zval, key: &ArrayKey) -> Option<Zval> {
    match row.view() {
        View::Array(arr) => arr.get(key.as_ref()).map(Zval::deref),
        View::Object(o) => public_prop(o, key),
        View::Ref(r) => fetch(&r.get(), key),
        _ => None,
    }
}

fn array_column(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_column", a, 2, 3)?;
    let arr = args::array(h, "array_column", 1, "array", &a[0])?;
    let column = column_param(h, a, 1, "column_key")?;
    let index = column_param(h, a, 2, "index_key")?;
    let mut out = PhpArray::new();
    for (_, row) in arr.iter() {
        let row = row.deref();
        let value = match &column {
            None => row.clone(),
            Some(c) => match fetch(&row, c) {
                Some(v) => v,
                None => continue,
            },
        };
        match index.as_ref().and_then(|i| fetch(&row, i)) {
            Some(k) => {
                let key = offset_key(h, &k)?;
                drop(out.insert(key, value));
            }
            None => {
                if out.append(value).is_err() {
                    return Err(occupied(h));
                }
            }
        }
    }
    Ok(Zval::array(out))
}

fn array_flip(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_flip", a, 1, 1)?;
    let arr = args::array(h, "array_flip", 1, "array", &a[0])?;
    let mut out = PhpArray::new();
    for (k, v) in arr.iter() {
        match v.deref().view() {
            View::Int(i) => drop(out.insert(ArrayKey::Int(i), k.to_zval())),
            View::Str(s) => drop(out.insert(ArrayKey::from_string(s.clone()), k.to_zval())),
            _ => h.warn("array_flip(): Can only flip string and integer values, entry skipped")?,
        }
    }
    Ok(Zval::array(out))
}

fn array_count_values(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_count_values", a, 1, 1)?;
    let arr = args::array(h, "array_count_values", 1, "array", &a[0])?;
    let mut out = PhpArray::new();
    for (_, v) in arr.iter() {
        let key = match v.deref().view() {
            View::Int(i) => ArrayKey::Int(i),
            View::Str(s) => ArrayKey::from_string(s.clone()),
            _ => {
                h.warn(
                    "array_count_values(): Can only count string and integer values, entry skipped",
                )?;
                continue;
            }
        };
        let n = out
            .get(key.as_ref())
            .map_or(0, php_runtime::convert::to_int);
        drop(out.insert(key, Zval::int(n + 1)));
    }
    Ok(Zval::array(out))
}
