//! Global variables, by interned name (the name's address: a constant of the code). Each
//! global lives in a [`Cell`] that stays the same for the life of the variable, so traced code
//! asks for the cell (a residual call that does not need the frame) and loads or stores its
//! value itself.

use crate::error::LoxError;
use crate::object::{Cell, Header, Kind, LoxString};
use crate::value::Value;
use crate::vm::{Frame, Vm, runtime_error, vm_of};
use metajit::Ref;

/// The cell of global `name`, if it is defined. It writes nothing, so what a trace knows of
/// fields survives the lookup.
#[metajit::dont_look_inside(reads_only)]
pub fn cell(vm: Ref<Vm>, name: u64) -> Option<Ref<Cell>> {
    vm.globals.get(&(name as usize)).copied()
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
}
