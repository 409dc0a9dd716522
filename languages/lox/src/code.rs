//! Code as the VM runs it: a compiled [`Proto`] whose constants have become values (strings
//! interned on the heap) and whose nested functions have become [`Code`]s too.
//!
//! Codes are never freed: they are the program, green data for the JIT, which keeps their
//! addresses in compiled traces. A REPL session adds the code of each line it runs.

use crate::chunk::{Capture, Constant, FunctionKind, Op, Proto};
use crate::heap::Heap;
use crate::value::{Value, tag};
use std::rc::Rc;

/// A function's code, ready to run.
pub struct Code {
    /// The function's name (`None` for a script).
    pub name: Option<Rc<str>>,
    /// What kind of function it is.
    pub kind: FunctionKind,
    /// The number of parameters.
    pub arity: u8,
    /// The instructions.
    pub ops: Vec<Op>,
    /// The source line of each instruction.
    pub lines: Vec<u32>,
    /// The stack depth before each instruction.
    pub depth: Vec<u16>,
    /// The slots a frame of this code needs.
    pub max_depth: u16,
    /// The constants as values (numbers and interned strings; `nil` where a function is).
    pub constants: Vec<Value>,
    /// The nested functions, at the index of their constant.
    pub functions: Vec<Option<&'static Code>>,
    /// What a closure of this code captures.
    pub upvalues: Vec<Capture>,
}

impl Code {
    /// Loads `proto` and its nested functions; every `Code` made is pushed on `all` (the heap's
    /// roots include their constants).
    pub fn load(proto: &Proto, heap: &mut Heap, all: &mut Vec<&'static Code>) -> &'static Code {
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
            name: proto.name.clone(),
            kind: proto.kind,
            arity: proto.arity,
            ops: proto.ops.clone(),
            lines: proto.lines.clone(),
            depth: proto.depth.clone(),
            max_depth: proto.max_depth,
            constants,
            functions,
            upvalues: proto.upvalues.clone(),
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
