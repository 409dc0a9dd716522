//! Calls by name: of the program's functions (a nested invocation of [`run`] in the frame of
//! the next depth, which keeps its JIT) and of built-in functions.

use crate::ops::vars::{line, throw};
use crate::ops::{borrow, store};
use crate::vm::{Callee, Code, Frame, MAX_DEPTH, enter_frame, execute, leave_frame, vm_of};
use php_compiler::Const;
use php_runtime::PhpError;
use php_runtime::Zval;
use php_runtime::value::View;

/// `dst = name(args...)` with the `argc` values in the slots from `args`.
#[metajit::dont_look_inside]
pub fn call(
    frame: &mut Frame,
    name: usize,
    args: usize,
    argc: usize,
    dst: usize,
) -> Result<(), PhpError> {
    // The arguments move out of their temporaries: a temporary still holding an array would
    // make the next write to it copy the array.
    let argv = decode_args(frame, args, argc);
    let result = call_with(frame, name, argv)?;
    store(frame, dst, result);
    Ok(())
}

/// A call's arguments: positional ones, then named ones.
#[derive(Default)]
pub struct Args {
    /// The positional arguments.
    pub list: Vec<Zval>,
    /// The named arguments, in order.
    pub named: Vec<(Vec<u8>, Zval)>,
}

impl From<Vec<Zval>> for Args {
    fn from(list: Vec<Zval>) -> Args {
        Args {
            list,
            named: Vec::new(),
        }
    }
}

/// The arguments of a call in the slots `args..args + argc`, moved out; with `argc`
/// [`ARGS_ARRAY`](php_compiler::ARGS_ARRAY), the one array in slot `args` (string keys are
/// names).
pub fn decode_args(frame: &mut Frame, args: usize, argc: usize) -> Args {
    if argc == php_compiler::ARGS_ARRAY as usize {
        let mut out = Args::default();
        if let View::Array(a) = borrow(frame, args).view() {
            for (k, v) in a.iter() {
                match k {
                    php_runtime::ArrayKey::Str(s) => {
                        out.named.push((s.as_bytes().to_vec(), v.clone()))
                    }
                    php_runtime::ArrayKey::Int(_) => out.list.push(v.clone()),
                }
            }
        }
        return out;
    }
    (0..argc)
        .map(|i| {
            let raw = std::mem::replace(&mut frame.slots[args + i], php_runtime::Value::UNDEF);
            // SAFETY: the slot owned its value; it now holds nothing.
            unsafe { Zval::from_raw(raw) }
        })
        .collect::<Vec<Zval>>()
        .into()
}

/// `dst = name(...array)`: the arguments are the array in slot `args` (a call with `...`
/// spreads or named arguments).
#[metajit::dont_look_inside]
pub fn call_array(frame: &mut Frame, name: usize, args: usize, dst: usize) -> Result<(), PhpError> {
    let argv = decode_args(frame, args, php_compiler::ARGS_ARRAY as usize);
    let result = call_with(frame, name, argv)?;
    store(frame, dst, result);
    Ok(())
}

fn call_with(frame: &mut Frame, name: usize, argv: Args) -> Result<Zval, PhpError> {
    let mut callee = frame.code.callees.get().expect("calls resolved at load")[name];
    let shown = match &frame.code.func.constants[name] {
        Const::Str(s) => &s[..],
        _ => &b""[..],
    };
    if let Callee::Undefined = callee {
        // A function an included file declared after this code was loaded.
        callee = vm_of(frame).callee(&shown.to_ascii_lowercase());
    }
    call_callee(frame, callee, shown, argv)
}

