//! Array behaviour checked against what `php -n` 8.2 does with the same operations.

use super::*;

fn keys(t: &Table) -> Vec<String> {
    t.iter().map(|(k, _)| format!("{k:?}")).collect()
}

fn int(z: Option<&Zval>) -> Option<i64> {
    match z?.view() {
        View::Int(i) => Some(i),
        _ => None,
    }
}

#[test]
fn filling_a_hole_appends_in_insertion_order() {
    // $a=[0,1,2]; unset($a[1]); $a[1]='x'; -> keys 0,2,1
    let mut a = PhpArray::from_list((0..3).map(Zval::int));
    assert!(a.is_packed());
    a.remove(KeyRef::Int(1));
    assert!(a.is_packed(), "a hole keeps the packed form");
    a.insert(ArrayKey::Int(1), Zval::str("x"));
    assert!(!a.is_packed());
    assert_eq!(keys(&a), ["0", "2", "1"]);
    assert_eq!(int(a.get(KeyRef::Int(2))), Some(2));
}

#[test]
fn keys_are_normalized_and_next_index_follows_the_largest() {
    // $a=["b"=>1,"a"=>2,"10"=>3,5=>4]; $a[]=5; -> b,a,10,5,11
    let mut a = PhpArray::new();
    for (i, k) in ["b", "a", "10"].into_iter().enumerate() {
        a.insert(ArrayKey::from(k), Zval::int(i as i64 + 1));
    }
    a.insert(ArrayKey::Int(5), Zval::int(4));
    assert_eq!(a.append(Zval::int(5)), Ok(11));
    assert_eq!(keys(&a), ["\"b\"", "\"a\"", "10", "5", "11"]);
    assert_eq!(int(a.get(KeyRef::from_bytes(b"10"))), Some(3));
    assert!(a.get(KeyRef::from_bytes(b"010")).is_none());
}

#[test]
fn next_index_survives_removal_and_follows_negative_keys() {
    // $a=[1,2,3]; unset all three; $a[]=4 -> key 3.
    let mut a = PhpArray::from_list((1..=3).map(Zval::int));
    for k in 0..3 {
        a.remove(KeyRef::Int(k));
    }
    assert_eq!(a.append(Zval::int(4)), Ok(3));
    // $b=[-5=>1]; $b[]=2 -> keys -5,-4.
    let mut b = PhpArray::new();
    b.insert(ArrayKey::Int(-5), Zval::int(1));
    assert_eq!(b.append(Zval::int(2)), Ok(-4));
}

#[test]
fn append_after_the_largest_int_fails() {
    let mut a = PhpArray::new();
    a.insert(ArrayKey::Int(i64::MAX - 1), Zval::int(1));
    assert_eq!(a.append(Zval::int(2)), Ok(i64::MAX));
    assert_eq!(a.append(Zval::int(3)), Err(NextKeyOccupied));
    assert_eq!(a.len(), 2);
}

#[test]
fn internal_pointer() {
    // next; unset the current entry: current() is the following one.
    let mut a = PhpArray::from_list((1..=3).map(Zval::int));
    let t = a.make_mut();
    t.advance();
    t.remove(KeyRef::Int(1));
    assert_eq!(int(t.current().map(|(_, v)| v)), Some(3));
    // end; next: past the end, and prev does not come back.
    t.end();
    assert_eq!(int(t.current().map(|(_, v)| v)), Some(3));
    t.advance();
    assert!(t.current().is_none());
    t.retreat();
    assert!(t.current().is_none());
    // prev before the first entry: nowhere.
    t.reset();
    t.retreat();
    assert!(t.current().is_none());
}

#[test]
fn copy_on_write() {
    let mut a = PhpArray::from_list((0..4).map(Zval::int));
    let b = a.clone();
    assert_eq!(a.refcount(), 2);
    a.insert(ArrayKey::Int(0), Zval::int(100));
    assert!(!PhpArray::ptr_eq(&a, &b));
    assert_eq!(int(b.get(KeyRef::Int(0))), Some(0));
    assert_eq!(int(a.get(KeyRef::Int(0))), Some(100));
    assert_eq!((a.refcount(), b.refcount()), (1, 1));
}

#[test]
fn separation_copies_references_held_by_the_array_alone() {
    use crate::value::PhpRef;
    // $x = 1; $a = [&$x]; $b = $a; $b[0] = 2; -> $x is 2: the reference is shared.
    let x = PhpRef::new(Zval::int(1));
    let a = PhpArray::from_list([Zval::reference(x.clone())]);
    let mut b = a.clone();
    b.make_mut();
    assert!(matches!(
        b.get(KeyRef::Int(0)).unwrap().view(),
        View::Ref(_)
    ));
    // A reference nobody else holds is copied as its value.
    drop(x);
    let mut c = a.clone();
    drop(b);
    c.make_mut();
    assert!(matches!(
        c.get(KeyRef::Int(0)).unwrap().view(),
        View::Int(1)
    ));
}

#[test]
fn many_inserts_and_removes_stay_consistent() {
    // A queue of string keys: dead slots are squeezed out, the contents stay right.
    let mut a = PhpArray::new();
    let mut model = std::collections::VecDeque::new();
    for i in 0..10_000i64 {
        let k = format!("k{i}");
        a.insert(ArrayKey::from(k.as_str()), Zval::int(i));
        model.push_back(k);
        if i % 3 != 0 {
            let old = model.pop_front().unwrap();
            assert!(a.remove(KeyRef::from_bytes(old.as_bytes())).is_some());
        }
    }
    assert_eq!(a.len(), model.len());
    let got: Vec<String> = a
        .iter()
        .map(|(k, _)| match k {
            ArrayKey::Str(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            ArrayKey::Int(i) => i.to_string(),
        })
        .collect();
    assert_eq!(got, Vec::from(model));
    assert!(
        a.slots.len() <= 4 * a.len() + 16,
        "dead slots are reclaimed"
    );
}

#[test]
fn a_packed_queue_is_reclaimed_too() {
    let mut a = PhpArray::new();
    for i in 0..10_000 {
        a.append(Zval::int(i)).unwrap();
        if i >= 10 {
            a.remove(KeyRef::Int(i - 10));
        }
    }
    assert_eq!(a.len(), 10);
    assert_eq!(int(a.get(KeyRef::Int(9999))), Some(9999));
    assert_eq!(a.next_index(), 10_000);
    assert!(a.slots.len() <= 64);
}
