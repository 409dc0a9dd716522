//! `foreach`: over arrays by value and by reference, over `Iterator`s and
//! `IteratorAggregate`s, and over the visible properties of other objects. The position
//! lives in a slot of the frame; all residual calls.

use crate::ops::arith::type_name;
use crate::ops::vars::{throw, warn};
use crate::ops::{borrow, store};
use crate::vm::Frame;
use php_compiler::NONE;
use php_runtime::PhpError;
use php_runtime::value::{PhpRef, View};
use php_runtime::{Zval, tag};

/// Starts a `foreach` over slot `src`: `false` (after PHP's warning) when it is not an array
/// or an object. An object that is an `Iterator` stays in `src` (after `rewind()`); one that
/// is an `IteratorAggregate` is replaced by its iterator; any other stays too, its properties
/// visible here walked in place.
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
                    "Objects returned by {}::getIterator() must be traversable or implement interface Iterator",
                    o.class().display()
                );
                return Err(throw(frame, "Exception", msg));
            }
            continue;
        }
        // Any other object is walked live, property by property.
        store(frame, src, v.clone());
        start_props(frame, &o, pos);
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
        if o.class().is_a_name(b"iterator") {
            return iter_next_object(frame, &o, pos, key, val);
        }
        let Some(at) = props_pos(frame, &o, pos) else {
            return Ok(false);
        };
        let Some((p, k, v)) = crate::ops::props::next_prop(frame, &o, at) else {
            end_props(frame, &o, pos);
            return Ok(false);
        };
        o.props_mut()
            .set_iter_pos(frame.slots[pos].bits as u32, p + 1);
        if key != NONE as usize {
            crate::ops::vars::write_cv(frame, key, k);
        }
        crate::ops::vars::write_cv(frame, val, v);
        return Ok(true);
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

/// Starts walking the properties of `o`: the position lives in its property table, under a
/// fresh id kept in slot `pos` (so it follows the properties when their table is squeezed).
fn start_props(frame: &mut Frame, o: &php_runtime::object::PhpObject, pos: usize) {
    let id = php_runtime::array::iters::new_iter_id();
    o.props_mut().set_iter_pos(id, 0);
    store(frame, pos, Zval::int(i64::from(id)));
}

/// The position of the walk over the properties of `o` (`None` if lost: the walk ends).
fn props_pos(frame: &Frame, o: &php_runtime::object::PhpObject, pos: usize) -> Option<usize> {
    o.props().iter_pos(frame.slots[pos].bits as u32)
}

/// Ends the walk over the properties of `o`.
fn end_props(frame: &Frame, o: &php_runtime::object::PhpObject, pos: usize) {
    o.props_mut().drop_iter(frame.slots[pos].bits as u32);
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
    if let View::Object(o) = v.view() {
        if o.class().is_a_name(b"traversable") {
            let msg = "An iterator cannot be used with foreach by reference".to_string();
            return Err(throw(frame, "Error", msg));
        }
        start_props(frame, o, pos);
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
    // The loop's position lives in the table, under a fresh id kept in `pos`. (`v` would
    // share the table, making the table copy itself when the position is written.)
    drop(v);
    let id = match loop_ref(frame, src) {
        Some(r) => php_runtime::array::iters::start_ref(&r),
        None => 0,
    };
    store(frame, pos, Zval::int(i64::from(id)));
    Ok(true)
}

/// Ends a `foreach` by reference over an array (left by `break` or at its end): the table
/// forgets the loop's position.
#[metajit::dont_look_inside]
pub fn iter_free_ref(frame: &mut Frame, src: usize, pos: usize) {
    let Some(r) = loop_ref(frame, src) else {
        return;
    };
    let id = frame.slots[pos].bits as u32;
    if let View::Object(o) = r.get().view() {
        o.props_mut().drop_iter(id);
        return;
    }
    php_runtime::array::iters::end_ref(&r, id);
}

/// The next entry of a `foreach` by reference: `$val` is bound to the element, made a
/// reference; `false` at the end.
#[metajit::dont_look_inside]
pub fn iter_next_ref(frame: &mut Frame, src: usize, pos: usize, key: usize, val: usize) -> bool {
    let Some(r) = loop_ref(frame, src) else {
        return false;
    };
    if let View::Object(o) = r.get().view() {
        let Some(at) = props_pos(frame, o, pos) else {
            return false;
        };
        let Some((p, k, elem)) = crate::ops::props::next_prop_ref(frame, o, at) else {
            end_props(frame, o, pos);
            return false;
        };
        o.props_mut()
            .set_iter_pos(frame.slots[pos].bits as u32, p + 1);
        if key != NONE as usize {
            crate::ops::vars::write_cv(frame, key, k);
        }
        store(frame, val, Zval::reference(elem));
        return true;
    }
    let id = frame.slots[pos].bits as u32;
    let found = php_runtime::array::iters::next_ref(&r, id);
    let Some((k, elem)) = found else {
        return false;
    };
    if key != NONE as usize {
        crate::ops::vars::write_cv(frame, key, k);
    }
    store(frame, val, Zval::reference(elem));
    true
}
