//! The virtual machine: loaded code ([`Code`]), its state ([`Vm`]), call frames ([`Frame`])
//! and the dispatch loop ([`run`]), annotated for metajit.
//!
//! Each PHP call runs in its own invocation of [`run`] with its own frame (RPython's call
//! design, as Lox's: the portal is re-entered per call). Calls are residual calls for now: the
//! callee's `run` keeps its JIT, but traces do not inline calls yet. Frames are made once per
//! call depth and reused.
//!
//! Every slot of a frame owns its value: writing a slot releases what it held
//! ([`ops::put`](crate::ops::put)), copying a value into a slot adds a reference.

use crate::ops::{
    self, arith, array, call, callable, exception, object, output, props, refs, vars,
};
use metajit::cli::Output;
use metajit::{JitArray, JitDriver, Ref};
use php_compiler::{Function, NONE, Op, Program, RefOp};
use php_runtime::PhpError;
use php_runtime::object::Class;
use php_runtime::value::PhpRef;
use php_runtime::{Builtin, PhpString, Value, Zval, tag};
use std::collections::HashMap;
use std::rc::Rc;

/// The most nested calls: one more is PHP's memory-limit error (frames are what recursion
/// uses up; the figure keeps the native stack of the VM's thread, which re-enters the loop
/// per call, within its size).
pub const MAX_DEPTH: u32 = 50_000;

/// What a call by name reaches.
#[derive(Clone, Copy)]
pub enum Callee {
    /// A function of the program.
    User(&'static Code),
    /// A built-in function, and its name as PHP prints it.
    Builtin(&'static str, Builtin),
    /// A built-in function of the VM's own ([`functions`](crate::functions)).
    Vm(&'static str, crate::functions::VmBuiltin),
    /// Nothing: PHP's "Call to undefined function".
    Undefined,
}

/// A function ready to run: its bytecode, its constants as values, and its calls resolved.
pub struct Code {
    /// The compiled function.
    pub func: Function,
    /// The constants as values (strings are owned here for the life of the program).
    pub constants: Vec<Value>,
    /// The file it was compiled from, as PHP prints it in messages.
    pub file: &'static str,
    /// What each call-name constant calls (indexed like `constants`).
    pub callees: std::cell::OnceCell<Vec<Callee>>,
    /// The parameters before a variadic one (all of them if there is none).
    pub fixed_params: usize,
    /// How many arguments a call must pass (up to the last parameter without a default).
    pub required_params: usize,
    /// The class of a method (`self`), set when its class is made.
    pub scope: std::cell::OnceCell<&'static Class>,
}

metajit::green_type!(Code);

impl Code {
    /// Makes the code of `func` from `file`; `resolve` gives class constants used in its
    /// constants.
    pub(crate) fn load_with(
        func: Function,
        file: &'static str,
        resolve: &dyn Fn(&[u8], &[u8]) -> Zval,
    ) -> &'static Code {
        // Constant expressions (parameter defaults naming constants...) are evaluated when
        // used: unset here.
        let constants = func
            .constants
            .iter()
            .map(|k| match k {
                k if crate::classes::needs_runtime(k) => Value::UNDEF,
                _ => crate::classes::const_value(k, resolve).into_raw(),
            })
            .collect();
        let fixed_params = func.params.iter().take_while(|p| !p.variadic).count();
        let required_params = func.params[..fixed_params]
            .iter()
            .rposition(|p| p.default.is_none())
            .map_or(0, |i| i + 1);
        Box::leak(Box::new(Code {
            func,
            constants,
            file,
            callees: std::cell::OnceCell::new(),
            fixed_params,
            required_params,
            scope: std::cell::OnceCell::new(),
        }))
    }

    /// The function's name as PHP prints it.
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.func.name).into_owned()
    }

    /// The class of a method.
    pub fn class(&self) -> Option<&'static Class> {
        self.scope.get().copied()
    }
}

