//! The abstract syntax tree, with a span on every node.
//!
//! Expressions and statements live in two arenas of the [`Ast`] and refer to each other by
//! `u32` ids ([`ExprId`], [`StmtId`]). Besides being compact, this keeps dropping a tree flat:
//! a chain of a million `.` operators is a million arena slots, not a million nested boxes
//! whose destructor would recurse. Declarations (functions, classes, parameters, types) are
//! ordinary owned values inside the nodes that hold them.
//!
//! Names and strings are byte strings (`Box<[u8]>`), as PHP source need not be UTF-8. String
//! literals hold their *value* (escapes processed, heredoc indentation removed).

mod decl;
mod expr;
mod stmt;

pub use decl::*;
pub use expr::*;
pub use stmt::*;

use crate::span::Span;
use std::fmt;

/// Bytes of an identifier or string value.
pub type Bytes = Box<[u8]>;

/// Index of an expression in [`Ast::exprs`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ExprId(pub u32);

/// Index of a statement in [`Ast::stmts`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct StmtId(pub u32);

impl fmt::Display for ExprId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "e{}", self.0)
    }
}

impl fmt::Display for StmtId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A parsed file.
#[derive(Debug, Default)]
pub struct Ast {
    /// Expression arena.
    pub exprs: Vec<Expr>,
    /// Statement arena.
    pub stmts: Vec<Stmt>,
    /// The file's top-level statements, in order.
    pub top: Vec<StmtId>,
    /// Offset of the data after `__halt_compiler();`, if present.
    pub halt_offset: Option<u32>,
    /// Expressions written inside parentheses (PHP forbids some forms only unparenthesized,
    /// such as nested ternaries).
    pub parenthesized: std::collections::HashSet<ExprId>,
    /// Offsets written `$a{0}`: they parse, and PHP's compiler rejects them.
    pub curly_dims: std::collections::HashSet<ExprId>,
    /// Parts of interpolated strings written `${name}`, `${name[...]}` or `${expr}` (PHP 8.2
    /// deprecates the form when it compiles the string).
    pub dollar_braces: std::collections::HashSet<ExprId>,
}

impl Ast {
    /// Adds an expression and returns its id.
    pub fn add_expr(&mut self, kind: ExprKind, span: Span) -> ExprId {
        let id = ExprId(self.exprs.len() as u32);
        self.exprs.push(Expr { kind, span });
        id
    }

    /// Adds a statement and returns its id.
    pub fn add_stmt(&mut self, kind: StmtKind, span: Span) -> StmtId {
        let id = StmtId(self.stmts.len() as u32);
        self.stmts.push(Stmt { kind, span });
        id
    }

    /// The expression `id`.
    pub fn expr(&self, id: ExprId) -> &Expr {
        &self.exprs[id.0 as usize]
    }

    /// The statement `id`.
    pub fn stmt(&self, id: StmtId) -> &Stmt {
        &self.stmts[id.0 as usize]
    }
}

/// An identifier as written (a variable name without `$`, a label, a member name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// Its bytes.
    pub name: Bytes,
    /// Where it is.
    pub span: Span,
}

impl Ident {
    /// As text for messages, bytes that are not UTF-8 kept (see [`crate::lossless`]).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        crate::lossless::text(&self.name)
    }
}

/// How a name is qualified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// `Foo`
    Unqualified,
    /// `Foo\Bar`
    Qualified,
    /// `\Foo\Bar`
    FullyQualified,
    /// `namespace\Foo`
    Relative,
}

/// A class, function or constant name as written; `text` has no leading `\` or `namespace\`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// How it is qualified.
    pub kind: NameKind,
    /// The name without its leading `\` or `namespace\`.
    pub text: Bytes,
    /// Where it is.
    pub span: Span,
}

impl Name {
    /// As text for messages, bytes that are not UTF-8 kept (see [`crate::lossless`]).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        crate::lossless::text(&self.text)
    }

    /// Whether this is the unqualified name `word` (ASCII case-insensitive).
    pub fn is(&self, word: &str) -> bool {
        self.kind == NameKind::Unqualified && self.text.eq_ignore_ascii_case(word.as_bytes())
    }
}
