//! The expression compiler: clox's Pratt parser (the same precedence levels, parse rules and
//! error messages), emitting instructions as it parses.

use super::Compiler;
use crate::chunk::{Constant, Op};
use crate::scanner::TokenKind;

/// Binding power, lowest first, as clox's `Precedence`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Prec {
    /// No infix rule.
    None,
    /// `=`
    Assignment,
    /// `or`
    Or,
    /// `and`
    And,
    /// `==` `!=`
    Equality,
    /// `<` `>` `<=` `>=`
    Comparison,
    /// `+` `-`
    Term,
    /// `*` `/`
    Factor,
    /// `!` `-`
    Unary,
    /// `.` `()`
    Call,
    /// Literals and names.
    Primary,
}

impl Prec {
    /// The next higher level (for left-associative binary operators).
    fn next(self) -> Prec {
        match self {
            Prec::None => Prec::Assignment,
            Prec::Assignment => Prec::Or,
            Prec::Or => Prec::And,
            Prec::And => Prec::Equality,
            Prec::Equality => Prec::Comparison,
            Prec::Comparison => Prec::Term,
            Prec::Term => Prec::Factor,
            Prec::Factor => Prec::Unary,
            Prec::Unary => Prec::Call,
            Prec::Call | Prec::Primary => Prec::Primary,
        }
    }
}

/// The infix precedence of a token kind (clox's rule table).
fn infix_precedence(kind: TokenKind) -> Prec {
    match kind {
        TokenKind::LeftParen | TokenKind::Dot => Prec::Call,
        TokenKind::Minus | TokenKind::Plus => Prec::Term,
        TokenKind::Slash | TokenKind::Star => Prec::Factor,
        TokenKind::BangEqual | TokenKind::EqualEqual => Prec::Equality,
        TokenKind::Greater | TokenKind::GreaterEqual | TokenKind::Less | TokenKind::LessEqual => {
            Prec::Comparison
        }
        TokenKind::And => Prec::And,
        TokenKind::Or => Prec::Or,
        _ => Prec::None,
    }
}

impl<'src> Compiler<'src> {
    /// Compiles an expression.
    pub(super) fn expression(&mut self) {
        self.parse_precedence(Prec::Assignment);
    }

    /// Compiles an expression of at least `prec`'s binding power.
    fn parse_precedence(&mut self, prec: Prec) {
        if !self.enter(1, "Expression nesting too deep.") {
            return;
        }
        self.advance();
        let can_assign = prec <= Prec::Assignment;
        if self.prefix(self.previous.kind, can_assign) {
            while prec <= infix_precedence(self.current.kind) {
                self.advance();
                self.infix(self.previous.kind, can_assign);
            }
            if can_assign && self.matches(TokenKind::Equal) {
                self.error("Invalid assignment target.");
            }
        } else {
            self.error("Expect expression.");
        }
        self.leave(1);
    }

    /// Runs the prefix rule of `kind` (just consumed); false if it has none.
    fn prefix(&mut self, kind: TokenKind, can_assign: bool) -> bool {
        match kind {
            TokenKind::LeftParen => self.grouping(),
            TokenKind::Minus | TokenKind::Bang => self.unary(kind),
            TokenKind::String => self.string(),
            TokenKind::Number => self.number(),
            TokenKind::Identifier => self.named_variable(self.previous.text, can_assign),
            TokenKind::False => {
                self.emit(Op::False);
            }
            TokenKind::True => {
                self.emit(Op::True);
            }
            TokenKind::Nil => {
                self.emit(Op::Nil);
            }
            TokenKind::Super => self.super_(),
            TokenKind::This => self.this_(),
            _ => return false,
        }
        true
    }

    /// Runs the infix rule of `kind` (just consumed).
    fn infix(&mut self, kind: TokenKind, can_assign: bool) {
        match kind {
            TokenKind::LeftParen => {
                let argc = self.argument_list();
                self.emit(Op::Call(argc));
            }
            TokenKind::Dot => self.dot(can_assign),
            TokenKind::And => self.and_(),
            TokenKind::Or => self.or_(),
            _ => self.binary(kind),
        }
    }

    /// `( expression )`
    fn grouping(&mut self) {
        self.expression();
        self.consume(TokenKind::RightParen, "Expect ')' after expression.");
    }

    /// `-x`, `!x`
    fn unary(&mut self, kind: TokenKind) {
        self.parse_precedence(Prec::Unary);
        self.emit(if kind == TokenKind::Minus {
            Op::Negate
        } else {
            Op::Not
        });
    }

    /// The right operand and the operator of a binary expression.
    fn binary(&mut self, kind: TokenKind) {
        self.parse_precedence(infix_precedence(kind).next());
        let ops: &[Op] = match kind {
            TokenKind::BangEqual => &[Op::Equal, Op::Not],
            TokenKind::EqualEqual => &[Op::Equal],
            TokenKind::Greater => &[Op::Greater],
            TokenKind::GreaterEqual => &[Op::Less, Op::Not],
            TokenKind::Less => &[Op::Less],
            TokenKind::LessEqual => &[Op::Greater, Op::Not],
            TokenKind::Plus => &[Op::Add],
            TokenKind::Minus => &[Op::Subtract],
            TokenKind::Star => &[Op::Multiply],
            TokenKind::Slash => &[Op::Divide],
            _ => &[],
        };
        for &op in ops {
            self.emit(op);
        }
    }

