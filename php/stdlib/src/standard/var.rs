//! Variable handling: `var_dump`, `print_r`, `gettype`, `is_*`, `intval` and the other
//! conversions.

use crate::args;
use php_runtime::convert::{push_string, to_bool, to_float, to_int};
use php_runtime::format::{Style, push_float};
use php_runtime::number::{Numeric, parse_numeric};
use php_runtime::object::{PhpObject, Shown};
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("var_dump", var_dump),
    ("print_r", print_r),
    ("gettype", gettype),
    ("is_int", is_int),
    ("is_integer", is_int),
    ("is_long", is_int),
    ("is_float", is_float),
    ("is_double", is_float),
    ("is_string", is_string),
    ("is_bool", is_bool),
    ("is_null", is_null),
    ("is_array", is_array),
    ("is_numeric", is_numeric),
    ("is_scalar", is_scalar),
    ("intval", intval),
    ("floatval", floatval),
    ("doubleval", floatval),
    ("strval", strval),
    ("boolval", boolval),
    ("settype", settype),
];

/// The by-reference parameters of this family.
pub const BY_REF: &[(&str, &[usize])] = &[("settype", &[0])];

/// `var_dump`'s text for `v`, indented by `indent` spaces (nested arrays on a stack grown on
/// demand).
fn dump(out: &mut Vec<u8>, v: &Zval, indent: usize) {
    let pad = |out: &mut Vec<u8>| out.extend(std::iter::repeat_n(b' ', indent));
    match v.view() {
        View::Undef | View::Null => {
            pad(out);
            out.extend_from_slice(b"NULL\n");
        }
        View::Bool(b) => {
            pad(out);
            out.extend_from_slice(if b { b"bool(true)\n" } else { b"bool(false)\n" });
        }
        View::Int(i) => {
            pad(out);
            out.extend_from_slice(format!("int({i})\n").as_bytes());
        }
        View::Float(f) => {
            pad(out);
            let mut s = String::from("float(");
            push_float(&mut s, f, Style::VarDump);
            s.push_str(")\n");
            out.extend_from_slice(s.as_bytes());
        }
        View::Str(s) => {
            pad(out);
            out.extend_from_slice(format!("string({}) \"", s.len()).as_bytes());
            out.extend_from_slice(s.as_bytes());
            out.extend_from_slice(b"\"\n");
        }
        View::Array(a) => {
            pad(out);
            if !enter_array(a) {
                out.extend_from_slice(b"*RECURSION*\n");
                return;
            }
            out.extend_from_slice(format!("array({}) {{\n", a.len()).as_bytes());
            for (k, item) in a.iter() {
                out.extend(std::iter::repeat_n(b' ', indent + 2));
                match k {
                    ArrayKey::Int(i) => out.extend_from_slice(format!("[{i}]=>\n").as_bytes()),
                    ArrayKey::Str(s) => {
                        out.extend_from_slice(b"[\"");
                        out.extend_from_slice(s.as_bytes());
                        out.extend_from_slice(b"\"]=>\n");
                    }
                }
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || dump(out, item, indent + 2));
            }
            leave_array();
            pad(out);
            out.extend_from_slice(b"}\n");
        }
        View::Object(o) => {
            pad(out);
            if !enter(o) {
                out.extend_from_slice(b"*RECURSION*\n");
                return;
            }
            // Borrowed, not copied: a copy would count as another owner of a reference
            // (shown `&`). Dumping runs no PHP code that could change the table.
            let shown = || {
                o.props()
                    .iter()
                    .filter(|(_, v)| !matches!(v.view(), View::Undef))
            };
            out.extend_from_slice(
                format!(
                    "object({})#{} ({}) {{\n",
                    o.class().display(),
                    o.handle(),
                    shown().count()
                )
                .as_bytes(),
            );
            for (k, item) in shown() {
                out.extend(std::iter::repeat_n(b' ', indent + 2));
                out.push(b'[');
                prop_label(out, o, k, true);
                out.extend_from_slice(b"]=>\n");
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || dump(out, item, indent + 2));
            }
            leave(o);
            pad(out);
            out.extend_from_slice(b"}\n");
        }
        View::Resource(r) => {
            pad(out);
            let text = format!("resource({}) of type ({})\n", r.id(), r.type_name());
            out.extend_from_slice(text.as_bytes());
        }
        View::Ref(r) => {
            // A reference with other owners shows as `&` (the only owner: as its value).
            let start = out.len() + indent;
            if r.with(|v| matches!(v.view(), View::Array(a) if visiting_array(a))) {
                // A cycle shows without the `&`.
                pad(out);
                out.extend_from_slice(b"*RECURSION*\n");
                return;
            }
            r.with(|v| dump(out, v, indent));
            if r.refcount() > 1 && start <= out.len() {
                out.insert(start, b'&');
            }
        }
    }
}

