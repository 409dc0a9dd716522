//! The virtual machine: its state ([`Vm`]), call frames ([`Frame`]) and the dispatch loop
//! ([`run`]).
//!
//! Each Lox call runs in its own invocation of [`run`] with its own [`Frame`] (RPython's call
//! design: the portal is re-entered per call, see the book's Lox chapter). Frames link to their
//! caller, which gives the collector its roots and runtime errors their stack trace. The
//! depth is bounded by clox's 64 frames, so the native recursion is too.

use crate::chunk::Op;
use crate::code::Code;
use crate::error::LoxError;
use crate::heap::Heap;
use crate::object::{Closure, Header, Kind, LoxString, Map, Native};
use crate::ops::{arith, call, object};
use crate::table::AddrMap;
use crate::value::{Value, tag};
use metajit::cli::Output;
use metajit::{JitDriver, Ref};
use std::time::Instant;

/// The most frames a program may have (clox's `FRAMES_MAX`): one more call is `Stack
/// overflow.`.
pub const MAX_FRAMES: u32 = 64;

/// The interpreter's state across calls (and across the lines of a REPL session).
pub struct Vm {
    /// Every object.
    pub heap: Heap,
    /// Global variables by interned name.
    pub globals: AddrMap<Value>,
    /// Every loaded code (their constants are roots).
    pub codes: Vec<&'static Code>,
    /// The interned string `init`.
    pub init_name: Ref<LoxString>,
    /// Where `print` writes.
    pub output: Output,
    /// The JIT.
    pub jit: JitDriver,
    /// The map of instances without fields.
    pub empty_map: Ref<Map>,
    _maps: Box<Map>,
    start: Instant,
}

/// One call's state: its slots (arguments, locals and temporaries), its closure, and where
/// its caller is.
#[repr(C)]
pub struct Frame {
    /// The stack slots; slot 0 is the callee or `this`.
    pub slots: Box<[Value]>,
    /// The function running in this frame.
    pub closure: Ref<Closure>,
    /// The caller's frame (null for the script).
    pub parent: *const Frame,
    /// 1 for the script, one more per call.
    pub depth: u32,
    /// The instruction being run, kept up to date at calls and errors (for stack traces).
    pub pc: usize,
}

impl Frame {
    /// A frame for `closure` called from `parent` (null for the script) at `depth`.
    pub fn new(closure: Ref<Closure>, parent: *const Frame, depth: u32) -> Frame {
        Frame {
            slots: vec![Value::NIL; closure.code.max_depth as usize + 1].into_boxed_slice(),
            closure,
            parent,
            depth,
            pc: 0,
        }
    }
}

fn clock(_: &[Value]) -> Value {
    thread_local!(static START: Instant = Instant::now());
    Value::number(START.with(|s| s.elapsed().as_secs_f64()))
}

impl Vm {
    /// A VM printing to `output`, with the JIT `jit`.
    pub fn new(output: Output, jit: JitDriver) -> Vm {
        let mut heap = Heap::new();
        let init_name = heap.intern("init");
        let maps = Box::new(Map::empty());
        let mut vm = Vm {
            heap,
            globals: AddrMap::default(),
            codes: Vec::new(),
            init_name,
            output,
            jit,
            empty_map: Ref::new(&*maps),
            _maps: maps,
            start: Instant::now(),
        };
        let name = vm.heap.intern("clock");
        let native = vm.heap.alloc(Native {
            header: Header::new(Kind::Native),
            function: clock,
        });
        vm.globals
            .insert(name.addr(), Value::object(tag::NATIVE, native));
        vm.roots_keepalive(name);
        vm
    }

