//! Objects: `new`, properties, method and static calls, class constants, static properties,
//! `instanceof`, `clone`, and exceptions (`throw`, finding the `catch`, the stack traces of
//! `Throwable` objects). All residual calls.

use crate::ops::call::{FrameHost, call_user};
use crate::ops::vars::{line, warn};
use crate::ops::{borrow, store};
use crate::vm::{Frame, Vm, vm_of};
use php_compiler::{BinOp, NONE, Step};
use php_runtime::object::{Class, Method, MethodBody, PhpObject, flags};
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpError, PhpString, Zval};

/// An `Error` of the built-in `class` (by name) with `message`.
fn error(frame: &mut Frame, class: &'static str, message: String) -> PhpError {
    throwable(frame, class, message)
}

/// A slot's value as bytes (a name).
fn name_in(frame: &Frame, slot: usize) -> Vec<u8> {
    let v = borrow(frame, slot).deref();
    let mut out = Vec::new();
    php_runtime::convert::push_string(&mut out, &v);
    out
}

/// The class a name means in `frame` (`self`, `parent` and `static` included).
pub fn class_by_name(frame: &mut Frame, name: &[u8]) -> Result<&'static Class, PhpError> {
    let lower = name.to_ascii_lowercase();
    let vm = vm_of(frame);
    let scope = frame.code.class();
    let found = match &lower[..] {
        b"self" => scope,
        b"static" => match frame.static_class {
            NONE => scope,
            id => Some(vm.class_list[id as usize]),
        },
        b"parent" => scope.and_then(|c| c.parent),
        _ => {
            let key = lower.strip_prefix(b"\\").unwrap_or(&lower);
            vm.classes.get(key).copied()
        }
    };
    match found {
        Some(c) => Ok(c),
        None => {
            let msg = match &lower[..] {
                b"self" | b"static" => {
                    format!(
                        "Cannot use \"{}\" when no class scope is active",
                        String::from_utf8_lossy(&lower)
                    )
                }
                b"parent" if scope.is_some() => {
                    "Cannot use \"parent\" when current class scope has no parent".into()
                }
                b"parent" => "Cannot use \"parent\" when no class scope is active".into(),
                _ => format!("Class \"{}\" not found", String::from_utf8_lossy(name)),
            };
            Err(error(frame, "Error", msg))
        }
    }
}

/// The class a slot names: an object's class or a class name.
fn class_in(frame: &mut Frame, slot: usize) -> Result<&'static Class, PhpError> {
    let v = borrow(frame, slot).deref();
    if let View::Object(o) = v.view() {
        return Ok(o.class());
    }
    if !matches!(v.view(), View::Str(_)) {
        return Err(error(
            frame,
            "Error",
            "Cannot use value as class name".to_string(),
        ));
    }
    let name = name_in(frame, slot);
    class_by_name(frame, &name)
}

/// The trace of an exception made at the frame's instruction: one entry per call that led
/// there, innermost first.
fn trace(frame: &Frame) -> PhpArray {
    let mut list = PhpArray::new();
    let mut f: &Frame = frame;
    while let Some(parent) = f.parent {
        // SAFETY: a caller's frame outlives its callee's.
        let p = unsafe { parent.get() };
        let argc = (f.argc as usize).min(f.code.func.params.len());
        let args = PhpArray::from_list((0..argc).map(|i| borrow(f, i).deref()));
        let mut e = PhpArray::new();
        drop(e.insert("file".into(), Zval::str(p.code.file)));
        drop(e.insert("line".into(), Zval::int(i64::from(line(p)))));
        let function = if &f.code.func.name[..] == b"{main}" {
            if f.code.file.ends_with(" : eval()'d code") {
                "eval".to_string()
            } else {
                "include".to_string()
            }
        } else {
            f.code.name()
        };
        drop(e.insert("function".into(), Zval::str(&function)));
        if let Some(c) = f.code.class() {
            drop(e.insert("class".into(), Zval::str(&c.display())));
            let this = f.code.func.this.map(|s| borrow(f, s as usize).deref());
            let kind = if this.is_some_and(|t| matches!(t.view(), View::Object(_))) {
                "->"
            } else {
                "::"
            };
            drop(e.insert("type".into(), Zval::str(kind)));
        }
        drop(e.insert("args".into(), Zval::array(args)));
        let _ = list.append(Zval::array(e));
        f = p;
    }
    list
}

