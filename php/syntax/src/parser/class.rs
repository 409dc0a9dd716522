//! Class-like declarations (class, interface, trait, enum, anonymous class), their members,
//! trait adaptations, and modifier sets with the errors PHP raises while collecting them.

use super::decl::StaticType;
use super::{Cost, PResult, Parser};
use crate::ast::*;
use crate::span::Span;
use crate::token::TokenKind as T;

/// What a modifier list belongs to, which decides PHP's duplicate-modifier messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ModifierTarget {
    /// `abstract final readonly class`
    Class,
    /// Methods, properties, constants, promoted parameters.
    Property,
}

fn member_flag(kind: T) -> Option<u16> {
    Some(match kind {
        T::Public => Modifiers::PUBLIC,
        T::Protected => Modifiers::PROTECTED,
        T::Private => Modifiers::PRIVATE,
        T::Static => Modifiers::STATIC,
        T::Abstract => Modifiers::ABSTRACT,
        T::Final => Modifiers::FINAL,
        T::Readonly => Modifiers::READONLY,
        _ => return None,
    })
}

impl<'s> Parser<'s> {
    /// Adds one modifier, with PHP's errors for repeated or conflicting ones.
    pub(crate) fn add_modifier(
        &self,
        m: &mut Modifiers,
        flag: u16,
        span: Span,
        target: ModifierTarget,
    ) -> PResult<()> {
        let dup = |f: u16| m.has(f) && flag & f != 0;
        let message = if target == ModifierTarget::Property && dup(Modifiers::VISIBILITY) {
            Some("Multiple access type modifiers are not allowed")
        } else if dup(Modifiers::ABSTRACT) {
            Some("Multiple abstract modifiers are not allowed")
        } else if dup(Modifiers::STATIC) {
            Some("Multiple static modifiers are not allowed")
        } else if dup(Modifiers::FINAL) {
            Some("Multiple final modifiers are not allowed")
        } else if dup(Modifiers::READONLY) {
            Some("Multiple readonly modifiers are not allowed")
        } else {
            None
        };
        if let Some(msg) = message {
            return Err(self.fatal_here(msg));
        }
        let flags = m.flags | flag;
        if flags & Modifiers::ABSTRACT != 0 && flags & Modifiers::FINAL != 0 {
            let msg = match target {
                ModifierTarget::Class => "Cannot use the final modifier on an abstract class",
                ModifierTarget::Property => {
                    "Cannot use the final modifier on an abstract class member"
                }
            };
            return Err(self.fatal_here(msg));
        }
        m.flags = flags;
        m.span = if m.span == Span::default() {
            span
        } else {
            m.span.to(span)
        };
        Ok(())
    }

    /// `[modifiers] class|interface|trait|enum Name ... { members }` at statement level.
    pub(crate) fn class_decl(
        &mut self,
        attrs: Vec<AttributeGroup>,
        start: u32,
        first_tok: usize,
    ) -> PResult<ClassDecl> {
        let mut modifiers = Modifiers::default();
        while let Some(flag) = match self.kind() {
            T::Abstract => Some(Modifiers::ABSTRACT),
            T::Final => Some(Modifiers::FINAL),
            T::Readonly => Some(Modifiers::READONLY),
            _ => None,
        } {
            let t = self.bump();
            self.add_modifier(&mut modifiers, flag, t.span, ModifierTarget::Class)?;
        }
        let kind = match self.kind() {
            T::Class => ClassKind::Class,
            T::Interface if modifiers.flags == 0 => ClassKind::Interface,
            T::Trait if modifiers.flags == 0 => ClassKind::Trait,
            T::Enum if modifiers.flags == 0 => ClassKind::Enum,
            _ => {
                return Err(self.unexpected(if modifiers.flags == 0 {
                    &[]
                } else {
                    &[T::Abstract, T::Final, T::Readonly, T::Class]
                }));
            }
        };
        self.bump();
        let doc_comment = self.doc_comment_before(first_tok);
        let name_tok = self.expect(T::Ident, &[T::Ident])?;
        let name = Some(self.ident_of(name_tok));
        let mut decl = ClassDecl {
            attrs,
            modifiers,
            kind,
            name,
            extends: Vec::new(),
            implements: Vec::new(),
            enum_type: None,
            members: Vec::new(),
            doc_comment,
            span: Span::default(),
        };
        match kind {
            ClassKind::Class => {
                if self.eat(T::Extends).is_some() {
                    decl.extends.push(self.class_name()?);
                }
                if self.eat(T::Implements).is_some() {
                    decl.implements = self.class_name_list()?;
                }
            }
            ClassKind::Interface => {
                if self.eat(T::Extends).is_some() {
                    decl.extends = self.class_name_list()?;
                }
            }
            ClassKind::Trait => {}
            ClassKind::Enum => {
                if self.eat(T::Colon).is_some() {
                    decl.enum_type = Some(self.type_expr(StaticType::Allowed)?);
                }
                if self.eat(T::Implements).is_some() {
                    decl.implements = self.class_name_list()?;
                }
            }
        }
        decl.members = self.nest(Cost::Declaration, |p| p.class_body())?;
        decl.span = self.span_from(start);
        Ok(decl)
    }

