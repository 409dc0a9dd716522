//! Variables (undefined reads, `++`/`--`) and the diagnostics every family raises: warnings,
//! deprecations and thrown errors, with the line of the frame's instruction.

use crate::ops::{borrow, store};
use crate::vm::{Frame, vm_of};
use php_compiler::Step;
use php_runtime::Zval;
use php_runtime::arith::{add, sub};
use php_runtime::error::PhpError;
use php_runtime::incdec::{Stepped, decrement, increment};
use php_runtime::number::Num;
use php_runtime::value::PhpRef;
use php_runtime::value::View;

/// The source line of the frame's current instruction.
pub fn line(frame: &Frame) -> u32 {
    frame.code.func.lines.get(frame.pc).copied().unwrap_or(0)
}

/// Raises a diagnostic of `level` (`E_WARNING`, `E_USER_NOTICE`...): the error handler
/// installed with `set_error_handler` gets it first (if its mask has the level; while it
/// runs it is not called again); unless it returns `false`, that is all. Otherwise PHP's CLI
/// prints it, unless the error-reporting level leaves it out. `E_USER_ERROR` then ends the
/// program.
pub fn raise(frame: &mut Frame, level: i64, message: &str) -> Result<(), PhpError> {
    let at = line(frame);
    raise_at(frame, level, message, frame.code.file, at)
}

/// [`raise`] for a diagnostic of `file` at `line` rather than of the frame's instruction
/// (a compile-time warning of code `eval` compiles).
pub fn raise_at(
    frame: &mut Frame,
    level: i64,
    message: &str,
    file: &str,
    at: u32,
) -> Result<(), PhpError> {
    // `E_ERROR | E_PARSE | E_CORE_* | E_COMPILE_*` never reach a user handler.
    const UNHANDLED: i64 = 245;
    let vm = vm_of(frame);
    if let Some((handler, mask)) = vm.error_handlers.last().cloned()
        && mask & level != 0
        && level & UNHANDLED == 0
        && !vm.in_error_handler
    {
        let args = vec![
            Zval::int(level),
            Zval::str(message),
            Zval::str(file),
            Zval::int(i64::from(at)),
        ];
        vm.in_error_handler = true;
        let result = match crate::ops::callable::resolve(frame, &handler) {
            Ok(t) => crate::ops::callable::call_target(frame, t, args),
            Err(_) => Ok(Zval::NULL),
        };
        vm_of(frame).in_error_handler = false;
        if !matches!(result?.view(), View::Bool(false)) {
            return Ok(());
        }
    }
    let vm = vm_of(frame);
    let label = match level {
        2 | 128 | 512 => "Warning",
        8 | 1024 => "Notice",
        8192 | 16384 => "Deprecated",
        _ => "Fatal error",
    };
    if level == 256 {
        return Err(PhpError::Fatal {
            message: message.to_string(),
            line: at,
        });
    }
    if vm.error_reporting & level == 0 {
        vm.last_error = Some((level, message.to_string(), file.to_string(), at));
        return Ok(());
    }
    if vm.report_error(level, label, message, file, at) {
        Ok(())
    } else {
        Err(PhpError::Output)
    }
}

fn diagnostic(frame: &mut Frame, level: &str, message: &str) -> Result<(), PhpError> {
    let bit = match level {
        "Warning" => 2,
        "Notice" => 8,
        _ => 8192,
    };
    raise(frame, bit, message)
}

/// `Warning: message`.
pub fn warn(frame: &mut Frame, message: &str) -> Result<(), PhpError> {
    diagnostic(frame, "Warning", message)
}

/// `Notice: message`.
pub fn notice(frame: &mut Frame, message: &str) -> Result<(), PhpError> {
    diagnostic(frame, "Notice", message)
}

/// `Deprecated: message`.
pub fn deprecated(frame: &mut Frame, message: &str) -> Result<(), PhpError> {
    diagnostic(frame, "Deprecated", message)
}

pub use php_runtime::error::trace_arg;

