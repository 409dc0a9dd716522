//! The VM's state ([`Vm`]): output, the JIT, what the program declared (functions, classes,
//! constants), settings, and the frames of the calls running. Running a program with it is in
//! [`program`](crate::program); the dispatch loop is [`vm::run`](crate::vm::run).

use crate::vm::{Code, Frame};
use metajit::JitDriver;
use metajit::cli::Output;
use php_runtime::Zval;
use php_runtime::object::Class;
use php_runtime::value::PhpRef;
use php_runtime::{Builtin, PhpError};
use std::collections::HashMap;
use std::rc::Rc;

/// The interpreter's state.
#[derive(metajit::JitStruct)]
#[repr(C)]
pub struct Vm {
    /// Where `echo` writes.
    pub output: Output,
    /// The JIT.
    pub jit: Rc<JitDriver>,
    /// The script's path as PHP prints it in messages.
    pub file: String,
    /// The built-in functions: the one of a lowercase name.
    pub(crate) builtins: fn(&[u8]) -> Option<(&'static str, Builtin)>,
    /// User constants (`define`, `const`), by name.
    pub constants: HashMap<Vec<u8>, Zval>,
    /// Global variables that are not variables of the script's own code (made by `global` in
    /// a function), by name.
    pub extra_globals: HashMap<Vec<u8>, PhpRef>,
    /// Static variables, by function (its `Code`'s address) and slot.
    pub statics: HashMap<(usize, usize), PhpRef>,
    /// The error-reporting level: which diagnostics are printed.
    pub error_reporting: i64,
    /// The arguments of each call depth beyond its (non-variadic) parameters, for
    /// `func_get_args()`.
    pub extra_args: Vec<Vec<Zval>>,
    /// Output buffers (`ob_start`), innermost last: output goes to the last one.
    pub buffers: Vec<Vec<u8>>,
    /// The user functions by lowercase name.
    pub functions: HashMap<Vec<u8>, &'static Code>,
    /// The closures of every loaded file (`Op::MakeClosure` names them by index).
    pub closures: Vec<&'static Code>,
    /// The declarations inside blocks of every loaded file, until they run.
    pub late: Vec<Option<(php_compiler::bytecode::LateDecl, &'static str)>>,
    /// The files included so far (for `include_once`), by real path.
    pub included: std::collections::HashSet<std::path::PathBuf>,
    /// The by-reference parameters of the built-in functions (to compile included files).
    pub builtin_refs: &'static [(&'static str, &'static [usize])],
    /// The classes by lowercase name.
    pub classes: HashMap<Vec<u8>, &'static Class>,
    /// The classes by id.
    pub class_list: Vec<&'static Class>,
    /// The code of every method, indexed by [`MethodBody::User`](php_runtime::object::MethodBody).
    pub methods: Vec<&'static Code>,
    /// What linking learned about each class (member order, prototypes) for its subclasses.
    pub links: crate::links::Links,
    /// The built-in classes to make.
    pub class_specs: &'static [php_runtime::object::ClassSpec],
    /// An exception a destructor threw, reported when the program ends.
    pub pending: Option<PhpError>,
    /// The depth of the call running now (1: the script).
    pub depth: u32,
    /// `set_error_handler`: the handlers and their level masks, the current one last.
    pub error_handlers: Vec<(Zval, i64)>,
    /// Whether the error handler is running (it is not called for its own errors).
    pub in_error_handler: bool,
    /// `set_exception_handler`: the handlers, the current one last.
    pub exception_handlers: Vec<Zval>,
    /// `register_shutdown_function`: the callbacks and their arguments.
    pub shutdown_functions: Vec<(Zval, Vec<Zval>)>,
    /// `register_tick_function`: the callbacks and their arguments.
    pub tick_functions: Vec<(Zval, Vec<Zval>)>,
    /// The statements under `declare(ticks)` run since the last tick.
    pub ticks_count: u32,
    /// The call depth whose next call keeps a returned reference (`Op::KeepRef`), or 0.
    pub keep_ref: u32,
    /// The ini settings (`ini_get`, `ini_set`, `-d`).
    pub ini: HashMap<String, String>,
    /// The last diagnostic (`error_get_last`): its level, message, file and line.
    pub last_error: Option<(i64, String, String, u32)>,
    /// The configuration (`get_cfg_var`): what `-d` set, as no ini file is read.
    pub cfg: HashMap<String, String>,
    /// Variables only `$$name` made, per call depth (the script's are extra globals).
    pub dynamic_vars: Vec<HashMap<Vec<u8>, PhpRef>>,
    /// `spl_autoload_register`: the autoloaders, in the order they are tried.
    pub autoloaders: Vec<Zval>,
    /// `assert_options(ASSERT_CALLBACK)`: called when an assertion fails.
    pub assert_callback: Option<Zval>,
    /// The names of the built-in functions `builtins` finds (`get_defined_functions`).
    pub builtin_names: fn() -> Vec<&'static str>,
    /// The declared parameter list of a built-in function or `Class::method` (what named
    /// arguments to built-ins are matched against, see [`named`](crate::named)).
    pub signatures: fn(&[u8]) -> Option<&'static str>,
    /// The constants defined before the program starts (the others are the program's).
    pub internal_constants: std::collections::HashSet<Vec<u8>>,
    /// The files included so far, in the order they were first included.
    pub included_list: Vec<std::path::PathBuf>,
    /// The frame of each call depth (index `depth - 1`), made on first use and reused. Boxed:
    /// frames link to their callers and must not move when the vector grows.
    #[allow(clippy::vec_box)]
    pub(crate) frames: Vec<Box<Frame>>,
}
