//! Math functions.

use crate::args;
use php_runtime::compare::compare;
use php_runtime::number::Num;
use php_runtime::{Builtin, Host, PhpError, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("abs", abs),
    ("floor", floor),
    ("ceil", ceil),
    ("round", round),
    ("sqrt", sqrt),
    ("pow", pow),
    ("intdiv", intdiv),
    ("max", max),
    ("min", min),
    ("dechex", dechex),
    ("number_format", number_format),
    ("hrtime", hrtime),
];

fn abs(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "abs", a, 1, 1)?;
    Ok(
        match args::number(h, "abs", 1, "num", "int|float", &a[0])? {
            Num::Int(i) => i.checked_abs().map_or(Zval::float(-(i as f64)), Zval::int),
            Num::Float(f) => Zval::float(f.abs()),
        },
    )
}

fn float_fn(h: &mut dyn Host, name: &str, a: &[Zval], f: fn(f64) -> f64) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 1)?;
    let x = args::number(h, name, 1, "num", "int|float", &a[0])?.to_f64();
    Ok(Zval::float(f(x)))
}

fn floor(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    float_fn(h, "floor", a, f64::floor)
}

fn ceil(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    float_fn(h, "ceil", a, f64::ceil)
}

fn sqrt(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "sqrt", a, 1, 1)?;
    let x = args::float(h, "sqrt", 1, "num", &a[0])?;
    Ok(Zval::float(x.sqrt()))
}

/// Rounds half away from zero at `places` decimals, as PHP does (see [`round_places_mode`]).
fn round_places(x: f64, places: i64) -> f64 {
    round_places_mode(x, places, 1)
}

/// 10 to the power `p`: exact up to 10^22, as PHP's table.
fn pow10(p: i32) -> f64 {
    if (0..=22).contains(&p) {
        let mut r = 1.0;
        for _ in 0..p {
            r *= 10.0;
        }
        r
    } else {
        10f64.powi(p)
    }
}

/// Rounds a value to a whole number, halves as the mode says: `PHP_ROUND_HALF_UP` (1, and
/// any unknown mode) away from zero, `PHP_ROUND_HALF_DOWN` (2) towards zero,
/// `PHP_ROUND_HALF_EVEN` (3) and `PHP_ROUND_HALF_ODD` (4) to the even or odd neighbour. A half
/// is recognized by comparing with the neighbour found by adding 0.5 and flooring (so a value
/// just under a half that the addition carries over counts as one).
fn round_half(v: f64, mode: i64) -> f64 {
    if v >= 0.0 {
        let up = (v + 0.5).floor();
        let pair = 2.0 * (up / 2.0).floor();
        let back = match mode {
            2 => v == up - 0.5,
            3 => v == pair + 0.5,
            4 => v == pair - 0.5,
            _ => false,
        };
        if back { up - 1.0 } else { up }
    } else {
        let down = (v - 0.5).ceil();
        let pair = 2.0 * (down / 2.0).ceil();
        let back = match mode {
            2 => v == down + 0.5,
            3 => v == pair - 0.5,
            4 => v == pair + 0.5,
            _ => false,
        };
        if back { down + 1.0 } else { down }
    }
}

/// PHP's rounding at `places` decimals with a mode (see [`round_half`]). When the value has
/// more significant digits than the places ask for, it is first rounded to the 15 digits a
/// double holds, so that `round(0.285, 2)` is 0.29 although 0.285 is stored a little below.
fn round_places_mode(x: f64, places: i64, mode: i64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let places = places.clamp(i64::from(i32::MIN + 1), i64::from(i32::MAX)) as i32;
    let precise = 14 - x.abs().log10().floor() as i32;
    let f1 = pow10(places.saturating_abs());
    let scaled = if precise > places && i64::from(precise) - i64::from(places) < 15 {
        let f2 = pow10(precise.abs());
        let pre = if precise >= 0 { x * f2 } else { x / f2 };
        round_half(pre, mode) / pow10((places - precise).abs())
    } else {
        let t = if places >= 0 { x * f1 } else { x / f1 };
        if t.abs() >= 1e15 {
            return x;
        }
        t
    };
    let r = round_half(scaled, mode);
    if places.saturating_abs() < 23 {
        return if places > 0 { r / f1 } else { r * f1 };
    }
    // Past 10^22 powers of ten are inexact: the decimal text is parsed instead (a zero comes
    // back unsigned).
    match format!("{r:.6}e{}", -i64::from(places)).parse::<f64>() {
        Ok(0.0) => 0.0,
        Ok(v) if v.is_finite() => v,
        _ => x,
    }
}

