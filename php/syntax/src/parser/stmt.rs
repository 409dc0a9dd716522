//! Statements: the top-level and inner statement lists, simple statements, and dispatch to
//! control flow ([`super::control`]) and top-level-only forms ([`super::toplevel`]).

use super::{Cost, PResult, Parser};
use crate::ast::*;
use crate::span::Span;
use crate::token::TokenKind as T;

/// Whether a statement list is the file level (where `namespace`, `use`, `const` and
/// `__halt_compiler` are allowed) or inside a block.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Top,
    Inner,
}

impl<'s> Parser<'s> {
    pub(crate) fn top_statements(&mut self) -> PResult<Vec<StmtId>> {
        let mut list = Vec::new();
        while !self.at(T::Eof) {
            if !starts_statement(self.kind()) {
                // PHP's parser reduces the file's statement list and wants its end.
                return Err(self.unexpected(&[T::Eof]));
            }
            list.push(self.statement_at(Level::Top)?);
            if self.at(T::Eof) && self.ast.halt_offset.is_some() {
                break;
            }
        }
        Ok(list)
    }

    /// Statements up to one of `terminators` (not consumed).
    pub(crate) fn inner_statements(&mut self, terminators: &[T]) -> PResult<Vec<StmtId>> {
        let mut list = Vec::new();
        while !terminators.contains(&self.kind()) {
            if self.at(T::Eof) || (terminators.len() > 1 && !starts_statement(self.kind())) {
                // A list that ends its rule (`case ...:` bodies, `if (...):` branches) is
                // reduced by default: the tokens that may follow it are expected.
                let expected: &[T] = if terminators.len() > 1 {
                    terminators
                } else {
                    &[]
                };
                return Err(self.unexpected(expected));
            }
            list.push(self.statement_at(Level::Inner)?);
        }
        list.shrink_to_fit();
        Ok(list)
    }

    /// Top-level statement list inside `namespace X { ... }`.
    pub(crate) fn braced_top_statements(&mut self) -> PResult<Vec<StmtId>> {
        let mut list = Vec::new();
        while !self.at(T::RBrace) {
            if self.at(T::Eof) {
                return Err(self.unexpected(&[]));
            }
            list.push(self.statement_at(Level::Top)?);
        }
        Ok(list)
    }

    pub(crate) fn statement(&mut self) -> PResult<StmtId> {
        self.statement_at(Level::Inner)
    }

    pub(crate) fn stmt(&mut self, kind: StmtKind, start: u32) -> StmtId {
        let span = self.span_from(start);
        self.ast.add_stmt(kind, span)
    }

    /// `;` or `?>` ending a statement.
    pub(crate) fn end_statement(&mut self, expected: &[T]) -> PResult<()> {
        self.expect(T::Semicolon, expected).map(|_| ())
    }

