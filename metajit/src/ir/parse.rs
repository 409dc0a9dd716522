//! The text format's parser: reads what `text.rs` prints (and hand-written fixtures).
//!
//! Value names map to the ops that define them, whatever their numbers; the parsed trace numbers
//! values afresh. Call descriptors carry no address in the text: [`parse_trace_with`] takes a
//! lookup that supplies the address for a call's name (tests bind names to real functions).

use super::{
    ArrayDescr, CallDescr, Const, Descr, EffectInfo, FieldDescr, FieldFlags, Op, OpRef, Opcode,
    PendingStore, SizeDescr, SnapFrame, SnapValue, Snapshot, TargetId, Trace, VirtualDesc,
    VirtualKind,
};
use crate::value::{IntRepr, Kind};
use std::collections::HashMap;
use std::sync::Arc;

/// A syntax or consistency error in a text trace, with its line number (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// The line of the error.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a trace; call descriptors get address 0.
pub fn parse_trace(text: &str) -> Result<Trace, ParseError> {
    parse_trace_with(text, &|_| None)
}

/// Parses a trace, asking `funcs` for the address of each called function by name.
pub fn parse_trace_with(
    text: &str,
    funcs: &dyn Fn(&str) -> Option<usize>,
) -> Result<Trace, ParseError> {
    let mut p = Parser {
        trace: Trace::new(),
        values: HashMap::new(),
        descrs: HashMap::new(),
        funcs,
        line: 0,
        saw_inputs: false,
    };
    for (i, raw) in text.lines().enumerate() {
        p.line = i + 1;
        let line = match raw.find('#') {
            // `#` starts a comment unless it is part of a descriptor name (`name#2`).
            Some(pos) if pos == 0 || raw[..pos].trim().is_empty() => &raw[..pos],
            _ => raw,
        }
        .trim();
        if line.is_empty() {
            continue;
        }
        p.parse_line(line)?;
    }
    if !p.saw_inputs {
        return Err(ParseError {
            line: p.line,
            message: "missing input list `[...]`".into(),
        });
    }
    Ok(p.trace)
}

struct Parser<'f> {
    trace: Trace,
    values: HashMap<String, OpRef>,
    descrs: HashMap<String, Descr>,
    funcs: &'f dyn Fn(&str) -> Option<usize>,
    line: usize,
    saw_inputs: bool,
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn skip_ws(&mut self) {
        while self.rest().starts_with([' ', '\t']) {
            self.pos += 1;
        }
    }
    fn eat(&mut self, tok: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(tok) {
            self.pos += tok.len();
            true
        } else {
            false
        }
    }
    fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.rest().is_empty()
    }
    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.rest().chars().next()
    }
    /// A word: everything up to a delimiter.
    fn word(&mut self) -> &'a str {
        self.skip_ws();
        let r = self.rest();
        let end = r
            .find([',', ')', ']', '(', ';', '=', ' ', '{', '}', ':', '['])
            .unwrap_or(r.len());
        self.pos += end;
        &r[..end]
    }
    /// A descriptor name: may contain `<`, `>`, `.`, `#` and `:`-free punctuation.
    fn descr_name(&mut self) -> &'a str {
        self.skip_ws();
        let r = self.rest();
        let mut depth = 0i32;
        let mut end = r.len();
        for (i, c) in r.char_indices() {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                ',' | ')' | ']' | ' ' | ';' | '=' | '(' | '}' | '[' if depth <= 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        self.pos += end;
        &r[..end]
    }
}