    /// `a and b`: skips `b` if `a` is falsey.
    fn and_(&mut self) {
        let end = self.emit_jump(Op::JumpIfFalse(0));
        self.emit(Op::Pop);
        self.parse_precedence(Prec::And);
        self.patch_jump(end);
    }

    /// `a or b`: skips `b` if `a` is truthy.
    fn or_(&mut self) {
        let else_jump = self.emit_jump(Op::JumpIfFalse(0));
        let end = self.emit_jump(Op::Jump(0));
        self.patch_jump(else_jump);
        self.emit(Op::Pop);
        self.parse_precedence(Prec::Or);
        self.patch_jump(end);
    }

    /// A number literal.
    fn number(&mut self) {
        let value = self.previous.text.parse::<f64>().unwrap_or(0.0);
        let k = self.make_constant(Constant::Number(value));
        self.emit(Op::Constant(k));
    }

    /// A string literal (the quotes removed).
    fn string(&mut self) {
        let text = self.previous.text;
        let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
        let k = self.make_constant(Constant::Str(inner.into()));
        self.emit(Op::Constant(k));
    }

    /// Reads (or, with `can_assign` and a following `=`, assigns) the variable `name`: a local,
    /// an upvalue or a global.
    pub(super) fn named_variable(&mut self, name: &'src str, can_assign: bool) {
        /// Where the variable lives.
        enum Place {
            /// A local slot.
            Local(usize),
            /// An upvalue of the current closure.
            Upvalue(u8),
            /// A global (its name constant).
            Global(u8),
        }
        let level = self.fns.len() - 1;
        let place = if let Some(slot) = self.resolve_local(level, name) {
            Place::Local(slot)
        } else if let Some(up) = self.resolve_upvalue(level, name) {
            Place::Upvalue(up)
        } else {
            Place::Global(self.identifier_constant(name))
        };
        let set = can_assign && self.matches(TokenKind::Equal);
        if set {
            self.expression();
        }
        match place {
            Place::Local(slot) => self.emit_local(slot, set, 2),
            Place::Upvalue(n) => {
                self.emit(if set {
                    Op::SetUpvalue(n)
                } else {
                    Op::GetUpvalue(n)
                });
            }
            Place::Global(k) => {
                self.emit(if set {
                    Op::SetGlobal(k)
                } else {
                    Op::GetGlobal(k)
                });
            }
        }
    }

    /// Compiles call arguments up to the `)`; returns their count (wrapping as clox's byte does
    /// past the reported limit).
    pub(super) fn argument_list(&mut self) -> u8 {
        let mut count: u8 = 0;
        if !self.check(TokenKind::RightParen) {
            loop {
                self.expression();
                if count == 255 {
                    self.error("Can't have more than 255 arguments.");
                }
                count = count.wrapping_add(1);
                if !self.matches(TokenKind::Comma) {
                    break;
                }
            }
        }
        self.consume(TokenKind::RightParen, "Expect ')' after arguments.");
        count
    }

    /// `.name`, `.name = value` or `.name(args)`.
    fn dot(&mut self, can_assign: bool) {
        self.consume(TokenKind::Identifier, "Expect property name after '.'.");
        let name = self.identifier_constant(self.previous.text);
        if can_assign && self.matches(TokenKind::Equal) {
            self.expression();
            self.emit(Op::SetProperty(name));
        } else if self.matches(TokenKind::LeftParen) {
            let argc = self.argument_list();
            self.emit(Op::Invoke(name, argc));
        } else {
            self.emit(Op::GetProperty(name));
        }
    }

    /// `super.name` or `super.name(args)`.
    fn super_(&mut self) {
        match self.classes.last() {
            None => self.error("Can't use 'super' outside of a class."),
            Some(c) if !c.has_superclass => {
                self.error("Can't use 'super' in a class with no superclass.");
            }
            Some(_) => {}
        }
        self.consume(TokenKind::Dot, "Expect '.' after 'super'.");
        self.consume(TokenKind::Identifier, "Expect superclass method name.");
        let name = self.identifier_constant(self.previous.text);
        self.named_variable("this", false);
        if self.matches(TokenKind::LeftParen) {
            let argc = self.argument_list();
            self.named_variable("super", false);
            self.emit(Op::SuperInvoke(name, argc));
        } else {
            self.named_variable("super", false);
            self.emit(Op::GetSuper(name));
        }
    }

    /// `this`.
    fn this_(&mut self) {
        if self.classes.is_empty() {
            self.error("Can't use 'this' outside of a class.");
            return;
        }
        self.named_variable(self.previous.text, false);
    }
}
