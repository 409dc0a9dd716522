//! Plans a write to `$cv[k1]...[kn]` before it happens: converts each key for the container
//! it indexes (an array key, or a string offset when the container is a string) with PHP's
//! diagnostics, while every value is still in its variable, so that error handlers see (and
//! may change) the state PHP shows them.
//!
//! A string can only be written at the last dimension, and only by `=`: a string met earlier,
//! or by `op=`, `++`, `&` or `unset`, is PHP's error for that use. The write itself
//! ([`crate::ops::array`]) then walks the path with the converted keys.

use crate::ops::array::{illegal_key, to_key};
use crate::ops::str_offset::{self, Access};
use crate::ops::vars::{read_cv, throw};
use crate::ops::{borrow, str_offset::identity};
use crate::vm::Frame;
use php_compiler::NONE;
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpError, PhpString, Zval};

/// What an element write does to its last dimension (it names PHP's error for strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// `=`.
    Assign,
    /// `op=`.
    AssignOp,
    /// `++`/`--`.
    Step,
    /// `&`: made or bound as a reference.
    Ref,
    /// `unset`.
    Unset,
    /// Fetched as the object of a property write (`$a[k]->p = ...`).
    Object,
}

/// The last dimension of a planned write.
pub enum Last {
    /// An element of the array at the end of the path (`None`: `[]`, a new one).
    Element(Option<ArrayKey>),
    /// Byte `at` of the string at the end of the path, if it is still the string `id` names.
    Byte { id: usize, at: usize, byte: u8 },
    /// Nothing is written (a string offset before the start, after PHP's warning).
    Nothing,
    /// For `unset`: an array or an object as the last key (an error if an array is there).
    IllegalKey,
}

/// A planned write: the array keys of the path and what happens at its end.
pub struct Plan {
    /// The keys of the dimensions before the last.
    pub keys: Vec<ArrayKey>,
    /// The last dimension.
    pub last: Last,
}

/// The value at the root of the path, for looking ahead (no magic, no diagnostics).
pub(crate) fn peek_root(frame: &Frame, cv: usize, prop: usize) -> Zval {
    if prop == NONE as usize {
        return read_cv(frame, cv);
    }
    let name = borrow(frame, prop);
    match (borrow(frame, cv).deref().view(), name.view()) {
        (View::Object(o), View::Str(n)) => o.get(n.as_bytes()).map_or(Zval::NULL, |v| v.deref()),
        _ => Zval::NULL,
    }
}

/// The array key `k` makes, without diagnostics (`None` for an illegal one), for looking
/// ahead.
pub(crate) fn peek_key(k: &Zval) -> Option<ArrayKey> {
    Some(match k.view() {
        View::Int(i) => ArrayKey::Int(i),
        View::Str(s) => ArrayKey::from_string(s.clone()),
        View::Bool(b) => ArrayKey::Int(i64::from(b)),
        View::Undef | View::Null => ArrayKey::Str(PhpString::from("")),
        View::Float(f) => ArrayKey::Int(php_runtime::number::float_to_int(f)),
        View::Resource(r) => ArrayKey::Int(r.id()),
        View::Array(_) | View::Object(_) => return None,
        View::Ref(r) => return r.with(peek_key),
    })
}

/// The dimension whose container is a string, and that string, if one of the `dims`
/// containers of the path (the keys in slots `keys..`) is one (looking ahead through
/// existing array elements only).
fn string_on_path(
    frame: &Frame,
    cv: usize,
    prop: usize,
    keys: usize,
    dims: usize,
) -> Option<(usize, PhpString)> {
    let mut cur = peek_root(frame, cv, prop);
    for depth in 0..dims {
        let next = match cur.view() {
            View::Str(s) => return Some((depth, s.clone())),
            View::Array(a) if depth + 1 < dims => {
                let k = peek_key(&borrow(frame, keys + depth))?;
                a.get(k.as_ref())?.deref()
            }
            _ => return None,
        };
        cur = next;
    }
    None
}

/// Plans the write `purpose` to `$cv[k1]...[kn]` (the keys in slots `keys..keys + n`;
/// `append`: one more dimension, `[]`); `val` is the value an assignment stores.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    frame: &mut Frame,
    cv: usize,
    prop: usize,
    keys: usize,
    n: usize,
    append: bool,
    purpose: Purpose,
    val: &Zval,
) -> Result<Plan, PhpError> {
    let dims = n + usize::from(append);
    // The path's string, if any, and the dimension it is the container of.
    let string = string_on_path(frame, cv, prop, keys, dims);
    let arrays = string.as_ref().map_or(n, |(depth, _)| *depth);
    let mut converted = Vec::with_capacity(arrays);
    for i in 0..arrays {
        let k = borrow(frame, keys + i).deref();
        if purpose == Purpose::Unset && i + 1 == n && illegal_key(&k) {
            return Ok(Plan {
                keys: converted,
                last: Last::IllegalKey,
            });
        }
        converted.push(to_key(frame, &k)?);
    }
    let Some((depth, s)) = string else {
        let last = if append { None } else { converted.pop() };
        return Ok(Plan {
            keys: converted,
            last: Last::Element(last),
        });
    };
    if depth == n {
        let msg = "[] operator not supported for strings";
        return Err(throw(frame, "Error", msg.into()));
    }
    let k = &borrow(frame, keys + depth).deref();
    if depth + 1 < dims {
        let access = match purpose {
            Purpose::Unset => Access::Unset,
            _ => Access::Read,
        };
        str_offset::offset(frame, k, access)?;
        let msg = "Cannot use string offset as an array";
        return Err(throw(frame, "Error", msg.into()));
    }
    let misuse = match purpose {
        Purpose::Assign => None,
        Purpose::AssignOp => Some("Cannot use assign-op operators with string offsets"),
        Purpose::Step => Some("Cannot increment/decrement string offsets"),
        Purpose::Ref => Some("Cannot create references to/from string offsets"),
        Purpose::Unset => Some("Cannot unset string offsets"),
        Purpose::Object => Some("Cannot use string offset as an object"),
    };
    if let Some(msg) = misuse {
        // `unset` does not look at the offset; the others convert it first.
        if purpose != Purpose::Unset {
            str_offset::offset(frame, k, Access::Read)?;
        }
        return Err(throw(frame, "Error", msg.into()));
    }
    let id = identity(&s);
    let still = |frame: &Frame| {
        string_on_path(frame, cv, prop, keys, dims)
            .is_some_and(|(d, t)| d == depth && identity(&t) == id)
    };
    let last = match str_offset::check_write(frame, &s, k, val, &still)? {
        Some((at, byte)) => Last::Byte { id, at, byte },
        None => Last::Nothing,
    };
    Ok(Plan {
        keys: converted,
        last,
    })
}
