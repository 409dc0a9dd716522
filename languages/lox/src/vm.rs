//! The virtual machine: its state ([`Vm`]), call frames ([`Frame`]) and the dispatch loop
//! ([`run`]).
//!
//! Each Lox call runs in its own invocation of [`run`] with its own [`Frame`] (RPython's call
//! design: the portal is re-entered per call, see the book's Lox chapter). Traced code inlines
//! those calls (`run` is `recursive`). Frames are allocated once per call depth and reused; they
//! link to their caller, which gives the collector its roots and runtime errors their stack
//! trace. The depth is bounded by clox's 64 frames, so the native recursion is too.

use crate::chunk::Op;
use crate::code::Code;
use crate::error::LoxError;
use crate::heap::Heap;
use crate::object::{Cell, Class, Closure, Header, Instance, Kind, LoxString, Map, Native};
use crate::ops::{arith, call, globals, object, output};
use crate::table::AddrMap;
use crate::value::{Value, tag};
use metajit::cli::Output;
use metajit::{JitArray, JitDriver, Ref};
use std::rc::Rc;
use std::time::Instant;

/// The most frames a program may have (clox's `FRAMES_MAX`): one more call is `Stack
/// overflow.`.
pub const MAX_FRAMES: u32 = 64;

/// The interpreter's state across calls (and across the lines of a REPL session).
#[derive(metajit::JitStruct)]
#[repr(C)]
pub struct Vm {
    /// Every object.
    pub heap: Heap,
    /// Global variables by interned name: each in a cell of its own, which stays the same for
    /// the life of the variable (traced code loads and stores the cell's value).
    pub globals: AddrMap<Ref<Cell>>,
    /// Every loaded code (their constants are roots).
    pub codes: Vec<&'static Code>,
    /// The interned string `init`.
    pub init_name: Ref<LoxString>,
    /// Where `print` writes.
    pub output: Output,
    /// The JIT.
    pub jit: Rc<JitDriver>,
    /// The map of instances without fields.
    #[jit(immutable)]
    pub empty_map: Ref<Map>,
    /// Changes when a global variable is added (traces fold global lookups at a version).
    #[jit(quasi_immutable)]
    pub globals_version: u64,
    /// Set when an allocation made by compiled code (which never collects) finds a
    /// collection due: traced code then passes a safepoint at its next instance creation.
    pub gc_due: bool,
    _maps: Box<Map>,
    /// The frame of each call depth (index `depth - 1`), made on first use and reused. Boxed:
    /// frames link to their callers and traces hold their addresses, which must not move when
    /// the vector grows.
    #[allow(clippy::vec_box)]
    frames: Vec<Box<Frame>>,
}

/// One call's state: its slots (arguments, locals and temporaries), its closure, and where
/// its caller is. It is the JIT's virtualizable: in traces, the slots and `pc` are locations
/// the trace keeps in registers.
#[derive(metajit::JitStruct)]
#[repr(C)]
pub struct Frame {
    /// The header: frames made by traced code are heap objects (the collector frees them);
    /// the frames of `Vm::frames` carry one too but are not in the heap's list.
    pub header: Header,
    /// The stack slots; slot 0 is the callee or `this`.
    #[jit(virtualizable_array)]
    pub slots: JitArray<Value>,
    /// The instruction being run, kept up to date at calls and errors (for stack traces).
    #[jit(virtualizable)]
    pub pc: usize,
    /// The function running in this frame.
    #[jit(immutable)]
    pub closure: Ref<Closure>,
    /// The VM.
    #[jit(immutable)]
    pub vm: Ref<Vm>,
    /// The caller's frame (`None` for the script).
    pub parent: Option<Ref<Frame>>,
    /// 1 for the script, one more per call.
    pub depth: u32,
}

// SAFETY: `blank` returns a live frame of the current VM's heap whose fields `new!` sets own
// nothing (placeholder references, the empty array).
unsafe impl metajit::JitNew for Frame {
    const BLANK_WRITES: Option<&'static [&'static str]> = Some(&["Vm.gc_due"]);

    fn blank() -> Ref<Frame> {
        crate::heap::new_object(Frame {
            header: Header::new(Kind::Frame),
            slots: JitArray::empty(),
            pc: 0,
            closure: Ref::dangling(),
            vm: Ref::dangling(),
            parent: None,
            depth: 0,
        })
    }
}

