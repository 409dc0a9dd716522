//! Namespaces: the names of classes, functions and constants resolved against the current
//! namespace and its `use` imports, as PHP resolves them at compile time. An unqualified
//! function or constant name inside a namespace names the namespaced one if it exists and the
//! global one otherwise; that choice is made when the code runs (the VM falls back to the
//! name's last segment).

use php_syntax::ast::{Name, NameKind, StmtKind, UseItem, UseKind};
use std::collections::HashMap;

/// The namespace and imports code is compiled in.
#[derive(Clone, Debug, Default)]
pub(super) struct Scope {
    /// The namespace (`Foo\Bar`), empty for the global one.
    pub ns: Box<[u8]>,
    /// `use` imports of classes and namespaces, by lowercase alias.
    classes: HashMap<Vec<u8>, Box<[u8]>>,
    /// `use function` imports, by lowercase alias.
    functions: HashMap<Vec<u8>, Box<[u8]>>,
    /// `use const` imports, by alias.
    consts: HashMap<Vec<u8>, Box<[u8]>>,
}

fn join(a: &[u8], b: &[u8]) -> Box<[u8]> {
    if a.is_empty() {
        return b.into();
    }
    [a, b"\\", b].concat().into()
}

/// The last segment of a name (`C` of `A\B\C`).
fn last(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b'\\') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

impl Scope {
    /// A scope for the namespace `ns` without imports.
    pub fn namespace(ns: &[u8]) -> Scope {
        Scope {
            ns: ns.into(),
            ..Scope::default()
        }
    }

    /// Adds the imports of a `use` statement (`prefix` for a group use).
    pub fn import(&mut self, kind: UseKind, prefix: Option<&Name>, items: &[UseItem]) {
        for item in items {
            let full = match prefix {
                Some(p) => join(&p.text, &item.name.text),
                None => item.name.text.clone(),
            };
            let alias = match &item.alias {
                Some(a) => a.name.to_vec(),
                None => last(&full).to_vec(),
            };
            let kind = if prefix.is_some() { item.kind } else { kind };
            match kind {
                UseKind::Normal => self.classes.insert(alias.to_ascii_lowercase(), full),
                UseKind::Function => self.functions.insert(alias.to_ascii_lowercase(), full),
                UseKind::Const => self.consts.insert(alias, full),
            };
        }
    }

    /// The full name of a class declared here.
    pub fn declare(&self, name: &[u8]) -> Box<[u8]> {
        join(&self.ns, name)
    }

    /// The full name a class reference means (`self`, `parent` and `static` stay as they are).
    pub fn class(&self, name: &Name) -> Box<[u8]> {
        match name.kind {
            NameKind::FullyQualified => name.text.clone(),
            NameKind::Relative => join(&self.ns, &name.text),
            NameKind::Unqualified => {
                let lower = name.text.to_ascii_lowercase();
                if matches!(&lower[..], b"self" | b"parent" | b"static") {
                    return name.text.clone();
                }
                match self.classes.get(&lower) {
                    Some(full) => full.clone(),
                    None => join(&self.ns, &name.text),
                }
            }
            NameKind::Qualified => self.qualified(&name.text),
        }
    }

    /// A qualified name: its first segment may be an imported namespace.
    fn qualified(&self, text: &[u8]) -> Box<[u8]> {
        let i = text.iter().position(|&b| b == b'\\').unwrap_or(text.len());
        match self.classes.get(&text[..i].to_ascii_lowercase()) {
            Some(full) => join(full, &text[(i + 1).min(text.len())..]),
            None => join(&self.ns, text),
        }
    }

    /// The name a function call uses (for an unqualified name in a namespace: the namespaced
    /// one, which the VM falls back from to the global one).
    pub fn function(&self, name: &Name) -> Box<[u8]> {
        match name.kind {
            NameKind::FullyQualified => name.text.clone(),
            NameKind::Relative => join(&self.ns, &name.text),
            NameKind::Qualified => self.qualified(&name.text),
            NameKind::Unqualified => match self.functions.get(&name.text.to_ascii_lowercase()) {
                Some(full) => full.clone(),
                None => join(&self.ns, &name.text),
            },
        }
    }

    /// The name a constant fetch uses (as for functions; constant names are case-sensitive).
    pub fn constant(&self, name: &Name) -> Box<[u8]> {
        match name.kind {
            NameKind::FullyQualified => name.text.clone(),
            NameKind::Relative => join(&self.ns, &name.text),
            NameKind::Qualified => self.qualified(&name.text),
            NameKind::Unqualified => match self.consts.get(&name.text[..]) {
                Some(full) => full.clone(),
                None => join(&self.ns, &name.text),
            },
        }
    }
}

/// Walks a file's top-level statements through its `namespace` and `use` statements: calls
/// `f` with each other statement and the scope it is in.
pub(super) fn with_scopes(
    ast: &php_syntax::ast::Ast,
    top: &[php_syntax::ast::StmtId],
    mut f: impl FnMut(php_syntax::ast::StmtId, &std::rc::Rc<Scope>),
) {
    let mut scope = std::rc::Rc::new(Scope::default());
    for &s in top {
        match &ast.stmt(s).kind {
            StmtKind::Namespace { name, body } => {
                let ns = name.as_ref().map_or(&b""[..], |n| &n.text[..]);
                let inner = std::rc::Rc::new(Scope::namespace(ns));
                match body {
                    Some(list) => {
                        let mut block = inner;
                        for &b in list {
                            match &ast.stmt(b).kind {
                                StmtKind::Use { kind, uses } => {
                                    std::rc::Rc::make_mut(&mut block).import(*kind, None, uses)
                                }
                                StmtKind::GroupUse { kind, prefix, uses } => std::rc::Rc::make_mut(
                                    &mut block,
                                )
                                .import(*kind, Some(prefix), uses),
                                _ => f(b, &block),
                            }
                        }
                        scope = std::rc::Rc::new(Scope::default());
                    }
                    None => scope = inner,
                }
            }
            StmtKind::Use { kind, uses } => {
                std::rc::Rc::make_mut(&mut scope).import(*kind, None, uses)
            }
            StmtKind::GroupUse { kind, prefix, uses } => {
                std::rc::Rc::make_mut(&mut scope).import(*kind, Some(prefix), uses)
            }
            _ => f(s, &scope),
        }
    }
}