    /// `class (args) extends X implements Y { ... }` after `new`.
    pub(crate) fn anonymous_class(
        &mut self,
        attrs: Vec<AttributeGroup>,
        start: u32,
    ) -> PResult<ClassDecl> {
        let mut decl = ClassDecl {
            attrs,
            modifiers: Modifiers::default(),
            kind: ClassKind::Class,
            name: None,
            extends: Vec::new(),
            implements: Vec::new(),
            enum_type: None,
            members: Vec::new(),
            doc_comment: None,
            span: Span::default(),
        };
        if self.eat(T::Extends).is_some() {
            decl.extends.push(self.class_name()?);
        }
        if self.eat(T::Implements).is_some() {
            decl.implements = self.class_name_list()?;
        }
        decl.members = self.class_body()?;
        decl.span = self.span_from(start);
        Ok(decl)
    }

    /// `class_name`: `static` or a name.
    pub(crate) fn class_name(&mut self) -> PResult<Name> {
        if let Some(t) = self.eat(T::Static) {
            return Ok(Name {
                kind: NameKind::Unqualified,
                text: self.text(t.span).into(),
                span: t.span,
            });
        }
        self.name(&[])
    }

    fn class_name_list(&mut self) -> PResult<Vec<Name>> {
        let mut names = vec![self.class_name()?];
        while self.eat(T::Comma).is_some() {
            names.push(self.class_name()?);
        }
        Ok(names)
    }

    fn class_body(&mut self) -> PResult<Vec<Member>> {
        self.expect(T::LBrace, &[T::LBrace])?;
        self.in_class += 1;
        let mut members = Vec::new();
        while !self.at(T::RBrace) {
            members.push(self.member()?);
        }
        self.in_class -= 1;
        self.bump();
        Ok(members)
    }

