//! Loaded code: a compiled function ready to run ([`Code`]) and what its calls by name reach
//! ([`Callee`]).

use php_compiler::Function;
use php_runtime::object::Class;
use php_runtime::{Builtin, Value, Zval};

/// What a call by name reaches.
#[derive(Clone, Copy)]
pub enum Callee {
    /// A function of the program.
    User(&'static Code),
    /// A built-in function, and its name as PHP prints it.
    Builtin(&'static str, Builtin),
    /// A built-in function of the VM's own ([`functions`](crate::functions)).
    Vm(&'static str, crate::functions::VmBuiltin),
    /// Nothing: PHP's "Call to undefined function".
    Undefined,
}

/// A function ready to run: its bytecode, its constants as values, and its calls resolved.
pub struct Code {
    /// The compiled function.
    pub func: Function,
    /// The constants as values (strings are owned here for the life of the program).
    pub constants: Vec<Value>,
    /// The file it was compiled from, as PHP prints it in messages.
    pub file: &'static str,
    /// What each call-name constant calls (indexed like `constants`).
    pub callees: std::cell::OnceCell<Vec<Callee>>,
    /// The parameters before a variadic one (all of them if there is none).
    pub fixed_params: usize,
    /// How many arguments a call must pass (up to the last parameter without a default).
    pub required_params: usize,
    /// The class of a method (`self`), set when its class is made.
    pub scope: std::cell::OnceCell<&'static Class>,
}

metajit::green_type!(Code);

impl Code {
    /// Makes the code of `func` from `file`; `resolve` gives class constants used in its
    /// constants.
    pub(crate) fn load_with(
        func: Function,
        file: &'static str,
        resolve: &dyn Fn(&[u8], &[u8]) -> Zval,
    ) -> &'static Code {
        // Constant expressions (parameter defaults naming constants...) are evaluated when
        // used: unset here.
        let constants = func
            .constants
            .iter()
            .map(|k| match k {
                k if crate::classes::needs_runtime(k) => Value::UNDEF,
                _ => crate::classes::const_value(k, resolve).into_raw(),
            })
            .collect();
        let fixed_params = func.params.iter().take_while(|p| !p.variadic).count();
        let required_params = func.params[..fixed_params]
            .iter()
            .rposition(|p| p.default.is_none())
            .map_or(0, |i| i + 1);
        Box::leak(Box::new(Code {
            func,
            constants,
            file,
            callees: std::cell::OnceCell::new(),
            fixed_params,
            required_params,
            scope: std::cell::OnceCell::new(),
        }))
    }

    /// The function's name as PHP prints it.
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.func.name).into_owned()
    }

    /// The class of a method.
    pub fn class(&self) -> Option<&'static Class> {
        self.scope.get().copied()
    }
}
