//! `unserialize`: values from PHP's serialization format (see [`super::serialize`]).
//!
//! The text is parsed first into a tree of [`Node`]s, numbered as `serialize` numbers them,
//! so that the values `R:n;` points at are known before any value is made: those become PHP
//! references shared by every place naming them. Objects are made without their
//! constructor; `__unserialize()` (given the members as an array) or `__wakeup()` run once the
//! whole value is made, in the order the objects were made.

use crate::args;
use php_runtime::object::PhpObject;
use php_runtime::value::{PhpRef, View};
use php_runtime::{ArrayKey, Host, PhpArray, PhpError, PhpString, Zval};
use std::collections::HashMap;

/// A parsed value.
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Vec<u8>),
    Array(Vec<(ArrayKey, Numbered)>),
    Object(Vec<u8>, Vec<(ArrayKey, Numbered)>),
    /// `R:n;`: the same PHP reference as value `n`.
    RefTo(usize),
    /// `r:n;`: the same object as value `n`.
    ObjectOf(usize),
}

/// A node and its number (0 for `R:`, which takes none).
struct Numbered(usize, Node);

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    count: usize,
}

/// Nesting followed at most (deeper input is an error, not a native stack overflow).
const MAX_NESTING: usize = 4096;

impl Parser<'_> {
    fn expect(&mut self, b: u8) -> Option<()> {
        (self.s.get(self.i) == Some(&b)).then(|| self.i += 1)
    }

    fn number_text(&mut self, end: u8) -> Option<&[u8]> {
        let start = self.i;
        while self.s.get(self.i).is_some_and(|&c| c != end) {
            self.i += 1;
        }
        let text = &self.s[start..self.i];
        self.expect(end)?;
        Some(text)
    }

    fn int(&mut self, end: u8) -> Option<i64> {
        let t = self.number_text(end)?;
        let t = std::str::from_utf8(t).ok()?;
        let t = t.strip_prefix('+').unwrap_or(t);
        t.parse().ok()
    }

    fn length(&mut self, end: u8) -> Option<usize> {
        usize::try_from(self.int(end)?).ok()
    }

    fn quoted(&mut self, len: usize) -> Option<Vec<u8>> {
        self.expect(b'"')?;
        let bytes = self.s.get(self.i..self.i.checked_add(len)?)?.to_vec();
        self.i += len;
        self.expect(b'"')?;
        Some(bytes)
    }

    fn key(&mut self) -> Option<ArrayKey> {
        let tag = *self.s.get(self.i)?;
        self.i += 1;
        self.expect(b':')?;
        match tag {
            b'i' => Some(ArrayKey::Int(self.int(b';')?)),
            b's' => {
                let len = self.length(b':')?;
                let s = self.quoted(len)?;
                self.expect(b';')?;
                Some(ArrayKey::from_bytes(&s))
            }
            _ => None,
        }
    }

    fn members(&mut self, depth: usize) -> Option<Vec<(ArrayKey, Numbered)>> {
        let n = self.length(b':')?;
        self.expect(b'{')?;
        let mut list = Vec::new();
        for _ in 0..n {
            let k = self.key()?;
            let v = self.value(depth + 1)?;
            list.push((k, v));
        }
        self.expect(b'}')?;
        Some(list)
    }

    fn value(&mut self, depth: usize) -> Option<Numbered> {
        if depth > MAX_NESTING {
            return None;
        }
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value_here(depth))
    }

    fn value_here(&mut self, depth: usize) -> Option<Numbered> {
        let tag = *self.s.get(self.i)?;
        if !b"NRbidsaOr".contains(&tag) {
            return None;
        }
        self.i += 1;
        if tag == b'N' {
            self.expect(b';')?;
            self.count += 1;
            return Some(Numbered(self.count, Node::Null));
        }
        self.expect(b':')?;
        if tag == b'R' {
            let n = self.length(b';')?;
            return Some(Numbered(0, Node::RefTo(n)));
        }
        self.count += 1;
        let number = self.count;
        let node = match tag {
            b'b' => match self.int(b';')? {
                0 => Node::Bool(false),
                1 => Node::Bool(true),
                _ => return None,
            },
            b'i' => Node::Int(self.int(b';')?),
            b'd' => {
                let t = std::str::from_utf8(self.number_text(b';')?).ok()?;
                Node::Float(match t {
                    "INF" => f64::INFINITY,
                    "-INF" => f64::NEG_INFINITY,
                    "NAN" => f64::NAN,
                    t => t.parse().ok()?,
                })
            }
            b's' => {
                let len = self.length(b':')?;
                let s = self.quoted(len)?;
                self.expect(b';')?;
                Node::Str(s)
            }
            b'a' => Node::Array(self.members(depth)?),
            b'O' => {
                let len = self.length(b':')?;
                let name = self.quoted(len)?;
                self.expect(b':')?;
                Node::Object(name, self.members(depth)?)
            }
            b'r' => Node::ObjectOf(self.length(b';')?),
            _ => return None,
        };
        Some(Numbered(number, node))
    }
}

/// Collects the numbers `R:` points at.
fn ref_targets(n: &Numbered, out: &mut Vec<usize>) {
    match &n.1 {
        Node::RefTo(t) => out.push(*t),
        Node::Array(list) | Node::Object(_, list) => {
            for (_, v) in list {
                ref_targets(v, out);
            }
        }
        _ => {}
    }
}

