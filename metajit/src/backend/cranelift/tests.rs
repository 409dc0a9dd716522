//! Tests of what only the native backend has: W^X mappings, code freeing, the target table,
//! the perf map. The behaviour shared with the reference backend is tested by
//! `tests/backend_suite.rs`.

use super::*;
use crate::backend::Regions;
use crate::ir::parse_trace;

/// Serializes these tests: one of them inspects the process's mappings, which the others change.
fn lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn compile(b: &mut CraneliftBackend, text: &str, first_guard: u32) -> (CodeId, Vec<GuardId>) {
    let t = parse_trace(text).unwrap();
    crate::ir::verify(&t).unwrap();
    let n = t.ops.iter().filter(|o| o.opcode.is_guard()).count() as u32;
    let guards: Vec<GuardId> = (first_guard..first_guard + n).map(GuardId).collect();
    let code = b
        .compile_loop(
            &t,
            &CompileInfo {
                guard_ids: &guards,
                name: "unit test",
            },
        )
        .unwrap();
    (code, guards)
}

fn run(b: &CraneliftBackend, code: CodeId, inputs: &[i64]) -> (Exit, Vec<i64>) {
    let mut out = Vec::new();
    // SAFETY: the traces of these tests touch no memory.
    let exit = unsafe { b.execute(code, inputs, &mut out) };
    (exit, out)
}

/// The permission string (`r-xp`) of the mapping holding `addr`, if any.
fn mapping_of(addr: usize) -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines().find_map(|l| {
        let (range, rest) = l.split_once(' ')?;
        let (lo, hi) = range.split_once('-')?;
        let (lo, hi) = (
            usize::from_str_radix(lo, 16).ok()?,
            usize::from_str_radix(hi, 16).ok()?,
        );
        (lo <= addr && addr < hi).then(|| rest.split(' ').next().unwrap_or("").to_string())
    })
}

#[test]
#[cfg(target_os = "linux")]
fn code_is_never_writable_and_executable() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    let (code, g) = compile(
        &mut b,
        "[i0]\nlabel(i0, descr=L1)\ni1 = int_lt(i0, 9)\nguard_true(i1) [i0]\ni2 = int_add(i0, 1)\njump(i2, descr=L1)",
        0,
    );
    let entry = b.piece(code).unwrap().entry as usize;
    assert_eq!(mapping_of(entry).as_deref(), Some("r-xp"));
    assert_eq!(run(&b, code, &[0]), (Exit::Guard(g[0]), vec![9]));
    // No mapping of the whole process is writable and executable at once.
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    for l in maps.lines() {
        let perms = l.split(' ').nth(1).unwrap_or("");
        assert!(
            !(perms.contains('w') && perms.contains('x')),
            "W+X mapping: {l}"
        );
    }
    assert!(b.code_size(code) > 16);
    let high = b.arena.high_water();
    b.free(code);
    assert_eq!(b.code_size(code), 0);
    assert!(b.arena.high_water() < high);
    // The freed block is reused: the same trace compiled again lands at the same address,
    // and the arena grows no further.
    let (again, g) = compile(
        &mut b,
        "[i0]\nlabel(i0, descr=L1)\ni1 = int_lt(i0, 9)\nguard_true(i1) [i0]\ni2 = int_add(i0, 1)\njump(i2, descr=L1)",
        1,
    );
    assert_eq!(b.piece(again).unwrap().entry as usize, entry);
    assert_eq!(b.arena.high_water(), high);
    assert_eq!(run(&b, again, &[3]), (Exit::Guard(g[0]), vec![9]));
}

#[test]
#[cfg(target_os = "linux")]
fn pieces_share_pages_and_freed_pages_become_inaccessible() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    let loop_text = |l: u32| {
        format!(
            "[i0]\nlabel(i0, descr=L{l})\ni1 = int_lt(i0, 9)\nguard_true(i1) [i0]\ni2 = int_add(i0, 1)\njump(i2, descr=L{l})"
        )
    };
    let (a, _) = compile(&mut b, &loop_text(1), 0);
    let (c, _) = compile(&mut b, &loop_text(2), 1);
    let (ea, ec) = (
        b.piece(a).unwrap().entry as usize,
        b.piece(c).unwrap().entry as usize,
    );
    // Packed: the second piece follows the first within a page.
    assert!(ec > ea && ec - ea < 4096, "{ea:#x} {ec:#x}");
    // Enough pieces to fill several pages, then all freed: their pages lose all access.
    let many: Vec<CodeId> = (10..200)
        .map(|l| compile(&mut b, &loop_text(l), l).0)
        .collect();
    let last = b.piece(*many.last().unwrap()).unwrap().entry as usize;
    assert_eq!(mapping_of(last).as_deref(), Some("r-xp"));
    for code in many {
        b.free(code);
    }
    assert_eq!(mapping_of(last).as_deref(), Some("---p"));
    // Live code is untouched.
    assert_eq!(mapping_of(ec).as_deref(), Some("r-xp"));
    assert_eq!(run(&b, c, &[0]).1, vec![9]);
}

