//! `php-syntax`: the PHP 8.2 front end of hippy.
//!
//! Pipeline: [`lexer`] (bytes to tokens, PHP's scanner states) -> [`parser`] (tokens to an
//! [`ast::Ast`] with a span on every node) -> [`check`] (the compile-time errors that
//! `php -l` reports, such as `Cannot re-assign $this`). Every error is a [`Diagnostic`]
//! carrying PHP's exact message and line; nothing in this crate panics on any input, and
//! nesting depth is bounded the way PHP bounds it (see [`parser`]).
//!
//! Entry points: [`parse`] for the syntax tree, [`lint`] for what `php -l` checks,
//! [`lint_reporting`] for that with the warnings and deprecations PHP prints on the way (both
//! `php -l` and running a script print them), and [`dump`] for the compact tree dump used by
//! snapshot tests. [`visit`] lists the children of every node, for passes that walk the tree.

pub mod ast;
pub mod check;
pub mod diagnostics;
pub mod dump;
mod escape;
pub mod lexer;
pub mod lossless;
mod number;
mod parser;
pub mod span;
pub mod token;
pub mod visit;

pub use diagnostics::{Diagnostic, ErrorFile, Severity};
pub use lexer::ShortTags;

/// Options that change how source is read (ini settings that affect the scanner) and what
/// the compile-time checks know of the host.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// `short_open_tag`.
    pub short_tags: ShortTags,
    /// The built-in functions: for a lowercase name, `None` if there is no such function,
    /// else its by-reference parameters (0-based). PHP's compiler knows the internal
    /// functions, so `var_dump($a[])` is a compile-time error; without this table calls to
    /// them are checked like calls to unknown functions.
    pub builtins: Option<check::Builtins>,
    /// `memory_limit`: polled as the lexer and parser go (every few thousand tokens, at
    /// every statement); once it gives PHP's fatal message, the file stops there with it.
    pub memory_limit: Option<MemoryLimit>,
}

/// PHP's fatal error message (`Allowed memory size of N bytes exhausted (tried to allocate
/// M bytes)`) once the memory in use has gone over `memory_limit`, else `None`. The host
/// counts the memory; this crate only asks.
pub type MemoryLimit = fn() -> Option<String>;

/// What [`lint_reporting`] found: the warnings and deprecations PHP prints before the
/// outcome, in PHP's order (the scanner's, then the compiler's), and the outcome.
#[derive(Debug)]
pub struct Linted {
    /// Diagnostics that do not stop compilation, in the order PHP prints them.
    pub warnings: Vec<Diagnostic>,
    /// The tree, or the error that stopped parsing or compilation (printed last).
    pub result: Result<ast::Ast, Diagnostic>,
}

/// Parses a PHP file into its syntax tree, or PHP's first parse error.
pub fn parse(src: &[u8]) -> Result<ast::Ast, Diagnostic> {
    parse_with(src, ParseOptions::default())
}

/// [`parse`] with explicit options.
pub fn parse_with(src: &[u8], options: ParseOptions) -> Result<ast::Ast, Diagnostic> {
    let lexed = lexer::lex_limited(src, options.short_tags, options.memory_limit);
    parser::parse_file(src, lexed, &mut Vec::new(), options.memory_limit).map_err(|d| *d)
}

/// What `php -l` does: parse, then run the compile-time checks. Returns the tree if the
/// file is valid, else the first error PHP would report.
pub fn lint(src: &[u8], options: ParseOptions) -> Result<ast::Ast, Diagnostic> {
    lint_reporting(src, options).result
}

/// [`lint`], keeping the warnings and deprecations PHP raises while it parses and compiles
/// (`Deprecated: Using ${var} in strings is deprecated, ...`).
pub fn lint_reporting(src: &[u8], options: ParseOptions) -> Linted {
    let mut warnings = Vec::new();
    let result = parse_reporting(src, options, &mut warnings)
        .and_then(|ast| check::check(&ast, src, options.builtins, &mut warnings).map(|()| ast));
    Linted { warnings, result }
}

/// The parse half of [`lint_reporting`]: the tree without the compile-time checks
/// ([`check::check`]), the scanner's and parser's warnings added to `warnings`.
pub fn parse_reporting(
    src: &[u8],
    options: ParseOptions,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ast::Ast, Diagnostic> {
    let lexed = lexer::lex_limited(src, options.short_tags, options.memory_limit);
    parser::parse_file(src, lexed, warnings, options.memory_limit).map_err(|d| *d)
}
