//! Stack traces: the one list of the calls that led to an instruction, as
//! `Exception::getTrace()`, `debug_backtrace()` and `debug_print_backtrace()` show it.
//!
//! Each entry is a user function's call, innermost first, with the file and line of the call
//! site in its caller. The arguments are the parameters' current values, a variadic
//! parameter's elements, then the extra arguments; the argument of a parameter declared
//! `#[SensitiveParameter]` is shown wrapped in a `SensitiveParameterValue`.

use crate::ops::borrow;
use crate::ops::vars::line;
use crate::vm::{Frame, vm_of};
use php_runtime::object::PhpObject;
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpError, Zval};

/// `DEBUG_BACKTRACE_PROVIDE_OBJECT`.
const PROVIDE_OBJECT: i64 = 1;
/// `DEBUG_BACKTRACE_IGNORE_ARGS`.
const IGNORE_ARGS: i64 = 2;

/// What a trace's entries hold.
#[derive(Clone, Copy)]
pub struct TraceOptions {
    /// The `args` of each call.
    pub args: bool,
    /// The `object` of each method call on an object.
    pub object: bool,
    /// At most this many entries (0: all).
    pub limit: usize,
}

impl TraceOptions {
    /// An exception's trace.
    pub const EXCEPTION: TraceOptions = TraceOptions {
        args: true,
        object: false,
        limit: 0,
    };
}

/// The object `SensitiveParameterValue` makes of `v` (`v` itself if the class is missing).
pub fn sensitive_value(frame: &Frame, v: Zval) -> Zval {
    let Some(&class) = vm_of(frame).classes.get(&b"sensitiveparametervalue"[..]) else {
        return v;
    };
    let o = PhpObject::new(class);
    o.set_internal(Box::new(v));
    Zval::object(o)
}

/// The arguments of the call running in `f`, as a trace shows them.
fn call_args(f: &Frame) -> PhpArray {
    let params = &f.code.func.params;
    let mut args = PhpArray::new();
    let argc = f.argc as usize;
    let shown = |v: Zval, sensitive: bool| {
        if sensitive { sensitive_value(f, v) } else { v }
    };
    for (i, p) in params.iter().enumerate() {
        if p.variadic {
            if let View::Array(rest) = borrow(f, i).deref().view() {
                for (k, v) in rest.iter() {
                    let v = shown(v.deref(), p.sensitive);
                    match k {
                        ArrayKey::Str(_) => drop(args.insert(k.clone(), v)),
                        ArrayKey::Int(_) => drop(args.append(v)),
                    }
                }
            }
            break;
        }
        if i >= argc {
            break;
        }
        let _ = args.append(shown(borrow(f, i).deref(), p.sensitive));
    }
    // A variadic parameter collected the arguments beyond the others.
    let variadic = params.last().is_some_and(|p| p.variadic);
    if !variadic && let Some(extra) = vm_of(f).extra_args.get(f.depth as usize) {
        for v in extra {
            let _ = args.append(v.deref());
        }
    }
    args
}

/// The trace of the calls that led to the frame's instruction, innermost first.
pub fn trace(frame: &Frame, options: TraceOptions) -> PhpArray {
    let mut list = PhpArray::new();
    let mut f: &Frame = frame;
    while let Some(parent) = f.parent {
        if options.limit != 0 && list.len() >= options.limit {
            break;
        }
        // SAFETY: a caller's frame outlives its callee's.
        let p = unsafe { parent.get() };
        let mut e = PhpArray::new();
        drop(e.insert("file".into(), Zval::str(p.code.file)));
        drop(e.insert("line".into(), Zval::int(i64::from(line(p)))));
        let function = if &f.code.func.name[..] == b"{main}" {
            if f.code.file.ends_with(" : eval()'d code") {
                "eval".to_string()
            } else {
                "include".to_string()
            }
        } else {
            f.code.name()
        };
        drop(e.insert("function".into(), Zval::str(&function)));
        if let Some(c) = f.code.class() {
            drop(e.insert("class".into(), Zval::str(&c.display())));
            let this = f.code.func.this.map(|s| borrow(f, s as usize).deref());
            let this = this.filter(|t| matches!(t.view(), View::Object(_)));
            let kind = if this.is_some() { "->" } else { "::" };
            if let (true, Some(t)) = (options.object, this) {
                drop(e.insert("object".into(), t));
            }
            drop(e.insert("type".into(), Zval::str(kind)));
        }
        if options.args {
            drop(e.insert("args".into(), Zval::array(call_args(f))));
        }
        let _ = list.append(Zval::array(e));
        f = p;
    }
    list
}

/// The options and limit arguments of the `debug_*backtrace` functions.
fn options_of(frame: &mut Frame, name: &str, a: &[Zval]) -> Result<(i64, usize), PhpError> {
    crate::functions::arity(frame, name, a, 0, 2)?;
    let options = a
        .first()
        .map_or(Ok(0), |v| int_arg(frame, name, 1, "options", v))?;
    let limit = a
        .get(1)
        .map_or(Ok(0), |v| int_arg(frame, name, 2, "limit", v))?;
    // A negative limit means no limit, as 0 does.
    Ok((options, usize::try_from(limit).unwrap_or(0)))
}

/// An `int` argument (PHP's coercive typing mode).
fn int_arg(
    frame: &mut Frame,
    name: &str,
    n: usize,
    param: &str,
    v: &Zval,
) -> Result<i64, PhpError> {
    let v = v.deref();
    match v.view() {
        View::Int(i) => Ok(i),
        View::Bool(b) => Ok(i64::from(b)),
        View::Float(f) if f.fract() == 0.0 && f.is_finite() => Ok(f as i64),
        View::Str(s) => match php_runtime::number::canonical_int(s.as_bytes()) {
            Some(i) => Ok(i),
            None => Err(type_error(frame, name, n, param, &v)),
        },
        _ => Err(type_error(frame, name, n, param, &v)),
    }
}

fn type_error(frame: &mut Frame, name: &str, n: usize, param: &str, v: &Zval) -> PhpError {
    let msg = format!(
        "{name}(): Argument #{n} (${param}) must be of type int, {} given",
        php_runtime::convert::type_name(v)
    );
    crate::ops::vars::throw(frame, "TypeError", msg)
}

/// `debug_backtrace(int $options = DEBUG_BACKTRACE_PROVIDE_OBJECT, int $limit = 0)`.
pub fn debug_backtrace(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    let (mut options, limit) = options_of(frame, "debug_backtrace", a)?;
    if a.is_empty() {
        options = PROVIDE_OBJECT;
    }
    let t = trace(
        frame,
        TraceOptions {
            args: options & IGNORE_ARGS == 0,
            object: options & PROVIDE_OBJECT != 0,
            limit,
        },
    );
    Ok(Zval::array(t))
}

/// `debug_print_backtrace(int $options = 0, int $limit = 0)`.
pub fn debug_print_backtrace(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    let (options, limit) = options_of(frame, "debug_print_backtrace", a)?;
    let t = trace(
        frame,
        TraceOptions {
            args: options & IGNORE_ARGS == 0,
            object: false,
            limit,
        },
    );
    let text = php_runtime::error::trace_lines(&t);
    if !vm_of(frame).write(text.as_bytes()) {
        return Err(PhpError::Output);
    }
    Ok(Zval::NULL)
}
