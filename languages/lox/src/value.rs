//! Lox values: a tag and a 64-bit payload in a `#[repr(C)]` struct, the tagged-value pattern a
//! JIT can see through (the tracer guards the tag, the payload is a number's bits, a boolean or
//! an object's address).
//!
//! Objects are identified by their tag, so a type test never loads from the object. Strings are
//! interned: two strings are equal exactly when they are the same object.

use crate::object::{BoundMethod, Class, Closure, Instance, LoxString, Native};
use metajit::Ref;

/// The tags of [`Value`].
pub mod tag {
    /// `nil`.
    pub const NIL: u64 = 0;
    /// `true` or `false` (payload 1 or 0).
    pub const BOOL: u64 = 1;
    /// A number (payload: the `f64`'s bits).
    pub const NUMBER: u64 = 2;
    /// A string ([`LoxString`](crate::object::LoxString)).
    pub const STRING: u64 = 3;
    /// A closure ([`Closure`](crate::object::Closure)).
    pub const CLOSURE: u64 = 4;
    /// A class ([`Class`](crate::object::Class)).
    pub const CLASS: u64 = 5;
    /// An instance ([`Instance`](crate::object::Instance)).
    pub const INSTANCE: u64 = 6;
    /// A bound method ([`BoundMethod`](crate::object::BoundMethod)).
    pub const BOUND_METHOD: u64 = 7;
    /// A native function ([`Native`](crate::object::Native)).
    pub const NATIVE: u64 = 8;
    /// A cell ([`Cell`](crate::object::Cell)): only in the slot of a captured local, never a
    /// value the program sees.
    pub const CELL: u64 = 9;
}

/// A Lox value. A compound value for the JIT: traced code keeps the tag and the payload as two
/// trace values, so a tag it wrote is a constant wherever the value goes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, metajit::JitCompound)]
pub struct Value {
    /// What the value is (one of [`tag`]'s constants).
    pub tag: u64,
    /// The number's bits, the boolean, or the object's address.
    pub bits: u64,
}

#[metajit::methods]
impl Value {
    /// `nil`.
    pub const NIL: Value = Value {
        tag: tag::NIL,
        bits: 0,
    };

    /// A boolean.
    pub fn bool(b: bool) -> Value {
        Value {
            tag: tag::BOOL,
            bits: b as u64,
        }
    }

    /// A number.
    pub fn number(n: f64) -> Value {
        Value {
            tag: tag::NUMBER,
            bits: n.to_bits(),
        }
    }

    /// An object reference with its tag.
    pub fn object<T>(tag: u64, r: Ref<T>) -> Value {
        Value {
            tag,
            bits: r.addr() as u64,
        }
    }

    /// Whether the value is a number.
    pub fn is_number(self) -> bool {
        self.tag == tag::NUMBER
    }

    /// The number (only meaningful when [`is_number`](Value::is_number)).
    #[metajit::jit]
    pub fn as_number(self) -> f64 {
        f64::from_bits(self.bits)
    }

    /// The object the value refers to (the caller has checked the tag).
    pub fn as_ref<T>(self) -> Ref<T> {
        Ref::from_ptr(self.bits as usize as *mut T)
    }

    /// `nil` and `false` are falsey; everything else is truthy.
    #[metajit::jit]
    pub fn is_falsey(self) -> bool {
        self.tag == tag::NIL || (self.tag == tag::BOOL && self.bits == 0)
    }

    /// Lox's `==`: numbers by value (so `nan != nan`), everything else by identity (strings
    /// are interned).
    #[metajit::jit]
    pub fn equals(self, other: Value) -> bool {
        if self.tag != other.tag {
            return false;
        }
        if self.tag == tag::NUMBER {
            return self.as_number() == other.as_number();
        }
        self.bits == other.bits
    }

    /// The text `print` writes for the value.
    pub fn display(self) -> String {
        match self.tag {
            tag::NIL => "nil".into(),
            tag::BOOL => if self.bits != 0 { "true" } else { "false" }.into(),
            tag::NUMBER => format_number(self.as_number()),
            tag::STRING => self.as_ref::<LoxString>().text.to_string(),
            tag::CLOSURE => function_name(self.as_ref::<Closure>()),
            tag::CLASS => self.as_ref::<Class>().name.text.to_string(),
            tag::INSTANCE => format!("{} instance", self.as_ref::<Instance>().class.name.text),
            tag::BOUND_METHOD => function_name(self.as_ref::<BoundMethod>().method),
            tag::NATIVE => {
                let _: Ref<Native> = self.as_ref();
                "<native fn>".into()
            }
            _ => unreachable!("a cell is not a value"),
        }
    }
}

fn function_name(c: Ref<Closure>) -> String {
    match &c.code.name {
        Some(n) => format!("<fn {n}>"),
        None => "<script>".into(),
    }
}

/// Formats a number as C's `printf("%g")` does (what clox prints): six significant digits,
/// trailing zeros removed, scientific notation for exponents below -4 or from 6 up.
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf" } else { "inf" }.into();
    }
    if n == 0.0 {
        return if n.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{n:.5e}");
    let (mantissa, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim_fraction(mantissa), exp.abs())
    } else {
        let fixed = format!("{:.*}", (5 - exp) as usize, n);
        trim_fraction(&fixed).to_string()
    }
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_print_as_percent_g() {
        let cases = [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (1e6, "1e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.0 / 3.0, "0.333333"),
            (2.5e-300, "2.5e-300"),
            (1e300, "1e+300"),
            (-0.0, "-0"),
            (f64::INFINITY, "inf"),
            (999999.5, "1e+06"),
            (100.0, "100"),
        ];
        for (n, text) in cases {
            assert_eq!(format_number(n), text, "{n}");
        }
    }
}
