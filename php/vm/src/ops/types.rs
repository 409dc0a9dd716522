//! Type declarations at run time: the checks of parameters (when a call binds its
//! arguments), of returned values (`Op::VerifyReturn`) and of writes to typed properties,
//! with PHP 8.2's coercive mode (scalars converted: int, then float, string, bool) and
//! `declare(strict_types=1)` (only an int may widen to a float).
//!
//! Arguments are checked in the mode of the calling code's file (a built-in calling back
//! checks coercively), returns in the mode of the function's, property writes in the mode of
//! the writing code's.

use crate::ops::vars::{deprecated, line, throw};
use crate::ops::{borrow, store};
use crate::vm::{Code, Frame, vm_of};
use php_compiler::NONE;
use php_compiler::bytecode::TypeSpec;
use php_runtime::number::{Num, Numeric, parse_numeric};
use php_runtime::object::{Class, PhpObject, PropInfo};
use php_runtime::value::View;
use php_runtime::{PhpArray, PhpError, PhpString, Zval};
use std::cell::Cell;

thread_local! {
    /// Set while a built-in function calls back into user code: the next call binds its
    /// arguments coercively.
    static FROM_BUILTIN: Cell<bool> = const { Cell::new(false) };
}

/// Marks (or unmarks) the next user call as made by a built-in function.
pub fn set_from_builtin(on: bool) {
    FROM_BUILTIN.with(|c| c.set(on));
}

/// Whether the call being bound was made by a built-in function (and clears the mark).
pub fn take_from_builtin() -> bool {
    FROM_BUILTIN.with(|c| c.replace(false))
}

/// How a value fits a type.
enum Fit {
    /// As it is.
    Same,
    /// Once converted to this.
    Converted(Zval),
    /// Not at all.
    No,
}

/// The classes `self`, `parent` and `static` mean where a type is checked.
#[derive(Clone, Copy)]
struct Scope {
    this: Option<&'static Class>,
    called: Option<&'static Class>,
}

impl Scope {
    fn of(frame: &Frame) -> Scope {
        let this = frame.code.class();
        let called = if frame.static_class == NONE {
            frame
                .code
                .func
                .this
                .and_then(|s| match borrow(frame, s as usize).view() {
                    View::Object(o) => Some(o.class()),
                    _ => None,
                })
                .or(this)
        } else {
            vm_of(frame)
                .class_list
                .get(frame.static_class as usize)
                .copied()
        };
        Scope { this, called }
    }

    /// The class name a type's name means, as PHP shows it.
    fn resolve(&self, name: &[u8]) -> Vec<u8> {
        let class = match &name.to_ascii_lowercase()[..] {
            b"self" => self.this,
            b"parent" => self.this.and_then(|c| c.parent),
            b"static" => self.called,
            _ => None,
        };
        match class {
            Some(c) => c.name.to_vec(),
            None => name.strip_prefix(b"\\").unwrap_or(name).to_vec(),
        }
    }
}

/// PHP's name of the type of a value in type errors (an object's class).
fn given(v: &Zval) -> String {
    match v.view() {
        View::Object(o) => o.class().display(),
        View::Ref(r) => r.with(given),
        _ => php_runtime::convert::type_name(v).to_string(),
    }
}

/// Whether an object is an instance of one of a type's classes.
fn object_fits(spec: &TypeSpec, scope: Scope, o: &PhpObject) -> bool {
    let class = o.class();
    if spec.mask & TypeSpec::STATIC != 0 && scope.called.is_some_and(|c| class.is_a(c)) {
        return true;
    }
    spec.classes.iter().any(|names| {
        names
            .iter()
            .all(|n| class.is_a_name(&scope.resolve(n).to_ascii_lowercase()))
    })
}

/// Whether a float converts to an int (`ZEND_DOUBLE_FITS_LONG`).
fn fits_int(f: f64) -> bool {
    // -2^63 <= f < 2^63 (NaN is in no range).
    (i64::MIN as f64..-(i64::MIN as f64)).contains(&f)
}

