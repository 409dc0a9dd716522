//! Arguments of calls whose target is found at run time (methods, static methods, callable
//! values, constructors): [`send_modes`] finds the target before the arguments are
//! evaluated, as Zend's `INIT_*_CALL`, and flags the arguments that go to by-reference
//! parameters; the compiled code then makes those arguments references (as `SEND_VAR_EX`).
//!
//! Finding the target here has no effect of its own beyond what the call will do anyway
//! (loading a class through the autoloader): the call instruction finds it again, with
//! PHP's errors when there is nothing to call, so a failure here flags nothing.

use crate::ops::callable::{ClosureData, Target, resolve};
use crate::ops::object::class_in;
use crate::ops::vars::throw;
use crate::ops::{borrow, store};
use crate::vm::{Callee, Code, Frame, vm_of};
use php_compiler::{CallKind, Param};
use php_runtime::object::{Class, Method, MethodBody};
use php_runtime::value::View;
use php_runtime::{PhpError, Zval};

/// The parameters a call reaches, as far as passing by reference goes.
pub(crate) enum Params {
    /// User code: its parameters.
    User(&'static Code),
    /// A built-in function: the positions (0-based) of its by-reference parameters.
    Builtin(&'static [usize]),
    /// Nothing known (a native method, `__call`, nothing callable): all by value.
    None,
}

impl Params {
    /// Whether argument `n` (0-based) goes to a by-reference parameter.
    fn by_ref(&self, n: usize) -> bool {
        match self {
            Params::User(code) => param_at(&code.func.params, n).is_some_and(|p| p.by_ref),
            Params::Builtin(refs) => php_compiler::refop::builtin_by_ref(refs, n),
            Params::None => false,
        }
    }
}

/// The parameter argument `n` (0-based) binds to: its own, or a variadic one.
fn param_at(params: &[Param], n: usize) -> Option<&Param> {
    match params.get(n) {
        Some(p) if !p.variadic => Some(p),
        _ => params.last().filter(|p| p.variadic),
    }
}

/// The code of a method (`None`: a native one).
fn method_code(frame: &Frame, m: &Method) -> Option<&'static Code> {
    match m.body {
        MethodBody::User(i) => vm_of(frame).methods.get(i as usize).copied(),
        MethodBody::Native(_) => None,
    }
}

/// Method `name` (any case) of `class`.
fn method_of(class: &'static Class, name: &[u8]) -> Option<&'static Method> {
    if name.iter().any(u8::is_ascii_uppercase) {
        class.method(&name.to_ascii_lowercase())
    } else {
        class.method(name)
    }
}

/// What a call of `kind` (see [`CallKind`]) on slots `target` and `name` reaches.
pub(crate) fn params_of(
    frame: &mut Frame,
    kind: CallKind,
    target: usize,
    name: usize,
) -> Result<Params, PhpError> {
    let user = |code: Option<&'static Code>| code.map_or(Params::None, Params::User);
    Ok(match kind {
        CallKind::Method => {
            let obj = borrow(frame, target).deref();
            let mname = borrow(frame, name);
            let (View::Object(o), View::Str(mname)) = (obj.view(), mname.view()) else {
                return Ok(Params::None);
            };
            if let Some(c) = o.internal::<ClosureData>()
                && mname.as_bytes().eq_ignore_ascii_case(b"__invoke")
            {
                return Ok(Params::User(c.code));
            }
            match method_of(o.class(), mname.as_bytes()) {
                Some(m) => user(method_code(frame, m)),
                None => Params::None,
            }
        }
        CallKind::Static => {
            let class = class_in(frame, target)?;
            let found = match borrow(frame, name).deref().view() {
                View::Str(n) => method_of(class, n.as_bytes()),
                _ => None,
            };
            match found {
                Some(m) => user(method_code(frame, m)),
                None => Params::None,
            }
        }
        CallKind::New => {
            let class = class_in(frame, target)?;
            match class.method(b"__construct") {
                Some(m) => user(method_code(frame, m)),
                None => Params::None,
            }
        }
        CallKind::Value => {
            let v = borrow(frame, target).deref();
            match resolve(frame, &v) {
                Ok(Target::Closure(o)) => user(o.internal::<ClosureData>().map(|c| c.code)),
                Ok(Target::Function(Callee::User(code), _)) => Params::User(code),
                Ok(Target::Function(Callee::Builtin(fname, _), _)) => {
                    let refs = vm_of(frame).builtin_refs;
                    match refs.iter().find(|(n, _)| *n == fname) {
                        Some((_, positions)) => Params::Builtin(positions),
                        None => Params::None,
                    }
                }
                Ok(Target::Method(m, _, _)) => user(method_code(frame, &m)),
                _ => Params::None,
            }
        }
    })
}

/// `RefOp::SendModes`: slots `dst..dst + argc` get whether each argument of the call goes
/// by reference.
#[metajit::dont_look_inside]
pub fn send_modes(
    frame: &mut Frame,
    dst: usize,
    kind: u8,
    target: usize,
    name: usize,
    argc: usize,
) -> Result<(), PhpError> {
    let params = params_of(frame, CallKind::ALL[kind as usize], target, name)?;
    for i in 0..argc {
        store(frame, dst + i, Zval::bool(params.by_ref(i)));
    }
    Ok(())
}

/// `RefOp::CannotPass`: PHP's error for a value given to by-reference parameter `n` when
/// slot `mode` says the parameter is one.
#[metajit::dont_look_inside]
pub fn cannot_pass(
    frame: &mut Frame,
    mode: usize,
    kind: u8,
    target: usize,
    name: usize,
    n: usize,
) -> Result<(), PhpError> {
    if !matches!(borrow(frame, mode).view(), View::Bool(true)) {
        return Ok(());
    }
    cannot_pass_error(frame, kind, target, name, n)
}

#[cold]
fn cannot_pass_error(
    frame: &mut Frame,
    kind: u8,
    target: usize,
    name: usize,
    n: usize,
) -> Result<(), PhpError> {
    let Params::User(code) = params_of(frame, CallKind::ALL[kind as usize], target, name)? else {
        return Ok(());
    };
    let Some(p) = param_at(&code.func.params, n) else {
        return Ok(());
    };
    let shown = if p.variadic {
        String::new()
    } else {
        format!(" (${})", String::from_utf8_lossy(&p.name))
    };
    let function = shown_name(code);
    let msg = format!(
        "{function}(): Argument #{}{shown} cannot be passed by reference",
        n + 1
    );
    Err(throw(frame, "Error", msg))
}

/// A function's name as PHP's messages about its arguments show it (`Class::name` for
/// methods and for closures declared in a class).
pub(crate) fn shown_name(code: &Code) -> String {
    match code.class() {
        Some(c) => format!("{}::{}", c.display(), code.name()),
        None => code.name(),
    }
}

/// PHP's warning for each plain value a built-in function passes to a by-reference
/// parameter of the callback `target` it calls (`call_user_func('f', $x)` passes `$x`'s
/// value; the callee gets the value in a new reference).
pub(crate) fn warn_values_for_refs(
    frame: &mut Frame,
    target: &Target,
    args: &[Zval],
) -> Result<(), PhpError> {
    let code = match target {
        Target::Closure(o) => o.internal::<ClosureData>().map(|c| c.code),
        Target::Function(Callee::User(code), _) => Some(*code),
        Target::Method(m, _, _) => method_code(frame, m),
        Target::Function(Callee::Builtin(fname, _), _) => {
            return warn_values_for_builtin_refs(frame, fname, args);
        }
        _ => None,
    };
    let Some(code) = code else {
        return Ok(());
    };
    for (i, a) in args.iter().enumerate() {
        let Some(p) = param_at(&code.func.params, i).filter(|p| p.by_ref) else {
            continue;
        };
        if matches!(a.view(), View::Ref(_)) {
            continue;
        }
        let shown = if p.variadic {
            String::new()
        } else {
            format!(" (${})", String::from_utf8_lossy(&p.name))
        };
        let msg = format!(
            "{}(): Argument #{}{shown} must be passed by reference, value given",
            shown_name(code),
            i + 1
        );
        crate::ops::vars::warn(frame, &msg)?;
    }
    Ok(())
}

/// The built-in functions whose by-reference parameters take values as well
/// (`ZEND_SEND_PREFER_REF` in php-src).
const PREFER_REF: &[&str] = &["array_multisort"];

/// [`warn_values_for_refs`] for a built-in callback `fname`: its by-reference parameters, named
/// as the library declares them.
fn warn_values_for_builtin_refs(
    frame: &mut Frame,
    fname: &str,
    args: &[Zval],
) -> Result<(), PhpError> {
    let vm = vm_of(frame);
    let Some((_, positions)) = vm.builtin_refs.iter().find(|(n, _)| *n == fname) else {
        return Ok(());
    };
    // Zend's `ZEND_SEND_PREFER_REF`: a value is as good as a reference, without a warning.
    if PREFER_REF.contains(&fname) {
        return Ok(());
    }
    let signature = (vm.signatures)(fname.as_bytes()).unwrap_or("");
    for (i, a) in args.iter().enumerate() {
        if !php_compiler::refop::builtin_by_ref(positions, i) || matches!(a.view(), View::Ref(_)) {
            continue;
        }
        let shown = match param_name(signature, i) {
            Some(name) => format!(" (${name})"),
            None => String::new(),
        };
        let msg = format!(
            "{fname}(): Argument #{}{shown} must be passed by reference, value given",
            i + 1
        );
        crate::ops::vars::warn(frame, &msg)?;
    }
    Ok(())
}

/// The name of parameter `n` (0-based) in a declared parameter list (`"array &$array, int
/// $flags = SORT_REGULAR"`); `None` past the list or for a variadic parameter (PHP's message
/// names no variadic parameter).
fn param_name(signature: &str, n: usize) -> Option<&str> {
    // Split at the commas outside brackets and quotes (defaults may hold some).
    let (mut depth, mut quote, mut start, mut params) = (0i32, None, 0, Vec::new());
    for (i, c) in signature.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                params.push(&signature[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    params.push(&signature[start..]);
    let param = params.get(n)?.trim();
    let name = param.split('$').nth(1)?;
    if param.contains("...") {
        return None;
    }
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    Some(&name[..end])
}
