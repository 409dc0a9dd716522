//! Functions that take callbacks or change an array in place: `call_user_func`,
//! `is_callable`, `array_map`, `array_filter`, `array_reduce`, `array_walk`, the `sort`
//! family, `array_push`/`array_pop`/`array_shift`/`array_unshift`, and the internal pointer
//! (`current`, `next`, `reset`, `end`, `key`, `prev`).

use crate::args;
use php_runtime::compare::compare;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, Zval};
use std::cmp::Ordering;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("call_user_func", call_user_func),
    ("call_user_func_array", call_user_func_array),
    ("is_callable", is_callable),
    ("array_map", array_map),
    ("array_filter", array_filter),
    ("array_reduce", array_reduce),
    ("array_walk", array_walk),
    ("usort", usort),
    ("uasort", uasort),
    ("uksort", uksort),
    ("sort", sort),
    ("rsort", rsort),
    ("asort", asort),
    ("arsort", arsort),
    ("ksort", ksort),
    ("krsort", krsort),
    ("array_push", array_push),
    ("array_pop", array_pop),
    ("array_shift", array_shift),
    ("array_unshift", array_unshift),
    ("current", current),
    ("pos", current),
    ("key", key),
    ("next", next),
    ("prev", prev),
    ("reset", reset),
    ("end", end),
];

/// The by-reference parameters of this family (0-based).
pub const BY_REF: &[(&str, &[usize])] = &[
    ("array_walk", &[0]),
    ("usort", &[0]),
    ("uasort", &[0]),
    ("uksort", &[0]),
    ("sort", &[0]),
    ("rsort", &[0]),
    ("asort", &[0]),
    ("arsort", &[0]),
    ("ksort", &[0]),
    ("krsort", &[0]),
    ("array_push", &[0]),
    ("array_pop", &[0]),
    ("array_shift", &[0]),
    ("array_unshift", &[0]),
    ("current", &[0]),
    ("pos", &[0]),
    ("key", &[0]),
    ("next", &[0]),
    ("prev", &[0]),
    ("reset", &[0]),
    ("end", &[0]),
];

/// A `callable` parameter: PHP's `TypeError` when the value cannot be called.
pub(crate) fn callback(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<(), PhpError> {
    relative_class_deprecation(h, v)?;
    match h.callable_error(v) {
        None => Ok(()),
        Some(why) => {
            let msg = format!("{func}(): Argument #{n} (${param}) must be a valid callback, {why}");
            Err(h.throw("TypeError", msg))
        }
    }
}

/// The array a by-reference parameter refers to, for changing it: the caller writes the
/// result back with [`put_back`].
pub(crate) fn array_ref(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<PhpArray, PhpError> {
    args::array(h, func, n, param, &v.deref())
}

/// Gives the array `to`, rebuilt from `from`, the positions of the `foreach`-by-reference
/// loops walking `from`: `map` takes an entry's ordinal in `from` to the ordinal of the entry
/// that loop looks at next in `to` (PHP moves its iterators with the entries).
pub(crate) fn carry_iters(from: &PhpArray, to: &mut PhpArray, map: impl Fn(usize) -> usize) {
    let iters = from.iter_ordinals();
    if !iters.is_empty() {
        let moved = iters.into_iter().map(|(id, n)| (id, map(n))).collect();
        to.make_mut().place_iters(moved);
    }
}

/// Stores `a` in the variable a by-reference parameter refers to.
pub(crate) fn put_back(v: &Zval, a: PhpArray) {
    if let View::Ref(r) = v.view() {
        drop(r.replace(Zval::array(a)));
    }
}

fn call_user_func(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "call_user_func", a, 1, usize::MAX)?;
    callback(h, "call_user_func", 1, "callback", &a[0])?;
    let named = h.take_named();
    h.call_named(&a[0], a[1..].to_vec(), named)
}

fn call_user_func_array(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "call_user_func_array", a, 2, 2)?;
    callback(h, "call_user_func_array", 1, "callback", &a[0])?;
    let list = args::array(h, "call_user_func_array", 2, "args", &a[1])?;
    // Int keys are positional arguments, string keys named ones (which come last).
    let (mut positional, mut named) = (Vec::new(), Vec::new());
    for (k, v) in list.iter() {
        match k {
            ArrayKey::Str(name) => named.push((name.as_bytes().to_vec(), v.clone())),
            ArrayKey::Int(_) if !named.is_empty() => {
                let msg = "Cannot use positional argument after named argument";
                return Err(h.throw("Error", msg.into()));
            }
            ArrayKey::Int(_) => positional.push(v.clone()),
        }
    }
    h.call_named(&a[0], positional, named)
}