/// How `v` fits `spec`: as it is, converted (raising PHP's deprecations), or not.
fn fit(
    frame: &mut Frame,
    spec: &TypeSpec,
    scope: Scope,
    v: &Zval,
    strict: bool,
) -> Result<Fit, PhpError> {
    let m = spec.mask;
    let exact = match v.view() {
        View::Undef | View::Null => m & TypeSpec::NULL != 0,
        View::Bool(true) => m & TypeSpec::TRUE != 0,
        View::Bool(false) => m & TypeSpec::FALSE != 0,
        View::Int(_) => m & TypeSpec::INT != 0,
        View::Float(_) => m & TypeSpec::FLOAT != 0,
        View::Str(_) => m & TypeSpec::STRING != 0,
        View::Array(_) => m & TypeSpec::ARRAY != 0,
        View::Resource(_) => m & TypeSpec::RESOURCE != 0,
        View::Object(o) => m & TypeSpec::OBJECT != 0 || object_fits(spec, scope, o),
        View::Ref(r) => {
            let inner = r.get();
            return fit(frame, spec, scope, &inner, strict);
        }
    };
    if exact {
        return Ok(Fit::Same);
    }
    if m & TypeSpec::CALLABLE != 0 && crate::ops::callable::resolve(frame, v).is_ok() {
        return Ok(Fit::Same);
    }
    if strict {
        return Ok(match v.view() {
            View::Int(i) if m & TypeSpec::FLOAT != 0 => Fit::Converted(Zval::float(i as f64)),
            _ => Fit::No,
        });
    }
    if matches!(v.view(), View::Undef | View::Null) {
        return Ok(Fit::No);
    }
    if m & TypeSpec::INT != 0 {
        if m & TypeSpec::FLOAT != 0
            && let View::Str(s) = v.view()
        {
            match parse_numeric(s.as_bytes()) {
                Numeric::Whole(Num::Int(i)) => return Ok(Fit::Converted(Zval::int(i))),
                Numeric::Whole(Num::Float(f)) => return Ok(Fit::Converted(Zval::float(f))),
                _ => {}
            }
        } else if let Some(i) = to_int_weak(frame, v)? {
            return Ok(Fit::Converted(Zval::int(i)));
        }
    }
    if m & TypeSpec::FLOAT != 0 {
        let f = match v.view() {
            View::Int(i) => Some(i as f64),
            View::Bool(b) => Some(f64::from(u8::from(b))),
            View::Str(s) => match parse_numeric(s.as_bytes()) {
                Numeric::Whole(n) => Some(n.to_f64()),
                _ => None,
            },
            _ => None,
        };
        if let Some(f) = f {
            return Ok(Fit::Converted(Zval::float(f)));
        }
    }
    if m & TypeSpec::STRING != 0 {
        match v.view() {
            View::Int(_) | View::Float(_) | View::Bool(_) => {
                let mut out = Vec::new();
                php_runtime::convert::push_string(&mut out, v);
                return Ok(Fit::Converted(Zval::string(PhpString::new(&out))));
            }
            View::Object(o) if o.class().method(b"__tostring").is_some() => {
                let s = crate::ops::object::call_named(frame, o, b"__toString")?;
                return Ok(Fit::Converted(s));
            }
            _ => {}
        }
    }
    if m & TypeSpec::BOOL == TypeSpec::BOOL
        && matches!(
            v.view(),
            View::Int(_) | View::Float(_) | View::Str(_) | View::Bool(_)
        )
    {
        return Ok(Fit::Converted(Zval::bool(php_runtime::convert::to_bool(v))));
    }
    Ok(Fit::No)
}

