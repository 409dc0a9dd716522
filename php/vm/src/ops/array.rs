//! Arrays: literals, element reads and writes (nested, with PHP's autovivification), `unset`
//! and `foreach` by value. All residual calls: arrays are heap values with copy-on-write.

use crate::ops::arith::{compute, type_name};
use crate::ops::vars::{deprecated, stepped, throw, warn};
use crate::ops::{borrow, store};
use crate::vm::Frame;
use php_compiler::{BinOp, NONE, Step};
use php_runtime::PhpError;
use php_runtime::object::PhpObject;
use php_runtime::value::PhpRef;
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpString, Value, Zval, format, tag};

/// The array key a value makes: ints and canonical numeric strings are int keys, floats are
/// truncated (with PHP's deprecation when that loses a fraction), `true`/`false` are 1/0 and
/// `null` is `""`.
fn to_key(frame: &mut Frame, v: &Zval) -> Result<ArrayKey, PhpError> {
    Ok(match v.view() {
        View::Int(i) => ArrayKey::Int(i),
        View::Str(s) => ArrayKey::from_string(s.clone()),
        View::Bool(b) => ArrayKey::Int(i64::from(b)),
        View::Undef | View::Null => ArrayKey::Str(PhpString::from("")),
        View::Float(f) => {
            if f.is_finite() && f.fract() != 0.0 {
                let shown = format::float_to_string(f, format::Style::Dump);
                deprecated(
                    frame,
                    &format!("Implicit conversion from float {shown} to int loses precision"),
                )?;
            }
            ArrayKey::Int(php_runtime::number::float_to_int(f))
        }
        View::Array(_) | View::Object(_) => {
            return Err(throw(frame, "TypeError", "Illegal offset type".into()));
        }
        View::Resource(r) => {
            let id = r.id();
            warn(
                frame,
                &format!("Resource ID#{id} used as offset, casting to integer ({id})"),
            )?;
            ArrayKey::Int(id)
        }
        View::Ref(r) => return r.with(|v| to_key(frame, v)),
    })
}

fn undefined_key(frame: &mut Frame, key: &ArrayKey) -> Result<(), PhpError> {
    let shown = match key {
        ArrayKey::Int(i) => i.to_string(),
        ArrayKey::Str(s) => format!("\"{}\"", String::from_utf8_lossy(s.as_bytes())),
    };
    warn(frame, &format!("Undefined array key {shown}"))
}

/// `dst = []`.
#[metajit::dont_look_inside]
pub fn new_array(frame: &mut Frame, dst: usize) {
    store(frame, dst, Zval::array(PhpArray::new()));
}

/// Takes the value out of a slot (leaving it unset), for writing through.
fn take(frame: &mut Frame, slot: usize) -> Zval {
    let v = std::mem::replace(&mut frame.slots[slot], Value::UNDEF);
    // SAFETY: the slot owned its value; it now holds nothing.
    unsafe { Zval::from_raw(v) }
}

/// Where the value written through came from.
enum Root {
    /// The slot itself.
    Slot,
    /// The reference the slot holds.
    Ref(PhpRef),
    /// A property (the slot held the object); a reference the property holds.
    Prop(PhpObject, Vec<u8>, Option<PhpRef>),
}

/// The value of variable `cv` (or, when `prop` is not `NONE`, of the property named by slot
/// `prop` of the object in `cv`) taken out for writing through (from its reference if it has
/// one), and where it goes back.
fn take_cv(frame: &mut Frame, cv: usize, prop: usize) -> Result<(Zval, Root), PhpError> {
    if prop != NONE as usize {
        let (o, name, v) = crate::ops::props::take_prop(frame, cv, prop)?;
        if let View::Ref(r) = v.view() {
            let r = r.clone();
            drop(o.set(&name, v));
            let inner = r.replace(Zval::UNDEF);
            return Ok((inner, Root::Prop(o, name, Some(r))));
        }
        return Ok((v, Root::Prop(o, name, None)));
    }
    if let View::Ref(r) = borrow(frame, cv).view() {
        let r = r.clone();
        let v = r.replace(Zval::UNDEF);
        return Ok((v, Root::Ref(r)));
    }
    Ok((take(frame, cv), Root::Slot))
}

