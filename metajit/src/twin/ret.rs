//! The value an interpreter function returns, as words: what a trace that ends in the
//! function's `return` passes out (`finish(.., descr=return)`), and how the driver rebuilds the
//! twin form of the result from them.
//!
//! Values of JIT types (scalars, references, compounds, `Option`s of them) are their resume
//! words. A `Result` is its success value: a trace reaching `return Err(e)` is not compiled (the
//! error path is left to the interpreter), since an error value is rarely a JIT value.

use super::{ResumeReader, ResumeValue, SlotValue, SnapWriter};
use crate::ir::OpRef;
use crate::value::Kind;
use std::any::Any;

/// A result twin code can return out of compiled code.
pub trait PortalReturn: Sized + 'static {
    /// Writes the value's words; false when it cannot be returned from compiled code.
    fn write_return(&self, w: &mut SnapWriter<'_>) -> bool;
    /// Rebuilds the value from the words a compiled return produced.
    fn read_return(r: &mut ResumeReader<'_>) -> Self;
}

impl<T: SlotValue + 'static> PortalReturn for T {
    fn write_return(&self, w: &mut SnapWriter<'_>) -> bool {
        // `T::write(*self, ..)`, not `self.write(..)`: a reference is a JIT value too.
        T::write(*self, w);
        true
    }
    fn read_return(r: &mut ResumeReader<'_>) -> T {
        T::read(r)
    }
}

impl<T: SlotValue + 'static, E: 'static> PortalReturn for Result<T, E> {
    fn write_return(&self, w: &mut SnapWriter<'_>) -> bool {
        match self {
            Ok(v) => {
                T::write(*v, w);
                true
            }
            Err(_) => false,
        }
    }
    fn read_return(r: &mut ResumeReader<'_>) -> Result<T, E> {
        Ok(T::read(r))
    }
}

/// Writes a returned value (the boxed twin form of `F`) as trace values; `None` when it
/// cannot be returned from compiled code (`PortalInfo::encode_return`).
pub fn encode_return<F: PortalReturn>(ret: &dyn Any, w: &mut SnapWriter<'_>) -> bool {
    match ret.downcast_ref::<F>() {
        Some(v) => v.write_return(w),
        None => false,
    }
}

/// Rebuilds the boxed twin form of `F` from returned words (`PortalInfo::decode_return`).
pub fn decode_return<F: PortalReturn>(words: &[i64]) -> Box<dyn Any> {
    let value = |&bits: &i64| ResumeValue {
        bits,
        op: None,
        kind: Kind::Int,
    };
    // Returns are a few words: read them from the stack (this runs once per compiled call).
    const SHORT: usize = 8;
    if words.len() <= SHORT {
        let mut values = [value(&0); SHORT];
        for (v, w) in values.iter_mut().zip(words) {
            *v = value(w);
        }
        return Box::new(F::read_return(&mut ResumeReader::new(
            &values[..words.len()],
        )));
    }
    let values: Vec<ResumeValue> = words.iter().map(value).collect();
    Box::new(F::read_return(&mut ResumeReader::new(&values)))
}

/// The trace values a [`SnapWriter`] collected (constants interned).
pub(crate) fn written_ops(values: &[crate::ir::SnapValue]) -> Option<Vec<OpRef>> {
    values
        .iter()
        .map(|v| match v {
            crate::ir::SnapValue::Value(r) => Some(*r),
            _ => None,
        })
        .collect()
}
