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
//!
//! Warnings and deprecations PHP raises while compiling (`${var}` in strings, an optional
//! parameter before a required one, `continue` targeting `switch`, unknown `declare`s,
//! returning by reference from a void function) are collected in the same walk, in the
//! same order, so they print before the error that may end it.
//!
//! Layout: `walk` holds the walker and statements; `exprs` expressions; `targets`
//! write contexts; `flow` loops, labels and returns; `scope` namespaces and imports;
//! `declare`; `functions`, `classes`, `methods`, `attributes`; `consts`
//! constant expressions; `literals` literal defaults; `types` type declarations;
//! `source` the positions PHP reports.

mod attributes;
mod classes;
mod consts;
mod declare;
mod exprs;
mod flow;
mod functions;
mod literals;
mod members;
mod methods;
mod scope;
mod source;
mod targets;
mod types;
mod walk;

use crate::ast::Ast;
use crate::diagnostics::{Diagnostic, ErrorFile, Severity};
use crate::span::LineIndex;

/// The by-reference parameters of a built-in function, `None` if there is none of that name
/// (see [`crate::ParseOptions::builtins`]).
pub type Builtins = fn(&[u8]) -> Option<&'static [usize]>;

/// Runs every check in PHP's compilation order; the first error wins, as in PHP. Warnings
/// and deprecations raised on the way (up to the error, if any) are pushed on `warnings`.
pub fn check(
    ast: &Ast,
    src: &[u8],
    builtins: Option<Builtins>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let lines = LineIndex::new(src);
    let mut w = walk::Walker::new(ast, &lines, src);
    w.builtins = builtins;
    let r = w.file().map_err(|e| *e);
    warnings.append(&mut w.warnings);
    r
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
