//! Whether one method may replace another: PHP's Liskov rules for a method a class declares
//! against the one it overrides or implements (parameters contravariant, return types
//! covariant, arity, by-reference and variadic parameters), and the declarations PHP prints
//! in its "Declaration of ... must be compatible with ..." errors.
//!
//! Types are compared as PHP's `zend_inheritance.c` does: built-in types by their bits, class
//! types by name first and by the class hierarchy when the names differ. A class a type names
//! that does not exist yet makes a check [`Status::Unresolved`] rather than failed: the class
//! being linked waits for it (see `inherit.rs`), and only if it never comes is that an error.

use crate::classes::const_value;
use php_compiler::Const;
use php_compiler::bytecode::{Function, Param, TypeSpec};
use php_runtime::object::Class;
use std::collections::HashMap;

/// The outcome of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Compatible.
    Success,
    /// Incompatible.
    Error,
    /// Not decidable yet: a class a type names does not exist (yet).
    Unresolved,
    /// Incompatible only with a built-in method's tentative return type: a deprecation.
    Warning,
}

/// A class as the checks see it: one already made, or the one being linked.
#[derive(Clone, Copy)]
enum Node {
    Made(&'static Class),
    Linking,
}

/// The class being linked: not registered yet, but types may name it.
pub struct Linking<'a> {
    /// Its name.
    pub name: &'a [u8],
    /// Its parent.
    pub parent: Option<&'static Class>,
    /// The interfaces it implements directly.
    pub interfaces: &'a [&'static Class],
}

/// The classes a check can see, and the names it found missing (in PHP's order: the first is
/// the one its "class X is not available" message names).
pub struct World<'a> {
    classes: &'a HashMap<Vec<u8>, &'static Class>,
    linking: Linking<'a>,
    /// Class names types named that do not exist, first seen first.
    pub missing: Vec<Vec<u8>>,
}

/// What `self` and `parent` mean in a method's types: its declaring class and that class's
/// parent.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    /// The declaring class's name.
    pub name: &'a [u8],
    /// Its parent's name.
    pub parent: Option<&'a [u8]>,
}

impl Scope<'_> {
    /// A class name of a type with `self` and `parent` replaced.
    fn resolve<'n>(&'n self, name: &'n [u8]) -> &'n [u8] {
        if name.eq_ignore_ascii_case(b"self") {
            self.name
        } else if name.eq_ignore_ascii_case(b"parent")
            && let Some(p) = self.parent
        {
            p
        } else {
            name
        }
    }

    /// The type as PHP prints it in inheritance errors.
    pub fn show(&self, t: &TypeSpec) -> String {
        t.display(|n| self.resolve(n).to_vec())
    }
}

/// A method being compared: its code, the class that declared it, and whether it is a
/// built-in one (whose return type may be tentative and whose defaults print as written).
#[derive(Clone, Copy)]
pub struct Sig<'a> {
    /// The compiled method (its parameters, return type and default values).
    pub func: &'a Function,
    /// Its declaring class.
    pub scope: Scope<'a>,
    /// A built-in method's prototype (its defaults print as its stub writes them).
    pub internal: bool,
    /// Its return type is tentative: an incompatible one is only deprecated.
    pub tentative: bool,
}

