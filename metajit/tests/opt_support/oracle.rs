//! The oracle: runs a trace and its optimized version on the reference backend and checks that
//! they did the same thing.
//!
//! "The same thing": the same exit (the same `finish` values; the same jump to another trace's
//! label with the same values; or a failing guard with the same frames, `code`/`point` and
//! resume values, once each side's virtual objects are materialized and its pending stores
//! applied, as `resume.rs` does on a real guard failure), the same calls with effects in the
//! same order with the same arguments, and the same memory afterwards. References to objects
//! that existed before the run must be equal; references to objects allocated during the run
//! (or materialized from resume data) are compared by content, as an isomorphism between the
//! two runs' fresh objects.
//!
//! Guards are told apart by their snapshot's first frame: [`relabel`] gives every short-form
//! (`[a, b]`) snapshot of an input trace its own frame before optimizing, [`unrelabel`] undoes
//! it for printing. Loops run on fuel (a call and a guard added before each jump back to a
//! label of the trace); a run that only ran out of fuel proves nothing and is skipped.

use super::funcs::{self, Logged};
use super::world::{World, store};
use metajit::backend::interp::InterpBackend;
use metajit::backend::{Backend, CompileInfo, Exit, GuardId};
use metajit::ir::{
    CallDescr, Const, Descr, EffectInfo, Op, OpRef, Opcode, SnapFrame, SnapValue, Snapshot,
    TargetId, Trace, VirtualKind,
};
use metajit::value::{IntRepr, Kind};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The frame code [`relabel`] gives short-form snapshots.
pub const RELABEL: u32 = 0x7000_0000;
/// The frame code of the fuel guard.
pub const FUEL_CODE: u32 = 0x7fff_ffff;
/// Loop iterations per run.
pub const FUEL: i64 = 500;
const LANDING: i64 = 0x4c41_4e44_494e_4721;

/// Gives every short-form snapshot of `t` its own frame (`RELABEL`, guard number).
pub fn relabel(t: &Trace) -> Trace {
    let mut t = t.clone();
    let mut k = 0;
    for op in &t.ops {
        if let Some(s) = op.snapshot {
            let snap = &mut t.snapshots[s.0 as usize];
            if snap.frames.len() == 1 && snap.frames[0].code == 0 && snap.frames[0].point == 0 {
                snap.frames[0].code = RELABEL;
                snap.frames[0].point = k;
            }
            k += 1;
        }
    }
    t
}

/// Undoes [`relabel`].
pub fn unrelabel(t: &Trace) -> Trace {
    let mut t = t.clone();
    for s in &mut t.snapshots {
        for f in &mut s.frames {
            if f.code == RELABEL {
                f.code = 0;
                f.point = 0;
            }
        }
    }
    t
}

/// A value leaving a run.
#[derive(Clone, Copy, Debug)]
pub struct Val {
    /// Its kind.
    pub kind: Kind,
    /// Its bits.
    pub bits: i64,
}

/// How a run ended.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// `finish(values)`.
    Finish(Vec<Val>),
    /// A jump to another trace's label.
    Jump(u32, Vec<Val>),
    /// A guard failed: the rebuilt frames (code, point, values).
    Guard(Vec<(u32, u32, Vec<Val>)>),
    /// The loop ran out of fuel.
    OutOfFuel,
}

/// Everything observable about one run.
pub struct Run {
    /// How it ended.
    pub outcome: Outcome,
    /// Calls with effects.
    pub log: Vec<Logged>,
    /// The world's objects afterwards.
    pub memory: Vec<Vec<u64>>,
    /// Objects allocated during the run (address -> bytes).
    pub fresh: HashMap<i64, usize>,
}

fn call_descr(t: &mut Trace, name: &str, args: &[Kind]) -> metajit::ir::DescrId {
    t.descr(Descr::Call(CallDescr {
        name: Arc::from(name),
        func: funcs::lookup(name).expect("test function"),
        args: args.into(),
        result: Kind::Int,
        effect: EffectInfo::Any,
    }))
}

