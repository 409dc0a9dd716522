//! Backslash escapes, outside and inside character classes: character codes (`\n`, `\x41`,
//! `\x{263A}`, `\101`, `\cA`), character types (`\d`, `\p{Lu}`), assertions (`\b`, `\A`),
//! backreferences (`\1`, `\g{-1}`, `\k<name>`) and `\Q...\E`, with PCRE2's error messages.

use super::ast::{Assertion, Class, Node};
use super::chars::Kind;
use super::parse::{Local, ParseResult, Parser, error};

/// What an escape outside a class stands for.
pub(super) enum Escape {
    Char(u32),
    Node(Node),
    /// `\Q...\E`: literal characters.
    Quoted(Vec<u32>),
    /// `\E` alone.
    Nothing,
}

/// A character code escape: `Some` when `b` starts one (the parser is after `b`).
enum Code {
    Char(u32),
    NotCode,
}

impl Parser<'_> {
    /// The escape after a `\` outside a class.
    pub(super) fn escape(&mut self, local: &Local) -> ParseResult<Escape> {
        let Some(b) = self.peek() else {
            return error("\\ at end of pattern", self.p.len());
        };
        let utf = self.utf;
        let class = |k, neg| Escape::Node(Node::Class(Box::new(Class::of_kind(k, neg, utf))));
        let assert = |a| Escape::Node(Node::Assert(a));
        let start = self.pos;
        self.pos += 1;
        Ok(match b {
            b'd' => class(Kind::Digit, false),
            b'D' => class(Kind::Digit, true),
            b'w' => class(Kind::Word, false),
            b'W' => class(Kind::Word, true),
            b's' => class(Kind::Space, false),
            b'S' => class(Kind::Space, true),
            b'h' => class(Kind::HSpace, false),
            b'H' => class(Kind::HSpace, true),
            b'v' => class(Kind::VSpace, false),
            b'V' => class(Kind::VSpace, true),
            b'N' if self.peek() == Some(b'{') => {
                return error(
                    if utf {
                        "PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u"
                    } else {
                        "\\N{U+dddd} is supported only in Unicode (UTF) mode"
                    },
                    self.pos,
                );
            }
            b'N' => Escape::Node(Node::Any { dotall: false }),
            b'b' => assert(Assertion::WordBoundary),
            b'B' => assert(Assertion::NotWordBoundary),
            b'A' => assert(Assertion::Start),
            b'z' => assert(Assertion::End),
            b'Z' => assert(Assertion::EndOrFinalNewline),
            b'G' => assert(Assertion::StartOffset),
            b'K' => Escape::Node(Node::Keep),
            b'R' => Escape::Node(newline_sequence(utf)),
            b'X' => Escape::Node(grapheme(utf)),
            b'p' | b'P' => {
                let (kind, neg) = self.property(b == b'P')?;
                class(kind, neg)
            }
            b'Q' => {
                let mut cs = Vec::new();
                while self.pos < self.p.len() {
                    if self.peek() == Some(b'\\') && self.at(1) == Some(b'E') {
                        self.pos += 2;
                        break;
                    }
                    cs.push(self.literal());
                }
                Escape::Quoted(cs)
            }
            b'E' => Escape::Nothing,
            b'g' => self.g_reference(local)?,
            b'k' => {
                let end = match self.peek() {
                    Some(b'<') => b'>',
                    Some(b'\'') => b'\'',
                    Some(b'{') => b'}',
                    _ => {
                        return error(
                            "\\k is not followed by a braced, angle-bracketed, or quoted name",
                            self.pos,
                        );
                    }
                };
                self.pos += 1;
                let at = self.pos;
                let name = self.name(end)?;
                Escape::Node(Node::NamedBackref {
                    name,
                    fold: local.i,
                    at,
                })
            }
            b'1'..=b'9' => {
                self.pos = start;
                let (n, end) = self.number();
                if n < 10 || n <= self.groups_so_far() as u64 || !(b'0'..=b'7').contains(&b) {
                    self.pos = end;
                    let g = u32::try_from(n).unwrap_or(u32::MAX);
                    self.backrefs.push((g, end - 1));
                    Escape::Node(Node::Backref {
                        group: g,
                        fold: local.i,
                    })
                } else {
                    Escape::Char(self.octal(3))
                }
            }
            b'F' | b'L' | b'l' | b'U' | b'u' => {
                return error(
                    "PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u",
                    self.pos,
                );
            }
            _ => {
                self.pos = start;
                match self.code()? {
                    Code::Char(c) => Escape::Char(c),
                    Code::NotCode => {
                        return error("unrecognized character follows \\", self.pos + 1);
                    }
                }
            }
        })
    }

    /// The escape after a `\` inside a class: a character, or `None` after adding a set.
    pub(super) fn class_escape(&mut self, class: &mut Class) -> ParseResult<Option<u32>> {
        let Some(b) = self.peek() else {
            return error("\\ at end of pattern", self.p.len());
        };
        let start = self.pos;
        self.pos += 1;
        let kind = match b {
            b'd' | b'D' => Kind::Digit,
            b'w' | b'W' => Kind::Word,
            b's' | b'S' => Kind::Space,
            b'h' | b'H' => Kind::HSpace,
            b'v' | b'V' => Kind::VSpace,
            b'p' | b'P' => {
                let (kind, neg) = self.property(b == b'P')?;
                class.add_kind(kind, neg);
                return Ok(None);
            }
            b'b' => return Ok(Some(8)),
            b'E' | b'Q' => return Ok(None),
            b'1'..=b'9' if (b'0'..=b'7').contains(&b) => {
                self.pos = start;
                return Ok(Some(self.octal(3)));
            }
            b'F' | b'L' | b'l' | b'U' | b'u' => {
                return error(
                    "PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u",
                    self.pos,
                );
            }
            _ => {
                self.pos = start;
                return match self.code()? {
                    Code::Char(c) => Ok(Some(c)),
                    Code::NotCode => error("unrecognized character follows \\", self.pos + 1),
                };
            }
        };
        class.add_kind(kind, b.is_ascii_uppercase());
        Ok(None)
    }

    /// A character code escape or an escaped literal, at the character after `\`.
    fn code(&mut self) -> ParseResult<Code> {
        let Some(b) = self.peek() else {
            return error("\\ at end of pattern", self.p.len());
        };
        self.pos += 1;
        Ok(Code::Char(match b {
            b'n' => 10,
            b't' => 9,
            b'r' => 13,
            b'f' => 12,
            b'e' => 27,
            b'a' => 7,
            b'0' => {
                self.pos -= 1;
                self.octal(3)
            }
            b'o' => {
                if self.peek() != Some(b'{') {
                    return error("missing opening brace after \\o", self.pos);
                }
                self.pos += 1;
                self.braced(8)?
            }
            b'x' => {
                if self.peek() == Some(b'{') {
                    self.pos += 1;
                    self.braced(16)?
                } else {
                    let mut v = 0;
                    for _ in 0..2 {
                        match self.peek().and_then(|d| (d as char).to_digit(16)) {
                            Some(d) => {
                                v = v * 16 + d;
                                self.pos += 1;
                            }
                            None => break,
                        }
                    }
                    v
                }
            }
            b'c' => match self.peek() {
                None => return error("\\c at end of pattern", self.pos),
                Some(c) if (32..127).contains(&c) => {
                    self.pos += 1;
                    (c.to_ascii_uppercase() ^ 0x40) as u32
                }
                Some(_) => {
                    return error(
                        "\\c must be followed by a printable ASCII character",
                        self.pos,
                    );
                }
            },
            c if c.is_ascii_alphanumeric() => {
                self.pos -= 1;
                return Ok(Code::NotCode);
            }
            _ => {
                self.pos -= 1;
                self.literal()
            }
        }))
    }

    /// Up to `max` octal digits.
    fn octal(&mut self, max: usize) -> u32 {
        let mut v = 0;
        for _ in 0..max {
            match self.peek() {
                Some(d @ b'0'..=b'7') => {
                    v = v * 8 + (d - b'0') as u32;
                    self.pos += 1;
                }
                _ => break,
            }
        }
        if self.utf { v } else { v & 0xff }
    }

    /// The digits of `\x{...}` or `\o{...}` up to the `}`, checked against the mode's range.
    fn braced(&mut self, radix: u32) -> ParseResult<u32> {
        let mut v: u64 = 0;
        let start = self.pos;
        while let Some(d) = self.peek().and_then(|d| (d as char).to_digit(radix)) {
            v = (v * radix as u64 + d as u64).min(u64::from(u32::MAX));
            self.pos += 1;
        }
        if self.peek() != Some(b'}') || self.pos == start {
            return error(
                if radix == 16 {
                    "\\x{ is not followed by hexadecimal digits and }"
                } else {
                    "\\o{ is not followed by octal digits and }"
                },
                self.pos,
            );
        }
        let limit = if self.utf { 0x10ffff } else { 0xff };
        if v > limit {
            return error(
                "character code point value in \\x{} or \\o{} is too large",
                self.pos,
            );
        }
        if self.utf && (0xd800..=0xdfff).contains(&v) {
            return error(
                "disallowed Unicode code point (>= 0xd800 && <= 0xdfff)",
                self.pos,
            );
        }
        self.pos += 1;
        Ok(v as u32)
    }

    /// A decimal number at the position: (value, end), saturating.
    fn number(&self) -> (u64, usize) {
        let mut i = self.pos;
        let mut v: u64 = 0;
        while let Some(d) = self.p.get(i).filter(|d| d.is_ascii_digit()) {
            v = v.saturating_mul(10).saturating_add((d - b'0') as u64);
            i += 1;
        }
        (v, i)
    }

    /// `\g1`, `\g{1}`, `\g-1`, `\g{-1}`, `\g{name}` (after the `g`).
    fn g_reference(&mut self, local: &Local) -> ParseResult<Escape> {
        let call_end = match self.peek() {
            Some(b'<') => Some(b'>'),
            Some(b'\'') => Some(b'\''),
            _ => None,
        };
        if let Some(end) = call_end {
            self.pos += 1;
            return Ok(Escape::Node(self.g_call(end)?));
        }
        let braced = self.peek() == Some(b'{');
        if braced {
            self.pos += 1;
        }
        let negative = self.peek() == Some(b'-');
        if negative || self.peek() == Some(b'+') {
            self.pos += 1;
        }
        let (n, end) = self.number();
        if end == self.pos {
            if braced && !negative {
                let at = self.pos;
                let name = self.name(b'}')?;
                return Ok(Escape::Node(Node::NamedBackref {
                    name,
                    fold: local.i,
                    at,
                }));
            }
            return error(
                "\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number",
                self.pos,
            );
        }
        self.pos = end;
        if braced {
            if self.peek() != Some(b'}') {
                return error(
                    "\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number",
                    self.pos,
                );
            }
            self.pos += 1;
        }
        let g = if negative {
            let back = u32::try_from(n).unwrap_or(u32::MAX);
            match (self.groups_so_far() + 1).checked_sub(back) {
                Some(g) if g >= 1 && n > 0 => g,
                _ => return error("reference to non-existent subpattern", end - 1),
            }
        } else {
            if n == 0 {
                return error("a numbered reference must not be zero", end - 1);
            }
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        self.backrefs.push((g, end - 1));
        Ok(Escape::Node(Node::Backref {
            group: g,
            fold: local.i,
        }))
    }

    /// A Unicode property after `\p` or `\P`: the type and whether it is negated.
    fn property(&mut self, negated: bool) -> ParseResult<(Kind, bool)> {
        let name: Vec<u8> = if self.peek() == Some(b'{') {
            let start = self.pos + 1;
            let Some(len) = self.p[start..].iter().position(|&b| b == b'}') else {
                return error("malformed \\P or \\p sequence", self.p.len());
            };
            self.pos = start + len + 1;
            self.p[start..start + len].to_vec()
        } else {
            match self.peek() {
                Some(b) => {
                    self.pos += 1;
                    vec![b]
                }
                None => return error("malformed \\P or \\p sequence", self.pos),
            }
        };
        let (inner_neg, name) = match name.strip_prefix(b"^") {
            Some(rest) => (true, rest.to_vec()),
            None => (false, name),
        };
        let Some((kind, _)) = super::props::lookup(&name) else {
            return error("unknown property after \\P or \\p", self.pos);
        };
        // Properties always use Unicode semantics, even without /u.
        Ok((kind, negated != inner_neg))
    }
}

