//! Compile-time rules of declarations and of one function's control flow, in the order
//! PHP's compiler applies them: namespaces, imports and `declare`, class headers and members
//! (modifiers, properties, constants, enum cases, magic methods), types and default
//! values, constant expressions, `return` against the return type, and `goto`/`break`
//! across loops and `finally` blocks (resolved, like PHP, when the function is complete).

use super::CResult;
use super::types::{self, Mask};
use super::walk::{Use, Walker};
use crate::ast::*;
use std::collections::HashMap;

/// The class being compiled.
pub(crate) struct ClassCtx<'a> {
    pub(crate) decl: &'a ClassDecl,
    /// Its name as PHP prints it (namespaced).
    pub(crate) name: String,
}

/// A label's or a jump's place: the loops and `finally` blocks around it.
#[derive(Clone, Default)]
struct Place {
    loops: Vec<u32>,
    finallies: Vec<u32>,
}

/// One function's compile state (the file's top-level code is a function too).
#[derive(Default)]
pub(crate) struct FnCtx {
    /// `Some` inside a function or method, `None` for top-level code.
    pub(crate) kind: Option<FnKind>,
    /// The declared return type's mask, if any.
    ret: Option<(Mask, bool)>,
    generator: bool,
    pub(crate) by_ref: bool,
    place: Place,
    next_id: u32,
    /// `finally` depth at each enclosing loop.
    loop_finally: Vec<usize>,
    labels: HashMap<Vec<u8>, Place>,
    /// Jumps in source order: gotos (label, place, offset) and breaks out of `finally`.
    jumps: Vec<Jump>,
}

enum Jump {
    Goto(Ident, Place),
    OutOfFinally(u32),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FnKind {
    Function,
    Method,
    Closure,
}

/// Namespace and `use` imports in force.
#[derive(Default)]
pub(crate) struct NameScope {
    namespace: Option<String>,
    bracketed: bool,
    in_namespace: bool,
    seen_namespace: bool,
    /// Lowercased alias to full name, per kind.
    classes: HashMap<Vec<u8>, String>,
    functions: HashMap<Vec<u8>, String>,
    consts: HashMap<Vec<u8>, String>,
    /// Classes, functions and constants declared so far (full names; lowercased except
    /// constants).
    declared_classes: HashMap<Vec<u8>, ()>,
    declared_functions: HashMap<Vec<u8>, Vec<bool>>,
    /// Functions declared at the top level so far, with their by-reference parameters:
    /// calls to them are compiled knowing the callee.
    known_functions: HashMap<Vec<u8>, Vec<bool>>,
    declared_consts: HashMap<Vec<u8>, ()>,
}

impl NameScope {
    /// The by-reference flags of a function declared earlier in the file, if a call to `n`
    /// is known to reach it at compile time.
    pub(crate) fn known_function(&self, n: &Name) -> Option<Vec<bool>> {
        let full = match n.kind {
            NameKind::FullyQualified => n.text().into_owned(),
            NameKind::Unqualified if self.namespace.is_none() => {
                if let Some(f) = self.functions.get(&lower(&n.text)) {
                    f.clone()
                } else {
                    n.text().into_owned()
                }
            }
            NameKind::Qualified | NameKind::Relative => self.prefixed(&n.text()),
            _ => return None,
        };
        self.known_functions.get(&lower(full.as_bytes())).cloned()
    }

    pub(crate) fn in_namespace(&self) -> bool {
        self.namespace.is_some()
    }

    pub(crate) fn end_namespace(&mut self) {
        self.in_namespace = false;
        self.namespace = None;
        self.reset_imports();
    }

    fn reset_imports(&mut self) {
        self.classes.clear();
        self.functions.clear();
        self.consts.clear();
    }

    fn prefixed(&self, name: &str) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}\\{name}"),
            None => name.to_string(),
        }
    }

    /// A class name resolved as PHP's `zend_resolve_class_name` does.
    pub(crate) fn resolve_class(&self, n: &Name) -> String {
        let text = n.text();
        match n.kind {
            NameKind::FullyQualified => text.into_owned(),
            NameKind::Relative => self.prefixed(&text),
            _ if n.kind == NameKind::Unqualified
                && ["self", "parent", "static"]
                    .iter()
                    .any(|w| text.eq_ignore_ascii_case(w)) =>
            {
                text.into_owned()
            }
            _ => {
                let (first, rest) = match text.find('\\') {
                    Some(i) => (&text[..i], Some(&text[i..])),
                    None => (&text[..], None),
                };
                if let Some(full) = self.classes.get(&first.to_ascii_lowercase().into_bytes()) {
                    return format!("{full}{}", rest.unwrap_or(""));
                }
                self.prefixed(&text)
            }
        }
    }
}

/// Where a constant expression is compiled, which decides what it may contain.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstContext {
    /// Global `const`, parameter and static-variable defaults, attribute arguments: `new`
    /// is allowed.
    Constant,
    /// A parameter default.
    Default,
    /// Class constants, property defaults, enum case values: no `new`.
    Member,
}

fn lower(b: &[u8]) -> Vec<u8> {
    b.to_ascii_lowercase()
}

const RESERVED_CLASS_NAMES: &[&str] = &[
    "bool", "false", "float", "int", "null", "parent", "self", "static", "string", "true", "void",
    "never", "iterable", "object", "mixed",
];

fn is_reserved_class_name(name: &str) -> bool {
    let last = name.rsplit('\\').next().unwrap_or(name);
    RESERVED_CLASS_NAMES
        .iter()
        .any(|r| r.eq_ignore_ascii_case(last))
}

/// Whether a body (not nested functions) contains `yield`: PHP's parser marks such a
/// function as a generator before compiling it.
fn has_yield(ast: &Ast, body: &[StmtId]) -> bool {
    let mut stack_s: Vec<StmtId> = body.to_vec();
    let mut stack_e: Vec<ExprId> = Vec::new();
    while !stack_s.is_empty() || !stack_e.is_empty() {
        if let Some(s) = stack_s.pop() {
            stmt_children(ast, s, &mut stack_s, &mut stack_e);
            continue;
        }
        if let Some(e) = stack_e.pop() {
            match &ast.expr(e).kind {
                ExprKind::Yield { .. } | ExprKind::YieldFrom(_) => return true,
                ExprKind::Closure(_) | ExprKind::ArrowFunction(_) => {}
                ExprKind::New {
                    class: NewClass::Anonymous(_),
                    args,
                } => push_args(args.as_ref(), &mut stack_e),
                k => expr_children(k, &mut stack_e),
            }
        }
    }
    false
}

fn push_args(args: Option<&Args>, out: &mut Vec<ExprId>) {
    if let Some(Args::List(list, _)) = args {
        out.extend(list.iter().map(|a| a.value));
    }
}

fn expr_children(k: &ExprKind, out: &mut Vec<ExprId>) {
    let items = |items: &[Option<ArrayItem>], out: &mut Vec<ExprId>| {
        for i in items.iter().flatten() {
            out.extend(i.key);
            out.push(i.value);
        }
    };
    match k {
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
        | ExprKind::Instanceof { expr: x, .. }
        | ExprKind::IncDec { target: x, .. } => out.push(*x),
        ExprKind::Array { items: i, .. } | ExprKind::List { items: i, .. } => items(i, out),
        ExprKind::ArrayDim { base, dim } => {
            out.push(*base);
            out.extend(*dim);
        }
        ExprKind::Property { object, name, .. } => {
            out.push(*object);
            if let MemberName::Expr(n) = name {
                out.push(*n);
            }
        }
        ExprKind::StaticProperty { class, name } => {
            if let ClassRef::Expr(c) = class {
                out.push(*c);
            }
            if let MemberName::Expr(n) = name {
                out.push(*n);
            }
        }
        ExprKind::ClassConstant {
            class: ClassRef::Expr(c),
            ..
        } => out.push(*c),
        ExprKind::Call { callee, args } => {
            if let Callee::Expr(c) = callee {
                out.push(*c);
            }
            push_args(Some(args), out);
        }
        ExprKind::MethodCall {
            object, name, args, ..
        } => {
            out.push(*object);
            if let MemberName::Expr(n) = name {
                out.push(*n);
            }
            push_args(Some(args), out);
        }
        ExprKind::StaticCall { class, name, args } => {
            if let ClassRef::Expr(c) = class {
                out.push(*c);
            }
            if let MemberName::Expr(n) = name {
                out.push(*n);
            }
            push_args(Some(args), out);
        }
        ExprKind::New { class, args } => {
            if let NewClass::Class(ClassRef::Expr(c)) = class {
                out.push(*c);
            }
            push_args(args.as_ref(), out);
        }
        ExprKind::Binary { left, right, .. } => out.extend([*left, *right]),
        ExprKind::Assign { target, value }
        | ExprKind::AssignRef { target, value }
        | ExprKind::AssignOp { target, value, .. } => out.extend([*target, *value]),
        ExprKind::Ternary {
            cond,
            then,
            otherwise,
        } => {
            out.push(*cond);
            out.extend(*then);
            out.push(*otherwise);
        }
        ExprKind::Isset(v) => out.extend(v.iter().copied()),
        ExprKind::Exit(x) => out.extend(*x),
        ExprKind::Match { subject, arms } => {
            out.push(*subject);
            for a in arms {
                out.extend(a.conds.iter().flatten().copied());
                out.push(a.body);
            }
        }
        ExprKind::Yield { key, value } => {
            out.extend(*key);
            out.extend(*value);
        }
        ExprKind::Interpolated { parts, .. } => {
            for p in parts {
                if let StringPart::Expr(e) = p {
                    out.push(*e);
                }
            }
        }
        _ => {}
    }
}

