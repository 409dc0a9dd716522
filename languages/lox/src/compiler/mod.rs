//! The single-pass compiler: Lox source to [`Proto`]s, with clox's grammar, error messages,
//! panic-mode recovery and limits.
//!
//! This module holds the driver ([`compile`]), the parser state, error reporting, emission, and
//! the bookkeeping of functions, scopes, locals and upvalues. The Pratt expression parser is in
//! `expr.rs`, declarations and statements in `stmt.rs`.
//!
//! Three things differ from clox's byte encoding (see [`crate::chunk`]):
//! - Jump operands are absolute instruction indices.
//! - A captured local lives in a cell. Every local declaration emits a placeholder where its
//!   value lands in its slot; when the declaration's scope ends, the placeholder becomes
//!   [`Op::BoxLocal`] (and the declaration's `GetLocal`/`SetLocal` become `GetCell`/`SetCell`) if
//!   a closure captured it, and is deleted otherwise. Placeholders are encoded as `BoxLocal` plus
//!   a "keep" flag; deleted ones are removed when the function is finished and jumps remapped.
//! - Each instruction's stack depth is recorded ([`Proto::depth`]).
//!
//! To report "Too much code to jump over." and "Loop body too large." exactly where clox does,
//! the compiler counts the bytes clox would have emitted (`function::clox_size`); instructions
//! clox does not have count zero.

mod expr;
mod function;
mod stmt;
#[cfg(test)]
mod tests;

use crate::chunk::{Capture, Constant, FunctionKind, Op, Proto};
use crate::scanner::{Scanner, Token, TokenKind};
use function::{FnState, Local, clox_size, is_unconditional};
use std::rc::Rc;

/// Compile errors, one line each, exactly as clox prints them to stderr (without the newline),
/// in the order clox prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileErrors(pub Vec<String>);

impl std::fmt::Display for CompileErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for line in &self.0 {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CompileErrors {}

/// Compiles a script: the returned prototype is the top-level function
/// ([`FunctionKind::Script`]); nested functions are among its constants.
///
/// # Errors
///
/// The compile errors clox would print for this source, if any.
pub fn compile(source: &str) -> Result<Rc<Proto>, CompileErrors> {
    let mut c = Compiler::new(source);
    c.begin_function(FunctionKind::Script);
    c.begin_body();
    c.advance();
    while !c.matches(TokenKind::Eof) {
        c.declaration();
    }
    let proto = c.end_function();
    if c.had_error {
        Err(CompileErrors(c.errors))
    } else {
        Ok(Rc::new(proto))
    }
}

/// How deeply expressions and statements may nest before compilation stops with an error
/// (clox recurses without a bound; a Rust stack must not overflow). Each nested expression or
/// statement costs one unit, a nested function body [`FUNCTION_NESTING_COST`] more: the bound
/// keeps the compiler's stack use under about a megabyte even in a debug build.
const MAX_NESTING: usize = 4000;

/// The extra nesting units a function body costs (its frames are larger).
const FUNCTION_NESTING_COST: usize = 4;

/// The most bytes a clox jump can cover.
const MAX_JUMP: usize = u16::MAX as usize;

/// A forward jump waiting for its target.
#[derive(Clone, Copy, Debug)]
struct JumpSite {
    /// The jump instruction.
    index: usize,
    /// clox's byte count just after the jump's operand.
    bytes_after: usize,
}

/// A loop's start, the target of a backward jump.
#[derive(Clone, Copy, Debug)]
struct LoopStart {
    /// The first instruction of the loop.
    index: usize,
    /// clox's byte count there.
    bytes: usize,
}

/// The state of one class being compiled.
#[derive(Clone, Copy, Debug)]
struct ClassState {
    /// Whether it has a superclass (so `super` is allowed).
    has_superclass: bool,
}

/// The parser and code generator: clox's `Parser`, `Compiler` chain and `ClassCompiler` chain.
struct Compiler<'src> {
    /// The token source.
    scanner: Scanner<'src>,
    /// The token being looked at.
    current: Token<'src>,
    /// The token just consumed.
    previous: Token<'src>,
    /// Whether any error was reported.
    had_error: bool,
    /// Whether errors are being suppressed until the next statement boundary.
    panic_mode: bool,
    /// Whether compilation was abandoned (nesting too deep): no more tokens nor errors.
    abandoned: bool,
    /// The current recursion depth of expressions and statements.
    nesting: usize,
    /// The errors reported, formatted as clox prints them.
    errors: Vec<String>,
    /// The functions being compiled, innermost last.
    fns: Vec<FnState<'src>>,
    /// The classes being compiled, innermost last.
    classes: Vec<ClassState>,
}