#[test]
fn cross_piece_jumps_need_entry_labels() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    compile(
        &mut b,
        "[i0, i1]\ni2 = int_add(i0, i1)\nlabel(i2, i1, descr=L5)\ni3 = int_sub(i2, i1)\njump(i3, i1, descr=L5)",
        0,
    );
    let t = parse_trace("[i0, i1]\njump(i0, i1, descr=L5)").unwrap();
    let err = b
        .compile_loop(
            &t,
            &CompileInfo {
                guard_ids: &[],
                name: "bad",
            },
        )
        .unwrap_err();
    assert!(
        matches!(&err, BackendError::Unsupported(m) if m.contains("entry label")),
        "{err}"
    );
    // Kinds must match the entry label's.
    compile(
        &mut b,
        "[i0]\nlabel(i0, descr=L6)\ni1 = int_lt(i0, 3)\nguard_true(i1) [i0]\ni2 = int_add(i0, 1)\njump(i2, descr=L6)",
        10,
    );
    let t = parse_trace("[f0]\njump(f0, descr=L6)").unwrap();
    let err = b
        .compile_loop(
            &t,
            &CompileInfo {
                guard_ids: &[],
                name: "bad",
            },
        )
        .unwrap_err();
    assert!(matches!(err, BackendError::Codegen(_)), "{err}");
}

#[test]
fn recompiling_a_loop_retargets_jumps_to_it() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    let (old, _) = compile(
        &mut b,
        "[i0]\nlabel(i0, descr=L9)\ni1 = int_add(i0, 1)\nfinish(i1)",
        0,
    );
    let (entry, _) = compile(&mut b, "[i0]\njump(i0, descr=L9)", 10);
    assert_eq!(run(&b, entry, &[5]), (Exit::Finish, vec![6]));
    // A new version of the loop under the same label: the jump now lands there.
    let (new, _) = compile(
        &mut b,
        "[i0]\nlabel(i0, descr=L9)\ni1 = int_add(i0, 100)\nfinish(i1)",
        20,
    );
    assert_eq!(run(&b, entry, &[5]), (Exit::Finish, vec![105]));
    // Freeing the replaced version does not disturb the table.
    b.free(old);
    assert_eq!(run(&b, entry, &[5]), (Exit::Finish, vec![105]));
    // Redefining with different kinds while jumped to is refused.
    let t = parse_trace("[f0]\nlabel(f0, descr=L9)\nfinish(f0)").unwrap();
    let info = CompileInfo {
        guard_ids: &[],
        name: "bad",
    };
    assert!(b.compile_loop(&t, &info).is_err());
    b.free(entry);
    b.free(new);
    assert_eq!(b.targets.len(), 0);
}

#[test]
fn bridge_inputs_must_match_fail_arguments() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    let (_, g) = compile(&mut b, "[i0, f1]\nguard_true(i0) [f1, i0]\nfinish(i0)", 0);
    let t = parse_trace("[i0, f1]\nfinish(i0)").unwrap();
    let info = CompileInfo {
        guard_ids: &[],
        name: "bridge",
    };
    assert!(matches!(
        b.compile_bridge(g[0], &t, &info),
        Err(BackendError::Codegen(_))
    ));
    let t = parse_trace("[f0, i1]\nfinish(i1, f0)").unwrap();
    b.compile_bridge(g[0], &t, &info).unwrap();
}

#[test]
fn guard_ids_are_unique_among_live_pieces() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    let (code, _) = compile(&mut b, "[i0]\nguard_true(i0) [i0]\nfinish(i0)", 3);
    let t = parse_trace("[i0]\nguard_false(i0) [i0]\nfinish(i0)").unwrap();
    let info = CompileInfo {
        guard_ids: &[GuardId(3)],
        name: "dup",
    };
    assert!(b.compile_loop(&t, &info).is_err());
    b.free(code);
    b.compile_loop(&t, &info).unwrap();
}

