//! `json_encode`: PHP values as JSON text.
//!
//! Arrays whose keys are 0, 1, 2... in order are JSON arrays, other arrays objects; objects
//! are their public properties, or what `JsonSerializable::jsonSerialize()` returns. Strings
//! must be UTF-8. Nesting deeper than `$depth`, an object inside itself, and INF/NAN are
//! errors (with `JSON_PARTIAL_OUTPUT_ON_ERROR`, the offending value is written as `null` or 0).

use super::{JsonError, finish, flag};
use crate::args;
use php_runtime::format::{Style, push_float};
use php_runtime::number::{Numeric, parse_numeric};
use php_runtime::value::View;
use php_runtime::{ArrayKey, Host, PhpArray, PhpError, PhpString, Zval};

/// One encoding: the flags, the depth limit, the output and the first error.
struct Encoder<'h> {
    h: &'h mut dyn Host,
    flags: i64,
    max_depth: usize,
    out: String,
    error: JsonError,
    /// The objects being encoded (to find recursion), by handle.
    open: Vec<u32>,
}

/// `json_encode(mixed $value, int $flags = 0, int $depth = 512)`.
pub fn json_encode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "json_encode", a, 1, 3)?;
    let flags = match a.get(1) {
        Some(v) => args::int(h, "json_encode", 2, "flags", v)?,
        None => 0,
    };
    let depth = match a.get(2) {
        Some(v) => args::int(h, "json_encode", 3, "depth", v)?,
        None => 512,
    };
    if depth <= 0 {
        let msg = "json_encode(): Argument #3 ($depth) must be greater than 0";
        return Err(h.throw("ValueError", msg.into()));
    }
    let mut e = Encoder {
        h,
        flags,
        max_depth: depth.min(i64::from(i32::MAX)) as usize,
        out: String::new(),
        error: JsonError::None,
        open: Vec::new(),
    };
    e.value(&a[0].deref(), 0)?;
    let Encoder { h, out, error, .. } = e;
    finish(h, flags, error)?;
    if error != JsonError::None && flags & flag::PARTIAL_OUTPUT_ON_ERROR == 0 {
        return Ok(Zval::bool(false));
    }
    Ok(Zval::string(PhpString::new(out.as_bytes())))
}

