//! `...` spreads: the elements of an array or a `Traversable` added to an array literal
//! (`[...$a]`, [`array_unpack`]) or to a call's arguments (`f(...$a)`, [`spread`]).
//!
//! An array literal keeps string keys (a later one overwrites) and appends the rest, with
//! PHP's error when the next int key is taken. A call's arguments are built as one array
//! (see [`decode_args`](crate::ops::call::decode_args)): positional arguments under int keys,
//! named ones under their names. A spread's string keys are names; a positional argument
//! after a name within one spread, or a name given twice, is PHP's error.
//!
//! A `Traversable` is walked as Zend's iterators walk it: `rewind()`, then per element
//! `valid()`, `current()`, `key()` and `next()`. An exception stops the walk and the spread;
//! the elements added so far are dropped with the array being built.

use crate::ops::object::call_named;
use crate::ops::vars::{throw, warn};
use crate::ops::{borrow, store};
use crate::vm::{Code, Frame};
use php_runtime::object::PhpObject;
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpError, Value, Zval};

/// What the spread builds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dest {
    /// An array literal.
    Literal,
    /// A call's arguments.
    Args,
}

impl Dest {
    /// The context PHP's messages name.
    fn context(self) -> &'static str {
        match self {
            Dest::Literal => "array unpacking",
            Dest::Args => "argument unpacking",
        }
    }
}

/// `[..., ...src]`: the elements of slot `src` added to the array literal in slot `arr`.
#[metajit::dont_look_inside]
pub fn array_unpack(frame: &mut Frame, arr: usize, src: usize) -> Result<(), PhpError> {
    spread_into(frame, arr, src, Dest::Literal, None)
}

/// `f(..., ...src)`: the elements of slot `src` added to the arguments in slot `arr`, for a
/// callee found at run time (by-reference parameters are not known here).
#[metajit::dont_look_inside]
pub fn spread(frame: &mut Frame, arr: usize, src: usize) -> Result<(), PhpError> {
    spread_into(frame, arr, src, Dest::Args, None)
}

/// [`spread`] for a call of user function `callee`: a `Traversable`'s elements that go to
/// by-reference parameters get PHP's warning (they are passed by value).
pub(crate) fn spread_to(
    frame: &mut Frame,
    arr: usize,
    src: usize,
    callee: Option<&'static Code>,
) -> Result<(), PhpError> {
    spread_into(frame, arr, src, Dest::Args, callee)
}

fn spread_into(
    frame: &mut Frame,
    arr: usize,
    src: usize,
    dest: Dest,
    callee: Option<&'static Code>,
) -> Result<(), PhpError> {
    let v = borrow(frame, src).deref();
    match v.view() {
        View::Array(a) => {
            let entries: Vec<(ArrayKey, Zval)> = a
                .iter()
                .map(|(k, v)| (k.clone(), php_runtime::array::copy_element(v)))
                .collect();
            let mut named = false;
            for (k, v) in entries {
                add(frame, arr, dest, &mut named, k, v)?;
            }
            Ok(())
        }
        View::Object(o) if o.class().is_a_name(b"traversable") => {
            let o = o.clone();
            walk(frame, &o, arr, dest, callee)
        }
        _ => {
            let msg = "Only arrays and Traversables can be unpacked".to_string();
            // Zend's `TypeError`, but for a scalar in an array literal.
            let class = match (dest, v.view()) {
                (Dest::Literal, View::Object(_)) | (Dest::Args, _) => "TypeError",
                (Dest::Literal, _) => "Error",
            };
            Err(throw(frame, class, msg))
        }
    }
}

