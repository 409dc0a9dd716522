//! metajit: a meta-tracing JIT framework.
#![warn(missing_docs)]

pub mod backend;
pub mod ir;
pub mod jitarray;
pub mod value;

pub use jitarray::{ArrayRef, JitArray};
pub use value::{JitValue, Kind};