/// Calls a function by what its name reaches (`name` as written, for the error when it is
/// undefined).
pub fn call_callee(
    frame: &mut Frame,
    callee: Callee,
    name: &[u8],
    args: Args,
) -> Result<Zval, PhpError> {
    if !args.named.is_empty() && !matches!(callee, Callee::User(_)) {
        return Err(throw(
            frame,
            "Error",
            "named arguments to built-in functions are not supported yet".into(),
        ));
    }
    let Args { list: argv, named } = match callee {
        Callee::User(code) => {
            return call_user(frame, code, args, None, php_compiler::NONE, &[]);
        }
        _ => args,
    };
    // Built-ins return no references.
    vm_of(frame).keep_ref = 0;
    debug_assert!(named.is_empty());
    match callee {
        Callee::Undefined => {
            let shown = String::from_utf8_lossy(name).into_owned();
            Err(throw(
                frame,
                "Error",
                format!("Call to undefined function {shown}()"),
            ))
        }
        Callee::Builtin(fname, f) => {
            let shown = !compiled_inline(fname, argv.len(), frame.depth > 1);
            let mut host = FrameHost {
                frame,
                call: shown.then_some((fname, &argv[..])),
            };
            f(&mut host, &argv)
        }
        Callee::User(_) => unreachable!("called above"),
        Callee::Vm(_, f) => f(frame, &argv),
    }
}

/// Runs user code `code` in a new frame called from `frame`: a function, or a method with
/// its object `this` (if not static) and the class `static` means (an id, or `NONE`); a
/// closure's `bound` values go to its `use` variables.
pub fn call_user(
    frame: &mut Frame,
    code: &'static Code,
    args: Args,
    this: Option<Zval>,
    static_class: u32,
    bound: &[Zval],
) -> Result<Zval, PhpError> {
    let builtin = crate::ops::types::take_from_builtin();
    // `$a = &f()`: the caller asked to keep a reference the function returns.
    let keep_ref = {
        let vm = vm_of(frame);
        let keep = vm.keep_ref == frame.depth;
        vm.keep_ref = 0;
        keep
    };
    let (argv, named) = bind_named(frame, code, args)?;
    if frame.depth >= MAX_DEPTH {
        // PHP's stack of frames would have reached the memory limit (with the default limit,
        // about as deep as this; the JIT needs a bound on native recursion anyway).
        let limit = php_runtime::memory::limit().unwrap_or(128 << 20);
        return Err(PhpError::Fatal {
            message: php_runtime::memory::exhausted(limit, 262144),
            line: line(frame),
        });
    }
    if metajit::interrupt::pending() {
        crate::limits::interrupted(frame)?;
    }
    let argc = argv.len();
    let callee = enter_frame(
        frame.vm,
        frame.depth + 1,
        code,
        Some(metajit::ref_of(frame)),
    );
    // SAFETY: the callee's frame is not this one and nothing else uses it.
    let c = unsafe { callee.get_mut() };
    let params = &code.func.params;
    let fixed = code.fixed_params;
    let mut argv = argv.into_iter();
    for (i, p) in params.iter().enumerate().take(fixed) {
        let v = match (argv.next(), p.default) {
            // A parameter a named call skipped takes its default.
            (Some(v), Some(k)) if matches!(v.view(), View::Undef) => {
                // SAFETY: constants are live for the program's life.
                constant_at(vm_of(frame), code, k as usize)
            }
            (Some(v), None) if matches!(v.view(), View::Undef) => {
                let msg = format!(
                    "{}(): Argument #{} (${}) not passed",
                    code.name(),
                    i + 1,
                    String::from_utf8_lossy(&p.name)
                );
                let e = throw(frame, "ArgumentCountError", msg);
                leave_frame(c);
                return Err(e);
            }
            // A reference passed to a parameter by value: its value (a built-in calling back
            // with references).
            (Some(v), _) if !p.by_ref && matches!(v.view(), View::Ref(_)) => v.deref(),
            (Some(v), _) => v,
            // SAFETY: constants are live for the program's life.
            (None, Some(k)) => constant_at(vm_of(frame), code, k as usize),
            (None, None) => Zval::UNDEF,
        };
        store(c, i, v);
    }
    let extra: Vec<Zval> = argv.collect();
    if fixed < params.len() {
        let mut list = php_runtime::PhpArray::from_list(extra.iter().cloned());
        for (k, v) in named {
            drop(list.insert(php_runtime::ArrayKey::from_bytes(&k), v));
        }
        store(c, fixed, Zval::array(list));
    }
    c.argc = argc as u32;
    c.static_class = static_class;
    for (i, v) in bound.iter().enumerate() {
        store(c, params.len() + i, v.clone());
    }
    if let (Some(slot), Some(this)) = (code.func.this, this) {
        store(c, slot as usize, this);
    }
    let depth = c.depth as usize;
    let vm = vm_of(frame);
    if vm.extra_args.len() <= depth {
        vm.extra_args.resize_with(depth + 1, Vec::new);
    }
    vm.extra_args[depth] = extra;
    let required = code.required_params;
    if argc < required {
        let exactly = if required == params.len() {
            "exactly"
        } else {
            "at least"
        };
        let message = format!(
            "Too few arguments to function {}(), {argc} passed in {} on line {} and {exactly} {required} expected",
            code.name(),
            frame.code.file,
            line(frame)
        );
        let e = throw(c, "ArgumentCountError", message);
        if let PhpError::Exception(o) = &e {
            drop(o.set(b"line", Zval::int(i64::from(code.func.line))));
        }
        leave_frame(c);
        return Err(e);
    }
    // Functions with typed parameters start with `Op::RecvTyped`.
    if matches!(code.func.ops.first(), Some(php_compiler::Op::RecvTyped))
        && let Err(e) = crate::ops::types::check_args(frame, c, code, argc, builtin)
    {
        leave_frame(c);
        return Err(e);
    }
    let vm = vm_of(frame);
    let jit = vm.jit.clone();
    vm.depth = depth as u32;
    let result = execute(&jit, code, c);
    let ret = std::mem::replace(&mut c.slots.as_mut_slice()[0], php_runtime::Value::UNDEF);
    leave_frame(c);
    let vm = vm_of(frame);
    vm.depth = frame.depth;
    vm.extra_args[depth].clear();
    result?;
    // SAFETY: slot 0 owned the returned value.
    let ret = unsafe { Zval::from_raw(ret) };
    Ok(match ret.view() {
        View::Ref(_) if !keep_ref => ret.deref(),
        _ => ret,
    })
}

