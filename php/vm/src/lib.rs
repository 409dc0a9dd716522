//! hippy's virtual machine: runs the bytecode of `php-compiler` on the values of
//! `php-runtime`, in a dispatch loop annotated for metajit ([`vm::run`]).
//!
//! - [`vm`]: loaded code, the VM, frames and the dispatch loop.
//! - [`ops`]: what the loop calls, by family (`arith`, `call`, `output`, `vars`).
//! - [`builtins`]: the few built-in functions the VM has so far.
//! - [`error`]: how a program ends early, printed as PHP prints it.

pub mod builtins;
pub mod error;
pub mod ops;
pub mod vm;

pub use error::PhpError;
pub use vm::Vm;

/// The JIT parameters hippy starts from (`METAJIT_PARAMS` overrides them).
pub const JIT_DEFAULTS: &str = "";
