//! Autoloading: the callbacks `spl_autoload_register` installs, called with a class's name
//! the first time code uses a class that does not exist, to declare it.
//!
//! [`autoload`] is the hook the VM's class lookups call when a name is not found. A name
//! being autoloaded is not autoloaded again from inside its own autoloader (Zend's guard
//! against endless recursion).

use crate::functions::arity;
use crate::ops::vars::throw;
use crate::vm::{Frame, vm_of};
use php_runtime::object::Class;
use php_runtime::value::View;
use php_runtime::{PhpArray, PhpError, Zval};
use std::cell::RefCell;

thread_local! {
    /// The lowercase names being autoloaded now.
    static LOADING: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// Whether `name` can be a class name (Zend does not autoload other strings).
fn valid_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'\\' || b >= 0x80)
}

/// Runs the autoloaders for the class `name` (as written, a leading `\` allowed) until one
/// declares it; the class, if it exists then.
pub fn autoload(frame: &mut Frame, name: &[u8]) -> Result<Option<&'static Class>, PhpError> {
    let name = name.strip_prefix(b"\\").unwrap_or(name);
    let lower = name.to_ascii_lowercase();
    let find = |frame: &Frame| vm_of(frame).classes.get(&lower).copied();
    if let Some(c) = find(frame) {
        return Ok(Some(c));
    }
    let busy = LOADING.with(|l| l.borrow().contains(&lower));
    if busy || !valid_name(name) {
        return Ok(None);
    }
    let loaders = vm_of(frame).autoloaders.clone();
    if loaders.is_empty() {
        return Ok(None);
    }
    LOADING.with(|l| l.borrow_mut().push(lower.clone()));
    let mut result = Ok(None);
    for f in loaders {
        let arg = Zval::string(php_runtime::PhpString::new(name));
        let called = match crate::ops::callable::resolve(frame, &f) {
            Ok(t) => crate::ops::callable::call_target(frame, t, vec![arg]),
            Err(_) => continue,
        };
        if let Err(e) = called {
            result = Err(e);
            break;
        }
        if let Some(c) = find(frame) {
            result = Ok(Some(c));
            break;
        }
    }
    LOADING.with(|l| {
        l.borrow_mut().pop();
    });
    result
}

/// `spl_autoload_register(?callable $callback = null, bool $throw = true, bool $prepend =
/// false)`.
pub fn spl_autoload_register(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "spl_autoload_register", a, 0, 3)?;
    let f = a.first().map(|v| v.deref()).unwrap_or(Zval::NULL);
    if f.is_null() {
        let msg = "spl_autoload_register(): Argument #1 ($callback) must be a valid callback or null, the default autoloader (spl_autoload) is not supported";
        return Err(throw(frame, "Error", msg.into()));
    }
    if let Err(why) = crate::ops::callable::resolve(frame, &f) {
        let msg = format!(
            "spl_autoload_register(): Argument #1 ($callback) must be a valid callback or null, {why}"
        );
        return Err(throw(frame, "TypeError", msg));
    }
    let prepend = a
        .get(2)
        .is_some_and(|v| php_runtime::convert::to_bool(&v.deref()));
    {
        let l = &mut vm_of(frame).autoloaders;
        if l.iter()
            .any(|g| php_runtime::compare::identical(g, &f).unwrap_or(false))
        {
            return Ok(Zval::bool(true));
        }
        if prepend {
            l.insert(0, f);
        } else {
            l.push(f);
        }
    }
    Ok(Zval::bool(true))
}

/// `spl_autoload_unregister(callable $callback)`.
pub fn spl_autoload_unregister(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "spl_autoload_unregister", a, 1, 1)?;
    let f = a[0].deref();
    let l = &mut vm_of(frame).autoloaders;
    let before = l.len();
    l.retain(|g| !php_runtime::compare::identical(g, &f).unwrap_or(false));
    let removed = l.len() != before;
    Ok(Zval::bool(removed))
}

/// `spl_autoload_functions()`.
pub fn spl_autoload_functions(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "spl_autoload_functions", a, 0, 0)?;
    let list = PhpArray::from_list(vm_of(frame).autoloaders.iter().cloned());
    Ok(Zval::array(list))
}

/// `spl_autoload_call(string $class)`.
pub fn spl_autoload_call(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "spl_autoload_call", a, 1, 1)?;
    let v = a[0].deref();
    if let View::Str(s) = v.view() {
        autoload(frame, s.as_bytes())?;
    }
    Ok(Zval::NULL)
}
