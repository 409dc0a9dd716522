//! Exceptions: `Throwable` objects made where an error is raised (file, line and the trace
//! of calls that led there), `throw`, and finding the `catch` or `finally` block of the
//! function that covers the throwing instruction.

use crate::backtrace::TraceOptions;
use crate::ops::object::error;
use crate::ops::vars::line;
use crate::ops::{borrow, store};
use crate::vm::{Frame, vm_of};
use php_compiler::NONE;
use php_runtime::object::PhpObject;
use php_runtime::value::View;
use php_runtime::{PhpArray, PhpError, PhpString, Zval};

/// Fills in where a new `Throwable` was made: file, line and trace.
pub(crate) fn mark_origin(frame: &Frame, o: &PhpObject) {
    drop(o.set(b"file", Zval::str(frame.code.file)));
    drop(o.set(b"line", Zval::int(i64::from(line(frame)))));
    drop(o.set(
        b"trace",
        Zval::array(crate::backtrace::trace(frame, TraceOptions::EXCEPTION)),
    ));
}

/// An exception of the built-in class `class` with `message`, made at the frame's
/// instruction.
pub fn throwable(frame: &mut Frame, class: &str, message: String) -> PhpError {
    let vm = vm_of(frame);
    let Some(&c) = vm.classes.get(class.to_ascii_lowercase().as_bytes()) else {
        return PhpError::Fatal {
            message: format!("Uncaught {class}: {message}"),
            line: line(frame),
        };
    };
    let o = PhpObject::new(c);
    drop(o.set(b"message", Zval::string(PhpString::new(message.as_bytes()))));
    mark_origin(frame, &o);
    PhpError::Exception(o)
}

/// Adds the frame of a built-in function to the top of an exception's trace (Zend shows the
/// built-in that threw).
pub fn push_builtin_frame(frame: &Frame, o: &PhpObject, name: &str, args: &[Zval]) {
    push_builtin_frame_with(frame, o, name, PhpArray::from_list(args.iter().cloned()));
}

/// [`push_builtin_frame`] with the arguments as the trace shows them (named ones under
/// their names).
pub fn push_builtin_frame_with(frame: &Frame, o: &PhpObject, name: &str, args: PhpArray) {
    let mut e = PhpArray::new();
    drop(e.insert("file".into(), Zval::str(frame.code.file)));
    drop(e.insert("line".into(), Zval::int(i64::from(line(frame)))));
    match name.split_once("::") {
        Some((class, method)) => {
            drop(e.insert("function".into(), Zval::str(method)));
            drop(e.insert("class".into(), Zval::str(class)));
            drop(e.insert("type".into(), Zval::str("->")));
        }
        None => drop(e.insert("function".into(), Zval::str(name))),
    }
    drop(e.insert("args".into(), Zval::array(args)));
    let old = o.get(b"trace").map(|t| t.deref());
    let mut list = PhpArray::from_list([Zval::array(e)]);
    if let Some(View::Array(a)) = old.as_ref().map(Zval::view) {
        for (_, v) in a.iter() {
            let _ = list.append(v.clone());
        }
    }
    drop(o.set(b"trace", Zval::array(list)));
}

/// Finds where the exception `e`, thrown at the frame's instruction, is caught in the frame's
/// function: the `catch` or `finally` block to continue at (`Err(e)` if none covers it).
pub fn catch(frame: &mut Frame, e: PhpObject) -> Result<usize, PhpError> {
    let to = handler(frame, e);
    unsilence(frame, to.as_ref().ok().copied());
    to
}

/// Ends the `@` regions the exception leaves (from the frame's instruction to `to`, or out of
/// the function): the error level comes back from the outermost one.
fn unsilence(frame: &mut Frame, to: Option<usize>) {
    let pc = frame.pc as u32;
    let left = |&&(from, end): &&(u32, u32)| {
        (from..end).contains(&pc) && to.is_none_or(|t| !(from..end).contains(&(t as u32)))
    };
    let outermost = frame
        .code
        .func
        .silences
        .iter()
        .filter(left)
        .min_by_key(|s| s.0);
    if let Some(&(_, end)) = outermost
        && let php_compiler::Op::Unsilence { save } = frame.code.func.ops[end as usize]
    {
        crate::ops::vars::unsilence(frame, save as usize);
    }
}

/// The `catch` or `finally` block that handles `e` in the frame's function.
fn handler(frame: &mut Frame, e: PhpObject) -> Result<usize, PhpError> {
    let func = &frame.code.func;
    let mut r = func.try_of.get(frame.pc).copied().unwrap_or(NONE);
    while r != NONE {
        let region = &func.regions[r as usize];
        for c in &region.catches {
            let hit = c.classes.iter().any(|n| {
                let lower = n.to_ascii_lowercase();
                let lower = lower.strip_prefix(b"\\").unwrap_or(&lower);
                e.class().is_a_name(lower)
            });
            if hit {
                if c.var != NONE {
                    crate::ops::vars::write_cv(frame, c.var as usize, Zval::object(e));
                }
                return Ok(c.to as usize);
            }
        }
        if let Some((to, slot)) = region.finally {
            store(frame, slot as usize, Zval::object(e));
            return Ok(to as usize);
        }
        r = region.parent;
    }
    Err(PhpError::Exception(e))
}

/// `throw src`.
#[metajit::dont_look_inside]
pub fn throw_value(frame: &mut Frame, src: usize) -> Result<(), PhpError> {
    let v = borrow(frame, src).deref();
    match v.view() {
        View::Object(o) if o.class().is_a_name(b"throwable") => Err(PhpError::Exception(o.clone())),
        _ => Err(error(frame, "Error", "Can only throw objects".to_string())),
    }
}