/// Puts back what [`take_cv`] took.
fn put_cv(frame: &mut Frame, cv: usize, v: Zval, root: Root) {
    match root {
        Root::Slot => store(frame, cv, v),
        Root::Ref(r) | Root::Prop(_, _, Some(r)) => drop(r.replace(v)),
        Root::Prop(o, name, None) => crate::ops::props::put_prop(&o, &name, v),
    }
}

/// `arr[key] = val` (`key` `NONE`: `arr[] = val`) on the array being built in slot `arr`.
#[metajit::dont_look_inside]
pub fn literal_item(frame: &mut Frame, arr: usize, key: usize, val: usize) -> Result<(), PhpError> {
    let v = (*borrow(frame, val)).clone();
    let k = if key == NONE as usize {
        None
    } else {
        Some(to_key(frame, &borrow(frame, key))?)
    };
    let mut a = take(frame, arr);
    let table = a.array_mut().expect("an array literal").make_mut();
    let result = match k {
        Some(k) => {
            drop(table.insert(k, v));
            Ok(())
        }
        None => table.append(v).map(drop),
    };
    store(frame, arr, a);
    result.map_err(|_| occupied(frame))
}

fn occupied(frame: &mut Frame) -> PhpError {
    let msg = "Cannot add element to the array as the next element is already occupied";
    throw(frame, "Error", msg.into())
}

/// `arr[] = each value of src`: `...$src` among a call's arguments, collected in the array
/// being built in slot `arr`.
#[metajit::dont_look_inside]
pub fn spread(frame: &mut Frame, arr: usize, src: usize) -> Result<(), PhpError> {
    let entries: Vec<(ArrayKey, Zval)> = match borrow(frame, src).view() {
        View::Array(a) => a.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => {
            let msg = "Only arrays and Traversables can be unpacked";
            return Err(throw(frame, "Error", msg.into()));
        }
    };
    let mut a = take(frame, arr);
    let table = a.array_mut().expect("an argument list").make_mut();
    let mut result = Ok(());
    for (k, v) in entries {
        match k {
            // String keys are kept (named arguments, in a call).
            ArrayKey::Str(_) => drop(table.insert(k, v)),
            ArrayKey::Int(_) => {
                if table.iter().any(|(k, _)| matches!(k, ArrayKey::Str(_))) {
                    result =
                        Err("Cannot use positional argument after named argument during unpacking");
                    break;
                }
                let _ = table.append(v);
            }
        }
    }
    store(frame, arr, a);
    result.map_err(|m| throw(frame, "Error", m.into()))
}

/// `dst = base[key]`; `quiet` for `isset`/`empty`/`??` (no warnings, `null` when absent).
#[metajit::dont_look_inside]
pub fn fetch_dim(
    frame: &mut Frame,
    dst: usize,
    base: usize,
    key: usize,
    quiet: bool,
) -> Result<(), PhpError> {
    // The base may be a variable read in place: unset (with PHP's warning unless quiet) or
    // a reference.
    let mut b = crate::ops::vars::read_cv(frame, base);
    if matches!(b.view(), View::Undef) {
        if !quiet && base < frame.code.func.cvs.len() {
            crate::ops::vars::undefined(frame, base)?;
        }
        b = Zval::NULL;
    }
    let k = (*borrow(frame, key)).clone();
    let result = match b.view() {
        View::Array(a) => {
            let key = to_key(frame, &k)?;
            match a.get(key.as_ref()) {
                Some(v) => v.deref(),
                None => {
                    if !quiet {
                        undefined_key(frame, &key)?;
                    }
                    Zval::NULL
                }
            }
        }
        View::Str(s) => {
            let offset = match k.view() {
                View::Int(i) => Some(i),
                View::Str(t) => php_runtime::number::canonical_int(t.as_bytes()),
                View::Bool(b) => Some(i64::from(b)),
                View::Float(f) => Some(php_runtime::number::float_to_int(f)),
                _ => None,
            };
            let Some(i) = offset else {
                if quiet {
                    store(frame, dst, Zval::NULL);
                    return Ok(());
                }
                let msg = format!("Cannot access offset of type {} on string", type_name(&k));
                return Err(throw(frame, "TypeError", msg));
            };
            let len = s.len() as i64;
            let at = if i < 0 { i + len } else { i };
            if at < 0 || at >= len {
                if quiet {
                    Zval::NULL
                } else {
                    warn(frame, &format!("Uninitialized string offset {i}"))?;
                    Zval::str("")
                }
            } else {
                Zval::string(PhpString::new(&s.as_bytes()[at as usize..at as usize + 1]))
            }
        }
        _ => {
            if !quiet {
                let msg = format!(
                    "Trying to access array offset on value of type {}",
                    type_name(&b)
                );
                warn(frame, &msg)?;
            }
            Zval::NULL
        }
    };
    store(frame, dst, result);
    Ok(())
}

