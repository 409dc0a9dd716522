//! Operators: ints in traces ([`int_binary`]), everything else as residual calls with PHP's
//! conversions, warnings and errors.

use crate::ops::vars::{deprecated, throw, warn};
use crate::ops::{borrow, store};
use crate::vm::Frame;
use php_compiler::{BinOp, UnOp};
use php_runtime::PhpError;
use php_runtime::arith::{self as a, ArithError};
use php_runtime::compare::{NestingTooDeep, compare, identical};
use php_runtime::convert::{Operand, to_bool, to_float, to_int, to_operand};
use php_runtime::number::Num;
use php_runtime::value::View;
use php_runtime::{PhpString, Value, Zval, tag};

/// `++`/`--` (`step` a [`Step`](php_compiler::Step) as `u8`) on an int: the new value, or
/// `UNDEF` when it overflows (the residual path makes it a float).
#[metajit::jit(greens(step))]
pub fn int_step(step: u8, i: i64) -> Value {
    let r = if step == php_compiler::Step::PreInc as u8 || step == php_compiler::Step::PostInc as u8
    {
        i.checked_add(1)
    } else {
        i.checked_sub(1)
    };
    match r {
        Some(r) => Value {
            tag: tag::INT,
            bits: r as u64,
        },
        None => Value::UNDEF,
    }
}

/// `i op j` (`op` a [`BinOp`] as `u8`) on two ints when the result is an int or a bool; `UNDEF` when the residual path
/// must decide (overflow, division, errors, operators that need more than ints).
#[metajit::jit(greens(op))]
pub fn int_binary(op: u8, i: i64, j: i64) -> Value {
    match BinOp::ALL[op as usize] {
        BinOp::Add => match i.checked_add(j) {
            Some(r) => Value {
                tag: tag::INT,
                bits: r as u64,
            },
            None => Value::UNDEF,
        },
        BinOp::Sub => match i.checked_sub(j) {
            Some(r) => Value {
                tag: tag::INT,
                bits: r as u64,
            },
            None => Value::UNDEF,
        },
        BinOp::Mul => match i.checked_mul(j) {
            Some(r) => Value {
                tag: tag::INT,
                bits: r as u64,
            },
            None => Value::UNDEF,
        },
        BinOp::Less => Value {
            tag: tag::FALSE + (i < j) as u64,
            bits: 0,
        },
        BinOp::LessEqual => Value {
            tag: tag::FALSE + (i <= j) as u64,
            bits: 0,
        },
        BinOp::Equal | BinOp::Identical => Value {
            tag: tag::FALSE + (i == j) as u64,
            bits: 0,
        },
        BinOp::NotEqual | BinOp::NotIdentical => Value {
            tag: tag::FALSE + (i != j) as u64,
            bits: 0,
        },
        BinOp::BitAnd => Value {
            tag: tag::INT,
            bits: (i & j) as u64,
        },
        BinOp::BitOr => Value {
            tag: tag::INT,
            bits: (i | j) as u64,
        },
        BinOp::BitXor => Value {
            tag: tag::INT,
            bits: (i ^ j) as u64,
        },
        _ => Value::UNDEF,
    }
}

/// `x op y` (`op` a [`BinOp`] as `u8`) on two numbers, at least one a float (an int operand
/// is converted, as PHP does): the result when it is a float or a bool; `UNDEF` when the
/// residual path must decide (division by zero, `===` across types, other operators).
#[metajit::jit(greens(op))]
pub fn float_binary(op: u8, x: f64, y: f64, same_types: bool) -> Value {
    match BinOp::ALL[op as usize] {
        BinOp::Add => float_value(x + y),
        BinOp::Sub => float_value(x - y),
        BinOp::Mul => float_value(x * y),
        BinOp::Div => {
            if y != 0.0 {
                float_value(x / y)
            } else {
                Value::UNDEF
            }
        }
        BinOp::Less => bool_value(x < y),
        BinOp::LessEqual => bool_value(x <= y),
        BinOp::Equal => bool_value(x == y),
        BinOp::NotEqual => bool_value(x != y),
        BinOp::Identical => {
            if same_types {
                bool_value(x == y)
            } else {
                Value::UNDEF
            }
        }
        BinOp::NotIdentical => {
            if same_types {
                bool_value(x != y)
            } else {
                Value::UNDEF
            }
        }
        _ => Value::UNDEF,
    }
}

