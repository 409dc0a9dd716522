//! `array_walk_recursive`: calls a function on every leaf of a nested array, by reference (the
//! array is a by-reference parameter, and each value reaches the callback as a reference, so
//! a callback taking `&$value` changes the array).

use super::callbacks::{array_ref, callback, put_back};
use crate::args;
use php_runtime::value::{PhpRef, View};
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[("array_walk_recursive", array_walk_recursive)];

/// The by-reference parameters of this family (0-based).
pub const BY_REF: &[(&str, &[usize])] = &[("array_walk_recursive", &[0])];

/// Walks `arr` (which the caller stores back), calling `f(&$value, $key[, $extra])` on each
/// value that is not an array and walking into those that are.
fn walk(
    h: &mut dyn Host,
    arr: &mut PhpArray,
    f: &Zval,
    extra: Option<&Zval>,
) -> Result<(), PhpError> {
    let keys: Vec<ArrayKey> = arr.iter().map(|(k, _)| k.clone()).collect();
    for k in keys {
        let Some(v) = arr.get(k.as_ref()).cloned() else {
            continue;
        };
        if let View::Array(inner) = v.deref().view() {
            let mut inner = inner.clone();
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || walk(h, &mut inner, f, extra))?;
            match v.view() {
                View::Ref(r) => drop(r.replace(Zval::array(inner))),
                _ => drop(arr.insert(k, Zval::array(inner))),
            }
            continue;
        }
        let r = match v.view() {
            View::Ref(r) => r.clone(),
            _ => {
                let r = PhpRef::new(v.clone());
                drop(arr.insert(k.clone(), Zval::reference(r.clone())));
                r
            }
        };
        drop(v);
        let mut call_args = vec![Zval::reference(r.clone()), k.to_zval()];
        if let Some(extra) = extra {
            call_args.push(extra.clone());
        }
        let result = h.call(f, call_args);
        // A reference only the array holds is a plain value again.
        if r.refcount() == 2
            && let Some(slot) = arr.get(k.as_ref())
            && matches!(slot.view(), View::Ref(s) if PhpRef::ptr_eq(s, &r))
        {
            drop(arr.insert(k, r.get()));
        }
        result?;
    }
    Ok(())
}

fn array_walk_recursive(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_walk_recursive", a, 2, 3)?;
    let mut arr = array_ref(h, "array_walk_recursive", 1, "array", &a[0])?;
    callback(h, "array_walk_recursive", 2, "callback", &a[1])?;
    let result = walk(h, &mut arr, &a[1], a.get(2));
    put_back(&a[0], arr);
    result?;
    Ok(Zval::bool(true))
}