/// `dst = base[key]` for destructuring: like [`fetch_dim`] on arrays, `null` (silently) for
/// anything else.
#[metajit::dont_look_inside]
pub fn fetch_list(frame: &mut Frame, dst: usize, base: usize, key: usize) -> Result<(), PhpError> {
    if borrow(frame, base).tag() == tag::ARRAY {
        return fetch_dim(frame, dst, base, key, false);
    }
    store(frame, dst, Zval::NULL);
    Ok(())
}

/// Makes `v` an array to write into, as PHP does for `$v[...] = ...`: unset and `null`
/// become `[]` (and `false`, with PHP's deprecation); other scalars are an error.
fn writable<'a>(frame: &mut Frame, v: &'a mut Zval) -> Result<&'a mut PhpArray, PhpError> {
    match v.view() {
        View::Array(_) => {}
        View::Undef | View::Null => *v = Zval::array(PhpArray::new()),
        View::Bool(false) => {
            deprecated(
                frame,
                "Automatic conversion of false to array is deprecated",
            )?;
            *v = Zval::array(PhpArray::new());
        }
        View::Str(_) => {
            return Err(throw(
                frame,
                "Error",
                "string offsets are not supported yet".into(),
            ));
        }
        View::Object(o) => {
            let msg = format!("Cannot use object of type {} as array", o.class().display());
            return Err(throw(frame, "Error", msg));
        }
        _ => {
            let msg = "Cannot use a scalar value as an array";
            return Err(throw(frame, "Error", msg.into()));
        }
    }
    Ok(v.array_mut().expect("made an array"))
}

/// The keys in slots `keys..keys + n`.
fn keys_of(frame: &mut Frame, keys: usize, n: usize) -> Result<Vec<ArrayKey>, PhpError> {
    (0..n)
        .map(|i| {
            let k = (*borrow(frame, keys + i)).clone();
            to_key(frame, &k)
        })
        .collect()
}

/// Walks `root[k1]...[kn]` for writing (making arrays where PHP makes them) and calls `f` with
/// the innermost array and the last key (`None`: `[]`). Values replaced on the way are
/// returned for the caller to drop once the root is back in its slot.
fn write_path<R>(
    frame: &mut Frame,
    root: &mut Zval,
    keys: &[ArrayKey],
    last: Option<ArrayKey>,
    f: impl FnOnce(&mut Frame, &mut PhpArray, Option<ArrayKey>) -> Result<R, PhpError>,
) -> Result<R, PhpError> {
    let mut cur = root;
    for k in keys {
        let arr = writable(frame, cur)?;
        cur = through(arr.make_mut().entry(k.clone()));
    }
    let arr = writable(frame, cur)?;
    f(frame, arr, last)
}

/// The slot a value refers to when it is a PHP reference (the value itself otherwise), for
/// writing through it.
fn through(v: &mut Zval) -> &mut Zval {
    match v.view() {
        View::Ref(r) => {
            // SAFETY: the reference lives while `v` holds it, and the element holding `v` is
            // not rebound while the returned slot is in use (one write path at a time).
            unsafe { &mut *r.slot_ptr() }
        }
        _ => v,
    }
}

