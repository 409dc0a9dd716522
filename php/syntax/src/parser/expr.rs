//! Expressions: PHP's operator precedence table, prefix operators, primaries and postfix
//! chains (`[...]`, `->`, `?->`, `::`, calls).
//!
//! PHP's grammar makes assignment a production of `variable '=' expr`, not a binary
//! operator: whatever the surrounding precedence, a variable followed by `=` starts an
//! assignment (`!$a = f()` is `!($a = f())`). The postfix loop does exactly that. Which
//! postfix operations may follow an expression depends on what it is (PHP's
//! `fully_dereferenceable`, `callable_expr`, ...), tracked by [`Form`].

use super::{Cost, PResult, Parser};
use crate::ast::*;
use crate::span::Span;
use crate::token::TokenKind as T;

/// Binding powers, lowest first, from PHP's precedence declarations.
pub(crate) mod prec {
    pub const LOWEST: u8 = 0;
    pub const ARROW_BODY: u8 = 3;
    pub const INCLUDE: u8 = 3;
    pub const PRINT: u8 = 7;
    pub const YIELD: u8 = 8;
    pub const DOUBLE_ARROW: u8 = 9;
    pub const YIELD_FROM: u8 = 10;
    pub const ASSIGN: u8 = 11;
    pub const TERNARY: u8 = 12;
    pub const NOT: u8 = 25;
    pub const UNARY: u8 = 27;
    pub const CLONE: u8 = 29;
}

/// Associativity of a binary operator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assoc {
    Left,
    Right,
    /// Two in a row is a syntax error (`1 == 2 == 3`).
    None,
}

/// What kind of expression was just parsed, deciding which postfix operations may follow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Form {
    /// A `variable` in PHP's grammar: assignable, dereferenceable, callable.
    Variable,
    /// `(expr)`, a string literal: dereferenceable and callable, not assignable.
    Dereferenceable,
    /// `[...]`/`array(...)`: dereferenceable; `[...] = ` destructures.
    ArrayLiteral,
    /// `list(...)`: must be assigned to.
    ListLiteral,
    /// A bare name: a constant, a function to call, or a class before `::`.
    ConstantName,
    /// `__LINE__` etc.: only `[...]` and `->`.
    MagicConstant,
    /// `A::B`: dereferenceable, not callable.
    ClassConstant,
    /// Anything else: no postfix operation.
    Plain,
}

impl Form {
    fn can_index(self) -> bool {
        !matches!(self, Form::Plain | Form::ListLiteral)
    }

    fn can_double_colon(self) -> bool {
        matches!(
            self,
            Form::Variable
                | Form::Dereferenceable
                | Form::ArrayLiteral
                | Form::ClassConstant
                | Form::ConstantName
        )
    }

    fn can_call(self) -> bool {
        matches!(
            self,
            Form::Variable | Form::Dereferenceable | Form::ArrayLiteral | Form::ConstantName
        )
    }
}

fn infix(kind: T) -> Option<(u8, Assoc, BinaryOp)> {
    use BinaryOp::*;
    Some(match kind {
        T::LogicalOr => (4, Assoc::Left, LogicalOr),
        T::LogicalXor => (5, Assoc::Left, LogicalXor),
        T::LogicalAnd => (6, Assoc::Left, LogicalAnd),
        T::Coalesce => (13, Assoc::Right, Coalesce),
        T::BooleanOr => (14, Assoc::Left, Or),
        T::BooleanAnd => (15, Assoc::Left, And),
        T::Pipe => (16, Assoc::Left, BitOr),
        T::Caret => (17, Assoc::Left, BitXor),
        T::Ampersand | T::AmpersandFollowedByVarOrVararg => (18, Assoc::Left, BitAnd),
        T::IsEqual => (19, Assoc::None, Equal),
        T::IsNotEqual => (19, Assoc::None, NotEqual),
        T::IsIdentical => (19, Assoc::None, Identical),
        T::IsNotIdentical => (19, Assoc::None, NotIdentical),
        T::Spaceship => (19, Assoc::None, Spaceship),
        T::Lt => (20, Assoc::None, Less),
        T::IsSmallerOrEqual => (20, Assoc::None, LessEqual),
        T::Gt => (20, Assoc::None, Greater),
        T::IsGreaterOrEqual => (20, Assoc::None, GreaterEqual),
        T::Dot => (21, Assoc::Left, Concat),
        T::Sl => (22, Assoc::Left, Shl),
        T::Sr => (22, Assoc::Left, Shr),
        T::Plus => (23, Assoc::Left, Add),
        T::Minus => (23, Assoc::Left, Sub),
        T::Star => (24, Assoc::Left, Mul),
        T::Slash => (24, Assoc::Left, Div),
        T::Percent => (24, Assoc::Left, Mod),
        T::Pow => (28, Assoc::Right, Pow),
        _ => return None,
    })
}

