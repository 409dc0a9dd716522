//! Exceptions: `Throwable` objects made where an error is raised (file, line and the trace
//! of calls that led there), `throw`, and finding the `catch` or `finally` block of the
//! function that covers the throwing instruction.

use crate::ops::object::error;
use crate::ops::vars::line;
use crate::ops::{borrow, store};
use crate::vm::{Frame, vm_of};
use php_compiler::NONE;
use php_runtime::object::PhpObject;
use php_runtime::value::View;
use php_runtime::{PhpArray, PhpError, PhpString, Zval};

/// The trace of an exception made at the frame's instruction: one entry per call that led
/// there, innermost first.
fn trace(frame: &Frame) -> PhpArray {
    let mut list = PhpArray::new();
    let mut f: &Frame = frame;
    while let Some(parent) = f.parent {
        // SAFETY: a caller's frame outlives its callee's.
        let p = unsafe { parent.get() };
        let argc = (f.argc as usize).min(f.code.func.params.len());
        let args = PhpArray::from_list((0..argc).map(|i| borrow(f, i).deref()));
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
            let kind = if this.is_some_and(|t| matches!(t.view(), View::Object(_))) {
                "->"
            } else {
                "::"
            };
            drop(e.insert("type".into(), Zval::str(kind)));
        }
        drop(e.insert("args".into(), Zval::array(args)));
        let _ = list.append(Zval::array(e));
        f = p;
    }
    list
}

/// Fills in where a new `Throwable` was made: file, line and trace.
pub(crate) fn mark_origin(frame: &Frame, o: &PhpObject) {
    drop(o.set(b"file", Zval::str(frame.code.file)));
    drop(o.set(b"line", Zval::int(i64::from(line(frame)))));
    drop(o.set(b"trace", Zval::array(trace(frame))));
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
    drop(e.insert(
        "args".into(),
        Zval::array(PhpArray::from_list(args.iter().cloned())),
    ));
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
