//! The json extension: `json_encode`, `json_decode`, `json_last_error(_msg)` and the `JSON_*`
//! constants.
//!
//! [`encode`] writes values as JSON text (with PHP's flags and its errors: depth, recursion,
//! malformed UTF-8, INF/NAN); [`decode`] parses RFC 8259 JSON into arrays or `stdClass`
//! objects. The last error is kept per thread as PHP keeps it per request; `JSON_THROW_ON_ERROR`
//! throws a `JsonException` instead and leaves it alone.

pub mod decode;
pub mod encode;

use php_runtime::{Builtin, Host, PhpError, Zval};
use std::cell::Cell;

/// The functions of this extension.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("json_encode", encode::json_encode),
    ("json_decode", decode::json_decode),
    ("json_last_error", json_last_error),
    ("json_last_error_msg", json_last_error_msg),
];

/// `JSON_*` flags the functions read.
pub mod flag {
    /// `JSON_HEX_TAG`.
    pub const HEX_TAG: i64 = 1;
    /// `JSON_HEX_AMP`.
    pub const HEX_AMP: i64 = 2;
    /// `JSON_HEX_APOS`.
    pub const HEX_APOS: i64 = 4;
    /// `JSON_HEX_QUOT`.
    pub const HEX_QUOT: i64 = 8;
    /// `JSON_FORCE_OBJECT`.
    pub const FORCE_OBJECT: i64 = 16;
    /// `JSON_NUMERIC_CHECK`.
    pub const NUMERIC_CHECK: i64 = 32;
    /// `JSON_UNESCAPED_SLASHES`.
    pub const UNESCAPED_SLASHES: i64 = 64;
    /// `JSON_PRETTY_PRINT`.
    pub const PRETTY_PRINT: i64 = 128;
    /// `JSON_UNESCAPED_UNICODE`.
    pub const UNESCAPED_UNICODE: i64 = 256;
    /// `JSON_PARTIAL_OUTPUT_ON_ERROR`.
    pub const PARTIAL_OUTPUT_ON_ERROR: i64 = 512;
    /// `JSON_PRESERVE_ZERO_FRACTION`.
    pub const PRESERVE_ZERO_FRACTION: i64 = 1024;
    /// `JSON_UNESCAPED_LINE_TERMINATORS`.
    pub const UNESCAPED_LINE_TERMINATORS: i64 = 2048;
    /// `JSON_OBJECT_AS_ARRAY`.
    pub const OBJECT_AS_ARRAY: i64 = 1;
    /// `JSON_BIGINT_AS_STRING`.
    pub const BIGINT_AS_STRING: i64 = 2;
    /// `JSON_INVALID_UTF8_IGNORE`.
    pub const INVALID_UTF8_IGNORE: i64 = 1_048_576;
    /// `JSON_INVALID_UTF8_SUBSTITUTE`.
    pub const INVALID_UTF8_SUBSTITUTE: i64 = 2_097_152;
    /// `JSON_THROW_ON_ERROR`.
    pub const THROW_ON_ERROR: i64 = 4_194_304;
}

/// JSON's error codes (`JSON_ERROR_*`) with their messages.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum JsonError {
    None = 0,
    Depth = 1,
    StateMismatch = 2,
    CtrlChar = 3,
    Syntax = 4,
    Utf8 = 5,
    Recursion = 6,
    InfOrNan = 7,
    UnsupportedType = 8,
    InvalidPropertyName = 9,
    Utf16 = 10,
}

impl JsonError {
    /// `json_last_error_msg()`'s text.
    pub fn message(self) -> &'static str {
        match self {
            JsonError::None => "No error",
            JsonError::Depth => "Maximum stack depth exceeded",
            JsonError::StateMismatch => "State mismatch (invalid or malformed JSON)",
            JsonError::CtrlChar => "Control character error, possibly incorrectly encoded",
            JsonError::Syntax => "Syntax error",
            JsonError::Utf8 => "Malformed UTF-8 characters, possibly incorrectly encoded",
            JsonError::Recursion => "Recursion detected",
            JsonError::InfOrNan => "Inf and NaN cannot be JSON encoded",
            JsonError::UnsupportedType => "Type is not supported",
            JsonError::InvalidPropertyName => "The decoded property name is invalid",
            JsonError::Utf16 => "Single unpaired UTF-16 surrogate in unicode escape",
        }
    }
}

