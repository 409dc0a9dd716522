//! The `pcre` extension: PHP's `preg_*` functions on a regex engine of our own.
//!
//! A pattern goes from PHP's delimited form (`/abc/i`, `{a}x`) through [`parse`] (syntax
//! tree, PCRE2's compile errors and offsets) and [`compile`] (a flat program) to [`exec`], a
//! backtracking matcher with an explicit, bounded stack and `pcre.backtrack_limit`. Compiled
//! patterns are cached per thread by their full text, as PHP caches them. The PHP functions
//! are in [`matching`], [`replace`] and [`split`]; the error state `preg_last_error` reports
//! lives here.

pub mod ast;
pub mod chars;
mod class;
pub mod compile;
mod escape;
pub mod exec;
pub mod matching;
pub mod parse;
mod props;
pub mod replace;
pub mod split;
mod subroutine;

use compile::Program;
use exec::{ExecError, ExecOptions, Slots};
use parse::Flags;
use php_runtime::{Builtin, Host, PhpError, PhpString};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// The functions of this extension.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("preg_match", matching::preg_match),
    ("preg_match_all", matching::preg_match_all),
    ("preg_grep", matching::preg_grep),
    ("preg_quote", matching::preg_quote),
    ("preg_last_error", matching::preg_last_error),
    ("preg_last_error_msg", matching::preg_last_error_msg),
    ("preg_replace", replace::preg_replace),
    ("preg_filter", replace::preg_filter),
    ("preg_replace_callback", replace::preg_replace_callback),
    (
        "preg_replace_callback_array",
        replace::preg_replace_callback_array,
    ),
    ("preg_split", split::preg_split),
];

/// The by-reference parameters of this extension (0-based).
pub const BY_REF: &[(&str, &[usize])] = &[
    ("preg_match", &[2]),
    ("preg_match_all", &[2]),
    ("preg_replace", &[4]),
    ("preg_filter", &[4]),
    ("preg_replace_callback", &[4]),
    ("preg_replace_callback_array", &[3]),
];

/// `preg_last_error()` codes.
pub const NO_ERROR: i64 = 0;
pub const INTERNAL_ERROR: i64 = 1;
pub const BACKTRACK_LIMIT_ERROR: i64 = 2;
pub const RECURSION_LIMIT_ERROR: i64 = 3;
pub const BAD_UTF8_ERROR: i64 = 4;
pub const BAD_UTF8_OFFSET_ERROR: i64 = 5;
pub const JIT_STACKLIMIT_ERROR: i64 = 6;
/// Not a PHP code: a match that ends before it starts (`\K` in a lookahead), which PHP
/// reports as "Get subpatterns list failed" or an internal error.
pub const BAD_MATCH_OFFSETS: i64 = -1;

/// How many compiled patterns the cache keeps (PHP's limit too).
const CACHE_SIZE: usize = 4096;

/// How many instructions the cached programs may hold in all (about 16 MB).
const CACHE_INSTS: usize = 1 << 20;

/// Compiled patterns by their full text, and their total instruction count.
#[derive(Default)]
struct Cache {
    programs: HashMap<Vec<u8>, Rc<Program>>,
    insts: usize,
}

thread_local! {
    static LAST_ERROR: Cell<i64> = const { Cell::new(NO_ERROR) };
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
    /// The last subject found to be valid UTF-8 (strings are immutable, so a subject that is
    /// the same string needs no new check: PHP keeps this as a flag on the string).
    static VALID_UTF8: RefCell<Option<PhpString>> = const { RefCell::new(None) };
}

/// Sets the code `preg_last_error` returns.
pub fn set_error(code: i64) {
    let code = if code == BAD_MATCH_OFFSETS {
        INTERNAL_ERROR
    } else {
        code
    };
    LAST_ERROR.with(|e| e.set(code));
}

/// The code `preg_last_error` returns.
pub fn last_error() -> i64 {
    LAST_ERROR.with(Cell::get)
}

