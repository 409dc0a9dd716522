//! PHP 8's comparisons: `==` and `<=>` (loose, with PHP 8's string-number rules) and `===`.
//!
//! `<=>` gives -1, 0 or 1. Two arrays compare by size first, then entry by entry in the left
//! array's order; an entry whose key the right array lacks makes them *uncomparable*, which
//! PHP reports as 1 (so `$a < $b` and `$a > $b` can both be false). Comparing nested arrays
//! grows the stack on demand, and an array that contains itself (through a reference) is
//! PHP's fatal error "Nesting level too deep - recursive dependency?".

use crate::array::Table;
use crate::convert::to_bool;
use crate::format::{Style, float_to_string};
use crate::number::{Num, Numeric, parse_numeric, parse_numeric_overflow, str_to_float};
use crate::object::PhpObject;
use crate::resource::PhpResource;
use crate::value::{View, Zval};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashSet;

/// Comparing reached an array that is already being compared (a recursive structure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NestingTooDeep;

impl NestingTooDeep {
    /// PHP's fatal error message.
    pub const MESSAGE: &'static str = "Nesting level too deep - recursive dependency?";
}

fn sign(o: Ordering) -> i32 {
    o as i32
}

fn float_cmp(a: f64, b: f64) -> i32 {
    // PHP's three-way comparison: anything involving NAN is "greater".
    if a == b {
        0
    } else if a < b {
        -1
    } else {
        1
    }
}

fn normalize_f(d: f64) -> i32 {
    if d > 0.0 {
        1
    } else if d < 0.0 {
        -1
    } else {
        0
    }
}

/// Compares two strings as `<=>` does: numerically when both are wholly numeric, else bytewise.
pub fn compare_strings(a: &[u8], b: &[u8]) -> i32 {
    let (na, oa) = parse_numeric_overflow(a);
    let (nb, ob) = parse_numeric_overflow(b);
    if let (Numeric::Whole(x), Numeric::Whole(y)) = (na, nb) {
        match (x, y) {
            (Num::Int(x), Num::Int(y)) => return sign(x.cmp(&y)),
            _ => {
                let (dx, dy) = (x.to_f64(), y.to_f64());
                // Integers too big for an int, overflowing the same way to the same float, or
                // two equal infinities: a numeric comparison would be wrong; compare bytes.
                let same_overflow = oa != 0 && oa == ob && dx - dy == 0.0;
                let same_infinity = dx == dy && !dx.is_finite();
                if !same_overflow && !same_infinity {
                    if matches!(x, Num::Int(_)) && ob != 0 {
                        return -i32::from(ob);
                    }
                    if matches!(y, Num::Int(_)) && oa != 0 {
                        return i32::from(oa);
                    }
                    return normalize_f(dx - dy);
                }
            }
        }
    }
    sign(a.cmp(b))
}

fn compare_int_string(i: i64, s: &[u8]) -> i32 {
    match parse_numeric(s) {
        Numeric::Whole(Num::Int(j)) => sign(i.cmp(&j)),
        Numeric::Whole(Num::Float(f)) => float_cmp(i as f64, f),
        _ => sign(i.to_string().as_bytes().cmp(s)),
    }
}

fn compare_float_string(d: f64, s: &[u8]) -> i32 {
    match parse_numeric(s) {
        Numeric::Whole(n) => float_cmp(d, n.to_f64()),
        _ => {
            if d.is_nan() {
                return 1;
            }
            sign(float_to_string(d, Style::Echo).as_bytes().cmp(s))
        }
    }
}

thread_local! {
    /// The arrays being compared (to find recursive structures).
    static ACTIVE: RefCell<HashSet<*const Table>> = RefCell::new(HashSet::new());
}

