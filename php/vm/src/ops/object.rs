//! Objects and classes: `new`, method and static calls, class constants, static properties,
//! `instanceof`, `clone`, destructors and the conversions of objects (`__toString`, casts).
//! Properties are in [`props`](crate::ops::props), exceptions in
//! [`exception`](crate::ops::exception). All residual calls.

use crate::ops::call::{FrameHost, call_user};
use crate::ops::vars::warn;
use crate::ops::{borrow, store};
use crate::vm::{Frame, Vm, vm_of};
use php_compiler::NONE;
use php_runtime::object::{Class, Method, MethodBody, PhpObject, flags};
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpError, PhpString, Zval};

/// An `Error` of the built-in `class` (by name) with `message`.
pub(crate) fn error(frame: &mut Frame, class: &'static str, message: String) -> PhpError {
    crate::ops::exception::throwable(frame, class, message)
}

/// A slot's value as bytes (a name).
pub(crate) fn name_in(frame: &Frame, slot: usize) -> Vec<u8> {
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
            match vm.classes.get(key).copied() {
                Some(c) => Some(c),
                None => crate::autoload::autoload(frame, name)?,
            }
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
pub(crate) fn class_in(frame: &mut Frame, slot: usize) -> Result<&'static Class, PhpError> {
    let v = borrow(frame, slot).deref();
    if let View::Object(o) = v.view() {
        return Ok(o.class());
    }
    if !matches!(v.view(), View::Str(_)) {
        return Err(error(
            frame,
            "Error",
            "Class name must be a valid object or a string".to_string(),
        ));
    }
    let name = name_in(frame, slot);
    class_by_name(frame, &name)
}

/// Whether code in class `scope` may use a member of `flags` declared in class `owner`.
pub(crate) fn visible(
    vm: &Vm,
    scope: Option<&'static Class>,
    member_flags: u16,
    owner: u32,
) -> bool {
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

pub(crate) fn scope_text(frame: &Frame) -> String {
    match frame.code.class() {
        Some(c) => format!("scope {}", c.display()),
        None => "global scope".into(),
    }
}

pub(crate) fn visibility_word(f: u16) -> &'static str {
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
    } else if let Some((name, _)) = argv.named.first() {
        // No constructor takes the arguments: a name is unknown.
        let msg = format!("Unknown named parameter ${}", String::from_utf8_lossy(name));
        return Err(error(frame, "Error", msg));
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
            drop(
                o.props_mut()
                    .insert(p.key(), crate::classes::const_value(k, &resolve)),
            );
        }
    }
    if class.is_a_name(b"throwable") {
        crate::ops::exception::mark_origin(frame, &o);
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
    if method.flags & flags::ABSTRACT != 0 {
        return Err(abstract_call(frame, method));
    }
    match method.body {
        MethodBody::User(i) => {
            let code = vm_of(frame).methods[i as usize];
            call_user(frame, code, args, this, static_class.id, &[])
        }
        MethodBody::Native(f) => {
            let owner = vm_of(frame).class_list[method.class as usize].display();
            let name = format!("{owner}::{}", String::from_utf8_lossy(&method.name));
            let argv = match args.named.is_empty() {
                true => args.list,
                false => crate::named::bind(frame, &name, args)?.list,
            };
            let this = this.unwrap_or(Zval::NULL);
            let mut host = FrameHost {
                frame,
                call: Some((&name, &argv[..])),
                named: Vec::new(),
            };
            f(&mut host, &this, &argv)
        }
    }
}

/// PHP's error for a call of an abstract method.
#[cold]
fn abstract_call(frame: &mut Frame, method: &Method) -> PhpError {
    let msg = format!(
        "Cannot call abstract method {}::{}()",
        vm_of(frame).class_list[method.class as usize].display(),
        String::from_utf8_lossy(&method.name)
    );
    error(frame, "Error", msg)
}

/// The magic method a call of a method a class lacks (or hides from the caller) goes to:
/// `__call` with the object (`this`, or for a static-looking call the caller's `$this` when
/// it is an instance of the class), else `__callStatic`.
pub fn magic_method(
    frame: &Frame,
    class: &'static Class,
    this: Option<Zval>,
) -> Option<(Method, Option<Zval>)> {
    let this = this.or_else(|| {
        frame
            .code
            .func
            .this
            .map(|s| borrow(frame, s as usize).deref())
            .filter(|t| matches!(t.view(), View::Object(o) if o.class().is_a(class)))
    });
    if let Some(t) = this
        && let Some(m) = class.method(b"__call")
    {
        return Some((m.clone(), Some(t)));
    }
    class.method(b"__callstatic").map(|m| (m.clone(), None))
}

/// Calls `__call`/`__callStatic` (`magic`) for method `name` with `args` (named ones under
/// their names in the array it gets).
pub fn call_magic(
    frame: &mut Frame,
    magic: &Method,
    this: Option<Zval>,
    class: &'static Class,
    name: &[u8],
    args: crate::ops::call::Args,
) -> Result<Zval, PhpError> {
    let mut list = PhpArray::from_list(args.list);
    for (k, v) in args.named {
        drop(list.insert(ArrayKey::from_bytes(&k), v));
    }
    let margs = vec![Zval::string(PhpString::new(name)), Zval::array(list)];
    let static_class = match this.as_ref().map(Zval::view) {
        Some(View::Object(o)) => o.class(),
        _ => class,
    };
    invoke(frame, magic, this, static_class, margs)
}

