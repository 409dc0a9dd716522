//! Loading a compiled file into the VM: its functions (PHP's error for a name declared
//! twice), classes and closures, and the calls of its code resolved; and `include` and
//! `require`, which compile another file and run its code with the includer's variables.

use crate::vm::{Callee, Code, Frame, Vm, enter_frame, execute, leave_frame, vm_of};
use php_compiler::bytecode::LateDecl;
use php_compiler::{Const, Op, Program};
use php_runtime::value::{PhpRef, View};
use php_runtime::{PhpError, Zval};

/// Loads `program`, compiled from `file`: returns its main code.
pub fn load(vm: &mut Vm, program: Program, file: &'static str) -> Result<&'static Code, PhpError> {
    let constants = vm.constants.clone();
    let classes = vm.classes.clone();
    let none = |class: &[u8], name: &[u8]| -> Zval {
        if class.is_empty() {
            return crate::classes::named(&constants, name);
        }
        crate::classes::class_constant(&constants, &classes, class, name)
    };
    // Closures and late declarations are numbered per file: they move after the ones
    // loaded before.
    let offset = vm.closures.len() as u32;
    let late_offset = vm.late.len() as u32;
    let shift = |mut f: php_compiler::Function| {
        for op in &mut f.ops {
            match op {
                Op::MakeClosure { func, .. } => *func += offset,
                Op::Declare { index } => *index += late_offset,
                _ => {}
            }
        }
        f
    };
    let late: Vec<LateDecl> = program
        .late
        .into_iter()
        .map(|d| match d {
            LateDecl::Function(f) => LateDecl::Function(shift(f)),
            LateDecl::Class(mut c) => {
                c.methods = c
                    .methods
                    .into_iter()
                    .map(|(fl, m)| (fl, shift(m)))
                    .collect();
                LateDecl::Class(c)
            }
            d @ LateDecl::TopClass(_) => d,
        })
        .collect();
    let main = Code::load_with(shift(program.main), file, &none);
    let classes: Vec<_> = program
        .classes
        .into_iter()
        .map(|mut c| {
            c.methods = c
                .methods
                .into_iter()
                .map(|(fl, m)| (fl, shift(m)))
                .collect();
            c
        })
        .collect();
    // The top-level classes PHP binds when it compiles the file are made now; the others
    // when their declaration runs.
    let (class_codes, mut unbound) = crate::classes::hoist(vm, classes, file)?;
    for d in late {
        let d = match d {
            LateDecl::TopClass(i) => unbound
                .get_mut(i as usize)
                .and_then(Option::take)
                .map(LateDecl::Class),
            d => Some(d),
        };
        vm.late.push(d.map(|d| (d, file)));
    }
    let mut functions = Vec::new();
    for f in program.functions {
        let lower = f.name.to_ascii_lowercase();
        if vm.functions.contains_key(&lower) {
            let message = format!(
                "Cannot redeclare {}() (previously declared in {}:{})",
                String::from_utf8_lossy(&f.name),
                vm.functions[&lower].file,
                vm.functions[&lower].func.line
            );
            return Err(PhpError::Fatal {
                message,
                line: f.line,
            });
        }
        let code = Code::load_with(shift(f), file, &none);
        vm.functions.insert(lower, code);
        functions.push(code);
    }
    let mut closures = Vec::new();
    for f in program.closures {
        let code = Code::load_with(shift(f), file, &none);
        let scope = code.func.class.as_ref().map(|c| c.to_ascii_lowercase());
        if let Some(class) = scope.and_then(|c| vm.classes.get(&c).copied()) {
            let _ = code.scope.set(class);
        }
        closures.push(code);
    }
    vm.closures.extend(closures.iter().copied());
    resolve_calls(
        vm,
        functions
            .into_iter()
            .chain([main])
            .chain(class_codes)
            .chain(closures),
    );
    Ok(main)
}

/// Resolves the calls of `codes` (a function not declared yet is looked up again when
/// called).
fn resolve_calls(vm: &Vm, codes: impl IntoIterator<Item = &'static Code>) {
    for code in codes {
        let callees = code
            .func
            .constants
            .iter()
            .map(|k| match k {
                Const::Str(name) => vm.callee(&name.to_ascii_lowercase()),
                _ => Callee::Undefined,
            })
            .collect();
        let _ = code.callees.set(callees);
    }
}

fn lower(name: &[u8]) -> Vec<u8> {
    name.to_ascii_lowercase()
}

/// Runs a declaration inside a block: makes the function or class (PHP's fatal error when
/// the name is taken).
#[metajit::dont_look_inside]
pub fn declare_late(frame: &mut Frame, index: usize) -> Result<(), PhpError> {
    let vm = vm_of(frame);
    let Some((decl, file)) = vm.late.get(index).cloned().flatten() else {
        return Ok(());
    };
    let line = crate::ops::vars::line(frame);
    match decl {
        LateDecl::Function(f) => {
            let lower = f.name.to_ascii_lowercase();
            if let Some(old) = vm.functions.get(&lower) {
                let message = format!(
                    "Cannot redeclare {}() (previously declared in {}:{})",
                    String::from_utf8_lossy(&f.name),
                    old.file,
                    old.func.line
                );
                return Err(PhpError::Fatal { message, line });
            }
            let none = |_: &[u8], _: &[u8]| Zval::NULL;
            let code = Code::load_with(f, file, &none);
            vm.functions.insert(lower, code);
            resolve_calls(vm, [code]);
        }
        // An anonymous class (its made-up name holds a NUL byte, which no declared name
        // can) is declared the first time its `new` runs, and kept.
        LateDecl::Class(c) if c.name.contains(&0) && vm.classes.contains_key(&lower(&c.name)) => {}
        LateDecl::Class(c) => {
            let codes = crate::classes::declare_all(vm, vec![c], file)?;
            resolve_calls(vm, codes);
        }
        // Replaced by the class itself when the file was loaded.
        LateDecl::TopClass(_) => {}
    }
    Ok(())
}

/// Parses and compiles `src` from `path` for `include`: a parse error is a `ParseError`
/// thrown at the includer (naming the included file), a compile error a ready message. The
/// compile-time warnings and deprecations are raised as PHP raises them, before the file
/// runs (a handler gets those it may handle).
fn compile(frame: &mut Frame, src: &[u8], path: &'static str) -> Result<Program, PhpError> {
    let linted = php_syntax::lint_reporting(src, Default::default());
    for w in &linted.warnings {
        let file = w.file_name(path);
        crate::ops::vars::raise_at(frame, w.severity.error_type(), &w.message, file, w.line)?;
    }
    let ast = match linted.result {
        Ok(ast) => ast,
        Err(d) if d.severity == php_syntax::Severity::Parse => {
            let e = crate::ops::vars::throw(frame, "ParseError", d.message.clone());
            if let PhpError::Exception(o) = &e {
                drop(o.set(b"file", Zval::str(d.file_name(path))));
                drop(o.set(b"line", Zval::int(i64::from(d.line))));
            }
            return Err(e);
        }
        Err(d) => return Err(PhpError::Raw(d.display_text(path))),
    };
    let vm = vm_of(frame);
    php_compiler::compile(&ast, src, path.as_bytes(), vm.builtin_refs).map_err(|e| {
        if e.fatal {
            PhpError::Raw(format!(
                "\nFatal error: {} in {path} on line {}\n",
                e.message, e.line
            ))
        } else {
            PhpError::Raw(format!("hippy: {path}:{}: {}\n", e.line, e.message))
        }
    })
}

/// The file `include` names: as given if absolute or starting with `./` or `../`;
/// otherwise first from the working directory, then from the including file's directory.
fn find(name: &str, includer: &str) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(name);
    if p.is_absolute() || name.starts_with("./") || name.starts_with("../") {
        return p.is_file().then(|| p.to_path_buf());
    }
    if p.is_file() {
        return Some(p.to_path_buf());
    }
    let dir = std::path::Path::new(includer).parent()?;
    let q = dir.join(p);
    q.is_file().then_some(q)
}

