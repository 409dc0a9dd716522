//! Conversions of whole values: to bool, to a number, to a string, as PHP 8 defines them for
//! the scalar types, arrays and resources (objects come with the VM's class model).

use crate::format::{Style, push_float};
use crate::number::{Num, Numeric, float_to_int, parse_numeric, str_to_bool, str_to_int};
use crate::string::PhpString;
use crate::value::{View, Zval};

/// PHP's name of a value's type in error messages (`int`, `string`, `array`...).
pub fn type_name(v: &Zval) -> &'static str {
    match v.view() {
        View::Undef | View::Null => "null",
        View::Bool(_) => "bool",
        View::Int(_) => "int",
        View::Float(_) => "float",
        View::Str(_) => "string",
        View::Array(_) => "array",
        View::Object(_) => "object",
        View::Resource(_) => "resource",
        View::Ref(r) => r.with(type_name),
    }
}

/// The truth value of `v` (`if ($v)`).
pub fn to_bool(v: &Zval) -> bool {
    match v.view() {
        View::Undef | View::Null => false,
        View::Bool(b) => b,
        View::Int(i) => i != 0,
        View::Float(f) => f != 0.0,
        View::Str(s) => str_to_bool(s.as_bytes()),
        View::Array(a) => !a.is_empty(),
        View::Object(_) | View::Resource(_) => true,
        View::Ref(r) => r.with(to_bool),
    }
}

/// `(int) $v` for scalars and arrays (an array is 1 when non-empty).
pub fn to_int(v: &Zval) -> i64 {
    match v.view() {
        View::Undef | View::Null => 0,
        View::Bool(b) => i64::from(b),
        View::Int(i) => i,
        View::Float(f) => float_to_int(f),
        View::Str(s) => str_to_int(s.as_bytes()),
        View::Array(a) => i64::from(!a.is_empty()),
        View::Object(_) => 1,
        View::Resource(r) => r.id(),
        View::Ref(r) => r.with(to_int),
    }
}

/// `(float) $v` for scalars and arrays.
pub fn to_float(v: &Zval) -> f64 {
    match v.view() {
        View::Float(f) => f,
        View::Str(s) => crate::number::str_to_float(s.as_bytes()),
        View::Ref(r) => r.with(to_float),
        _ => to_int(v) as f64,
    }
}

/// The operand of an arithmetic operator, and what PHP says about it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand {
    /// A number (ints, floats, bools, null, numeric strings).
    Num(Num),
    /// A leading-numeric string: its number, with the warning "A non-numeric value
    /// encountered".
    Leading(Num),
    /// A non-numeric string or an array: PHP throws `TypeError` ("Unsupported operand types").
    Unsupported,
}

/// `v` as an operand of `+`, `-`, `*`, `/`, `**`.
pub fn to_operand(v: &Zval) -> Operand {
    match v.view() {
        View::Undef | View::Null => Operand::Num(Num::Int(0)),
        View::Bool(b) => Operand::Num(Num::Int(i64::from(b))),
        View::Int(i) => Operand::Num(Num::Int(i)),
        View::Float(f) => Operand::Num(Num::Float(f)),
        View::Str(s) => match parse_numeric(s.as_bytes()) {
            Numeric::Whole(n) => Operand::Num(n),
            Numeric::Leading(n) => Operand::Leading(n),
            Numeric::Not => Operand::Unsupported,
        },
        View::Array(_) | View::Object(_) | View::Resource(_) => Operand::Unsupported,
        View::Ref(r) => r.with(to_operand),
    }
}

/// Appends the string form of a scalar (`echo`): `None` for an array, which the caller turns
/// into `"Array"` with PHP's warning "Array to string conversion", and for an object, which
/// the caller converts with its `__toString`.
pub fn push_string(out: &mut Vec<u8>, v: &Zval) -> Option<()> {
    match v.view() {
        View::Undef | View::Null | View::Bool(false) => {}
        View::Bool(true) => out.push(b'1'),
        View::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        View::Float(f) => {
            let mut s = String::new();
            push_float(&mut s, f, Style::Echo);
            out.extend_from_slice(s.as_bytes());
        }
        View::Str(s) => out.extend_from_slice(s.as_bytes()),
        View::Resource(r) => out.extend_from_slice(format!("Resource id #{}", r.id()).as_bytes()),
        View::Array(_) | View::Object(_) => return None,
        View::Ref(r) => return r.with(|v| push_string(out, v)),
    }
    Some(())
}

/// The string form of a scalar (`(string) $v`), `None` for an array (see [`push_string`]).
pub fn to_php_string(v: &Zval) -> Option<PhpString> {
    match v.view() {
        View::Str(s) => Some(s.clone()),
        View::Ref(r) => r.with(to_php_string),
        _ => {
            let mut out = Vec::new();
            push_string(&mut out, v)?;
            Some(PhpString::new(&out))
        }
    }
}

#[cfg(test)]
mod tests {
    // Expected values are what `php -n` 8.2 prints.
    use super::*;
    use crate::PhpArray;

    fn s(v: Zval) -> String {
        String::from_utf8(to_php_string(&v).unwrap().as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn truthiness() {
        for v in [
            Zval::NULL,
            Zval::int(0),
            Zval::float(-0.0),
            Zval::str(""),
            Zval::str("0"),
        ] {
            assert!(!to_bool(&v), "{v:?}");
        }
        for v in [
            Zval::str("0.0"),
            Zval::str(" "),
            Zval::float(f64::NAN),
            Zval::int(-1),
        ] {
            assert!(to_bool(&v), "{v:?}");
        }
        assert!(!to_bool(&Zval::array(PhpArray::new())));
    }

    #[test]
    fn strings() {
        assert_eq!(s(Zval::bool(true)), "1");
        assert_eq!(s(Zval::bool(false)), "");
        assert_eq!(s(Zval::NULL), "");
        assert_eq!(s(Zval::float(0.1)), "0.1");
        assert_eq!(s(Zval::float(1e15)), "1.0E+15");
        assert_eq!(s(Zval::int(-42)), "-42");
        assert!(to_php_string(&Zval::array(PhpArray::new())).is_none());
    }

    #[test]
    fn operands() {
        assert_eq!(
            to_operand(&Zval::str("123abc")),
            Operand::Leading(Num::Int(123))
        );
        assert_eq!(to_operand(&Zval::str("abc")), Operand::Unsupported);
        assert_eq!(to_operand(&Zval::str(" 12 ")), Operand::Num(Num::Int(12)));
        assert_eq!(to_operand(&Zval::bool(true)), Operand::Num(Num::Int(1)));
        assert_eq!(to_int(&Zval::str("1e3")), 1000);
        assert_eq!(to_float(&Zval::str("1e3abc")), 1000.0);
    }
}
