//! The backend test suite: one set of cases, instantiated for every backend.
//!
//! Each case parses a text trace, compiles it, executes it on concrete inputs (real Rust memory
//! for the heap cases) and checks the exit and the values that come out. A new backend is tested
//! by adding one `suite!` line.

use metajit::backend::interp::InterpBackend;
use metajit::backend::{Backend, CodeId, CompileInfo, Exit, GuardId};
use metajit::ir::{Opcode, Trace, parse_trace_with};
use metajit::{JitArray, JitValue};

#[path = "backend_suite/regions.rs"]
mod regions;

/// Compiles `text` as a loop, numbering its guards from `first_guard`.
fn compile(b: &mut dyn Backend, text: &str, first_guard: u32) -> (CodeId, Trace, Vec<GuardId>) {
    let t = parse_trace_with(text, &funcs).unwrap_or_else(|e| panic!("{e}\n{text}"));
    metajit::ir::verify(&t).unwrap_or_else(|e| panic!("{e}\n{t}"));
    let guards = guard_ids(&t, first_guard);
    let code = b
        .compile_loop(
            &t,
            &CompileInfo {
                guard_ids: &guards,
                name: "test",
            },
        )
        .expect("compiles");
    (code, t, guards)
}

fn guard_ids(t: &Trace, first: u32) -> Vec<GuardId> {
    let n = t.ops.iter().filter(|o| o.opcode.is_guard()).count() as u32;
    (first..first + n).map(GuardId).collect()
}

fn run(b: &dyn Backend, code: CodeId, inputs: &[i64]) -> (Exit, Vec<i64>) {
    let mut out = Vec::new();
    // SAFETY: the traces of this suite only touch memory the test owns.
    let exit = unsafe { b.execute(code, inputs, &mut out) };
    (exit, out)
}

extern "C" fn add3(a: i64, b: i64, c: i64) -> i64 {
    a * 100 + b * 10 + c
}

extern "C" fn fmul(a: i64, b: i64) -> i64 {
    (f64::from_bits(a as u64) * f64::from_bits(b as u64)).to_bits() as i64
}

fn funcs(name: &str) -> Option<usize> {
    match name {
        "add3" => Some(add3 as *const () as usize),
        "fmul" => Some(fmul as *const () as usize),
        _ => None,
    }
}

#[repr(C)]
struct Obj {
    a: i64,
    b: u8,
    c: i32,
    d: f64,
    arr: *const u8,
}

const OBJ_DESCRS: &str = "\
descr Obj.a = field(offset=0, int, size=8, signed)
descr Obj.b = field(offset=8, int, size=1, unsigned)
descr Obj.c = field(offset=12, int, size=4, signed)
descr Obj.d = field(offset=16, float)
descr Obj.arr = field(offset=24, ref)
descr bytes = array(len=0, items=8, item_size=1, int, size=1, unsigned)
descr longs = array(len=0, items=8, item_size=8, int, size=8, signed)
descr floats = array(len=0, items=8, item_size=8, float)
descr Pair = size(size=16, align=8, type=42)
descr Pair.x = field(offset=8, int, size=8, signed)
";

pub fn arithmetic(b: &mut dyn Backend) {
    let (code, _, _) = compile(
        b,
        "[i0, i1]
i2 = int_add(i0, i1)
i3 = int_mul(i2, 3)
i4 = int_sub(i3, i0)
i5 = int_div(i4, -2)
i6 = int_mod(i4, 7)
i7 = int_shl(i1, 60)
i8 = int_shr(i7, 62)
i9 = uint_shr(i7, 62)
i10 = int_xor(i0, -1)
i11 = int_and(i10, 255)
i12 = int_or(i11, 256)
i13 = int_neg(i12)
i14 = int_invert(i13)
i15 = int_signext(i11, 1)
i16 = int_lt(i0, i1)
i17 = uint_lt(i0, i1)
i18 = int_is_zero(i16)
i19 = int_eq(i0, i0)
i20 = uint_div(i0, 3)
i21 = uint_mod(i0, 3)
finish(i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15, i16, i17, i18, i19, i20, i21)",
        0,
    );
    let (exit, out) = run(b, code, &[-7, 5]);
    assert_eq!(exit, Exit::Finish);
    let (a, c) = (-7i64, 5i64);
    let i2 = a + c;
    let i3 = i2 * 3;
    let i4 = i3 - a;
    let i7 = c.wrapping_shl(60);
    let i10 = a ^ -1;
    let i11 = i10 & 255;
    assert_eq!(
        out,
        vec![
            i2,
            i3,
            i4,
            i4 / -2,
            i4 % 7,
            i7,
            i7 >> 62,
            ((i7 as u64) >> 62) as i64,
            i10,
            i11,
            i11 | 256,
            -(i11 | 256),
            !(-(i11 | 256)),
            i11 as i8 as i64,
            1,
            0,
            0,
            1,
            ((a as u64) / 3) as i64,
            ((a as u64) % 3) as i64
        ]
    );
}

pub fn floats(b: &mut dyn Backend) {
    let (code, _, _) = compile(
        b,
        "descr fmul = call(args=(float, float), result=float, effect=elidable)
[f0, i1]
f2 = cast_int_to_float(i1)
f3 = float_add(f0, f2)
f4 = float_mul(f3, 0.5)
f5 = float_div(f4, f0)
f6 = float_sub(f5, 1.0)
f7 = float_neg(f6)
f8 = float_abs(f7)
i9 = float_lt(f0, f2)
i10 = float_eq(f0, f0)
i11 = cast_float_to_int(f4)
f12 = call_pure(f3, f3, descr=fmul)
finish(f3, f4, f5, f6, f7, f8, i9, i10, i11, f12)",
        0,
    );
    let x = 2.5f64;
    let (exit, out) = run(b, code, &[x.to_bits() as i64, 3]);
    assert_eq!(exit, Exit::Finish);
    let f3 = x + 3.0;
    let f4 = f3 * 0.5;
    let f5 = f4 / x;
    let f6 = f5 - 1.0;
    let expect = [f3, f4, f5, f6, -f6, f6.abs()];
    for (i, e) in expect.iter().enumerate() {
        assert_eq!(f64::from_bits(out[i] as u64), *e, "value {i}");
    }
    assert_eq!(&out[6..9], &[1, 1, f4 as i64]);
    assert_eq!(f64::from_bits(out[9] as u64), f3 * f3);
}

pub fn loop_with_exit_guard(b: &mut dyn Backend) {
    // Sum 0..n: the loop runs until the guard fails.
    let (code, _, guards) = compile(
        b,
        "[i0, i1, i2]
label(i0, i1, i2, descr=L100)
i3 = int_lt(i0, i1)
guard_true(i3) [i0, i2]
i4 = int_add(i2, i0)
i5 = int_add(i0, 1)
jump(i5, i1, i4, descr=L100)",
        0,
    );
    let (exit, out) = run(b, code, &[0, 1000, 0]);
    assert_eq!(exit, Exit::Guard(guards[0]));
    assert_eq!(out, vec![1000, 499500]);
}

