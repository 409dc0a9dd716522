//! Classes and nullable references in traced code: a loop over a linked list of shapes of two
//! classes (`#[jit(class)]`) tests each shape's class with `metajit::downcast` (recorded as
//! `guard_class`) and walks the list through `Option<Ref<Node>>` links (`guard_nonnull` and
//! `guard_isnull`); `record_exact_class` and objects made by `new!` give the optimizer classes
//! it then needs no guard for. Every mode computes the same.

use metajit::testing::{driver, same_in_every_mode};
use metajit::{ClassFirst, ClassPtr, JitClass, JitDriver, JitNew, JitStruct, Ref};
use std::cell::RefCell;

/// What every shape starts with.
#[repr(C)]
struct Shape {
    class: ClassPtr,
}

// SAFETY: a Shape is its class word.
unsafe impl ClassFirst for Shape {}

#[derive(JitStruct)]
#[repr(C)]
#[jit(class)]
struct Circle {
    header: Shape,
    #[jit(immutable)]
    r: i64,
}

// SAFETY: every Circle is made by `circle` or `blank`, which store its class word.
unsafe impl JitClass for Circle {}

#[derive(JitStruct)]
#[repr(C)]
#[jit(class)]
struct Square {
    class: ClassPtr,
    #[jit(immutable)]
    side: i64,
}

// SAFETY: every Square is made by `square`, which stores its class word.
unsafe impl JitClass for Square {}

/// A list cell.
#[derive(JitStruct)]
#[repr(C)]
struct Node {
    #[jit(immutable)]
    shape: Ref<Shape>,
    #[jit(immutable)]
    next: Option<Ref<Node>>,
}

thread_local! {
    /// Objects made by `blank`, freed at the end of each run (boxed: they must not move).
    #[allow(clippy::vec_box)]
    static CIRCLES: RefCell<Vec<Box<Circle>>> = const { RefCell::new(Vec::new()) };
}

// SAFETY: a live boxed circle kept by the thread's list, with its class word; `r` owns nothing.
unsafe impl JitNew for Circle {
    const BLANK_WRITES: Option<&'static [&'static str]> = Some(&[]);
    fn blank() -> Ref<Circle> {
        let mut c = circle(0);
        let r = Ref::new_mut(&mut *c);
        CIRCLES.with(|o| o.borrow_mut().push(c));
        r
    }
}

fn circle(r: i64) -> Box<Circle> {
    Box::new(Circle {
        header: Shape {
            class: ClassPtr::of::<Circle>(),
        },
        r,
    })
}

fn square(side: i64) -> Box<Square> {
    Box::new(Square {
        class: ClassPtr::of::<Square>(),
        side,
    })
}

#[derive(JitStruct)]
#[repr(C)]
struct Frame {
    #[jit(virtualizable)]
    cur: Option<Ref<Node>>,
    #[jit(virtualizable)]
    rounds: i64,
    #[jit(virtualizable)]
    acc: i64,
    #[jit(immutable)]
    head: Option<Ref<Node>>,
    /// A shape the program knows is a circle (the first).
    #[jit(immutable)]
    known: Ref<Shape>,
}

#[metajit::interpreter(greens(pc), reds(frame), virtualizable(frame), driver = jit)]
fn walk(jit: &JitDriver, pc: usize, frame: &mut Frame) -> i64 {
    loop {
        metajit::merge_point!();
        if pc == 0 {
            match frame.cur {
                None => {
                    if frame.rounds == 0 {
                        return frame.acc;
                    }
                    frame.rounds -= 1;
                    frame.cur = frame.head;
                }
                Some(node) => {
                    let s = node.shape;
                    if let Some(c) = metajit::downcast::<Circle>(s) {
                        frame.acc += 3 * c.r * c.r;
                    } else if let Some(q) = metajit::downcast::<Square>(s) {
                        frame.acc += q.side * q.side;
                    }
                    // A temporary of a class: its class is known, it needs no guard.
                    let t = metajit::new!(Circle { r: frame.acc % 5 });
                    if metajit::has_class::<Square>(t) {
                        frame.acc -= 1000;
                    } else if metajit::has_class::<Circle>(t) {
                        frame.acc += t.r;
                    }
                    // A shape known to be a circle: no guard either.
                    let k = frame.known;
                    metajit::record_exact_class::<Circle>(k);
                    if let Some(c) = metajit::downcast::<Circle>(k) {
                        frame.acc += c.r;
                    }
                    frame.cur = node.next;
                }
            }
            metajit::can_enter_jit!();
            continue;
        }
    }
}