/// Adds fuel before jumps back into the trace and registration of allocations; returns the
/// instrumented trace and the other traces' labels it jumps to (target, argument kinds).
fn instrument(t: &Trace) -> (Trace, Vec<(TargetId, Vec<Kind>)>) {
    let own: HashSet<TargetId> = t
        .ops
        .iter()
        .filter(|o| o.opcode == Opcode::Label)
        .filter_map(|o| t.descr_of(o).and_then(Descr::as_target))
        .collect();
    let mut out = t.fresh_like();
    let mut map: Vec<OpRef> = Vec::with_capacity(t.ops.len());
    let mut foreign = Vec::new();
    let get = |map: &[OpRef], r: OpRef| if r.is_const() { r } else { map[r.index()] };
    for op in &t.ops {
        let mut new = op.clone();
        new.args = op.args.iter().map(|&a| get(&map, a)).collect();
        if let Some(s) = op.snapshot {
            let mut snap = t.snapshots[s.0 as usize].clone();
            snap.map_values(|r| SnapValue::Value(get(&map, r)));
            new.snapshot = Some(out.add_snapshot(snap));
        }
        if op.opcode == Opcode::Jump {
            let target = t.descr_of(op).and_then(Descr::as_target).expect("target");
            if own.contains(&target) {
                let d = call_descr(&mut out, "fuel", &[]);
                let mut call = Op::new(Opcode::Call, Kind::Int, vec![]);
                call.descr = Some(d);
                let f = out.push(call);
                let mut g = Op::new(Opcode::GuardTrue, Kind::Void, vec![f]);
                g.snapshot = Some(out.add_snapshot(Snapshot {
                    frames: vec![SnapFrame {
                        code: FUEL_CODE,
                        point: 0,
                        values: vec![],
                    }],
                    ..Snapshot::default()
                }));
                out.push(g);
            } else {
                let kinds = new.args.iter().map(|&a| out.kind_of(a)).collect();
                foreign.push((target, kinds));
            }
        }
        let r = out.push(new);
        map.push(r);
        let reg = match (op.opcode, t.descr_of(op)) {
            (Opcode::New | Opcode::NewWithVtable, Some(Descr::Size(s))) => {
                Some(("reg_struct", s.size as i64))
            }
            (Opcode::NewArray, Some(Descr::Array(a))) => Some(("reg_array", a.item_size as i64)),
            _ => None,
        };
        if let Some((name, n)) = reg {
            let d = call_descr(&mut out, name, &[Kind::Ref, Kind::Int]);
            let n = out.const_int(n);
            let mut call = Op::new(Opcode::Call, Kind::Int, vec![r, n]);
            call.descr = Some(d);
            out.push(call);
        }
    }
    (out, foreign)
}

/// A trace that defines label `target` and finishes with a marker, the target and its inputs.
fn landing(target: TargetId, kinds: &[Kind]) -> Trace {
    let mut t = Trace::new();
    let inputs: Vec<OpRef> = kinds.iter().map(|&k| t.add_input(k)).collect();
    let d = t.descr(Descr::Target(target));
    let mut label = Op::new(Opcode::Label, Kind::Void, inputs.clone());
    label.descr = Some(d);
    t.push(label);
    let mut args = vec![t.const_int(LANDING), t.const_int(target.0 as i64)];
    args.extend(inputs);
    t.push(Op::new(Opcode::Finish, Kind::Void, args));
    t
}

fn alloc_zeroed(bytes: usize, align: usize) -> i64 {
    let layout = std::alloc::Layout::from_size_align(bytes.max(8), align.max(8)).expect("layout");
    // SAFETY: non-zero size.
    let p = unsafe { std::alloc::alloc_zeroed(layout) };
    assert!(!p.is_null());
    p as i64
}

