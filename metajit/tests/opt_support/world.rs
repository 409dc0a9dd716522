//! The memory a trace runs on, built from how the trace uses its reference values.
//!
//! Shape inference: every reference value of the input trace gets a shape (union-find), shapes
//! collect the fields read or written through them (offset, kind, representation, and the shape
//! of the objects reference fields point to), whether they are indexed as arrays (descriptor,
//! largest constant index), their class when a guard or `getclass` looks at it, and whether they
//! are compared with null. `ptr_eq`, `same_as` and loop-carried label/jump arguments unify
//! shapes. A [`World`] then allocates objects of those shapes with seeded contents: ints biased
//! to edge cases, classes usually the guarded one, references sometimes shared between inputs
//! of the same shape (so stores through one are visible through the other: aliasing), sometimes
//! null where the trace tests for null.

use super::Rng;
use metajit::ir::{ArrayDescr, Descr, OpRef, Opcode, Trace};
use metajit::value::{IntRepr, Kind};
use std::collections::{BTreeMap, HashMap};

#[derive(Default, Clone, Debug)]
struct Shape {
    fields: BTreeMap<u32, (Kind, IntRepr, Option<usize>)>,
    array: Option<(ArrayDescr, Option<usize>)>,
    class: Option<i64>,
    min_len: usize,
    nullable: bool,
}

#[derive(Default)]
struct Infer {
    parent: Vec<usize>,
    shapes: Vec<Shape>,
    of: HashMap<usize, usize>,
    /// Objects accessed through the same descriptor have the same type: one shape per name.
    by_descr: HashMap<String, usize>,
}

impl Infer {
    fn new_shape(&mut self) -> usize {
        self.parent.push(self.parent.len());
        self.shapes.push(Shape::default());
        self.parent.len() - 1
    }

    fn find(&mut self, mut s: usize) -> usize {
        while self.parent[s] != s {
            self.parent[s] = self.parent[self.parent[s]];
            s = self.parent[s];
        }
        s
    }

    fn of(&mut self, t: &Trace, r: OpRef) -> Option<usize> {
        if r.is_const() || t.kind_of(r) != Kind::Ref {
            return None;
        }
        let s = match self.of.get(&r.index()) {
            Some(&s) => s,
            None => {
                let s = self.new_shape();
                self.of.insert(r.index(), s);
                s
            }
        };
        Some(self.find(s))
    }

    fn unify(&mut self, a: usize, b: usize) {
        let mut work = vec![(a, b)];
        while let Some((a, b)) = work.pop() {
            let (a, b) = (self.find(a), self.find(b));
            if a == b {
                continue;
            }
            self.parent[a] = b;
            let sa = std::mem::take(&mut self.shapes[a]);
            let sb = &mut self.shapes[b];
            for (off, (k, r, ta)) in sa.fields {
                match sb.fields.get_mut(&off) {
                    Some((_, _, tb)) => match (ta, *tb) {
                        (Some(x), Some(y)) => work.push((x, y)),
                        (Some(x), None) => *tb = Some(x),
                        _ => {}
                    },
                    None => {
                        sb.fields.insert(off, (k, r, ta));
                    }
                }
            }
            match (sa.array, &mut sb.array) {
                (Some((_, ta)), Some((_, tb))) => match (ta, *tb) {
                    (Some(x), Some(y)) => work.push((x, y)),
                    (Some(x), None) => *tb = Some(x),
                    _ => {}
                },
                (Some(a), None) => sb.array = Some(a),
                _ => {}
            }
            sb.class = sb.class.or(sa.class);
            sb.min_len = sb.min_len.max(sa.min_len);
            sb.nullable |= sa.nullable;
        }
    }

    /// Unifies `s` with every other shape accessed through descriptor `name`.
    fn typed(&mut self, s: usize, name: &str) {
        match self.by_descr.get(name) {
            Some(&o) => self.unify(s, o),
            None => {
                self.by_descr.insert(name.to_string(), s);
            }
        }
    }

    /// The target shape of reference field `off` of shape `s`.
    fn field(&mut self, s: usize, off: u32, kind: Kind, repr: IntRepr) -> Option<usize> {
        let s = self.find(s);
        let entry = self.shapes[s].fields.get(&off).copied();
        match entry {
            Some((_, _, t)) if kind != Kind::Ref => t,
            Some((_, _, Some(t))) => Some(t),
            _ => {
                let t = (kind == Kind::Ref).then(|| self.new_shape());
                let s = self.find(s);
                self.shapes[s].fields.insert(off, (kind, repr, t));
                t
            }
        }
    }

    fn array(&mut self, s: usize, d: &ArrayDescr) -> Option<usize> {
        let s = self.find(s);
        if let Some((_, t)) = &self.shapes[s].array
            && (t.is_some() || d.kind != Kind::Ref)
        {
            return *t;
        }
        let t = (d.kind == Kind::Ref).then(|| self.new_shape());
        let s = self.find(s);
        self.shapes[s].array = Some((d.clone(), t));
        t
    }

