//! `echo` and `print`.

use crate::ops::borrow;
use crate::ops::vars::warn;
use crate::vm::{Frame, vm_of};
use php_runtime::PhpError;
use php_runtime::convert::push_string;

/// Writes the string form of slot `src`. An error when the output failed (its reader went
/// away, or the device is full): the program stops.
#[metajit::dont_look_inside]
pub fn echo(frame: &mut Frame, src: usize) -> Result<(), PhpError> {
    let v = borrow(frame, src);
    let mut out = Vec::new();
    if push_string(&mut out, &v).is_none() {
        warn(frame, "Array to string conversion")?;
        out.extend_from_slice(b"Array");
    }
    if vm_of(frame).output.write(&out) {
        Ok(())
    } else {
        Err(PhpError::Output)
    }
}