impl Encoder<'_> {
    fn fail(&mut self, error: JsonError) {
        if self.error == JsonError::None {
            self.error = error;
        }
    }

    fn has(&self, f: i64) -> bool {
        self.flags & f != 0
    }

    fn newline(&mut self, depth: usize) {
        if self.has(flag::PRETTY_PRINT) {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str("    ");
            }
        }
    }

    fn value(&mut self, v: &Zval, depth: usize) -> Result<(), PhpError> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value_here(v, depth))
    }

    fn value_here(&mut self, v: &Zval, depth: usize) -> Result<(), PhpError> {
        match v.view() {
            View::Undef | View::Null => self.out.push_str("null"),
            View::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            View::Int(i) => self.out.push_str(&i.to_string()),
            View::Float(f) => self.float(f),
            View::Str(s) => self.string(s.as_bytes()),
            View::Array(a) => self.array(a, depth)?,
            View::Object(o) => {
                let o = o.clone();
                if o.class().is_a_name(b"jsonserializable") {
                    return self.serializable(&o, depth);
                }
                if self.open.contains(&o.handle()) {
                    self.fail(JsonError::Recursion);
                    self.out.push_str("null");
                    return Ok(());
                }
                let mut props = PhpArray::new();
                for (k, x) in o.props().iter() {
                    if matches!(x.view(), View::Undef) {
                        continue;
                    }
                    let key = match k {
                        ArrayKey::Str(s) => match o.class().sees(None, s.as_bytes()) {
                            Some(n) => ArrayKey::Str(PhpString::new(n)),
                            None => continue,
                        },
                        ArrayKey::Int(_) => k.clone(),
                    };
                    drop(props.insert(key, x.deref()));
                }
                self.open.push(o.handle());
                let r = self.members(&props, depth, true);
                self.open.pop();
                r?;
            }
            View::Resource(_) => {
                self.fail(JsonError::UnsupportedType);
                self.out.push_str("null");
            }
            View::Ref(r) => {
                let inner = r.get();
                self.value(&inner, depth)?;
            }
        }
        Ok(())
    }

    fn float(&mut self, f: f64) {
        if !f.is_finite() {
            self.fail(JsonError::InfOrNan);
            self.out.push('0');
            return;
        }
        let start = self.out.len();
        push_float(&mut self.out, f, Style::Json);
        let whole = !self.out[start..].contains(['.', 'e']);
        if whole && self.has(flag::PRESERVE_ZERO_FRACTION) {
            self.out.push_str(".0");
        }
    }

    fn serializable(
        &mut self,
        o: &php_runtime::object::PhpObject,
        depth: usize,
    ) -> Result<(), PhpError> {
        if self.open.contains(&o.handle()) {
            self.fail(JsonError::Recursion);
            self.out.push_str("null");
            return Ok(());
        }
        let callable = PhpArray::from_list([Zval::object(o.clone()), Zval::str("jsonSerialize")]);
        self.open.push(o.handle());
        let r = self.h.call(&Zval::array(callable), Vec::new());
        let result = match r {
            Ok(v) => {
                // A method returning its own object is encoded as a plain object.
                match v.deref().view() {
                    View::Object(x) if php_runtime::object::PhpObject::ptr_eq(x, o) => {
                        self.open.pop();
                        let mut props = PhpArray::new();
                        for (k, x) in o.props().iter() {
                            if let ArrayKey::Str(s) = k
                                && let Some(n) = o.class().sees(None, s.as_bytes())
                            {
                                drop(props.insert(ArrayKey::Str(PhpString::new(n)), x.deref()));
                            }
                        }
                        return self.members(&props, depth, true);
                    }
                    _ => self.value(&v.deref(), depth),
                }
            }
            Err(e) => Err(e),
        };
        self.open.pop();
        result
    }

    /// Whether `a`'s keys are 0, 1, 2... in order.
    fn is_list(a: &PhpArray) -> bool {
        a.iter()
            .enumerate()
            .all(|(i, (k, _))| matches!(k, ArrayKey::Int(n) if *n == i as i64))
    }

    fn array(&mut self, a: &PhpArray, depth: usize) -> Result<(), PhpError> {
        let object = self.has(flag::FORCE_OBJECT) || !Self::is_list(a);
        self.members(a, depth, object)
    }

    /// The elements of an array or the properties of an object, one level deeper.
    fn members(&mut self, a: &PhpArray, depth: usize, object: bool) -> Result<(), PhpError> {
        if depth >= self.max_depth {
            self.fail(JsonError::Depth);
            if !self.has(flag::PARTIAL_OUTPUT_ON_ERROR) {
                return Ok(());
            }
        }
        let (open, close) = if object { ('{', '}') } else { ('[', ']') };
        self.out.push(open);
        if a.is_empty() {
            self.out.push(close);
            return Ok(());
        }
        for (i, (k, v)) in a.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.newline(depth + 1);
            if object {
                let key = match k {
                    ArrayKey::Int(n) => n.to_string().into_bytes(),
                    ArrayKey::Str(s) => s.as_bytes().to_vec(),
                };
                self.raw_string(&key);
                self.out.push(':');
                if self.has(flag::PRETTY_PRINT) {
                    self.out.push(' ');
                }
            }
            self.value(&v.deref(), depth + 1)?;
        }
        self.newline(depth);
        self.out.push(close);
        Ok(())
    }

    fn string(&mut self, s: &[u8]) {
        if self.has(flag::NUMERIC_CHECK) {
            match parse_numeric(s) {
                Numeric::Whole(php_runtime::number::Num::Int(i)) => {
                    self.out.push_str(&i.to_string());
                    return;
                }
                Numeric::Whole(php_runtime::number::Num::Float(f)) => {
                    self.float(f);
                    return;
                }
                _ => {}
            }
        }
        self.raw_string(s);
    }

    /// A JSON string literal of the UTF-8 bytes `s`.
    fn raw_string(&mut self, s: &[u8]) {
        let mut text = String::with_capacity(s.len() + 2);
        text.push('"');
        let mut rest = s;
        while !rest.is_empty() {
            let (valid, bad) = match std::str::from_utf8(rest) {
                Ok(v) => (v, 0),
                Err(e) => {
                    let v = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default();
                    (v, e.error_len().unwrap_or(rest.len() - e.valid_up_to()))
                }
            };
            for c in valid.chars() {
                self.escape(&mut text, c);
            }
            rest = &rest[valid.len()..];
            if bad > 0 {
                if self.has(flag::INVALID_UTF8_SUBSTITUTE) {
                    self.escape(&mut text, '\u{fffd}');
                } else if !self.has(flag::INVALID_UTF8_IGNORE) {
                    self.fail(JsonError::Utf8);
                    self.out.push_str("null");
                    return;
                }
                rest = &rest[bad..];
            }
        }
        text.push('"');
        self.out.push_str(&text);
    }

    fn escape(&self, text: &mut String, c: char) {
        use std::fmt::Write;
        match c {
            '"' if self.has(flag::HEX_QUOT) => text.push_str("\\u0022"),
            '"' => text.push_str("\\\""),
            '\\' => text.push_str("\\\\"),
            '/' if !self.has(flag::UNESCAPED_SLASHES) => text.push_str("\\/"),
            '\u{8}' => text.push_str("\\b"),
            '\u{c}' => text.push_str("\\f"),
            '\n' => text.push_str("\\n"),
            '\r' => text.push_str("\\r"),
            '\t' => text.push_str("\\t"),
            '<' if self.has(flag::HEX_TAG) => text.push_str("\\u003C"),
            '>' if self.has(flag::HEX_TAG) => text.push_str("\\u003E"),
            '&' if self.has(flag::HEX_AMP) => text.push_str("\\u0026"),
            '\'' if self.has(flag::HEX_APOS) => text.push_str("\\u0027"),
            c if (c as u32) < 0x20 => {
                let _ = write!(text, "\\u{:04x}", c as u32);
            }
            '\u{2028}' | '\u{2029}'
                if self.has(flag::UNESCAPED_UNICODE)
                    && !self.has(flag::UNESCAPED_LINE_TERMINATORS) =>
            {
                let _ = write!(text, "\\u{:04x}", c as u32);
            }
            c if c.is_ascii() || self.has(flag::UNESCAPED_UNICODE) => text.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(text, "\\u{:04x}", u);
                }
            }
        }
    }
}
