//! The classes of Zend's core and SPL that every script has: `stdClass`, the core interfaces,
//! and the `Throwable` hierarchy (`Exception`, `Error` and their subclasses), declared as
//! [`ClassSpec`] tables with native methods.

use crate::args;
use php_runtime::object::{ClassSpec, PropSpec, SpecValue, flags};
use php_runtime::value::View;
use php_runtime::{Host, PhpError, Zval, error};

const PUBLIC: u16 = flags::PUBLIC;
const PROTECTED: u16 = flags::PROTECTED;
const PRIVATE: u16 = flags::PRIVATE;
const FINAL: u16 = flags::FINAL;
const INTERFACE: u16 = flags::INTERFACE;

/// The properties `Exception` and `Error` declare.
const THROWABLE_PROPS: &[PropSpec] = &[
    PropSpec {
        name: "message",
        flags: PROTECTED,
        default: SpecValue::Str(""),
    },
    PropSpec {
        name: "string",
        flags: PRIVATE,
        default: SpecValue::Str(""),
    },
    PropSpec {
        name: "code",
        flags: PROTECTED,
        default: SpecValue::Int(0),
    },
    PropSpec {
        name: "file",
        flags: PROTECTED,
        default: SpecValue::Str(""),
    },
    PropSpec {
        name: "line",
        flags: PROTECTED,
        default: SpecValue::Int(0),
    },
    PropSpec {
        name: "trace",
        flags: PRIVATE,
        default: SpecValue::EmptyArray,
    },
    PropSpec {
        name: "previous",
        flags: PRIVATE,
        default: SpecValue::Null,
    },
];

/// The methods `Exception` and `Error` declare.
const THROWABLE_METHODS: &[(&str, u16, php_runtime::object::NativeMethod)] = &[
    ("__construct", PUBLIC, construct),
    ("getMessage", PUBLIC | FINAL, get_message),
    ("getCode", PUBLIC | FINAL, get_code),
    ("getPrevious", PUBLIC | FINAL, get_previous),
    ("getFile", PUBLIC | FINAL, get_file),
    ("getLine", PUBLIC | FINAL, get_line),
    ("getTrace", PUBLIC | FINAL, get_trace),
    ("getTraceAsString", PUBLIC | FINAL, get_trace_as_string),
    ("__toString", PUBLIC, to_string),
];