fn compare_arrays(a: &Table, b: &Table, strict: bool) -> Result<i32, NestingTooDeep> {
    if std::ptr::eq(a, b) {
        return Ok(0);
    }
    if a.len() != b.len() {
        return Ok(sign(a.len().cmp(&b.len())));
    }
    let key: *const Table = a;
    if !ACTIVE.with(|s| s.borrow_mut().insert(key)) {
        return Err(NestingTooDeep);
    }
    let result = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
        if strict {
            for ((ka, va), (kb, vb)) in a.iter().zip(b.iter()) {
                if ka != kb || !identical(va, vb)? {
                    return Ok(1);
                }
            }
            return Ok(0);
        }
        for (k, va) in a.iter() {
            let Some(vb) = b.get(k.as_ref()) else {
                return Ok(1);
            };
            let c = compare(va, vb)?;
            if c != 0 {
                return Ok(c);
            }
        }
        Ok(0)
    });
    ACTIVE.with(|s| s.borrow_mut().remove(&key));
    result
}

/// `a <=> b` (and the basis of `==`, `<`, `<=`, `>`, `>=`).
pub fn compare(a: &Zval, b: &Zval) -> Result<i32, NestingTooDeep> {
    use View::*;
    Ok(match (a.view(), b.view()) {
        (Ref(r), _) => return r.with(|a| compare(a, b)),
        (_, Ref(r)) => return r.with(|b| compare(a, b)),
        // A resource compares as its number, except with bools, null, arrays and objects.
        (Resource(x), Resource(y)) => sign(x.id().cmp(&y.id())),
        (Resource(x), Int(_) | Float(_)) => return compare(&Zval::int(x.id()), b),
        (Int(_) | Float(_), Resource(y)) => return compare(a, &Zval::int(y.id())),
        (Resource(x), Str(s)) => float_cmp(x.id() as f64, str_to_float(s.as_bytes())),
        (Str(s), Resource(y)) => float_cmp(str_to_float(s.as_bytes()), y.id() as f64),
        (Int(x), Int(y)) => sign(x.cmp(&y)),
        (Int(x), Float(y)) => float_cmp(x as f64, y),
        (Float(x), Int(y)) => float_cmp(x, y as f64),
        (Float(x), Float(y)) => float_cmp(x, y),
        (Array(x), Array(y)) => return compare_arrays(x, y, false),
        (Object(x), Object(y)) => {
            if PhpObject::ptr_eq(x, y) {
                0
            } else if x.class().id == y.class().id {
                return compare_arrays(x.props(), y.props(), false);
            } else {
                1
            }
        }
        // An object as a number is 1 (PHP also warns; the VM compares objects itself).
        (Object(_), Int(_) | Float(_)) => return compare(&Zval::int(1), b),
        (Int(_) | Float(_), Object(_)) => return compare(a, &Zval::int(1)),
        (Undef | Null, Undef | Null) => 0,
        (Undef | Null, Str(s)) => -i32::from(!s.is_empty()),
        (Str(s), Undef | Null) => i32::from(!s.is_empty()),
        (Str(x), Str(y)) => compare_strings(x.as_bytes(), y.as_bytes()),
        (Int(i), Str(s)) => compare_int_string(i, s.as_bytes()),
        (Str(s), Int(i)) => -compare_int_string(i, s.as_bytes()),
        (Float(d), Str(s)) => compare_float_string(d, s.as_bytes()),
        (Str(s), Float(d)) => -compare_float_string(d, s.as_bytes()),
        (Undef | Null | Bool(false), _) => -i32::from(to_bool(b)),
        (Bool(true), _) => i32::from(!to_bool(b)),
        (_, Undef | Null | Bool(false)) => i32::from(to_bool(a)),
        (_, Bool(true)) => -i32::from(!to_bool(a)),
        (Object(_), _) => 1,
        (_, Object(_)) => -1,
        (Array(_), _) => 1,
        (_, Array(_)) => -1,
    })
}

/// `a == b`.
pub fn loose_eq(a: &Zval, b: &Zval) -> Result<bool, NestingTooDeep> {
    Ok(compare(a, b)? == 0)
}

