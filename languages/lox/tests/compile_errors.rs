//! Golden tests of the compiler's errors against clox's.
//!
//! `tests/compile/*.lox` are small programs; next to each one that clox rejects, a `.err` file
//! holds the lines clox printed to stderr (produced by running the reference clox, not this
//! compiler). Programs without an `.err` file must compile.
//!
//! The limit tests build their (large) programs in code; their expected lines were likewise
//! produced by clox, on the programs that `dump_generated_programs` writes out.

use lang_lox::compiler::compile;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The directory of the golden programs.
fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("compile")
}

/// Our errors for `source`, as the lines clox prints (empty if it compiles).
fn errors_of(source: &str) -> Vec<String> {
    match compile(source) {
        Ok(_) => Vec::new(),
        Err(e) => e.0,
    }
}

#[test]
fn golden_programs_match_clox() {
    let mut programs: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("tests/compile exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|x| x == "lox"))
        .collect();
    programs.sort();
    assert!(
        programs.len() >= 40,
        "only {} golden programs",
        programs.len()
    );
    let mut failures = String::new();
    for path in &programs {
        let bytes = std::fs::read(path).expect("readable program");
        let source = String::from_utf8(bytes).expect("golden programs are UTF-8");
        // The exact stderr text (an error at a multi-line string token spans several lines).
        let expected = std::fs::read_to_string(path.with_extension("err")).unwrap_or_default();
        let got: String = errors_of(&source)
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        if got != expected {
            let _ = writeln!(
                failures,
                "{}:\n  expected: {expected:#?}\n  got: {got:#?}",
                path.display()
            );
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

// ----- Generated programs (limits) -----

/// `n` expression statements `nil;` (2 clox bytes each), plus one `!nil;` (3 bytes) if `odd`.
fn padding(bytes: usize) -> String {
    let mut s = String::new();
    let mut left = bytes;
    if left % 2 == 1 {
        s.push_str("!nil;\n");
        left -= 3;
    }
    for _ in 0..left / 2 {
        s.push_str("nil;\n");
    }
    s
}

/// A function with `n` distinct number constants.
fn constants(n: usize) -> String {
    let mut s = String::from("fun f() {\n");
    for i in 0..n {
        let _ = writeln!(s, "  print {i};");
    }
    s.push_str("}\n");
    s
}

/// `n` uses of the same global name (clox adds a constant for each use).
fn global_uses(n: usize) -> String {
    let mut s = String::from("var a;\nfun f() {\n");
    for _ in 0..n {
        s.push_str("  a;\n");
    }
    s.push_str("}\n");
    s
}

/// A function declaring `n` locals (slot 0 is reserved too).
fn locals(n: usize) -> String {
    let mut s = String::from("fun f() {\n");
    for i in 0..n {
        let _ = writeln!(s, "  var v{i};");
    }
    s.push_str("  print v0;\n}\n");
    s
}

/// A closure capturing `n` distinct variables: 200 locals of its function and the rest from
/// the function around that.
fn upvalues(n: usize) -> String {
    let outer = n.saturating_sub(200);
    let inner = n - outer;
    let mut s = String::from("fun outer() {\n");
    for i in 0..outer {
        let _ = writeln!(s, "  var o{i};");
    }
    s.push_str("  fun middle() {\n");
    for i in 0..inner {
        let _ = writeln!(s, "    var m{i};");
    }
    s.push_str("    fun inner() {\n");
    for i in 0..outer {
        let _ = writeln!(s, "      o{i};");
    }
    for i in 0..inner {
        let _ = writeln!(s, "      m{i};");
    }
    s.push_str("    }\n  }\n}\n");
    s
}

/// A function with `n` parameters.
fn parameters(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
    format!("fun f({}) {{}}\n", names.join(", "))
}

/// A call with `n` arguments.
fn arguments(n: usize) -> String {
    format!("fun f() {{}}\nf({});\n", vec!["nil"; n].join(", "))
}

/// An `if` whose then-branch has `bytes` bytes of clox code.
fn if_jump(bytes: usize) -> String {
    format!("if (true) {{\n{}}}\nprint 1;\n", padding(bytes))
}

/// A `while` whose body has `bytes` bytes of clox code.
fn while_loop(bytes: usize) -> String {
    format!("while (false) {{\n{}}}\nprint 1;\n", padding(bytes))
}

/// A `for` with an increment whose body has `bytes` bytes of clox code.
fn for_loop(bytes: usize) -> String {
    format!(
        "for (var i = 0; i < 1; i = i + 1) {{\n{}}}\nprint 1;\n",
        padding(bytes)
    )
}

/// `true and X` where X has `k` `== nil` comparisons.
fn and_jump(k: usize) -> String {
    format!("print true and nil{};\n", " == nil".repeat(k))
}

/// `false or X` where X has `k` `== nil` comparisons.
fn or_jump(k: usize) -> String {
    format!("print false or nil{};\n", " == nil".repeat(k))
}

/// An `if` over a block whose local function captures a variable (clox's `OP_CLOSURE` with one
/// capture pair, `OP_CLOSE_UPVALUE`), then `bytes` bytes of padding.
fn if_with_closure(bytes: usize) -> String {
    format!(
        "if (true) {{\n  var x;\n  fun f() {{ return x; }}\n  class C {{ m() {{ return x; }} }}\n{}}}\n",
        padding(bytes)
    )
}

/// The generated programs, by name, and the lines clox prints for each.
fn generated() -> Vec<(&'static str, String, Vec<&'static str>)> {
    vec![
        ("constants_256", constants(256), vec![]),
        (
            "constants_257",
            constants(257),
            vec!["[line 258] Error at '256': Too many constants in one chunk."],
        ),
        ("global_uses_256", global_uses(256), vec![]),
        (
            "global_uses_257",
            global_uses(257),
            vec!["[line 259] Error at 'a': Too many constants in one chunk."],
        ),
        ("locals_255", locals(255), vec![]),
        (
            "locals_256",
            locals(256),
            vec!["[line 257] Error at 'v255': Too many local variables in function."],
        ),
        ("upvalues_256", upvalues(256), vec![]),
        (
            "upvalues_257",
            upvalues(257),
            vec!["[line 517] Error at 'm199': Too many closure variables in function."],
        ),
        ("parameters_255", parameters(255), vec![]),
        (
            "parameters_256",
            parameters(256),
            vec!["[line 1] Error at 'p255': Can't have more than 255 parameters."],
        ),
        ("arguments_255", arguments(255), vec![]),
        (
            "arguments_256",
            arguments(256),
            vec!["[line 2] Error at 'nil': Can't have more than 255 arguments."],
        ),
        ("if_jump_ok", if_jump(65531), vec![]),
        (
            "if_jump_over",
            if_jump(65532),
            vec!["[line 32768] Error at '}': Too much code to jump over."],
        ),
        ("while_ok", while_loop(65527), vec![]),
        (
            "while_over",
            while_loop(65528),
            vec!["[line 32766] Error at '}': Loop body too large."],
        ),
        ("for_ok", for_loop(65517), vec![]),
        (
            "for_exit_jump_over",
            for_loop(65518),
            vec!["[line 32761] Error at '}': Too much code to jump over."],
        ),
        (
            "for_over",
            for_loop(65522),
            vec!["[line 32763] Error at '}': Loop body too large."],
        ),
        ("and_ok", and_jump(32766), vec![]),
        (
            "and_over",
            and_jump(32767),
            vec!["[line 1] Error at 'nil': Too much code to jump over."],
        ),
        ("or_ok", or_jump(32766), vec![]),
        (
            "or_over",
            or_jump(32767),
            vec!["[line 1] Error at 'nil': Too much code to jump over."],
        ),
        ("if_closure_ok", if_with_closure(65512), vec![]),
        (
            "if_closure_over",
            if_with_closure(65513),
            vec!["[line 32761] Error at '}': Too much code to jump over."],
        ),
    ]
}

#[test]
fn generated_limits_match_clox() {
    let mut failures = String::new();
    for (name, source, expected) in generated() {
        let got = errors_of(&source);
        if got != expected {
            let _ = writeln!(
                failures,
                "{name}:\n  expected: {expected:#?}\n  got: {got:#?}"
            );
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

/// Writes the generated programs to `$LOX_DUMP_DIR` (to run the reference clox on them).
#[test]
#[ignore = "a tool: regenerates the inputs of the limit tests for checking with clox"]
fn dump_generated_programs() {
    let dir = std::env::var("LOX_DUMP_DIR").expect("LOX_DUMP_DIR is set");
    for (name, source, _) in generated() {
        std::fs::write(Path::new(&dir).join(format!("{name}.lox")), source).expect("writable");
    }
}
