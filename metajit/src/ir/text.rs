//! The text format's printer (RPython's layout).
//!
//! ```text
//! descr Frame.acc = field(offset=8, int, size=8, signed)
//! [i0, p1]
//! label(i0, p1, descr=L0)
//! i2 = getfield(p1, descr=Frame.acc)
//! i3 = int_add(i2, 1)
//! i4 = int_lt(i3, 100)
//! guard_true(i4) [i3, p1]
//! jump(i3, p1, descr=L0)
//! ```
//! Values are named by kind prefix (`i` int, `p` ref, `f` float) and op index; constants are
//! written inline (`7`, `1.5`, `ptr(0x10)`, `null`). Descriptors used by the trace are declared
//! first. A guard's resume data follows it: the short form `[a, b]` is one frame; the long form
//! names frames (`[@2.7: a, b; @3.1: c]`), and virtual objects and delayed stores follow in
//! braces. `parse.rs` reads exactly this back.

use super::{Const, Descr, Op, OpRef, SnapValue, Snapshot, Trace, VirtualKind};
use crate::value::Kind;
use std::collections::HashMap;
use std::fmt::Write;

/// Prints a trace in the text format.
pub fn print_trace(t: &Trace) -> String {
    Printer::new(t).print()
}

struct Printer<'a> {
    t: &'a Trace,
    names: HashMap<u32, String>,
    out: String,
}