/// Fills in where a new `Throwable` was made: file, line and trace.
fn mark_origin(frame: &Frame, o: &PhpObject) {
    drop(o.set(b"file", Zval::str(frame.code.file)));
    drop(o.set(b"line", Zval::int(i64::from(line(frame)))));
    drop(o.set(b"trace", Zval::array(trace(frame))));
}

/// An exception of the built-in class `class` with `message`, made at the frame's
/// instruction.
pub fn throwable(frame: &mut Frame, class: &str, message: String) -> PhpError {
    let vm = vm_of(frame);
    let Some(&c) = vm.classes.get(class.to_ascii_lowercase().as_bytes()) else {
        return PhpError::Fatal {
            message: format!("Uncaught {class}: {message}"),
            line: line(frame),
        };
    };
    let o = PhpObject::new(c);
    drop(o.set(b"message", Zval::string(PhpString::new(message.as_bytes()))));
    mark_origin(frame, &o);
    PhpError::Exception(o)
}

/// Adds the frame of a built-in function to the top of an exception's trace (Zend shows the
/// built-in that threw).
pub fn push_builtin_frame(frame: &Frame, o: &PhpObject, name: &str, args: &[Zval]) {
    let mut e = PhpArray::new();
    drop(e.insert("file".into(), Zval::str(frame.code.file)));
    drop(e.insert("line".into(), Zval::int(i64::from(line(frame)))));
    match name.split_once("::") {
        Some((class, method)) => {
            drop(e.insert("function".into(), Zval::str(method)));
            drop(e.insert("class".into(), Zval::str(class)));
            drop(e.insert("type".into(), Zval::str("->")));
        }
        None => drop(e.insert("function".into(), Zval::str(name))),
    }
    drop(e.insert(
        "args".into(),
        Zval::array(PhpArray::from_list(args.iter().cloned())),
    ));
    let old = o.get(b"trace").map(|t| t.deref());
    let mut list = PhpArray::from_list([Zval::array(e)]);
    if let Some(View::Array(a)) = old.as_ref().map(Zval::view) {
        for (_, v) in a.iter() {
            let _ = list.append(v.clone());
        }
    }
    drop(o.set(b"trace", Zval::array(list)));
}

/// Finds where the exception `e`, thrown at the frame's instruction, is caught in the frame's
/// function: the `catch` or `finally` block to continue at (`Err(e)` if none covers it).
pub fn catch(frame: &mut Frame, e: PhpObject) -> Result<usize, PhpError> {
    let func = &frame.code.func;
    let mut r = func.try_of.get(frame.pc).copied().unwrap_or(NONE);
    while r != NONE {
        let region = &func.regions[r as usize];
        for c in &region.catches {
            let hit = c.classes.iter().any(|n| {
                let lower = n.to_ascii_lowercase();
                let lower = lower.strip_prefix(b"\\").unwrap_or(&lower);
                e.class().is_a_name(lower)
            });
            if hit {
                if c.var != NONE {
                    crate::ops::vars::write_cv(frame, c.var as usize, Zval::object(e));
                }
                return Ok(c.to as usize);
            }
        }
        if let Some((to, slot)) = region.finally {
            store(frame, slot as usize, Zval::object(e));
            return Ok(to as usize);
        }
        r = region.parent;
    }
    Err(PhpError::Exception(e))
}

/// `throw src`.
#[metajit::dont_look_inside]
pub fn throw_value(frame: &mut Frame, src: usize) -> Result<(), PhpError> {
    let v = borrow(frame, src).deref();
    match v.view() {
        View::Object(o) if o.class().is_a_name(b"throwable") => Err(PhpError::Exception(o.clone())),
        _ => Err(error(frame, "Error", "Can only throw objects".to_string())),
    }
}

/// Whether code in class `scope` may use a member of `flags` declared in class `owner`.
fn visible(vm: &Vm, scope: Option<&'static Class>, member_flags: u16, owner: u32) -> bool {
    if member_flags & flags::PUBLIC != 0 || member_flags & flags::VISIBILITY == 0 {
        return true;
    }
    let Some(scope) = scope else {
        return false;
    };
    if member_flags & flags::PRIVATE != 0 {
        return scope.id == owner;
    }
    let owner = vm.class_list[owner as usize];
    scope.is_a(owner) || owner.is_a(scope)
}

fn scope_text(frame: &Frame) -> String {
    match frame.code.class() {
        Some(c) => format!("scope {}", c.display()),
        None => "global scope".into(),
    }
}

fn visibility_word(f: u16) -> &'static str {
    if f & flags::PRIVATE != 0 {
        "private"
    } else {
        "protected"
    }
}

