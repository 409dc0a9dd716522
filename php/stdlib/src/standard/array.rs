//! Array functions.

use crate::args;
use php_runtime::compare::{NestingTooDeep, identical, loose_eq};
use php_runtime::number::Num;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("count", count),
    ("sizeof", count),
    ("array_keys", array_keys),
    ("array_values", array_values),
    ("in_array", in_array),
    ("array_sum", array_sum),
    ("array_reverse", array_reverse),
    ("array_merge", array_merge),
    ("range", range),
];

fn nesting(h: &mut dyn Host) -> PhpError {
    h.throw("Error", NestingTooDeep::MESSAGE.into())
}

fn count(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "count", a, 1, 2)?;
    let v = a[0].deref();
    match v.view() {
        View::Array(arr) => Ok(Zval::int(arr.len() as i64)),
        View::Object(o) if o.class().is_a_name(b"countable") => {
            let f = PhpArray::from_list([v.clone(), Zval::str("count")]);
            let n = h.call(&Zval::array(f), Vec::new())?;
            Ok(Zval::int(php_runtime::convert::to_int(&n.deref())))
        }
        _ => {
            let given = match v.view() {
                View::Object(o) => o.class().display(),
                _ => php_runtime::convert::type_name(&v).to_string(),
            };
            let msg = format!(
                "count(): Argument #1 ($value) must be of type Countable|array, {given} given"
            );
            Err(h.throw("TypeError", msg))
        }
    }
}

fn array_keys(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_keys", a, 1, 3)?;
    let arr = args::array(h, "array_keys", 1, "array", &a[0])?;
    let Some(filter) = a.get(1) else {
        return Ok(Zval::array(PhpArray::from_list(
            arr.iter().map(|(k, _)| k.to_zval()),
        )));
    };
    // With `filter_value`: the keys of the elements equal to it (identical if `strict`).
    let strict = a.len() == 3 && args::boolean(h, "array_keys", 3, "strict", &a[2])?;
    let mut keys = PhpArray::new();
    for (k, v) in arr.iter() {
        let same = match strict {
            true => identical(filter, v),
            false => loose_eq(filter, v),
        };
        match same {
            Ok(true) => drop(keys.append(k.to_zval())),
            Ok(false) => {}
            Err(_) => return Err(nesting(h)),
        }
    }
    Ok(Zval::array(keys))
}

fn array_values(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_values", a, 1, 1)?;
    let arr = args::array(h, "array_values", 1, "array", &a[0])?;
    Ok(Zval::array(PhpArray::from_list(
        arr.iter().map(|(_, v)| php_runtime::array::copy_element(v)),
    )))
}

fn in_array(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "in_array", a, 2, 3)?;
    let arr = args::array(h, "in_array", 2, "haystack", &a[1])?;
    let strict = a.len() == 3 && args::boolean(h, "in_array", 3, "strict", &a[2])?;
    for (_, v) in arr.iter() {
        let same = if strict {
            identical(&a[0], v)
        } else {
            loose_eq(&a[0], v)
        };
        match same {
            Ok(true) => return Ok(Zval::bool(true)),
            Ok(false) => {}
            Err(_) => return Err(nesting(h)),
        }
    }
    Ok(Zval::bool(false))
}

fn array_sum(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_sum", a, 1, 1)?;
    let arr = args::array(h, "array_sum", 1, "array", &a[0])?;
    let mut sum = Num::Int(0);
    for (_, v) in arr.iter() {
        let n = match php_runtime::convert::to_operand(v) {
            php_runtime::convert::Operand::Num(n) | php_runtime::convert::Operand::Leading(n) => n,
            php_runtime::convert::Operand::Unsupported => match v.view() {
                View::Array(_) => continue,
                _ => Num::Int(0),
            },
        };
        sum = php_runtime::arith::add(sum, n);
    }
    Ok(Zval::from(sum))
}

fn array_reverse(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_reverse", a, 1, 2)?;
    let arr = args::array(h, "array_reverse", 1, "array", &a[0])?;
    let keep = a.len() == 2 && args::boolean(h, "array_reverse", 2, "preserve_keys", &a[1])?;
    let entries: Vec<(ArrayKey, Zval)> = arr
        .iter()
        .map(|(k, v)| (k.clone(), php_runtime::array::copy_element(v)))
        .collect();
    let mut out = PhpArray::new();
    for (k, v) in entries.into_iter().rev() {
        match k {
            ArrayKey::Int(_) if !keep => {
                let _ = out.append(v);
            }
            k => {
                out.insert(k, v);
            }
        }
    }
    Ok(Zval::array(out))
}

fn array_merge(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let mut out = PhpArray::new();
    for arr in super::array_replace::arrays(h, "array_merge", a, None)? {
        for (k, item) in arr.iter() {
            match k {
                ArrayKey::Int(_) => {
                    let _ = out.append(php_runtime::array::copy_element(item));
                }
                ArrayKey::Str(_) => {
                    out.insert(k.clone(), php_runtime::array::copy_element(item));
                }
            }
        }
    }
    Ok(Zval::array(out))
}

fn range(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "range", a, 2, 3)?;
    // Single-character strings make a range of characters.
    if let (View::Str(x), View::Str(y)) = (a[0].view(), a[1].view())
        && x.len() == 1
        && y.len() == 1
        && !x.as_bytes()[0].is_ascii_digit()
    {
        let step = if a.len() == 3 {
            args::int(h, "range", 3, "step", &a[2])?
                .unsigned_abs()
                .max(1)
        } else {
            1
        };
        let (s, e) = (x.as_bytes()[0] as i64, y.as_bytes()[0] as i64);
        let mut out = Vec::new();
        let mut c = s;
        while (s <= e && c <= e) || (s > e && c >= e) {
            out.push(Zval::string(PhpString::new(&[c as u8])));
            c += if s <= e { step as i64 } else { -(step as i64) };
        }
        return Ok(Zval::array(PhpArray::from_list(out)));
    }
    let start = args::number(h, "range", 1, "start", "string|int|float", &a[0])?;
    let end = args::number(h, "range", 2, "end", "string|int|float", &a[1])?;
    let step = if a.len() == 3 {
        args::number(h, "range", 3, "step", "int|float", &a[2])?
    } else {
        Num::Int(1)
    };
    let mut out = Vec::new();
    match (start, end, step) {
        (Num::Int(s), Num::Int(e), Num::Int(st)) => {
            let st = st.unsigned_abs().max(1);
            if (e as i128 - s as i128).unsigned_abs() / u128::from(st) > 10_000_000 {
                return Err(h.throw("ValueError", "range(): too many elements".into()));
            }
            let mut c = s as i128;
            while (s <= e && c <= e as i128) || (s > e && c >= e as i128) {
                out.push(Zval::int(c as i64));
                c += if s <= e { st as i128 } else { -(st as i128) };
            }
        }
        _ => {
            let (s, e, st) = (start.to_f64(), end.to_f64(), step.to_f64().abs());
            if st == 0.0 || !st.is_finite() || ((e - s) / st).abs() > 10_000_000.0 {
                return Err(h.throw(
                    "ValueError",
                    "range(): Argument #3 ($step) must not exceed the specified range".into(),
                ));
            }
            let n = ((e - s).abs() / st + 1e-9).floor() as i64;
            for i in 0..=n {
                let v = if s <= e {
                    s + i as f64 * st
                } else {
                    s - i as f64 * st
                };
                out.push(Zval::float(v));
            }
        }
    }
    Ok(Zval::array(PhpArray::from_list(out)))
}
