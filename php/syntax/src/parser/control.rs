//! Control flow: `if`, `while`, `do`, `for`, `foreach`, `switch`, `try`, `declare`, in both
//! the brace syntax and the alternative syntax (`if: ... endif;`).

use super::{Cost, PResult, Parser};
use crate::ast::*;
use crate::diagnostics::{Diagnostic, ErrorFile, Severity};
use crate::token::TokenKind as T;

impl<'s> Parser<'s> {
    /// `(expr)` after a control keyword.
    fn paren_cond(&mut self) -> PResult<ExprId> {
        self.expect(T::LParen, &[T::LParen])?;
        let e = self.expr()?;
        // PHP's state after an expression followed directly by a terminal also shifts every
        // binary operator: more than four tokens, so no list.
        self.expect(T::RParen, &[])?;
        Ok(e)
    }

    pub(crate) fn if_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        let cond = self.paren_cond()?;
        if self.eat(T::Colon).is_some() {
            let then = self.alt_block(&[T::Elseif, T::Else, T::Endif])?;
            let mut elseifs = Vec::new();
            let mut otherwise = None;
            loop {
                let clause_start = self.tok().span.start;
                if self.eat(T::Elseif).is_some() {
                    let cond = self.paren_cond()?;
                    self.expect(T::Colon, &[T::Colon])?;
                    let body = self.alt_block(&[T::Elseif, T::Else, T::Endif])?;
                    elseifs.push(ElseIf {
                        cond,
                        body,
                        span: self.span_from(clause_start),
                    });
                } else if self.eat(T::Else).is_some() {
                    self.expect(T::Colon, &[T::Colon])?;
                    otherwise = Some(self.alt_block(&[T::Endif])?);
                    break;
                } else {
                    break;
                }
            }
            self.expect(T::Endif, &[T::Elseif, T::Else, T::Endif])?;
            self.end_statement(&[T::Semicolon])?;
            let kind = StmtKind::If {
                cond,
                then,
                elseifs,
                otherwise,
                syntax: BlockSyntax::Alternative,
            };
            return Ok(self.stmt(kind, start));
        }
        let then = self.body_statement()?;
        let mut elseifs = Vec::new();
        let mut otherwise = None;
        loop {
            let clause_start = self.tok().span.start;
            if self.eat(T::Elseif).is_some() {
                let cond = self.paren_cond()?;
                let body = self.body_statement()?;
                elseifs.push(ElseIf {
                    cond,
                    body,
                    span: self.span_from(clause_start),
                });
            } else if self.eat(T::Else).is_some() {
                otherwise = Some(self.body_statement()?);
                break;
            } else {
                break;
            }
        }
        let kind = StmtKind::If {
            cond,
            then,
            elseifs,
            otherwise,
            syntax: BlockSyntax::Normal,
        };
        Ok(self.stmt(kind, start))
    }

    pub(crate) fn while_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        let cond = self.paren_cond()?;
        let (body, syntax) = self.loop_body(T::Endwhile)?;
        Ok(self.stmt(StmtKind::While { cond, body, syntax }, start))
    }

    /// A loop body: a statement, or `: ... endX;`.
    fn loop_body(&mut self, end: T) -> PResult<(StmtId, BlockSyntax)> {
        if self.eat(T::Colon).is_some() {
            let body = self.alt_block(&[end])?;
            self.expect(end, &[end])?;
            self.end_statement(&[T::Semicolon])?;
            Ok((body, BlockSyntax::Alternative))
        } else {
            Ok((self.body_statement()?, BlockSyntax::Normal))
        }
    }

    pub(crate) fn do_while(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        let body = self.body_statement()?;
        self.expect(T::While, &[T::While])?;
        let cond = self.paren_cond()?;
        self.end_statement(&[T::Semicolon])?;
        Ok(self.stmt(StmtKind::DoWhile { body, cond }, start))
    }

    pub(crate) fn for_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        self.expect(T::LParen, &[T::LParen])?;
        let init = self.for_exprs(T::Semicolon)?;
        let cond = self.for_exprs(T::Semicolon)?;
        let step = self.for_exprs(T::RParen)?;
        let (body, syntax) = self.loop_body(T::Endfor)?;
        Ok(self.stmt(
            StmtKind::For {
                init,
                cond,
                step,
                body,
                syntax,
            },
            start,
        ))
    }

    fn for_exprs(&mut self, end: T) -> PResult<Vec<ExprId>> {
        let mut exprs = Vec::new();
        if !self.at(end) && !super::expr::starts_expr(self.kind()) {
            // `for_exprs` is empty by PHP's default reduction: only `end` is expected.
            return Err(self.unexpected(&[end]));
        }
        if !self.at(end) {
            exprs.push(self.expr()?);
            while self.eat(T::Comma).is_some() {
                exprs.push(self.expr()?);
            }
        }
        self.expect(end, &[end])?;
        Ok(exprs)
    }

    pub(crate) fn foreach_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        self.expect(T::LParen, &[T::LParen])?;
        let expr = self.expr()?;
        self.expect(T::As, &[])?;
        let (first, first_ref) = self.foreach_variable()?;
        let (key, value, by_ref) = if self.eat(T::DoubleArrow).is_some() {
            let (value, by_ref) = self.foreach_variable()?;
            if first_ref {
                return Err(self.fatal(
                    "Key element cannot be a reference",
                    self.span_of(first).start,
                ));
            }
            (Some(first), value, by_ref)
        } else {
            (None, first, first_ref)
        };
        if !self.at(T::RParen) {
            // `=>` is in the lookahead of the reduction to `foreach_variable`: after it
            // only `)` is expected; other tokens leave a variable in its dereferencing state.
            let variable = !matches!(self.ast.expr(value).kind, ExprKind::List { .. })
                && (key.is_none() || !self.at(T::DoubleArrow));
            // After a variable PHP's parser is in the state that dereferences it further.
            return Err(self.unexpected(if variable {
                &[
                    T::ObjectOperator,
                    T::NullsafeObjectOperator,
                    T::LBrace,
                    T::LBracket,
                ]
            } else if key.is_some() {
                &[T::RParen]
            } else {
                &[T::DoubleArrow, T::RParen]
            }));
        }
        self.expect(T::RParen, &[T::RParen])?;
        let (body, syntax) = self.loop_body(T::Endforeach)?;
        Ok(self.stmt(
            StmtKind::Foreach {
                expr,
                key,
                value,
                by_ref,
                body,
                syntax,
            },
            start,
        ))
    }

    fn foreach_variable(&mut self) -> PResult<(ExprId, bool)> {
        if !super::expr::starts_variable(self.kind())
            && !matches!(
                self.kind(),
                T::Ampersand | T::AmpersandFollowedByVarOrVararg | T::List
            )
        {
            return Err(self.unexpected(&[]));
        }
        if matches!(
            self.kind(),
            T::Ampersand | T::AmpersandFollowedByVarOrVararg
        ) {
            self.bump();
            return Ok((self.variable()?, true));
        }
        if matches!(self.kind(), T::List | T::LBracket) {
            let start = self.tok().span.start;
            let long = self.bump().kind == T::List;
            if long {
                self.expect(T::LParen, &[T::LParen])?;
            }
            let close = if long { T::RParen } else { T::RBracket };
            let items = self.nest(Cost::One, |p| p.array_items(close))?;
            let syntax = if long {
                ArraySyntax::Long
            } else {
                ArraySyntax::Short
            };
            let span = self.span_from(start);
            let e = self.mk(ExprKind::List { syntax, items }, span);
            self.array_to_list(e);
            return Ok((e, false));
        }
        Ok((self.variable()?, false))
    }

    pub(crate) fn switch_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        let subject = self.paren_cond()?;
        let (syntax, end) = if self.eat(T::Colon).is_some() {
            (BlockSyntax::Alternative, T::Endswitch)
        } else {
            self.expect(T::LBrace, &[T::Colon, T::LBrace])?;
            (BlockSyntax::Normal, T::RBrace)
        };
        self.eat(T::Semicolon);
        let cases = self.nest(Cost::Control, |p| {
            let mut cases = Vec::new();
            loop {
                let case_start = p.tok().span.start;
                let cond = match p.kind() {
                    T::Case => {
                        p.bump();
                        Some(p.expr()?)
                    }
                    T::Default => {
                        p.bump();
                        None
                    }
                    k if k == end => break,
                    // In token order: `endswitch` < `case` < `default` < `}`.
                    _ if end == T::RBrace => {
                        return Err(p.unexpected(&[T::Case, T::Default, T::RBrace]));
                    }
                    _ => return Err(p.unexpected(&[end, T::Case, T::Default])),
                };
                if p.eat(T::Colon).is_none() && p.eat(T::Semicolon).is_none() {
                    // `case expr • case_separator` also shifts the binary operators.
                    return Err(p.unexpected(if cond.is_none() {
                        &[T::Colon, T::Semicolon]
                    } else {
                        &[]
                    }));
                }
                // In PHP's token order (`endswitch` < `case` < `default` < `}`).
                let body = p.inner_statements(if end == T::RBrace {
                    &[T::Case, T::Default, T::RBrace]
                } else {
                    &[T::Endswitch, T::Case, T::Default]
                })?;
                cases.push(SwitchCase {
                    cond,
                    body,
                    span: p.span_from(case_start),
                });
            }
            Ok(cases)
        })?;
        self.bump();
        if syntax == BlockSyntax::Alternative {
            self.end_statement(&[T::Semicolon])?;
        }
        Ok(self.stmt(
            StmtKind::Switch {
                subject,
                cases,
                syntax,
            },
            start,
        ))
    }

    fn braced_block(&mut self) -> PResult<Vec<StmtId>> {
        self.expect(T::LBrace, &[T::LBrace])?;
        let body = self.nest(Cost::Two, |p| p.inner_statements(&[T::RBrace]))?;
        self.expect(T::RBrace, &[])?;
        Ok(body)
    }

    pub(crate) fn try_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        let body = self.braced_block()?;
        let mut catches = Vec::new();
        while self.at(T::Catch) {
            let catch_start = self.bump().span.start;
            self.expect(T::LParen, &[T::LParen])?;
            let mut types = vec![self.class_name()?];
            while self.eat(T::Pipe).is_some() {
                types.push(self.class_name()?);
            }
            let var = self.eat(T::Variable).map(|t| self.var_ident(t));
            self.expect(T::RParen, &[T::RParen])?;
            let body = self.braced_block()?;
            catches.push(Catch {
                types,
                var,
                body,
                span: self.span_from(catch_start),
            });
        }
        let finally = if self.eat(T::Finally).is_some() {
            Some(self.braced_block()?)
        } else {
            None
        };
        Ok(self.stmt(
            StmtKind::Try {
                body,
                catches,
                finally,
            },
            start,
        ))
    }

    pub(crate) fn declare_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        self.expect(T::LParen, &[T::LParen])?;
        let mut directives = Vec::new();
        loop {
            let name = self.expect(T::Ident, &[T::Ident])?;
            let name = self.ident_of(name);
            self.expect(T::Equals, &[T::Equals])?;
            let value = self.expr()?;
            directives.push(DeclareDirective { name, value });
            if self.eat(T::Comma).is_none() {
                break;
            }
        }
        let close = self.expect(T::RParen, &[T::Comma, T::RParen])?;
        self.encoding_declaration(&directives, close.span.start);
        let body = if self.eat(T::Colon).is_some() {
            let list = self.nest(Cost::Control, |p| p.inner_statements(&[T::Enddeclare]))?;
            self.bump();
            self.end_statement(&[T::Semicolon])?;
            DeclareBody::Alternative(list)
        } else if self.at(T::Semicolon) {
            self.bump();
            DeclareBody::None
        } else {
            DeclareBody::Stmt(self.body_statement()?)
        };
        Ok(self.stmt(StmtKind::Declare { directives, body }, start))
    }

    /// PHP handles `declare(encoding=...)` as soon as it has parsed the directives: without
    /// `zend.multibyte` (off by default, and hippy has no multibyte scanner) a literal
    /// encoding is ignored with a warning. (A value that is not a literal is an error,
    /// reported by the checks.)
    fn encoding_declaration(&mut self, directives: &[DeclareDirective], close: u32) {
        for d in directives {
            let literal = matches!(
                self.ast.expr(d.value).kind,
                ExprKind::String(_) | ExprKind::Int(_) | ExprKind::Float(_)
            );
            if !d.name.name.eq_ignore_ascii_case(b"encoding") {
                continue;
            }
            if !literal {
                return;
            }
            self.warnings.push(Diagnostic {
                severity: Severity::CompileWarning,
                message: "declare(encoding=...) ignored because Zend multibyte feature is turned off by settings".into(),
                line: self.line_at(close),
                file: ErrorFile::Compiled,
            });
        }
    }
}
