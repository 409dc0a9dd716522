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
/// not compiled by default: until calls are inlined into their caller's trace, a call from
/// compiled code reaches a compiled function through a residual call and a native re-entry,
/// which writes the caller's frame back and reads it again around the call, and that costs
/// more than interpreting the callee (`benches/results/lox.md`: with function entries, the
/// JIT was 0.47x the interpreter's speed over the benchmarks). Loops in functions are still
/// compiled, and the tests run function entries with the eager parameter set.
pub const JIT_DEFAULTS: &str = "function_threshold=4000000000";
pub use vm::Vm;