thread_local! {
    /// The objects being printed (to print a cycle once).
    static VISITING: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The arrays being printed: an array reached again through a reference inside itself
    /// is a cycle.
    static VISITING_ARRAYS: std::cell::RefCell<Vec<PhpArray>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Starts printing an array; `false` if it is already being printed (a cycle).
fn enter_array(a: &PhpArray) -> bool {
    VISITING_ARRAYS.with(|v| {
        let mut v = v.borrow_mut();
        if v.iter().any(|x| PhpArray::ptr_eq(x, a)) {
            return false;
        }
        v.push(a.clone());
        true
    })
}

/// Whether `a` is being printed.
fn visiting_array(a: &PhpArray) -> bool {
    VISITING_ARRAYS.with(|v| v.borrow().iter().any(|x| PhpArray::ptr_eq(x, a)))
}

/// Ends printing the array [`enter_array`] entered last.
fn leave_array() {
    let last = VISITING_ARRAYS.with(|v| v.borrow_mut().pop());
    drop(last);
}

/// Starts printing an object; `false` if it is already being printed (a cycle).
fn enter(o: &PhpObject) -> bool {
    VISITING.with(|v| {
        let mut v = v.borrow_mut();
        if v.contains(&o.handle()) {
            return false;
        }
        v.push(o.handle());
        true
    })
}

fn leave(o: &PhpObject) {
    VISITING.with(|v| v.borrow_mut().retain(|&h| h != o.handle()));
}

/// A property's name as `var_dump` (`quoted`) or `print_r` shows it, with its visibility.
fn prop_label(out: &mut Vec<u8>, o: &PhpObject, key: &ArrayKey, quoted: bool) {
    let key = match key {
        ArrayKey::Int(i) => {
            out.extend_from_slice(i.to_string().as_bytes());
            return;
        }
        ArrayKey::Str(s) => s.as_bytes(),
    };
    let (name, shown) = o.class().shown(key);
    let q: &[u8] = if quoted { b"\"" } else { b"" };
    out.extend_from_slice(q);
    out.extend_from_slice(name);
    out.extend_from_slice(q);
    match shown {
        Shown::Public => {}
        Shown::Protected => out.extend_from_slice(b":protected"),
        Shown::Private(owner) => {
            out.push(b':');
            out.extend_from_slice(q);
            out.extend_from_slice(owner);
            out.extend_from_slice(q);
            out.extend_from_slice(b":private");
        }
    }
}

fn var_dump(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "var_dump", a, 1, usize::MAX)?;
    let mut out = Vec::new();
    for v in a {
        dump(&mut out, v, 0);
    }
    h.write(&out)?;
    Ok(Zval::NULL)
}

/// `print_r`'s text for `v` (arrays nested at `indent`, on a stack grown on demand).
fn print_r_text(out: &mut Vec<u8>, v: &Zval, indent: usize) {
    match v.view() {
        View::Array(a) => {
            out.extend_from_slice(b"Array\n");
            if !enter_array(a) {
                out.extend_from_slice(b" *RECURSION*");
                return;
            }
            out.extend(std::iter::repeat_n(b' ', indent));
            out.extend_from_slice(b"(\n");
            for (k, item) in a.iter() {
                out.extend(std::iter::repeat_n(b' ', indent + 4));
                out.push(b'[');
                match k {
                    ArrayKey::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
                    ArrayKey::Str(s) => out.extend_from_slice(s.as_bytes()),
                }
                out.extend_from_slice(b"] => ");
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    print_r_text(out, item, indent + 8)
                });
                out.push(b'\n');
            }
            leave_array();
            out.extend(std::iter::repeat_n(b' ', indent));
            out.extend_from_slice(b")\n");
        }
        View::Object(o) => {
            out.extend_from_slice(o.class().display().as_bytes());
            out.extend_from_slice(b" Object\n");
            if !enter(o) {
                out.truncate(out.len() - 1);
                out.extend_from_slice(b"\n *RECURSION*");
                return;
            }
            out.extend(std::iter::repeat_n(b' ', indent));
            out.extend_from_slice(b"(\n");
            let props: Vec<_> = o
                .props()
                .iter()
                .filter(|(_, v)| !matches!(v.view(), View::Undef))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, item) in &props {
                out.extend(std::iter::repeat_n(b' ', indent + 4));
                out.push(b'[');
                prop_label(out, o, k, false);
                out.extend_from_slice(b"] => ");
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    print_r_text(out, item, indent + 8)
                });
                out.push(b'\n');
            }
            leave(o);
            out.extend(std::iter::repeat_n(b' ', indent));
            out.extend_from_slice(b")\n");
        }
        View::Ref(r) => r.with(|v| print_r_text(out, v, indent)),
        _ => {
            push_string(out, v);
        }
    }
}