#[test]
fn tables_do_not_grow_over_compile_free_cycles() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    let (target, _) = compile(&mut b, "[i0]\nlabel(i0, descr=L3)\nfinish(i0)", 0);
    for k in 0..50 {
        let (code, g) = compile(
            &mut b,
            &format!(
                "[i0]\nlabel(i0, descr=L{})\nguard_true(i0) [i0]\njump(i0, descr=L3)",
                100 + k
            ),
            1 + k,
        );
        let t = parse_trace("[i0]\njump(i0, descr=L3)").unwrap();
        b.compile_bridge(
            g[0],
            &t,
            &CompileInfo {
                guard_ids: &[],
                name: "bridge",
            },
        )
        .unwrap();
        assert_eq!(run(&b, code, &[0]), (Exit::Finish, vec![0]));
        b.free(code);
    }
    assert_eq!(b.targets.len(), 1);
    assert_eq!(b.guards.len(), 0);
    assert!(b.pieces.iter().filter(|p| p.is_some()).count() == 1);
    b.free(target);
    assert_eq!(b.targets.len(), 0);
}

#[test]
#[cfg(target_os = "linux")]
fn perf_map_names_pieces() {
    let _guard = lock();
    let mut b = CraneliftBackend::with_options(CraneliftOptions {
        perf_map: true,
        ..CraneliftOptions::default()
    })
    .unwrap();
    let t = parse_trace("[i0]\nfinish(i0)").unwrap();
    let code = b
        .compile_loop(
            &t,
            &CompileInfo {
                guard_ids: &[],
                name: "perf map probe 4711",
            },
        )
        .unwrap();
    let entry = b.piece(code).unwrap().entry as usize;
    let map = std::fs::read_to_string(perfmap::PerfMap::path()).unwrap();
    let line = map
        .lines()
        .find(|l| l.ends_with("metajit::perf map probe 4711"))
        .expect("a line for the piece");
    assert!(line.starts_with(&format!("{entry:x} ")), "{line}");
}

#[test]
fn both_opt_levels_and_allocators_compile() {
    let _guard = lock();
    for (opt_level, regalloc) in [
        (OptLevel::None, Regalloc::SinglePass),
        (OptLevel::Speed, Regalloc::Backtracking),
        (OptLevel::Speed, Regalloc::SinglePass),
    ] {
        let mut b = CraneliftBackend::with_options(CraneliftOptions {
            opt_level,
            regalloc,
            ..CraneliftOptions::default()
        })
        .unwrap();
        let (code, g) = compile(
            &mut b,
            "[i0, i1]\nlabel(i0, i1, descr=L2)\ni2 = int_lt(i0, 100)\nguard_true(i2) [i0, i1]\ni3 = int_mul(i0, i0)\ni4 = int_add(i1, i3)\ni5 = int_add(i0, 1)\njump(i5, i4, descr=L2)",
            0,
        );
        let expect: i64 = (0..100).map(|i| i * i).sum();
        assert_eq!(
            run(&b, code, &[0, 0]),
            (Exit::Guard(g[0]), vec![100, expect])
        );
        assert_eq!(b.stats().pieces, 1);
    }
}

fn attach(
    b: &mut CraneliftBackend,
    guard: GuardId,
    text: &str,
    first_guard: u32,
) -> (CodeId, Vec<GuardId>) {
    let t = parse_trace(text).unwrap();
    crate::ir::verify(&t).unwrap();
    let n = t.ops.iter().filter(|o| o.opcode.is_guard()).count() as u32;
    let guards: Vec<GuardId> = (first_guard..first_guard + n).map(GuardId).collect();
    let code = b
        .compile_bridge(
            guard,
            &t,
            &CompileInfo {
                guard_ids: &guards,
                name: "unit test bridge",
            },
        )
        .unwrap();
    (code, guards)
}

const MERGE_LOOP: &str = "[i0, i1]
label(i0, i1, descr=L40)
i2 = int_lt(i0, 1000)
guard_true(i2) [i0, i1]
i3 = int_mod(i0, 3)
guard_true(i3) [i0, i1]
i4 = int_add(i1, 1)
i5 = int_add(i0, 1)
jump(i5, i4, descr=L40)";