/// Stores `v` at `key` of `arr`, through the reference the element holds if it is one; the
/// old value is returned for the caller to drop.
fn store_element(arr: &mut PhpArray, key: ArrayKey, v: Zval) -> Option<Zval> {
    let t = arr.make_mut();
    if let Some(e) = t.get_mut(key.as_ref())
        && let View::Ref(r) = e.view()
    {
        return Some(r.replace(v));
    }
    t.insert(key, v)
}

/// `$cv[k1]...[kn] = val` (`append`: one more `[]` dimension).
#[metajit::dont_look_inside]
#[allow(clippy::too_many_arguments)]
pub fn assign_dim(
    frame: &mut Frame,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
    append: bool,
    val: usize,
) -> Result<(), PhpError> {
    let v = (*borrow(frame, val)).clone();
    let mut ks = keys_of(frame, keys, n)?;
    let last = if append { None } else { ks.pop() };
    let (mut root, r) = take_cv(frame, cv, prop)?;
    let result = write_path(frame, &mut root, &ks, last, |_, arr, last| {
        Ok(match last {
            Some(k) => Ok(store_element(arr, k, v)),
            None => arr.make_mut().append(v).map(|_| None),
        })
    });
    put_cv(frame, cv, root, r);
    match result? {
        Ok(old) => {
            drop(old);
            Ok(())
        }
        Err(_) => Err(occupied(frame)),
    }
}

/// Replaces the element `$cv[k1]...[kn]` by what `update` makes of its value (`null`, after
/// PHP's warning, when it is missing), writing through arrays as PHP does; `update` gives the
/// new value and the expression's result, which goes to `dst`.
fn update_element(
    frame: &mut Frame,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
    dst: usize,
    update: impl FnOnce(&mut Frame, &Zval) -> Result<(Zval, Zval), PhpError>,
) -> Result<(), PhpError> {
    let mut ks = keys_of(frame, keys, n)?;
    let last = ks.pop().expect("an element has a key");
    let (mut root, r) = take_cv(frame, cv, prop)?;
    let result = write_path(frame, &mut root, &ks, Some(last), |frame, arr, last| {
        let key = last.expect("a key");
        let old = match arr.get(key.as_ref()) {
            Some(o) => o.clone(),
            None => {
                undefined_key(frame, &key)?;
                Zval::NULL
            }
        };
        let (new, result) = update(frame, &old.deref())?;
        drop(store_element(arr, key, new));
        Ok(result)
    });
    put_cv(frame, cv, root, r);
    store(frame, dst, result?);
    Ok(())
}

/// `$cv[k1]...[kn] op= val`, the result to `dst`.
#[metajit::dont_look_inside]
#[allow(clippy::too_many_arguments)]
pub fn assign_dim_op(
    frame: &mut Frame,
    op: u8,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
    val: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let op = BinOp::ALL[op as usize];
    let v = (*borrow(frame, val)).clone();
    update_element(frame, cv, prop, keys, n, dst, |frame, old| {
        let new = compute(frame, op, old, &v)?;
        Ok((new.clone(), new))
    })
}

/// `++`/`--` on `$cv[k1]...[kn]`, the expression's value to `dst`.
#[metajit::dont_look_inside]
pub fn step_dim(
    frame: &mut Frame,
    step: u8,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let step = Step::ALL[step as usize];
    update_element(frame, cv, prop, keys, n, dst, |frame, old| {
        stepped(frame, step, old)
    })
}

/// `unset($cv[k1]...[kn])`: nothing happens where a dimension is missing.
#[metajit::dont_look_inside]
pub fn unset_dim(
    frame: &mut Frame,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
) -> Result<(), PhpError> {
    let ks = keys_of(frame, keys, n)?;
    let (mut root, r) = take_cv(frame, cv, prop)?;
    let mut removed = None;
    {
        let mut cur = &mut root;
        for (i, k) in ks.iter().enumerate() {
            let Some(arr) = cur.array_mut() else { break };
            if !arr.contains(k.as_ref()) {
                break;
            }
            if i + 1 == ks.len() {
                removed = arr.remove(k.as_ref());
                break;
            }
            cur = arr.make_mut().entry(k.clone());
        }
    }
    put_cv(frame, cv, root, r);
    drop(removed);
    Ok(())
}

