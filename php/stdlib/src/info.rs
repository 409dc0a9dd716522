//! What the running PHP says about itself: its version, SAPI, extensions and host system
//! (`phpversion`, `php_sapi_name`, `get_loaded_extensions`, `php_uname`...).

use crate::args;
use php_runtime::{Builtin, Host, PhpArray, PhpError, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("phpversion", phpversion),
    ("zend_version", zend_version),
    ("php_sapi_name", php_sapi_name),
    ("get_loaded_extensions", get_loaded_extensions),
    ("extension_loaded", extension_loaded),
    ("get_extension_funcs", get_extension_funcs),
    ("php_uname", php_uname),
    ("memory_get_usage", memory_get_usage),
    ("memory_get_peak_usage", memory_get_peak_usage),
    ("memory_reset_peak_usage", memory_reset_peak_usage),
];

/// The extensions hippy provides (what `hippy -m` lists).
pub const EXTENSIONS: &[&str] = &["Core", "standard"];

fn phpversion(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "phpversion", a, 0, 1)?;
    if let Some(ext) = a.first() {
        let e = args::string(h, "phpversion", 1, "extension", ext)?;
        let known = EXTENSIONS
            .iter()
            .any(|x| x.eq_ignore_ascii_case(&String::from_utf8_lossy(e.as_bytes())));
        return Ok(if known {
            Zval::str("8.2.32")
        } else {
            Zval::bool(false)
        });
    }
    Ok(Zval::str("8.2.32"))
}

fn zend_version(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "zend_version", a, 0, 0)?;
    Ok(Zval::str("4.2.32"))
}

fn php_sapi_name(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "php_sapi_name", a, 0, 0)?;
    Ok(Zval::str("cli"))
}

fn get_loaded_extensions(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "get_loaded_extensions", a, 0, 1)?;
    let zend = match a.first() {
        Some(v) => args::boolean(h, "get_loaded_extensions", 1, "zend_extensions", v)?,
        None => false,
    };
    let list: &[&str] = if zend { &[] } else { EXTENSIONS };
    Ok(Zval::array(PhpArray::from_list(
        list.iter().map(|e| Zval::str(e)),
    )))
}

/// The functions of the engine's own extension, `Core` (PHP's `zend_builtin_functions`).
const CORE_FUNCTIONS: &[&str] = &[
    "zend_version",
    "func_num_args",
    "func_get_arg",
    "func_get_args",
    "strlen",
    "strcmp",
    "strncmp",
    "strcasecmp",
    "strncasecmp",
    "error_reporting",
    "define",
    "defined",
    "get_class",
    "get_called_class",
    "get_parent_class",
    "is_subclass_of",
    "is_a",
    "get_class_vars",
    "get_object_vars",
    "get_mangled_object_vars",
    "get_class_methods",
    "method_exists",
    "property_exists",
    "class_exists",
    "interface_exists",
    "trait_exists",
    "enum_exists",
    "function_exists",
    "class_alias",
    "get_included_files",
    "get_required_files",
    "trigger_error",
    "user_error",
    "set_error_handler",
    "restore_error_handler",
    "set_exception_handler",
    "restore_exception_handler",
    "get_declared_classes",
    "get_declared_traits",
    "get_declared_interfaces",
    "get_defined_functions",
    "get_defined_vars",
    "get_resource_type",
    "get_resource_id",
    "get_resources",
    "get_loaded_extensions",
    "get_defined_constants",
    "debug_backtrace",
    "debug_print_backtrace",
    "extension_loaded",
    "get_extension_funcs",
    "zend_thread_id",
    "gc_mem_caches",
    "gc_collect_cycles",
    "gc_enabled",
    "gc_enable",
    "gc_disable",
    "gc_status",
];

