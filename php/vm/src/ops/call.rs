//! Calls by name: of the program's functions (a nested invocation of [`run`] in the frame of
//! the next depth, which keeps its JIT) and of built-in functions.

use crate::ops::vars::{line, throw};
use crate::ops::{borrow, store};
use crate::vm::{Callee, Code, Frame, MAX_DEPTH, enter_frame, leave_frame, run, vm_of};
use php_compiler::Const;
use php_runtime::PhpError;
use php_runtime::{PhpString, Zval};

/// `dst = name(args...)` with the `argc` values in the slots from `args`.
#[metajit::dont_look_inside]
pub fn call(
    frame: &mut Frame,
    name: usize,
    args: usize,
    argc: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let callee = frame.code.callees.get().expect("calls resolved at load")[name];
    let result = match callee {
        Callee::Undefined => {
            let shown = match &frame.code.func.constants[name] {
                Const::Str(s) => String::from_utf8_lossy(s).into_owned(),
                _ => String::new(),
            };
            return Err(throw(
                frame,
                "Error",
                format!("Call to undefined function {shown}()"),
            ));
        }
        Callee::Builtin(f) => {
            let argv: Vec<Zval> = (0..argc)
                .map(|i| (*borrow(frame, args + i)).clone())
                .collect();
            f(&mut FrameHost { frame }, &argv)?
        }
        Callee::User(code) => call_user(frame, code, args, argc)?,
    };
    store(frame, dst, result);
    Ok(())
}

fn call_user(
    frame: &mut Frame,
    code: &'static Code,
    args: usize,
    argc: usize,
) -> Result<Zval, PhpError> {
    if frame.depth >= MAX_DEPTH {
        return Err(PhpError::Fatal {
            message:
                "Allowed memory size of 134217728 bytes exhausted (tried to allocate 262144 bytes)"
                    .into(),
            line: line(frame),
        });
    }
    let callee = enter_frame(
        frame.vm,
        frame.depth + 1,
        code,
        Some(metajit::ref_of(frame)),
    );
    // SAFETY: the callee's frame is not this one and nothing else uses it.
    let c = unsafe { callee.get_mut() };
    let params = &code.func.params;
    for (i, p) in params.iter().enumerate() {
        let v = if i < argc {
            (*borrow(frame, args + i)).clone()
        } else {
            match &p.default {
                Some(k) => {
                    let ki = code.func.constants.iter().position(|c| c == k);
                    match ki {
                        Some(ki) => {
                            // SAFETY: constants are live for the program's life.
                            unsafe { Zval::from_borrowed(code.constants[ki]) }
                        }
                        None => const_value(k),
                    }
                }
                None => Zval::UNDEF,
            }
        };
        store(c, i, v);
    }
    c.argc = argc as u32;
    let required = params
        .iter()
        .rposition(|p| p.default.is_none())
        .map_or(0, |i| i + 1);
    if argc < required {
        let exactly = if required == params.len() {
            "exactly"
        } else {
            "at least"
        };
        let vm = vm_of(frame);
        let message = format!(
            "Too few arguments to function {}(), {argc} passed in {} on line {} and {exactly} {required} expected",
            code.name(),
            vm.file,
            line(frame)
        );
        let mut e = throw(c, "ArgumentCountError", message);
        if let PhpError::Uncaught { line, .. } = &mut e {
            *line = code.func.line;
        }
        leave_frame(c);
        return Err(e);
    }
    let jit = vm_of(frame).jit.clone();
    let result = run(&jit, code, c);
    let ret = std::mem::replace(&mut c.slots.as_mut_slice()[0], php_runtime::Value::UNDEF);
    leave_frame(c);
    result?;
    // SAFETY: slot 0 owned the returned value.
    Ok(unsafe { Zval::from_raw(ret) })
}

fn const_value(k: &Const) -> Zval {
    match k {
        Const::Null => Zval::NULL,
        Const::Bool(b) => Zval::bool(*b),
        Const::Int(i) => Zval::int(*i),
        Const::Float(f) => Zval::float(*f),
        Const::Str(s) => Zval::string(PhpString::new(s)),
    }
}

/// The VM as a built-in function sees it: the calling frame.
struct FrameHost<'a> {
    frame: &'a mut Frame,
}

impl php_runtime::Host for FrameHost<'_> {
    fn warn(&mut self, message: &str) -> Result<(), PhpError> {
        crate::ops::vars::warn(self.frame, message)
    }

    fn deprecated(&mut self, message: &str) -> Result<(), PhpError> {
        crate::ops::vars::deprecated(self.frame, message)
    }

    fn notice(&mut self, message: &str) -> Result<(), PhpError> {
        crate::ops::vars::notice(self.frame, message)
    }

    fn throw(&mut self, class: &'static str, message: String) -> PhpError {
        throw(self.frame, class, message)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), PhpError> {
        if vm_of(self.frame).output.write(bytes) {
            Ok(())
        } else {
            Err(PhpError::Output)
        }
    }

    fn constant(&mut self, name: &[u8]) -> Option<Zval> {
        vm_of(self.frame).constants.get(name).cloned()
    }

    fn error_reporting(&mut self, new: Option<i64>) -> i64 {
        let vm = vm_of(self.frame);
        let old = vm.error_reporting;
        if let Some(level) = new {
            vm.error_reporting = level;
        }
        old
    }

    fn define(&mut self, name: &[u8], value: Zval) -> bool {
        let constants = &mut vm_of(self.frame).constants;
        if constants.contains_key(name) {
            return false;
        }
        constants.insert(name.to_vec(), value);
        true
    }
}
