//! Region cases of the backend suite: cycles of pieces compiled as one unit
//! (`Backend::regions`). On a backend without regions the same cases run with the pieces on
//! their own, so every expectation holds either way.

use super::{bridge, compile, run};
use metajit::backend::{Backend, CodeId, Exit, GuardId};

/// Compiles a region when the backend has them; returns whether it did.
fn region(b: &mut dyn Backend, members: &[CodeId]) -> bool {
    let Some(r) = b.regions() else {
        return false;
    };
    r.compile_region(members, "test").expect("region compiles");
    let mut got = r
        .region_of(members[0])
        .expect("members run in the region")
        .to_vec();
    got.sort();
    let mut want = members.to_vec();
    want.sort();
    assert_eq!(got, want);
    true
}

fn in_region(b: &mut dyn Backend, code: CodeId) -> bool {
    b.regions().and_then(|r| r.region_of(code)).is_some()
}

const L1: &str = "[i0, i1]
label(i0, i1, descr=L101)
i2 = int_gt(i0, 0)
guard_true(i2) [i0, i1]
i3 = int_and(i0, 3)
guard_true(i3) [i0, i1]
i4 = int_add(i1, 1)
i5 = int_sub(i0, 1)
jump(i5, i4, descr=L101)";

const L2: &str = "[i0, i1]
label(i0, i1, descr=L102)
i2 = int_gt(i0, 0)
guard_true(i2) [i0, i1]
i3 = int_and(i0, 1)
guard_true(i3) [i0, i1]
i4 = int_add(i1, 10)
i5 = int_sub(i0, 1)
jump(i5, i4, descr=L102)";

const L3: &str = "[i0, i1]
label(i0, i1, descr=L103)
i2 = int_gt(i0, 0)
guard_true(i2) [i0, i1]
i3 = int_mod(i0, 3)
guard_true(i3) [i0, i1]
i4 = int_add(i1, 100)
i5 = int_sub(i0, 1)
jump(i5, i4, descr=L103)";

/// B1, on L1's second guard: to L2, unless the accumulator grew too big (its own guard).
const B1: &str = "[i0, i1]
i2 = int_mul(i1, 3)
i3 = int_lt(i2, 1000000000)
guard_true(i3) [i0, i2]
i4 = int_sub(i0, 1)
jump(i4, i2, descr=L102)";

/// What the three loops and their bridges compute, in Rust.
#[derive(Clone, Copy)]
struct Model {
    /// B1's guard has a bridge (subtracting 999999999 and going to L2).
    b1_bridge: bool,
    /// The xor of B2 (B2 is replaced by one with another constant).
    b2_xor: i64,
    /// L3's second guard has B3.
    b3: bool,
}

impl Model {
    fn run(self, mut at: usize, mut n: i64, mut acc: i64) -> (Exit, Vec<i64>) {
        let exit = |g: u32, n, acc| (Exit::Guard(GuardId(g)), vec![n, acc]);
        loop {
            if n <= 0 {
                return exit([0, 10, 20][at], n, acc);
            }
            match at {
                0 if n & 3 == 0 => {
                    acc = acc.wrapping_mul(3);
                    if acc >= 1_000_000_000 {
                        if !self.b1_bridge {
                            return exit(30, n, acc);
                        }
                        acc -= 999_999_999;
                    }
                    (at, n) = (1, n - 1);
                }
                1 if n & 1 == 0 => (at, n, acc) = (2, n - 1, acc ^ self.b2_xor),
                2 if n % 3 == 0 => {
                    if !self.b3 {
                        return exit(21, n, acc);
                    }
                    (at, n, acc) = (0, n - 1, acc + 7);
                }
                _ => {
                    acc += [1, 10, 100][at];
                    n -= 1;
                }
            }
        }
    }
}

fn check(b: &dyn Backend, loops: [CodeId; 3], model: Model) {
    for (at, &code) in loops.iter().enumerate() {
        for n in [0, 1, 5, 37, 1000, 100_000] {
            for acc in [1, 12345] {
                assert_eq!(
                    run(b, code, &[n, acc]),
                    model.run(at, n, acc),
                    "entering loop {} with n={n} acc={acc}",
                    at + 1
                );
            }
        }
    }
}

pub fn region_of_three_loops(b: &mut dyn Backend) {
    let (l1, _, g1) = compile(b, L1, 0);
    let (l2, _, g2) = compile(b, L2, 10);
    let (l3, _, g3) = compile(b, L3, 20);
    let (b1, gb1) = bridge(b, g1[1], B1, 30);
    let (b2, _) = bridge(
        b,
        g2[1],
        "[i0, i1]\ni2 = int_xor(i1, 5)\ni3 = int_sub(i0, 1)\njump(i3, i2, descr=L103)",
        40,
    );
    let (b3, _) = bridge(
        b,
        g3[1],
        "[i0, i1]\ni2 = int_add(i1, 7)\ni3 = int_sub(i0, 1)\njump(i3, i2, descr=L101)",
        50,
    );
    let mut model = Model {
        b1_bridge: false,
        b2_xor: 5,
        b3: true,
    };
    check(b, [l1, l2, l3], model);
    let members = [l1, b1, l2, b2, l3, b3];
    let regions = region(b, &members);
    check(b, [l1, l2, l3], model);

    // A bridge attached later to a member's guard that had none is reached from the region.
    let (b1b, _) = bridge(
        b,
        gb1[0],
        "[i0, i1]\ni2 = int_sub(i1, 999999999)\ni3 = int_sub(i0, 1)\njump(i3, i2, descr=L102)",
        60,
    );
    model.b1_bridge = true;
    assert_eq!(in_region(b, l1), regions);
    check(b, [l1, l2, l3], model);

    // Replacing a member bridge dissolves the region; compiling it again takes the new one
    // (and the bridge of a member bridge).
    let (b2b, _) = bridge(
        b,
        g2[1],
        "[i0, i1]\ni2 = int_xor(i1, 9)\ni3 = int_sub(i0, 1)\njump(i3, i2, descr=L103)",
        70,
    );
    model.b2_xor = 9;
    assert!(!in_region(b, l1));
    check(b, [l1, l2, l3], model);
    region(b, &[l3, b3, l1, b1, b1b, l2, b2b]);
    check(b, [l1, l2, l3], model);

    // Freeing a member dissolves the region: L3's guard exits again.
    b.free(b3);
    model.b3 = false;
    assert!(!in_region(b, l1));
    check(b, [l1, l2, l3], model);
    region(b, &[l1, b1, b1b, l2, b2b]);
    check(b, [l1, l2, l3], model);
    b.free(b2);
    for code in [l1, l2, l3] {
        b.free(code);
    }
}

