//! The variables of included and `eval`'d code are those of the scope that runs it: PHP's
//! included code works on the includer's symbol table. The loader ([`crate::load`]) binds each
//! variable of the included code by reference to the scope's variable of that name when the
//! code starts; what rebinds a variable there (`static`, `global`, `=&`, `unset`) is written
//! back to the scope when the code ends ([`write_back`]), so that the includer sees it.

use crate::ops::{borrow, store};
use crate::vm::{Frame, vm_of};
use php_runtime::Zval;
use php_runtime::value::{PhpRef, View};

/// When the included code running in frame `c` ends (its `return`, or an error leaving it):
/// each of its variables that no longer holds the reference it was bound to becomes the
/// scope's variable of that name (unset, a new reference, or a new value). Slot 0 must still
/// hold its variable: a `return` calls this before it puts the returned value there.
pub fn write_back(c: &mut Frame) {
    let Some(parent) = c.parent else {
        return;
    };
    // SAFETY: a caller's frame outlives its callee's, and is not running meanwhile.
    let frame = unsafe { parent.get_mut() };
    for (i, name) in c.code.func.cvs.iter().enumerate() {
        // A superglobal is bound to the global, not to the scope's variable.
        if php_compiler::is_superglobal(name) {
            continue;
        }
        let now = (*borrow(c, i)).clone();
        set_scope_variable(frame, name, now);
    }
}

/// Whether the frame runs included or `eval`'d code (not the script's own).
pub fn is_included(frame: &Frame) -> bool {
    &frame.code.func.name[..] == b"{main}" && frame.depth > 1
}

/// Makes `v` (unset, a reference or a value) the variable `name` of the scope `frame` runs
/// in, unless it already is that reference.
fn set_scope_variable(frame: &mut Frame, name: &[u8], v: Zval) {
    let mut f: &mut Frame = frame;
    loop {
        if let Some(j) = f.code.func.cvs.iter().position(|n| &n[..] == name) {
            if !same_ref(&borrow(f, j), &v) {
                store(f, j, v);
            }
            return;
        }
        let included = &f.code.func.name[..] == b"{main}" && f.depth > 1;
        match (included, f.parent) {
            // SAFETY: a caller's frame outlives its callee's, and only this walk uses it.
            (true, Some(p)) => f = unsafe { p.get_mut() },
            _ => break,
        }
    }
    let depth = f.depth as usize;
    let vm = vm_of(f);
    let table = if depth == 1 {
        &mut vm.extra_globals
    } else {
        match vm.dynamic_vars.get_mut(depth) {
            Some(t) => t,
            None => return,
        }
    };
    match v.view() {
        View::Undef => drop(table.remove(name)),
        View::Ref(r) => {
            if !table.get(name).is_some_and(|old| PhpRef::ptr_eq(old, r)) {
                drop(table.insert(name.to_vec(), r.clone()));
            }
        }
        _ => drop(table.insert(name.to_vec(), PhpRef::new(v))),
    }
}

/// Whether `a` and `b` hold the same reference.
fn same_ref(a: &Zval, b: &Zval) -> bool {
    match (a.view(), b.view()) {
        (View::Ref(x), View::Ref(y)) => PhpRef::ptr_eq(x, y),
        _ => false,
    }
}
