//! Making classes: the built-in ones from their [`ClassSpec`] tables and the program's from
//! their compiled [`ClassDef`]s, each after its parent and interfaces, with what it inherits;
//! and the hook that runs destructors.

use crate::inherit::LinkError;
use crate::vm::{Code, Vm};
use php_compiler::bytecode::ClassDef;
use php_compiler::{BinOp, Const, UnOp};
use php_runtime::convert::{to_bool, to_int};
use php_runtime::object::{Class, ClassConst, Method, MethodBody, PropInfo, StaticProp, flags};
use php_runtime::value::PhpRef;
use php_runtime::{ArrayKey, PhpArray, PhpError, PhpString, Zval};
use std::collections::HashMap;

/// The value of a constant; `resolve` gives class constants (`Class::NAME`) and, with an
/// empty class, named constants.
pub fn const_value(k: &Const, resolve: &dyn Fn(&[u8], &[u8]) -> Zval) -> Zval {
    match k {
        Const::Null => Zval::NULL,
        Const::Bool(b) => Zval::bool(*b),
        Const::Int(i) => Zval::int(*i),
        Const::Float(f) => Zval::float(*f),
        Const::Str(s) => Zval::string(PhpString::new(s)),
        Const::Array(items) => {
            let mut a = PhpArray::new();
            for (key, v) in items {
                if let Const::Spread(inner) = v {
                    // `...x`: its elements, string keys kept, int keys renumbered.
                    if let php_runtime::value::View::Array(src) = const_value(inner, resolve).view()
                    {
                        for (k, v) in src.iter() {
                            match k {
                                ArrayKey::Str(_) => drop(a.insert(k.clone(), v.clone())),
                                ArrayKey::Int(_) => drop(a.append(v.clone())),
                            }
                        }
                    }
                    continue;
                }
                let v = const_value(v, resolve);
                match key.as_ref().map(|k| const_value(k, resolve)) {
                    Some(k) => {
                        let key = match k.view() {
                            php_runtime::value::View::Int(i) => ArrayKey::Int(i),
                            _ => {
                                let mut out = Vec::new();
                                php_runtime::convert::push_string(&mut out, &k);
                                ArrayKey::from_bytes(&out)
                            }
                        };
                        drop(a.insert(key, v));
                    }
                    None => {
                        let _ = a.append(v);
                    }
                }
            }
            Zval::array(a)
        }
        Const::ClassConst(class, name) => resolve(class, name),
        Const::Named(name) => resolve(b"", name),
        Const::Binary(op, pair) => {
            let [a, b] = &**pair;
            fold(*op, &const_value(a, resolve), &const_value(b, resolve))
        }
        Const::Unary(op, a) => {
            let a = const_value(a, resolve);
            match op {
                UnOp::Not => Zval::bool(!to_bool(&a)),
                UnOp::Bool => Zval::bool(to_bool(&a)),
                UnOp::IsSet => Zval::bool(!a.is_null()),
                UnOp::Neg => fold(BinOp::Mul, &a, &Zval::int(-1)),
                UnOp::Plus => fold(BinOp::Mul, &a, &Zval::int(1)),
                UnOp::BitNot => Zval::int(!to_int(&a)),
                _ => Zval::NULL,
            }
        }
        Const::Dim(pair) => {
            let [a, k] = &**pair;
            let (a, k) = (const_value(a, resolve), const_value(k, resolve));
            match (a.view(), k.view()) {
                (php_runtime::value::View::Array(arr), php_runtime::value::View::Int(i)) => arr
                    .get(php_runtime::array::KeyRef::Int(i))
                    .map_or(Zval::NULL, |v| v.clone()),
                (php_runtime::value::View::Array(arr), _) => {
                    let mut out = Vec::new();
                    php_runtime::convert::push_string(&mut out, &k);
                    arr.get(php_runtime::array::KeyRef::from_bytes(&out))
                        .map_or(Zval::NULL, |v| v.clone())
                }
                _ => Zval::NULL,
            }
        }
        Const::Spread(a) => const_value(a, resolve),
        Const::Ternary(t) => {
            let (c, then, otherwise) = &**t;
            let c = const_value(c, resolve);
            if to_bool(&c) {
                match then {
                    Some(x) => const_value(x, resolve),
                    None => c,
                }
            } else {
                const_value(otherwise, resolve)
            }
        }
    }
}