/// The extension a built-in function belongs to.
fn extension_of(name: &str) -> &'static str {
    let in_table = |t: &[(&str, Builtin)]| t.iter().any(|(n, _)| *n == name);
    if CORE_FUNCTIONS.contains(&name) {
        "Core"
    } else if in_table(crate::json::FUNCTIONS) {
        "json"
    } else if in_table(crate::pcre::FUNCTIONS) {
        "pcre"
    } else if in_table(crate::spl::FUNCTIONS) || name.starts_with("spl_") {
        "SPL"
    } else {
        "standard"
    }
}

/// `get_extension_funcs(string $extension)`: the functions of a loaded extension (`"zend"`
/// names `Core`), or `false`.
fn get_extension_funcs(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "get_extension_funcs", a, 1, 1)?;
    let e = args::string(h, "get_extension_funcs", 1, "extension", &a[0])?;
    let asked = String::from_utf8_lossy(e.as_bytes()).to_ascii_lowercase();
    let asked = if asked == "zend" {
        "core".into()
    } else {
        asked
    };
    let Some(ext) = EXTENSIONS.iter().find(|x| x.eq_ignore_ascii_case(&asked)) else {
        return Ok(Zval::bool(false));
    };
    let names: Vec<&str> = if *ext == "Core" {
        CORE_FUNCTIONS
            .iter()
            .copied()
            .filter(|n| h.function_exists(n.as_bytes()))
            .collect()
    } else {
        let mut all = h.vm_functions();
        all.extend(crate::names());
        all.into_iter()
            .filter(|n| extension_of(n) == *ext)
            .collect()
    };
    Ok(Zval::array(PhpArray::from_list(
        names.into_iter().map(Zval::str),
    )))
}

fn extension_loaded(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "extension_loaded", a, 1, 1)?;
    let e = args::string(h, "extension_loaded", 1, "extension", &a[0])?;
    let name = String::from_utf8_lossy(e.as_bytes()).into_owned();
    Ok(Zval::bool(
        EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(&name)),
    ))
}

/// The fields of `uname(2)`: system, node, release, version, machine.
fn uname() -> [String; 5] {
    // SAFETY: `utsname` is plain data; `uname` fills it and the fields are NUL-terminated.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid, writable `utsname`.
    if unsafe { libc::uname(&mut u) } != 0 {
        return Default::default();
    }
    let field = |f: &[libc::c_char]| {
        let bytes: Vec<u8> = f
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    [
        field(&u.sysname),
        field(&u.nodename),
        field(&u.release),
        field(&u.version),
        field(&u.machine),
    ]
}

fn php_uname(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "php_uname", a, 0, 1)?;
    let mode = match a.first() {
        Some(m) => args::string(h, "php_uname", 1, "mode", m)?
            .as_bytes()
            .to_vec(),
        None => b"a".to_vec(),
    };
    let [s, n, r, v, m] = uname();
    let text = match &mode[..] {
        b"s" => s,
        b"n" => n,
        b"r" => r,
        b"v" => v,
        b"m" => m,
        b"a" => format!("{s} {n} {r} {v} {m}"),
        _ => {
            let msg = "php_uname(): Argument #1 ($mode) must be a single character, and one of 'a', 's', 'n', 'r', 'v' or 'm'";
            return Err(h.throw("ValueError", msg.into()));
        }
    };
    Ok(Zval::str(&text))
}

/// `memory_get_usage(bool $real_usage = false)`: the bytes in use (both ways: hippy has no
/// allocator of its own whose blocks it could report).
fn memory_get_usage(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "memory_get_usage", a, 0, 1)?;
    if let Some(v) = a.first() {
        args::boolean(h, "memory_get_usage", 1, "real_usage", v)?;
    }
    Ok(Zval::int(php_runtime::memory::used() as i64))
}

fn memory_get_peak_usage(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "memory_get_peak_usage", a, 0, 1)?;
    if let Some(v) = a.first() {
        args::boolean(h, "memory_get_peak_usage", 1, "real_usage", v)?;
    }
    Ok(Zval::int(php_runtime::memory::peak() as i64))
}

fn memory_reset_peak_usage(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "memory_reset_peak_usage", a, 0, 0)?;
    php_runtime::memory::reset_peak();
    Ok(Zval::NULL)
}
