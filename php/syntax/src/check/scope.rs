//! Namespaces and imports: the names in force while a file compiles (`namespace`, `use`,
//! declarations that take a name), how PHP resolves a class name against them, and where
//! `self`/`parent`/`static` have a class scope to refer to.

use super::CResult;
use super::flow::FnKind;
use super::walk::Walker;
use crate::ast::*;
use crate::diagnostics::Severity;
use std::collections::HashMap;

/// Namespace and `use` imports in force.
#[derive(Default)]
pub(crate) struct NameScope {
    pub(super) namespace: Option<String>,
    pub(super) bracketed: bool,
    pub(super) in_namespace: bool,
    pub(super) seen_namespace: bool,
    /// Lowercased alias to full name, per kind.
    pub(super) classes: HashMap<Vec<u8>, String>,
    pub(super) functions: HashMap<Vec<u8>, String>,
    pub(super) consts: HashMap<Vec<u8>, String>,
    /// Classes, functions and constants declared so far (full names; lowercased except
    /// constants).
    pub(super) declared_classes: HashMap<Vec<u8>, ()>,
    pub(super) declared_functions: HashMap<Vec<u8>, Vec<bool>>,
    /// Functions declared at the top level so far, with their by-reference parameters:
    /// calls to them are compiled knowing the callee.
    pub(super) known_functions: HashMap<Vec<u8>, Vec<bool>>,
    pub(super) declared_consts: HashMap<Vec<u8>, ()>,
}

impl NameScope {
    /// The by-reference flags of a function declared earlier in the file, if a call to `n`
    /// is known to reach it at compile time.
    pub(crate) fn known_function(&self, n: &Name) -> Option<Vec<bool>> {
        let full = self.compile_time_function(n)?;
        self.known_functions.get(&lower(full.as_bytes())).cloned()
    }

    /// The full name a call to `n` reaches, if PHP resolves it at compile time (not for an
    /// unqualified name in a namespace, which may fall back to the global function at run
    /// time).
    pub(crate) fn compile_time_function(&self, n: &Name) -> Option<String> {
        Some(match n.kind {
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
        })
    }

    /// Whether a `use` imports a class under the alias `name`.
    pub(crate) fn imports_class(&self, name: &[u8]) -> bool {
        self.classes.contains_key(&lower(name))
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

    pub(super) fn prefixed(&self, name: &str) -> String {
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

pub(super) fn lower(b: &[u8]) -> Vec<u8> {
    b.to_ascii_lowercase()
}

pub(super) const RESERVED_CLASS_NAMES: &[&str] = &[
    "bool", "false", "float", "int", "null", "parent", "self", "static", "string", "true", "void",
    "never", "iterable", "object", "mixed",
];

pub(super) fn is_reserved_class_name(name: &str) -> bool {
    let last = name.rsplit('\\').next().unwrap_or(name);
    RESERVED_CLASS_NAMES
        .iter()
        .any(|r| r.eq_ignore_ascii_case(last))
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

impl<'a> Walker<'a> {
    pub(super) fn resolve(&self) -> impl Fn(&Name) -> String + '_ {
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

    pub(super) fn is_first_statement(&self, id: StmtId, allow_nop: bool) -> bool {
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

    pub(super) fn namespace(&mut self, id: StmtId, name: Option<&Name>, braced: bool) -> CResult {
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
            if u.alias.is_none() && !full.contains('\\') && !self.names.in_namespace() {
                self.warn(
                    u.span.start,
                    Severity::Warning,
                    format!("The use statement with non-compound name '{full}' has no effect"),
                );
            }
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

    pub(super) fn scope_known(&self) -> bool {
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
}