/// Whether a constant needs the program's constants to be evaluated (a constant expression
/// or an array holding one).
pub fn needs_runtime(k: &Const) -> bool {
    match k {
        Const::Null | Const::Bool(_) | Const::Int(_) | Const::Float(_) | Const::Str(_) => false,
        Const::Array(items) => items
            .iter()
            .any(|(key, v)| key.as_ref().is_some_and(needs_runtime) || needs_runtime(v)),
        _ => true,
    }
}

/// `a op b` on constant values (no diagnostics: what would warn or throw folds to `null`).
fn fold(op: BinOp, a: &Zval, b: &Zval) -> Zval {
    use php_runtime::arith as ar;
    use php_runtime::convert::{Operand, to_operand};
    let num = |v: &Zval| match to_operand(v) {
        Operand::Num(n) | Operand::Leading(n) => Some(n),
        Operand::Unsupported => None,
    };
    let cmp = |a: &Zval, b: &Zval| php_runtime::compare::compare(a, b).unwrap_or(1);
    match op {
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow | BinOp::Mod => {
            let (Some(x), Some(y)) = (num(a), num(b)) else {
                return Zval::NULL;
            };
            match op {
                BinOp::Add => Zval::from(ar::add(x, y)),
                BinOp::Sub => Zval::from(ar::sub(x, y)),
                BinOp::Mul => Zval::from(ar::mul(x, y)),
                BinOp::Pow => Zval::from(ar::pow(x, y)),
                BinOp::Div => ar::div(x, y).map_or(Zval::NULL, Zval::from),
                _ => ar::modulo(to_int(a), to_int(b)).map_or(Zval::NULL, Zval::int),
            }
        }
        BinOp::Concat => {
            let mut out = Vec::new();
            php_runtime::convert::push_string(&mut out, a);
            php_runtime::convert::push_string(&mut out, b);
            Zval::string(PhpString::new(&out))
        }
        BinOp::Shl => ar::shl(to_int(a), to_int(b)).map_or(Zval::NULL, Zval::int),
        BinOp::Shr => ar::shr(to_int(a), to_int(b)).map_or(Zval::NULL, Zval::int),
        BinOp::BitAnd => Zval::int(to_int(a) & to_int(b)),
        BinOp::BitOr => Zval::int(to_int(a) | to_int(b)),
        BinOp::BitXor => Zval::int(to_int(a) ^ to_int(b)),
        BinOp::Xor => Zval::bool(to_bool(a) != to_bool(b)),
        BinOp::Equal => Zval::bool(cmp(a, b) == 0),
        BinOp::NotEqual => Zval::bool(cmp(a, b) != 0),
        BinOp::Identical => Zval::bool(php_runtime::compare::identical(a, b).unwrap_or(false)),
        BinOp::NotIdentical => Zval::bool(!php_runtime::compare::identical(a, b).unwrap_or(false)),
        BinOp::Less => Zval::bool(cmp(a, b) < 0),
        BinOp::LessEqual => Zval::bool(cmp(a, b) <= 0),
        BinOp::Spaceship => Zval::int(i64::from(cmp(a, b).signum())),
    }
}

/// A class being made: the parts a subclass starts from.
struct Parts {
    props: Vec<PropInfo>,
    methods: HashMap<Box<[u8]>, Method>,
    consts: HashMap<Box<[u8]>, ClassConst>,
    statics: HashMap<Box<[u8]>, StaticProp>,
    interfaces: Vec<&'static Class>,
}