/// An exception of the built-in `class` thrown at the frame's instruction, with the calls
/// that led there.
pub fn throw(frame: &mut Frame, class: &'static str, message: String) -> PhpError {
    crate::ops::exception::throwable(frame, class, message)
}

/// A read of the undefined variable in slot `cv`: PHP's warning.
#[metajit::dont_look_inside]
pub fn undefined(frame: &mut Frame, cv: usize) -> Result<(), PhpError> {
    let name = String::from_utf8_lossy(&frame.code.func.cvs[cv]).into_owned();
    if name == "this" {
        let msg = "Using $this when not in object context".to_string();
        return Err(throw(frame, "Error", msg));
    }
    // Superglobals are fetched as globals, so PHP names them so.
    let global = matches!(
        name.as_str(),
        "_SERVER" | "_GET" | "_POST" | "_COOKIE" | "_FILES" | "_ENV" | "_REQUEST" | "_SESSION"
    );
    let kind = if global {
        "global variable"
    } else {
        "variable"
    };
    warn(frame, &format!("Undefined {kind} ${name}"))
}

/// `++`/`--` (`step` is a [`Step`] as `u8`) on the variable in slot `cv`; the expression's
/// value goes to `dst`.
#[metajit::dont_look_inside]
pub fn step(frame: &mut Frame, step: u8, cv: usize, dst: usize) -> Result<(), PhpError> {
    let step = Step::ALL[step as usize];
    let old = read_cv(frame, cv);
    if matches!(old.view(), View::Undef) {
        undefined(frame, cv)?;
    }
    let (new, result) = stepped(frame, step, &old)?;
    write_cv(frame, cv, new);
    store(frame, dst, result);
    Ok(())
}

/// The new value of `old` after `step`, and the expression's value (an unset `old` reads as
/// `null`; the caller has warned about it).
pub fn stepped(frame: &mut Frame, step: Step, old: &Zval) -> Result<(Zval, Zval), PhpError> {
    let inc = matches!(step, Step::PreInc | Step::PostInc);
    let new = match old.view() {
        View::Undef | View::Null => {
            if inc {
                Zval::int(1)
            } else {
                Zval::NULL
            }
        }
        View::Int(i) => Zval::from(if inc {
            add(Num::Int(i), Num::Int(1))
        } else {
            sub(Num::Int(i), Num::Int(1))
        }),
        View::Float(f) => Zval::float(if inc { f + 1.0 } else { f - 1.0 }),
        View::Bool(_) => old.clone(),
        View::Str(s) => match if inc {
            increment(s.as_bytes())
        } else {
            decrement(s.as_bytes())
        } {
            Stepped::Num(n) => Zval::from(n),
            Stepped::Str(s) => Zval::string(s),
        },
        View::Object(o) => {
            let msg = format!(
                "Cannot {} {}",
                if inc { "increment" } else { "decrement" },
                o.class().display()
            );
            return Err(throw(frame, "TypeError", msg));
        }
        View::Array(_) => {
            let msg = format!(
                "Cannot {} array",
                if inc { "increment" } else { "decrement" }
            );
            return Err(throw(frame, "TypeError", msg));
        }
        View::Resource(_) => {
            let msg = format!(
                "Cannot {} resource",
                if inc { "increment" } else { "decrement" }
            );
            return Err(throw(frame, "TypeError", msg));
        }
        View::Ref(r) => return r.with(|v| stepped(frame, step, v)),
    };
    let before = match old.view() {
        View::Undef => Zval::NULL,
        _ => old.clone(),
    };
    let result = if matches!(step, Step::PreInc | Step::PreDec) {
        new.clone()
    } else {
        before
    };
    Ok((new, result))
}

/// A `match` without a matching arm: PHP's `UnhandledMatchError` for the subject in `src`.
#[metajit::dont_look_inside]
pub fn match_error(frame: &mut Frame, src: usize) -> Result<(), PhpError> {
    let v = borrow(frame, src);
    let shown = match v.view() {
        View::Array(_) => "of type array".to_string(),
        View::Object(o) => format!("of type {}", o.class().display()),
        View::Float(_) => {
            // A float keeps its fraction even when it is zero.
            let t = trace_arg(&v);
            if t.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                t + ".0"
            } else {
                t
            }
        }
        _ => trace_arg(&v),
    };
    Err(throw(
        frame,
        "UnhandledMatchError",
        format!("Unhandled match case {shown}"),
    ))
}

