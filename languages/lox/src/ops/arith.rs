//! Arithmetic errors and string concatenation, residual calls (numbers are traced in the
//! dispatch loop; equality and truthiness are `Value`'s traced methods).

use crate::error::LoxError;
use crate::object::LoxString;
use crate::value::{Value, tag};
use crate::vm::{Frame, runtime_error, vm_of};

/// `Operands must be numbers.` at the frame's instruction (always an error).
#[metajit::dont_look_inside]
pub fn operands_error(frame: &mut Frame) -> Result<(), LoxError> {
    let pc = frame.pc;
    Err(runtime_error(frame, pc, "Operands must be numbers.".into()))
}

/// `Operand must be a number.` at the frame's instruction (always an error).
#[metajit::dont_look_inside]
pub fn operand_error(frame: &mut Frame) -> Result<(), LoxError> {
    let pc = frame.pc;
    Err(runtime_error(frame, pc, "Operand must be a number.".into()))
}

/// `+` on slots `at` and `at + 1` when they are not two numbers (the dispatch loop adds
/// those): a concatenation of two strings (a new interned string in slot `at`), or an error.
#[metajit::dont_look_inside]
pub fn add_objects(frame: &mut Frame, at: usize) -> Result<(), LoxError> {
    let (a, b) = (frame.slots[at], frame.slots[at + 1]);
    if a.tag == tag::STRING && b.tag == tag::STRING {
        let vm = vm_of(frame);
        vm.safepoint(frame);
        let (a, b) = (a.as_ref::<LoxString>(), b.as_ref::<LoxString>());
        let mut text = String::with_capacity(a.text.len() + b.text.len());
        text.push_str(&a.text);
        text.push_str(&b.text);
        frame.slots[at] = Value::object(tag::STRING, vm.heap.intern_owned(text));
        return Ok(());
    }
    let pc = frame.pc;
    let msg = "Operands must be two numbers or two strings.".to_string();
    Err(runtime_error(frame, pc, msg))
}
