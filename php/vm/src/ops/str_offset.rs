//! String offsets (`$s[i]`): reading a byte, writing one, and the test `isset`/`empty` make,
//! with PHP 8.2's conversions of the offset and their diagnostics.
//!
//! An offset is an int, counted from the end when negative. Other offsets convert by access:
//! - read, write (and the quiet read of `??`, which only drops the cast warning): an integer
//!   string (`"1"`, `" 1"`, `"1 "`) is its int; a leading-integer one (`"1x"`) too, after the
//!   warning `Illegal string offset "1x"`; `float`, `bool` and `null` convert after the
//!   warning "String offset cast occurred"; anything else (`"1.0"`, `"x"`, arrays, objects)
//!   is the TypeError "Cannot access offset of type %s on string" (a quiet read of a string
//!   gives `null` instead).
//! - `isset`/`empty`: only integer strings and scalars (a float with the deprecation for a
//!   lost fraction); anything else is simply not set.
//!
//! Writes happen in two steps, so that error handlers see the string as it was: [`check_write`]
//! converts the offset and the value (all diagnostics, the string still in its variable), then
//! the caller stores the byte with [`PhpString::set_byte`].

use crate::ops::arith::{lossy_int, value_type};
use crate::ops::vars::{throw, warn};
use crate::vm::Frame;
use php_runtime::number::{Num, Numeric, float_to_int, parse_numeric};
use php_runtime::value::View;
use php_runtime::{PhpError, PhpString, Zval};

/// How an offset is used: which conversions warn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// `$s[k]`, and writes.
    Read,
    /// `$s[k] ?? ...` and the inner dimensions of `isset`: no cast warning, `null` for a
    /// non-numeric string.
    Quiet,
    /// An outer dimension of `unset($s[k][...])`: no warning for a leading-integer string.
    Unset,
}

/// The TypeError for an offset of the wrong type.
fn illegal(frame: &mut Frame, k: &Zval) -> PhpError {
    let msg = format!("Cannot access offset of type {} on string", value_type(k));
    throw(frame, "TypeError", msg)
}

/// The offset `k` makes for `access`; `None` only for a quiet read of a non-numeric string.
pub fn offset(frame: &mut Frame, k: &Zval, access: Access) -> Result<Option<i64>, PhpError> {
    Ok(Some(match k.view() {
        View::Int(i) => i,
        View::Str(s) => match parse_numeric(s.as_bytes()) {
            Numeric::Whole(Num::Int(i)) => i,
            Numeric::Leading(Num::Int(i)) => {
                if access != Access::Unset {
                    let shown = String::from_utf8_lossy(s.as_bytes());
                    warn(frame, &format!("Illegal string offset \"{shown}\""))?;
                }
                i
            }
            _ if access == Access::Quiet => return Ok(None),
            _ => return Err(illegal(frame, k)),
        },
        View::Undef | View::Null | View::Bool(_) | View::Float(_) => {
            if access != Access::Quiet {
                warn(frame, "String offset cast occurred")?;
            }
            match k.view() {
                View::Float(f) => float_to_int(f),
                View::Bool(b) => i64::from(b),
                _ => 0,
            }
        }
        View::Ref(r) => return offset(frame, &r.get(), access),
        View::Array(_) | View::Object(_) | View::Resource(_) => return Err(illegal(frame, k)),
    }))
}

/// The offset `k` makes for `isset`/`empty`: `None` when the element cannot be set.
fn isset_offset(frame: &mut Frame, k: &Zval) -> Result<Option<i64>, PhpError> {
    Ok(match k.view() {
        View::Int(i) => Some(i),
        View::Str(s) => match parse_numeric(s.as_bytes()) {
            Numeric::Whole(Num::Int(i)) => Some(i),
            _ => None,
        },
        View::Undef | View::Null => Some(0),
        View::Bool(b) => Some(i64::from(b)),
        View::Float(f) => Some(lossy_int(frame, f)?),
        View::Ref(r) => return isset_offset(frame, &r.get()),
        View::Array(_) | View::Object(_) | View::Resource(_) => None,
    })
}

/// The position of `offset` in a string of `len` bytes (negative: from the end), if inside.
fn position(len: usize, offset: i64) -> Option<usize> {
    let at = if offset < 0 {
        offset.checked_add(i64::try_from(len).ok()?)?
    } else {
        offset
    };
    usize::try_from(at).ok().filter(|&at| at < len)
}