/// `unset($cv)`.
#[metajit::dont_look_inside]
pub fn unset_cv(frame: &mut Frame, cv: usize) {
    drop(take(frame, cv));
}

/// Starts a `foreach` over slot `src`: `false` (after PHP's warning) when it is not an array
/// or an object. An object that is an `Iterator` stays in `src` (after `rewind()`); one that
/// is an `IteratorAggregate` is replaced by its iterator; any other is replaced by an array of
/// its properties visible here.
#[metajit::dont_look_inside]
pub fn iter_init(frame: &mut Frame, src: usize, pos: usize) -> Result<bool, PhpError> {
    let mut v = borrow(frame, src).deref();
    let mut depth = 0;
    while let View::Object(o) = v.view() {
        let o = o.clone();
        if o.class().is_a_name(b"iterator") {
            store(frame, src, v.clone());
            crate::ops::object::call_named(frame, &o, b"rewind")?;
            store(frame, pos, Zval::int(0));
            return Ok(true);
        }
        if o.class().is_a_name(b"iteratoraggregate") && depth < 32 {
            v = crate::ops::object::call_named(frame, &o, b"getIterator")?;
            depth += 1;
            if !matches!(v.view(), View::Object(x) if x.class().is_a_name(b"traversable")) {
                let msg = format!(
                    "{}::getIterator() must return a Traversable or implement interface Iterator",
                    o.class().display()
                );
                return Err(throw(frame, "Exception", msg));
            }
            continue;
        }
        let props = crate::ops::props::visible_props(frame, &o);
        store(frame, src, Zval::array(props));
        store(frame, pos, Zval::int(0));
        return Ok(true);
    }
    if v.tag() != tag::ARRAY {
        let msg = format!(
            "foreach() argument must be of type array|object, {} given",
            type_name(&v)
        );
        warn(frame, &msg)?;
        return Ok(false);
    }
    store(frame, pos, Zval::int(0));
    Ok(true)
}

/// The next entry of a `foreach`: `false` at the end.
#[metajit::dont_look_inside]
pub fn iter_next(
    frame: &mut Frame,
    src: usize,
    pos: usize,
    key: usize,
    val: usize,
) -> Result<bool, PhpError> {
    let a = borrow(frame, src);
    if let View::Object(o) = a.view() {
        let o = o.clone();
        return iter_next_object(frame, &o, pos, key, val);
    }
    let View::Array(arr) = a.view() else {
        return Ok(false);
    };
    let at = frame.slots[pos].bits as usize;
    let Some(p) = arr.live_from(at) else {
        return Ok(false);
    };
    let (k, v) = arr.at(p);
    let (k, v) = (k.to_zval(), v.deref());
    store(frame, pos, Zval::int(p as i64 + 1));
    if key != NONE as usize {
        crate::ops::vars::write_cv(frame, key, k);
    }
    crate::ops::vars::write_cv(frame, val, v);
    Ok(true)
}

/// [`iter_next`] over an `Iterator`: `next()` (but the first time), `valid()`, `current()`
/// and `key()`.
fn iter_next_object(
    frame: &mut Frame,
    o: &php_runtime::object::PhpObject,
    pos: usize,
    key: usize,
    val: usize,
) -> Result<bool, PhpError> {
    use crate::ops::object::call_named;
    if frame.slots[pos].bits != 0 {
        call_named(frame, o, b"next")?;
    }
    store(frame, pos, Zval::int(1));
    if !php_runtime::convert::to_bool(&call_named(frame, o, b"valid")?) {
        return Ok(false);
    }
    let v = call_named(frame, o, b"current")?;
    if key != NONE as usize {
        let k = call_named(frame, o, b"key")?;
        crate::ops::vars::write_cv(frame, key, k);
    }
    crate::ops::vars::write_cv(frame, val, v);
    Ok(true)
}