/// A value as a coercive `int` parameter takes it (`zend_parse_arg_long_weak`): `None` when
/// it does not convert; PHP's deprecation when a fraction is lost.
fn to_int_weak(frame: &mut Frame, v: &Zval) -> Result<Option<i64>, PhpError> {
    Ok(match v.view() {
        View::Bool(b) => Some(i64::from(b)),
        View::Float(f) => {
            if !fits_int(f) {
                return Ok(None);
            }
            if f.fract() != 0.0 {
                let shown =
                    php_runtime::format::float_to_string(f, php_runtime::format::Style::Dump);
                let msg = format!("Implicit conversion from float {shown} to int loses precision");
                deprecated(frame, &msg)?;
            }
            Some(f as i64)
        }
        View::Str(s) => match parse_numeric(s.as_bytes()) {
            Numeric::Whole(Num::Int(i)) => Some(i),
            Numeric::Whole(Num::Float(f)) => {
                if !fits_int(f) {
                    return Ok(None);
                }
                if f.fract() != 0.0 {
                    let msg = format!(
                        "Implicit conversion from float-string \"{}\" to int loses precision",
                        String::from_utf8_lossy(s.as_bytes())
                    );
                    deprecated(frame, &msg)?;
                }
                Some(f as i64)
            }
            _ => None,
        },
        _ => None,
    })
}

/// The name a function has in type errors (`A::f`, `{closure}`).
fn function_name(code: &Code) -> String {
    match code.class() {
        Some(c) => format!("{}::{}", c.display(), code.name()),
        None => code.name(),
    }
}

/// Checks the arguments bound in the frame `c` of a call of `code` made from `caller`
/// (`argc` arguments passed; `builtin`: made by a built-in function), converting them in
/// coercive mode. The error is thrown in the callee's frame, as PHP does.
pub fn check_args(
    caller: &Frame,
    c: &mut Frame,
    code: &'static Code,
    argc: usize,
    builtin: bool,
) -> Result<(), PhpError> {
    let strict = !builtin && caller.code.func.strict;
    let scope = Scope::of(c);
    let fixed = code.fixed_params;
    for (i, p) in code.func.params.iter().enumerate().take(fixed.min(argc)) {
        let Some(spec) = &p.ty else { continue };
        let v = borrow(c, i).deref();
        match fit(c, spec, scope, &v, strict)? {
            Fit::Same => {}
            Fit::Converted(new) => match borrow(c, i).view() {
                View::Ref(r) => drop(r.replace(new)),
                _ => store(c, i, new),
            },
            Fit::No => {
                let pname = String::from_utf8_lossy(&p.name).into_owned();
                return Err(arg_error(
                    caller,
                    c,
                    code,
                    i,
                    Some(&pname),
                    spec,
                    &v,
                    builtin,
                ));
            }
        }
    }
    let Some(spec) = code.func.params.get(fixed).and_then(|p| p.ty.as_ref()) else {
        return Ok(());
    };
    let list = match borrow(c, fixed).view() {
        View::Array(a) => a.clone(),
        _ => return Ok(()),
    };
    let mut out = PhpArray::new();
    for (n, (k, v)) in list.iter().enumerate() {
        let v = match fit(c, spec, scope, v, strict)? {
            Fit::Same => v.clone(),
            Fit::Converted(new) => new,
            Fit::No => {
                // Zend numbers a named argument collected here after the positional ones,
                // all named ones alike, and shows no name.
                let n = match k {
                    php_runtime::ArrayKey::Str(_) => list
                        .iter()
                        .take_while(|(k, _)| matches!(k, php_runtime::ArrayKey::Int(_)))
                        .count(),
                    php_runtime::ArrayKey::Int(_) => n,
                };
                let e = arg_error(caller, c, code, fixed + n, None, spec, v, builtin);
                return Err(e);
            }
        };
        drop(out.insert(k.clone(), v));
    }
    store(c, fixed, Zval::array(out));
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn arg_error(
    caller: &Frame,
    c: &mut Frame,
    code: &'static Code,
    i: usize,
    name: Option<&str>,
    spec: &TypeSpec,
    v: &Zval,
    builtin: bool,
) -> PhpError {
    let scope = Scope::of(c);
    let shown = spec.display(|n| scope.resolve(n));
    let name = name.map_or(String::new(), |n| format!(" (${n})"));
    let called = if builtin {
        String::new()
    } else {
        format!(", called in {} on line {}", caller.code.file, line(caller))
    };
    let msg = format!(
        "{}(): Argument #{}{name} must be of type {shown}, {} given{called}",
        function_name(code),
        i + 1,
        given(v)
    );
    throw(c, "TypeError", msg)
}

/// `Op::VerifyReturn`: the value in `src` (`NONE`: none) against the function's return
/// type, converted in place in coercive mode.
#[metajit::dont_look_inside]
pub fn verify_return(frame: &mut Frame, src: usize) -> Result<(), PhpError> {
    let code = frame.code;
    let Some(spec) = &code.func.ret else {
        return Ok(());
    };
    let scope = Scope::of(frame);
    let name = function_name(code);
    if src == NONE as usize {
        let msg = if spec.mask & TypeSpec::NEVER != 0 {
            format!("{name}(): never-returning function must not implicitly return")
        } else {
            let shown = spec.display(|n| scope.resolve(n));
            format!("{name}(): Return value must be of type {shown}, none returned")
        };
        return Err(throw(frame, "TypeError", msg));
    }
    let v = borrow(frame, src).deref();
    match fit(frame, spec, scope, &v, code.func.strict)? {
        Fit::Same => Ok(()),
        Fit::Converted(new) => {
            store(frame, src, new);
            Ok(())
        }
        Fit::No => {
            let shown = spec.display(|n| scope.resolve(n));
            let msg = format!(
                "{name}(): Return value must be of type {shown}, {} returned",
                given(&v)
            );
            Err(throw(frame, "TypeError", msg))
        }
    }
}

/// The type of a declared property.
pub fn prop_type(p: &PropInfo) -> Option<&'static TypeSpec> {
    p.ty.and_then(|t| t.downcast_ref::<TypeSpec>())
}

