//! Floats printed exactly as PHP prints them.
//!
//! PHP formats a float from its decimal digits and the position of the decimal point: with a
//! fixed number of significant digits (the `precision` ini setting, 14 by default: `echo`,
//! string conversion) or with the fewest digits that read back as the same float
//! (`serialize_precision = -1`, the default: `var_dump`, `var_export`, `json_encode`,
//! `serialize`). The digits are then laid out in plain decimal notation, or in exponent
//! notation (`1.0E+25`) when the exponent is below -4 or not below the precision (17 for the
//! shortest form). The VM sets both precisions from the ini settings ([`set_precision`]).

/// Which of PHP's layouts to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `echo`, `print`, `(string)`, string interpolation: `precision` significant digits
    /// (14 by default), `E`.
    Echo,
    /// Floats in messages (PHP's `%.*H` with precision -1): shortest, `E`.
    Dump,
    /// `var_dump`: `serialize_precision` digits (shortest by default), `E`.
    VarDump,
    /// `var_export`: as [`Style::VarDump`], and `.0` added to whole numbers.
    Export,
    /// `json_encode`: as [`Style::Serialize`] with `e`.
    Json,
    /// `serialize`: as [`Style::VarDump`], except that with `serialize_precision = 0` every
    /// float is in exponent notation.
    Serialize,
}

thread_local! {
    /// The `precision` ini setting (-1: shortest).
    static PRECISION: std::cell::Cell<i64> = const { std::cell::Cell::new(14) };
    /// The `serialize_precision` ini setting (-1: shortest).
    static SERIALIZE_PRECISION: std::cell::Cell<i64> = const { std::cell::Cell::new(-1) };
}

/// Sets the `precision` ini setting; values below -1 are refused, as PHP refuses them.
pub fn set_precision(p: i64) {
    if p >= -1 {
        PRECISION.with(|c| c.set(p));
    }
}

/// Sets the `serialize_precision` ini setting; values below -1 are refused.
pub fn set_serialize_precision(p: i64) {
    if p >= -1 {
        SERIALIZE_PRECISION.with(|c| c.set(p));
    }
}

/// The decimal digits of `|f|` (no trailing zeros, at least one digit) and the position of
/// the decimal point relative to them (`0.5` is `"5"`, 0; `120` is `"12"`, 3).
/// `precision` of `None` asks for the shortest digits that round-trip.
fn digits(f: f64, precision: Option<usize>) -> (Vec<u8>, i32) {
    if f == 0.0 {
        return (b"0".to_vec(), 1);
    }
    let text = match precision {
        Some(p) => format!("{:.*e}", p.max(1) - 1, f.abs()),
        None => format!("{:e}", f.abs()),
    };
    let (mantissa, exp) = text.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("exponent");
    let mut ds: Vec<u8> = mantissa.bytes().filter(|b| *b != b'.').collect();
    while ds.len() > 1 && ds.last() == Some(&b'0') {
        ds.pop();
    }
    (ds, exp + 1)
}

/// Lays out `digits` with the decimal point at `decpt`, as PHP's `zend_gcvt` does.
fn layout(out: &mut String, ds: &[u8], decpt: i32, ndigit: i32, exp_char: char) {
    let ds_str = std::str::from_utf8(ds).expect("ascii digits");
    if decpt < -3 || decpt > ndigit {
        let e = decpt - 1;
        out.push_str(&ds_str[..1]);
        out.push('.');
        if ds.len() == 1 {
            out.push('0');
        } else {
            out.push_str(&ds_str[1..]);
        }
        out.push(exp_char);
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&e.unsigned_abs().to_string());
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in decpt..0 {
            out.push('0');
        }
        out.push_str(ds_str);
    } else {
        let d = decpt as usize;
        if ds.len() <= d {
            out.push_str(ds_str);
            for _ in ds.len()..d {
                out.push('0');
            }
        } else {
            out.push_str(&ds_str[..d]);
            out.push('.');
            out.push_str(&ds_str[d..]);
        }
    }
}

