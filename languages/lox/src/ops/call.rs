//! Calls: of closures, bound methods, classes (construction) and natives; method invocation.
//!
//! A call of a Lox function runs the callee in the frame of the next depth through a nested
//! invocation of [`run`], which leaves the result in the callee's slot 0. The caller has stored
//! the calling instruction's position in its frame (`frame.pc`) so that errors raised here
//! report the caller's line. [`call_known`] is the path traced code inlines; the others are
//! residual calls.

use crate::code::Code;
use crate::error::LoxError;
use crate::object::{BoundMethod, Class, Closure, Instance, LoxString, Native};
use crate::ops::object::{find_method, new_instance};
use crate::value::{Value, tag};
use crate::vm::{Frame, MAX_FRAMES, Vm, enter_frame, run, runtime_error, vm_of};
use metajit::{JitArray, JitDriver, Ref};

/// Calls `closure`, whose code is `code` (the arity checked, the depth below the limit), with
/// `this` or the callee in slot `base` of `frame` and the `argc` arguments above it; the result
/// replaces slot `base`. Traced code inlines it and the callee's `run`.
#[metajit::jit(greens(base, argc))]
pub fn call_known(
    jit: &JitDriver,
    frame: &mut Frame,
    closure: Ref<Closure>,
    code: &'static Code,
    base: usize,
    argc: usize,
) -> Result<(), LoxError> {
    // A call the trace inlines gets a new frame, which the optimizer keeps in registers (a
    // virtual object: its slots cost nothing); any other call reuses the depth's frame.
    let callee = if metajit::inlines!(run(code)) {
        // Frames that escape are made by compiled code, which never collects.
        crate::ops::object::safepoint_if_due(frame);
        metajit::new!(Frame {
            slots: JitArray::new(frame_size(code), Value::NIL),
            pc: 0,
            closure,
            vm: frame.vm,
            parent: Some(metajit::ref_of(frame)),
            depth: frame.depth + 1,
        })
    } else {
        enter_frame(
            frame.vm,
            frame.depth + 1,
            closure,
            Some(metajit::ref_of(frame)),
        )
    };
    // SAFETY: the callee's frame is not this one.
    let c = unsafe { callee.get_mut() };
    copy_args(frame, c, base, argc);
    run(jit, code, c)?;
    frame.slots[base] = c.slots[0];
    Ok(())
}

/// The number of slots a frame running `code` has (folded in traces).
#[metajit::elidable]
pub fn frame_size(code: &'static Code) -> usize {
    code.max_depth as usize + 1
}

/// The number of parameters of `code` (folded in traces, where the code is a constant).
#[metajit::elidable]
pub fn arity(code: &'static Code) -> u8 {
    code.arity
}

/// Copies slots `base..=base + argc` of `from` to slots `0..=argc` of `to`.
#[metajit::unroll_safe(greens(base, argc))]
fn copy_args(from: &Frame, to: &mut Frame, base: usize, argc: usize) {
    let mut i = 0;
    while i <= argc {
        to.slots[i] = from.slots[base + i];
        i += 1;
    }
}

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
            let instance = Value::object(tag::INSTANCE, new_instance(Ref::new_mut(vm), class));
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
    let callee = enter_frame(frame.vm, frame.depth + 1, closure, Some(Ref::new(frame)));
    // SAFETY: the callee's frame is the next depth's, not this one.
    let callee = unsafe { callee.get_mut() };
    callee.slots.as_mut_slice()[..=argc]
        .copy_from_slice(&frame.slots.as_slice()[base..=base + argc]);
    let jit = vm.jit.clone();
    run(&jit, code, callee)?;
    Ok(callee.slots[0])
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