/// The name constant `k` of the frame's function.
fn name_of(frame: &Frame, k: usize) -> Vec<u8> {
    match &frame.code.func.constants[k] {
        php_compiler::Const::Str(s) => s.to_vec(),
        _ => Vec::new(),
    }
}

/// `dst =` the user constant named by constant `name`: PHP's `Error` when it is undefined.
#[metajit::dont_look_inside]
pub fn fetch_const(frame: &mut Frame, dst: usize, name: usize) -> Result<(), PhpError> {
    let n = name_of(frame, name);
    let constants = &crate::vm::vm_of(frame).constants;
    // A namespaced name falls back to the global constant.
    let found = constants.get(&n).or_else(|| {
        let i = n.iter().rposition(|&b| b == b'\\')?;
        constants.get(&n[i + 1..])
    });
    match found {
        Some(v) => {
            let v = v.clone();
            crate::ops::store(frame, dst, v);
            Ok(())
        }
        None => {
            let shown = String::from_utf8_lossy(&n).into_owned();
            Err(throw(
                frame,
                "Error",
                format!("Undefined constant \"{shown}\""),
            ))
        }
    }
}

/// `const NAME = src;`: PHP's warning when it is already defined.
#[metajit::dont_look_inside]
pub fn declare_const(frame: &mut Frame, name: usize, src: usize) -> Result<(), PhpError> {
    let n = name_of(frame, name);
    let v = (*borrow(frame, src)).clone();
    let constants = &mut crate::vm::vm_of(frame).constants;
    if constants.contains_key(&n) {
        let shown = String::from_utf8_lossy(&n).into_owned();
        return warn(frame, &format!("Constant {shown} already defined"));
    }
    constants.insert(n, v);
    Ok(())
}

/// The PHP reference in slot `slot`, made there first if the slot holds a plain value (an
/// unset slot becomes a reference to `null`).
pub fn ref_of_slot(frame: &mut Frame, slot: usize) -> PhpRef {
    if let View::Ref(r) = borrow(frame, slot).view() {
        return r.clone();
    }
    let v = std::mem::replace(&mut frame.slots[slot], php_runtime::Value::UNDEF);
    // SAFETY: the slot owned its value; it is moved into the reference.
    let v = unsafe { Zval::from_raw(v) };
    let v = if matches!(v.view(), View::Undef) {
        Zval::NULL
    } else {
        v
    };
    let r = PhpRef::new(v);
    store(frame, slot, Zval::reference(r.clone()));
    r
}

/// The value of variable `cv`, through its reference if it has one (unset stays unset).
pub fn read_cv(frame: &Frame, cv: usize) -> Zval {
    match borrow(frame, cv).view() {
        View::Ref(r) => r.get(),
        _ => (*borrow(frame, cv)).clone(),
    }
}

/// Stores `v` in variable `cv`, through its reference if it has one.
pub fn write_cv(frame: &mut Frame, cv: usize, v: Zval) {
    if let View::Ref(r) = borrow(frame, cv).view() {
        drop(r.replace(v));
        return;
    }
    store(frame, cv, v);
}

/// `dst =` the value of the reference in slot `cv`.
#[metajit::dont_look_inside]
pub fn load_through(frame: &mut Frame, dst: usize, cv: usize) {
    let v = read_cv(frame, cv);
    store(frame, dst, v);
}

/// [`load_through`] for a read that warns: a reference to nothing (the variable of an
/// includer that does not have it yet) is an undefined variable.
#[metajit::dont_look_inside]
pub fn load_through_warning(frame: &mut Frame, dst: usize, cv: usize) -> Result<(), PhpError> {
    let v = read_cv(frame, cv);
    if matches!(v.view(), View::Undef) {
        undefined(frame, cv)?;
        store(frame, dst, Zval::NULL);
        return Ok(());
    }
    store(frame, dst, v);
    Ok(())
}

