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
pub use vm::Vm;
