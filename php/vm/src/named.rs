//! Named arguments to built-in functions and methods (`str_pad("x", 5, pad_type:
//! STR_PAD_LEFT)`): the call's arguments mapped to the positions the built-in takes.
//!
//! Built-ins take their arguments as a list and know only its length, so a named call is
//! turned into the positional call PHP would make: each name goes to its parameter's position,
//! a skipped optional parameter before the last one passed gets its default, and PHP's errors
//! come out where Zend raises them (`zend_handle_named_arg`, `zend_handle_undef_args`). The
//! parameters are the library's declarations (`Vm::signatures`), compiled here the first time
//! a named call needs one; positional calls never come here.

use crate::constexpr::{FrameEnv, evaluate};
use crate::ops::borrow;
use crate::ops::call::Args;
use crate::ops::callable::{ClosureData, Target, resolve};
use crate::ops::send::{Params, params_of};
use crate::ops::vars::throw;
use crate::vm::Callee;
use crate::vm::{Frame, vm_of};
use php_compiler::{CallKind, Const, Function, Param};
use php_runtime::object::MethodBody;
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpError, Zval};
use std::cell::RefCell;
use std::collections::HashMap;

/// The variadic built-ins that take named arguments beyond their parameters and pass them on
/// (PHP's `Z_PARAM_VARIADIC_WITH_NAMED`); other variadic built-ins reject them.
const TAKE_EXTRA_NAMED: &[&str] = &["call_user_func"];

/// The default PHP does not expose (php-src's stubs write `UNKNOWN`).
const UNKNOWN: &[u8] = b"UNKNOWN";

thread_local! {
    /// Each built-in's declaration compiled, by the name it was asked for (`None`: it has
    /// none). Declarations are static, so this serves every program.
    static COMPILED: RefCell<HashMap<Box<str>, Option<&'static Function>>> =
        RefCell::new(HashMap::new());
}

/// The parameters of the built-in `name` (a function, or `Class::method`), compiled from its
/// declaration on first use; `None` if it has none.
fn declaration(frame: &mut Frame, name: &str) -> Option<&'static Function> {
    if let Some(f) = COMPILED.with(|c| c.borrow().get(name).copied()) {
        return f;
    }
    let f = (vm_of(frame).signatures)(name.as_bytes()).and_then(compile);
    COMPILED.with(|c| c.borrow_mut().insert(name.into(), f));
    f
}

/// A declaration's parameter list compiled as a function's (`None`: it does not compile,
/// our bug).
fn compile(params: &str) -> Option<&'static Function> {
    let src = format!("<?php function f({params}) {{}}\n");
    let ast = php_syntax::lint(src.as_bytes(), Default::default()).ok()?;
    let program = php_compiler::compile(&ast, src.as_bytes(), b"", &[]).ok()?;
    let func = program.functions.into_iter().next()?;
    Some(Box::leak(Box::new(func)))
}

/// The arguments of a call of the built-in `name` with named arguments, as the built-in takes
/// them: positional, with each named one at its parameter's position and the skipped ones
/// before it given their defaults; `named` keeps the names beyond the parameters of a
/// built-in in [`TAKE_EXTRA_NAMED`]. PHP's errors for unknown names, names given twice and
/// parameters that cannot be skipped.
pub fn bind(frame: &mut Frame, name: &str, args: Args) -> Result<Args, PhpError> {
    let Some(func) = declaration(frame, name) else {
        let msg = format!("named arguments to {name}() are not supported yet");
        return Err(throw(frame, "Error", msg));
    };
    let params = &func.params;
    let fixed = params.iter().take_while(|p| !p.variadic).count();
    let Args { mut list, named } = args;
    let mut extra = Vec::new();
    for (n, v) in named {
        match params[..fixed].iter().position(|p| p.name[..] == n[..]) {
            Some(i)
                if list
                    .get(i)
                    .is_some_and(|a| !matches!(a.view(), View::Undef)) =>
            {
                let msg = format!(
                    "Named parameter ${} overwrites previous argument",
                    String::from_utf8_lossy(&n)
                );
                return Err(throw(frame, "Error", msg));
            }
            Some(i) => {
                if list.len() <= i {
                    list.resize(i + 1, Zval::UNDEF);
                }
                list[i] = v;
            }
            None if fixed < params.len() => extra.push((n, v)),
            None => {
                let msg = format!("Unknown named parameter ${}", String::from_utf8_lossy(&n));
                return Err(throw(frame, "Error", msg));
            }
        }
    }
    let required = params[..fixed]
        .iter()
        .rposition(|p| p.default.is_none())
        .map_or(0, |i| i + 1);
    // Only a name leaves a gap, and names go to the parameters before a variadic one.
    for i in 0..list.len().min(fixed) {
        if !matches!(list[i].view(), View::Undef) {
            continue;
        }
        let default = params[i].default.map(|k| &func.constants[k as usize]);
        let why = match default {
            _ if i < required => "not passed",
            Some(Const::Named(n)) if n[..] == *UNKNOWN => {
                "must be passed explicitly, because the default value is not known"
            }
            Some(k) => {
                list[i] = evaluate(k, &mut FrameEnv::new(frame))?;
                continue;
            }
            None => "not passed",
        };
        let msg = format!(
            "{name}(): Argument #{} (${}) {why}",
            i + 1,
            String::from_utf8_lossy(&params[i].name)
        );
        return Err(error_in(frame, name, msg, &list, &extra));
    }
    if !extra.is_empty() && !TAKE_EXTRA_NAMED.contains(&name) {
        // The built-in's own argument count check comes first (a variadic one's).
        let msg = match list.len() < required {
            true => format!(
                "{name}() expects at least {required} argument{}, {} given",
                if required == 1 { "" } else { "s" },
                list.len()
            ),
            false => format!("{name}() does not accept unknown named parameters"),
        };
        return Err(error_in(frame, name, msg, &list, &extra));
    }
    Ok(Args { list, named: extra })
}

