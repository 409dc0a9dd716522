//! Lox, the language of *Crafting Interpreters*, with the bytecode VM's (clox's) semantics and
//! messages, on metajit.
//!
//! The pipeline: [`scanner`] turns source into tokens, [`compiler`] turns tokens into
//! [`chunk::Proto`]s (one per function) in a single pass, as clox does; [`code`] loads them for
//! the [`vm`], whose dispatch loop runs them on [`value`]s and [`object`]s kept in the
//! [`heap`].

pub mod chunk;
pub mod code;
pub mod compiler;
pub mod error;
pub mod heap;
pub mod object;
pub mod ops;
pub mod scanner;
pub mod table;
pub mod value;
pub mod vm;

pub use error::LoxError;

/// Lox's own JIT parameter defaults (`METAJIT_PARAMS` overrides them). Function entries are
/// not compiled by default (`function_threshold=0`): calls in loops are inlined into the loop's
/// trace, and a call that compiled code does not inline reaches a compiled function through a
/// residual call and the driver (there is no `call_assembler` yet), which costs more than
/// interpreting the callee (`fib.lox`: 3.30 s with function entries, 2.88 s without, one run
/// each). Loops in functions are still compiled, and the tests run function entries with the
/// eager parameter set.
pub const JIT_DEFAULTS: &str = "function_threshold=0";
pub use vm::Vm;
