//! Argument checks and coercions of built-in functions, with PHP's messages (coercive typing
//! mode: `strict_types` is not supported yet).

use php_runtime::convert::{push_string, type_name};
use php_runtime::format::{Style, float_to_string};
use php_runtime::number::{Num, Numeric, float_fits_int, parse_numeric};
use php_runtime::resource::PhpResource;
use php_runtime::value::View;
use php_runtime::{Host, PhpArray, PhpError, PhpString, Zval};

/// Checks the number of arguments: PHP's `ArgumentCountError` otherwise.
pub fn arity(
    h: &mut dyn Host,
    name: &str,
    args: &[Zval],
    min: usize,
    max: usize,
) -> Result<(), PhpError> {
    if args.len() >= min && args.len() <= max {
        return Ok(());
    }
    let (word, n) = if min == max {
        ("exactly", min)
    } else if args.len() < min {
        ("at least", min)
    } else {
        ("at most", max)
    };
    let s = if n == 1 { "" } else { "s" };
    let msg = format!(
        "{name}() expects {word} {n} argument{s}, {} given",
        args.len()
    );
    Err(h.throw("ArgumentCountError", msg))
}

fn type_error(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    want: &str,
    v: &Zval,
) -> PhpError {
    let given = match v.view() {
        View::Object(o) => o.class().display(),
        _ => type_name(v).to_string(),
    };
    let msg = format!("{func}(): Argument #{n} (${param}) must be of type {want}, {given} given");
    h.throw("TypeError", msg)
}

fn null_deprecated(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    want: &str,
) -> Result<(), PhpError> {
    h.deprecated(&format!(
        "{func}(): Passing null to parameter #{n} (${param}) of type {want} is deprecated"
    ))
}

/// A `string` parameter.
pub fn string(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<PhpString, PhpError> {
    match v.view() {
        View::Str(s) => Ok(s.clone()),
        View::Null | View::Undef => {
            null_deprecated(h, func, n, param, "string")?;
            Ok(PhpString::from(""))
        }
        View::Object(o) if o.class().method(b"__tostring").is_some() => h.object_to_string(v),
        View::Array(_) | View::Object(_) | View::Resource(_) => {
            Err(type_error(h, func, n, param, "string", v))
        }
        View::Ref(r) => r.with(|v| string(h, func, n, param, v)),
        _ => {
            let mut out = Vec::new();
            push_string(&mut out, v);
            Ok(PhpString::new(&out))
        }
    }
}

/// An `int` parameter.
pub fn int(h: &mut dyn Host, func: &str, n: usize, param: &str, v: &Zval) -> Result<i64, PhpError> {
    int_of_type(h, func, n, param, v, "int")
}

/// A `?int` parameter: `None` for `null`.
pub fn nullable_int(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<Option<i64>, PhpError> {
    match v.deref().view() {
        View::Null | View::Undef => Ok(None),
        _ => int_of_type(h, func, n, param, v, "?int").map(Some),
    }
}

/// An `int` parameter, of type `want` in PHP's messages.
fn int_of_type(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
    want: &str,
) -> Result<i64, PhpError> {
    match v.view() {
        View::Int(i) => Ok(i),
        View::Bool(b) => Ok(i64::from(b)),
        View::Null | View::Undef => {
            null_deprecated(h, func, n, param, "int")?;
            Ok(0)
        }
        View::Float(f) => float_to_int_arg(h, func, n, param, f, v, want),
        View::Str(s) => match parse_numeric(s.as_bytes()) {
            Numeric::Whole(Num::Int(i)) => Ok(i),
            Numeric::Whole(Num::Float(f)) => float_to_int_arg(h, func, n, param, f, v, want),
            _ => Err(type_error(h, func, n, param, want, v)),
        },
        View::Ref(r) => r.with(|v| int_of_type(h, func, n, param, v, want)),
        View::Array(_) | View::Object(_) | View::Resource(_) => {
            Err(type_error(h, func, n, param, want, v))
        }
    }
}

fn float_to_int_arg(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    f: f64,
    v: &Zval,
    want: &str,
) -> Result<i64, PhpError> {
    if !f.is_finite() || !float_fits_int(f) {
        return Err(type_error(h, func, n, param, want, v));
    }
    if f.fract() != 0.0 {
        // A float read from a numeric string is named by the string.
        let shown = match v.view() {
            View::Str(s) => format!("-string \"{}\"", String::from_utf8_lossy(s.as_bytes())),
            _ => format!(" {}", float_to_string(f, Style::Dump)),
        };
        h.deprecated(&format!(
            "Implicit conversion from float{shown} to int loses precision"
        ))?;
    }
    Ok(f as i64)
}

/// A `float` parameter.
pub fn float(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<f64, PhpError> {
    Ok(number(h, func, n, param, "float", v)?.to_f64())
}

/// An `int|float` parameter: the number as given (numeric strings read as numbers).
pub fn number(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    want: &str,
    v: &Zval,
) -> Result<Num, PhpError> {
    match v.view() {
        View::Int(i) => Ok(Num::Int(i)),
        View::Float(f) => Ok(Num::Float(f)),
        View::Bool(b) => Ok(Num::Int(i64::from(b))),
        View::Null | View::Undef => {
            null_deprecated(h, func, n, param, want)?;
            Ok(Num::Int(0))
        }
        View::Str(s) => match parse_numeric(s.as_bytes()) {
            Numeric::Whole(n) => Ok(n),
            _ => Err(type_error(h, func, n, param, want, v)),
        },
        View::Ref(r) => r.with(|v| number(h, func, n, param, want, v)),
        View::Array(_) | View::Object(_) | View::Resource(_) => {
            Err(type_error(h, func, n, param, want, v))
        }
    }
}

/// An `array` parameter.
pub fn array(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<PhpArray, PhpError> {
    match v.view() {
        View::Array(a) => Ok(a.clone()),
        View::Ref(r) => r.with(|v| array(h, func, n, param, v)),
        _ => Err(type_error(h, func, n, param, "array", v)),
    }
}

/// A `resource` parameter.
pub fn resource(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<PhpResource, PhpError> {
    match v.view() {
        View::Resource(r) => Ok(r.clone()),
        View::Ref(r) => r.with(|v| resource(h, func, n, param, v)),
        _ => Err(type_error(h, func, n, param, "resource", v)),
    }
}

/// A `bool` parameter.
pub fn boolean(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<bool, PhpError> {
    match v.view() {
        View::Array(_) => Err(type_error(h, func, n, param, "bool", v)),
        View::Null | View::Undef => {
            null_deprecated(h, func, n, param, "bool")?;
            Ok(false)
        }
        _ => Ok(php_runtime::convert::to_bool(v)),
    }
}
