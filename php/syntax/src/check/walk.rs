//! The checking walk, in PHP's compilation order: the walker's state, statements, and
//! `break`/`continue`. Expressions are in `exprs.rs`, write contexts in `targets.rs`.

use super::classes::ClassCtx;
use super::consts::ConstContext;
use super::flow::FnCtx;
use super::scope::NameScope;
use super::{Builtins, CResult, fatal};
use crate::ast::*;
use crate::diagnostics::{Diagnostic, ErrorFile, Severity};
use crate::span::LineIndex;

pub(super) const GLOBALS_MODIFY: &str =
    "$GLOBALS can only be modified using the $GLOBALS[$name] = $value syntax";

/// How an expression is used, which decides whether `[]` and `$this` are allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    Read,
    Write,
    /// An argument: may be passed by reference, so `[]` is allowed.
    Arg,
    Unset,
}

pub(crate) struct Walker<'a> {
    pub(super) ast: &'a Ast,
    pub(super) src: &'a [u8],
    pub(super) lines: &'a LineIndex,
    /// Enclosing loops and switches of the current function, innermost last.
    pub(super) loops: Vec<Breakable>,
    /// Whether the current function returns by reference (`return $a[];` is then a write).
    pub(super) returns_ref: bool,
    /// The class being compiled, if any.
    pub(super) class: Option<ClassCtx<'a>>,
    /// The function being compiled (the file's top-level code is one too).
    pub(super) func: FnCtx,
    /// Namespace and imports of the file, as far as compiled.
    pub(super) names: NameScope,
    /// Inside a constant expression (defaults, constants): class references are resolved
    /// at run time there, so `parent` without a parent is not a compile-time error.
    pub(super) in_const: bool,
    /// The line PHP reports errors of the constant expression being checked at (the
    /// declaration's), if not the expression's own.
    pub(super) const_line: Option<u32>,
    /// Syntax of the list being destructured into.
    pub(super) list_syntax: Option<ArraySyntax>,
    /// The statement being compiled is a top-level function declaration.
    pub(super) toplevel_decl: bool,
    /// Inside an array literal that is an element of another: the outer node's line.
    pub(super) array_node: Option<u32>,
    /// Warnings and deprecations so far, in PHP's order.
    pub(super) warnings: Vec<Diagnostic>,
    /// The host's built-in functions, if known.
    pub(super) builtins: Option<Builtins>,
}