thread_local! {
    /// The error of the last `json_encode`/`json_decode` without `JSON_THROW_ON_ERROR`.
    static LAST: Cell<JsonError> = const { Cell::new(JsonError::None) };
}

/// Ends a call: records `error` as the last one, or, with `JSON_THROW_ON_ERROR`, throws it
/// (a success then leaves the last error as it was).
fn finish(h: &mut dyn Host, flags: i64, error: JsonError) -> Result<(), PhpError> {
    if flags & flag::THROW_ON_ERROR != 0 {
        if error == JsonError::None {
            return Ok(());
        }
        let e = h.throw("JsonException", error.message().to_string());
        if let PhpError::Exception(o) = &e {
            drop(o.set(b"code", Zval::int(error as i64)));
        }
        return Err(e);
    }
    LAST.with(|l| l.set(error));
    Ok(())
}

fn json_last_error(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    crate::args::arity(h, "json_last_error", a, 0, 0)?;
    Ok(Zval::int(LAST.with(|l| l.get()) as i64))
}

fn json_last_error_msg(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    crate::args::arity(h, "json_last_error_msg", a, 0, 0)?;
    Ok(Zval::str(LAST.with(|l| l.get()).message()))
}

/// The `JSON_*` constants.
pub fn constants() -> Vec<(&'static str, Zval)> {
    let list: &[(&str, i64)] = &[
        ("JSON_HEX_TAG", flag::HEX_TAG),
        ("JSON_HEX_AMP", flag::HEX_AMP),
        ("JSON_HEX_APOS", flag::HEX_APOS),
        ("JSON_HEX_QUOT", flag::HEX_QUOT),
        ("JSON_FORCE_OBJECT", flag::FORCE_OBJECT),
        ("JSON_NUMERIC_CHECK", flag::NUMERIC_CHECK),
        ("JSON_UNESCAPED_SLASHES", flag::UNESCAPED_SLASHES),
        ("JSON_PRETTY_PRINT", flag::PRETTY_PRINT),
        ("JSON_UNESCAPED_UNICODE", flag::UNESCAPED_UNICODE),
        (
            "JSON_PARTIAL_OUTPUT_ON_ERROR",
            flag::PARTIAL_OUTPUT_ON_ERROR,
        ),
        ("JSON_PRESERVE_ZERO_FRACTION", flag::PRESERVE_ZERO_FRACTION),
        (
            "JSON_UNESCAPED_LINE_TERMINATORS",
            flag::UNESCAPED_LINE_TERMINATORS,
        ),
        ("JSON_OBJECT_AS_ARRAY", flag::OBJECT_AS_ARRAY),
        ("JSON_BIGINT_AS_STRING", flag::BIGINT_AS_STRING),
        ("JSON_INVALID_UTF8_IGNORE", flag::INVALID_UTF8_IGNORE),
        (
            "JSON_INVALID_UTF8_SUBSTITUTE",
            flag::INVALID_UTF8_SUBSTITUTE,
        ),
        ("JSON_THROW_ON_ERROR", flag::THROW_ON_ERROR),
        ("JSON_ERROR_NONE", 0),
        ("JSON_ERROR_DEPTH", 1),
        ("JSON_ERROR_STATE_MISMATCH", 2),
        ("JSON_ERROR_CTRL_CHAR", 3),
        ("JSON_ERROR_SYNTAX", 4),
        ("JSON_ERROR_UTF8", 5),
        ("JSON_ERROR_RECURSION", 6),
        ("JSON_ERROR_INF_OR_NAN", 7),
        ("JSON_ERROR_UNSUPPORTED_TYPE", 8),
        ("JSON_ERROR_INVALID_PROPERTY_NAME", 9),
        ("JSON_ERROR_UTF16", 10),
    ];
    list.iter().map(|&(n, v)| (n, Zval::int(v))).collect()
}
