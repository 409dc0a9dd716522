//! Class-likes (classes, interfaces, traits, enums): the header (name, `extends`,
//! `implements`, backing type), the members in order (properties, constants, enum cases,
//! trait uses) and abstract methods in a concrete class.

use super::CResult;
use super::consts::ConstContext;
use super::literals::{literal_type, valid_default};
use super::scope::{is_reserved_class_name, lower};
use super::types;
use super::walk::Walker;
use crate::ast::*;

/// The class being compiled.
pub(crate) struct ClassCtx<'a> {
    pub(crate) decl: &'a ClassDecl,
    /// Its name as PHP prints it (namespaced).
    pub(crate) name: String,
}

impl<'a> Walker<'a> {
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

    pub(super) fn class_body(&mut self, c: &'a ClassDecl, name: &str, _anonymous: bool) -> CResult {
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
            // PHP checks before it links the class: what it inherits does not count yet.
            if !abstract_methods.is_empty() {
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

    pub(super) fn property(&mut self, c: &ClassDecl, cname: &str, p: &'a PropertyDecl) -> CResult {
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

    pub(super) fn class_const(
        &mut self,
        c: &ClassDecl,
        cname: &str,
        k: &'a ClassConstDecl,
    ) -> CResult {
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
}
