//! Closures and calls of values: `Closure` objects made by `Op::MakeClosure`, and the
//! callables PHP accepts wherever a function is called by value (`$f()`, `call_user_func`,
//! `array_map`...): closures, function names, `"Class::method"`, `[$object, 'method']`,
//! `['Class', 'method']`, objects with `__invoke`.

use crate::ops::call::{call_callee, call_user};
use crate::ops::object::{class_by_name, invoke};
use crate::ops::vars::throw;
use crate::ops::{borrow, store};
use crate::vm::{Callee, Code, Frame, vm_of};
use php_compiler::NONE;
use php_runtime::object::{Class, Method, PhpObject, flags};
use php_runtime::value::View;
use php_runtime::{PhpError, Zval};

/// What a `Closure` object holds.
pub struct ClosureData {
    /// The code.
    pub code: &'static Code,
    /// The values of its `use` variables (references for `&$x`).
    pub bound: Vec<Zval>,
    /// `$this` inside it.
    pub this: Option<Zval>,
    /// The class `static` means inside it (an id, or `NONE`).
    pub static_class: u32,
}

/// `dst =` a new closure of the program's closure `func`, its `use` variables bound to the
/// `n` values in the slots from `captures`.
#[metajit::dont_look_inside]
pub fn make_closure(frame: &mut Frame, dst: usize, func: usize, captures: usize, n: usize) {
    let vm = vm_of(frame);
    let code = vm.closures[func];
    let bound: Vec<Zval> = (0..n)
        .map(|i| (*borrow(frame, captures + i)).clone())
        .collect();
    let this = if code.func.is_static {
        None
    } else {
        frame
            .code
            .func
            .this
            .map(|s| borrow(frame, s as usize).deref())
            .filter(|t| matches!(t.view(), View::Object(_)))
    };
    let static_class = match (frame.static_class, code.class()) {
        (NONE, Some(c)) => c.id,
        (id, _) => id,
    };
    let class = vm.classes[&b"closure"[..]];
    let o = PhpObject::new(class);
    o.set_internal(Box::new(ClosureData {
        code,
        bound,
        this,
        static_class,
    }));
    store(frame, dst, Zval::object(o));
}

/// What calling a value reaches.
pub enum Target {
    /// A closure.
    Closure(PhpObject),
    /// A function by name (the name as given).
    Function(Callee, Vec<u8>),
    /// A method, with its object (`None`: a static call) and the class it was called on.
    Method(Method, Option<Zval>, &'static Class),
    /// A method the class lacks, reached through its `__call` or `__callStatic` (the magic
    /// method, its object, the class and the name called).
    Magic(Method, Option<Zval>, &'static Class, Vec<u8>),
}

/// Why a value cannot be called, in the words of PHP's "must be a valid callback, ..."
/// (`Err`), or what calling it reaches.
pub fn resolve(frame: &mut Frame, v: &Zval) -> Result<Target, String> {
    match v.view() {
        View::Ref(r) => r.with(|v| resolve(frame, v)),
        View::Object(o) => {
            if o.internal::<ClosureData>().is_some() {
                return Ok(Target::Closure(o.clone()));
            }
            match o.class().method(b"__invoke") {
                Some(m) => Ok(Target::Method(m.clone(), Some(v.clone()), o.class())),
                None => Err("no array or string given".into()),
            }
        }
        View::Str(s) => {
            let name = s.as_bytes();
            if let Some(i) = name.windows(2).position(|w| w == b"::") {
                let (class, method) = (&name[..i], &name[i + 2..]);
                let class = class_named(frame, class)?;
                return method_target(frame, class, None, method);
            }
            let lower = name.to_ascii_lowercase();
            let lower = lower.strip_prefix(b"\\").unwrap_or(&lower);
            match vm_of(frame).callee(lower) {
                Callee::Undefined => Err(format!(
                    "function \"{}\" not found or invalid function name",
                    String::from_utf8_lossy(name)
                )),
                c => Ok(Target::Function(c, name.to_vec())),
            }
        }
        View::Array(a) => {
            if a.len() != 2 {
                return Err("array callback must have exactly two members".into());
            }
            let (Some(first), Some(second)) = (a.get(key(0)), a.get(key(1))) else {
                return Err("array callback must have exactly two members".into());
            };
            let first = first.deref();
            let method = match second.deref().view() {
                View::Str(m) => m.as_bytes().to_vec(),
                _ => return Err("second array member is not a valid method".into()),
            };
            match first.view() {
                View::Object(o)
                    if o.internal::<ClosureData>().is_some()
                        && method.eq_ignore_ascii_case(b"__invoke") =>
                {
                    Ok(Target::Closure(o.clone()))
                }
                View::Object(o) => {
                    let class = o.class();
                    method_target(frame, class, Some(first.clone()), &method)
                }
                View::Str(c) => {
                    let class = class_named(frame, c.as_bytes())?;
                    method_target(frame, class, None, &method)
                }
                _ => Err("first array member is not a valid class name or object".into()),
            }
        }
        _ => Err("no array or string given".into()),
    }
}

fn key(i: i64) -> php_runtime::array::KeyRef<'static> {
    php_runtime::array::KeyRef::Int(i)
}

/// The class of a callable's class part.
fn class_named(frame: &mut Frame, name: &[u8]) -> Result<&'static Class, String> {
    class_by_name(frame, name)
        .map_err(|_| format!("class \"{}\" not found", String::from_utf8_lossy(name)))
}

