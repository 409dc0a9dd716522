//! Random-trace differential test of the optimizer: seeded, bounded random traces (integer
//! arithmetic with overflow checks, guards with resume data, field and array loads and stores
//! through possibly aliasing objects, allocations that escape or not, calls with declared
//! effects, elidable calls; straight-line traces ending in `finish` and counted loops) are
//! optimized by the whole pipeline (the verifier runs after every pass) and the oracle checks
//! the optimized trace against the input on several random worlds. The output is optimized a
//! second time and checked too (a peeled loop has a `label` in the middle, which every pass
//! must handle). With the `cranelift` feature, a quarter of the optimized traces also run on the
//! native backend, compared with the input on the reference backend.
//!
//! `OPT_RANDOM=<n>` runs n traces instead of the default (a few seconds in a debug build);
//! `OPT_RANDOM_SEED=<s>` replays one trace and prints it; `OPT_RANDOM_VERBOSE=1` prints each
//! seed before running it (to find the one that crashes).

mod opt_support;

use metajit::ir::{
    ArrayDescr, CallDescr, Descr, DescrId, EffectInfo, FieldDescr, FieldFlags, Op, OpRef, Opcode,
    SizeDescr, Snapshot, TargetId, Trace, verify,
};
use metajit::opt::{OptContext, optimize};
use metajit::value::{IntRepr, Kind};
use opt_support::{Rng, funcs, oracle};
use std::cell::Cell;
use std::sync::Arc;

const I64: IntRepr = IntRepr {
    size: 8,
    signed: true,
};

struct Descrs {
    size: DescrId,
    a: DescrId,
    b: DescrId,
    r: DescrId,
    u8: DescrId,
    k: DescrId,
    items: DescrId,
    log1: DescrId,
    logp: DescrId,
    write_a: DescrId,
    read_a: DescrId,
    pure2: DescrId,
}

fn field(t: &mut Trace, name: &str, offset: u32, kind: Kind, repr: IntRepr, imm: bool) -> DescrId {
    t.descr(Descr::Field(FieldDescr {
        name: Arc::from(name),
        offset,
        kind,
        repr,
        flags: FieldFlags {
            immutable: imm,
            quasi_immutable: false,
        },
    }))
}

fn call(t: &mut Trace, name: &str, args: &[Kind], effect: EffectInfo) -> DescrId {
    t.descr(Descr::Call(CallDescr {
        name: Arc::from(name),
        func: funcs::lookup(name).expect("test function"),
        args: args.into(),
        result: Kind::Int,
        effect,
    }))
}

fn descrs(t: &mut Trace) -> Descrs {
    Descrs {
        size: t.descr(Descr::Size(SizeDescr {
            name: Arc::from("S"),
            size: 48,
            align: 8,
            type_id: 5,
            alloc: 0,
            alloc_effect: metajit::ir::EffectInfo::Any,
        })),
        a: field(t, "S.a", 8, Kind::Int, I64, false),
        b: field(t, "S.b", 16, Kind::Int, I64, false),
        r: field(t, "S.r", 24, Kind::Ref, I64, false),
        u8: field(
            t,
            "S.u8",
            32,
            Kind::Int,
            IntRepr {
                size: 1,
                signed: false,
            },
            false,
        ),
        k: field(t, "S.k", 40, Kind::Int, I64, true),
        items: t.descr(Descr::Array(ArrayDescr {
            name: Arc::from("items"),
            len_offset: 0,
            items_offset: 8,
            item_size: 8,
            kind: Kind::Int,
            repr: I64,
        })),
        log1: call(t, "log1", &[Kind::Int], EffectInfo::Any),
        logp: call(t, "logp", &[Kind::Ref], EffectInfo::Any),
        write_a: call(
            t,
            "write_a",
            &[Kind::Ref, Kind::Int],
            EffectInfo::WritesFields(vec![Arc::<str>::from("S.a")].into()),
        ),
        read_a: call(t, "read_a", &[Kind::Ref], EffectInfo::ReadOnly),
        pure2: call(t, "pure2", &[Kind::Int, Kind::Int], EffectInfo::Elidable),
    }
}

struct Gen {
    t: Trace,
    d: Descrs,
    rng: Rng,
    ints: Vec<OpRef>,
    /// Struct objects safe to access, and whether their `S.r` holds an object.
    objs: Vec<(OpRef, bool)>,
    /// The input array (length at least 3).
    array: OpRef,
    /// Small virtual-candidate arrays: (array, length).
    small: Vec<(OpRef, i64)>,
}

impl Gen {
    fn int(&mut self) -> OpRef {
        if self.rng.chance(20) {
            let v = self.rng.int() % 20;
            self.t.const_int(v)
        } else {
            *self.rng.pick(&self.ints)
        }
    }

