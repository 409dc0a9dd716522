//! `class_alias()`: another name for a program's class in the class table (the class keeps
//! its own name; `new Alias` makes an object of it).

use crate::functions::arity;
use crate::ops::vars::{throw, warn};
use crate::vm::{Frame, vm_of};
use php_runtime::{PhpError, Zval};

/// `class_alias(string $class, string $alias, bool $autoload = true): bool`.
pub fn class_alias(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "class_alias", a, 2, 3)?;
    let text = |v: &Zval| {
        let mut out = Vec::new();
        php_runtime::convert::push_string(&mut out, &v.deref());
        out
    };
    let (name, alias) = (text(&a[0]), text(&a[1]));
    let autoload = a
        .get(2)
        .is_none_or(|v| php_runtime::convert::to_bool(&v.deref()));
    let lower = name
        .strip_prefix(b"\\")
        .unwrap_or(&name)
        .to_ascii_lowercase();
    let found = match vm_of(frame).classes.get(&lower).copied() {
        Some(c) => Some(c),
        None if autoload => crate::autoload::autoload(frame, &name)?,
        None => None,
    };
    let Some(class) = found else {
        let msg = format!("Class \"{}\" not found", String::from_utf8_lossy(&name));
        warn(frame, &msg)?;
        return Ok(Zval::bool(false));
    };
    let vm = vm_of(frame);
    let builtin = vm
        .class_specs
        .iter()
        .any(|s| s.name.as_bytes().eq_ignore_ascii_case(&class.name));
    if builtin {
        let msg = "class_alias(): Argument #1 ($class) must be a user-defined class name, internal class name given";
        return Err(throw(frame, "ValueError", msg.into()));
    }
    let key = alias
        .strip_prefix(b"\\")
        .unwrap_or(&alias)
        .to_ascii_lowercase();
    if vm.classes.contains_key(&key) {
        let kind = if class.is_interface() {
            "interface"
        } else {
            "class"
        };
        let msg = format!(
            "Cannot declare {kind} {}, because the name is already in use",
            String::from_utf8_lossy(&alias)
        );
        warn(frame, &msg)?;
        return Ok(Zval::bool(false));
    }
    vm.classes.insert(key, class);
    Ok(Zval::bool(true))
}