fn method_target(
    frame: &mut Frame,
    class: &'static Class,
    this: Option<Zval>,
    method: &[u8],
) -> Result<Target, String> {
    let Some(m) = class.method(&method.to_ascii_lowercase()).cloned() else {
        if let Some((magic, this)) = crate::ops::object::magic_method(frame, class, this) {
            return Ok(Target::Magic(magic, this, class, method.to_vec()));
        }
        return Err(format!(
            "class {} does not have a method \"{}\"",
            class.display(),
            String::from_utf8_lossy(method)
        ));
    };
    if !crate::ops::object::visible(vm_of(frame), frame.code.class(), m.flags, m.class) {
        // A method the caller cannot see is reached through `__call` when there is one.
        if let Some((magic, this)) = crate::ops::object::magic_method(frame, class, this) {
            return Ok(Target::Magic(magic, this, class, method.to_vec()));
        }
        return Err(format!(
            "cannot access {} method {}::{}()",
            crate::ops::object::visibility_word(m.flags),
            class.display(),
            String::from_utf8_lossy(&m.name)
        ));
    }
    if m.flags & flags::ABSTRACT != 0 {
        return Err(format!(
            "cannot call abstract method {}::{}()",
            vm_of(frame).class_list[m.class as usize].display(),
            String::from_utf8_lossy(&m.name)
        ));
    }
    // A static call of an instance method from a method of the class uses its `$this`.
    let this = match this {
        Some(t) if m.flags & flags::STATIC == 0 => Some(t),
        Some(_) => None,
        None if m.flags & flags::STATIC == 0 => frame
            .code
            .func
            .this
            .map(|s| borrow(frame, s as usize).deref())
            .filter(|t| matches!(t.view(), View::Object(o) if o.class().is_a(class))),
        None => None,
    };
    if m.flags & flags::STATIC == 0 && this.is_none() {
        return Err(format!(
            "non-static method {}::{}() cannot be called statically",
            class.display(),
            String::from_utf8_lossy(&m.name)
        ));
    }
    Ok(Target::Method(m, this, class))
}

/// Calls what [`resolve`] found.
pub fn call_target(
    frame: &mut Frame,
    target: Target,
    argv: impl Into<crate::ops::call::Args>,
) -> Result<Zval, PhpError> {
    let argv = argv.into();
    match target {
        Target::Closure(o) => {
            let data = o.internal::<ClosureData>().expect("a closure");
            let (code, this, static_class) = (data.code, data.this.clone(), data.static_class);
            let bound = data.bound.clone();
            call_user(frame, code, argv, this, static_class, &bound)
        }
        Target::Function(callee, name) => call_callee(frame, callee, &name, argv),
        Target::Method(m, this, class) => {
            let sc = match this.as_ref().map(Zval::view) {
                Some(View::Object(o)) => o.class(),
                _ => class,
            };
            invoke(frame, &m, this, sc, argv)
        }
        Target::Magic(m, this, class, name) => {
            crate::ops::object::call_magic(frame, &m, this, class, &name, argv)
        }
    }
}

