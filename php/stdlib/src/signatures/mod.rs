//! The parameters of built-in functions and methods as PHP declares them: names, types,
//! `&` and `...`, defaults. The function tables carry no parameter information (a positional
//! call needs none); these declarations serve what does need names: named arguments
//! (`str_pad(string: "x", length: 5)`), which the VM maps to positions, filling skipped
//! optional parameters with their defaults.
//!
//! One text file per extension, one declaration per line, sorted: `name(parameters)` for a
//! function, `Class::name(parameters)` for a method, parameters in PHP syntax as php-src's
//! stubs state them (`UNKNOWN` is a default PHP does not expose: such a parameter must be
//! passed explicitly when a later one is named). The VM compiles a declaration the first time
//! a named call needs it; positional calls never look here.

/// The declarations, one file per extension.
const FILES: &[&str] = &[
    include_str!("core.txt"),
    include_str!("standard.txt"),
    include_str!("pcre.txt"),
    include_str!("json.txt"),
    include_str!("spl.txt"),
    include_str!("random.txt"),
    include_str!("hash.txt"),
    include_str!("date.txt"),
];

/// The variadic built-ins that take named arguments beyond their parameters (they pass them
/// on, as PHP's `Z_PARAM_VARIADIC_WITH_NAMED`); other variadic built-ins reject them.
pub const TAKE_EXTRA_NAMED: &[&str] = &["call_user_func"];

/// The parameter list of the built-in function `name`, or of the method `Class::name`
/// (case-insensitive): `"string $string, int $length, string $pad_string = \" \", ..."`.
pub fn signature(name: &[u8]) -> Option<&'static str> {
    FILES.iter().flat_map(|f| f.lines()).find_map(|line| {
        let (n, rest) = line.split_once('(')?;
        let params = rest.strip_suffix(')')?;
        n.as_bytes().eq_ignore_ascii_case(name).then_some(params)
    })
}

#[cfg(test)]
mod tests {
    use super::{FILES, signature};

    #[test]
    fn every_builtin_function_has_a_signature() {
        for name in crate::names() {
            assert!(
                signature(name.as_bytes()).is_some(),
                "{name}: add its declaration to php/stdlib/src/signatures/<extension>.txt"
            );
        }
    }

    #[test]
    fn declarations_are_well_formed_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for line in FILES.iter().flat_map(|f| f.lines()) {
            let (name, rest) = line.split_once('(').expect(line);
            assert!(rest.ends_with(')'), "{line}");
            assert!(seen.insert(name.to_ascii_lowercase()), "{name} twice");
        }
    }

    #[test]
    fn finds_functions_and_methods() {
        assert_eq!(
            signature(b"STR_PAD"),
            Some(
                "string $string, int $length, string $pad_string = \" \", int $pad_type = STR_PAD_RIGHT"
            )
        );
        assert_eq!(signature(b"pi"), Some(""));
        assert!(signature(b"exception::__construct").is_some());
        assert!(signature(b"no_such_function").is_none());
    }
}
