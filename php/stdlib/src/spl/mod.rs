//! SPL: the array classes ([`array_object`]) and the functions over iterators
//! (`iterator_to_array`, `iterator_count`, `iterator_apply`).

pub mod array_object;

use crate::args;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, Zval};

/// The functions of this extension.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("iterator_to_array", iterator_to_array),
    ("iterator_count", iterator_count),
    ("iterator_apply", iterator_apply),
];

/// What [`walk`] calls with each key and value: whether to go on.
type Visit<'a> = dyn FnMut(&mut dyn Host, Zval, Zval) -> Result<bool, PhpError> + 'a;

/// Calls method `name` of `obj` without arguments.
fn call(h: &mut dyn Host, obj: &Zval, name: &str) -> Result<Zval, PhpError> {
    let f = PhpArray::from_list([obj.clone(), Zval::str(name)]);
    h.call(&Zval::array(f), Vec::new())
}

/// The `Traversable|array` argument of `func`, walked: `f` gets each key and value and
/// says whether to go on.
fn walk(h: &mut dyn Host, func: &str, v: &Zval, f: &mut Visit<'_>) -> Result<(), PhpError> {
    let mut it = v.deref();
    if let View::Array(a) = it.view() {
        for (k, x) in a.iter() {
            let k = match k {
                ArrayKey::Int(i) => Zval::int(*i),
                ArrayKey::Str(s) => Zval::string(s.clone()),
            };
            if !f(h, k, x.deref())? {
                break;
            }
        }
        return Ok(());
    }
    let mut hops = 0;
    loop {
        let View::Object(o) = it.view() else {
            let msg = format!(
                "{func}(): Argument #1 ($iterator) must be of type Traversable|array, {} given",
                php_runtime::convert::type_name(&it)
            );
            return Err(h.throw("TypeError", msg));
        };
        if o.class().is_a_name(b"iterator") {
            break;
        }
        if !o.class().is_a_name(b"iteratoraggregate") || hops > 32 {
            let msg = format!(
                "{func}(): Argument #1 ($iterator) must be of type Traversable|array, {} given",
                o.class().display()
            );
            return Err(h.throw("TypeError", msg));
        }
        it = call(h, &it, "getIterator")?.deref();
        hops += 1;
    }
    call(h, &it, "rewind")?;
    loop {
        let valid = call(h, &it, "valid")?;
        if !php_runtime::convert::to_bool(&valid.deref()) {
            return Ok(());
        }
        let value = call(h, &it, "current")?.deref();
        let key = call(h, &it, "key")?.deref();
        if !f(h, key, value)? {
            return Ok(());
        }
        call(h, &it, "next")?;
    }
}

/// `iterator_to_array(Traversable|array $iterator, bool $preserve_keys = true)`.
fn iterator_to_array(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "iterator_to_array", a, 1, 2)?;
    let keep = match a.get(1) {
        Some(v) => args::boolean(h, "iterator_to_array", 2, "preserve_keys", v)?,
        None => true,
    };
    let mut out = PhpArray::new();
    walk(h, "iterator_to_array", &a[0], &mut |h, k, v| {
        if !keep {
            let _ = out.append(v);
            return Ok(true);
        }
        let key = match k.view() {
            View::Int(i) => ArrayKey::Int(i),
            View::Str(s) => ArrayKey::from_bytes(s.as_bytes()),
            View::Null => ArrayKey::from(""),
            View::Bool(b) => ArrayKey::Int(i64::from(b)),
            View::Float(f) => ArrayKey::Int(php_runtime::number::float_to_int(f)),
            _ => {
                return Err(h.throw("TypeError", "Illegal offset type".to_string()));
            }
        };
        drop(out.insert(key, v));
        Ok(true)
    })?;
    Ok(Zval::array(out))
}

/// `iterator_count(Traversable|array $iterator)`.
fn iterator_count(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "iterator_count", a, 1, 1)?;
    let mut n = 0i64;
    walk(h, "iterator_count", &a[0], &mut |_, _, _| {
        n += 1;
        Ok(true)
    })?;
    Ok(Zval::int(n))
}

/// `iterator_apply(Traversable $iterator, callable $callback, ?array $args = null)`: calls
/// the callback once per element while it returns true; the number of calls.
fn iterator_apply(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "iterator_apply", a, 2, 3)?;
    if let Some(why) = h.callable_error(&a[1]) {
        let msg =
            format!("iterator_apply(): Argument #2 ($callback) must be a valid callback, {why}");
        return Err(h.throw("TypeError", msg));
    }
    let extra: Vec<Zval> = match a.get(2).map(|v| v.deref()) {
        Some(v) if !v.is_null() => {
            let arr = args::array(h, "iterator_apply", 3, "args", &v)?;
            arr.iter().map(|(_, x)| x.deref()).collect()
        }
        _ => Vec::new(),
    };
    let f = a[1].deref();
    let mut n = 0i64;
    walk(h, "iterator_apply", &a[0], &mut |h, _, _| {
        n += 1;
        let r = h.call(&f, extra.clone())?;
        Ok(php_runtime::convert::to_bool(&r.deref()))
    })?;
    Ok(Zval::int(n))
}