    /// An object, most often one of the two inputs (which the world sometimes makes the same
    /// object, to exercise aliasing).
    fn obj(&mut self) -> (OpRef, bool) {
        if self.rng.chance(60) {
            self.objs[self.rng.below(2) as usize]
        } else {
            *self.rng.pick(&self.objs)
        }
    }

    fn push(
        &mut self,
        opcode: Opcode,
        kind: Kind,
        args: Vec<OpRef>,
        descr: Option<DescrId>,
    ) -> OpRef {
        let mut op = Op::new(opcode, kind, args);
        op.descr = descr;
        let r = self.t.push(op);
        if kind == Kind::Int {
            self.ints.push(r);
        }
        r
    }

    fn snapshot(&mut self) -> Snapshot {
        let n = self.rng.below(4);
        let mut vals = Vec::new();
        for _ in 0..n {
            let v = if self.rng.chance(60) {
                self.int()
            } else {
                self.obj().0
            };
            vals.push(v);
        }
        Snapshot::flat(vals)
    }

    fn guard(&mut self, opcode: Opcode, args: Vec<OpRef>) {
        let s = self.snapshot();
        let mut op = Op::new(opcode, Kind::Void, args);
        op.snapshot = Some(self.t.add_snapshot(s));
        self.t.push(op);
    }

