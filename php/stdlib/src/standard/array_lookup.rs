//! Questions about an array's keys and values: `array_search`, `array_key_exists` (and its
//! alias `key_exists`), `array_key_first`, `array_key_last`, `array_is_list`, and the
//! `array_product` of its values. Also the conversion of a value to an array key as `$a[$v]`
//! makes it, shared with the functions that build arrays.

use crate::args;
use php_runtime::compare::{NestingTooDeep, identical, loose_eq};
use php_runtime::format::{Style, float_to_string};
use php_runtime::number::{Num, float_fits_int, float_to_int};
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("array_search", array_search),
    ("array_key_exists", array_key_exists),
    ("key_exists", key_exists),
    ("array_key_first", array_key_first),
    ("array_key_last", array_key_last),
    ("array_is_list", array_is_list),
    ("array_product", array_product),
];

/// The key `$array[$v]` uses for the value `v` (PHP's `TypeError` "Illegal offset type" for
/// arrays and objects; a float loses its fraction with PHP's deprecation).
pub(crate) fn offset_key(h: &mut dyn Host, v: &Zval) -> Result<ArrayKey, PhpError> {
    Ok(match v.view() {
        View::Int(i) => ArrayKey::Int(i),
        View::Str(s) => ArrayKey::from_string(s.clone()),
        View::Null | View::Undef => ArrayKey::Str(PhpString::from("")),
        View::Bool(b) => ArrayKey::Int(i64::from(b)),
        View::Float(f) => {
            let i = float_to_int(f);
            if !f.is_finite() || !float_fits_int(f) || i as f64 != f {
                let shown = float_to_string(f, Style::Dump);
                h.deprecated(&format!(
                    "Implicit conversion from float {shown} to int loses precision"
                ))?;
            }
            ArrayKey::Int(i)
        }
        View::Ref(r) => return offset_key(h, &r.get()),
        View::Resource(r) => {
            let id = r.id();
            h.warn(&format!(
                "Resource ID#{id} used as offset, casting to integer ({id})"
            ))?;
            ArrayKey::Int(id)
        }
        View::Array(_) | View::Object(_) => {
            return Err(h.throw("TypeError", "Illegal offset type".into()));
        }
    })
}

fn nesting(h: &mut dyn Host) -> PhpError {
    h.throw("Error", NestingTooDeep::MESSAGE.into())
}

fn array_search(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_search", a, 2, 3)?;
    let arr = args::array(h, "array_search", 2, "haystack", &a[1])?;
    let strict = a.len() == 3 && args::boolean(h, "array_search", 3, "strict", &a[2])?;
    let needle = a[0].deref();
    for (k, v) in arr.iter() {
        let same = if strict {
            identical(&needle, v)
        } else {
            loose_eq(&needle, v)
        };
        match same {
            Ok(true) => return Ok(k.to_zval()),
            Ok(false) => {}
            Err(_) => return Err(nesting(h)),
        }
    }
    Ok(Zval::bool(false))
}

fn key_exists_as(h: &mut dyn Host, a: &[Zval], name: &str) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 2, 2)?;
    let arr = args::array(h, name, 2, "array", &a[1])?;
    let key = offset_key(h, &a[0])?;
    Ok(Zval::bool(arr.contains(key.as_ref())))
}

fn array_key_exists(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    key_exists_as(h, a, "array_key_exists")
}

fn key_exists(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    key_exists_as(h, a, "key_exists")
}

fn array_key_first(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_key_first", a, 1, 1)?;
    let arr = args::array(h, "array_key_first", 1, "array", &a[0])?;
    Ok(arr.iter().next().map_or(Zval::NULL, |(k, _)| k.to_zval()))
}

fn array_key_last(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_key_last", a, 1, 1)?;
    let arr = args::array(h, "array_key_last", 1, "array", &a[0])?;
    Ok(arr.iter().last().map_or(Zval::NULL, |(k, _)| k.to_zval()))
}

fn array_is_list(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_is_list", a, 1, 1)?;
    let arr = args::array(h, "array_is_list", 1, "array", &a[0])?;
    let list = arr
        .iter()
        .enumerate()
        .all(|(i, (k, _))| *k == ArrayKey::Int(i as i64));
    Ok(Zval::bool(list))
}

fn array_product(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    use php_runtime::convert::{Operand, to_operand};
    args::arity(h, "array_product", a, 1, 1)?;
    let arr = args::array(h, "array_product", 1, "array", &a[0])?;
    let mut product = Num::Int(1);
    for (_, v) in arr.iter() {
        let n = match to_operand(v) {
            Operand::Num(n) | Operand::Leading(n) => n,
            Operand::Unsupported => match v.deref().view() {
                View::Array(_) | View::Object(_) => continue,
                _ => Num::Int(0),
            },
        };
        product = php_runtime::arith::mul(product, n);
    }
    Ok(Zval::from(product))
}