/// What a class inherits from its parent and interfaces.
fn inherit(parent: Option<&'static Class>, interfaces: &[&'static Class]) -> Parts {
    let mut p = Parts {
        props: Vec::new(),
        methods: HashMap::new(),
        consts: HashMap::new(),
        statics: HashMap::new(),
        interfaces: Vec::new(),
    };
    for &i in interfaces {
        for (k, m) in &i.methods {
            p.methods.insert(k.clone(), m.clone());
        }
        for (k, c) in &i.consts {
            p.consts.insert(k.clone(), copy_const(c));
        }
        p.interfaces.push(i);
        p.interfaces.extend(i.interfaces.iter().copied());
    }
    if let Some(parent) = parent {
        p.props = parent
            .props
            .iter()
            .map(|x| PropInfo {
                name: x.name.clone(),
                flags: x.flags,
                class: x.class,
                owner: x.owner.clone(),
                default: x.default.clone(),
                ty: x.ty,
                lazy: x.lazy.clone(),
            })
            .collect();
        for (k, m) in &parent.methods {
            // A class's own methods win over its interfaces' (abstract) ones.
            p.methods.insert(k.clone(), m.clone());
        }
        for (k, c) in &parent.consts {
            p.consts.insert(k.clone(), copy_const(c));
        }
        for (k, s) in &parent.statics {
            p.statics.insert(
                k.clone(),
                StaticProp {
                    slot: s.slot.clone(),
                    flags: s.flags,
                    class: s.class,
                },
            );
        }
        p.interfaces.extend(parent.interfaces.iter().copied());
    }
    p.interfaces.sort_by_key(|c| c.id);
    p.interfaces.dedup_by_key(|c| c.id);
    p
}

fn copy_const(c: &ClassConst) -> ClassConst {
    ClassConst {
        value: c.value.clone(),
        lazy: c.lazy.clone(),
        flags: c.flags,
        class: c.class,
    }
}

/// Declares `info`, replacing an inherited declaration of the name (an ancestor's private
/// property stays: objects hold both).
fn add_prop(props: &mut Vec<PropInfo>, info: PropInfo) {
    let inherited = props
        .iter_mut()
        .find(|p| p.name == info.name && !(p.is_private() && p.class != info.class));
    match inherited {
        Some(p) => *p = info,
        None => props.push(info),
    }
}

/// Makes the class and registers it.
fn register(
    vm: &mut Vm,
    name: &[u8],
    flags: u16,
    parent: Option<&'static Class>,
    p: Parts,
) -> &'static Class {
    let class: &'static Class = Box::leak(Box::new(Class {
        id: vm.class_list.len() as u32,
        name: name.into(),
        lower: name.to_ascii_lowercase().into(),
        flags,
        parent,
        interfaces: p.interfaces,
        props: p.props,
        methods: p.methods,
        consts: p.consts,
        statics: p.statics,
    }));
    vm.class_list.push(class);
    vm.classes.insert(class.lower.to_vec(), class);
    class
}

/// Makes the built-in classes of `vm.class_specs`.
pub fn declare_builtin(vm: &mut Vm) {
    for spec in vm.class_specs {
        let id = vm.class_list.len() as u32;
        let parent = spec
            .parent
            .map(|n| vm.classes[n.to_ascii_lowercase().as_bytes()]);
        let interfaces: Vec<&'static Class> = spec
            .interfaces
            .iter()
            .map(|n| vm.classes[n.to_ascii_lowercase().as_bytes()])
            .collect();
        let mut p = inherit(parent, &interfaces);
        for prop in spec.props {
            add_prop(
                &mut p.props,
                PropInfo {
                    name: prop.name.as_bytes().into(),
                    flags: prop.flags,
                    class: id,
                    owner: spec.name.as_bytes().into(),
                    default: prop.default.to_zval(),
                    ty: None,
                    lazy: None,
                },
            );
        }
        for &(name, f, body) in spec.methods {
            p.methods.insert(
                name.to_ascii_lowercase().into_bytes().into(),
                Method {
                    name: name.as_bytes().into(),
                    flags: f,
                    class: id,
                    body: MethodBody::Native(body),
                },
            );
        }
        register(vm, spec.name.as_bytes(), spec.flags, parent, p);
    }
}