/// Decodes the snapshot of a failing guard like `resume.rs`: virtuals allocated, then filled,
/// then pending stores replayed.
fn decode(t: &Trace, snap: &Snapshot, fail: &[i64]) -> Vec<(u32, u32, Vec<Val>)> {
    let fail_args = snap.referenced_values();
    let mut objs = Vec::new();
    for v in &snap.virtuals {
        let p = match v.kind {
            VirtualKind::Struct(d) | VirtualKind::StructWithVtable(d) => {
                let s = t.descrs[d.0 as usize].as_size().expect("size descr");
                let p = alloc_zeroed(s.size as usize, s.align as usize);
                if matches!(v.kind, VirtualKind::StructWithVtable(_)) {
                    store(
                        p,
                        Kind::Int,
                        IntRepr {
                            size: 8,
                            signed: true,
                        },
                        s.type_id,
                    );
                }
                funcs::register_fresh(p, s.size as usize);
                p
            }
            VirtualKind::Array(d) => {
                let a = t.descrs[d.0 as usize].as_array().expect("array descr");
                let bytes = 8 + v.items.len() * a.item_size as usize;
                let p = alloc_zeroed(bytes, 8);
                store(
                    p,
                    Kind::Int,
                    IntRepr {
                        size: 8,
                        signed: true,
                    },
                    v.items.len() as i64,
                );
                funcs::register_fresh(p, bytes);
                p
            }
        };
        objs.push(p);
    }
    let val = |v: SnapValue| -> Val {
        match v {
            SnapValue::Value(r) if r.is_const() => {
                let c: Const = t.consts[r.index()];
                Val {
                    kind: c.kind,
                    bits: c.bits,
                }
            }
            SnapValue::Value(r) => {
                let i = fail_args.iter().position(|&a| a == r).expect("fail arg");
                Val {
                    kind: t.kind_of(r),
                    bits: fail[i],
                }
            }
            SnapValue::Virtual(k) => Val {
                kind: Kind::Ref,
                bits: objs[k as usize],
            },
        }
    };
    for (v, &p) in snap.virtuals.iter().zip(&objs) {
        match v.kind {
            VirtualKind::Array(d) => {
                let a = t.descrs[d.0 as usize].as_array().expect("array descr");
                for (k, &x) in v.items.iter().enumerate() {
                    let at = p + a.items_offset as i64 + (k * a.item_size as usize) as i64;
                    store(at, a.kind, a.repr, val(x).bits);
                }
            }
            _ => {
                for &(fd, x) in &v.fields {
                    let f = t.descrs[fd.0 as usize].as_field().expect("field descr");
                    store(p + f.offset as i64, f.kind, f.repr, val(x).bits);
                }
            }
        }
    }
    for ps in &snap.pending {
        let target = val(ps.target).bits;
        match &t.descrs[ps.descr.0 as usize] {
            Descr::Field(f) => store(target + f.offset as i64, f.kind, f.repr, val(ps.value).bits),
            Descr::Array(a) => {
                let i = ps.index.map(|i| val(i).bits).unwrap_or(0);
                let at = target + a.items_offset as i64 + i.wrapping_mul(a.item_size as i64);
                store(at, a.kind, a.repr, val(ps.value).bits);
            }
            _ => {}
        }
    }
    snap.frames
        .iter()
        .map(|f| (f.code, f.point, f.values.iter().map(|&v| val(v)).collect()))
        .collect()
}

/// Runs `t` on `world` with the reference backend.
pub fn run(t: &Trace, world: &World) -> Result<Run, String> {
    run_on(&mut InterpBackend::new(), t, world)
}

/// Runs `t` on `world` with a fresh `backend`.
pub fn run_on(backend: &mut dyn Backend, t: &Trace, world: &World) -> Result<Run, String> {
    let (t, foreign) = instrument(t);
    let mut seen = HashSet::new();
    for (target, kinds) in &foreign {
        if seen.insert(*target) {
            backend
                .compile_loop(
                    &landing(*target, kinds),
                    &CompileInfo {
                        guard_ids: &[],
                        name: "landing",
                    },
                )
                .map_err(|e| format!("landing: {e}"))?;
        }
    }
    let guards: Vec<usize> = (0..t.ops.len())
        .filter(|&i| t.ops[i].opcode.is_guard())
        .collect();
    let ids: Vec<GuardId> = (0..guards.len() as u32).map(GuardId).collect();
    let code = backend
        .compile_loop(
            &t,
            &CompileInfo {
                guard_ids: &ids,
                name: "test",
            },
        )
        .map_err(|e| format!("compile: {e}"))?;
    funcs::take_log();
    funcs::take_fresh();
    funcs::set_fuel(FUEL);
    let mut out = Vec::new();
    // SAFETY: the world holds objects of the shapes the trace uses (shape inference), and
    // calls go to the test functions bound by name.
    let exit = unsafe { backend.execute(code, &world.inputs, &mut out) };
    let outcome = match exit {
        Exit::Finish if out.first() == Some(&LANDING) => {
            let target = out[1] as u32;
            let kinds = &foreign.iter().find(|f| f.0.0 == target).expect("landing").1;
            Outcome::Jump(
                target,
                kinds
                    .iter()
                    .zip(&out[2..])
                    .map(|(&kind, &bits)| Val { kind, bits })
                    .collect(),
            )
        }
        Exit::Finish | Exit::Return => {
            let fin = t.final_op().expect("finish");
            Outcome::Finish(
                fin.args
                    .iter()
                    .zip(&out)
                    .map(|(&a, &bits)| Val {
                        kind: t.kind_of(a),
                        bits,
                    })
                    .collect(),
            )
        }
        Exit::Guard(g) => {
            let op = &t.ops[guards[g.0 as usize]];
            let snap = &t.snapshots[op.snapshot.expect("snapshot").0 as usize];
            if snap.frames.first().is_some_and(|f| f.code == FUEL_CODE) {
                Outcome::OutOfFuel
            } else {
                Outcome::Guard(decode(&t, snap, &out))
            }
        }
    };
    Ok(Run {
        outcome,
        log: funcs::take_log(),
        memory: world.contents(),
        fresh: funcs::take_fresh(),
    })
}

