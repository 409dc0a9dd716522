//! `preg_split`: the pieces of a subject between the matches of a pattern, as PHP's loop
//! finds them (`limit`, `PREG_SPLIT_NO_EMPTY`, `PREG_SPLIT_DELIM_CAPTURE`,
//! `PREG_SPLIT_OFFSET_CAPTURE`).

use super::exec::UNSET;
use super::{Scanner, check_subject, regex, reported_groups};
use crate::args;
use php_runtime::{Host, PhpArray, PhpError, PhpString, Zval};

pub const PREG_SPLIT_NO_EMPTY: i64 = 1;
pub const PREG_SPLIT_DELIM_CAPTURE: i64 = 2;
pub const PREG_SPLIT_OFFSET_CAPTURE: i64 = 4;

/// The pieces being collected.
struct Pieces<'a> {
    s: &'a [u8],
    offsets: bool,
    out: PhpArray,
}

impl Pieces<'_> {
    fn add(&mut self, from: usize, to: usize) {
        let text = Zval::string(PhpString::new(&self.s[from..to.max(from)]));
        let v = if self.offsets {
            Zval::array(PhpArray::from_list([text, Zval::int(from as i64)]))
        } else {
            text
        };
        let _ = self.out.append(v);
    }

    /// A delimiter group that did not take part in the match.
    fn add_unset(&mut self) {
        let text = Zval::string(PhpString::from(""));
        let v = if self.offsets {
            Zval::array(PhpArray::from_list([text, Zval::int(-1)]))
        } else {
            text
        };
        let _ = self.out.append(v);
    }
}

pub fn preg_split(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    const F: &str = "preg_split";
    args::arity(h, F, a, 2, 4)?;
    let pattern = args::string(h, F, 1, "pattern", &a[0])?;
    let subject = args::string(h, F, 2, "subject", &a[1])?;
    let mut limit = match a.get(2) {
        Some(l) if !l.is_null() => args::int(h, F, 3, "limit", l)?,
        _ => -1,
    };
    let flags = match a.get(3) {
        Some(f) => args::int(h, F, 4, "flags", f)?,
        None => 0,
    };
    let Some(prog) = regex(h, F, pattern.as_bytes())? else {
        return Ok(Zval::bool(false));
    };
    let no_empty = flags & PREG_SPLIT_NO_EMPTY != 0;
    let delims = flags & PREG_SPLIT_DELIM_CAPTURE != 0;
    let s = subject.as_bytes();
    let mut pieces = Pieces {
        s,
        offsets: flags & PREG_SPLIT_OFFSET_CAPTURE != 0,
        out: PhpArray::new(),
    };
    super::set_error(super::NO_ERROR);
    if limit == 0 {
        limit = -1;
    }
    let mut last = 0;
    if limit == -1 || limit > 1 {
        if let Err(code) = check_subject(&prog, &subject, 0) {
            super::set_error(code);
            return Ok(Zval::bool(false));
        }
        let backtrack = super::limits(h);
        let mut scan = Scanner::new(&prog, s, 0, backtrack);
        loop {
            let m = match scan.next_match() {
                Ok(Some(m)) => m,
                Ok(None) => break,
                Err(code) => {
                    super::set_error(code);
                    return Ok(Zval::bool(false));
                }
            };
            if !no_empty || m[0] != last {
                pieces.add(last, m[0]);
                if limit != -1 {
                    limit -= 1;
                }
            }
            if delims {
                for g in 1..reported_groups(&m) {
                    let (x, y) = (m[2 * g], m[2 * g + 1]);
                    if x == UNSET {
                        if !no_empty {
                            pieces.add_unset();
                        }
                    } else if !no_empty || x != y {
                        pieces.add(x, y);
                    }
                }
            }
            last = m[1];
            if limit != -1 && limit <= 1 {
                break;
            }
        }
    }
    if !no_empty || last < s.len() {
        pieces.add(last, s.len());
    }
    Ok(Zval::array(pieces.out))
}
