//! The backend test suite: one set of cases, instantiated for every backend.
//!
//! Each case parses a text trace, compiles it, executes it on concrete inputs (real Rust memory
//! for the heap cases) and checks the exit and the values that come out. A new backend is tested
//! by adding one `suite!` line.

use metajit::backend::interp::InterpBackend;
use metajit::backend::{Backend, CodeId, CompileInfo, Exit, GuardId};
use metajit::ir::{Opcode, Trace, parse_trace_with};
use metajit::{JitArray, JitValue};

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
cond_call(0, 1, 2, 3, descr=add3)
i2 = call_may_force(i1, i1, 1, descr=add3)
finish(i1, i2)",
        0,
    );
    assert_eq!(
        run(b, code, &[1]),
        (Exit::Finish, vec![123, 12300 + 1230 + 1])
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

/// All cases, by name.
pub const CASES: &[(&str, fn(&mut dyn Backend))] = &[
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
                        Opcode::Input
                            | Opcode::CallAssembler
                            | Opcode::GuardNoException
                            | Opcode::GuardNotInvalidated
                            | Opcode::GuardNotForced
                            | Opcode::RawLoad
                            | Opcode::RawStore
                            | Opcode::QuasiimmutField
                            | Opcode::DebugMergePoint
                            | Opcode::SameAs
                            | Opcode::IntSubOvf
                            | Opcode::IntGe
                            | Opcode::IntLe
                            | Opcode::IntNe
                            | Opcode::UintLe
                            | Opcode::UintGt
                            | Opcode::UintGe
                            | Opcode::IntIsTrue
                            | Opcode::FloatLe
                            | Opcode::FloatNe
                            | Opcode::FloatGt
                            | Opcode::FloatGe
                            | Opcode::PtrEq
                            | Opcode::PtrNe
                            | Opcode::GuardIsnull
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
