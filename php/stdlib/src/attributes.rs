//! Zend's attribute classes (`SensitiveParameter`, `AllowDynamicProperties`,
//! `ReturnTypeWillChange`) and `SensitiveParameterValue`, the wrapper stack traces show in place
//! of a sensitive parameter's argument.
//!
//! A `SensitiveParameterValue` keeps its value as the object's internal state (a [`Zval`]), not
//! in a property: `var_dump`, `(array)` and `var_export` show no properties, and only
//! `getValue()` reaches it.

use crate::args;
use php_runtime::object::{ClassSpec, flags};
use php_runtime::value::View;
use php_runtime::{Host, PhpError, Zval};

const PUBLIC: u16 = flags::PUBLIC;

/// `#[SensitiveParameter]`.
pub const SENSITIVE_PARAMETER: ClassSpec = ClassSpec {
    name: "SensitiveParameter",
    parent: None,
    interfaces: &[],
    flags: flags::FINAL,
    props: &[],
    methods: &[("__construct", PUBLIC, no_arguments)],
};

/// `#[AllowDynamicProperties]`.
pub const ALLOW_DYNAMIC_PROPERTIES: ClassSpec = ClassSpec {
    name: "AllowDynamicProperties",
    parent: None,
    interfaces: &[],
    flags: flags::FINAL,
    props: &[],
    methods: &[("__construct", PUBLIC, no_arguments)],
};

/// `#[ReturnTypeWillChange]`.
pub const RETURN_TYPE_WILL_CHANGE: ClassSpec = ClassSpec {
    name: "ReturnTypeWillChange",
    parent: None,
    interfaces: &[],
    flags: flags::FINAL,
    props: &[],
    methods: &[("__construct", PUBLIC, no_arguments)],
};

/// `SensitiveParameterValue`.
pub const SENSITIVE_PARAMETER_VALUE: ClassSpec = ClassSpec {
    name: "SensitiveParameterValue",
    parent: None,
    interfaces: &[],
    // Readonly: no dynamic properties.
    flags: flags::FINAL | flags::READONLY,
    props: &[],
    methods: &[
        ("__construct", PUBLIC, construct),
        ("getValue", PUBLIC, get_value),
        ("__debugInfo", PUBLIC, debug_info),
    ],
};

fn no_arguments(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let name = match this.view() {
        View::Object(o) => format!("{}::__construct", o.class().display()),
        _ => "__construct".to_string(),
    };
    args::arity(h, &name, a, 0, 0)?;
    Ok(Zval::NULL)
}

/// `new SensitiveParameterValue(mixed $value)`.
fn construct(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "SensitiveParameterValue::__construct", a, 1, 1)?;
    if let View::Object(o) = this.view() {
        if o.internal::<Zval>().is_some() {
            let msg = "Cannot modify readonly property SensitiveParameterValue::$value";
            return Err(h.throw("Error", msg.to_string()));
        }
        o.set_internal(Box::new(a[0].deref()));
    }
    Ok(Zval::NULL)
}

/// `SensitiveParameterValue::getValue()`.
fn get_value(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "SensitiveParameterValue::getValue", a, 0, 0)?;
    Ok(match this.view() {
        View::Object(o) => o.internal::<Zval>().cloned().unwrap_or(Zval::NULL),
        _ => Zval::NULL,
    })
}

/// `SensitiveParameterValue::__debugInfo()`: nothing to show.
fn debug_info(h: &mut dyn Host, _: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "SensitiveParameterValue::__debugInfo", a, 0, 0)?;
    Ok(Zval::array(php_runtime::PhpArray::new()))
}