/// `dst =` a reference to `$cv[k1]...[kn]` (`append`: a new element), the element made a
/// reference where it is (a missing one is made `null` first).
#[metajit::dont_look_inside]
#[allow(clippy::too_many_arguments)]
pub fn make_ref_dim(
    frame: &mut Frame,
    dst: usize,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
    append: bool,
) -> Result<(), PhpError> {
    let mut ks = keys_of(frame, keys, n)?;
    let last = if append { None } else { ks.pop() };
    let (mut root, r) = take_cv(frame, cv, prop)?;
    let result = write_path(frame, &mut root, &ks, last, |frame, arr, last| {
        let t = arr.make_mut();
        let key = match last {
            Some(k) => k,
            None => match t.append(Zval::NULL) {
                Ok(i) => ArrayKey::Int(i),
                Err(_) => return Err(occupied(frame)),
            },
        };
        let e = t.entry(key);
        if let View::Ref(r) = e.view() {
            return Ok(r.clone());
        }
        let v = std::mem::replace(e, Zval::UNDEF);
        let v = if matches!(v.view(), View::Undef) {
            Zval::NULL
        } else {
            v
        };
        let r = PhpRef::new(v);
        *e = Zval::reference(r.clone());
        Ok(r)
    });
    put_cv(frame, cv, root, r);
    store(frame, dst, Zval::reference(result?));
    Ok(())
}

/// `$cv[k1]...[kn] = &...`: the element becomes the reference (or value) in slot `src`.
#[metajit::dont_look_inside]
#[allow(clippy::too_many_arguments)]
pub fn assign_ref_dim(
    frame: &mut Frame,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
    append: bool,
    src: usize,
) -> Result<(), PhpError> {
    let v = (*borrow(frame, src)).clone();
    let mut ks = keys_of(frame, keys, n)?;
    let last = if append { None } else { ks.pop() };
    let (mut root, r) = take_cv(frame, cv, prop)?;
    let result = write_path(frame, &mut root, &ks, last, |frame, arr, last| match last {
        Some(k) => Ok(arr.make_mut().insert(k, v)),
        None => match arr.make_mut().append(v) {
            Ok(_) => Ok(None),
            Err(_) => Err(occupied(frame)),
        },
    });
    put_cv(frame, cv, root, r);
    drop(result?);
    Ok(())
}

/// The reference a `foreach` by reference walks through (its slot `src`).
fn loop_ref(frame: &Frame, src: usize) -> Option<PhpRef> {
    match borrow(frame, src).view() {
        View::Ref(r) => Some(r.clone()),
        _ => None,
    }
}

/// Starts a `foreach` by reference: `false` (after PHP's warning) when what the reference
/// in `src` refers to is not an array.
#[metajit::dont_look_inside]
pub fn iter_init_ref(frame: &mut Frame, src: usize, pos: usize) -> Result<bool, PhpError> {
    let v = loop_ref(frame, src).map_or(Zval::NULL, |r| r.get());
    if v.tag() != tag::ARRAY {
        let msg = format!(
            "foreach() argument must be of type array|object, {} given",
            type_name(&v)
        );
        warn(frame, &msg)?;
        return Ok(false);
    }
    store(frame, pos, Zval::int(0));
    Ok(true)
}

/// The next entry of a `foreach` by reference: `$val` is bound to the element, made a
/// reference; `false` at the end.
#[metajit::dont_look_inside]
pub fn iter_next_ref(frame: &mut Frame, src: usize, pos: usize, key: usize, val: usize) -> bool {
    let Some(r) = loop_ref(frame, src) else {
        return false;
    };
    let mut a = r.replace(Zval::UNDEF);
    let at = frame.slots[pos].bits as usize;
    let found = match a.array_mut() {
        Some(arr) if arr.live_from(at).is_some() => {
            let t = arr.make_mut();
            let p = t.live_from(at).expect("checked");
            let k = t.at(p).0.to_zval();
            let e = t.at_mut(p);
            let elem = match e.view() {
                View::Ref(x) => x.clone(),
                _ => {
                    let x = PhpRef::new(std::mem::replace(e, Zval::NULL));
                    *e = Zval::reference(x.clone());
                    x
                }
            };
            Some((p, k, elem))
        }
        _ => None,
    };
    drop(r.replace(a));
    let Some((p, k, elem)) = found else {
        return false;
    };
    store(frame, pos, Zval::int(p as i64 + 1));
    if key != NONE as usize {
        crate::ops::vars::write_cv(frame, key, k);
    }
    store(frame, val, Zval::reference(elem));
    true
}
