//! Properties: reads (with `__get`), writes (with `__set`, PHP's deprecation for dynamic
//! properties and typed-property checks), `op=` and `++`/`--`, `unset`, references to
//! properties, and the visibility rules for each.

use crate::ops::object::{error, invoke, name_in, visibility_word, visible};
use crate::ops::vars::warn;
use crate::ops::{borrow, store};
use crate::vm::{Frame, vm_of};
use php_compiler::{BinOp, Step};
use php_runtime::object::{PhpObject, flags};
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpError, PhpString, Zval};

/// The object in slot `obj` for a property access, or the type of what is there instead.
fn object_in(frame: &Frame, obj: usize) -> Result<PhpObject, Zval> {
    let v = borrow(frame, obj).deref();
    match v.view() {
        View::Object(o) => Ok(o.clone()),
        _ => Err(v),
    }
}

/// Checks that code of the frame may use property `name` of `o`; `Ok(false)` when the
/// property is not declared (a dynamic one).
fn check_prop_access(frame: &mut Frame, o: &PhpObject, name: &[u8]) -> Result<bool, PhpError> {
    let class = o.class();
    let Some(p) = class.prop(name) else {
        return Ok(false);
    };
    if visible(vm_of(frame), frame.code.class(), p.flags, p.class) {
        return Ok(true);
    }
    let msg = format!(
        "Cannot access {} property {}::${}",
        visibility_word(p.flags),
        class.display(),
        String::from_utf8_lossy(name)
    );
    Err(error(frame, "Error", msg))
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
    if quiet {
        let visible = o
            .class()
            .prop(&pname)
            .is_none_or(|p| visible(vm_of(frame), frame.code.class(), p.flags, p.class));
        let v = if visible { o.get(&pname) } else { None };
        store(frame, dst, v.map_or(Zval::NULL, |v| v.deref()));
        return Ok(());
    }
    check_prop_access(frame, &o, &pname)?;
    let v = match o.get(&pname) {
        Some(v) if !matches!(v.view(), View::Undef) => v.deref(),
        _ if let Some(e) = crate::ops::types::uninit_error(frame, &o, &pname) => {
            return Err(e);
        }
        _ => {
            if let Some(get) = o.class().method(b"__get").cloned() {
                let args = vec![Zval::string(PhpString::new(&pname))];
                let r = invoke(frame, &get, Some(Zval::object(o.clone())), o.class(), args)?;
                store(frame, dst, r);
                return Ok(());
            }
            let msg = format!(
                "Undefined property: {}::${}",
                o.class().display(),
                String::from_utf8_lossy(&pname)
            );
            warn(frame, &msg)?;
            Zval::NULL
        }
    };
    store(frame, dst, v);
    Ok(())
}

/// Stores `v` in property `name` of `o` (through a reference if the property holds one),
/// with PHP's deprecation for a new dynamic property.
fn write_prop(frame: &mut Frame, o: &PhpObject, name: &[u8], v: Zval) -> Result<(), PhpError> {
    let declared = check_prop_access(frame, o, name)?;
    let v = if declared {
        crate::ops::types::check_prop(frame, o, name, v)?
    } else {
        v
    };
    let current = o
        .props()
        .get(php_runtime::array::KeyRef::Str(name))
        .map(|c| match c.view() {
            View::Ref(r) => Some(r.clone()),
            _ => None,
        });
    match current {
        Some(Some(r)) => drop(r.replace(v)),
        Some(None) => drop(o.set(name, v)),
        None => {
            if !declared {
                if let Some(set) = o.class().method(b"__set").cloned() {
                    let args = vec![Zval::string(PhpString::new(name)), v];
                    invoke(frame, &set, Some(Zval::object(o.clone())), o.class(), args)?;
                    return Ok(());
                }
                if o.class().flags & flags::DYNAMIC == 0 {
                    let msg = format!(
                        "Creation of dynamic property {}::${} is deprecated",
                        o.class().display(),
                        String::from_utf8_lossy(name)
                    );
                    crate::ops::vars::deprecated(frame, &msg)?;
                }
            }
            drop(o.set(name, v));
        }
    }
    Ok(())
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
        Ok(o) => write_prop(frame, &o, &pname, v),
        Err(t) => Err(not_an_object(frame, "assign", &pname, &t)),
    }
}

/// Replaces property `name` of the object in `obj` by what `update` makes of its value; the
/// expression's result goes to `dst`.
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
    check_prop_access(frame, &o, &pname)?;
    let old = match o.get(&pname) {
        Some(v) => v.deref(),
        None => {
            if let Some(e) = crate::ops::types::uninit_error(frame, &o, &pname) {
                return Err(e);
            }
            let msg = format!(
                "Undefined property: {}::${}",
                o.class().display(),
                String::from_utf8_lossy(&pname)
            );
            warn(frame, &msg)?;
            Zval::NULL
        }
    };
    let (new, result) = update(frame, &old)?;
    write_prop(frame, &o, &pname, new)?;
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
    if let Ok(o) = object_in(frame, obj) {
        check_prop_access(frame, &o, &pname)?;
        let old = o
            .props_mut()
            .remove(php_runtime::array::KeyRef::Str(&pname));
        drop(old);
    }
    Ok(())
}

/// Takes property `name` of the object in slot `obj` out for writing its elements (an unset
/// property reads as unset); [`put_prop`] puts it back.
pub fn take_prop(
    frame: &mut Frame,
    obj: usize,
    name: usize,
) -> Result<(PhpObject, Vec<u8>, Zval), PhpError> {
    let pname = name_in(frame, name);
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(t) => return Err(not_an_object(frame, "modify", &pname, &t)),
    };
    check_prop_access(frame, &o, &pname)?;
    let v = match o
        .props_mut()
        .get_mut(php_runtime::array::KeyRef::Str(&pname))
    {
        // `null`, not unset: an unset entry would leave the table and lose its position.
        Some(slot) => std::mem::replace(slot, Zval::NULL),
        None => Zval::UNDEF,
    };
    Ok((o, pname, v))
}

/// Puts back what [`take_prop`] took.
pub fn put_prop(o: &PhpObject, name: &[u8], v: Zval) {
    drop(o.set(name, v));
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
    check_prop_access(frame, &o, &pname)?;
    let r = {
        let e = o.props_mut().entry(php_runtime::object::prop_key(&pname));
        match e.view() {
            View::Ref(r) => r.clone(),
            _ => {
                let v = std::mem::replace(e, Zval::NULL);
                let v = if matches!(v.view(), View::Undef) {
                    Zval::NULL
                } else {
                    v
                };
                let r = php_runtime::value::PhpRef::new(v);
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
    match object_in(frame, obj) {
        Ok(o) => {
            check_prop_access(frame, &o, &pname)?;
            drop(o.set(&pname, v));
            Ok(())
        }
        Err(t) => Err(not_an_object(frame, "assign", &pname, &t)),
    }
}

/// The properties of `o` code of the frame may see, as an array (`foreach` over an object).
pub fn visible_props(frame: &Frame, o: &PhpObject) -> PhpArray {
    let scope = frame.code.class();
    let vm = vm_of(frame);
    let mut out = PhpArray::new();
    for (k, v) in o.props().iter() {
        if matches!(v.view(), View::Undef) {
            continue;
        }
        let shown = match k {
            ArrayKey::Str(s) => o
                .class()
                .prop(s.as_bytes())
                .is_none_or(|p| visible(vm, scope, p.flags, p.class)),
            ArrayKey::Int(_) => true,
        };
        if shown {
            drop(out.insert(k.clone(), v.deref()));
        }
    }
    out
}
