//! Functions, closures, arrow functions, parameters, types and attributes.

use super::expr::prec;
use super::{Cost, PResult, Parser};
use crate::ast::*;
use crate::token::TokenKind as T;

/// Whether a type position accepts `static` (return types) or not (parameters, properties).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum StaticType {
    Allowed,
    Forbidden,
}

impl<'s> Parser<'s> {
    /// One or more `#[...]` groups.
    pub(crate) fn attributes(&mut self) -> PResult<Vec<AttributeGroup>> {
        let mut groups = Vec::new();
        while self.at(T::Attribute) {
            let start = self.bump().span.start;
            let mut attrs = Vec::new();
            loop {
                let name = self.class_name()?;
                let args = if self.at(T::LParen) {
                    Some(self.nest(Cost::Two, |p| p.arguments())?)
                } else {
                    None
                };
                let span = self.span_from(name.span.start);
                attrs.push(Attribute { name, args, span });
                if self.eat(T::Comma).is_none() || self.at(T::RBracket) {
                    break;
                }
            }
            self.expect(T::RBracket, &[T::RBracket])?;
            groups.push(AttributeGroup {
                attrs,
                span: self.span_from(start),
            });
        }
        Ok(groups)
    }

    fn returns_ref(&mut self) -> bool {
        if matches!(
            self.kind(),
            T::Ampersand | T::AmpersandFollowedByVarOrVararg
        ) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// `function name(...) { ... }` at statement level; `start` is where attributes began.
    pub(crate) fn function_decl(
        &mut self,
        attrs: Vec<AttributeGroup>,
        start: u32,
        first_tok: usize,
    ) -> PResult<FunctionDecl> {
        self.expect(T::Function, &[T::Function])?;
        let doc_comment = self.doc_comment_before(first_tok);
        let by_ref = self.returns_ref();
        let name = match self.kind() {
            T::Ident | T::Readonly => {
                let t = self.bump();
                self.ident_of(t)
            }
            _ => return Err(self.unexpected(&[T::Ident, T::LParen])),
        };
        let params = self.parameter_list()?;
        let return_type = self.return_type()?;
        let body = self.nest(Cost::Declaration, |p| p.function_body())?;
        Ok(FunctionDecl {
            attrs,
            modifiers: Modifiers::default(),
            by_ref,
            name,
            params,
            return_type,
            body: Some(body),
            doc_comment,
            span: self.span_from(start),
        })
    }

    /// `{ statements }` of a function, method or closure.
    pub(crate) fn function_body(&mut self) -> PResult<Vec<StmtId>> {
        self.expect(T::LBrace, &[T::LBrace])?;
        let body = self.inner_statements(&[T::RBrace])?;
        self.expect(T::RBrace, &[])?;
        Ok(body)
    }

    /// A closure or arrow function, the current token being `function` or `fn`.
    pub(crate) fn closure(
        &mut self,
        attrs: Vec<AttributeGroup>,
        staticness: Staticness,
        start: u32,
    ) -> PResult<ExprId> {
        let first_tok = self.token_index();
        let doc_comment = self.doc_comment_before(first_tok);
        let is_fn = self.bump().kind == T::Fn;
        let by_ref = self.returns_ref();
        let params = self.parameter_list()?;
        if is_fn {
            let return_type = self.return_type()?;
            self.expect(T::DoubleArrow, &[T::DoubleArrow])?;
            let body = self.nest(Cost::Declaration, |p| p.expr_bp(prec::ARROW_BODY))?;
            let span = self.span_from(start);
            let f = ArrowFunction {
                attrs,
                staticness,
                by_ref,
                params,
                return_type,
                body,
                doc_comment,
            };
            return Ok(self.mk(ExprKind::ArrowFunction(Box::new(f)), span));
        }
        let mut uses = Vec::new();
        if self.eat(T::Use).is_some() {
            self.expect(T::LParen, &[T::LParen])?;
            loop {
                let item_start = self.tok().span.start;
                let by_ref = self.returns_ref();
                let t = self.expect(
                    T::Variable,
                    if by_ref {
                        &[T::Variable]
                    } else {
                        &[T::Variable, T::AmpersandFollowedByVarOrVararg, T::Ampersand]
                    },
                )?;
                uses.push(ClosureUse {
                    name: self.var_ident(t),
                    by_ref,
                    span: self.span_from(item_start),
                });
                if self.eat(T::Comma).is_none() || self.at(T::RParen) {
                    break;
                }
                if !matches!(
                    self.kind(),
                    T::Variable | T::Ampersand | T::AmpersandFollowedByVarOrVararg
                ) {
                    return Err(self.unexpected(&[T::RParen]));
                }
            }
            self.expect(T::RParen, &[T::RParen])?;
        }
        let return_type = self.return_type()?;
        let body = self.nest(Cost::Declaration, |p| p.function_body())?;
        let span = self.span_from(start);
        let c = Closure {
            attrs,
            staticness,
            by_ref,
            params,
            uses,
            return_type,
            body,
            doc_comment,
        };
        Ok(self.mk(ExprKind::Closure(Box::new(c)), span))
    }

    /// `(params)`.
    pub(crate) fn parameter_list(&mut self) -> PResult<Vec<Param>> {
        self.expect(T::LParen, &[T::LParen])?;
        let mut params = Vec::new();
        while !self.at(T::RParen) {
            params.push(self.parameter()?);
            if self.eat(T::Comma).is_none() {
                break;
            }
        }
        self.expect(T::RParen, &[T::RParen])?;
        // Kept for the whole lint: a vector's first growth reserves four.
        params.shrink_to_fit();
        Ok(params)
    }

    fn parameter(&mut self) -> PResult<Param> {
        let start = self.tok().span.start;
        let attrs = self.attributes()?;
        let mut modifiers = Modifiers::default();
        loop {
            let flag = match self.kind() {
                T::Public => Modifiers::PUBLIC,
                T::Protected => Modifiers::PROTECTED,
                T::Private => Modifiers::PRIVATE,
                T::Readonly => Modifiers::READONLY,
                _ => break,
            };
            let t = self.bump();
            self.add_modifier(
                &mut modifiers,
                flag,
                t.span,
                super::class::ModifierTarget::Property,
            )?;
        }
        let ty = if matches!(
            self.kind(),
            T::Variable | T::Ampersand | T::AmpersandFollowedByVarOrVararg | T::Ellipsis
        ) {
            None
        } else if !(self.at_name()
            || matches!(
                self.kind(),
                T::Array | T::Callable | T::Question | T::LParen
            ))
        {
            return Err(self.unexpected(&[T::Variable]));
        } else {
            Some(self.type_expr(StaticType::Forbidden)?)
        };
        let by_ref = self.eat(T::AmpersandFollowedByVarOrVararg).is_some();
        let variadic = self.eat(T::Ellipsis).is_some();
        let var = self.expect(T::Variable, &[T::Variable])?;
        let name = self.var_ident(var);
        let default = if self.eat(T::Equals).is_some() {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Param {
            attrs,
            modifiers,
            ty,
            by_ref,
            variadic,
            name,
            default,
            span: self.span_from(start),
        })
    }

    /// `: type` if present.
    pub(crate) fn return_type(&mut self) -> PResult<Option<TypeHint>> {
        if self.eat(T::Colon).is_some() {
            Ok(Some(self.type_expr(StaticType::Allowed)?))
        } else {
            Ok(None)
        }
    }

    /// `?T`, `A|B|(C&D)`, `A&B`, or a single type.
    pub(crate) fn type_expr(&mut self, statics: StaticType) -> PResult<TypeHint> {
        let start = self.tok().span.start;
        if self.eat(T::Question).is_some() {
            let inner = self.single_type(statics)?;
            return Ok(TypeHint::Nullable(Box::new(inner), self.span_from(start)));
        }
        let first = if self.at(T::LParen) {
            self.dnf_group(statics)?
        } else {
            self.single_type(statics)?
        };
        if self.at(T::Pipe) {
            let mut types = vec![first];
            while self.eat(T::Pipe).is_some() {
                let t = if self.at(T::LParen) {
                    self.dnf_group(statics)?
                } else {
                    self.single_type(statics)?
                };
                types.push(t);
            }
            return Ok(TypeHint::Union(types, self.span_from(start)));
        }
        if self.at(T::Ampersand) && !matches!(first, TypeHint::Intersection(..)) {
            let mut types = vec![first];
            while self.eat(T::Ampersand).is_some() {
                types.push(self.single_type(statics)?);
            }
            return Ok(TypeHint::Intersection(types, self.span_from(start)));
        }
        Ok(first)
    }

    /// `(A&B)` inside a union type.
    fn dnf_group(&mut self, statics: StaticType) -> PResult<TypeHint> {
        let start = self.bump().span.start;
        let mut types = vec![self.single_type(statics)?];
        loop {
            if self.eat(T::Ampersand).is_none() {
                if types.len() < 2 {
                    return Err(self.unexpected(&[T::Ampersand]));
                }
                break;
            }
            types.push(self.single_type(statics)?);
        }
        self.expect(T::RParen, &[T::Ampersand, T::RParen])?;
        Ok(TypeHint::Intersection(types, self.span_from(start)))
    }

    fn single_type(&mut self, statics: StaticType) -> PResult<TypeHint> {
        let t = self.tok();
        match t.kind {
            T::Array | T::Callable => {
                self.bump();
                let text = self.text(t.span).into();
                Ok(TypeHint::Named(Name {
                    kind: NameKind::Unqualified,
                    text,
                    span: t.span,
                }))
            }
            T::Static if statics == StaticType::Allowed => {
                self.bump();
                let text = self.text(t.span).into();
                Ok(TypeHint::Named(Name {
                    kind: NameKind::Unqualified,
                    text,
                    span: t.span,
                }))
            }
            _ => Ok(TypeHint::Named(self.name(&[])?)),
        }
    }
}
