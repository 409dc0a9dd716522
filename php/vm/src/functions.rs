//! Built-in functions that work on the VM's own state rather than on values: error and
//! exception handlers, `trigger_error`, shutdown functions, the variables of the calling
//! function (`compact`, `extract`, `get_defined_vars`), ini settings, and the functions of
//! the garbage collector and time limits that have nothing to do here.

use crate::ops::callable::resolve;
use crate::ops::vars::{read_cv, throw, write_cv};
use crate::vm::{Frame, vm_of};
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpError, PhpString, Zval};

/// A built-in function with the calling frame.
pub type VmBuiltin = fn(&mut Frame, &[Zval]) -> Result<Zval, PhpError>;

/// The functions, by lowercase name.
pub const FUNCTIONS: &[(&str, VmBuiltin)] = &[
    ("set_error_handler", set_error_handler),
    ("restore_error_handler", restore_error_handler),
    ("set_exception_handler", set_exception_handler),
    ("restore_exception_handler", restore_exception_handler),
    ("trigger_error", trigger_error),
    ("user_error", trigger_error),
    ("register_shutdown_function", register_shutdown_function),
    (
        "register_tick_function",
        crate::ticks::register_tick_function,
    ),
    (
        "unregister_tick_function",
        crate::ticks::unregister_tick_function,
    ),
    ("compact", compact),
    ("extract", extract),
    ("get_defined_vars", get_defined_vars),
    ("ini_get", ini_get),
    ("ini_set", ini_set),
    ("ini_restore", ini_restore),
    ("get_cfg_var", get_cfg_var),
    ("phpinfo", phpinfo),
    ("error_get_last", error_get_last),
    ("error_clear_last", error_clear_last),
    ("php_ini_loaded_file", php_ini_loaded_file),
    ("php_ini_scanned_files", php_ini_loaded_file),
    ("set_time_limit", set_time_limit),
    ("gc_collect_cycles", gc_collect_cycles),
    ("gc_enable", gc_enable),
    ("gc_disable", gc_disable),
    ("gc_enabled", gc_enabled),
    ("gc_status", gc_status),
    ("ini_alter", ini_set),
    ("debug_backtrace", crate::backtrace::debug_backtrace),
    (
        "debug_print_backtrace",
        crate::backtrace::debug_print_backtrace,
    ),
    ("assert", crate::assert::assert),
    ("assert_options", crate::assert::assert_options),
    (
        "spl_autoload_register",
        crate::autoload::spl_autoload_register,
    ),
    (
        "spl_autoload_unregister",
        crate::autoload::spl_autoload_unregister,
    ),
    (
        "spl_autoload_functions",
        crate::autoload::spl_autoload_functions,
    ),
    ("spl_autoload_call", crate::autoload::spl_autoload_call),
    (
        "get_defined_functions",
        crate::introspect::get_defined_functions,
    ),
    (
        "get_declared_classes",
        crate::introspect::get_declared_classes,
    ),
    (
        "get_declared_interfaces",
        crate::introspect::get_declared_interfaces,
    ),
    (
        "get_defined_constants",
        crate::introspect::get_defined_constants,
    ),
    ("get_included_files", crate::introspect::get_included_files),
    ("constant", crate::constant_fn::constant),
    ("class_alias", crate::alias::class_alias),
    ("get_required_files", crate::introspect::get_included_files),
];

/// PHP's `ArgumentCountError` unless `min <= args.len() <= max`.
pub(crate) fn arity(
    frame: &mut Frame,
    name: &str,
    a: &[Zval],
    min: usize,
    max: usize,
) -> Result<(), PhpError> {
    if a.len() >= min && a.len() <= max {
        return Ok(());
    }
    let (word, n) = if min == max {
        ("exactly", min)
    } else if a.len() < min {
        ("at least", min)
    } else {
        ("at most", max)
    };
    let s = if n == 1 { "" } else { "s" };
    let msg = format!("{name}() expects {word} {n} argument{s}, {} given", a.len());
    Err(throw(frame, "ArgumentCountError", msg))
}

fn string_of(v: &Zval) -> Vec<u8> {
    let mut out = Vec::new();
    php_runtime::convert::push_string(&mut out, &v.deref());
    out
}

/// A callable argument (or `null` where allowed): PHP's `TypeError` otherwise.
pub(crate) fn callable_arg(
    frame: &mut Frame,
    name: &str,
    v: &Zval,
    nullable: bool,
) -> Result<(), PhpError> {
    if nullable && v.is_null() {
        return Ok(());
    }
    if let Err(why) = resolve(frame, v) {
        let or_null = if nullable { " or null" } else { "" };
        let msg =
            format!("{name}(): Argument #1 ($callback) must be a valid callback{or_null}, {why}");
        return Err(throw(frame, "TypeError", msg));
    }
    Ok(())
}

