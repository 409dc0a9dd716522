//! The Core extension's class and object functions: `get_class`, `method_exists`,
//! `class_exists`, `get_object_vars`, `is_a`, `spl_object_id`...

use crate::args;
use php_runtime::object::{Class, PhpObject, flags};
use php_runtime::value::View;
use php_runtime::{Builtin, Host, PhpArray, PhpError, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("get_class", get_class),
    ("get_parent_class", get_parent_class),
    ("get_object_vars", get_object_vars),
    ("method_exists", method_exists),
    ("get_class_methods", get_class_methods),
    ("property_exists", property_exists),
    ("class_exists", class_exists),
    ("interface_exists", interface_exists),
    ("is_a", is_a),
    ("is_subclass_of", is_subclass_of),
    ("is_object", is_object),
    ("spl_object_id", spl_object_id),
    ("spl_object_hash", spl_object_hash),
];

fn object_arg<'a>(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &'a Zval,
) -> Result<&'a PhpObject, PhpError> {
    match v.view() {
        View::Object(o) => Ok(o),
        _ => {
            let msg = format!(
                "{func}(): Argument #{n} (${param}) must be of type object, {} given",
                php_runtime::convert::type_name(v)
            );
            Err(h.throw("TypeError", msg))
        }
    }
}

/// The class an `object|string` argument names (`None`: no such class).
fn class_arg(h: &mut dyn Host, v: &Zval) -> Option<&'static Class> {
    match v.view() {
        View::Object(o) => Some(o.class()),
        View::Str(s) => h.class(&s.as_bytes().to_ascii_lowercase()),
        View::Ref(r) => r.with(|v| class_arg(h, v)),
        _ => None,
    }
}

/// A class's name as a value: the whole name (an anonymous class's with its NUL byte and
/// where it was declared, as PHP gives it).
fn name_zval(c: &Class) -> Zval {
    Zval::string(php_runtime::PhpString::new(&c.name))
}

fn get_class(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "get_class", a, 0, 1)?;
    match a.first() {
        Some(v) => Ok(name_zval(
            object_arg(h, "get_class", 1, "object", v)?.class(),
        )),
        None => match h.scope() {
            Some(c) => Ok(name_zval(c)),
            None => Err(h.throw(
                "Error",
                "get_class() without arguments must be called from within a class".into(),
            )),
        },
    }
}

fn get_parent_class(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "get_parent_class", a, 0, 1)?;
    let class = match a.first() {
        Some(v) => match class_arg(h, v) {
            Some(c) => Some(c),
            None => {
                let msg = format!(
                    "get_parent_class(): Argument #1 ($object_or_class) must be an object or a valid class name, {} given",
                    php_runtime::convert::type_name(&v.deref())
                );
                return Err(h.throw("TypeError", msg));
            }
        },
        None => h.scope(),
    };
    Ok(match class.and_then(|c| c.parent) {
        Some(p) => name_zval(p),
        None => Zval::bool(false),
    })
}

fn get_object_vars(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "get_object_vars", a, 1, 1)?;
    let o = object_arg(h, "get_object_vars", 1, "object", &a[0])?;
    let scope = h.scope();
    let mut out = PhpArray::new();
    for (k, v) in o.props().iter() {
        if matches!(v.view(), View::Undef) {
            continue;
        }
        let key = match k {
            php_runtime::ArrayKey::Str(s) => match o.class().sees(scope, s.as_bytes()) {
                Some(name) => php_runtime::ArrayKey::from_bytes(name),
                None => continue,
            },
            _ => k.clone(),
        };
        drop(out.insert(key, v.deref()));
    }
    Ok(Zval::array(out))
}

fn method_exists(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "method_exists", a, 2, 2)?;
    let name = args::string(h, "method_exists", 2, "method", &a[1])?;
    let class = class_arg(h, &a[0]);
    Ok(Zval::bool(class.is_some_and(|c| {
        c.method(&name.as_bytes().to_ascii_lowercase()).is_some()
    })))
}

/// `get_class_methods(object|string $object_or_class)`: the names of the methods the calling
/// scope may call, in the class's table order.
fn get_class_methods(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "get_class_methods", a, 1, 1)?;
    let v = a[0].deref();
    let class = match v.view() {
        View::Object(o) => Some(o.class()),
        View::Str(s) => h.autoload_class(s.as_bytes())?,
        _ => None,
    };
    let Some(class) = class else {
        let msg = format!(
            "get_class_methods(): Argument #1 ($object_or_class) must be an object or a valid class name, {} given",
            php_runtime::convert::type_name(&v)
        );
        return Err(h.throw("TypeError", msg));
    };
    let scope = h.scope();
    let mut out = Vec::new();
    for lower in h.method_order(class) {
        let Some(m) = class.method(&lower) else {
            continue;
        };
        let visible = if m.flags & flags::PRIVATE != 0 {
            scope.is_some_and(|s| s.id == m.class)
        } else if m.flags & flags::PROTECTED != 0 {
            scope.is_some_and(|s| related(s, declaring(class, m.class)))
        } else {
            true
        };
        if visible {
            out.push(Zval::string(php_runtime::PhpString::new(&m.name)));
        }
    }
    Ok(Zval::array(PhpArray::from_list(out)))
}

