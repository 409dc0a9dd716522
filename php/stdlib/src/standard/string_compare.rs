//! String comparisons beyond `strcmp`: bounded (`strncmp`), natural order (`strnatcmp`), and
//! similarity measures (`similar_text`, `levenshtein`).

use crate::args;
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("strncmp", strncmp),
    ("strncasecmp", strncasecmp),
    ("strnatcmp", strnatcmp),
    ("strnatcasecmp", strnatcasecmp),
    ("similar_text", similar_text),
    ("levenshtein", levenshtein),
];

/// PHP's binary comparison: the difference of the first differing bytes (after `fold`), or
/// -1/0/1 by length when one string is a prefix of the other.
pub fn binary_compare(x: &[u8], y: &[u8], fold: bool) -> i64 {
    for (&a, &b) in x.iter().zip(y) {
        let (a, b) = if fold {
            (a.to_ascii_lowercase(), b.to_ascii_lowercase())
        } else {
            (a, b)
        };
        if a != b {
            return i64::from(a) - i64::from(b);
        }
    }
    x.len().cmp(&y.len()) as i64
}

fn two(h: &mut dyn Host, name: &str, a: &[Zval]) -> Result<(PhpString, PhpString), PhpError> {
    let x = args::string(h, name, 1, "string1", &a[0])?;
    let y = args::string(h, name, 2, "string2", &a[1])?;
    Ok((x, y))
}

fn bounded(h: &mut dyn Host, name: &str, a: &[Zval], fold: bool) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 3, 3)?;
    let (x, y) = two(h, name, a)?;
    let n = args::int(h, name, 3, "length", &a[2])?;
    if n < 0 {
        let msg = format!("{name}(): Argument #3 ($length) must be greater than or equal to 0");
        return Err(h.throw("ValueError", msg));
    }
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    let (x, y) = (x.as_bytes(), y.as_bytes());
    Ok(Zval::int(binary_compare(
        &x[..n.min(x.len())],
        &y[..n.min(y.len())],
        fold,
    )))
}

fn strncmp(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    bounded(h, "strncmp", a, false)
}

fn strncasecmp(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    bounded(h, "strncasecmp", a, true)
}

/// A cursor over a string that reads NUL past its end (as C's strings do).
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }
    fn cur(&self) -> u8 {
        self.at(self.i)
    }
    fn digit(&self) -> bool {
        self.i < self.s.len() && self.s[self.i].is_ascii_digit()
    }
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// Compares the digit runs at both cursors (advancing them past the runs). Runs starting with
/// a zero compare as fractions (digit by digit, the first difference wins); others as integers
/// (the longer run wins, then the first difference).
fn compare_digits(x: &mut Cursor<'_>, y: &mut Cursor<'_>, fraction: bool) -> i64 {
    let mut bias = 0;
    loop {
        match (x.digit(), y.digit()) {
            (false, false) => return bias,
            (false, true) => return -1,
            (true, false) => return 1,
            (true, true) => {
                let (a, b) = (x.cur(), y.cur());
                if a != b {
                    let d = if a < b { -1 } else { 1 };
                    if fraction {
                        return d;
                    }
                    if bias == 0 {
                        bias = d;
                    }
                }
            }
        }
        x.i += 1;
        y.i += 1;
    }
}

