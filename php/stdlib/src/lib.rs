//! hippy's standard library: PHP's built-in functions on the values of `php-runtime`.
//!
//! Functions are declared in tables, one per extension and family ([`core`], [`standard`]); each takes
//! its arguments by value and reaches the VM only through [`Host`](php_runtime::Host) (for
//! diagnostics, errors and output), so this crate does not depend on the VM. [`args`] holds
//! PHP's argument checks and coercions (coercive typing mode), with PHP's messages.

pub mod args;
pub mod class_functions;
pub mod classes;
pub mod core;
pub mod standard;

use php_runtime::Builtin;

/// Every table of functions.
const TABLES: &[&[(&str, Builtin)]] = &[
    core::FUNCTIONS,
    class_functions::FUNCTIONS,
    standard::string::FUNCTIONS,
    standard::var::FUNCTIONS,
    standard::array::FUNCTIONS,
    standard::callbacks::FUNCTIONS,
    standard::math::FUNCTIONS,
    standard::output::FUNCTIONS,
];

/// The by-reference parameters (0-based) of the built-in functions that have them.
pub const BY_REF: &[(&str, &[usize])] = standard::callbacks::BY_REF;

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
