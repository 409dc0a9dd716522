//! Properties: reads (with `__get`), writes (with `__set`, PHP's deprecation for dynamic
//! properties and typed-property checks), `op=` and `++`/`--`, `isset`, `unset` (with
//! `__unset`), references to properties, and the visibility rules for each.
//!
//! A name is first resolved for the scope of the running code ([`target`]): to a slot of the
//! object's table (a declared property, keyed by its declaring class when private, or a
//! dynamic one) or to a declared property the scope may not use. A property that was
//! `unset()` leaves the table (set again, it comes last); magic methods serve it meanwhile.
//! A typed property not initialized yet is not in the table either, so unlike PHP they serve
//! it too.

use crate::ops::magic::{self, Magic};
use crate::ops::object::{error, name_in, visibility_word, visible};
use crate::ops::vars::{notice, warn};
use crate::ops::{borrow, store};
use crate::vm::{Frame, vm_of};
use php_compiler::{BinOp, Step};
use php_runtime::object::{PhpObject, PropAccess, PropInfo, flags, prop_key};
use php_runtime::value::{PhpRef, View};
use php_runtime::{ArrayKey, PhpError, Zval};

/// The object in slot `obj` for a property access, or the type of what is there instead.
fn object_in(frame: &Frame, obj: usize) -> Result<PhpObject, Zval> {
    let v = borrow(frame, obj).deref();
    match v.view() {
        View::Object(o) => Ok(o.clone()),
        _ => Err(v),
    }
}