/// The method name in slot `name`: PHP's error unless it is a string.
fn method_name(frame: &mut Frame, name: usize) -> Result<Vec<u8>, PhpError> {
    if !matches!(borrow(frame, name).deref().view(), View::Str(_)) {
        return Err(error(frame, "Error", "Method name must be a string".into()));
    }
    Ok(name_in(frame, name))
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
    let mname = method_name(frame, name)?;
    let argv = crate::ops::call::decode_args(frame, args, argc);
    let View::Object(o) = target.view() else {
        let msg = format!(
            "Call to a member function {}() on {}",
            String::from_utf8_lossy(&mname),
            php_runtime::convert::type_name(&target)
        );
        return Err(error(frame, "Error", msg));
    };
    // `$closure->__invoke(...)` calls the closure.
    if o.internal::<crate::ops::callable::ClosureData>().is_some()
        && mname.eq_ignore_ascii_case(b"__invoke")
    {
        let target = crate::ops::callable::Target::Closure(o.clone());
        let r = crate::ops::callable::call_target(frame, target, argv)?;
        store(frame, dst, r);
        return Ok(());
    }
    let class = o.class();
    let found = class
        .method(&mname.to_ascii_lowercase())
        .filter(|m| visible(vm_of(frame), frame.code.class(), m.flags, m.class))
        .cloned();
    let found = match found {
        Some(m) => Some(m),
        None if let Some(call) = class.method(b"__call").cloned() => {
            let r = call_magic(frame, &call, Some(target.clone()), class, &mname, argv)?;
            store(frame, dst, r);
            return Ok(());
        }
        None => class.method(&mname.to_ascii_lowercase()).cloned(),
    };
    let Some(m) = found else {
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
    let mname = method_name(frame, name)?;
    let argv = crate::ops::call::decode_args(frame, args, argc);
    let lower = mname.to_ascii_lowercase();
    let found = class.method(&lower).cloned();
    let hidden = found
        .as_ref()
        .is_some_and(|m| !visible(vm_of(frame), frame.code.class(), m.flags, m.class));
    if found.is_none() && &lower[..] == b"__construct" {
        return Err(error(frame, "Error", "Cannot call constructor".into()));
    }
    if (found.is_none() || hidden)
        && let Some((magic, this)) = magic_method(frame, class, None)
    {
        let r = call_magic(frame, &magic, this, class, &mname, argv)?;
        store(frame, dst, r);
        return Ok(());
    }
    let Some(m) = found else {
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

/// `dst = cls::NAME`.
#[metajit::dont_look_inside]
pub fn class_const(frame: &mut Frame, dst: usize, cls: usize, name: usize) -> Result<(), PhpError> {
    let class = class_in(frame, cls)?;
    let cname = match &frame.code.func.constants[name] {
        php_compiler::Const::Str(s) => s.to_vec(),
        _ => Vec::new(),
    };
    if cname.eq_ignore_ascii_case(b"class") {
        store(frame, dst, Zval::string(PhpString::new(&class.name)));
        return Ok(());
    }
    match class.consts.get(&cname[..]) {
        Some(_) => {
            let v = crate::constexpr::class_constant_in(frame, class, &cname)?;
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
    if !matches!(
        borrow(frame, cls).deref().view(),
        View::Object(_) | View::Str(_)
    ) {
        let msg = "Class name must be a valid object or a string";
        return Err(error(frame, "Error", msg.into()));
    }
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
                        // By the class the name means (an alias names another class).
                        _ => {
                            let key = lower.strip_prefix(b"\\").unwrap_or(&lower);
                            match vm_of(frame).classes.get(key) {
                                Some(k) => o.class().is_a(k),
                                None => o.class().is_a_name(key),
                            }
                        }
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
    // A built-in object whose state is a value (`SensitiveParameterValue`) shares it.
    if let Some(state) = o.internal::<Zval>() {
        copy.set_internal(Box::new(state.clone()));
    }
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

/// PHP's warning for `(int)`/`(float)` (`to`) of an object, which converts to 1.
pub fn object_to_number(frame: &mut Frame, v: &Zval, to: &str) -> Result<(), PhpError> {
    if let View::Object(o) = v.deref().view() {
        let msg = format!(
            "Object of class {} could not be converted to {to}",
            o.class().display()
        );
        warn(frame, &msg)?;
    }
    Ok(())
}

/// PHP's notice for a comparison of an object with an int or a float (the object compares
/// as the number 1).
pub fn compare_notice(frame: &mut Frame, x: &Zval, y: &Zval) -> Result<(), PhpError> {
    let (x, y) = (x.deref(), y.deref());
    let (o, other) = match (x.view(), y.view()) {
        (View::Object(o), _) => (o.clone(), y.view()),
        (_, View::Object(o)) => (o.clone(), x.view()),
        _ => return Ok(()),
    };
    let to = match other {
        View::Int(_) => "int",
        View::Float(_) => "float",
        _ => return Ok(()),
    };
    let msg = format!(
        "Object of class {} could not be converted to {to}",
        o.class().display()
    );
    crate::ops::vars::notice(frame, &msg)
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
            let _ = frame;
            Zval::array(o.to_array())
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
