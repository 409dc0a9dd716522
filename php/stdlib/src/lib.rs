//! hippy's standard library: PHP's built-in functions on the values of `php-runtime`.
//!
//! Functions are declared in tables, one per extension and family ([`core`], [`standard`]); each takes
//! its arguments by value and reaches the VM only through [`Host`](php_runtime::Host) (for
//! diagnostics, errors and output), so this crate does not depend on the VM. [`args`] holds
//! PHP's argument checks and coercions (coercive typing mode), with PHP's messages.

pub mod args;
pub mod attributes;
pub mod class_functions;
pub mod classes;
pub mod core;
pub mod info;
pub mod json;
pub mod pcre;
pub mod signatures;
pub mod spl;
pub mod standard;

use php_runtime::Builtin;

/// Every table of functions.
const TABLES: &[&[(&str, Builtin)]] = &[
    core::FUNCTIONS,
    info::FUNCTIONS,
    class_functions::FUNCTIONS,
    standard::string::FUNCTIONS,
    standard::string_compare::FUNCTIONS,
    standard::string_search::FUNCTIONS,
    standard::escape::FUNCTIONS,
    standard::string_transform::FUNCTIONS,
    standard::html::FUNCTIONS,
    standard::encoding::FUNCTIONS,
    standard::hash::FUNCTIONS,
    standard::number_base::FUNCTIONS,
    standard::phonetic::FUNCTIONS,
    standard::var::FUNCTIONS,
    standard::export::FUNCTIONS,
    standard::array::FUNCTIONS,
    standard::callbacks::FUNCTIONS,
    standard::array_lookup::FUNCTIONS,
    standard::array_slice::FUNCTIONS,
    standard::array_build::FUNCTIONS,
    standard::array_set::FUNCTIONS,
    standard::array_replace::FUNCTIONS,
    standard::array_natsort::FUNCTIONS,
    standard::array_walk::FUNCTIONS,
    standard::multisort::FUNCTIONS,
    standard::random::FUNCTIONS,
    standard::math::FUNCTIONS,
    standard::math_float::FUNCTIONS,
    standard::output::FUNCTIONS,
    standard::file::FUNCTIONS,
    standard::fs::FUNCTIONS,
    standard::filestat::FUNCTIONS,
    standard::path::FUNCTIONS,
    standard::env::FUNCTIONS,
    standard::string_translate::FUNCTIONS,
    standard::time::FUNCTIONS,
    standard::locale::FUNCTIONS,
    standard::highlight::FUNCTIONS,
    standard::error_log::FUNCTIONS,
    standard::dir::FUNCTIONS,
    standard::ini_quantity::FUNCTIONS,
    json::FUNCTIONS,
    standard::serialize::FUNCTIONS,
    spl::FUNCTIONS,
    pcre::FUNCTIONS,
];

/// The tables of by-reference parameters, one per family that has them.
const BY_REF_TABLES: &[&[(&str, &[usize])]] = &[
    standard::callbacks::BY_REF,
    standard::array_slice::BY_REF,
    standard::array_natsort::BY_REF,
    standard::array_walk::BY_REF,
    standard::multisort::BY_REF,
    standard::random::BY_REF,
    standard::var::BY_REF,
    pcre::BY_REF,
];

/// The number of entries in `tables`.
const fn total(tables: &[&[(&str, &[usize])]]) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < tables.len() {
        n += tables[i].len();
        i += 1;
    }
    n
}

/// The entries of `tables`, one after another.
const fn concat<const N: usize>(
    tables: &[&[(&'static str, &'static [usize])]],
) -> [(&'static str, &'static [usize]); N] {
    let mut out: [(&str, &[usize]); N] = [("", &[]); N];
    let (mut i, mut k) = (0, 0);
    while i < tables.len() {
        let mut j = 0;
        while j < tables[i].len() {
            out[k] = tables[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// The by-reference parameters (0-based) of the built-in functions that have them.
pub const BY_REF: &[(&str, &[usize])] = &concat::<{ total(BY_REF_TABLES) }>(BY_REF_TABLES);

/// The predefined constants that the compiler does not know (each program gets them).
pub fn constants() -> Vec<(&'static str, php_runtime::Zval)> {
    let mut list = standard::locale::constants();
    list.extend(json::constants());
    // `assert_options()` and `debug_backtrace()`'s options (the VM implements both).
    for (name, v) in [
        ("ASSERT_ACTIVE", 1),
        ("ASSERT_CALLBACK", 2),
        ("ASSERT_BAIL", 3),
        ("ASSERT_WARNING", 4),
        ("ASSERT_EXCEPTION", 5),
        ("DEBUG_BACKTRACE_PROVIDE_OBJECT", 1),
        ("DEBUG_BACKTRACE_IGNORE_ARGS", 2),
    ] {
        list.push((name, php_runtime::Zval::int(v)));
    }
    list
}

/// The names of every built-in function.
pub fn names() -> Vec<&'static str> {
    TABLES
        .iter()
        .flat_map(|t| t.iter().map(|(n, _)| *n))
        .collect()
}

/// The built-in function of a lowercase name, with its name as PHP prints it.
pub fn lookup(name: &[u8]) -> Option<(&'static str, Builtin)> {
    TABLES
        .iter()
        .flat_map(|t| t.iter())
        .find(|(n, _)| n.as_bytes() == name)
        .copied()
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_lowercase_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for table in super::TABLES {
            for (name, _) in *table {
                assert_eq!(*name, name.to_ascii_lowercase(), "{name}");
                assert!(seen.insert(*name), "{name} twice");
            }
        }
    }
}