/// `\X`: an extended grapheme cluster, approximated as `\r\n` or a character with the
/// combining marks that follow it.
fn grapheme(utf: bool) -> Node {
    let crlf = Node::Concat(vec![
        Node::Char { c: 13, fold: false },
        Node::Char { c: 10, fold: false },
    ]);
    let marks = || Class::of_kind(Kind::Range(super::props::MARKS), false, utf);
    let mut base = marks();
    base.negated = true;
    let cluster = Node::Concat(vec![
        Node::Class(Box::new(base)),
        Node::Repeat(Box::new(super::ast::Repeat {
            node: Node::Class(Box::new(marks())),
            min: 0,
            max: None,
            greed: super::ast::Greed::Greedy,
        })),
    ]);
    Node::Atomic(Box::new(Node::Alt(vec![crlf, cluster])))
}

/// `\R`: any newline sequence, `\r\n` taken whole.
fn newline_sequence(utf: bool) -> Node {
    let mut others = Class::new(utf, false);
    others.add_range(0x0a, 0x0d);
    others.add_range(0x85, 0x85);
    if utf {
        others.add_range(0x2028, 0x2029);
    }
    let crlf = Node::Concat(vec![
        Node::Char { c: 13, fold: false },
        Node::Char { c: 10, fold: false },
    ]);
    Node::Atomic(Box::new(Node::Alt(vec![
        crlf,
        Node::Class(Box::new(others)),
    ])))
}