/// The interpreter's state.
#[derive(metajit::JitStruct)]
#[repr(C)]
pub struct Vm {
    /// Where `echo` writes.
    pub output: Output,
    /// The JIT.
    pub jit: Rc<JitDriver>,
    /// The script's path as PHP prints it in messages.
    pub file: String,
    /// The built-in functions: the one of a lowercase name.
    builtins: fn(&[u8]) -> Option<(&'static str, Builtin)>,
    /// User constants (`define`, `const`), by name.
    pub constants: HashMap<Vec<u8>, Zval>,
    /// Global variables that are not variables of the script's own code (made by `global` in
    /// a function), by name.
    pub extra_globals: HashMap<Vec<u8>, PhpRef>,
    /// Static variables, by function (its `Code`'s address) and slot.
    pub statics: HashMap<(usize, usize), PhpRef>,
    /// The error-reporting level: which diagnostics are printed.
    pub error_reporting: i64,
    /// The arguments of each call depth beyond its (non-variadic) parameters, for
    /// `func_get_args()`.
    pub extra_args: Vec<Vec<Zval>>,
    /// Output buffers (`ob_start`), innermost last: output goes to the last one.
    pub buffers: Vec<Vec<u8>>,
    /// The user functions by lowercase name.
    pub functions: HashMap<Vec<u8>, &'static Code>,
    /// The closures of every loaded file (`Op::MakeClosure` names them by index).
    pub closures: Vec<&'static Code>,
    /// The declarations inside blocks of every loaded file, until they run.
    pub late: Vec<Option<(php_compiler::bytecode::LateDecl, &'static str)>>,
    /// The files included so far (for `include_once`), by real path.
    pub included: std::collections::HashSet<std::path::PathBuf>,
    /// The by-reference parameters of the built-in functions (to compile included files).
    pub builtin_refs: &'static [(&'static str, &'static [usize])],
    /// The classes by lowercase name.
    pub classes: HashMap<Vec<u8>, &'static Class>,
    /// The classes by id.
    pub class_list: Vec<&'static Class>,
    /// The code of every method, indexed by [`MethodBody::User`](php_runtime::object::MethodBody).
    pub methods: Vec<&'static Code>,
    /// What linking learned about each class (member order, prototypes) for its subclasses.
    pub links: crate::links::Links,
    /// The built-in classes to make.
    pub class_specs: &'static [php_runtime::object::ClassSpec],
    /// An exception a destructor threw, reported when the program ends.
    pub pending: Option<PhpError>,
    /// The depth of the call running now (1: the script).
    pub depth: u32,
    /// `set_error_handler`: the handlers and their level masks, the current one last.
    pub error_handlers: Vec<(Zval, i64)>,
    /// Whether the error handler is running (it is not called for its own errors).
    pub in_error_handler: bool,
    /// `set_exception_handler`: the handlers, the current one last.
    pub exception_handlers: Vec<Zval>,
    /// `register_shutdown_function`: the callbacks and their arguments.
    pub shutdown_functions: Vec<(Zval, Vec<Zval>)>,
    /// The call depth whose next call keeps a returned reference (`Op::KeepRef`), or 0.
    pub keep_ref: u32,
    /// The ini settings (`ini_get`, `ini_set`, `-d`).
    pub ini: HashMap<String, String>,
    /// The last diagnostic (`error_get_last`): its level, message, file and line.
    pub last_error: Option<(i64, String, String, u32)>,
    /// The configuration (`get_cfg_var`): what `-d` set, as no ini file is read.
    pub cfg: HashMap<String, String>,
    /// Variables only `$$name` made, per call depth (the script's are extra globals).
    pub dynamic_vars: Vec<HashMap<Vec<u8>, PhpRef>>,
    /// `spl_autoload_register`: the autoloaders, in the order they are tried.
    pub autoloaders: Vec<Zval>,
    /// `assert_options(ASSERT_CALLBACK)`: called when an assertion fails.
    pub assert_callback: Option<Zval>,
    /// The names of the built-in functions `builtins` finds (`get_defined_functions`).
    pub builtin_names: fn() -> Vec<&'static str>,
    /// The constants defined before the program starts (the others are the program's).
    pub internal_constants: std::collections::HashSet<Vec<u8>>,
    /// The files included so far, in the order they were first included.
    pub included_list: Vec<std::path::PathBuf>,
    /// The frame of each call depth (index `depth - 1`), made on first use and reused. Boxed:
    /// frames link to their callers and must not move when the vector grows.
    #[allow(clippy::vec_box)]
    frames: Vec<Box<Frame>>,
}

/// One call's state: its slots (variables, then temporaries), the function, and its caller.
/// It is the JIT's virtualizable: in traces, the slots and `pc` live in registers.
#[derive(metajit::JitStruct)]
#[repr(C)]
pub struct Frame {
    /// The slots.
    #[jit(virtualizable_array)]
    pub slots: JitArray<Value>,
    /// The instruction being run, kept up to date where an error or a call may need it.
    #[jit(virtualizable)]
    pub pc: usize,
    /// The function running in this frame.
    #[jit(immutable)]
    pub code: &'static Code,
    /// The VM.
    #[jit(immutable)]
    pub vm: Ref<Vm>,
    /// The caller's frame (`None` for the script).
    pub parent: Option<Ref<Frame>>,
    /// 1 for the script, one more per call.
    pub depth: u32,
    /// The number of arguments the call passed.
    pub argc: u32,
    /// The class `static` means in the call (late static binding): an id, or `NONE`.
    pub static_class: u32,
}

/// The VM a frame belongs to.
pub fn vm_of<'a>(frame: &Frame) -> &'a mut Vm {
    // SAFETY: the VM outlives every frame (frames exist only while `Vm::run_program` runs),
    // and the interpreter touches it through one path at a time.
    unsafe { frame.vm.get_mut() }
}

/// The frame for a call at `depth` running `code`, called from `caller`: the depth's frame,
/// every slot unset (the arguments are copied in after).
pub fn enter_frame(
    vm: Ref<Vm>,
    depth: u32,
    code: &'static Code,
    caller: Option<Ref<Frame>>,
) -> Ref<Frame> {
    // SAFETY: as in `vm_of`.
    let vm_mut = unsafe { vm.get_mut() };
    while vm_mut.frames.len() < depth as usize {
        let d = vm_mut.frames.len() as u32 + 1;
        vm_mut.frames.push(Box::new(Frame {
            slots: JitArray::new(0, Value::UNDEF),
            pc: 0,
            code,
            vm,
            parent: caller,
            depth: d,
            argc: 0,
            static_class: NONE,
        }));
    }
    let frame = &mut vm_mut.frames[depth as usize - 1];
    let needed = code.func.slots as usize;
    if frame.slots.len() != needed {
        frame.slots = JitArray::new(needed, Value::UNDEF);
    }
    frame.code = code;
    frame.parent = caller;
    frame.pc = 0;
    frame.static_class = NONE;
    Ref::new_mut(&mut **frame)
}

/// The script's own frame (depth 1), which holds the global variables.
pub fn main_frame<'a>(vm: &mut Vm) -> Option<&'a mut Frame> {
    let f: *mut Frame = &mut **vm.frames.first_mut()?;
    // SAFETY: frames are boxed and live while the program runs; callers use it only when the
    // frame they run in is another one.
    Some(unsafe { &mut *f })
}

/// Releases every slot of a frame that is done (a return, or an error leaving it).
pub fn leave_frame(frame: &mut Frame) {
    let depth = frame.depth as usize;
    let dynamic = vm_of(frame).dynamic_vars.get_mut(depth).map(std::mem::take);
    drop(dynamic);
    for s in frame.slots.as_mut_slice() {
        let v = std::mem::replace(s, Value::UNDEF);
        // SAFETY: each slot owned its value.
        drop(unsafe { Zval::from_raw(v) });
    }
}

impl Vm {
    /// A VM for the script at `file` (the path PHP prints), writing to `output`, with the
    /// built-in functions `builtins` finds by lowercase name.
    pub fn new(
        output: Output,
        jit: JitDriver,
        file: String,
        builtins: fn(&[u8]) -> Option<(&'static str, Builtin)>,
    ) -> Vm {
        Vm {
            output,
            jit: Rc::new(jit),
            file,
            builtins,
            constants: HashMap::new(),
            extra_globals: HashMap::new(),
            statics: HashMap::new(),
            error_reporting: 32767,
            extra_args: Vec::new(),
            buffers: Vec::new(),
            functions: HashMap::new(),
            closures: Vec::new(),
            included: Default::default(),
            late: Vec::new(),
            builtin_refs: &[],
            classes: HashMap::new(),
            class_list: Vec::new(),
            links: Default::default(),
            methods: Vec::new(),
            class_specs: &[],
            pending: None,
            depth: 1,
            error_handlers: Vec::new(),
            in_error_handler: false,
            exception_handlers: Vec::new(),
            shutdown_functions: Vec::new(),
            ini: crate::startup::default_ini(),
            cfg: HashMap::new(),
            last_error: None,
            keep_ref: 0,
            dynamic_vars: Vec::new(),
            autoloaders: Vec::new(),
            assert_callback: None,
            builtin_names: Vec::new,
            internal_constants: Default::default(),
            included_list: Vec::new(),
            frames: Vec::new(),
        }
    }

    /// Runs a compiled program to its end (the caller then reports an error and calls
    /// [`finish_output`](Vm::finish_output)). `argv` is the script's `$argv` (its name as
    /// given, then its arguments).
    pub fn run_program(&mut self, program: Program, argv: Vec<Vec<u8>>) -> Result<(), PhpError> {
        crate::classes::declare_builtin(self);
        self.internal_constants = self.constants.keys().cloned().collect();
        crate::limits::apply(self, "memory_limit");
        crate::limits::apply(self, "max_execution_time");
        let file: &'static str = Box::leak(self.file.clone().into_boxed_str());
        let main = crate::load::load(self, program, file)?;
        let jit = self.jit.clone();
        let frame = enter_frame(Ref::new_mut(self), 1, main, None);
        // SAFETY: the script's frame is used by this call only.
        let frame = unsafe { frame.get_mut() };
        // The superglobals: in the script's variables if it names them, else with the
        // globals functions reach.
        for (name, v) in crate::startup::superglobals(&self.file, &argv) {
            match main.func.cvs.iter().position(|c| &c[..] == name.as_bytes()) {
                Some(i) => crate::ops::store(frame, i, v),
                None => {
                    self.extra_globals
                        .insert(name.as_bytes().to_vec(), PhpRef::new(v));
                }
            }
        }
        // `$argv` and `$argc`, when the script uses them.
        for (i, name) in main.func.cvs.iter().enumerate() {
            let v = match &name[..] {
                b"argv" => Zval::array(php_runtime::PhpArray::from_list(
                    argv.iter().map(|a| Zval::string(PhpString::new(a))),
                )),
                b"argc" => Zval::int(argv.len() as i64),
                _ => continue,
            };
            crate::ops::store(frame, i, v);
        }
        crate::classes::install_destructor_hook(self);
        let mut result = execute(&jit, main, frame);
        // An exception a destructor threw (not at the statement that freed the object, as
        // PHP would: it is reported when the script's code is done).
        if let (Ok(()), Some(e)) = (&result, self.pending.take()) {
            result = Err(e);
        }
        // `set_exception_handler`: the handler gets what nobody caught.
        match (result, self.exception_handlers.last().cloned()) {
            (Err(PhpError::Exception(e)), Some(handler)) if !handler.is_null() => {
                self.exception_handlers.clear();
                let frame = main_frame(self).expect("the script's frame");
                match crate::ops::callable::resolve(frame, &handler) {
                    Ok(t) => {
                        crate::ops::callable::call_target(frame, t, vec![Zval::object(e)]).map(drop)
                    }
                    Err(_) => Ok(()),
                }
            }
            (result, _) => result,
        }
    }

    /// Runs the functions registered with `register_shutdown_function`, in order (the
    /// caller reports an error one of them ends with).
    pub fn run_shutdown_functions(&mut self) -> Result<(), PhpError> {
        let mut i = 0;
        while i < self.shutdown_functions.len() {
            let (f, args) = self.shutdown_functions[i].clone();
            i += 1;
            let Some(frame) = main_frame(self) else {
                return Ok(());
            };
            if let Ok(t) = crate::ops::callable::resolve(frame, &f) {
                crate::ops::callable::call_target(frame, t, args)?;
            }
        }
        Ok(())
    }

    /// Ends the program after [`run_program`](Vm::run_program) returned `result` (and its
    /// error was reported): unless it ended in a fatal error, the global variables holding
    /// the last reference to an object are released, last declared first, until none is left,
    /// then the destructors of the objects still alive run in the order they were made (PHP's
    /// order); then everything is released without destructors.
    pub fn shutdown(&mut self, result: &Result<(), PhpError>) {
        let destructors = !matches!(result, Err(PhpError::Fatal { .. } | PhpError::Output));
        if let Some(main) = main_frame(self) {
            if destructors {
                loop {
                    let mut released = false;
                    for i in (0..main.code.func.cvs.len()).rev() {
                        let v = main.slots[i];
                        if v.tag == tag::OBJECT {
                            // SAFETY: the slot owns its value.
                            let z = std::mem::ManuallyDrop::new(unsafe { Zval::from_raw(v) });
                            if let php_runtime::value::View::Object(o) = z.view()
                                && o.refcount() == 1
                            {
                                ops::store(main, i, Zval::UNDEF);
                                released = true;
                            }
                        }
                    }
                    if !released {
                        break;
                    }
                }
                php_runtime::object::call_remaining_destructors();
            }
            crate::classes::remove_destructor_hook();
            leave_frame(main);
        }
        crate::classes::remove_destructor_hook();
    }

    /// Writes program output: to the innermost output buffer, or out. `false` when the
    /// output failed.
    pub fn write(&mut self, bytes: &[u8]) -> bool {
        match self.buffers.last_mut() {
            Some(b) => {
                b.extend_from_slice(bytes);
                true
            }
            None => self.output.write(bytes),
        }
    }

    /// Reports a diagnostic as PHP's CLI does: it becomes the last error, and is shown as
    /// `display_errors` says (on standard output, standard error or not at all) and logged to
    /// standard error with `log_errors`. `false` when the output failed.
    pub fn report_error(
        &mut self,
        level: i64,
        label: &str,
        message: &str,
        file: &str,
        line: u32,
    ) -> bool {
        self.last_error = Some((level, message.to_string(), file.to_string(), line));
        let setting = |vm: &Vm, key: &str| vm.ini.get(key).map(|v| v.to_ascii_lowercase());
        let log = setting(self, "log_errors").is_some_and(|v| crate::startup::ini_true(&v));
        let display = setting(self, "display_errors");
        if (log || display.as_deref() == Some("stderr")) && self.buffers.is_empty() {
            // What went to standard output comes first, as PHP writes it unbuffered.
            self.output.flush();
        }
        if log {
            eprintln!("PHP {label}:  {message} in {file} on line {line}");
        }
        match display.as_deref() {
            Some("stderr") => {
                eprintln!("{label}: {message} in {file} on line {line}");
                true
            }
            Some(v) if v == "stdout" || crate::startup::ini_true(v) => {
                let text = format!("\n{label}: {message} in {file} on line {line}\n");
                self.write(text.as_bytes())
            }
            _ => true,
        }
    }

    /// Reports an error that ended the program (a fatal error or an uncaught exception) for
    /// the script `file`, as [`report_error`](Vm::report_error) does.
    pub fn report_fatal(&mut self, e: &PhpError, file: &str) -> bool {
        match (e, e.report(file)) {
            (PhpError::Raw(text), _) => self.write(text.as_bytes()),
            (_, Some(r)) => self.report_error(r.level, r.label, &r.message, &r.file, r.line),
            _ => true,
        }
    }

    /// Ends the program's output: the output buffers are flushed, innermost first, then the
    /// output itself. `false` when the output failed.
    pub fn finish_output(&mut self) -> bool {
        while let Some(b) = self.buffers.pop() {
            if !self.write(&b) {
                return false;
            }
        }
        self.output.flush()
    }

    /// The frame of call depth `depth`, if it was ever made.
    pub fn frame_at<'a>(&mut self, depth: u32) -> Option<&'a mut Frame> {
        let f: *mut Frame = &mut **self.frames.get_mut(depth as usize - 1)?;
        // SAFETY: frames are boxed and live while the program runs; the caller uses it as the
        // caller of a new call only.
        Some(unsafe { &mut *f })
    }

    /// What a call of the function of this lowercase name reaches.
    pub fn callee(&self, lower: &[u8]) -> Callee {
        let lower = lower.strip_prefix(b"\\").unwrap_or(lower);
        let found = self.callee_exact(lower);
        // An unqualified name in a namespace falls back to the global function.
        match (found, lower.iter().rposition(|&b| b == b'\\')) {
            (Callee::Undefined, Some(i)) => self.callee_exact(&lower[i + 1..]),
            (c, _) => c,
        }
    }

    fn callee_exact(&self, lower: &[u8]) -> Callee {
        if let Some(&c) = self.functions.get(lower) {
            return Callee::User(c);
        }
        if self.disabled(lower) {
            return Callee::Undefined;
        }
        if let Some(&(n, f)) = crate::functions::FUNCTIONS
            .iter()
            .find(|(n, _)| n.as_bytes() == lower)
        {
            return Callee::Vm(n, f);
        }
        (self.builtins)(lower).map_or(Callee::Undefined, |(n, f)| Callee::Builtin(n, f))
    }

    /// Whether the built-in function `lower` is named in the `disable_functions` setting.
    fn disabled(&self, lower: &[u8]) -> bool {
        self.cfg.get("disable_functions").is_some_and(|list| {
            list.split(',')
                .any(|n| n.trim().as_bytes().eq_ignore_ascii_case(lower))
        })
    }

    /// Whether a function of this lowercase name exists (the program's or a built-in).
    pub fn function_exists(&self, lower: &[u8]) -> bool {
        !matches!(self.callee(lower), Callee::Undefined)
    }
}

/// Runs `code` in `frame` from `frame.pc` until it returns, leaving the returned value in
/// slot 0, and catches what it throws where a `try` of the function covers the throwing
/// instruction (the dispatch loop is left for that and entered again at the handler).
pub fn execute(jit: &JitDriver, code: &'static Code, frame: &mut Frame) -> Result<(), PhpError> {
    loop {
        match run(jit, code, frame) {
            Err(PhpError::Exception(e)) => frame.pc = crate::ops::exception::catch(frame, e)?,
            result => return result,
        }
    }
}

/// Runs `code` in `frame` until it returns, leaving the returned value in slot 0: the dispatch
/// loop, annotated for the JIT. The position `pc` and the function `code` are green; the frame
/// is red and virtualizable. Ints and floats are computed here (in traces: registers, guarded
/// tags); everything else goes through the residual calls of [`ops`].
#[metajit::interpreter(greens(pc, code), reds(frame), virtualizable(frame), driver = jit)]
pub fn run(jit: &JitDriver, code: &'static Code, frame: &mut Frame) -> Result<(), PhpError> {
    let mut pc = frame.pc;
    loop {
        metajit::merge_point!();
        match code.func.ops[pc] {
            Op::Const { dst, k } => {
                let v = code.constants[k as usize];
                ops::put_copy(frame, dst as usize, v);
            }
            Op::Load { dst, cv } => {
                let v = frame.slots[cv as usize];
                if v.tag == tag::UNDEF {
                    frame.pc = pc;
                    vars::undefined(frame, cv as usize)?;
                    ops::put(frame, dst as usize, Value::NULL);
                } else if v.tag == tag::REFERENCE {
                    vars::load_through(frame, dst as usize, cv as usize);
                } else {
                    ops::put_copy(frame, dst as usize, v);
                }
            }
            Op::LoadQuiet { dst, cv } => {
                let v = frame.slots[cv as usize];
                if v.tag == tag::UNDEF {
                    ops::put(frame, dst as usize, Value::NULL);
                } else if v.tag == tag::REFERENCE {
                    vars::load_through(frame, dst as usize, cv as usize);
                } else {
                    ops::put_copy(frame, dst as usize, v);
                }
            }
            Op::Assign { cv, src } => {
                if frame.slots[cv as usize].tag == tag::REFERENCE {
                    vars::assign_through(frame, cv as usize, src as usize);
                } else {
                    let v = frame.slots[src as usize];
                    ops::put_copy(frame, cv as usize, v);
                }
            }
            Op::Copy { dst, src } => {
                let v = frame.slots[src as usize];
                ops::put_copy(frame, dst as usize, v);
            }
            Op::AssignRef { cv, src } => vars::assign_ref(frame, cv as usize, src as usize),
            Op::MakeRef { dst, cv } => vars::make_ref(frame, dst as usize, cv as usize),
            Op::BindGlobal { cv, name } => vars::bind_global(frame, cv as usize, name as usize),
            Op::BindStatic { cv, init } => vars::bind_static(frame, cv as usize, init as usize),
            Op::Binary { op, dst, a, b } => {
                // Green data live across guards must be plain integers.
                let op = op as u8;
                let (x, y) = (frame.slots[a as usize], frame.slots[b as usize]);
                if x.tag == tag::INT && y.tag == tag::INT {
                    let (i, j) = (x.bits as i64, y.bits as i64);
                    let r = arith::int_binary(op, i, j);
                    if r.tag != tag::UNDEF {
                        ops::put(frame, dst as usize, r);
                    } else {
                        frame.pc = pc;
                        arith::binary(frame, op, dst as usize, a as usize, b as usize)?;
                    }
                } else {
                    frame.pc = pc;
                    arith::binary(frame, op, dst as usize, a as usize, b as usize)?;
                }
            }
            Op::Unary { op, dst, a } => {
                let op = op as u8;
                frame.pc = pc;
                arith::unary(frame, op, dst as usize, a as usize)?;
            }
            Op::Step { step, cv, dst } => {
                let step = step as u8;
                frame.pc = pc;
                vars::step(frame, step, cv as usize, dst as usize)?;
            }
            Op::Jump { to } => {
                pc = to as usize;
                continue;
            }
            Op::Loop { to } => {
                if metajit::interrupt_pending() {
                    frame.pc = pc;
                    crate::limits::interrupted(frame)?;
                }
                pc = to as usize;
                metajit::can_enter_jit!();
                continue;
            }
            Op::JumpIf { cond, to } => {
                if ops::truthy(frame.slots[cond as usize]) {
                    pc = to as usize;
                    continue;
                }
            }
            Op::JumpIfNot { cond, to } => {
                if !ops::truthy(frame.slots[cond as usize]) {
                    pc = to as usize;
                    continue;
                }
            }
            Op::JumpIfNotNull { src, to } => {
                if frame.slots[src as usize].tag != tag::NULL {
                    pc = to as usize;
                    continue;
                }
            }
            Op::Echo { src } => {
                frame.pc = pc;
                output::echo(frame, src as usize)?;
            }
            Op::Call {
                name,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                call::call(
                    frame,
                    name as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::CallArray { name, args, dst } => {
                frame.pc = pc;
                call::call_array(frame, name as usize, args as usize, dst as usize)?;
            }
            Op::ArraySpread { arr, src } => {
                frame.pc = pc;
                array::spread(frame, arr as usize, src as usize)?;
            }
            Op::RecvTyped => {}
            Op::VerifyReturn { src } => {
                frame.pc = pc;
                ops::types::verify_return(frame, src as usize)?;
            }
            Op::Return { src } => {
                ops::return_value(frame, src as usize);
                return Ok(());
            }
            Op::NewArray { dst } => array::new_array(frame, dst as usize),
            Op::ArrayAppend { arr, val } => {
                frame.pc = pc;
                array::literal_item(frame, arr as usize, NONE as usize, val as usize)?;
            }
            Op::ArrayInsert { arr, key, val } => {
                frame.pc = pc;
                array::literal_item(frame, arr as usize, key as usize, val as usize)?;
            }
            Op::FetchDim { dst, base, key } => {
                frame.pc = pc;
                array::fetch_dim(frame, dst as usize, base as usize, key as usize, false)?;
            }
            Op::IssetDim { dst, base, key } => {
                frame.pc = pc;
                array::isset_dim(frame, dst as usize, base as usize, key as usize)?;
            }
            Op::EmptyDim { dst, base, key } => {
                frame.pc = pc;
                ops::array_access::empty_dim(frame, dst as usize, base as usize, key as usize)?;
            }
            Op::FetchDimQuiet { dst, base, key } => {
                frame.pc = pc;
                array::fetch_dim(frame, dst as usize, base as usize, key as usize, true)?;
            }
            Op::FetchDimObj {
                dst,
                cv,
                prop,
                keys,
                n,
                append,
                create,
                warn,
            } => {
                frame.pc = pc;
                array::fetch_dim_obj(
                    frame,
                    dst as usize,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    append,
                    create,
                    warn,
                )?;
            }
            Op::FetchList { dst, base, key } => {
                frame.pc = pc;
                array::fetch_list(frame, dst as usize, base as usize, key as usize)?;
            }
            Op::AssignDim {
                cv,
                prop,
                keys,
                n,
                append,
                val,
            } => {
                frame.pc = pc;
                array::assign_dim(
                    frame,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    append,
                    val as usize,
                )?;
            }
            Op::AssignDimOp {
                op,
                cv,
                prop,
                keys,
                n,
                val,
                dst,
            } => {
                let op = op as u8;
                frame.pc = pc;
                array::assign_dim_op(
                    frame,
                    op,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    val as usize,
                    dst as usize,
                )?;
            }
            Op::StepDim {
                step,
                cv,
                prop,
                keys,
                n,
                dst,
            } => {
                let step = step as u8;
                frame.pc = pc;
                array::step_dim(
                    frame,
                    step,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    dst as usize,
                )?;
            }
            Op::UnsetDim { cv, prop, keys, n } => {
                frame.pc = pc;
                array::unset_dim(frame, cv as usize, prop as usize, keys as usize, n as usize)?;
            }
            Op::UnsetCv { cv } => array::unset_cv(frame, cv as usize),
            Op::ConcatAssign { cv, val } => {
                frame.pc = pc;
                vars::concat_assign(frame, cv as usize, val as usize)?;
            }
            Op::New {
                cls,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                object::new_object(
                    frame,
                    cls as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::FetchProp {
                dst,
                obj,
                name,
                quiet,
            } => {
                frame.pc = pc;
                props::fetch_prop(frame, dst as usize, obj as usize, name as usize, quiet)?;
            }
            Op::IssetProp { dst, obj, name } => {
                frame.pc = pc;
                props::isset_prop(frame, dst as usize, obj as usize, name as usize)?;
            }
            Op::AssignProp { obj, name, val } => {
                frame.pc = pc;
                props::assign_prop(frame, obj as usize, name as usize, val as usize)?;
            }
            Op::AssignPropOp {
                op,
                obj,
                name,
                val,
                dst,
            } => {
                let op = op as u8;
                frame.pc = pc;
                props::assign_prop_op(
                    frame,
                    op,
                    obj as usize,
                    name as usize,
                    val as usize,
                    dst as usize,
                )?;
            }
            Op::StepProp {
                step,
                obj,
                name,
                dst,
            } => {
                let step = step as u8;
                frame.pc = pc;
                props::step_prop(frame, step, obj as usize, name as usize, dst as usize)?;
            }
            Op::UnsetProp { obj, name } => {
                frame.pc = pc;
                props::unset_prop(frame, obj as usize, name as usize)?;
            }
            Op::CallMethod {
                obj,
                name,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                object::call_method(
                    frame,
                    obj as usize,
                    name as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::CallStatic {
                cls,
                name,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                object::call_static(
                    frame,
                    cls as usize,
                    name as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::FetchClassConst { dst, cls, name } => {
                frame.pc = pc;
                object::class_const(frame, dst as usize, cls as usize, name as usize)?;
            }
            Op::StaticPropRef { dst, cls, name } => {
                frame.pc = pc;
                object::static_prop_ref(frame, dst as usize, cls as usize, name as usize)?;
            }
            Op::InstanceOf { dst, src, cls } => {
                frame.pc = pc;
                object::instance_of(frame, dst as usize, src as usize, cls as usize)?;
            }
            Op::Clone { dst, src } => {
                frame.pc = pc;
                object::clone(frame, dst as usize, src as usize)?;
            }
            Op::Throw { src } => {
                frame.pc = pc;
                exception::throw_value(frame, src as usize)?;
            }
            Op::FreeTemps { from, n } => ops::free_temps(frame, from as usize, n as usize),
            Op::Globals { dst } => vars::globals(frame, dst as usize),
            Op::KeepRef => vars::keep_ref(frame),
            Op::Ref(RefOp::FetchList { dst, base, key }) => {
                frame.pc = pc;
                refs::fetch_list(frame, dst as usize, base as usize, key as usize)?;
            }
            Op::Ref(RefOp::Expect { src, need }) => {
                let need = need as u8;
                frame.pc = pc;
                refs::expect(frame, src as usize, need)?;
            }
            Op::Ref(RefOp::NotPassable { name, n }) => {
                frame.pc = pc;
                refs::not_passable(frame, name as usize, n as usize)?;
            }
            Op::Ref(RefOp::SpreadArgs { arr, src, name }) => {
                frame.pc = pc;
                refs::spread_args(frame, arr as usize, src as usize, name as usize)?;
            }
            Op::Ref(RefOp::SendModes {
                dst,
                kind,
                target,
                name,
                argc,
            }) => {
                let kind = kind as u8;
                frame.pc = pc;
                ops::send::send_modes(
                    frame,
                    dst as usize,
                    kind,
                    target as usize,
                    name as usize,
                    argc as usize,
                )?;
            }
            Op::Ref(RefOp::CannotPass {
                mode,
                kind,
                target,
                name,
                n,
            }) => {
                let kind = kind as u8;
                frame.pc = pc;
                ops::send::cannot_pass(
                    frame,
                    mode as usize,
                    kind,
                    target as usize,
                    name as usize,
                    n as usize,
                )?;
            }
            Op::Ref(RefOp::BindGlobal { name }) => {
                frame.pc = pc;
                refs::bind_global(frame, name as usize)?;
            }
            Op::Ref(RefOp::UnsetVar { name }) => {
                frame.pc = pc;
                refs::unset_var(frame, name as usize)?;
            }
            Op::Declare { index } => {
                frame.pc = pc;
                crate::load::declare_late(frame, index as usize)?;
            }
            Op::LoadVarVar { dst, name, quiet } => {
                frame.pc = pc;
                vars::load_var_var(frame, dst as usize, name as usize, quiet)?;
            }
            Op::VarVarRef { dst, name } => vars::var_var_ref(frame, dst as usize, name as usize),
            Op::GlobalRef { dst, name } => vars::global_ref(frame, dst as usize, name as usize),
            Op::GlobalUnset { name } => vars::global_unset(frame, name as usize),
            Op::GlobalFetch { dst, name } => {
                frame.pc = pc;
                vars::global_fetch(frame, dst as usize, name as usize)?;
            }
            Op::Eval { dst, src } => {
                frame.pc = pc;
                crate::load::eval(frame, dst as usize, src as usize)?;
            }
            Op::Include { dst, src, kind } => {
                frame.pc = pc;
                crate::load::include(frame, dst as usize, src as usize, kind)?;
            }
            Op::MakeRefDim {
                dst,
                cv,
                prop,
                keys,
                n,
                append,
            } => {
                frame.pc = pc;
                array::make_ref_dim(
                    frame,
                    dst as usize,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    append,
                )?;
            }
            Op::MakeRefProp { dst, obj, name } => {
                frame.pc = pc;
                props::make_ref_prop(frame, dst as usize, obj as usize, name as usize)?;
            }
            Op::AssignRefDim {
                cv,
                prop,
                keys,
                n,
                append,
                src,
            } => {
                frame.pc = pc;
                array::assign_ref_dim(
                    frame,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    append,
                    src as usize,
                )?;
            }
            Op::AssignRefProp { obj, name, src } => {
                frame.pc = pc;
                props::assign_ref_prop(frame, obj as usize, name as usize, src as usize)?;
            }
            Op::IterInitRef { src, pos, exit } => {
                frame.pc = pc;
                if !ops::iter::iter_init_ref(frame, src as usize, pos as usize)? {
                    pc = exit as usize;
                    continue;
                }
            }
            Op::IterNextRef {
                src,
                pos,
                key,
                val,
                exit,
            } => {
                if !ops::iter::iter_next_ref(
                    frame,
                    src as usize,
                    pos as usize,
                    key as usize,
                    val as usize,
                ) {
                    pc = exit as usize;
                    continue;
                }
            }
            Op::MakeClosure {
                dst,
                func,
                captures,
                n,
            } => {
                frame.pc = pc;
                callable::make_closure(
                    frame,
                    dst as usize,
                    func as usize,
                    captures as usize,
                    n as usize,
                );
            }
            Op::CallValue {
                callee,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                callable::call_value(
                    frame,
                    callee as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::Silence { save } => vars::silence(frame, save as usize),
            Op::Unsilence { save } => vars::unsilence(frame, save as usize),
            Op::FetchConst { dst, name } => {
                frame.pc = pc;
                vars::fetch_const(frame, dst as usize, name as usize)?;
            }
            Op::DeclareConst { name, src } => {
                frame.pc = pc;
                vars::declare_const(frame, name as usize, src as usize)?;
            }
            Op::Exit { src } => {
                frame.pc = pc;
                output::exit(frame, src as usize)?;
            }
            Op::MatchError { src } => {
                frame.pc = pc;
                vars::match_error(frame, src as usize)?;
            }
            Op::IterInit { src, pos, exit } => {
                frame.pc = pc;
                if !ops::iter::iter_init(frame, src as usize, pos as usize)? {
                    pc = exit as usize;
                    continue;
                }
            }
            Op::IterNext {
                src,
                pos,
                key,
                val,
                exit,
            } => {
                frame.pc = pc;
                if !ops::iter::iter_next(
                    frame,
                    src as usize,
                    pos as usize,
                    key as usize,
                    val as usize,
                )? {
                    pc = exit as usize;
                    continue;
                }
            }
        }
        pc += 1;
    }
}
