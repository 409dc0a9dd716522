//! Objects used with `[]`: those implementing `ArrayAccess` are read and written through
//! its methods (`offsetGet`, `offsetSet`, `offsetExists`, `offsetUnset`); any other object
//! is PHP's error "Cannot use object of type X as array".
//!
//! Reads hook into [`crate::ops::array`] where the container turns out to be an object.
//! A write to `$cv[k1]...[kn]` looks along its path first ([`redirect`]): when a container
//! on it is an object, the write from there on goes through the object. An object before
//! the last dimension is fetched for writing (`offsetGet`, PHP's notice "Indirect
//! modification of overloaded element" unless it gives an object or a reference); the rest
//! of the write then applies to what it gave, put in the slot of the key just used (a
//! temporary the write owns), so the array code (or this module, for another object) goes
//! on from there. Each step consumes a dimension, so the walk is bounded by the path.

use crate::ops::arith::compute;
use crate::ops::dim_plan::{peek_key, peek_root};
use crate::ops::object::invoke;
use crate::ops::vars::{notice, read_cv, stepped, throw};
use crate::ops::{borrow, store};
use crate::vm::{Frame, vm_of};
use php_compiler::{BinOp, NONE, Step};
use php_runtime::object::PhpObject;
use php_runtime::value::{PhpRef, View};
use php_runtime::{PhpError, Zval};

