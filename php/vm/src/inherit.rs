//! Linking a class to its parent and interfaces: the checks PHP makes when it declares a
//! class, with its exact fatal errors (`zend_inheritance.c`), run before `classes.rs` builds
//! the class.
//!
//! In PHP's order: the parent (final and interface parents, `readonly` classes), then what is
//! inherited from it (properties, constants, methods: final, static, abstract, visibility and
//! signature rules), then each interface (constants, methods), then whether a concrete class
//! implements every abstract method. A method check naming a class that does not exist yet is
//! held back until the others are done (PHP's delayed variance obligations): the caller may
//! retry the class once more classes exist ([`LinkError::Unresolved`]).
//!
//! What a class's subclasses will need of it is returned as [`Linked`] (see `links.rs`).

use crate::links::{Linked, Prop};
use crate::prototypes::Ret;
use crate::variance::{Linking, Scope, Sig, Status, World, declaration};
use crate::vm::Vm;
use php_compiler::bytecode::{ClassDef, Function, TypeSpec};
use php_runtime::object::{Class, MethodBody, flags};
use std::collections::HashMap;

/// Why a class cannot be linked.
#[derive(Debug)]
pub enum LinkError {
    /// A fatal error: its message and line.
    Fatal(String, u32),
    /// A check needs a class that does not exist (yet): PHP's message if it never does.
    Unresolved(String, u32),
    /// A fatal error PHP reports without a place (`E_CORE_ERROR`: "in Unknown on line 0").
    Core(String),
}

/// One method of the class being linked, own or inherited.
#[derive(Clone, Copy)]
struct Entry<'a> {
    flags: u16,
    /// The declaring class's id.
    class: u32,
    /// Its code (`None`: a built-in method, whose signature is not known).
    func: Option<&'a Function>,
    /// Its name as declared.
    name: &'a [u8],
    /// A built-in method's signature from its stub: how its return type binds.
    internal: Option<Ret>,
}

/// `public`, `protected` or `private`, as PHP's messages name a visibility.
fn visibility(f: u16) -> &'static str {
    if f & flags::PUBLIC != 0 {
        "public"
    } else if f & flags::PRIVATE != 0 {
        "private"
    } else {
        "protected"
    }
}

/// The visibility bits, `public` when none was written.
fn ppp(f: u16) -> u16 {
    match f & flags::VISIBILITY {
        0 => flags::PUBLIC,
        v => v,
    }
}

fn weaker(f: u16) -> &'static str {
    if f & flags::PUBLIC != 0 {
        ""
    } else {
        " or weaker"
    }
}

fn is_ctor(lower: &[u8]) -> bool {
    lower == b"__construct"
}

fn text(b: &[u8]) -> String {
    php_syntax::lossless::text(b).into_owned()
}

/// The class being linked, as the checks go.
struct Linker<'a> {
    vm: &'a Vm,
    def: &'a ClassDef,
    id: u32,
    parent: Option<&'static Class>,
    world: World<'a>,
    methods: Vec<(Box<[u8]>, Entry<'a>)>,
    method_index: HashMap<Box<[u8]>, usize>,
    protos: HashMap<Box<[u8]>, u32>,
    props: Vec<Prop>,
    /// The constants: name, flags, declaring class.
    consts: Vec<(Box<[u8]>, u16, u32)>,
    /// The first check that could not be decided, reported once the others pass.
    unresolved: Option<(String, u32)>,
    /// Deprecations to report: message and line.
    deprecations: Vec<(String, u32)>,
}