/// `dst = callee(args...)`.
#[metajit::dont_look_inside]
pub fn call_value(
    frame: &mut Frame,
    callee: usize,
    args: usize,
    argc: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let v = borrow(frame, callee).deref();
    let argv = crate::ops::call::decode_args(frame, args, argc);
    let target = match resolve(frame, &v) {
        Ok(t) => t,
        Err(_) => return Err(not_callable(frame, &v)),
    };
    let r = call_target(frame, target, argv)?;
    store(frame, dst, r);
    Ok(())
}

/// Why a static-looking call of method `name` of `class` fails: an instance method without
/// an object, or no such method.
fn no_method(frame: &Frame, class: &'static Class, name: &[u8]) -> String {
    match class.method(&name.to_ascii_lowercase()) {
        Some(m)
            if !crate::ops::object::visible(vm_of(frame), frame.code.class(), m.flags, m.class) =>
        {
            hidden_or_undefined(frame, class, name)
        }
        Some(m) if m.flags & flags::STATIC == 0 => format!(
            "Non-static method {}::{}() cannot be called statically",
            vm_of(frame).class_list[m.class as usize].display(),
            String::from_utf8_lossy(&m.name)
        ),
        _ => format!(
            "Call to undefined method {}::{}()",
            class.display(),
            String::from_utf8_lossy(name)
        ),
    }
}

/// The error of `$f()` for a value that cannot be called, as Zend's dynamic calls find it
/// (`zend_init_dynamic_call_string`, `_array`, `_object`).
fn not_callable(frame: &mut Frame, v: &Zval) -> PhpError {
    let msg = match v.view() {
        View::Str(s) => {
            let name = s.as_bytes();
            // `Class::method` splits at the last `::`.
            match name.iter().rposition(|&c| c == b':') {
                Some(i) if i > 0 && name[i - 1] == b':' => {
                    match class_by_name(frame, &name[..i - 1]) {
                        Ok(c) => no_method(frame, c, &name[i + 1..]),
                        Err(e) => return e,
                    }
                }
                _ => format!(
                    "Call to undefined function {}()",
                    String::from_utf8_lossy(name)
                ),
            }
        }
        View::Array(a) if a.len() == 2 => {
            let (Some(o), Some(m)) = (
                a.get(key(0)).map(Zval::deref),
                a.get(key(1)).map(Zval::deref),
            ) else {
                return throw(
                    frame,
                    "Error",
                    "Array callback has to contain indices 0 and 1".into(),
                );
            };
            let View::Str(name) = m.view() else {
                let msg = "Second array member is not a valid method";
                return throw(frame, "Error", msg.into());
            };
            match o.view() {
                View::Str(c) => match class_by_name(frame, c.as_bytes()) {
                    Ok(c) => no_method(frame, c, name.as_bytes()),
                    Err(e) => return e,
                },
                View::Object(x) => hidden_or_undefined(frame, x.class(), name.as_bytes()),
                _ => "First array member is not a valid class name or object".into(),
            }
        }
        View::Array(_) => "Array callback must have exactly two elements".into(),
        View::Object(o) => format!("Object of type {} is not callable", o.class().display()),
        _ => format!(
            "Value of type {} is not callable",
            php_runtime::convert::type_name(v)
        ),
    };
    throw(frame, "Error", msg)
}

/// PHP's error for calling method `name` of an object of `class` that it lacks or hides
/// from the caller.
fn hidden_or_undefined(frame: &Frame, class: &'static Class, name: &[u8]) -> String {
    match class.method(&name.to_ascii_lowercase()) {
        Some(m)
            if !crate::ops::object::visible(vm_of(frame), frame.code.class(), m.flags, m.class) =>
        {
            format!(
                "Call to {} method {}::{}() from {}",
                crate::ops::object::visibility_word(m.flags),
                class.display(),
                String::from_utf8_lossy(&m.name),
                crate::ops::object::scope_text(frame)
            )
        }
        _ => format!(
            "Call to undefined method {}::{}()",
            class.display(),
            String::from_utf8_lossy(name)
        ),
    }
}
