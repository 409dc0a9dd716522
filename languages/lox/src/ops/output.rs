//! `print`.

use crate::error::LoxError;
use crate::vm::{Frame, vm_of};

/// Prints the value in slot `at`. An error when the output failed (its reader went away, or
/// the device is full): the program stops.
#[metajit::dont_look_inside]
pub fn print(frame: &mut Frame, at: usize) -> Result<(), LoxError> {
    let text = frame.slots[at].display();
    let vm = vm_of(frame);
    if !vm.output.write(text.as_bytes()) || !vm.output.write(b"\n") {
        return Err(LoxError::Output);
    }
    Ok(())
}