/// `dst = new cls(args...)`.
#[metajit::dont_look_inside]
pub fn new_object(
    frame: &mut Frame,
    cls: usize,
    args: usize,
    argc: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let class = class_in(frame, cls)?;
    let argv = crate::ops::call::decode_args(frame, args, argc);
    let o = instantiate(frame, class)?;
    if let Some(ctor) = class.method(b"__construct") {
        let ctor = ctor.clone();
        if !visible(vm_of(frame), frame.code.class(), ctor.flags, ctor.class) {
            let msg = format!(
                "Call to {} {}::__construct() from {}",
                visibility_word(ctor.flags),
                class.display(),
                scope_text(frame)
            );
            return Err(error(frame, "Error", msg));
        }
        invoke(frame, &ctor, Some(Zval::object(o.clone())), class, argv)?;
    }
    store(frame, dst, Zval::object(o));
    Ok(())
}

/// A new object of `class` (PHP's errors for classes that cannot be instantiated).
pub fn instantiate(frame: &mut Frame, class: &'static Class) -> Result<PhpObject, PhpError> {
    if class.flags & (flags::ABSTRACT | flags::INTERFACE) != 0 {
        let kind = if class.is_interface() {
            "interface"
        } else {
            "abstract class"
        };
        let msg = format!("Cannot instantiate {kind} {}", class.display());
        return Err(error(frame, "Error", msg));
    }
    let o = PhpObject::new(class);
    for p in class.props.iter().filter(|p| p.lazy.is_some()) {
        let k = p
            .lazy
            .as_ref()
            .and_then(|l| l.downcast_ref::<php_compiler::Const>());
        if let Some(k) = k {
            let vm = vm_of(frame);
            let resolve = |class: &[u8], name: &[u8]| -> Zval {
                if class.is_empty() {
                    return crate::classes::named(&vm.constants, name);
                }
                crate::classes::class_constant(&vm.constants, &vm.classes, class, name)
            };
            drop(o.set(&p.name, crate::classes::const_value(k, &resolve)));
        }
    }
    if class.is_a_name(b"throwable") {
        mark_origin(frame, &o);
    }
    Ok(o)
}

/// Calls `method` with `this` (`None` for a static call) and the class `static` means.
pub fn invoke(
    frame: &mut Frame,
    method: &Method,
    this: Option<Zval>,
    static_class: &'static Class,
    args: impl Into<crate::ops::call::Args>,
) -> Result<Zval, PhpError> {
    let args = args.into();
    match method.body {
        MethodBody::User(i) => {
            let code = vm_of(frame).methods[i as usize];
            call_user(frame, code, args, this, static_class.id, &[])
        }
        MethodBody::Native(f) => {
            if !args.named.is_empty() {
                return Err(error(
                    frame,
                    "Error",
                    "named arguments to built-in methods are not supported yet".into(),
                ));
            }
            let argv = args.list;
            let owner = vm_of(frame).class_list[method.class as usize].display();
            let name = format!("{owner}::{}", String::from_utf8_lossy(&method.name));
            let this = this.unwrap_or(Zval::NULL);
            let mut host = FrameHost {
                frame,
                call: Some((&name, &argv[..])),
            };
            f(&mut host, &this, &argv)
        }
    }
}

/// `dst = obj->name(args...)`.
#[metajit::dont_look_inside]
pub fn call_method(
    frame: &mut Frame,
    obj: usize,
    name: usize,
    args: usize,
    argc: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let target = borrow(frame, obj).deref();
    let mname = name_in(frame, name);
    let argv = crate::ops::call::decode_args(frame, args, argc);
    let View::Object(o) = target.view() else {
        let msg = format!(
            "Call to a member function {}() on {}",
            String::from_utf8_lossy(&mname),
            php_runtime::convert::type_name(&target)
        );
        return Err(error(frame, "Error", msg));
    };
    let class = o.class();
    let Some(m) = class.method(&mname.to_ascii_lowercase()).cloned() else {
        if let Some(call) = class.method(b"__call").cloned() {
            let list = PhpArray::from_list(argv.list);
            let margs = vec![Zval::string(PhpString::new(&mname)), Zval::array(list)];
            let r = invoke(frame, &call, Some(target.clone()), class, margs)?;
            store(frame, dst, r);
            return Ok(());
        }
        let msg = format!(
            "Call to undefined method {}::{}()",
            class.display(),
            String::from_utf8_lossy(&mname)
        );
        return Err(error(frame, "Error", msg));
    };
    check_method_access(frame, &m, class)?;
    let this = if m.flags & flags::STATIC != 0 {
        None
    } else {
        Some(target.clone())
    };
    let r = invoke(frame, &m, this, class, argv)?;
    store(frame, dst, r);
    Ok(())
}