/// `op x` (`op` a [`UnOp`] as `u8`) where no conversion can warn or fail: `!`, `(bool)` on
/// anything but a reference, `-` on an int (but the smallest) or a float; `UNDEF` otherwise.
#[metajit::jit(greens(op))]
pub fn fast_unary(op: u8, x: Value) -> Value {
    if op == UnOp::Not as u8 || op == UnOp::Bool as u8 {
        if x.tag == tag::REFERENCE || x.tag == tag::UNDEF {
            Value::UNDEF
        } else {
            bool_value(crate::ops::truthy(x) == (op == UnOp::Bool as u8))
        }
    } else if op == UnOp::Neg as u8 && x.tag == tag::INT && x.bits != i64::MIN as u64 {
        Value {
            tag: tag::INT,
            bits: 0u64.wrapping_sub(x.bits),
        }
    } else if op == UnOp::Neg as u8 && x.tag == tag::FLOAT {
        float_value(-f64::from_bits(x.bits))
    } else {
        Value::UNDEF
    }
}

/// A float as a value.
#[metajit::jit]
fn float_value(f: f64) -> Value {
    Value {
        tag: tag::FLOAT,
        bits: f.to_bits(),
    }
}

/// A bool as a value.
#[metajit::jit]
fn bool_value(b: bool) -> Value {
    Value {
        tag: tag::FALSE + b as u64,
        bits: 0,
    }
}

pub use php_runtime::convert::type_name;

/// A value's type as PHP 8 names it in messages: objects by their class.
pub fn value_type(v: &Zval) -> String {
    match v.deref().view() {
        View::Object(o) => o.class().display(),
        _ => type_name(v).to_string(),
    }
}

/// The numbers of two operands, with PHP's warnings; an error for unsupported operands.
/// PHP converts the left operand (warning about a leading-numeric string) before it looks
/// at the right one.
fn operands(frame: &mut Frame, op: BinOp, x: &Zval, y: &Zval) -> Result<(Num, Num), PhpError> {
    let mut num = |o: Operand| -> Result<Num, PhpError> {
        match o {
            Operand::Num(n) => Ok(n),
            Operand::Leading(n) => {
                warn(frame, "A non-numeric value encountered")?;
                Ok(n)
            }
            Operand::Unsupported => {
                let msg = format!(
                    "Unsupported operand types: {} {} {}",
                    value_type(x),
                    op.symbol(),
                    value_type(y)
                );
                Err(throw(frame, "TypeError", msg))
            }
        }
    };
    let m = num(to_operand(x))?;
    Ok((m, num(to_operand(y))?))
}

/// An int operand of `%`, `<<`, `&`... read from `src` as `n`: PHP's deprecation when the
/// conversion loses precision. A float read from a numeric string saturates and is named by
/// the string ("float-string"); a float value wraps around and is named by its value.
fn int_operand(frame: &mut Frame, n: Num, src: &Zval) -> Result<i64, PhpError> {
    let f = match n {
        Num::Int(i) => return Ok(i),
        Num::Float(f) => f,
    };
    if let View::Str(s) = src.view() {
        let i = php_runtime::number::float_to_int_saturating(f);
        if i as f64 != f {
            let msg = format!(
                "Implicit conversion from float-string \"{}\" to int loses precision",
                String::from_utf8_lossy(s.as_bytes())
            );
            deprecated(frame, &msg)?;
        }
        return Ok(i);
    }
    lossy_int(frame, f)
}