/// A fatal error without a place, as PHP prints an `E_CORE_ERROR`.
fn core_error(message: String) -> PhpError {
    PhpError::Raw(format!("\nFatal error: {message} in Unknown on line 0\n"))
}

fn fatal(message: String, line: u32) -> PhpError {
    PhpError::Fatal { message, line }
}

/// Makes the program's classes, each once its parent and interfaces exist; returns the code
/// of their methods (to resolve the calls in it).
pub fn declare_all(
    vm: &mut Vm,
    defs: Vec<ClassDef>,
    file: &'static str,
) -> Result<Vec<&'static Code>, PhpError> {
    let mut pending: Vec<ClassDef> = defs;
    let mut codes = Vec::new();
    let exists = |vm: &Vm, n: &[u8]| vm.classes.contains_key(&n.to_ascii_lowercase());
    while !pending.is_empty() {
        // The first class whose parent and interfaces exist; one whose checks need a class
        // not made yet waits for the others (PHP's delayed variance checks).
        let mut made = false;
        let mut held = None;
        for i in 0..pending.len() {
            let d = &pending[i];
            if !d.parent.iter().chain(&d.interfaces).all(|n| exists(vm, n)) {
                continue;
            }
            if exists(vm, &d.name) {
                return Err(fatal(
                    format!(
                        "Cannot declare class {}, because the name is already in use",
                        String::from_utf8_lossy(&d.name)
                    ),
                    d.line,
                ));
            }
            match link(vm, d) {
                Ok(linked) => {
                    let def = pending.remove(i);
                    codes.extend(declare(vm, def, linked, file));
                    made = true;
                    break;
                }
                Err(LinkError::Fatal(message, line)) => return Err(fatal(message, line)),
                Err(LinkError::Core(message)) => return Err(core_error(message)),
                Err(LinkError::Unresolved(message, line)) => {
                    held.get_or_insert(fatal(message, line));
                }
            }
        }
        if made {
            continue;
        }
        if let Some(e) = held {
            return Err(e);
        }
        let d = &pending[0];
        let missing = d
            .parent
            .iter()
            .chain(&d.interfaces)
            .find(|n| !exists(vm, n));
        let kind = if d.parent.as_ref() == missing {
            "Class"
        } else {
            "Interface"
        };
        return Err(fatal(
            format!(
                "Uncaught Error: {kind} \"{}\" not found",
                String::from_utf8_lossy(missing.map_or(&b""[..], |n| &n[..]))
            ),
            d.line,
        ));
    }
    Ok(codes)
}

/// Makes the top-level classes of a file that PHP binds when it compiles the file, in order:
/// those without interfaces whose parent, if any, exists and whose checks can be decided (a
/// failed check is then a compile-time error). Returns their methods' code, and the others
/// (`None` where a class was made), to be made when their declaration runs.
#[allow(clippy::type_complexity)]
pub fn hoist(
    vm: &mut Vm,
    defs: Vec<ClassDef>,
    file: &'static str,
) -> Result<(Vec<&'static Code>, Vec<Option<ClassDef>>), PhpError> {
    let exists = |vm: &Vm, n: &[u8]| vm.classes.contains_key(&n.to_ascii_lowercase());
    let mut codes = Vec::new();
    let mut unbound = Vec::new();
    for def in defs {
        let bindable = def.interfaces.is_empty()
            && !exists(vm, &def.name)
            && def.parent.as_ref().is_none_or(|p| exists(vm, p));
        if !bindable {
            unbound.push(Some(def));
            continue;
        }
        match link(vm, &def) {
            Ok(linked) => {
                codes.extend(declare(vm, def, linked, file));
                unbound.push(None);
            }
            Err(LinkError::Fatal(message, line)) => return Err(fatal(message, line)),
            Err(LinkError::Core(message)) => return Err(core_error(message)),
            Err(LinkError::Unresolved(..)) => unbound.push(Some(def)),
        }
    }
    Ok((codes, unbound))
}

