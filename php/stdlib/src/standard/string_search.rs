//! Searching in strings: the tail from a needle (`strstr`, `strrchr`, `strpbrk`), positions
//! (`stripos`, `strrpos`, `strripos`), counts (`substr_count`, `count_chars`) and tokens
//! (`strtok`).

use crate::args;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};
use std::cell::RefCell;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("strstr", strstr),
    ("strchr", strchr),
    ("stristr", stristr),
    ("strrchr", strrchr),
    ("strpbrk", strpbrk),
    ("stripos", stripos),
    ("strrpos", strrpos),
    ("strripos", strripos),
    ("substr_count", substr_count),
    ("count_chars", count_chars),
    ("strtok", strtok),
];

fn text(s: &[u8]) -> Zval {
    Zval::string(PhpString::new(s))
}

/// The first position of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return (from <= hay.len()).then_some(from);
    }
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The last position of `needle` in `hay` that starts in `from..=last_start`.
fn rfind(hay: &[u8], needle: &[u8], from: usize, last_start: usize) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    let last_start = last_start.min(hay.len() - needle.len());
    if from > last_start {
        return None;
    }
    (from..=last_start)
        .rev()
        .find(|&i| &hay[i..i + needle.len()] == needle)
}

fn haystack_needle(
    h: &mut dyn Host,
    name: &str,
    a: &[Zval],
    max: usize,
) -> Result<(PhpString, PhpString), PhpError> {
    args::arity(h, name, a, 2, max)?;
    let hay = args::string(h, name, 1, "haystack", &a[0])?;
    let needle = args::string(h, name, 2, "needle", &a[1])?;
    Ok((hay, needle))
}

fn tail_from(h: &mut dyn Host, name: &str, a: &[Zval], fold: bool) -> Result<Zval, PhpError> {
    let (hay, needle) = haystack_needle(h, name, a, 3)?;
    let before = a.len() == 3 && args::boolean(h, name, 3, "before_needle", &a[2])?;
    let found = if fold {
        find(
            &hay.as_bytes().to_ascii_lowercase(),
            &needle.as_bytes().to_ascii_lowercase(),
            0,
        )
    } else {
        find(hay.as_bytes(), needle.as_bytes(), 0)
    };
    let b = hay.as_bytes();
    Ok(match found {
        None => Zval::bool(false),
        Some(p) if before => text(&b[..p]),
        Some(p) => text(&b[p..]),
    })
}

fn strstr(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    tail_from(h, "strstr", a, false)
}

fn strchr(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    tail_from(h, "strchr", a, false)
}

fn stristr(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    tail_from(h, "stristr", a, true)
}

fn strrchr(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (hay, needle) = haystack_needle(h, "strrchr", a, 2)?;
    let c = needle.as_bytes().first().copied().unwrap_or(0);
    let b = hay.as_bytes();
    Ok(match b.iter().rposition(|&x| x == c) {
        Some(p) => text(&b[p..]),
        None => Zval::bool(false),
    })
}

fn strpbrk(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "strpbrk", a, 2, 2)?;
    let s = args::string(h, "strpbrk", 1, "string", &a[0])?;
    let chars = args::string(h, "strpbrk", 2, "characters", &a[1])?;
    if chars.is_empty() {
        let msg = "strpbrk(): Argument #2 ($characters) must be a non-empty string";
        return Err(h.throw("ValueError", msg.into()));
    }
    let b = s.as_bytes();
    Ok(match b.iter().position(|c| chars.as_bytes().contains(c)) {
        Some(p) => text(&b[p..]),
        None => Zval::bool(false),
    })
}

fn offset_error(h: &mut dyn Host, name: &str) -> PhpError {
    let msg =
        format!("{name}(): Argument #3 ($offset) must be contained in argument #1 ($haystack)");
    h.throw("ValueError", msg)
}

/// The haystack, needle and offset of the `strpos` family (folded to lowercase if `fold`).
fn position_args(
    h: &mut dyn Host,
    name: &str,
    a: &[Zval],
    fold: bool,
) -> Result<(Vec<u8>, Vec<u8>, i64), PhpError> {
    let (hay, needle) = haystack_needle(h, name, a, 3)?;
    let offset = if a.len() == 3 {
        args::int(h, name, 3, "offset", &a[2])?
    } else {
        0
    };
    let len = hay.len() as i64;
    if offset > len || offset < -len {
        return Err(offset_error(h, name));
    }
    let (hay, needle) = if fold {
        (
            hay.as_bytes().to_ascii_lowercase(),
            needle.as_bytes().to_ascii_lowercase(),
        )
    } else {
        (hay.as_bytes().to_vec(), needle.as_bytes().to_vec())
    };
    Ok((hay, needle, offset))
}

fn position(found: Option<usize>) -> Zval {
    found.map_or(Zval::bool(false), |p| Zval::int(p as i64))
}

