//! Optimizer speed, in microseconds per recorded op (not a pass/fail test):
//! `cargo test --release -p metajit --no-default-features --test opt_speed -- --ignored --nocapture`.
//!
//! Measured on synthetic interpreter-like loops of growing size (frame field loads and stores,
//! arithmetic, bounds-checked array reads, guards with resume data, calls, short-lived
//! allocations; the shape of a recorded loop) and on the pipeline fixtures.

use metajit::ir::{TargetId, Trace, parse_trace};
use metajit::opt::{OptContext, optimize};
use std::cell::Cell;
use std::fmt::Write;
use std::time::Instant;

/// A loop of `n` blocks of about 25 ops each, in the text format.
fn synthetic(n: usize) -> String {
    let mut s = String::from(
        "descr F.pc = field(offset=0, int, size=8, signed)\n\
         descr F.acc = field(offset=8, int, size=8, signed)\n\
         descr F.regs = field(offset=16, ref)\n\
         descr F.rc = field(offset=24, int, size=8, signed)\n\
         descr B = size(size=32, align=8, type=7)\n\
         descr B.v = field(offset=8, int, size=8, signed)\n\
         descr regs = array(len=0, items=8, item_size=8, int, size=8, signed)\n\
         descr helper = call(args=(int), result=int, effect=writes(F.rc))\n\
         [p0, i1]\nlabel(p0, i1, descr=L0)\n",
    );
    let mut v = 2;
    let mut next = || {
        v += 1;
        v
    };
    for k in 0..n {
        let pc = next();
        let _ = writeln!(s, "i{pc} = getfield(p0, descr=F.pc)");
        let _ = writeln!(s, "debug_merge_point({k}, 1)");
        let regs = next();
        let _ = writeln!(s, "p{regs} = getfield(p0, descr=F.regs)");
        let len = next();
        let _ = writeln!(s, "i{len} = arraylen(p{regs}, descr=regs)");
        let chk = next();
        let _ = writeln!(s, "i{chk} = uint_lt({}, i{len})", k % 4);
        let _ = writeln!(s, "guard_true(i{chk}) [@0.{k}: p0, i{pc}, i1]");
        let item = next();
        let _ = writeln!(s, "i{item} = getarrayitem(p{regs}, {}, descr=regs)", k % 4);
        let acc = next();
        let _ = writeln!(s, "i{acc} = getfield(p0, descr=F.acc)");
        let sum = next();
        let _ = writeln!(s, "i{sum} = int_add_ovf(i{acc}, i{item})");
        let _ = writeln!(s, "guard_no_overflow() [@0.{k}: p0, i{acc}, i1]");
        let box_ = next();
        let _ = writeln!(s, "p{box_} = new_with_vtable(descr=B)");
        let _ = writeln!(s, "setfield(p{box_}, i{sum}, descr=B.v)");
        let unbox = next();
        let _ = writeln!(s, "i{unbox} = getfield(p{box_}, descr=B.v)");
        let _ = writeln!(s, "setfield(p0, i{unbox}, descr=F.acc)");
        let rc = next();
        let _ = writeln!(s, "i{rc} = getfield(p0, descr=F.rc)");
        let inc = next();
        let _ = writeln!(s, "i{inc} = int_add(i{rc}, 1)");
        let _ = writeln!(s, "setfield(p0, i{inc}, descr=F.rc)");
        let rc2 = next();
        let _ = writeln!(s, "i{rc2} = getfield(p0, descr=F.rc)");
        let dec = next();
        let _ = writeln!(s, "i{dec} = int_sub(i{rc2}, 1)");
        let _ = writeln!(s, "setfield(p0, i{dec}, descr=F.rc)");
        let cmp = next();
        let _ = writeln!(s, "i{cmp} = int_lt(i{unbox}, 1000000)");
        let _ = writeln!(
            s,
            "guard_true(i{cmp}) [@0.{k}: p0, v0, i1] {{v0 = new_with_vtable B(B.v=i{unbox})}}"
        );
        let npc = next();
        let _ = writeln!(s, "i{npc} = int_add(i{pc}, 1)");
        let _ = writeln!(s, "setfield(p0, i{npc}, descr=F.pc)");
        if k % 8 == 7 {
            let c = next();
            let _ = writeln!(s, "i{c} = call(i{unbox}, descr=helper)");
        }
    }
    let c = next();
    let _ = writeln!(s, "i{c} = int_sub(i1, 1)");
    let g = next();
    let _ = writeln!(s, "i{g} = int_gt(i{c}, 0)");
    let _ = writeln!(s, "guard_true(i{g}) [@0.999: p0, i{c}]");
    let _ = writeln!(s, "jump(p0, i{c}, descr=L0)");
    s
}

fn time(t: &Trace, reps: usize) -> (f64, usize) {
    let next = Cell::new(1000u32);
    let new_target = || {
        next.set(next.get() + 1);
        TargetId(next.get())
    };
    let mut out = 0;
    let start = Instant::now();
    for _ in 0..reps {
        let mut ctx = OptContext {
            new_target: &new_target,
            unroll: true,
            max_pending_stores: usize::MAX,
            input_bounds: &[],
            strengthen_guards: true,
        };
        out = optimize(t, &mut ctx).expect("optimizes").ops.len();
    }
    let us = start.elapsed().as_secs_f64() * 1e6 / reps as f64;
    (us, out)
}

#[test]
#[ignore = "a measurement: run with --ignored --nocapture in a release build"]
fn optimizer_speed() {
    eprintln!(
        "{:>28} {:>8} {:>8} {:>10} {:>8}",
        "trace", "ops in", "ops out", "us", "us/op"
    );
    for n in [4, 40, 400] {
        let t = parse_trace(&synthetic(n)).expect("parses");
        let reps = (20_000 / (n * 25)).max(3);
        let (us, out) = time(&t, reps);
        let name = format!("synthetic x{n}");
        eprintln!(
            "{name:>28} {:>8} {out:>8} {us:>10.1} {:>8.3}",
            t.ops.len(),
            us / t.ops.len() as f64
        );
    }
    // Per pass, on the largest synthetic loop.
    let mut t = parse_trace(&synthetic(400)).expect("parses");
    let next = Cell::new(1000u32);
    let new_target = || {
        next.set(next.get() + 1);
        TargetId(next.get())
    };
    for (name, pass) in metajit::opt::PIPELINE {
        let mut ctx = OptContext {
            new_target: &new_target,
            unroll: true,
            max_pending_stores: usize::MAX,
            input_bounds: &[],
            strengthen_guards: true,
        };
        let n = t.ops.len();
        let start = Instant::now();
        t = pass(&t, &mut ctx).expect("pass");
        let us = start.elapsed().as_secs_f64() * 1e6;
        eprintln!(
            "{name:>28} {n:>8} {:>8} {us:>10.1} {:>8.3}",
            t.ops.len(),
            us / n as f64
        );
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/opt/pipeline");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures")
        .flatten()
        .collect();
    files.sort_by_key(|e| e.path());
    for e in files {
        let text = std::fs::read_to_string(e.path()).expect("reads");
        let input = text.split("==== expected").next().unwrap_or("");
        let t = parse_trace(input).expect("parses");
        let (us, out) = time(&t, 2000);
        eprintln!(
            "{:>28} {:>8} {out:>8} {us:>10.1} {:>8.3}",
            e.file_name().to_string_lossy(),
            t.ops.len(),
            us / t.ops.len() as f64
        );
    }
}