/// Where a property name leads for the running code.
enum Target {
    /// A slot of the object's table: its key and the declaration (`None`: dynamic).
    Slot(ArrayKey, Option<&'static PropInfo>),
    /// A declared property the code may not use.
    Denied(&'static PropInfo),
}

/// Resolves property `name` of `o` for the code of the frame, with PHP's notice for a
/// static property's name unless `silent` (a magic method may serve it, or `isset`).
fn target(frame: &mut Frame, o: &PhpObject, name: &[u8], silent: bool) -> Result<Target, PhpError> {
    if name.first() == Some(&0) {
        let msg = "Cannot access property starting with \"\\0\"".to_string();
        return Err(error(frame, "Error", msg));
    }
    let class: &'static php_runtime::object::Class = o.class();
    Ok(match class.access(frame.code.class(), name) {
        PropAccess::Declared(p) => Target::Slot(p.key(), Some(p)),
        PropAccess::Dynamic => {
            if !silent
                && let Some(sp) = class.statics.get(name)
                && visible(vm_of(frame), frame.code.class(), sp.flags, sp.class)
            {
                let msg = format!(
                    "Accessing static property {}::${} as non static",
                    class.display(),
                    String::from_utf8_lossy(name)
                );
                notice(frame, &msg)?;
            }
            Target::Slot(prop_key(name), None)
        }
        PropAccess::Denied(p) => Target::Denied(p),
    })
}

/// PHP's error for a property the code may not use.
fn denied(frame: &mut Frame, o: &PhpObject, p: &PropInfo) -> PhpError {
    let msg = format!(
        "Cannot access {} property {}::${}",
        visibility_word(p.flags),
        o.class().display(),
        String::from_utf8_lossy(&p.name)
    );
    error(frame, "Error", msg)
}

fn typed(decl: Option<&PropInfo>) -> bool {
    decl.is_some_and(|p| crate::ops::types::prop_type(p).is_some())
}

/// What a slot holds: a value or nothing.
enum Held {
    Value(Zval),
    Absent,
}

fn held(o: &PhpObject, key: &ArrayKey) -> Held {
    match o.props().get(key.as_ref()) {
        Some(v) => Held::Value(v.clone()),
        None => Held::Absent,
    }
}

fn undefined(frame: &mut Frame, o: &PhpObject, name: &[u8]) -> Result<(), PhpError> {
    let msg = format!(
        "Undefined property: {}::${}",
        o.class().display(),
        String::from_utf8_lossy(name)
    );
    warn(frame, &msg)
}

/// Reads property `name` of `o` as `$o->name` does (`__get`, warnings and errors).
pub fn read(frame: &mut Frame, o: &PhpObject, name: &[u8]) -> Result<Zval, PhpError> {
    let decl = match target(frame, o, name, magic::has(o, Magic::Get))? {
        Target::Slot(key, decl) => {
            if let Held::Value(v) = held(o, &key) {
                return Ok(v.deref());
            }
            decl
        }
        Target::Denied(p) => match magic::call(frame, o, Magic::Get, name, None)? {
            Some(r) => return Ok(r.deref()),
            None => return Err(denied(frame, o, p)),
        },
    };
    if let Some(r) = magic::call(frame, o, Magic::Get, name, None)? {
        return Ok(r.deref());
    }
    if typed(decl)
        && let Some(e) = crate::ops::types::uninit_error(frame, o, name)
    {
        return Err(e);
    }
    undefined(frame, o, name)?;
    Ok(Zval::NULL)
}

/// Reads property `name` of `o` for `??` and the inner parts of `isset`: no warnings,
/// `__isset` then `__get` for a property not reached.
pub fn read_quiet(frame: &mut Frame, o: &PhpObject, name: &[u8]) -> Result<Zval, PhpError> {
    if name.first() == Some(&0) {
        return Ok(Zval::NULL);
    }
    if let Target::Slot(key, _) = target(frame, o, name, true)?
        && let Held::Value(v) = held(o, &key)
    {
        return Ok(v.deref());
    }
    if magic::available(o, name, Magic::Isset) {
        let set = magic::call(frame, o, Magic::Isset, name, None)?;
        if !set.is_some_and(|v| php_runtime::convert::to_bool(&v)) {
            return Ok(Zval::NULL);
        }
    }
    Ok(magic::call(frame, o, Magic::Get, name, None)?.map_or(Zval::NULL, |r| r.deref()))
}

/// `dst =` property `name` of `obj` as `isset` tests it: its value when the code reaches
/// one, else `true` or `null` as `__isset` says.
#[metajit::dont_look_inside]
pub fn isset_prop(frame: &mut Frame, dst: usize, obj: usize, name: usize) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let Ok(o) = object_in(frame, obj) else {
        store(frame, dst, Zval::NULL);
        return Ok(());
    };
    if pname.first() != Some(&0)
        && let Target::Slot(key, _) = target(frame, &o, &pname, true)?
        && let Held::Value(v) = held(&o, &key)
    {
        store(frame, dst, v.deref());
        return Ok(());
    }
    let set = magic::call(frame, &o, Magic::Isset, &pname, None)?;
    let v = match set.is_some_and(|v| php_runtime::convert::to_bool(&v)) {
        true => Zval::bool(true),
        false => Zval::NULL,
    };
    store(frame, dst, v);
    Ok(())
}

/// `dst = obj->name`.
#[metajit::dont_look_inside]
pub fn fetch_prop(
    frame: &mut Frame,
    dst: usize,
    obj: usize,
    name: usize,
    quiet: bool,
) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(v) => {
            if !quiet {
                let msg = format!(
                    "Attempt to read property \"{}\" on {}",
                    String::from_utf8_lossy(&pname),
                    php_runtime::convert::type_name(&v)
                );
                warn(frame, &msg)?;
            }
            store(frame, dst, Zval::NULL);
            return Ok(());
        }
    };
    let v = match quiet {
        true => read_quiet(frame, &o, &pname)?,
        false => read(frame, &o, &pname)?,
    };
    store(frame, dst, v);
    Ok(())
}