/// PHP 8.2's deprecation for a callable naming its class `self`, `parent` or `static`
/// (`"parent::f"`, `['self', 'f']`).
pub(crate) fn relative_class_deprecation(h: &mut dyn Host, v: &Zval) -> Result<(), PhpError> {
    let v = v.deref();
    let class = match v.view() {
        View::Str(s) => match s.as_bytes().windows(2).position(|w| w == b"::") {
            Some(i) => s.as_bytes()[..i].to_ascii_lowercase(),
            None => return Ok(()),
        },
        View::Array(a) if a.len() == 2 => match a.get(php_runtime::array::KeyRef::Int(0)) {
            Some(c) => match c.deref().view() {
                View::Str(c) => c.as_bytes().to_ascii_lowercase(),
                _ => return Ok(()),
            },
            None => return Ok(()),
        },
        _ => return Ok(()),
    };
    match &class[..] {
        b"self" | b"parent" | b"static" => h.deprecated(&format!(
            "Use of \"{}\" in callables is deprecated",
            String::from_utf8_lossy(&class)
        )),
        _ => Ok(()),
    }
}

fn is_callable(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "is_callable", a, 1, 3)?;
    relative_class_deprecation(h, &a[0])?;
    Ok(Zval::bool(h.callable_error(&a[0]).is_none()))
}

fn array_map(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_map", a, 2, usize::MAX)?;
    let arrays: Vec<PhpArray> = a[1..]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if i == 0 {
                args::array(h, "array_map", 2, "array", v)
            } else {
                super::array_replace::variadic_array(h, "array_map", i + 2, v)
            }
        })
        .collect::<Result<_, _>>()?;
    let f = &a[0];
    if f.is_null() {
        if arrays.len() == 1 {
            return Ok(Zval::array(arrays[0].clone()));
        }
    } else if let Some(why) = h.callable_error(f) {
        let msg =
            format!("array_map(): Argument #1 ($callback) must be a valid callback or null, {why}");
        return Err(h.throw("TypeError", msg));
    }
    if arrays.len() == 1 {
        let mut out = PhpArray::new();
        for (k, v) in arrays[0].iter() {
            let r = h.call(f, vec![v.clone()])?;
            drop(out.insert(k.clone(), r));
        }
        return Ok(Zval::array(out));
    }
    let n = arrays.iter().map(|x| x.len()).max().unwrap_or(0);
    let columns: Vec<Vec<Zval>> = arrays
        .iter()
        .map(|x| x.iter().map(|(_, v)| v.clone()).collect())
        .collect();
    let mut out = PhpArray::new();
    for i in 0..n {
        let row: Vec<Zval> = columns
            .iter()
            .map(|c| c.get(i).cloned().unwrap_or(Zval::NULL))
            .collect();
        let r = if f.is_null() {
            Zval::array(PhpArray::from_list(row))
        } else {
            h.call(f, row)?
        };
        let _ = out.append(r);
    }
    Ok(Zval::array(out))
}

fn array_filter(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_filter", a, 1, 3)?;
    let arr = args::array(h, "array_filter", 1, "array", &a[0])?;
    let f = a.get(1).filter(|f| !f.is_null());
    if let Some(f) = f
        && let Some(why) = h.callable_error(f)
    {
        let msg = format!(
            "array_filter(): Argument #2 ($callback) must be a valid callback or null, {why}"
        );
        return Err(h.throw("TypeError", msg));
    }
    let mode = match a.get(2) {
        Some(m) => args::int(h, "array_filter", 3, "mode", m)?,
        None => 0,
    };
    let mut out = PhpArray::new();
    for (k, v) in arr.iter() {
        let keep = match f {
            None => php_runtime::convert::to_bool(v),
            Some(f) => {
                let args = match mode {
                    // ARRAY_FILTER_USE_KEY
                    2 => vec![k.to_zval()],
                    // ARRAY_FILTER_USE_BOTH
                    1 => vec![v.clone(), k.to_zval()],
                    _ => vec![v.clone()],
                };
                php_runtime::convert::to_bool(&h.call(f, args)?)
            }
        };
        if keep {
            drop(out.insert(k.clone(), v.clone()));
        }
    }
    Ok(Zval::array(out))
}

fn array_reduce(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_reduce", a, 2, 3)?;
    let arr = args::array(h, "array_reduce", 1, "array", &a[0])?;
    callback(h, "array_reduce", 2, "callback", &a[1])?;
    let mut acc = a.get(2).cloned().unwrap_or(Zval::NULL);
    for (_, v) in arr.iter() {
        acc = h.call(&a[1], vec![acc, v.clone()])?;
    }
    Ok(acc)
}