/// The isomorphism between two runs' fresh objects.
struct Iso<'a> {
    fa: &'a HashMap<i64, usize>,
    fb: &'a HashMap<i64, usize>,
    pairs: HashMap<i64, i64>,
    rev: HashMap<i64, i64>,
    work: Vec<(i64, i64)>,
}

impl Iso<'_> {
    /// Whether `a` (first run) and `b` (second run) are the same value.
    fn same(&mut self, kind: Kind, a: i64, b: i64) -> bool {
        if kind != Kind::Ref {
            return a == b;
        }
        let (fa, fb) = (self.fa.contains_key(&a), self.fb.contains_key(&b));
        if !fa && !fb {
            return a == b;
        }
        if !(fa && fb) {
            return false;
        }
        match (self.pairs.get(&a), self.rev.get(&b)) {
            (Some(&x), _) => x == b,
            (None, Some(_)) => false,
            (None, None) => {
                self.pairs.insert(a, b);
                self.rev.insert(b, a);
                self.work.push((a, b));
                true
            }
        }
    }

    /// A word of memory: equal, or references to matching fresh objects.
    fn same_word(&mut self, a: i64, b: i64) -> bool {
        a == b || self.same(Kind::Ref, a, b)
    }

    /// Compares the contents of every paired fresh object.
    fn close(&mut self) -> Result<(), String> {
        while let Some((a, b)) = self.work.pop() {
            let (sa, sb) = (self.fa[&a], self.fb[&b]);
            if sa != sb {
                return Err(format!("fresh objects of {sa} and {sb} bytes"));
            }
            for k in 0..sa / 8 {
                // SAFETY: registered fresh objects have at least this many bytes.
                let (x, y) = unsafe {
                    (
                        std::ptr::read_unaligned((a + 8 * k as i64) as *const i64),
                        std::ptr::read_unaligned((b + 8 * k as i64) as *const i64),
                    )
                };
                if !self.same_word(x, y) {
                    return Err(format!(
                        "fresh objects differ at byte {}: {x} vs {y}",
                        8 * k
                    ));
                }
            }
            for k in (sa / 8) * 8..sa {
                // SAFETY: as above.
                let (x, y) = unsafe {
                    (
                        std::ptr::read((a + k as i64) as *const u8),
                        std::ptr::read((b + k as i64) as *const u8),
                    )
                };
                if x != y {
                    return Err(format!("fresh objects differ at byte {k}"));
                }
            }
        }
        Ok(())
    }
}

fn same_vals(iso: &mut Iso<'_>, a: &[Val], b: &[Val]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.kind == y.kind && iso.same(x.kind, x.bits, y.bits))
}