/// The bridge of guard 1: when i0 % 6 == 0 its own guard fails.
const MERGE_BRIDGE: &str = "[i0, i1]
i2 = int_mod(i0, 6)
guard_true(i2) [i0, i1]
i3 = int_add(i1, 100)
i4 = int_add(i0, 1)
jump(i4, i3, descr=L40)";

#[test]
fn merged_bridges_compute_what_separate_ones_do() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    let (code, g) = compile(&mut b, MERGE_LOOP, 0);
    let (bridge, bg) = attach(&mut b, g[1], MERGE_BRIDGE, 10);
    assert_eq!(run(&b, code, &[1, 0]), (Exit::Guard(bg[0]), vec![6, 104]));
    assert_eq!(b.merge_bridges(code).unwrap(), 1);
    assert_eq!(b.region_of(code), Some(&[code, bridge][..]));
    assert_eq!(run(&b, code, &[1, 0]), (Exit::Guard(bg[0]), vec![6, 104]));
    // A bridge for the merged bridge's guard still attaches through its slot.
    attach(
        &mut b,
        bg[0],
        "[i0, i1]\ni2 = int_add(i1, 10000)\ni3 = int_add(i0, 1)\njump(i3, i2, descr=L40)",
        20,
    );
    // 1..1000: 166 multiples of 6 (+10000), 167 other multiples of 3 (+100), 666 others (+1).
    let expect = 166 * 10000 + 167 * 100 + 666;
    assert_eq!(
        run(&b, code, &[1, 0]),
        (Exit::Guard(g[0]), vec![1000, expect])
    );
    // Merging again picks up nothing new at the first level but recompiles from the original.
    assert_eq!(b.merge_bridges(code).unwrap(), 1);
    assert_eq!(
        run(&b, code, &[1, 0]),
        (Exit::Guard(g[0]), vec![1000, expect])
    );
    // Freeing the merged bridge (and with it its own bridge) restores plain exits.
    b.free(bridge);
    assert_eq!(run(&b, code, &[1, 0]), (Exit::Guard(g[1]), vec![3, 2]));
    b.free(code);
    assert_eq!(b.pieces.iter().filter(|p| p.is_some()).count(), 0);
    assert_eq!(b.targets.len(), 0);
}

#[test]
fn replacing_a_merged_bridge_unmerges() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    let (code, g) = compile(&mut b, MERGE_LOOP, 0);
    attach(
        &mut b,
        g[1],
        "[i0, i1]\ni2 = int_add(i1, 100)\ni3 = int_add(i0, 1)\njump(i3, i2, descr=L40)",
        10,
    );
    assert_eq!(b.merge_bridges(code).unwrap(), 1);
    attach(
        &mut b,
        g[1],
        "[i0, i1]\ni2 = int_add(i1, 7)\ni3 = int_add(i0, 1)\njump(i3, i2, descr=L40)",
        20,
    );
    assert_eq!(
        run(&b, code, &[1, 0]),
        (Exit::Guard(g[0]), vec![1000, 333 * 7 + 666])
    );
}

#[test]
fn merged_bridge_jumping_to_another_loop() {
    let _guard = lock();
    let mut b = CraneliftBackend::new().unwrap();
    let (other, _) = compile(
        &mut b,
        "[i0, i1]\nlabel(i0, i1, descr=L50)\ni2 = int_mul(i1, 2)\nfinish(i0, i2)",
        0,
    );
    let (code, g) = compile(&mut b, MERGE_LOOP, 1);
    attach(
        &mut b,
        g[1],
        "[i0, i1]\ni2 = int_sub(i1, 1)\njump(i0, i2, descr=L50)",
        10,
    );
    assert_eq!(run(&b, code, &[1, 0]), (Exit::Finish, vec![3, 2]));
    assert_eq!(b.merge_bridges(code).unwrap(), 1);
    assert_eq!(run(&b, code, &[1, 0]), (Exit::Finish, vec![3, 2]));
    // A bridge jumping into the merged loop from outside enters the merged code.
    let (entry, _) = compile(&mut b, "[i0]\njump(i0, 0, descr=L40)", 20);
    assert_eq!(run(&b, entry, &[4]), (Exit::Finish, vec![6, 2]));
    b.free(entry);
    b.free(code);
    b.free(other);
    assert_eq!(b.targets.len(), 0);
}
