//! Unit tests of the compiler's output: cells for captured locals, placeholder removal and jump
//! remapping, stack depths, constants and captures, and robustness on hostile input.

use super::compile;
use crate::chunk::{Capture, Constant, FunctionKind, Op, Proto};
use std::rc::Rc;

/// Compiles `src`, which must be valid.
fn script(src: &str) -> Rc<Proto> {
    match compile(src) {
        Ok(p) => p,
        Err(e) => panic!("unexpected errors: {:?}", e.0),
    }
}

/// The nested function named `name` (searched depth-first through the constants).
fn function<'a>(p: &'a Proto, name: &str) -> &'a Proto {
    fn find<'a>(p: &'a Proto, name: &str) -> Option<&'a Proto> {
        p.constants.iter().find_map(|c| match c {
            Constant::Function(f) if f.name.as_deref() == Some(name) => Some(&**f),
            Constant::Function(f) => find(f, name),
            _ => None,
        })
    }
    find(p, name).unwrap_or_else(|| panic!("no function {name}"))
}

/// The index of the first instruction equal to `op`.
fn position(p: &Proto, op: Op) -> usize {
    p.ops
        .iter()
        .position(|&o| o == op)
        .unwrap_or_else(|| panic!("no {op:?} in {:?}", p.ops))
}

#[test]
fn captured_parameter_is_boxed_at_start_and_read_as_cell() {
    let p = script("fun f(a, b) { fun g() { return a; } return a + b; }");
    let f = function(&p, "f");
    assert_eq!(f.arity, 2);
    assert_eq!(f.ops[0], Op::BoxLocal(1), "{:?}", f.ops);
    assert!(!f.ops.contains(&Op::BoxLocal(2)), "b is not captured");
    assert!(f.ops.contains(&Op::GetCell(1)));
    assert!(!f.ops.contains(&Op::GetLocal(1)));
    assert!(f.ops.contains(&Op::GetLocal(2)));
    assert_eq!(f.depth[0], 3, "slot 0 and two arguments");
    let g = function(&p, "g");
    assert_eq!(g.upvalues, vec![Capture::Local(1)]);
    assert_eq!(g.ops[0], Op::GetUpvalue(0));
}

#[test]
fn uncaptured_locals_leave_no_trace() {
    let p = script("fun f(a) { var b = a; { var c = b; print c; } return b; }");
    let f = function(&p, "f");
    assert!(
        !f.ops
            .iter()
            .any(|op| matches!(op, Op::BoxLocal(_) | Op::GetCell(_))),
        "{:?}",
        f.ops
    );
    assert_eq!(f.ops[0], Op::GetLocal(1));
}

#[test]
fn loop_body_variable_is_boxed_inside_the_loop() {
    let p = script(
        "fun f() { var fs; for (var i = 0; i < 3; i = i + 1) { var j = i; fun g() { return j; } fs = g; } return fs; }",
    );
    let f = function(&p, "f");
    let loop_index = f
        .ops
        .iter()
        .rposition(|op| matches!(op, Op::Loop(_)))
        .expect("a loop");
    let Op::Loop(start) = f.ops[loop_index] else {
        unreachable!()
    };
    let boxed = position(f, Op::BoxLocal(3));
    assert!(
        (start as usize) < boxed && boxed < loop_index,
        "{:?}",
        f.ops
    );
    // `i` (slot 2) is not captured; `g` (slot 4) is not captured either.
    assert!(!f.ops.contains(&Op::BoxLocal(2)));
    assert!(!f.ops.contains(&Op::BoxLocal(4)));
    // The local function: Nil, Closure, SetLocal, Pop (its placeholder removed).
    let closure = f
        .ops
        .iter()
        .position(|op| matches!(op, Op::Closure(_)))
        .expect("closure");
    assert_eq!(f.ops[closure - 1], Op::Nil);
    assert_eq!(f.ops[closure + 1], Op::SetLocal(4));
    assert_eq!(f.ops[closure + 2], Op::Pop);
    assert_eq!(function(&p, "g").upvalues, vec![Capture::Local(3)]);
}