    fn member(&mut self) -> PResult<Member> {
        let first_tok = self.token_index();
        let start = self.tok().span.start;
        let attrs = self.attributes()?;
        if attrs.is_empty() && self.at(T::Use) {
            return self.trait_use(start).map(Member::TraitUse);
        }
        if self.at(T::Case) {
            self.bump();
            let name = self.identifier(&[])?;
            let value = if self.eat(T::Equals).is_some() {
                Some(self.expr()?)
            } else {
                None
            };
            self.expect(T::Semicolon, &[T::Semicolon])?;
            return Ok(Member::EnumCase(EnumCase {
                attrs,
                name,
                value,
                span: self.span_from(start),
            }));
        }
        let mut modifiers = Modifiers::default();
        let is_var = if let Some(t) = self.eat(T::Var) {
            modifiers.span = t.span;
            true
        } else {
            while let Some(flag) = member_flag(self.kind()) {
                let t = self.bump();
                self.add_modifier(&mut modifiers, flag, t.span, ModifierTarget::Property)?;
            }
            false
        };
        let doc_comment = self.doc_comment_before(first_tok);
        if !is_var {
            if self.eat(T::Const).is_some() {
                let mut items = Vec::new();
                loop {
                    let item_start = self.tok().span.start;
                    let name = self.identifier(&[])?;
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
                self.expect(T::Semicolon, &[T::Comma, T::Semicolon])?;
                return Ok(Member::Const(ClassConstDecl {
                    attrs,
                    modifiers,
                    items,
                    span: self.span_from(start),
                }));
            }
            if self.at(T::Function) {
                return self
                    .method(attrs, modifiers, start, first_tok)
                    .map(Member::Method);
            }
            if modifiers.flags == 0 {
                return Err(self.unexpected(&[T::Function, T::Const]));
            }
        }
        let ty = if self.at(T::Variable) {
            None
        } else if !(self.at_name()
            || matches!(
                self.kind(),
                T::Array | T::Callable | T::Question | T::LParen | T::Static
            ))
        {
            // The optional type is empty by default reduction: a property name is next.
            return Err(self.unexpected(&[T::Variable]));
        } else {
            Some(self.type_expr(StaticType::Forbidden)?)
        };
        let mut props = Vec::new();
        loop {
            let var = self.expect(T::Variable, &[T::Variable])?;
            let default = if self.eat(T::Equals).is_some() {
                Some(self.expr()?)
            } else {
                None
            };
            props.push(PropertyItem {
                name: self.var_ident(var),
                default,
                span: self.span_from(var.span.start),
            });
            if self.eat(T::Comma).is_none() {
                break;
            }
        }
        self.expect(T::Semicolon, &[T::Comma, T::Semicolon])?;
        Ok(Member::Property(PropertyDecl {
            attrs,
            modifiers,
            ty,
            props,
            doc_comment,
            span: self.span_from(start),
        }))
    }

    fn method(
        &mut self,
        attrs: Vec<AttributeGroup>,
        modifiers: Modifiers,
        start: u32,
        first_tok: usize,
    ) -> PResult<FunctionDecl> {
        self.bump();
        let doc_comment = self.doc_comment_before(first_tok);
        let by_ref = matches!(
            self.kind(),
            T::Ampersand | T::AmpersandFollowedByVarOrVararg
        );
        if by_ref {
            self.bump();
        }
        let name = self.identifier(&[])?;
        let params = self.parameter_list()?;
        let return_type = self.return_type()?;
        let body = if self.eat(T::Semicolon).is_some() {
            None
        } else if self.at(T::LBrace) {
            Some(self.nest(Cost::Declaration, |p| p.function_body())?)
        } else {
            return Err(self.unexpected(&[T::Semicolon, T::LBrace]));
        };
        Ok(FunctionDecl {
            attrs,
            modifiers,
            by_ref,
            name,
            params,
            return_type,
            body,
            doc_comment,
            span: self.span_from(start),
        })
    }

    fn trait_use(&mut self, start: u32) -> PResult<TraitUse> {
        self.bump();
        let traits = self.class_name_list()?;
        let mut adaptations = Vec::new();
        if self.eat(T::Semicolon).is_none() {
            self.expect(T::LBrace, &[T::Comma, T::Semicolon, T::LBrace])?;
            while !self.at(T::RBrace) {
                adaptations.push(self.trait_adaptation()?);
            }
            self.bump();
        }
        Ok(TraitUse {
            traits,
            adaptations,
            span: self.span_from(start),
        })
    }

    fn trait_adaptation(&mut self) -> PResult<TraitAdaptation> {
        let start = self.tok().span.start;
        let method = if (self.at_name() || self.at(T::Static)) && self.peek(1) == T::DoubleColon {
            let trait_name = Some(self.class_name()?);
            self.bump();
            TraitMethodRef {
                trait_name,
                method: self.identifier(&[])?,
            }
        } else {
            TraitMethodRef {
                trait_name: None,
                method: self.identifier(&[])?,
            }
        };
        if method.trait_name.is_some() && self.eat(T::Insteadof).is_some() {
            let instead_of = self.class_name_list()?;
            self.expect(T::Semicolon, &[T::Semicolon])?;
            return Ok(TraitAdaptation::Insteadof {
                method,
                instead_of,
                span: self.span_from(start),
            });
        }
        let expected: &[T] = if method.trait_name.is_some() {
            &[T::As, T::Insteadof]
        } else if self.token_at(self.token_index() - 1).kind == T::Ident {
            // A plain identifier reduces by default to a trait name: `::` is expected.
            &[T::DoubleColon]
        } else {
            &[T::As]
        };
        self.expect(T::As, expected)?;
        let mut modifiers = Modifiers::default();
        let alias = if let Some(flag) = member_flag(self.kind()) {
            let t = self.bump();
            self.add_modifier(&mut modifiers, flag, t.span, ModifierTarget::Property)?;
            if self.kind() == T::Ident || self.kind().is_semi_reserved() {
                Some(self.identifier(&[])?)
            } else {
                None
            }
        } else if self.kind() == T::Ident || self.kind().is_reserved_non_modifier() {
            Some(self.identifier(&[])?)
        } else {
            return Err(self.unexpected(&[]));
        };
        self.expect(T::Semicolon, &[T::Semicolon])?;
        Ok(TraitAdaptation::Alias {
            method,
            modifiers,
            alias,
            span: self.span_from(start),
        })
    }
}