/// An `ArgumentCountError` thrown by the built-in `name` itself: its frame, with the
/// arguments it got (the unset ones as `null`), tops the trace.
fn error_in(
    frame: &mut Frame,
    name: &str,
    msg: String,
    list: &[Zval],
    named: &[(Vec<u8>, Zval)],
) -> PhpError {
    let e = throw(frame, "ArgumentCountError", msg);
    if let PhpError::Exception(o) = &e {
        let mut args = PhpArray::from_list(list.iter().map(|v| match v.view() {
            View::Undef => Zval::NULL,
            _ => v.clone(),
        }));
        for (k, v) in named {
            drop(args.insert(ArrayKey::from_bytes(k), v.clone()));
        }
        crate::ops::exception::push_builtin_frame_with(frame, o, name, args);
    }
    e
}

/// `arr[key] = val` for the named argument `key` of a call whose arguments are built in the
/// array in slot `arr` (`Op::ArgNamed`): PHP's error if an earlier argument (named, or
/// from a spread) has the name.
#[metajit::dont_look_inside]
pub fn named_arg(frame: &mut Frame, arr: usize, key: usize, val: usize) -> Result<(), PhpError> {
    let taken = match (borrow(frame, arr).view(), borrow(frame, key).view()) {
        (View::Array(a), View::Str(name)) => a
            .get(php_runtime::array::KeyRef::from_bytes(name.as_bytes()))
            .is_some()
            .then(|| String::from_utf8_lossy(name.as_bytes()).into_owned()),
        _ => None,
    };
    if let Some(name) = taken {
        let msg = format!("Named parameter ${name} overwrites previous argument");
        return Err(throw(frame, "Error", msg));
    }
    crate::ops::array::literal_item(frame, arr, key, val)
}

/// `RefOp::NamedMode`: slot `dst` gets whether the argument named by constant `param` of
/// the call of `kind` on slots `target` and `name` goes to a by-reference parameter.
#[metajit::dont_look_inside]
pub fn named_mode(
    frame: &mut Frame,
    dst: usize,
    kind: u8,
    target: usize,
    name: usize,
    param: usize,
) -> Result<(), PhpError> {
    let Const::Str(pname) = &frame.code.func.constants[param] else {
        return Ok(());
    };
    let kind = CallKind::ALL[kind as usize];
    let f = borrow(frame, target).deref();
    let builtin = match kind {
        CallKind::Value => match resolve(frame, &f) {
            Ok(Target::Function(Callee::Builtin(fname, _), _)) => Some(fname),
            _ => None,
        },
        _ => None,
    };
    let by_ref = match builtin {
        // A built-in's declaration says which parameters are by reference.
        Some(fname) => declaration(frame, fname)
            .is_some_and(|d| by_name(&d.params, pname).is_some_and(|p| p.by_ref)),
        None => match params_of(frame, kind, target, name)? {
            Params::User(code) => by_name(&code.func.params, pname).is_some_and(|p| p.by_ref),
            Params::Builtin(_) | Params::None => false,
        },
    };
    crate::ops::store(frame, dst, Zval::bool(by_ref));
    Ok(())
}

/// The parameter an argument named `name` binds to: its own, or a variadic one.
fn by_name<'p>(params: &'p [Param], name: &[u8]) -> Option<&'p Param> {
    params
        .iter()
        .find(|p| !p.variadic && p.name[..] == *name)
        .or_else(|| params.last().filter(|p| p.variadic))
}

/// PHP's warning for each named plain value a built-in passes to a by-reference parameter
/// of the callback `target` it calls (`call_user_func($f, ref: $x)` passes `$x`'s value).
pub(crate) fn warn_named_values_for_refs(
    frame: &mut Frame,
    target: &Target,
    named: &[(Vec<u8>, Zval)],
) -> Result<(), PhpError> {
    let code = match target {
        Target::Closure(o) => o.internal::<ClosureData>().map(|c| c.code),
        Target::Function(Callee::User(code), _) => Some(*code),
        Target::Method(m, _, _) => match m.body {
            MethodBody::User(i) => vm_of(frame).methods.get(i as usize).copied(),
            MethodBody::Native(_) => None,
        },
        _ => None,
    };
    let Some(code) = code else {
        return Ok(());
    };
    for (n, v) in named {
        let params = &code.func.params;
        let Some(i) = params
            .iter()
            .position(|p| !p.variadic && p.name[..] == n[..])
        else {
            continue;
        };
        if !params[i].by_ref || matches!(v.view(), View::Ref(_)) {
            continue;
        }
        let msg = format!(
            "{}(): Argument #{} (${}) must be passed by reference, value given",
            crate::ops::send::shown_name(code),
            i + 1,
            String::from_utf8_lossy(n)
        );
        crate::ops::vars::warn(frame, &msg)?;
    }
    Ok(())
}
