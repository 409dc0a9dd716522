//! The hidden-class (map) pattern a dynamic language's objects use: an object points to a map
//! that says at which index each field is, names are interned strings (compared by address),
//! and the lookup is `#[elidable]`. In a trace the map is promoted and the name is a constant,
//! so the lookup folds to a constant index: reading a field by name costs a guard on the map
//! and one load. Every mode computes the same.

use metajit::testing::same_in_every_mode;
use metajit::{JitArray, JitDriver, JitStruct, Ref};

/// An interned name (compared by address).
struct Name {
    text: &'static str,
}

/// A map: the names of the fields, in index order.
struct Map {
    names: Vec<&'static Name>,
}

#[derive(JitStruct)]
#[repr(C)]
struct Obj {
    #[jit(immutable)]
    map: Ref<Map>,
    fields: JitArray<i64>,
}

/// Where `name` is in `map` (-1: absent). Pure: maps never change.
#[metajit::elidable]
fn index_of(map: Ref<Map>, name: &Name) -> i64 {
    match map.names.iter().position(|n| std::ptr::eq(*n, name)) {
        Some(i) => i as i64,
        None => -1,
    }
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable)]
    i: i64,
    #[jit(virtualizable)]
    acc: i64,
    obj: Ref<Obj>,
}

struct Prog {
    /// The name the loop reads.
    name: &'static Name,
}

#[metajit::interpreter(greens(pc, prog), reds(frame), virtualizable(frame), driver = jit)]
fn run(jit: &JitDriver, prog: &Prog, frame: &mut Frame) -> i64 {
    let mut pc = 0usize;
    loop {
        metajit::merge_point!();
        if pc == 0 {
            if frame.i == 0 {
                return frame.acc;
            }
            let obj = frame.obj;
            let map = metajit::promote(obj.map);
            let i = index_of(map, prog.name);
            if i >= 0 {
                frame.acc += obj.fields[i as usize];
            }
            frame.i -= 1;
            metajit::can_enter_jit!();
            continue;
        }
        pc += 1;
    }
}

static X: Name = Name { text: "x" };
static Y: Name = Name { text: "y" };

fn run_with(jit: &JitDriver, prog: &Prog) -> i64 {
    let map = Box::new(Map {
        names: vec![&X, &Y],
    });
    let mut fields = JitArray::new(2, 0i64);
    fields[0] = 5;
    fields[1] = 7;
    let mut obj = Box::new(Obj {
        map: Ref::new(&*map),
        fields,
    });
    let mut frame = Frame {
        i: 100,
        acc: 0,
        obj: Ref::new_mut(&mut *obj),
    };
    run(jit, prog, &mut frame)
}

#[test]
fn field_reads_by_name_agree_in_every_mode() {
    let prog = Prog { name: &Y };
    assert_eq!(Y.text, "y");
    assert_eq!(same_in_every_mode("maps", |jit| run_with(&jit, &prog)), 700);
}

/// The optimized loop has no call: the lookup folded to index 1.
#[test]
fn the_lookup_folds_to_a_constant_index() {
    let prog = Prog { name: &X };
    let jit = metajit::testing::driver("threshold=3");
    assert_eq!(run_with(&jit, &prog), 500);
    let text = jit.loop_traces()[0].1.to_string();
    assert!(!text.contains("call"), "the lookup is folded:\n{text}");
    assert!(text.contains("guard_value"), "the map is promoted:\n{text}");
    assert!(
        text.contains("getarrayitem(") && text.contains(", 0, descr=array<i64>)"),
        "{text}"
    );
}
