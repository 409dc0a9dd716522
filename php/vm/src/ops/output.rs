//! `echo` and `print`.

use crate::ops::borrow;
use crate::vm::{Frame, vm_of};
use php_runtime::PhpError;

/// Writes the string form of slot `src`. An error when the output failed (its reader went
/// away, or the device is full): the program stops.
#[metajit::dont_look_inside]
pub fn echo(frame: &mut Frame, src: usize) -> Result<(), PhpError> {
    let v = borrow(frame, src);
    let v = (*v).clone();
    let mut out = Vec::new();
    crate::ops::object::push_str(frame, &mut out, &v)?;
    if vm_of(frame).write(&out) {
        Ok(())
    } else {
        Err(PhpError::Output)
    }
}

/// `exit`/`die` with the value in slot `src` (`NONE`: none): an int is the exit status, anything
/// else is printed and the status is 0. Always an `Err` that ends the program.
#[metajit::dont_look_inside]
pub fn exit(frame: &mut Frame, src: usize) -> Result<(), PhpError> {
    if src == php_compiler::NONE as usize {
        return Err(PhpError::Exit(0));
    }
    let v = borrow(frame, src);
    if let php_runtime::value::View::Int(i) = v.view() {
        return Err(PhpError::Exit(i as u8));
    }
    echo(frame, src)?;
    Err(PhpError::Exit(0))
}
