//! The Core extension's functions (Zend's own): constants, error reporting, and the arguments
//! of the calling function.

use php_runtime::value::View;
use php_runtime::{Builtin, Host, PhpError, Zval};

use crate::args;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("define", define),
    ("defined", defined),
    ("constant", constant),
    ("error_reporting", error_reporting),
    ("func_get_args", func_get_args),
    ("func_num_args", func_num_args),
    ("func_get_arg", func_get_arg),
    ("function_exists", function_exists),
];

fn define(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "define", a, 2, 3)?;
    let name = args::string(h, "define", 1, "constant_name", &a[0])?;
    if matches!(a[1].view(), View::Ref(_)) {
        return Err(h.throw(
            "Error",
            "define() of a reference is not supported yet".into(),
        ));
    }
    if name.as_bytes().windows(2).any(|w| w == b"::") {
        let msg = "define(): Argument #1 ($constant_name) cannot be a class constant";
        return Err(h.throw("ValueError", msg.into()));
    }
    // `true`, `false` and `null` exist in every case; each file's `__halt_compiler()` offset
    // has the last name: none can be defined.
    let special = matches!(
        &name.as_bytes().to_ascii_lowercase()[..],
        b"true" | b"false" | b"null"
    );
    // A constant holds no references: an array is copied without them.
    let Some(value) = php_runtime::array::without_refs(&a[1], 256) else {
        let msg = "define(): Argument #2 ($value) cannot be a recursive array";
        return Err(h.throw("ValueError", msg.into()));
    };
    if !special
        && name.as_bytes() != b"__COMPILER_HALT_OFFSET__"
        && h.define(name.as_bytes(), value)
    {
        return Ok(Zval::bool(true));
    }
    let shown = String::from_utf8_lossy(name.as_bytes()).into_owned();
    h.warn(&format!("Constant {shown} already defined"))?;
    Ok(Zval::bool(false))
}

fn defined(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "defined", a, 1, 1)?;
    let name = args::string(h, "defined", 1, "constant_name", &a[0])?;
    Ok(Zval::bool(h.constant(name.as_bytes()).is_some()))
}

fn constant(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "constant", a, 1, 1)?;
    let name = args::string(h, "constant", 1, "name", &a[0])?;
    match h.constant(name.as_bytes()) {
        Some(v) => Ok(v),
        None => {
            let shown = String::from_utf8_lossy(name.as_bytes()).into_owned();
            Err(h.throw("Error", format!("Undefined constant \"{shown}\"")))
        }
    }
}

fn error_reporting(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "error_reporting", a, 0, 1)?;
    let new = match a.first().map(|v| v.view()) {
        None | Some(View::Null) => None,
        Some(_) => Some(args::int(h, "error_reporting", 1, "error_level", &a[0])?),
    };
    Ok(Zval::int(h.error_reporting(new)))
}

/// The calling function's arguments, or PHP's error at the top level.
fn caller_args(h: &mut dyn Host, name: &str) -> Result<Vec<Zval>, PhpError> {
    match h.func_args() {
        Some(a) => Ok(a),
        // PHP words it two ways.
        None if name == "func_num_args" => Err(h.throw(
            "Error",
            format!("{name}() must be called from a function context"),
        )),
        None => Err(h.throw(
            "Error",
            format!("{name}() cannot be called from the global scope"),
        )),
    }
}

fn func_get_args(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "func_get_args", a, 0, 0)?;
    let list = caller_args(h, "func_get_args")?;
    Ok(Zval::array(php_runtime::PhpArray::from_list(list)))
}

fn func_num_args(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "func_num_args", a, 0, 0)?;
    Ok(Zval::int(caller_args(h, "func_num_args")?.len() as i64))
}

fn func_get_arg(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "func_get_arg", a, 1, 1)?;
    let n = args::int(h, "func_get_arg", 1, "position", &a[0])?;
    let list = caller_args(h, "func_get_arg")?;
    if n < 0 {
        let msg = "func_get_arg(): Argument #1 ($position) must be greater than or equal to 0";
        return Err(h.throw("ValueError", msg.into()));
    }
    match list.get(n as usize) {
        Some(v) => Ok(v.clone()),
        None => {
            let msg = "func_get_arg(): Argument #1 ($position) must be less than the number of the arguments passed to the currently executed function";
            Err(h.throw("ValueError", msg.into()))
        }
    }
}

fn function_exists(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "function_exists", a, 1, 1)?;
    let name = args::string(h, "function_exists", 1, "function", &a[0])?;
    let lower = name.as_bytes().to_ascii_lowercase();
    let lower = lower.strip_prefix(b"\\").unwrap_or(&lower);
    Ok(Zval::bool(h.function_exists(lower)))
}