    fn statement_at(&mut self, level: Level) -> PResult<StmtId> {
        if let Some(message) = self.memory_limit.and_then(|over| over()) {
            return Err(self.fatal_here(message));
        }
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.statement_inner(level))
    }

    fn statement_inner(&mut self, level: Level) -> PResult<StmtId> {
        let t = self.tok();
        let start = t.span.start;
        let first_tok = self.token_index();
        match t.kind {
            T::LBrace => {
                self.bump();
                let body = self.nest(Cost::Two, |p| p.inner_statements(&[T::RBrace]))?;
                self.expect(T::RBrace, &[])?;
                Ok(self.stmt(StmtKind::Block(body), start))
            }
            T::If => self.if_stmt(),
            T::While => self.while_stmt(),
            T::Do => self.do_while(),
            T::For => self.for_stmt(),
            T::Foreach => self.foreach_stmt(),
            T::Switch => self.switch_stmt(),
            T::Try => self.try_stmt(),
            T::Declare => self.declare_stmt(),
            T::Break | T::Continue | T::Return => {
                self.bump();
                if !self.at(T::Semicolon) && !super::expr::starts_expr(self.kind()) {
                    // `optional_expr` is empty by default reduction: `;` is expected.
                    return Err(self.unexpected(&[T::Semicolon]));
                }
                let value = if self.at(T::Semicolon) {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.end_statement(&[T::Semicolon])?;
                let kind = match t.kind {
                    T::Break => StmtKind::Break(value),
                    T::Continue => StmtKind::Continue(value),
                    _ => StmtKind::Return(value),
                };
                Ok(self.stmt(kind, start))
            }
            T::Global => {
                self.bump();
                let mut vars = vec![self.simple_variable()?];
                while self.eat(T::Comma).is_some() {
                    vars.push(self.simple_variable()?);
                }
                self.end_statement(&[T::Comma, T::Semicolon])?;
                Ok(self.stmt(StmtKind::Global(vars), start))
            }
            T::Static if self.peek(1) == T::Variable => {
                self.bump();
                let mut vars = Vec::new();
                loop {
                    let v = self.expect(T::Variable, &[T::Variable])?;
                    let default = if self.eat(T::Equals).is_some() {
                        Some(self.expr()?)
                    } else {
                        None
                    };
                    vars.push(StaticVar {
                        name: self.var_ident(v),
                        default,
                        span: self.span_from(v.span.start),
                    });
                    if self.eat(T::Comma).is_none() {
                        break;
                    }
                }
                self.end_statement(&[T::Comma, T::Semicolon])?;
                Ok(self.stmt(StmtKind::Static(vars), start))
            }
            T::Echo => {
                self.bump();
                let mut exprs = vec![self.expr()?];
                while self.eat(T::Comma).is_some() {
                    exprs.push(self.expr()?);
                }
                self.end_statement(&[T::Comma, T::Semicolon])?;
                Ok(self.stmt(StmtKind::Echo(exprs), start))
            }
            T::InlineHtml => {
                self.bump();
                let text = self.text(t.span).into();
                Ok(self.ast.add_stmt(StmtKind::InlineHtml(text), t.span))
            }
            T::Unset => {
                self.bump();
                self.expect(T::LParen, &[T::LParen])?;
                let mut vars = Vec::new();
                while !self.at(T::RParen) {
                    if !vars.is_empty() && !super::expr::starts_variable(self.kind()) {
                        // After `,` the optional trailing comma reduces: `)` is expected.
                        return Err(self.unexpected(&[T::RParen]));
                    }
                    vars.push(self.unset_variable()?);
                    if self.eat(T::Comma).is_none() {
                        break;
                    }
                }
                if vars.is_empty() {
                    return Err(self.unexpected(&[]));
                }
                self.expect(T::RParen, &[T::RParen])?;
                self.end_statement(&[T::Semicolon])?;
                Ok(self.stmt(StmtKind::Unset(vars), start))
            }
            T::Semicolon => {
                self.bump();
                Ok(self.ast.add_stmt(StmtKind::Nop, t.span))
            }
            T::Goto => {
                self.bump();
                let label = self.expect(T::Ident, &[T::Ident])?;
                let label = self.ident_of(label);
                self.end_statement(&[T::Semicolon])?;
                Ok(self.stmt(StmtKind::Goto(label), start))
            }
            T::Ident if self.peek(1) == T::Colon => {
                self.bump();
                self.bump();
                let label = self.ident_of(t);
                Ok(self.stmt(StmtKind::Label(label), start))
            }
            T::HaltCompiler => {
                self.bump();
                self.expect(T::LParen, &[T::LParen])?;
                self.expect(T::RParen, &[T::RParen])?;
                if level == Level::Inner {
                    // PHP's grammar action for the whole statement raises it.
                    let semi = self.expect(T::Semicolon, &[T::Semicolon])?;
                    return Err(self.fatal(
                        "__HALT_COMPILER() can only be used from the outermost scope",
                        semi.span.start,
                    ));
                }
                self.end_statement(&[T::Semicolon])?;
                Ok(self.stmt(StmtKind::HaltCompiler, start))
            }
            T::Namespace if level == Level::Top => self.namespace_stmt(),
            T::Use if level == Level::Top => self.use_stmt(),
            T::Const if level == Level::Top => self.const_stmt(),
            T::Function if self.is_function_decl() => {
                let f = self.function_decl(Vec::new(), start, first_tok)?;
                Ok(self.stmt(StmtKind::Function(Box::new(f)), start))
            }
            T::Abstract | T::Final | T::Class | T::Interface | T::Trait | T::Enum => {
                let c = self.class_decl(Vec::new(), start, first_tok)?;
                Ok(self.stmt(StmtKind::Class(Box::new(c)), start))
            }
            T::Readonly if self.peek(1) != T::LParen => {
                let c = self.class_decl(Vec::new(), start, first_tok)?;
                Ok(self.stmt(StmtKind::Class(Box::new(c)), start))
            }
            T::Attribute => self.attributed_statement(start, first_tok),
            _ => self.expression_statement(start),
        }
    }

    fn expression_statement(&mut self, start: u32) -> PResult<StmtId> {
        let e = self.expr()?;
        self.end_statement(&[])?;
        Ok(self.stmt(StmtKind::Expr(e), start))
    }

    /// After `function`: a declaration if a name follows (possibly after `&`).
    fn is_function_decl(&self) -> bool {
        let mut i = 1;
        if matches!(
            self.peek(i),
            T::Ampersand | T::AmpersandFollowedByVarOrVararg
        ) {
            i += 1;
        }
        matches!(self.peek(i), T::Ident | T::Readonly)
    }

    fn attributed_statement(&mut self, start: u32, first_tok: usize) -> PResult<StmtId> {
        let save = self.token_index();
        let attrs = self.attributes()?;
        match self.kind() {
            T::Function if self.is_function_decl() => {
                let f = self.function_decl(attrs, start, first_tok)?;
                Ok(self.stmt(StmtKind::Function(Box::new(f)), start))
            }
            T::Abstract | T::Final | T::Class | T::Interface | T::Trait | T::Enum | T::Readonly => {
                let c = self.class_decl(attrs, start, first_tok)?;
                Ok(self.stmt(StmtKind::Class(Box::new(c)), start))
            }
            T::Function | T::Fn | T::Static => {
                // An attributed closure used as an expression statement: parse it again whole.
                self.rewind(save);
                self.expression_statement(start)
            }
            _ => Err(self.unexpected(&[])),
        }
    }

    fn unset_variable(&mut self) -> PResult<ExprId> {
        let v = self.variable()?;
        if !matches!(self.kind(), T::Comma | T::RParen) {
            // PHP's parser has reduced the variable towards a dereferenceable one here.
            return Err(self.unexpected(&[
                T::ObjectOperator,
                T::NullsafeObjectOperator,
                T::LBrace,
                T::LBracket,
            ]));
        }
        Ok(v)
    }

    /// The body of a control structure: one statement (or block).
    pub(crate) fn body_statement(&mut self) -> PResult<StmtId> {
        self.nest(Cost::Control, |p| p.statement())
    }

    /// Statements of an alternative-syntax body, wrapped in a block statement.
    pub(crate) fn alt_block(&mut self, terminators: &[T]) -> PResult<StmtId> {
        let start = self.prev_end();
        let list = self.nest(Cost::Control, |p| p.inner_statements(terminators))?;
        let span = Span::new(start, self.prev_end().max(start));
        Ok(self.ast.add_stmt(StmtKind::Block(list), span))
    }
}

/// Tokens that can start a statement.
fn starts_statement(k: T) -> bool {
    super::expr::starts_expr(k)
        || matches!(
            k,
            T::LBrace
                | T::Semicolon
                | T::If
                | T::While
                | T::Do
                | T::For
                | T::Foreach
                | T::Switch
                | T::Break
                | T::Continue
                | T::Return
                | T::Global
                | T::Echo
                | T::InlineHtml
                | T::Unset
                | T::Goto
                | T::Try
                | T::Declare
                | T::Abstract
                | T::Final
                | T::Class
                | T::Interface
                | T::Trait
                | T::Enum
                | T::Namespace
                | T::Use
                | T::Const
                | T::HaltCompiler
                | T::Error
        )
}
