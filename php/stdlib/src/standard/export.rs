//! `var_export`: a value as PHP code that makes it again.

use crate::args;
use php_runtime::format::{Style, push_float};
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[("var_export", var_export)];

/// A string as a PHP literal: single-quoted, with NUL bytes as `"\0"` pieces.
fn push_str_literal(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'\'');
    for &b in s {
        match b {
            b'\'' => out.extend_from_slice(b"\\'"),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0 => out.extend_from_slice(b"' . \"\\0\" . '"),
            _ => out.push(b),
        }
    }
    out.push(b'\'');
}

fn push_key(out: &mut Vec<u8>, k: &ArrayKey) {
    match k {
        ArrayKey::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        ArrayKey::Str(s) => push_str_literal(out, s.as_bytes()),
    }
}

/// `var_export`'s text for `v` nested at `indent` (nested values on a stack grown on demand;
/// an array that contains itself stops with PHP's warning).
fn export(
    h: &mut dyn Host,
    out: &mut Vec<u8>,
    v: &Zval,
    indent: usize,
    depth: usize,
) -> Result<(), PhpError> {
    let pad = |out: &mut Vec<u8>, n: usize| out.extend(std::iter::repeat_n(b' ', n));
    match v.view() {
        View::Undef | View::Null => out.extend_from_slice(b"NULL"),
        View::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        // The smallest int as PHP writes it: its literal would read as a float.
        View::Int(i64::MIN) => out.extend_from_slice(b"-9223372036854775807-1"),
        View::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        View::Float(f) => {
            let mut s = String::new();
            push_float(&mut s, f, Style::Export);
            out.extend_from_slice(s.as_bytes());
        }
        View::Str(s) => push_str_literal(out, s.as_bytes()),
        View::Ref(r) => {
            let inner = r.get();
            export(h, out, &inner, indent, depth)?;
        }
        View::Array(a) => {
            if depth > 256 {
                h.warn("var_export does not handle circular references")?;
                out.extend_from_slice(b"NULL");
                return Ok(());
            }
            out.extend_from_slice(b"array (\n");
            for (k, item) in a.iter() {
                pad(out, indent + 2);
                push_key(out, k);
                out.extend_from_slice(b" => ");
                if matches!(item.deref().view(), View::Array(_) | View::Object(_)) {
                    out.push(b'\n');
                    pad(out, indent + 2);
                }
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    export(h, out, item, indent + 2, depth + 1)
                })?;
                out.extend_from_slice(b",\n");
            }
            pad(out, indent);
            out.push(b')');
        }
        View::Object(o) => {
            if depth > 256 {
                h.warn("var_export does not handle circular references")?;
                out.extend_from_slice(b"NULL");
                return Ok(());
            }
            if &o.class().lower[..] == b"stdclass" {
                out.extend_from_slice(b"(object) array(\n");
            } else {
                out.push(b'\\');
                out.extend_from_slice(&o.class().name);
                out.extend_from_slice(b"::__set_state(array(\n");
            }
            let props: Vec<(ArrayKey, Zval)> = o
                .props()
                .iter()
                .filter(|(_, v)| !matches!(v.view(), View::Undef))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, item) in &props {
                pad(out, indent + 3);
                match k {
                    ArrayKey::Str(s) => push_str_literal(out, o.class().shown(s.as_bytes()).0),
                    ArrayKey::Int(_) => push_key(out, k),
                }
                out.extend_from_slice(b" => ");
                if matches!(item.deref().view(), View::Array(_) | View::Object(_)) {
                    out.push(b'\n');
                    pad(out, indent + 2);
                }
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    export(h, out, item, indent + 2, depth + 1)
                })?;
                out.extend_from_slice(b",\n");
            }
            pad(out, indent);
            if &o.class().lower[..] == b"stdclass" {
                out.push(b')');
            } else {
                out.extend_from_slice(b"))");
            }
        }
        View::Resource(_) => {
            h.warn("var_export does not handle resources")?;
            out.extend_from_slice(b"NULL");
        }
    }
    Ok(())
}

fn var_export(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "var_export", a, 1, 2)?;
    let mut out = Vec::new();
    export(h, &mut out, &a[0], 0, 0)?;
    if a.len() == 2 && args::boolean(h, "var_export", 2, "return", &a[1])? {
        return Ok(Zval::string(PhpString::new(&out)));
    }
    h.write(&out)?;
    Ok(Zval::NULL)
}
