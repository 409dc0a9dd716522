//! `declare(ticks=N)`: the functions `register_tick_function` registers run after every
//! `N`th statement compiled under the declaration (the compiler ends each with `Op::Tick`).

use crate::ops::callable::{call_target, resolve};
use crate::vm::{Frame, vm_of};
use php_runtime::{PhpError, Zval};

/// `Op::Tick`: counts a statement; every `every`th runs the tick functions, in the order
/// they were registered (one registered while they run waits for the next tick).
#[metajit::dont_look_inside]
pub fn tick(frame: &mut Frame, every: u32) -> Result<(), PhpError> {
    let vm = vm_of(frame);
    vm.ticks_count += 1;
    if vm.ticks_count < every {
        return Ok(());
    }
    vm.ticks_count = 0;
    let functions = vm.tick_functions.clone();
    for (f, args) in functions {
        let target = match resolve(frame, &f) {
            Ok(t) => t,
            Err(_) => continue,
        };
        call_target(frame, target, args)?;
    }
    Ok(())
}

/// `register_tick_function(callback, ...args)`.
pub fn register_tick_function(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    crate::functions::arity(frame, "register_tick_function", a, 1, usize::MAX)?;
    crate::functions::callable_arg(frame, "register_tick_function", &a[0], false)?;
    vm_of(frame)
        .tick_functions
        .push((a[0].deref(), a[1..].to_vec()));
    Ok(Zval::bool(true))
}

/// `unregister_tick_function(callback)`.
pub fn unregister_tick_function(frame: &mut Frame, a: &[Zval]) -> Result<Zval, PhpError> {
    crate::functions::arity(frame, "unregister_tick_function", a, 1, 1)?;
    crate::functions::callable_arg(frame, "unregister_tick_function", &a[0], false)?;
    let f = a[0].deref();
    vm_of(frame)
        .tick_functions
        .retain(|(g, _)| !php_runtime::compare::identical(g, &f).unwrap_or(false));
    Ok(Zval::NULL)
}