fn check_method_access(
    frame: &mut Frame,
    m: &Method,
    class: &'static Class,
) -> Result<(), PhpError> {
    if visible(vm_of(frame), frame.code.class(), m.flags, m.class) {
        return Ok(());
    }
    let msg = format!(
        "Call to {} method {}::{}() from {}",
        visibility_word(m.flags),
        class.display(),
        String::from_utf8_lossy(&m.name),
        scope_text(frame)
    );
    Err(error(frame, "Error", msg))
}

/// `dst = cls::name(args...)`: a static method, or (`parent::m()`, `self::m()` in a method)
/// an instance method of the class called with the current `$this`.
#[metajit::dont_look_inside]
pub fn call_static(
    frame: &mut Frame,
    cls: usize,
    name: usize,
    args: usize,
    argc: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let class = class_in(frame, cls)?;
    let mname = name_in(frame, name);
    let argv = crate::ops::call::decode_args(frame, args, argc);
    let Some(m) = class.method(&mname.to_ascii_lowercase()).cloned() else {
        let msg = format!(
            "Call to undefined method {}::{}()",
            class.display(),
            String::from_utf8_lossy(&mname)
        );
        return Err(error(frame, "Error", msg));
    };
    check_method_access(frame, &m, class)?;
    let this = frame
        .code
        .func
        .this
        .map(|s| borrow(frame, s as usize).deref())
        .filter(|t| matches!(t.view(), View::Object(o) if o.class().is_a(class)));
    let forwarding = {
        let lower = name_in(frame, cls).to_ascii_lowercase();
        matches!(&lower[..], b"self" | b"parent" | b"static")
    };
    let static_class = match (forwarding, frame.static_class) {
        (true, id) if id != NONE => vm_of(frame).class_list[id as usize],
        _ => class,
    };
    let r = if m.flags & flags::STATIC != 0 {
        invoke(frame, &m, None, static_class, argv)?
    } else {
        match this {
            Some(t) => {
                let sc = match t.view() {
                    View::Object(o) => o.class(),
                    _ => class,
                };
                invoke(frame, &m, Some(t.clone()), sc, argv)?
            }
            None => {
                let msg = format!(
                    "Non-static method {}::{}() cannot be called statically",
                    vm_of(frame).class_list[m.class as usize].display(),
                    String::from_utf8_lossy(&m.name)
                );
                return Err(error(frame, "Error", msg));
            }
        }
    };
    store(frame, dst, r);
    Ok(())
}

/// The object in slot `obj` for a property access, or the type of what is there instead.
fn object_in(frame: &Frame, obj: usize) -> Result<PhpObject, Zval> {
    let v = borrow(frame, obj).deref();
    match v.view() {
        View::Object(o) => Ok(o.clone()),
        _ => Err(v),
    }
}

/// Checks that code of the frame may use property `name` of `o`; `Ok(false)` when the
/// property is not declared (a dynamic one).
fn check_prop_access(frame: &mut Frame, o: &PhpObject, name: &[u8]) -> Result<bool, PhpError> {
    let class = o.class();
    let Some(p) = class.prop(name) else {
        return Ok(false);
    };
    if visible(vm_of(frame), frame.code.class(), p.flags, p.class) {
        return Ok(true);
    }
    let msg = format!(
        "Cannot access {} property {}::${}",
        visibility_word(p.flags),
        class.display(),
        String::from_utf8_lossy(name)
    );
    Err(error(frame, "Error", msg))
}

