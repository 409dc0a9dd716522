//! Expressions: each kind's compile-time rules (how it is used, `[]` for reading, calls
//! and their arguments, class and member names, string interpolation), walked in PHP's
//! compilation order.

use super::CResult;
use super::walk::{Use, Walker};
use crate::ast::*;
use crate::diagnostics::Severity;
use crate::visit::{self, Child};

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

impl<'a> Walker<'a> {
    /// Checks the children of an expression that has no rules of its own, all read, in
    /// source order.
    pub(super) fn read_children(&mut self, kind: &ExprKind) -> CResult {
        let mut children = Vec::new();
        visit::expr_children(kind, |c| children.push(c));
        for c in children {
            match c {
                Child::Expr(e) => self.expr(e, Use::Read)?,
                Child::Stmt(s) => self.stmt(s)?,
            }
        }
        Ok(())
    }

    /// PHP 8.2's deprecation of an embedded `${name}` or `${expr}`, raised as the string's
    /// part is compiled.
    pub(super) fn dollar_brace(&mut self, e: ExprId, line_at: u32) {
        if !self.ast.dollar_braces.contains(&e) {
            return;
        }
        let x = self.ast.expr(e);
        let message = match x.kind {
            ExprKind::VariableVariable(_) => {
                "Using ${expr} (variable variables) in strings is deprecated, use {${expr}} instead"
            }
            _ => "Using ${var} in strings is deprecated, use {$var} instead",
        };
        self.warn(line_at, Severity::Deprecated, message);
    }

    /// `(0)::x`, `[]::X`: a class reference that is a constant of the wrong type.
    pub(super) fn class_ref_expr(&self, c: ExprId, class_name: bool) -> CResult {
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
    pub(super) fn method_name(&self, name: &MemberName) -> CResult {
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
    pub(super) fn array_node_line(&self, items: &[Option<ArrayItem>], at: u32) -> u32 {
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

    pub(super) fn is_literal(&self, e: ExprId) -> bool {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.is_literal_inner(e))
    }

    pub(super) fn is_literal_inner(&self, e: ExprId) -> bool {
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

    /// The by-reference flags of the built-in function a call to `n` reaches at compile time.
    pub(super) fn builtin_function(&self, n: &Name) -> Option<Vec<bool>> {
        let name = self.names.compile_time_function(n)?;
        let by_ref = (self.builtins?)(name.to_ascii_lowercase().as_bytes())?;
        // `usize::MAX` marks "and every argument after" (the compiler's `REST_BY_REF`); those
        // arguments are left out here.
        let listed = || by_ref.iter().copied().filter(|&i| i != usize::MAX);
        let mut flags = vec![false; listed().max().map_or(0, |m| m + 1)];
        for i in listed() {
            flags[i] = true;
        }
        Some(flags)
    }

    pub(super) fn args(&mut self, args: &Args) -> CResult {
        self.args_of(args, None)
    }

    /// Arguments; with the by-reference flags of a function declared earlier in the file,
    /// by-value arguments are compiled for reading (`f($a[])` is then an error).
    pub(super) fn args_of(&mut self, args: &Args, by_ref: Option<&[bool]>) -> CResult {
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

    pub(super) fn expr_inner(&mut self, id: ExprId, usage: Use) -> CResult {
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
                    Callee::Name(n) => self
                        .names
                        .known_function(n)
                        .or_else(|| self.builtin_function(n)),
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
                if matches!(**args, Args::FirstClassCallable(_))
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
                match &**class {
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
                if let Some(Args::FirstClassCallable(_)) = args.as_deref() {
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
                match &**class {
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
            ExprKind::Interpolated { parts, .. } => {
                // PHP's line for a part's deprecation is the one it compiled last: the
                // previous part's.
                let mut line_at = None;
                for p in parts {
                    match p {
                        StringPart::Expr(e) => {
                            let start = ast.expr(*e).span.start;
                            self.dollar_brace(*e, line_at.unwrap_or(start));
                            self.expr(*e, Use::Read)?;
                            line_at = Some(start);
                        }
                        StringPart::Literal(_, span) => line_at = Some(span.start),
                    }
                }
                Ok(())
            }
            // No rules of their own: every child is read.
            k @ (ExprKind::VariableVariable(_)
            | ExprKind::Unary { .. }
            | ExprKind::Cast { .. }
            | ExprKind::Empty(_)
            | ExprKind::Print(_)
            | ExprKind::Include { .. }
            | ExprKind::Eval(_)
            | ExprKind::Clone(_)
            | ExprKind::Throw(_)
            | ExprKind::YieldFrom(_)
            | ExprKind::Instanceof { .. }
            | ExprKind::Exit(_)) => self.read_children(k),
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
            ExprKind::Yield { value: Some(v), .. } if self.func.by_ref && self.has_nullsafe(*v) => {
                self.err(at, "Cannot take reference of a nullsafe chain")
            }
            k @ ExprKind::Yield { .. } => self.read_children(k),
            ExprKind::ClassConstant { class, name } => match &**class {
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
