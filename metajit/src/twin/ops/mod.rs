//! The operations generated twin code calls, each accepting plain (green or constant) values
//! and `Sym`s alike: the type decides, not the macro.
//!
//! Comparisons, conditions, casts, field and array access, division, promotion, calls. Each
//! function does the concrete work (what the native interpreter would do, including panicking
//! where it would panic) and, when a tracer is recording and a value is not constant, records
//! the operation and any guard it implies at the given [`Site`](super::Site).

mod alloc;
mod array;
mod branch;
mod call;
mod cast;
mod class;
mod compare;
mod divide;
mod field;
mod residual;

pub use alloc::*;
pub use array::*;
pub use branch::*;
pub use call::*;
pub use cast::*;
pub use class::*;
pub use compare::*;
pub use divide::*;
pub use field::*;
pub use residual::{
    ResidualRet, residual_call_ret, resume_call_ret, set_pending, shim_result, take_pending,
};