impl<'src> Compiler<'src> {
    /// A compiler at the start of `source`.
    fn new(source: &'src str) -> Self {
        let eof = Token {
            kind: TokenKind::Eof,
            text: "",
            line: 1,
        };
        Compiler {
            scanner: Scanner::new(source),
            current: eof,
            previous: eof,
            had_error: false,
            panic_mode: false,
            abandoned: false,
            nesting: 0,
            errors: Vec::new(),
            fns: Vec::new(),
            classes: Vec::new(),
        }
    }

    // ----- Errors -----

    /// Reports `message` at `token` unless in panic mode, and enters panic mode.
    fn error_at(&mut self, token: Token<'src>, message: &str) {
        if self.panic_mode || self.abandoned {
            return;
        }
        self.panic_mode = true;
        let place = match token.kind {
            TokenKind::Eof => " at end".to_string(),
            TokenKind::Error => String::new(),
            _ => format!(" at '{}'", token.text),
        };
        self.errors
            .push(format!("[line {}] Error{place}: {message}", token.line));
        self.had_error = true;
    }

    /// Reports `message` at the previous token.
    fn error(&mut self, message: &str) {
        self.error_at(self.previous, message);
    }

    /// Reports `message` at the current token.
    fn error_at_current(&mut self, message: &str) {
        self.error_at(self.current, message);
    }

    /// Enters a nested expression or statement costing `cost` nesting units; false (after
    /// reporting `message` at the current token and abandoning compilation) when nesting is too
    /// deep. A `true` must be matched by [`Compiler::leave`] with the same cost.
    fn enter(&mut self, cost: usize, message: &str) -> bool {
        if self.nesting + cost > MAX_NESTING {
            self.error_at_current(message);
            self.had_error = true;
            self.abandoned = true;
            self.current = Token {
                kind: TokenKind::Eof,
                text: "",
                line: self.current.line,
            };
            return false;
        }
        self.nesting += cost;
        true
    }

    /// Leaves a nested expression or statement entered with `cost`.
    fn leave(&mut self, cost: usize) {
        self.nesting -= cost;
    }

    // ----- Tokens -----

    /// Moves to the next token, reporting scanner errors.
    fn advance(&mut self) {
        self.previous = self.current;
        if self.abandoned {
            return;
        }
        loop {
            self.current = self.scanner.scan_token();
            if self.current.kind != TokenKind::Error {
                break;
            }
            self.error_at_current(self.current.text);
        }
    }

    /// Consumes a token of `kind`, or reports `message` at the current token.
    fn consume(&mut self, kind: TokenKind, message: &str) {
        if self.current.kind == kind {
            self.advance();
        } else {
            self.error_at_current(message);
        }
    }

    /// Whether the current token is of `kind`.
    fn check(&self, kind: TokenKind) -> bool {
        self.current.kind == kind
    }

    /// Consumes the current token if it is of `kind`.
    fn matches(&mut self, kind: TokenKind) -> bool {
        if !self.check(kind) {
            return false;
        }
        self.advance();
        true
    }

    // ----- Emission -----