fn one_byte(b: u8) -> Zval {
    Zval::string(PhpString::new(&[b]))
}

/// `s[k]`: the byte as a string; outside the string `""` after PHP's warning (`null` for a
/// quiet read, as for a quiet read of a non-numeric offset).
pub fn read(frame: &mut Frame, s: &PhpString, k: &Zval, access: Access) -> Result<Zval, PhpError> {
    let Some(i) = offset(frame, k, access)? else {
        return Ok(Zval::NULL);
    };
    Ok(match position(s.len(), i) {
        Some(at) => one_byte(s.as_bytes()[at]),
        None if access == Access::Quiet => Zval::NULL,
        None => {
            warn(frame, &format!("Uninitialized string offset {i}"))?;
            Zval::str("")
        }
    })
}

/// `s[k]` as `isset`/`empty` see it: the byte, or `null` when not set.
pub fn isset_read(frame: &mut Frame, s: &PhpString, k: &Zval) -> Result<Zval, PhpError> {
    let Some(i) = isset_offset(frame, k)? else {
        return Ok(Zval::NULL);
    };
    Ok(position(s.len(), i).map_or(Zval::NULL, |at| one_byte(s.as_bytes()[at])))
}

/// Checks `s[k] = v` in PHP's order (the offset, its range, the value, its length) with all
/// diagnostics: where to store which byte, or `None` when nothing is stored (an offset
/// before the start, after PHP's warning; or the string gone from its place, which `still`
/// tells, after an error handler replaced it).
pub fn check_write(
    frame: &mut Frame,
    s: &PhpString,
    k: &Zval,
    v: &Zval,
    still: &dyn Fn(&Frame) -> bool,
) -> Result<Option<(usize, u8)>, PhpError> {
    let Some(i) = offset(frame, k, Access::Read)? else {
        return Ok(None);
    };
    if !still(frame) {
        return Ok(None);
    }
    let len = s.len();
    let at = if i < 0 {
        match position(len, i) {
            Some(at) => at,
            None => {
                warn(frame, &format!("Illegal string offset {i}"))?;
                return Ok(None);
            }
        }
    } else {
        i as usize
    };
    let converted;
    let bytes = match v.view() {
        View::Str(t) => t.as_bytes(),
        _ => {
            let mut out = Vec::new();
            crate::ops::object::push_str(frame, &mut out, v)?;
            if !still(frame) {
                return Ok(None);
            }
            converted = out;
            &converted[..]
        }
    };
    let Some(&byte) = bytes.first() else {
        let msg = "Cannot assign an empty string to a string offset";
        return Err(throw(frame, "Error", msg.into()));
    };
    if bytes.len() > 1 {
        warn(
            frame,
            "Only the first byte will be assigned to the string offset",
        )?;
        if !still(frame) {
            return Ok(None);
        }
    }
    if at >= len {
        // What PHP's allocator is asked for: the string header, the bytes and a NUL, aligned.
        let size = (24 + at as u128 + 2 + 7) & !7;
        if let Err(message) = php_runtime::memory::check(size) {
            let line = crate::ops::vars::line(frame);
            return Err(PhpError::Fatal { message, line });
        }
    }
    Ok(Some((at, byte)))
}

/// Stores `byte` at `at` of the string in `slot` if it is still the string `id` names
/// (an error handler may have replaced it meanwhile: then nothing is stored, as in PHP).
/// The stored byte as a string, or `null` when nothing was stored.
pub fn store_byte(slot: &mut Zval, id: usize, at: usize, byte: u8) -> Zval {
    let same = matches!(slot.view(), View::Str(s) if identity(s) == id);
    if !same {
        return Zval::NULL;
    }
    let v = std::mem::replace(slot, Zval::UNDEF);
    match v.into_string() {
        Ok(mut s) => {
            s.set_byte(at, byte);
            *slot = Zval::string(s);
            one_byte(byte)
        }
        Err(v) => {
            *slot = v;
            Zval::NULL
        }
    }
}

/// What tells a string apart from another while it lives: the address of its bytes.
pub fn identity(s: &PhpString) -> usize {
    s.as_bytes().as_ptr() as usize
}