fn round(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "round", a, 1, 3)?;
    let x = args::number(h, "round", 1, "num", "int|float", &a[0])?;
    let places = if a.len() > 1 {
        args::int(h, "round", 2, "precision", &a[1])?
    } else {
        0
    };
    let mode = match a.get(2) {
        Some(m) => args::int(h, "round", 3, "mode", m)?,
        None => 1,
    };
    Ok(Zval::float(match x {
        Num::Int(i) if places >= 0 => i as f64,
        n => round_places_mode(n.to_f64(), places, mode),
    }))
}

fn pow(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "pow", a, 2, 2)?;
    let x = args::number(h, "pow", 1, "num", "int|float", &a[0])?;
    let y = args::number(h, "pow", 2, "exponent", "int|float", &a[1])?;
    Ok(Zval::from(php_runtime::arith::pow(x, y)))
}

fn intdiv(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "intdiv", a, 2, 2)?;
    let x = args::int(h, "intdiv", 1, "num1", &a[0])?;
    let y = args::int(h, "intdiv", 2, "num2", &a[1])?;
    if y == 0 {
        return Err(h.throw("DivisionByZeroError", "Division by zero".into()));
    }
    if x == i64::MIN && y == -1 {
        let msg = "Division of PHP_INT_MIN by -1 is not an integer";
        return Err(h.throw("ArithmeticError", msg.into()));
    }
    Ok(Zval::int(x / y))
}

fn extreme(h: &mut dyn Host, name: &str, a: &[Zval], want: i32) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, usize::MAX)?;
    let values: Vec<Zval> = if a.len() == 1 {
        let arr = args::array(h, name, 1, "value", &a[0])?;
        if arr.is_empty() {
            let msg = format!("{name}(): Argument #1 ($value) must contain at least one element");
            return Err(h.throw("ValueError", msg));
        }
        arr.iter().map(|(_, v)| v.clone()).collect()
    } else {
        a.to_vec()
    };
    let mut best = values[0].clone();
    for v in &values[1..] {
        match compare(v, &best) {
            Ok(c) if c == want => best = v.clone(),
            Ok(_) => {}
            Err(_) => {
                return Err(h.throw(
                    "Error",
                    php_runtime::compare::NestingTooDeep::MESSAGE.into(),
                ));
            }
        }
    }
    Ok(best)
}

fn max(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    extreme(h, "max", a, 1)
}

fn min(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    extreme(h, "min", a, -1)
}

fn dechex(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "dechex", a, 1, 1)?;
    let n = args::int(h, "dechex", 1, "num", &a[0])?;
    Ok(Zval::str(&format!("{:x}", n as u64)))
}

fn number_format(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "number_format", a, 1, 4)?;
    let x = args::float(h, "number_format", 1, "num", &a[0])?;
    let decimals = if a.len() > 1 {
        args::int(h, "number_format", 2, "decimals", &a[1])?.max(0)
    } else {
        0
    };
    let point = if a.len() > 2 {
        args::string(h, "number_format", 3, "decimal_separator", &a[2])?
            .as_bytes()
            .to_vec()
    } else {
        b".".to_vec()
    };
    let sep = if a.len() > 3 {
        args::string(h, "number_format", 4, "thousands_separator", &a[3])?
            .as_bytes()
            .to_vec()
    } else {
        b",".to_vec()
    };
    let rounded = round_places(x, decimals);
    let text = format!("{:.*}", decimals.min(100) as usize, rounded.abs());
    let (int_part, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = Vec::new();
    if rounded < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push(b'-');
    }
    for (i, c) in int_part.bytes().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            out.extend_from_slice(&sep);
        }
        out.push(c);
    }
    if decimals > 0 {
        out.extend_from_slice(&point);
        out.extend_from_slice(frac.as_bytes());
    }
    Ok(Zval::string(php_runtime::PhpString::new(&out)))
}

/// The monotonic clock's start, shared by every call.
fn clock_start() -> std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::Instant::now)
}

fn hrtime(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "hrtime", a, 0, 1)?;
    let as_number = a.len() == 1 && args::boolean(h, "hrtime", 1, "as_number", &a[0])?;
    // A monotonic clock with an arbitrary origin, as PHP's: a second since the origin at least,
    // so that the first reading is not zero.
    let t = clock_start().elapsed() + std::time::Duration::from_secs(1);
    if as_number {
        return Ok(Zval::int(t.as_nanos() as i64));
    }
    Ok(Zval::array(php_runtime::PhpArray::from_list([
        Zval::int(t.as_secs() as i64),
        Zval::int(i64::from(t.subsec_nanos())),
    ])))
}