    fn scan(&mut self, t: &Trace) {
        let entry_label = t.ops.iter().find(|o| o.opcode == Opcode::Label).cloned();
        for (idx, op) in t.ops.iter().enumerate() {
            let me = OpRef::op(idx as u32);
            let d = t.descr_of(op).cloned();
            let a = |k: usize| op.args[k];
            match (op.opcode, d) {
                (Opcode::GetField | Opcode::SetField, Some(Descr::Field(f))) => {
                    let Some(s) = self.of(t, a(0)) else { continue };
                    self.typed(s, &f.name);
                    let target = self.field(s, f.offset, f.kind, f.repr);
                    let v = if op.opcode == Opcode::GetField {
                        self.of(t, me)
                    } else {
                        self.of(t, a(1))
                    };
                    if let (Some(x), Some(y)) = (target, v) {
                        self.unify(x, y);
                    }
                }
                (
                    Opcode::GetArrayItem | Opcode::SetArrayItem | Opcode::ArrayLen,
                    Some(Descr::Array(ad)),
                ) => {
                    let Some(s) = self.of(t, a(0)) else { continue };
                    self.typed(s, &ad.name);
                    let target = self.array(s, &ad);
                    if op.opcode != Opcode::ArrayLen
                        && let Some(i) = t.const_int_of(a(1))
                    {
                        let s = self.find(s);
                        let need = (i.clamp(0, 64) + 1) as usize;
                        self.shapes[s].min_len = self.shapes[s].min_len.max(need);
                    }
                    let v = match op.opcode {
                        Opcode::GetArrayItem => self.of(t, me),
                        Opcode::SetArrayItem => self.of(t, a(2)),
                        _ => None,
                    };
                    if let (Some(x), Some(y)) = (target, v) {
                        self.unify(x, y);
                    }
                }
                (Opcode::GuardClass, _) => {
                    if let (Some(s), Some(c)) = (self.of(t, a(0)), t.const_int_of(a(1))) {
                        self.shapes[s].class = Some(c);
                        self.field(
                            s,
                            0,
                            Kind::Int,
                            IntRepr {
                                size: 8,
                                signed: true,
                            },
                        );
                    }
                }
                (Opcode::GetClass, _) => {
                    if let Some(s) = self.of(t, a(0)) {
                        self.field(
                            s,
                            0,
                            Kind::Int,
                            IntRepr {
                                size: 8,
                                signed: true,
                            },
                        );
                    }
                }
                (Opcode::GuardNonnull | Opcode::GuardIsnull, _) => {
                    if let Some(s) = self.of(t, a(0)) {
                        self.shapes[s].nullable = true;
                    }
                }
                (Opcode::PtrEq | Opcode::PtrNe, _) => match (self.of(t, a(0)), self.of(t, a(1))) {
                    (Some(x), Some(y)) => self.unify(x, y),
                    (Some(x), None) | (None, Some(x)) => {
                        let x = self.find(x);
                        self.shapes[x].nullable = true;
                    }
                    _ => {}
                },
                (Opcode::SameAs, _) => {
                    if let (Some(x), Some(y)) = (self.of(t, a(0)), self.of(t, me)) {
                        self.unify(x, y);
                    }
                }
                (Opcode::Jump, _) => {
                    if let Some(l) = &entry_label
                        && l.descr == op.descr
                    {
                        for (&x, &y) in l.args.iter().zip(&op.args) {
                            if let (Some(x), Some(y)) = (self.of(t, x), self.of(t, y)) {
                                self.unify(x, y);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        // Calls that touch the word at offset 8 (funcs.rs) need it to exist.
        for op in &t.ops {
            if op.opcode.is_call()
                && let Some(Descr::Call(c)) = t.descr_of(op)
                && matches!(
                    c.name.split('#').next(),
                    Some("write_a" | "read_a" | "decref" | "logp" | "logpi")
                )
            {
                let first = if op.opcode == Opcode::CondCall { 1 } else { 0 };
                if let Some(&p) = op.args.get(first)
                    && let Some(s) = self.of(t, p)
                {
                    self.field(
                        s,
                        8,
                        Kind::Int,
                        IntRepr {
                            size: 8,
                            signed: true,
                        },
                    );
                }
            }
        }
    }
}

/// One allocated block: its words and its size in bytes.
struct Block {
    words: Box<[u64]>,
}

/// Objects and input values for one run of a trace (and of its optimized version: the same
/// world is restored between the two runs, so addresses of input objects are equal).
pub struct World {
    blocks: Vec<Block>,
    initial: Vec<Vec<u64>>,
    /// The trace's input values, as bits.
    pub inputs: Vec<i64>,
}

struct Builder<'a> {
    infer: &'a mut Infer,
    rng: Rng,
    blocks: Vec<Block>,
    by_shape: HashMap<usize, Vec<i64>>,
}

impl Builder<'_> {
    fn obj(&mut self, shape: usize, depth: u32) -> i64 {
        let s = self.infer.find(shape);
        let sh = self.infer.shapes[s].clone();
        if sh.nullable && self.rng.chance(15) {
            return 0;
        }
        if let Some(existing) = self.by_shape.get(&s)
            && (depth > 3 || self.rng.chance(if depth == 0 { 50 } else { 30 }))
        {
            return *self.rng.pick(existing);
        }
        let mut bytes = sh
            .fields
            .keys()
            .map(|&o| o as usize + 8)
            .max()
            .unwrap_or(0)
            .max(16);
        let mut len = 0;
        if let Some((d, _)) = &sh.array {
            len = sh.min_len.max(1 + self.rng.below(6) as usize);
            let need = d.items_offset as usize + len * d.item_size as usize;
            bytes = bytes.max(need).max(d.len_offset as usize + 8);
        }
        // Slack after the object: a wrong optimization shows as a mismatch, not a crash.
        let words = vec![0u64; bytes.div_ceil(8) + 8].into_boxed_slice();
        let addr = words.as_ptr() as i64;
        self.blocks.push(Block { words });
        self.by_shape.entry(s).or_default().push(addr);
        if let Some(c) = sh.class {
            let c = if self.rng.chance(20) { c + 1 } else { c };
            store(
                addr,
                Kind::Int,
                IntRepr {
                    size: 8,
                    signed: true,
                },
                c,
            );
        }
        for (&off, &(kind, repr, target)) in &sh.fields {
            if off == 0 && sh.class.is_some() {
                continue;
            }
            let v = self.value(kind, repr, target, depth);
            store(addr + off as i64, kind, repr, v);
        }
        if let Some((d, target)) = &sh.array {
            store(
                addr + d.len_offset as i64,
                Kind::Int,
                IntRepr {
                    size: 8,
                    signed: true,
                },
                len as i64,
            );
            for k in 0..len {
                let v = self.value(d.kind, d.repr, *target, depth);
                let at = addr + d.items_offset as i64 + (k * d.item_size as usize) as i64;
                store(at, d.kind, d.repr, v);
            }
        }
        addr
    }

    fn value(&mut self, kind: Kind, repr: IntRepr, target: Option<usize>, depth: u32) -> i64 {
        match kind {
            Kind::Ref => match target {
                Some(t) => self.obj(t, depth + 1),
                None => 0,
            },
            Kind::Float => ((self.rng.int() % 100) as f64 * 0.5).to_bits() as i64,
            _ => metajit::value::normalize_int(self.rng.int(), repr),
        }
    }
}

/// Stores `v` like the backends do (narrow ints truncated).
pub fn store(addr: i64, kind: Kind, repr: IntRepr, v: i64) {
    // SAFETY: only called on blocks of this world or fresh objects being materialized, at
    // offsets inside them.
    unsafe {
        match (kind, repr.size) {
            (Kind::Int, 1) => std::ptr::write_unaligned(addr as *mut u8, v as u8),
            (Kind::Int, 2) => std::ptr::write_unaligned(addr as *mut u16, v as u16),
            (Kind::Int, 4) => std::ptr::write_unaligned(addr as *mut u32, v as u32),
            _ => std::ptr::write_unaligned(addr as *mut i64, v),
        }
    }
}

impl World {
    /// Objects and inputs for `trace` from `seed`; `fixed` pins int inputs (index, value).
    pub fn build(trace: &Trace, seed: u64, fixed: &[(usize, i64)]) -> World {
        let mut infer = Infer::default();
        infer.scan(trace);
        let mut rng = Rng::new(seed);
        let kinds = trace.input_kinds();
        let shapes: Vec<Option<usize>> = (0..kinds.len())
            .map(|i| infer.of(trace, OpRef::op(i as u32)))
            .collect();
        let mut b = Builder {
            infer: &mut infer,
            rng: Rng::new(seed.wrapping_mul(0x2545_f491_4f6c_dd1d).wrapping_add(1)),
            blocks: Vec::new(),
            by_shape: HashMap::new(),
        };
        let mut inputs = Vec::new();
        for (i, &k) in kinds.iter().enumerate() {
            let v = match (k, shapes[i]) {
                (Kind::Ref, Some(s)) => b.obj(s, 0),
                (Kind::Float, _) => ((rng.int() % 100) as f64 * 0.25).to_bits() as i64,
                _ => rng.int(),
            };
            inputs.push(v);
        }
        for &(i, v) in fixed {
            if i < inputs.len() && kinds[i] == Kind::Int {
                inputs[i] = v;
            }
        }
        let blocks = b.blocks;
        let initial = blocks.iter().map(|b| b.words.to_vec()).collect();
        World {
            blocks,
            initial,
            inputs,
        }
    }

    /// Puts every object back as it was built.
    pub fn restore(&mut self) {
        for (b, init) in self.blocks.iter_mut().zip(&self.initial) {
            b.words.copy_from_slice(init);
        }
    }

    /// The current contents of every object.
    pub fn contents(&self) -> Vec<Vec<u64>> {
        self.blocks.iter().map(|b| b.words.to_vec()).collect()
    }
}
