//! hippy's compiler: the syntax tree of `php-syntax` to the register bytecode of
//! [`bytecode`], which `php-vm` runs.
//!
//! Each function (and the script itself) gets one frame layout: its variables in the first
//! slots (parameters first), temporaries after them. The compiler numbers temporaries from a
//! separate counter and moves them above the variables once the function is complete, since
//! variables are found as the body is compiled.
//!
//! The language covered so far: literals, variables, assignment (also compound and `??=`),
//! `++`/`--`, every arithmetic, bitwise, string, comparison and logical operator, `?:`, `??`,
//! casts to scalars, `isset`/`empty` of variables, `echo`, `print`, string interpolation,
//! `if`/`elseif`/`else`, `while`, `do`-`while`, `for`, `break`/`continue` with levels,
//! functions declared at the top level (parameters by value or by reference, constant
//! defaults, `return`, recursion), references (`$b = &$a`, `global`, `static`), constants
//! (`const`, and names resolved at run time), `exit`, and arrays: literals, element reads, nested element writes (`$a[i][j] = v`,
//! `$a[] = v`, `op=`, `++`/`--`), `isset`/`empty`/`??` of elements, `unset`, `foreach` by
//! value, destructuring (`[$a, $b] = ...`, `list()`, also in `foreach`), `switch` and
//! `match`. Anything else is a [`CompileError`] saying it is not supported yet, never a silent
//! miscompilation.

pub mod bytecode;
mod codegen;
pub mod refop;
mod typespec;
mod unit;

pub use bytecode::{
    ARGS_ARRAY, BinOp, CallKind, Const, Function, NONE, NewConst, Op, Param, Program, RefNeed,
    RefOp, Slot, Step, UnOp,
};
pub use codegen::{compile, compile_eval, compile_top_classes, is_superglobal, top_functions};

/// Why a file could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// What went wrong.
    pub message: String,
    /// The line it is on.
    pub line: u32,
    /// A fatal error PHP itself reports at compile time (printed as PHP's `Fatal error:`);
    /// otherwise hippy does not support the construct yet.
    pub fatal: bool,
}
