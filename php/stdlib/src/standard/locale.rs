//! Locales: `setlocale` and `localeconv`, and the `LC_*` constants.
//!
//! hippy formats numbers and compares strings as the "C" locale does, whatever locale is
//! set, so only the locales that mean "C" are accepted (`C`, `POSIX`, `C.UTF-8`); others fail
//! as they fail on a system without them. The setting of each category is kept so that
//! `setlocale(LC_ALL, 0)` reports what was set, as glibc does (`LC_CTYPE` starts as `C.UTF-8`,
//! as PHP sets it at startup).

use crate::args;
use php_runtime::value::View;
use php_runtime::{Builtin, Host, PhpArray, PhpError, Zval};
use std::cell::RefCell;

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

/// glibc's categories in the order `LC_ALL` lists them, with their `LC_*` numbers (`None`:
/// no PHP constant names it).
const CATEGORIES: &[(&str, Option<i64>)] = &[
    ("LC_CTYPE", Some(0)),
    ("LC_NUMERIC", Some(1)),
    ("LC_TIME", Some(2)),
    ("LC_COLLATE", Some(3)),
    ("LC_MONETARY", Some(4)),
    ("LC_MESSAGES", Some(5)),
    ("LC_PAPER", None),
    ("LC_NAME", None),
    ("LC_ADDRESS", None),
    ("LC_TELEPHONE", None),
    ("LC_MEASUREMENT", None),
    ("LC_IDENTIFICATION", None),
];

thread_local! {
    /// The locale of each category of [`CATEGORIES`].
    static LOCALE: RefCell<Vec<String>> = RefCell::new(
        CATEGORIES
            .iter()
            .map(|(n, _)| if *n == "LC_CTYPE" { "C.UTF-8" } else { "C" }.to_string())
            .collect(),
    );
}

/// Whether the locale `name` exists (every one of them behaves as "C").
fn available(name: &str) -> bool {
    matches!(
        name,
        "C" | "POSIX" | "C.UTF-8" | "C.utf8" | "C.utf-8" | "C.UTF8"
    )
}

/// The locale "" means for a category: the environment's, as glibc reads it.
fn from_environment(category: &str) -> String {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    var("LC_ALL")
        .or_else(|| var(if category == "LC_ALL" { "" } else { category }))
        .or_else(|| var("LANG"))
        .unwrap_or_else(|| "C".to_string())
}

/// What `setlocale(LC_ALL, 0)` reports: the one name, or each category's.
fn all_names(locales: &[String]) -> String {
    if locales.iter().all(|l| *l == locales[0]) {
        return locales[0].clone();
    }
    let parts: Vec<String> = CATEGORIES
        .iter()
        .zip(locales)
        .map(|((n, _), l)| format!("{n}={l}"))
        .collect();
    parts.join(";")
}

/// Sets (or with "0", reads) the locale of `category`: the name it has now, `None` if the
/// locale does not exist.
fn set_one(category: i64, name: &str) -> Option<String> {
    LOCALE.with(|l| {
        let mut l = l.borrow_mut();
        let index = CATEGORIES.iter().position(|(_, c)| *c == Some(category));
        if name == "0" {
            return Some(match index {
                Some(i) => l[i].clone(),
                None => all_names(&l),
            });
        }
        let label = index.map_or("LC_ALL", |i| CATEGORIES[i].0);
        let wanted = if name.is_empty() {
            from_environment(label)
        } else {
            name.to_string()
        };
        if !available(&wanted) {
            return None;
        }
        // glibc names the POSIX locale "C".
        let wanted = if wanted == "POSIX" {
            "C".to_string()
        } else {
            wanted
        };
        match index {
            Some(i) => l[i] = wanted.clone(),
            None => l.iter_mut().for_each(|x| *x = wanted.clone()),
        }
        Some(wanted)
    })
}

/// `setlocale(int $category, $locales, ...$rest)`: the first of the locales that exists.
fn setlocale(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "setlocale", a, 2, usize::MAX)?;
    let category = args::int(h, "setlocale", 1, "category", &a[0])?;
    if !(0..=LC_ALL).contains(&category) {
        return Ok(Zval::bool(false));
    }
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
        let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
        if let Some(now) = set_one(category, &name) {
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