/// The class of id `id` among `class` and its ancestors (`class` itself if none is).
fn declaring(class: &'static Class, id: u32) -> &'static Class {
    let mut c = Some(class);
    while let Some(k) = c {
        if k.id == id {
            return k;
        }
        c = k.parent;
    }
    class
}

/// Whether one of the classes extends the other, or they are the same (PHP's check of a
/// protected member).
fn related(a: &Class, b: &Class) -> bool {
    let descends = |from: &Class, to: &Class| {
        let mut c = Some(from);
        while let Some(k) = c {
            if k.id == to.id {
                return true;
            }
            c = k.parent;
        }
        false
    };
    descends(a, b) || descends(b, a)
}

fn property_exists(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "property_exists", a, 2, 2)?;
    if !matches!(a[0].deref().view(), View::Object(_) | View::Str(_)) {
        let msg = format!(
            "property_exists(): Argument #1 ($object_or_class) must be of type object|string, {} given",
            php_runtime::convert::type_name(&a[0].deref())
        );
        return Err(h.throw("TypeError", msg));
    }
    let name = args::string(h, "property_exists", 2, "property", &a[1])?;
    let n = name.as_bytes();
    if let View::Object(o) = a[0].view()
        && o.props()
            .contains(php_runtime::object::prop_key(n).as_ref())
    {
        return Ok(Zval::bool(true));
    }
    let class = class_arg(h, &a[0]);
    Ok(Zval::bool(class.is_some_and(|c| {
        // An ancestor's private property is not the class's own.
        c.prop(n)
            .is_some_and(|p| !p.is_private() || p.class == c.id)
            || c.statics.contains_key(n)
    })))
}

fn exists(h: &mut dyn Host, name: &str, a: &[Zval], interface: bool) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 2)?;
    let n = args::string(h, name, 1, "class", &a[0])?;
    let autoload = match a.get(1) {
        Some(v) => args::boolean(h, name, 2, "autoload", v)?,
        None => true,
    };
    let c = if autoload {
        h.autoload_class(n.as_bytes())?
    } else {
        h.class(&n.as_bytes().to_ascii_lowercase())
    };
    Ok(Zval::bool(c.is_some_and(|c| c.is_interface() == interface)))
}

fn class_exists(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    exists(h, "class_exists", a, false)
}

fn interface_exists(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    exists(h, "interface_exists", a, true)
}

/// `is_a` and `is_subclass_of` (which leaves out the class itself).
fn is_a_common(h: &mut dyn Host, name: &str, a: &[Zval], proper: bool) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 2, 3)?;
    let allow_string = match a.get(2) {
        Some(v) => args::boolean(h, name, 3, "allow_string", v)?,
        None => proper,
    };
    if matches!(a[0].view(), View::Str(_)) && !allow_string {
        return Ok(Zval::bool(false));
    }
    let target = args::string(h, name, 2, "class", &a[1])?;
    let found = match a[0].deref().view() {
        View::Str(s) => h.autoload_class(s.as_bytes())?,
        _ => class_arg(h, &a[0]),
    };
    let Some(class) = found else {
        return Ok(Zval::bool(false));
    };
    let lower = target.as_bytes().to_ascii_lowercase();
    let lower = lower.strip_prefix(b"\\").unwrap_or(&lower);
    if proper && &class.lower[..] == lower {
        return Ok(Zval::bool(false));
    }
    Ok(Zval::bool(class.is_a_name(lower)))
}

fn is_a(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    is_a_common(h, "is_a", a, false)
}

fn is_subclass_of(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    is_a_common(h, "is_subclass_of", a, true)
}

fn is_object(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "is_object", a, 1, 1)?;
    Ok(Zval::bool(matches!(a[0].deref().view(), View::Object(_))))
}

fn spl_object_id(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "spl_object_id", a, 1, 1)?;
    let o = object_arg(h, "spl_object_id", 1, "object", &a[0])?;
    Ok(Zval::int(i64::from(o.handle())))
}

fn spl_object_hash(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "spl_object_hash", a, 1, 1)?;
    let o = object_arg(h, "spl_object_hash", 1, "object", &a[0])?;
    Ok(Zval::str(&format!("{:032x}", o.handle())))
}
