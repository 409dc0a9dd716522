//! Compile-time checks: the errors PHP's compiler raises on a syntactically valid file,
//! which `php -l` reports too (`Fatal error: Cannot re-assign $this`, ...).
//!
//! One walk in source order, as PHP compiles; the first error wins. Covered here: uses of
//! `$this` (assignment, parameter, global, static, unset, closure `use`), `[]` for reading,
//! `break`/`continue` levels, repeated parameters, empty array elements, destructuring
//! rules, argument order (positional after named), removed `(unset)` cast, unparenthesized
//! nested ternaries, nullsafe in write context, several `match`/`declare` rules, and
//! duplicate members of one class ([`members`]). Checks that need other classes
//! (inheritance compatibility) belong to the compiler.

mod decls;
mod members;
mod types;
mod walk;

use crate::ast::Ast;
use crate::diagnostics::{Diagnostic, ErrorFile, Severity};
use crate::span::LineIndex;

/// Runs every check in PHP's compilation order; the first error wins, as in PHP.
pub fn check(ast: &Ast, src: &[u8]) -> Result<(), Diagnostic> {
    let lines = LineIndex::new(src);
    let mut w = walk::Walker::new(ast, &lines, src);
    w.file().map_err(|e| *e)
}

pub(crate) type CResult = Result<(), Box<Diagnostic>>;

pub(crate) fn fatal(lines: &LineIndex, offset: u32, message: impl Into<String>) -> Box<Diagnostic> {
    Box::new(Diagnostic {
        severity: Severity::Fatal,
        message: message.into(),
        line: lines.line(offset),
        file: ErrorFile::Compiled,
    })
}
