//! hippy's virtual machine: runs the bytecode of `php-compiler` on the values of
//! `php-runtime`, in a dispatch loop annotated for metajit ([`vm::run`]).
//!
//! - [`vm`]: the dispatch loop.
//! - [`state`]: the VM's state.
//! - [`code`]: loaded code and what calls by name reach.
//! - [`frame`]: call frames.
//! - [`program`]: running a program: start-up, shutdown, output, error reports.
//! - [`ops`]: what the loop calls, by family (`arith`, `call`, `object`, `output`, `vars`).
//! - [`constexpr`]: evaluating constant expressions (defaults, constants, `new` in them).
//! - [`alias`]: the `class_alias` function.
//! - [`classes`]: making the built-in and the program's classes; destructors.
//! - [`inherit`]: the checks of linking a class to its parent and interfaces.
//! - [`links`]: what linking learned of each class (member order, prototypes).
//! - [`prototypes`]: the signatures of built-in methods, from PHP's stubs.
//! - [`variance`]: whether a method may replace another (PHP's Liskov rules).
//! - [`ticks`]: `declare(ticks)` and `register_tick_function`.
//! - [`limits`]: `memory_limit` and `max_execution_time`.
//! - [`startup`]: the ini defaults and the superglobals a program starts with.
//! - [`data_uri`]: `data:` URLs, for `include`.
//! - [`load`]: loading compiled files; `include` and `require`.
//! - [`include_scope`]: the includer's variables, as included code changes them.
//! - [`named`]: named arguments to built-in functions and methods.
//! - [`assert`]: `assert()` and its settings.
//! - [`autoload`]: `spl_autoload_register` and the hook class lookups call.
//! - [`backtrace`]: stack traces (`getTrace`, `debug_backtrace`).
//! - [`internal_calls`]: the built-in functions running now, as traces show them.
//! - [`phpinfo`]: the text `phpinfo()` prints.
//! - [`introspect`]: lists of what is defined (`get_defined_functions`...).
//! - [`constant_fn`]: `constant()`, of global and class constants.
//! - [`functions`]: built-in functions that work on the VM's state (error handlers, ini...).
//!
//! Built-in functions come from outside (`php-stdlib`, through the table [`Vm::new`] is
//! given), and reach the VM through [`php_runtime::Host`], which [`ops::call`] implements.

pub mod alias;
pub mod assert;
pub mod autoload;
pub mod backtrace;
pub mod classes;
pub mod code;
pub mod constant_fn;
pub mod constexpr;
pub mod data_uri;
pub mod frame;
pub mod functions;
pub mod include_scope;
pub mod inherit;
pub mod internal_calls;
pub mod introspect;
pub mod limits;
pub mod links;
pub mod lint;
pub mod load;
pub mod named;
pub mod ops;
pub mod phpinfo;
pub mod program;
pub mod prototypes;
pub mod startup;
pub mod state;
pub mod ticks;
pub mod variance;
pub mod vm;

pub use php_runtime::PhpError;
pub use vm::Vm;

/// The JIT parameters hippy starts from (`METAJIT_PARAMS` overrides them).
pub const JIT_DEFAULTS: &str = "";
