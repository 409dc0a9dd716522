//! Declarations and statements: clox's `declaration()`/`statement()` family, with its error
//! messages and its panic-mode recovery (`synchronize`), plus function and class bodies.

use super::{ClassState, Compiler};
use crate::chunk::{Constant, FunctionKind, Op};
use crate::scanner::TokenKind;
use std::rc::Rc;

impl<'src> Compiler<'src> {
    /// Compiles a declaration (or a statement), then resynchronizes after an error.
    pub(super) fn declaration(&mut self) {
        if !self.enter(1, "Statement nesting too deep.") {
            return;
        }
        if self.matches(TokenKind::Class) {
            self.class_declaration();
        } else if self.matches(TokenKind::Fun) {
            self.fun_declaration();
        } else if self.matches(TokenKind::Var) {
            self.var_declaration();
        } else {
            self.statement();
        }
        if self.panic_mode {
            self.synchronize();
        }
        self.leave(1);
    }

    /// Skips tokens to a likely statement boundary and leaves panic mode.
    fn synchronize(&mut self) {
        self.panic_mode = false;
        while self.current.kind != TokenKind::Eof {
            if self.previous.kind == TokenKind::Semicolon {
                return;
            }
            match self.current.kind {
                TokenKind::Class
                | TokenKind::Fun
                | TokenKind::Var
                | TokenKind::For
                | TokenKind::If
                | TokenKind::While
                | TokenKind::Print
                | TokenKind::Return => return,
                _ => self.advance(),
            }
        }
    }

    /// Compiles a statement.
    fn statement(&mut self) {
        if !self.enter(1, "Statement nesting too deep.") {
            return;
        }
        if self.matches(TokenKind::Print) {
            self.expression();
            self.consume(TokenKind::Semicolon, "Expect ';' after value.");
            self.emit(Op::Print);
        } else if self.matches(TokenKind::For) {
            self.for_statement();
        } else if self.matches(TokenKind::If) {
            self.if_statement();
        } else if self.matches(TokenKind::Return) {
            self.return_statement();
        } else if self.matches(TokenKind::While) {
            self.while_statement();
        } else if self.matches(TokenKind::LeftBrace) {
            self.begin_scope();
            self.block();
            self.end_scope();
        } else {
            self.expression_statement();
        }
        self.leave(1);
    }

    /// The declarations of a block, up to its `}`.
    fn block(&mut self) {
        while !self.check(TokenKind::RightBrace) && !self.check(TokenKind::Eof) {
            self.declaration();
        }
        self.consume(TokenKind::RightBrace, "Expect '}' after block.");
    }

    /// `expression ;`
    fn expression_statement(&mut self) {
        self.expression();
        self.consume(TokenKind::Semicolon, "Expect ';' after expression.");
        self.emit(Op::Pop);
    }

    /// `var name (= init)? ;`
    fn var_declaration(&mut self) {
        let global = self.parse_variable("Expect variable name.");
        if self.matches(TokenKind::Equal) {
            self.expression();
        } else {
            self.emit(Op::Nil);
        }
        self.consume(
            TokenKind::Semicolon,
            "Expect ';' after variable declaration.",
        );
        self.define_variable(global);
    }

    /// `fun name(params) { body }`. A local function is compiled as `Nil`, its placeholder,
    /// `Closure`, `SetLocal`, `Pop`, so closures capturing it (itself included) capture the
    /// cell that receives it; clox emits only the closure, so the rest counts no bytes.
    fn fun_declaration(&mut self) {
        let global = self.parse_variable("Expect function name.");
        let local = self.func().scope_depth > 0;
        let slot = self.func().locals.len() - 1;
        if local {
            self.emit_sized(Op::Nil, 0);
        }
        self.mark_initialized();
        self.function(FunctionKind::Function);
        self.define_variable(global);
        if local {
            self.emit_local(slot, true, 0);
            self.emit_sized(Op::Pop, 0);
        }
    }

    /// A function's parameters and body (the name was just consumed); emits its closure.
    fn function(&mut self, kind: FunctionKind) {
        if !self.enter(super::FUNCTION_NESTING_COST, "Function nesting too deep.") {
            return;
        }
        self.begin_function(kind);
        self.begin_scope();
        self.consume(TokenKind::LeftParen, "Expect '(' after function name.");
        if !self.check(TokenKind::RightParen) {
            loop {
                self.func().arity += 1;
                if self.func().arity > 255 {
                    self.error_at_current("Can't have more than 255 parameters.");
                }
                self.parse_variable("Expect parameter name.");
                // As clox's `defineVariable`; the placeholder comes with `begin_body`.
                let f = self.func();
                let scope = f.scope_depth;
                if let Some(local) = f.locals.last_mut() {
                    local.depth = scope;
                }
                if !self.matches(TokenKind::Comma) {
                    break;
                }
            }
        }
        self.consume(TokenKind::RightParen, "Expect ')' after parameters.");
        self.consume(TokenKind::LeftBrace, "Expect '{' before function body.");
        self.begin_body();
        self.block();
        let proto = self.end_function();
        let captures = proto.upvalues.len();
        let k = self.make_constant(Constant::Function(Rc::new(proto)));
        self.emit_sized(Op::Closure(k), 2 + 2 * captures);
        self.leave(super::FUNCTION_NESTING_COST);
    }

