//! Primary expressions: literals, variables, names, arrays and lists, `new`, `match`,
//! closures, and the built-in language constructs (`isset`, `empty`, `exit`, `eval`).

use super::expr::Form;
use super::{Cost, PResult, Parser};
use crate::ast::*;
use crate::number::{IntLiteral, classify_int, float_value};
use crate::token::TokenKind as T;

impl<'s> Parser<'s> {
    pub(crate) fn primary(&mut self) -> PResult<(ExprId, Form)> {
        let t = self.tok();
        let start = t.span.start;
        match t.kind {
            T::Variable | T::Dollar => Ok((self.simple_variable()?, Form::Variable)),
            T::LNumber | T::DNumber => {
                self.bump();
                let text = self.text(t.span);
                let kind = match classify_int(text) {
                    IntLiteral::Fits(v) if t.kind == T::LNumber => ExprKind::Int(v),
                    _ => ExprKind::Float(float_value(text)),
                };
                Ok((self.mk(kind, t.span), Form::Plain))
            }
            T::ConstantEncapsedString => {
                self.bump();
                let value = self.constant_string_value(t)?;
                Ok((
                    self.mk(ExprKind::String(value), t.span),
                    Form::Dereferenceable,
                ))
            }
            T::DoubleQuote => Ok((self.double_quoted()?, Form::Dereferenceable)),
            T::StartHeredoc => Ok((self.heredoc()?, Form::Plain)),
            T::Backtick => Ok((self.backticks()?, Form::Plain)),
            T::LBracket => {
                self.bump();
                let items = self.nest(Cost::One, |p| p.array_items(T::RBracket))?;
                let span = self.span_from(start);
                Ok((
                    self.mk(
                        ExprKind::Array {
                            syntax: ArraySyntax::Short,
                            items,
                        },
                        span,
                    ),
                    Form::ArrayLiteral,
                ))
            }
            T::Array => {
                self.bump();
                self.expect(T::LParen, &[T::LParen])?;
                let items = self.nest(Cost::One, |p| p.array_items(T::RParen))?;
                let span = self.span_from(start);
                Ok((
                    self.mk(
                        ExprKind::Array {
                            syntax: ArraySyntax::Long,
                            items,
                        },
                        span,
                    ),
                    Form::ArrayLiteral,
                ))
            }
            T::List => Ok((self.list_literal()?, Form::ListLiteral)),
            T::Ident | T::NameQualified | T::NameFullyQualified | T::NameRelative => {
                self.bump();
                let name = self.name_from(t);
                Ok((
                    self.mk(ExprKind::Constant(name), t.span),
                    Form::ConstantName,
                ))
            }
            T::Readonly if self.peek(1) != T::LParen => {
                // `readonly` in an expression can only be a call to a function of that name.
                self.bump();
                Err(self.unexpected(&[T::LParen]))
            }
            T::Readonly => {
                self.bump();
                let name = Name {
                    kind: NameKind::Unqualified,
                    text: self.text(t.span).into(),
                    span: t.span,
                };
                Ok((
                    self.mk(ExprKind::Constant(name), t.span),
                    Form::ConstantName,
                ))
            }
            T::Static => match self.peek(1) {
                T::Function | T::Fn => {
                    self.bump();
                    Ok((
                        self.closure(Vec::new(), Staticness::Static, start)?,
                        Form::Plain,
                    ))
                }
                T::DoubleColon => {
                    self.bump();
                    let name = Name {
                        kind: NameKind::Unqualified,
                        text: (*b"static").into(),
                        span: t.span,
                    };
                    Ok((
                        self.mk(ExprKind::Constant(name), t.span),
                        Form::ConstantName,
                    ))
                }
                _ => {
                    // `static` reduces to a class name that wants `::`.
                    self.bump();
                    Err(self.unexpected(&[T::DoubleColon]))
                }
            },
            T::LineC
            | T::FileC
            | T::DirC
            | T::ClassC
            | T::TraitC
            | T::MethodC
            | T::FuncC
            | T::NsC => {
                self.bump();
                let m = match t.kind {
                    T::LineC => MagicConstant::Line,
                    T::FileC => MagicConstant::File,
                    T::DirC => MagicConstant::Dir,
                    T::ClassC => MagicConstant::Class,
                    T::TraitC => MagicConstant::Trait,
                    T::MethodC => MagicConstant::Method,
                    T::FuncC => MagicConstant::Function,
                    _ => MagicConstant::Namespace,
                };
                Ok((
                    self.mk(ExprKind::MagicConstant(m), t.span),
                    Form::MagicConstant,
                ))
            }
            T::LParen => {
                self.bump();
                let e = self.nest(Cost::One, |p| p.expr())?;
                self.expect(T::RParen, &[])?;
                self.ast.parenthesized.insert(e);
                Ok((e, Form::Dereferenceable))
            }
            T::New => Ok((self.new_expr()?, Form::Plain)),
            T::Function | T::Fn => Ok((
                self.closure(Vec::new(), Staticness::Instance, start)?,
                Form::Plain,
            )),
            T::Attribute => {
                let attrs = self.attributes()?;
                let staticness = if self.eat(T::Static).is_some() {
                    Staticness::Static
                } else {
                    Staticness::Instance
                };
                if !matches!(self.kind(), T::Function | T::Fn) {
                    return Err(self.unexpected(if staticness == Staticness::Static {
                        &[T::Function, T::Fn]
                    } else {
                        &[T::Function, T::Fn, T::Static, T::Attribute]
                    }));
                }
                Ok((self.closure(attrs, staticness, start)?, Form::Plain))
            }
            T::Match => Ok((self.match_expr()?, Form::Plain)),
            T::Isset => {
                self.bump();
                self.expect(T::LParen, &[T::LParen])?;
                let mut vars = vec![self.expr()?];
                while self.eat(T::Comma).is_some() {
                    if self.at(T::RParen) {
                        break;
                    }
                    vars.push(self.expr()?);
                }
                self.expect(T::RParen, &[T::RParen])?;
                let span = self.span_from(start);
                Ok((self.mk(ExprKind::Isset(vars), span), Form::Plain))
            }
            T::Empty | T::Eval => {
                self.bump();
                self.expect(T::LParen, &[T::LParen])?;
                let e = self.expr()?;
                self.expect(T::RParen, &[])?;
                let span = self.span_from(start);
                let kind = if t.kind == T::Empty {
                    ExprKind::Empty(e)
                } else {
                    ExprKind::Eval(e)
                };
                Ok((self.mk(kind, span), Form::Plain))
            }
            T::Exit => {
                self.bump();
                let mut value = None;
                if self.eat(T::LParen).is_some() {
                    if !self.at(T::RParen) && !super::expr::starts_expr(self.kind()) {
                        // `optional_expr` is empty by default reduction: `)` is expected.
                        return Err(self.unexpected(&[T::RParen]));
                    }
                    if !self.at(T::RParen) {
                        value = Some(self.expr()?);
                    }
                    self.expect(T::RParen, &[T::RParen])?;
                }
                let span = self.span_from(start);
                Ok((self.mk(ExprKind::Exit(value), span), Form::Plain))
            }
            _ => Err(self.unexpected(&[])),
        }
    }

