//! The built-in functions the VM has so far (the standard library proper comes in
//! `php-stdlib`), with PHP's argument checks.

use crate::error::PhpError;
use crate::ops::vars::{deprecated, throw};
use crate::vm::{Frame, vm_of};
use php_runtime::convert::{push_string, to_int};
use php_runtime::format::{Style, push_float};
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpString, Zval};

/// A built-in function: the caller's frame (for diagnostics and output) and the arguments.
pub type Builtin = fn(&mut Frame, &[Zval]) -> Result<Zval, PhpError>;

/// The built-in function of a lowercase name.
pub fn lookup(name: &[u8]) -> Option<Builtin> {
    Some(match name {
        b"strlen" => strlen,
        b"var_dump" => var_dump,
        b"intdiv" => intdiv,
        b"str_repeat" => str_repeat,
        b"count" | b"sizeof" => count,
        b"print_r" => print_r,
        b"implode" | b"join" => implode,
        b"is_array" => is_array,
        b"array_keys" => array_keys,
        b"array_values" => array_values,
        b"in_array" => in_array,
        _ => return None,
    })
}

fn arity(
    frame: &mut Frame,
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
    Err(throw(frame, "ArgumentCountError", msg))
}

fn type_of(v: &Zval) -> &'static str {
    crate::ops::arith::type_name(v)
}

/// A `string` parameter in coercive mode.
fn string_arg(
    frame: &mut Frame,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<PhpString, PhpError> {
    match v.view() {
        View::Str(s) => Ok(s.clone()),
        View::Null | View::Undef => {
            deprecated(
                frame,
                &format!(
                    "{func}(): Passing null to parameter #{n} (${param}) of type string is deprecated"
                ),
            )?;
            Ok(PhpString::from(""))
        }
        View::Array(_) => Err(throw(
            frame,
            "TypeError",
            format!(
                "{func}(): Argument #{n} (${param}) must be of type string, {} given",
                type_of(v)
            ),
        )),
        _ => {
            let mut out = Vec::new();
            push_string(&mut out, v);
            Ok(PhpString::new(&out))
        }
    }
}

/// An `int` parameter in coercive mode.
fn int_arg(
    frame: &mut Frame,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<i64, PhpError> {
    let bad = |frame: &mut Frame| {
        throw(
            frame,
            "TypeError",
            format!(
                "{func}(): Argument #{n} (${param}) must be of type int, {} given",
                type_of(v)
            ),
        )
    };
    match v.view() {
        View::Int(i) => Ok(i),
        View::Bool(b) => Ok(i64::from(b)),
        View::Null | View::Undef => {
            deprecated(
                frame,
                &format!(
                    "{func}(): Passing null to parameter #{n} (${param}) of type int is deprecated"
                ),
            )?;
            Ok(0)
        }
        View::Float(f) => {
            if !f.is_finite() || f.fract() != 0.0 || !php_runtime::number::float_fits_int(f) {
                if f.is_finite() && php_runtime::number::float_fits_int(f) {
                    let shown = php_runtime::format::float_to_string(f, Style::Dump);
                    deprecated(
                        frame,
                        &format!("Implicit conversion from float {shown} to int loses precision"),
                    )?;
                    return Ok(f as i64);
                }
                return Err(bad(frame));
            }
            Ok(f as i64)
        }
        View::Str(s) => match php_runtime::number::parse_numeric(s.as_bytes()) {
            php_runtime::number::Numeric::Whole(_) => Ok(to_int(v)),
            _ => Err(bad(frame)),
        },
        _ => Err(bad(frame)),
    }
}

fn strlen(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "strlen", args, 1, 1)?;
    let s = string_arg(frame, "strlen", 1, "string", &args[0])?;
    Ok(Zval::int(s.len() as i64))
}

fn intdiv(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "intdiv", args, 2, 2)?;
    let a = int_arg(frame, "intdiv", 1, "num1", &args[0])?;
    let b = int_arg(frame, "intdiv", 2, "num2", &args[1])?;
    if b == 0 {
        return Err(throw(
            frame,
            "DivisionByZeroError",
            "Division by zero".into(),
        ));
    }
    if a == i64::MIN && b == -1 {
        return Err(throw(
            frame,
            "ArithmeticError",
            "Division of PHP_INT_MIN by -1 is not an integer".into(),
        ));
    }
    Ok(Zval::int(a / b))
}