/// Checks that two runs did the same thing.
pub fn compare(a: &Run, b: &Run) -> Result<(), String> {
    let mut iso = Iso {
        fa: &a.fresh,
        fb: &b.fresh,
        pairs: HashMap::new(),
        rev: HashMap::new(),
        work: Vec::new(),
    };
    if let (Outcome::OutOfFuel, Outcome::OutOfFuel) = (&a.outcome, &b.outcome) {
        // Both loops ran on; the optimized one may be an iteration ahead (its preamble falls
        // into the peeled loop without a jump): nothing to compare.
        return Ok(());
    }
    let ok = match (&a.outcome, &b.outcome) {
        (Outcome::Finish(x), Outcome::Finish(y)) => same_vals(&mut iso, x, y),
        (Outcome::Jump(s, x), Outcome::Jump(t, y)) => s == t && same_vals(&mut iso, x, y),
        (Outcome::Guard(x), Outcome::Guard(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(f, g)| f.0 == g.0 && f.1 == g.1 && same_vals(&mut iso, &f.2, &g.2))
        }
        _ => false,
    };
    if !ok {
        return Err(format!(
            "different exits:\n  before: {:?}\n  after:  {:?}",
            a.outcome, b.outcome
        ));
    }
    if a.log.len() != b.log.len() {
        return Err(format!(
            "different calls:\n  before: {:?}\n  after:  {:?}",
            a.log, b.log
        ));
    }
    for (x, y) in a.log.iter().zip(&b.log) {
        let same = x.name == y.name
            && x.args.len() == y.args.len()
            && x.args.iter().zip(&y.args).all(|(p, q)| {
                let kind = if p.0 { Kind::Ref } else { Kind::Int };
                iso.same(kind, p.1, q.1)
            });
        if !same {
            return Err(format!(
                "different calls:\n  before: {:?}\n  after:  {:?}",
                a.log, b.log
            ));
        }
    }
    for (k, (x, y)) in a.memory.iter().zip(&b.memory).enumerate() {
        for (w, (&p, &q)) in x.iter().zip(y).enumerate() {
            if !iso.same_word(p as i64, q as i64) {
                return Err(format!(
                    "different memory: object {k} word {w}: {} before, {} after",
                    p as i64, q as i64
                ));
            }
        }
    }
    iso.close()
}

/// The input with its one guard at the resume point where `outcome` left made to fail always
/// (`None` when the outcome is no guard failure or the point has no single guard).
fn failing_at(input: &Trace, outcome: &Outcome) -> Option<Trace> {
    let Outcome::Guard(frames) = outcome else {
        return None;
    };
    let at: Vec<(u32, u32)> = frames.iter().map(|f| (f.0, f.1)).collect();
    let guards: Vec<usize> = (0..input.ops.len())
        .filter(|&i| {
            let op = &input.ops[i];
            op.opcode.is_guard()
                && op.snapshot.is_some_and(|s| {
                    let snap = &input.snapshots[s.0 as usize];
                    snap.frames
                        .iter()
                        .map(|f| (f.code, f.point))
                        .eq(at.iter().copied())
                })
        })
        .collect();
    let [g] = guards[..] else { return None };
    let mut forced = input.clone();
    let zero = forced.konst(metajit::ir::Const::int(0));
    forced.ops[g].opcode = metajit::ir::Opcode::GuardTrue;
    forced.ops[g].args = vec![zero];
    Some(forced)
}

/// Runs `input` and `optimized` (both relabeled) on worlds built from `seeds` (and fixed int
/// inputs) and compares every pair of runs. Returns how many runs were conclusive.
///
/// With `early_exits` (strengthened guards), the optimized trace may also fail at a guard the
/// input passed: accepted when the input has exactly one guard at that resume point and the
/// input, made to fail there, ends exactly as the optimized trace did (the state a resumed
/// interpreter starts from is the same). Only for traces without loops: a guard of a loop runs
/// many times.
pub fn check(
    input: &Trace,
    optimized: &Trace,
    seeds: std::ops::Range<u64>,
    fixed: &[Vec<(usize, i64)>],
    early_exits: bool,
) -> Result<usize, String> {
    let mut conclusive = 0;
    let mut cases: Vec<(u64, Vec<(usize, i64)>)> = seeds.map(|s| (s, Vec::new())).collect();
    cases.extend(
        fixed
            .iter()
            .enumerate()
            .map(|(k, f)| (1000 + k as u64, f.clone())),
    );
    for (seed, fix) in cases {
        let mut world = World::build(input, seed, &fix);
        let a = run(input, &world)?;
        world.restore();
        let b = run(optimized, &world)?;
        let same = match compare(&a, &b) {
            Err(e) if early_exits => {
                world.restore();
                match failing_at(input, &b.outcome) {
                    Some(forced) => compare(&run(&forced, &world)?, &b),
                    None => Err(e),
                }
            }
            other => other,
        };
        same.map_err(|e| format!("seed {seed}, inputs {:?}: {e}", world.inputs))?;
        if !matches!(a.outcome, Outcome::OutOfFuel) {
            conclusive += 1;
        }
    }
    Ok(conclusive)
}