    /// `list(...)`: a destructuring pattern.
    fn list_literal(&mut self) -> PResult<ExprId> {
        let start = self.bump().span.start;
        self.expect(T::LParen, &[T::LParen])?;
        let items = self.nest(Cost::One, |p| p.array_items(T::RParen))?;
        let span = self.span_from(start);
        Ok(self.mk(
            ExprKind::List {
                syntax: ArraySyntax::Long,
                items,
            },
            span,
        ))
    }

    /// Array or list items up to `close` (consumed).
    /// Array or list items up to `close` (consumed). As in PHP, every comma separates a
    /// possibly empty slot and only the last empty slot is dropped (`[1,]` has one item).
    pub(crate) fn array_items(&mut self, close: T) -> PResult<Vec<Option<ArrayItem>>> {
        let mut items = Vec::new();
        loop {
            if self.at(close) || self.at(T::Comma) {
                items.push(None);
            } else if !super::expr::starts_expr(self.kind())
                && !matches!(
                    self.kind(),
                    T::Ellipsis | T::Ampersand | T::AmpersandFollowedByVarOrVararg
                )
            {
                // PHP's parser reduces an empty element and wants the closing bracket.
                return Err(self.unexpected(&[close]));
            } else {
                let item = self.array_item()?;
                if item.by_ref && !self.at(close) && !self.at(T::Comma) {
                    // After `&$v` PHP's parser is in the variable's dereferencing state.
                    return Err(self.unexpected(&[
                        T::ObjectOperator,
                        T::NullsafeObjectOperator,
                        T::LBrace,
                        T::LBracket,
                    ]));
                }
                items.push(Some(item));
            }
            if self.eat(T::Comma).is_none() {
                break;
            }
        }
        if items.last().is_some_and(|i| i.is_none()) {
            items.pop();
        }
        self.expect(close, &[close])?;
        Ok(items)
    }