fn set_error_handler(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "set_error_handler", a, 1, 2)?;
    callable_arg(frame, "set_error_handler", &a[0], true)?;
    let mask = match a.get(1) {
        Some(m) => php_runtime::convert::to_int(m),
        None => 32767,
    };
    let vm = vm_of(frame);
    let old = vm
        .error_handlers
        .last()
        .map_or(Zval::NULL, |(h, _)| h.clone());
    vm.error_handlers.push((a[0].deref(), mask));
    Ok(old)
}

fn restore_error_handler(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "restore_error_handler", a, 0, 0)?;
    vm_of(frame).error_handlers.pop();
    Ok(Zval::bool(true))
}

fn set_exception_handler(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "set_exception_handler", a, 1, 1)?;
    callable_arg(frame, "set_exception_handler", &a[0], true)?;
    let vm = vm_of(frame);
    let old = vm.exception_handlers.last().cloned().unwrap_or(Zval::NULL);
    vm.exception_handlers.push(a[0].deref());
    Ok(old)
}

fn restore_exception_handler(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "restore_exception_handler", a, 0, 0)?;
    vm_of(frame).exception_handlers.pop();
    Ok(Zval::bool(true))
}

fn trigger_error(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "trigger_error", a, 1, 2)?;
    let message = String::from_utf8_lossy(&string_of(&a[0])).into_owned();
    let level = match a.get(1) {
        Some(l) => php_runtime::convert::to_int(l),
        None => 1024,
    };
    if !matches!(level, 256 | 512 | 1024 | 16384) {
        let msg = "trigger_error(): Argument #2 ($error_level) must be one of E_USER_ERROR, E_USER_WARNING, E_USER_NOTICE, or E_USER_DEPRECATED";
        return Err(throw(frame, "ValueError", msg.into()));
    }
    crate::ops::vars::raise(frame, level, &message)?;
    Ok(Zval::bool(true))
}

fn register_shutdown_function(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "register_shutdown_function", a, 1, usize::MAX)?;
    callable_arg(frame, "register_shutdown_function", &a[0], false)?;
    vm_of(frame)
        .shutdown_functions
        .push((a[0].deref(), a[1..].to_vec()));
    Ok(Zval::NULL)
}

/// The slot of the calling function's variable `name`.
fn cv_named(frame: &Frame, name: &[u8]) -> Option<usize> {
    frame.code.func.cvs.iter().position(|c| &c[..] == name)
}

fn compact(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    let mut names = Vec::new();
    let mut stack: Vec<Zval> = a.iter().rev().cloned().collect();
    while let Some(v) = stack.pop() {
        match v.deref().view() {
            View::Array(x) => {
                let items: Vec<Zval> = x.iter().map(|(_, v)| v.clone()).collect();
                stack.extend(items.into_iter().rev());
            }
            _ => names.push(string_of(&v)),
        }
    }
    let mut out = PhpArray::new();
    for name in names {
        let value = cv_named(frame, &name)
            .map(|i| read_cv(frame, i))
            .filter(|v| !matches!(v.view(), View::Undef));
        match value {
            Some(v) => drop(out.insert(ArrayKey::from_bytes(&name), v)),
            None => crate::ops::vars::warn(
                frame,
                &format!(
                    "compact(): Undefined variable ${}",
                    String::from_utf8_lossy(&name)
                ),
            )?,
        }
    }
    Ok(Zval::array(out))
}

fn extract(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "extract", a, 1, 3)?;
    let arr = match a[0].deref().view() {
        View::Array(x) => x.clone(),
        _ => {
            let msg = format!(
                "extract(): Argument #1 ($array) must be of type array, {} given",
                php_runtime::convert::type_name(&a[0])
            );
            return Err(throw(frame, "TypeError", msg));
        }
    };
    if a.len() > 1 {
        return Err(throw(
            frame,
            "Error",
            "extract() with flags is not supported yet".into(),
        ));
    }
    let mut n = 0;
    for (k, v) in arr.iter() {
        let ArrayKey::Str(name) = k else { continue };
        if name.as_bytes() == b"this" {
            continue;
        }
        if let Some(i) = cv_named(frame, name.as_bytes()) {
            write_cv(frame, i, v.deref());
            n += 1;
        }
    }
    Ok(Zval::int(n))
}