pub fn bridges_continue_after_guards(b: &mut dyn Backend) {
    // Loop counts i up; the guard (i % 3 != 0) fails every third iteration; a bridge adds 100
    // and jumps back to the loop.
    let (code, _, guards) = compile(
        b,
        "[i0, i1]
label(i0, i1, descr=L200)
i2 = int_lt(i0, 30)
guard_true(i2) [i0, i1]
i3 = int_mod(i0, 3)
guard_true(i3) [i0, i1]
i4 = int_add(i1, 1)
i5 = int_add(i0, 1)
jump(i5, i4, descr=L200)",
        10,
    );
    let (exit, out) = run(b, code, &[1, 0]);
    assert_eq!(exit, Exit::Guard(guards[1]));
    assert_eq!(out, vec![3, 2]);
    let bridge = parse_trace_with(
        "[i0, i1]
i2 = int_add(i1, 100)
i3 = int_add(i0, 1)
jump(i3, i2, descr=L200)",
        &funcs,
    )
    .unwrap();
    b.compile_bridge(
        guards[1],
        &bridge,
        &CompileInfo {
            guard_ids: &[],
            name: "bridge",
        },
    )
    .expect("bridge compiles");
    let (exit, out) = run(b, code, &[1, 0]);
    assert_eq!(exit, Exit::Guard(guards[0]));
    // 29 iterations: 9 multiples of 3 in 3..=27 take the bridge (+100), 20 others (+1).
    assert_eq!(out, vec![30, 9 * 100 + 20]);
}

pub fn guards_of_every_kind(b: &mut dyn Backend) {
    let (code, _, g) = compile(
        b,
        "[i0, p1]
guard_value(i0, 7) [i0]
guard_nonnull(p1) [i0]
i2 = int_add_ovf(i0, 9223372036854775801)
guard_no_overflow() [i0, i2]
guard_false(i0) [i0]
finish(i2)",
        0,
    );
    let obj = 0u64;
    let p = &obj as *const u64 as i64;
    assert_eq!(run(b, code, &[6, p]), (Exit::Guard(g[0]), vec![6]));
    assert_eq!(run(b, code, &[7, 0]), (Exit::Guard(g[1]), vec![7]));
    assert_eq!(
        run(b, code, &[7, p]),
        (
            Exit::Guard(g[2]),
            vec![7, 7i64.wrapping_add(9223372036854775801)]
        )
    );
    let (code2, _, g2) = compile(
        b,
        "[i0]\ni1 = int_mul_ovf(i0, 2)\nguard_overflow() [i1]\nfinish(i1)",
        100,
    );
    assert_eq!(run(b, code2, &[3]), (Exit::Guard(g2[0]), vec![6]));
    assert_eq!(
        run(b, code2, &[i64::MAX]),
        (Exit::Finish, vec![i64::MAX.wrapping_mul(2)])
    );
}

pub fn fields_and_arrays(b: &mut dyn Backend) {
    let bytes = JitArray::new(4, 0u8);
    let longs = JitArray::new(3, 0i64);
    let mut obj = Obj {
        a: 5,
        b: 200,
        c: -3,
        d: 1.5,
        arr: bytes.as_ref().addr() as *const u8,
    };
    let text = format!(
        "{OBJ_DESCRS}[p0, p1]
i2 = getfield(p0, descr=Obj.a)
i3 = getfield(p0, descr=Obj.b)
i4 = getfield(p0, descr=Obj.c)
f5 = getfield(p0, descr=Obj.d)
p6 = getfield(p0, descr=Obj.arr)
i7 = arraylen(p6, descr=bytes)
setarrayitem(p6, 2, 511, descr=bytes)
i8 = getarrayitem(p6, 2, descr=bytes)
i9 = int_add(i3, i4)
setfield(p0, i9, descr=Obj.a)
setfield(p0, -1, descr=Obj.b)
setfield(p0, 2.25, descr=Obj.d)
setarrayitem(p1, 1, -9, descr=longs)
i10 = getarrayitem(p1, 1, descr=longs)
i11 = arraylen(p1, descr=longs)
finish(i2, i3, i4, f5, i7, i8, i10, i11)"
    );
    let (code, _, _) = compile(b, &text, 0);
    let (exit, out) = run(
        b,
        code,
        &[&mut obj as *mut Obj as i64, longs.as_ref().to_bits()],
    );
    assert_eq!(exit, Exit::Finish);
    assert_eq!(
        out,
        vec![5, 200, -3, 1.5f64.to_bits() as i64, 4, 255, -9, 3]
    );
    assert_eq!(obj.a, 197);
    assert_eq!(obj.b, 255);
    assert_eq!(obj.c, -3);
    assert_eq!(obj.d, 2.25);
    assert_eq!(bytes.as_slice(), &[0, 0, 255, 0]);
    assert_eq!(longs.as_slice(), &[0, -9, 0]);
}

pub fn calls(b: &mut dyn Backend) {
    let (code, _, _) = compile(
        b,
        "descr add3 = call(args=(int, int, int), result=int, effect=any)
[i0]
i1 = call(i0, 2, 3, descr=add3)
record_known_result(i1, i0, 2, 3, descr=add3)
cond_call(0, 1, 2, 3, descr=add3)
i2 = call_may_force(i1, i1, 1, descr=add3)
i3 = call_assembler(i0, 0, 0, descr=add3)
finish(i1, i2, i3)",
        0,
    );
    assert_eq!(
        run(b, code, &[1]),
        (Exit::Finish, vec![123, 12300 + 1230 + 1, 100])
    );
}

pub fn allocation(b: &mut dyn Backend) {
    let text = format!(
        "{OBJ_DESCRS}[i0]
p1 = new_with_vtable(descr=Pair)
setfield(p1, i0, descr=Pair.x)
i2 = getfield(p1, descr=Pair.x)
i3 = getclass(p1)
guard_class(p1, 42) [i0]
record_exact_class(p1, 42)
p4 = new_array(i0, descr=longs)
setarrayitem(p4, 0, 77, descr=longs)
i5 = arraylen(p4, descr=longs)
i6 = getarrayitem(p4, 0, descr=longs)
p7 = new(descr=Pair)
i8 = getfield(p7, descr=Pair.x)
finish(i2, i3, i5, i6, i8, p1, p4, p7)"
    );
    let (code, _, _) = compile(b, &text, 0);
    let (exit, out) = run(b, code, &[3]);
    assert_eq!(exit, Exit::Finish);
    assert_eq!(&out[..5], &[3, 42, 3, 77, 0]);
    // SAFETY: the trace allocated these with the global allocator and these layouts.
    unsafe {
        std::alloc::dealloc(
            out[5] as *mut u8,
            std::alloc::Layout::from_size_align(16, 8).unwrap(),
        );
        std::alloc::dealloc(
            out[6] as *mut u8,
            std::alloc::Layout::from_size_align(8 + 3 * 8, 8).unwrap(),
        );
        std::alloc::dealloc(
            out[7] as *mut u8,
            std::alloc::Layout::from_size_align(16, 8).unwrap(),
        );
    }
}