/// Runs the checks of linking `def` (its parent and interfaces exist).
fn link(vm: &Vm, def: &ClassDef) -> Result<crate::links::Linked, LinkError> {
    let find = |n: &[u8]| vm.classes.get(&n.to_ascii_lowercase()).copied();
    let parent = def.parent.as_deref().and_then(find);
    let interfaces: Vec<&'static Class> = def.interfaces.iter().filter_map(|n| find(n)).collect();
    crate::inherit::link(vm, def, vm.class_list.len() as u32, parent, &interfaces)
}

/// Makes one program class.
fn declare(
    vm: &mut Vm,
    def: ClassDef,
    linked: crate::links::Linked,
    file: &'static str,
) -> Vec<&'static Code> {
    for (message, line) in &linked.deprecations {
        const E_DEPRECATED: i64 = 8192;
        if vm.error_reporting & E_DEPRECATED != 0 {
            vm.report_error(E_DEPRECATED, "Deprecated", message, file, *line);
        }
    }
    let id = vm.class_list.len() as u32;
    let find = |n: &[u8]| vm.classes[&n.to_ascii_lowercase()];
    let parent = def.parent.as_deref().map(find);
    let interfaces: Vec<&'static Class> = def.interfaces.iter().map(|n| find(n)).collect();
    let mut p = inherit(parent, &interfaces);
    let classes = vm.classes.clone();
    let constants = vm.constants.clone();
    let resolve = |class: &[u8], cname: &[u8]| -> Zval {
        if class.is_empty() {
            return named(&constants, cname);
        }
        class_constant(&constants, &classes, class, cname)
    };
    for (cname, f, k) in &def.consts {
        // A constant expression is evaluated at first use (PHP's order: after the script
        // defined the constants it names); a literal now.
        let lazy = needs_runtime(k);
        let value = if lazy {
            Zval::UNDEF
        } else {
            const_value(k, &resolve)
        };
        p.consts.insert(
            cname.clone(),
            ClassConst {
                value: std::cell::RefCell::new(value),
                lazy: lazy.then(|| std::rc::Rc::new(k.clone()) as std::rc::Rc<dyn std::any::Any>),
                flags: *f,
                class: id,
            },
        );
    }
    let own_consts: HashMap<Box<[u8]>, ClassConst> = p
        .consts
        .iter()
        .map(|(k, c)| (k.clone(), copy_const(c)))
        .collect();
    let resolve_all = |class: &[u8], n: &[u8]| -> Zval {
        if class.eq_ignore_ascii_case(&def.name)
            && let Some(c) = own_consts.get(n)
        {
            return evaluate(&constants, &classes, c, &resolve);
        }
        resolve(class, n)
    };
    for prop in &def.props {
        let is_static = prop.flags & flags::STATIC != 0;
        let lazy = prop
            .default
            .as_ref()
            .filter(|k| !is_static && needs_runtime(k))
            .map(|k| std::rc::Rc::new(k.clone()) as std::rc::Rc<dyn std::any::Any>);
        let default = match (&prop.default, &lazy) {
            (_, Some(_)) => Zval::NULL,
            (Some(k), None) => const_value(k, &resolve_all),
            (None, None) => Zval::UNDEF,
        };
        if is_static {
            p.statics.insert(
                prop.name.clone(),
                StaticProp {
                    slot: PhpRef::new(
                        if matches!(default.view(), php_runtime::value::View::Undef) {
                            Zval::NULL
                        } else {
                            default
                        },
                    ),
                    flags: prop.flags,
                    class: id,
                },
            );
        } else {
            add_prop(
                &mut p.props,
                PropInfo {
                    name: prop.name.clone(),
                    flags: prop.flags,
                    class: id,
                    owner: def.name.clone(),
                    default,
                    ty: crate::ops::types::leak_type(&prop.ty),
                    lazy,
                },
            );
        }
    }
    let mut codes = Vec::new();
    for (f, func) in def.methods {
        let lower: Box<[u8]> = func.name.to_ascii_lowercase().into();
        let method_name = func.name.clone();
        let code = Code::load_with(func, file, &resolve_all);
        let index = vm.methods.len() as u32;
        vm.methods.push(code);
        codes.push(code);
        p.methods.insert(
            lower,
            Method {
                name: method_name,
                flags: f,
                class: id,
                body: MethodBody::User(index),
            },
        );
    }
    // `#[AllowDynamicProperties]` is inherited.
    let dynamic = parent.map_or(0, |c| c.flags & flags::DYNAMIC);
    let class = register(vm, &def.name, def.flags | dynamic, parent, p);
    vm.links.insert(class.id, linked);
    for &code in &codes {
        let _ = code.scope.set(class);
    }
    codes
}

