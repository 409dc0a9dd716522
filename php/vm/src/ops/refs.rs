//! The reference instructions ([`RefOp`](php_compiler::RefOp)): destructuring by reference, variables named at
//! run time (`global $$name`, `unset($$name)`) and PHP's diagnostics about values that
//! cannot be references.

use crate::ops::vars::{notice, ref_of_slot, throw};
use crate::ops::{borrow, store};
use crate::vm::{Callee, Code, Frame, vm_of};
use php_compiler::{Const, NONE, Param, RefNeed};
use php_runtime::value::PhpRef;
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray};
use php_runtime::{PhpError, Zval};

/// `dst =` a reference to element `key` of what the reference in `base` refers to; a plain
/// value in `base` (a function's result) gives PHP's notice and a reference to a copy.
#[metajit::dont_look_inside]
pub fn fetch_list(frame: &mut Frame, dst: usize, base: usize, key: usize) -> Result<(), PhpError> {
    let inner = match borrow(frame, base).view() {
        View::Ref(r) => Some(r.get()),
        _ => None,
    };
    let Some(inner) = inner else {
        notice(
            frame,
            "Attempting to set reference to non referenceable value",
        )?;
        crate::ops::array::fetch_list(frame, dst, base, key)?;
        ref_of_slot(frame, dst);
        return Ok(());
    };
    if matches!(inner.view(), View::Str(_)) {
        let msg = "Cannot create references to/from string offsets";
        return Err(throw(frame, "Error", msg.into()));
    }
    drop(inner);
    crate::ops::array::make_ref_dim(frame, dst, base, NONE as usize, key, 1, false)
}

/// PHP's notice for `need` (a [`RefNeed`] as `u8`) unless slot `src` holds a reference; a
/// value to return is then made a reference.
#[metajit::dont_look_inside]
pub fn expect(frame: &mut Frame, src: usize, need: u8) -> Result<(), PhpError> {
    if matches!(borrow(frame, src).view(), View::Ref(_)) {
        return Ok(());
    }
    let need = RefNeed::ALL[need as usize];
    notice(frame, need.message())?;
    if need == RefNeed::Returned {
        // PHP returns the value in a new reference (the caller sees no second notice).
        ref_of_slot(frame, src);
    }
    Ok(())
}

/// The user function named by constant `name` of the frame's code (`None`: a built-in one,
/// or none).
fn user_callee(frame: &mut Frame, name: usize) -> Option<&'static Code> {
    let mut callee = frame
        .code
        .callees
        .get()
        .map_or(Callee::Undefined, |c| c[name]);
    if let Callee::Undefined = callee
        && let Const::Str(s) = &frame.code.func.constants[name]
    {
        callee = vm_of(frame).callee(&s.to_ascii_lowercase());
    }
    match callee {
        Callee::User(code) => Some(code),
        _ => None,
    }
}

/// The parameter argument `n` (0-based) binds to: its own, or a variadic one.
fn param_at(params: &[Param], n: usize) -> Option<&Param> {
    match params.get(n) {
        Some(p) if !p.variadic => Some(p),
        _ => params.last().filter(|p| p.variadic),
    }
}

/// Throws PHP's error for a value that is not a place passed as argument `n` of the function
/// named by constant `name`, when that function takes it by reference.
#[metajit::dont_look_inside]
pub fn not_passable(frame: &mut Frame, name: usize, n: usize) -> Result<(), PhpError> {
    let Some(code) = user_callee(frame, name) else {
        return Ok(());
    };
    let Some(p) = param_at(&code.func.params, n).filter(|p| p.by_ref) else {
        return Ok(());
    };
    let shown = if p.variadic {
        String::new()
    } else {
        format!(" (${})", String::from_utf8_lossy(&p.name))
    };
    let msg = format!(
        "{}(): Argument #{}{shown} cannot be passed by reference",
        code.name(),
        n + 1
    );
    Err(throw(frame, "Error", msg))
}

/// `RefOp::AppendRead`: `$a[]` passed by value.
#[metajit::dont_look_inside]
pub fn append_read(frame: &mut Frame) -> Result<(), PhpError> {
    let msg = "Cannot use [] for reading".to_string();
    Err(throw(frame, "Error", msg))
}

