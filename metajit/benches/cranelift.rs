//! Measurements of the Cranelift backend for the book (`book/src/metajit/backend-cranelift.md`).
//!
//! Run with `cargo bench -p metajit --bench cranelift` (release build). Prints one line per
//! figure. Timings take the median of several repetitions; absolute numbers depend on the
//! machine, ratios much less.

use metajit::backend::cranelift::{CraneliftBackend, CraneliftOptions, OptLevel, Regalloc};
use metajit::backend::{Backend, CodeId, CompileInfo, GuardId, Regions};
use metajit::ir::{Trace, parse_trace};
use std::hint::black_box;
use std::time::Instant;

fn backend(opt_level: OptLevel, regalloc: Regalloc) -> CraneliftBackend {
    CraneliftBackend::with_options(CraneliftOptions {
        opt_level,
        regalloc,
        region_regalloc: Regalloc::Backtracking,
        verify: false,
        perf_map: false,
    })
    .expect("host is supported")
}

fn guards_of(t: &Trace, first: u32) -> Vec<GuardId> {
    let n = t.ops.iter().filter(|o| o.opcode.is_guard()).count() as u32;
    (first..first + n).map(GuardId).collect()
}

fn compile(b: &mut CraneliftBackend, t: &Trace, first: u32) -> (CodeId, Vec<GuardId>) {
    let g = guards_of(t, first);
    let code = b
        .compile_loop(
            t,
            &CompileInfo {
                guard_ids: &g,
                name: "bench",
            },
        )
        .expect("compiles");
    (code, g)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// How a synthetic trace is shaped.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// A comparison and a guard every 5 ops, each guard keeping 4 values alive (like optimized
    /// interpreter traces).
    Guarded,
    /// Arithmetic only (the cost of the ops themselves).
    Arithmetic,
}

/// A loop body of `n` ops: arithmetic on 4 rotating live values, with guards per `shape`.
fn synthetic_loop(n: usize, shape: Shape) -> Trace {
    let mut s = String::from("[i0, i1, i2, i3]\nlabel(i0, i1, i2, i3, descr=L1)\n");
    let mut live = [0usize, 1, 2, 3];
    let mut next = 4;
    let mut ops = 1;
    while ops + 1 < n {
        let k = next;
        match ops % 5 {
            4 if shape == Shape::Guarded => {
                s.push_str(&format!("i{k} = int_lt(i{}, 1000000000)\n", live[0]));
                s.push_str(&format!(
                    "guard_true(i{k}) [i{}, i{}, i{}, i{}]\n",
                    live[0], live[1], live[2], live[3]
                ));
                ops += 2;
                next += 1;
                continue;
            }
            0 => s.push_str(&format!("i{k} = int_add(i{}, i{})\n", live[0], live[1])),
            1 => s.push_str(&format!("i{k} = int_mul(i{}, 3)\n", live[1])),
            2 => s.push_str(&format!("i{k} = int_xor(i{}, i{})\n", live[2], live[3])),
            3 => s.push_str(&format!("i{k} = int_sub(i{}, 1)\n", live[3])),
            _ => s.push_str(&format!("i{k} = int_and(i{}, 255)\n", live[0])),
        }
        live.rotate_left(1);
        live[3] = k;
        next += 1;
        ops += 1;
    }
    s.push_str(&format!(
        "jump(i{}, i{}, i{}, i{}, descr=L1)\n",
        live[0], live[1], live[2], live[3]
    ));
    parse_trace(&s).expect("synthetic trace parses")
}

fn compile_costs() {
    println!("## compile cost (minimum of repetitions, verifier off)");
    let configs = [
        (
            "opt=none  regalloc=backtracking guarded",
            OptLevel::None,
            Regalloc::Backtracking,
            Shape::Guarded,
        ),
        (
            "opt=none  regalloc=single_pass  guarded",
            OptLevel::None,
            Regalloc::SinglePass,
            Shape::Guarded,
        ),
        (
            "opt=speed regalloc=backtracking guarded",
            OptLevel::Speed,
            Regalloc::Backtracking,
            Shape::Guarded,
        ),
        (
            "opt=none  regalloc=backtracking arith  ",
            OptLevel::None,
            Regalloc::Backtracking,
            Shape::Arithmetic,
        ),
        (
            "opt=speed regalloc=backtracking arith  ",
            OptLevel::Speed,
            Regalloc::Backtracking,
            Shape::Arithmetic,
        ),
    ];
    for (label, opt, ra, shape) in configs {
        let mut points = Vec::new();
        let mut b = backend(opt, ra);
        let empty = parse_trace("[i0]\nfinish(i0)").unwrap();
        let floor = (0..100)
            .map(|_| {
                let start = Instant::now();
                let (code, _) = compile(&mut b, &empty, 0);
                let us = start.elapsed().as_secs_f64() * 1e6;
                b.free(code);
                us
            })
            .fold(f64::INFINITY, f64::min);
        println!("{label}  empty trace `finish(i0)`: {floor:.1} us");
        for n in [10usize, 50, 200, 1000] {
            let t = synthetic_loop(n, shape);
            let real = t.num_real_ops();
            let reps = if n >= 1000 { 30 } else { 100 };
            let mut times = Vec::new();
            let mut size = 0;
            for r in 0..reps {
                let start = Instant::now();
                let (code, _) = compile(&mut b, &t, 0);
                times.push(start.elapsed().as_secs_f64() * 1e6);
                size = b.code_size(code);
                b.free(code);
                black_box(r);
            }
            // The minimum: compile time is deterministic work, what varies is interference.
            let us = times.iter().copied().fold(f64::INFINITY, f64::min);
            println!(
                "{label}  ops={real:5}  {us:9.1} us/trace  {:6.2} us/op  code {size:6} B ({:.1} B/op)",
                us / real as f64,
                size as f64 / real as f64
            );
            points.push((real as f64, us));
        }
        // Least squares: time = per_function + per_op * ops.
        let n = points.len() as f64;
        let (sx, sy) = points
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let (sxx, sxy) = points
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x * x, b + x * y));
        let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        let intercept = (sy - slope * sx) / n;
        println!("{label}  fit: {intercept:.1} us per function + {slope:.2} us per op");
    }
}

