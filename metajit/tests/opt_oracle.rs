//! The oracle itself under test: it must accept a correct rewrite and reject each kind of
//! wrong one (so that fixture and random tests that pass mean something).

mod opt_support;

use metajit::ir::parse_trace_with;
use opt_support::{funcs, oracle};

const DESCRS: &str = "\
descr S.a = field(offset=8, int, size=8, signed)
descr S.b = field(offset=16, int, size=8, signed)
descr S.r = field(offset=24, ref)
descr S = size(size=32, align=8, type=5)
descr log1 = call(args=(int), result=int, effect=any)
";

fn check(input: &str, output: &str) -> Result<usize, String> {
    let parse = |s: &str| {
        let t = parse_trace_with(&format!("{DESCRS}{s}"), &funcs::lookup).unwrap();
        metajit::ir::verify(&t).unwrap();
        oracle::relabel(&t)
    };
    oracle::check(&parse(input), &parse(output), 0..24, &[], false)
}

fn detects(input: &str, wrong: &str) {
    assert!(
        check(input, input).unwrap() > 0,
        "the input agrees with itself"
    );
    let e = check(input, wrong).expect_err("the oracle must reject this rewrite");
    eprintln!("rejected as expected: {}", e.lines().next().unwrap_or(""));
}

#[test]
fn rejects_a_different_result() {
    detects(
        "[i0]\ni1 = int_add(i0, 1)\nfinish(i1)\n",
        "[i0]\ni1 = int_add(i0, 2)\nfinish(i1)\n",
    );
}

#[test]
fn rejects_a_missing_guard() {
    detects(
        "[i0]\ni1 = int_lt(i0, 5)\nguard_true(i1) [i0]\nfinish(i0)\n",
        "[i0]\nfinish(i0)\n",
    );
}

#[test]
fn rejects_a_different_resume_state() {
    detects(
        "[i0, i1]\ni2 = int_lt(i0, 5)\nguard_true(i2) [i0, i1]\nfinish(i0)\n",
        "[i0, i1]\ni2 = int_lt(i0, 5)\nguard_true(i2) [i0, i0]\nfinish(i0)\n",
    );
}

#[test]
fn rejects_a_lost_store() {
    detects(
        "[p0, i1]\nsetfield(p0, i1, descr=S.a)\nfinish()\n",
        "[p0, i1]\nfinish()\n",
    );
}

#[test]
fn rejects_reordered_calls() {
    detects(
        "[i0]\ni1 = call(1, descr=log1)\ni2 = call(i0, descr=log1)\nfinish()\n",
        "[i0]\ni2 = call(i0, descr=log1)\ni1 = call(1, descr=log1)\nfinish()\n",
    );
}

#[test]
fn rejects_a_store_delayed_past_a_guard_without_resume_data() {
    let input = "[p0, i1, i2]\nsetfield(p0, i1, descr=S.a)\nguard_true(i2) [p0]\nfinish()\n";
    detects(
        input,
        "[p0, i1, i2]\nguard_true(i2) [p0]\nsetfield(p0, i1, descr=S.a)\nfinish()\n",
    );
    // The same delay with the store in the guard's resume data is correct.
    check(
        input,
        "[p0, i1, i2]\nguard_true(i2) [p0] {store S.a(p0) = i1}\nsetfield(p0, i1, descr=S.a)\nfinish()\n",
    )
    .unwrap();
}

#[test]
fn compares_virtual_objects_by_content() {
    let input = "[i0, i1]\np2 = new(descr=S)\nsetfield(p2, i0, descr=S.a)\nguard_true(i1) [p2]\nfinish(p2)\n";
    check(
        input,
        "[i0, i1]\nguard_true(i1) [v0] {v0 = new S(S.a=i0)}\np2 = new(descr=S)\nsetfield(p2, i0, descr=S.a)\nfinish(p2)\n",
    )
    .unwrap();
    detects(
        input,
        "[i0, i1]\nguard_true(i1) [v0] {v0 = new S(S.b=i0)}\np2 = new(descr=S)\nsetfield(p2, i0, descr=S.a)\nfinish(p2)\n",
    );
    detects(
        input,
        "[i0, i1]\nguard_true(i1) [v0] {v0 = new S(S.a=i0)}\np2 = new(descr=S)\nsetfield(p2, i1, descr=S.a)\nfinish(p2)\n",
    );
}

#[test]
fn rejects_aliasing_mistakes() {
    // p0 and p1 are sometimes the same object: forwarding the first store across the second
    // is wrong then.
    detects(
        "[p0, p1, i2]\nsetfield(p0, i2, descr=S.a)\nsetfield(p1, 7, descr=S.a)\ni3 = getfield(p0, descr=S.a)\nfinish(i3)\n",
        "[p0, p1, i2]\nsetfield(p0, i2, descr=S.a)\nsetfield(p1, 7, descr=S.a)\nfinish(i2)\n",
    );
}

#[test]
fn rejects_an_endless_loop_for_a_terminating_one() {
    detects(
        "[i0]\nlabel(i0, descr=L0)\ni1 = int_sub(i0, 1)\ni2 = int_gt(i1, 0)\nguard_true(i2) [i1]\njump(i1, descr=L0)\n",
        "[i0]\nlabel(i0, descr=L0)\ni1 = int_sub(i0, 1)\njump(i1, descr=L0)\n",
    );
}