/// Natural-order comparison: runs of digits compare by value, runs of whitespace are skipped.
pub fn natural_compare(a: &[u8], b: &[u8], fold: bool) -> i64 {
    if a.is_empty() || b.is_empty() {
        return a.len().cmp(&b.len()) as i64;
    }
    let mut x = Cursor { s: a, i: 0 };
    let mut y = Cursor { s: b, i: 0 };
    // Leading zeros of the whole strings are skipped (while a digit follows).
    for c in [&mut x, &mut y] {
        while c.cur() == b'0' && c.i + 1 < c.s.len() && c.s[c.i + 1].is_ascii_digit() {
            c.i += 1;
        }
    }
    loop {
        while is_c_space(x.cur()) {
            x.i += 1;
        }
        while is_c_space(y.cur()) {
            y.i += 1;
        }
        if x.digit() && y.digit() {
            let fraction = x.cur() == b'0' || y.cur() == b'0';
            let r = compare_digits(&mut x, &mut y, fraction);
            if r != 0 {
                return r;
            }
            match (x.done(), y.done()) {
                (true, true) => return 0,
                (true, false) => return -1,
                (false, true) => return 1,
                _ => {}
            }
        }
        let (mut ca, mut cb) = (x.cur(), y.cur());
        if fold {
            ca = ca.to_ascii_uppercase();
            cb = cb.to_ascii_uppercase();
        }
        if ca != cb {
            return if ca < cb { -1 } else { 1 };
        }
        x.i += 1;
        y.i += 1;
        match (x.done(), y.done()) {
            (true, true) => return 0,
            (true, false) => return -1,
            (false, true) => return 1,
            _ => {}
        }
    }
}

fn natural(h: &mut dyn Host, name: &str, a: &[Zval], fold: bool) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 2, 2)?;
    let (x, y) = two(h, name, a)?;
    Ok(Zval::int(natural_compare(x.as_bytes(), y.as_bytes(), fold)))
}

fn strnatcmp(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    natural(h, "strnatcmp", a, false)
}

fn strnatcasecmp(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    natural(h, "strnatcasecmp", a, true)
}

/// The number of bytes `x` and `y` have in common: the first longest common substring, plus
/// (recursively) what the parts before it and after it have in common.
fn similarity(x: &[u8], y: &[u8]) -> usize {
    let (mut best, mut px, mut py) = (0, 0, 0);
    for i in 0..x.len() {
        for j in 0..y.len() {
            let mut k = 0;
            while i + k < x.len() && j + k < y.len() && x[i + k] == y[j + k] {
                k += 1;
            }
            if k > best {
                (best, px, py) = (k, i, j);
            }
        }
    }
    if best == 0 {
        return 0;
    }
    let mut sum = best;
    if px > 0 && py > 0 {
        sum += similarity(&x[..px], &y[..py]);
    }
    if px + best < x.len() && py + best < y.len() {
        sum += similarity(&x[px + best..], &y[py + best..]);
    }
    sum
}

fn similar_text(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "similar_text", a, 2, 3)?;
    let (x, y) = two(h, "similar_text", a)?;
    if a.len() == 3 {
        let msg = "similar_text() with $percent is not supported yet";
        return Err(h.throw("Error", msg.into()));
    }
    Ok(Zval::int(similarity(x.as_bytes(), y.as_bytes()) as i64))
}

fn levenshtein(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "levenshtein", a, 2, 5)?;
    let (x, y) = two(h, "levenshtein", a)?;
    let mut cost = [1i64; 3];
    let names = ["insertion_cost", "replacement_cost", "deletion_cost"];
    for (i, v) in a.iter().enumerate().skip(2) {
        cost[i - 2] = args::int(h, "levenshtein", i + 1, names[i - 2], v)?;
    }
    let [ins, rep, del] = cost;
    let (x, y) = (x.as_bytes(), y.as_bytes());
    if x.is_empty() {
        return Ok(Zval::int((y.len() as i64).wrapping_mul(ins)));
    }
    if y.is_empty() {
        return Ok(Zval::int((x.len() as i64).wrapping_mul(del)));
    }
    let mut prev: Vec<i64> = (0..=y.len() as i64).map(|j| j.wrapping_mul(ins)).collect();
    let mut row = vec![0i64; y.len() + 1];
    for (i, &cx) in x.iter().enumerate() {
        row[0] = (i as i64 + 1).wrapping_mul(del);
        for (j, &cy) in y.iter().enumerate() {
            let replace = prev[j].wrapping_add(if cx == cy { 0 } else { rep });
            let insert = row[j].wrapping_add(ins);
            let delete = prev[j + 1].wrapping_add(del);
            row[j + 1] = replace.min(insert).min(delete);
        }
        std::mem::swap(&mut prev, &mut row);
    }
    Ok(Zval::int(prev[y.len()]))
}