fn array_walk(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_walk", a, 2, 3)?;
    let arr = array_ref(h, "array_walk", 1, "array", &a[0])?;
    callback(h, "array_walk", 2, "callback", &a[1])?;
    if let View::Ref(r) = a[0].view() {
        // The array itself, as `foreach` by reference walks it: each value reaches the
        // callback as a reference, and what the callback changes is seen.
        drop(arr);
        let id = php_runtime::array::iters::start_ref(r);
        while let Some((k, elem)) = php_runtime::array::iters::next_ref(r, id) {
            let mut args = vec![Zval::reference(elem), k];
            if let Some(extra) = a.get(2) {
                args.push(extra.clone());
            }
            if let Err(e) = h.call(&a[1], args) {
                php_runtime::array::iters::end_ref(r, id);
                return Err(e);
            }
        }
        return Ok(Zval::bool(true));
    }
    for (k, v) in arr.iter() {
        let mut args = vec![v.clone(), k.to_zval()];
        if let Some(extra) = a.get(2) {
            args.push(extra.clone());
        }
        h.call(&a[1], args)?;
    }
    Ok(Zval::bool(true))
}

/// Sorts the entries of the array `v` refers to with `cmp` (stable, as PHP 8's sort), keeping
/// the keys (`keep_keys`) or renumbering them.
fn sort_entries(
    h: &mut dyn Host,
    v: &Zval,
    func: &str,
    keep_keys: bool,
    mut cmp: impl FnMut(
        &mut dyn Host,
        (&ArrayKey, &Zval),
        (&ArrayKey, &Zval),
    ) -> Result<Ordering, PhpError>,
) -> Result<Zval, PhpError> {
    let arr = array_ref(h, func, 1, "array", v)?;
    let mut entries: Vec<(ArrayKey, Zval)> =
        arr.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    super::stable_sort::sort_by(&mut entries, |x, y| cmp(h, (&x.0, &x.1), (&y.0, &y.1)))?;
    let mut out = PhpArray::new();
    for (k, val) in entries {
        if keep_keys {
            drop(out.insert(k, val));
        } else {
            let _ = out.append(val);
        }
    }
    // PHP sorts the table in place: a `foreach` by reference over it goes on from the same
    // place (the array is a copy taken before the callbacks ran).
    carry_iters(&arr, &mut out, |n| n);
    drop(arr);
    put_back(v, out);
    Ok(Zval::bool(true))
}

fn regular(h: &mut dyn Host, x: &Zval, y: &Zval) -> Result<Ordering, PhpError> {
    match compare(x, y) {
        Ok(c) => Ok(c.cmp(&0)),
        Err(_) => Err(h.throw(
            "Error",
            php_runtime::compare::NestingTooDeep::MESSAGE.into(),
        )),
    }
}

fn user_order(h: &mut dyn Host, f: &Zval, x: Zval, y: Zval) -> Result<Ordering, PhpError> {
    let r = h.call(f, vec![x, y])?;
    Ok(php_runtime::convert::to_int(&r).cmp(&0))
}

fn usort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "usort", a, 2, 2)?;
    callback(h, "usort", 2, "callback", &a[1])?;
    let f = a[1].clone();
    sort_entries(h, &a[0], "usort", false, |h, x, y| {
        user_order(h, &f, x.1.clone(), y.1.clone())
    })
}

fn uasort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "uasort", a, 2, 2)?;
    callback(h, "uasort", 2, "callback", &a[1])?;
    let f = a[1].clone();
    sort_entries(h, &a[0], "uasort", true, |h, x, y| {
        user_order(h, &f, x.1.clone(), y.1.clone())
    })
}

fn uksort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "uksort", a, 2, 2)?;
    callback(h, "uksort", 2, "callback", &a[1])?;
    let f = a[1].clone();
    sort_entries(h, &a[0], "uksort", true, |h, x, y| {
        user_order(h, &f, x.0.to_zval(), y.0.to_zval())
    })
}

/// The `sort`-family functions without callbacks (`SORT_REGULAR` only).
fn plain_sort(
    h: &mut dyn Host,
    a: &[Zval],
    func: &str,
    keys: bool,
    keep: bool,
    reverse: bool,
) -> Result<Zval, PhpError> {
    args::arity(h, func, a, 1, 2)?;
    if let Some(flags) = a.get(1)
        && args::int(h, func, 2, "flags", flags)? != 0
    {
        return Err(h.throw("Error", format!("{func}() with flags is not supported yet")));
    }
    sort_entries(h, &a[0], func, keep, |h, x, y| {
        let o = if keys {
            regular(h, &x.0.to_zval(), &y.0.to_zval())?
        } else {
            regular(h, x.1, y.1)?
        };
        Ok(if reverse { o.reverse() } else { o })
    })
}