    fn step(&mut self) {
        use Opcode::*;
        let d = &self.d;
        let (a, b, r, u8f, k, items) = (d.a, d.b, d.r, d.u8, d.k, d.items);
        match self.rng.below(26) {
            0..=4 => {
                let op = *self.rng.pick(&[
                    IntAdd, IntSub, IntMul, IntAnd, IntOr, IntXor, IntShl, IntShr, UintShr, IntLt,
                    IntLe, IntEq, IntNe, UintLt, IntGe, IntMod, IntDiv,
                ]);
                let (x, y) = (self.int(), self.int());
                self.push(op, Kind::Int, vec![x, y], None);
            }
            5 => {
                let x = self.int();
                let op = *self.rng.pick(&[IntNeg, IntInvert, IntIsZero, IntIsTrue]);
                self.push(op, Kind::Int, vec![x], None);
            }
            6 => {
                let op = *self.rng.pick(&[IntAddOvf, IntSubOvf, IntMulOvf]);
                let (x, y) = (self.int(), self.int());
                self.push(op, Kind::Int, vec![x, y], None);
                self.guard(GuardNoOverflow, vec![]);
            }
            7..=8 => {
                if self.rng.chance(70) {
                    // Usually passes, so that runs get further.
                    let x = self.int();
                    let c = self.t.const_int(777);
                    let e = self.push(IntEq, Kind::Int, vec![x, c], None);
                    self.guard(GuardFalse, vec![e]);
                } else {
                    let op = *self.rng.pick(&[IntLt, IntGt, IntEq, IntNe, UintLt, IntLe]);
                    let (x, y) = (self.int(), self.int());
                    let c = self.push(op, Kind::Int, vec![x, y], None);
                    let g = if self.rng.chance(50) {
                        GuardTrue
                    } else {
                        GuardFalse
                    };
                    self.guard(g, vec![c]);
                }
            }
            9 if self.rng.chance(60) => {
                // Range probe: a guarded comparison with a constant, then another one near
                // the boundary (what intbounds folds).
                let ops = [IntLt, IntLe, IntGt, IntGe, UintLt, IntEq, IntNe];
                let x = *self.rng.pick(&self.ints);
                let c = self.rng.below(8) as i64;
                let k = self.t.const_int(c);
                let op = *self.rng.pick(&ops);
                let g = self.push(op, Kind::Int, vec![x, k], None);
                self.guard(GuardTrue, vec![g]);
                let k2 = self.t.const_int(c + self.rng.below(3) as i64 - 1);
                let op2 = *self.rng.pick(&ops);
                let g2 = self.push(op2, Kind::Int, vec![x, k2], None);
                let gk = if self.rng.chance(50) {
                    GuardTrue
                } else {
                    GuardFalse
                };
                self.guard(gk, vec![g2]);
            }
            9 => {
                let x = *self.rng.pick(&self.ints);
                let c = self.t.const_int(self.rng.below(4) as i64);
                self.guard(GuardValue, vec![x, c]);
            }
            10..=12 => {
                let (p, _) = self.obj();
                let f = *self.rng.pick(&[a, b, u8f, k]);
                self.push(GetField, Kind::Int, vec![p], Some(f));
            }
            13..=14 => {
                let (p, _) = self.obj();
                let f = *self.rng.pick(&[a, b, u8f]);
                let x = self.int();
                self.push(SetField, Kind::Void, vec![p, x], Some(f));
            }
            15 => {
                // Load a reference and use it as an object.
                let safe: Vec<OpRef> = self.objs.iter().filter(|o| o.1).map(|o| o.0).collect();
                if let Some(&p) = safe.first() {
                    let p = if self.rng.chance(50) {
                        *self.rng.pick(&safe)
                    } else {
                        p
                    };
                    let q = self.push(GetField, Kind::Ref, vec![p], Some(r));
                    self.objs.push((q, true));
                }
            }
            16 => {
                // Store an object into another one's S.r (an escape for a fresh one). Only
                // objects whose own S.r holds an object: a loop may load through it later.
                let (p, _) = self.obj();
                let (q, safe) = self.obj();
                if !safe {
                    return;
                }
                self.push(SetField, Kind::Void, vec![p, q], Some(r));
                if let Some(o) = self.objs.iter_mut().find(|o| o.0 == p) {
                    o.1 = true;
                }
            }
            17..=18 => {
                let p = self.push(NewWithVtable, Kind::Ref, vec![], Some(self.d.size));
                self.objs.push((p, false));
                let x = self.int();
                self.push(SetField, Kind::Void, vec![p, x], Some(a));
            }
            19 => {
                // Array access: a constant index, or a checked variable one.
                let arr = self.array;
                let idx = if self.rng.chance(50) {
                    self.t.const_int(self.rng.below(3) as i64)
                } else {
                    let i = *self.rng.pick(&self.ints);
                    let len = self.push(ArrayLen, Kind::Int, vec![arr], Some(items));
                    let c = self.push(UintLt, Kind::Int, vec![i, len], None);
                    self.guard(GuardTrue, vec![c]);
                    i
                };
                if self.rng.chance(50) {
                    self.push(GetArrayItem, Kind::Int, vec![arr, idx], Some(items));
                } else {
                    let x = self.int();
                    self.push(SetArrayItem, Kind::Void, vec![arr, idx, x], Some(items));
                }
            }
            20 => {
                let n = 1 + self.rng.below(3) as i64;
                let len = self.t.const_int(n);
                let arr = self.push(NewArray, Kind::Ref, vec![len], Some(items));
                self.small.push((arr, n));
                let x = self.int();
                let i = self.t.const_int(self.rng.below(n as u64) as i64);
                self.push(SetArrayItem, Kind::Void, vec![arr, i, x], Some(items));
            }
            21 => {
                if let Some(&(arr, n)) = self.small.last() {
                    let i = self.t.const_int(self.rng.below(n as u64) as i64);
                    self.push(GetArrayItem, Kind::Int, vec![arr, i], Some(items));
                }
            }
            22 => {
                let x = self.int();
                let log1 = self.d.log1;
                self.push(Call, Kind::Int, vec![x], Some(log1));
            }
            23 => {
                let (p, _) = self.obj();
                let (c, args) = match self.rng.below(3) {
                    0 => (self.d.logp, vec![p]),
                    1 => {
                        let x = self.int();
                        (self.d.write_a, vec![p, x])
                    }
                    _ => (self.d.read_a, vec![p]),
                };
                self.push(Call, Kind::Int, args, Some(c));
            }
            24 => {
                let (x, y) = (self.int(), self.int());
                let p2 = self.d.pure2;
                self.push(CallPure, Kind::Int, vec![x, y], Some(p2));
            }
            _ => {
                // A guard snapshot that sees objects (virtual ones included).
                let x = self.int();
                let c = self.push(IntIsTrue, Kind::Int, vec![x], None);
                self.guard(GuardTrue, vec![c]);
            }
        }
    }
}

