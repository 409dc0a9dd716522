//! hippy's virtual machine: runs the bytecode of `php-compiler` on the values of
//! `php-runtime`, in a dispatch loop annotated for metajit ([`vm::run`]).
//!
//! - [`vm`]: loaded code, the VM, frames and the dispatch loop.
//! - [`ops`]: what the loop calls, by family (`arith`, `call`, `object`, `output`, `vars`).
//! - [`classes`]: making the built-in and the program's classes; destructors.
//! - [`startup`]: the ini defaults and the superglobals a program starts with.
//! - [`load`]: loading compiled files; `include` and `require`.
//! - [`functions`]: built-in functions that work on the VM's state (error handlers, ini...).
//!
//! Built-in functions come from outside (`php-stdlib`, through the table [`Vm::new`] is
//! given), and reach the VM through [`php_runtime::Host`], which [`ops::call`] implements.

pub mod classes;
pub mod functions;
pub mod load;
pub mod ops;
pub mod startup;
pub mod vm;

pub use php_runtime::PhpError;
pub use vm::Vm;

/// The JIT parameters hippy starts from (`METAJIT_PARAMS` overrides them).
pub const JIT_DEFAULTS: &str = "";