fn str_repeat(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "str_repeat", args, 2, 2)?;
    let s = string_arg(frame, "str_repeat", 1, "string", &args[0])?;
    let n = int_arg(frame, "str_repeat", 2, "times", &args[1])?;
    if n < 0 {
        return Err(throw(
            frame,
            "ValueError",
            "str_repeat(): Argument #2 ($times) must be greater than or equal to 0".into(),
        ));
    }
    Ok(Zval::string(PhpString::new(
        &s.as_bytes().repeat(n as usize),
    )))
}

/// `var_dump`'s text for `v`, indented by `indent` spaces (nested arrays on a stack grown on
/// demand).
fn dump(out: &mut Vec<u8>, v: &Zval, indent: usize) {
    let pad = |out: &mut Vec<u8>| out.extend(std::iter::repeat_n(b' ', indent));
    match v.view() {
        View::Undef | View::Null => {
            pad(out);
            out.extend_from_slice(b"NULL\n");
        }
        View::Bool(b) => {
            pad(out);
            out.extend_from_slice(if b { b"bool(true)\n" } else { b"bool(false)\n" });
        }
        View::Int(i) => {
            pad(out);
            out.extend_from_slice(format!("int({i})\n").as_bytes());
        }
        View::Float(f) => {
            pad(out);
            let mut s = String::from("float(");
            push_float(&mut s, f, Style::Dump);
            s.push_str(")\n");
            out.extend_from_slice(s.as_bytes());
        }
        View::Str(s) => {
            pad(out);
            out.extend_from_slice(format!("string({}) \"", s.len()).as_bytes());
            out.extend_from_slice(s.as_bytes());
            out.extend_from_slice(b"\"\n");
        }
        View::Array(a) => {
            pad(out);
            out.extend_from_slice(format!("array({}) {{\n", a.len()).as_bytes());
            for (k, item) in a.iter() {
                out.extend(std::iter::repeat_n(b' ', indent + 2));
                match k {
                    ArrayKey::Int(i) => out.extend_from_slice(format!("[{i}]=>\n").as_bytes()),
                    ArrayKey::Str(s) => {
                        out.extend_from_slice(b"[\"");
                        out.extend_from_slice(s.as_bytes());
                        out.extend_from_slice(b"\"]=>\n");
                    }
                }
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || dump(out, item, indent + 2));
            }
            pad(out);
            out.extend_from_slice(b"}\n");
        }
        View::Ref(r) => r.with(|v| dump(out, v, indent)),
    }
}

fn var_dump(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "var_dump", args, 1, usize::MAX)?;
    let mut out = Vec::new();
    for a in args {
        dump(&mut out, a, 0);
    }
    if vm_of(frame).output.write(&out) {
        Ok(Zval::NULL)
    } else {
        Err(PhpError::Output)
    }
}

/// An `array` parameter.
fn array_arg(
    frame: &mut Frame,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<PhpArray, PhpError> {
    match v.view() {
        View::Array(a) => Ok(a.clone()),
        _ => Err(throw(
            frame,
            "TypeError",
            format!(
                "{func}(): Argument #{n} (${param}) must be of type array, {} given",
                type_of(v)
            ),
        )),
    }
}

fn count(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "count", args, 1, 2)?;
    match args[0].view() {
        View::Array(a) => Ok(Zval::int(a.len() as i64)),
        _ => Err(throw(
            frame,
            "TypeError",
            format!(
                "count(): Argument #1 ($value) must be of type Countable|array, {} given",
                type_of(&args[0])
            ),
        )),
    }
}

