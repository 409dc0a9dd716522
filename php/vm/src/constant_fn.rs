//! `constant($name)`: a global constant, or a class constant (`Class::NAME`, where `self`,
//! `parent` and `static` mean what they mean in the calling code). A function of the VM's
//! own: class constants are evaluated (and classes autoloaded) in the calling frame. Its
//! messages name the class as the argument writes it.

use crate::ops::exception::push_builtin_frame;
use crate::ops::object::{class_by_name, visible};
use crate::ops::vars::throw;
use crate::vm::{Frame, vm_of};
use php_runtime::object::flags;
use php_runtime::value::View;
use php_runtime::{PhpError, Zval};

/// `constant(string $name): mixed`.
pub fn constant(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    crate::functions::arity(frame, "constant", a, 1, 1)?;
    let arg = a[0].deref();
    let name = match arg.view() {
        View::Str(s) => s.as_bytes().to_vec(),
        View::Int(_) | View::Float(_) | View::Bool(_) => {
            let mut out = Vec::new();
            php_runtime::convert::push_string(&mut out, &arg);
            out
        }
        _ => {
            let msg = format!(
                "constant(): Argument #1 ($name) must be of type string, {} given",
                php_runtime::convert::type_name(&arg)
            );
            return Err(failed(frame, a, "TypeError", msg));
        }
    };
    let Some(at) = name.windows(2).position(|w| w == b"::") else {
        let global = name.strip_prefix(b"\\").unwrap_or(&name);
        return match vm_of(frame).constants.get(global) {
            Some(v) => Ok(v.clone()),
            None => {
                let shown = String::from_utf8_lossy(&name);
                let msg = format!("Undefined constant \"{shown}\"");
                Err(failed(frame, a, "Error", msg))
            }
        };
    };
    let (class_name, cname) = (&name[..at], &name[at + 2..]);
    let lower = class_name.to_ascii_lowercase();
    if matches!(&lower[..], b"self" | b"parent" | b"static") {
        let word = String::from_utf8_lossy(&lower);
        let msg = match frame.code.class() {
            None => format!("Cannot access \"{word}\" when no class scope is active"),
            Some(c) if &lower[..] == b"parent" && c.parent.is_none() => {
                "Cannot access \"parent\" when current class scope has no parent".to_string()
            }
            Some(_) => String::new(),
        };
        if !msg.is_empty() {
            return Err(failed(frame, a, "Error", msg));
        }
    }
    let class = match class_by_name(frame, class_name) {
        Ok(c) => c,
        Err(e) => return Err(with_frame(frame, a, e)),
    };
    let Some(c) = class.consts.get(cname) else {
        let msg = format!(
            "Undefined constant {}::{}",
            String::from_utf8_lossy(class_name),
            String::from_utf8_lossy(cname)
        );
        return Err(failed(frame, a, "Error", msg));
    };
    if !visible(vm_of(frame), frame.code.class(), c.flags, c.class) {
        let kind = if c.flags & flags::PRIVATE != 0 {
            "private"
        } else {
            "protected"
        };
        let msg = format!(
            "Cannot access {kind} constant {}::{}",
            String::from_utf8_lossy(class_name),
            String::from_utf8_lossy(cname)
        );
        return Err(failed(frame, a, "Error", msg));
    }
    crate::constexpr::class_constant_in(frame, class, cname)
}

/// PHP's `class` error thrown by `constant()` (its call shows in the trace).
fn failed(frame: &mut Frame, a: &[Zval], class: &'static str, msg: String) -> PhpError {
    let e = throw(frame, class, msg);
    with_frame(frame, a, e)
}

/// `e` with `constant()`'s call at the top of its trace, when it is an exception.
fn with_frame(frame: &mut Frame, a: &[Zval], e: PhpError) -> PhpError {
    if let PhpError::Exception(o) = &e {
        push_builtin_frame(frame, o, "constant", a);
    }
    e
}