/// One part of a type: a class name or an intersection of class names.
#[derive(Clone, Copy)]
enum Part<'a> {
    Name(&'a [u8]),
    Inter(&'a [Box<[u8]>]),
}

/// A type or one intersection inside a union, as the algorithm walks them.
#[derive(Clone, Copy)]
enum Ty<'a> {
    Whole(&'a TypeSpec),
    Inter(&'a [Box<[u8]>]),
}

impl<'a> Ty<'a> {
    fn mask(self) -> u16 {
        match self {
            Ty::Whole(t) => t.mask,
            Ty::Inter(_) => 0,
        }
    }

    /// A pure intersection type (`A&B`, not inside a union).
    fn is_intersection(self) -> bool {
        match self {
            Ty::Whole(t) => t.mask == 0 && t.classes.len() == 1 && t.classes[0].len() > 1,
            Ty::Inter(_) => true,
        }
    }

    fn parts(self) -> Vec<Part<'a>> {
        match self {
            Ty::Whole(t) if self.is_intersection() => {
                t.classes[0].iter().map(|n| Part::Name(n)).collect()
            }
            Ty::Whole(t) => t
                .classes
                .iter()
                .map(|c| match &c[..] {
                    [one] => Part::Name(one),
                    many => Part::Inter(many),
                })
                .collect(),
            Ty::Inter(names) => names.iter().map(|n| Part::Name(n)).collect(),
        }
    }
}

/// `mixed` alone.
fn is_mixed(t: &TypeSpec) -> bool {
    t.mask & TypeSpec::MIXED == TypeSpec::MIXED && t.classes.is_empty()
}

impl<'a> World<'a> {
    /// The classes of `classes` and the one being linked.
    pub fn new(classes: &'a HashMap<Vec<u8>, &'static Class>, linking: Linking<'a>) -> Self {
        World {
            classes,
            linking,
            missing: Vec::new(),
        }
    }

    fn lookup(&self, name: &[u8]) -> Option<Node> {
        let name = name.strip_prefix(b"\\").unwrap_or(name);
        if name.eq_ignore_ascii_case(self.linking.name) {
            return Some(Node::Linking);
        }
        self.classes
            .get(&name.to_ascii_lowercase())
            .map(|&c| Node::Made(c))
    }

    /// Whether objects of `a` are instances of `b`.
    fn instance_of(&self, a: Node, b: Node) -> bool {
        match (a, b) {
            (Node::Made(x), Node::Made(y)) => x.is_a(y),
            (Node::Linking, Node::Linking) => true,
            (Node::Made(_), Node::Linking) => false,
            (Node::Linking, Node::Made(y)) => {
                self.linking.parent.is_some_and(|p| p.is_a(y))
                    || self.linking.interfaces.iter().any(|i| i.is_a(y))
            }
        }
    }

    /// Notes the classes `t` names that do not exist.
    fn register_missing(&mut self, scope: Scope<'_>, t: Ty<'_>) {
        for part in t.parts() {
            let names: Vec<&[u8]> = match part {
                Part::Name(n) => vec![n],
                Part::Inter(list) => list.iter().map(|n| &n[..]).collect(),
            };
            for n in names {
                let n = scope.resolve(n);
                if self.lookup(n).is_none() && !self.missing.iter().any(|m| m[..] == *n) {
                    self.missing.push(n.to_vec());
                }
            }
        }
    }

    /// Whether `t` (of `scope`) allows instances of the class `self_scope` names.
    fn permits_self(&self, t: &TypeSpec, scope: Scope<'_>, self_scope: Scope<'_>) -> bool {
        if t.mask & TypeSpec::OBJECT != 0 {
            return true;
        }
        let Some(me) = self.lookup(self_scope.name) else {
            return false;
        };
        t.classes.iter().flatten().any(|n| {
            self.lookup(scope.resolve(n))
                .is_some_and(|c| self.instance_of(me, c))
        })
    }

    /// Whether the type `fe` may stand where `proto` is expected (a return type replacing
    /// the overridden one; swapped for parameters).
    pub fn covariant(
        &mut self,
        fe_scope: Scope<'_>,
        fe: &TypeSpec,
        proto_scope: Scope<'_>,
        proto: &TypeSpec,
    ) -> Status {
        // Everything but void is trivially covariant to mixed.
        if is_mixed(proto) && fe.mask & TypeSpec::VOID == 0 {
            return Status::Success;
        }
        // Built-in types may be removed, not added.
        let mut added = fe.mask & !proto.mask;
        if added != 0 {
            if added & TypeSpec::STATIC != 0 && self.permits_self(proto, proto_scope, fe_scope) {
                added &= !TypeSpec::STATIC;
            }
            if added == TypeSpec::NEVER {
                return Status::Success;
            }
            if added != 0 {
                return Status::Error;
            }
        }
        let fe_ty = Ty::Whole(fe);
        let proto_ty = Ty::Whole(proto);
        let mut unresolved = false;
        let early;
        if fe_ty.is_intersection() {
            early = if proto_ty.is_intersection() {
                Status::Error
            } else {
                Status::Success
            };
            let status = self.intersection_subtype_of_type(fe_scope, fe_ty, proto_scope, proto_ty);
            if status == early {
                return status;
            }
            unresolved |= status == Status::Unresolved;
        } else {
            early = Status::Error;
            for part in fe_ty.parts() {
                let status = match part {
                    Part::Inter(list) => self.intersection_subtype_of_type(
                        fe_scope,
                        Ty::Inter(list),
                        proto_scope,
                        proto_ty,
                    ),
                    Part::Name(n) => {
                        let n = fe_scope.resolve(n);
                        self.class_subtype_of_type(n, proto_scope, proto_ty)
                    }
                };
                if status == early {
                    return status;
                }
                unresolved |= status == Status::Unresolved;
            }
        }
        if !unresolved {
            return if early == Status::Error {
                Status::Success
            } else {
                Status::Error
            };
        }
        self.register_missing(fe_scope, fe_ty);
        self.register_missing(proto_scope, proto_ty);
        Status::Unresolved
    }

    /// Whether the class `fe_name` is a subtype of `proto` (a type or an intersection).
    fn class_subtype_of_type(
        &mut self,
        fe_name: &[u8],
        proto_scope: Scope<'_>,
        proto: Ty<'_>,
    ) -> Status {
        let mut unresolved = false;
        let fe_class = self.lookup(fe_name);
        if proto.mask() & TypeSpec::OBJECT != 0 {
            if fe_class.is_some() {
                return Status::Success;
            }
            unresolved = true;
        }
        let inter = proto.is_intersection();
        for part in proto.parts() {
            match part {
                Part::Inter(list) => {
                    match self.class_subtype_of_type(fe_name, proto_scope, Ty::Inter(list)) {
                        Status::Error if inter => return Status::Error,
                        Status::Unresolved => unresolved = true,
                        Status::Success if !inter => return Status::Success,
                        _ => {}
                    }
                }
                Part::Name(n) => {
                    let proto_name = proto_scope.resolve(n);
                    if fe_name.eq_ignore_ascii_case(proto_name) {
                        if !inter {
                            return Status::Success;
                        }
                        continue;
                    }
                    let (Some(a), Some(b)) = (fe_class, self.lookup(proto_name)) else {
                        unresolved = true;
                        continue;
                    };
                    if self.instance_of(a, b) {
                        if !inter {
                            return Status::Success;
                        }
                    } else if inter {
                        return Status::Error;
                    }
                }
            }
        }
        if unresolved {
            Status::Unresolved
        } else if inter {
            Status::Success
        } else {
            Status::Error
        }
    }

    /// Whether some class of the intersection `fe` is a subtype of the class `proto_name`.
    fn intersection_subtype_of_class(
        &mut self,
        fe_scope: Scope<'_>,
        fe: Ty<'_>,
        proto_name: &[u8],
    ) -> Status {
        let mut unresolved = false;
        for part in fe.parts() {
            let Part::Name(n) = part else { continue };
            let fe_name = fe_scope.resolve(n);
            if fe_name.eq_ignore_ascii_case(proto_name) {
                return Status::Success;
            }
            let (Some(a), Some(b)) = (self.lookup(fe_name), self.lookup(proto_name)) else {
                unresolved = true;
                continue;
            };
            if self.instance_of(a, b) {
                return Status::Success;
            }
        }
        if unresolved {
            Status::Unresolved
        } else {
            Status::Error
        }
    }

    /// Whether the intersection `fe` is a subtype of `proto` (a type or an intersection).
    fn intersection_subtype_of_type(
        &mut self,
        fe_scope: Scope<'_>,
        fe: Ty<'_>,
        proto_scope: Scope<'_>,
        proto: Ty<'_>,
    ) -> Status {
        let mut unresolved = false;
        if proto.mask() & TypeSpec::OBJECT != 0 {
            for part in fe.parts() {
                let Part::Name(n) = part else { continue };
                if self.lookup(fe_scope.resolve(n)).is_some() {
                    return Status::Success;
                }
                unresolved = true;
            }
        }
        let early = if proto.is_intersection() {
            Status::Error
        } else {
            Status::Success
        };
        for part in proto.parts() {
            let status = match part {
                Part::Inter(list) => {
                    self.intersection_subtype_of_type(fe_scope, fe, proto_scope, Ty::Inter(list))
                }
                Part::Name(n) => {
                    let proto_name = proto_scope.resolve(n);
                    self.intersection_subtype_of_class(fe_scope, fe, proto_name)
                }
            };
            if status == early {
                return status;
            }
            unresolved |= status == Status::Unresolved;
        }
        if unresolved {
            Status::Unresolved
        } else if early == Status::Error {
            Status::Success
        } else {
            Status::Error
        }
    }

    /// Whether parameter `fe` may replace `proto` (contravariance: the child's type must
    /// accept all the parent's does).
    fn param(
        &mut self,
        fe_scope: Scope<'_>,
        fe: &Param,
        proto_scope: Scope<'_>,
        proto: &Param,
    ) -> Status {
        let Some(fe_ty) = fe.ty.as_ref().filter(|t| !is_mixed(t)) else {
            return Status::Success;
        };
        let Some(proto_ty) = &proto.ty else {
            return Status::Error;
        };
        self.covariant(proto_scope, proto_ty, fe_scope, fe_ty)
    }

    /// Whether the method `fe` may replace `proto`.
    pub fn compatible<'s>(&mut self, fe: Sig<'s>, proto: Sig<'s>) -> Status {
        let (f, p) = (fe.func, proto.func);
        if required(p) < required(f) {
            return Status::Error;
        }
        if p.returns_ref && !f.returns_ref {
            return Status::Error;
        }
        let variadic = |x: &Function| x.params.last().is_some_and(|q| q.variadic);
        let (p_var, f_var) = (variadic(p), variadic(f));
        if p_var && !f_var {
            return Status::Error;
        }
        let mut status = Status::Success;
        for i in 0..p.params.len().max(f.params.len()) {
            // Past the end, a variadic parameter stands for all the others.
            let nth = |x: &'s Function, var: bool| -> Option<&'s Param> {
                x.params.get(i).or(if var { x.params.last() } else { None })
            };
            let Some(proto_arg) = nth(p, p_var) else {
                // A new (optional) parameter.
                continue;
            };
            let Some(fe_arg) = nth(f, f_var) else {
                return Status::Error;
            };
            match self.param(fe.scope, fe_arg, proto.scope, proto_arg) {
                Status::Error => return Status::Error,
                Status::Unresolved => status = Status::Unresolved,
                _ => {}
            }
            if fe_arg.by_ref != proto_arg.by_ref {
                return Status::Error;
            }
        }
        let Some(proto_ret) = return_type(p) else {
            return status;
        };
        let tentative = proto.tentative;
        let Some(fe_ret) = return_type(f) else {
            if !tentative {
                return Status::Error;
            }
            return if status == Status::Success {
                Status::Warning
            } else {
                status
            };
        };
        match self.covariant(fe.scope, &fe_ret, proto.scope, &proto_ret) {
            Status::Success => status,
            Status::Error if tentative => Status::Warning,
            other => other,
        }
    }
}

