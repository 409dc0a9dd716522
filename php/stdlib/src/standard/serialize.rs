//! `serialize`: PHP values as PHP's serialization format.
//!
//! `N;`, `b:1;`, `i:5;`, `d:0.5;`, `s:3:"abc";`, `a:2:{key;value...}` and
//! `O:5:"Class":2:{name;value...}`. Every value written gets a number, from 1 in the order
//! written; an object written again is `r:n;` (which takes a number too), and a PHP reference
//! met again is `R:n;` (which does not). Objects are written through `__serialize()` when
//! they have it, else the properties `__sleep()` names, else all their properties (private and
//! protected ones under their mangled names).

use crate::args;
use php_runtime::format::{Style, push_float};
use php_runtime::object::PhpObject;
use php_runtime::value::{PhpRef, View};
use php_runtime::{ArrayKey, Host, PhpArray, PhpError, PhpString, Zval};
use std::collections::HashMap;
use std::io::Write;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, php_runtime::Builtin)] = &[
    ("serialize", serialize),
    ("unserialize", super::unserialize::unserialize),
];

/// Built-in classes whose objects cannot be serialized.
const NOT_SERIALIZABLE: &[&[u8]] = &[
    b"closure",
    b"generator",
    b"sensitiveparametervalue",
    b"weakmap",
    b"weakreference",
    b"fiber",
];

/// One serialization: the output and the numbers given so far.
struct Writer<'h> {
    h: &'h mut dyn Host,
    out: Vec<u8>,
    /// The number of the last value written.
    count: usize,
    objects: HashMap<u32, usize>,
    refs: Vec<(PhpRef, usize)>,
}

/// `serialize(mixed $value)`.
pub fn serialize(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "serialize", a, 1, 1)?;
    let mut w = Writer {
        h,
        out: Vec::new(),
        count: 0,
        objects: HashMap::new(),
        refs: Vec::new(),
    };
    w.value(&a[0])?;
    Ok(Zval::string(PhpString::new(&w.out)))
}

/// The key of a property as serialized: protected ones (kept under their plain names)
/// get their `\0*\0` prefix.
fn mangled(o: &PhpObject, k: &ArrayKey) -> ArrayKey {
    if let ArrayKey::Str(s) = k
        && s.as_bytes().first() != Some(&0)
        && o.class()
            .prop(s.as_bytes())
            .is_some_and(|p| p.flags & php_runtime::object::flags::PROTECTED != 0)
    {
        let mut name = b"\0*\0".to_vec();
        name.extend_from_slice(s.as_bytes());
        return ArrayKey::Str(PhpString::new(&name));
    }
    k.clone()
}

