//! Tests of the cycle collector on the runtime's own values (no VM: no destructors run).

use super::*;
use crate::PhpArray;
use crate::object::{Class, PhpObject};
use crate::value::PhpRef;

fn class() -> &'static Class {
    Box::leak(Box::new(Class {
        id: 0,
        name: b"stdClass".to_vec().into(),
        lower: b"stdclass".to_vec().into(),
        flags: 0,
        parent: None,
        interfaces: Vec::new(),
        props: Vec::new(),
        methods: Default::default(),
        consts: Default::default(),
        statics: Default::default(),
    }))
}

/// `$a = []; $a[] = &$a;` and the array it builds.
fn self_referencing_array() -> (PhpRef, PhpArray) {
    let r = PhpRef::new(Zval::array(PhpArray::new()));
    let mut a = PhpArray::new();
    a.append(Zval::reference(r.clone())).expect("append");
    let seen = a.clone();
    r.replace(Zval::array(a));
    (r, seen)
}

#[test]
fn frees_an_array_cycle_through_a_reference() {
    collect_cycles();
    let (r, a) = self_referencing_array();
    drop(a);
    // Still held by the variable: nothing to free.
    assert_eq!(collect_cycles(), 0);
    assert_eq!(r.refcount(), 2);
    drop(r);
    // The array (counted) and the reference (not counted, as in PHP).
    assert_eq!(collect_cycles(), 1);
    assert_eq!(status().3, 0);
}

#[test]
fn frees_objects_holding_each_other_not_live_ones() {
    collect_cycles();
    let c = class();
    let parent = PhpObject::new(c);
    let child = PhpObject::new(c);
    child.set(b"parent", Zval::object(parent.clone()));
    let mut list = PhpArray::new();
    list.append(Zval::object(child.clone())).expect("append");
    parent.set(b"children", Zval::array(list));
    drop(child);
    assert_eq!(collect_cycles(), 0);
    assert_eq!(parent.refcount(), 2);
    drop(parent);
    // Two objects and the array of children.
    assert_eq!(collect_cycles(), 3);
    assert_eq!(status().3, 0);
}

#[test]
fn a_cycle_held_from_outside_survives_with_its_contents() {
    collect_cycles();
    let o = PhpObject::new(class());
    o.set(b"me", Zval::object(o.clone()));
    o.set(b"name", Zval::str("kept"));
    let keep = Zval::object(o.clone());
    drop(o);
    assert_eq!(collect_cycles(), 0);
    let crate::value::View::Object(o) = keep.view() else {
        panic!("not an object");
    };
    assert!(matches!(
        o.get(b"name").map(|v| v.deref().into_string()),
        Some(Ok(_))
    ));
    // The counts the collection took off for its trial are back.
    assert_eq!(o.refcount(), 2);
    // The live root left the buffer.
    assert_eq!(status().3, 0);
}

#[test]
fn long_chains_are_walked_without_recursion() {
    collect_cycles();
    // A ring of 200000 arrays linked through references: one cycle.
    let first = PhpRef::new(Zval::NULL);
    let mut next = first.clone();
    for _ in 0..200_000 {
        let mut a = PhpArray::new();
        a.append(Zval::reference(next)).expect("append");
        next = PhpRef::new(Zval::array(a));
    }
    first.replace(next.get());
    drop(next);
    drop(first);
    assert_eq!(collect_cycles(), 200_000);
}