fn sort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    plain_sort(h, a, "sort", false, false, false)
}

fn rsort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    plain_sort(h, a, "rsort", false, false, true)
}

fn asort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    plain_sort(h, a, "asort", false, true, false)
}

fn arsort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    plain_sort(h, a, "arsort", false, true, true)
}

fn ksort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    plain_sort(h, a, "ksort", true, true, false)
}

fn krsort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    plain_sort(h, a, "krsort", true, true, true)
}

fn array_push(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_push", a, 1, usize::MAX)?;
    let mut arr = array_ref(h, "array_push", 1, "array", &a[0])?;
    // Taken out of the variable meanwhile, the array is not shared: it grows in place (and
    // keeps the positions of the loops walking it).
    if let View::Ref(r) = a[0].view() {
        drop(r.replace(Zval::NULL));
    }
    let full = a[1..].iter().any(|v| arr.append(v.clone()).is_err());
    let n = arr.len();
    put_back(&a[0], arr);
    if full {
        return Err(h.throw(
            "Error",
            "Cannot add element to the array as the next element is already occupied".into(),
        ));
    }
    Ok(Zval::int(n as i64))
}

fn array_pop(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_pop", a, 1, 1)?;
    let arr = array_ref(h, "array_pop", 1, "array", &a[0])?;
    let mut entries: Vec<(ArrayKey, Zval)> =
        arr.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let Some((_, last)) = entries.pop() else {
        return Ok(Zval::NULL);
    };
    // The next free index is recomputed, as PHP does after a pop.
    let mut out = PhpArray::new();
    for (k, v) in entries {
        drop(out.insert(k, v));
    }
    carry_iters(&arr, &mut out, |n| n);
    put_back(&a[0], out);
    Ok(last)
}

fn array_shift(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_shift", a, 1, 1)?;
    let arr = array_ref(h, "array_shift", 1, "array", &a[0])?;
    let mut it = arr.iter();
    let Some((_, first)) = it.next() else {
        return Ok(Zval::NULL);
    };
    let first = first.clone();
    let mut out = PhpArray::new();
    for (k, v) in it {
        match k {
            ArrayKey::Int(_) => {
                let _ = out.append(v.clone());
            }
            ArrayKey::Str(_) => drop(out.insert(k.clone(), v.clone())),
        }
    }
    carry_iters(&arr, &mut out, |n| n.saturating_sub(1));
    put_back(&a[0], out);
    Ok(first)
}

fn array_unshift(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_unshift", a, 1, usize::MAX)?;
    let arr = array_ref(h, "array_unshift", 1, "array", &a[0])?;
    let mut out = PhpArray::from_list(a[1..].iter().cloned());
    for (k, v) in arr.iter() {
        match k {
            ArrayKey::Int(_) => {
                let _ = out.append(v.clone());
            }
            ArrayKey::Str(_) => drop(out.insert(k.clone(), v.clone())),
        }
    }
    let n = out.len();
    carry_iters(&arr, &mut out, |i| i + (a.len() - 1));
    put_back(&a[0], out);
    Ok(Zval::int(n as i64))
}

/// Runs `f` on the array a by-reference argument refers to (moving its internal pointer),
/// then gives the entry the pointer is on (`false` when none).
fn pointer(
    h: &mut dyn Host,
    a: &[Zval],
    func: &str,
    f: impl FnOnce(&mut php_runtime::array::Table),
    want_key: bool,
) -> Result<Zval, PhpError> {
    args::arity(h, func, a, 1, 1)?;
    let mut arr = array_ref(h, func, 1, "array", &a[0])?;
    let result = {
        let t = arr.make_mut();
        f(t);
        match t.current() {
            Some((k, _)) if want_key => k.to_zval(),
            Some((_, v)) => v.deref(),
            None if want_key => Zval::NULL,
            None => Zval::bool(false),
        }
    };
    put_back(&a[0], arr);
    Ok(result)
}

fn current(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    pointer(h, a, "current", |_| {}, false)
}

fn key(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    pointer(h, a, "key", |_| {}, true)
}

fn next(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    pointer(h, a, "next", |t| t.advance(), false)
}

fn prev(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    pointer(h, a, "prev", |t| t.retreat(), false)
}

fn reset(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    pointer(h, a, "reset", |t| t.reset(), false)
}

fn end(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    pointer(h, a, "end", |t| t.end(), false)
}