/// `dst = obj->name`.
#[metajit::dont_look_inside]
pub fn fetch_prop(
    frame: &mut Frame,
    dst: usize,
    obj: usize,
    name: usize,
    quiet: bool,
) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(v) => {
            if !quiet {
                let msg = format!(
                    "Attempt to read property \"{}\" on {}",
                    String::from_utf8_lossy(&pname),
                    php_runtime::convert::type_name(&v)
                );
                warn(frame, &msg)?;
            }
            store(frame, dst, Zval::NULL);
            return Ok(());
        }
    };
    if quiet {
        let visible = o
            .class()
            .prop(&pname)
            .is_none_or(|p| visible(vm_of(frame), frame.code.class(), p.flags, p.class));
        let v = if visible { o.get(&pname) } else { None };
        store(frame, dst, v.map_or(Zval::NULL, |v| v.deref()));
        return Ok(());
    }
    check_prop_access(frame, &o, &pname)?;
    let v = match o.get(&pname) {
        Some(v) if !matches!(v.view(), View::Undef) => v.deref(),
        _ if let Some(e) = crate::ops::types::uninit_error(frame, &o, &pname) => {
            return Err(e);
        }
        _ => {
            if let Some(get) = o.class().method(b"__get").cloned() {
                let args = vec![Zval::string(PhpString::new(&pname))];
                let r = invoke(frame, &get, Some(Zval::object(o.clone())), o.class(), args)?;
                store(frame, dst, r);
                return Ok(());
            }
            let msg = format!(
                "Undefined property: {}::${}",
                o.class().display(),
                String::from_utf8_lossy(&pname)
            );
            warn(frame, &msg)?;
            Zval::NULL
        }
    };
    store(frame, dst, v);
    Ok(())
}

/// Stores `v` in property `name` of `o` (through a reference if the property holds one),
/// with PHP's deprecation for a new dynamic property.
fn write_prop(frame: &mut Frame, o: &PhpObject, name: &[u8], v: Zval) -> Result<(), PhpError> {
    let declared = check_prop_access(frame, o, name)?;
    let v = if declared {
        crate::ops::types::check_prop(frame, o, name, v)?
    } else {
        v
    };
    let current = o
        .props()
        .get(php_runtime::array::KeyRef::Str(name))
        .map(|c| match c.view() {
            View::Ref(r) => Some(r.clone()),
            _ => None,
        });
    match current {
        Some(Some(r)) => drop(r.replace(v)),
        Some(None) => drop(o.set(name, v)),
        None => {
            if !declared {
                if let Some(set) = o.class().method(b"__set").cloned() {
                    let args = vec![Zval::string(PhpString::new(name)), v];
                    invoke(frame, &set, Some(Zval::object(o.clone())), o.class(), args)?;
                    return Ok(());
                }
                if o.class().flags & flags::DYNAMIC == 0 {
                    let msg = format!(
                        "Creation of dynamic property {}::${} is deprecated",
                        o.class().display(),
                        String::from_utf8_lossy(name)
                    );
                    crate::ops::vars::deprecated(frame, &msg)?;
                }
            }
            drop(o.set(name, v));
        }
    }
    Ok(())
}

fn not_an_object(frame: &mut Frame, what: &str, name: &[u8], v: &Zval) -> PhpError {
    let msg = format!(
        "Attempt to {what} property \"{}\" on {}",
        String::from_utf8_lossy(name),
        php_runtime::convert::type_name(v)
    );
    error(frame, "Error", msg)
}

/// `obj->name = val`.
#[metajit::dont_look_inside]
pub fn assign_prop(frame: &mut Frame, obj: usize, name: usize, val: usize) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let v = borrow(frame, val).deref();
    match object_in(frame, obj) {
        Ok(o) => write_prop(frame, &o, &pname, v),
        Err(t) => Err(not_an_object(frame, "assign", &pname, &t)),
    }
}

/// Replaces property `name` of the object in `obj` by what `update` makes of its value; the
/// expression's result goes to `dst`.
fn update_prop(
    frame: &mut Frame,
    obj: usize,
    name: usize,
    dst: usize,
    update: impl FnOnce(&mut Frame, &Zval) -> Result<(Zval, Zval), PhpError>,
) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(t) => return Err(not_an_object(frame, "assign", &pname, &t)),
    };
    check_prop_access(frame, &o, &pname)?;
    let old = match o.get(&pname) {
        Some(v) => v.deref(),
        None => {
            if let Some(e) = crate::ops::types::uninit_error(frame, &o, &pname) {
                return Err(e);
            }
            let msg = format!(
                "Undefined property: {}::${}",
                o.class().display(),
                String::from_utf8_lossy(&pname)
            );
            warn(frame, &msg)?;
            Zval::NULL
        }
    };
    let (new, result) = update(frame, &old)?;
    write_prop(frame, &o, &pname, new)?;
    store(frame, dst, result);
    Ok(())
}

/// `obj->name op= val`.
#[metajit::dont_look_inside]
pub fn assign_prop_op(
    frame: &mut Frame,
    op: u8,
    obj: usize,
    name: usize,
    val: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let op = BinOp::ALL[op as usize];
    let v = borrow(frame, val).deref();
    update_prop(frame, obj, name, dst, |frame, old| {
        let new = crate::ops::arith::compute(frame, op, old, &v)?;
        Ok((new.clone(), new))
    })
}

