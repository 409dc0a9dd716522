//! Calls: of closures, bound methods, classes (construction) and natives; method invocation.
//!
//! A call of a Lox function runs the callee in a new [`Frame`] through a nested invocation of
//! [`run`]. The caller has stored the calling instruction's position in its frame (`frame.pc`)
//! so that errors raised here report the caller's line.

use crate::error::LoxError;
use crate::object::{BoundMethod, Class, Closure, Instance, LoxString, Native};
use crate::ops::object::{find_method, new_instance};
use crate::value::{Value, tag};
use crate::vm::{Frame, MAX_FRAMES, Vm, run, runtime_error, vm_of};
use metajit::Ref;

/// `Call(argc)`: calls the value in slot `base` with the `argc` values above it; the result
/// replaces the callee in slot `base`.
#[metajit::dont_look_inside]
pub fn call(frame: &mut Frame, base: usize, argc: usize) -> Result<(), LoxError> {
    let vm = vm_of(frame);
    frame.slots[base] = call_value(vm, frame, base, argc)?;
    Ok(())
}

/// `Invoke(name, argc)`: `receiver.name(args)` with the receiver in slot `base`; the result
/// replaces it.
#[metajit::dont_look_inside]
pub fn invoke(frame: &mut Frame, base: usize, argc: usize, name: u64) -> Result<(), LoxError> {
    let vm = vm_of(frame);
    frame.slots[base] = invoke_value(vm, frame, base, argc, metajit::ref_from_addr(name))?;
    Ok(())
}

/// `SuperInvoke(name, argc)`: `super.name(args)` with `this` in slot `base`; the result
/// replaces it.
#[metajit::dont_look_inside]
pub fn super_invoke(
    frame: &mut Frame,
    base: usize,
    argc: usize,
    name: u64,
) -> Result<(), LoxError> {
    let vm = vm_of(frame);
    let name = metajit::ref_from_addr(name);
    frame.slots[base] = super_invoke_value(vm, frame, base, argc, name)?;
    Ok(())
}

/// Calls the value in slot `base` of `frame` with the `argc` values above it.
pub fn call_value(
    vm: &mut Vm,
    frame: &mut Frame,
    base: usize,
    argc: usize,
) -> Result<Value, LoxError> {
    let callee = frame.slots[base];
    match callee.tag {
        tag::CLOSURE => call_closure(vm, frame, callee.as_ref(), base, argc),
        tag::BOUND_METHOD => {
            let bound = callee.as_ref::<BoundMethod>();
            frame.slots[base] = bound.receiver;
            call_closure(vm, frame, bound.method, base, argc)
        }
        tag::CLASS => {
            let class = callee.as_ref::<Class>();
            vm.safepoint(frame);
            let instance = Value::object(tag::INSTANCE, new_instance(vm, class));
            frame.slots[base] = instance;
            match class.init {
                Some(init) => call_closure(vm, frame, init, base, argc),
                None if argc != 0 => {
                    let msg = format!("Expected 0 arguments but got {argc}.");
                    Err(runtime_error(frame, frame.pc, msg))
                }
                None => Ok(instance),
            }
        }
        tag::NATIVE => {
            let native = callee.as_ref::<Native>();
            Ok((native.function)(
                &frame.slots.as_slice()[base + 1..base + 1 + argc],
            ))
        }
        _ => {
            let msg = "Can only call functions and classes.".to_string();
            Err(runtime_error(frame, frame.pc, msg))
        }
    }
}

/// Runs `closure` with `this` (or the callee) in slot `base` of `frame` and the `argc`
/// arguments above it.
pub fn call_closure(
    vm: &mut Vm,
    frame: &mut Frame,
    closure: Ref<Closure>,
    base: usize,
    argc: usize,
) -> Result<Value, LoxError> {
    let code = closure.code;
    if argc != code.arity as usize {
        let msg = format!("Expected {} arguments but got {argc}.", code.arity);
        return Err(runtime_error(frame, frame.pc, msg));
    }
    if frame.depth >= MAX_FRAMES {
        return Err(runtime_error(frame, frame.pc, "Stack overflow.".into()));
    }
    let mut callee = Frame::new(frame.vm, closure, frame, frame.depth + 1);
    callee.slots.as_mut_slice()[..=argc]
        .copy_from_slice(&frame.slots.as_slice()[base..=base + argc]);
    let jit = vm.jit.clone();
    run(&jit, code, &mut callee)
}

/// `receiver.name(args)` with the receiver in slot `base`: a field holding something callable,
/// or a method.
pub fn invoke_value(
    vm: &mut Vm,
    frame: &mut Frame,
    base: usize,
    argc: usize,
    name: Ref<LoxString>,
) -> Result<Value, LoxError> {
    let receiver = frame.slots[base];
    if receiver.tag != tag::INSTANCE {
        let msg = "Only instances have methods.".to_string();
        return Err(runtime_error(frame, frame.pc, msg));
    }
    let instance = receiver.as_ref::<Instance>();
    if let Some(i) = instance.map.index_of(name) {
        frame.slots[base] = instance.fields[i as usize];
        return call_value(vm, frame, base, argc);
    }
    match find_method(instance.class, name) {
        Some(method) => call_closure(vm, frame, method, base, argc),
        None => Err(undefined_property(frame, name)),
    }
}

/// `super.name(args)`: the superclass is in the slot above the arguments, `this` in `base`.
pub fn super_invoke_value(
    vm: &mut Vm,
    frame: &mut Frame,
    base: usize,
    argc: usize,
    name: Ref<LoxString>,
) -> Result<Value, LoxError> {
    let superclass = frame.slots[base + argc + 1].as_ref::<Class>();
    match find_method(superclass, name) {
        Some(method) => call_closure(vm, frame, method, base, argc),
        None => Err(undefined_property(frame, name)),
    }
}

/// `Undefined property 'name'.` at the caller's current instruction.
pub fn undefined_property(frame: &mut Frame, name: Ref<LoxString>) -> LoxError {
    let msg = format!("Undefined property '{}'.", name.text);
    runtime_error(frame, frame.pc, msg)
}
