//! Running a program with a [`Vm`]: making the VM, the script's run and shutdown, output,
//! error reports, and finding what a call by name reaches.

use crate::ops;
use crate::vm::{Callee, Frame, Vm, enter_frame, execute, leave_frame, main_frame};
use metajit::cli::Output;
use metajit::{JitDriver, Ref};
use php_compiler::Program;
use php_runtime::value::PhpRef;
use php_runtime::{Builtin, PhpError, PhpString, Zval, tag};
use std::collections::HashMap;
use std::rc::Rc;

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
            tick_functions: Vec::new(),
            ticks_count: 0,
            ini: crate::startup::default_ini(),
            cfg: HashMap::new(),
            last_error: None,
            keep_ref: 0,
            dynamic_vars: Vec::new(),
            autoloaders: Vec::new(),
            assert_callback: None,
            builtin_names: Vec::new,
            signatures: |_| None,
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
        crate::limits::apply(self, "zend.enable_gc");
        crate::limits::apply(self, "precision");
        crate::limits::apply(self, "serialize_precision");
        if self
            .ini
            .get("allow_url_include")
            .is_some_and(|v| crate::startup::ini_true(&v.to_ascii_lowercase()))
        {
            let msg = "Directive 'allow_url_include' is deprecated";
            self.report_error(8192, "Deprecated", msg, "Unknown", 0);
        }
        php_runtime::gc::reset_counters();
        let file: &'static str = Box::leak(self.file.clone().into_boxed_str());
        let main = crate::load::load(self, program, file)?;
        let jit = self.jit.clone();
        let frame = enter_frame(Ref::new_mut(self), 1, main, None);
        // SAFETY: the script's frame is used by this call only.
        let frame = unsafe { frame.get_mut() };
        // The superglobals: in the script's variables if it names them, else with the
        // globals functions reach.
        let order = self.ini.get("variables_order").cloned().unwrap_or_default();
        for (name, v) in crate::startup::superglobals(&self.file, &argv, &order) {
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
        let setting = |vm: &Vm, key: &str| vm.ini.get(key).map(|v| v.to_ascii_lowercase());
        let on =
            |vm: &Vm, key: &str| setting(vm, key).is_some_and(|v| crate::startup::ini_true(&v));
        // `ignore_repeated_errors`: the last error again (from the same place, unless
        // `ignore_repeated_source`) is not shown, and stays the last error as it was.
        if on(self, "ignore_repeated_errors")
            && let Some((_, m, f, l)) = &self.last_error
            && m == message
            && (on(self, "ignore_repeated_source") || (f == file && *l == line))
        {
            return true;
        }
        self.last_error = Some((level, message.to_string(), file.to_string(), line));
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
                self.write(&php_syntax::lossless::bytes(&text))
            }
            _ => true,
        }
    }

    /// Reports an error that ended the program (a fatal error or an uncaught exception) for
    /// the script `file`, as [`report_error`](Vm::report_error) does.
    pub fn report_fatal(&mut self, e: &PhpError, file: &str) -> bool {
        match (e, e.report(file)) {
            (PhpError::Raw(text), _) => self.write(&php_syntax::lossless::bytes(text)),
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
