//! JIT parameters, with RPython's names, meanings and defaults.
//!
//! Set them by API ([`Params::set`]) or through the environment:
//! `METAJIT_PARAMS=threshold=1,function_threshold=1,trace_eagerness=1,trace_limit=6000`.

use std::fmt;

macro_rules! params {
    ($($name:ident: $ty:ty = $default:expr, $doc:literal;)*) => {
        /// The tunable parameters of one JIT instance.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Params { $(#[doc = $doc] pub $name: $ty,)* }

        impl Default for Params {
            fn default() -> Params { Params { $($name: $default,)* } }
        }

        impl Params {
            /// Every parameter name with its description.
            pub const NAMES: &'static [(&'static str, &'static str)] = &[$((stringify!($name), $doc),)*];

            /// Sets one parameter from its text form.
            pub fn set(&mut self, name: &str, value: &str) -> Result<(), ParamError> {
                match name {
                    $(stringify!($name) => {
                        self.$name = value.parse().map_err(|_| ParamError::BadValue { name: name.to_string(), value: value.to_string() })?;
                        Ok(())
                    })*
                    _ => Err(ParamError::Unknown(name.to_string())),
                }
            }
        }

        impl fmt::Display for Params {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let parts: Vec<String> = vec![$(format!("{}={}", stringify!($name), self.$name),)*];
                f.write_str(&parts.join(","))
            }
        }
    };
}

params! {
    enable: bool = true, "whether the JIT runs at all (false: pure interpreter)";
    threshold: u32 = 200, "number of times a loop must run before it is traced";
    function_threshold: u32 = 1619, "number of calls of the interpreter function (entries into it, RPython's function_threshold) before it is traced from its start (0: never)";
    trace_eagerness: u32 = 100, "number of failures of a guard before a bridge is traced from it";
    decay: u32 = 0, "how much counters decay at each compilation (0: never, 1000: reset)";
    trace_limit: usize = 6000, "maximum number of operations in one trace";
    max_inline_depth: usize = 40, "deepest nesting of inlined calls before tracing aborts";
    max_unroll_recursion: usize = 7, "how many times a trace inlines calls of the interpreter function at the same entry (recursion) before it makes the call instead";
    retrace_limit: u32 = 5, "how many times a key may abort tracing before it is given up";
    optimize: bool = true, "whether traces are optimized";
    unroll: bool = true, "whether loops are peeled (preamble + loop)";
    regions: bool = true, "whether hot cycles of compiled pieces are compiled again as one unit (backends with regions: Cranelift)";
    max_pending_stores: usize = 0, "how many delayed stores the optimizer lets a guard carry in its resume data";
    backend: String = String::from("auto"), "backend: auto, cranelift or interp";
    perf_map: bool = false, "write /tmp/perf-PID.map so that perf names compiled code (Cranelift backend)";
    opt_level: String = String::from("none"), "Cranelift's optimization level: none or speed";
    regalloc: String = String::from("backtracking"), "Cranelift's register allocator: backtracking or single_pass";
}

/// An unusable `METAJIT_PARAMS` entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// No parameter has this name.
    #[error("unknown JIT parameter `{0}`")]
    Unknown(String),
    /// The value does not parse.
    #[error("bad value `{value}` for JIT parameter `{name}`")]
    BadValue {
        /// The parameter.
        name: String,
        /// The value given.
        value: String,
    },
    /// An entry is not `name=value`.
    #[error("bad JIT parameter `{0}` (expected name=value)")]
    Syntax(String),
    /// The variable holds bytes that are not UTF-8 (shown with replacement characters).
    #[error("not UTF-8: `{0}`")]
    NotUtf8(String),
}

impl Params {
    /// Applies a comma-separated `name=value` list.
    pub fn apply(&mut self, spec: &str) -> Result<(), ParamError> {
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| ParamError::Syntax(part.to_string()))?;
            self.set(k.trim(), v.trim())?;
        }
        Ok(())
    }

    /// The defaults with `METAJIT_PARAMS` applied.
    pub fn from_env() -> Result<Params, ParamError> {
        Params::from_env_over(Params::default())
    }

    /// `base` (a language's own defaults) with `METAJIT_PARAMS` applied over it.
    pub fn from_env_over(base: Params) -> Result<Params, ParamError> {
        let mut p = base;
        if let Some(spec) = std::env::var_os("METAJIT_PARAMS") {
            let spec = spec
                .to_str()
                .ok_or_else(|| ParamError::NotUtf8(spec.to_string_lossy().into_owned()))?;
            p.apply(spec)?;
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let mut p = Params::default();
        p.apply("threshold=1, function_threshold=1,trace_eagerness=1,trace_limit=77,enable=false")
            .unwrap();
        assert_eq!(
            (
                p.threshold,
                p.function_threshold,
                p.trace_eagerness,
                p.trace_limit,
                p.enable
            ),
            (1, 1, 1, 77, false)
        );
        assert_eq!(p.apply("nope=1"), Err(ParamError::Unknown("nope".into())));
        assert!(matches!(
            p.apply("threshold=x"),
            Err(ParamError::BadValue { .. })
        ));
        assert!(matches!(p.apply("threshold"), Err(ParamError::Syntax(_))));
        let mut q = Params::default();
        q.apply(&p.to_string()).unwrap();
        assert_eq!(p, q);
    }
}