/// Appends `f` formatted in `style`.
pub fn push_float(out: &mut String, f: f64, style: Style) {
    if f.is_nan() {
        out.push_str("NAN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f < 0.0 { "-INF" } else { "INF" });
        return;
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    let start = out.len();
    // PHP's callers raise a precision of 0 to 1, except `serialize` and `json_encode`.
    let raised = |p: i64| if p == 0 { 1 } else { p };
    let precision = match style {
        Style::Echo => raised(PRECISION.with(|c| c.get())),
        Style::Dump => -1,
        Style::VarDump | Style::Export => raised(SERIALIZE_PRECISION.with(|c| c.get())),
        Style::Json | Style::Serialize => SERIALIZE_PRECISION.with(|c| c.get()),
    };
    gcvt(
        out,
        f,
        precision,
        if style == Style::Json { 'e' } else { 'E' },
    );
    if style == Style::Export && !out[start..].contains('.') {
        out.push_str(".0");
    }
}

/// PHP's `zend_gcvt`: `precision` significant digits (-1: the shortest that round-trip),
/// in exponent notation when the exponent is below -4 or not below the precision (17 for
/// the shortest form).
fn gcvt(out: &mut String, f: f64, precision: i64, exp_char: char) {
    if precision < 0 {
        let (ds, decpt) = digits(f, None);
        layout(out, &ds, decpt, 17, exp_char);
    } else {
        // Beyond ~770 significant digits a double has only zeros left.
        let p = precision.min(1000) as usize;
        let (ds, decpt) = digits(f, Some(p.max(1)));
        layout(out, &ds, decpt, p as i32, exp_char);
    }
}

/// `f` formatted in `style`.
pub fn float_to_string(f: f64, style: Style) -> String {
    let mut s = String::new();
    push_float(&mut s, f, style);
    s
}

#[cfg(test)]
mod tests {
    // Expected strings are what `php -n` 8.2 prints: echo, var_dump, var_export, json_encode.
    use super::*;

    fn all(f: f64) -> [String; 4] {
        [Style::Echo, Style::Dump, Style::Export, Style::Json].map(|s| float_to_string(f, s))
    }

    #[test]
    fn like_php() {
        let cases: &[(f64, [&str; 4])] = &[
            (
                1e14,
                [
                    "1.0E+14",
                    "100000000000000",
                    "100000000000000.0",
                    "100000000000000",
                ],
            ),
            (
                1e16,
                [
                    "1.0E+16",
                    "10000000000000000",
                    "10000000000000000.0",
                    "10000000000000000",
                ],
            ),
            (1e17, ["1.0E+17", "1.0E+17", "1.0E+17", "1.0e+17"]),
            (
                123456789012345.0,
                [
                    "1.2345678901234E+14",
                    "123456789012345",
                    "123456789012345.0",
                    "123456789012345",
                ],
            ),
            (
                1234567890123456.0,
                [
                    "1.2345678901235E+15",
                    "1234567890123456",
                    "1234567890123456.0",
                    "1234567890123456",
                ],
            ),
            (
                12345678901234567.0,
                [
                    "1.2345678901235E+16",
                    "12345678901234568",
                    "12345678901234568.0",
                    "12345678901234568",
                ],
            ),
            (0.0001, ["0.0001", "0.0001", "0.0001", "0.0001"]),
            (0.00001, ["1.0E-5", "1.0E-5", "1.0E-5", "1.0e-5"]),
            (
                0.1 + 0.2,
                [
                    "0.3",
                    "0.30000000000000004",
                    "0.30000000000000004",
                    "0.30000000000000004",
                ],
            ),
            (1.0, ["1", "1", "1.0", "1"]),
            (-0.0, ["-0", "-0", "-0.0", "-0"]),
            (0.0, ["0", "0", "0.0", "0"]),
            (1.5e300, ["1.5E+300", "1.5E+300", "1.5E+300", "1.5e+300"]),
            (2.5e-5, ["2.5E-5", "2.5E-5", "2.5E-5", "2.5e-5"]),
            (100000.0, ["100000", "100000", "100000.0", "100000"]),
            (
                1.0 / 3.0,
                [
                    "0.33333333333333",
                    "0.3333333333333333",
                    "0.3333333333333333",
                    "0.3333333333333333",
                ],
            ),
            (
                999999999999999.9,
                [
                    "1.0E+15",
                    "999999999999999.9",
                    "999999999999999.9",
                    "999999999999999.9",
                ],
            ),
            (
                99999999999999.99,
                [
                    "1.0E+14",
                    "99999999999999.98",
                    "99999999999999.98",
                    "99999999999999.98",
                ],
            ),
            (
                0.1 + 0.7,
                [
                    "0.8",
                    "0.7999999999999999",
                    "0.7999999999999999",
                    "0.7999999999999999",
                ],
            ),
            (-1.5e-10, ["-1.5E-10", "-1.5E-10", "-1.5E-10", "-1.5e-10"]),
            (
                9.223372036854776e18,
                [
                    "9.2233720368548E+18",
                    "9.223372036854776E+18",
                    "9.223372036854776E+18",
                    "9.223372036854776e+18",
                ],
            ),
            (f64::NAN, ["NAN", "NAN", "NAN", "NAN"]),
            (f64::INFINITY, ["INF", "INF", "INF", "INF"]),
            (f64::NEG_INFINITY, ["-INF", "-INF", "-INF", "-INF"]),
        ];
        for (f, want) in cases {
            assert_eq!(all(*f), want.map(String::from), "formatting {f:e}");
        }
    }
}