    /// Names of natives are referred to only by the globals table's keys: keep them alive by
    /// loading them as the constants of an empty code.
    fn roots_keepalive(&mut self, name: Ref<LoxString>) {
        let code: &'static Code = Box::leak(Box::new(Code {
            name: None,
            kind: crate::chunk::FunctionKind::Script,
            arity: 0,
            ops: Vec::new(),
            lines: Vec::new(),
            depth: Vec::new(),
            max_depth: 0,
            constants: vec![Value::object(tag::STRING, name)],
            functions: Vec::new(),
            upvalues: Vec::new(),
        }));
        self.codes.push(code);
    }

    /// Seconds since the VM started.
    pub fn uptime(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// Compiles and runs `source` (a script, or one line of a REPL session).
    pub fn interpret(&mut self, source: &str) -> Result<(), LoxError> {
        let proto = crate::compiler::compile(source).map_err(|e| LoxError::Compile(e.0))?;
        let code = Code::load(&proto, &mut self.heap, &mut self.codes);
        let closure = object::new_closure(self, code, Box::new([]));
        let mut frame = Frame::new(closure, std::ptr::null(), 1);
        frame.slots[0] = Value::object(tag::CLOSURE, closure);
        let result = run(self, code, &mut frame);
        result.map(|_| ())
    }

    /// A safepoint: collects if enough was allocated since the last collection. `frame` is
    /// the innermost frame; every live value must be in its chain's slots, a global or a
    /// constant.
    pub fn safepoint(&mut self, frame: &Frame) {
        if !self.heap.due() {
            return;
        }
        let mut f: *const Frame = frame;
        while !f.is_null() {
            // SAFETY: frames link to their callers, which outlive them (each is owned by an
            // invocation of `run` further up the native stack).
            let fr = unsafe { &*f };
            for &v in fr.slots.iter() {
                self.heap.mark_value(v);
            }
            self.heap.mark_object(fr.closure);
            f = fr.parent;
        }
        let globals: Vec<Value> = self.globals.values().copied().collect();
        for v in globals {
            self.heap.mark_value(v);
        }
        for i in 0..self.codes.len() {
            for &v in &self.codes[i].constants {
                self.heap.mark_value(v);
            }
        }
        self.heap.mark_object(self.init_name);
        self.heap.collect();
    }
}

/// A runtime error raised in `frame` at `pc`: the message and the stack trace from `frame`
/// out to the script.
pub fn runtime_error(frame: &mut Frame, pc: usize, message: String) -> LoxError {
    frame.pc = pc;
    let mut trace = Vec::new();
    let mut f: *const Frame = frame;
    while !f.is_null() {
        // SAFETY: as in `Vm::safepoint`.
        let fr = unsafe { &*f };
        trace.push(fr.closure.code.trace_line(fr.pc));
        f = fr.parent;
    }
    LoxError::Runtime { message, trace }
}