/// `print_r`'s text for `v` (arrays nested at `indent`, on a stack grown on demand).
fn print_r_text(out: &mut Vec<u8>, v: &Zval, indent: usize) {
    match v.view() {
        View::Array(a) => {
            out.extend_from_slice(b"Array\n");
            out.extend(std::iter::repeat_n(b' ', indent));
            out.extend_from_slice(b"(\n");
            for (k, item) in a.iter() {
                out.extend(std::iter::repeat_n(b' ', indent + 4));
                out.push(b'[');
                match k {
                    ArrayKey::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
                    ArrayKey::Str(s) => out.extend_from_slice(s.as_bytes()),
                }
                out.extend_from_slice(b"] => ");
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    print_r_text(out, item, indent + 8)
                });
                out.push(b'\n');
            }
            out.extend(std::iter::repeat_n(b' ', indent));
            out.extend_from_slice(b")\n");
        }
        View::Ref(r) => r.with(|v| print_r_text(out, v, indent)),
        _ => {
            push_string(out, v);
        }
    }
}

fn print_r(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "print_r", args, 1, 2)?;
    let mut out = Vec::new();
    print_r_text(&mut out, &args[0], 0);
    if args.len() == 2 && php_runtime::convert::to_bool(&args[1]) {
        return Ok(Zval::string(PhpString::new(&out)));
    }
    if vm_of(frame).output.write(&out) {
        Ok(Zval::bool(true))
    } else {
        Err(PhpError::Output)
    }
}

fn implode(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "implode", args, 1, 2)?;
    let (sep, arr) = match (args.len(), args[0].view()) {
        (1, View::Array(a)) => (PhpString::from(""), a.clone()),
        (1, _) => {
            return Err(throw(
                frame,
                "TypeError",
                format!(
                    "implode(): Argument #1 ($pieces) must be of type array, {} given",
                    type_of(&args[0])
                ),
            ));
        }
        (_, View::Array(a)) => {
            let sep = string_arg(frame, "implode", 2, "array", &args[1])?;
            (sep, a.clone())
        }
        _ => {
            let sep = string_arg(frame, "implode", 1, "separator", &args[0])?;
            (sep, array_arg(frame, "implode", 2, "array", &args[1])?)
        }
    };
    let mut out = Vec::new();
    for (i, (_, v)) in arr.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep.as_bytes());
        }
        if push_string(&mut out, v).is_none() {
            crate::ops::vars::warn(frame, "Array to string conversion")?;
            out.extend_from_slice(b"Array");
        }
    }
    Ok(Zval::string(PhpString::new(&out)))
}

fn is_array(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "is_array", args, 1, 1)?;
    Ok(Zval::bool(matches!(args[0].view(), View::Array(_))))
}

fn array_keys(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "array_keys", args, 1, 1)?;
    let a = array_arg(frame, "array_keys", 1, "array", &args[0])?;
    Ok(Zval::array(PhpArray::from_list(
        a.iter().map(|(k, _)| k.to_zval()),
    )))
}

fn array_values(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "array_values", args, 1, 1)?;
    let a = array_arg(frame, "array_values", 1, "array", &args[0])?;
    Ok(Zval::array(PhpArray::from_list(
        a.iter().map(|(_, v)| v.clone()),
    )))
}

fn in_array(frame: &mut Frame, args: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "in_array", args, 2, 3)?;
    let a = array_arg(frame, "in_array", 2, "haystack", &args[1])?;
    let strict = args.len() == 3 && php_runtime::convert::to_bool(&args[2]);
    for (_, v) in a.iter() {
        let same = if strict {
            php_runtime::compare::identical(&args[0], v)
        } else {
            php_runtime::compare::loose_eq(&args[0], v)
        };
        match same {
            Ok(true) => return Ok(Zval::bool(true)),
            Ok(false) => {}
            Err(_) => {
                return Err(PhpError::Fatal {
                    message: php_runtime::compare::NestingTooDeep::MESSAGE.into(),
                    line: crate::ops::vars::line(frame),
                });
            }
        }
    }
    Ok(Zval::bool(false))
}