/// `$cv = src` where `$cv` is a reference: the referenced value changes.
#[metajit::dont_look_inside]
pub fn assign_through(frame: &mut Frame, cv: usize, src: usize) {
    let v = (*borrow(frame, src)).clone();
    write_cv(frame, cv, v);
}

/// `$cv = &$src`.
#[metajit::dont_look_inside]
pub fn assign_ref(frame: &mut Frame, cv: usize, src: usize) {
    if src >= frame.code.func.cvs.len() && !matches!(borrow(frame, src).view(), View::Ref(_)) {
        // A call's result that is no reference (after PHP's notice): PHP assigns it as a
        // value, through the variable's reference if it has one (a `static` stays bound).
        let v = (*borrow(frame, src)).clone();
        write_cv(frame, cv, v);
        return;
    }
    let r = ref_of_slot(frame, src);
    store(frame, cv, Zval::reference(r));
}

/// `dst =` a reference to variable `cv` (an argument passed by reference).
#[metajit::dont_look_inside]
pub fn make_ref(frame: &mut Frame, dst: usize, cv: usize) {
    let r = ref_of_slot(frame, cv);
    store(frame, dst, Zval::reference(r));
}

/// `global $cv;` with the name in constant `name`.
#[metajit::dont_look_inside]
pub fn bind_global(frame: &mut Frame, cv: usize, name: usize) {
    if frame.depth == 1 {
        return;
    }
    let n = name_of(frame, name);
    let r = global_variable(frame, n);
    store(frame, cv, Zval::reference(r));
}

/// The global variable `name` as a reference, made (as `null`) if missing.
pub fn global_variable(frame: &mut Frame, name: Vec<u8>) -> PhpRef {
    let vm = crate::vm::vm_of(frame);
    let main = crate::vm::main_frame(vm).expect("the script's frame exists while it runs");
    match main.code.func.cvs.iter().position(|c| **c == *name) {
        Some(i) => ref_of_slot(main, i),
        None => vm
            .extra_globals
            .entry(name)
            .or_insert_with(|| PhpRef::new(Zval::NULL))
            .clone(),
    }
}

/// `static $cv = constants[init];`: the function's static variable, made on first use (an
/// initializer that throws leaves it to be made next time).
#[metajit::dont_look_inside]
pub fn bind_static(frame: &mut Frame, cv: usize, init: usize) -> Result<(), PhpError> {
    let code = frame.code;
    let key = (code as *const crate::vm::Code as usize, cv);
    let r = match crate::vm::vm_of(frame).statics.get(&key) {
        Some(r) => r.clone(),
        None => {
            let v = if init == php_compiler::NONE as usize {
                Zval::NULL
            } else {
                crate::constexpr::constant_in(frame, init)?
            };
            let r = PhpRef::new(v);
            crate::vm::vm_of(frame).statics.insert(key, r.clone());
            r
        }
    };
    store(frame, cv, Zval::reference(r));
    Ok(())
}

/// The levels `@` keeps: the fatal ones (`E_ERROR | E_CORE_ERROR | E_COMPILE_ERROR |
/// E_USER_ERROR | E_RECOVERABLE_ERROR | E_PARSE`).
const SILENCED: i64 = 4437;

/// Starts `@expr`: the level goes to slot `save`.
#[metajit::dont_look_inside]
pub fn silence(frame: &mut Frame, save: usize) {
    let vm = vm_of(frame);
    let level = vm.error_reporting;
    vm.error_reporting = level & SILENCED;
    store(frame, save, Zval::int(level));
}

/// Ends `@expr`: the level comes back from slot `save`.
#[metajit::dont_look_inside]
pub fn unsilence(frame: &mut Frame, save: usize) {
    if let View::Int(level) = borrow(frame, save).view() {
        // Only if the silenced expression left the level alone (it still has only fatal
        // errors) and the saved one had more.
        let only_fatal = |l: i64| l & !SILENCED == 0;
        let vm = vm_of(frame);
        if only_fatal(vm.error_reporting) && !only_fatal(level) {
            vm.error_reporting = level;
        }
    }
}

