//! SPL's `ArrayObject` and `ArrayIterator`: an array behind an object, reached through
//! `ArrayAccess`, `Countable` and (for `ArrayIterator`) `Iterator`.
//!
//! The array is the object's private property `storage` (so `var_dump` shows it as PHP
//! does); an object given to the constructor contributes a copy of its visible properties.
//! An `ArrayIterator`'s position is its internal state: the ordinal of the current element.

use crate::args;
use php_runtime::object::{ClassSpec, PhpObject, PropSpec, SpecValue, flags};
use php_runtime::value::View;
use php_runtime::{ArrayKey, Host, PhpArray, PhpError, Zval};
use std::cell::Cell;

const PUBLIC: u16 = flags::PUBLIC;

const STORAGE: &[PropSpec] = &[PropSpec {
    name: "storage",
    flags: flags::PRIVATE,
    default: SpecValue::EmptyArray,
}];

/// `ArrayObject`.
pub const ARRAY_OBJECT: ClassSpec = ClassSpec {
    name: "ArrayObject",
    parent: None,
    interfaces: &["IteratorAggregate", "ArrayAccess", "Countable"],
    flags: 0,
    props: STORAGE,
    methods: &[
        ("__construct", PUBLIC, construct),
        ("offsetExists", PUBLIC, offset_exists),
        ("offsetGet", PUBLIC, offset_get),
        ("offsetSet", PUBLIC, offset_set),
        ("offsetUnset", PUBLIC, offset_unset),
        ("append", PUBLIC, append),
        ("getArrayCopy", PUBLIC, get_array_copy),
        ("exchangeArray", PUBLIC, exchange_array),
        ("count", PUBLIC, count),
        ("getIterator", PUBLIC, get_iterator),
    ],
};

/// `ArrayIterator`.
pub const ARRAY_ITERATOR: ClassSpec = ClassSpec {
    name: "ArrayIterator",
    parent: None,
    interfaces: &["Iterator", "ArrayAccess", "Countable"],
    flags: 0,
    props: STORAGE,
    methods: &[
        ("__construct", PUBLIC, construct),
        ("offsetExists", PUBLIC, offset_exists),
        ("offsetGet", PUBLIC, offset_get),
        ("offsetSet", PUBLIC, offset_set),
        ("offsetUnset", PUBLIC, offset_unset),
        ("append", PUBLIC, append),
        ("getArrayCopy", PUBLIC, get_array_copy),
        ("count", PUBLIC, count),
        ("rewind", PUBLIC, rewind),
        ("valid", PUBLIC, valid),
        ("current", PUBLIC, current),
        ("key", PUBLIC, key),
        ("next", PUBLIC, next),
    ],
};

fn object(this: &Zval) -> Option<PhpObject> {
    match this.view() {
        View::Object(o) => Some(o.clone()),
        _ => None,
    }
}

/// Which of the two classes `o` is (or extends), for the storage's mangled key and messages.
fn base(o: &PhpObject) -> &'static str {
    if o.class().is_a_name(b"arrayiterator") {
        "ArrayIterator"
    } else {
        "ArrayObject"
    }
}

fn storage_key(o: &PhpObject) -> ArrayKey {
    let mut k = vec![0];
    k.extend_from_slice(base(o).as_bytes());
    k.push(0);
    k.extend_from_slice(b"storage");
    ArrayKey::Str(php_runtime::PhpString::new(&k))
}

fn storage(o: &PhpObject) -> PhpArray {
    match o.props().get(storage_key(o).as_ref()).map(|v| v.deref()) {
        Some(v) => match v.view() {
            View::Array(a) => a.clone(),
            _ => PhpArray::new(),
        },
        None => PhpArray::new(),
    }
}

fn set_storage(o: &PhpObject, a: PhpArray) {
    let old = o.props_mut().insert(storage_key(o), Zval::array(a));
    drop(old);
}