    fn array_item(&mut self) -> PResult<ArrayItem> {
        let start = self.tok().span.start;
        if self.eat(T::Ellipsis).is_some() {
            let value = self.expr()?;
            return Ok(ArrayItem {
                key: None,
                value,
                by_ref: false,
                unpack: true,
                span: self.span_from(start),
            });
        }
        if matches!(
            self.kind(),
            T::Ampersand | T::AmpersandFollowedByVarOrVararg
        ) {
            self.bump();
            let value = self.variable()?;
            return Ok(ArrayItem {
                key: None,
                value,
                by_ref: true,
                unpack: false,
                span: self.span_from(start),
            });
        }
        let first = if self.at(T::List) {
            self.list_literal()?
        } else {
            self.expr()?
        };
        if self.eat(T::DoubleArrow).is_none() {
            return Ok(ArrayItem {
                key: None,
                value: first,
                by_ref: false,
                unpack: false,
                span: self.span_from(start),
            });
        }
        let (value, by_ref) = if matches!(
            self.kind(),
            T::Ampersand | T::AmpersandFollowedByVarOrVararg
        ) {
            self.bump();
            (self.variable()?, true)
        } else if self.at(T::List) {
            (self.list_literal()?, false)
        } else {
            (self.expr()?, false)
        };
        Ok(ArrayItem {
            key: Some(first),
            value,
            by_ref,
            unpack: false,
            span: self.span_from(start),
        })
    }

    fn new_expr(&mut self) -> PResult<ExprId> {
        let start = self.bump().span.start;
        if matches!(self.kind(), T::Class | T::Attribute) {
            let attrs = if self.at(T::Attribute) {
                self.attributes()?
            } else {
                Vec::new()
            };
            if !self.at(T::Class) {
                return Err(self.unexpected(&[T::Class, T::Attribute]));
            }
            let class_tok = self.bump();
            let args = if self.at(T::LParen) {
                Some(self.nest(Cost::Two, |p| p.arguments())?)
            } else {
                None
            };
            let decl_start = attrs.first().map_or(class_tok.span.start, |g| g.span.start);
            let decl = self.nest(Cost::Declaration, |p| p.anonymous_class(attrs, decl_start))?;
            let span = self.span_from(start);
            return Ok(self.mk(
                ExprKind::New {
                    class: NewClass::Anonymous(Box::new(decl)),
                    args: args.map(Box::new),
                },
                span,
            ));
        }
        let class = self.class_name_reference()?;
        let args = if self.at(T::LParen) {
            Some(self.nest(Cost::Two, |p| p.arguments())?)
        } else {
            None
        };
        let span = self.span_from(start);
        Ok(self.mk(
            ExprKind::New {
                class: NewClass::Class(class),
                args: args.map(Box::new),
            },
            span,
        ))
    }

    fn match_expr(&mut self) -> PResult<ExprId> {
        let start = self.bump().span.start;
        self.expect(T::LParen, &[T::LParen])?;
        let subject = self.expr()?;
        self.expect(T::RParen, &[])?;
        self.expect(T::LBrace, &[T::LBrace])?;
        let arms = self.nest(Cost::Two, |p| {
            let mut arms = Vec::new();
            while !p.at(T::RBrace) {
                if !p.at(T::Default) && !super::expr::starts_expr(p.kind()) {
                    // The arm list (or its trailing comma) reduces by default: `}` next.
                    return Err(p.unexpected(&[T::RBrace]));
                }
                let arm_start = p.tok().span.start;
                let conds = if p.at(T::Default) {
                    p.bump();
                    p.eat(T::Comma);
                    None
                } else {
                    let mut conds = vec![p.expr()?];
                    while p.eat(T::Comma).is_some() {
                        if p.at(T::DoubleArrow) {
                            break;
                        }
                        if !super::expr::starts_expr(p.kind()) {
                            // The trailing comma reduces: `=>` is expected.
                            return Err(p.unexpected(&[T::DoubleArrow]));
                        }
                        conds.push(p.expr()?);
                    }
                    Some(conds)
                };
                p.expect(T::DoubleArrow, &[T::DoubleArrow])?;
                let body = p.expr()?;
                arms.push(MatchArm {
                    conds,
                    body,
                    span: p.span_from(arm_start),
                });
                if p.eat(T::Comma).is_none() {
                    break;
                }
            }
            p.expect(T::RBrace, &[T::RBrace])?;
            Ok(arms)
        })?;
        let span = self.span_from(start);
        Ok(self.mk(ExprKind::Match { subject, arms }, span))
    }
}