/// The compiled form of a delimited pattern, from the cache or compiled now. On a bad
/// pattern this prints PHP's warning (prefixed with `func`), records the internal error and
/// returns `None`.
pub fn regex(
    h: &mut dyn Host,
    func: &str,
    pattern: &[u8],
) -> Result<Option<Rc<Program>>, PhpError> {
    if let Some(p) = CACHE.with(|c| c.borrow().programs.get(pattern).cloned()) {
        return Ok(Some(p));
    }
    match compile_delimited(pattern) {
        Ok(p) => {
            let p = Rc::new(p);
            CACHE.with(|c| {
                let mut c = c.borrow_mut();
                if c.programs.len() >= CACHE_SIZE || c.insts + p.insts.len() > CACHE_INSTS {
                    c.programs.clear();
                    c.insts = 0;
                }
                c.insts += p.insts.len();
                c.programs.insert(pattern.to_vec(), p.clone());
            });
            Ok(Some(p))
        }
        Err(msg) => {
            h.warn(&format!("{func}(): {msg}"))?;
            set_error(INTERNAL_ERROR);
            Ok(None)
        }
    }
}

/// Splits `/body/flags` and compiles it: the warning text (without the function name) on
/// failure.
pub fn compile_delimited(pattern: &[u8]) -> Result<Program, String> {
    let mut i = 0;
    while i < pattern.len() && pattern[i].is_ascii_whitespace() || pattern.get(i) == Some(&0x0b) {
        i += 1;
    }
    let Some(&open) = pattern.get(i) else {
        return Err("Empty regular expression".into());
    };
    if open.is_ascii_alphanumeric() || open == b'\\' || open == 0 {
        return Err("Delimiter must not be alphanumeric, backslash, or NUL".into());
    }
    let close = match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        c => c,
    };
    let body_start = i + 1;
    let mut j = body_start;
    let mut nesting = 1;
    while j < pattern.len() {
        let b = pattern[j];
        if b == b'\\' && j + 1 < pattern.len() {
            j += 1;
        } else if b == close && open != close {
            nesting -= 1;
            if nesting == 0 {
                break;
            }
        } else if b == close {
            break;
        } else if b == open && open != close {
            nesting += 1;
        }
        j += 1;
    }
    if j >= pattern.len() {
        return Err(if open == close {
            format!("No ending delimiter '{}' found", close as char)
        } else {
            format!("No ending matching delimiter '{}' found", close as char)
        });
    }
    let body = &pattern[body_start..j];
    let mut flags = Flags::default();
    let mut eval = false;
    for &m in &pattern[j + 1..] {
        match m {
            b'i' => flags.caseless = true,
            b'm' => flags.multiline = true,
            b'n' => flags.no_auto_capture = true,
            b's' => flags.dotall = true,
            b'x' => flags.extended = true,
            b'A' => flags.anchored = true,
            b'D' => flags.dollar_endonly = true,
            b'S' | b'X' | b' ' | b'\n' | b'\r' => {}
            b'U' => flags.ungreedy = true,
            b'u' => flags.utf = true,
            b'J' => flags.dupnames = true,
            b'e' => eval = true,
            0 => return Err("NUL is not a valid modifier".into()),
            c => {
                let mut msg = b"Unknown modifier '".to_vec();
                msg.push(c);
                msg.push(b'\'');
                return Err(String::from_utf8_lossy(&msg).into_owned());
            }
        }
    }
    if eval {
        return Err(
            "The /e modifier is no longer supported, use preg_replace_callback instead".into(),
        );
    }
    let compiled =
        parse::parse(body, &flags).and_then(|parsed| compile::compile(parsed, &flags, body.len()));
    compiled.map_err(|e| format!("Compilation failed: {} at offset {}", e.msg, e.at))
}

/// `pcre.backtrack_limit` and `pcre.recursion_limit`, as PHP reads them (numbers).
pub fn limits(h: &mut dyn Host) -> exec::Limits {
    let mut read = |key: &str, default: i64| {
        h.ini(key)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(default)
            .max(0)
    };
    exec::Limits {
        backtrack: read("pcre.backtrack_limit", 1_000_000) as u64,
        depth: read("pcre.recursion_limit", 100_000) as usize,
        jit: h.ini("pcre.jit").is_none_or(|v| {
            let v = v.trim().to_ascii_lowercase();
            matches!(v.as_str(), "on" | "yes" | "true") || v.parse::<i64>().is_ok_and(|n| n != 0)
        }),
    }
}

