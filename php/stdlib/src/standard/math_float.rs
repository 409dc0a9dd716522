//! Floating-point math: exponentials and logarithms, trigonometric and hyperbolic functions,
//! `fmod`, `fdiv`, `hypot`, angle conversions, `pi`, and the `is_nan` family (all on C's
//! libm results, as PHP's).

use crate::args;
use php_runtime::{Builtin, Host, PhpError, Zval};
use std::f64::consts::PI;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("pi", pi),
    ("exp", exp),
    ("expm1", expm1),
    ("log", log),
    ("log10", log10),
    ("log1p", log1p),
    ("sin", sin),
    ("cos", cos),
    ("tan", tan),
    ("asin", asin),
    ("acos", acos),
    ("atan", atan),
    ("atan2", atan2),
    ("sinh", sinh),
    ("cosh", cosh),
    ("tanh", tanh),
    ("asinh", asinh),
    ("acosh", acosh),
    ("atanh", atanh),
    ("fmod", fmod),
    ("fdiv", fdiv),
    ("hypot", hypot),
    ("deg2rad", deg2rad),
    ("rad2deg", rad2deg),
    ("is_nan", is_nan),
    ("is_finite", is_finite),
    ("is_infinite", is_infinite),
];

// The C library's inverse hyperbolic functions, which PHP calls (Rust computes its own).
unsafe extern "C" {
    #[link_name = "asinh"]
    safe fn c_asinh(x: f64) -> f64;
    #[link_name = "acosh"]
    safe fn c_acosh(x: f64) -> f64;
    #[link_name = "atanh"]
    safe fn c_atanh(x: f64) -> f64;
}

/// A function of one `float $num`.
fn unary(h: &mut dyn Host, name: &str, a: &[Zval], f: fn(f64) -> f64) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 1)?;
    let x = args::float(h, name, 1, "num", &a[0])?;
    Ok(Zval::float(f(x)))
}

/// A function of two floats named `p` and `q`.
fn binary(
    h: &mut dyn Host,
    name: &str,
    a: &[Zval],
    (p, q): (&str, &str),
    f: fn(f64, f64) -> f64,
) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 2, 2)?;
    let x = args::float(h, name, 1, p, &a[0])?;
    let y = args::float(h, name, 2, q, &a[1])?;
    Ok(Zval::float(f(x, y)))
}

/// A test of one `float $num`.
fn test(h: &mut dyn Host, name: &str, a: &[Zval], f: fn(f64) -> bool) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 1)?;
    let x = args::float(h, name, 1, "num", &a[0])?;
    Ok(Zval::bool(f(x)))
}

fn pi(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "pi", a, 0, 0)?;
    Ok(Zval::float(PI))
}

fn exp(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "exp", a, f64::exp)
}

fn expm1(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "expm1", a, f64::exp_m1)
}

fn log(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "log", a, 1, 2)?;
    let x = args::float(h, "log", 1, "num", &a[0])?;
    let Some(base) = a.get(1) else {
        return Ok(Zval::float(x.ln()));
    };
    let base = args::float(h, "log", 2, "base", base)?;
    Ok(Zval::float(if base == 2.0 {
        x.log2()
    } else if base == 10.0 {
        x.log10()
    } else if base == 1.0 {
        f64::NAN
    } else if base <= 0.0 {
        return Err(h.throw(
            "ValueError",
            "log(): Argument #2 ($base) must be greater than 0".into(),
        ));
    } else {
        x.ln() / base.ln()
    }))
}

fn log10(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "log10", a, f64::log10)
}

fn log1p(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "log1p", a, f64::ln_1p)
}

fn sin(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "sin", a, f64::sin)
}

fn cos(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "cos", a, f64::cos)
}

fn tan(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "tan", a, f64::tan)
}

fn asin(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "asin", a, f64::asin)
}

fn acos(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "acos", a, f64::acos)
}

fn atan(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "atan", a, f64::atan)
}

fn atan2(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    binary(h, "atan2", a, ("y", "x"), f64::atan2)
}

fn sinh(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "sinh", a, f64::sinh)
}

fn cosh(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "cosh", a, f64::cosh)
}

fn tanh(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "tanh", a, f64::tanh)
}

fn asinh(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "asinh", a, |x| c_asinh(x))
}

fn acosh(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "acosh", a, |x| c_acosh(x))
}

fn atanh(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "atanh", a, |x| c_atanh(x))
}

fn fmod(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    binary(h, "fmod", a, ("num1", "num2"), |x, y| x % y)
}

fn fdiv(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    binary(h, "fdiv", a, ("num1", "num2"), |x, y| x / y)
}

fn hypot(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    binary(h, "hypot", a, ("x", "y"), f64::hypot)
}

fn deg2rad(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "deg2rad", a, |x| x / 180.0 * PI)
}

fn rad2deg(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    unary(h, "rad2deg", a, |x| x / PI * 180.0)
}

fn is_nan(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_nan", a, f64::is_nan)
}

fn is_finite(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_finite", a, f64::is_finite)
}

fn is_infinite(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_infinite", a, f64::is_infinite)
}