fn print_r(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "print_r", a, 1, 2)?;
    let mut out = Vec::new();
    print_r_text(&mut out, &a[0], 0);
    if a.len() == 2 && args::boolean(h, "print_r", 2, "return", &a[1])? {
        return Ok(Zval::string(PhpString::new(&out)));
    }
    h.write(&out)?;
    Ok(Zval::bool(true))
}

fn gettype(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "gettype", a, 1, 1)?;
    Ok(Zval::str(match a[0].view() {
        View::Undef | View::Null => "NULL",
        View::Bool(_) => "boolean",
        View::Int(_) => "integer",
        View::Float(_) => "double",
        View::Str(_) => "string",
        View::Array(_) => "array",
        View::Object(_) => "object",
        View::Resource(r) if r.is_closed() => "resource (closed)",
        View::Resource(_) => "resource",
        View::Ref(_) => "reference",
    }))
}

fn type_test(
    h: &mut dyn Host,
    name: &str,
    a: &[Zval],
    test: fn(View<'_>) -> bool,
) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 1)?;
    Ok(Zval::bool(test(a[0].view())))
}

fn is_int(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    type_test(h, "is_int", a, |v| matches!(v, View::Int(_)))
}

fn is_float(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    type_test(h, "is_float", a, |v| matches!(v, View::Float(_)))
}

fn is_string(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    type_test(h, "is_string", a, |v| matches!(v, View::Str(_)))
}

fn is_bool(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    type_test(h, "is_bool", a, |v| matches!(v, View::Bool(_)))
}

fn is_null(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    type_test(h, "is_null", a, |v| matches!(v, View::Null | View::Undef))
}

fn is_array(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    type_test(h, "is_array", a, |v| matches!(v, View::Array(_)))
}

fn is_scalar(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    type_test(h, "is_scalar", a, |v| {
        matches!(
            v,
            View::Int(_) | View::Float(_) | View::Str(_) | View::Bool(_)
        )
    })
}

fn is_numeric(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    type_test(h, "is_numeric", a, |v| match v {
        View::Int(_) | View::Float(_) => true,
        View::Str(s) => matches!(parse_numeric(s.as_bytes()), Numeric::Whole(_)),
        _ => false,
    })
}