/// What a write does at the end of its path.
pub enum Write<'a> {
    /// `= v`.
    Assign(&'a Zval),
    /// `op= v`, the result to slot `dst`.
    Op(BinOp, &'a Zval, usize),
    /// `++`/`--`, the expression's value to slot `dst`.
    Step(Step, usize),
    /// `unset`.
    Unset,
    /// A reference to the element, to slot `dst`.
    Ref(usize),
    /// The element as the object of a property write, to slot `dst`.
    Object(usize),
    /// `= &...`: PHP's error for an object.
    AssignRef,
}

/// A write's path: the root (variable `cv`, or property `prop` of the object in `cv`) and
/// the `n` keys in the slots from `keys`.
pub struct Path {
    pub cv: usize,
    pub prop: usize,
    pub keys: usize,
    pub n: usize,
}

/// PHP's error for an object (without `ArrayAccess`) used as an array.
pub fn not_an_array(frame: &mut Frame, o: &PhpObject) -> PhpError {
    let msg = format!("Cannot use object of type {} as array", o.class().display());
    throw(frame, "Error", msg)
}

/// Calls `o`'s `ArrayAccess` method `method` (lowercase) with `args`; PHP's error when `o`
/// does not implement `ArrayAccess`.
fn call(
    frame: &mut Frame,
    o: &PhpObject,
    method: &[u8],
    args: Vec<Zval>,
) -> Result<Zval, PhpError> {
    let class = o.class();
    if !class.is_a_name(b"arrayaccess") {
        return Err(not_an_array(frame, o));
    }
    let Some(m) = class.method(method).cloned() else {
        return Err(not_an_array(frame, o));
    };
    invoke(frame, &m, Some(Zval::object(o.clone())), class, args)
}

fn offset_exists(frame: &mut Frame, o: &PhpObject, k: &Zval) -> Result<bool, PhpError> {
    let r = call(frame, o, b"offsetexists", vec![k.clone()])?;
    Ok(php_runtime::convert::to_bool(&r))
}

fn offset_get(frame: &mut Frame, o: &PhpObject, k: &Zval) -> Result<Zval, PhpError> {
    Ok(call(frame, o, b"offsetget", vec![k.clone()])?.deref())
}

/// `o[k]` fetched for writing: `offsetGet`'s result, a reference when it returns one; PHP's
/// notice when it gives neither a reference nor an object (writes to it are lost).
fn fetch_for_write(frame: &mut Frame, o: &PhpObject, k: &Zval) -> Result<Zval, PhpError> {
    if !o.class().is_a_name(b"arrayaccess") {
        return Err(not_an_array(frame, o));
    }
    vm_of(frame).keep_ref = frame.depth;
    let v = call(frame, o, b"offsetget", vec![k.clone()]);
    vm_of(frame).keep_ref = 0;
    let v = v?;
    if !matches!(v.view(), View::Ref(_) | View::Object(_)) {
        let msg = format!(
            "Indirect modification of overloaded element of {} has no effect",
            o.class().display()
        );
        notice(frame, &msg)?;
    }
    Ok(v)
}

/// `o[k]` read (`quiet`: as `??` and nested `isset` read it, `offsetExists` first).
pub fn read(frame: &mut Frame, o: &PhpObject, k: &Zval, quiet: bool) -> Result<Zval, PhpError> {
    if quiet && !offset_exists(frame, o, k)? {
        return Ok(Zval::NULL);
    }
    offset_get(frame, o, k)
}

/// `o[k]` as `isset` (`empty` false) or `empty` tests it: `null` when `offsetExists` says
/// it is not there; otherwise `true` for `isset`, the value for `empty`.
pub fn isset(frame: &mut Frame, o: &PhpObject, k: &Zval, empty: bool) -> Result<Zval, PhpError> {
    if !offset_exists(frame, o, k)? {
        return Ok(Zval::NULL);
    }
    match empty {
        true => offset_get(frame, o, k),
        false => Ok(Zval::bool(true)),
    }
}

/// `dst = base[key]` as `empty` tests it (`Op::EmptyDim`): through `ArrayAccess` for an
/// object, as `isset` reads it otherwise.
#[metajit::dont_look_inside]
pub fn empty_dim(frame: &mut Frame, dst: usize, base: usize, key: usize) -> Result<(), PhpError> {
    let b = read_cv(frame, base);
    let View::Object(o) = b.view() else {
        return crate::ops::array::isset_dim(frame, dst, base, key);
    };
    let k = borrow(frame, key).deref();
    let r = isset(frame, o, &k, true)?;
    store(frame, dst, r);
    Ok(())
}

/// The first container on the path (of `dims` dimensions) that is an object: its
/// dimension and the object.
fn object_on_path(frame: &Frame, path: &Path, dims: usize) -> Option<(usize, PhpObject)> {
    let mut cur = peek_root(frame, path.cv, path.prop);
    for depth in 0..dims {
        let next = match cur.view() {
            View::Object(o) => return Some((depth, o.clone())),
            View::Array(a) if depth + 1 < dims => {
                let k = peek_key(&borrow(frame, path.keys + depth))?;
                a.get(k.as_ref())?.deref()
            }
            _ => return None,
        };
        cur = next;
    }
    None
}

/// Performs the part of write `w` to `path` (`append`: one more dimension, `[]`) that goes
/// through objects: `true` when the write is done, `false` when the (possibly shortened)
/// `path` is left for the array code.
pub fn redirect(
    frame: &mut Frame,
    path: &mut Path,
    append: bool,
    w: &Write<'_>,
) -> Result<bool, PhpError> {
    loop {
        let dims = path.n + usize::from(append);
        let Some((depth, o)) = object_on_path(frame, path, dims) else {
            return Ok(false);
        };
        let key = match depth < path.n {
            true => borrow(frame, path.keys + depth).deref(),
            false => Zval::NULL,
        };
        if depth + 1 == dims {
            finish(frame, &o, &key, w)?;
            return Ok(true);
        }
        let v = fetch_for_write(frame, &o, &key)?;
        let slot = path.keys + depth;
        store(frame, slot, v);
        *path = Path {
            cv: slot,
            prop: NONE as usize,
            keys: slot + 1,
            n: path.n - depth - 1,
        };
    }
}

/// Write `w` to `o[key]` (`key` `null` for `[]`).
fn finish(frame: &mut Frame, o: &PhpObject, key: &Zval, w: &Write<'_>) -> Result<(), PhpError> {
    match *w {
        Write::Assign(v) => {
            call(frame, o, b"offsetset", vec![key.clone(), v.clone()])?;
        }
        Write::Op(op, v, dst) => {
            let old = offset_get(frame, o, key)?;
            let new = compute(frame, op, &old, v)?;
            call(frame, o, b"offsetset", vec![key.clone(), new.clone()])?;
            store(frame, dst, new);
        }
        Write::Step(step, dst) => {
            let old = fetch_for_write(frame, o, key)?;
            let (new, result) = stepped(frame, step, &old.deref())?;
            if let View::Ref(r) = old.view() {
                drop(r.replace(new));
            }
            store(frame, dst, result);
        }
        Write::Unset => {
            call(frame, o, b"offsetunset", vec![key.clone()])?;
        }
        Write::Ref(dst) => {
            let v = fetch_for_write(frame, o, key)?;
            let r = match v.view() {
                View::Ref(_) => v,
                _ => Zval::reference(PhpRef::new(v)),
            };
            store(frame, dst, r);
        }
        Write::Object(dst) => {
            let v = fetch_for_write(frame, o, key)?;
            store(frame, dst, v.deref());
        }
        Write::AssignRef => {
            fetch_for_write(frame, o, key)?;
            let msg = "Cannot assign by reference to an array dimension of an object";
            return Err(throw(frame, "Error", msg.into()));
        }
    }
    Ok(())
}