const fn interface(name: &'static str, parents: &'static [&'static str]) -> ClassSpec {
    ClassSpec {
        name,
        parent: None,
        interfaces: parents,
        flags: INTERFACE,
        props: &[],
        methods: &[],
    }
}

const fn subclass(name: &'static str, parent: &'static str) -> ClassSpec {
    ClassSpec {
        name,
        parent: Some(parent),
        interfaces: &[],
        flags: 0,
        props: &[],
        methods: &[],
    }
}

/// The classes, each after its parent and interfaces.
pub const CLASSES: &[ClassSpec] = &[
    ClassSpec {
        name: "stdClass",
        parent: None,
        interfaces: &[],
        flags: flags::DYNAMIC,
        props: &[],
        methods: &[],
    },
    ClassSpec {
        name: "Closure",
        parent: None,
        interfaces: &[],
        flags: FINAL,
        props: &[],
        methods: &[],
    },
    interface("Traversable", &[]),
    interface("Iterator", &["Traversable"]),
    interface("IteratorAggregate", &["Traversable"]),
    interface("ArrayAccess", &[]),
    interface("Countable", &[]),
    interface("Stringable", &[]),
    interface("JsonSerializable", &[]),
    interface("Throwable", &["Stringable"]),
    ClassSpec {
        name: "Exception",
        parent: None,
        interfaces: &["Throwable"],
        flags: 0,
        props: THROWABLE_PROPS,
        methods: THROWABLE_METHODS,
    },
    ClassSpec {
        name: "Error",
        parent: None,
        interfaces: &["Throwable"],
        flags: 0,
        props: THROWABLE_PROPS,
        methods: THROWABLE_METHODS,
    },
    ClassSpec {
        name: "ErrorException",
        parent: Some("Exception"),
        interfaces: &[],
        flags: 0,
        props: &[PropSpec {
            name: "severity",
            flags: PROTECTED,
            default: SpecValue::Int(1),
        }],
        methods: &[
            ("__construct", PUBLIC, construct_error_exception),
            ("getSeverity", PUBLIC | FINAL, get_severity),
        ],
    },
    subclass("CompileError", "Error"),
    subclass("ParseError", "CompileError"),
    subclass("TypeError", "Error"),
    subclass("ArgumentCountError", "TypeError"),
    subclass("ValueError", "Error"),
    subclass("ArithmeticError", "Error"),
    subclass("DivisionByZeroError", "ArithmeticError"),
    subclass("UnhandledMatchError", "Error"),
    subclass("AssertionError", "Error"),
    subclass("JsonException", "Exception"),
    subclass("LogicException", "Exception"),
    subclass("BadFunctionCallException", "LogicException"),
    subclass("BadMethodCallException", "BadFunctionCallException"),
    subclass("DomainException", "LogicException"),
    subclass("InvalidArgumentException", "LogicException"),
    subclass("LengthException", "LogicException"),
    subclass("OutOfRangeException", "LogicException"),
    subclass("RuntimeException", "Exception"),
    subclass("OutOfBoundsException", "RuntimeException"),
    subclass("OverflowException", "RuntimeException"),
    subclass("RangeException", "RuntimeException"),
    subclass("UnderflowException", "RuntimeException"),
    subclass("UnexpectedValueException", "RuntimeException"),
    crate::attributes::SENSITIVE_PARAMETER,
    crate::attributes::ALLOW_DYNAMIC_PROPERTIES,
    crate::attributes::RETURN_TYPE_WILL_CHANGE,
    crate::attributes::SENSITIVE_PARAMETER_VALUE,
    crate::spl::array_object::ARRAY_OBJECT,
    crate::spl::array_object::ARRAY_ITERATOR,
];

fn object(this: &Zval) -> &php_runtime::object::PhpObject {
    match this.view() {
        View::Object(o) => o,
        _ => unreachable!("methods of Throwable run on objects"),
    }
}

fn prop(this: &Zval, name: &[u8]) -> Zval {
    object(this).get(name).map_or(Zval::NULL, |v| v.deref())
}

/// `new Exception(string $message = "", int $code = 0, ?Throwable $previous = null)`.
fn construct(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let class = object(this).class().display();
    let name = format!("{class}::__construct");
    args::arity(h, &name, a, 0, 3)?;
    let o = object(this);
    if let Some(m) = a.first() {
        let s = args::string(h, &name, 1, "message", m)?;
        drop(o.set(b"message", Zval::string(s)));
    }
    if let Some(c) = a.get(1) {
        let c = args::int(h, &name, 2, "code", c)?;
        drop(o.set(b"code", Zval::int(c)));
    }
    if let Some(p) = a.get(2) {
        set_previous(h, this, &name, 3, p)?;
    }
    Ok(Zval::NULL)
}

/// Sets `$previous` from argument `n`, a `?Throwable`.
fn set_previous(
    h: &mut dyn Host,
    this: &Zval,
    name: &str,
    n: usize,
    p: &Zval,
) -> Result<(), PhpError> {
    let p = p.deref();
    match p.view() {
        View::Null => Ok(()),
        View::Object(x) if x.class().is_a_name(b"throwable") => {
            drop(object(this).set(b"previous", p.clone()));
            Ok(())
        }
        _ => {
            let msg = format!(
                "{name}(): Argument #{n} ($previous) must be of type ?Throwable, {} given",
                php_runtime::convert::type_name(&p)
            );
            Err(h.throw("TypeError", msg))
        }
    }
}

/// `new ErrorException(string $message = "", int $code = 0, int $severity = E_ERROR,
/// ?string $filename = null, ?int $line = null, ?Throwable $previous = null)`.
fn construct_error_exception(h: &mut dyn Host, this: &Zval, a: &[Zval]) -> Result<Zval, PhpError> {
    let class = object(this).class().display();
    let name = format!("{class}::__construct");
    args::arity(h, &name, a, 0, 6)?;
    construct(h, this, &a[..a.len().min(2)])?;
    let o = object(this);
    if let Some(s) = a.get(2) {
        let s = args::int(h, &name, 3, "severity", s)?;
        drop(o.set(b"severity", Zval::int(s)));
    }
    if let Some(f) = a.get(3).filter(|f| !f.deref().is_null()) {
        let f = args::string(h, &name, 4, "filename", f)?;
        drop(o.set(b"file", Zval::string(f)));
    }
    if let Some(l) = a.get(4)
        && let Some(l) = args::nullable_int(h, &name, 5, "line", l)?
    {
        drop(o.set(b"line", Zval::int(l)));
    }
    if let Some(p) = a.get(5) {
        set_previous(h, this, &name, 6, p)?;
    }
    Ok(Zval::NULL)
}

fn get_severity(_: &mut dyn Host, this: &Zval, _: &[Zval]) -> Result<Zval, PhpError> {
    Ok(prop(this, b"severity"))
}

fn get_message(_: &mut dyn Host, this: &Zval, _: &[Zval]) -> Result<Zval, PhpError> {
    Ok(prop(this, b"message"))
}

fn get_code(_: &mut dyn Host, this: &Zval, _: &[Zval]) -> Result<Zval, PhpError> {
    Ok(prop(this, b"code"))
}

fn get_previous(_: &mut dyn Host, this: &Zval, _: &[Zval]) -> Result<Zval, PhpError> {
    Ok(prop(this, b"previous"))
}

fn get_file(_: &mut dyn Host, this: &Zval, _: &[Zval]) -> Result<Zval, PhpError> {
    Ok(prop(this, b"file"))
}

fn get_line(_: &mut dyn Host, this: &Zval, _: &[Zval]) -> Result<Zval, PhpError> {
    Ok(prop(this, b"line"))
}

fn get_trace(_: &mut dyn Host, this: &Zval, _: &[Zval]) -> Result<Zval, PhpError> {
    Ok(prop(this, b"trace"))
}

fn get_trace_as_string(_: &mut dyn Host, this: &Zval, _: &[Zval]) -> Result<Zval, PhpError> {
    Ok(Zval::str(&error::trace_string(object(this))))
}

fn to_string(_: &mut dyn Host, this: &Zval, _: &[Zval]) -> Result<Zval, PhpError> {
    Ok(Zval::str(&error::throwable_string(object(this))))
}