/// `dst = include src` (`kind`: 0 include, 1 include_once, 2 require, 3 require_once).
#[metajit::dont_look_inside]
pub fn include(frame: &mut Frame, dst: usize, src: usize, kind: u8) -> Result<(), PhpError> {
    let name_z = crate::ops::borrow(frame, src).deref();
    let mut name = Vec::new();
    php_runtime::convert::push_string(&mut name, &name_z);
    let name = String::from_utf8_lossy(&name).into_owned();
    let once = kind == 1 || kind == 3;
    if crate::data_uri::is_data_uri(&name) {
        return include_data(frame, dst, &name, kind);
    }
    let Some(path) = find(&name, frame.code.file) else {
        let why = "No such file or directory";
        return not_opened(frame, dst, &name, kind, why);
    };
    let real = std::fs::canonicalize(&path).unwrap_or(path.clone());
    let vm = vm_of(frame);
    if once && vm.included.contains(&real) {
        crate::ops::store(frame, dst, Zval::bool(true));
        return Ok(());
    }
    if vm.included.insert(real.clone()) {
        vm.included_list.push(real.clone());
    }
    let src_text = std::fs::read(&path).unwrap_or_default();
    let shown: &'static str = Box::leak(real.to_string_lossy().into_owned().into_boxed_str());
    let program = compile(frame, &src_text, shown)?;
    let main = load(vm_of(frame), program, shown)?;
    let result = run_included(frame, main)?;
    crate::ops::store(frame, dst, result);
    Ok(())
}

