//! hippy's virtual machine: runs the bytecode of `php-compiler` on the values of
//! `php-runtime`, in a dispatch loop annotated for metajit ([`vm::run`]).
//!
//! - [`vm`]: the VM's state and the dispatch loop.
//! - [`code`]: loaded code and what calls by name reach.
//! - [`frame`]: call frames.
//! - [`program`]: running a program: start-up, shutdown, output, error reports.
//! - [`ops`]: what the loop calls, by family (`arith`, `call`, `object`, `output`, `vars`).
//! - [`classes`]: making the built-in and the program's classes; destructors.
//! - [`inherit`]: the checks of linking a class to its parent and interfaces.
//! - [`links`]: what linking learned of each class (member order, prototypes).
//! - [`prototypes`]: the signatures of built-in methods, from PHP's stubs.
//! - [`variance`]: whether a method may replace another (PHP's Liskov rules).
//! - [`limits`]: `memory_limit` and `max_execution_time`.
//! - [`startup`]: the ini defaults and the superglobals a program starts with.
//! - [`load`]: loading compiled files; `include` and `require`.
//! - [`assert`]: `assert()` and its settings.
//! - [`autoload`]: `spl_autoload_register` and the hook class lookups call.
//! - [`backtrace`]: stack traces (`getTrace`, `debug_backtrace`).
//! - [`phpinfo`]: the text `phpinfo()` prints.
//! - [`introspect`]: lists of what is defined (`get_defined_functions`...).
//! - [`functions`]: built-in functions that work on the VM's state (error handlers, ini...).
//!
//! Built-in functions come from outside (`php-stdlib`, through the table [`Vm::new`] is
//! given), and reach the VM through [`php_runtime::Host`], which [`ops::call`] implements.

pub mod assert;
pub mod autoload;
pub mod backtrace;
pub mod classes;
pub mod code;
pub mod frame;
pub mod functions;
pub mod inherit;
pub mod introspect;
pub mod limits;
pub mod links;
pub mod load;
pub mod ops;
pub mod phpinfo;
pub mod program;
pub mod prototypes;
pub mod startup;
pub mod variance;
pub mod vm;

pub use php_runtime::PhpError;
pub use vm::Vm;

/// The JIT parameters hippy starts from (`METAJIT_PARAMS` overrides them).
pub const JIT_DEFAULTS: &str = "";