/// `++`/`--` on `obj->name`.
#[metajit::dont_look_inside]
pub fn step_prop(
    frame: &mut Frame,
    step: u8,
    obj: usize,
    name: usize,
    dst: usize,
) -> Result<(), PhpError> {
    let step = Step::ALL[step as usize];
    update_prop(frame, obj, name, dst, |frame, old| {
        crate::ops::vars::stepped(frame, step, old)
    })
}

/// `unset(obj->name)`.
#[metajit::dont_look_inside]
pub fn unset_prop(frame: &mut Frame, obj: usize, name: usize) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    if let Ok(o) = object_in(frame, obj) {
        check_prop_access(frame, &o, &pname)?;
        let old = o
            .props_mut()
            .remove(php_runtime::array::KeyRef::Str(&pname));
        drop(old);
    }
    Ok(())
}

/// Takes property `name` of the object in slot `obj` out for writing its elements (an unset
/// property reads as unset); [`put_prop`] puts it back.
pub fn take_prop(
    frame: &mut Frame,
    obj: usize,
    name: usize,
) -> Result<(PhpObject, Vec<u8>, Zval), PhpError> {
    let pname = name_in(frame, name);
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(t) => return Err(not_an_object(frame, "modify", &pname, &t)),
    };
    check_prop_access(frame, &o, &pname)?;
    let v = match o
        .props_mut()
        .get_mut(php_runtime::array::KeyRef::Str(&pname))
    {
        // `null`, not unset: an unset entry would leave the table and lose its position.
        Some(slot) => std::mem::replace(slot, Zval::NULL),
        None => Zval::UNDEF,
    };
    Ok((o, pname, v))
}

/// Puts back what [`take_prop`] took.
pub fn put_prop(o: &PhpObject, name: &[u8], v: Zval) {
    drop(o.set(name, v));
}

/// `dst = cls::NAME`.
#[metajit::dont_look_inside]
pub fn class_const(frame: &mut Frame, dst: usize, cls: usize, name: usize) -> Result<(), PhpError> {
    let class = class_in(frame, cls)?;
    let cname = match &frame.code.func.constants[name] {
        php_compiler::Const::Str(s) => s.to_vec(),
        _ => Vec::new(),
    };
    if cname.eq_ignore_ascii_case(b"class") {
        store(frame, dst, Zval::str(&class.display()));
        return Ok(());
    }
    match class.consts.get(&cname[..]) {
        Some(_) => {
            let vm = vm_of(frame);
            let v =
                crate::classes::class_constant(&vm.constants, &vm.classes, &class.lower, &cname);
            store(frame, dst, v);
            Ok(())
        }
        None => {
            let msg = format!(
                "Undefined constant {}::{}",
                class.display(),
                String::from_utf8_lossy(&cname)
            );
            Err(error(frame, "Error", msg))
        }
    }
}

/// `dst =` a reference to the static property `cls::$name`.
#[metajit::dont_look_inside]
pub fn static_prop_ref(
    frame: &mut Frame,
    dst: usize,
    cls: usize,
    name: usize,
) -> Result<(), PhpError> {
    let class = class_in(frame, cls)?;
    let pname = name_in(frame, name);
    let Some(p) = class.statics.get(&pname[..]) else {
        let msg = format!(
            "Access to undeclared static property {}::${}",
            class.display(),
            String::from_utf8_lossy(&pname)
        );
        return Err(error(frame, "Error", msg));
    };
    if !visible(vm_of(frame), frame.code.class(), p.flags, p.class) {
        let msg = format!(
            "Cannot access {} property {}::${}",
            visibility_word(p.flags),
            class.display(),
            String::from_utf8_lossy(&pname)
        );
        return Err(error(frame, "Error", msg));
    }
    let r = p.slot.clone();
    store(frame, dst, Zval::reference(r));
    Ok(())
}

/// `dst = src instanceof cls`.
#[metajit::dont_look_inside]
pub fn instance_of(frame: &mut Frame, dst: usize, src: usize, cls: usize) -> Result<(), PhpError> {
    let v = borrow(frame, src).deref();
    let r = match v.view() {
        View::Object(o) => {
            let c = borrow(frame, cls).deref();
            match c.view() {
                View::Object(k) => o.class().is_a(k.class()),
                _ => {
                    let name = name_in(frame, cls);
                    let lower = name.to_ascii_lowercase();
                    match &lower[..] {
                        b"self" | b"static" | b"parent" => {
                            let k = class_by_name(frame, &name)?;
                            o.class().is_a(k)
                        }
                        _ => o
                            .class()
                            .is_a_name(lower.strip_prefix(b"\\").unwrap_or(&lower)),
                    }
                }
            }
        }
        _ => false,
    };
    store(frame, dst, Zval::bool(r));
    Ok(())
}

