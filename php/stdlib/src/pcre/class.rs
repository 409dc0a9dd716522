//! Character classes `[...]`: members, ranges, escapes and POSIX classes (`[:alpha:]`),
//! with PCRE2's error messages and offsets.

use super::ast::Class;
use super::chars::Kind;
use super::parse::{Local, ParseResult, Parser, error};

impl Parser<'_> {
    /// A character class, after its `[`.
    pub(super) fn class(&mut self, local: &Local) -> ParseResult<Class> {
        let mut class = Class::new(self.utf, local.i);
        if self.peek() == Some(b'^') {
            self.pos += 1;
            class.negated = true;
        }
        let mut first = true;
        loop {
            let Some(b) = self.peek() else {
                return error("missing terminating ] for character class", self.p.len());
            };
            if b == b']' && !first {
                self.pos += 1;
                return Ok(class);
            }
            first = false;
            let item_start = self.pos;
            let lo = match self.class_item(&mut class)? {
                Some(c) => c,
                None => {
                    if self.peek() == Some(b'-')
                        && self.at(1).is_some_and(|b| b != b']')
                        && item_start + 1 < self.pos
                        && self.p[item_start] == b'\\'
                    {
                        return error("invalid range in character class", self.pos);
                    }
                    continue;
                }
            };
            if self.peek() == Some(b'-') && self.at(1).is_some_and(|b| b != b']') {
                let dash = self.pos;
                self.pos += 1;
                let hi_at = self.pos;
                let mut scratch = Class::new(self.utf, false);
                match self.class_item(&mut scratch)? {
                    Some(hi) => {
                        if hi < lo {
                            return error("range out of order in character class", hi_at);
                        }
                        class.add_range(lo, hi);
                    }
                    None => return error("invalid range in character class", dash),
                }
            } else {
                class.add_range(lo, lo);
            }
        }
    }

    /// One member of a class: a character (returned, as it may start a range), or a set
    /// added to `class` directly.
    fn class_item(&mut self, class: &mut Class) -> ParseResult<Option<u32>> {
        let Some(b) = self.peek() else {
            return error("missing terminating ] for character class", self.p.len());
        };
        if b == b'['
            && matches!(self.at(1), Some(b':' | b'.' | b'='))
            && let Some((negated, name, name_at, end)) = self.posix_at(self.pos)
        {
            let kind = match &name[..] {
                b"alpha" => Kind::Alpha,
                b"digit" => Kind::Digit,
                b"alnum" => Kind::Alnum,
                b"space" => Kind::Space,
                b"upper" => Kind::Upper,
                b"lower" => Kind::Lower,
                b"punct" => Kind::Punct,
                b"graph" => Kind::Graph,
                b"print" => Kind::Print,
                b"cntrl" => Kind::Cntrl,
                b"xdigit" => Kind::XDigit,
                b"word" => Kind::Word,
                b"blank" => Kind::Blank,
                b"ascii" => Kind::Ascii,
                _ => return error("unknown POSIX class name", name_at),
            };
            if self.p[self.pos + 1] != b':' {
                return error("POSIX collating elements are not supported", self.pos);
            }
            // With /u, upper and lower under /i mean letters of either case.
            let kind = match kind {
                Kind::Upper | Kind::Lower if class.fold => Kind::Alpha,
                k => k,
            };
            class.add_kind(kind, negated);
            self.pos = end;
            return Ok(None);
        }
        if b != b'\\' {
            return Ok(Some(self.literal()));
        }
        self.pos += 1;
        self.class_escape(class)
    }

    /// A `[:name:]` at `at`: (negated, name, name offset, end).
    fn posix_at(&self, at: usize) -> Option<(bool, Vec<u8>, usize, usize)> {
        let p = self.p;
        let term = p[at + 1];
        let mut i = at + 2;
        let negated = p.get(i) == Some(&b'^');
        if negated {
            i += 1;
        }
        let name_at = i;
        while i < p.len() && p[i].is_ascii_alphabetic() {
            i += 1;
        }
        (p.get(i) == Some(&term) && p.get(i + 1) == Some(&b']'))
            .then(|| (negated, p[name_at..i].to_vec(), name_at, i + 2))
    }
}