    /// A method in a class body.
    fn method(&mut self) {
        self.consume(TokenKind::Identifier, "Expect method name.");
        let constant = self.identifier_constant(self.previous.text);
        let kind = if self.previous.text == "init" {
            FunctionKind::Initializer
        } else {
            FunctionKind::Method
        };
        self.function(kind);
        self.emit(Op::Method(constant));
    }

    /// `class Name (< Super)? { methods }`
    fn class_declaration(&mut self) {
        self.consume(TokenKind::Identifier, "Expect class name.");
        let class_name = self.previous.text;
        let name_constant = self.identifier_constant(class_name);
        self.declare_variable();
        self.emit(Op::Class(name_constant));
        self.define_variable(name_constant);
        self.classes.push(ClassState {
            has_superclass: false,
        });

        if self.matches(TokenKind::Less) {
            self.consume(TokenKind::Identifier, "Expect superclass name.");
            self.named_variable(self.previous.text, false);
            if class_name == self.previous.text {
                self.error("A class can't inherit from itself.");
            }
            self.begin_scope();
            self.add_local("super");
            // clox's `defineVariable(0)`. The superclass sits in the slot from here on, but the
            // placeholder (which may box it) comes after `Inherit`, which reads the bare class.
            let slot = self.mark_initialized_later();
            self.named_variable(class_name, false);
            self.emit(Op::Inherit);
            if let Some(slot) = slot {
                self.place_marker(slot);
            }
            if let Some(c) = self.classes.last_mut() {
                c.has_superclass = true;
            }
        }

        self.named_variable(class_name, false);
        self.consume(TokenKind::LeftBrace, "Expect '{' before class body.");
        while !self.check(TokenKind::RightBrace) && !self.check(TokenKind::Eof) {
            self.method();
        }
        self.consume(TokenKind::RightBrace, "Expect '}' after class body.");
        self.emit(Op::Pop);
        if self.classes.last().is_some_and(|c| c.has_superclass) {
            self.end_scope();
        }
        self.classes.pop();
    }

    /// `for (init; cond; incr) body`
    fn for_statement(&mut self) {
        self.begin_scope();
        self.consume(TokenKind::LeftParen, "Expect '(' after 'for'.");
        if self.matches(TokenKind::Semicolon) {
            // No initializer.
        } else if self.matches(TokenKind::Var) {
            self.var_declaration();
        } else {
            self.expression_statement();
        }

        let mut loop_start = self.loop_start();
        let mut exit_jump = None;
        if !self.matches(TokenKind::Semicolon) {
            self.expression();
            self.consume(TokenKind::Semicolon, "Expect ';' after loop condition.");
            exit_jump = Some(self.emit_jump(Op::JumpIfFalse(0)));
            self.emit(Op::Pop);
        }

        if !self.matches(TokenKind::RightParen) {
            let body_jump = self.emit_jump(Op::Jump(0));
            let increment_start = self.loop_start();
            self.expression();
            self.emit(Op::Pop);
            self.consume(TokenKind::RightParen, "Expect ')' after for clauses.");
            self.emit_loop(loop_start);
            loop_start = increment_start;
            self.patch_jump(body_jump);
        }

        self.statement();
        self.emit_loop(loop_start);
        if let Some(exit) = exit_jump {
            self.patch_jump(exit);
            self.emit(Op::Pop);
        }
        self.end_scope();
    }

    /// `if (cond) then (else otherwise)?`
    fn if_statement(&mut self) {
        self.consume(TokenKind::LeftParen, "Expect '(' after 'if'.");
        self.expression();
        self.consume(TokenKind::RightParen, "Expect ')' after condition.");
        let then_jump = self.emit_jump(Op::JumpIfFalse(0));
        self.emit(Op::Pop);
        self.statement();
        let else_jump = self.emit_jump(Op::Jump(0));
        self.patch_jump(then_jump);
        self.emit(Op::Pop);
        if self.matches(TokenKind::Else) {
            self.statement();
        }
        self.patch_jump(else_jump);
    }

    /// `return (value)? ;`
    fn return_statement(&mut self) {
        let kind = self.func().kind;
        if kind == FunctionKind::Script {
            self.error("Can't return from top-level code.");
        }
        if self.matches(TokenKind::Semicolon) {
            self.emit_return();
        } else {
            if kind == FunctionKind::Initializer {
                self.error("Can't return a value from an initializer.");
            }
            self.expression();
            self.consume(TokenKind::Semicolon, "Expect ';' after return value.");
            self.emit(Op::Return);
        }
    }

    /// `while (cond) body`
    fn while_statement(&mut self) {
        let loop_start = self.loop_start();
        self.consume(TokenKind::LeftParen, "Expect '(' after 'while'.");
        self.expression();
        self.consume(TokenKind::RightParen, "Expect ')' after condition.");
        let exit_jump = self.emit_jump(Op::JumpIfFalse(0));
        self.emit(Op::Pop);
        self.statement();
        self.emit_loop(loop_start);
        self.patch_jump(exit_jump);
        self.emit(Op::Pop);
    }
}