/// Constant `k` of `code`: a constant expression (unset among the loaded constants) is
/// evaluated now, with the constants defined so far.
pub fn constant_at(vm: &crate::vm::Vm, code: &'static Code, k: usize) -> Zval {
    let v = code.constants[k];
    if v.tag != php_runtime::tag::UNDEF {
        // SAFETY: constants are live for the program's life.
        return unsafe { Zval::from_borrowed(v) };
    }
    let resolve = |class: &[u8], name: &[u8]| -> Zval {
        if class.is_empty() {
            return crate::classes::named(&vm.constants, name);
        }
        crate::classes::class_constant(&vm.constants, &vm.classes, class, name)
    };
    crate::classes::const_value(&code.func.constants[k], &resolve)
}

/// Puts named arguments at their parameters' positions (skipped ones unset, to take their
/// defaults); names no parameter has are left for a variadic parameter, PHP's errors
/// otherwise.
#[allow(clippy::type_complexity)]
fn bind_named(
    frame: &mut Frame,
    code: &'static Code,
    args: Args,
) -> Result<(Vec<Zval>, Vec<(Vec<u8>, Zval)>), PhpError> {
    let Args { mut list, named } = args;
    let mut extra = Vec::new();
    let fixed = code.fixed_params;
    for (name, v) in named {
        match code.func.params[..fixed]
            .iter()
            .position(|p| p.name[..] == name[..])
        {
            Some(i) if i < list.len() && !matches!(list[i].view(), View::Undef) => {
                let msg = format!(
                    "Named parameter ${} overwrites previous argument",
                    String::from_utf8_lossy(&name)
                );
                return Err(throw(frame, "Error", msg));
            }
            Some(i) => {
                while list.len() <= i {
                    list.push(Zval::UNDEF);
                }
                list[i] = v;
            }
            None if fixed < code.func.params.len() => extra.push((name, v)),
            None => {
                let msg = format!(
                    "Unknown named parameter ${}",
                    String::from_utf8_lossy(&name)
                );
                return Err(throw(frame, "Error", msg));
            }
        }
    }
    Ok((list, extra))
}

