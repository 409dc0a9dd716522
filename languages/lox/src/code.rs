//! Code as the VM runs it: a compiled [`Proto`] whose constants have become values (strings
//! interned on the heap) and whose nested functions have become [`Code`]s too.
//!
//! Codes are never freed: they are the program, green data for the JIT, which keeps their
//! addresses in compiled traces. A REPL session adds the code of each line it runs.

use crate::chunk::{Constant, Proto};
use crate::heap::Heap;
use crate::value::{Value, tag};
use std::rc::Rc;

/// A function's code, ready to run: the compiled [`Proto`] (its instructions, lines, depths,
/// name, arity and captures, reached through `Deref`) with its constants as values.
pub struct Code {
    /// The compiled function.
    pub proto: Rc<Proto>,
    /// The constants as values (numbers and interned strings; `nil` where a function is).
    pub constants: Vec<Value>,
    /// The nested functions, at the index of their constant.
    pub functions: Vec<Option<&'static Code>>,
}

impl std::ops::Deref for Code {
    type Target = Proto;
    fn deref(&self) -> &Proto {
        &self.proto
    }
}

impl Code {
    /// Loads `proto` and its nested functions; every `Code` made is pushed on `all` (the heap's
    /// roots include their constants).
    pub fn load(proto: &Rc<Proto>, heap: &mut Heap, all: &mut Vec<&'static Code>) -> &'static Code {
        let mut constants = Vec::with_capacity(proto.constants.len());
        let mut functions = Vec::with_capacity(proto.constants.len());
        for c in &proto.constants {
            match c {
                Constant::Number(n) => {
                    constants.push(Value::number(*n));
                    functions.push(None);
                }
                Constant::Str(s) => {
                    constants.push(Value::object(tag::STRING, heap.intern(s)));
                    functions.push(None);
                }
                Constant::Function(p) => {
                    constants.push(Value::NIL);
                    functions.push(Some(Code::load(p, heap, all)));
                }
            }
        }
        let code: &'static Code = Box::leak(Box::new(Code {
            proto: proto.clone(),
            constants,
            functions,
        }));
        all.push(code);
        code
    }

    /// The text of a stack-trace line for a frame of this code stopped at `pc`.
    pub fn trace_line(&self, pc: usize) -> String {
        let line = self.lines.get(pc).copied().unwrap_or(0);
        match &self.name {
            Some(n) => format!("[line {line}] in {n}()"),
            None => format!("[line {line}] in script"),
        }
    }
}