/// A random trace: straight-line (finish) or a counted loop.
fn gen_trace(seed: u64) -> Trace {
    let mut t = Trace::new();
    let d = descrs(&mut t);
    let mut rng = Rng::new(seed);
    let inputs: Vec<OpRef> = [
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Ref,
        Kind::Ref,
        Kind::Ref,
    ]
    .iter()
    .map(|&k| t.add_input(k))
    .collect();
    let looped = rng.chance(35);
    if looped {
        let target = t.descr(Descr::Target(TargetId(0)));
        let mut label = Op::new(Opcode::Label, Kind::Void, inputs.clone());
        label.descr = Some(target);
        t.push(label);
    }
    let mut g = Gen {
        t,
        d,
        rng,
        ints: inputs[..3].to_vec(),
        objs: vec![(inputs[3], true), (inputs[4], true)],
        array: inputs[5],
        small: Vec::new(),
    };
    // Make the world give the array at least 3 items.
    let two = g.t.const_int(2);
    let items = g.d.items;
    g.push(
        Opcode::GetArrayItem,
        Kind::Int,
        vec![inputs[5], two],
        Some(items),
    );
    let n = 5 + g.rng.below(30);
    for _ in 0..n {
        g.step();
    }
    if looped {
        let one = g.t.const_int(1);
        let zero = g.t.const_int(0);
        let c = g.push(Opcode::IntSub, Kind::Int, vec![inputs[0], one], None);
        let more = g.push(Opcode::IntGt, Kind::Int, vec![c, zero], None);
        g.guard(Opcode::GuardTrue, vec![more]);
        let x = g.int();
        let y = if g.rng.chance(50) { inputs[2] } else { g.int() };
        let (p, q) = if g.rng.chance(80) {
            (inputs[3], inputs[4])
        } else {
            (inputs[4], inputs[3])
        };
        let target = g.t.descr(Descr::Target(TargetId(0)));
        let mut j = Op::new(Opcode::Jump, Kind::Void, vec![c, x, y, p, q, inputs[5]]);
        j.descr = Some(target);
        g.t.push(j);
    } else {
        let mut vals = Vec::new();
        for _ in 0..g.rng.below(4) {
            let v = if g.rng.chance(60) { g.int() } else { g.obj().0 };
            vals.push(v);
        }
        g.t.push(Op::new(Opcode::Finish, Kind::Void, vals));
    }
    g.t
}

fn check_one(seed: u64, show: bool) -> Result<(usize, usize, usize), String> {
    let t = gen_trace(seed);
    verify(&t).map_err(|e| format!("generator made an invalid trace: {e}\n{t}"))?;
    let t = oracle::relabel(&t);
    let next = Cell::new(100u32);
    let new_target = || {
        next.set(next.get() + 1);
        TargetId(next.get())
    };
    let mut ctx = OptContext {
        new_target: &new_target,
        unroll: true,
        max_pending_stores: usize::MAX,
        input_bounds: &[],
        // The oracle compares exits exactly; strengthened guards fail early by design.
        strengthen_guards: false,
    };
    let out = optimize(&t, &mut ctx).map_err(|e| format!("optimizer: {e}\n{t}"))?;
    verify(&out).map_err(|e| format!("invalid output: {e}\n{out}"))?;
    if show {
        eprintln!(
            "--- input\n{}--- optimized\n{}",
            oracle::unrelabel(&t),
            oracle::unrelabel(&out)
        );
    }
    let conclusive = oracle::check(&t, &out, seed * 8..seed * 8 + 4, &[], false)
        .map_err(|e| format!("{e}\n--- input\n{t}--- optimized\n{out}"))?;
    // The native backend must accept the output and compute the same thing.
    #[cfg(feature = "cranelift")]
    if seed.is_multiple_of(4) {
        let mut world = opt_support::world::World::build(&t, seed, &[]);
        let a = oracle::run(&t, &world)?;
        world.restore();
        let mut backend = metajit::backend::cranelift::CraneliftBackend::new()
            .map_err(|e| format!("cranelift: {e}"))?;
        let b = oracle::run_on(&mut backend, &out, &world)?;
        oracle::compare(&a, &b)
            .map_err(|e| format!("cranelift: {e}\n--- input\n{t}--- optimized\n{out}"))?;
    }
    // Optimizing the output again (a peeled loop has a label in the middle) must stay correct.
    let again = optimize(&out, &mut ctx).map_err(|e| format!("re-optimizer: {e}\n{out}"))?;
    oracle::check(&t, &again, seed * 8 + 4..seed * 8 + 6, &[], false)
        .map_err(|e| format!("re-optimized: {e}\n--- input\n{t}--- twice\n{again}"))?;
    Ok((conclusive, t.ops.len(), out.ops.len()))
}

#[test]
fn random_traces_agree_after_optimization() {
    if let Ok(s) = std::env::var("OPT_RANDOM_SEED") {
        let seed: u64 = s.parse().expect("a seed");
        check_one(seed, true).unwrap();
        return;
    }
    let n: u64 = std::env::var("OPT_RANDOM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let (mut conclusive, mut before, mut after) = (0, 0, 0);
    let verbose = std::env::var_os("OPT_RANDOM_VERBOSE").is_some();
    for seed in 0..n {
        if verbose {
            eprintln!("seed {seed}");
        }
        match check_one(seed, false) {
            Ok((c, b, a)) => {
                conclusive += c;
                before += b;
                after += a;
            }
            Err(e) => panic!("seed {seed} (OPT_RANDOM_SEED={seed} replays it): {e}"),
        }
    }
    eprintln!(
        "{n} random traces, {conclusive} conclusive runs, {before} ops before, {after} after"
    );
    assert!(
        conclusive as u64 > n,
        "too few conclusive runs: {conclusive}"
    );
}