/// The value to store in property `name` of `o` for `v` (converted in coercive mode), or
/// PHP's `TypeError` when the property's type does not take it.
pub fn check_prop(
    frame: &mut Frame,
    o: &PhpObject,
    name: &[u8],
    v: Zval,
) -> Result<Zval, PhpError> {
    let Some(info) = o.class().prop(name) else {
        return Ok(v);
    };
    let Some(spec) = prop_type(info) else {
        return Ok(v);
    };
    let owner = vm_of(frame).class_list.get(info.class as usize).copied();
    let scope = Scope {
        this: owner,
        called: Some(o.class()),
    };
    match fit(frame, spec, scope, &v, frame.code.func.strict)? {
        Fit::Same => Ok(v),
        Fit::Converted(new) => Ok(new),
        Fit::No => {
            let msg = format!(
                "Cannot assign {} to property {}::${} of type {}",
                given(&v),
                String::from_utf8_lossy(&info.owner),
                String::from_utf8_lossy(name),
                spec.display(|n| n.strip_prefix(b"\\").unwrap_or(n).to_vec())
            );
            Err(throw(frame, "TypeError", msg))
        }
    }
}

/// PHP's error for a read of typed property `name` of `o` while it is unset (`None` when
/// the property has no type).
pub fn uninit_error(frame: &mut Frame, o: &PhpObject, name: &[u8]) -> Option<PhpError> {
    let info = o.class().prop(name)?;
    prop_type(info)?;
    let msg = format!(
        "Typed property {}::${} must not be accessed before initialization",
        String::from_utf8_lossy(&info.owner),
        String::from_utf8_lossy(name)
    );
    Some(throw(frame, "Error", msg))
}

/// A type to keep in a [`PropInfo`].
pub fn leak_type(t: &Option<TypeSpec>) -> Option<&'static dyn std::any::Any> {
    t.clone()
        .map(|t| &*Box::leak(Box::new(t)) as &'static dyn std::any::Any)
}