    /// The function being compiled.
    fn func(&mut self) -> &mut FnState<'src> {
        // `compile` pushes the script before parsing and pops it last, so there is always one.
        let last = self.fns.len() - 1;
        &mut self.fns[last]
    }

    /// Emits `op` with clox's size for it.
    fn emit(&mut self, op: Op) -> usize {
        self.emit_sized(op, clox_size(op))
    }

    /// Emits `op` counting `bytes` clox bytes, at the previous token's line.
    fn emit_sized(&mut self, op: Op, bytes: usize) -> usize {
        let line = self.previous.line;
        self.func().push(op, bytes, line)
    }

    /// Emits `GetLocal(slot)` or `SetLocal(slot)` (per `set`), recorded as an access of the
    /// declaration in that slot; `bytes` is 2, or 0 for instructions clox does not have.
    fn emit_local(&mut self, slot: usize, set: bool, bytes: usize) {
        let s = u8::try_from(slot).unwrap_or(u8::MAX);
        let op = if set {
            Op::SetLocal(s)
        } else {
            Op::GetLocal(s)
        };
        let index = self.emit_sized(op, bytes);
        if let Some(local) = self.func().locals.get_mut(slot) {
            local.accesses.push(index);
        }
    }

    /// Emits a forward jump (`Jump` or `JumpIfFalse`) to be patched later.
    fn emit_jump(&mut self, op: Op) -> JumpSite {
        let index = self.emit(op);
        JumpSite {
            index,
            bytes_after: self.func().bytes,
        }
    }

    /// Points `site` at the next instruction, with clox's distance check.
    fn patch_jump(&mut self, site: JumpSite) {
        let f = self.func();
        let distance = f.bytes - site.bytes_after;
        let target = u32::try_from(f.ops.len()).unwrap_or(u32::MAX);
        if let Some(op) = f.ops.get_mut(site.index) {
            *op = match *op {
                Op::JumpIfFalse(_) => Op::JumpIfFalse(target),
                _ => Op::Jump(target),
            };
        }
        // After an unconditional transfer, the depth here is the one the jump arrives with.
        if f.ops.last().is_some_and(|&op| is_unconditional(op))
            && let Some(&d) = f.depth.get(site.index)
        {
            f.cur_depth = d;
        }
        if distance > MAX_JUMP {
            self.error("Too much code to jump over.");
        }
    }

    /// Where a loop starts (the next instruction).
    fn loop_start(&mut self) -> LoopStart {
        let f = self.func();
        LoopStart {
            index: f.ops.len(),
            bytes: f.bytes,
        }
    }

    /// Emits a backward jump to `start`, with clox's distance check.
    fn emit_loop(&mut self, start: LoopStart) {
        let offset = self.func().bytes + 3 - start.bytes;
        if offset > MAX_JUMP {
            self.error("Loop body too large.");
        }
        let target = u32::try_from(start.index).unwrap_or(u32::MAX);
        self.emit(Op::Loop(target));
    }

    /// Emits the implicit return at the end of a function body (or of `return;`).
    fn emit_return(&mut self) {
        if self.func().kind == FunctionKind::Initializer {
            self.emit_local(0, false, 2);
        } else {
            self.emit(Op::Nil);
        }
        self.emit(Op::Return);
    }

    /// Adds a constant, reporting clox's error past 256 constants (then returns 0).
    fn make_constant(&mut self, constant: Constant) -> u8 {
        let f = self.func();
        f.constants.push(constant);
        match u8::try_from(f.constants.len() - 1) {
            Ok(k) => k,
            Err(_) => {
                self.error("Too many constants in one chunk.");
                0
            }
        }
    }

    /// Adds a name constant (a new one for every use, as clox does).
    fn identifier_constant(&mut self, name: &str) -> u8 {
        self.make_constant(Constant::Str(Rc::from(name)))
    }

    // ----- Functions -----

    /// Starts compiling a function of `kind`, named by the previous token unless it is the
    /// script. The caller places the placeholders of slot 0 and the parameters with
    /// [`Compiler::begin_body`].
    fn begin_function(&mut self, kind: FunctionKind) {
        let name = (kind != FunctionKind::Script).then(|| Rc::from(self.previous.text));
        self.fns.push(FnState::new(kind, name));
    }

    /// Starts the body of the current function: slot 0 and the parameters are on the stack, and
    /// each gets its placeholder here.
    fn begin_body(&mut self) {
        let count = self.func().locals.len();
        self.func().cur_depth = i32::try_from(count).unwrap_or(i32::MAX);
        for slot in 0..count {
            self.place_marker(slot);
        }
    }

    /// Finishes the current function (emitting its implicit return) and returns it with its
    /// number of upvalues.
    fn end_function(&mut self) -> Proto {
        self.emit_return();
        let check = !self.had_error;
        match self.fns.pop() {
            Some(f) => f.finish(check),
            None => FnState::new(FunctionKind::Script, None).finish(false),
        }
    }

    // ----- Scopes and variables -----

    /// Enters a block.
    fn begin_scope(&mut self) {
        self.func().scope_depth += 1;
    }

    /// Leaves a block, popping its locals (clox's `OP_POP` or `OP_CLOSE_UPVALUE`: for us a
    /// `Pop` either way, the cell living on in the closures).
    fn end_scope(&mut self) {
        self.func().scope_depth -= 1;
        loop {
            let f = self.func();
            let depth = f.scope_depth;
            if f.locals.last().is_none_or(|l| l.depth <= depth) {
                break;
            }
            self.emit(Op::Pop);
            self.func().retire_last_local();
        }
    }

    /// Emits the placeholder of the local in `slot` if it has none yet.
    fn place_marker(&mut self, slot: usize) {
        let has_marker = self
            .func()
            .locals
            .get(slot)
            .is_none_or(|l| l.marker.is_some());
        if has_marker {
            return;
        }
        let s = u8::try_from(slot).unwrap_or(u8::MAX);
        let index = self.emit_sized(Op::BoxLocal(s), 0);
        if let Some(local) = self.func().locals.get_mut(slot) {
            local.marker = Some(index);
        }
    }

    /// Declares a new local named `name` (uninitialized), unless there are too many.
    fn add_local(&mut self, name: &'src str) {
        if self.func().locals.len() == 256 {
            self.error("Too many local variables in function.");
            return;
        }
        self.func().locals.push(Local {
            name,
            depth: -1,
            captured: false,
            marker: None,
            accesses: Vec::new(),
        });
    }

    /// Declares the previous token as a local (in a block), checking for a duplicate in the
    /// same scope.
    fn declare_variable(&mut self) {
        let scope = self.func().scope_depth;
        if scope == 0 {
            return;
        }
        let name = self.previous.text;
        let duplicate = self
            .func()
            .locals
            .iter()
            .rev()
            .take_while(|l| l.depth == -1 || l.depth >= scope)
            .any(|l| l.name == name);
        if duplicate {
            self.error("Already a variable with this name in this scope.");
        }
        self.add_local(name);
    }

    /// Consumes a variable name and declares it; returns its name constant for a global (0 for a
    /// local).
    fn parse_variable(&mut self, message: &str) -> u8 {
        self.consume(TokenKind::Identifier, message);
        self.declare_variable();
        if self.func().scope_depth > 0 {
            return 0;
        }
        self.identifier_constant(self.previous.text)
    }

    /// Marks the innermost local initialized (in a block), placing its placeholder here.
    fn mark_initialized(&mut self) {
        if let Some(slot) = self.mark_initialized_later() {
            self.place_marker(slot);
        }
    }

    /// Marks the innermost local initialized (in a block) and returns its slot, for the caller
    /// to place its placeholder (with [`Compiler::place_marker`]).
    fn mark_initialized_later(&mut self) -> Option<usize> {
        let f = self.func();
        if f.scope_depth == 0 {
            return None;
        }
        let scope = f.scope_depth;
        let slot = f.locals.len() - 1;
        if let Some(local) = f.locals.last_mut() {
            local.depth = scope;
        }
        Some(slot)
    }

    /// Finishes a variable declaration: defines the global `global`, or marks the local
    /// initialized.
    fn define_variable(&mut self, global: u8) {
        if self.func().scope_depth > 0 {
            self.mark_initialized();
            return;
        }
        self.emit(Op::DefineGlobal(global));
    }

    /// The slot of local `name` in function `level`, if any.
    fn resolve_local(&mut self, level: usize, name: &str) -> Option<usize> {
        let slot = self.fns[level]
            .locals
            .iter()
            .rposition(|l| l.name == name)?;
        if self.fns[level].locals[slot].depth == -1 {
            self.error("Can't read local variable in its own initializer.");
        }
        Some(slot)
    }

    /// Adds (or finds) the capture `capture` in function `level`; returns its index.
    fn add_upvalue(&mut self, level: usize, capture: Capture) -> u8 {
        let upvalues = &self.fns[level].upvalues;
        if let Some(i) = upvalues.iter().position(|&u| u == capture) {
            return u8::try_from(i).unwrap_or(u8::MAX);
        }
        if upvalues.len() == 256 {
            self.error("Too many closure variables in function.");
            return 0;
        }
        let i = upvalues.len();
        self.fns[level].upvalues.push(capture);
        u8::try_from(i).unwrap_or(u8::MAX)
    }

    /// The upvalue of function `level` through which `name` is reached in an enclosing
    /// function, adding the captures along the way.
    fn resolve_upvalue(&mut self, level: usize, name: &str) -> Option<u8> {
        if level == 0 {
            return None;
        }
        if let Some(slot) = self.resolve_local(level - 1, name) {
            self.fns[level - 1].locals[slot].captured = true;
            let slot = u8::try_from(slot).unwrap_or(u8::MAX);
            return Some(self.add_upvalue(level, Capture::Local(slot)));
        }
        let up = self.resolve_upvalue(level - 1, name)?;
        Some(self.add_upvalue(level, Capture::Upvalue(up)))
    }
}
