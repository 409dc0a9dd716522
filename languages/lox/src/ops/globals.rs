//! Global variables, by interned name (the name's address: a constant of the code).

use crate::error::LoxError;
use crate::object::LoxString;
use crate::vm::{Frame, runtime_error, vm_of};
use metajit::Ref;

fn undefined(frame: &mut Frame, name: u64) -> LoxError {
    let name = metajit::ref_from_addr::<LoxString>(name);
    let pc = frame.pc;
    runtime_error(frame, pc, format!("Undefined variable '{}'.", name.text))
}

/// Slot `at` = global `name`; an error if it is undefined.
#[metajit::dont_look_inside]
pub fn get(frame: &mut Frame, at: usize, name: u64) -> Result<(), LoxError> {
    match vm_of(frame).globals.get(&(name as usize)) {
        Some(&v) => {
            frame.slots[at] = v;
            Ok(())
        }
        None => Err(undefined(frame, name)),
    }
}

/// Defines global `name` as the value in slot `at - 1` (the top of the stack).
#[metajit::dont_look_inside]
pub fn define(frame: &mut Frame, at: usize, name: u64) {
    let v = frame.slots[at - 1];
    vm_of(frame).globals.insert(name as usize, v);
}

/// Assigns the value in slot `at - 1` to global `name`; an error if it is undefined.
#[metajit::dont_look_inside]
pub fn set(frame: &mut Frame, at: usize, name: u64) -> Result<(), LoxError> {
    let v = frame.slots[at - 1];
    match vm_of(frame).globals.get_mut(&(name as usize)) {
        Some(slot) => {
            *slot = v;
            Ok(())
        }
        None => Err(undefined(frame, name)),
    }
}

/// The interned name at `addr`.
pub fn name(addr: u64) -> Ref<LoxString> {
    metajit::ref_from_addr(addr)
}