/// `$cv .= val;`: the string grows in place when nothing else holds it.
#[metajit::dont_look_inside]
pub fn concat_assign(frame: &mut Frame, cv: usize, val: usize) -> Result<(), PhpError> {
    let v = (*borrow(frame, val)).clone();
    // The variable's value is taken out (from its reference if it has one): a string held
    // only by the variable then has one owner and grows in place.
    let reference = match borrow(frame, cv).view() {
        View::Ref(r) => Some(r.clone()),
        _ => None,
    };
    let cur = match &reference {
        Some(r) => r.replace(Zval::UNDEF),
        None => {
            let raw = std::mem::replace(&mut frame.slots[cv], php_runtime::Value::UNDEF);
            // SAFETY: the slot owned its value; it is put back below.
            unsafe { Zval::from_raw(raw) }
        }
    };
    let put_back = |frame: &mut Frame, value: Zval| match &reference {
        Some(r) => drop(r.replace(value)),
        None => store(frame, cv, value),
    };
    let cur = if matches!(cur.view(), View::Undef) {
        if let Err(e) = undefined(frame, cv) {
            put_back(frame, cur);
            return Err(e);
        }
        Zval::NULL
    } else {
        cur
    };
    let new = match (cur.into_string(), v.view()) {
        (Ok(mut s), View::Str(t)) => {
            s.push_bytes(t.as_bytes());
            Zval::string(s)
        }
        (Ok(s), _) => {
            let cur = Zval::string(s);
            match crate::ops::arith::compute(frame, php_compiler::BinOp::Concat, &cur, &v) {
                Ok(n) => n,
                Err(e) => {
                    put_back(frame, cur);
                    return Err(e);
                }
            }
        }
        (Err(cur), _) => {
            match crate::ops::arith::compute(frame, php_compiler::BinOp::Concat, &cur, &v) {
                Ok(n) => n,
                Err(e) => {
                    put_back(frame, cur);
                    return Err(e);
                }
            }
        }
    };
    put_back(frame, new);
    Ok(())
}

/// `dst = $GLOBALS`: the global variables that are set, as an array (a copy).
#[metajit::dont_look_inside]
pub fn globals(frame: &mut Frame, dst: usize) {
    let vm = vm_of(frame);
    let mut out = php_runtime::PhpArray::new();
    if let Some(main) = crate::vm::main_frame(vm) {
        for (i, name) in main.code.func.cvs.iter().enumerate() {
            if &name[..] == b"this" || name.starts_with(b"\0") {
                continue;
            }
            let v = read_cv(main, i);
            if !matches!(v.view(), View::Undef) {
                drop(out.insert(php_runtime::ArrayKey::from_bytes(name), v));
            }
        }
    }
    for (name, r) in &vm.extra_globals {
        let v = r.get();
        if !matches!(v.view(), View::Undef) {
            drop(out.insert(php_runtime::ArrayKey::from_bytes(name), v));
        }
    }
    store(frame, dst, Zval::array(out));
}

/// `dst =` a reference to the global variable named by slot `name`.
#[metajit::dont_look_inside]
pub fn global_ref(frame: &mut Frame, dst: usize, name: usize) {
    let mut n = Vec::new();
    php_runtime::convert::push_string(&mut n, &borrow(frame, name).deref());
    let r = global_variable(frame, n);
    store(frame, dst, Zval::reference(r));
}

/// `dst = $GLOBALS[name]`: the global's value, without making it (PHP's warning and null
/// if it does not exist).
#[metajit::dont_look_inside]
pub fn global_fetch(frame: &mut Frame, dst: usize, name: usize) -> Result<(), PhpError> {
    let n = name_at(frame, name);
    let vm = crate::vm::vm_of(frame);
    let main = crate::vm::main_frame(vm).expect("the script's frame exists while it runs");
    let v = match main.code.func.cvs.iter().position(|c| **c == *n) {
        Some(i) => borrow(main, i).deref(),
        None => vm.extra_globals.get(&n).map_or(Zval::UNDEF, |r| r.get()),
    };
    if matches!(v.view(), View::Undef) {
        let shown = String::from_utf8_lossy(&n).into_owned();
        warn(frame, &format!("Undefined global variable ${shown}"))?;
        store(frame, dst, Zval::NULL);
    } else {
        store(frame, dst, v);
    }
    Ok(())
}

