//! The checking walk over statements and expressions, in PHP's compilation order.

use super::decls::{ClassCtx, ConstContext, FnCtx, NameScope};
use super::{CResult, fatal, members};
use crate::ast::*;
use crate::span::LineIndex;

/// The type of a constant PHP folds at compile time (`(1+1)`, `-0`), if it is one.
fn folded_type(ast: &Ast, e: ExprId) -> Option<&'static str> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || folded_type_inner(ast, e))
}

fn folded_type_inner(ast: &Ast, e: ExprId) -> Option<&'static str> {
    match &ast.expr(e).kind {
        ExprKind::Int(_) => Some("int"),
        ExprKind::Float(_) => Some("float"),
        ExprKind::Unary {
            op: UnaryOp::Neg | UnaryOp::Plus,
            expr,
        } => folded_type(ast, *expr).filter(|t| *t == "int" || *t == "float"),
        ExprKind::Binary {
            op: BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul,
            left,
            right,
        } => match (folded_type(ast, *left)?, folded_type(ast, *right)?) {
            ("int", "int") => Some("int"),
            ("float" | "int", "float" | "int") => Some("float"),
            _ => None,
        },
        _ => None,
    }
}

const GLOBALS_MODIFY: &str =
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
    /// Enclosing loops and switches of the current function.
    pub(super) loops: u32,
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
    list_syntax: Option<ArraySyntax>,
    /// The statement being compiled is a top-level function declaration.
    pub(super) toplevel_decl: bool,
    /// Inside an array literal that is an element of another: the outer node's line.
    array_node: Option<u32>,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(ast: &'a Ast, lines: &'a LineIndex, src: &'a [u8]) -> Self {
        Walker {
            ast,
            src,
            lines,
            loops: 0,
            returns_ref: false,
            class: None,
            func: FnCtx::default(),
            names: NameScope::default(),
            in_const: false,
            const_line: None,
            list_syntax: None,
            toplevel_decl: false,
            array_node: None,
        }
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

    fn in_loop(&mut self, f: impl FnOnce(&mut Self) -> CResult) -> CResult {
        self.loops += 1;
        self.enter_loop();
        let r = f(self);
        self.leave_loop();
        self.loops -= 1;
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
                self.in_loop(|w| w.stmt(*body))
            }
            StmtKind::DoWhile { body, cond } => {
                self.in_loop(|w| w.stmt(*body))?;
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
                self.in_loop(|w| w.stmt(*body))?;
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
                self.in_loop(|w| w.stmt(*body))
            }
            StmtKind::Switch { subject, cases, .. } => {
                self.expr(*subject, Use::Read)?;
                if let Some(second) = cases.iter().filter(|c| c.cond.is_none()).nth(1) {
                    return self.err(
                        second.span.start,
                        "Switch statements may only contain one default clause",
                    );
                }
                self.in_loop(|w| {
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
    fn jump(&self, word: &str, level: Option<ExprId>, at: u32) -> CResult {
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
        if self.loops == 0 {
            return self.err(
                at,
                format!("'{word}' not in the 'loop' or 'switch' context"),
            );
        }
        if depth > i64::from(self.loops) {
            let s = if depth == 1 { "" } else { "s" };
            return self.err(at, format!("Cannot '{word}' {depth} level{s}"));
        }
        Ok(())
    }

    pub(super) fn params(&mut self, params: &[Param], is_constructor: bool, at: u32) -> CResult {
        members::params(self.lines, params, is_constructor, at)?;
        for p in params {
            if let Some(d) = p.default {
                self.const_value(d, ConstContext::Default, at)?;
            }
        }
        Ok(())
    }

    pub(super) fn is_this(&self, e: ExprId) -> bool {
        matches!(&self.ast.expr(e).kind, ExprKind::Variable(n) if &**n == b"this")
    }

    /// An assignment target (also `foreach` targets and list elements).
    fn target(&mut self, e: ExprId) -> CResult {
        let ast = self.ast;
        let x = ast.expr(e);
        match &x.kind {
            ExprKind::Variable(_) if self.is_this(e) => {
                self.err(x.span.start, "Cannot re-assign $this")
            }
            ExprKind::Variable(_) if self.is_globals(e) => self.err(x.span.start, GLOBALS_MODIFY),
            ExprKind::ArrayDim { base, dim: None } if self.is_globals(*base) => {
                self.err(x.span.start, "Cannot append to $GLOBALS")
            }
            ExprKind::ArrayDim { base, .. } if self.is_builtin_result(*base) => self.err(
                x.span.start,
                "Cannot use result of built-in function in write context",
            ),
            ExprKind::ArrayDim { .. } | ExprKind::Property { .. } if self.is_temporary(e) => self
                .err(
                    x.span.start,
                    "Cannot use temporary expression in write context",
                ),
            ExprKind::List { items, syntax } => {
                let saved = self.list_syntax.replace(*syntax);
                let r = self.list(items, x.span.start);
                self.list_syntax = saved;
                r
            }
            ExprKind::Call { .. } => self.err(
                x.span.start,
                "Can't use function return value in write context",
            ),
            ExprKind::MethodCall {
                access: Access::Nullsafe,
                ..
            }
            | ExprKind::Property {
                access: Access::Nullsafe,
                ..
            } => self.err(x.span.start, "Can't use nullsafe operator in write context"),
            ExprKind::MethodCall { .. } | ExprKind::StaticCall { .. } => self.err(
                x.span.start,
                "Can't use method return value in write context",
            ),
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::String(_)
            | ExprKind::Constant(_)
            | ExprKind::ClassConstant { .. }
            | ExprKind::Binary { .. }
            | ExprKind::Unary { .. }
            | ExprKind::Array { .. }
            | ExprKind::MagicConstant(_) => self.err(
                x.span.start,
                "Assignments can only happen to writable values",
            ),
            _ => {
                if self.has_nullsafe(e) {
                    return self.err(x.span.start, "Can't use nullsafe operator in write context");
                }
                self.expr(e, Use::Write)
            }
        }
    }

    /// `(0)::x`, `[]::X`: a class reference that is a constant of the wrong type.
    fn class_ref_expr(&self, c: ExprId, class_name: bool) -> CResult {
        let x = self.ast.expr(c);
        let literal = match &x.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Array { .. } => true,
            ExprKind::Constant(c) => c.is("true") || c.is("false") || c.is("null"),
            _ => false,
        };
        if literal {
            return self.err(x.span.start, "Illegal class name");
        }
        if let Some(ty) = folded_type(self.ast, c) {
            if class_name {
                return self.err(
                    x.span.start,
                    format!("Cannot use \"::class\" on value of type {ty}"),
                );
            }
            return self.err(x.span.start, "Illegal class name");
        }
        Ok(())
    }

    /// `$o->{1}()`: a method name that is a constant other than a string.
    fn method_name(&self, name: &MemberName) -> CResult {
        if let MemberName::Expr(n) = name {
            let x = self.ast.expr(*n);
            let bad = match &x.kind {
                ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Array { .. } => true,
                ExprKind::Constant(c) => c.is("true") || c.is("false") || c.is("null"),
                _ => folded_type(self.ast, *n).is_some(),
            };
            if bad {
                return self.err(x.span.start, "Method name must be a string");
            }
        }
        Ok(())
    }

    /// PHP's list node takes its first child's line (an element's is its value's), or for a
    /// leading hole the line of the hole.
    fn array_node_line(&self, items: &[Option<ArrayItem>], at: u32) -> u32 {
        match items.first() {
            Some(Some(first)) => match &self.ast.expr(first.value).kind {
                ExprKind::Array { items, .. } => {
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                        self.array_node_line(items, self.ast.expr(first.value).span.start)
                    })
                }
                _ => self.ast.expr(first.value).span.start,
            },
            _ => self.after_opening_bracket(at),
        }
    }

    fn is_literal(&self, e: ExprId) -> bool {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.is_literal_inner(e))
    }

    fn is_literal_inner(&self, e: ExprId) -> bool {
        match &self.ast.expr(e).kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::String(_) => true,
            ExprKind::Constant(c) => c.is("true") || c.is("false") || c.is("null"),
            ExprKind::Array { items, .. } => items.iter().all(|i| {
                i.as_ref().is_some_and(|i| {
                    !i.by_ref
                        && self.is_literal(i.value)
                        && i.key.is_none_or(|k| self.is_literal(k))
                })
            }),
            _ => false,
        }
    }

    fn list_has_ref(&self, items: &[Option<ArrayItem>]) -> bool {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.list_has_ref_inner(items))
    }

    fn list_has_ref_inner(&self, items: &[Option<ArrayItem>]) -> bool {
        items.iter().flatten().any(|i| {
            i.by_ref
                || matches!(&self.ast.expr(i.value).kind, ExprKind::List { items, .. } if self.list_has_ref(items))
        })
    }

    /// A call PHP compiles to a special instruction (`strlen`, `is_int`, ...), or a
    /// first-class callable: its result cannot be written to.
    fn is_builtin_result(&self, e: ExprId) -> bool {
        let ExprKind::Call { callee, args } = &self.ast.expr(e).kind else {
            return false;
        };
        let Args::List(list, _) = args else {
            return true;
        };
        let Callee::Name(n) = callee else {
            return false;
        };
        let global = n.kind == NameKind::FullyQualified
            || (n.kind == NameKind::Unqualified && !self.names.in_namespace());
        if !global || list.iter().any(|a| a.unpack || a.name.is_some()) {
            return false;
        }
        let name = n.text.to_ascii_lowercase();
        let one = [
            &b"strlen"[..],
            b"is_null",
            b"is_bool",
            b"is_long",
            b"is_int",
            b"is_integer",
            b"is_float",
            b"is_double",
            b"is_string",
            b"is_array",
            b"is_object",
            b"is_resource",
            b"is_scalar",
            b"boolval",
            b"intval",
            b"floatval",
            b"doubleval",
            b"strval",
            b"gettype",
            b"count",
            b"sizeof",
        ];
        (one.contains(&&name[..]) && list.len() == 1)
            || (matches!(&name[..], b"func_num_args" | b"func_get_args") && list.is_empty())
    }

    /// `zend_can_write_to_variable`: a variable, static property or call, possibly behind
    /// `[...]` and `->` (but not `?->`).
    fn can_write_to_variable(&self, mut e: ExprId) -> bool {
        loop {
            match &self.ast.expr(e).kind {
                ExprKind::ArrayDim { base, .. } => e = *base,
                ExprKind::Property {
                    object,
                    access: Access::Normal,
                    ..
                } => e = *object,
                ExprKind::Variable(_)
                | ExprKind::VariableVariable(_)
                | ExprKind::StaticProperty { .. }
                | ExprKind::Call { .. }
                | ExprKind::StaticCall { .. } => return true,
                ExprKind::MethodCall { access, .. } => return *access == Access::Normal,
                _ => return false,
            }
        }
    }

    fn is_globals(&self, e: ExprId) -> bool {
        matches!(&self.ast.expr(e).kind, ExprKind::Variable(n) if &**n == b"GLOBALS")
    }

    /// Whether a dim/property chain starts at a value that is not a variable or a call.
    fn is_temporary(&self, mut e: ExprId) -> bool {
        loop {
            match &self.ast.expr(e).kind {
                ExprKind::ArrayDim { base, .. } => e = *base,
                ExprKind::Property { object, .. } => e = *object,
                ExprKind::Variable(_)
                | ExprKind::VariableVariable(_)
                | ExprKind::StaticProperty { .. }
                | ExprKind::Call { .. }
                | ExprKind::MethodCall { .. }
                | ExprKind::StaticCall { .. }
                | ExprKind::New { .. }
                | ExprKind::Clone(_) => return false,
                ExprKind::Assign { .. }
                | ExprKind::AssignRef { .. }
                | ExprKind::AssignOp { .. } => return false,
                ExprKind::Match { .. }
                | ExprKind::Ternary { .. }
                | ExprKind::Closure(_)
                | ExprKind::ArrowFunction(_) => return false,
                _ => return true,
            }
        }
    }

    /// Whether a variable chain goes through `?->`.
    fn has_nullsafe(&self, mut e: ExprId) -> bool {
        loop {
            match &self.ast.expr(e).kind {
                ExprKind::Property {
                    access: Access::Nullsafe,
                    ..
                }
                | ExprKind::MethodCall {
                    access: Access::Nullsafe,
                    ..
                } => return true,
                ExprKind::Property { object, .. } | ExprKind::MethodCall { object, .. } => {
                    e = *object
                }
                ExprKind::ArrayDim { base, .. } => e = *base,
                _ => return false,
            }
        }
    }

    fn list(&mut self, items: &[Option<ArrayItem>], at: u32) -> CResult {
        if items.iter().all(Option::is_none) {
            return self.err(at, "Cannot use empty list");
        }
        let first_at = items.iter().flatten().next().map_or(at, |i| i.span.start);
        let keyed = items.iter().flatten().any(|i| i.key.is_some());
        for item in items {
            let Some(i) = item else {
                if keyed {
                    return self.err(
                        at,
                        "Cannot use empty array entries in keyed array assignment",
                    );
                }
                continue;
            };
            if i.unpack {
                return self.err(
                    i.span.start,
                    "Spread operator is not supported in assignments",
                );
            }
            if i.key.is_some() != keyed {
                return self.err(
                    first_at,
                    "Cannot mix keyed and unkeyed array entries in assignments",
                );
            }
            if let Some(k) = i.key {
                self.expr(k, Use::Read)?;
            }
            let v = self.ast.expr(i.value);
            match &v.kind {
                ExprKind::Array {
                    syntax: ArraySyntax::Long,
                    ..
                } => return self.err(v.span.start, "Cannot assign to array(), use [] instead"),
                ExprKind::List { syntax: inner, .. } if Some(*inner) != self.list_syntax => {
                    return self.err(v.span.start, "Cannot mix [] and list()");
                }
                _ => {}
            }
            if !matches!(v.kind, ExprKind::List { .. }) && !self.can_write_to_variable(i.value) {
                return self.err(
                    v.span.start,
                    "Assignments can only happen to writable values",
                );
            }
            self.target(i.value)?;
        }
        Ok(())
    }

    fn args(&mut self, args: &Args) -> CResult {
        self.args_of(args, None)
    }

    /// Arguments; with the by-reference flags of a function declared earlier in the file,
    /// by-value arguments are compiled for reading (`f($a[])` is then an error).
    fn args_of(&mut self, args: &Args, by_ref: Option<&[bool]>) -> CResult {
        let Args::List(list, _) = args else {
            return Ok(());
        };
        let (mut named, mut unpacked) = (false, false);
        for a in list {
            if a.unpack {
                if named {
                    return self.err(
                        a.span.start,
                        "Cannot use argument unpacking after named arguments",
                    );
                }
                unpacked = true;
            } else if a.name.is_some() {
                named = true;
            } else if named {
                return self.err(
                    a.span.start,
                    "Cannot use positional argument after named argument",
                );
            } else if unpacked {
                return self.err(
                    a.span.start,
                    "Cannot use positional argument after argument unpacking",
                );
            }
            let usage = match by_ref {
                Some(flags) if a.name.is_none() && !a.unpack => {
                    let i = list.iter().position(|x| std::ptr::eq(x, a)).unwrap_or(0);
                    let r = flags.get(i).or(flags.last().filter(|_| false)).copied();
                    if r == Some(true) { Use::Arg } else { Use::Read }
                }
                _ => Use::Arg,
            };
            self.expr(a.value, usage)?;
        }
        Ok(())
    }

    pub(super) fn expr(&mut self, id: ExprId, usage: Use) -> CResult {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(id, usage))
    }

    fn expr_inner(&mut self, id: ExprId, usage: Use) -> CResult {
        let ast = self.ast;
        let e = ast.expr(id);
        let at = e.span.start;
        if matches!(e.kind, ExprKind::Yield { .. } | ExprKind::YieldFrom(_)) {
            if self.func.kind.is_none() {
                // PHP's yield node takes the line of its value.
                let at = match &e.kind {
                    ExprKind::Yield { value: Some(v), .. } | ExprKind::YieldFrom(v) => {
                        self.node_start(*v)
                    }
                    // A bare `yield` is created once the next token has been read.
                    _ => self.skip_trivia(e.span.end),
                };
                return self.err(
                    at,
                    "The \"yield\" expression can only be used inside a function",
                );
            }
            if matches!(e.kind, ExprKind::YieldFrom(_)) && self.func.by_ref {
                return self.err(
                    at,
                    "Cannot use \"yield from\" inside a by-reference generator",
                );
            }
        }
        match &e.kind {
            ExprKind::ArrayDim { .. } if ast.curly_dims.contains(&id) => self.err(
                at,
                "Array and string offset access syntax with curly braces is no longer supported",
            ),
            ExprKind::ArrayDim { base, dim } => {
                if dim.is_none() && matches!(usage, Use::Write | Use::Arg) && self.is_globals(*base)
                {
                    return self.err(at, "Cannot append to $GLOBALS");
                }
                if dim.is_none() {
                    match usage {
                        Use::Read => return self.err(at, "Cannot use [] for reading"),
                        Use::Unset => return self.err(at, "Cannot use [] for unsetting"),
                        Use::Write | Use::Arg => {}
                    }
                }
                let inner = if usage == Use::Read {
                    Use::Read
                } else {
                    Use::Write
                };
                self.expr(*base, inner)?;
                dim.map_or(Ok(()), |d| self.expr(d, Use::Read))
            }
            ExprKind::Assign { target, value } => {
                if let ExprKind::List { items, .. } = &ast.expr(*target).kind
                    && self.list_has_ref(items)
                {
                    let referenceable = matches!(
                        ast.expr(*value).kind,
                        ExprKind::Variable(_)
                            | ExprKind::VariableVariable(_)
                            | ExprKind::ArrayDim { .. }
                            | ExprKind::Property { .. }
                            | ExprKind::StaticProperty { .. }
                            | ExprKind::Call { .. }
                            | ExprKind::MethodCall { .. }
                            | ExprKind::StaticCall { .. }
                    );
                    if !referenceable {
                        return self.err(at, "Cannot assign reference to non referenceable value");
                    }
                    if self.has_nullsafe(*value) {
                        return self.err(at, "Cannot take reference of a nullsafe chain");
                    }
                }
                self.target(*target)?;
                self.expr(*value, Use::Read)
            }
            ExprKind::AssignRef { target, value } => {
                self.target(*target)?;
                if self.is_builtin_result(*value) {
                    return self.err(
                        at,
                        "Cannot use result of built-in function in write context",
                    );
                }
                if self.is_globals(*value) {
                    return self.err(at, "Cannot acquire reference to $GLOBALS");
                }
                if self.has_nullsafe(*value) {
                    return self.err(at, "Cannot take reference of a nullsafe chain");
                }
                self.expr(*value, Use::Write)
            }
            ExprKind::AssignOp { target, value, .. } => {
                self.target(*target)?;
                self.expr(*value, Use::Read)
            }
            ExprKind::IncDec { target, .. } => self.target(*target),
            ExprKind::Array { items, .. } => {
                // A hole is reported on the line of the element before it, or of the hole
                // itself (the first `,`) when it comes first.
                // PHP evaluates a constant array, and the arrays directly inside it, before
                // compiling it: a leading hole is reported on the line of the outermost such
                // array's node (where its first element ends, or the hole itself), a later
                // hole on the line of the element before it.
                let node_line = self
                    .array_node
                    .unwrap_or_else(|| self.array_node_line(items, at));
                let mut prev = node_line;
                for item in items {
                    let Some(i) = item else {
                        return self.err(prev, "Cannot use empty array elements in arrays");
                    };
                    // An element's line is its value's (a nested array's is its node's).
                    prev = match &ast.expr(i.value).kind {
                        ExprKind::Array { items, .. } => {
                            self.array_node_line(items, ast.expr(i.value).span.start)
                        }
                        _ => ast.expr(i.value).span.start,
                    };
                    if i.unpack
                        && self.is_literal(i.value)
                        && !matches!(ast.expr(i.value).kind, ExprKind::Array { .. })
                        && items.iter().flatten().all(|i| {
                            !i.by_ref
                                && self.is_literal(i.value)
                                && i.key.is_none_or(|k| self.is_literal(k))
                        })
                    {
                        // Reported on the array node's line: where its first element ends.
                        let line_at = items
                            .iter()
                            .flatten()
                            .next()
                            .map_or(at, |i| i.span.end.saturating_sub(1));
                        return self.err(line_at, "Only arrays and Traversables can be unpacked");
                    }
                    if let Some(k) = i.key {
                        self.expr(k, Use::Read)?;
                    }
                    let nested = matches!(ast.expr(i.value).kind, ExprKind::Array { .. });
                    let saved =
                        std::mem::replace(&mut self.array_node, nested.then_some(node_line));
                    let r = self.expr(i.value, if i.by_ref { Use::Write } else { Use::Read });
                    self.array_node = saved;
                    r?;
                }
                Ok(())
            }
            ExprKind::List { items, syntax } => {
                let saved = self.list_syntax.replace(*syntax);
                let r = self.list(items, at);
                self.list_syntax = saved;
                r
            }
            ExprKind::Cast {
                kind: CastKind::Unset,
                ..
            } => self.err(at, "The (unset) cast is no longer supported"),
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                if let ExprKind::Ternary {
                    then: inner_then, ..
                } = &ast.expr(*cond).kind
                    && !ast.parenthesized.contains(cond)
                {
                    let msg = match (inner_then.is_some(), then.is_some()) {
                        (true, true) => Some(
                            "Unparenthesized `a ? b : c ? d : e` is not supported. Use either `(a ? b : c) ? d : e` or `a ? b : (c ? d : e)`",
                        ),
                        (true, false) => Some(
                            "Unparenthesized `a ? b : c ?: d` is not supported. Use either `(a ? b : c) ?: d` or `a ? b : (c ?: d)`",
                        ),
                        (false, true) => Some(
                            "Unparenthesized `a ?: b ? c : d` is not supported. Use either `(a ?: b) ? c : d` or `a ?: (b ? c : d)`",
                        ),
                        (false, false) => None,
                    };
                    if let Some(m) = msg {
                        return self.err(at, m);
                    }
                }
                self.expr(*cond, Use::Read)?;
                if let Some(t) = then {
                    self.expr(*t, Use::Read)?;
                }
                self.expr(*otherwise, Use::Read)
            }
            ExprKind::Match { subject, arms } => {
                self.expr(*subject, Use::Read)?;
                let mut default_seen = false;
                for arm in arms {
                    match &arm.conds {
                        None if default_seen => {
                            return self.err(
                                arm.span.start,
                                "Match expressions may only contain one default arm",
                            );
                        }
                        None => default_seen = true,
                        Some(conds) => conds.iter().try_for_each(|&c| self.expr(c, Use::Read))?,
                    }
                    self.expr(arm.body, Use::Read)?;
                }
                Ok(())
            }
            ExprKind::Isset(vars) => {
                for &v in vars {
                    let ok = matches!(
                        ast.expr(v).kind,
                        ExprKind::Variable(_)
                            | ExprKind::VariableVariable(_)
                            | ExprKind::ArrayDim { .. }
                            | ExprKind::Property { .. }
                            | ExprKind::StaticProperty { .. }
                    );
                    if !ok {
                        return self.err(
                            ast.expr(v).span.start,
                            "Cannot use isset() on the result of an expression (you can use \"null !== expression\" instead)",
                        );
                    }
                    self.expr(v, Use::Read)?;
                }
                Ok(())
            }
            ExprKind::Call { callee, args } => {
                let known = match callee {
                    Callee::Expr(c) => {
                        self.expr(*c, Use::Read)?;
                        None
                    }
                    Callee::Name(n) => self.names.known_function(n),
                };
                self.args_of(args, known.as_deref())
            }
            ExprKind::MethodCall {
                object,
                name,
                args,
                access,
            } => {
                self.method_name(name)?;
                // (The chain is walked only for `(...)`: walking it at every call of a long
                // chain would be quadratic.)
                if matches!(args, Args::FirstClassCallable(_))
                    && (*access == Access::Nullsafe || self.has_nullsafe(*object))
                {
                    return self.err(at, "Cannot combine nullsafe operator with Closure creation");
                }
                self.expr(*object, Use::Read)?;
                if let MemberName::Expr(n) = name {
                    self.expr(*n, Use::Read)?;
                }
                self.args(args)
            }
            ExprKind::StaticCall { class, name, args } => {
                self.method_name(name)?;
                match class {
                    ClassRef::Expr(c) => {
                        self.class_ref_expr(*c, false)?;
                        self.expr(*c, Use::Read)?
                    }
                    ClassRef::Name(n) => self.class_fetch(n)?,
                }
                if let MemberName::Expr(n) = name {
                    self.expr(*n, Use::Read)?;
                }
                self.args(args)
            }
            ExprKind::New { class, args } => {
                if let Some(Args::FirstClassCallable(_)) = args {
                    return self.err(at, "Cannot create Closure for new expression");
                }
                match class {
                    NewClass::Class(ClassRef::Expr(c)) => {
                        self.class_ref_expr(*c, false)?;
                        self.expr(*c, Use::Read)?
                    }
                    NewClass::Class(ClassRef::Name(n)) => self.class_fetch(n)?,
                    NewClass::Anonymous(decl) => self.class(decl)?,
                }
                args.as_ref().map_or(Ok(()), |a| self.args(a))
            }
            ExprKind::Property { object, name, .. } => {
                self.expr(
                    *object,
                    if usage == Use::Read {
                        Use::Read
                    } else {
                        Use::Write
                    },
                )?;
                if let MemberName::Expr(n) = name {
                    self.expr(*n, Use::Read)?;
                }
                Ok(())
            }
            ExprKind::StaticProperty { class, name } => {
                match class {
                    ClassRef::Expr(c) => {
                        self.class_ref_expr(*c, false)?;
                        self.expr(*c, Use::Read)?
                    }
                    ClassRef::Name(n) => self.class_fetch(n)?,
                }
                if let MemberName::Expr(n) = name {
                    self.expr(*n, Use::Read)?;
                }
                Ok(())
            }
            ExprKind::Closure(c) => self.closure(c, at),
            ExprKind::ArrowFunction(f) => self.arrow_function(f, at),
            ExprKind::Interpolated { parts, .. } => parts.iter().try_for_each(|p| match p {
                StringPart::Expr(e) => self.expr(*e, Use::Read),
                StringPart::Literal(..) => Ok(()),
            }),
            ExprKind::VariableVariable(x)
            | ExprKind::Unary { expr: x, .. }
            | ExprKind::Cast { expr: x, .. }
            | ExprKind::Empty(x)
            | ExprKind::Print(x)
            | ExprKind::Include { expr: x, .. }
            | ExprKind::Eval(x)
            | ExprKind::Clone(x)
            | ExprKind::Throw(x)
            | ExprKind::YieldFrom(x)
            | ExprKind::Instanceof { expr: x, .. } => self.expr(*x, Use::Read),
            ExprKind::Binary { left, right, op } => {
                self.expr(*left, Use::Read)?;
                // PHP folds `false && x` and `true || x` without compiling `x`.
                let lit = match &ast.expr(*left).kind {
                    ExprKind::Int(n) => Some(*n != 0),
                    ExprKind::Constant(c) if c.is("true") => Some(true),
                    ExprKind::Constant(c) if c.is("false") => Some(false),
                    _ => None,
                };
                let skip = matches!(
                    (op, lit),
                    (BinaryOp::And | BinaryOp::LogicalAnd, Some(false))
                        | (BinaryOp::Or | BinaryOp::LogicalOr, Some(true))
                );
                if skip {
                    return Ok(());
                }
                self.expr(*right, Use::Read)
            }
            ExprKind::Exit(x) => x.map_or(Ok(()), |x| self.expr(x, Use::Read)),
            ExprKind::Yield { value: Some(v), .. } if self.func.by_ref && self.has_nullsafe(*v) => {
                self.err(at, "Cannot take reference of a nullsafe chain")
            }
            ExprKind::Yield { key, value } => {
                if let Some(k) = key {
                    self.expr(*k, Use::Read)?;
                }
                value.map_or(Ok(()), |v| self.expr(v, Use::Read))
            }
            ExprKind::ClassConstant { class, name } => match class {
                ClassRef::Expr(c) => {
                    self.class_ref_expr(*c, name.name.eq_ignore_ascii_case(b"class"))?;
                    self.expr(*c, Use::Read)
                }
                ClassRef::Name(n) => self.class_fetch(n),
            },
            ExprKind::Variable(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::String(_)
            | ExprKind::Constant(_)
            | ExprKind::MagicConstant(_) => Ok(()),
        }
    }
}
