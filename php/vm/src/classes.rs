//! Making classes: the built-in ones from their [`ClassSpec`] tables and the program's from
//! their compiled [`ClassDef`]s, each after its parent and interfaces, with what it inherits;
//! and the hook that runs destructors.

use crate::inherit::LinkError;
use crate::vm::{Code, Vm};
use php_compiler::Const;
use php_compiler::bytecode::ClassDef;
use php_runtime::object::{Class, ClassConst, Method, MethodBody, PropInfo, StaticProp, flags};
use php_runtime::value::PhpRef;
use php_runtime::{PhpError, Zval};
use std::collections::HashMap;

pub use crate::constexpr::{const_value, needs_runtime};

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
    let mut codes = Vec::new();
    let mut unbound = Vec::new();
    for def in defs {
        match early_bind(vm, &def) {
            Ok(Some(linked)) => {
                codes.extend(declare(vm, def, linked, file));
                unbound.push(None);
            }
            Ok(None) => unbound.push(Some(def)),
            Err(LinkError::Fatal(message, line)) => return Err(fatal(message, line)),
            Err(LinkError::Core(message)) => return Err(core_error(message)),
            Err(LinkError::Unresolved(..)) => unbound.push(Some(def)),
        }
    }
    Ok((codes, unbound))
}

/// PHP's early binding of the top-level class `def`: `None` if PHP leaves it to be made when
/// its declaration runs (it has interfaces, its name is taken, its parent does not exist, or
/// a check needs a class that does not exist yet); otherwise the checks' outcome, a failure
/// being a compile-time error (never [`LinkError::Unresolved`]). The caller makes the class
/// with [`declare`].
pub(crate) fn early_bind(
    vm: &Vm,
    def: &ClassDef,
) -> Result<Option<crate::links::Linked>, LinkError> {
    let find = |n: &[u8]| vm.classes.get(&n.to_ascii_lowercase()).copied();
    if !def.interfaces.is_empty() || find(&def.name).is_some() {
        return Ok(None);
    }
    let parent = match def.parent.as_deref().map(find) {
        Some(None) => return Ok(None),
        Some(Some(p)) => Some(p),
        None => None,
    };
    let id = vm.class_list.len() as u32;
    if let Some(p) = parent
        && !crate::inherit::early_bindable(vm, def, id, p)
    {
        return Ok(None);
    }
    match crate::inherit::link(vm, def, id, parent, &[]) {
        Ok(linked) => Ok(Some(linked)),
        Err(LinkError::Unresolved(..)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Runs the checks of linking `def` (its parent and interfaces exist).
fn link(vm: &Vm, def: &ClassDef) -> Result<crate::links::Linked, LinkError> {
    let find = |n: &[u8]| vm.classes.get(&n.to_ascii_lowercase()).copied();
    let parent = def.parent.as_deref().and_then(find);
    let interfaces: Vec<&'static Class> = def.interfaces.iter().filter_map(|n| find(n)).collect();
    crate::inherit::link(vm, def, vm.class_list.len() as u32, parent, &interfaces)
}

/// Makes one program class.
pub(crate) fn declare(
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