/// Two loops of nine inputs (six ints, three floats: more than travel in registers) whose odd
/// iterations leave through a guard with many live values into a bridge to the other loop.
fn wide_loop(label: u32, other: u32, k: i64) -> (String, String) {
    let lp = format!(
        "[i0, i1, i2, i3, i4, i5, f6, f7, f8]
label(i0, i1, i2, i3, i4, i5, f6, f7, f8, descr=L{label})
i9 = int_gt(i0, 0)
guard_true(i9) [i0, i1, i2, i3, i4, i5, f6, f7, f8]
i10 = int_add(i1, i2)
i11 = int_mul(i3, {k})
f12 = float_add(f6, f7)
i13 = int_xor(i4, i5)
f14 = float_mul(f8, 0.5)
i15 = int_and(i0, 1)
guard_false(i15) [i0, i1, i2, i3, i4, i5, f6, f7, f8, i10, i11, f12, i13, f14, i15]
i16 = int_sub(i0, 1)
i17 = int_and(i10, 65535)
i18 = int_and(i11, 65535)
f19 = float_add(f14, 1.0)
jump(i16, i17, i18, i13, i2, i3, f12, f19, f7, descr=L{label})"
    );
    let br = format!(
        "[i0, i1, i2, i3, i4, i5, f6, f7, f8, i10, i11, f12, i13, f14, i15]
i16 = int_sub(i0, 1)
i17 = int_add(i10, i13)
i18 = int_and(i17, 65535)
i19 = int_and(i11, 255)
f20 = float_sub(f12, f14)
f21 = float_add(f8, 2.0)
i22 = int_lt(i18, 65000)
guard_true(i22) [i16, i18, i19, f20, f21, i15]
jump(i16, i18, i19, i5, i4, i15, f20, f21, f6, descr=L{other})"
    );
    (lp, br)
}

pub fn region_with_many_live_values(b: &mut dyn Backend) {
    let (la, lb) = (wide_loop(201, 202, 3), wide_loop(202, 201, 5));
    let (a, _, ga) = compile(b, &la.0, 0);
    let (bb, _, gb) = compile(b, &lb.0, 10);
    let (ba, _) = bridge(b, ga[1], &la.1, 20);
    let (bbr, _) = bridge(b, gb[1], &lb.1, 30);
    let inputs = |n: i64| {
        vec![
            n,
            7,
            11,
            13,
            17,
            19,
            1.5f64.to_bits() as i64,
            (-2.25f64).to_bits() as i64,
            0.125f64.to_bits() as i64,
        ]
    };
    let expect: Vec<_> = [a, bb]
        .iter()
        .flat_map(|&c| [0, 1, 2, 9, 40, 1001].map(|n| run(b, c, &inputs(n))))
        .collect();
    region(b, &[a, ba, bb, bbr]);
    let got: Vec<_> = [a, bb]
        .iter()
        .flat_map(|&c| [0, 1, 2, 9, 40, 1001].map(|n| run(b, c, &inputs(n))))
        .collect();
    assert_eq!(got, expect);
    // A region of one loop and its bridge (entered without a selector).
    region(b, &[a, ba]);
    assert!(!in_region(b, bb));
    let got: Vec<_> = [a, bb]
        .iter()
        .flat_map(|&c| [0, 1, 2, 9, 40, 1001].map(|n| run(b, c, &inputs(n))))
        .collect();
    assert_eq!(got, expect);
    b.free(a);
    b.free(bb);
}

pub fn region_errors(b: &mut dyn Backend) {
    let (l1, _, g1) = compile(b, L1, 0);
    let (l2, _, _) = compile(b, L2, 10);
    let (b1, _) = bridge(b, g1[1], B1, 30);
    let Some(r) = b.regions() else {
        return;
    };
    // A bridge whose guard's piece is not a member, a member listed twice, no loop.
    assert!(r.compile_region(&[l2, b1], "t").is_err());
    assert!(r.compile_region(&[l1, l1], "t").is_err());
    assert!(r.compile_region(&[b1], "t").is_err());
    assert!(r.region_of(l1).is_none());
    // The pieces still run on their own: L1, B1, then L2 leaves through its second guard.
    assert_eq!(run(b, l1, &[4, 1]), (Exit::Guard(GuardId(11)), vec![2, 13]));
    b.free(l1);
    b.free(l2);
}