/// `f(...$a)` for a function `f` (named by constant `name`) with by-reference parameters:
/// the elements of the array the reference in slot `src` refers to are appended to the
/// arguments in slot `arr`, those of by-reference parameters as references to the elements.
#[metajit::dont_look_inside]
pub fn spread_args(frame: &mut Frame, arr: usize, src: usize, name: usize) -> Result<(), PhpError> {
    let callee = user_callee(frame, name);
    let r = match borrow(frame, src).view() {
        View::Ref(r) if r.get().tag() == php_runtime::tag::ARRAY => r.clone(),
        _ => return crate::ops::unpack::spread_to(frame, arr, src, callee),
    };
    let params = callee.map_or(&[][..], |c| &c.func.params[..]);
    let mut container = r.replace(Zval::UNDEF);
    let mut position = match borrow(frame, arr).view() {
        View::Array(a) => a
            .iter()
            .filter(|(k, _)| matches!(k, ArrayKey::Int(_)))
            .count(),
        _ => 0,
    };
    let mut entries = PhpArray::new();
    if let Some(a) = container.array_mut() {
        let table = a.make_mut();
        let keys: Vec<ArrayKey> = table.iter().map(|(k, _)| k.clone()).collect();
        for k in keys {
            let by_ref = match &k {
                ArrayKey::Int(_) => {
                    position += 1;
                    param_at(params, position - 1).is_some_and(|p| p.by_ref)
                }
                ArrayKey::Str(s) => match params
                    .iter()
                    .find(|p| !p.variadic && p.name[..] == *s.as_bytes())
                {
                    Some(p) => p.by_ref,
                    None => params.last().is_some_and(|p| p.variadic && p.by_ref),
                },
            };
            let e = table.entry(k.clone());
            let v = match (by_ref, e.view()) {
                (true, View::Ref(x)) => Zval::reference(x.clone()),
                (true, _) => {
                    let x = PhpRef::new(std::mem::replace(e, Zval::NULL));
                    *e = Zval::reference(x.clone());
                    Zval::reference(x)
                }
                (false, _) => e.deref(),
            };
            drop(entries.insert(k, v));
        }
    }
    let spread = match container.tag() {
        php_runtime::tag::ARRAY => Zval::array(entries),
        _ => container.clone(),
    };
    drop(r.replace(container));
    store(frame, src, spread);
    crate::ops::unpack::spread_to(frame, arr, src, callee)
}

/// The variable name in slot `name`, converted as PHP converts it (an object without
/// `__toString` is an error).
fn name_in(frame: &mut Frame, name: usize) -> Result<Vec<u8>, PhpError> {
    let v = (*borrow(frame, name)).clone();
    let mut out = Vec::new();
    crate::ops::object::push_str(frame, &mut out, &v)?;
    Ok(out)
}

/// `global $$name;`: the variable named by slot `name` is bound to the global of that name.
#[metajit::dont_look_inside]
pub fn bind_global(frame: &mut Frame, name: usize) -> Result<(), PhpError> {
    let n = name_in(frame, name)?;
    if frame.depth == 1 {
        return Ok(());
    }
    let r = crate::ops::vars::global_variable(frame, n.clone());
    if let Some(i) = frame.code.func.cvs.iter().position(|c| c[..] == n[..]) {
        store(frame, i, Zval::reference(r));
        return Ok(());
    }
    let depth = frame.depth as usize;
    let vm = vm_of(frame);
    if vm.dynamic_vars.len() <= depth {
        vm.dynamic_vars.resize_with(depth + 1, Default::default);
    }
    vm.dynamic_vars[depth].insert(n, r);
    Ok(())
}

/// `$GLOBALS[name] = &...`: the global variable named by slot `name` is bound to the
/// reference in slot `src` (made one if it holds a plain value).
#[metajit::dont_look_inside]
pub fn assign_global(frame: &mut Frame, name: usize, src: usize) -> Result<(), PhpError> {
    let n = name_in(frame, name)?;
    let r = crate::ops::vars::ref_of_slot(frame, src);
    let main = if frame.depth == 1 {
        frame
    } else {
        crate::vm::main_frame(vm_of(frame)).expect("the script's frame exists while it runs")
    };
    match main.code.func.cvs.iter().position(|c| c[..] == n[..]) {
        Some(i) => store(main, i, Zval::reference(r)),
        None => drop(vm_of(main).extra_globals.insert(n, r)),
    }
    Ok(())
}

/// `$$name = &...`: the variable named by slot `name` is bound to the reference in slot
/// `src`; a plain value there (a call's result that is no reference, after PHP's notice) is
/// assigned to it instead.
#[metajit::dont_look_inside]
pub fn assign_var_var(frame: &mut Frame, name: usize, src: usize) -> Result<(), PhpError> {
    let n = name_in(frame, name)?;
    if !matches!(borrow(frame, src).view(), View::Ref(_)) {
        let v = (*borrow(frame, src)).clone();
        drop(crate::ops::vars::variable_ref(frame, &n).replace(v));
        return Ok(());
    }
    let r = ref_of_slot(frame, src);
    if let Some(i) = frame.code.func.cvs.iter().position(|c| c[..] == n[..]) {
        store(frame, i, Zval::reference(r));
        return Ok(());
    }
    let depth = frame.depth as usize;
    let vm = vm_of(frame);
    if depth == 1 {
        drop(vm.extra_globals.insert(n, r));
        return Ok(());
    }
    if vm.dynamic_vars.len() <= depth {
        vm.dynamic_vars.resize_with(depth + 1, Default::default);
    }
    drop(vm.dynamic_vars[depth].insert(n, r));
    Ok(())
}

/// `unset($$name)`.
#[metajit::dont_look_inside]
pub fn unset_var(frame: &mut Frame, name: usize) -> Result<(), PhpError> {
    let n = name_in(frame, name)?;
    if let Some(i) = frame.code.func.cvs.iter().position(|c| c[..] == n[..]) {
        store(frame, i, Zval::UNDEF);
        return Ok(());
    }
    let depth = frame.depth as usize;
    let vm = vm_of(frame);
    let removed = if depth == 1 {
        vm.extra_globals.remove(&n)
    } else {
        vm.dynamic_vars.get_mut(depth).and_then(|m| m.remove(&n))
    };
    drop(removed);
    Ok(())
}