impl Parser<'_> {
    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            line: self.line,
            message: message.into(),
        })
    }

    fn parse_line(&mut self, line: &str) -> Result<(), ParseError> {
        let mut c = Cursor { s: line, pos: 0 };
        if let Some(rest) = line.strip_prefix("descr ") {
            return self.parse_descr_decl(rest);
        }
        if c.peek() == Some('[') {
            if self.saw_inputs {
                return self.err("second input list");
            }
            self.saw_inputs = true;
            c.eat("[");
            while !c.eat("]") {
                let name = c.word().to_string();
                let kind = self.kind_of_name(&name)?;
                let r = self.trace.add_input(kind);
                self.define(name, r)?;
                c.eat(",");
                if c.at_end() {
                    return self.err("unterminated input list");
                }
            }
            return Ok(());
        }
        if !self.saw_inputs {
            return self.err("operations before the input list `[...]`");
        }
        // [name =] opname(args) [snapshot] [{extras}]
        let first = c.word().to_string();
        let (result, opname) = if c.eat("=") {
            (Some(first), c.word().to_string())
        } else {
            (None, first)
        };
        let Some(opcode) = Opcode::from_name(&opname) else {
            return self.err(format!("unknown operation `{opname}`"));
        };
        if !c.eat("(") {
            return self.err("expected `(`");
        }
        let mut args = Vec::new();
        let mut descr = None;
        while !c.eat(")") {
            if c.rest().trim_start().starts_with("descr=") {
                c.eat("descr=");
                let name = c.descr_name().to_string();
                descr = Some(self.lookup_descr(&name, opcode)?);
            } else {
                args.push(self.operand(&mut c)?);
            }
            c.eat(",");
            if c.at_end() {
                return self.err("unterminated argument list");
            }
        }
        let kind = match (&result, opcode.result_kind()) {
            (None, _) => Kind::Void,
            (Some(n), _) => self.kind_of_name(n)?,
        };
        if let super::ResultKind::Fixed(k) = opcode.result_kind()
            && k != kind
        {
            return self.err(format!("`{opname}` produces {k}, not {kind}"));
        }
        let mut op = Op::new(opcode, kind, args);
        op.descr = descr.map(|d| self.trace.descr(d));
        if opcode.is_guard() {
            let snap = if c.peek() == Some('[') {
                self.snapshot(&mut c)?
            } else {
                Snapshot::flat(Vec::new())
            };
            op.snapshot = Some(self.trace.add_snapshot(snap));
        }
        if !c.at_end() {
            return self.err(format!("unexpected `{}`", c.rest()));
        }
        let r = self.trace.push(op);
        if let Some(n) = result {
            self.define(n, r)?;
        }
        Ok(())
    }

    fn define(&mut self, name: String, r: OpRef) -> Result<(), ParseError> {
        if self.values.insert(name.clone(), r).is_some() {
            return self.err(format!("`{name}` defined twice"));
        }
        Ok(())
    }

    fn kind_of_name(&self, name: &str) -> Result<Kind, ParseError> {
        let mut chars = name.chars();
        match (chars.next().and_then(Kind::from_prefix), chars.as_str()) {
            (Some(k), rest)
                if k != Kind::Void
                    && !rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_digit()) =>
            {
                Ok(k)
            }
            _ => self.err(format!(
                "bad value name `{name}` (expected i<n>, p<n> or f<n>)"
            )),
        }
    }

    fn operand(&mut self, c: &mut Cursor<'_>) -> Result<OpRef, ParseError> {
        match self.snap_value(c)? {
            SnapValue::Value(r) => Ok(r),
            SnapValue::Virtual(_) => self.err("virtual objects only appear in resume data"),
        }
    }

    fn snap_value(&mut self, c: &mut Cursor<'_>) -> Result<SnapValue, ParseError> {
        let w = c.word();
        if w == "ptr" {
            if !c.eat("(") {
                return self.err("expected `(` after ptr");
            }
            let a = c.word();
            c.eat(")");
            let v = parse_int(a).ok_or_else(|| ParseError {
                line: self.line,
                message: format!("bad address `{a}`"),
            })?;
            return Ok(SnapValue::Value(self.trace.konst(Const::ptr(v))));
        }
        if w == "null" {
            return Ok(SnapValue::Value(self.trace.konst(Const::ptr(0))));
        }
        if let Some(v) = parse_int(w) {
            return Ok(SnapValue::Value(self.trace.const_int(v)));
        }
        if let Some(f) = parse_float(w) {
            return Ok(SnapValue::Value(self.trace.konst(Const::float(f))));
        }
        if let Some(n) = w.strip_prefix('v')
            && let Ok(i) = n.parse::<u32>()
        {
            return Ok(SnapValue::Virtual(i));
        }
        match self.values.get(w) {
            Some(&r) => Ok(SnapValue::Value(r)),
            None if w.is_empty() => self.err(format!("expected a value at `{}`", c.rest())),
            None => self.err(format!("`{w}` used before it is defined")),
        }
    }

    fn snapshot(&mut self, c: &mut Cursor<'_>) -> Result<Snapshot, ParseError> {
        c.eat("[");
        let mut snap = Snapshot::default();
        let mut frame = SnapFrame {
            code: 0,
            point: 0,
            values: Vec::new(),
        };
        loop {
            if c.eat("]") {
                break;
            }
            if c.eat("@") {
                let code = c.word();
                let (code, point) = match code.split_once('.') {
                    Some((a, b)) => (a.parse().ok(), b.parse().ok()),
                    None => (None, None),
                };
                let (Some(code), Some(point)) = (code, point) else {
                    return self.err("expected `@code.point:`");
                };
                frame.code = code;
                frame.point = point;
                c.eat(":");
                continue;
            }
            if c.eat(";") {
                snap.frames.push(std::mem::replace(
                    &mut frame,
                    SnapFrame {
                        code: 0,
                        point: 0,
                        values: Vec::new(),
                    },
                ));
                continue;
            }
            let v = self.snap_value(c)?;
            frame.values.push(v);
            c.eat(",");
            if c.at_end() {
                return self.err("unterminated resume data");
            }
        }
        snap.frames.push(frame);
        if c.eat("{") {
            loop {
                if c.eat("}") {
                    break;
                }
                if c.eat("store") {
                    let dname = c.descr_name().to_string();
                    let d = self.lookup_descr(&dname, Opcode::SetField)?;
                    let descr = self.trace.descr(d);
                    c.eat("(");
                    let target = self.snap_value(c)?;
                    c.eat(")");
                    let index = if c.eat("[") {
                        let i = self.snap_value(c)?;
                        c.eat("]");
                        Some(i)
                    } else {
                        None
                    };
                    if !c.eat("=") {
                        return self.err("expected `=` in delayed store");
                    }
                    let value = self.snap_value(c)?;
                    snap.pending.push(PendingStore {
                        target,
                        descr,
                        index,
                        value,
                    });
                } else {
                    let name = c.word();
                    let Some(idx) = name.strip_prefix('v').and_then(|n| n.parse::<usize>().ok())
                    else {
                        return self
                            .err(format!("expected a virtual `v<n> = ...`, found `{name}`"));
                    };
                    if idx != snap.virtuals.len() {
                        return self.err("virtuals must be numbered in order");
                    }
                    c.eat("=");
                    let what = c.word().to_string();
                    let dname = c.descr_name().to_string();
                    let d = self.lookup_descr(&dname, Opcode::New)?;
                    let descr = self.trace.descr(d);
                    let kind = match what.as_str() {
                        "new" => VirtualKind::Struct(descr),
                        "new_with_vtable" => VirtualKind::StructWithVtable(descr),
                        "new_array" => VirtualKind::Array(descr),
                        _ => return self.err(format!("unknown virtual kind `{what}`")),
                    };
                    let mut v = VirtualDesc {
                        kind,
                        fields: Vec::new(),
                        items: Vec::new(),
                        parts: Vec::new(),
                    };
                    if c.eat("[") {
                        c.word();
                        c.eat("]");
                    }
                    c.eat("(");
                    while !c.eat(")") {
                        if matches!(kind, VirtualKind::Array(_)) {
                            let x = self.snap_value(c)?;
                            v.items.push(x);
                        } else {
                            let fname = c.descr_name().to_string();
                            let fd = self.lookup_descr(&fname, Opcode::GetField)?;
                            let fid = self.trace.descr(fd);
                            c.eat("=");
                            let x = self.snap_value(c)?;
                            v.fields.push((fid, x));
                        }
                        c.eat(",");
                        if c.at_end() {
                            return self.err("unterminated virtual");
                        }
                    }
                    // Arrays of compound items: `descr(values)` for each other part.
                    while matches!(kind, VirtualKind::Array(_))
                        && !c.at_end()
                        && !matches!(c.peek(), Some(';' | '}'))
                    {
                        let pname = c.descr_name().to_string();
                        let pd = self.lookup_descr(&pname, Opcode::GetArrayItem)?;
                        let pid = self.trace.descr(pd);
                        let mut part = Vec::new();
                        c.eat("(");
                        while !c.eat(")") {
                            part.push(self.snap_value(c)?);
                            c.eat(",");
                            if c.at_end() {
                                return self.err("unterminated virtual");
                            }
                        }
                        v.parts.push((pid, part));
                    }
                    snap.virtuals.push(v);
                }
                c.eat(";");
                if c.at_end() {
                    return self.err("unterminated `{`");
                }
            }
        }
        Ok(snap)
    }

    /// An `effect=` value (`any` when absent).
    fn effect(&self, text: Option<&str>) -> Result<EffectInfo, ParseError> {
        Ok(match text.unwrap_or("any") {
            "elidable" => EffectInfo::Elidable,
            "readonly" => EffectInfo::ReadOnly,
            "any" => EffectInfo::Any,
            w if w.starts_with("writes(") => {
                let names: Vec<Arc<str>> = w["writes(".len()..w.len() - 1]
                    .split_whitespace()
                    .map(Arc::from)
                    .collect();
                EffectInfo::WritesFields(names.into())
            }
            other => return self.err(format!("unknown effect `{other}`")),
        })
    }

    fn lookup_descr(&mut self, name: &str, opcode: Opcode) -> Result<Descr, ParseError> {
        if let Some(d) = self.descrs.get(name) {
            return Ok(d.clone());
        }
        if matches!(opcode, Opcode::Label | Opcode::Jump)
            && let Some(n) = name.strip_prefix('L').and_then(|n| n.parse().ok())
        {
            return Ok(Descr::Target(TargetId(n)));
        }
        if opcode == Opcode::Finish && name == "return" {
            return Ok(Descr::Target(TargetId::RETURN));
        }
        self.err(format!("undeclared descriptor `{name}`"))
    }

    fn parse_descr_decl(&mut self, rest: &str) -> Result<(), ParseError> {
        let Some((name, body)) = rest.split_once('=') else {
            return self.err("expected `descr NAME = ...`");
        };
        let name = name.trim().to_string();
        let body = body.trim();
        let Some(open) = body.find('(') else {
            return self.err("expected `kind(...)`");
        };
        if !body.ends_with(')') {
            return self.err("expected `)` at the end of the declaration");
        }
        let what = &body[..open];
        let inner = &body[open + 1..body.len() - 1];
        let mut kv: HashMap<&str, &str> = HashMap::new();
        let mut words: Vec<&str> = Vec::new();
        // Split on commas outside parentheses (call argument lists contain commas).
        let mut depth = 0;
        let mut start = 0;
        let mut parts = Vec::new();
        for (i, ch) in inner.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&inner[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&inner[start..]);
        for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                Some((k, v)) => {
                    kv.insert(k.trim(), v.trim());
                }
                None => words.push(part),
            }
        }
        let num = |k: &str| -> Result<i64, ParseError> {
            kv.get(k)
                .and_then(|v| parse_int(v))
                .ok_or_else(|| ParseError {
                    line: self.line,
                    message: format!("missing or bad `{k}=`"),
                })
        };
        let kind = if words.contains(&"float") {
            Kind::Float
        } else if words.contains(&"ref") {
            Kind::Ref
        } else {
            Kind::Int
        };
        let repr = IntRepr {
            size: kv.get("size").and_then(|v| v.parse().ok()).unwrap_or(8),
            signed: !words.contains(&"unsigned"),
        };
        let arcname: Arc<str> = Arc::from(name.split('#').next().unwrap_or(&name));
        let d =
            match what {
                "field" => Descr::Field(FieldDescr {
                    name: arcname,
                    offset: num("offset")? as u32,
                    kind,
                    repr,
                    flags: FieldFlags {
                        immutable: words.contains(&"immutable"),
                        quasi_immutable: words.contains(&"quasi_immutable"),
                    },
                }),
                "array" => Descr::Array(ArrayDescr {
                    name: arcname,
                    len_offset: num("len")? as u32,
                    items_offset: num("items")? as u32,
                    item_size: num("item_size")? as u32,
                    kind,
                    repr,
                }),
                "size" => Descr::Size(SizeDescr {
                    name: arcname,
                    size: num("size")? as u32,
                    align: kv.get("align").and_then(|v| parse_int(v)).unwrap_or(8) as u32,
                    type_id: kv.get("type").and_then(|v| parse_int(v)).unwrap_or(0),
                    alloc: kv.get("alloc").and_then(|v| parse_int(v)).unwrap_or(0) as usize,
                    alloc_effect: self.effect(kv.get("effect").copied())?,
                }),
                "call" => {
                    let args_text = kv.get("args").copied().unwrap_or("()");
                    let args_inner = args_text.trim_start_matches('(').trim_end_matches(')');
                    let mut args = Vec::new();
                    for a in args_inner
                        .split(',')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                    {
                        args.push(parse_kind(a).ok_or_else(|| ParseError {
                            line: self.line,
                            message: format!("bad kind `{a}`"),
                        })?);
                    }
                    let result = parse_kind(kv.get("result").copied().unwrap_or("void"))
                        .ok_or_else(|| ParseError {
                            line: self.line,
                            message: "bad result kind".into(),
                        })?;
                    let effect = self.effect(kv.get("effect").copied())?;
                    let func = (self.funcs)(&arcname).unwrap_or(0);
                    Descr::Call(CallDescr {
                        name: arcname,
                        func,
                        args: args.into(),
                        result,
                        effect,
                    })
                }
                other => return self.err(format!("unknown descriptor kind `{other}`")),
            };
        self.descrs.insert(name, d);
        Ok(())
    }
}