/// Whether Zend compiles a call of the built-in `name` with `argc` arguments (in a function
/// or at the top level) to an
/// instruction of its own, so that errors it throws show no frame of the function in the
/// stack trace (`zend_try_compile_special_func`).
fn compiled_inline(name: &str, argc: usize, in_function: bool) -> bool {
    match name {
        "func_num_args" | "func_get_args" => argc == 0 && in_function,
        "array_key_exists" => argc == 2,
        "strlen" | "is_null" | "is_bool" | "is_long" | "is_int" | "is_integer" | "is_float"
        | "is_double" | "is_string" | "is_array" | "is_object" | "is_resource" | "is_scalar"
        | "boolval" | "intval" | "floatval" | "doubleval" | "strval" | "defined" | "chr"
        | "ord" | "count" | "sizeof" | "gettype" => argc == 1,
        _ => false,
    }
}

/// The VM as a built-in function sees it: the calling frame, and the call as a stack trace
/// shows it (`None` when Zend would not show it).
pub(crate) struct FrameHost<'a> {
    pub(crate) frame: &'a mut Frame,
    pub(crate) call: Option<(&'a str, &'a [Zval])>,
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
        let e = throw(self.frame, class, message);
        if let (Some((name, args)), PhpError::Exception(o)) = (self.call, &e) {
            crate::ops::exception::push_builtin_frame(self.frame, o, name, args);
        }
        e
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), PhpError> {
        if vm_of(self.frame).write(bytes) {
            Ok(())
        } else {
            Err(PhpError::Output)
        }
    }

    fn constant(&mut self, name: &[u8]) -> Option<Zval> {
        vm_of(self.frame).constants.get(name).cloned()
    }

    fn func_args(&mut self) -> Option<Vec<Zval>> {
        if self.frame.depth == 1 {
            return None;
        }
        let code = self.frame.code;
        let fixed = code.func.params.iter().take_while(|p| !p.variadic).count();
        let n = (self.frame.argc as usize).min(fixed);
        let mut args: Vec<Zval> = (0..n)
            .map(|i| crate::ops::vars::read_cv(self.frame, i))
            .collect();
        let depth = self.frame.depth as usize;
        if let Some(extra) = vm_of(self.frame).extra_args.get(depth) {
            args.extend(extra.iter().cloned());
        }
        Some(args)
    }

    fn function_exists(&mut self, lower: &[u8]) -> bool {
        vm_of(self.frame).function_exists(lower)
    }

    fn buffers(&mut self) -> &mut Vec<Vec<u8>> {
        &mut vm_of(self.frame).buffers
    }

    fn class(&mut self, lower: &[u8]) -> Option<&'static php_runtime::object::Class> {
        let lower = lower.strip_prefix(b"\\").unwrap_or(lower);
        vm_of(self.frame).classes.get(lower).copied()
    }

    fn autoload_class(
        &mut self,
        name: &[u8],
    ) -> Result<Option<&'static php_runtime::object::Class>, PhpError> {
        crate::autoload::autoload(self.frame, name)
    }

    fn scope(&mut self) -> Option<&'static php_runtime::object::Class> {
        self.frame.code.class()
    }

    fn object_to_string(&mut self, v: &Zval) -> Result<php_runtime::PhpString, PhpError> {
        let mut out = Vec::new();
        crate::ops::object::push_str(self.frame, &mut out, v)?;
        Ok(php_runtime::PhpString::new(&out))
    }

    fn callable_error(&mut self, f: &Zval) -> Option<String> {
        crate::ops::callable::resolve(self.frame, f).err()
    }

    fn call(&mut self, f: &Zval, args: Vec<Zval>) -> Result<Zval, PhpError> {
        match crate::ops::callable::resolve(self.frame, f) {
            Ok(t) => {
                crate::ops::send::warn_values_for_refs(self.frame, &t, &args)?;
                crate::ops::types::set_from_builtin(true);
                let r = crate::ops::callable::call_target(self.frame, t, args);
                crate::ops::types::set_from_builtin(false);
                r
            }
            Err(why) => Err(throw(
                self.frame,
                "TypeError",
                format!("Argument must be a valid callback, {why}"),
            )),
        }
    }

    fn ini(&mut self, key: &str) -> Option<String> {
        vm_of(self.frame).ini.get(key).cloned()
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