/// Making the values of a parsed tree.
struct Builder<'h> {
    h: &'h mut dyn Host,
    /// The value of each number made so far.
    made: HashMap<usize, Zval>,
    /// The references `R:` points at, by number.
    refs: HashMap<usize, PhpRef>,
    /// Objects whose `__unserialize` (with its data) or `__wakeup` is still to run.
    pending: Vec<(PhpObject, Option<PhpArray>)>,
}

impl Builder<'_> {
    /// The value of node `n`; `Ok(None)` when the input is invalid.
    fn build(&mut self, n: &Numbered) -> Result<Option<Zval>, PhpError> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.build_here(n))
    }

    fn build_here(&mut self, n: &Numbered) -> Result<Option<Zval>, PhpError> {
        let Numbered(number, node) = n;
        let v = match node {
            Node::Null => Zval::NULL,
            Node::Bool(b) => Zval::bool(*b),
            Node::Int(i) => Zval::int(*i),
            Node::Float(f) => Zval::float(*f),
            Node::Str(s) => Zval::string(PhpString::new(s)),
            Node::RefTo(t) => {
                return Ok(self.refs.get(t).map(|r| Zval::reference(r.clone())));
            }
            Node::ObjectOf(t) => match self.made.get(t).map(|v| v.deref()) {
                Some(v) if matches!(v.view(), View::Object(_)) => v,
                _ => return Ok(None),
            },
            Node::Array(list) => {
                let mut a = PhpArray::new();
                for (k, v) in list {
                    let Some(x) = self.build(v)? else {
                        return Ok(None);
                    };
                    drop(a.insert(k.clone(), x));
                }
                Zval::array(a)
            }
            Node::Object(name, list) => return self.object(*number, name, list),
        };
        Ok(Some(self.record(*number, v)))
    }

    /// Notes value `number` (made a reference if `R:` points at it).
    fn record(&mut self, number: usize, v: Zval) -> Zval {
        self.made.insert(number, v.clone());
        match self.refs.get(&number) {
            Some(r) => {
                drop(r.replace(v));
                Zval::reference(r.clone())
            }
            None => v,
        }
    }

    fn object(
        &mut self,
        number: usize,
        name: &[u8],
        list: &[(ArrayKey, Numbered)],
    ) -> Result<Option<Zval>, PhpError> {
        let Some(class) = self.h.autoload_class(name)? else {
            return Ok(None);
        };
        if class.is_interface() || class.flags & php_runtime::object::flags::ABSTRACT != 0 {
            return Ok(None);
        }
        let o = PhpObject::new(class);
        let made = self.record(number, Zval::object(o.clone()));
        let custom = class.method(b"__unserialize").is_some();
        let mut data = PhpArray::new();
        for (k, v) in list {
            let Some(x) = self.build(v)? else {
                return Ok(None);
            };
            if custom {
                drop(data.insert(k.clone(), x));
                continue;
            }
            let key = match k {
                ArrayKey::Str(s) => s.as_bytes().to_vec(),
                ArrayKey::Int(i) => i.to_string().into_bytes(),
            };
            // Protected properties are kept under their plain names, private ones mangled.
            if let Some(name) = key.strip_prefix(b"\0*\0") {
                drop(o.set(name, x));
            } else if key.first() == Some(&0) {
                drop(o.props_mut().insert(ArrayKey::Str(PhpString::new(&key)), x));
            } else {
                drop(o.set(&key, x));
            }
        }
        if custom {
            self.pending.push((o, Some(data)));
        } else if class.method(b"__wakeup").is_some() {
            self.pending.push((o, None));
        }
        Ok(Some(made))
    }
}

/// `unserialize(string $data, array $options = [])`.
pub fn unserialize(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "unserialize", a, 1, 2)?;
    let data = args::string(h, "unserialize", 1, "data", &a[0])?;
    if let Some(o) = a.get(1) {
        args::array(h, "unserialize", 2, "options", o)?;
    }
    let s = data.as_bytes();
    if s.is_empty() {
        return Ok(Zval::bool(false));
    }
    let mut p = Parser { s, i: 0, count: 0 };
    let Some(tree) = p.value(0) else {
        let at = p.i.min(s.len());
        h.notice(&format!(
            "unserialize(): Error at offset {at} of {} bytes",
            s.len()
        ))?;
        return Ok(Zval::bool(false));
    };
    let mut targets = Vec::new();
    ref_targets(&tree, &mut targets);
    let mut b = Builder {
        h,
        made: HashMap::new(),
        refs: targets
            .into_iter()
            .map(|t| (t, PhpRef::new(Zval::NULL)))
            .collect(),
        pending: Vec::new(),
    };
    let built = b.build(&tree)?;
    let Builder { h, pending, .. } = b;
    let Some(v) = built else {
        h.notice(&format!(
            "unserialize(): Error at offset 0 of {} bytes",
            s.len()
        ))?;
        return Ok(Zval::bool(false));
    };
    for (o, data) in pending {
        let (method, args) = match data {
            Some(d) => ("__unserialize", vec![Zval::array(d)]),
            None => ("__wakeup", Vec::new()),
        };
        let f = PhpArray::from_list([Zval::object(o), Zval::str(method)]);
        h.call(&Zval::array(f), args)?;
    }
    Ok(v.deref())
}