/// `dst = clone src`: a shallow copy, then its `__clone`.
#[metajit::dont_look_inside]
pub fn clone(frame: &mut Frame, dst: usize, src: usize) -> Result<(), PhpError> {
    let v = borrow(frame, src).deref();
    let View::Object(o) = v.view() else {
        return Err(error(
            frame,
            "Error",
            "__clone method called on non-object".into(),
        ));
    };
    let mut props = o.props().clone();
    // References of one owner are copied as values (as arrays copy them): after the copy of
    // the table, such a reference has two owners, the original and the copy.
    for (_, v) in props.iter_mut() {
        let inner = match v.view() {
            View::Ref(r) if r.refcount() == 2 => Some(r.get()),
            _ => None,
        };
        if let Some(x) = inner {
            *v = x;
        }
    }
    let copy = PhpObject::with_props(o.class(), props);
    if let Some(m) = o.class().method(b"__clone").cloned() {
        invoke(
            frame,
            &m,
            Some(Zval::object(copy.clone())),
            o.class(),
            Vec::new(),
        )?;
    }
    store(frame, dst, Zval::object(copy));
    Ok(())
}

/// Runs the destructor of `obj`, whose last owner went, in the frame of the call running now.
pub fn destruct(vm: &mut Vm, obj: PhpObject) -> Result<(), PhpError> {
    let Some(m) = obj.class().method(b"__destruct").cloned() else {
        return Ok(());
    };
    let depth = vm.depth;
    let Some(frame) = vm.frame_at(depth) else {
        return Ok(());
    };
    let class = obj.class();
    invoke(frame, &m, Some(Zval::object(obj)), class, Vec::new()).map(drop)
}

/// `dst =` a reference to property `name` of the object in `obj`, made a reference where it
/// is (a missing one is made `null` first).
#[metajit::dont_look_inside]
pub fn make_ref_prop(
    frame: &mut Frame,
    dst: usize,
    obj: usize,
    name: usize,
) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let o = match object_in(frame, obj) {
        Ok(o) => o,
        Err(t) => return Err(not_an_object(frame, "modify", &pname, &t)),
    };
    check_prop_access(frame, &o, &pname)?;
    let r = {
        let e = o.props_mut().entry(php_runtime::object::prop_key(&pname));
        match e.view() {
            View::Ref(r) => r.clone(),
            _ => {
                let v = std::mem::replace(e, Zval::NULL);
                let v = if matches!(v.view(), View::Undef) {
                    Zval::NULL
                } else {
                    v
                };
                let r = php_runtime::value::PhpRef::new(v);
                *e = Zval::reference(r.clone());
                r
            }
        }
    };
    store(frame, dst, Zval::reference(r));
    Ok(())
}

/// `obj->name = &...`: the property becomes the reference (or value) in slot `src`.
#[metajit::dont_look_inside]
pub fn assign_ref_prop(
    frame: &mut Frame,
    obj: usize,
    name: usize,
    src: usize,
) -> Result<(), PhpError> {
    let pname = name_in(frame, name);
    let v = (*borrow(frame, src)).clone();
    match object_in(frame, obj) {
        Ok(o) => {
            check_prop_access(frame, &o, &pname)?;
            drop(o.set(&pname, v));
            Ok(())
        }
        Err(t) => Err(not_an_object(frame, "assign", &pname, &t)),
    }
}

/// Calls the method `name` of `o` without arguments (an `Iterator`'s, for `foreach`).
pub fn call_named(frame: &mut Frame, o: &PhpObject, name: &[u8]) -> Result<Zval, PhpError> {
    let class = o.class();
    match class.method(&name.to_ascii_lowercase()).cloned() {
        Some(m) => invoke(frame, &m, Some(Zval::object(o.clone())), class, Vec::new()),
        None => {
            let msg = format!(
                "Call to undefined method {}::{}()",
                class.display(),
                String::from_utf8_lossy(name)
            );
            Err(error(frame, "Error", msg))
        }
    }
}