#[test]
fn recursive_local_function_captures_its_own_cell() {
    let p =
        script("{ fun fact(n) { if (n < 2) return 1; return n * fact(n - 1); } print fact(5); }");
    let nil = position(&p, Op::Nil);
    assert_eq!(p.ops[nil + 1], Op::BoxLocal(1));
    assert!(matches!(p.ops[nil + 2], Op::Closure(_)));
    assert_eq!(p.ops[nil + 3], Op::SetCell(1));
    assert_eq!(p.ops[nil + 4], Op::Pop);
    assert!(p.ops.contains(&Op::GetCell(1)), "the call reads the cell");
    let fact = function(&p, "fact");
    assert_eq!(fact.upvalues, vec![Capture::Local(1)]);
}

#[test]
fn sibling_scopes_reusing_a_slot_are_converted_per_declaration() {
    let p = script(
        "fun f() { { var a = 1; fun g() { return a; } print a; } { var b = 2; print b; b = 3; } }",
    );
    let f = function(&p, "f");
    assert!(f.ops.contains(&Op::BoxLocal(1)));
    assert!(f.ops.contains(&Op::GetCell(1)), "a is read as a cell");
    assert!(
        f.ops.contains(&Op::GetLocal(1)),
        "b (same slot) stays a plain local"
    );
    assert!(f.ops.contains(&Op::SetLocal(1)));
    assert!(!f.ops.contains(&Op::SetCell(1)));
    assert_eq!(f.ops.iter().filter(|&&op| op == Op::BoxLocal(1)).count(), 1);
}

#[test]
fn jump_targets_survive_placeholder_removal() {
    let p = script(
        "var c = true; if (c) { var a = 1; print a; } else { var b = 2; print b; } while (c) { var d = 3; c = false; } print 4;",
    );
    assert!(!p.ops.iter().any(|op| matches!(op, Op::BoxLocal(_))));
    let jif = p
        .ops
        .iter()
        .position(|op| matches!(op, Op::JumpIfFalse(_)))
        .expect("an if");
    let Op::JumpIfFalse(t) = p.ops[jif] else {
        unreachable!()
    };
    let t = t as usize;
    assert!(matches!(p.ops[t - 1], Op::Jump(_)), "{:?}", p.ops);
    assert_eq!(p.ops[t], Op::Pop);
    assert_eq!(
        p.depth[t], p.depth[jif],
        "the condition is still on the stack"
    );
    let Op::Jump(end) = p.ops[t - 1] else {
        unreachable!()
    };
    // The else branch: Pop, Constant, GetLocal, Print, Pop, then the loop's condition.
    assert!(
        matches!(p.ops[end as usize], Op::GetGlobal(_)),
        "{:?}",
        p.ops
    );
    let lp = p
        .ops
        .iter()
        .position(|op| matches!(op, Op::Loop(_)))
        .expect("a loop");
    assert_eq!(p.ops[lp], Op::Loop(end));
    assert_eq!(p.depth[lp], p.depth[end as usize]);
}

#[test]
fn depths_follow_the_stack() {
    let p = script("var a = 1; { var b = 2; var c = b + a * 3; print c; }");
    assert_eq!(p.depth[0], 1, "the script starts with slot 0 in use");
    assert_eq!(p.kind, FunctionKind::Script);
    // Computing c's initializer: slot 0, b, then b, a, 3 on top.
    assert_eq!(p.max_depth, 5);
    let n = p.ops.len();
    assert_eq!(&p.ops[n - 2..], &[Op::Nil, Op::Return]);
    assert_eq!(p.depth[n - 2], 1, "the block's locals are popped");
    let f = script("fun f(x, y, z) { return f(x, y, z); }");
    let f = function(&f, "f");
    assert_eq!(f.depth[0], 4);
    assert_eq!(f.max_depth, 8);
    let call = f
        .ops
        .iter()
        .position(|op| matches!(op, Op::Call(3)))
        .expect("call");
    assert_eq!(f.depth[call], 8);
    assert_eq!(f.depth[call + 1], 5);
}

