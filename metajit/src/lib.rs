//! metajit: a meta-tracing JIT framework.
#![warn(missing_docs)]

pub mod ir;
pub mod value;
