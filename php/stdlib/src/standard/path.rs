//! Paths as strings: `basename`, `dirname` (with levels), `pathinfo`.

use crate::args;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("basename", basename),
    ("dirname", dirname),
    ("pathinfo", pathinfo),
];

/// `PATHINFO_DIRNAME`, `PATHINFO_BASENAME`, `PATHINFO_EXTENSION`, `PATHINFO_FILENAME`.
const DIRNAME: i64 = 1;
const BASENAME: i64 = 2;
const EXTENSION: i64 = 4;
const FILENAME: i64 = 8;

/// The last component of `path` (trailing slashes ignored), without `suffix` when it ends
/// with it and is longer.
pub fn base_name<'a>(path: &'a [u8], suffix: &[u8]) -> &'a [u8] {
    let mut end = path.len();
    while end > 0 && path[end - 1] == b'/' {
        end -= 1;
    }
    let start = path[..end]
        .iter()
        .rposition(|&c| c == b'/')
        .map_or(0, |i| i + 1);
    let base = &path[start..end];
    if !suffix.is_empty() && base.len() > suffix.len() && base.ends_with(suffix) {
        &base[..base.len() - suffix.len()]
    } else {
        base
    }
}

/// The parent directory of `path` (one level).
pub fn dir_name(path: &[u8]) -> Vec<u8> {
    if path.is_empty() {
        return Vec::new();
    }
    let mut end = path.len();
    while end > 0 && path[end - 1] == b'/' {
        end -= 1;
    }
    if end == 0 {
        return b"/".to_vec();
    }
    while end > 0 && path[end - 1] != b'/' {
        end -= 1;
    }
    if end == 0 {
        return b".".to_vec();
    }
    while end > 0 && path[end - 1] == b'/' {
        end -= 1;
    }
    if end == 0 {
        return b"/".to_vec();
    }
    path[..end].to_vec()
}

fn basename(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "basename", a, 1, 2)?;
    let path = args::string(h, "basename", 1, "path", &a[0])?;
    let suffix = match a.get(1) {
        Some(v) => args::string(h, "basename", 2, "suffix", v)?,
        None => PhpString::from(""),
    };
    Ok(Zval::string(PhpString::new(base_name(
        path.as_bytes(),
        suffix.as_bytes(),
    ))))
}

fn dirname(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "dirname", a, 1, 2)?;
    let path = args::string(h, "dirname", 1, "path", &a[0])?;
    let levels = match a.get(1) {
        Some(v) => args::int(h, "dirname", 2, "levels", v)?,
        None => 1,
    };
    if levels < 1 {
        return Err(h.throw(
            "ValueError",
            "dirname(): Argument #2 ($levels) must be greater than or equal to 1".into(),
        ));
    }
    let mut cur = path.as_bytes().to_vec();
    for _ in 0..levels {
        let next = dir_name(&cur);
        let done = next.len() >= cur.len();
        cur = next;
        if done {
            break;
        }
    }
    Ok(Zval::string(PhpString::new(&cur)))
}

fn pathinfo(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "pathinfo", a, 1, 2)?;
    let path = args::string(h, "pathinfo", 1, "path", &a[0])?;
    let flags = match a.get(1) {
        Some(v) => args::int(h, "pathinfo", 2, "flags", v)?,
        None => DIRNAME | BASENAME | EXTENSION | FILENAME,
    };
    let p = path.as_bytes();
    let mut out = PhpArray::new();
    let s = |b: &[u8]| Zval::string(PhpString::new(b));
    if flags & DIRNAME != 0 {
        let d = dir_name(p);
        if !d.is_empty() {
            out.insert(ArrayKey::from_bytes(b"dirname"), s(&d));
        }
    }
    let base = base_name(p, b"");
    if flags & BASENAME != 0 {
        out.insert(ArrayKey::from_bytes(b"basename"), s(base));
    }
    let dot = base.iter().rposition(|&c| c == b'.');
    if flags & EXTENSION != 0
        && let Some(i) = dot
    {
        out.insert(ArrayKey::from_bytes(b"extension"), s(&base[i + 1..]));
    }
    if flags & FILENAME != 0 {
        out.insert(
            ArrayKey::from_bytes(b"filename"),
            s(&base[..dot.unwrap_or(base.len())]),
        );
    }
    if flags == DIRNAME | BASENAME | EXTENSION | FILENAME {
        return Ok(Zval::array(out));
    }
    Ok(match out.iter().next() {
        Some((_, v)) => v.clone(),
        None => Zval::str(""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_and_bases() {
        assert_eq!(dir_name(b"/a/b/c"), b"/a/b");
        assert_eq!(dir_name(b"a"), b".");
        assert_eq!(dir_name(b"/a"), b"/");
        assert_eq!(dir_name(b"a//b//"), b"a");
        assert_eq!(dir_name(b""), b"");
        assert_eq!(base_name(b"/a/b/c.txt", b".txt"), b"c");
        assert_eq!(base_name(b"/a/b/", b""), b"b");
        assert_eq!(base_name(b"c.txt", b"c.txt"), b"c.txt");
    }
}