fn method(o: &PhpObject, name: &str) -> String {
    format!("{}::{name}", base(o))
}

/// An offset as an array key, as `$array[$offset]` converts it.
fn key_of(h: &mut dyn Host, v: &Zval) -> Result<Option<ArrayKey>, PhpError> {
    Ok(Some(match v.deref().view() {
        View::Int(i) => ArrayKey::Int(i),
        View::Str(s) => ArrayKey::from_bytes(s.as_bytes()),
        View::Bool(b) => ArrayKey::Int(i64::from(b)),
        View::Null | View::Undef => ArrayKey::from(""),
        View::Float(f) => {
            let i = php_runtime::number::float_to_int(f);
            if f.is_finite() && f.fract() != 0.0 {
                let shown =
                    php_runtime::format::float_to_string(f, php_runtime::format::Style::Dump);
                h.deprecated(&format!(
                    "Implicit conversion from float {shown} to int loses precision"
                ))?;
            }
            ArrayKey::Int(i)
        }
        View::Resource(r) => ArrayKey::Int(r.id()),
        _ => {
            let msg = format!(
                "Cannot access offset of type {} on {}",
                php_runtime::convert::type_name(&v.deref()),
                "ArrayObject"
            );
            return Err(h.throw("TypeError", msg));
        }
    }))
}

fn key_zval(k: &ArrayKey) -> Zval {
    match k {
        ArrayKey::Int(i) => Zval::int(*i),
        ArrayKey::Str(s) => Zval::string(s.clone()),
    }
}

/// The array a constructor argument gives: an array, or an object's visible properties.
fn array_of(v: &Zval) -> Option<PhpArray> {
    match v.deref().view() {
        View::Array(a) => Some(a.clone()),
        View::Object(o) => {
            if o.class().is_a_name(b"arrayobject") || o.class().is_a_name(b"arrayiterator") {
                return Some(storage(o));
            }
            let mut out = PhpArray::new();
            for (k, x) in o.props().iter() {
                if let ArrayKey::Str(s) = k
                    && let Some(n) = o.class().sees(None, s.as_bytes())
                {
                    drop(out.insert(ArrayKey::from_bytes(n), x.deref()));
                }
            }
            Some(out)
        }
        _ => None,
    }
}

fn construct(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    let name = method(&o, "__construct");
    args::arity(h, &name, a, 0, 3)?;
    let data = match a.first() {
        None => PhpArray::new(),
        Some(v) => match array_of(v) {
            Some(d) => d,
            None => {
                let msg = format!(
                    "{name}(): Argument #1 ($array) must be of type array, {} given",
                    php_runtime::convert::type_name(&v.deref())
                );
                return Err(h.throw("TypeError", msg));
            }
        },
    };
    if let Some(f) = a.get(1) {
        args::int(h, &name, 2, "flags", f)?;
    }
    set_storage(&o, data);
    o.set_internal(Box::new(Cell::new(0usize)));
    Ok(Zval::NULL)
}

fn offset_exists(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::bool(false));
    };
    args::arity(h, &method(&o, "offsetExists"), a, 1, 1)?;
    let Some(k) = key_of(h, &a[0])? else {
        return Ok(Zval::bool(false));
    };
    Ok(Zval::bool(storage(&o).contains(k.as_ref())))
}

fn offset_get(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    args::arity(h, &method(&o, "offsetGet"), a, 1, 1)?;
    let Some(k) = key_of(h, &a[0])? else {
        return Ok(Zval::NULL);
    };
    match storage(&o).get(k.as_ref()) {
        Some(v) => Ok(v.deref()),
        None => {
            let shown = match &k {
                ArrayKey::Int(i) => i.to_string(),
                ArrayKey::Str(s) => format!("\"{}\"", String::from_utf8_lossy(s.as_bytes())),
            };
            h.warn(&format!("Undefined array key {shown}"))?;
            Ok(Zval::NULL)
        }
    }
}