impl<'a> Printer<'a> {
    fn new(t: &'a Trace) -> Printer<'a> {
        // Unique names per descriptor id, in order of first declaration.
        let mut names = HashMap::new();
        let mut seen: HashMap<String, u32> = HashMap::new();
        for (i, d) in t.descrs.iter().enumerate() {
            let base = d.name();
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let name = if *n == 1 { base } else { format!("{base}#{n}") };
            names.insert(i as u32, name);
        }
        Printer {
            t,
            names,
            out: String::new(),
        }
    }

    fn print(mut self) -> String {
        let mut used: Vec<u32> = self
            .t
            .ops
            .iter()
            .filter_map(|op| op.descr.map(|d| d.0))
            .collect();
        for s in &self.t.snapshots {
            for v in &s.virtuals {
                used.push(match v.kind {
                    VirtualKind::Struct(d)
                    | VirtualKind::StructWithVtable(d)
                    | VirtualKind::Array(d) => d.0,
                });
                used.extend(v.fields.iter().map(|(d, _)| d.0));
                used.extend(v.parts.iter().map(|(d, _)| d.0));
            }
            used.extend(s.pending.iter().map(|p| p.descr.0));
        }
        used.sort_unstable();
        used.dedup();
        for d in used {
            if matches!(self.t.descrs[d as usize], Descr::Target(_)) {
                continue;
            }
            let decl = self.descr_decl(&self.t.descrs[d as usize]);
            let _ = writeln!(self.out, "descr {} = {}", self.names[&d], decl);
        }
        let inputs: Vec<String> = self
            .t
            .ops
            .iter()
            .enumerate()
            .take_while(|(_, op)| op.opcode == super::Opcode::Input)
            .map(|(i, op)| self.value_name(op.kind, i))
            .collect();
        let _ = writeln!(self.out, "[{}]", inputs.join(", "));
        for (i, op) in self.t.ops.iter().enumerate().skip(inputs.len()) {
            self.print_op(i, op);
        }
        self.out
    }

    fn descr_decl(&self, d: &Descr) -> String {
        fn repr(kind: Kind, size: u8, signed: bool) -> String {
            match kind {
                Kind::Int => format!(
                    "int, size={size}, {}",
                    if signed { "signed" } else { "unsigned" }
                ),
                k => k.to_string(),
            }
        }
        match d {
            Descr::Field(f) => {
                let mut s = format!(
                    "field(offset={}, {}",
                    f.offset,
                    repr(f.kind, f.repr.size, f.repr.signed)
                );
                if f.flags.immutable {
                    s.push_str(", immutable");
                }
                if f.flags.quasi_immutable {
                    s.push_str(", quasi_immutable");
                }
                s.push(')');
                s
            }
            Descr::Array(a) => format!(
                "array(len={}, items={}, item_size={}, {})",
                a.len_offset,
                a.items_offset,
                a.item_size,
                repr(a.kind, a.repr.size, a.repr.signed)
            ),
            Descr::Size(s) if s.alloc != 0 => format!(
                "size(size={}, align={}, type={}, alloc={:#x}, effect={})",
                s.size,
                s.align,
                s.type_id,
                s.alloc,
                effect_text(&s.alloc_effect)
            ),
            Descr::Size(s) => format!(
                "size(size={}, align={}, type={})",
                s.size, s.align, s.type_id
            ),
            Descr::Call(c) => {
                let args: Vec<String> = c.args.iter().map(|k| k.to_string()).collect();
                let effect = effect_text(&c.effect);
                format!(
                    "call(args=({}), result={}, effect={})",
                    args.join(", "),
                    c.result,
                    effect
                )
            }
            Descr::Target(t) => t.to_string(),
        }
    }

    fn value_name(&self, kind: Kind, index: usize) -> String {
        format!("{}{}", kind.prefix(), index)
    }

    fn operand(&self, r: OpRef) -> String {
        if r.is_const() {
            const_text(self.t.consts[r.index()])
        } else {
            self.value_name(self.t.ops[r.index()].kind, r.index())
        }
    }

    fn snap_value(&self, v: SnapValue) -> String {
        match v {
            SnapValue::Value(r) => self.operand(r),
            SnapValue::Virtual(i) => format!("v{i}"),
        }
    }

    fn print_op(&mut self, i: usize, op: &Op) {
        let mut line = String::new();
        if op.kind != Kind::Void {
            let _ = write!(line, "{} = ", self.value_name(op.kind, i));
        }
        line.push_str(op.opcode.name());
        line.push('(');
        let mut parts: Vec<String> = op.args.iter().map(|&a| self.operand(a)).collect();
        if let Some(d) = op.descr {
            parts.push(format!("descr={}", self.names[&d.0]));
        }
        line.push_str(&parts.join(", "));
        line.push(')');
        if let Some(s) = op.snapshot {
            line.push(' ');
            line.push_str(&self.snapshot_text(&self.t.snapshots[s.0 as usize]));
        }
        self.out.push_str(&line);
        self.out.push('\n');
    }

    fn snapshot_text(&self, s: &Snapshot) -> String {
        let vals = |vs: &[SnapValue]| {
            vs.iter()
                .map(|&v| self.snap_value(v))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = String::from("[");
        if s.frames.len() == 1 && s.frames[0].code == 0 && s.frames[0].point == 0 {
            out.push_str(&vals(&s.frames[0].values));
        } else {
            let frames: Vec<String> = s
                .frames
                .iter()
                .map(|f| {
                    let v = vals(&f.values);
                    if v.is_empty() {
                        format!("@{}.{}:", f.code, f.point)
                    } else {
                        format!("@{}.{}: {}", f.code, f.point, v)
                    }
                })
                .collect();
            out.push_str(&frames.join("; "));
        }
        out.push(']');
        if s.virtuals.is_empty() && s.pending.is_empty() {
            return out;
        }
        let mut items = Vec::new();
        for (i, v) in s.virtuals.iter().enumerate() {
            let (what, d) = match v.kind {
                VirtualKind::Struct(d) => ("new", d),
                VirtualKind::StructWithVtable(d) => ("new_with_vtable", d),
                VirtualKind::Array(d) => ("new_array", d),
            };
            let mut fields: Vec<String> = v
                .fields
                .iter()
                .map(|(fd, x)| format!("{}={}", self.names[&fd.0], self.snap_value(*x)))
                .collect();
            if matches!(v.kind, VirtualKind::Array(_)) {
                fields = v.items.iter().map(|&x| self.snap_value(x)).collect();
                let mut text = format!(
                    "v{i} = {what} {}[{}]({})",
                    self.names[&d.0],
                    v.items.len(),
                    fields.join(", ")
                );
                for (pd, part) in &v.parts {
                    let vals: Vec<String> = part.iter().map(|&x| self.snap_value(x)).collect();
                    text.push_str(&format!(" {}({})", self.names[&pd.0], vals.join(", ")));
                }
                items.push(text);
            } else {
                items.push(format!(
                    "v{i} = {what} {}({})",
                    self.names[&d.0],
                    fields.join(", ")
                ));
            }
        }
        for p in &s.pending {
            let idx = p
                .index
                .map(|i| format!("[{}]", self.snap_value(i)))
                .unwrap_or_default();
            items.push(format!(
                "store {}({}){} = {}",
                self.names[&p.descr.0],
                self.snap_value(p.target),
                idx,
                self.snap_value(p.value)
            ));
        }
        format!("{out} {{{}}}", items.join("; "))
    }
}

/// The text of a constant.
pub fn const_text(c: Const) -> String {
    match c.kind {
        Kind::Int | Kind::Void => c.bits.to_string(),
        Kind::Float => {
            let f = c.as_float();
            let s = format!("{f:?}");
            if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
                s
            } else {
                format!("{s}.0")
            }
        }
        Kind::Ref if c.bits == 0 => "null".to_string(),
        Kind::Ref => format!("ptr({:#x})", c.bits),
    }
}

/// An effect as the text format writes it (`effect=...` of calls and allocators).
fn effect_text(e: &super::EffectInfo) -> String {
    match e {
        super::EffectInfo::Elidable => "elidable".to_string(),
        super::EffectInfo::ReadOnly => "readonly".to_string(),
        super::EffectInfo::Any => "any".to_string(),
        super::EffectInfo::WritesFields(f) => {
            let v: Vec<&str> = f.iter().map(|s| &**s).collect();
            format!("writes({})", v.join(" "))
        }
    }
}