/// Checks that `def` (to be class `id`) may extend `parent` and implement `interfaces`;
/// returns what its subclasses' checks will need.
pub fn link(
    vm: &Vm,
    def: &ClassDef,
    id: u32,
    parent: Option<&'static Class>,
    interfaces: &[&'static Class],
) -> Result<Linked, LinkError> {
    let mut l = Linker::new(vm, def, id, parent, interfaces);
    if let Some(p) = parent {
        l.inherit_parent(p)?;
    }
    l.implement(interfaces)?;
    l.verify_abstract()?;
    if let Some((message, line)) = l.unresolved {
        return Err(LinkError::Unresolved(message, line));
    }
    Ok(Linked {
        methods: l.methods.into_iter().map(|(k, _)| k).collect(),
        protos: l.protos,
        props: l.props,
        consts: l.consts.into_iter().map(|(k, _, _)| k).collect(),
        deprecations: l.deprecations,
    })
}

/// `zend_can_early_bind`: whether PHP links `def` (to be class `id`, no interfaces) to
/// `parent` while it compiles the file, so that a failed check is a compile-time error. PHP
/// checks the methods `def` overrides in the parent's order, then the types of the
/// properties it redeclares, and leaves the class to be linked when its declaration runs if
/// a check needs a class that does not exist yet before any check failed.
pub fn early_bindable(vm: &Vm, def: &ClassDef, id: u32, parent: &'static Class) -> bool {
    let mut l = Linker::new(vm, def, id, Some(parent), &[]);
    for lower in vm.links.method_order(parent) {
        let (Some(&i), Some(parent_m)) = (l.method_index.get(&lower), l.entry_of(parent, &lower))
        else {
            continue;
        };
        let child = l.methods[i].1;
        if l.check_method(&lower, child, parent_m).is_err() {
            return true;
        }
        if l.unresolved.is_some() {
            return false;
        }
    }
    for prop in vm.links.props(parent) {
        let Some(pt) = prop
            .ty
            .as_ref()
            .filter(|_| prop.flags & flags::PRIVATE == 0)
        else {
            continue;
        };
        let Some(child) = l.props.iter().find(|c| c.name == prop.name).cloned() else {
            continue;
        };
        let Some(ct) = child.ty.as_ref() else {
            continue;
        };
        match l.invariant(&prop, pt, &child, ct) {
            Status::Unresolved => return false,
            Status::Error => return true,
            Status::Success | Status::Warning => {}
        }
    }
    true
}

impl<'a> Linker<'a> {
    fn new(
        vm: &'a Vm,
        def: &'a ClassDef,
        id: u32,
        parent: Option<&'static Class>,
        interfaces: &'a [&'static Class],
    ) -> Linker<'a> {
        let linking = Linking {
            name: &def.name,
            parent,
            interfaces,
        };
        Linker {
            vm,
            def,
            id,
            parent,
            world: World::new(&vm.classes, linking),
            methods: Vec::new(),
            method_index: HashMap::new(),
            protos: HashMap::new(),
            props: def
                .props
                .iter()
                .map(|p| Prop {
                    name: p.name.clone(),
                    flags: p.flags,
                    ty: p.ty.clone(),
                    class: id,
                })
                .collect(),
            consts: def
                .consts
                .iter()
                .map(|(n, f, _)| (n.clone(), *f, id))
                .collect(),
            unresolved: None,
            deprecations: Vec::new(),
        }
        .with_own_methods()
    }

    /// Enters the class's own methods in its table.
    fn with_own_methods(mut self) -> Self {
        let (def, id) = (self.def, self.id);
        for (f, func) in &def.methods {
            let lower: Box<[u8]> = func.name.to_ascii_lowercase().into();
            self.method_index.insert(lower.clone(), self.methods.len());
            self.methods.push((
                lower,
                Entry {
                    flags: *f,
                    class: id,
                    func: Some(func),
                    name: &func.name,
                    internal: None,
                },
            ));
        }
        self
    }

    fn fatal<T>(&self, message: String) -> Result<T, LinkError> {
        Err(LinkError::Fatal(message, self.def.line))
    }

    fn is_interface(&self) -> bool {
        self.def.flags & flags::INTERFACE != 0
    }

    /// "Class" or "Interface", as messages name the class being linked.
    fn kind(&self) -> &'static str {
        if self.is_interface() {
            "Interface"
        } else {
            "Class"
        }
    }

    fn name(&self) -> String {
        text(&self.def.name)
    }

    /// The name of class `id` (the one being linked included).
    fn class_name(&self, id: u32) -> &'a [u8] {
        if id == self.id {
            return &self.def.name;
        }
        self.vm
            .class_list
            .get(id as usize)
            .map_or(&b""[..], |c| &c.name[..])
    }

    fn class(&self, id: u32) -> Option<&'static Class> {
        self.vm.class_list.get(id as usize).copied()
    }

    fn scope(&self, id: u32) -> Scope<'a> {
        if id == self.id {
            return Scope {
                name: &self.def.name,
                parent: self.parent.map(|p| &p.name[..]),
            };
        }
        let c = self.class(id);
        Scope {
            name: c.map_or(&b""[..], |c| &c.name[..]),
            parent: c.and_then(|c| c.parent).map(|p| &p.name[..]),
        }
    }

    /// The method `lower` of the made class `class`, as a table entry: a built-in one with
    /// its stub's signature, an abstract one only a built-in interface's stub declares.
    fn entry_of(&self, class: &'static Class, lower: &[u8]) -> Option<Entry<'a>> {
        let stubs = &self.vm.links.builtin;
        let Some(m) = class.methods.get(lower) else {
            return std::iter::once(class)
                .chain(class.interfaces.iter().copied())
                .filter(|c| c.is_interface())
                .find_map(|c| Some((c, stubs.get(&c.lower, lower)?)))
                .map(|(c, proto)| Entry {
                    flags: proto.flags,
                    class: c.id,
                    func: Some(&proto.func),
                    name: &proto.func.name,
                    internal: Some(proto.ret),
                });
        };
        let (func, internal) = match m.body {
            MethodBody::User(i) => (self.vm.methods.get(i as usize).map(|c| &c.func), None),
            MethodBody::Native(_) => {
                let proto = self.class(m.class).and_then(|c| stubs.get(&c.lower, lower));
                (proto.map(|p| &p.func), proto.map(|p| p.ret))
            }
        };
        Some(Entry {
            flags: m.flags,
            class: m.class,
            func,
            name: &m.name,
            internal,
        })
    }

    fn add_method(&mut self, lower: Box<[u8]>, e: Entry<'a>) {
        self.method_index.insert(lower.clone(), self.methods.len());
        self.methods.push((lower, e));
    }

    /// `zend_do_inheritance`: the parent's checks and what it passes down.
    fn inherit_parent(&mut self, p: &'static Class) -> Result<(), LinkError> {
        let me = self.name();
        if p.flags & flags::FINAL != 0 {
            return self.fatal(format!(
                "Class {me} cannot extend final class {}",
                p.display()
            ));
        }
        if p.is_interface() {
            return self.fatal(format!(
                "Class {me} cannot extend interface {}",
                p.display()
            ));
        }
        let ro = |f: u16| f & flags::READONLY != 0;
        if ro(self.def.flags) != ro(p.flags) {
            let (a, b) = if ro(self.def.flags) {
                ("Readonly", "non-readonly")
            } else {
                ("Non-readonly", "readonly")
            };
            return self.fatal(format!(
                "{a} class {me} cannot extend {b} class {}",
                p.display()
            ));
        }
        for prop in self.vm.links.props(p) {
            self.inherit_prop(prop)?;
        }
        for name in self.vm.links.consts(p) {
            let Some(c) = p.consts.get(&name) else {
                continue;
            };
            self.inherit_const(name, c.flags, c.class)?;
        }
        for lower in self.vm.links.method_order(p) {
            let Some(parent_m) = self.entry_of(p, &lower) else {
                continue;
            };
            self.inherit_method(lower, parent_m, false)?;
        }
        Ok(())
    }

    /// `do_inherit_property`.
    fn inherit_prop(&mut self, parent: Prop) -> Result<(), LinkError> {
        let Some(child) = self.props.iter().find(|c| c.name == parent.name).cloned() else {
            self.props.push(parent);
            return Ok(());
        };
        if parent.flags & flags::PRIVATE != 0 {
            return Ok(());
        }
        let me = self.name();
        let key = text(&parent.name);
        let owner = text(self.class_name(parent.class));
        let is_static = |f: u16| f & flags::STATIC != 0;
        if is_static(parent.flags) != is_static(child.flags) {
            let word = |f: u16| {
                if is_static(f) {
                    "static "
                } else {
                    "non static "
                }
            };
            return self.fatal(format!(
                "Cannot redeclare {}{owner}::${key} as {}{me}::${key}",
                word(parent.flags),
                word(child.flags)
            ));
        }
        let ro = |f: u16| f & flags::READONLY != 0;
        if ro(parent.flags) != ro(child.flags) {
            let word = |f: u16| if ro(f) { "readonly" } else { "non-readonly" };
            return self.fatal(format!(
                "Cannot redeclare {} property {owner}::${key} as {} {me}::${key}",
                word(parent.flags),
                word(child.flags)
            ));
        }
        if ppp(child.flags) > ppp(parent.flags) {
            return self.fatal(format!(
                "Access level to {me}::${key} must be {} (as in class {owner}){}",
                visibility(parent.flags),
                weaker(parent.flags)
            ));
        }
        match (&parent.ty, &child.ty) {
            (Some(pt), ct) => {
                let status = match ct {
                    _ if Some(pt) == ct.as_ref() => Status::Success,
                    None => Status::Error,
                    Some(ct) => self.invariant(&parent, pt, &child, ct),
                };
                if status != Status::Success {
                    let message = format!(
                        "Type of {me}::${key} must be {} (as in class {owner})",
                        self.scope(parent.class).show(pt)
                    );
                    if status == Status::Error {
                        return self.fatal(message);
                    }
                    self.hold(message, self.def.line);
                }
            }
            (None, Some(_)) => {
                return self.fatal(format!(
                    "Type of {me}::${key} must not be defined (as in class {owner})"
                ));
            }
            (None, None) => {}
        }
        Ok(())
    }

    /// Whether a property's type stays the same (a subtype both ways).
    fn invariant(&mut self, parent: &Prop, pt: &TypeSpec, child: &Prop, ct: &TypeSpec) -> Status {
        let (ps, cs) = (self.scope(parent.class), self.scope(child.class));
        let one = self.world.covariant(cs, ct, ps, pt);
        let two = self.world.covariant(ps, pt, cs, ct);
        match (one, two) {
            (Status::Success, Status::Success) => Status::Success,
            (Status::Error, _) | (_, Status::Error) => Status::Error,
            _ => Status::Unresolved,
        }
    }

    /// Keeps the first check that could not be decided.
    fn hold(&mut self, message: String, line: u32) {
        if self.unresolved.is_none() {
            self.unresolved = Some((message, line));
        }
    }

    /// `do_inherit_class_constant`: a constant of the parent.
    fn inherit_const(
        &mut self,
        name: Box<[u8]>,
        pflags: u16,
        pclass: u32,
    ) -> Result<(), LinkError> {
        let Some(&(_, cflags, _)) = self.consts.iter().find(|c| c.0 == name) else {
            if pflags & flags::PRIVATE == 0 {
                self.consts.push((name, pflags, pclass));
            }
            return Ok(());
        };
        let me = self.name();
        let (n, owner) = (text(&name), text(self.class_name(pclass)));
        if ppp(cflags) > ppp(pflags) {
            return self.fatal(format!(
                "Access level to {me}::{n} must be {} (as in class {owner}){}",
                visibility(ppp(pflags)),
                weaker(ppp(pflags))
            ));
        }
        if pflags & flags::FINAL != 0 {
            return self.fatal(format!(
                "{me}::{n} cannot override final constant {owner}::{n}"
            ));
        }
        Ok(())
    }

    /// `do_inherit_constant_check`: whether an interface's constant is new to the class
    /// (an error if it clashes with one it has).
    fn iface_const(&mut self, name: &[u8], iflags: u16, iclass: u32) -> Result<bool, LinkError> {
        let Some(&(_, _, old_class)) = self.consts.iter().find(|c| c.0[..] == *name) else {
            return Ok(true);
        };
        let n = text(name);
        if iclass != old_class && iflags & flags::FINAL != 0 {
            return self.fatal(format!(
                "{}::{n} cannot override final constant {}::{n}",
                text(self.class_name(old_class)),
                text(self.class_name(iclass))
            ));
        }
        if old_class != iclass && old_class != self.id {
            return self.fatal(format!(
                "{} {} inherits both {}::{n} and {}::{n}, which is ambiguous",
                self.kind(),
                self.name(),
                text(self.class_name(old_class)),
                text(self.class_name(iclass))
            ));
        }
        Ok(false)
    }

    /// `do_inherit_method`: a method of the parent or of an interface.
    fn inherit_method(
        &mut self,
        lower: Box<[u8]>,
        parent: Entry<'a>,
        from_interface: bool,
    ) -> Result<(), LinkError> {
        let Some(&i) = self.method_index.get(&lower) else {
            if let Some(p) = self.vm.links.proto(parent.class, &lower) {
                self.protos.insert(lower.clone(), p);
            }
            self.add_method(lower, parent);
            return Ok(());
        };
        let child = self.methods[i].1;
        if from_interface && child.class == parent.class {
            // The same interface method, inherited twice.
            return Ok(());
        }
        self.check_method(&lower, child, parent)
    }

    /// `do_inheritance_check_on_method`.
    fn check_method(
        &mut self,
        lower: &[u8],
        child: Entry<'a>,
        parent: Entry<'a>,
    ) -> Result<(), LinkError> {
        let pf = parent.flags;
        let ctor = is_ctor(lower);
        // A private method is the parent's own business (a constructor's `final` aside).
        if pf & flags::PRIVATE != 0 && pf & flags::ABSTRACT == 0 && !ctor {
            return Ok(());
        }
        let line = child.func.map_or(self.def.line, |f| f.line);
        let fatal = |message: String| Err(LinkError::Fatal(message, line));
        let parent_class = text(self.class_name(parent.class));
        let child_class = text(self.class_name(child.class));
        let name = text(child.name);
        if pf & flags::FINAL != 0 {
            return fatal(format!(
                "Cannot override final method {parent_class}::{name}()"
            ));
        }
        let cf = child.flags;
        if cf & flags::STATIC != pf & flags::STATIC {
            return fatal(if cf & flags::STATIC != 0 {
                format!(
                    "Cannot make non static method {parent_class}::{name}() static in class {child_class}"
                )
            } else {
                format!(
                    "Cannot make static method {parent_class}::{name}() non static in class {child_class}"
                )
            });
        }
        if cf & flags::ABSTRACT != 0 && pf & flags::ABSTRACT == 0 {
            return fatal(format!(
                "Cannot make non abstract method {parent_class}::{name}() abstract in class {child_class}"
            ));
        }
        let proto_class = self
            .vm
            .links
            .proto(parent.class, lower)
            .unwrap_or(parent.class);
        let mut parent = parent;
        if ctor {
            // Constructors only answer to an abstract (or interface) prototype.
            let proto = self
                .class(proto_class)
                .and_then(|c| self.entry_of(c, lower))
                .unwrap_or(parent);
            if proto.flags & flags::ABSTRACT == 0 {
                return Ok(());
            }
            parent = proto;
        }
        if !self.is_interface() {
            self.protos.insert(lower.into(), proto_class);
        }
        if ppp(cf) > ppp(parent.flags) {
            return fatal(format!(
                "Access level to {child_class}::{name}() must be {} (as in class {}){}",
                visibility(parent.flags),
                text(self.class_name(parent.class)),
                weaker(parent.flags)
            ));
        }
        let (Some(cfunc), Some(pfunc)) = (child.func, parent.func) else {
            return Ok(());
        };
        let c_sig = Sig {
            func: cfunc,
            scope: self.scope(child.class),
            internal: child.internal.is_some(),
            tentative: false,
        };
        let p_sig = Sig {
            func: pfunc,
            scope: self.scope(parent.class),
            internal: parent.internal.is_some(),
            tentative: parent.internal == Some(Ret::Tentative),
        };
        self.world.missing.clear();
        let status = self.world.compatible(c_sig, p_sig);
        let show = |s: Sig<'_>, class: u32| declaration(s, self.class_name(class));
        match status {
            Status::Success => Ok(()),
            Status::Warning => {
                if !cfunc.will_change {
                    let message = format!(
                        "Return type of {} should either be compatible with {}, or the #[\\ReturnTypeWillChange] attribute should be used to temporarily suppress the notice",
                        show(c_sig, child.class),
                        show(p_sig, parent.class)
                    );
                    self.deprecations.push((message, line));
                }
                Ok(())
            }
            Status::Error => fatal(format!(
                "Declaration of {} must be compatible with {}",
                show(c_sig, child.class),
                show(p_sig, parent.class)
            )),
            Status::Unresolved => {
                let missing = self
                    .world
                    .missing
                    .first()
                    .map_or(String::new(), |m| text(m));
                let message = format!(
                    "Could not check compatibility between {} and {}, because class {missing} is not available",
                    show(c_sig, child.class),
                    show(p_sig, parent.class)
                );
                self.hold(message, line);
                Ok(())
            }
        }
    }

    /// `zend_do_implement_interfaces`: the interfaces the class names, each once.
    fn implement(&mut self, interfaces: &[&'static Class]) -> Result<(), LinkError> {
        let inherited: Vec<&'static Class> =
            self.parent.map_or(Vec::new(), |p| p.interfaces.clone());
        let mut added: Vec<&'static Class> = Vec::new();
        for &iface in interfaces {
            if !iface.is_interface() {
                return Err(LinkError::Fatal(
                    format!(
                        "{} cannot implement {} - it is not an interface",
                        self.name(),
                        iface.display()
                    ),
                    self.def.line,
                ));
            }
            if added.iter().any(|c| c.id == iface.id) {
                return self.fatal(format!(
                    "{} {} cannot implement previously implemented interface {}",
                    self.kind(),
                    self.name(),
                    iface.display()
                ));
            }
            if inherited.iter().any(|c| c.id == iface.id) {
                for name in self.vm.links.consts(iface) {
                    if let Some(c) = iface.consts.get(&name) {
                        self.iface_const(&name, c.flags, c.class)?;
                    }
                }
                continue;
            }
            added.push(iface);
        }
        // Every interface the class will implement: its parent's, those it names, and theirs.
        let mut all: Vec<&'static Class> = inherited.clone();
        for &i in &added {
            for c in std::iter::once(i).chain(i.interfaces.iter().copied()) {
                if !all.iter().any(|a| a.id == c.id) {
                    all.push(c);
                }
            }
        }
        for &c in &inherited {
            self.on_implement(c, &all)?;
        }
        let mut seen: Vec<&'static Class> = inherited.clone();
        seen.extend(added.iter().copied());
        for iface in added {
            for name in self.vm.links.consts(iface) {
                let Some(c) = iface.consts.get(&name) else {
                    continue;
                };
                if self.iface_const(&name, c.flags, c.class)? {
                    self.consts.push((name, c.flags, c.class));
                }
            }
            for lower in self.vm.links.method_order(iface) {
                let Some(m) = self.entry_of(iface, &lower) else {
                    continue;
                };
                self.inherit_method(lower, m, true)?;
            }
            self.on_implement(iface, &all)?;
            for &p in &iface.interfaces {
                if !seen.iter().any(|c| c.id == p.id) {
                    seen.push(p);
                    self.on_implement(p, &all)?;
                }
            }
        }
        Ok(())
    }

    /// The checks built-in interfaces make of the classes implementing them; `all` is every
    /// interface the class implements.
    fn on_implement(&self, iface: &Class, all: &[&'static Class]) -> Result<(), LinkError> {
        if self.is_interface() {
            return Ok(());
        }
        let mut root: &[u8] = &self.def.name;
        let mut up = self.parent;
        while let Some(p) = up {
            root = &p.name;
            up = p.parent;
        }
        let lowers: Vec<&[u8]> = all.iter().map(|c| &c.lower[..]).collect();
        let explicit_abstract = self.def.flags & flags::ABSTRACT != 0;
        let check = crate::prototypes::implement_check(
            &self.name(),
            explicit_abstract,
            root,
            &iface.lower,
            &lowers,
        );
        match check {
            // Traversable's check is a core error, which PHP reports without a place.
            Some(message) if &iface.lower[..] == b"traversable" => Err(LinkError::Core(message)),
            Some(message) => self.fatal(message),
            None => Ok(()),
        }
    }

    /// `zend_verify_abstract_class`: a concrete class implements every abstract method.
    fn verify_abstract(&self) -> Result<(), LinkError> {
        if self.def.flags & (flags::ABSTRACT | flags::INTERFACE) != 0 {
            return Ok(());
        }
        let missing: Vec<&Entry<'_>> = self
            .methods
            .iter()
            .map(|(_, e)| e)
            .filter(|e| e.flags & flags::ABSTRACT != 0)
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let n = missing.len();
        let mut list: Vec<String> = missing
            .iter()
            .take(3)
            .map(|e| format!("{}::{}", text(self.class_name(e.class)), text(e.name)))
            .collect();
        if n > 3 {
            list.push("...".into());
        }
        let s = if n == 1 { "" } else { "s" };
        self.fatal(format!(
            "Class {} contains {n} abstract method{s} and must therefore be declared abstract or implement the remaining methods ({})",
            self.name(),
            list.join(", ")
        ))
    }
}