/// How many arguments a call must pass (PHP's `required_num_args`).
fn required(f: &Function) -> usize {
    f.params
        .iter()
        .take_while(|p| !p.variadic)
        .collect::<Vec<_>>()
        .iter()
        .rposition(|p| p.default.is_none())
        .map_or(0, |i| i + 1)
}

/// The declared return type; `__toString` has `string` without one.
fn return_type(f: &Function) -> Option<std::borrow::Cow<'_, TypeSpec>> {
    match &f.ret {
        Some(t) => Some(std::borrow::Cow::Borrowed(t)),
        None if f.name.eq_ignore_ascii_case(b"__tostring") => {
            Some(std::borrow::Cow::Owned(TypeSpec {
                mask: TypeSpec::STRING,
                classes: Vec::new(),
            }))
        }
        None => None,
    }
}

/// The declaration PHP prints for a method in inheritance errors:
/// `& A::f(int $a, ?B &$b = null, ...$rest): static`.
pub fn declaration(sig: Sig<'_>, class: &[u8]) -> String {
    let f = sig.func;
    let mut out = String::new();
    if f.returns_ref {
        out.push_str("& ");
    }
    out.push_str(&text(class));
    out.push_str("::");
    out.push_str(&text(&f.name));
    out.push('(');
    let required = required(f);
    for (i, p) in f.params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if let Some(t) = &p.ty {
            out.push_str(&sig.scope.show(t));
            out.push(' ');
        }
        if p.by_ref {
            out.push('&');
        }
        if p.variadic {
            out.push_str("...");
        }
        out.push('$');
        out.push_str(&text(&p.name));
        if i >= required && !p.variadic {
            out.push_str(" = ");
            let k = p.default.and_then(|k| f.constants.get(k as usize));
            match (k, &p.default_name) {
                (_, Some(name)) => {
                    out.push_str(&text(name.strip_prefix(b"\\").unwrap_or(name)));
                }
                (Some(k), None) if sig.internal => out.push_str(&internal_default(k)),
                (Some(k), None) => out.push_str(&default(k)),
                (None, None) => out.push_str("<default>"),
            }
        }
    }
    out.push(')');
    if let Some(t) = return_type(f) {
        out.push_str(": ");
        out.push_str(&sig.scope.show(&t));
    }
    out
}