/// Checks a subject before matching a `/u` pattern from `start`: PHP's error code when it is
/// not valid UTF-8 or `start` is inside a character.
pub fn check_subject(prog: &Program, subject: &PhpString, start: usize) -> Result<(), i64> {
    if !prog.utf {
        return Ok(());
    }
    let s = subject.as_bytes();
    let known = VALID_UTF8.with(|v| {
        v.borrow()
            .as_ref()
            .is_some_and(|k| PhpString::ptr_eq(k, subject))
    });
    if !known {
        if chars::utf8_error(s).is_some() {
            return Err(BAD_UTF8_ERROR);
        }
        VALID_UTF8.with(|v| *v.borrow_mut() = Some(subject.clone()));
    }
    if start < s.len() && s[start] & 0xc0 == 0x80 {
        return Err(BAD_UTF8_OFFSET_ERROR);
    }
    Ok(())
}

/// The error code of a failed match.
pub fn exec_error_code(e: ExecError) -> i64 {
    match e {
        ExecError::BacktrackLimit => BACKTRACK_LIMIT_ERROR,
        ExecError::RecursionLimit => RECURSION_LIMIT_ERROR,
        ExecError::StackLimit => JIT_STACKLIMIT_ERROR,
    }
}

/// Successive matches over a subject, as PHP's global matching loops find them: after an
/// empty match, the next must be non-empty at the same place or start further on.
pub struct Scanner<'a> {
    prog: &'a Program,
    s: &'a [u8],
    pos: usize,
    after_empty: bool,
    limit: exec::Limits,
}

impl<'a> Scanner<'a> {
    pub fn new(prog: &'a Program, s: &'a [u8], start: usize, limit: exec::Limits) -> Scanner<'a> {
        Scanner {
            prog,
            s,
            pos: start,
            after_empty: false,
            limit,
        }
    }

    /// The next match, or PHP's error code.
    pub fn next_match(&mut self) -> Result<Option<Slots>, i64> {
        if self.after_empty {
            self.after_empty = false;
            let opts = ExecOptions {
                anchored: true,
                not_empty_at_start: true,
            };
            match exec::exec(self.prog, self.s, self.pos, opts, self.limit) {
                Ok(Some(m)) => return self.found(m),
                Ok(None) if self.pos < self.s.len() => {
                    self.pos += if self.prog.utf {
                        chars::decode(self.s, self.pos).1
                    } else {
                        1
                    };
                }
                Ok(None) => return Ok(None),
                Err(e) => return Err(exec_error_code(e)),
            }
        }
        let opts = ExecOptions::default();
        match exec::exec(self.prog, self.s, self.pos, opts, self.limit) {
            Ok(Some(m)) => self.found(m),
            Ok(None) => Ok(None),
            Err(e) => Err(exec_error_code(e)),
        }
    }

    fn found(&mut self, m: Slots) -> Result<Option<Slots>, i64> {
        // `\K` in a lookahead can end a match before its start: PHP gives up.
        if m[1] < m[0] {
            return Err(BAD_MATCH_OFFSETS);
        }
        self.pos = m[1];
        self.after_empty = m[0] == m[1];
        Ok(Some(m))
    }
}

/// The number of groups a match reports: up to the last set one (PCRE's match count).
pub fn reported_groups(m: &Slots) -> usize {
    let mut n = m.len() / 2;
    while n > 1 && m[2 * (n - 1)] == exec::UNSET {
        n -= 1;
    }
    n
}

/// The name of each group (index 0 included), for building match arrays.
pub fn group_names(prog: &Program) -> Vec<Option<Vec<u8>>> {
    let mut names = vec![None; prog.groups as usize + 1];
    for (name, g) in &prog.names {
        if let Some(slot) = names.get_mut(*g as usize)
            && slot.is_none()
        {
            *slot = Some(name.clone());
        }
    }
    names
}

#[cfg(test)]
mod tests;