/// Stores `v` in property `name` of `o` (through a reference if the property holds one),
/// with `__set` and PHP's deprecation for a new dynamic property.
pub fn write(frame: &mut Frame, o: &PhpObject, name: &[u8], v: Zval) -> Result<(), PhpError> {
    let (key, decl) = match target(frame, o, name, magic::has(o, Magic::Set))? {
        Target::Slot(key, decl) => (key, decl),
        Target::Denied(p) => {
            return match magic::call(frame, o, Magic::Set, name, Some(v))? {
                Some(_) => Ok(()),
                None => Err(denied(frame, o, p)),
            };
        }
    };
    let h = held(o, &key);
    let missing = !matches!(h, Held::Value(_));
    if missing && magic::available(o, name, Magic::Set) {
        magic::call(frame, o, Magic::Set, name, Some(v))?;
        return Ok(());
    }
    let v = match decl {
        Some(_) => crate::ops::types::check_prop(frame, o, name, v)?,
        None => v,
    };
    match h {
        Held::Value(ref c) if let View::Ref(r) = c.view() => drop(r.replace(v)),
        Held::Absent if decl.is_none() => {
            dynamic_deprecation(frame, o, name)?;
            drop(o.props_mut().insert(key, v));
        }
        Held::Absent => drop(o.props_mut().revive(key, v)),
        _ => drop(o.props_mut().insert(key, v)),
    }
    Ok(())
}

/// PHP 8.2's deprecation for creating a dynamic property of a class that does not allow
/// them.
fn dynamic_deprecation(frame: &mut Frame, o: &PhpObject, name: &[u8]) -> Result<(), PhpError> {
    if o.class().flags & flags::DYNAMIC != 0 {
        return Ok(());
    }
    // A readonly class (and `SensitiveParameterValue`) has none at all.
    if o.class().flags & flags::READONLY != 0 {
        let msg = format!(
            "Cannot create dynamic property {}::${}",
            o.class().display(),
            String::from_utf8_lossy(name)
        );
        return Err(error(frame, "Error", msg));
    }
    let msg = format!(
        "Creation of dynamic property {}::${} is deprecated",
        o.class().display(),
        String::from_utf8_lossy(name)
    );
    crate::ops::vars::deprecated(frame, &msg)
}

fn not_an_object(frame: &mut Frame, what: &str, name: &[u8], v: &Zval) -> PhpError {
    let msg = format!(
        "Attempt to {what} property \"{}\" on {}",
        String::from_utf8_lossy(name),
        php_runtime::convert::type_name(v)
    );
    error(frame, "Error", msg)
}

/// `obj->name = val`.
#[metajit::dont_look_inside]
pub fn assign_prop(frame: &mut Frame, obj: usize, name: usize, val: usize) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let v = borrow(frame, val).deref();
    match object_in(frame, obj) {
        Ok(o) => write(frame, &o, &pname, v),
        Err(t) => Err(not_an_object(frame, "assign", &pname, &t)),
    }
}

/// Replaces property `name` of the object in `obj` by what `update` makes of its value (read
/// and written back as `$o->name` would be: `__get`, then `__set`); the expression's result
/// goes to `dst`.
fn update_prop(
    frame: &mut Frame,
    obj: usize,
    name: usize,
    dst: usize,
    update: impl FnOnce(&mut Frame, &Zval) -> Result<(Zval, Zval), PhpError>,
) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(t) => return Err(not_an_object(frame, "assign", &pname, &t)),
    };
    let old = read(frame, &o, &pname)?;
    let (new, result) = update(frame, &old)?;
    write(frame, &o, &pname, new)?;
    store(frame, dst, result);
    Ok(())
}

/// `obj->name op= val`.
#[metajit::dont_look_inside]
pub fn assign_prop_op(
    frame: &mut Frame,
    op: u8,
    obj: usize,
    name: usize,
    val: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let op = BinOp::ALL[op as usize];
    let v = borrow(frame, val).deref();
    update_prop(frame, obj, name, dst, |frame, old| {
        let new = crate::ops::arith::compute(frame, op, old, &v)?;
        Ok((new.clone(), new))
    })
}

/// `++`/`--` on `obj->name`.
#[metajit::dont_look_inside]
pub fn step_prop(
    frame: &mut Frame,
    step: u8,
    obj: usize,
    name: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let step = Step::ALL[step as usize];
    update_prop(frame, obj, name, dst, |frame, old| {
        crate::ops::vars::stepped(frame, step, old)
    })
}