/// The value of `class::name` (`null` if there is none), its constant expression evaluated
/// on first use.
pub fn class_constant(
    constants: &HashMap<Vec<u8>, Zval>,
    classes: &HashMap<Vec<u8>, &'static Class>,
    class: &[u8],
    name: &[u8],
) -> Zval {
    let Some(c) = classes
        .get(&class.to_ascii_lowercase())
        .and_then(|c| c.consts.get(name))
    else {
        return Zval::NULL;
    };
    let resolve = |k: &[u8], n: &[u8]| -> Zval {
        if k.is_empty() {
            return named(constants, n);
        }
        class_constant(constants, classes, k, n)
    };
    evaluate(constants, classes, c, &resolve)
}

thread_local! {
    /// How deep constant expressions are being evaluated (a constant naming itself stops).
    static EVALUATING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// A class constant's value, evaluating its expression the first time.
fn evaluate(
    _constants: &HashMap<Vec<u8>, Zval>,
    _classes: &HashMap<Vec<u8>, &'static Class>,
    c: &ClassConst,
    resolve: &dyn Fn(&[u8], &[u8]) -> Zval,
) -> Zval {
    let current = c.value.borrow().clone();
    if !matches!(current.view(), php_runtime::value::View::Undef) {
        return current;
    }
    let Some(k) = c.lazy.as_ref().and_then(|l| l.downcast_ref::<Const>()) else {
        return Zval::NULL;
    };
    if EVALUATING.with(|e| e.get()) > 64 {
        return Zval::NULL;
    }
    EVALUATING.with(|e| e.set(e.get() + 1));
    let v = const_value(k, resolve);
    EVALUATING.with(|e| e.set(e.get() - 1));
    *c.value.borrow_mut() = v.clone();
    v
}

/// A named constant's value (`null` if it is not defined), for constant expressions: an
/// unqualified name in a namespace falls back to the global one.
pub fn named(constants: &HashMap<Vec<u8>, Zval>, name: &[u8]) -> Zval {
    let name = name.strip_prefix(b"\\").unwrap_or(name);
    constants
        .get(name)
        .or_else(|| {
            let i = name.iter().rposition(|&b| b == b'\\')?;
            constants.get(&name[i + 1..])
        })
        .cloned()
        .unwrap_or(Zval::NULL)
}

thread_local! {
    /// The VM destructors run in.
    static VM: std::cell::Cell<*mut Vm> = const { std::cell::Cell::new(std::ptr::null_mut()) };
}

/// Makes objects whose class has `__destruct` run it when their last owner goes.
pub fn install_destructor_hook(vm: &mut Vm) {
    VM.with(|v| v.set(vm));
    php_runtime::object::set_destructor_hook(Some(run_destructor));
}

/// Stops running destructors (the program is over).
pub fn remove_destructor_hook() {
    php_runtime::object::set_destructor_hook(None);
    VM.with(|v| v.set(std::ptr::null_mut()));
}

fn run_destructor(obj: php_runtime::object::PhpObject) {
    let vm = VM.with(|v| v.get());
    if vm.is_null() {
        return;
    }
    // SAFETY: the hook is installed only while the VM runs the program, on its thread.
    let vm = unsafe { &mut *vm };
    if let Err(e) = crate::ops::object::destruct(vm, obj)
        && vm.pending.is_none()
    {
        vm.pending = Some(e);
    }
}
