//! Arrays: literals, element reads and writes (nested, with PHP's autovivification), `unset`
//! and `foreach` by value. All residual calls: arrays are heap values with copy-on-write.

use crate::ops::arith::{compute, lossy_int, type_name};
use crate::ops::array_access::{self, Path, Write};
use crate::ops::dim_plan::{Last, Purpose, plan};
use crate::ops::str_offset::{self, Access};
use crate::ops::vars::{deprecated, stepped, throw, warn};
use crate::ops::{borrow, store};
use crate::vm::Frame;
use php_compiler::{BinOp, NONE, Step};
use php_runtime::PhpError;
use php_runtime::value::PhpRef;
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpString, Value, Zval, tag};

/// The array key a value makes: ints and canonical numeric strings are int keys, floats are
/// truncated (with PHP's deprecation when that loses precision), `true`/`false` are 1/0 and
/// `null` is `""`.
pub(crate) fn to_key(frame: &mut Frame, v: &Zval) -> Result<ArrayKey, PhpError> {
    Ok(match v.view() {
        View::Int(i) => ArrayKey::Int(i),
        View::Str(s) => ArrayKey::from_string(s.clone()),
        View::Bool(b) => ArrayKey::Int(i64::from(b)),
        View::Undef | View::Null => ArrayKey::Str(PhpString::from("")),
        View::Float(f) => ArrayKey::Int(lossy_int(frame, f)?),
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

/// PHP's error for an object (without `ArrayAccess`) used as an array.
fn not_an_array(frame: &mut Frame, o: &php_runtime::object::PhpObject) -> PhpError {
    let msg = format!("Cannot use object of type {} as array", o.class().display());
    throw(frame, "Error", msg)
}

/// Whether `k` cannot be an array key (an array or an object).
pub(crate) fn illegal_key(k: &Zval) -> bool {
    matches!(k.deref().view(), View::Array(_) | View::Object(_))
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
    Prop(crate::ops::props::PropPlace, Option<PhpRef>),
}

/// The value of variable `cv` (or, when `prop` is not `NONE`, of the property named by slot
/// `prop` of the object in `cv`) taken out for writing through (from its reference if it has
/// one), and where it goes back.
fn take_cv(frame: &mut Frame, cv: usize, prop: usize) -> Result<(Zval, Root), PhpError> {
    if prop != NONE as usize {
        let (place, v) = crate::ops::props::take_prop(frame, cv, prop)?;
        if let View::Ref(r) = v.view() {
            let r = r.clone();
            crate::ops::props::put_prop(&place, v);
            let inner = r.replace(Zval::UNDEF);
            return Ok((inner, Root::Prop(place, Some(r))));
        }
        return Ok((v, Root::Prop(place, None)));
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
        Root::Ref(r) | Root::Prop(_, Some(r)) => drop(r.replace(v)),
        Root::Prop(place, None) => crate::ops::props::put_prop(&place, v),
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
    let mut k = borrow(frame, key).deref();
    if matches!(k.view(), View::Undef) {
        if !quiet && key < frame.code.func.cvs.len() {
            crate::ops::vars::undefined(frame, key)?;
        }
        k = Zval::NULL;
    }
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
            let access = if quiet { Access::Quiet } else { Access::Read };
            str_offset::read(frame, s, &k, access)?
        }
        View::Object(o) => {
            let o = o.clone();
            array_access::read(frame, &o, &k, quiet)?
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

/// `dst = base[key]` as `isset`/`empty` test it: [`fetch_dim`] quietly, but a string offset
/// is only set for an int-like offset inside the string.
#[metajit::dont_look_inside]
pub fn isset_dim(frame: &mut Frame, dst: usize, base: usize, key: usize) -> Result<(), PhpError> {
    let b = crate::ops::vars::read_cv(frame, base);
    if let View::Object(o) = b.view() {
        let k = borrow(frame, key).deref();
        let r = array_access::isset(frame, o, &k, false)?;
        store(frame, dst, r);
        return Ok(());
    }
    let View::Str(s) = b.view() else {
        if b.tag() == tag::ARRAY && illegal_key(&borrow(frame, key)) {
            let msg = "Illegal offset type in isset or empty";
            return Err(throw(frame, "TypeError", msg.into()));
        }
        return fetch_dim(frame, dst, base, key, true);
    };
    let k = borrow(frame, key).deref();
    let result = str_offset::isset_read(frame, s, &k)?;
    store(frame, dst, result);
    Ok(())
}

/// `dst = base[key]` for destructuring: like [`fetch_dim`] on arrays, PHP's error for an
/// object, `null` (silently) for anything else.
#[metajit::dont_look_inside]
pub fn fetch_list(frame: &mut Frame, dst: usize, base: usize, key: usize) -> Result<(), PhpError> {
    if matches!(borrow(frame, base).tag(), tag::ARRAY | tag::OBJECT) {
        return fetch_dim(frame, dst, base, key, false);
    }
    if let View::Object(o) = borrow(frame, base).view() {
        let msg = format!("Cannot use object of type {} as array", o.class().display());
        return Err(throw(frame, "Error", msg));
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
        // A string the plan did not see (a `__get` gave it).
        View::Str(_) => {
            let msg = "Cannot use string offset as an array";
            return Err(throw(frame, "Error", msg.into()));
        }
        View::Object(o) => return Err(not_an_array(frame, o)),
        _ => {
            let msg = "Cannot use a scalar value as an array";
            return Err(throw(frame, "Error", msg.into()));
        }
    }
    Ok(v.array_mut().expect("made an array"))
}

/// The element `root[k1]...[kn]` when the path exists through arrays (and references), for
/// writing through it.
fn existing_path<'a>(root: &'a mut Zval, keys: &[ArrayKey]) -> Option<&'a mut Zval> {
    let mut cur = through(root);
    for k in keys {
        let arr = cur.array_mut()?;
        if !arr.contains(k.as_ref()) {
            return None;
        }
        cur = through(arr.make_mut().get_mut(k.as_ref())?);
    }
    Some(cur)
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
    let mut path = Path { cv, prop, keys, n };
    if array_access::redirect(frame, &mut path, append, &Write::Assign(&v.deref()))? {
        return Ok(());
    }
    let Path { cv, prop, keys, n } = path;
    let plan = plan(frame, cv, prop, keys, n, append, Purpose::Assign, &v)?;
    let (ks, last) = match plan.last {
        Last::Element(last) => (plan.keys, last),
        Last::Byte { id, at, byte } => {
            let (mut root, r) = take_cv(frame, cv, prop)?;
            let stored = existing_path(&mut root, &plan.keys)
                .map_or(Zval::NULL, |s| str_offset::store_byte(s, id, at, byte));
            put_cv(frame, cv, root, r);
            assigned_byte(frame, val, stored);
            return Ok(());
        }
        Last::Nothing | Last::IllegalKey => {
            assigned_byte(frame, val, Zval::NULL);
            return Ok(());
        }
    };
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

/// The value of an assignment to a string offset: the byte stored (`null` if none), in place
/// of the value assigned when that is in a temporary (the compiler puts it in one).
fn assigned_byte(frame: &mut Frame, val: usize, v: Zval) {
    if val >= frame.code.func.cvs.len() {
        store(frame, val, v);
    }
}

/// Replaces the element `$cv[k1]...[kn]` by what `update` makes of its value (`null`, after
/// PHP's warning, when it is missing), writing through arrays as PHP does; `update` gives the
/// new value and the expression's result, which goes to `dst`.
#[allow(clippy::too_many_arguments)]
fn update_element(
    frame: &mut Frame,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
    dst: usize,
    purpose: Purpose,
    update: impl FnOnce(&mut Frame, &Zval) -> Result<(Zval, Zval), PhpError>,
) -> Result<(), PhpError> {
    let plan = plan(frame, cv, prop, keys, n, false, purpose, &Zval::NULL)?;
    let Last::Element(Some(last)) = plan.last else {
        // Strings only take `=`: the plan gave PHP's error for anything else.
        return Ok(());
    };
    let (mut root, r) = take_cv(frame, cv, prop)?;
    let result = write_path(
        frame,
        &mut root,
        &plan.keys,
        Some(last),
        |frame, arr, last| {
            let Some(key) = last else {
                return Ok(Zval::NULL);
            };
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
        },
    );
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
    let mut path = Path { cv, prop, keys, n };
    if array_access::redirect(frame, &mut path, false, &Write::Op(op, &v.deref(), dst))? {
        return Ok(());
    }
    let Path { cv, prop, keys, n } = path;
    update_element(
        frame,
        cv,
        prop,
        keys,
        n,
        dst,
        Purpose::AssignOp,
        |frame, old| {
            let new = compute(frame, op, old, &v)?;
            Ok((new.clone(), new))
        },
    )
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
    let mut path = Path { cv, prop, keys, n };
    if array_access::redirect(frame, &mut path, false, &Write::Step(step, dst))? {
        return Ok(());
    }
    let Path { cv, prop, keys, n } = path;
    update_element(
        frame,
        cv,
        prop,
        keys,
        n,
        dst,
        Purpose::Step,
        |frame, old| stepped(frame, step, old),
    )
}

/// What `unset($cv[k1]...[kn])` met on its path.
enum Unsetting {
    /// The element, removed (`None`: it was missing).
    Removed(Option<Zval>),
    /// A missing dimension, `null` or a string (nothing to do).
    Nothing,
    /// `false` (PHP's deprecation).
    False,
    /// An object (without `ArrayAccess`): its class.
    Object(String),
    /// Another scalar: PHP's error.
    Scalar,
    /// An array, and an illegal last key.
    IllegalKey,
}

/// Walks `root[k1]...[kn]` for `unset`, removing the last element (`last`: its key, `None`
/// when it is illegal).
fn unset_path(root: &mut Zval, keys: &[ArrayKey], last: Option<&ArrayKey>) -> Unsetting {
    let mut cur = through(root);
    let mut i = 0;
    loop {
        match cur.view() {
            View::Array(_) => {}
            View::Undef | View::Null | View::Str(_) => return Unsetting::Nothing,
            View::Bool(false) => return Unsetting::False,
            View::Object(o) => return Unsetting::Object(o.class().display()),
            _ => return Unsetting::Scalar,
        }
        let Some(arr) = cur.array_mut() else {
            return Unsetting::Nothing;
        };
        let Some(k) = keys.get(i).or(last) else {
            return Unsetting::IllegalKey;
        };
        if !arr.contains(k.as_ref()) {
            return Unsetting::Nothing;
        }
        if i == keys.len() {
            return Unsetting::Removed(arr.remove(k.as_ref()));
        }
        let Some(next) = arr.make_mut().get_mut(k.as_ref()) else {
            return Unsetting::Nothing;
        };
        cur = through(next);
        i += 1;
    }
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
    if prop == NONE as usize
        && cv < frame.code.func.cvs.len()
        && matches!(crate::ops::vars::read_cv(frame, cv).view(), View::Undef)
    {
        return crate::ops::vars::undefined(frame, cv);
    }
    let mut path = Path { cv, prop, keys, n };
    if array_access::redirect(frame, &mut path, false, &Write::Unset)? {
        return Ok(());
    }
    let Path { cv, prop, keys, n } = path;
    let plan = plan(frame, cv, prop, keys, n, false, Purpose::Unset, &Zval::NULL)?;
    let last = match plan.last {
        Last::Element(Some(last)) => Some(last),
        Last::IllegalKey => None,
        _ => return Ok(()),
    };
    let (mut root, r) = take_cv(frame, cv, prop)?;
    let outcome = unset_path(&mut root, &plan.keys, last.as_ref());
    put_cv(frame, cv, root, r);
    match outcome {
        Unsetting::Removed(removed) => drop(removed),
        Unsetting::Nothing => {}
        Unsetting::False => deprecated(
            frame,
            "Automatic conversion of false to array is deprecated",
        )?,
        Unsetting::Object(class) => {
            let msg = format!("Cannot use object of type {class} as array");
            return Err(throw(frame, "Error", msg));
        }
        Unsetting::Scalar => {
            let msg = "Cannot unset offset in a non-array variable";
            return Err(throw(frame, "Error", msg.into()));
        }
        Unsetting::IllegalKey => {
            let msg = "Illegal offset type in unset";
            return Err(throw(frame, "TypeError", msg.into()));
        }
    }
    Ok(())
}

/// `unset($cv)`.
#[metajit::dont_look_inside]
pub fn unset_cv(frame: &mut Frame, cv: usize) {
    drop(take(frame, cv));
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
    let mut path = Path { cv, prop, keys, n };
    if array_access::redirect(frame, &mut path, append, &Write::Ref(dst))? {
        return Ok(());
    }
    let Path { cv, prop, keys, n } = path;
    let plan = plan(frame, cv, prop, keys, n, append, Purpose::Ref, &Zval::NULL)?;
    let Last::Element(last) = plan.last else {
        return Ok(());
    };
    let ks = plan.keys;
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

/// `dst = $cv[k1]...[kn]` (`append`: a new element) as the object of a property write
/// (`$a[k]->p = ...`): PHP's fetch for writing, which makes the element (`null`, without a
/// warning, or after PHP's warning with `warn`) and the arrays on its way when `create`, and
/// only reads them otherwise (for `unset`). A string offset there is PHP's error.
#[metajit::dont_look_inside]
#[allow(clippy::too_many_arguments)]
pub fn fetch_dim_obj(
    frame: &mut Frame,
    dst: usize,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
    append: bool,
    create: bool,
    warn: bool,
) -> Result<(), PhpError> {
    if n == 0 && !append {
        // No dimension (`$GLOBALS['name']`, whose variable is the root): the root itself.
        let v = crate::ops::vars::read_cv(frame, cv);
        store(frame, dst, v);
        return Ok(());
    }
    let mut path = Path { cv, prop, keys, n };
    if array_access::redirect(frame, &mut path, append, &Write::Object(dst))? {
        return Ok(());
    }
    let Path { cv, prop, keys, n } = path;
    let plan = plan(
        frame,
        cv,
        prop,
        keys,
        n,
        append,
        Purpose::Object,
        &Zval::NULL,
    )?;
    let Last::Element(last) = plan.last else {
        store(frame, dst, Zval::NULL);
        return Ok(());
    };
    let (mut root, r) = take_cv(frame, cv, prop)?;
    let result = if create {
        write_path(frame, &mut root, &plan.keys, last, |frame, arr, last| {
            let t = arr.make_mut();
            let key = match last {
                Some(k) => k,
                None => match t.append(Zval::NULL) {
                    Ok(i) => ArrayKey::Int(i),
                    Err(_) => return Err(occupied(frame)),
                },
            };
            let missing = !t.contains(key.as_ref());
            let e = t.entry(key.clone());
            Ok((e.deref(), missing.then_some(key)))
        })
    } else {
        let mut path = plan.keys;
        path.extend(last);
        Ok((
            existing_path(&mut root, &path).map_or(Zval::NULL, |v| v.deref()),
            None,
        ))
    };
    put_cv(frame, cv, root, r);
    let (v, missing) = result?;
    store(frame, dst, v);
    match missing {
        Some(key) if warn => undefined_key(frame, &key),
        _ => Ok(()),
    }
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
    let mut path = Path { cv, prop, keys, n };
    if array_access::redirect(frame, &mut path, append, &Write::AssignRef)? {
        return Ok(());
    }
    let Path { cv, prop, keys, n } = path;
    let plan = plan(frame, cv, prop, keys, n, append, Purpose::Ref, &Zval::NULL)?;
    let Last::Element(last) = plan.last else {
        return Ok(());
    };
    let ks = plan.keys;
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