fn get_defined_vars(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "get_defined_vars", a, 0, 0)?;
    let mut out = PhpArray::new();
    for (i, name) in frame.code.func.cvs.iter().enumerate() {
        if &name[..] == b"this" || name.starts_with(b"\0") {
            continue;
        }
        let v = read_cv(frame, i);
        if !matches!(v.view(), View::Undef) {
            drop(out.insert(ArrayKey::from_bytes(name), v));
        }
    }
    Ok(Zval::array(out))
}

fn ini_get(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "ini_get", a, 1, 1)?;
    let key = String::from_utf8_lossy(&string_of(&a[0])).into_owned();
    Ok(match vm_of(frame).ini.get(&key) {
        Some(v) => Zval::string(PhpString::new(v.as_bytes())),
        None => Zval::bool(false),
    })
}

fn ini_set(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "ini_set", a, 2, 2)?;
    let key = String::from_utf8_lossy(&string_of(&a[0])).into_owned();
    let value = String::from_utf8_lossy(&string_of(&a[1])).into_owned();
    let vm = vm_of(frame);
    let Some(old) = vm.ini.get(&key).cloned() else {
        return Ok(Zval::bool(false));
    };
    if key == "error_reporting" {
        vm.error_reporting = error_level(&value);
    }
    vm.ini.insert(key.clone(), value);
    crate::limits::apply(vm, &key);
    Ok(Zval::string(PhpString::new(old.as_bytes())))
}

fn ini_restore(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "ini_restore", a, 1, 1)?;
    let key = String::from_utf8_lossy(&string_of(&a[0])).into_owned();
    let vm = vm_of(frame);
    if let Some(v) = crate::startup::default_ini().remove(&key) {
        vm.ini.insert(key, v);
    }
    Ok(Zval::NULL)
}

fn error_get_last(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "error_get_last", a, 0, 0)?;
    let Some((level, message, file, line)) = vm_of(frame).last_error.clone() else {
        return Ok(Zval::NULL);
    };
    let mut out = PhpArray::new();
    drop(out.insert(ArrayKey::Str(PhpString::new(b"type")), Zval::int(level)));
    drop(out.insert(
        ArrayKey::Str(PhpString::new(b"message")),
        Zval::str(&message),
    ));
    drop(out.insert(ArrayKey::Str(PhpString::new(b"file")), Zval::str(&file)));
    drop(out.insert(
        ArrayKey::Str(PhpString::new(b"line")),
        Zval::int(i64::from(line)),
    ));
    Ok(Zval::array(out))
}

fn error_clear_last(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "error_clear_last", a, 0, 0)?;
    vm_of(frame).last_error = None;
    Ok(Zval::NULL)
}

fn phpinfo(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "phpinfo", a, 0, 1)?;
    let flags = a.first().map_or(0xFFFF_FFFF, php_runtime::convert::to_int);
    let vm = vm_of(frame);
    let text = crate::phpinfo::text(vm, flags);
    if !vm.write(text.as_bytes()) {
        return Err(PhpError::Output);
    }
    Ok(Zval::bool(true))
}

fn get_cfg_var(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "get_cfg_var", a, 1, 1)?;
    let key = String::from_utf8_lossy(&string_of(&a[0])).into_owned();
    Ok(match vm_of(frame).cfg.get(&key) {
        Some(v) => Zval::string(PhpString::new(v.as_bytes())),
        None => Zval::bool(false),
    })
}

/// `php_ini_loaded_file` and `php_ini_scanned_files`: hippy reads no ini files.
fn php_ini_loaded_file(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "php_ini_loaded_file", a, 0, 0)?;
    Ok(Zval::bool(false))
}

fn set_time_limit(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "set_time_limit", a, 1, 1)?;
    let secs = php_runtime::convert::to_int(&a[0]);
    vm_of(frame)
        .ini
        .insert("max_execution_time".into(), secs.to_string());
    crate::limits::set_time_limit(secs);
    Ok(Zval::bool(true))
}

fn gc_collect_cycles(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "gc_collect_cycles", a, 0, 0)?;
    Ok(Zval::int(php_runtime::gc::collect_cycles() as i64))
}

fn gc_enable(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "gc_enable", a, 0, 0)?;
    set_gc(frame, true);
    Ok(Zval::NULL)
}

fn gc_disable(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "gc_disable", a, 0, 0)?;
    set_gc(frame, false);
    Ok(Zval::NULL)
}

/// `gc_enable`/`gc_disable`: the collector and the `zend.enable_gc` setting, which PHP keeps
/// in step.
fn set_gc(frame: &mut Frame, on: bool) {
    php_runtime::gc::set_enabled(on);
    let value = if on { "1" } else { "0" };
    vm_of(frame)
        .ini
        .insert("zend.enable_gc".into(), value.into());
}

fn gc_enabled(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "gc_enabled", a, 0, 0)?;
    Ok(Zval::bool(php_runtime::gc::enabled()))
}

