//! The property magic methods (`__get`, `__set`, `__isset`, `__unset`) and their recursion
//! guards.
//!
//! PHP calls a magic method when code uses a property it cannot reach (absent, unset, or
//! not visible from its scope). While `__get('x')` runs for an object, a read of its `x` does
//! not call `__get` again but behaves as if the class had none (PHP's property guards); each
//! of the four methods has its own guard per object and name.

use crate::ops::object::invoke;
use crate::vm::Frame;
use php_runtime::object::PhpObject;
use php_runtime::{PhpError, PhpString, Zval};
use std::cell::RefCell;

/// One of the property magic methods.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Magic {
    /// `__get($name)`.
    Get,
    /// `__set($name, $value)`.
    Set,
    /// `__isset($name)`.
    Isset,
    /// `__unset($name)`.
    Unset,
}

impl Magic {
    fn method(self) -> &'static [u8] {
        match self {
            Magic::Get => b"__get",
            Magic::Set => b"__set",
            Magic::Isset => b"__isset",
            Magic::Unset => b"__unset",
        }
    }
}

thread_local! {
    /// The magic calls running: object handle, property name, method.
    static GUARDS: RefCell<Vec<(u32, Vec<u8>, Magic)>> = const { RefCell::new(Vec::new()) };
}

fn guarded(o: &PhpObject, name: &[u8], kind: Magic) -> bool {
    GUARDS.with(|g| {
        g.borrow()
            .iter()
            .any(|(h, n, k)| *h == o.handle() && n == name && *k == kind)
    })
}

/// Whether `o`'s class has magic method `kind`.
pub fn has(o: &PhpObject, kind: Magic) -> bool {
    o.class().method(kind.method()).is_some()
}

/// Whether `o`'s class has magic method `kind` that may run now for property `name` (it has
/// one and is not already running it for that name).
pub fn available(o: &PhpObject, name: &[u8], kind: Magic) -> bool {
    o.class().method(kind.method()).is_some() && !guarded(o, name, kind)
}

/// Calls magic method `kind` of `o` for property `name` (`value` for `__set`); `None` when
/// it is not [`available`].
pub fn call(
    frame: &mut Frame,
    o: &PhpObject,
    kind: Magic,
    name: &[u8],
    value: Option<Zval>,
) -> Result<Option<Zval>, PhpError> {
    if !available(o, name, kind) {
        return Ok(None);
    }
    let Some(m) = o.class().method(kind.method()).cloned() else {
        return Ok(None);
    };
    let mut args = vec![Zval::string(PhpString::new(name))];
    args.extend(value);
    GUARDS.with(|g| g.borrow_mut().push((o.handle(), name.to_vec(), kind)));
    let r = invoke(frame, &m, Some(Zval::object(o.clone())), o.class(), args);
    GUARDS.with(|g| {
        let mut g = g.borrow_mut();
        if let Some(i) = g
            .iter()
            .rposition(|(h, n, k)| *h == o.handle() && n == name && *k == kind)
        {
            g.remove(i);
        }
    });
    r.map(Some)
}

/// `__get` for writing through what it gives: a reference it returns (`function &__get`) is
/// kept, not read.
pub fn get_for_write(
    frame: &mut Frame,
    o: &PhpObject,
    name: &[u8],
) -> Result<Option<Zval>, PhpError> {
    if !available(o, name, Magic::Get) {
        return Ok(None);
    }
    let depth = frame.depth;
    crate::vm::vm_of(frame).keep_ref = depth;
    call(frame, o, Magic::Get, name, None)
}