/// The failure of `include` (`kind` as there) to open `name`: PHP's warnings, then for
/// `require` an `Error`, else `false`.
fn not_opened(
    frame: &mut Frame,
    dst: usize,
    name: &str,
    kind: u8,
    why: &str,
) -> Result<(), PhpError> {
    let word = ["include", "include_once", "require", "require_once"][kind as usize];
    crate::ops::vars::warn(
        frame,
        &format!("{word}({name}): Failed to open stream: {why}"),
    )?;
    let include_path = vm_of(frame)
        .ini
        .get("include_path")
        .cloned()
        .unwrap_or_default();
    if kind >= 2 {
        return Err(crate::ops::vars::throw(
            frame,
            "Error",
            format!("Failed opening required '{name}' (include_path='{include_path}')"),
        ));
    }
    crate::ops::vars::warn(
        frame,
        &format!("{word}(): Failed opening '{name}' for inclusion (include_path='{include_path}')"),
    )?;
    crate::ops::store(frame, dst, Zval::bool(false));
    Ok(())
}

/// `include` of a `data:` URL: its text, if `allow_url_include` lets the wrapper open it.
fn include_data(frame: &mut Frame, dst: usize, name: &str, kind: u8) -> Result<(), PhpError> {
    let word = ["include", "include_once", "require", "require_once"][kind as usize];
    let allowed = vm_of(frame)
        .ini
        .get("allow_url_include")
        .is_some_and(|v| crate::startup::ini_true(&v.to_ascii_lowercase()));
    if !allowed {
        let msg = format!(
            "{word}(): data:// wrapper is disabled in the server configuration by allow_url_include=0"
        );
        crate::ops::vars::warn(frame, &msg)?;
        return not_opened(frame, dst, name, kind, "no suitable wrapper could be found");
    }
    let src_text = match crate::data_uri::decode(name) {
        Ok(t) => t,
        Err(why) => return not_opened(frame, dst, name, kind, why),
    };
    let shown: &'static str = Box::leak(name.to_string().into_boxed_str());
    let program = compile(frame, &src_text, shown)?;
    let main = load(vm_of(frame), program, shown)?;
    let result = run_included(frame, main)?;
    crate::ops::store(frame, dst, result);
    Ok(())
}

/// `dst = eval(src)`: the code runs with the caller's variables; a syntax error in it is a
/// `ParseError` thrown at the caller.
#[metajit::dont_look_inside]
pub fn eval(frame: &mut Frame, dst: usize, src: usize) -> Result<(), PhpError> {
    let code = crate::ops::borrow(frame, src).deref();
    let mut text = b"<?php ".to_vec();
    php_runtime::convert::push_string(&mut text, &code);
    let shown: &'static str = Box::leak(
        format!(
            "{}({}) : eval()'d code",
            frame.code.file,
            crate::ops::vars::line(frame)
        )
        .into_boxed_str(),
    );
    // Its compile-time warnings are raised as it is compiled (a handler gets them).
    let linted = php_syntax::lint_reporting(&text, Default::default());
    for w in &linted.warnings {
        let file = w.file_name(shown);
        crate::ops::vars::raise_at(frame, w.severity.error_type(), &w.message, file, w.line)?;
    }
    let ast = match linted.result {
        Ok(a) => a,
        Err(d) => {
            let e = crate::ops::vars::throw(frame, "ParseError", d.message.clone());
            if let PhpError::Exception(o) = &e {
                drop(o.set(b"file", Zval::str(shown)));
                drop(o.set(b"line", Zval::int(i64::from(d.line))));
            }
            return Err(e);
        }
    };
    let vm = vm_of(frame);
    let program = php_compiler::compile_eval(&ast, &text, shown.as_bytes(), vm.builtin_refs)
        .map_err(|e| {
            if e.fatal {
                PhpError::Raw(format!(
                    "\nFatal error: {} in {shown} on line {}\n",
                    e.message, e.line
                ))
            } else {
                PhpError::Raw(format!("hippy: {shown}:{}: {}\n", e.line, e.message))
            }
        })?;
    let main = load(vm, program, shown)?;
    let result = run_included(frame, main)?;
    crate::ops::store(frame, dst, result);
    Ok(())
}