fn stmt_children(ast: &Ast, s: StmtId, ss: &mut Vec<StmtId>, es: &mut Vec<ExprId>) {
    match &ast.stmt(s).kind {
        StmtKind::Expr(e) => es.push(*e),
        StmtKind::Echo(v) | StmtKind::Global(v) | StmtKind::Unset(v) => {
            es.extend(v.iter().copied())
        }
        StmtKind::Block(b) => ss.extend(b.iter().copied()),
        StmtKind::If {
            cond,
            then,
            elseifs,
            otherwise,
            ..
        } => {
            es.push(*cond);
            ss.push(*then);
            for e in elseifs {
                es.push(e.cond);
                ss.push(e.body);
            }
            ss.extend(*otherwise);
        }
        StmtKind::While { cond, body, .. } | StmtKind::DoWhile { body, cond } => {
            es.push(*cond);
            ss.push(*body);
        }
        StmtKind::For {
            init,
            cond,
            step,
            body,
            ..
        } => {
            es.extend(init.iter().chain(cond).chain(step).copied());
            ss.push(*body);
        }
        StmtKind::Foreach {
            expr,
            key,
            value,
            body,
            ..
        } => {
            es.push(*expr);
            es.extend(*key);
            es.push(*value);
            ss.push(*body);
        }
        StmtKind::Switch { subject, cases, .. } => {
            es.push(*subject);
            for c in cases {
                es.extend(c.cond);
                ss.extend(c.body.iter().copied());
            }
        }
        StmtKind::Break(x) | StmtKind::Continue(x) | StmtKind::Return(x) => es.extend(*x),
        StmtKind::Static(vars) => es.extend(vars.iter().filter_map(|v| v.default)),
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            ss.extend(body.iter().copied());
            for c in catches {
                ss.extend(c.body.iter().copied());
            }
            ss.extend(finally.iter().flatten().copied());
        }
        StmtKind::Declare { body, .. } => match body {
            DeclareBody::Stmt(s) => ss.push(*s),
            DeclareBody::Alternative(b) => ss.extend(b.iter().copied()),
            DeclareBody::None => {}
        },
        _ => {}
    }
}

/// A literal's PHP type name if the expression is a compile-time literal PHP evaluates.
fn literal_type(ast: &Ast, e: ExprId) -> Option<(&'static str, u32)> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || literal_type_inner(ast, e))
}

fn literal_type_inner(ast: &Ast, e: ExprId) -> Option<(&'static str, u32)> {
    Some(match &ast.expr(e).kind {
        ExprKind::Int(_) => ("int", types::LONG),
        ExprKind::Float(_) => ("float", types::DOUBLE),
        ExprKind::String(_) => ("string", types::STRING),
        ExprKind::Constant(n) if n.kind != NameKind::Qualified && n.kind != NameKind::Relative => {
            let t = n.text.to_ascii_lowercase();
            match &t[..] {
                b"null" => ("null", types::NULL),
                b"true" => ("bool", types::TRUE),
                b"false" => ("bool", types::FALSE),
                _ => return None,
            }
        }
        ExprKind::Unary {
            op: UnaryOp::Neg | UnaryOp::Plus,
            expr,
        } => match literal_type(ast, *expr)? {
            (n @ ("int" | "float"), m) => (n, m),
            _ => return None,
        },
        ExprKind::Array { items, .. }
            if items.iter().flatten().all(|i| {
                i.key.is_none_or(|k| literal_type(ast, k).is_some())
                    && !i.unpack
                    && !i.by_ref
                    && literal_type(ast, i.value).is_some()
            }) =>
        {
            ("array", types::ARRAY)
        }
        _ => return None,
    })
}

fn is_null_literal(ast: &Ast, e: ExprId) -> bool {
    literal_type(ast, e).is_some_and(|(n, _)| n == "null")
}

/// `zend_is_valid_default_value`.
fn valid_default(ty: &TypeHint, value_bits: u32) -> bool {
    let m = types::mask(ty);
    if m.bits & value_bits != 0 {
        return true;
    }
    if m.bits & types::DOUBLE != 0 && value_bits == types::LONG {
        return true;
    }
    let iterable = type_has_iterable(ty);
    iterable && value_bits == types::ARRAY
}

fn type_has_iterable(t: &TypeHint) -> bool {
    match t {
        TypeHint::Named(n) => n.text.eq_ignore_ascii_case(b"iterable"),
        TypeHint::Nullable(i, _) => type_has_iterable(i),
        TypeHint::Union(p, _) => p.iter().any(type_has_iterable),
        TypeHint::Intersection(..) => false,
    }
}

const MAGIC_ARGS: &[(&str, u32)] = &[
    ("__destruct", 0),
    ("__clone", 0),
    ("__get", 1),
    ("__set", 2),
    ("__unset", 1),
    ("__isset", 1),
    ("__call", 2),
    ("__callstatic", 2),
    ("__tostring", 0),
    ("__debuginfo", 0),
    ("__serialize", 0),
    ("__unserialize", 1),
    ("__set_state", 1),
    ("__sleep", 0),
    ("__wakeup", 0),
];

impl<'a> Walker<'a> {
    /// Where a declaration's keyword is: its span starts at its attributes, PHP's line is
    /// the keyword's.
    pub(crate) fn after_attributes(&self, start: u32, attrs: &[AttributeGroup]) -> u32 {
        let mut at = match attrs.last() {
            Some(last) => self.skip_trivia(last.span.end),
            None => start,
        };
        // Then the modifiers: PHP's line is the `function`/`class` keyword's.
        let src = self.src;
        loop {
            let rest = &src[(at as usize).min(src.len())..];
            let word = [
                &b"public"[..],
                b"protected",
                b"private",
                b"static",
                b"abstract",
                b"final",
                b"readonly",
            ]
            .into_iter()
            .find(|w| {
                rest.len() > w.len()
                    && rest[..w.len()].eq_ignore_ascii_case(w)
                    && !crate::lexer::is_label_char(rest[w.len()])
            });
            match word {
                Some(w) => at = self.skip_trivia(at + w.len() as u32),
                None => return at,
            }
        }
    }

    /// The line PHP gives an expression's node: a heredoc's is that of its first body line.
    pub(crate) fn node_start(&self, e: ExprId) -> u32 {
        let start = self.ast.expr(e).span.start;
        let src = self.src;
        if src[start as usize..].starts_with(b"<<<")
            && let Some(nl) = src[start as usize..].iter().position(|&c| c == b'\n')
        {
            return start + nl as u32 + 1;
        }
        start
    }

    /// The first token inside an array literal starting at `at` (`[` or `array(`).
    pub(crate) fn after_opening_bracket(&self, at: u32) -> u32 {
        let src = self.src;
        let mut i = at as usize;
        while i < src.len() && !matches!(src[i], b'[' | b'(') {
            i += 1;
        }
        self.skip_trivia((i + 1).min(src.len()) as u32)
    }

