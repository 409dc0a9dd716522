//! The shape of compiled Lox loops: what the annotations make of Lox code in a trace.

use lang_lox::Vm;
use metajit::cli::Output;
use metajit::testing::driver;

/// Compiles `source`'s hot loop and returns the optimized loop traces, with the program's
/// output (which must be `expect`).
fn loops_of(source: &str, expect: &str) -> String {
    let mut vm = Vm::new(Output::memory(), driver("threshold=3"));
    vm.interpret(source).expect("the program runs");
    assert_eq!(String::from_utf8(vm.output.take()).unwrap(), expect);
    let loops = vm.jit.loop_traces();
    assert!(!loops.is_empty(), "a loop was compiled");
    loops
        .iter()
        .map(|(_, t)| t.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Arithmetic on local numbers keeps them as floats: no tag guard on values the loop
/// computed, no call.
#[test]
fn numbers_stay_floats() {
    let text = loops_of(
        "{ var s = 0; for (var i = 0; i < 100; i = i + 1) { s = s + i * 2; } print s; }",
        "9900\n",
    );
    let body = text.rsplit("label(").next().unwrap();
    assert!(
        body.contains("float_add") && body.contains("float_mul"),
        "{text}"
    );
    assert!(!body.contains("call("), "no call in the loop body:\n{text}");
}

/// A field read and write through the instance's map: the map is promoted, the lookup folds to
/// a constant index, and no residual call is left for the property access.
#[test]
fn fields_are_guarded_loads_and_stores() {
    let text = loops_of(
        "class P { init() { this.x = 0; this.y = 0; } }
         var p = P();
         for (var i = 0; i < 100; i = i + 1) { p.y = p.y + i; }
         print p.y;",
        "4950\n",
    );
    assert!(text.contains("guard_value"), "the map is promoted:\n{text}");
    assert!(
        !text.contains("descr=get_property") && !text.contains("descr=set_property"),
        "the property access is traced, not called:\n{text}"
    );
    assert!(text.contains("array<Value>.bits"), "{text}");
}

/// A temporary object per iteration: the class call is traced (the class promoted, the
/// instance allocated in the trace), the new field goes to the next map, and the instance
/// never escapes: the compiled loop allocates nothing and calls nothing.
#[test]
fn temporary_instances_are_not_allocated() {
    let text = loops_of(
        "class Box {}
         { var s = 0;
           for (var i = 0; i < 100; i = i + 1) { var b = Box(); b.v = i; s = s + b.v; }
           print s; }",
        "4950\n",
    );
    let body = text.rsplit("label(").next().unwrap();
    for op in ["new(", "new_array(", "call("] {
        assert!(!body.contains(op), "no `{op}` in the loop:\n{text}");
    }
    assert!(
        !text.contains("descr=call)") && !text.contains("descr=set_property"),
        "construction and the new field are traced:\n{text}"
    );
    assert!(
        text.contains("new Instance("),
        "guards describe the virtual instance:\n{text}"
    );
}