/// Adds one element to the array being built in slot `arr`; `named` tracks whether this
/// spread has given a name yet.
fn add(
    frame: &mut Frame,
    arr: usize,
    dest: Dest,
    named: &mut bool,
    k: ArrayKey,
    v: Zval,
) -> Result<(), PhpError> {
    let raw = std::mem::replace(&mut frame.slots[arr], Value::UNDEF);
    // SAFETY: the slot owned its value; it now holds nothing until the store below.
    let mut a = unsafe { Zval::from_raw(raw) };
    let Some(table) = a.array_mut() else {
        store(frame, arr, a);
        return Ok(());
    };
    let table = table.make_mut();
    let failure = match (k, dest) {
        (k @ ArrayKey::Str(_), Dest::Literal) => {
            drop(table.insert(k, v));
            None
        }
        (ArrayKey::Str(s), Dest::Args) => {
            *named = true;
            let k = ArrayKey::Str(s.clone());
            if table.contains(k.as_ref()) {
                Some(format!(
                    "Named parameter ${} overwrites previous argument",
                    String::from_utf8_lossy(s.as_bytes())
                ))
            } else {
                drop(table.insert(k, v));
                None
            }
        }
        (ArrayKey::Int(_), Dest::Args) if *named => {
            Some("Cannot use positional argument after named argument during unpacking".to_string())
        }
        (ArrayKey::Int(_), _) => match table.append(v) {
            Ok(_) => None,
            Err(_) => Some(
                "Cannot add element to the array as the next element is already occupied"
                    .to_string(),
            ),
        },
    };
    store(frame, arr, a);
    match failure {
        Some(msg) => Err(throw(frame, "Error", msg)),
        None => Ok(()),
    }
}

/// The `Iterator` a `Traversable` is walked with: itself, or what `getIterator()` gives
/// (again and again for an `IteratorAggregate` giving another, to a bound).
fn iterator_of(frame: &mut Frame, o: &PhpObject) -> Result<PhpObject, PhpError> {
    let mut o = o.clone();
    for _ in 0..32 {
        if o.class().is_a_name(b"iterator") {
            return Ok(o);
        }
        if !o.class().is_a_name(b"iteratoraggregate") {
            break;
        }
        let next = call_named(frame, &o, b"getIterator")?;
        match next.view() {
            View::Object(x) if x.class().is_a_name(b"traversable") => o = x.clone(),
            _ => {
                let msg = format!(
                    "Objects returned by {}::getIterator() must be traversable or implement interface Iterator",
                    o.class().display()
                );
                return Err(throw(frame, "Exception", msg));
            }
        }
    }
    let msg = "Only arrays and Traversables can be unpacked".to_string();
    Err(throw(frame, "TypeError", msg))
}

/// Adds the elements of a `Traversable` to the array being built in slot `arr`.
fn walk(
    frame: &mut Frame,
    o: &PhpObject,
    arr: usize,
    dest: Dest,
    callee: Option<&'static Code>,
) -> Result<(), PhpError> {
    let it = iterator_of(frame, o)?;
    call_named(frame, &it, b"rewind")?;
    let mut named = false;
    // The 0-based position of the next positional argument.
    let mut position = match borrow(frame, arr).view() {
        View::Array(a) => a
            .iter()
            .filter(|(k, _)| matches!(k, ArrayKey::Int(_)))
            .count(),
        _ => 0,
    };
    loop {
        let valid = call_named(frame, &it, b"valid")?;
        if !php_runtime::convert::to_bool(&valid) {
            return Ok(());
        }
        let v = call_named(frame, &it, b"current")?.deref();
        let key = match call_named(frame, &it, b"key")?.deref().view() {
            View::Int(i) => ArrayKey::Int(i),
            View::Str(s) => ArrayKey::from_string(s.clone()),
            _ => {
                let msg = format!("Keys must be of type int|string during {}", dest.context());
                return Err(throw(frame, "Error", msg));
            }
        };
        if let (ArrayKey::Int(_), Dest::Args, false) = (&key, dest, named) {
            if let Some(code) = callee {
                warn_by_value(frame, position, code)?;
            }
            position += 1;
        }
        add(frame, arr, dest, &mut named, key, v)?;
        call_named(frame, &it, b"next")?;
    }
}

/// PHP's warning when positional argument `n` (0-based), taken from a `Traversable`, goes
/// to a by-reference parameter of `code`.
fn warn_by_value(frame: &mut Frame, n: usize, code: &'static Code) -> Result<(), PhpError> {
    let params = &code.func.params;
    let by_ref = match params.get(n) {
        Some(p) if !p.variadic => p.by_ref,
        _ => params.last().is_some_and(|p| p.variadic && p.by_ref),
    };
    if !by_ref {
        return Ok(());
    }
    let msg = format!(
        "Cannot pass by-reference argument {} of {}() by unpacking a Traversable, passing by-value instead",
        n + 1,
        crate::ops::send::shown_name(code)
    );
    warn(frame, &msg)
}