    /// The offset after whitespace and comments from `from`.
    pub(crate) fn skip_trivia(&self, from: u32) -> u32 {
        let src = self.src;
        let mut i = from as usize;
        while i < src.len() {
            match src[i] {
                b' ' | b'\t' | b'\n' | b'\r' => i += 1,
                b'#' if src.get(i + 1) != Some(&b'[') => {
                    while i < src.len() && src[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if src.get(i + 1) == Some(&b'/') => {
                    while i < src.len() && src[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if src.get(i + 1) == Some(&b'*') => {
                    i += 2;
                    while i + 1 < src.len() && !(src[i] == b'*' && src[i + 1] == b'/') {
                        i += 1;
                    }
                    i = (i + 2).min(src.len());
                }
                _ => break,
            }
        }
        i as u32
    }

    fn resolve(&self) -> impl Fn(&Name) -> String + '_ {
        move |n: &Name| self.names.resolve_class(n)
    }

    /// A top-level statement (also inside a braced namespace): namespace rules around it.
    pub(crate) fn top_stmt(&mut self, id: StmtId) -> CResult {
        let ast = self.ast;
        let s = ast.stmt(id);
        if let StmtKind::Namespace { name, body } = &s.kind {
            self.namespace(id, name.as_ref(), body.is_some())?;
            return self.stmt(id);
        }
        self.toplevel_decl = matches!(s.kind, StmtKind::Function(_));
        self.stmt(id)?;
        self.toplevel_decl = false;
        if !matches!(s.kind, StmtKind::HaltCompiler | StmtKind::Nop)
            && self.names.bracketed
            && !self.names.in_namespace
        {
            let at = match &s.kind {
                StmtKind::Function(_) | StmtKind::Class(_) => s.span.end.saturating_sub(1),
                _ => s.span.start,
            };
            return self.err(at, "No code may exist outside of namespace {}");
        }
        Ok(())
    }

    fn is_first_statement(&self, id: StmtId, allow_nop: bool) -> bool {
        for &s in &self.ast.top {
            if s == id {
                return true;
            }
            match self.ast.stmt(s).kind {
                StmtKind::Nop if allow_nop => {}
                StmtKind::Declare { .. } => {}
                _ => return false,
            }
        }
        false
    }

    fn namespace(&mut self, id: StmtId, name: Option<&Name>, braced: bool) -> CResult {
        let at = self.ast.stmt(id).span.start;
        let n = &mut self.names;
        if !n.bracketed {
            if n.namespace.is_some() && braced {
                return self.err(
                    at,
                    "Cannot mix bracketed namespace declarations with unbracketed namespace declarations",
                );
            }
        } else if !braced {
            return self.err(
                at,
                "Cannot mix bracketed namespace declarations with unbracketed namespace declarations",
            );
        } else if n.namespace.is_some() || n.in_namespace {
            return self.err(at, "Namespace declarations cannot be nested");
        }
        let first =
            (!braced && n.namespace.is_none() && !n.seen_namespace) || (braced && !n.bracketed);
        if first && !self.is_first_statement(id, true) {
            return self.err(
                at,
                "Namespace declaration statement has to be the very first statement or after any declare call in the script",
            );
        }
        if let Some(name) = name
            && name.text.eq_ignore_ascii_case(b"namespace")
        {
            return self.err(
                at,
                format!("Cannot use '{}' as namespace name", name.text()),
            );
        }
        let n = &mut self.names;
        n.namespace = name.map(|x| x.text().into_owned());
        n.seen_namespace = true;
        n.reset_imports();
        n.in_namespace = true;
        if braced {
            n.bracketed = true;
        }
        Ok(())
    }

    pub(crate) fn declare(
        &mut self,
        id: StmtId,
        directives: &[DeclareDirective],
        body: &DeclareBody,
    ) -> CResult {
        let ast = self.ast;
        let at = ast.stmt(id).span.start;
        for d in directives {
            if d.name.name.eq_ignore_ascii_case(b"encoding")
                && !matches!(
                    ast.expr(d.value).kind,
                    ExprKind::String(_) | ExprKind::Int(_) | ExprKind::Float(_)
                )
            {
                return self.err(ast.expr(d.value).span.end, "Encoding must be a literal");
            }
        }
        for d in directives {
            let literal = matches!(
                ast.expr(d.value).kind,
                ExprKind::String(_) | ExprKind::Int(_) | ExprKind::Float(_)
            );
            if !literal {
                return self.err(
                    at,
                    format!("declare({}) value must be a literal", d.name.text()),
                );
            }
            if d.name.name.eq_ignore_ascii_case(b"encoding") && !self.is_first_statement(id, false)
            {
                return self.err(
                    at,
                    "Encoding declaration pragma must be the very first statement in the script",
                );
            }
            if d.name.name.eq_ignore_ascii_case(b"strict_types")
                && !matches!(body, DeclareBody::None)
            {
                return self.err(at, "strict_types declaration must not use block mode");
            }
        }
        Ok(())
    }

    pub(crate) fn imports(
        &mut self,
        kind: UseKind,
        prefix: Option<&Name>,
        uses: &[UseItem],
    ) -> CResult {
        for u in uses {
            let kind = if prefix.is_some() && u.kind != UseKind::Normal {
                u.kind
            } else if prefix.is_some() {
                if kind == UseKind::Normal {
                    u.kind
                } else {
                    kind
                }
            } else {
                kind
            };
            let full = match prefix {
                Some(p) => format!("{}\\{}", p.text(), u.name.text()),
                None => u.name.text().into_owned(),
            };
            let alias = match &u.alias {
                Some(a) => a.text().into_owned(),
                None => full.rsplit('\\').next().unwrap_or(&full).to_string(),
            };
            let key = if kind == UseKind::Const {
                alias.as_bytes().to_vec()
            } else {
                lower(alias.as_bytes())
            };
            if kind == UseKind::Normal && is_reserved_class_name(&alias) && !alias.contains('\\') {
                let reserved = [
                    "self", "parent", "static", "bool", "int", "float", "string", "null", "false",
                    "true", "void", "never", "iterable", "object", "mixed",
                ];
                if reserved.iter().any(|r| r.eq_ignore_ascii_case(&alias)) {
                    return self.err(
                        u.span.start,
                        format!(
                            "Cannot use {full} as {alias} because '{alias}' is a special class name"
                        ),
                    );
                }
            }
            let ns_full = self.names.prefixed(&alias);
            let n = &self.names;
            let (taken, declared_here, word) = match kind {
                UseKind::Normal => (
                    n.classes.contains_key(&key),
                    n.declared_classes.contains_key(&lower(ns_full.as_bytes())),
                    "",
                ),
                UseKind::Function => (
                    n.functions.contains_key(&key),
                    n.declared_functions
                        .contains_key(&lower(ns_full.as_bytes())),
                    "function ",
                ),
                UseKind::Const => (
                    n.consts.contains_key(&key),
                    n.declared_consts.contains_key(ns_full.as_bytes()),
                    "const ",
                ),
            };
            if taken || (declared_here && !ns_full.eq_ignore_ascii_case(&full)) {
                return self.err(
                    u.span.start,
                    format!(
                        "Cannot use {word}{full} as {alias} because the name is already in use"
                    ),
                );
            }
            let table = match kind {
                UseKind::Normal => &mut self.names.classes,
                UseKind::Function => &mut self.names.functions,
                UseKind::Const => &mut self.names.consts,
            };
            table.insert(key, full);
        }
        Ok(())
    }

    /// `catch (self $e)` and friends.
    pub(crate) fn catch_type(&mut self, t: &Name) -> CResult {
        if t.kind == NameKind::Unqualified && t.is("static") {
            return self.err(t.span.start, "Bad class name in the catch statement");
        }
        self.class_fetch(t)
    }

    /// `self`/`parent`/`static` where the scope is known (`zend_ensure_valid_class_fetch_type`).
    pub(crate) fn class_fetch(&self, n: &Name) -> CResult {
        if n.kind != NameKind::Unqualified || self.in_const {
            return Ok(());
        }
        let word = ["self", "parent", "static"].into_iter().find(|w| n.is(w));
        let Some(word) = word else { return Ok(()) };
        if !self.scope_known() {
            return Ok(());
        }
        match &self.class {
            None => self.err(
                n.span.start,
                format!("Cannot use \"{word}\" when no class scope is active"),
            ),
            Some(c)
                if word == "parent"
                    && c.decl.extends.is_empty()
                    && c.decl.kind == ClassKind::Class =>
            {
                self.err(
                    n.span.start,
                    "Cannot use \"parent\" when current class scope has no parent",
                )
            }
            _ => Ok(()),
        }
    }

    fn scope_known(&self) -> bool {
        if self.func.kind == Some(FnKind::Closure) {
            return false;
        }
        match &self.class {
            None => self.func.kind.is_some(),
            Some(c) => c.decl.kind != ClassKind::Trait,
        }
    }

    pub(crate) fn declare_const(&mut self, name: &Ident, at: u32) -> CResult {
        let full = self.names.prefixed(&name.text());
        if let Some(imported) = self.names.consts.get(&name.name[..])
            && imported != &full
        {
            return self.err(
                at,
                format!("Cannot declare const {full} because the name is already in use"),
            );
        }
        self.names.declared_consts.insert(full.into_bytes(), ());
        Ok(())
    }

    // ---- loops, finally, goto ----

    pub(crate) fn enter_loop(&mut self) {
        let id = self.func.next_id;
        self.func.next_id += 1;
        self.func.place.loops.push(id);
        let depth = self.func.place.finallies.len();
        self.func.loop_finally.push(depth);
    }

    pub(crate) fn leave_loop(&mut self) {
        self.func.place.loops.pop();
        self.func.loop_finally.pop();
    }

    pub(crate) fn in_finally(&mut self, f: impl FnOnce(&mut Self) -> CResult) -> CResult {
        let id = self.func.next_id;
        self.func.next_id += 1;
        self.func.place.finallies.push(id);
        let r = f(self);
        self.func.place.finallies.pop();
        r
    }

    pub(crate) fn record_break(&mut self, level: Option<ExprId>, at: u32) {
        let depth = match level.map(|e| &self.ast.expr(e).kind) {
            Some(ExprKind::Int(n)) => *n as usize,
            _ => 1,
        };
        let loops = &self.func.loop_finally;
        if depth == 0 || depth > loops.len() {
            return;
        }
        let target_finally = loops[loops.len() - depth];
        if target_finally < self.func.place.finallies.len() {
            self.func.jumps.push(Jump::OutOfFinally(at));
        }
    }

    pub(crate) fn record_goto(&mut self, label: &Ident) {
        let place = self.func.place.clone();
        self.func.jumps.push(Jump::Goto(label.clone(), place));
    }

    pub(crate) fn define_label(&mut self, label: &Ident) -> CResult {
        let place = self.func.place.clone();
        if self
            .func
            .labels
            .insert(label.name.to_vec(), place)
            .is_some()
        {
            return self.err(
                label.span.start,
                format!("Label '{}' already defined", label.text()),
            );
        }
        Ok(())
    }

    /// PHP's `pass_two`: resolves gotos and checks jumps out of and into `finally`.
    pub(crate) fn end_function(&mut self) -> CResult {
        let jumps = std::mem::take(&mut self.func.jumps);
        for j in &jumps {
            match j {
                Jump::OutOfFinally(at) => {
                    return self.err(*at, "jump out of a finally block is disallowed");
                }
                Jump::Goto(label, from) => {
                    let Some(dest) = self.func.labels.get(&label.name[..]) else {
                        return self.err(
                            label.span.start,
                            format!("'goto' to undefined label '{}'", label.text()),
                        );
                    };
                    if !from.loops.starts_with(&dest.loops) {
                        return self.err(
                            label.span.start,
                            "'goto' into loop or switch statement is disallowed",
                        );
                    }
                    let mut ids: Vec<u32> = from
                        .finallies
                        .iter()
                        .chain(&dest.finallies)
                        .copied()
                        .collect();
                    ids.sort_unstable();
                    ids.dedup();
                    for id in ids {
                        let (src_in, dst_in) =
                            (from.finallies.contains(&id), dest.finallies.contains(&id));
                        if !src_in && dst_in {
                            return self
                                .err(label.span.start, "jump into a finally block is disallowed");
                        }
                        if src_in && !dst_in {
                            return self.err(
                                label.span.start,
                                "jump out of a finally block is disallowed",
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }

    // ---- return ----

    pub(crate) fn check_return(&mut self, e: Option<ExprId>, at: u32) -> CResult {
        if self.func.generator {
            return Ok(());
        }
        let Some((m, _)) = self.func.ret else {
            return Ok(());
        };
        if m.bits & types::VOID != 0 {
            if let Some(e) = e {
                if is_null_literal(self.ast, e) {
                    return self.err(
                        at,
                        "A void function must not return a value (did you mean \"return;\" instead of \"return null;\"?)",
                    );
                }
                return self.err(at, "A void function must not return a value");
            }
            return Ok(());
        }
        if m.bits & types::NEVER != 0 {
            return self.err(at, "A never-returning function must not return");
        }
        if e.is_none() {
            if m.bits & types::NULL != 0 {
                return self.err(
                    at,
                    "A function with return type must return a value (did you mean \"return null;\" instead of \"return;\"?)",
                );
            }
            return self.err(at, "A function with return type must return a value");
        }
        Ok(())
    }

    // ---- functions ----

    fn with_function(
        &mut self,
        kind: FnKind,
        ret: Option<&TypeHint>,
        by_ref: bool,
        generator: bool,
        f: impl FnOnce(&mut Self) -> CResult,
    ) -> CResult {
        let ctx = FnCtx {
            kind: Some(kind),
            ret: ret.map(|t| (types::mask(t), false)),
            generator,
            by_ref,
            ..FnCtx::default()
        };
        let saved_fn = std::mem::replace(&mut self.func, ctx);
        let saved = (
            std::mem::replace(&mut self.loops, 0),
            std::mem::replace(&mut self.returns_ref, by_ref),
        );
        let r = f(self);
        (self.loops, self.returns_ref) = saved;
        self.func = saved_fn;
        r
    }

    fn params_full(&mut self, params: &[Param], ctor: bool, fn_at: u32) -> CResult {
        let n = params.len();
        for (i, p) in params.iter().enumerate() {
            if p.variadic && i + 1 != n {
                return self.err(fn_at, "Only the last parameter can be variadic");
            }
        }
        self.params(params, ctor, fn_at)?;
        for p in params {
            if p.variadic && p.default.is_some() {
                return self.err(fn_at, "Variadic parameter cannot have a default value");
            }
            if let Some(t) = &p.ty {
                let implicit_null = p.modifiers.flags == 0
                    && p.default.is_some_and(|d| is_null_literal(self.ast, d));
                self.type_rules(t, implicit_null, fn_at, true)?;
                if let Some(d) = p.default
                    && let Some((name, bits)) = literal_type(self.ast, d)
                    && !(implicit_null)
                    && !valid_default(t, bits)
                {
                    let ty = types::to_string(t, &self.resolve());
                    return self.err(
                        fn_at,
                        format!(
                            "Cannot use {name} as default value for parameter ${} of type {ty}",
                            p.name.text()
                        ),
                    );
                }
                if p.modifiers.flags != 0 {
                    let m = types::mask(t);
                    if m.bits & types::CALLABLE != 0 {
                        let cls = self
                            .class
                            .as_ref()
                            .map_or(String::new(), |c| c.name.clone());
                        let ty = types::to_string(t, &self.resolve());
                        return self.err(
                            fn_at,
                            format!("Property {cls}::${} cannot have type {ty}", p.name.text()),
                        );
                    }
                }
            }
            if p.modifiers.flags != 0
                && let Some(c) = &self.class
            {
                if c.decl.kind == ClassKind::Interface || c.decl.modifiers.has(Modifiers::ABSTRACT)
                {
                    // checked with the method (abstract constructor) below
                }
                if (p.modifiers.has(Modifiers::READONLY)
                    || c.decl.modifiers.has(Modifiers::READONLY))
                    && p.ty.is_none()
                {
                    return self.err(
                        fn_at,
                        format!(
                            "Readonly property {}::${} must have type",
                            c.name,
                            p.name.text()
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    /// Type rules with the line PHP reports (the declaration's).
    fn type_rules(&self, t: &TypeHint, implicit_null: bool, at: u32, param: bool) -> CResult {
        self.type_names(t)?;
        if let Err(msg) = types::validate(t, implicit_null, &self.resolve()) {
            return self.err(at, msg);
        }
        if param {
            let m = types::mask(t);
            if m.bits == types::VOID {
                return self.err(at, "void cannot be used as a parameter type");
            }
            if m.bits == types::NEVER {
                return self.err(at, "never cannot be used as a parameter type");
            }
        }
        Ok(())
    }

    fn type_names(&self, t: &TypeHint) -> CResult {
        match t {
            TypeHint::Named(n) => {
                if types::builtin(&n.text).is_some() && n.kind == NameKind::Unqualified {
                    if n.is("static") && self.class.is_none() && self.scope_known() {
                        return self.err(
                            n.span.start,
                            "Cannot use \"static\" when no class scope is active",
                        );
                    }
                    return Ok(());
                }
                if n.is("self") || n.is("parent") {
                    return self.class_fetch(n);
                }
                if n.kind == NameKind::FullyQualified
                    && types::builtin(&n.text).is_none()
                    && is_reserved_class_name(&n.text())
                {
                    return self.err(
                        n.span.start,
                        format!("'\\{}' is an invalid class name", n.text()),
                    );
                }
                if n.kind != NameKind::FullyQualified || types::builtin(&n.text).is_none() {
                    let full = self.names.resolve_class(n);
                    if n.kind != NameKind::Unqualified
                        && is_reserved_class_name(&full)
                        && types::builtin(&n.text).is_none()
                    {
                        return self.err(
                            n.span.start,
                            format!("Cannot use '{full}' as class name as it is reserved"),
                        );
                    }
                }
                Ok(())
            }
            TypeHint::Nullable(i, _) => self.type_names(i),
            TypeHint::Union(p, _) | TypeHint::Intersection(p, _) => {
                p.iter().try_for_each(|t| self.type_names(t))
            }
        }
    }

    pub(crate) fn function(&mut self, f: &'a FunctionDecl, is_method: bool) -> CResult {
        let ast = self.ast;
        let generator = f.body.as_deref().is_some_and(|b| has_yield(ast, b));
        let at = self.after_attributes(f.span.start, &f.attrs);
        if is_method {
            self.begin_method(f)?;
        } else {
            let full = self.names.prefixed(&f.name.text());
            if let Some(imported) = self.names.functions.get(&lower(&f.name.name))
                && !imported.eq_ignore_ascii_case(&full)
            {
                return self.err(
                    at,
                    format!("Cannot declare function {full} because the name is already in use"),
                );
            }
            if f.name.name.eq_ignore_ascii_case(b"assert") {
                return self.err(
                    at,
                    "Defining a custom assert() function is not allowed, as the function has special semantics",
                );
            }
        }
        let saved_class = if is_method { None } else { self.class.take() };
        let ctor = is_method && f.name.name.eq_ignore_ascii_case(b"__construct");
        let kind = if is_method {
            FnKind::Method
        } else {
            FnKind::Function
        };
        // `__toString()` without a return type gets an implicit `string` one.
        let implicit_string = TypeHint::Named(Name {
            kind: NameKind::Unqualified,
            text: (*b"string").into(),
            span: f.name.span,
        });
        let ret = match &f.return_type {
            None if is_method && f.name.name.eq_ignore_ascii_case(b"__tostring") => {
                Some(&implicit_string)
            }
            r => r.as_ref(),
        };
        let r = self.with_function(kind, ret, f.by_ref, generator, |w| {
            w.attributes(&f.attrs, if is_method { "method" } else { "function" }, at)?;
            w.params_full(&f.params, ctor, at)?;
            if ctor
                && f.params.iter().any(|p| p.modifiers.flags != 0)
                && let Some(c) = &w.class
                && (f.body.is_none() || c.decl.kind == ClassKind::Interface)
            {
                let p = f.params.iter().find(|p| p.modifiers.flags != 0);
                return w.err(
                    p.map_or(at, |p| p.span.start),
                    "Cannot declare promoted property in an abstract constructor",
                );
            }
            if let Some(t) = &f.return_type {
                w.type_rules(t, false, at, false)?;
                if generator {
                    w.generator_type(t, at)?;
                }
            }
            if let Some(body) = f.body.as_deref() {
                w.stmts(body)?;
            }
            if is_method {
                w.magic_method(f)?;
            }
            w.end_function()
        });
        if !is_method {
            self.class = saved_class;
            if r.is_ok() && self.func.kind.is_none() && self.class.is_none() {
                let full = self.names.prefixed(&f.name.text());
                let flags: Vec<bool> = f.params.iter().map(|p| p.by_ref).collect();
                if std::mem::take(&mut self.toplevel_decl) {
                    self.names
                        .known_functions
                        .entry(lower(full.as_bytes()))
                        .or_insert(flags);
                }
                self.names
                    .declared_functions
                    .insert(lower(full.as_bytes()), Vec::new());
            }
        }
        r
    }

    /// `zend_mark_function_as_generator`: the return type must admit a Generator.
    fn generator_type(&self, t: &TypeHint, at: u32) -> CResult {
        let m = types::mask(t);
        let mut valid = m.bits & types::OBJECT != 0 || type_has_iterable(t);
        visit_names(t, &mut |n: &Name| {
            let full = self.names.resolve_class(n).to_ascii_lowercase();
            if ["traversable", "iterator", "generator"].contains(&&full[..]) {
                valid = true;
            }
        });
        if valid {
            return Ok(());
        }
        let ty = types::to_string(t, &self.resolve());
        self.err(
            at,
            format!("Generator return type must be a supertype of Generator, {ty} given"),
        )
    }

    pub(crate) fn closure(&mut self, c: &'a Closure, at: u32) -> CResult {
        let ast = self.ast;
        let generator = has_yield(ast, &c.body);
        let mut seen: Vec<&[u8]> = Vec::new();
        for u in &c.uses {
            if &*u.name.name == b"this" {
                return self.err(u.span.start, "Cannot use $this as lexical variable");
            }
            if is_superglobal(&u.name.name) {
                return self.err(u.span.start, "Cannot use auto-global as lexical variable");
            }
            if c.params.iter().any(|p| p.name.name == u.name.name) {
                return self.err(
                    u.span.start,
                    format!(
                        "Cannot use lexical variable ${} as a parameter name",
                        u.name.text()
                    ),
                );
            }
            if seen.contains(&&u.name.name[..]) {
                return self.err(
                    u.span.start,
                    format!("Cannot use variable ${} twice", u.name.text()),
                );
            }
            seen.push(&u.name.name);
        }
        self.with_function(
            FnKind::Closure,
            c.return_type.as_ref(),
            c.by_ref,
            generator,
            |w| {
                w.attributes(&c.attrs, "function", at)?;
                w.params_full(&c.params, false, at)?;
                if let Some(t) = &c.return_type {
                    w.type_rules(t, false, at, false)?;
                }
                w.stmts(&c.body)?;
                w.end_function()
            },
        )
    }

    pub(crate) fn arrow_function(&mut self, f: &'a ArrowFunction, at: u32) -> CResult {
        let ast = self.ast;
        let mut body_exprs = vec![f.body];
        let mut generator = false;
        while let Some(e) = body_exprs.pop() {
            match &ast.expr(e).kind {
                ExprKind::Yield { .. } | ExprKind::YieldFrom(_) => {
                    generator = true;
                    break;
                }
                ExprKind::Closure(_) | ExprKind::ArrowFunction(_) => {}
                k => expr_children(k, &mut body_exprs),
            }
        }
        self.with_function(
            FnKind::Closure,
            f.return_type.as_ref(),
            f.by_ref,
            generator,
            |w| {
                w.attributes(&f.attrs, "function", at)?;
                w.params_full(&f.params, false, at)?;
                if let Some(t) = &f.return_type {
                    w.type_rules(t, false, at, false)?;
                }
                w.expr(f.body, Use::Read)?;
                let never = w.func.ret.is_some_and(|(m, _)| m.bits & types::NEVER != 0);
                if !never {
                    w.check_return(Some(f.body), ast.expr(f.body).span.start)?;
                }
                Ok(())
            },
        )
    }

    // ---- attributes ----

    pub(crate) fn attributes(
        &mut self,
        groups: &[AttributeGroup],
        target: &str,
        at: u32,
    ) -> CResult {
        let mut seen: Vec<String> = Vec::new();
        for g in groups {
            for a in &g.attrs {
                let full = self.names.resolve_class(&a.name);
                let lower_full = full.to_ascii_lowercase();
                if let Some(Args::List(args, _)) = &a.args {
                    for arg in args {
                        if arg.unpack {
                            return self.err(at, "Cannot use unpacking in attribute argument list");
                        }
                    }
                    let mut names: Vec<&[u8]> = Vec::new();
                    for arg in args {
                        if let Some(n) = &arg.name {
                            if names.contains(&&n.name[..]) {
                                return self
                                    .err(at, format!("Duplicate named parameter ${}", n.text()));
                            }
                            names.push(&n.name);
                        }
                    }
                    let mut named = false;
                    for arg in args {
                        if arg.name.is_some() {
                            named = true;
                        } else if named && !arg.unpack {
                            return self
                                .err(at, "Cannot use positional argument after named argument");
                        }
                    }
                    for arg in args {
                        let saved = self.const_line.replace(at);
                        let r = self.const_expr(arg.value, ConstContext::Constant);
                        self.const_line = saved;
                        r?;
                    }
                }
                if let Some(Args::FirstClassCallable(_)) = &a.args {
                    return self.err(at, "Cannot create Closure as attribute argument");
                }
                let allowed: Option<(&[&str], &str)> = match &lower_full[..] {
                    "attribute" => Some((&["class"], "class")),
                    "returntypewillchange" => Some((&["method"], "method")),
                    "allowdynamicproperties" => Some((&["class"], "class")),
                    "sensitiveparameter" => Some((&["parameter"], "parameter")),
                    _ => None,
                };
                if let Some((targets, list)) = allowed
                    && !targets.contains(&target)
                {
                    return self.err(
                        at,
                        format!(
                            "Attribute \"{full}\" cannot target {target} (allowed targets: {list})"
                        ),
                    );
                }
                if allowed.is_some() {
                    if seen.contains(&lower_full) {
                        return self.err(at, format!("Attribute \"{full}\" must not be repeated"));
                    }
                    seen.push(lower_full);
                }
            }
        }
        Ok(())
    }

    // ---- classes ----

    pub(crate) fn class(&mut self, c: &'a ClassDecl) -> CResult {
        let at = self.after_attributes(c.span.start, &c.attrs);
        let anonymous = c.name.is_none();
        let name = match &c.name {
            Some(n) => {
                if self.class.is_some() {
                    return self.err(at, "Class declarations may not be nested");
                }
                let text = n.text();
                if is_reserved_class_name(&text) {
                    return self.err(
                        at,
                        format!("Cannot use '{text}' as class name as it is reserved"),
                    );
                }
                let full = self.names.prefixed(&text);
                if let Some(imported) = self.names.classes.get(&lower(text.as_bytes()))
                    && !imported.eq_ignore_ascii_case(&full)
                {
                    return self.err(
                        at,
                        format!("Cannot declare class {full} because the name is already in use"),
                    );
                }
                self.names
                    .declared_classes
                    .insert(lower(full.as_bytes()), ());
                full
            }
            None => "class@anonymous".to_string(),
        };
        let kind_word = match c.kind {
            ClassKind::Interface => "interface name",
            _ => "class name",
        };
        for e in &c.extends {
            if e.kind != NameKind::FullyQualified
                && ["self", "parent", "static"].iter().any(|w| e.is(w))
            {
                return self.err(
                    at,
                    format!(
                        "Cannot use '{}' as {kind_word}, as it is reserved",
                        e.text()
                    ),
                );
            }
        }
        let saved = self.class.replace(ClassCtx {
            decl: c,
            name: name.clone(),
        });
        let r = self.class_body(c, &name, anonymous);
        self.class = saved;
        r
    }

    fn class_body(&mut self, c: &'a ClassDecl, name: &str, _anonymous: bool) -> CResult {
        let at = self.after_attributes(c.span.start, &c.attrs);
        self.attributes(&c.attrs, "class", at)?;
        for a in c.attrs.iter().flat_map(|g| &g.attrs) {
            let full = self.names.resolve_class(&a.name);
            if full.eq_ignore_ascii_case("AllowDynamicProperties") {
                match c.kind {
                    ClassKind::Interface => {
                        return self.err(at, "Cannot apply #[AllowDynamicProperties] to interface");
                    }
                    ClassKind::Trait => {
                        return self.err(at, "Cannot apply #[AllowDynamicProperties] to trait");
                    }
                    ClassKind::Enum => {
                        return self.err(at, "Cannot apply #[AllowDynamicProperties] to enum");
                    }
                    ClassKind::Class if c.modifiers.has(Modifiers::READONLY) => {
                        return self.err(
                            at,
                            format!(
                                "Cannot apply #[AllowDynamicProperties] to readonly class {name}"
                            ),
                        );
                    }
                    _ => {}
                }
            }
        }
        for i in &c.implements {
            if i.kind != NameKind::FullyQualified
                && ["self", "parent", "static"].iter().any(|w| i.is(w))
            {
                return self.err(
                    at,
                    format!(
                        "Cannot use '{}' as interface name, as it is reserved",
                        i.text()
                    ),
                );
            }
        }
        if let Some(t) = &c.enum_type {
            let m = types::mask(t);
            if m.complex || (m.bits != types::LONG && m.bits != types::STRING) {
                let ty = types::to_string(t, &self.resolve());
                return self.err(
                    at,
                    format!("Enum backing type must be int or string, {ty} given"),
                );
            }
        }
        super::members::class_members(self.lines, c)?;
        for m in &c.members {
            match m {
                Member::Method(f) => self.function(f, true)?,
                Member::Property(p) => self.property(c, name, p)?,
                Member::Const(k) => self.class_const(c, name, k)?,
                Member::EnumCase(e) => {
                    if c.kind != ClassKind::Enum {
                        return self.err(e.span.start, "Case can only be used in enums");
                    }
                    match (&c.enum_type, e.value) {
                        (None, Some(_)) => {
                            return self.err(
                                e.span.start,
                                format!(
                                    "Case {} of non-backed enum {name} must not have a value",
                                    e.name.text()
                                ),
                            );
                        }
                        (Some(_), None) => {
                            return self.err(
                                e.span.start,
                                format!(
                                    "Case {} of backed enum {name} must have a value",
                                    e.name.text()
                                ),
                            );
                        }
                        _ => {}
                    }
                    if let Some(v) = e.value {
                        self.const_value(v, ConstContext::Member, e.span.start)?;
                    }
                }
                Member::TraitUse(t) => {
                    let reserved = |n: &Name| {
                        n.kind != NameKind::FullyQualified
                            && ["self", "parent", "static"].iter().any(|w| n.is(w))
                    };
                    let mut names: Vec<&Name> = t.traits.iter().collect();
                    for a in &t.adaptations {
                        match a {
                            TraitAdaptation::Insteadof {
                                method, instead_of, ..
                            } => {
                                names.extend(method.trait_name.iter());
                                names.extend(instead_of.iter());
                            }
                            TraitAdaptation::Alias { method, .. } => {
                                names.extend(method.trait_name.iter())
                            }
                        }
                    }
                    if c.kind != ClassKind::Interface
                        && let Some(n) = names.into_iter().find(|n| reserved(n))
                    {
                        return self.err(
                            t.span.start,
                            format!("Cannot use '{}' as trait name, as it is reserved", n.text()),
                        );
                    }
                    for a in &t.adaptations {
                        if let TraitAdaptation::Alias { modifiers, .. } = a {
                            for (flag, word) in [
                                (Modifiers::STATIC, "static"),
                                (Modifiers::ABSTRACT, "abstract"),
                                (Modifiers::FINAL, "final"),
                                (Modifiers::READONLY, "readonly"),
                            ] {
                                if modifiers.has(flag) {
                                    return self.err(
                                        t.span.start,
                                        format!("Cannot use '{word}' as method modifier"),
                                    );
                                }
                            }
                        }
                    }
                    if c.kind == ClassKind::Interface {
                        let tr = t
                            .traits
                            .first()
                            .map(|n| n.text().into_owned())
                            .unwrap_or_default();
                        return self.err(
                            t.span.start,
                            format!(
                                "Cannot use traits inside of interfaces. {tr} is used in {name}"
                            ),
                        );
                    }
                }
            }
        }
        // zend_verify_abstract_class for methods declared abstract in this class itself.
        if c.kind == ClassKind::Class && !c.modifiers.has(Modifiers::ABSTRACT) {
            let abstract_methods: Vec<&FunctionDecl> = c
                .members
                .iter()
                .filter_map(|m| match m {
                    Member::Method(f) if f.modifiers.has(Modifiers::ABSTRACT) => Some(f),
                    _ => None,
                })
                .collect();
            if !abstract_methods.is_empty()
                && c.extends.is_empty()
                && c.implements.is_empty()
                && !c.members.iter().any(|m| matches!(m, Member::TraitUse(_)))
            {
                let n = abstract_methods.len();
                let list: Vec<String> = abstract_methods
                    .iter()
                    .take(3)
                    .map(|f| format!("{name}::{}", f.name.text()))
                    .collect();
                let more = if n > 3 { ", ..." } else { "" };
                let s = if n == 1 { "" } else { "s" };
                return self.err(
                    at,
                    format!(
                        "Class {name} contains {n} abstract method{s} and must therefore be declared abstract or implement the remaining methods ({}{more})",
                        list.join(", ")
                    ),
                );
            }
        }
        Ok(())
    }

    fn begin_method(&mut self, f: &FunctionDecl) -> CResult {
        let at = self.after_attributes(f.span.start, &f.attrs);
        let Some(c) = &self.class else { return Ok(()) };
        let flags = f.modifiers;
        let cname = c.name.clone();
        let interface = c.decl.kind == ClassKind::Interface;
        let mname = f.name.text();
        if flags.has(Modifiers::READONLY) {
            return self.err(at, "Cannot use 'readonly' as method modifier");
        }
        if interface {
            if flags.has(Modifiers::PRIVATE) || flags.has(Modifiers::PROTECTED) {
                return self.err(
                    at,
                    format!("Access type for interface method {cname}::{mname}() must be public"),
                );
            }
            if flags.has(Modifiers::FINAL) {
                return self.err(
                    at,
                    format!("Interface method {cname}::{mname}() must not be final"),
                );
            }
            if flags.has(Modifiers::ABSTRACT) {
                return self.err(
                    at,
                    format!("Interface method {cname}::{mname}() must not be abstract"),
                );
            }
        }
        let is_abstract = interface || flags.has(Modifiers::ABSTRACT);
        let word = if interface { "Interface" } else { "Abstract" };
        if is_abstract {
            if flags.has(Modifiers::PRIVATE) && c.decl.kind != ClassKind::Trait {
                return self.err(
                    at,
                    format!("{word} function {cname}::{mname}() cannot be declared private"),
                );
            }
            if f.body.is_some() {
                return self.err(
                    at,
                    format!("{word} function {cname}::{mname}() cannot contain body"),
                );
            }
        } else if f.body.is_none() {
            return self.err(
                at,
                format!("Non-abstract method {cname}::{mname}() must contain body"),
            );
        }
        Ok(())
    }

    fn magic_method(&mut self, f: &FunctionDecl) -> CResult {
        let Some(c) = &self.class else { return Ok(()) };
        let lname = f.name.text().to_ascii_lowercase();
        if !lname.starts_with("__") {
            return Ok(());
        }
        let at = self.after_attributes(f.span.start, &f.attrs);
        let cname = c.name.clone();
        let mname = f.name.text().into_owned();
        let is_static = f.modifiers.has(Modifiers::STATIC);
        let num_args = f.params.iter().filter(|p| !p.variadic).count() as u32;
        let args = |w: &Self, n: u32| -> CResult {
            if num_args != n {
                let msg = match n {
                    0 => format!("Method {cname}::{mname}() cannot take arguments"),
                    1 => format!("Method {cname}::{mname}() must take exactly 1 argument"),
                    _ => format!("Method {cname}::{mname}() must take exactly {n} arguments"),
                };
                return w.err(at, msg);
            }
            if f.params.iter().take(n as usize).any(|p| p.by_ref) {
                return w.err(
                    at,
                    format!("Method {cname}::{mname}() cannot take arguments by reference"),
                );
            }
            Ok(())
        };
        let non_static = |w: &Self| -> CResult {
            if is_static {
                return w.err(at, format!("Method {cname}::{mname}() cannot be static"));
            }
            Ok(())
        };
        let must_static = |w: &Self| -> CResult {
            if !is_static {
                return w.err(at, format!("Method {cname}::{mname}() must be static"));
            }
            Ok(())
        };
        let arg_type = |w: &Self, i: usize, bits: u32| -> CResult {
            if let Some(p) = f.params.get(i)
                && let Some(t) = &p.ty
            {
                let m = types::mask(t);
                let implicit = p.default.is_some_and(|d| is_null_literal(w.ast, d));
                let mb = if implicit {
                    m.bits | types::NULL
                } else {
                    m.bits
                };
                if mb & bits == 0 {
                    return w.err(
                        at,
                        format!(
                            "{cname}::{mname}(): Parameter #{} (${}) must be of type {} when declared",
                            i + 1,
                            p.name.text(),
                            types::mask_to_string(bits)
                        ),
                    );
                }
            }
            Ok(())
        };
        let ret_type = |w: &Self, bits: u32| -> CResult {
            let Some(t) = &f.return_type else {
                return Ok(());
            };
            let m = types::mask(t);
            if m.bits & types::NEVER != 0 {
                return Ok(());
            }
            let mut complex = m.complex;
            let mut extra = m.bits & !bits;
            if extra & types::STATIC != 0 {
                extra &= !types::STATIC;
                complex = true;
            }
            if extra != 0 || (complex && bits != types::OBJECT) {
                return w.err(
                    at,
                    format!(
                        "{cname}::{mname}(): Return type must be {} when declared",
                        types::mask_to_string(bits)
                    ),
                );
            }
            Ok(())
        };
        let no_ret = |w: &Self| -> CResult {
            if f.return_type.is_some() {
                return w.err(
                    at,
                    format!("Method {cname}::{mname}() cannot declare a return type"),
                );
            }
            Ok(())
        };
        let _ = MAGIC_ARGS;
        use types::{ARRAY, BOOL, NULL, OBJECT, STRING, VOID};
        match &lname[..] {
            "__construct" => {
                non_static(self)?;
                no_ret(self)
            }
            "__destruct" => {
                args(self, 0)?;
                non_static(self)?;
                no_ret(self)
            }
            "__clone" => {
                args(self, 0)?;
                non_static(self)?;
                ret_type(self, VOID)
            }
            "__get" => {
                args(self, 1)?;
                non_static(self)?;
                arg_type(self, 0, STRING)
            }
            "__set" => {
                args(self, 2)?;
                non_static(self)?;
                arg_type(self, 0, STRING)?;
                ret_type(self, VOID)
            }
            "__unset" => {
                args(self, 1)?;
                non_static(self)?;
                arg_type(self, 0, STRING)?;
                ret_type(self, VOID)
            }
            "__isset" => {
                args(self, 1)?;
                non_static(self)?;
                arg_type(self, 0, STRING)?;
                ret_type(self, BOOL)
            }
            "__call" => {
                args(self, 2)?;
                non_static(self)?;
                arg_type(self, 0, STRING)?;
                arg_type(self, 1, ARRAY)
            }
            "__callstatic" => {
                args(self, 2)?;
                must_static(self)?;
                arg_type(self, 0, STRING)?;
                arg_type(self, 1, ARRAY)
            }
            "__tostring" => {
                args(self, 0)?;
                non_static(self)?;
                ret_type(self, STRING)
            }
            "__debuginfo" => {
                args(self, 0)?;
                non_static(self)?;
                ret_type(self, ARRAY | NULL)
            }
            "__serialize" | "__sleep" => {
                args(self, 0)?;
                non_static(self)?;
                ret_type(self, ARRAY)
            }
            "__unserialize" => {
                args(self, 1)?;
                non_static(self)?;
                arg_type(self, 0, ARRAY)?;
                ret_type(self, VOID)
            }
            "__set_state" => {
                args(self, 1)?;
                must_static(self)?;
                arg_type(self, 0, ARRAY)?;
                ret_type(self, OBJECT)
            }
            "__invoke" => non_static(self),
            "__wakeup" => {
                args(self, 0)?;
                non_static(self)?;
                ret_type(self, VOID)
            }
            _ => Ok(()),
        }
    }

    fn property(&mut self, c: &ClassDecl, cname: &str, p: &'a PropertyDecl) -> CResult {
        let at = p.ty.as_ref().map_or_else(
            || p.props.first().map_or(p.span.start, |i| i.span.start),
            |t| t.span().start,
        );
        if c.kind == ClassKind::Interface {
            return self.err(at, "Interfaces may not include properties");
        }
        if c.kind == ClassKind::Enum {
            return self.err(at, format!("Enum {cname} cannot include properties"));
        }
        if p.modifiers.has(Modifiers::ABSTRACT) {
            return self.err(at, "Properties cannot be declared abstract");
        }
        for item in &p.props {
            let pname = item.name.text();
            if let Some(t) = &p.ty {
                self.type_rules(t, false, at, false)?;
                let m = types::mask(t);
                if m.bits & (types::VOID | types::NEVER | types::CALLABLE) != 0 {
                    let ty = types::to_string(t, &self.resolve());
                    return self.err(
                        at,
                        format!("Property {cname}::${pname} cannot have type {ty}"),
                    );
                }
            }
            if p.modifiers.has(Modifiers::FINAL) {
                return self.err(at, format!("Cannot declare property {cname}::${pname} final, the final modifier is allowed only for methods, classes, and class constants"));
            }
            if let Some(d) = item.default {
                self.const_value(d, ConstContext::Member, at)?;
                if let Some(t) = &p.ty
                    && let Some((vname, bits)) = literal_type(self.ast, d)
                    && !valid_default(t, bits)
                {
                    let ty = types::to_string(t, &self.resolve());
                    if vname == "null" && !matches!(t, TypeHint::Intersection(..)) {
                        let nullable = types::to_string(
                            &TypeHint::Nullable(Box::new(t.clone()), t.span()),
                            &self.resolve(),
                        );
                        return self.err(at, format!("Default value for property of type {ty} may not be null. Use the nullable type {nullable} to allow null default value"));
                    }
                    return self.err(at, format!("Cannot use {vname} as default value for property {cname}::${pname} of type {ty}"));
                }
            }
            let readonly =
                p.modifiers.has(Modifiers::READONLY) || c.modifiers.has(Modifiers::READONLY);
            if readonly {
                if p.ty.is_none() {
                    return self.err(
                        at,
                        format!("Readonly property {cname}::${pname} must have type"),
                    );
                }
                if item.default.is_some() {
                    return self.err(
                        at,
                        format!("Readonly property {cname}::${pname} cannot have default value"),
                    );
                }
                if p.modifiers.has(Modifiers::STATIC) {
                    return self.err(
                        at,
                        format!("Static property {cname}::${pname} cannot be readonly"),
                    );
                }
            }
        }
        self.attributes(&p.attrs, "property", at)
    }

    fn class_const(&mut self, c: &ClassDecl, cname: &str, k: &'a ClassConstDecl) -> CResult {
        let at = k.items.first().map_or(k.span.start, |i| i.span.start);
        for (flag, word) in [
            (Modifiers::STATIC, "static"),
            (Modifiers::ABSTRACT, "abstract"),
            (Modifiers::READONLY, "readonly"),
        ] {
            if k.modifiers.has(flag) {
                return self.err(at, format!("Cannot use '{word}' as constant modifier"));
            }
        }
        for item in &k.items {
            let iname = item.name.text();
            if c.kind == ClassKind::Interface
                && (k.modifiers.has(Modifiers::PRIVATE) || k.modifiers.has(Modifiers::PROTECTED))
            {
                return self.err(
                    at,
                    format!("Access type for interface constant {cname}::{iname} must be public"),
                );
            }
            if item.name.name.eq_ignore_ascii_case(b"class") {
                return self.err(at, "A class constant must not be called 'class'; it is reserved for class name fetching");
            }
            if k.modifiers.has(Modifiers::PRIVATE) && k.modifiers.has(Modifiers::FINAL) {
                return self.err(at, format!("Private constant {cname}::{iname} cannot be final as it is not visible to other classes"));
            }
            self.const_value(item.value, ConstContext::Member, at)?;
        }
        Ok(())
    }

    // ---- constant expressions ----

    /// A constant expression: its rules, then the ordinary checks of its parts.
    pub(crate) fn const_value(&mut self, e: ExprId, ctx: ConstContext, line_at: u32) -> CResult {
        let saved_line = self.const_line.replace(line_at);
        let r = self.const_expr(e, ctx);
        self.const_line = saved_line;
        r?;
        let saved = std::mem::replace(&mut self.in_const, true);
        let r = self.expr(e, Use::Read);
        self.in_const = saved;
        r
    }

    /// `zend_compile_const_expr`: what a constant expression may contain.
    pub(crate) fn const_expr(&mut self, e: ExprId, ctx: ConstContext) -> CResult {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.const_expr_inner(e, ctx))
    }

    fn const_expr_inner(&mut self, e: ExprId, ctx: ConstContext) -> CResult {
        let ast = self.ast;
        let x = ast.expr(e);
        let at = self.const_line.unwrap_or(x.span.start);
        let invalid = || "Constant expression contains invalid operations";
        let mut kids = Vec::new();
        match &x.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::String(_)
            | ExprKind::Constant(_)
            | ExprKind::MagicConstant(_) => return Ok(()),
            ExprKind::Binary { .. }
            | ExprKind::Unary { .. }
            | ExprKind::Ternary { .. }
            | ExprKind::ArrayDim { .. }
            | ExprKind::Property { .. } => {
                if let ExprKind::ArrayDim { dim: None, .. } = &x.kind {
                    return self.err(at, "Cannot use [] for reading");
                }
                if let ExprKind::Unary {
                    op: UnaryOp::Silence,
                    ..
                } = &x.kind
                {
                    return self.err(at, invalid());
                }
                expr_children(&x.kind, &mut kids);
            }
            ExprKind::Array { items, .. } => {
                if items.iter().any(Option::is_none) {
                    return self.err(at, "Cannot use empty array elements in arrays");
                }
                for i in items.iter().flatten() {
                    if i.by_ref {
                        return self.err(at, invalid());
                    }
                    kids.extend(i.key);
                    kids.push(i.value);
                }
            }
            ExprKind::ClassConstant { class, name } => match class {
                ClassRef::Name(n) => {
                    if name.name.eq_ignore_ascii_case(b"class") {
                        if n.is("static") {
                            return self.err(at, "static::class cannot be used for compile-time class name resolution");
                        }
                        let saved = std::mem::replace(&mut self.in_const, false);
                        let r = self.class_fetch(n);
                        self.in_const = saved;
                        r?;
                    } else if n.is("static") {
                        return self
                            .err(at, "\"static::\" is not allowed in compile-time constants");
                    }
                    return Ok(());
                }
                ClassRef::Expr(_) => {
                    if name.name.eq_ignore_ascii_case(b"class") {
                        return self.err(
                            at,
                            "(expression)::class cannot be used in constant expressions",
                        );
                    }
                    return self.err(at, "Dynamic class names are not allowed in compile-time class constant references");
                }
            },
            ExprKind::New { class, args } => {
                if ctx == ConstContext::Member {
                    return self.err(at, "New expressions are not supported in this context");
                }
                match class {
                    NewClass::Anonymous(_) => {
                        return self.err(at, "Cannot use anonymous class in constant expression");
                    }
                    NewClass::Class(ClassRef::Expr(_)) => {
                        return self
                            .err(at, "Cannot use dynamic class name in constant expression");
                    }
                    NewClass::Class(ClassRef::Name(n)) => {
                        if n.is("static") {
                            return self
                                .err(at, "\"static\" is not allowed in compile-time constants");
                        }
                    }
                }
                if let Some(Args::List(list, _)) = args {
                    for a in list {
                        if a.unpack {
                            return self.err(
                                at,
                                "Argument unpacking in constant expressions is not supported",
                            );
                        }
                        kids.push(a.value);
                    }
                }
            }
            _ => return self.err(at, invalid()),
        }
        for k in kids {
            self.const_expr(k, ctx)?;
        }
        Ok(())
    }
}

fn visit_names(t: &TypeHint, f: &mut dyn FnMut(&Name)) {
    match t {
        TypeHint::Named(n) => f(n),
        TypeHint::Nullable(i, _) => visit_names(i, f),
        TypeHint::Union(p, _) | TypeHint::Intersection(p, _) => {
            p.iter().for_each(|t| visit_names(t, f))
        }
    }
}

/// PHP's auto-globals.
pub(crate) fn is_superglobal(name: &[u8]) -> bool {
    [
        &b"GLOBALS"[..],
        b"_GET",
        b"_POST",
        b"_COOKIE",
        b"_SERVER",
        b"_ENV",
        b"_REQUEST",
        b"_FILES",
        b"_SESSION",
    ]
    .contains(&name)
}