/// The frame for a call at `depth` (1 for the script) from `caller` running `closure`: the
/// depth's frame, its slots cleared (the arguments are copied in after). Native calls use it;
/// traced code makes the callee's frame with `metajit::new!` (see `call::call_known`).
#[metajit::dont_look_inside]
pub fn enter_frame(
    vm: Ref<Vm>,
    depth: u32,
    closure: Ref<Closure>,
    caller: Option<Ref<Frame>>,
) -> Ref<Frame> {
    // SAFETY: the VM outlives its frames; nothing else uses it during this call.
    let vm_mut = unsafe { vm.get_mut() };
    while vm_mut.frames.len() < depth as usize {
        let d = vm_mut.frames.len() as u32 + 1;
        vm_mut.frames.push(Box::new(Frame {
            header: Header::new(Kind::Frame),
            slots: JitArray::new(0, Value::NIL),
            pc: 0,
            closure,
            vm,
            parent: caller,
            depth: d,
        }));
    }
    let frame = &mut vm_mut.frames[depth as usize - 1];
    // Exactly the slots the function uses: traces track each slot of the frame they start in.
    let needed = closure.code.max_depth as usize + 1;
    if frame.slots.len() != needed {
        frame.slots = JitArray::new(needed, Value::NIL);
    } else {
        frame.slots.as_mut_slice()[..needed].fill(Value::NIL);
    }
    frame.closure = closure;
    frame.parent = caller;
    frame.pc = 0;
    Ref::new_mut(&mut **frame)
}

/// Clears slots `from..=last` of `frame`, above the stack: at a back-edge, so that a loop's
/// traces carry no dead values around (an object left in a dead slot would escape through the
/// loop's jump and be allocated when it need not exist). Unrolled in traces: the bounds are
/// constants, and the cleared slots become constants of the loop.
#[metajit::unroll_safe(greens(from, last))]
fn clear_dead_slots(frame: &mut Frame, from: usize, last: usize) {
    let mut s = from;
    while s <= last {
        frame.slots[s] = Value::NIL;
        s += 1;
    }
}

/// Puts a new instance of `class` in slot `base` of `frame` (after a safepoint when compiled
/// code's allocations made a collection due). Traced code allocates it in the trace.
#[metajit::jit]
fn construct(frame: &mut Frame, class: Ref<Class>, base: usize) {
    object::safepoint_if_due(frame);
    let instance = object::new_instance(frame.vm, class);
    frame.slots[base] = Value {
        tag: tag::INSTANCE,
        bits: metajit::ref_addr(instance),
    };
}

/// The VM a frame belongs to.
pub fn vm_of<'a>(frame: &Frame) -> &'a mut Vm {
    // SAFETY: the VM outlives every frame (frames exist only while `Vm::interpret` runs), and
    // the interpreter touches it only through this one path at a time.
    unsafe { frame.vm.get_mut() }
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
            jit: Rc::new(jit),
            empty_map: Ref::new(&*maps),
            gc_due: false,
            globals_version: 0,
            _maps: maps,
            frames: Vec::new(),
        };
        let name = vm.heap.intern("clock");
        let native = vm.heap.alloc(Native {
            header: Header::new(Kind::Native),
            function: clock,
        });
        let cell = vm.heap.alloc(Cell {
            header: Header::new(Kind::Cell),
            value: Value::object(tag::NATIVE, native),
        });
        vm.globals.insert(name.addr(), cell);
        vm
    }

    /// Compiles and runs `source` (a script, or one line of a REPL session).
    pub fn interpret(&mut self, source: &str) -> Result<(), LoxError> {
        let proto = crate::compiler::compile(source).map_err(|e| LoxError::Compile(e.0))?;
        let code = Code::load(&proto, &mut self.heap, &mut self.codes);
        let closure = object::new_closure(self, code, JitArray::new(0, Ref::dangling()));
        let jit = self.jit.clone();
        crate::heap::set_current_vm(self);
        let frame = enter_frame(Ref::new_mut(self), 1, closure, None);
        // SAFETY: the script's frame is used by this call only.
        let frame = unsafe { frame.get_mut() };
        frame.slots[0] = Value::object(tag::CLOSURE, closure);
        run(&jit, code, frame)
    }

    /// A safepoint: collects if enough was allocated since the last collection. `frame` is
    /// the innermost frame; every live value must be in its chain's slots, a global or a
    /// constant.
    pub fn safepoint(&mut self, frame: &Frame) {
        if !self.heap.due() {
            return;
        }
        let mut f = Some(Ref::new(frame));
        while let Some(r) = f {
            // SAFETY: frames link to their callers, which outlive them (each is owned by an
            // invocation of `run` further up the native stack).
            let fr = unsafe { r.get() };
            for &v in fr.slots.as_slice() {
                self.heap.mark_value(v);
            }
            self.heap.mark_object(fr.closure);
            // A frame made by traced code is a heap object: reached, it is kept.
            self.heap.mark_object(Ref::new(fr));
            f = fr.parent;
        }
        let globals: Vec<(usize, Ref<Cell>)> = self.globals.iter().map(|(&n, &c)| (n, c)).collect();
        for (name, cell) in globals {
            // A global's name is a key only: marked here (a native's name is in no code).
            self.heap
                .mark_object(Ref::<LoxString>::from_ptr(name as *mut LoxString));
            self.heap.mark_object(cell);
        }
        for i in 0..self.codes.len() {
            for &v in &self.codes[i].constants {
                self.heap.mark_value(v);
            }
        }
        self.heap.mark_object(self.init_name);
        self.heap.collect();
        self.gc_due = false;
    }
}