/// `a === b`: same type and value; arrays with the same entries in the same order.
pub fn identical(a: &Zval, b: &Zval) -> Result<bool, NestingTooDeep> {
    use View::*;
    Ok(match (a.view(), b.view()) {
        (Ref(r), _) => return r.with(|a| identical(a, b)),
        (_, Ref(r)) => return r.with(|b| identical(a, b)),
        (Undef | Null, Undef | Null) => true,
        (Bool(x), Bool(y)) => x == y,
        (Int(x), Int(y)) => x == y,
        (Float(x), Float(y)) => x == y,
        (Str(x), Str(y)) => x == y,
        (Array(x), Array(y)) => x.len() == y.len() && compare_arrays(x, y, true)? == 0,
        (Object(x), Object(y)) => PhpObject::ptr_eq(x, y),
        (Resource(x), Resource(y)) => PhpResource::ptr_eq(x, y),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    // Expected values are what `php -n` 8.2 prints for the same comparisons.
    use super::*;
    use crate::PhpArray;
    use crate::array::ArrayKey;
    use crate::value::PhpRef;

    fn cmp(a: Zval, b: Zval) -> i32 {
        compare(&a, &b).unwrap()
    }

    fn eq(a: Zval, b: Zval) -> bool {
        loose_eq(&a, &b).unwrap()
    }

    fn list(v: &[i64]) -> Zval {
        Zval::array(PhpArray::from_list(v.iter().map(|&i| Zval::int(i))))
    }

    #[test]
    fn php8_string_number_rules() {
        assert!(eq(Zval::str("1e3"), Zval::str("1000")));
        assert!(!eq(Zval::str("abc"), Zval::int(0)));
        assert!(eq(Zval::str("1"), Zval::str("01")));
        assert!(eq(Zval::str("10"), Zval::str("1e1")));
        assert!(eq(Zval::int(100), Zval::str("1e2")));
        assert!(eq(Zval::str("1"), Zval::float(1.0)));
        assert!(eq(Zval::str("1.0"), Zval::str("1")));
        assert!(!eq(Zval::int(0), Zval::str("")));
        assert!(eq(Zval::str(" 1"), Zval::int(1)));
        assert!(eq(Zval::str("1 "), Zval::int(1)));
        assert!(eq(Zval::str("\n1"), Zval::str("1")));
        assert!(eq(Zval::str("1\n"), Zval::str("1")));
        assert!(!eq(
            Zval::str("9223372036854775808"),
            Zval::str("9223372036854775809")
        ));
        assert!(!eq(Zval::str("1e1000"), Zval::str("1e1001")));
        assert!(eq(Zval::float(1.5), Zval::str("1.5")));
        assert!(!eq(Zval::str("abc"), Zval::str("ABC")));
        assert_eq!(cmp(Zval::str("abc"), Zval::str("abd")), -1);
        assert_eq!(cmp(Zval::str("abc"), Zval::str("abcd")), -1);
        assert_eq!(cmp(Zval::str("10"), Zval::str("9")), 1);
        assert_eq!(cmp(Zval::str("10"), Zval::str("9a")), -1);
        assert_eq!(cmp(Zval::int(10), Zval::str("9a")), -1);
    }

    #[test]
    fn null_and_bool() {
        assert!(eq(Zval::NULL, Zval::bool(false)));
        assert!(eq(Zval::str(""), Zval::NULL));
        assert!(eq(Zval::str("0"), Zval::bool(false)));
        assert!(eq(Zval::str(""), Zval::bool(false)));
        assert!(eq(Zval::str("a"), Zval::bool(true)));
        assert!(!eq(Zval::str("0.0"), Zval::bool(false)));
        assert_eq!(cmp(Zval::str("abc"), Zval::NULL), 1);
        assert_eq!(cmp(Zval::NULL, Zval::str("")), 0);
        assert_eq!(cmp(Zval::NULL, Zval::int(5)), -1);
        assert_eq!(cmp(Zval::NULL, Zval::int(-5)), -1);
        assert!(eq(list(&[]), Zval::bool(false)));
        assert_eq!(cmp(list(&[]), Zval::NULL), 0);
    }

    #[test]
    fn arrays() {
        assert_eq!(cmp(list(&[1, 2]), list(&[1, 3])), -1);
        assert_eq!(cmp(list(&[1, 2, 3]), list(&[9, 9])), 1);
        assert_eq!(cmp(list(&[1]), Zval::int(5)), 1);
        assert_eq!(cmp(Zval::int(5), list(&[1])), -1);
        // Same pairs, different order: equal, not identical.
        let mut a = PhpArray::new();
        a.insert(ArrayKey::from("x"), Zval::int(1));
        a.insert(ArrayKey::from("y"), Zval::int(2));
        let mut b = PhpArray::new();
        b.insert(ArrayKey::from("y"), Zval::int(2));
        b.insert(ArrayKey::from("x"), Zval::int(1));
        let (a, b) = (Zval::array(a), Zval::array(b));
        assert!(loose_eq(&a, &b).unwrap());
        assert!(!identical(&a, &b).unwrap());
        assert!(identical(&a, &a.clone()).unwrap());
        // A missing key: uncomparable, 1 both ways.
        let mut c = PhpArray::new();
        c.insert(ArrayKey::from("z"), Zval::int(1));
        c.insert(ArrayKey::from("y"), Zval::int(2));
        let c = Zval::array(c);
        assert_eq!(compare(&a, &c), Ok(1));
        assert_eq!(compare(&c, &a), Ok(1));
    }

    #[test]
    fn identity() {
        assert!(!identical(&Zval::int(1), &Zval::float(1.0)).unwrap());
        assert!(!identical(&Zval::float(f64::NAN), &Zval::float(f64::NAN)).unwrap());
        assert!(identical(&Zval::str("a"), &Zval::str("a")).unwrap());
        assert!(!identical(&Zval::bool(false), &Zval::NULL).unwrap());
        assert!(!identical(&list(&[1, 2]), &list(&[2, 1])).unwrap());
    }

    #[test]
    fn nan() {
        let nan = || Zval::float(f64::NAN);
        assert!(!eq(nan(), nan()));
        assert_eq!(cmp(nan(), Zval::int(1)), 1);
        assert_eq!(cmp(Zval::int(1), nan()), 1);
    }

    #[test]
    fn deep_and_recursive_arrays() {
        // 100,000 levels of nesting compare without overflowing the stack.
        let deep = || {
            let mut v = Zval::int(0);
            for _ in 0..100_000 {
                v = Zval::array(PhpArray::from_list([v]));
            }
            v
        };
        assert_eq!(compare(&deep(), &deep()), Ok(0));
        // $a = [1]; $a[] = &$a; (and $b likewise)
        let cyclic = || {
            let r = PhpRef::new(Zval::NULL);
            let mut arr = PhpArray::from_list([Zval::int(1)]);
            arr.append(Zval::reference(r.clone())).unwrap();
            r.replace(Zval::array(arr));
            r
        };
        let (ra, rb) = (cyclic(), cyclic());
        let (a, b) = (ra.get(), rb.get());
        // $c = [1, &$a]: its second entry is the same reference: equal without recursing.
        let c = Zval::array(PhpArray::from_list([
            Zval::int(1),
            Zval::reference(ra.clone()),
        ]));
        assert_eq!(compare(&a, &c), Ok(0));
        // $a == $b: PHP's "Nesting level too deep".
        assert_eq!(compare(&a, &b), Err(NestingTooDeep));
        // Break the cycles so the test does not leak.
        ra.replace(Zval::NULL);
        rb.replace(Zval::NULL);
    }
}