fn stripos(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (hay, needle, offset) = position_args(h, "stripos", a, true)?;
    let from = if offset < 0 {
        (hay.len() as i64 + offset) as usize
    } else {
        offset as usize
    };
    Ok(position(find(&hay, &needle, from)))
}

/// `strrpos` and `strripos`: a negative offset ends the search that far from the end (a match
/// may start there at the latest), a positive one starts it there.
fn last_position(h: &mut dyn Host, name: &str, a: &[Zval], fold: bool) -> Result<Zval, PhpError> {
    let (hay, needle, offset) = position_args(h, name, a, fold)?;
    let len = hay.len();
    let found = if offset >= 0 {
        rfind(&hay, &needle, offset as usize, len)
    } else {
        let back = offset.unsigned_abs() as usize;
        let last = if back < needle.len() {
            len.checked_sub(needle.len())
        } else {
            Some(len - back)
        };
        last.and_then(|l| rfind(&hay, &needle, 0, l))
    };
    Ok(position(found))
}

fn strrpos(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    last_position(h, "strrpos", a, false)
}

fn strripos(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    last_position(h, "strripos", a, true)
}

fn substr_count(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let (hay, needle) = haystack_needle(h, "substr_count", a, 4)?;
    let offset = if a.len() > 2 {
        args::int(h, "substr_count", 3, "offset", &a[2])?
    } else {
        0
    };
    let length = match a.get(3) {
        Some(v) if !v.deref().is_null() => Some(args::int(h, "substr_count", 4, "length", v)?),
        _ => None,
    };
    if needle.is_empty() {
        let msg = "substr_count(): Argument #2 ($needle) cannot be empty";
        return Err(h.throw("ValueError", msg.into()));
    }
    let len = hay.len() as i64;
    let start = if offset < 0 { offset + len } else { offset };
    if start < 0 || start > len {
        return Err(offset_error(h, "substr_count"));
    }
    let end = match length {
        None => len,
        Some(l) => {
            let end = if l < 0 { len + l } else { start + l };
            if end < start || end > len {
                let msg = "substr_count(): Argument #4 ($length) must be contained in argument #1 ($haystack)";
                return Err(h.throw("ValueError", msg.into()));
            }
            end
        }
    };
    let b = &hay.as_bytes()[start as usize..end as usize];
    let n = needle.as_bytes();
    let (mut count, mut i) = (0, 0);
    while let Some(p) = find(b, n, i) {
        count += 1;
        i = p + n.len();
    }
    Ok(Zval::int(count))
}

fn count_chars(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "count_chars", a, 1, 2)?;
    let s = args::string(h, "count_chars", 1, "string", &a[0])?;
    let mode = if a.len() == 2 {
        args::int(h, "count_chars", 2, "mode", &a[1])?
    } else {
        0
    };
    if !(0..=4).contains(&mode) {
        let msg = "count_chars(): Argument #2 ($mode) must be between 0 and 4 (inclusive)";
        return Err(h.throw("ValueError", msg.into()));
    }
    let mut counts = [0i64; 256];
    for &c in s.as_bytes() {
        counts[c as usize] += 1;
    }
    let bytes = (0..=255u8).filter(|&c| match mode {
        1 | 3 => counts[c as usize] > 0,
        2 | 4 => counts[c as usize] == 0,
        _ => true,
    });
    if mode >= 3 {
        return Ok(text(&bytes.collect::<Vec<u8>>()));
    }
    let mut arr = PhpArray::new();
    for c in bytes {
        arr.insert(ArrayKey::Int(i64::from(c)), Zval::int(counts[c as usize]));
    }
    Ok(Zval::array(arr))
}

thread_local! {
    /// `strtok`'s string and the position of its next token.
    static TOKENS: RefCell<(Vec<u8>, usize)> = const { RefCell::new((Vec::new(), 0)) };
}

fn strtok(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "strtok", a, 1, 2)?;
    let s = args::string(h, "strtok", 1, "string", &a[0])?;
    let token = if a.len() == 2 {
        let token = args::string(h, "strtok", 2, "token", &a[1])?;
        TOKENS.with(|t| *t.borrow_mut() = (s.as_bytes().to_vec(), 0));
        token
    } else {
        s
    };
    let delims = token.as_bytes();
    TOKENS.with(|t| {
        let (s, pos) = &mut *t.borrow_mut();
        while *pos < s.len() && delims.contains(&s[*pos]) {
            *pos += 1;
        }
        if *pos >= s.len() {
            return Ok(Zval::bool(false));
        }
        let start = *pos;
        let end = s[start..]
            .iter()
            .position(|c| delims.contains(c))
            .map_or(s.len(), |p| start + p);
        *pos = (end + 1).min(s.len());
        Ok(text(&s[start..end]))
    })
}