/// A runtime error raised in `frame` at `pc`: the message and the stack trace from `frame`
/// out to the script.
pub fn runtime_error(frame: &mut Frame, pc: usize, message: String) -> LoxError {
    frame.pc = pc;
    let mut trace = Vec::new();
    let mut f = Some(Ref::new(frame));
    while let Some(r) = f {
        // SAFETY: as in `Vm::safepoint`.
        let fr = unsafe { r.get() };
        trace.push(fr.closure.code.trace_line(fr.pc));
        f = fr.parent;
    }
    LoxError::Runtime { message, trace }
}

/// Runs `code` in `frame` until it returns, leaving the returned value in slot 0: the dispatch
/// loop, annotated for the JIT. The position `pc` and the function `code` are green; the frame
/// is red and virtualizable. Calls of closures with the right number of arguments run the
/// callee by calling `run` (inlined in traces); other calls go through `ops::call`. Work
/// that traced code calls rather than traces (allocation, globals, properties, calls, output,
/// building errors) is in the `ops` modules.
#[metajit::interpreter(greens(pc, code), reds(frame), virtualizable(frame), driver = jit, recursive)]
pub fn run(jit: &JitDriver, code: &'static Code, frame: &mut Frame) -> Result<(), LoxError> {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        let sp = code.depth[pc] as usize;
        match code.ops[pc] {
            Op::Constant(k) => frame.slots[sp] = code.constants[k as usize],
            Op::Nil => frame.slots[sp] = Value::NIL,
            Op::True => {
                frame.slots[sp] = Value {
                    tag: tag::BOOL,
                    bits: 1,
                }
            }
            Op::False => {
                frame.slots[sp] = Value {
                    tag: tag::BOOL,
                    bits: 0,
                }
            }
            Op::Pop => {}
            Op::GetLocal(n) => frame.slots[sp] = frame.slots[n as usize],
            Op::SetLocal(n) => frame.slots[n as usize] = frame.slots[sp - 1],
            Op::BoxLocal(n) => object::box_local(frame, n as usize),
            Op::GetCell(n) => {
                let cell = metajit::ref_from_addr::<Cell>(frame.slots[n as usize].bits);
                frame.slots[sp] = cell.value;
            }
            Op::SetCell(n) => {
                let cell = metajit::ref_from_addr::<Cell>(frame.slots[n as usize].bits);
                // SAFETY: cells live while a slot or a closure holds them; no other reference
                // to this one is in use.
                unsafe { cell.get_mut() }.value = frame.slots[sp - 1];
            }
            Op::GetGlobal(k) => {
                let name = code.constants[k as usize].bits;
                let cell = globals::cell_addr(frame.vm, name);
                if cell != 0 {
                    frame.slots[sp] = globals::value(metajit::ref_from_addr(cell));
                } else {
                    frame.pc = pc;
                    globals::undefined(frame, name)?;
                }
            }
            Op::DefineGlobal(k) => globals::define(frame, sp, code.constants[k as usize].bits),
            Op::SetGlobal(k) => {
                let name = code.constants[k as usize].bits;
                let cell = globals::cell_addr(frame.vm, name);
                if cell != 0 {
                    globals::set_value(metajit::ref_from_addr(cell), frame.slots[sp - 1]);
                } else {
                    frame.pc = pc;
                    globals::undefined(frame, name)?;
                }
            }
            Op::GetUpvalue(n) => {
                let cell = frame.closure.upvalues[n as usize];
                frame.slots[sp] = cell.value;
            }
            Op::SetUpvalue(n) => {
                let cell = frame.closure.upvalues[n as usize];
                // SAFETY: cells live while a slot or a closure holds them; no other reference
                // to this one is in use.
                unsafe { cell.get_mut() }.value = frame.slots[sp - 1];
            }
            Op::GetProperty(k) => {
                // A field: the map promoted, the index a constant (a guarded load); a method or
                // anything else: the residual call.
                let name = code.constants[k as usize].bits;
                let receiver = frame.slots[sp - 1];
                let mut found = false;
                if receiver.tag == tag::INSTANCE {
                    let instance = metajit::ref_from_addr::<Instance>(receiver.bits);
                    let map = metajit::promote(instance.map);
                    let i = object::field_index(map, name);
                    if i >= 0 {
                        frame.slots[sp - 1] = instance.fields[i as usize];
                        found = true;
                    }
                }
                if !found {
                    frame.pc = pc;
                    object::get_property(frame, sp - 1, name)?;
                }
            }
            Op::SetProperty(k) => {
                // An existing field: a guarded store; a new one: the residual call.
                let name = code.constants[k as usize].bits;
                let receiver = frame.slots[sp - 2];
                let mut stored = false;
                if receiver.tag == tag::INSTANCE {
                    let instance = metajit::ref_from_addr::<Instance>(receiver.bits);
                    let map = metajit::promote(instance.map);
                    let i = object::field_index(map, name);
                    if i >= 0 {
                        // SAFETY: the instance is alive (in a slot); no other reference to it
                        // is in use.
                        unsafe { instance.get_mut() }.fields[i as usize] = frame.slots[sp - 1];
                        stored = true;
                    } else {
                        // A new field with room for it: stored, and the instance moves to the
                        // next map (both constant in traces).
                        let at = object::map_len(map) as usize;
                        if at < instance.fields.len() {
                            // SAFETY: as above.
                            let inst = unsafe { instance.get_mut() };
                            inst.fields[at] = frame.slots[sp - 1];
                            inst.map = object::map_with(map, name);
                            stored = true;
                        }
                    }
                }
                if !stored {
                    frame.pc = pc;
                    object::set_property(frame, sp - 2, name)?;
                }
                frame.slots[sp - 2] = frame.slots[sp - 1];
            }
            Op::GetSuper(k) => {
                frame.pc = pc;
                object::get_super(frame, sp - 2, code.constants[k as usize].bits)?;
            }
            Op::Equal => {
                let eq = frame.slots[sp - 2].equals(frame.slots[sp - 1]);
                frame.slots[sp - 2] = Value {
                    tag: tag::BOOL,
                    bits: eq as u64,
                };
            }
            Op::Greater | Op::Less | Op::Subtract | Op::Multiply | Op::Divide => {
                let (a, b) = (frame.slots[sp - 2], frame.slots[sp - 1]);
                if a.tag != tag::NUMBER || b.tag != tag::NUMBER {
                    frame.pc = pc;
                    arith::operands_error(frame)?;
                }
                let (x, y) = (f64::from_bits(a.bits), f64::from_bits(b.bits));
                frame.slots[sp - 2] = match code.ops[pc] {
                    Op::Greater => Value {
                        tag: tag::BOOL,
                        bits: (x > y) as u64,
                    },
                    Op::Less => Value {
                        tag: tag::BOOL,
                        bits: (x < y) as u64,
                    },
                    Op::Subtract => Value {
                        tag: tag::NUMBER,
                        bits: (x - y).to_bits(),
                    },
                    Op::Multiply => Value {
                        tag: tag::NUMBER,
                        bits: (x * y).to_bits(),
                    },
                    _ => Value {
                        tag: tag::NUMBER,
                        bits: (x / y).to_bits(),
                    },
                };
            }
            Op::Add => {
                let (a, b) = (frame.slots[sp - 2], frame.slots[sp - 1]);
                if a.tag == tag::NUMBER && b.tag == tag::NUMBER {
                    let sum = f64::from_bits(a.bits) + f64::from_bits(b.bits);
                    frame.slots[sp - 2] = Value {
                        tag: tag::NUMBER,
                        bits: sum.to_bits(),
                    };
                } else {
                    frame.pc = pc;
                    arith::add_objects(frame, sp - 2)?;
                }
            }
            Op::Not => {
                let falsey = frame.slots[sp - 1].is_falsey();
                frame.slots[sp - 1] = Value {
                    tag: tag::BOOL,
                    bits: falsey as u64,
                };
            }
            Op::Negate => {
                let v = frame.slots[sp - 1];
                if v.tag != tag::NUMBER {
                    frame.pc = pc;
                    arith::operand_error(frame)?;
                }
                frame.slots[sp - 1] = Value {
                    tag: tag::NUMBER,
                    bits: (-f64::from_bits(v.bits)).to_bits(),
                };
            }
            Op::Print => output::print(frame, sp - 1)?,
            Op::Jump(target) => {
                pc = target as usize;
                continue;
            }
            Op::Loop(target) => {
                clear_dead_slots(frame, sp, code.max_depth as usize);
                pc = target as usize;
                metajit::can_enter_jit!();
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
                let callee = frame.slots[base];
                let mut done = false;
                if callee.tag == tag::CLOSURE {
                    let closure = metajit::ref_from_addr::<Closure>(callee.bits);
                    let callee_code = metajit::promote(closure.code);
                    if call::arity(callee_code) == argc && frame.depth < MAX_FRAMES {
                        frame.pc = pc;
                        call::call_known(jit, frame, closure, callee_code, base, argc as usize)?;
                        done = true;
                    }
                } else if callee.tag == tag::CLASS {
                    // Construction: the class promoted, its `init` a constant (elidable), the
                    // instance allocated in the trace and `init` inlined.
                    let class = metajit::promote(metajit::ref_from_addr::<Class>(callee.bits));
                    let init = object::init_of(class);
                    if init == 0 {
                        if argc == 0 {
                            frame.pc = pc;
                            construct(frame, class, base);
                            done = true;
                        }
                    } else {
                        let closure = metajit::ref_from_addr::<Closure>(init);
                        let init_code = metajit::promote(closure.code);
                        if call::arity(init_code) == argc && frame.depth < MAX_FRAMES {
                            frame.pc = pc;
                            construct(frame, class, base);
                            call::call_known(jit, frame, closure, init_code, base, argc as usize)?;
                            done = true;
                        }
                    }
                }
                if !done {
                    frame.pc = pc;
                    call::call(frame, base, argc as usize)?;
                }
            }
            Op::Invoke(k, argc) => {
                // A method (no field of that name): the class promoted, the method a constant
                // (elidable lookup), the call inlined; anything else: the residual call.
                let name = code.constants[k as usize].bits;
                let base = sp - argc as usize - 1;
                let receiver = frame.slots[base];
                let mut done = false;
                if receiver.tag == tag::INSTANCE {
                    let instance = metajit::ref_from_addr::<Instance>(receiver.bits);
                    let map = metajit::promote(instance.map);
                    if object::field_index(map, name) < 0 {
                        let class = metajit::promote(instance.class);
                        let method = object::method_of(class, name);
                        if method != 0 {
                            let closure = metajit::ref_from_addr::<Closure>(method);
                            let callee_code = metajit::promote(closure.code);
                            if call::arity(callee_code) == argc && frame.depth < MAX_FRAMES {
                                frame.pc = pc;
                                call::call_known(
                                    jit,
                                    frame,
                                    closure,
                                    callee_code,
                                    base,
                                    argc as usize,
                                )?;
                                done = true;
                            }
                        }
                    }
                }
                if !done {
                    frame.pc = pc;
                    call::invoke(frame, base, argc as usize, name)?;
                }
            }
            Op::SuperInvoke(k, argc) => {
                frame.pc = pc;
                let name = code.constants[k as usize].bits;
                call::super_invoke(frame, sp - argc as usize - 2, argc as usize, name)?;
            }
            Op::Closure(k) => {
                object::make_closure(frame, sp, code, k as usize);
            }
            Op::Return => {
                frame.slots[0] = frame.slots[sp - 1];
                return Ok(());
            }
            Op::Class(k) => object::new_class(frame, sp, code.constants[k as usize].bits),
            Op::Inherit => {
                frame.pc = pc;
                object::inherit(frame, sp - 2)?;
            }
            Op::Method(k) => object::add_method(frame, sp - 2, code.constants[k as usize].bits),
        }
        pc += 1;
    }
}
