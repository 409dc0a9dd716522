//! The interface between built-in functions and the VM that calls them.
//!
//! The standard library (`php-stdlib`) depends on this crate only; the VM implements [`Host`]
//! for the call being made, so a built-in can raise PHP's diagnostics (with the caller's file
//! and line), throw PHP's errors (with the stack trace), and write output, without knowing the
//! VM. The dependency stays one-way: `vm -> runtime <- stdlib`.

use crate::error::PhpError;
use crate::value::Zval;

/// What a built-in function can ask of the VM running it.
pub trait Host {
    /// Prints `Warning: message` (PHP's CLI format, at the caller's line).
    fn warn(&mut self, message: &str) -> Result<(), PhpError>;
    /// Prints `Deprecated: message`.
    fn deprecated(&mut self, message: &str) -> Result<(), PhpError>;
    /// Prints `Notice: message`.
    fn notice(&mut self, message: &str) -> Result<(), PhpError>;
    /// An exception of the built-in `class` (an `Error` or `Exception` subclass) with
    /// `message`, thrown at the caller's line (for the built-in to return).
    fn throw(&mut self, class: &'static str, message: String) -> PhpError;
    /// Writes program output (`echo`, `print_r`...).
    fn write(&mut self, bytes: &[u8]) -> Result<(), PhpError>;
    /// The value of the user constant `name` (case-sensitive), if it is defined.
    fn constant(&mut self, name: &[u8]) -> Option<Zval>;
    /// Defines the user constant `name`; `false` if it already exists (nothing changes).
    fn define(&mut self, name: &[u8], value: Zval) -> bool;
    /// The error-reporting level (`E_ALL` by default), after setting it to `new` if given.
    fn error_reporting(&mut self, new: Option<i64>) -> i64;
    /// The arguments of the user function calling the built-in (the parameters' current
    /// values, then the extra arguments); `None` at the top level of the script.
    fn func_args(&mut self) -> Option<Vec<Zval>>;
    /// Whether a function of this lowercase name exists.
    fn function_exists(&mut self, lower: &[u8]) -> bool;
    /// The output buffers (`ob_start`), innermost last.
    fn buffers(&mut self) -> &mut Vec<Vec<u8>>;
    /// The class of this lowercase name (without a leading `\\`).
    fn class(&mut self, lower: &[u8]) -> Option<&'static crate::object::Class>;
    /// The class named `name` (as written), after running the autoloaders if it does not
    /// exist yet (`spl_autoload_register`).
    fn autoload_class(
        &mut self,
        name: &[u8],
    ) -> Result<Option<&'static crate::object::Class>, PhpError> {
        let lower = name.to_ascii_lowercase();
        Ok(self.class(&lower))
    }
    /// The class of the code calling the built-in (`None` outside classes).
    fn scope(&mut self) -> Option<&'static crate::object::Class>;
    /// Why `f` cannot be called, in the words that follow PHP's "must be a valid callback, "
    /// (`None`: it can be).
    fn callable_error(&mut self, f: &Zval) -> Option<String>;
    /// The string form of an object with `__toString` (PHP's `Error` without one).
    fn object_to_string(&mut self, v: &Zval) -> Result<crate::PhpString, PhpError>;
    /// Calls the callable `f` (check it with [`callable_error`](Host::callable_error) first).
    fn call(&mut self, f: &Zval, args: Vec<Zval>) -> Result<Zval, PhpError>;
    /// [`call`](Host::call) with named arguments after the positional ones (names without
    /// `$`), matched to the callee's parameters as a call with names in the source is.
    fn call_named(
        &mut self,
        f: &Zval,
        args: Vec<Zval>,
        named: Vec<(Vec<u8>, Zval)>,
    ) -> Result<Zval, PhpError>;
    /// The named arguments beyond its parameters that a variadic built-in taking them
    /// (`call_user_func`) was given, in order; a second call gives none.
    fn take_named(&mut self) -> Vec<(Vec<u8>, Zval)>;
    /// The value of the ini setting `key` (`None` when no such setting exists).
    fn ini(&mut self, key: &str) -> Option<String>;
    /// The lowercase names of the methods of `class` in PHP's table order: its own in
    /// declaration order, then inherited ones, then its traits' and interfaces'
    /// (`get_class_methods`). Without linking information: sorted.
    fn method_order(&mut self, class: &'static crate::object::Class) -> Vec<Box<[u8]>> {
        let mut names: Vec<Box<[u8]>> = class.methods.keys().cloned().collect();
        names.sort();
        names
    }
    /// The names of the built-in functions the VM implements itself (the library's are in
    /// its own tables), for `get_extension_funcs`.
    fn vm_functions(&mut self) -> Vec<&'static str> {
        Vec::new()
    }
}

/// A built-in function: its arguments (by value) and the host running it.
pub type Builtin = fn(&mut dyn Host, &[Zval]) -> Result<Zval, PhpError>;
