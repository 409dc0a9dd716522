//! File-level statements: `namespace`, `use` (plain, function, const, grouped) and `const`.

use super::{PResult, Parser};
use crate::ast::*;
use crate::token::TokenKind as T;

impl<'s> Parser<'s> {
    pub(crate) fn namespace_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        let name = if self.at(T::LBrace) {
            None
        } else if matches!(self.kind(), T::NameFullyQualified | T::NameRelative) {
            // Not a namespace name: PHP's parser takes the braced global form and wants `{`.
            return Err(self.unexpected(&[T::LBrace]));
        } else if self.kind().is_semi_reserved() {
            // A one-part namespace name may be a reserved word (`namespace fn;`).
            let t = self.bump();
            Some(Name {
                kind: NameKind::Unqualified,
                text: self.text(t.span).into(),
                span: t.span,
            })
        } else {
            Some(self.name(&[T::LBrace])?)
        };
        if name.is_some() && self.at(T::Semicolon) {
            self.bump();
            return Ok(self.stmt(StmtKind::Namespace { name, body: None }, start));
        }
        self.expect(T::LBrace, &[T::LBrace])?;
        let body = self.nest(super::Cost::Two, |p| p.braced_top_statements())?;
        self.bump();
        Ok(self.stmt(
            StmtKind::Namespace {
                name,
                body: Some(body),
            },
            start,
        ))
    }

    fn use_kind(&mut self) -> UseKind {
        match self.kind() {
            T::Function => {
                self.bump();
                UseKind::Function
            }
            T::Const => {
                self.bump();
                UseKind::Const
            }
            _ => UseKind::Normal,
        }
    }

    fn use_alias(&mut self) -> PResult<Option<Ident>> {
        if self.eat(T::As).is_some() {
            let t = self.expect(T::Ident, &[T::Ident])?;
            Ok(Some(self.ident_of(t)))
        } else {
            Ok(None)
        }
    }

    pub(crate) fn use_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        let kind = self.use_kind();
        // Right after `use`, `function` and `const` are expected too (five tokens: no list).
        let first = self.name(if kind == UseKind::Normal {
            &[]
        } else {
            &[T::Ident, T::NameFullyQualified, T::NameQualified]
        })?;
        if first.kind != NameKind::Relative && self.at(T::NsSeparator) {
            self.bump();
            self.expect(T::LBrace, &[T::LBrace])?;
            let mut uses = Vec::new();
            while !self.at(T::RBrace) {
                let item_start = self.tok().span.start;
                if !matches!(self.kind(), T::Ident | T::NameQualified)
                    && (kind != UseKind::Normal || !matches!(self.kind(), T::Function | T::Const))
                {
                    // After `{` every element form is expected; after `,` PHP's parser
                    // reduces the optional trailing comma and wants `}`.
                    return Err(self.unexpected(match (uses.is_empty(), kind) {
                        (false, _) => &[T::RBrace],
                        (true, UseKind::Normal) => {
                            &[T::Ident, T::NameQualified, T::Function, T::Const]
                        }
                        (true, _) => &[T::Ident, T::NameQualified],
                    }));
                }
                let item_kind = if kind == UseKind::Normal {
                    self.use_kind()
                } else {
                    kind
                };
                let name = self.name(&[T::Ident, T::NameQualified])?;
                if !matches!(name.kind, NameKind::Unqualified | NameKind::Qualified) {
                    return Err(self.unexpected(&[]));
                }
                let alias = self.use_alias()?;
                uses.push(UseItem {
                    kind: item_kind,
                    name,
                    alias,
                    span: self.span_from(item_start),
                });
                if self.eat(T::Comma).is_none() {
                    break;
                }
            }
            if uses.is_empty() {
                return Err(self.unexpected(&[T::Ident, T::NameQualified, T::Function, T::Const]));
            }
            self.expect(T::RBrace, &[T::RBrace])?;
            self.end_statement(&[T::Semicolon])?;
            return Ok(self.stmt(
                StmtKind::GroupUse {
                    kind,
                    prefix: first,
                    uses,
                },
                start,
            ));
        }
        let mut uses = Vec::new();
        let mut name = first;
        loop {
            if name.kind == NameKind::Relative {
                return Err(self.unexpected(&[]));
            }
            let item_start = name.span.start;
            let alias = self.use_alias()?;
            uses.push(UseItem {
                kind,
                name,
                alias,
                span: self.span_from(item_start),
            });
            if self.eat(T::Comma).is_none() {
                break;
            }
            name = self.name(&[T::Ident, T::NameFullyQualified, T::NameQualified])?;
        }
        self.end_statement(&[T::Comma, T::Semicolon])?;
        Ok(self.stmt(StmtKind::Use { kind, uses }, start))
    }

    pub(crate) fn const_stmt(&mut self) -> PResult<StmtId> {
        let start = self.bump().span.start;
        let mut items = Vec::new();
        loop {
            let item_start = self.tok().span.start;
            let t = self.expect(T::Ident, &[T::Ident])?;
            let name = self.ident_of(t);
            self.expect(T::Equals, &[T::Equals])?;
            let value = self.expr()?;
            items.push(ConstItem {
                name,
                value,
                span: self.span_from(item_start),
            });
            if self.eat(T::Comma).is_none() {
                break;
            }
        }
        self.end_statement(&[T::Comma, T::Semicolon])?;
        Ok(self.stmt(StmtKind::Const(items), start))
    }
}
