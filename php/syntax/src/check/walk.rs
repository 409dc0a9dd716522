//! The checking walk over statements and expressions, in PHP's compilation order.

use super::{CResult, fatal, members};
use crate::ast::*;
use crate::span::LineIndex;

/// How an expression is used, which decides whether `[]` and `$this` are allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Read,
    Write,
    /// An argument: may be passed by reference, so `[]` is allowed.
    Arg,
    Unset,
}

pub(crate) struct Walker<'a> {
    ast: &'a Ast,
    lines: &'a LineIndex,
    /// Enclosing loops and switches of the current function.
    loops: u32,
    /// Whether the current function returns by reference (`return $a[];` is then a write).
    returns_ref: bool,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(ast: &'a Ast, lines: &'a LineIndex) -> Self {
        Walker {
            ast,
            lines,
            loops: 0,
            returns_ref: false,
        }
    }

    fn err(&self, offset: u32, msg: impl Into<String>) -> CResult {
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
        self.stmts(&ast.top)
    }

    fn stmts(&mut self, list: &[StmtId]) -> CResult {
        list.iter().try_for_each(|&s| self.stmt(s))
    }

    fn stmt(&mut self, id: StmtId) -> CResult {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.stmt_inner(id))
    }

    fn in_loop(&mut self, f: impl FnOnce(&mut Self) -> CResult) -> CResult {
        self.loops += 1;
        let r = f(self);
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
                    self.target(*k)?;
                }
                self.target(*value)?;
                self.in_loop(|w| w.stmt(*body))
            }
            StmtKind::Switch { subject, cases, .. } => {
                self.expr(*subject, Use::Read)?;
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
            StmtKind::Break(level) => self.jump("break", *level, s.span.start),
            StmtKind::Continue(level) => self.jump("continue", *level, s.span.start),
            StmtKind::Return(e) => {
                let usage = if self.returns_ref {
                    Use::Arg
                } else {
                    Use::Read
                };
                e.map_or(Ok(()), |e| self.expr(e, usage))
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
                        self.expr(d, Use::Read)?;
                    }
                }
                Ok(())
            }
            StmtKind::Unset(vars) => {
                for &v in vars {
                    if self.is_this(v) {
                        return self.err(ast.expr(v).span.start, "Cannot unset $this");
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
                self.stmts(body)?;
                for c in catches {
                    if c.var.as_ref().is_some_and(|v| &*v.name == b"this") {
                        return self.err(c.span.start, "Cannot re-assign $this");
                    }
                    self.stmts(&c.body)?;
                }
                finally.as_deref().map_or(Ok(()), |f| self.stmts(f))
            }
            StmtKind::Declare { directives, body } => {
                for d in directives {
                    self.expr(d.value, Use::Read)?;
                }
                match body {
                    DeclareBody::None => Ok(()),
                    DeclareBody::Stmt(s) => self.stmt(*s),
                    DeclareBody::Alternative(list) => self.stmts(list),
                }
            }
            StmtKind::Namespace { body, .. } => body.as_deref().map_or(Ok(()), |b| self.stmts(b)),
            StmtKind::Const(items) => items.iter().try_for_each(|c| self.expr(c.value, Use::Read)),
            StmtKind::Function(f) => self.function(f, false),
            StmtKind::Class(c) => self.class(c),
            StmtKind::InlineHtml(_)
            | StmtKind::Goto(_)
            | StmtKind::Label(_)
            | StmtKind::Nop
            | StmtKind::HaltCompiler
            | StmtKind::Use { .. }
            | StmtKind::GroupUse { .. } => Ok(()),
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

    fn function_body(&mut self, body: &[StmtId], by_ref: bool) -> CResult {
        let saved = (
            std::mem::replace(&mut self.loops, 0),
            std::mem::replace(&mut self.returns_ref, by_ref),
        );
        let r = self.stmts(body);
        (self.loops, self.returns_ref) = saved;
        r
    }

    fn params(&mut self, params: &[Param], is_constructor: bool) -> CResult {
        members::params(self.lines, params, is_constructor)?;
        for p in params {
            if let Some(d) = p.default {
                self.expr(d, Use::Read)?;
            }
        }
        Ok(())
    }

    fn function(&mut self, f: &FunctionDecl, is_method: bool) -> CResult {
        let ctor = is_method && f.name.name.eq_ignore_ascii_case(b"__construct");
        self.params(&f.params, ctor)?;
        f.body
            .as_deref()
            .map_or(Ok(()), |b| self.function_body(b, f.by_ref))
    }

    fn class(&mut self, c: &ClassDecl) -> CResult {
        members::class_members(self.lines, c)?;
        for m in &c.members {
            match m {
                Member::Method(f) => self.function(f, true)?,
                Member::Property(p) => p
                    .props
                    .iter()
                    .filter_map(|i| i.default)
                    .try_for_each(|d| self.expr(d, Use::Read))?,
                Member::Const(k) => k
                    .items
                    .iter()
                    .try_for_each(|i| self.expr(i.value, Use::Read))?,
                Member::EnumCase(e) => e.value.map_or(Ok(()), |v| self.expr(v, Use::Read))?,
                Member::TraitUse(_) => {}
            }
        }
        Ok(())
    }

    fn is_this(&self, e: ExprId) -> bool {
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
            ExprKind::List { items, .. } => self.list(items, x.span.start),
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
            _ => {
                if self.has_nullsafe(e) {
                    return self.err(x.span.start, "Can't use nullsafe operator in write context");
                }
                self.expr(e, Use::Write)
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
                    at,
                    "Cannot mix keyed and unkeyed array entries in assignments",
                );
            }
            if let Some(k) = i.key {
                self.expr(k, Use::Read)?;
            }
            self.target(i.value)?;
        }
        Ok(())
    }

    fn args(&mut self, args: &Args) -> CResult {
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
            self.expr(a.value, Use::Arg)?;
        }
        Ok(())
    }

    fn expr(&mut self, id: ExprId, usage: Use) -> CResult {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(id, usage))
    }

    fn expr_inner(&mut self, id: ExprId, usage: Use) -> CResult {
        let ast = self.ast;
        let e = ast.expr(id);
        let at = e.span.start;
        match &e.kind {
            ExprKind::ArrayDim { base, dim } => {
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
                self.target(*target)?;
                self.expr(*value, Use::Read)
            }
            ExprKind::AssignRef { target, value } => {
                self.target(*target)?;
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
                for item in items {
                    let Some(i) = item else {
                        return self.err(at, "Cannot use empty array elements in arrays");
                    };
                    if let Some(k) = i.key {
                        self.expr(k, Use::Read)?;
                    }
                    self.expr(i.value, if i.by_ref { Use::Write } else { Use::Read })?;
                }
                Ok(())
            }
            ExprKind::List { items, .. } => self.list(items, at),
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
            ExprKind::Isset(vars) => vars.iter().try_for_each(|&v| self.expr(v, Use::Read)),
            ExprKind::Call { callee, args } => {
                if let Callee::Expr(c) = callee {
                    self.expr(*c, Use::Read)?;
                }
                self.args(args)
            }
            ExprKind::MethodCall {
                object, name, args, ..
            } => {
                self.expr(*object, Use::Read)?;
                if let MemberName::Expr(n) = name {
                    self.expr(*n, Use::Read)?;
                }
                self.args(args)
            }
            ExprKind::StaticCall { class, name, args } => {
                if let ClassRef::Expr(c) = class {
                    self.expr(*c, Use::Read)?;
                }
                if let MemberName::Expr(n) = name {
                    self.expr(*n, Use::Read)?;
                }
                self.args(args)
            }
            ExprKind::New { class, args } => {
                match class {
                    NewClass::Class(ClassRef::Expr(c)) => self.expr(*c, Use::Read)?,
                    NewClass::Class(ClassRef::Name(_)) => {}
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
                if let ClassRef::Expr(c) = class {
                    self.expr(*c, Use::Read)?;
                }
                if let MemberName::Expr(n) = name {
                    self.expr(*n, Use::Read)?;
                }
                Ok(())
            }
            ExprKind::Closure(c) => {
                self.params(&c.params, false)?;
                for u in &c.uses {
                    if &*u.name.name == b"this" {
                        return self.err(u.span.start, "Cannot use $this as lexical variable");
                    }
                }
                self.function_body(&c.body, c.by_ref)
            }
            ExprKind::ArrowFunction(f) => {
                self.params(&f.params, false)?;
                self.expr(f.body, Use::Read)
            }
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
            ExprKind::Binary { left, right, .. } => {
                self.expr(*left, Use::Read)?;
                self.expr(*right, Use::Read)
            }
            ExprKind::Exit(x) => x.map_or(Ok(()), |x| self.expr(x, Use::Read)),
            ExprKind::Yield { key, value } => {
                if let Some(k) = key {
                    self.expr(*k, Use::Read)?;
                }
                value.map_or(Ok(()), |v| self.expr(v, Use::Read))
            }
            ExprKind::ClassConstant { class, .. } => match class {
                ClassRef::Expr(c) => self.expr(*c, Use::Read),
                ClassRef::Name(_) => Ok(()),
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