fn text(b: &[u8]) -> String {
    php_syntax::lossless::text(b).into_owned()
}

/// Whether a constant expression has a value without the program's constants.
fn foldable(k: &Const) -> bool {
    match k {
        Const::Null | Const::Bool(_) | Const::Int(_) | Const::Float(_) | Const::Str(_) => true,
        Const::Array(items) => items
            .iter()
            .all(|(key, v)| key.as_ref().is_none_or(foldable) && foldable(v)),
        Const::Binary(_, pair) => pair.iter().all(foldable),
        Const::Unary(_, a) => foldable(a),
        Const::Ternary(t) => {
            let (c, then, otherwise) = &**t;
            foldable(c) && then.as_ref().is_none_or(foldable) && foldable(otherwise)
        }
        Const::Dim(pair) => pair.iter().all(foldable),
        Const::Spread(a) => foldable(a),
        Const::ClassConst(..) | Const::Named(_) | Const::New(_) => false,
    }
}

/// A user method's default value as PHP prints it: strings cut at 10 bytes, arrays as `[]`
/// or `[...]`, constants by name, other expressions as `<expression>`.
fn default(k: &Const) -> String {
    match k {
        Const::Named(name) => {
            String::from_utf8_lossy(name.strip_prefix(b"\\").unwrap_or(name)).into_owned()
        }
        Const::ClassConst(class, name) => format!(
            "{}::{}",
            String::from_utf8_lossy(class.strip_prefix(b"\\").unwrap_or(class)),
            String::from_utf8_lossy(name)
        ),
        // An expression PHP folds when it compiles it prints as its value; one that needs
        // a constant cannot be folded.
        _ if !foldable(k) => "<expression>".into(),
        _ => {
            let none = |_: &[u8], _: &[u8]| php_runtime::Zval::NULL;
            let v = const_value(k, &none);
            value(&v)
        }
    }
}

/// A folded default value as PHP prints it.
fn value(v: &php_runtime::Zval) -> String {
    use php_runtime::value::View;
    match v.view() {
        View::Null => "null".into(),
        View::Bool(true) => "true".into(),
        View::Bool(false) => "false".into(),
        View::Array(a) if a.is_empty() => "[]".into(),
        View::Array(_) => "[...]".into(),
        View::Str(s) => {
            let bytes = s.as_bytes();
            let cut = &bytes[..bytes.len().min(10)];
            let more = if bytes.len() > 10 { "..." } else { "" };
            format!("'{}{more}'", String::from_utf8_lossy(cut))
        }
        _ => {
            let mut out = Vec::new();
            php_runtime::convert::push_string(&mut out, v);
            String::from_utf8_lossy(&out).into_owned()
        }
    }
}

/// A built-in method's default as its stub writes it (strings in double quotes, whole).
fn internal_default(k: &Const) -> String {
    match k {
        Const::Str(s) => format!("\"{}\"", String::from_utf8_lossy(s)),
        Const::Array(items) if items.is_empty() => "[]".into(),
        _ => default(k),
    }
}