/// The properties of `o` code of the frame may see, as an array (`foreach` over an object).
pub fn visible_props(frame: &Frame, o: &PhpObject) -> PhpArray {
    let scope = frame.code.class();
    let vm = vm_of(frame);
    let mut out = PhpArray::new();
    for (k, v) in o.props().iter() {
        if matches!(v.view(), View::Undef) {
            continue;
        }
        let shown = match k {
            ArrayKey::Str(s) => o
                .class()
                .prop(s.as_bytes())
                .is_none_or(|p| visible(vm, scope, p.flags, p.class)),
            ArrayKey::Int(_) => true,
        };
        if shown {
            drop(out.insert(k.clone(), v.deref()));
        }
    }
    out
}

/// Appends the string form of `v` (`echo`, `.`, `(string)`): objects through `__toString`
/// (PHP's `Error` without one), arrays as `Array` with PHP's warning.
pub fn push_str(frame: &mut Frame, out: &mut Vec<u8>, v: &Zval) -> Result<(), PhpError> {
    if php_runtime::convert::push_string(out, v).is_some() {
        return Ok(());
    }
    match v.deref().view() {
        View::Object(o) => {
            let o = o.clone();
            match o.class().method(b"__tostring").cloned() {
                Some(m) => {
                    let r = invoke(
                        frame,
                        &m,
                        Some(Zval::object(o.clone())),
                        o.class(),
                        Vec::new(),
                    )?;
                    match r.view() {
                        View::Str(s) => out.extend_from_slice(s.as_bytes()),
                        _ => {
                            let msg = format!(
                                "{}::__toString(): Return value must be of type string, {} returned",
                                o.class().display(),
                                php_runtime::convert::type_name(&r)
                            );
                            return Err(error(frame, "TypeError", msg));
                        }
                    }
                    Ok(())
                }
                None => {
                    let msg = format!(
                        "Object of class {} could not be converted to string",
                        o.class().display()
                    );
                    Err(error(frame, "Error", msg))
                }
            }
        }
        _ => {
            warn(frame, "Array to string conversion")?;
            out.extend_from_slice(b"Array");
            Ok(())
        }
    }
}

/// `(array) v`.
pub fn to_array(frame: &Frame, v: &Zval) -> Zval {
    match v.deref().view() {
        View::Array(_) => v.deref(),
        View::Undef | View::Null => Zval::array(PhpArray::new()),
        View::Object(o) => {
            if let Some(c) = o.internal::<crate::ops::callable::ClosureData>() {
                let _ = c;
                return Zval::array(PhpArray::from_list([v.deref()]));
            }
            // Every property, private and protected ones under PHP's mangled names.
            let _ = frame;
            let mut out = PhpArray::new();
            for (k, val) in o.props().iter() {
                if matches!(val.view(), View::Undef) {
                    continue;
                }
                let key = match (
                    k,
                    o.class().prop(match k {
                        ArrayKey::Str(s) => s.as_bytes(),
                        ArrayKey::Int(_) => b"",
                    }),
                ) {
                    (ArrayKey::Str(s), Some(p)) if p.flags & flags::PRIVATE != 0 => {
                        ArrayKey::from_bytes(&[b"\0", &p.owner[..], b"\0", s.as_bytes()].concat())
                    }
                    (ArrayKey::Str(s), Some(p)) if p.flags & flags::PROTECTED != 0 => {
                        ArrayKey::from_bytes(&[b"\0*\0", s.as_bytes()].concat())
                    }
                    (ArrayKey::Str(s), _) => ArrayKey::from_bytes(s.as_bytes()),
                    _ => k.clone(),
                };
                drop(out.insert(key, val.clone()));
            }
            Zval::array(out)
        }
        _ => Zval::array(PhpArray::from_list([v.deref()])),
    }
}

/// `(object) v`.
pub fn to_object(frame: &Frame, v: &Zval) -> Zval {
    let v = v.deref();
    if let View::Object(_) = v.view() {
        return v;
    }
    let std = vm_of(frame).classes[&b"stdclass"[..]];
    let mut props = php_runtime::array::Table::new();
    match v.view() {
        View::Array(a) => {
            for (k, val) in a.iter() {
                let key = match k {
                    ArrayKey::Int(i) => php_runtime::object::prop_key(i.to_string().as_bytes()),
                    _ => k.clone(),
                };
                drop(props.insert(key, val.clone()));
            }
        }
        View::Undef | View::Null => {}
        _ => drop(props.insert(php_runtime::object::prop_key(b"scalar"), v.clone())),
    }
    Zval::object(PhpObject::with_props(std, props))
}
