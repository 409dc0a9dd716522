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

/// Lox's own JIT parameter defaults (`METAJIT_PARAMS` overrides them): none, metajit's
/// defaults suit it. Calls in loops are inlined into the loop's trace; a function called often
/// (`function_threshold`) gets a trace from its entry, which calls that are not inlined
/// (recursion deeper than `max_unroll_recursion`) reach through the driver (`trees.lox`:
/// 2.5 s with function entries, 6.2 s without; `fib.lox`: 1.8 s and 2.3 s).
pub const JIT_DEFAULTS: &str = "";
pub use vm::Vm;