/// `f` converted to an int as an implicit conversion does (an array key, a string offset
/// checked by `isset`, an int operand): wrapping around, with PHP's deprecation when the
/// value is not kept.
pub fn lossy_int(frame: &mut Frame, f: f64) -> Result<i64, PhpError> {
    if !php_runtime::number::float_keeps_value(f) {
        let shown = php_runtime::format::float_to_string(f, php_runtime::format::Style::Dump);
        deprecated(
            frame,
            &format!("Implicit conversion from float {shown} to int loses precision"),
        )?;
    }
    Ok(php_runtime::number::float_to_int(f))
}

fn arith_error(frame: &mut Frame, e: ArithError) -> PhpError {
    let class = match e {
        ArithError::NegativeShift => "ArithmeticError",
        _ => "DivisionByZeroError",
    };
    throw(frame, class, e.message().to_string())
}

fn compared(frame: &mut Frame, r: Result<i32, NestingTooDeep>) -> Result<i32, PhpError> {
    r.map_err(|_| PhpError::Fatal {
        message: NestingTooDeep::MESSAGE.to_string(),
        line: crate::ops::vars::line(frame),
    })
}

/// `dst = slot a op slot b` (`op` is a [`BinOp`] as `u8`), for every case [`int_binary`]
/// leaves.
#[metajit::dont_look_inside]
pub fn binary(frame: &mut Frame, op: u8, dst: usize, ia: usize, ib: usize) -> Result<(), PhpError> {
    let op = BinOp::ALL[op as usize];
    // An operand may be a variable read in place (see the compiler's `binary`).
    for i in [ia, ib] {
        if i < frame.code.func.cvs.len()
            && matches!(crate::ops::vars::read_cv(frame, i).view(), View::Undef)
        {
            crate::ops::vars::undefined(frame, i)?;
        }
    }
    let (x, y) = (borrow(frame, ia), borrow(frame, ib));
    let result = compute(frame, op, &x, &y)?;
    store(frame, dst, result);
    Ok(())
}

/// `x op y` with PHP's conversions, warnings and errors.
pub fn compute(frame: &mut Frame, op: BinOp, x: &Zval, y: &Zval) -> Result<Zval, PhpError> {
    let (x, y) = (&x.deref(), &y.deref());
    if matches!(
        op,
        BinOp::Equal | BinOp::NotEqual | BinOp::Less | BinOp::LessEqual | BinOp::Spaceship
    ) && (x.tag() == php_runtime::tag::OBJECT || y.tag() == php_runtime::tag::OBJECT)
    {
        crate::ops::object::compare_notice(frame, x, y)?;
    }
    Ok(match op {
        // `array + array`: the union (the left one's entries, then the right one's new keys).
        BinOp::Add if x.tag() == php_runtime::tag::ARRAY && y.tag() == php_runtime::tag::ARRAY => {
            let (View::Array(a), View::Array(b)) = (x.view(), y.view()) else {
                unreachable!("both arrays")
            };
            let mut out = a.clone();
            for (k, v) in b.iter() {
                if !out.contains(k.as_ref()) {
                    drop(out.insert(k.clone(), v.clone()));
                }
            }
            Zval::array(out)
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow => {
            let (m, n) = operands(frame, op, x, y)?;
            Zval::from(match op {
                BinOp::Add => a::add(m, n),
                BinOp::Sub => a::sub(m, n),
                BinOp::Mul => a::mul(m, n),
                BinOp::Pow => a::pow(m, n),
                _ => a::div(m, n).map_err(|e| arith_error(frame, e))?,
            })
        }
        BinOp::Mod | BinOp::Shl | BinOp::Shr | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
            if let (View::Str(s), View::Str(t), BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) =
                (x.view(), y.view(), op)
            {
                let (s, t) = (s.as_bytes(), t.as_bytes());
                let n = if op == BinOp::BitOr {
                    s.len().max(t.len())
                } else {
                    s.len().min(t.len())
                };
                let bytes: Vec<u8> = (0..n)
                    .map(|i| {
                        let (p, q) = (
                            s.get(i).copied().unwrap_or(0),
                            t.get(i).copied().unwrap_or(0),
                        );
                        match op {
                            BinOp::BitAnd => p & q,
                            BinOp::BitOr => p | q,
                            _ => p ^ q,
                        }
                    })
                    .collect();
                Zval::string(PhpString::new(&bytes))
            } else {
                let (m, n) = operands(frame, op, x, y)?;
                let (i, j) = (int_operand(frame, m, x)?, int_operand(frame, n, y)?);
                let r = match op {
                    BinOp::Mod => a::modulo(i, j),
                    BinOp::Shl => a::shl(i, j),
                    BinOp::Shr => a::shr(i, j),
                    BinOp::BitAnd => Ok(i & j),
                    BinOp::BitOr => Ok(i | j),
                    _ => Ok(i ^ j),
                };
                Zval::int(r.map_err(|e| arith_error(frame, e))?)
            }
        }
        BinOp::Concat => {
            let mut out = Vec::new();
            for v in [x, y] {
                crate::ops::object::push_str(frame, &mut out, v)?;
            }
            Zval::string(PhpString::new(&out))
        }
        BinOp::Xor => Zval::bool(to_bool(x) != to_bool(y)),
        BinOp::Equal => Zval::bool(compared(frame, compare(x, y))? == 0),
        BinOp::NotEqual => Zval::bool(compared(frame, compare(x, y))? != 0),
        BinOp::Less => Zval::bool(compared(frame, compare(x, y))? < 0),
        BinOp::LessEqual => Zval::bool(compared(frame, compare(x, y))? <= 0),
        BinOp::Spaceship => Zval::int(i64::from(compared(frame, compare(x, y))?)),
        BinOp::Identical => Zval::bool(compared(frame, identical(x, y).map(i32::from))? == 1),
        BinOp::NotIdentical => Zval::bool(compared(frame, identical(x, y).map(i32::from))? == 0),
    })
}