fn run_many(b: &CraneliftBackend, code: CodeId, inputs: &[i64], iters: u64) -> f64 {
    let mut out = Vec::new();
    let mut samples = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        for _ in 0..iters {
            // SAFETY: the benchmark traces touch no memory.
            black_box(unsafe { b.execute(code, black_box(inputs), &mut out) });
        }
        samples.push(start.elapsed().as_secs_f64() * 1e9 / iters as f64);
    }
    median(samples)
}

fn entry_and_exit_costs() {
    println!("## execute entry and guard exits (ns per execute)");
    let mut b = backend(OptLevel::Speed, Regalloc::Backtracking);
    let (finish, _) = compile(&mut b, &parse_trace("[i0]\nfinish(i0)").unwrap(), 0);
    let fin = run_many(&b, finish, &[1], 5_000_000);
    println!("execute of `finish(i0)` (entry + exit + out vector)  {fin:6.1} ns");
    let (g1, _) = compile(
        &mut b,
        &parse_trace("[i0]\nguard_true(i0) [i0]\nfinish(i0)").unwrap(),
        10,
    );
    let pass = run_many(&b, g1, &[1], 5_000_000);
    let fail = run_many(&b, g1, &[0], 5_000_000);
    println!("guard passes then finish                            {pass:6.1} ns");
    println!("guard fails, no bridge (1 fail arg)                 {fail:6.1} ns");
    let t = parse_trace(
        "[i0, i1, i2, i3, i4, i5, i6, i7, i8, i9]
guard_true(i0) [i0, i1, i2, i3, i4, i5, i6, i7, i8, i9]
finish(i0)",
    )
    .unwrap();
    let (g10, _) = compile(&mut b, &t, 20);
    let inputs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    let fail10 = run_many(&b, g10, &inputs, 5_000_000);
    println!("guard fails, no bridge (10 fail args)               {fail10:6.1} ns");
}

fn crossing_costs() {
    println!("## loop -> bridge -> loop crossings (ns per loop iteration)");
    let n: i64 = 20_000_000;
    for (label, opt) in [
        ("opt=none ", OptLevel::None),
        ("opt=speed", OptLevel::Speed),
    ] {
        let mut b = backend(opt, Regalloc::Backtracking);
        // Same work per iteration; `mask` decides whether the guard fails (every iteration
        // with mask=1 and odd counters... here: the guard tests bit 0 of i2, which flips).
        let text = |tid: u32, cond: &str| {
            format!(
                "[i0, i1, i2]
label(i0, i1, i2, descr=L{tid})
i3 = int_lt(i0, {n})
guard_true(i3) [i0, i1, i2]
i4 = {cond}
guard_false(i4) [i0, i1, i2]
i5 = int_add(i1, i0)
i6 = int_add(i0, 1)
jump(i6, i5, i2, descr=L{tid})"
            )
        };
        // Never crosses: the guard's condition is always false.
        let (inline, _) = compile(
            &mut b,
            &parse_trace(&text(10, "int_and(i2, 0)")).unwrap(),
            0,
        );
        let t_inline = run_many_once(&b, inline, &[0, 0, 1]) / n as f64;
        // Crosses every iteration: the guard always fails, its bridge does the same work and
        // jumps back to the loop's entry label (a tail call into the loop function).
        let (cross, g) = compile(
            &mut b,
            &parse_trace(&text(11, "int_and(i2, 1)")).unwrap(),
            10,
        );
        let bridge = parse_trace(
            "[i0, i1, i2]
i5 = int_add(i1, i0)
i6 = int_add(i0, 1)
jump(i6, i5, i2, descr=L11)",
        )
        .unwrap();
        b.compile_bridge(
            g[1],
            &bridge,
            &CompileInfo {
                guard_ids: &[],
                name: "bridge",
            },
        )
        .unwrap();
        let t_cross = run_many_once(&b, cross, &[0, 0, 1]) / n as f64;
        // The same loop recompiled with its bridge inlined (`merge_bridges`).
        let merge_start = Instant::now();
        assert_eq!(b.merge_bridges(cross).unwrap(), 1);
        let merge_us = merge_start.elapsed().as_secs_f64() * 1e6;
        let t_merged = run_many_once(&b, cross, &[0, 0, 1]) / n as f64;
        println!(
            "{label}  loop without crossing {t_inline:5.2} ns/iter   with a bridge crossing every iteration {t_cross:5.2} ns/iter   => {:.2} ns per crossing",
            t_cross - t_inline
        );
        println!(
            "{label}  after merge_bridges ({merge_us:.0} us to recompile): {t_merged:5.2} ns/iter"
        );
    }
}