/// Runs an included file's code with the variables of `frame`: each variable it uses is
/// bound by reference to the includer's variable of that name (a global made by `global`
/// at the top level, or a new one elsewhere).
fn run_included(frame: &mut Frame, main: &'static Code) -> Result<Zval, PhpError> {
    if frame.depth >= crate::vm::MAX_DEPTH {
        return Err(PhpError::Fatal {
            message:
                "Allowed memory size of 134217728 bytes exhausted (tried to allocate 262144 bytes)"
                    .into(),
            line: crate::ops::vars::line(frame),
        });
    }
    let callee = enter_frame(
        frame.vm,
        frame.depth + 1,
        main,
        Some(metajit::ref_of(frame)),
    );
    // SAFETY: the callee's frame is not this one and nothing else uses it.
    let c = unsafe { callee.get_mut() };
    c.argc = 0;
    c.static_class = frame.static_class;
    // The code runs in the includer's class scope (`self`, private members).
    if let Some(class) = frame.code.class() {
        let _ = main.scope.set(class);
    }
    for (i, name) in main.func.cvs.iter().enumerate() {
        if let Some(r) = scope_variable(frame, name) {
            crate::ops::store(c, i, Zval::reference(r));
        }
    }
    let vm = vm_of(frame);
    let jit = vm.jit.clone();
    vm.depth = c.depth;
    let result = execute(&jit, main, c);
    if result.is_err() {
        // A `return` wrote the variables back.
        crate::include_scope::write_back(c);
    }
    // The returned value is in slot 0 (on an error, slot 0 is a variable, released with the
    // others).
    let ret = result.map(|()| {
        let v = std::mem::replace(&mut c.slots.as_mut_slice()[0], php_runtime::Value::UNDEF);
        // SAFETY: slot 0 owned the returned value.
        unsafe { Zval::from_raw(v) }
    });
    leave_frame(c);
    vm_of(frame).depth = frame.depth;
    let ret = ret?;
    Ok(match ret.view() {
        View::Undef => Zval::NULL,
        _ => ret,
    })
}

/// The variable `name` of the scope `frame` runs in, as a reference: the frame's own, or, for
/// the code of an included file, its includer's (up to the global scope, where a variable
/// the script's code does not name lives among the extra globals, and in a function, among
/// the variables only `$$name` reaches).
fn scope_variable(frame: &mut Frame, name: &[u8]) -> Option<PhpRef> {
    let mut f: &mut Frame = frame;
    loop {
        if let Some(j) = f.code.func.cvs.iter().position(|n| &n[..] == name) {
            return Some(crate::ops::vars::ref_of_slot(f, j));
        }
        if f.depth == 1 {
            return Some(
                vm_of(f)
                    .extra_globals
                    .entry(name.to_vec())
                    .or_insert_with(|| PhpRef::new(Zval::UNDEF))
                    .clone(),
            );
        }
        let included = &f.code.func.name[..] == b"{main}";
        match (included, f.parent) {
            // SAFETY: a caller's frame outlives its callee's, and only this walk uses it.
            (true, Some(p)) => f = unsafe { p.get_mut() },
            _ => {
                let depth = f.depth as usize;
                let vm = vm_of(f);
                if vm.dynamic_vars.len() <= depth {
                    vm.dynamic_vars.resize_with(depth + 1, Default::default);
                }
                return Some(
                    vm.dynamic_vars[depth]
                        .entry(name.to_vec())
                        .or_insert_with(|| PhpRef::new(Zval::UNDEF))
                        .clone(),
                );
            }
        }
    }
}
