//! What the program has defined so far, as lists: `get_defined_functions`,
//! `get_declared_classes` (and interfaces), `get_defined_constants` and
//! `get_included_files`.
//!
//! Constants the compiler folds (`E_ALL`, `PHP_VERSION`...) are not in the VM's table, so
//! `get_defined_constants()` lists only those the VM holds: the library's and the program's.

use crate::functions::arity;
use crate::vm::{Frame, vm_of};
use php_runtime::{PhpArray, PhpError, PhpString, Zval};

fn strings<'a>(names: impl IntoIterator<Item = &'a [u8]>) -> Zval {
    Zval::array(PhpArray::from_list(
        names.into_iter().map(|n| Zval::string(PhpString::new(n))),
    ))
}

/// `get_defined_functions(bool $exclude_disabled = true)`: `["internal" => ..., "user" =>
/// ...]`, lowercase names.
pub fn get_defined_functions(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "get_defined_functions", a, 0, 1)?;
    if a.first()
        .is_some_and(|v| !php_runtime::convert::to_bool(&v.deref()))
    {
        crate::ops::vars::deprecated(
            frame,
            "get_defined_functions(): Setting $exclude_disabled to false has no effect",
        )?;
    }
    let vm = vm_of(frame);
    let mut internal: Vec<&[u8]> = crate::functions::FUNCTIONS
        .iter()
        .map(|(n, _)| n.as_bytes())
        .collect();
    let library = (vm.builtin_names)();
    internal.extend(library.iter().map(|n| n.as_bytes()));
    let mut user: Vec<(u32, &[u8])> = vm
        .functions
        .iter()
        .map(|(n, c)| (c.func.line, &n[..]))
        .collect();
    user.sort();
    let mut out = PhpArray::new();
    drop(out.insert("internal".into(), strings(internal)));
    drop(out.insert("user".into(), strings(user.into_iter().map(|(_, n)| n))));
    Ok(Zval::array(out))
}

/// The classes (or interfaces) in the order they were declared.
fn declared(frame: &mut Frame, name: &str, a: &[Zval], interfaces: bool) -> Result<Zval, PhpError> {
    arity(frame, name, a, 0, 0)?;
    let vm = vm_of(frame);
    let names = vm
        .class_list
        .iter()
        .filter(|c| c.is_interface() == interfaces)
        .map(|c| &c.name[..]);
    Ok(strings(names))
}

/// `get_declared_classes()`.
pub fn get_declared_classes(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    declared(frame, "get_declared_classes", a, false)
}

/// `get_declared_interfaces()`.
pub fn get_declared_interfaces(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    declared(frame, "get_declared_interfaces", a, true)
}

/// `get_defined_constants(bool $categorize = false)`: with `$categorize`, the program's
/// constants under "user" and the others under "Core".
pub fn get_defined_constants(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "get_defined_constants", a, 0, 1)?;
    let categorize = a
        .first()
        .is_some_and(|v| php_runtime::convert::to_bool(&v.deref()));
    let vm = vm_of(frame);
    let mut names: Vec<&Vec<u8>> = vm.constants.keys().collect();
    names.sort();
    let (mut core, mut user) = (PhpArray::new(), PhpArray::new());
    for n in names {
        let key = php_runtime::ArrayKey::from_bytes(n);
        let v = vm.constants[n].clone();
        if categorize && !vm.internal_constants.contains(n) {
            drop(user.insert(key, v));
        } else {
            drop(core.insert(key, v));
        }
    }
    if !categorize {
        return Ok(Zval::array(core));
    }
    let mut out = PhpArray::new();
    drop(out.insert("Core".into(), Zval::array(core)));
    if !user.is_empty() {
        drop(out.insert("user".into(), Zval::array(user)));
    }
    Ok(Zval::array(out))
}

/// `get_included_files()` (and `get_required_files()`): the script, then each file included,
/// once, in the order of their first inclusion.
pub fn get_included_files(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "get_included_files", a, 0, 0)?;
    let vm = vm_of(frame);
    let main = std::fs::canonicalize(&vm.file).unwrap_or_else(|_| vm.file.clone().into());
    let mut list = PhpArray::new();
    for p in std::iter::once(&main).chain(vm.included_list.iter()) {
        use std::os::unix::ffi::OsStrExt;
        let _ = list.append(Zval::string(PhpString::new(p.as_os_str().as_bytes())));
    }
    Ok(Zval::array(list))
}
