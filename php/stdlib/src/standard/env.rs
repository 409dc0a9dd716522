//! The process environment: `getenv`, `putenv`, `getmypid`.

use crate::args;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("getenv", getenv),
    ("putenv", putenv),
    ("getmypid", getmypid),
];

fn getmypid(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "getmypid", a, 0, 0)?;
    Ok(Zval::int(i64::from(std::process::id())))
}

fn getenv(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "getenv", a, 0, 2)?;
    let name = match a.first() {
        Some(v) if !v.is_null() => Some(args::string(h, "getenv", 1, "name", v)?),
        _ => None,
    };
    let Some(name) = name else {
        let mut out = PhpArray::new();
        for (k, v) in std::env::vars_os() {
            out.insert(
                ArrayKey::from_bytes(k.as_bytes()),
                Zval::string(PhpString::new(v.as_bytes())),
            );
        }
        return Ok(Zval::array(out));
    };
    let n = name.as_bytes();
    if n.is_empty() || n.contains(&b'=') || n.contains(&0) {
        return Ok(Zval::bool(false));
    }
    Ok(
        match std::env::var_os(std::ffi::OsStr::from_bytes(name.as_bytes())) {
            Some(v) => Zval::string(PhpString::new(&v.into_vec())),
            None => Zval::bool(false),
        },
    )
}

fn putenv(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "putenv", a, 1, 1)?;
    let s = args::string(h, "putenv", 1, "assignment", &a[0])?;
    let b = s.as_bytes();
    let (name, value) = match b.iter().position(|&c| c == b'=') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    if name.is_empty() {
        return Err(h.throw(
            "ValueError",
            "putenv(): Argument #1 ($assignment) must have a valid syntax".into(),
        ));
    }
    if name.contains(&0) || value.is_some_and(|v| v.contains(&0)) {
        return Ok(Zval::bool(false));
    }
    let key = std::ffi::OsStr::from_bytes(name);
    match value {
        // SAFETY: hippy runs PHP on one thread; no other thread reads the environment while
        // a PHP program changes it.
        Some(v) => unsafe { std::env::set_var(key, std::ffi::OsStr::from_bytes(v)) },
        // SAFETY: as above.
        None => unsafe { std::env::remove_var(key) },
    }
    Ok(Zval::bool(true))
}