/// `unset($GLOBALS[name])`: the global variable goes (its other references stay).
#[metajit::dont_look_inside]
pub fn global_unset(frame: &mut Frame, name: usize) {
    let n = name_at(frame, name);
    let vm = crate::vm::vm_of(frame);
    let main = crate::vm::main_frame(vm).expect("the script's frame exists while it runs");
    match main.code.func.cvs.iter().position(|c| **c == *n) {
        Some(i) => crate::ops::array::unset_cv(main, i),
        None => drop(vm.extra_globals.remove(&n)),
    }
}

/// The name in slot `name`, as bytes.
fn name_at(frame: &Frame, name: usize) -> Vec<u8> {
    let mut n = Vec::new();
    php_runtime::convert::push_string(&mut n, &borrow(frame, name).deref());
    n
}

/// The variable `name` of the frame's function as a reference, made if missing: one of its
/// compiled variables, or a variable only `$$name` reaches (kept with the globals at the
/// top level, per call depth elsewhere).
pub(crate) fn variable_ref(frame: &mut Frame, name: &[u8]) -> PhpRef {
    if let Some(i) = frame.code.func.cvs.iter().position(|c| &c[..] == name) {
        return ref_of_slot(frame, i);
    }
    let depth = frame.depth as usize;
    let vm = vm_of(frame);
    if depth == 1 {
        return vm
            .extra_globals
            .entry(name.to_vec())
            .or_insert_with(|| PhpRef::new(Zval::NULL))
            .clone();
    }
    if vm.dynamic_vars.len() <= depth {
        vm.dynamic_vars.resize_with(depth + 1, Default::default);
    }
    vm.dynamic_vars[depth]
        .entry(name.to_vec())
        .or_insert_with(|| PhpRef::new(Zval::NULL))
        .clone()
}

/// `dst = $$name`.
#[metajit::dont_look_inside]
pub fn load_var_var(
    frame: &mut Frame,
    dst: usize,
    name: usize,
    quiet: bool,
) -> Result<(), PhpError> {
    let n = name_at(frame, name);
    let v = match frame.code.func.cvs.iter().position(|c| c[..] == n[..]) {
        Some(i) => read_cv(frame, i),
        None => {
            let depth = frame.depth as usize;
            let vm = vm_of(frame);
            let found = if depth == 1 {
                vm.extra_globals.get(&n).map(PhpRef::get)
            } else {
                vm.dynamic_vars
                    .get(depth)
                    .and_then(|m| m.get(&n))
                    .map(PhpRef::get)
            };
            found.unwrap_or(Zval::UNDEF)
        }
    };
    let v = if matches!(v.view(), View::Undef) {
        if !quiet {
            // PHP formats the name as a C string: it ends at a NUL byte.
            let shown = n.split(|&b| b == 0).next().unwrap_or_default();
            warn(
                frame,
                &format!("Undefined variable ${}", String::from_utf8_lossy(shown)),
            )?;
        }
        Zval::NULL
    } else {
        v
    };
    store(frame, dst, v);
    Ok(())
}

/// `dst =` a reference to `$$name`.
#[metajit::dont_look_inside]
pub fn var_var_ref(frame: &mut Frame, dst: usize, name: usize) {
    let n = name_at(frame, name);
    let r = variable_ref(frame, &n);
    store(frame, dst, Zval::reference(r));
}

/// `Op::KeepRef`: the next call from this frame keeps a reference its callee returns.
#[metajit::dont_look_inside]
pub fn keep_ref(frame: &mut Frame) {
    let depth = frame.depth;
    vm_of(frame).keep_ref = depth;
}
