//! Output control: `ob_start` and the other output-buffer functions, `flush`.

use crate::args;
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("ob_start", ob_start),
    ("ob_get_clean", ob_get_clean),
    ("ob_get_contents", ob_get_contents),
    ("ob_end_clean", ob_end_clean),
    ("ob_end_flush", ob_end_flush),
    ("ob_get_flush", ob_get_flush),
    ("ob_get_level", ob_get_level),
    ("ob_get_length", ob_get_length),
    ("ob_clean", ob_clean),
    ("flush", flush),
];

fn ob_start(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    if !a.is_empty() {
        return Err(h.throw(
            "Error",
            "ob_start() with arguments is not supported yet".into(),
        ));
    }
    h.buffers().push(Vec::new());
    Ok(Zval::bool(true))
}

/// PHP's notice for an output-buffer function called without a buffer; `false` as the result.
fn no_buffer(h: &mut dyn Host, name: &str, what: &str) -> Result<Zval, PhpError> {
    h.notice(&format!(
        "{name}(): Failed to {what} buffer. No buffer to {what}"
    ))?;
    Ok(Zval::bool(false))
}

fn ob_get_clean(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ob_get_clean", a, 0, 0)?;
    match h.buffers().pop() {
        Some(b) => Ok(Zval::string(PhpString::new(&b))),
        None => Ok(Zval::bool(false)),
    }
}

fn ob_get_contents(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ob_get_contents", a, 0, 0)?;
    Ok(match h.buffers().last() {
        Some(b) => Zval::string(PhpString::new(b)),
        None => Zval::bool(false),
    })
}

fn ob_end_clean(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ob_end_clean", a, 0, 0)?;
    if h.buffers().pop().is_none() {
        return no_buffer(h, "ob_end_clean", "delete");
    }
    Ok(Zval::bool(true))
}

fn ob_clean(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ob_clean", a, 0, 0)?;
    match h.buffers().last_mut() {
        Some(b) => {
            b.clear();
            Ok(Zval::bool(true))
        }
        None => no_buffer(h, "ob_clean", "delete"),
    }
}

fn ob_end_flush(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ob_end_flush", a, 0, 0)?;
    match h.buffers().pop() {
        Some(b) => {
            h.write(&b)?;
            Ok(Zval::bool(true))
        }
        None => no_buffer(h, "ob_end_flush", "delete and flush"),
    }
}

fn ob_get_flush(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ob_get_flush", a, 0, 0)?;
    match h.buffers().pop() {
        Some(b) => {
            h.write(&b)?;
            Ok(Zval::string(PhpString::new(&b)))
        }
        None => no_buffer(h, "ob_get_flush", "delete and flush"),
    }
}

fn ob_get_level(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ob_get_level", a, 0, 0)?;
    Ok(Zval::int(h.buffers().len() as i64))
}

fn ob_get_length(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ob_get_length", a, 0, 0)?;
    Ok(match h.buffers().last() {
        Some(b) => Zval::int(b.len() as i64),
        None => Zval::bool(false),
    })
}

/// `flush()`: hippy's output reaches the system when its buffer fills, at each newline on a
/// terminal, and at exit; there is no web server whose buffers it would push.
fn flush(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "flush", a, 0, 0)?;
    Ok(Zval::NULL)
}
