//! Stack traces: the one list of the calls that led to an instruction, as
//! `Exception::getTrace()`, `debug_backtrace()` and `debug_print_backtrace()` show it.
//!
//! Each entry is a user function's call, innermost first, with the file and line of the call
//! site in its caller. The arguments are the parameters' current values, a variadic
//! parameter's elements, then the extra arguments; the argument of a parameter declared
//! `#[SensitiveParameter]` is shown wrapped in a `SensitiveParameterValue`. A call a
//! built-in function made shows as made from `[internal function]`, followed by the
//! built-in's own call ([`crate::internal_calls`]).

use crate::ops::borrow;
use crate::ops::vars::line;
use crate::vm::{Frame, vm_of};
use php_compiler::Op;
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
        // A built-in the caller ran made this call: it comes from `[internal function]`
        // (no file or line), and the built-in's own call follows.
        let builtin = crate::internal_calls::called_by_builtin(p.depth, |call| {
            call.map(|(name, args)| builtin_entry(p, name, args, options))
        });
        let mut e = PhpArray::new();
        if builtin.is_none() {
            drop(e.insert("file".into(), Zval::str(p.code.file)));
            drop(e.insert("line".into(), Zval::int(i64::from(line(p)))));
        }
        let included = &f.code.func.name[..] == b"{main}";
        // The caller is running `include` or `eval`: for the code it runs, or for the
        // instruction itself (an error handler called as the file fails to open).
        let word = include_word(p);
        let function = match (included, word) {
            (true, Some(w)) => w.to_string(),
            (true, None) if f.code.file.ends_with(" : eval()'d code") => "eval".to_string(),
            (true, None) => "include".to_string(),
            (false, _) => f.code.name(),
        };
        drop(e.insert("function".into(), Zval::str(&function)));
        if let (Some(c), false) = (f.code.class(), included) {
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
            // `eval` shows no arguments; `include` the file it includes.
            // (Zend knows the file from the entry before: the first one has none.)
            let args = match (included, function.as_str()) {
                (true, "eval") => None,
                (true, _) if list.is_empty() => None,
                (true, _) => Some(PhpArray::from_list(vec![Zval::str(f.code.file)])),
                (false, _) => Some(call_args(f)),
            };
            if let Some(args) = args {
                drop(e.insert("args".into(), Zval::array(args)));
            }
        }
        let _ = list.append(Zval::array(e));
        if let (false, Some(w)) = (included, word)
            && (options.limit == 0 || list.len() < options.limit)
        {
            let mut pseudo = PhpArray::new();
            drop(pseudo.insert("file".into(), Zval::str(p.code.file)));
            drop(pseudo.insert("line".into(), Zval::int(i64::from(line(p)))));
            drop(pseudo.insert("function".into(), Zval::str(w)));
            let _ = list.append(Zval::array(pseudo));
        }
        if let Some(b) = builtin
            && (options.limit == 0 || list.len() < options.limit)
        {
            let _ = list.append(Zval::array(b));
        }
        f = p;
    }
    list
}

/// The `include`/`eval` instruction frame `p` is running, as traces name it.
fn include_word(p: &Frame) -> Option<&'static str> {
    const WORDS: [&str; 4] = ["include", "include_once", "require", "require_once"];
    match p.code.func.ops.get(p.pc)? {
        Op::Include { kind, .. } => WORDS.get(*kind as usize).copied(),
        Op::Eval { .. } => Some("eval"),
        _ => None,
    }
}

/// The trace entry of the built-in `name` called from `p` with `args`.
fn builtin_entry(p: &Frame, name: &str, args: &[Zval], options: TraceOptions) -> PhpArray {
    let mut e = PhpArray::new();
    drop(e.insert("file".into(), Zval::str(p.code.file)));
    drop(e.insert("line".into(), Zval::int(i64::from(line(p)))));
    match name.split_once("::") {
        Some((class, method)) => {
            drop(e.insert("function".into(), Zval::str(method)));
            drop(e.insert("class".into(), Zval::str(class)));
            drop(e.insert("type".into(), Zval::str("->")));
        }
        None => drop(e.insert("function".into(), Zval::str(name))),
    }
    if options.args {
        let shown = PhpArray::from_list(args.iter().map(Zval::deref));
        drop(e.insert("args".into(), Zval::array(shown)));
    }
    e
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
