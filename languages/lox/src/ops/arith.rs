//! Arithmetic and comparison.

use crate::chunk::Op;
use crate::error::LoxError;
use crate::object::LoxString;
use crate::value::{Value, tag};
use crate::vm::{Frame, Vm, runtime_error};

/// `a op b` for the numeric binary instructions (the operands are numbers).
pub fn numeric(op: Op, a: f64, b: f64) -> Value {
    match op {
        Op::Greater => Value::bool(a > b),
        Op::Less => Value::bool(a < b),
        Op::Subtract => Value::number(a - b),
        Op::Multiply => Value::number(a * b),
        Op::Divide => Value::number(a / b),
        _ => unreachable!("{op:?} is not a numeric instruction"),
    }
}

/// `+` on slots `at` and `at + 1`: a sum, or a concatenation (a new interned string).
pub fn add(vm: &mut Vm, frame: &mut Frame, pc: usize, at: usize) -> Result<Value, LoxError> {
    let (a, b) = (frame.slots[at], frame.slots[at + 1]);
    if a.is_number() && b.is_number() {
        return Ok(Value::number(a.as_number() + b.as_number()));
    }
    if a.tag == tag::STRING && b.tag == tag::STRING {
        vm.safepoint(frame);
        let (a, b) = (a.as_ref::<LoxString>(), b.as_ref::<LoxString>());
        let mut text = String::with_capacity(a.text.len() + b.text.len());
        text.push_str(&a.text);
        text.push_str(&b.text);
        return Ok(Value::object(tag::STRING, vm.heap.intern_owned(text)));
    }
    let msg = "Operands must be two numbers or two strings.".to_string();
    Err(runtime_error(frame, pc, msg))
}