fn assign_op(kind: T) -> Option<BinaryOp> {
    use BinaryOp::*;
    Some(match kind {
        T::PlusEqual => Add,
        T::MinusEqual => Sub,
        T::MulEqual => Mul,
        T::PowEqual => Pow,
        T::DivEqual => Div,
        T::ConcatEqual => Concat,
        T::ModEqual => Mod,
        T::AndEqual => BitAnd,
        T::OrEqual => BitOr,
        T::XorEqual => BitXor,
        T::SlEqual => Shl,
        T::SrEqual => Shr,
        T::CoalesceEqual => Coalesce,
        _ => return None,
    })
}

/// Tokens that can start a `variable` in PHP's grammar (a variable, a call, a static member,
/// or a dereferenceable constant, literal or parenthesized expression).
pub(crate) fn starts_variable(k: T) -> bool {
    matches!(
        k,
        T::Variable
            | T::Dollar
            | T::Ident
            | T::NameQualified
            | T::NameFullyQualified
            | T::NameRelative
            | T::Static
            | T::LParen
            | T::LBracket
            | T::Array
            | T::ConstantEncapsedString
            | T::DoubleQuote
    ) || is_magic_constant(k)
}

fn is_magic_constant(k: T) -> bool {
    matches!(
        k,
        T::LineC | T::FileC | T::DirC | T::ClassC | T::TraitC | T::MethodC | T::FuncC | T::NsC
    )
}

/// Tokens that can start an expression (to decide whether `yield` has an operand).
pub(crate) fn starts_expr(kind: T) -> bool {
    matches!(
        kind,
        T::Variable
            | T::Dollar
            | T::LNumber
            | T::DNumber
            | T::ConstantEncapsedString
            | T::DoubleQuote
            | T::StartHeredoc
            | T::Backtick
            | T::LBracket
            | T::Array
            | T::List
            | T::Ident
            | T::NameQualified
            | T::NameFullyQualified
            | T::NameRelative
            | T::Static
            | T::LParen
            | T::Bang
            | T::Tilde
            | T::Minus
            | T::Plus
            | T::At
            | T::IntCast
            | T::DoubleCast
            | T::StringCast
            | T::ArrayCast
            | T::ObjectCast
            | T::BoolCast
            | T::UnsetCast
            | T::Clone
            | T::Print
            | T::Yield
            | T::YieldFrom
            | T::Throw
            | T::Include
            | T::IncludeOnce
            | T::Require
            | T::RequireOnce
            | T::New
            | T::Inc
            | T::Dec
            | T::Isset
            | T::Empty
            | T::Eval
            | T::Exit
            | T::Function
            | T::Fn
            | T::Attribute
            | T::Match
            | T::LineC
            | T::FileC
            | T::DirC
            | T::ClassC
            | T::TraitC
            | T::MethodC
            | T::FuncC
            | T::NsC
            | T::Readonly
    )
}

impl<'s> Parser<'s> {
    pub(crate) fn expr(&mut self) -> PResult<ExprId> {
        self.expr_bp(prec::LOWEST)
    }

    pub(crate) fn mk(&mut self, kind: ExprKind, span: Span) -> ExprId {
        self.ast.add_expr(kind, span)
    }

    pub(crate) fn span_of(&self, e: ExprId) -> Span {
        self.ast.expr(e).span
    }