/// `dst = op slot a` (`op` is a [`UnOp`] as `u8`).
#[metajit::dont_look_inside]
pub fn unary(frame: &mut Frame, op: u8, dst: usize, ia: usize) -> Result<(), PhpError> {
    let op = UnOp::ALL[op as usize];
    let x = borrow(frame, ia);
    let result = match op {
        UnOp::Not => Zval::bool(!to_bool(&x)),
        UnOp::Bool => Zval::bool(to_bool(&x)),
        UnOp::IsSet => Zval::bool(!x.is_null()),
        UnOp::Int => {
            crate::ops::object::object_to_number(frame, &x, "int")?;
            Zval::int(to_int(&x))
        }
        UnOp::Float => {
            crate::ops::object::object_to_number(frame, &x, "float")?;
            Zval::float(to_float(&x))
        }
        UnOp::String => {
            let mut out = Vec::new();
            crate::ops::object::push_str(frame, &mut out, &x)?;
            Zval::string(PhpString::new(&out))
        }
        UnOp::Array => crate::ops::object::to_array(frame, &x),
        UnOp::Object => crate::ops::object::to_object(frame, &x),
        UnOp::Neg | UnOp::Plus => {
            let factor = Zval::int(if op == UnOp::Neg { -1 } else { 1 });
            let (m, n) = operands(frame, BinOp::Mul, &x, &factor)?;
            Zval::from(a::mul(m, n))
        }
        UnOp::BitNot => match x.view() {
            View::Int(i) => Zval::int(!i),
            View::Float(f) => Zval::int(!lossy_int(frame, f)?),
            View::Str(s) => Zval::string(PhpString::new(
                &s.as_bytes().iter().map(|b| !b).collect::<Vec<u8>>(),
            )),
            _ => {
                let msg = format!("Cannot perform bitwise not on {}", type_name(&x));
                return Err(throw(frame, "TypeError", msg));
            }
        },
    };
    store(frame, dst, result);
    Ok(())
}
