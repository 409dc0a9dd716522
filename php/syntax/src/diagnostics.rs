//! Diagnostics as PHP prints them.
//!
//! A [`Diagnostic`] holds PHP's message text, its severity and its line; rendering adds the
//! `Parse error: ` / `Fatal error: ` prefix and `in FILE on line N` exactly as the CLI does
//! (for the screen: `\nParse error: MSG in FILE on line N\n`; for the log:
//! `PHP Parse error:  MSG in FILE on line N`). One heredoc error is raised while PHP has no
//! file being compiled; it names `[no active file]` and line 0 instead (see [`ErrorFile`]).

use std::fmt;

/// How bad a diagnostic is, named after PHP's error types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// `E_PARSE`: `Parse error`.
    Parse,
    /// `E_COMPILE_ERROR`: `Fatal error`.
    Fatal,
    /// `E_COMPILE_WARNING`: `Warning`; compilation goes on.
    CompileWarning,
    /// `E_WARNING` raised while compiling (`"continue" targeting switch ...`): `Warning`.
    Warning,
    /// `E_DEPRECATED`: `Deprecated`; compilation goes on.
    Deprecated,
}

impl Severity {
    /// PHP's label for the severity.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Parse => "Parse error",
            Severity::Fatal => "Fatal error",
            Severity::CompileWarning | Severity::Warning => "Warning",
            Severity::Deprecated => "Deprecated",
        }
    }

    /// The `error_reporting` bit of the PHP error type PHP raises the diagnostic with.
    pub fn error_type(self) -> i64 {
        match self {
            Severity::Parse => 4,
            Severity::Fatal => 64,
            Severity::Warning => 2,
            Severity::CompileWarning => 128,
            Severity::Deprecated => 8192,
        }
    }

    /// Whether compilation stops at the diagnostic.
    pub fn is_error(self) -> bool {
        matches!(self, Severity::Parse | Severity::Fatal)
    }
}

/// Which file PHP names in an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ErrorFile {
    /// The file being compiled (the one linted), which every error but one names.
    #[default]
    Compiled,
    /// None: PHP raised the error while its scanner was scanning ahead for a heredoc's closing
    /// marker, when it sets no compiled file (`zend_save_lexical_state`), so the `ParseError`
    /// takes the executed file and line instead: `[no active file]` and 0 under `php -l`.
    NoActiveFile,
}

/// A parse or compile-time error, warning or deprecation with PHP's exact text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message} on line {line}", severity.label())]
pub struct Diagnostic {
    /// Parse error or fatal error.
    pub severity: Severity,
    /// The message, e.g. `syntax error, unexpected token "{", expecting variable`.
    pub message: String,
    /// 1-based line; 0 with [`ErrorFile::NoActiveFile`].
    pub line: u32,
    /// The file PHP names: the linted one, or none.
    pub file: ErrorFile,
}

impl Diagnostic {
    /// The file name PHP prints for this diagnostic when it lints `file`.
    pub fn file_name<'a>(&self, file: &'a str) -> &'a str {
        match self.file {
            ErrorFile::Compiled => file,
            ErrorFile::NoActiveFile => "[no active file]",
        }
    }

    /// The screen form (`display_errors`): `\nParse error: MSG in FILE on line N\n`.
    pub fn display_text(&self, file: &str) -> String {
        format!(
            "\n{}: {} in {} on line {}\n",
            self.severity.label(),
            self.message,
            self.file_name(file),
            self.line
        )
    }

    /// The log form (`log_errors`), without timestamp or newline.
    pub fn log_text(&self, file: &str) -> String {
        format!(
            "PHP {}:  {} in {} on line {}",
            self.severity.label(),
            self.message,
            self.file_name(file),
            self.line
        )
    }

    /// The `html_errors` screen form.
    pub fn html_text(&self, file: &str) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('\'', "&#039;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        format!(
            "<br />\n<b>{}</b>:  {} in <b>{}</b> on line <b>{}</b><br />\n",
            self.severity.label(),
            esc(&self.message),
            esc(self.file_name(file)),
            self.line
        )
    }
}

/// Where a diagnostic is written by PHP's error handler for a given `display_errors` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisplayTarget {
    /// Not displayed.
    Off,
    /// On standard output.
    Stdout,
    /// On standard error.
    Stderr,
}

impl DisplayTarget {
    /// Interprets a `display_errors` ini value as PHP does.
    pub fn from_ini(value: &str) -> Self {
        let v = value.trim();
        if ["on", "yes", "true", "stdout"]
            .iter()
            .any(|w| v.eq_ignore_ascii_case(w))
        {
            return DisplayTarget::Stdout;
        }
        if v.eq_ignore_ascii_case("stderr") {
            return DisplayTarget::Stderr;
        }
        match leading_int(v) {
            0 => DisplayTarget::Off,
            2 => DisplayTarget::Stderr,
            _ => DisplayTarget::Stdout,
        }
    }
}

/// PHP's boolean ini values: `on`/`yes`/`true`, else the leading integer.
pub fn ini_bool(value: &str) -> bool {
    let v = value.trim();
    ["on", "yes", "true"]
        .iter()
        .any(|w| v.eq_ignore_ascii_case(w))
        || leading_int(v) != 0
}

/// `atoi`: the leading decimal integer of `s`, 0 if none.
pub fn leading_int(s: &str) -> i64 {
    let s = s.trim_start();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let n = digits
        .bytes()
        .take_while(|b| b.is_ascii_digit())
        .fold(0i64, |acc, b| {
            acc.saturating_mul(10).saturating_add((b - b'0') as i64)
        });
    if neg { -n } else { n }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_errors_values_follow_php() {
        assert_eq!(DisplayTarget::from_ini("On"), DisplayTarget::Stdout);
        assert_eq!(DisplayTarget::from_ini("stderr"), DisplayTarget::Stderr);
        assert_eq!(DisplayTarget::from_ini("2"), DisplayTarget::Stderr);
        assert_eq!(DisplayTarget::from_ini("foo"), DisplayTarget::Off);
        assert_eq!(DisplayTarget::from_ini("0"), DisplayTarget::Off);
        assert_eq!(DisplayTarget::from_ini("7"), DisplayTarget::Stdout);
        assert!(ini_bool("yes"));
        assert!(!ini_bool("off"));
    }
}
