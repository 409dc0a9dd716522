//! `assert()` and `assert_options()`, driven by the ini settings `zend.assertions` (1: check
//! assertions), `assert.active`, `assert.exception` (throw an `AssertionError`),
//! `assert.warning` (warn instead) and `assert.bail`.
//!
//! The compiler gives a call `assert($expr)` a second argument, `"assert(<source of $expr>)"`,
//! the description PHP shows when the assertion fails.

use crate::functions::arity;
use crate::ops::vars::{line, throw, warn};
use crate::vm::{Frame, vm_of};
use php_runtime::value::View;
use php_runtime::{PhpError, Zval};

/// The ini setting of each `ASSERT_*` option, by number.
const OPTIONS: &[(i64, &str)] = &[
    (1, "assert.active"),
    (2, "assert.callback"),
    (3, "assert.bail"),
    (4, "assert.warning"),
    (5, "assert.exception"),
];

/// An ini setting read as an integer (0 when it is not one).
fn ini_int(frame: &Frame, key: &str) -> i64 {
    let v = vm_of(frame).ini.get(key).cloned().unwrap_or_default();
    match v.trim().to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => 1,
        t => t.parse().unwrap_or(0),
    }
}

/// `assert(mixed $assertion, Throwable|string|null $description = null)`.
pub fn assert(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "assert", a, 1, 2)?;
    if ini_int(frame, "zend.assertions") != 1 || ini_int(frame, "assert.active") == 0 {
        return Ok(Zval::bool(true));
    }
    if php_runtime::convert::to_bool(&a[0].deref()) {
        return Ok(Zval::bool(true));
    }
    let description = a.get(1).map(|d| d.deref()).unwrap_or(Zval::NULL);
    let callback = vm_of(frame).assert_callback.clone();
    if let Some(cb) = callback {
        let file = Zval::str(frame.code.file);
        let args = vec![
            file,
            Zval::int(i64::from(line(frame))),
            Zval::NULL,
            description.clone(),
        ];
        let target = crate::ops::callable::resolve(frame, &cb);
        if let Ok(t) = target {
            crate::ops::callable::call_target(frame, t, args)?;
        }
    }
    if ini_int(frame, "assert.exception") != 0 {
        if let View::Object(o) = description.view()
            && o.class().is_a_name(b"throwable")
        {
            return Err(PhpError::Exception(o.clone()));
        }
        let message = match description.view() {
            View::Null => String::new(),
            _ => {
                let mut out = Vec::new();
                php_runtime::convert::push_string(&mut out, &description);
                String::from_utf8_lossy(&out).into_owned()
            }
        };
        let e = throw(frame, "AssertionError", message);
        if let PhpError::Exception(o) = &e {
            crate::ops::exception::push_builtin_frame(frame, o, "assert", a);
        }
        return Err(e);
    }
    if ini_int(frame, "assert.warning") != 0 {
        let shown = match description.view() {
            View::Null => "Assertion".to_string(),
            _ => {
                let mut out = Vec::new();
                php_runtime::convert::push_string(&mut out, &description);
                String::from_utf8_lossy(&out).into_owned()
            }
        };
        warn(frame, &format!("assert(): {shown} failed"))?;
    }
    if ini_int(frame, "assert.bail") != 0 {
        return Err(PhpError::Exit(255));
    }
    Ok(Zval::bool(false))
}

/// `assert_options(int $option, mixed $value = UNKNOWN)`: the old value.
pub fn assert_options(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "assert_options", a, 1, 2)?;
    let option = php_runtime::convert::to_int(&a[0].deref());
    let Some(&(_, key)) = OPTIONS.iter().find(|(n, _)| *n == option) else {
        let msg = "assert_options(): Argument #1 ($option) must be an ASSERT_* constant";
        return Err(throw(frame, "ValueError", msg.into()));
    };
    if key == "assert.callback" {
        let vm = vm_of(frame);
        let old = vm.assert_callback.clone().unwrap_or(Zval::NULL);
        if let Some(v) = a.get(1) {
            let v = v.deref();
            vm.assert_callback = (!v.is_null()).then_some(v);
        }
        return Ok(old);
    }
    let old = ini_int(frame, key);
    if let Some(v) = a.get(1) {
        let mut out = Vec::new();
        php_runtime::convert::push_string(&mut out, &v.deref());
        let text = String::from_utf8_lossy(&out).into_owned();
        vm_of(frame).ini.insert(key.to_string(), text);
    }
    Ok(Zval::int(old))
}