/// Walks a list of `n` shapes (`pattern(i)`: a circle when true) `rounds + 1` times.
fn walk_with(jit: &JitDriver, n: i64, rounds: i64, pattern: impl Fn(i64) -> bool) -> i64 {
    let circles: Vec<Box<Circle>> = (0..n).map(|i| circle(i % 7 + 1)).collect();
    let squares: Vec<Box<Square>> = (0..n).map(|i| square(i % 5 + 2)).collect();
    let shape = |i: i64| -> Ref<Shape> {
        if pattern(i) {
            Ref::from_ptr(&*circles[i as usize] as *const Circle as *mut Shape)
        } else {
            Ref::from_ptr(&*squares[i as usize] as *const Square as *mut Shape)
        }
    };
    let mut nodes: Vec<Box<Node>> = Vec::new();
    let mut next = None;
    for i in (0..n).rev() {
        let mut node = Box::new(Node {
            shape: shape(i),
            next,
        });
        next = Some(Ref::new_mut(&mut *node));
        nodes.push(node);
    }
    let mut frame = Frame {
        cur: next,
        rounds,
        acc: 0,
        head: next,
        known: Ref::from_ptr(&*circles[0] as *const Circle as *mut Shape),
    };
    let r = walk(jit, 0, &mut frame);
    CIRCLES.with(|o| o.borrow_mut().clear());
    r
}

/// What the walk computes, in plain Rust.
fn expected(n: i64, rounds: i64, pattern: impl Fn(i64) -> bool) -> i64 {
    let mut acc = 0i64;
    for _ in 0..=rounds {
        for i in 0..n {
            acc += if pattern(i) {
                let r = i % 7 + 1;
                3 * r * r
            } else {
                let s = i % 5 + 2;
                s * s
            };
            acc += acc % 5;
            acc += 1;
        }
    }
    acc
}

#[test]
fn class_tests_and_null_tests_agree_in_every_mode() {
    let mixed = |i: i64| i % 3 != 1;
    let got = same_in_every_mode("classes", |jit| walk_with(&jit, 40, 30, mixed));
    assert_eq!(got, expected(40, 30, mixed));
}

/// The loop over circles guards the class once per shape and the link once per node; the
/// temporary and the circle `record_exact_class` names need no class guard.
#[test]
fn the_loop_guards_classes_and_links() {
    let circles = |_: i64| true;
    let jit = driver("threshold=3");
    assert_eq!(walk_with(&jit, 200, 0, circles), expected(200, 0, circles));
    let text = jit.loop_traces()[0].1.to_string();
    assert!(text.contains("record_exact_class("), "{text}");
    let body = &text[text.rfind("label(").expect("a loop")..];
    assert_eq!(
        body.matches("guard_class(").count(),
        1,
        "one class guard (the shape's):\n{text}"
    );
    assert_eq!(
        body.matches("guard_nonnull(").count(),
        1,
        "one null test (the link):\n{text}"
    );
    for op in ["new", "getclass(", "guard_isnull("] {
        assert!(!body.contains(op), "the loop has no `{op}`:\n{text}");
    }
}

/// A class is a static per struct: two structs have two classes.
#[test]
fn classes_are_distinct() {
    assert_ne!(ClassPtr::of::<Circle>(), ClassPtr::of::<Square>());
    assert_eq!(ClassPtr::of::<Circle>().class().name, "Circle");
    let c = circle(3);
    assert!(metajit::has_class::<Circle>(Ref::new(&*c)));
    assert!(metajit::downcast::<Square>(Ref::new(&*c)).is_none());
}
