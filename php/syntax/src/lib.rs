//! `php-syntax`: the PHP 8.2 front end of hippy.
//!
//! Pipeline: [`lexer`] (bytes to tokens, PHP's scanner states) -> [`parser`] (tokens to an
//! [`ast::Ast`] with a span on every node) -> [`check`] (the compile-time errors that
//! `php -l` reports, such as `Cannot re-assign $this`). Every error is a [`Diagnostic`]
//! carrying PHP's exact message and line; nothing in this crate panics on any input, and
//! nesting depth is bounded the way PHP bounds it (see [`parser`]).
//!
//! Entry points: [`parse`] for the syntax tree, [`lint`] for what `php -l` checks, and
//! [`dump`] for the compact tree dump used by snapshot tests. [`visit`] lists the children
//! of every node, for passes that walk the tree.

pub mod ast;
pub mod check;
pub mod diagnostics;
pub mod dump;
mod escape;
pub mod lexer;
mod number;
mod parser;
pub mod span;
pub mod token;
pub mod visit;

pub use diagnostics::{Diagnostic, ErrorFile, Severity};
pub use lexer::ShortTags;

/// Options that change how source is read (ini settings that affect the scanner).
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// `short_open_tag`.
    pub short_tags: ShortTags,
}

/// Parses a PHP file into its syntax tree, or PHP's first parse error.
pub fn parse(src: &[u8]) -> Result<ast::Ast, Diagnostic> {
    parse_with(src, ParseOptions::default())
}

/// [`parse`] with explicit options.
pub fn parse_with(src: &[u8], options: ParseOptions) -> Result<ast::Ast, Diagnostic> {
    let lexed = lexer::lex(src, options.short_tags);
    parser::parse_file(src, lexed).map_err(|d| *d)
}

/// What `php -l` does: parse, then run the compile-time checks. Returns the tree if the
/// file is valid, else the first error PHP would report.
pub fn lint(src: &[u8], options: ParseOptions) -> Result<ast::Ast, Diagnostic> {
    let ast = parse_with(src, options)?;
    check::check(&ast, src)?;
    Ok(ast)
}