/// A cycle of three short loops, like a Brainfuck program's inner loops: each runs `k`
/// iterations, leaves through its exit guard into a bridge that does a little of the outer
/// loop's work and jumps to the next loop's entry. `extra` more values stay live around the
/// cycle (beyond three, they travel in memory between pieces).
fn cycle_costs() {
    println!("## a cycle of three short loops (ns per loop entry)");
    let n: i64 = 3_000_000;
    for extra in [0usize, 6] {
        let mut b = backend(OptLevel::None, Regalloc::Backtracking);
        let vals: String = (0..extra).map(|k| format!(", i{}", 3 + k)).collect();
        let loop_text = |tid: u32| {
            format!(
                "[i0, i1, i2{vals}]
label(i0, i1, i2{vals}, descr=L{tid})
i100 = int_and(i1, 3)
guard_true(i100) [i0, i1, i2{vals}]
i101 = int_add(i1, 1)
i102 = int_add(i2, i1)
jump(i0, i101, i102{vals}, descr=L{tid})"
            )
        };
        let bridge_text = |next: u32| {
            let bumped: String = (0..extra).map(|k| format!(", i{}", 200 + k)).collect();
            let adds: String = (0..extra)
                .map(|k| format!("i{} = int_add(i{}, 1)\n", 200 + k, 3 + k))
                .collect();
            format!(
                "[i0, i1, i2{vals}]
i100 = int_gt(i0, 0)
guard_true(i100) [i0, i1, i2{vals}]
i101 = int_sub(i0, 1)
i102 = int_add(i1, 1)
{adds}jump(i101, i102, i2{bumped}, descr=L{next})"
            )
        };
        let mut loops = Vec::new();
        let mut members = Vec::new();
        for (k, tid) in [20u32, 21, 22].into_iter().enumerate() {
            let (code, g) = compile(
                &mut b,
                &parse_trace(&loop_text(tid)).unwrap(),
                100 * k as u32,
            );
            loops.push((code, g));
        }
        for (k, next) in [21u32, 22, 20].into_iter().enumerate() {
            let t = parse_trace(&bridge_text(next)).unwrap();
            let g = guards_of(&t, 1000 + 100 * k as u32);
            let code = b
                .compile_bridge(
                    loops[k].1[0],
                    &t,
                    &CompileInfo {
                        guard_ids: &g,
                        name: "bridge",
                    },
                )
                .unwrap();
            members.push(loops[k].0);
            members.push(code);
        }
        let mut inputs = vec![n, 1, 0];
        inputs.extend((0..extra).map(|k| k as i64));
        // Each entry runs 3 iterations (from i1 = 1 mod 4 up to 0 mod 4) then crosses twice.
        let t_pieces = run_many_once(&b, loops[0].0, &inputs) / n as f64;
        let start = Instant::now();
        b.compile_region(&members, "bench").unwrap();
        let us = start.elapsed().as_secs_f64() * 1e6;
        let t_region = run_many_once(&b, loops[0].0, &inputs) / n as f64;
        println!(
            "{} live values: separate pieces {t_pieces:5.2} ns/entry   one region {t_region:5.2} ns/entry ({us:.0} us to compile)",
            3 + extra
        );
    }
}

fn run_many_once(b: &CraneliftBackend, code: CodeId, inputs: &[i64]) -> f64 {
    let mut out = Vec::new();
    let mut samples = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        // SAFETY: the benchmark traces touch no memory.
        black_box(unsafe { b.execute(code, inputs, &mut out) });
        samples.push(start.elapsed().as_secs_f64() * 1e9);
    }
    median(samples)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    // `cargo bench -p metajit --bench cranelift -- compile` runs one section.
    let want =
        |s: &str| !args.iter().skip(1).any(|a| !a.starts_with('-')) || args.iter().any(|a| a == s);
    if want("compile") {
        compile_costs();
    }
    if want("exits") {
        entry_and_exit_costs();
    }
    if want("crossings") {
        crossing_costs();
    }
    if want("cycle") {
        cycle_costs();
    }
}