pub fn jump_to_another_loop(b: &mut dyn Backend) {
    // Loop A counts i0 to 10 then its guard fails; a bridge from that guard jumps to loop B,
    // which counts down to 0 and finishes.
    let (code_b, _, _) = compile(
        b,
        "[i0]
label(i0, descr=L301)
i1 = int_gt(i0, 0)
guard_true(i1) [i0]
i2 = int_sub(i0, 1)
jump(i2, descr=L301)",
        0,
    );
    let _ = code_b;
    let (code_a, _, ga) = compile(
        b,
        "[i0]
label(i0, descr=L300)
i1 = int_lt(i0, 10)
guard_true(i1) [i0]
i2 = int_add(i0, 1)
jump(i2, descr=L300)",
        1,
    );
    let bridge =
        parse_trace_with("[i0]\ni1 = int_mul(i0, 2)\njump(i1, descr=L301)", &funcs).unwrap();
    b.compile_bridge(
        ga[0],
        &bridge,
        &CompileInfo {
            guard_ids: &[],
            name: "bridge",
        },
    )
    .unwrap();
    let (exit, out) = run(b, code_a, &[0]);
    assert_eq!(exit, Exit::Guard(GuardId(0)));
    assert_eq!(out, vec![0]);
}

pub fn many_values_live_across_guards(b: &mut dyn Backend) {
    // More live values than registers: forces spilling in native backends.
    let mut text = String::from("[i0]\n");
    for i in 1..=40 {
        text.push_str(&format!("i{i} = int_add(i{}, {i})\n", i - 1));
    }
    text.push_str("i41 = int_lt(i40, 0)\nguard_true(i41) [");
    text.push_str(
        &(0..=40)
            .map(|i| format!("i{i}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    text.push_str("]\nfinish(i40)\n");
    let (code, _, g) = compile(b, &text, 0);
    let (exit, out) = run(b, code, &[1]);
    assert_eq!(exit, Exit::Guard(g[0]));
    let mut expect = vec![1i64];
    for i in 1..=40 {
        expect.push(expect[i - 1] + i as i64);
    }
    assert_eq!(out, expect);
}

pub fn freeing_code(b: &mut dyn Backend) {
    let (code, _, _) = compile(b, "[i0]\ni1 = int_add(i0, 1)\nfinish(i1)", 0);
    assert_eq!(run(b, code, &[1]), (Exit::Finish, vec![2]));
    assert!(b.code_size(code) > 0);
    b.free(code);
    assert_eq!(b.code_size(code), 0);
    let (code2, _, _) = compile(b, "[i0]\ni1 = int_add(i0, 2)\nfinish(i1)", 1);
    assert_eq!(run(b, code2, &[1]), (Exit::Finish, vec![3]));
}

fn f(x: f64) -> i64 {
    x.to_bits() as i64
}

pub fn comparisons_and_same_as(b: &mut dyn Backend) {
    let (code, _, _) = compile(
        b,
        "[i0, i1, f2, f3, p4, p5]
i6 = int_ge(i0, i1)
i7 = int_le(i0, i1)
i8 = int_ne(i0, i1)
i9 = int_gt(i0, i1)
i10 = uint_le(i0, i1)
i11 = uint_gt(i0, i1)
i12 = uint_ge(i0, i1)
i13 = int_is_true(i0)
i14 = float_le(f2, f3)
i15 = float_ne(f2, f3)
i16 = float_gt(f2, f3)
i17 = float_ge(f2, f3)
i18 = ptr_eq(p4, p5)
i19 = ptr_ne(p4, p5)
i20 = same_as(i9)
f21 = same_as(f3)
i22 = same_as(7)
f23 = same_as(1.5)
finish(i6, i7, i8, i9, i10, i11, i12, i13, i14, i15, i16, i17, i18, i19, i20, f21, i22, f23)",
        0,
    );
    let nan = f64::NAN;
    let pairs: &[(i64, i64, f64, f64, i64, i64)] = &[
        (1, 2, 1.0, 2.0, 8, 8),
        (2, 1, 2.0, 1.0, 8, 16),
        (3, 3, 3.0, 3.0, 0, 16),
        (-1, 1, nan, 1.0, 0, 0),
        (0, -5, nan, nan, 24, 8),
        (i64::MIN, i64::MAX, -0.0, 0.0, 8, 0),
    ];
    for &(x, y, fx, fy, p, q) in pairs {
        let (exit, out) = run(b, code, &[x, y, f(fx), f(fy), p, q]);
        assert_eq!(exit, Exit::Finish);
        let (ux, uy) = (x as u64, y as u64);
        let e = |c: bool| c as i64;
        assert_eq!(
            out,
            vec![
                e(x >= y),
                e(x <= y),
                e(x != y),
                e(x > y),
                e(ux <= uy),
                e(ux > uy),
                e(ux >= uy),
                e(x != 0),
                e(fx <= fy),
                e(fx != fy),
                e(fx > fy),
                e(fx >= fy),
                e(p == q),
                e(p != q),
                e(x > y),
                f(fy),
                7,
                f(1.5),
            ],
            "inputs {x} {y} {fx} {fy} {p} {q}"
        );
    }
}

pub fn division_edge_cases(b: &mut dyn Backend) {
    let (code, _, _) = compile(
        b,
        "[i0, i1]
i2 = int_div(i0, i1)
i3 = int_mod(i0, i1)
i4 = uint_div(i0, i1)
i5 = uint_mod(i0, i1)
i6 = int_div(i0, 0)
i7 = int_mod(i0, 0)
i8 = int_div(i0, -1)
i9 = int_mod(i0, -1)
i10 = uint_div(i0, 0)
i11 = uint_mod(i0, 0)
i12 = int_div(i0, 7)
i13 = int_mod(i0, -7)
i14 = uint_div(i0, 10)
i15 = uint_mod(i0, 10)
i16 = int_div(-9223372036854775808, i1)
finish(i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15, i16)",
        0,
    );
    use metajit::ir::{Opcode as O, eval_pure};
    let ops = [
        (O::IntDiv, None),
        (O::IntMod, None),
        (O::UintDiv, None),
        (O::UintMod, None),
        (O::IntDiv, Some(0)),
        (O::IntMod, Some(0)),
        (O::IntDiv, Some(-1)),
        (O::IntMod, Some(-1)),
        (O::UintDiv, Some(0)),
        (O::UintMod, Some(0)),
        (O::IntDiv, Some(7)),
        (O::IntMod, Some(-7)),
        (O::UintDiv, Some(10)),
        (O::UintMod, Some(10)),
    ];
    for x in [0, 1, -1, 7, -7, 100, -100, i64::MIN, i64::MAX] {
        for y in [0, 1, -1, 3, -3, i64::MIN, i64::MAX] {
            let (exit, out) = run(b, code, &[x, y]);
            assert_eq!(exit, Exit::Finish);
            let mut expect: Vec<i64> = ops
                .iter()
                .map(|&(op, c)| eval_pure(op, &[x, c.unwrap_or(y)]).unwrap())
                .collect();
            expect.push(eval_pure(O::IntDiv, &[i64::MIN, y]).unwrap());
            assert_eq!(out, expect, "x={x} y={y}");
        }
    }
}

pub fn shifts_casts_and_signext(b: &mut dyn Backend) {
    let (code, _, _) = compile(
        b,
        "[i0, i1, f2]
i3 = int_shl(i0, i1)
i4 = int_shr(i0, i1)
i5 = uint_shr(i0, i1)
i6 = int_shl(i0, 65)
i7 = int_signext(i0, i1)
i8 = int_signext(i0, 2)
i9 = int_signext(i0, 4)
i10 = cast_float_to_int(f2)
f11 = cast_int_to_float(i0)
i12 = convert_float_bytes_to_longlong(f2)
f13 = convert_longlong_bytes_to_float(i0)
f14 = float_add(f13, f13)
p15 = cast_int_to_ptr(i0)
i16 = cast_ptr_to_int(p15)
finish(i3, i4, i5, i6, i7, i8, i9, i10, f11, i12, f13, f14, p15, i16)",
        0,
    );
    use metajit::ir::{Opcode as O, eval_pure};
    for x in [
        0x1234_8765_fedc_ba98u64 as i64,
        -1,
        1,
        0x80,
        0x8000,
        i64::MIN,
    ] {
        for y in [0i64, 1, 2, 4, 63, 64, 65, -1, 200] {
            for fl in [
                0.0,
                -2.75,
                1e30,
                -1e30,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                9.2e18,
            ] {
                let (exit, out) = run(b, code, &[x, y, f(fl)]);
                assert_eq!(exit, Exit::Finish);
                let ev = |op, a: &[i64]| eval_pure(op, a).unwrap();
                assert_eq!(
                    out,
                    vec![
                        ev(O::IntShl, &[x, y]),
                        ev(O::IntShr, &[x, y]),
                        ev(O::UintShr, &[x, y]),
                        ev(O::IntShl, &[x, 65]),
                        ev(O::IntSignext, &[x, y]),
                        ev(O::IntSignext, &[x, 2]),
                        ev(O::IntSignext, &[x, 4]),
                        fl as i64,
                        f(x as f64),
                        f(fl),
                        x,
                        f(f64::from_bits(x as u64) + f64::from_bits(x as u64)),
                        x,
                        x,
                    ],
                    "x={x} y={y} f={fl}"
                );
            }
        }
    }
}

pub fn overflow_checked_ops(b: &mut dyn Backend) {
    let (code, _, g) = compile(
        b,
        "[i0, i1]
i2 = int_sub_ovf(i0, i1)
guard_no_overflow() [i0, i1]
i3 = int_mul_ovf(i2, i1)
guard_no_overflow() [i2, i1]
i4 = int_add_ovf(i3, i0)
guard_overflow() [i4]
finish(i4)",
        0,
    );
    assert_eq!(
        run(b, code, &[i64::MIN, 1]),
        (Exit::Guard(g[0]), vec![i64::MIN, 1])
    );
    assert_eq!(
        run(b, code, &[i64::MAX, -1]),
        (Exit::Guard(g[0]), vec![i64::MAX, -1])
    );
    assert_eq!(
        run(b, code, &[i64::MAX, 2]),
        (Exit::Guard(g[1]), vec![i64::MAX - 2, 2])
    );
    assert_eq!(run(b, code, &[10, 3]), (Exit::Guard(g[2]), vec![31]));
    let big = i64::MAX / 2 + 10;
    assert_eq!(
        run(b, code, &[big, 1]),
        (
            Exit::Finish,
            vec![(big - 1).wrapping_mul(1).wrapping_add(big)]
        )
    );
}

pub fn markers_raw_memory_and_never_failing_guards(b: &mut dyn Backend) {
    let mut words = [11i64, 22, 33, 0];
    let floats = [1.25f64, 2.5];
    let text = format!(
        "{OBJ_DESCRS}[i0, p1, i2]
debug_merge_point(0, 1)
guard_isnull(p1) [i0]
guard_no_exception() [i0]
guard_not_invalidated() [i0]
guard_not_forced() [i0]
i3 = raw_load(i0, 8)
i4 = int_add(i3, 100)
raw_store(i0, 24, i4)
f5 = raw_load(i2, 8)
raw_store(i0, 0, f5)
debug_merge_point(1, 2)
finish(i3, f5)"
    );
    let (code, _, g) = compile(b, &text, 0);
    let w = words.as_mut_ptr() as i64;
    let fp = floats.as_ptr() as i64;
    let obj = 5i64;
    assert_eq!(
        run(b, code, &[w, &obj as *const i64 as i64, fp]),
        (Exit::Guard(g[0]), vec![w])
    );
    assert_eq!(run(b, code, &[w, 0, fp]), (Exit::Finish, vec![22, f(2.5)]));
    assert_eq!(words, [f(2.5), 22, 33, 122]);
    let text = format!(
        "{OBJ_DESCRS}[p0]
quasiimmut_field(p0, descr=Obj.a)
i1 = getfield(p0, descr=Obj.a)
finish(i1)"
    );
    let (code, _, _) = compile(b, &text, 10);
    let mut obj = Obj {
        a: 77,
        b: 0,
        c: 0,
        d: 0.0,
        arr: std::ptr::null(),
    };
    assert_eq!(
        run(b, code, &[&mut obj as *mut Obj as i64]),
        (Exit::Finish, vec![77])
    );
}

#[repr(C)]
#[derive(Default, Debug, PartialEq)]
struct Small {
    a: i8,
    b: u8,
    c: i16,
    d: u16,
    e: i32,
    g: u32,
    h: i64,
}

const SMALL_DESCRS: &str = "\
descr Small.a = field(offset=0, int, size=1, signed)
descr Small.b = field(offset=1, int, size=1, unsigned)
descr Small.c = field(offset=2, int, size=2, signed)
descr Small.d = field(offset=4, int, size=2, unsigned)
descr Small.e = field(offset=8, int, size=4, signed)
descr Small.g = field(offset=12, int, size=4, unsigned)
descr Small.h = field(offset=16, int, size=8, signed)
descr shorts = array(len=0, items=8, item_size=2, int, size=2, signed)
descr uints = array(len=0, items=8, item_size=4, int, size=4, unsigned)
descr sbytes = array(len=0, items=8, item_size=1, int, size=1, signed)
";

pub fn sub_word_fields_and_items(b: &mut dyn Backend) {
    let text = format!(
        "{SMALL_DESCRS}[p0, i1, p2, p3, p4, i5]
i6 = getfield(p0, descr=Small.a)
i7 = getfield(p0, descr=Small.b)
i8 = getfield(p0, descr=Small.c)
i9 = getfield(p0, descr=Small.d)
i10 = getfield(p0, descr=Small.e)
i11 = getfield(p0, descr=Small.g)
i12 = getfield(p0, descr=Small.h)
setfield(p0, i1, descr=Small.a)
setfield(p0, i1, descr=Small.b)
setfield(p0, i1, descr=Small.c)
setfield(p0, i1, descr=Small.d)
setfield(p0, i1, descr=Small.e)
setfield(p0, i1, descr=Small.g)
setfield(p0, i1, descr=Small.h)
i13 = getarrayitem(p2, i5, descr=shorts)
i14 = getarrayitem(p3, i5, descr=uints)
i15 = getarrayitem(p4, i5, descr=sbytes)
setarrayitem(p2, i5, i1, descr=shorts)
setarrayitem(p3, i5, i1, descr=uints)
setarrayitem(p4, 0, i1, descr=sbytes)
i16 = getarrayitem(p2, i5, descr=shorts)
i17 = getarrayitem(p3, i5, descr=uints)
i18 = getarrayitem(p4, 0, descr=sbytes)
finish(i6, i7, i8, i9, i10, i11, i12, i13, i14, i15, i16, i17, i18)"
    );
    let (code, _, _) = compile(b, &text, 0);
    let mut s = Small {
        a: -3,
        b: 250,
        c: -30000,
        d: 65000,
        e: -2_000_000_000,
        g: 4_000_000_000,
        h: -5,
    };
    let shorts = JitArray::from_slice(&[1i16, -2, 3]);
    let uints = JitArray::from_slice(&[1u32, 3_000_000_000, 3]);
    let sbytes = JitArray::from_slice(&[-1i8, -128, 127]);
    let v: i64 = 0x1234_5678_9abc_def0u64 as i64 | i64::MIN; // high bits everywhere
    let (exit, out) = run(
        b,
        code,
        &[
            &mut s as *mut Small as i64,
            v,
            shorts.as_ref().to_bits(),
            uints.as_ref().to_bits(),
            sbytes.as_ref().to_bits(),
            1,
        ],
    );
    assert_eq!(exit, Exit::Finish);
    assert_eq!(
        out,
        vec![
            -3,
            250,
            -30000,
            65000,
            -2_000_000_000,
            4_000_000_000,
            -5,
            -2,
            3_000_000_000,
            -128,
            v as i16 as i64,
            v as u32 as i64,
            v as i8 as i64
        ]
    );
    assert_eq!(
        s,
        Small {
            a: v as i8,
            b: v as u8,
            c: v as i16,
            d: v as u16,
            e: v as i32,
            g: v as u32,
            h: v,
        }
    );
    assert_eq!(shorts.as_slice(), &[1, v as i16, 3]);
    assert_eq!(uints.as_slice(), &[1, v as u32, 3]);
    assert_eq!(sbytes.as_slice(), &[v as i8, -128, 127]);
}

static COUNTER: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

extern "C" fn bump(by: i64) -> i64 {
    COUNTER.fetch_add(by, std::sync::atomic::Ordering::Relaxed) + by
}

fn funcs2(name: &str) -> Option<usize> {
    match name {
        "bump" => Some(bump as *const () as usize),
        "sp_probe" => Some(sp_probe as *const () as usize),
        other => funcs(other),
    }
}

pub fn cond_call_taken_and_not(b: &mut dyn Backend) {
    let t = parse_trace_with(
        "descr bump = call(args=(int), result=void, effect=any)
[i0, i1]
cond_call(i0, i1, descr=bump)
cond_call(0, 1000, descr=bump)
cond_call(1, 10, descr=bump)
finish(i1)",
        &funcs2,
    )
    .unwrap();
    metajit::ir::verify(&t).unwrap();
    let code = b
        .compile_loop(
            &t,
            &CompileInfo {
                guard_ids: &[],
                name: "cond_call",
            },
        )
        .unwrap();
    let _guard = lock();
    let before = COUNTER.load(std::sync::atomic::Ordering::Relaxed);
    run(b, code, &[0, 5]);
    run(b, code, &[7, 5]);
    let after = COUNTER.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(after - before, 10 + 5 + 10);
}

/// Compiles a bridge for `guard`.
fn bridge(
    b: &mut dyn Backend,
    guard: GuardId,
    text: &str,
    first_guard: u32,
) -> (CodeId, Vec<GuardId>) {
    let t = parse_trace_with(text, &funcs2).unwrap_or_else(|e| panic!("{e}\n{text}"));
    metajit::ir::verify(&t).unwrap_or_else(|e| panic!("{e}\n{t}"));
    let guards = guard_ids(&t, first_guard);
    let code = b
        .compile_bridge(
            guard,
            &t,
            &CompileInfo {
                guard_ids: &guards,
                name: "bridge",
            },
        )
        .expect("bridge compiles");
    (code, guards)
}

pub fn bridge_with_many_live_mixed_values(b: &mut dyn Backend) {
    // 24 ints and 24 floats live at the guard: more than the registers of any target.
    let n = 24;
    let mut text = String::from("[i0, f1]\n");
    let mut fail = Vec::new();
    for k in 0..n {
        text.push_str(&format!("i{} = int_add(i0, {k})\n", 10 + k));
        text.push_str(&format!("f{} = float_add(f1, {k}.5)\n", 100 + k));
        fail.push(format!("i{}", 10 + k));
        fail.push(format!("f{}", 100 + k));
    }
    text.push_str("i9 = int_lt(i0, 0)\n");
    text.push_str(&format!("guard_true(i9) [{}]\n", fail.join(", ")));
    text.push_str("finish(i0)\n");
    let (code, _, g) = compile(b, &text, 0);
    let (exit, out) = run(b, code, &[3, f(0.25)]);
    assert_eq!(exit, Exit::Guard(g[0]));
    let mut expect = Vec::new();
    for k in 0..n {
        expect.push(3 + k as i64);
        expect.push(f(0.25 + k as f64 + 0.5));
    }
    assert_eq!(out, expect);
    // The bridge gets all of them as inputs, sums ints and floats separately and exits through
    // its own guard with a reordered mix.
    let names: Vec<String> = (0..n)
        .flat_map(|k| [format!("i{}", 10 + k), format!("f{}", 100 + k)])
        .collect();
    let mut bt = format!("[{}]\n", names.join(", "));
    bt.push_str("i500 = int_add(i10, 0)\nf600 = float_add(f100, 0.0)\n");
    for k in 1..n {
        bt.push_str(&format!(
            "i{} = int_add(i{}, i{})\n",
            500 + k,
            499 + k,
            10 + k
        ));
        bt.push_str(&format!(
            "f{} = float_add(f{}, f{})\n",
            600 + k,
            599 + k,
            100 + k
        ));
    }
    let (li, lf) = (500 + n - 1, 600 + n - 1);
    bt.push_str(&format!(
        "i700 = int_gt(i{li}, 0)\nguard_false(i700) [f{lf}, i{li}, f123, i10, f100, i33]\nfinish(i{li}, f{lf})\n"
    ));
    let (_, bg) = bridge(b, g[0], &bt, 1);
    let (exit, out) = run(b, code, &[3, f(0.25)]);
    assert_eq!(exit, Exit::Guard(bg[0]));
    let si: i64 = (0..n as i64).map(|k| 3 + k).sum();
    let mut sf = 0.25 + 0.0 + 0.5;
    for k in 1..n {
        sf += 0.25 + k as f64 + 0.5;
    }
    assert_eq!(out, vec![f(sf), si, f(0.25 + 23.5), 3, f(0.75), 3 + 23]);
}

pub fn chained_bridges(b: &mut dyn Backend) {
    // Loop: i0 counts to 100; guard g0 fails when i0 % 4 == 0. Bridge 1 has guard g1 that
    // fails when i0 % 8 == 0; bridge 2 (on g1) adds 1000. Both bridges jump back to the loop.
    let (code, _, g) = compile(
        b,
        "[i0, i1]
label(i0, i1, descr=L400)
i2 = int_lt(i0, 100)
guard_true(i2) [i0, i1]
i3 = int_mod(i0, 4)
guard_true(i3) [i1, i0]
i4 = int_add(i1, 1)
i5 = int_add(i0, 1)
jump(i5, i4, descr=L400)",
        0,
    );
    let (_, g1) = bridge(
        b,
        g[1],
        "[i0, i1]
i2 = int_mod(i1, 8)
guard_true(i2) [i1, i0]
i3 = int_add(i0, 10)
i4 = int_add(i1, 1)
jump(i4, i3, descr=L400)",
        10,
    );
    let (exit, out) = run(b, code, &[0, 0]);
    assert_eq!(exit, Exit::Guard(g1[0]));
    assert_eq!(out, vec![0, 0]);
    bridge(
        b,
        g1[0],
        "[i0, i1]
i2 = int_add(i1, 1000)
i3 = int_add(i0, 1)
jump(i3, i2, descr=L400)",
        20,
    );
    let (exit, out) = run(b, code, &[0, 0]);
    assert_eq!(exit, Exit::Guard(g[0]));
    // 0..100: 13 multiples of 8 (+1000), 12 other multiples of 4 (+10), 75 others (+1).
    assert_eq!(out, vec![100, 13 * 1000 + 12 * 10 + 75]);
}

static SP_RANGE: std::sync::Mutex<(usize, usize)> = std::sync::Mutex::new((usize::MAX, 0));

extern "C" fn sp_probe(x: i64) -> i64 {
    let local = 0u8;
    let sp = &local as *const u8 as usize;
    let mut r = SP_RANGE.lock().unwrap_or_else(|e| e.into_inner());
    r.0 = r.0.min(sp);
    r.1 = r.1.max(sp);
    x
}

pub fn loop_bridge_loop_many_times(b: &mut dyn Backend) {
    // Every odd iteration leaves the loop through a guard into a bridge that jumps back: the
    // stack must not grow with the number of crossings (tail calls), and the probe called from
    // the bridge sees the same stack depth every time.
    let n: i64 = if b.name() == "interp" {
        20_000
    } else {
        3_000_000
    };
    let (code, _, g) = compile(
        b,
        &format!(
            "[i0, i1]
label(i0, i1, descr=L500)
i2 = int_lt(i0, {n})
guard_true(i2) [i0, i1]
i3 = int_and(i0, 1)
guard_false(i3) [i0, i1]
i4 = int_add(i1, 2)
i5 = int_add(i0, 1)
jump(i5, i4, descr=L500)"
        ),
        0,
    );
    bridge(
        b,
        g[1],
        "descr sp_probe = call(args=(int), result=int, effect=any)
[i0, i1]
i2 = call(i1, descr=sp_probe)
i3 = int_add(i2, 3)
i4 = int_add(i0, 1)
jump(i4, i3, descr=L500)",
        10,
    );
    let _guard = lock();
    *SP_RANGE.lock().unwrap() = (usize::MAX, 0);
    let (exit, out) = run(b, code, &[0, 0]);
    assert_eq!(exit, Exit::Guard(g[0]));
    assert_eq!(out, vec![n, n / 2 * 2 + n / 2 * 3]);
    let (lo, hi) = *SP_RANGE.lock().unwrap();
    assert!(
        hi >= lo && hi - lo < 256,
        "stack moved by {} bytes",
        hi.wrapping_sub(lo)
    );
}

pub fn mixed_kinds_into_bridge(b: &mut dyn Backend) {
    let (code, _, g) = compile(
        b,
        "[f0, i1, p2, f3]
i4 = int_gt(i1, 10)
guard_true(i4) [f3, p2, i1, f0]
f5 = float_add(f0, f3)
finish(f5, i1, p2)",
        0,
    );
    let obj = 1u64;
    let p = &obj as *const u64 as i64;
    assert_eq!(
        run(b, code, &[f(1.5), 3, p, f(-2.0)]),
        (Exit::Guard(g[0]), vec![f(-2.0), p, 3, f(1.5)])
    );
    bridge(
        b,
        g[0],
        "[f0, p1, i2, f3]
f4 = float_mul(f0, f3)
f5 = cast_int_to_float(i2)
f6 = float_sub(f4, f5)
finish(f6, p1, i2)",
        1,
    );
    assert_eq!(
        run(b, code, &[f(1.5), 3, p, f(-2.0)]),
        (Exit::Finish, vec![f(-3.0 - 3.0), p, 3])
    );
    assert_eq!(
        run(b, code, &[f(1.5), 30, p, f(-2.0)]),
        (Exit::Finish, vec![f(-0.5), 30, p])
    );
}

pub fn loop_jumps_into_another_loop(b: &mut dyn Backend) {
    // A jump from the end of one trace straight into another trace's entry label, and values of
    // a preamble (before the label) used inside the loop.
    compile(
        b,
        "[i0, i1]
label(i0, i1, descr=L601)
i2 = int_ge(i0, i1)
guard_false(i2) [i0, i1]
i3 = int_add(i0, 3)
jump(i3, i1, descr=L601)",
        0,
    );
    let (code, _, _) = compile(
        b,
        "[i0]
i1 = int_mul(i0, 10)
label(i0, descr=L600)
i2 = int_add(i0, i1)
jump(i2, 100, descr=L601)",
        1,
    );
    assert_eq!(
        run(b, code, &[1]),
        (Exit::Guard(GuardId(0)), vec![101, 100])
    );
}

pub fn freeing_bridges_and_recompiling(b: &mut dyn Backend) {
    let (code, _, g) = compile(
        b,
        "[i0]
label(i0, descr=L700)
i1 = int_lt(i0, 5)
guard_true(i1) [i0]
i2 = int_add(i0, 1)
jump(i2, descr=L700)",
        0,
    );
    assert_eq!(run(b, code, &[0]), (Exit::Guard(g[0]), vec![5]));
    let (br, _) = bridge(b, g[0], "[i0]\ni1 = int_add(i0, 100)\nfinish(i1)", 1);
    assert_eq!(run(b, code, &[0]), (Exit::Finish, vec![105]));
    b.free(br);
    assert_eq!(run(b, code, &[0]), (Exit::Guard(g[0]), vec![5]));
    bridge(b, g[0], "[i0]\ni1 = int_add(i0, 200)\nfinish(i1)", 2);
    assert_eq!(run(b, code, &[0]), (Exit::Finish, vec![205]));
    b.free(code);
    assert_eq!(b.code_size(code), 0);
}

/// Pages of virtual memory and of resident memory of this process.
fn statm() -> (usize, usize) {
    let s = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let mut it = s
        .split_whitespace()
        .map(|w| w.parse::<usize>().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

pub fn compile_free_cycles_do_not_leak(b: &mut dyn Backend) {
    let cycle = |b: &mut dyn Backend, k: u32| {
        let (code, _, g) = compile(
            b,
            "[i0]
label(i0, descr=L800)
i1 = int_lt(i0, 3)
guard_true(i1) [i0]
i2 = int_add(i0, 1)
jump(i2, descr=L800)",
            1000 + 2 * k,
        );
        bridge(
            b,
            g[0],
            "[i0]\ni1 = int_add(i0, 7)\nfinish(i1)",
            1001 + 2 * k,
        );
        assert_eq!(run(b, code, &[0]), (Exit::Finish, vec![10]));
        b.free(code);
    };
    let _guard = lock();
    for k in 0..100 {
        cycle(b, k);
    }
    let (vm0, rss0) = statm();
    for k in 100..1100 {
        cycle(b, k);
    }
    let (vm1, rss1) = statm();
    // A leaked piece costs at least a page of code (2000 pieces: 8 MB); allow 2 MB of noise.
    let page = 4096;
    let (dvm, drss) = (
        vm1.saturating_sub(vm0) * page,
        rss1.saturating_sub(rss0) * page,
    );
    assert!(dvm < 2 << 20, "virtual memory grew by {dvm} bytes");
    assert!(drss < 2 << 20, "resident memory grew by {drss} bytes");
}

pub fn compile_errors(b: &mut dyn Backend) {
    use metajit::backend::BackendError;
    let info = CompileInfo {
        guard_ids: &[],
        name: "bad",
    };
    let t = parse_trace_with("[i0]\njump(i0, descr=L999)", &funcs).unwrap();
    assert_eq!(
        b.compile_loop(&t, &info),
        Err(BackendError::UnknownTarget(metajit::ir::TargetId(999)))
    );
    let t = parse_trace_with("[i0]\nfinish(i0)", &funcs).unwrap();
    assert_eq!(
        b.compile_bridge(GuardId(4242), &t, &info),
        Err(BackendError::UnknownGuard(GuardId(4242)))
    );
    // An exit of more words than any output buffer holds.
    let wide = vec!["i0"; metajit::backend::MAX_EXIT_WORDS + 1].join(", ");
    let t = parse_trace_with(&format!("[i0]\nfinish({wide})"), &funcs).unwrap();
    assert!(matches!(
        b.compile_loop(&t, &info),
        Err(BackendError::Unsupported(_))
    ));
    // A failed compile leaves the backend usable.
    let (code, _, _) = compile(b, "[i0]\ni1 = int_add(i0, 1)\nfinish(i1)", 0);
    assert_eq!(run(b, code, &[1]), (Exit::Finish, vec![2]));
}

/// Serializes the tests that measure process-wide state (memory, the stack probe, counters).
fn lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A case of the suite: runs against a fresh backend.
pub type Case = fn(&mut dyn Backend);

/// All cases, by name.
pub const CASES: &[(&str, Case)] = &[
    ("arithmetic", arithmetic),
    ("floats", floats),
    ("loop_with_exit_guard", loop_with_exit_guard),
    (
        "bridges_continue_after_guards",
        bridges_continue_after_guards,
    ),
    ("guards_of_every_kind", guards_of_every_kind),
    ("fields_and_arrays", fields_and_arrays),
    ("calls", calls),
    ("allocation", allocation),
    ("jump_to_another_loop", jump_to_another_loop),
    (
        "many_values_live_across_guards",
        many_values_live_across_guards,
    ),
    ("freeing_code", freeing_code),
    ("comparisons_and_same_as", comparisons_and_same_as),
    ("division_edge_cases", division_edge_cases),
    ("shifts_casts_and_signext", shifts_casts_and_signext),
    ("overflow_checked_ops", overflow_checked_ops),
    (
        "markers_raw_memory_and_never_failing_guards",
        markers_raw_memory_and_never_failing_guards,
    ),
    ("sub_word_fields_and_items", sub_word_fields_and_items),
    ("cond_call_taken_and_not", cond_call_taken_and_not),
    (
        "bridge_with_many_live_mixed_values",
        bridge_with_many_live_mixed_values,
    ),
    ("chained_bridges", chained_bridges),
    ("loop_bridge_loop_many_times", loop_bridge_loop_many_times),
    ("mixed_kinds_into_bridge", mixed_kinds_into_bridge),
    ("loop_jumps_into_another_loop", loop_jumps_into_another_loop),
    (
        "freeing_bridges_and_recompiling",
        freeing_bridges_and_recompiling,
    ),
    (
        "compile_free_cycles_do_not_leak",
        compile_free_cycles_do_not_leak,
    ),
    ("compile_errors", compile_errors),
    ("region_of_three_loops", regions::region_of_three_loops),
    (
        "region_with_many_live_values",
        regions::region_with_many_live_values,
    ),
    ("region_errors", regions::region_errors),
];

macro_rules! suite {
    ($name:ident, $make:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn every_case() {
                for (name, case) in CASES {
                    eprintln!("case {name}");
                    let mut b = $make;
                    case(&mut b);
                }
            }
            #[test]
            fn ops_are_covered() {
                // Every op the reference backend executes appears in some case of the suite.
                let src = include_str!("backend_suite.rs");
                for op in Opcode::ALL {
                    let skip = matches!(
                        op,
                        // `input` is the `[...]` list.
                        Opcode::Input
                    );
                    if !skip {
                        assert!(
                            src.contains(&format!("{}(", op.name())),
                            "no case uses {}",
                            op.name()
                        );
                    }
                }
            }
        }
    };
}

suite!(interp, InterpBackend::new());
#[cfg(feature = "cranelift")]
suite!(
    cranelift,
    metajit::backend::cranelift::CraneliftBackend::new().expect("host is supported")
);
#[cfg(feature = "cranelift")]
suite!(
    cranelift_speed,
    metajit::backend::cranelift::CraneliftBackend::with_options(
        metajit::backend::cranelift::CraneliftOptions {
            opt_level: metajit::backend::cranelift::OptLevel::Speed,
            ..Default::default()
        }
    )
    .expect("host is supported")
);
// Pieces with the single-pass allocator, regions with the backtracking one.
#[cfg(feature = "cranelift")]
suite!(
    cranelift_single_pass,
    metajit::backend::cranelift::CraneliftBackend::with_options(
        metajit::backend::cranelift::CraneliftOptions {
            regalloc: metajit::backend::cranelift::Regalloc::SinglePass,
            ..Default::default()
        }
    )
    .expect("host is supported")
);

/// Random straight-line integer traces with guards, run on the reference backend and on
/// Cranelift (at both optimization levels): exits and output values must be equal.
#[cfg(feature = "cranelift")]
mod differential {
    use super::*;
    use metajit::backend::cranelift::{CraneliftBackend, CraneliftOptions, OptLevel};

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            // xorshift64*: deterministic, no dependency.
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
            &xs[self.below(xs.len())]
        }
        fn value(&mut self) -> i64 {
            const SPECIAL: [i64; 12] = [0, 1, -1, 2, -2, 7, 63, 64, 65, 255, i64::MIN, i64::MAX];
            if self.below(3) == 0 {
                self.next() as i64
            } else {
                *self.pick(&SPECIAL)
            }
        }
    }

    const BINARY: [&str; 22] = [
        "int_add",
        "int_sub",
        "int_mul",
        "int_div",
        "int_mod",
        "uint_div",
        "uint_mod",
        "int_and",
        "int_or",
        "int_xor",
        "int_shl",
        "int_shr",
        "uint_shr",
        "int_lt",
        "int_le",
        "int_eq",
        "int_ne",
        "int_gt",
        "int_ge",
        "uint_lt",
        "uint_ge",
        "int_signext",
    ];
    const UNARY: [&str; 4] = ["int_neg", "int_invert", "int_is_zero", "int_is_true"];
    const OVF: [&str; 3] = ["int_add_ovf", "int_sub_ovf", "int_mul_ovf"];

    fn operand(rng: &mut Rng, vars: &[usize]) -> String {
        if rng.below(4) == 0 {
            rng.value().to_string()
        } else {
            format!("i{}", rng.pick(vars))
        }
    }

    fn fail_args(rng: &mut Rng, vars: &[usize]) -> String {
        let n = rng.below(vars.len().min(6) + 1);
        let names: Vec<String> = (0..n).map(|_| format!("i{}", rng.pick(vars))).collect();
        names.join(", ")
    }

    fn random_trace(rng: &mut Rng) -> (String, usize) {
        let inputs = 2 + rng.below(3);
        let mut vars: Vec<usize> = (0..inputs).collect();
        let mut text = format!(
            "[{}]\n",
            vars.iter()
                .map(|v| format!("i{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut next = inputs;
        for _ in 0..5 + rng.below(25) {
            let v = next;
            match rng.below(20) {
                0..=11 => {
                    let op = *rng.pick(&BINARY);
                    let (a, b) = (operand(rng, &vars), operand(rng, &vars));
                    let b = if op == "int_signext" {
                        rng.pick(&["1", "2", "4", "8"]).to_string()
                    } else {
                        b
                    };
                    text.push_str(&format!("i{v} = {op}({a}, {b})\n"));
                }
                12 | 13 => {
                    let op = *rng.pick(&UNARY);
                    text.push_str(&format!("i{v} = {op}(i{})\n", rng.pick(&vars)));
                }
                14 | 15 => {
                    let op = *rng.pick(&OVF);
                    let b = operand(rng, &vars);
                    text.push_str(&format!("i{v} = {op}(i{}, {b})\n", rng.pick(&vars)));
                    let guard =
                        rng.pick(&["guard_no_overflow", "guard_no_overflow", "guard_overflow"]);
                    text.push_str(&format!("{guard}() [{}]\n", fail_args(rng, &vars)));
                }
                16..=18 => {
                    // Mostly guards that pass on most values, so later ops get observed too.
                    let guard = rng.pick(&["guard_true", "guard_true", "guard_false"]);
                    text.push_str(&format!(
                        "{guard}(i{}) [{}]\n",
                        rng.pick(&vars),
                        fail_args(rng, &vars)
                    ));
                    continue;
                }
                _ => {
                    let k = rng.value();
                    text.push_str(&format!(
                        "guard_value(i{}, {k}) [{}]\n",
                        rng.pick(&vars),
                        fail_args(rng, &vars)
                    ));
                    continue;
                }
            }
            vars.push(v);
            next += 1;
        }
        let all: Vec<String> = vars.iter().map(|v| format!("i{v}")).collect();
        text.push_str(&format!("finish({})\n", all.join(", ")));
        (text, inputs)
    }

    #[test]
    fn random_int_traces_agree() {
        let _guard = lock();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut none = CraneliftBackend::new().unwrap();
        let mut speed = CraneliftBackend::with_options(CraneliftOptions {
            opt_level: OptLevel::Speed,
            ..CraneliftOptions::default()
        })
        .unwrap();
        let mut reference = InterpBackend::new();
        for n in 0..300 {
            let (text, inputs) = random_trace(&mut rng);
            let native: &mut dyn Backend = if n % 2 == 0 { &mut none } else { &mut speed };
            let (code, _, _) = compile(native, &text, 0);
            let (rcode, _, _) = compile(&mut reference, &text, 0);
            for _ in 0..6 {
                let args: Vec<i64> = (0..inputs).map(|_| rng.value()).collect();
                assert_eq!(
                    run(native, code, &args),
                    run(&reference, rcode, &args),
                    "trace {n} with inputs {args:?}:\n{text}"
                );
            }
            native.free(code);
            reference.free(rcode);
        }
    }
}