fn gc_status(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    arity(frame, "gc_status", a, 0, 0)?;
    let (runs, collected, threshold, roots) = php_runtime::gc::status();
    let mut out = PhpArray::new();
    for (key, n) in [
        ("runs", runs as i64),
        ("collected", collected as i64),
        ("threshold", threshold as i64),
        ("roots", roots as i64),
    ] {
        drop(out.insert(ArrayKey::Str(PhpString::new(key.as_bytes())), Zval::int(n)));
    }
    Ok(Zval::array(out))
}

/// The level an `error_reporting` ini value means: a number, or an expression of `E_*`
/// constants with `~`, `&`, `|` and `^` (as php.ini files write it), evaluated left to right.
pub fn error_level(text: &str) -> i64 {
    let value = |word: &str| -> i64 {
        match word {
            "E_ERROR" => 1,
            "E_WARNING" => 2,
            "E_PARSE" => 4,
            "E_NOTICE" => 8,
            "E_CORE_ERROR" => 16,
            "E_CORE_WARNING" => 32,
            "E_COMPILE_ERROR" => 64,
            "E_COMPILE_WARNING" => 128,
            "E_USER_ERROR" => 256,
            "E_USER_WARNING" => 512,
            "E_USER_NOTICE" => 1024,
            "E_STRICT" => 2048,
            "E_RECOVERABLE_ERROR" => 4096,
            "E_DEPRECATED" => 8192,
            "E_USER_DEPRECATED" => 16384,
            "E_ALL" => 32767,
            w => w.parse().unwrap_or(0),
        }
    };
    let mut acc: Option<i64> = None;
    let mut op = '|';
    let mut negate = None;
    let mut word = String::new();
    let flush = |word: &mut String, acc: &mut Option<i64>, op: char, negate: &mut Option<char>| {
        if word.is_empty() {
            return;
        }
        let mut v = value(word);
        match negate {
            Some('~') => v = !v,
            Some(_) => v = (v == 0) as i64,
            None => {}
        }
        *acc = Some(match (acc.take(), op) {
            (None, _) => v,
            (Some(a), '&') => a & v,
            (Some(a), '^') => a ^ v,
            (Some(a), _) => a | v,
        });
        word.clear();
        *negate = None;
    };
    for c in text.chars() {
        match c {
            '~' | '!' => negate = Some(c),
            '&' | '|' | '^' => {
                flush(&mut word, &mut acc, op, &mut negate);
                op = c;
            }
            c if c.is_whitespace() || c == '(' || c == ')' => {
                flush(&mut word, &mut acc, op, &mut negate)
            }
            c => word.push(c),
        }
    }
    flush(&mut word, &mut acc, op, &mut negate);
    acc.unwrap_or(0)
}

/// The value a `-d key=value` setting stores, as PHP's ini scanner reads it: quotes removed,
/// `On`/`yes`/`true` as "1" and `Off`/`no`/`false`/`none` as "", and expressions of numbers
/// and `E_*` constants evaluated.
pub fn ini_value(raw: &str) -> String {
    let t = raw.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        return t[1..t.len() - 1].to_string();
    }
    match t.to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => return "1".into(),
        "off" | "no" | "false" | "none" => return String::new(),
        _ => {}
    }
    let expression = t.contains(['|', '&', '^', '~', '!'])
        || (t.starts_with("E_") && t.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'));
    let words_only = t
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b" _|&^~!()-".contains(&b));
    if expression && words_only {
        error_level(t).to_string()
    } else {
        raw.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ini_values_as_the_scanner_reads_them() {
        use super::ini_value;
        assert_eq!(ini_value("E_ALL ^ E_NOTICE"), "32759");
        assert_eq!(
            ini_value("E_ALL & E_NOTICE | E_PARSE ^ E_DEPRECATED & ~E_WARNING | !E_ERROR"),
            "8204"
        );
        assert_eq!(ini_value("On"), "1");
        assert_eq!(ini_value("off"), "");
        assert_eq!(ini_value("\"quoted\""), "quoted");
        assert_eq!(ini_value(" 5 "), " 5 ");
        assert_eq!(ini_value("foo bar"), "foo bar");
    }

    #[test]
    fn error_levels_as_php_ini_writes_them() {
        assert_eq!(super::error_level("E_ALL"), 32767);
        assert_eq!(super::error_level("E_ALL & ~E_NOTICE"), 32767 & !8);
        assert_eq!(super::error_level("E_WARNING | E_NOTICE"), 10);
        assert_eq!(super::error_level("-1"), -1);
        assert_eq!(super::error_level("0"), 0);
    }
}