/// `unset(obj->name)`.
#[metajit::dont_look_inside]
pub fn unset_prop(frame: &mut Frame, obj: usize, name: usize) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let Ok(o) = object_in(frame, obj) else {
        return Ok(());
    };
    let key = match target(frame, &o, &pname, magic::has(&o, Magic::Unset))? {
        Target::Slot(key, _) => key,
        Target::Denied(p) => {
            return match magic::call(frame, &o, Magic::Unset, &pname, None)? {
                Some(_) => Ok(()),
                None => Err(denied(frame, &o, p)),
            };
        }
    };
    match held(&o, &key) {
        Held::Value(_) => drop(o.props_mut().remove(key.as_ref())),
        Held::Absent => drop(magic::call(frame, &o, Magic::Unset, &pname, None)?),
    }
    Ok(())
}

/// Where a property written through lives.
pub struct PropPlace {
    obj: PhpObject,
    /// The key in the object's table; `None` for the value `__get` gave (writes to it are
    /// lost, as PHP's notice says).
    key: Option<ArrayKey>,
}

/// Takes property `name` of the object in slot `obj` out for writing its elements (an unset
/// property reads as unset; `__get`'s value for one reached through magic); [`put_prop`]
/// puts it back.
pub fn take_prop(
    frame: &mut Frame,
    obj: usize,
    name: usize,
) -> Result<(PropPlace, Zval), PhpError> {
    let pname = name_in(frame, name);
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(t) => return Err(not_an_object(frame, "modify", &pname, &t)),
    };
    let key = match for_write(frame, &o, &pname)? {
        Ok(key) => key,
        Err(v) => return Ok((PropPlace { obj: o, key: None }, v)),
    };
    let v = match o.props_mut().get_mut(key.as_ref()) {
        // `null`, not unset: an unset entry would leave the table and lose its position.
        Some(slot) => std::mem::replace(slot, Zval::NULL),
        None => Zval::UNDEF,
    };
    Ok((
        PropPlace {
            obj: o,
            key: Some(key),
        },
        v,
    ))
}

/// Puts back what [`take_prop`] took.
pub fn put_prop(place: &PropPlace, v: Zval) {
    if let Some(key) = &place.key {
        drop(place.obj.props_mut().insert(key.clone(), v));
    }
}

/// Resolves property `name` of `o` for writing through it (PHP's `get_property_ptr_ptr`):
/// the key of its slot, or (`Err`) the value `__get` gave for one reached through magic,
/// with PHP's notice when writes to it are lost.
fn for_write(
    frame: &mut Frame,
    o: &PhpObject,
    name: &[u8],
) -> Result<Result<ArrayKey, Zval>, PhpError> {
    let (key, decl) = match target(frame, o, name, magic::has(o, Magic::Get))? {
        Target::Slot(key, decl) => (key, decl),
        Target::Denied(p) => {
            return match magic::get_for_write(frame, o, name)? {
                Some(r) => overloaded(frame, o, name, r).map(Err),
                None => Err(denied(frame, o, p)),
            };
        }
    };
    if let Held::Value(_) = held(o, &key) {
        return Ok(Ok(key));
    }
    if let Some(r) = magic::get_for_write(frame, o, name)? {
        return overloaded(frame, o, name, r).map(Err);
    }
    if decl.is_none() {
        dynamic_deprecation(frame, o, name)?;
    }
    Ok(Ok(key))
}

/// What `__get` gave for writing through: PHP's notice when writes to it are lost (it is
/// neither a reference nor an object).
fn overloaded(frame: &mut Frame, o: &PhpObject, name: &[u8], r: Zval) -> Result<Zval, PhpError> {
    if !matches!(r.view(), View::Ref(_) | View::Object(_)) {
        let msg = format!(
            "Indirect modification of overloaded property {}::${} has no effect",
            o.class().display(),
            String::from_utf8_lossy(name)
        );
        notice(frame, &msg)?;
    }
    Ok(r)
}