    /// An expression whose operators all bind at least as tightly as `min`.
    pub(crate) fn expr_bp(&mut self, min: u8) -> PResult<ExprId> {
        let (mut left, _) = self.unary(min)?;
        loop {
            let k = self.kind();
            if k == T::Question && prec::TERNARY >= min {
                left = self.ternary(left)?;
                continue;
            }
            if k == T::Instanceof && 26 >= min {
                self.bump();
                let class = self.class_name_reference()?;
                let span = self.span_from(self.span_of(left).start);
                left = self.mk(ExprKind::Instanceof { expr: left, class }, span);
                continue;
            }
            let Some((p, assoc, op)) = infix(k) else {
                break;
            };
            if p < min {
                break;
            }
            self.bump();
            let right = match assoc {
                Assoc::Right => self.nest(Cost::Two, |p2| p2.expr_bp(p))?,
                _ => self.expr_bp(p + 1)?,
            };
            let span = self.span_of(left).to(self.span_of(right));
            left = self.mk(ExprKind::Binary { op, left, right }, span);
            if assoc == Assoc::None && infix(self.kind()).is_some_and(|(p2, _, _)| p2 == p) {
                return Err(self.unexpected(&[]));
            }
        }
        Ok(left)
    }

    fn ternary(&mut self, cond: ExprId) -> PResult<ExprId> {
        self.bump();
        let then = if self.eat(T::Colon).is_some() {
            None
        } else {
            let t = self.nest(Cost::Two, |p| p.expr())?;
            self.expect(T::Colon, &[])?;
            Some(t)
        };
        let otherwise = self.nest(Cost::Two, |p| p.expr_bp(prec::TERNARY + 1))?;
        let span = self.span_of(cond).to(self.span_of(otherwise));
        Ok(self.mk(
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            },
            span,
        ))
    }

    /// A prefix operator application or a primary with its postfix chain.
    fn unary(&mut self, min: u8) -> PResult<(ExprId, Form)> {
        let t = self.tok();
        let start = t.span.start;
        // Every prefix operator: its operand's binding power and how to build the node.
        type Build = fn(ExprId) -> ExprKind;
        let prefix: Option<(u8, Build)> = match t.kind {
            T::Bang => Some((prec::NOT + 1, |e| unary(UnaryOp::Not, e))),
            T::Tilde => Some((prec::UNARY + 1, |e| unary(UnaryOp::BitNot, e))),
            T::Minus => Some((prec::UNARY + 1, |e| unary(UnaryOp::Neg, e))),
            T::Plus => Some((prec::UNARY + 1, |e| unary(UnaryOp::Plus, e))),
            T::At => Some((prec::UNARY + 1, |e| unary(UnaryOp::Silence, e))),
            T::IntCast => Some((prec::UNARY + 1, |e| cast(CastKind::Int, e))),
            T::DoubleCast => Some((prec::UNARY + 1, |e| cast(CastKind::Float, e))),
            T::StringCast => Some((prec::UNARY + 1, |e| cast(CastKind::String, e))),
            T::ArrayCast => Some((prec::UNARY + 1, |e| cast(CastKind::Array, e))),
            T::ObjectCast => Some((prec::UNARY + 1, |e| cast(CastKind::Object, e))),
            T::BoolCast => Some((prec::UNARY + 1, |e| cast(CastKind::Bool, e))),
            T::UnsetCast => Some((prec::UNARY + 1, |e| cast(CastKind::Unset, e))),
            T::Clone => Some((prec::CLONE + 1, ExprKind::Clone)),
            T::Print => Some((prec::PRINT + 1, ExprKind::Print)),
            T::YieldFrom => Some((prec::YIELD_FROM + 1, ExprKind::YieldFrom)),
            T::Throw => Some((prec::LOWEST, ExprKind::Throw)),
            T::Include => Some((prec::INCLUDE + 1, |e| include(IncludeKind::Include, e))),
            T::IncludeOnce => Some((prec::INCLUDE + 1, |e| include(IncludeKind::IncludeOnce, e))),
            T::Require => Some((prec::INCLUDE + 1, |e| include(IncludeKind::Require, e))),
            T::RequireOnce => Some((prec::INCLUDE + 1, |e| include(IncludeKind::RequireOnce, e))),
            _ => None,
        };
        if let Some((operand, build)) = prefix {
            self.bump();
            let expr = self.nest(Cost::One, |p| p.expr_bp(operand))?;
            let span = self.span_from(start);
            return Ok((self.mk(build(expr), span), Form::Plain));
        }
        match t.kind {
            T::Yield => {
                self.bump();
                return Ok((self.yield_expr(start)?, Form::Plain));
            }
            T::Inc | T::Dec => {
                self.bump();
                let target = self.nest(Cost::One, |p| p.variable())?;
                let op = if t.kind == T::Inc {
                    IncDecOp::PreInc
                } else {
                    IncDecOp::PreDec
                };
                let span = self.span_from(start);
                return Ok((self.mk(ExprKind::IncDec { op, target }, span), Form::Plain));
            }
            _ => {}
        }
        let _ = min;
        let (e, form) = self.primary()?;
        self.postfix(e, form)
    }

    fn yield_expr(&mut self, start: u32) -> PResult<ExprId> {
        if !starts_expr(self.kind()) {
            let span = self.span_from(start);
            return Ok(self.mk(
                ExprKind::Yield {
                    key: None,
                    value: None,
                },
                span,
            ));
        }
        let first = self.nest(Cost::One, |p| p.expr_bp(prec::YIELD + 1))?;
        let (key, value) = if self.eat(T::DoubleArrow).is_some() {
            let v = self.nest(Cost::One, |p| p.expr_bp(prec::DOUBLE_ARROW + 1))?;
            (Some(first), v)
        } else {
            (None, first)
        };
        let span = self.span_from(start);
        Ok(self.mk(
            ExprKind::Yield {
                key,
                value: Some(value),
            },
            span,
        ))
    }

    /// A `variable` in PHP's grammar (after `++`, `&`, in `global`, `unset`...).
    pub(crate) fn variable(&mut self) -> PResult<ExprId> {
        if !starts_variable(self.kind()) {
            return Err(self.unexpected(&[]));
        }
        let (e, form) = self.primary()?;
        let (e, form) = self.postfix_chain(e, form, AssignPolicy::Stop)?;
        if form != Form::Variable {
            // A constant, class constant or literal is dereferenceable: PHP's parser is in
            // the state that continues it with `[`, `{`, `->` or `?->`.
            return Err(self.unexpected(if form.can_index() {
                &[
                    T::ObjectOperator,
                    T::NullsafeObjectOperator,
                    T::LBrace,
                    T::LBracket,
                ]
            } else {
                &[]
            }));
        }
        Ok(e)
    }

    /// Postfix operations, then an assignment if one follows a variable.
    fn postfix(&mut self, e: ExprId, form: Form) -> PResult<(ExprId, Form)> {
        self.postfix_chain(e, form, AssignPolicy::Allow)
    }

    fn postfix_chain(
        &mut self,
        mut e: ExprId,
        mut form: Form,
        assign: AssignPolicy,
    ) -> PResult<(ExprId, Form)> {
        loop {
            let k = self.kind();
            match k {
                T::LBracket if form.can_index() => {
                    self.bump();
                    if !self.at(T::RBracket) && !starts_expr(self.kind()) {
                        // `optional_expr` is empty by default reduction: `]` is expected.
                        return Err(self.unexpected(&[T::RBracket]));
                    }
                    let dim = if self.at(T::RBracket) {
                        None
                    } else {
                        Some(self.nest(Cost::One, |p| p.expr())?)
                    };
                    self.expect(T::RBracket, &[T::RBracket])?;
                    let span = self.span_from(self.span_of(e).start);
                    e = self.mk(ExprKind::ArrayDim { base: e, dim }, span);
                    form = Form::Variable;
                }
                T::LBrace if form.can_index() => {
                    // `$a{0}` parses; the compiler rejects it (see `Ast::curly_dims`).
                    self.bump();
                    let dim = self.nest(Cost::One, |p| p.expr())?;
                    self.expect(T::RBrace, &[])?;
                    let span = self.span_from(self.span_of(e).start);
                    e = self.mk(
                        ExprKind::ArrayDim {
                            base: e,
                            dim: Some(dim),
                        },
                        span,
                    );
                    self.ast.curly_dims.insert(e);
                    form = Form::Variable;
                }
                T::ObjectOperator | T::NullsafeObjectOperator if form.can_index() => {
                    self.bump();
                    let access = if k == T::ObjectOperator {
                        Access::Normal
                    } else {
                        Access::Nullsafe
                    };
                    let name = self.property_name()?;
                    let start = self.span_of(e).start;
                    if self.at(T::LParen) {
                        let args = self.nest(Cost::Two, |p| p.arguments())?;
                        let span = self.span_from(start);
                        e = self.mk(
                            ExprKind::MethodCall {
                                object: e,
                                name,
                                access,
                                args: Box::new(args),
                            },
                            span,
                        );
                    } else {
                        let span = self.span_from(start);
                        e = self.mk(
                            ExprKind::Property {
                                object: e,
                                name,
                                access,
                            },
                            span,
                        );
                    }
                    form = Form::Variable;
                }
                T::DoubleColon if form.can_double_colon() => {
                    let class = self.to_class_ref(e, form);
                    self.bump();
                    (e, form) = self.after_double_colon(class, self.span_of(e).start)?;
                }
                T::LParen if form.can_call() => {
                    let start = self.span_of(e).start;
                    let callee = match (&self.ast.expr(e).kind, form) {
                        (ExprKind::Constant(n), Form::ConstantName) => Callee::Name(n.clone()),
                        _ => Callee::Expr(e),
                    };
                    let args = self.nest(Cost::Two, |p| p.arguments())?;
                    let span = self.span_from(start);
                    e = self.mk(
                        ExprKind::Call {
                            callee,
                            args: Box::new(args),
                        },
                        span,
                    );
                    form = Form::Variable;
                }
                T::Inc | T::Dec if form == Form::Variable && assign == AssignPolicy::Allow => {
                    self.bump();
                    let op = if k == T::Inc {
                        IncDecOp::PostInc
                    } else {
                        IncDecOp::PostDec
                    };
                    let span = self.span_from(self.span_of(e).start);
                    return Ok((
                        self.mk(ExprKind::IncDec { op, target: e }, span),
                        Form::Plain,
                    ));
                }
                T::Equals
                    if assign == AssignPolicy::Allow
                        && matches!(
                            form,
                            Form::Variable | Form::ArrayLiteral | Form::ListLiteral
                        ) =>
                {
                    return Ok((self.assignment(e, form)?, Form::Plain));
                }
                _ if assign == AssignPolicy::Allow
                    && form == Form::Variable
                    && assign_op(k).is_some() =>
                {
                    let op = assign_op(k).unwrap_or(BinaryOp::Add);
                    self.bump();
                    let value = self.nest(Cost::Two, |p| p.expr_bp(prec::ASSIGN + 1))?;
                    let span = self.span_of(e).to(self.span_of(value));
                    return Ok((
                        self.mk(
                            ExprKind::AssignOp {
                                op,
                                target: e,
                                value,
                            },
                            span,
                        ),
                        Form::Plain,
                    ));
                }
                _ => break,
            }
        }
        if form == Form::ListLiteral && assign == AssignPolicy::Allow {
            return Err(self.unexpected(&[T::Equals]));
        }
        Ok((e, form))
    }

    fn assignment(&mut self, target: ExprId, form: Form) -> PResult<ExprId> {
        self.bump();
        if matches!(form, Form::ArrayLiteral | Form::ListLiteral) {
            self.array_to_list(target);
        }
        if matches!(
            self.kind(),
            T::Ampersand | T::AmpersandFollowedByVarOrVararg
        ) && form == Form::Variable
        {
            self.bump();
            let value = self.nest(Cost::Two, |p| p.variable())?;
            let span = self.span_of(target).to(self.span_of(value));
            return Ok(self.mk(ExprKind::AssignRef { target, value }, span));
        }
        let value = self.nest(Cost::Two, |p| p.expr_bp(prec::ASSIGN + 1))?;
        let span = self.span_of(target).to(self.span_of(value));
        Ok(self.mk(ExprKind::Assign { target, value }, span))
    }

    /// Turns an array literal on the left of `=` (or in `foreach`) into a destructuring list,
    /// with nested short arrays.
    pub(crate) fn array_to_list(&mut self, e: ExprId) {
        let mut work = vec![e];
        while let Some(id) = work.pop() {
            let kind = std::mem::replace(&mut self.ast.exprs[id.0 as usize].kind, ExprKind::Int(0));
            let kind = match kind {
                ExprKind::Array { syntax, items } | ExprKind::List { syntax, items } => {
                    for item in items.iter().flatten() {
                        if matches!(
                            self.ast.exprs[item.value.0 as usize].kind,
                            ExprKind::Array {
                                syntax: ArraySyntax::Short,
                                ..
                            }
                        ) {
                            work.push(item.value);
                        }
                    }
                    ExprKind::List { syntax, items }
                }
                other => other,
            };
            self.ast.exprs[id.0 as usize].kind = kind;
        }
    }

    fn to_class_ref(&self, e: ExprId, form: Form) -> ClassRef {
        match (&self.ast.expr(e).kind, form) {
            (ExprKind::Constant(n), Form::ConstantName) => ClassRef::Name(n.clone()),
            _ => ClassRef::Expr(e),
        }
    }

    /// What follows `X::`: a constant, a static property, or a static call.
    fn after_double_colon(&mut self, class: ClassRef, start: u32) -> PResult<(ExprId, Form)> {
        match self.kind() {
            T::Variable | T::Dollar => {
                let var = self.simple_variable()?;
                if self.at(T::LParen) {
                    let args = self.nest(Cost::Two, |p| p.arguments())?;
                    let span = self.span_from(start);
                    let name = MemberName::Expr(var);
                    return Ok((
                        self.mk(
                            ExprKind::StaticCall {
                                class: Box::new(class),
                                name,
                                args: Box::new(args),
                            },
                            span,
                        ),
                        Form::Variable,
                    ));
                }
                let name = match &self.ast.expr(var).kind {
                    ExprKind::Variable(n) => MemberName::Ident(Ident {
                        name: n.clone(),
                        span: self.span_of(var),
                    }),
                    _ => MemberName::Expr(var),
                };
                let span = self.span_from(start);
                Ok((
                    self.mk(
                        ExprKind::StaticProperty {
                            class: Box::new(class),
                            name,
                        },
                        span,
                    ),
                    Form::Variable,
                ))
            }
            T::LBrace => {
                self.bump();
                let inner = self.nest(Cost::One, |p| p.expr())?;
                self.expect(T::RBrace, &[])?;
                if !self.at(T::LParen) {
                    return Err(self.unexpected(&[T::LParen]));
                }
                let args = self.nest(Cost::Two, |p| p.arguments())?;
                let span = self.span_from(start);
                let name = MemberName::Expr(inner);
                Ok((
                    self.mk(
                        ExprKind::StaticCall {
                            class: Box::new(class),
                            name,
                            args: Box::new(args),
                        },
                        span,
                    ),
                    Form::Variable,
                ))
            }
            _ => {
                // After `::` every semi-reserved word is an identifier: no list.
                let name = self.identifier(&[])?;
                if self.at(T::LParen) {
                    let args = self.nest(Cost::Two, |p| p.arguments())?;
                    let span = self.span_from(start);
                    let name = MemberName::Ident(name);
                    return Ok((
                        self.mk(
                            ExprKind::StaticCall {
                                class: Box::new(class),
                                name,
                                args: Box::new(args),
                            },
                            span,
                        ),
                        Form::Variable,
                    ));
                }
                let span = self.span_from(start);
                Ok((
                    self.mk(
                        ExprKind::ClassConstant {
                            class: Box::new(class),
                            name,
                        },
                        span,
                    ),
                    Form::ClassConstant,
                ))
            }
        }
    }

    /// `->name`, `->{expr}`, `->$var`.
    fn property_name(&mut self) -> PResult<MemberName> {
        match self.kind() {
            T::Ident => {
                let t = self.bump();
                Ok(MemberName::Ident(self.ident_of(t)))
            }
            T::LBrace => {
                self.bump();
                let e = self.nest(Cost::One, |p| p.expr())?;
                self.expect(T::RBrace, &[])?;
                Ok(MemberName::Expr(e))
            }
            T::Variable | T::Dollar => Ok(MemberName::Expr(self.simple_variable()?)),
            _ => Err(self.unexpected(&[T::Ident, T::Variable, T::LBrace, T::Dollar])),
        }
    }

    /// `$a`, `$$a`, `${expr}`.
    pub(crate) fn simple_variable(&mut self) -> PResult<ExprId> {
        let t = self.tok();
        match t.kind {
            T::Variable => {
                self.bump();
                let name = self.var_ident(t).name;
                Ok(self.mk(ExprKind::Variable(name), t.span))
            }
            T::Dollar => {
                self.bump();
                if !matches!(self.kind(), T::Variable | T::Dollar | T::LBrace) {
                    return Err(self.unexpected(&[T::Variable, T::LBrace, T::Dollar]));
                }
                let inner = if self.eat(T::LBrace).is_some() {
                    let e = self.nest(Cost::One, |p| p.expr())?;
                    self.expect(T::RBrace, &[])?;
                    e
                } else {
                    self.nest(Cost::One, |p| p.simple_variable())?
                };
                let span = self.span_from(t.span.start);
                Ok(self.mk(ExprKind::VariableVariable(inner), span))
            }
            _ => Err(self.unexpected(&[T::Variable, T::Dollar])),
        }
    }

    /// `(args)` or `(...)`.
    pub(crate) fn arguments(&mut self) -> PResult<Args> {
        let open = self.expect(T::LParen, &[T::LParen])?;
        if self.at(T::Ellipsis) && self.peek(1) == T::RParen {
            self.bump();
            let close = self.bump();
            return Ok(Args::FirstClassCallable(open.span.to(close.span)));
        }
        let mut args = Vec::new();
        while !self.at(T::RParen) {
            let start = self.tok().span.start;
            let k = self.kind();
            if !args.is_empty() && !starts_expr(k) && k != T::Ellipsis && !k.is_semi_reserved() {
                // After `,` PHP's parser reduces the optional trailing comma and wants `)`.
                return Err(self.unexpected(&[T::RParen]));
            }
            let arg = if k == T::Ellipsis {
                self.bump();
                let value = self.expr()?;
                Arg {
                    name: None,
                    value,
                    unpack: true,
                    span: self.span_from(start),
                }
            } else if (k == T::Ident && self.peek(1) == T::As)
                || (k.is_semi_reserved() && !starts_expr(k) && k != T::HaltCompiler)
            {
                // PHP's parser takes the word for a named argument's name (for an identifier,
                // only before `as`, which is in that reduction's lookahead) and wants `:`.
                self.bump();
                if !self.at(T::Colon) {
                    return Err(self.unexpected(&[T::Colon]));
                }
                let t = self.token_at(self.token_index() - 1);
                let name = Some(self.ident_of(t));
                self.bump();
                let value = self.expr()?;
                Arg {
                    name,
                    value,
                    unpack: false,
                    span: self.span_from(start),
                }
            } else if (k == T::Ident || k.is_semi_reserved()) && self.peek(1) == T::Colon {
                let t = self.bump();
                let name = Some(self.ident_of(t));
                self.bump();
                let value = self.expr()?;
                Arg {
                    name,
                    value,
                    unpack: false,
                    span: self.span_from(start),
                }
            } else {
                let at = self.token_index();
                let value = match self.expr() {
                    Ok(v) => v,
                    // A keyword that could be a named argument's name, followed by a token
                    // that continues neither: PHP's parser reduces it to an identifier and
                    // wants the `:` of a named argument.
                    Err(e)
                        if self.token_index() == at + 1
                            && e.severity == crate::Severity::Parse
                            && self.tok().kind != T::Error
                            && k.is_semi_reserved()
                            && !matches!(
                                k,
                                T::Yield | T::Function | T::Fn | T::Exit | T::HaltCompiler
                            )
                            && !is_magic_constant(k) =>
                    {
                        return Err(self.unexpected(&[T::Colon]));
                    }
                    Err(e) => return Err(e),
                };
                Arg {
                    name: None,
                    value,
                    unpack: false,
                    span: self.span_from(start),
                }
            };
            args.push(arg);
            if self.eat(T::Comma).is_none() {
                break;
            }
        }
        let close = self.expect(T::RParen, &[T::RParen])?;
        // Kept for the whole lint: a vector's first growth reserves four.
        args.shrink_to_fit();
        Ok(Args::List(args, open.span.to(close.span)))
    }

    /// `instanceof` and `new` targets: a class name, `static`, a variable chain or `(expr)`.
    pub(crate) fn class_name_reference(&mut self) -> PResult<ClassRef> {
        match self.kind() {
            T::Static => {
                let t = self.bump();
                let name = Name {
                    kind: NameKind::Unqualified,
                    text: (*b"static").into(),
                    span: t.span,
                };
                if self.at(T::DoubleColon) {
                    return self
                        .new_variable_tail(ClassRef::Name(name))
                        .map(ClassRef::Expr);
                }
                Ok(ClassRef::Name(name))
            }
            T::Ident | T::NameQualified | T::NameFullyQualified | T::NameRelative => {
                let t = self.bump();
                let name = self.name_from(t);
                if self.at(T::DoubleColon) {
                    return self
                        .new_variable_tail(ClassRef::Name(name))
                        .map(ClassRef::Expr);
                }
                Ok(ClassRef::Name(name))
            }
            T::LParen => {
                self.bump();
                let e = self.nest(Cost::One, |p| p.expr())?;
                self.expect(T::RParen, &[])?;
                Ok(ClassRef::Expr(e))
            }
            T::Variable | T::Dollar => {
                let v = self.simple_variable()?;
                self.new_variable_rest(v).map(ClassRef::Expr)
            }
            _ => Err(self.unexpected(&[])),
        }
    }

    /// `Name::$var...` in a `new`/`instanceof` target.
    fn new_variable_tail(&mut self, class: ClassRef) -> PResult<ExprId> {
        let start = match &class {
            ClassRef::Name(n) => n.span.start,
            ClassRef::Expr(e) => self.span_of(*e).start,
        };
        self.expect(T::DoubleColon, &[T::DoubleColon])?;
        let var = self.simple_variable()?;
        let name = match &self.ast.expr(var).kind {
            ExprKind::Variable(n) => MemberName::Ident(Ident {
                name: n.clone(),
                span: self.span_of(var),
            }),
            _ => MemberName::Expr(var),
        };
        let span = self.span_from(start);
        let e = self.mk(
            ExprKind::StaticProperty {
                class: Box::new(class),
                name,
            },
            span,
        );
        self.new_variable_rest(e)
    }

    /// PHP's `new_variable`: a variable with `[..]`, `->prop`, `::$prop`, but no calls.
    fn new_variable_rest(&mut self, mut e: ExprId) -> PResult<ExprId> {
        loop {
            let start = self.span_of(e).start;
            match self.kind() {
                T::LBracket => {
                    self.bump();
                    if !self.at(T::RBracket) && !starts_expr(self.kind()) {
                        // `optional_expr` is empty by default reduction: `]` is expected.
                        return Err(self.unexpected(&[T::RBracket]));
                    }
                    let dim = if self.at(T::RBracket) {
                        None
                    } else {
                        Some(self.nest(Cost::One, |p| p.expr())?)
                    };
                    self.expect(T::RBracket, &[T::RBracket])?;
                    let span = self.span_from(start);
                    e = self.mk(ExprKind::ArrayDim { base: e, dim }, span);
                }
                T::LBrace => {
                    self.bump();
                    let dim = self.nest(Cost::One, |p| p.expr())?;
                    self.expect(T::RBrace, &[])?;
                    let span = self.span_from(start);
                    e = self.mk(
                        ExprKind::ArrayDim {
                            base: e,
                            dim: Some(dim),
                        },
                        span,
                    );
                    self.ast.curly_dims.insert(e);
                }
                k @ (T::ObjectOperator | T::NullsafeObjectOperator) => {
                    self.bump();
                    let access = if k == T::ObjectOperator {
                        Access::Normal
                    } else {
                        Access::Nullsafe
                    };
                    let name = self.property_name()?;
                    let span = self.span_from(start);
                    e = self.mk(
                        ExprKind::Property {
                            object: e,
                            name,
                            access,
                        },
                        span,
                    );
                }
                T::DoubleColon => e = self.new_variable_tail(ClassRef::Expr(e))?,
                _ => return Ok(e),
            }
        }
    }
}

/// Whether a postfix chain may end in an assignment or `++`/`--`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum AssignPolicy {
    /// In an expression: `$a = ...` is parsed here.
    Allow,
    /// When only a variable is wanted (`&$a`, `++$a`, `global`).
    Stop,
}

fn unary(op: UnaryOp, expr: ExprId) -> ExprKind {
    ExprKind::Unary { op, expr }
}

fn cast(kind: CastKind, expr: ExprId) -> ExprKind {
    ExprKind::Cast { kind, expr }
}

fn include(kind: IncludeKind, expr: ExprId) -> ExprKind {
    ExprKind::Include { kind, expr }
}