#[test]
fn methods_box_this_when_captured_and_initializers_return_the_cell() {
    let p = script(
        "class A < B { init() { fun f() { return this; } this.f = f; } m() { return super.m(1) + super.n; } }",
    );
    let init = function(&p, "init");
    assert_eq!(init.kind, FunctionKind::Initializer);
    assert_eq!(init.ops[0], Op::BoxLocal(0));
    assert_eq!(init.ops[init.ops.len() - 2], Op::GetCell(0));
    assert_eq!(init.ops[init.ops.len() - 1], Op::Return);
    let f = function(&p, "f");
    assert_eq!(f.upvalues, vec![Capture::Local(0)]);
    let m = function(&p, "m");
    assert_eq!(m.kind, FunctionKind::Method);
    assert_eq!(m.ops[0], Op::GetLocal(0), "this is not captured in m");
    assert_eq!(
        m.upvalues,
        vec![Capture::Local(1)],
        "the super local of the script"
    );
    assert!(m.ops.iter().any(|op| matches!(op, Op::SuperInvoke(_, 1))));
    assert!(m.ops.iter().any(|op| matches!(op, Op::GetSuper(_))));
    // The script: `Inherit` reads the bare superclass, then the `super` slot is boxed for the
    // methods that capture it.
    let inherit = position(&p, Op::Inherit);
    assert!(!p.ops[..inherit].contains(&Op::BoxLocal(1)));
    assert_eq!(p.ops[inherit + 1], Op::BoxLocal(1));
    assert!(p.ops.iter().any(|op| matches!(op, Op::Closure(_))));
}

#[test]
fn upvalues_chain_through_enclosing_functions() {
    let p = script("fun a() { var x; fun b() { fun c() { return x; } } }");
    assert_eq!(function(&p, "b").upvalues, vec![Capture::Local(1)]);
    assert_eq!(function(&p, "c").upvalues, vec![Capture::Upvalue(0)]);
    let a = function(&p, "a");
    assert_eq!(a.ops[0], Op::Nil);
    assert_eq!(a.ops[1], Op::BoxLocal(1));
}

#[test]
fn constants_are_not_deduplicated_and_strings_lose_their_quotes() {
    let p = script("print \"hi there\"; print 1.5; x; x;");
    let strs: Vec<String> = p
        .constants
        .iter()
        .filter_map(|c| match c {
            Constant::Str(s) => Some(s.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(strs, vec!["hi there", "x", "x"]);
    assert!(
        p.constants
            .iter()
            .any(|c| matches!(c, Constant::Number(n) if *n == 1.5))
    );
    assert_eq!(p.lines.len(), p.ops.len());
    assert_eq!(p.depth.len(), p.ops.len());
}

#[test]
fn lines_are_recorded() {
    let p = script("print 1;\n\nprint\n2;");
    let prints: Vec<u32> = p
        .ops
        .iter()
        .zip(&p.lines)
        .filter(|(op, _)| **op == Op::Print)
        .map(|(_, &l)| l)
        .collect();
    assert_eq!(prints, vec![1, 4]);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let run = || {
        let parens = format!("print {}1{};", "(".repeat(100_000), ")".repeat(100_000));
        let e = compile(&parens).expect_err("too deep");
        assert_eq!(
            e.0,
            vec!["[line 1] Error at '(': Expression nesting too deep.".to_string()]
        );
        let blocks = format!("{}{}", "{".repeat(100_000), "}".repeat(100_000));
        assert!(compile(&blocks).is_err());
        let funs = format!("{}{}", "fun f() {".repeat(10_000), "}".repeat(10_000));
        assert!(compile(&funs).is_err());
        let classes = format!(
            "{}{}",
            "class A { m() {".repeat(10_000),
            "}}".repeat(10_000)
        );
        assert!(compile(&classes).is_err());
        // Moderate nesting compiles.
        let ok = format!("print {}1{};", "(".repeat(500), ")".repeat(500));
        assert!(compile(&ok).is_ok());
    };
    // A thread with a small stack, as test threads have.
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(run)
        .expect("thread")
        .join()
        .expect("ok");
}

#[test]
fn arbitrary_input_never_panics() {
    let pieces = [
        "(", ")", "{", "}", ",", ".", "-", "+", ";", "/", "*", "!", "!=", "=", "==", ">", ">=",
        "<", "<=", "a", "b", "this", "super", "init", "\"s", "\"", "1", "2.5", "and", "class",
        "else", "false", "for", "fun", "if", "nil", "or", "print", "return", "true", "var",
        "while", "\n", "@", "é", "\0", " ",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        let mut src = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = seed % 40;
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            src.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            src.push(' ');
        }
        let _ = compile(&src);
    }
}
