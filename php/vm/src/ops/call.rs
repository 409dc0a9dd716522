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
    let by_name = !args.named.is_empty();
    if !matches!(callee, Callee::User(_)) {
        // Built-ins return no references.
        vm_of(frame).keep_ref = 0;
    }
    match callee {
        Callee::User(code) => call_user(frame, code, args, None, php_compiler::NONE, &[]),
        Callee::Undefined => {
            let shown = String::from_utf8_lossy(name).into_owned();
            Err(throw(
                frame,
                "Error",
                format!("Call to undefined function {shown}()"),
            ))
        }
        Callee::Builtin(fname, f) => {
            // A named call becomes a positional one; Zend compiles no such call specially,
            // so the built-in's frame always shows in traces.
            let Args { list, named } = match by_name {
                true => crate::named::bind(frame, fname, args)?,
                false => args,
            };
            let shown = by_name || !compiled_inline(fname, list.len(), frame.depth > 1);
            let mut host = FrameHost {
                frame,
                call: shown.then_some((fname, &list[..])),
                named,
            };
            f(&mut host, &list)
        }
        Callee::Vm(fname, f) => {
            let list = match by_name {
                true => crate::named::bind(frame, fname, args)?.list,
                false => args.list,
            };
            crate::internal_calls::within(frame, fname, &list, |frame| f(frame, &list))
        }
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
                match crate::constexpr::constant_in(c, k as usize) {
                    Ok(v) => v,
                    Err(e) => {
                        leave_frame(c);
                        return Err(e);
                    }
                }
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
            // A default is evaluated in the callee (its class is what `self` means).
            (None, Some(k)) => match crate::constexpr::constant_in(c, k as usize) {
                Ok(v) => v,
                Err(e) => {
                    leave_frame(c);
                    return Err(e);
                }
            },
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
    // Functions with typed parameters start with `Op::RecvTyped`. The arguments passed are
    // checked before a missing one is reported, as Zend's `RECV` instructions run in order.
    if matches!(code.func.ops.first(), Some(php_compiler::Op::RecvTyped))
        && let Err(e) = crate::ops::types::check_args(frame, c, code, argc, builtin)
    {
        leave_frame(c);
        return Err(e);
    }
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
    let vm = vm_of(frame);
    let jit = vm.jit.clone();
    vm.depth = depth as u32;
    let result = execute(&jit, code, c);
    // The returned value is in slot 0 (on an error, slot 0 is a variable leaving the frame
    // with the others).
    let ret = result.map(|()| {
        let v = std::mem::replace(&mut c.slots.as_mut_slice()[0], php_runtime::Value::UNDEF);
        // SAFETY: slot 0 owned the returned value.
        unsafe { Zval::from_raw(v) }
    });
    leave_frame(c);
    let vm = vm_of(frame);
    vm.depth = frame.depth;
    vm.extra_args[depth].clear();
    let ret = ret?;
    Ok(match ret.view() {
        View::Ref(_) if !keep_ref => ret.deref(),
        _ => ret,
    })
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
        // Zend calls the callback directly (`INIT_USER_CALL`).
        "call_user_func" => argc >= 1,
        "call_user_func_array" => argc == 2,
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
    /// The named arguments beyond the built-in's parameters (for those that take them).
    pub(crate) named: Vec<(Vec<u8>, Zval)>,
}

impl FrameHost<'_> {
    /// Runs `f`, which may run user code, as part of the built-in call this host serves (so
    /// that traces show the call).
    fn reenter<R>(&mut self, f: impl FnOnce(&mut Frame) -> R) -> R {
        match self.call {
            Some((name, args)) => crate::internal_calls::within(self.frame, name, args, f),
            None => f(self.frame),
        }
    }
}

impl php_runtime::Host for FrameHost<'_> {
    fn warn(&mut self, message: &str) -> Result<(), PhpError> {
        self.reenter(|frame| crate::ops::vars::warn(frame, message))
    }

    fn deprecated(&mut self, message: &str) -> Result<(), PhpError> {
        self.reenter(|frame| crate::ops::vars::deprecated(frame, message))
    }

    fn notice(&mut self, message: &str) -> Result<(), PhpError> {
        self.reenter(|frame| crate::ops::vars::notice(frame, message))
    }

    fn throw(&mut self, class: &'static str, message: String) -> PhpError {
        let e = throw(self.frame, class, message);
        if let (Some((name, args)), PhpError::Exception(o)) = (self.call, &e) {
            // Named arguments beyond the parameters show under their names.
            let mut shown = php_runtime::PhpArray::from_list(args.iter().cloned());
            for (k, v) in &self.named {
                drop(shown.insert(php_runtime::ArrayKey::from_bytes(k), v.clone()));
            }
            crate::ops::exception::push_builtin_frame_with(self.frame, o, name, shown);
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
        self.reenter(|frame| crate::autoload::autoload(frame, name))
    }

    fn scope(&mut self) -> Option<&'static php_runtime::object::Class> {
        self.frame.code.class()
    }

    fn object_to_string(&mut self, v: &Zval) -> Result<php_runtime::PhpString, PhpError> {
        let mut out = Vec::new();
        self.reenter(|frame| crate::ops::object::push_str(frame, &mut out, v))?;
        Ok(php_runtime::PhpString::new(&out))
    }

    fn callable_error(&mut self, f: &Zval) -> Option<String> {
        self.reenter(|frame| crate::ops::callable::resolve(frame, f).err())
    }

    fn call(&mut self, f: &Zval, args: Vec<Zval>) -> Result<Zval, PhpError> {
        self.call_named(f, args, Vec::new())
    }

    fn take_named(&mut self) -> Vec<(Vec<u8>, Zval)> {
        std::mem::take(&mut self.named)
    }

    fn call_named(
        &mut self,
        f: &Zval,
        list: Vec<Zval>,
        named: Vec<(Vec<u8>, Zval)>,
    ) -> Result<Zval, PhpError> {
        match crate::ops::callable::resolve(self.frame, f) {
            Ok(t) => {
                crate::ops::send::warn_values_for_refs(self.frame, &t, &list)?;
                crate::named::warn_named_values_for_refs(self.frame, &t, &named)?;
                // A call Zend compiles inline (`call_user_func`) calls from the user's code.
                crate::ops::types::set_from_builtin(self.call.is_some());
                let r = self.reenter(|frame| {
                    crate::ops::callable::call_target(frame, t, Args { list, named })
                });
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

    fn method_order(&mut self, class: &'static php_runtime::object::Class) -> Vec<Box<[u8]>> {
        vm_of(self.frame).links.method_order(class)
    }

    fn vm_functions(&mut self) -> Vec<&'static str> {
        crate::functions::FUNCTIONS
            .iter()
            .map(|(n, _)| *n)
            .collect()
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