/// `dst =` a reference to property `name` of the object in `obj`, made a reference where it
/// is (a missing one is made `null` first).
#[metajit::dont_look_inside]
pub fn make_ref_prop(
    frame: &mut Frame,
    dst: usize,
    obj: usize,
    name: usize,
) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(t) => return Err(not_an_object(frame, "modify", &pname, &t)),
    };
    let key = match for_write(frame, &o, &pname)? {
        Ok(key) => key,
        Err(v) => {
            let r = match v.view() {
                View::Ref(r) => r.clone(),
                _ => PhpRef::new(v),
            };
            store(frame, dst, Zval::reference(r));
            return Ok(());
        }
    };
    let r = {
        let e = o.props_mut().entry(key);
        match e.view() {
            View::Ref(r) => r.clone(),
            _ => {
                let v = std::mem::replace(e, Zval::NULL);
                let v = if matches!(v.view(), View::Undef) {
                    Zval::NULL
                } else {
                    v
                };
                let r = PhpRef::new(v);
                *e = Zval::reference(r.clone());
                r
            }
        }
    };
    store(frame, dst, Zval::reference(r));
    Ok(())
}

/// `obj->name = &...`: the property becomes the reference (or value) in slot `src`.
#[metajit::dont_look_inside]
pub fn assign_ref_prop(
    frame: &mut Frame,
    obj: usize,
    name: usize,
    src: usize,
) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let v = (*borrow(frame, src)).clone();
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(t) => return Err(not_an_object(frame, "assign", &pname, &t)),
    };
    match for_write(frame, &o, &pname)? {
        Ok(key) => {
            drop(o.props_mut().insert(key, v));
            Ok(())
        }
        // What `__get` gave is no place to bind.
        Err(_) => {
            let msg = "Cannot assign by reference to overloaded object".to_string();
            Err(error(frame, "Error", msg))
        }
    }
}

/// The position and name of the next property of `o` from position `at` of its table that
/// code of the frame sees (`foreach` over an object walks the live table, seeing the
/// properties added and removed meanwhile).
fn next_visible(frame: &Frame, o: &PhpObject, mut at: usize) -> Option<(usize, Zval)> {
    let scope = frame.code.class();
    let t = o.props();
    loop {
        let p = t.live_from(at)?;
        at = p + 1;
        let (k, v) = t.at(p);
        if matches!(v.view(), View::Undef) {
            continue;
        }
        let name = match k {
            ArrayKey::Int(i) => Zval::int(*i),
            ArrayKey::Str(s) => match o.class().sees(scope, s.as_bytes()) {
                Some(name) => Zval::string(php_runtime::PhpString::new(name)),
                // A mangled key for a name the class declares nothing under (an `(object)`
                // cast of an array makes them) is a dynamic property: `foreach` shows it,
                // by its bare name.
                None => match php_runtime::object::unmangle(s.as_bytes()) {
                    Some((_, name)) if o.class().prop(name).is_none() => {
                        Zval::string(php_runtime::PhpString::new(name))
                    }
                    _ => continue,
                },
            },
        };
        return Some((p, name));
    }
}

/// The next property of `o` from position `at` that code of the frame sees (`foreach` over
/// an object): its position, name and value.
pub fn next_prop(frame: &Frame, o: &PhpObject, at: usize) -> Option<(usize, Zval, Zval)> {
    let (p, name) = next_visible(frame, o, at)?;
    Some((p, name, o.props().at(p).1.deref()))
}

/// [`next_prop`] by reference: the property is made a reference where it is.
pub fn next_prop_ref(frame: &Frame, o: &PhpObject, at: usize) -> Option<(usize, Zval, PhpRef)> {
    let (p, name) = next_visible(frame, o, at)?;
    let e = o.props_mut().at_mut(p);
    let r = match e.view() {
        View::Ref(x) => x.clone(),
        _ => {
            let x = PhpRef::new(std::mem::replace(e, Zval::NULL));
            *e = Zval::reference(x.clone());
            x
        }
    };
    Some((p, name, r))
}