/// Runs `code` in `frame` until it returns.
pub fn run(vm: &mut Vm, code: &'static Code, frame: &mut Frame) -> Result<Value, LoxError> {
    let mut pc = 0usize;
    loop {
        let sp = code.depth[pc] as usize;
        match code.ops[pc] {
            Op::Constant(k) => frame.slots[sp] = code.constants[k as usize],
            Op::Nil => frame.slots[sp] = Value::NIL,
            Op::True => frame.slots[sp] = Value::bool(true),
            Op::False => frame.slots[sp] = Value::bool(false),
            Op::Pop => {}
            Op::GetLocal(n) => frame.slots[sp] = frame.slots[n as usize],
            Op::SetLocal(n) => frame.slots[n as usize] = frame.slots[sp - 1],
            Op::BoxLocal(n) => object::box_local(vm, frame, n as usize),
            Op::GetCell(n) => frame.slots[sp] = object::cell(frame.slots[n as usize]).value,
            Op::SetCell(n) => {
                object::cell(frame.slots[n as usize]).value = frame.slots[sp - 1];
            }
            Op::GetGlobal(k) => {
                let name = code.constants[k as usize];
                match vm.globals.get(&(name.bits as usize)) {
                    Some(&v) => frame.slots[sp] = v,
                    None => return Err(undefined_variable(frame, pc, name)),
                }
            }
            Op::DefineGlobal(k) => {
                let name = code.constants[k as usize];
                vm.globals.insert(name.bits as usize, frame.slots[sp - 1]);
            }
            Op::SetGlobal(k) => {
                let name = code.constants[k as usize];
                match vm.globals.get_mut(&(name.bits as usize)) {
                    Some(v) => *v = frame.slots[sp - 1],
                    None => return Err(undefined_variable(frame, pc, name)),
                }
            }
            Op::GetUpvalue(n) => {
                frame.slots[sp] = frame.closure.upvalues[n as usize].value;
            }
            Op::SetUpvalue(n) => {
                let cell = frame.closure.upvalues[n as usize];
                // SAFETY: cells are alive while a closure holding them is.
                unsafe { cell.get_mut() }.value = frame.slots[sp - 1];
            }
            Op::GetProperty(k) => {
                let name = code.constants[k as usize].as_ref();
                frame.slots[sp - 1] = object::get_property(vm, frame, pc, sp - 1, name)?;
            }
            Op::SetProperty(k) => {
                let name = code.constants[k as usize].as_ref();
                object::set_property(frame, pc, sp - 2, name)?;
                frame.slots[sp - 2] = frame.slots[sp - 1];
            }
            Op::GetSuper(k) => {
                let name = code.constants[k as usize].as_ref();
                frame.slots[sp - 2] = object::get_super(vm, frame, pc, sp - 2, name)?;
            }
            Op::Equal => {
                let eq = frame.slots[sp - 2].equals(frame.slots[sp - 1]);
                frame.slots[sp - 2] = Value::bool(eq);
            }
            Op::Greater | Op::Less | Op::Subtract | Op::Multiply | Op::Divide => {
                let (a, b) = (frame.slots[sp - 2], frame.slots[sp - 1]);
                if !a.is_number() || !b.is_number() {
                    let msg = "Operands must be numbers.".to_string();
                    return Err(runtime_error(frame, pc, msg));
                }
                frame.slots[sp - 2] = arith::numeric(code.ops[pc], a.as_number(), b.as_number());
            }
            Op::Add => frame.slots[sp - 2] = arith::add(vm, frame, pc, sp - 2)?,
            Op::Not => frame.slots[sp - 1] = Value::bool(frame.slots[sp - 1].is_falsey()),
            Op::Negate => {
                let v = frame.slots[sp - 1];
                if !v.is_number() {
                    let msg = "Operand must be a number.".to_string();
                    return Err(runtime_error(frame, pc, msg));
                }
                frame.slots[sp - 1] = Value::number(-v.as_number());
            }
            Op::Print => {
                let text = frame.slots[sp - 1].display();
                if !vm.output.write(text.as_bytes()) || !vm.output.write(b"\n") {
                    return Err(LoxError::Output);
                }
            }
            Op::Jump(target) | Op::Loop(target) => {
                pc = target as usize;
                continue;
            }
            Op::JumpIfFalse(target) => {
                if frame.slots[sp - 1].is_falsey() {
                    pc = target as usize;
                    continue;
                }
            }
            Op::Call(argc) => {
                let base = sp - argc as usize - 1;
                frame.pc = pc;
                frame.slots[base] = call::call_value(vm, frame, base, argc as usize)?;
            }
            Op::Invoke(k, argc) => {
                let base = sp - argc as usize - 1;
                let name = code.constants[k as usize].as_ref();
                frame.pc = pc;
                frame.slots[base] = call::invoke(vm, frame, base, argc as usize, name)?;
            }
            Op::SuperInvoke(k, argc) => {
                let base = sp - argc as usize - 2;
                let name = code.constants[k as usize].as_ref();
                frame.pc = pc;
                frame.slots[base] = call::super_invoke(vm, frame, base, argc as usize, name)?;
            }
            Op::Closure(k) => {
                let inner = code.functions[k as usize].expect("closure of a function constant");
                frame.slots[sp] = object::make_closure(vm, frame, inner);
            }
            Op::Return => return Ok(frame.slots[sp - 1]),
            Op::Class(k) => {
                let name = code.constants[k as usize].as_ref();
                frame.slots[sp] = object::new_class(vm, frame, name);
            }
            Op::Inherit => object::inherit(frame, pc, sp - 2)?,
            Op::Method(k) => {
                let name = code.constants[k as usize].as_ref();
                object::add_method(vm, frame.slots[sp - 2], frame.slots[sp - 1], name);
            }
        }
        pc += 1;
    }
}

fn undefined_variable(frame: &mut Frame, pc: usize, name: Value) -> LoxError {
    let name = name.as_ref::<LoxString>();
    runtime_error(frame, pc, format!("Undefined variable '{}'.", name.text))
}