/// `strtol` in `base` (2 to 36, or 0 to read a `0x`/`0b`/`0` prefix), saturating.
fn parse_in_base(s: &[u8], mut base: u32) -> i64 {
    let mut i = 0;
    while i < s.len() && php_runtime::number::is_space(s[i]) {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let rest = &s[i..];
    let lower = |k: usize| rest.get(k).map(u8::to_ascii_lowercase);
    if (base == 16 || base == 0) && rest.first() == Some(&b'0') && lower(1) == Some(b'x') {
        i += 2;
        base = 16;
    } else if (base == 2 || base == 0) && rest.first() == Some(&b'0') && lower(1) == Some(b'b') {
        i += 2;
        base = 2;
    } else if (base == 8 || base == 0) && rest.first() == Some(&b'0') && lower(1) == Some(b'o') {
        i += 2;
        base = 8;
    } else if base == 0 {
        base = if rest.first() == Some(&b'0') { 8 } else { 10 };
    }
    let mut v: i128 = 0;
    for &c in &s[i..] {
        let Some(d) = (c as char).to_digit(36).filter(|&d| d < base) else {
            break;
        };
        v = (v * i128::from(base) + i128::from(d)).min(i128::from(i64::MAX) + 1);
    }
    let v = if neg { -v } else { v };
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// PHP's warning for an object converted to a number (`to` is `int` or `float`); the
/// object converts to 1.
fn object_to_number(h: &mut dyn Host, v: &Zval, to: &str) -> Result<(), PhpError> {
    if let View::Object(o) = v.deref().view() {
        let msg = format!(
            "Object of class {} could not be converted to {to}",
            o.class().display()
        );
        h.warn(&msg)?;
    }
    Ok(())
}

/// The string form of `v` as `(string)` makes it (`__toString`, arrays with PHP's warning).
fn string_of(h: &mut dyn Host, v: &Zval) -> Result<Zval, PhpError> {
    let mut out = Vec::new();
    if push_string(&mut out, v).is_none() {
        if matches!(v.deref().view(), View::Object(_)) {
            return h.object_to_string(&v.deref()).map(Zval::string);
        }
        h.warn("Array to string conversion")?;
        out.extend_from_slice(b"Array");
    }
    Ok(Zval::string(PhpString::new(&out)))
}

/// `(object) v`: objects as they are, arrays as a `stdClass` of their entries, anything
/// else a `stdClass` holding it as `scalar`.
fn object_of(h: &mut dyn Host, v: &Zval) -> Zval {
    let v = v.deref();
    let Some(std) = h.class(b"stdclass") else {
        return v;
    };
    let mut props = php_runtime::array::Table::new();
    match v.view() {
        View::Object(_) => return v,
        View::Array(a) => {
            for (k, val) in a.iter() {
                let key = match k {
                    ArrayKey::Int(i) => php_runtime::object::prop_key(i.to_string().as_bytes()),
                    _ => k.clone(),
                };
                drop(props.insert(key, val.clone()));
            }
        }
        View::Undef | View::Null => {}
        _ => drop(props.insert(php_runtime::object::prop_key(b"scalar"), v.clone())),
    }
    Zval::object(PhpObject::with_props(std, props))
}

fn intval(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "intval", a, 1, 2)?;
    let base = if a.len() == 2 {
        args::int(h, "intval", 2, "base", &a[1])?
    } else {
        10
    };
    if base != 10
        && let View::Str(s) = a[0].view()
    {
        return Ok(Zval::int(parse_in_base(s.as_bytes(), base as u32)));
    }
    object_to_number(h, &a[0], "int")?;
    Ok(Zval::int(to_int(&a[0])))
}

fn floatval(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "floatval", a, 1, 1)?;
    object_to_number(h, &a[0], "float")?;
    Ok(Zval::float(to_float(&a[0])))
}

fn strval(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "strval", a, 1, 1)?;
    let mut out = Vec::new();
    if push_string(&mut out, &a[0]).is_none() {
        h.warn("Array to string conversion")?;
        out.extend_from_slice(b"Array");
    }
    Ok(Zval::string(PhpString::new(&out)))
}

fn boolval(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "boolval", a, 1, 1)?;
    Ok(Zval::bool(to_bool(&a[0])))
}

fn settype(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "settype", a, 2, 2)?;
    let ty = args::string(h, "settype", 2, "type", &a[1])?;
    let v = a[0].deref();
    let new = match &ty.as_bytes().to_ascii_lowercase()[..] {
        b"int" | b"integer" => {
            object_to_number(h, &v, "int")?;
            Zval::int(to_int(&v))
        }
        b"float" | b"double" => {
            object_to_number(h, &v, "float")?;
            Zval::float(to_float(&v))
        }
        b"bool" | b"boolean" => Zval::bool(to_bool(&v)),
        b"string" => string_of(h, &v)?,
        b"array" => match v.view() {
            View::Array(_) => v.clone(),
            View::Null | View::Undef => Zval::array(php_runtime::PhpArray::new()),
            View::Object(o) => Zval::array(o.to_array()),
            _ => Zval::array(php_runtime::PhpArray::from_list([v.clone()])),
        },
        b"object" => object_of(h, &v),
        b"null" => Zval::NULL,
        b"resource" => {
            let msg = "Cannot convert to resource type".to_string();
            return Err(h.throw("ValueError", msg));
        }
        _ => {
            return Err(h.throw(
                "ValueError",
                "settype(): Argument #2 ($type) must be a valid type".into(),
            ));
        }
    };
    if let View::Ref(r) = a[0].view() {
        drop(r.replace(new));
    }
    Ok(Zval::bool(true))
}