impl Writer<'_> {
    fn string(&mut self, s: &[u8]) {
        let _ = write!(self.out, "s:{}:\"", s.len());
        self.out.extend_from_slice(s);
        self.out.extend_from_slice(b"\";");
    }

    fn key(&mut self, k: &ArrayKey) {
        match k {
            ArrayKey::Int(i) => {
                let _ = write!(self.out, "i:{i};");
            }
            ArrayKey::Str(s) => self.string(s.as_bytes()),
        }
    }

    fn value(&mut self, v: &Zval) -> Result<(), PhpError> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value_here(v))
    }

    fn value_here(&mut self, v: &Zval) -> Result<(), PhpError> {
        if let View::Ref(r) = v.view()
            && r.refcount() > 1
        {
            if let Some(&(_, n)) = self.refs.iter().find(|(x, _)| PhpRef::ptr_eq(x, r)) {
                let _ = write!(self.out, "R:{n};");
                return Ok(());
            }
            self.refs.push((r.clone(), self.count + 1));
        }
        let v = v.deref();
        if let View::Object(o) = v.view()
            && let Some(&n) = self.objects.get(&o.handle())
        {
            self.count += 1;
            let _ = write!(self.out, "r:{n};");
            return Ok(());
        }
        self.count += 1;
        match v.view() {
            View::Undef | View::Null => self.out.extend_from_slice(b"N;"),
            View::Bool(b) => {
                let _ = write!(self.out, "b:{};", i32::from(b));
            }
            View::Int(i) => {
                let _ = write!(self.out, "i:{i};");
            }
            View::Float(f) => {
                let mut s = String::new();
                push_float(&mut s, f, Style::Serialize);
                let _ = write!(self.out, "d:{s};");
            }
            View::Str(s) => self.string(s.as_bytes()),
            View::Array(a) => self.array(a)?,
            View::Object(o) => self.object(o)?,
            View::Resource(_) => self.out.extend_from_slice(b"i:0;"),
            View::Ref(_) => self.out.extend_from_slice(b"N;"),
        }
        Ok(())
    }

    fn array(&mut self, a: &PhpArray) -> Result<(), PhpError> {
        let _ = write!(self.out, "a:{}:{{", a.len());
        for (k, v) in a.iter() {
            self.key(k);
            self.value(v)?;
        }
        self.out.push(b'}');
        Ok(())
    }

    fn call(&mut self, o: &PhpObject, method: &str) -> Result<Zval, PhpError> {
        let f = PhpArray::from_list([Zval::object(o.clone()), Zval::str(method)]);
        self.h.call(&Zval::array(f), Vec::new())
    }

    fn object(&mut self, o: &PhpObject) -> Result<(), PhpError> {
        let class = o.class();
        if NOT_SERIALIZABLE.contains(&&class.lower[..]) {
            let msg = format!("Serialization of '{}' is not allowed", class.display());
            return Err(self.h.throw("Exception", msg));
        }
        self.objects.insert(o.handle(), self.count);
        let name = class.display();
        if class.method(b"__serialize").is_some() {
            let data = self.call(o, "__serialize")?.deref();
            let View::Array(a) = data.view() else {
                let msg = format!("{name}::__serialize() must return an array");
                return Err(self.h.throw("TypeError", msg));
            };
            let _ = write!(self.out, "O:{}:\"{name}\":{}:{{", name.len(), a.len());
            for (k, v) in a.iter() {
                self.key(k);
                self.value(v)?;
            }
            self.out.push(b'}');
            return Ok(());
        }
        let mut members: Vec<(ArrayKey, Zval)> = Vec::new();
        if class.method(b"__sleep").is_some() {
            let names = self.call(o, "__sleep")?.deref();
            let View::Array(list) = names.view() else {
                self.h.warn("serialize(): __sleep should return an array only containing the names of instance-variables to serialize")?;
                self.out.extend_from_slice(b"N;");
                return Ok(());
            };
            for (_, n) in list.iter() {
                let mut text = Vec::new();
                php_runtime::convert::push_string(&mut text, &n.deref());
                match self.sleep_member(o, &text) {
                    Some(m) => members.push(m),
                    None => {
                        let shown = String::from_utf8_lossy(&text).into_owned();
                        self.h.warn(&format!(
                            "serialize(): \"{shown}\" returned as member variable from __sleep() but does not exist"
                        ))?;
                    }
                }
            }
        } else {
            for (k, v) in o.props().iter() {
                if !matches!(v.view(), View::Undef) {
                    members.push((mangled(o, k), v.clone()));
                }
            }
        }
        let _ = write!(self.out, "O:{}:\"{name}\":{}:{{", name.len(), members.len());
        for (k, v) in &members {
            self.key(k);
            self.value(v)?;
        }
        self.out.push(b'}');
        Ok(())
    }

    /// The property `name` that `__sleep()` returned: its key as serialized (a public or
    /// protected one, then the class's private one) and value.
    fn sleep_member(&self, o: &PhpObject, name: &[u8]) -> Option<(ArrayKey, Zval)> {
        let mut candidates = vec![name.to_vec()];
        let mut private = vec![0];
        private.extend_from_slice(&o.class().name);
        private.push(0);
        private.extend_from_slice(name);
        candidates.push(private);
        let props = o.props();
        candidates.into_iter().find_map(|c| {
            let k = ArrayKey::Str(PhpString::new(&c));
            let v = props.get(k.as_ref())?;
            (!matches!(v.view(), View::Undef)).then(|| (mangled(o, &k), v.clone()))
        })
    }
}
