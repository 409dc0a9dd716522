//! `sprintf` and `printf`: PHP's format strings (`%[argnum$][flags][width][.precision]spec`).

use crate::args;
use php_runtime::convert::{push_string, to_float, to_int};
use php_runtime::{Host, PhpError, PhpString, Zval};

/// Formats `a[0]` with the arguments after it (`listed`: they came in `vsprintf`'s array).
pub(crate) fn format(
    h: &mut dyn Host,
    name: &str,
    a: &[Zval],
    listed: bool,
) -> Result<Vec<u8>, PhpError> {
    args::arity(h, name, a, 1, usize::MAX)?;
    let fmt = args::string(h, name, 1, "format", &a[0])?;
    let f = fmt.as_bytes();
    let mut out = Vec::new();
    let mut next_arg = 1;
    let mut i = 0;
    while i < f.len() {
        if f[i] != b'%' {
            out.push(f[i]);
            i += 1;
            continue;
        }
        i += 1;
        if f.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        // An argument number `n$`.
        let mut argnum = None;
        let mut j = i;
        while j < f.len() && f[j].is_ascii_digit() {
            j += 1;
        }
        if j > i && f.get(j) == Some(&b'$') {
            let n: usize = std::str::from_utf8(&f[i..j])
                .ok()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            if n == 0 {
                return Err(h.throw(
                    "ValueError",
                    "Argument number specifier must be greater than zero and less than 2147483647"
                        .into(),
                ));
            }
            argnum = Some(n);
            i = j + 1;
        }
        let (mut left, mut plus, mut pad) = (false, false, b' ');
        loop {
            match f.get(i) {
                Some(b'-') => left = true,
                Some(b'+') => plus = true,
                Some(b'0') => pad = b'0',
                Some(b' ') => pad = b' ',
                Some(b'\'') if i + 1 < f.len() => {
                    i += 1;
                    pad = f[i];
                }
                _ => break,
            }
            i += 1;
        }
        let mut width = 0usize;
        while i < f.len() && f[i].is_ascii_digit() {
            width = width
                .saturating_mul(10)
                .saturating_add((f[i] - b'0') as usize);
            i += 1;
        }
        let mut precision = None;
        if f.get(i) == Some(&b'.') {
            i += 1;
            let mut p = 0usize;
            while i < f.len() && f[i].is_ascii_digit() {
                p = p.saturating_mul(10).saturating_add((f[i] - b'0') as usize);
                i += 1;
            }
            precision = Some(p);
        }
        let Some(&spec) = f.get(i) else {
            return Err(h.throw(
                "ValueError",
                "Missing format specifier at end of string".into(),
            ));
        };
        i += 1;
        let index = argnum.unwrap_or_else(|| {
            next_arg += 1;
            next_arg - 1
        });
        let Some(arg) = a.get(index) else {
            if listed {
                let msg = format!(
                    "The arguments array must contain {index} items, {} given",
                    a.len() - 1
                );
                return Err(h.throw("ValueError", msg));
            }
            let msg = format!("{} arguments are required, {} given", index + 1, a.len());
            return Err(h.throw("ArgumentCountError", msg));
        };
        let (sign, body): (&str, Vec<u8>) = match spec {
            b'd' | b'i' => {
                let v = to_int(arg);
                let s = if v < 0 {
                    "-"
                } else if plus {
                    "+"
                } else {
                    ""
                };
                (s, v.unsigned_abs().to_string().into_bytes())
            }
            b'u' => ("", (to_int(arg) as u64).to_string().into_bytes()),
            b'x' => ("", format!("{:x}", to_int(arg) as u64).into_bytes()),
            b'X' => ("", format!("{:X}", to_int(arg) as u64).into_bytes()),
            b'o' => ("", format!("{:o}", to_int(arg) as u64).into_bytes()),
            b'b' => ("", format!("{:b}", to_int(arg) as u64).into_bytes()),
            b'c' => {
                out.push(to_int(arg) as u8);
                continue;
            }
            b'f' | b'F' => {
                let v = to_float(arg);
                let p = precision.unwrap_or(6).min(53);
                let s = if v.is_sign_negative() && v != 0.0 {
                    "-"
                } else if plus {
                    "+"
                } else {
                    ""
                };
                let text = if v.is_nan() {
                    "NaN".to_string()
                } else if v.is_infinite() {
                    "Inf".to_string()
                } else {
                    format!("{:.*}", p, v.abs())
                };
                (s, text.into_bytes())
            }
            b'e' | b'E' => {
                let v = to_float(arg);
                let p = precision.unwrap_or(6).min(53);
                let s = if v < 0.0 {
                    "-"
                } else if plus {
                    "+"
                } else {
                    ""
                };
                let t = format!("{:.*e}", p, v.abs());
                let (m, e) = t.split_once('e').expect("exponent form");
                let e = if e.starts_with('-') {
                    e.to_string()
                } else {
                    format!("+{e}")
                };
                let exp = if spec == b'E' { "E" } else { "e" };
                (s, format!("{m}{exp}{e}").into_bytes())
            }
            b's' => {
                let mut v = Vec::new();
                if push_string(&mut v, arg).is_none() {
                    h.warn("Array to string conversion")?;
                    v.extend_from_slice(b"Array");
                }
                if let Some(p) = precision {
                    v.truncate(p);
                }
                ("", v)
            }
            b'g' | b'G' => {
                let msg = format!("{name}()'s %g and %G are not supported yet");
                return Err(h.throw("Error", msg));
            }
            other => {
                let msg = format!("Unknown format specifier \"{}\"", other as char);
                return Err(h.throw("ValueError", msg));
            }
        };
        let len = sign.len() + body.len();
        let fill = width.saturating_sub(len);
        if left {
            out.extend_from_slice(sign.as_bytes());
            out.extend_from_slice(&body);
            out.extend(std::iter::repeat_n(pad, fill));
        } else if pad == b'0' {
            out.extend_from_slice(sign.as_bytes());
            out.extend(std::iter::repeat_n(b'0', fill));
            out.extend_from_slice(&body);
        } else {
            out.extend(std::iter::repeat_n(pad, fill));
            out.extend_from_slice(sign.as_bytes());
            out.extend_from_slice(&body);
        }
    }
    Ok(out)
}

/// `sprintf(format, ...values)`.
pub fn sprintf(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    Ok(Zval::string(PhpString::new(&format(
        h, "sprintf", a, false,
    )?)))
}

/// `printf(format, ...values)`: the length written.
pub fn printf(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let out = format(h, "printf", a, false)?;
    h.write(&out)?;
    Ok(Zval::int(out.len() as i64))
}

/// `vsprintf`'s and `vprintf`'s arguments: the format, then the array's values.
fn listed_args(h: &mut dyn Host, name: &str, a: &[Zval]) -> Result<Vec<Zval>, PhpError> {
    args::arity(h, name, a, 2, 2)?;
    let fmt = args::string(h, name, 1, "format", &a[0])?;
    let values = args::array(h, name, 2, "values", &a[1])?;
    let mut all = vec![Zval::string(fmt)];
    all.extend(values.iter().map(|(_, v)| v.deref()));
    Ok(all)
}

/// `vsprintf(format, values)`.
pub fn vsprintf(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let all = listed_args(h, "vsprintf", a)?;
    Ok(Zval::string(PhpString::new(&format(
        h, "vsprintf", &all, true,
    )?)))
}

/// `vprintf(format, values)`: the length written.
pub fn vprintf(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let all = listed_args(h, "vprintf", a)?;
    let out = format(h, "vprintf", &all, true)?;
    h.write(&out)?;
    Ok(Zval::int(out.len() as i64))
}
