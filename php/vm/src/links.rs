//! What linking learned about each class that [`Class`] does not hold and the checks of its
//! subclasses need: its members in PHP's table order (which PHP's messages list), its
//! methods' prototypes, its properties' declarations (static ones and types included), and
//! the signatures of built-in methods.
//!
//! A built-in class has no entry: its members come from [`Class`] and the stubs of
//! [`Prototypes`].

use crate::prototypes::Prototypes;
use php_compiler::bytecode::TypeSpec;
use php_runtime::object::{Class, flags};
use std::collections::HashMap;

/// What linking learned about each class, by class id.
#[derive(Default)]
pub struct Links {
    by_class: HashMap<u32, Linked>,
    /// The signatures of built-in methods.
    pub(crate) builtin: Prototypes,
}

/// One class's members in PHP's order, and its methods' prototypes.
pub struct Linked {
    /// Methods by lowercase name, own ones first, then inherited, then interfaces'.
    pub(crate) methods: Vec<Box<[u8]>>,
    /// The method each method must stay compatible with when it is a constructor (the class
    /// declaring it), by lowercase name.
    pub(crate) protos: HashMap<Box<[u8]>, u32>,
    /// The properties, static ones included.
    pub(crate) props: Vec<Prop>,
    /// The constants by name.
    pub(crate) consts: Vec<Box<[u8]>>,
    /// The deprecations linking raised (tentative return types): message and line.
    pub deprecations: Vec<(String, u32)>,
}

/// A property declaration as the checks see it.
#[derive(Clone)]
pub(crate) struct Prop {
    /// The name without `$`.
    pub(crate) name: Box<[u8]>,
    /// Its modifiers (`static`, visibility, `readonly`).
    pub(crate) flags: u16,
    /// Its declared type.
    pub(crate) ty: Option<TypeSpec>,
    /// The declaring class's id.
    pub(crate) class: u32,
}

impl Links {
    /// Records what linking `id` learned.
    pub fn insert(&mut self, id: u32, linked: Linked) {
        self.by_class.insert(id, linked);
    }

    /// The methods of `class` by lowercase name, in PHP's order (a built-in class's: those
    /// its stubs and its interfaces' declare, then its other native ones).
    pub fn method_order(&self, class: &Class) -> Vec<Box<[u8]>> {
        if let Some(l) = self.by_class.get(&class.id) {
            return l.methods.clone();
        }
        let mut out: Vec<Box<[u8]>> = Vec::new();
        let interfaces = std::iter::once(class).chain(class.interfaces.iter().copied());
        for c in interfaces.filter(|c| c.is_interface()) {
            for (m, _) in self.builtin.of(&c.lower) {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
        }
        for m in sorted(class.methods.keys()) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }

    pub(crate) fn props(&self, class: &Class) -> Vec<Prop> {
        if let Some(l) = self.by_class.get(&class.id) {
            return l.props.clone();
        }
        let mut out: Vec<Prop> = class
            .props
            .iter()
            .map(|p| Prop {
                name: p.name.clone(),
                flags: p.flags,
                ty: p.ty.and_then(|t| t.downcast_ref::<TypeSpec>()).cloned(),
                class: p.class,
            })
            .collect();
        for name in sorted(class.statics.keys()) {
            let s = &class.statics[&name];
            out.push(Prop {
                name,
                flags: s.flags | flags::STATIC,
                ty: None,
                class: s.class,
            });
        }
        out
    }

    pub(crate) fn consts(&self, class: &Class) -> Vec<Box<[u8]>> {
        match self.by_class.get(&class.id) {
            Some(l) => l.consts.clone(),
            None => sorted(class.consts.keys()),
        }
    }

    pub(crate) fn proto(&self, class: u32, lower: &[u8]) -> Option<u32> {
        self.by_class.get(&class)?.protos.get(lower).copied()
    }
}

fn sorted<'a>(keys: impl Iterator<Item = &'a Box<[u8]>>) -> Vec<Box<[u8]>> {
    let mut v: Vec<Box<[u8]>> = keys.cloned().collect();
    v.sort();
    v
}