fn parse_kind(s: &str) -> Option<Kind> {
    match s {
        "int" => Some(Kind::Int),
        "ref" => Some(Kind::Ref),
        "float" => Some(Kind::Float),
        "void" => Some(Kind::Void),
        _ => None,
    }
}

fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let v = if let Some(h) = body.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok()? as i64
    } else if !body.is_empty() && body.chars().all(|c| c.is_ascii_digit()) {
        body.parse::<u64>().ok()? as i64
    } else {
        return None;
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

fn parse_float(s: &str) -> Option<f64> {
    let looks_float = s.contains('.')
        || s.contains("inf")
        || s == "NaN"
        || (s.contains('e') && !s.starts_with(['i', 'p', 'f', 'v']));
    if looks_float {
        s.parse::<f64>().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
descr Frame.acc = field(offset=8, int, size=8, signed)
descr cells = array(len=0, items=8, item_size=1, int, size=1, unsigned)
descr put = call(args=(int, ref), result=int, effect=any)
descr Frame = size(size=16, type=3)
[i0, p1]
label(i0, p1, descr=L0)
i2 = getfield(p1, descr=Frame.acc)
i3 = int_add(i2, -1)
f4 = cast_int_to_float(i3)
f5 = float_mul(f4, 2.5)
i6 = getarrayitem(p1, i0, descr=cells)
i7 = call(i6, p1, descr=put)
i8 = int_lt(i3, 100)
guard_true(i8) [i3, p1, null]
guard_false(i8) [@1.2: i3; @4.7: p1, v0] {v0 = new Frame(Frame.acc=i3); store Frame.acc(p1) = i3}
jump(i3, p1, descr=L0)
";

    #[test]
    fn round_trips() {
        let t = parse_trace(SAMPLE).unwrap();
        let printed = t.to_string();
        let again = parse_trace(&printed).unwrap();
        assert_eq!(printed, again.to_string());
        assert_eq!(t.ops.len(), 13);
        assert_eq!(t.snapshots[1].frames.len(), 2);
        assert_eq!(t.snapshots[1].pending.len(), 1);
    }

    /// A virtual array of two-part items, and an allocation through the language's function.
    #[test]
    fn round_trips_compound_arrays_and_allocators() {
        let text = "\
descr array<Pair>.tag = array(len=0, items=8, item_size=16, int, size=8, signed)
descr array<Pair>.bits = array(len=0, items=16, item_size=16, int, size=8, signed)
descr Boxed = size(size=24, align=8, type=0, alloc=0x1000)
[i0]
i1 = int_lt(i0, 5)
guard_true(i1) [@0.2: i0, v0, v1] {v0 = new_array array<Pair>.tag[2](0, 3) array<Pair>.bits(i0, 1); v1 = new Boxed()}
jump(i0, descr=L0)
";
        let t = parse_trace(text).unwrap();
        let v = &t.snapshots[0].virtuals[0];
        assert_eq!(v.items.len(), 2);
        assert_eq!(v.parts.len(), 1);
        assert_eq!(v.parts[0].1.len(), 2);
        let boxed = t.descrs.iter().find_map(|d| d.as_size());
        assert_eq!(boxed.map(|s| s.alloc), Some(0x1000));
        let printed = t.to_string();
        assert_eq!(printed, parse_trace(&printed).unwrap().to_string());
        assert!(printed.contains("array<Pair>.bits(i0, 1)"), "{printed}");
    }

    #[test]
    fn reports_errors_with_lines() {
        let e = parse_trace("[i0]\ni1 = int_add(i0, i9)\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("i9"), "{e}");
        let e = parse_trace("[i0]\ni1 = frob(i0)\n").unwrap_err();
        assert!(e.message.contains("frob"));
        let e = parse_trace("[i0]\nf1 = int_add(i0, 1)\n").unwrap_err();
        assert!(e.message.contains("produces int"), "{e}");
    }
}
