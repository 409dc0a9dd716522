//! Locales: `setlocale` and `localeconv`, and the `LC_*` constants.
//!
//! The locale is the C library's, as in PHP: `setlocale` accepts the locales the system has
//! and names them as the C library does (`setlocale(LC_ALL, 0)` lists each category when
//! they differ; `LC_CTYPE` starts as `C.UTF-8`, as PHP sets it at startup). hippy's own
//! number formatting does not read it: PHP 8 prints floats the same in every locale.
//! `localeconv` reports the "C" locale's conventions (the `libc` crate has no `lconv` for
//! glibc).

use crate::args;
use php_runtime::value::View;
use php_runtime::{Builtin, Host, PhpArray, PhpError, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[("setlocale", setlocale), ("localeconv", localeconv)];

/// `LC_ALL`.
const LC_ALL: i64 = 6;

/// The constants of this family.
pub fn constants() -> Vec<(&'static str, Zval)> {
    [
        ("LC_CTYPE", 0),
        ("LC_NUMERIC", 1),
        ("LC_TIME", 2),
        ("LC_COLLATE", 3),
        ("LC_MONETARY", 4),
        ("LC_MESSAGES", 5),
        ("LC_ALL", LC_ALL),
    ]
    .into_iter()
    .map(|(n, v)| (n, Zval::int(v)))
    .collect()
}

/// The C library's `setlocale`: sets (or with `None`, reads) the locale of `category`;
/// the name it has now, `None` if the locale or the category does not exist.
fn c_setlocale(category: i64, name: Option<&[u8]>) -> Option<String> {
    let category = libc::c_int::try_from(category).ok()?;
    // PHP starts with LC_CTYPE set to C.UTF-8 (C without it); the process starts in C.
    static START: std::sync::Once = std::sync::Once::new();
    START.call_once(|| {
        // SAFETY: the arguments are NUL-terminated literals; the program's one thread calls
        // setlocale, as PHP does.
        unsafe {
            if libc::setlocale(libc::LC_CTYPE, c"C.UTF-8".as_ptr()).is_null() {
                libc::setlocale(libc::LC_CTYPE, c"C".as_ptr());
            }
        }
    });
    // The C library reads the name up to a NUL byte, as PHP passes it.
    let name = name.map(|n| {
        let end = n.iter().position(|&b| b == 0).unwrap_or(n.len());
        std::ffi::CString::new(&n[..end]).unwrap_or_default()
    });
    let arg = name.as_ref().map_or(std::ptr::null(), |n| n.as_ptr());
    // SAFETY: `arg` is null or a NUL-terminated string that outlives the call; the result
    // is null or a NUL-terminated string, copied before any other locale call.
    unsafe {
        let now = libc::setlocale(category, arg);
        if now.is_null() {
            return None;
        }
        Some(std::ffi::CStr::from_ptr(now).to_string_lossy().into_owned())
    }
}

/// `setlocale(int $category, $locales, ...$rest)`: the first of the locales that exists on
/// the system. Float output does not depend on it (PHP 8 ignores `LC_NUMERIC` there).
fn setlocale(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "setlocale", a, 2, usize::MAX)?;
    let category = args::int(h, "setlocale", 1, "category", &a[0])?;
    let mut names = Vec::new();
    for (i, v) in a[1..].iter().enumerate() {
        match v.deref().view() {
            View::Array(list) => {
                for (_, x) in list.iter() {
                    names.push(args::string(h, "setlocale", i + 2, "locales", &x.deref())?);
                }
            }
            View::Null => names.push("".into()),
            _ => names.push(args::string(h, "setlocale", i + 2, "locales", v)?),
        }
    }
    for name in names {
        let name = name.as_bytes();
        let now = if name == b"0" {
            c_setlocale(category, None)
        } else if name.len() >= 255 {
            h.warn("setlocale(): Specified locale name is too long")?;
            None
        } else {
            c_setlocale(category, Some(name))
        };
        if let Some(now) = now {
            return Ok(Zval::str(&now));
        }
    }
    Ok(Zval::bool(false))
}

/// `localeconv()`: the "C" locale's conventions.
fn localeconv(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "localeconv", a, 0, 0)?;
    let mut out = PhpArray::new();
    for (k, v) in [
        ("decimal_point", "."),
        ("thousands_sep", ""),
        ("int_curr_symbol", ""),
        ("currency_symbol", ""),
        ("mon_decimal_point", ""),
        ("mon_thousands_sep", ""),
        ("positive_sign", ""),
        ("negative_sign", ""),
    ] {
        drop(out.insert(k.into(), Zval::str(v)));
    }
    for k in [
        "int_frac_digits",
        "frac_digits",
        "p_cs_precedes",
        "p_sep_by_space",
        "n_cs_precedes",
        "n_sep_by_space",
        "p_sign_posn",
        "n_sign_posn",
    ] {
        drop(out.insert(k.into(), Zval::int(127)));
    }
    drop(out.insert("grouping".into(), Zval::array(PhpArray::new())));
    drop(out.insert("mon_grouping".into(), Zval::array(PhpArray::new())));
    Ok(Zval::array(out))
}
