//! Functions, methods, closures and arrow functions: parameters (variadics, defaults
//! against their types, promotion), parameter and return types, generators, and the
//! declaration rules of named functions.

use super::CResult;
use super::flow::{FnCtx, FnKind};
use super::literals::{is_null_literal, literal_type, type_has_iterable, valid_default};
use super::scope::{is_reserved_class_name, is_superglobal, lower};
use super::types;
use super::walk::{Use, Walker};
use crate::ast::*;
use crate::diagnostics::Severity;
use crate::visit::{self, Child};

/// Whether a function body contains `yield` outside nested closures and arrow functions:
/// PHP's parser marks such a function as a generator before compiling it.
fn has_yield(ast: &Ast, roots: impl IntoIterator<Item = Child>) -> bool {
    let mut found = false;
    for root in roots {
        visit::walk_exprs(
            ast,
            root,
            |k| !matches!(k, ExprKind::Closure(_) | ExprKind::ArrowFunction(_)),
            |_, k| found |= matches!(k, ExprKind::Yield { .. } | ExprKind::YieldFrom(_)),
        );
    }
    found
}
impl<'a> Walker<'a> {
    pub(super) fn with_function(
        &mut self,
        kind: FnKind,
        ret: Option<&TypeHint>,
        by_ref: bool,
        generator: bool,
        f: impl FnOnce(&mut Self) -> CResult,
    ) -> CResult {
        let ctx = FnCtx::new(
            kind,
            ret.map(|t| (types::mask(t), false)),
            by_ref,
            generator,
        );
        let saved_fn = std::mem::replace(&mut self.func, ctx);
        let saved = (
            std::mem::take(&mut self.loops),
            std::mem::replace(&mut self.returns_ref, by_ref),
        );
        let r = f(self);
        (self.loops, self.returns_ref) = saved;
        self.func = saved_fn;
        r
    }

    /// PHP 8.2 deprecates `function &f(): void`, raised before the parameters are compiled.
    fn void_by_ref(&mut self, by_ref: bool, ret: Option<&TypeHint>, at: u32) {
        if by_ref && ret.is_some_and(|t| types::mask(t).bits == types::VOID) {
            self.warn(
                at,
                Severity::Deprecated,
                "Returning by reference from a void function is deprecated",
            );
        }
    }

    pub(super) fn params_full(&mut self, params: &[Param], ctor: bool, fn_at: u32) -> CResult {
        let n = params.len();
        for (i, p) in params.iter().enumerate() {
            if p.variadic && i + 1 != n {
                return self.err(fn_at, "Only the last parameter can be variadic");
            }
        }
        self.params(params, ctor, fn_at)?;
        let last_required = params
            .iter()
            .rposition(|p| p.default.is_none() && !p.variadic);
        for (i, p) in params.iter().enumerate() {
            if p.variadic && p.default.is_some() {
                return self.err(fn_at, "Variadic parameter cannot have a default value");
            }
            if let Some(d) = p.default
                && let Some(r) = last_required.filter(|&r| i < r)
            {
                // `Type $a = null` is the PHP 5 way of writing `?Type $a`: still allowed.
                let implicit_nullable =
                    p.ty.as_ref()
                        .is_some_and(|t| !matches!(t, TypeHint::Nullable(..)))
                        && is_null_literal(self.ast, d);
                if !implicit_nullable {
                    self.warn(
                        fn_at,
                        Severity::Deprecated,
                        format!(
                            "Optional parameter ${} declared before required parameter ${} is implicitly treated as a required parameter",
                            p.name.text(),
                            params[r].name.text()
                        ),
                    );
                }
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
    pub(super) fn type_rules(
        &mut self,
        t: &TypeHint,
        implicit_null: bool,
        at: u32,
        param: bool,
    ) -> CResult {
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

    /// `integer`, `boolean`, `double` and `resource` in a type are class names: PHP warns
    /// when one is written unqualified (in that case) and not imported.
    fn confusable_type(&mut self, n: &Name) {
        if n.kind != NameKind::Unqualified {
            return;
        }
        let correct = match &n.text[..] {
            b"boolean" => Some("bool"),
            b"integer" => Some("int"),
            b"double" => Some("float"),
            b"resource" => None,
            _ => return,
        };
        if self.names.imports_class(&n.text) {
            return;
        }
        let name = n.text();
        let class = self.names.resolve_class(n);
        let extra = if self.names.in_namespace() {
            " or import the class with \"use\""
        } else {
            ""
        };
        let message = match correct {
            Some(c) => format!(
                "\"{name}\" will be interpreted as a class name. Did you mean \"{c}\"? Write \"\\{class}\"{extra} to suppress this warning"
            ),
            None => format!(
                "\"{name}\" is not a supported builtin type and will be interpreted as a class name. Write \"\\{class}\"{extra} to suppress this warning"
            ),
        };
        self.warn(n.span.start, Severity::CompileWarning, message);
    }

    pub(super) fn type_names(&mut self, t: &TypeHint) -> CResult {
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
                self.confusable_type(n);
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
        let generator = f
            .body
            .as_deref()
            .is_some_and(|b| has_yield(ast, b.iter().map(|&s| Child::Stmt(s))));
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
            // PHP compiles the return type before the parameters.
            if let Some(t) = &f.return_type {
                w.type_rules(t, false, at, false)?;
            }
            w.void_by_ref(f.by_ref, f.return_type.as_ref(), at);
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
            if let Some(t) = &f.return_type
                && generator
            {
                w.generator_type(t, at)?;
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
    pub(super) fn generator_type(&self, t: &TypeHint, at: u32) -> CResult {
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
        let generator = has_yield(ast, c.body.iter().map(|&s| Child::Stmt(s)));
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
                if let Some(t) = &c.return_type {
                    w.type_rules(t, false, at, false)?;
                }
                w.void_by_ref(c.by_ref, c.return_type.as_ref(), at);
                w.params_full(&c.params, false, at)?;
                w.stmts(&c.body)?;
                w.end_function()
            },
        )
    }

    pub(crate) fn arrow_function(&mut self, f: &'a ArrowFunction, at: u32) -> CResult {
        let ast = self.ast;
        let generator = has_yield(ast, [Child::Expr(f.body)]);
        self.with_function(
            FnKind::Closure,
            f.return_type.as_ref(),
            f.by_ref,
            generator,
            |w| {
                w.attributes(&f.attrs, "function", at)?;
                if let Some(t) = &f.return_type {
                    w.type_rules(t, false, at, false)?;
                }
                w.void_by_ref(f.by_ref, f.return_type.as_ref(), at);
                w.params_full(&f.params, false, at)?;
                w.expr(f.body, Use::Read)?;
                let never = w.func.ret.is_some_and(|(m, _)| m.bits & types::NEVER != 0);
                if !never {
                    w.check_return(Some(f.body), ast.expr(f.body).span.start)?;
                }
                Ok(())
            },
        )
    }
}

pub(super) fn visit_names(t: &TypeHint, f: &mut dyn FnMut(&Name)) {
    match t {
        TypeHint::Named(n) => f(n),
        TypeHint::Nullable(i, _) => visit_names(i, f),
        TypeHint::Union(p, _) | TypeHint::Intersection(p, _) => {
            p.iter().for_each(|t| visit_names(t, f))
        }
    }
}
