//! Global variables, by interned name (the name's address: a constant of the code). Each
//! global lives in a [`Cell`] that stays the same for the life of the variable (Lox has no way
//! to remove one), so traced code finds the cell once, at trace time, and loads or stores its
//! value itself: the lookup is elidable given the VM's *globals version*, a quasi-immutable
//! field that changes when a global is added (which invalidates the code that folded it).

use crate::error::LoxError;
use crate::object::{Cell, Header, Kind, LoxString};
use crate::value::Value;
use crate::vm::{Frame, Vm, runtime_error, vm_of};
use metajit::Ref;

/// The address of the cell of global `name`, or 0 when it is not defined. In traces a
/// constant: the VM is promoted and its globals version folded.
#[metajit::jit]
pub fn cell_addr(vm: Ref<Vm>, name: u64) -> u64 {
    let vm = metajit::promote(vm);
    cell_at(vm, vm.globals_version, name)
}

/// The address of the cell of global `name`, or 0, while the globals are at `version`.
/// Elidable: cells never change, and the version changes when a global is added.
#[metajit::elidable]
pub fn cell_at(vm: Ref<Vm>, version: u64, name: u64) -> u64 {
    let _ = version;
    match vm.globals.get(&(name as usize)) {
        Some(c) => c.addr() as u64,
        None => 0,
    }
}

/// A global's value (traced: a load of the cell's value).
#[metajit::jit]
pub fn value(cell: Ref<Cell>) -> Value {
    cell.value
}

/// Assigns a global's value (traced: a store into the cell).
#[metajit::jit]
pub fn set_value(cell: Ref<Cell>, v: Value) {
    // SAFETY: global cells live as long as the VM; no other reference to this one is in use.
    unsafe { cell.get_mut() }.value = v;
}

/// `Undefined variable 'name'.` at the frame's instruction (always an error).
#[metajit::dont_look_inside]
pub fn undefined(frame: &mut Frame, name: u64) -> Result<(), LoxError> {
    let name = metajit::ref_from_addr::<LoxString>(name);
    let pc = frame.pc;
    Err(runtime_error(
        frame,
        pc,
        format!("Undefined variable '{}'.", name.text),
    ))
}

/// Defines global `name` as the value in slot `at - 1` (the top of the stack).
#[metajit::dont_look_inside]
pub fn define(frame: &mut Frame, at: usize, name: u64) {
    let vm = vm_of(frame);
    let value = frame.slots[at - 1];
    if let Some(&cell) = vm.globals.get(&(name as usize)) {
        // SAFETY: global cells live as long as the VM; nothing else borrows this one now.
        unsafe { cell.get_mut() }.value = value;
        return;
    }
    vm.safepoint(frame);
    let cell = vm.heap.alloc(Cell {
        header: Header::new(Kind::Cell),
        value,
    });
    vm.globals.insert(name as usize, cell);
    vm.globals_version += 1;
    vm.jit.invalidate_quasi_immutable(&vm.globals_version);
}