/// What `break` and `continue` leave.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Breakable {
    Loop,
    Switch,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(ast: &'a Ast, lines: &'a LineIndex, src: &'a [u8]) -> Self {
        Walker {
            ast,
            src,
            lines,
            loops: Vec::new(),
            returns_ref: false,
            class: None,
            func: FnCtx::default(),
            names: NameScope::default(),
            in_const: false,
            const_line: None,
            list_syntax: None,
            toplevel_decl: false,
            array_node: None,
            warnings: Vec::new(),
            builtins: None,
        }
    }

    /// Records a warning or deprecation at `offset`'s line; compilation goes on.
    pub(super) fn warn(&mut self, offset: u32, severity: Severity, message: impl Into<String>) {
        self.warnings.push(Diagnostic {
            severity,
            message: message.into(),
            line: self.lines.line(offset),
            file: ErrorFile::Compiled,
        });
    }

    pub(super) fn err(&self, offset: u32, msg: impl Into<String>) -> CResult {
        Err(fatal(self.lines, offset, msg))
    }

    pub(crate) fn file(&mut self) -> CResult {
        let ast = self.ast;
        for (i, &s) in ast.top.iter().enumerate() {
            if let StmtKind::Declare { directives, .. } = &ast.stmt(s).kind {
                let strict = directives
                    .iter()
                    .any(|d| d.name.name.eq_ignore_ascii_case(b"strict_types"));
                let first = ast.top[..i]
                    .iter()
                    .all(|&p| matches!(ast.stmt(p).kind, StmtKind::Declare { .. }));
                if strict && !first {
                    return self.err(
                        ast.stmt(s).span.start,
                        "strict_types declaration must be the very first statement in the script",
                    );
                }
            }
        }
        for &s in &ast.top {
            self.top_stmt(s)?;
        }
        self.end_function()
    }

    pub(super) fn stmts(&mut self, list: &[StmtId]) -> CResult {
        list.iter().try_for_each(|&s| self.stmt(s))
    }

    pub(super) fn stmt(&mut self, id: StmtId) -> CResult {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.stmt_inner(id))
    }

    fn in_loop(&mut self, kind: Breakable, f: impl FnOnce(&mut Self) -> CResult) -> CResult {
        self.loops.push(kind);
        self.enter_loop();
        let r = f(self);
        self.leave_loop();
        self.loops.pop();
        r
    }

    fn stmt_inner(&mut self, id: StmtId) -> CResult {
        let ast = self.ast;
        let s = ast.stmt(id);
        match &s.kind {
            StmtKind::Expr(e) => self.expr(*e, Use::Read),
            StmtKind::Echo(es) => es.iter().try_for_each(|&e| self.expr(e, Use::Read)),
            StmtKind::Block(list) => self.stmts(list),
            StmtKind::If {
                cond,
                then,
                elseifs,
                otherwise,
                ..
            } => {
                self.expr(*cond, Use::Read)?;
                self.stmt(*then)?;
                for ei in elseifs {
                    self.expr(ei.cond, Use::Read)?;
                    self.stmt(ei.body)?;
                }
                otherwise.map_or(Ok(()), |o| self.stmt(o))
            }
            StmtKind::While { cond, body, .. } => {
                self.expr(*cond, Use::Read)?;
                self.in_loop(Breakable::Loop, |w| w.stmt(*body))
            }
            StmtKind::DoWhile { body, cond } => {
                self.in_loop(Breakable::Loop, |w| w.stmt(*body))?;
                self.expr(*cond, Use::Read)
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
                ..
            } => {
                for &e in init.iter().chain(cond) {
                    self.expr(e, Use::Read)?;
                }
                self.in_loop(Breakable::Loop, |w| w.stmt(*body))?;
                step.iter().try_for_each(|&e| self.expr(e, Use::Read))
            }
            StmtKind::Foreach {
                expr,
                key,
                value,
                body,
                ..
            } => {
                self.expr(*expr, Use::Read)?;
                if let Some(k) = key {
                    if let ExprKind::List { .. } = ast.expr(*k).kind {
                        return self.err(ast.expr(*k).span.start, "Cannot use list as key element");
                    }
                    self.target(*k)?;
                }
                self.target(*value)?;
                self.in_loop(Breakable::Loop, |w| w.stmt(*body))
            }
            StmtKind::Switch { subject, cases, .. } => {
                self.expr(*subject, Use::Read)?;
                if let Some(second) = cases.iter().filter(|c| c.cond.is_none()).nth(1) {
                    return self.err(
                        second.span.start,
                        "Switch statements may only contain one default clause",
                    );
                }
                self.in_loop(Breakable::Switch, |w| {
                    for c in cases {
                        if let Some(e) = c.cond {
                            w.expr(e, Use::Read)?;
                        }
                        w.stmts(&c.body)?;
                    }
                    Ok(())
                })
            }
            StmtKind::Break(level) => {
                self.jump("break", *level, s.span.start)?;
                self.record_break(*level, s.span.start);
                Ok(())
            }
            StmtKind::Continue(level) => {
                self.jump("continue", *level, s.span.start)?;
                self.record_break(*level, s.span.start);
                Ok(())
            }
            StmtKind::Return(e) => {
                let usage = if self.returns_ref {
                    Use::Arg
                } else {
                    Use::Read
                };
                if let Some(e) = e
                    && self.returns_ref
                    && self.has_nullsafe(*e)
                {
                    return self.err(s.span.start, "Cannot take reference of a nullsafe chain");
                }
                e.map_or(Ok(()), |e| self.expr(e, usage))?;
                self.check_return(*e, s.span.start)
            }
            StmtKind::Global(vars) => {
                for &v in vars {
                    if self.is_this(v) {
                        return self.err(
                            ast.expr(v).span.start,
                            "Cannot use $this as global variable",
                        );
                    }
                }
                Ok(())
            }
            StmtKind::Static(vars) => {
                for v in vars {
                    if &*v.name.name == b"this" {
                        return self.err(v.span.start, "Cannot use $this as static variable");
                    }
                    if let Some(d) = v.default {
                        self.const_value(d, ConstContext::Constant, s.span.start)?;
                    }
                }
                Ok(())
            }
            StmtKind::Unset(vars) => {
                for &v in vars {
                    if self.is_this(v) {
                        return self.err(ast.expr(v).span.start, "Cannot unset $this");
                    }
                    if self.is_globals(v) {
                        return self.err(ast.expr(v).span.start, GLOBALS_MODIFY);
                    }
                    let vx = ast.expr(v);
                    match &vx.kind {
                        ExprKind::Call { .. } => {
                            return self.err(
                                vx.span.start,
                                "Can't use function return value in write context",
                            );
                        }
                        ExprKind::MethodCall { .. } | ExprKind::StaticCall { .. } => {
                            return self.err(
                                vx.span.start,
                                "Can't use method return value in write context",
                            );
                        }
                        ExprKind::ArrayDim { .. } | ExprKind::Property { .. }
                            if self.has_nullsafe(v) =>
                        {
                            return self.err(
                                vx.span.start,
                                "Can't use nullsafe operator in write context",
                            );
                        }
                        ExprKind::ArrayDim { .. } | ExprKind::Property { .. }
                            if self.is_temporary(v) =>
                        {
                            return self.err(
                                vx.span.start,
                                "Cannot use temporary expression in write context",
                            );
                        }
                        _ => {}
                    }
                    self.expr(v, Use::Unset)?;
                }
                Ok(())
            }
            StmtKind::Try {
                body,
                catches,
                finally,
            } => {
                if catches.is_empty() && finally.is_none() {
                    return self.err(s.span.start, "Cannot use try without catch or finally");
                }
                self.stmts(body)?;
                for c in catches {
                    for t in &c.types {
                        self.catch_type(t)?;
                    }
                    if c.var.as_ref().is_some_and(|v| &*v.name == b"this") {
                        return self.err(c.span.start, "Cannot re-assign $this");
                    }
                    self.stmts(&c.body)?;
                }
                match finally.as_deref() {
                    Some(f) => self.in_finally(|w| w.stmts(f)),
                    None => Ok(()),
                }
            }
            StmtKind::Declare { directives, body } => {
                self.declare(id, directives, body)?;
                for d in directives {
                    self.expr(d.value, Use::Read)?;
                }
                match body {
                    DeclareBody::None => Ok(()),
                    DeclareBody::Stmt(s) => self.stmt(*s),
                    DeclareBody::Alternative(list) => self.stmts(list),
                }
            }
            StmtKind::Namespace { body, .. } => {
                if let Some(b) = body.as_deref() {
                    for &s in b {
                        self.top_stmt(s)?;
                    }
                    self.names.end_namespace();
                }
                Ok(())
            }
            StmtKind::Const(items) => {
                for c in items {
                    if [&b"true"[..], b"false", b"null"]
                        .iter()
                        .any(|w| c.name.name.eq_ignore_ascii_case(w))
                    {
                        return self.err(
                            s.span.start,
                            format!("Cannot redeclare constant '{}'", c.name.text()),
                        );
                    }
                    self.declare_const(&c.name, s.span.start)?;
                    self.const_value(c.value, ConstContext::Constant, s.span.start)?;
                }
                Ok(())
            }
            StmtKind::Function(f) => self.function(f, false),
            StmtKind::Class(c) => self.class(c),
            StmtKind::Goto(label) => {
                self.record_goto(label);
                Ok(())
            }
            StmtKind::Label(label) => self.define_label(label),
            StmtKind::Use { kind, uses } => self.imports(*kind, None, uses),
            StmtKind::GroupUse { kind, prefix, uses } => self.imports(*kind, Some(prefix), uses),
            StmtKind::InlineHtml(_) | StmtKind::Nop | StmtKind::HaltCompiler => Ok(()),
        }
    }

    /// `break`/`continue` levels, with PHP's messages.
    fn jump(&mut self, word: &str, level: Option<ExprId>, at: u32) -> CResult {
        let depth = match level.map(|e| &self.ast.expr(e).kind) {
            None => 1,
            Some(ExprKind::Int(n)) if *n >= 1 => *n,
            Some(ExprKind::Int(_)) => {
                return self.err(
                    at,
                    format!("'{word}' operator accepts only positive integers"),
                );
            }
            Some(_) => {
                return self.err(
                    at,
                    format!("'{word}' operator with non-integer operand is no longer supported"),
                );
            }
        };
        if self.loops.is_empty() {
            return self.err(
                at,
                format!("'{word}' not in the 'loop' or 'switch' context"),
            );
        }
        let loops = self.loops.len();
        if depth > loops as i64 {
            let s = if depth == 1 { "" } else { "s" };
            return self.err(at, format!("Cannot '{word}' {depth} level{s}"));
        }
        let target = loops - depth as usize;
        if word == "continue" && self.loops[target] == Breakable::Switch {
            let hint = if target > 0 {
                format!(". Did you mean to use \"continue {}\"?", depth + 1)
            } else {
                String::new()
            };
            let message = if depth == 1 {
                format!("\"continue\" targeting switch is equivalent to \"break\"{hint}")
            } else {
                format!(
                    "\"continue {depth}\" targeting switch is equivalent to \"break {depth}\"{hint}"
                )
            };
            self.warn(at, Severity::Warning, message);
        }
        Ok(())
    }
}
