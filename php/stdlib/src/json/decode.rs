//! `json_decode`: JSON text (RFC 8259) as PHP values: objects become `stdClass` objects (or
//! arrays with `$associative`), integers too large for an int become floats (or strings with
//! `JSON_BIGINT_AS_STRING`).
//!
//! The parser is recursive descent, bounded by `$depth` (at most `i32::MAX`, and nesting
//! beyond 10,000 levels is refused before the native stack could run out).

use super::{JsonError, finish, flag};
use crate::args;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Host, PhpArray, PhpError, PhpString, Zval};

/// Nesting the parser follows at most, whatever `$depth` says.
const NESTING_LIMIT: usize = 10_000;

/// `json_decode(string $json, ?bool $associative = null, int $depth = 512, int $flags = 0)`.
pub fn json_decode(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "json_decode", a, 1, 4)?;
    let text = args::string(h, "json_decode", 1, "json", &a[0])?;
    let mut flags = match a.get(3) {
        Some(v) => args::int(h, "json_decode", 4, "flags", v)?,
        None => 0,
    };
    match a.get(1).map(|v| v.deref()) {
        Some(v) if matches!(v.view(), View::Null) => {}
        Some(v) => {
            if args::boolean(h, "json_decode", 2, "associative", &v)? {
                flags |= flag::OBJECT_AS_ARRAY;
            } else {
                flags &= !flag::OBJECT_AS_ARRAY;
            }
        }
        None => {}
    }
    let depth = match a.get(2) {
        Some(v) => args::int(h, "json_decode", 3, "depth", v)?,
        None => 512,
    };
    if depth <= 0 {
        let msg = "json_decode(): Argument #3 ($depth) must be greater than 0";
        return Err(h.throw("ValueError", msg.into()));
    }
    if depth > i64::from(i32::MAX) {
        let msg = "json_decode(): Argument #3 ($depth) must be less than 2147483647";
        return Err(h.throw("ValueError", msg.into()));
    }
    let stdclass = h.class(b"stdclass");
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        flags,
        max_depth: depth as usize,
        stdclass,
    };
    let result = if text.is_empty() {
        Err(JsonError::Syntax)
    } else {
        p.document()
    };
    match result {
        Ok(v) => {
            finish(h, flags, JsonError::None)?;
            Ok(v)
        }
        Err(e) => {
            finish(h, flags, e)?;
            Ok(Zval::NULL)
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    flags: i64,
    max_depth: usize,
    stdclass: Option<&'static php_runtime::object::Class>,
}

type Parsed = Result<Zval, JsonError>;

impl Parser<'_> {
    fn document(&mut self) -> Parsed {
        let lenient = flag::INVALID_UTF8_IGNORE | flag::INVALID_UTF8_SUBSTITUTE;
        if std::str::from_utf8(self.s).is_err() && self.flags & lenient == 0 {
            return Err(JsonError::Utf8);
        }
        let v = self.value(0)?;
        self.space();
        if self.i != self.s.len() {
            return Err(JsonError::Syntax);
        }
        Ok(v)
    }

    fn space(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn literal(&mut self, word: &[u8], v: Zval) -> Parsed {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(JsonError::Syntax)
        }
    }

    fn value(&mut self, depth: usize) -> Parsed {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value_here(depth))
    }

    fn value_here(&mut self, depth: usize) -> Parsed {
        self.space();
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Zval::string(PhpString::new(&s)))
            }
            Some(b't') => self.literal(b"true", Zval::bool(true)),
            Some(b'f') => self.literal(b"false", Zval::bool(false)),
            Some(b'n') => self.literal(b"null", Zval::NULL),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(c) if c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r') => Err(JsonError::CtrlChar),
            _ => Err(JsonError::Syntax),
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth > self.max_depth || depth > NESTING_LIMIT {
            return Err(JsonError::Depth);
        }
        Ok(())
    }

    fn array(&mut self, depth: usize) -> Parsed {
        self.enter(depth)?;
        self.i += 1;
        let mut list = PhpArray::new();
        self.space();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Zval::array(list));
        }
        loop {
            let v = self.value(depth)?;
            let _ = list.append(v);
            self.space();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Zval::array(list));
                }
                _ => return Err(JsonError::Syntax),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Parsed {
        self.enter(depth)?;
        self.i += 1;
        let mut members = PhpArray::new();
        self.space();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(self.make_object(members));
        }
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return Err(JsonError::Syntax);
            }
            let key = self.string()?;
            self.space();
            if self.peek() != Some(b':') {
                return Err(JsonError::Syntax);
            }
            self.i += 1;
            let v = self.value(depth)?;
            let as_array = self.flags & flag::OBJECT_AS_ARRAY != 0;
            let key = if as_array {
                ArrayKey::from_bytes(&key)
            } else {
                if key.first() == Some(&0) {
                    return Err(JsonError::InvalidPropertyName);
                }
                ArrayKey::Str(PhpString::new(&key))
            };
            drop(members.insert(key, v));
            self.space();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(self.make_object(members));
                }
                _ => return Err(JsonError::Syntax),
            }
        }
    }

    fn make_object(&self, members: PhpArray) -> Zval {
        if self.flags & flag::OBJECT_AS_ARRAY != 0 {
            return Zval::array(members);
        }
        let Some(class) = self.stdclass else {
            return Zval::array(members);
        };
        let o = php_runtime::object::PhpObject::new(class);
        for (k, v) in members.iter() {
            let name = match k {
                ArrayKey::Str(s) => s.as_bytes().to_vec(),
                ArrayKey::Int(i) => i.to_string().into_bytes(),
            };
            drop(o.set(&name, v.clone()));
        }
        Zval::object(o)
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.s.get(self.i..self.i + 4).ok_or(JsonError::Syntax)?;
        let text = std::str::from_utf8(digits).map_err(|_| JsonError::Syntax)?;
        let v = u32::from_str_radix(text, 16).map_err(|_| JsonError::Syntax)?;
        self.i += 4;
        Ok(v)
    }

    /// A string literal (at its opening quote): its bytes.
    fn string(&mut self) -> Result<Vec<u8>, JsonError> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(JsonError::Syntax);
            };
            self.i += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(JsonError::Syntax);
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut u = self.hex4()?;
                            if (0xD800..0xDC00).contains(&u) {
                                if !self.s[self.i..].starts_with(b"\\u") {
                                    return Err(JsonError::Utf16);
                                }
                                self.i += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(JsonError::Utf16);
                                }
                                u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                            } else if (0xDC00..0xE000).contains(&u) {
                                return Err(JsonError::Utf16);
                            }
                            let ch = char::from_u32(u).ok_or(JsonError::Utf16)?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return Err(JsonError::Syntax),
                    }
                }
                c if c < 0x20 => return Err(JsonError::CtrlChar),
                c => out.push(c),
            }
        }
    }

    fn number(&mut self) -> Parsed {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            p.i - from
        };
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(JsonError::Syntax),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(JsonError::Syntax);
            }
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(JsonError::Syntax);
            }
            float = true;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| JsonError::Syntax)?;
        if !float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Zval::int(i));
            }
            if self.flags & flag::BIGINT_AS_STRING != 0 {
                return Ok(Zval::str(text));
            }
        }
        text.parse::<f64>()
            .map(Zval::float)
            .map_err(|_| JsonError::Syntax)
    }
}