fn offset_set(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    args::arity(h, &method(&o, "offsetSet"), a, 2, 2)?;
    let mut s = storage(&o);
    set_storage(&o, PhpArray::new());
    let v = a[1].deref();
    if a[0].deref().is_null() {
        let _ = s.append(v);
    } else if let Some(k) = key_of(h, &a[0])? {
        drop(s.insert(k, v));
    }
    set_storage(&o, s);
    Ok(Zval::NULL)
}

fn offset_unset(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    args::arity(h, &method(&o, "offsetUnset"), a, 1, 1)?;
    let Some(k) = key_of(h, &a[0])? else {
        return Ok(Zval::NULL);
    };
    let mut s = storage(&o);
    set_storage(&o, PhpArray::new());
    let removed = s.remove(k.as_ref());
    set_storage(&o, s);
    drop(removed);
    Ok(Zval::NULL)
}

fn append(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    args::arity(h, &method(&o, "append"), a, 1, 1)?;
    let mut s = storage(&o);
    set_storage(&o, PhpArray::new());
    let _ = s.append(a[0].deref());
    set_storage(&o, s);
    Ok(Zval::NULL)
}

fn get_array_copy(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    args::arity(h, &method(&o, "getArrayCopy"), a, 0, 0)?;
    Ok(Zval::array(storage(&o)))
}

fn exchange_array(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    let name = method(&o, "exchangeArray");
    args::arity(h, &name, a, 1, 1)?;
    let Some(new) = array_of(&a[0]) else {
        let msg = format!(
            "{name}(): Argument #1 ($array) must be of type array, {} given",
            php_runtime::convert::type_name(&a[0].deref())
        );
        return Err(h.throw("TypeError", msg));
    };
    let old = storage(&o);
    set_storage(&o, new);
    Ok(Zval::array(old))
}

fn count(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::int(0));
    };
    args::arity(h, &method(&o, "count"), a, 0, 0)?;
    Ok(Zval::int(storage(&o).len() as i64))
}

fn get_iterator(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    args::arity(h, &method(&o, "getIterator"), a, 0, 0)?;
    let Some(class) = h.class(b"arrayiterator") else {
        return Ok(Zval::NULL);
    };
    let it = PhpObject::new(class);
    set_storage(&it, storage(&o));
    it.set_internal(Box::new(Cell::new(0usize)));
    Ok(Zval::object(it))
}

/// The iterator's position (0 when it has none yet).
fn position(o: &PhpObject) -> usize {
    o.internal::<Cell<usize>>().map_or(0, Cell::get)
}

fn set_position(o: &PhpObject, p: usize) {
    match o.internal::<Cell<usize>>() {
        Some(c) => c.set(p),
        None => o.set_internal(Box::new(Cell::new(p))),
    }
}

fn rewind(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    if let Some(o) = object(this) {
        args::arity(h, "ArrayIterator::rewind", a, 0, 0)?;
        set_position(&o, 0);
    }
    Ok(Zval::NULL)
}

fn valid(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::bool(false));
    };
    args::arity(h, "ArrayIterator::valid", a, 0, 0)?;
    Ok(Zval::bool(position(&o) < storage(&o).len()))
}

fn current(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    args::arity(h, "ArrayIterator::current", a, 0, 0)?;
    let s = storage(&o);
    Ok(s.iter()
        .nth(position(&o))
        .map_or(Zval::NULL, |(_, v)| v.deref()))
}

fn key(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(o) = object(this) else {
        return Ok(Zval::NULL);
    };
    args::arity(h, "ArrayIterator::key", a, 0, 0)?;
    let s = storage(&o);
    Ok(s.iter()
        .nth(position(&o))
        .map_or(Zval::NULL, |(k, _)| key_zval(k)))
}

fn next(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    if let Some(o) = object(this) {
        args::arity(h, "ArrayIterator::next", a, 0, 0)?;
        set_position(&o, position(&o) + 1);
    }
    Ok(Zval::NULL)
}
