//! Recursion, subroutine calls and conditional groups: `(?R)`, `(?1)`, `(?-1)`, `(?&name)`,
//! `(?P>name)`, `\g<name>`, and `(?(1)yes|no)`, `(?(<name>)...)`, `(?(R)...)`,
//! `(?(DEFINE)...)`, `(?(?=...)...)`.
//!
//! The matcher runs calls on its explicit stack (see [`exec`](super::exec)); here they are
//! parsed into [`Node::Call`] and [`Node::Cond`].

use super::ast::{Cond, Look, Node, Test};
use super::parse::{Local, ParseResult, Parser, error};

impl Parser<'_> {
    /// A call after `(?` (at `R`, a digit, `+`, `-`, `&` or `P>`), up to its `)`.
    pub(super) fn call(&mut self) -> ParseResult<Node> {
        let at = self.pos;
        let node = match self.peek() {
            Some(b'R') => {
                self.pos += 1;
                Node::Call {
                    group: Some(0),
                    name: None,
                    at,
                }
            }
            Some(b'&') => {
                self.pos += 1;
                let name = self.name(b')')?;
                self.record_call();
                return Ok(Node::Call {
                    group: None,
                    name: Some(name),
                    at,
                });
            }
            Some(b'P') => {
                self.pos += 2;
                let name = self.name(b')')?;
                self.record_call();
                return Ok(Node::Call {
                    group: None,
                    name: Some(name),
                    at,
                });
            }
            _ => Node::Call {
                group: Some(self.group_number()?),
                name: None,
                at,
            },
        };
        if self.peek() != Some(b')') {
            return error("missing closing parenthesis", self.pos);
        }
        self.pos += 1;
        self.record_call();
        Ok(node)
    }

    /// A group number, absolute or relative (`+1`, `-1`) to the groups opened so far.
    fn group_number(&mut self) -> ParseResult<u32> {
        let sign = self.peek().filter(|b| *b == b'+' || *b == b'-');
        if sign.is_some() {
            self.pos += 1;
        }
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            n = n.saturating_mul(10).saturating_add((d - b'0') as u64);
            self.pos += 1;
        }
        if self.pos == start {
            return error("digit expected after (?+ or (?-", self.pos);
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let so_far = self.groups_so_far();
        Ok(match sign {
            Some(b'+') => so_far.saturating_add(n),
            Some(_) => match (so_far + 1).checked_sub(n) {
                Some(g) if n > 0 && g > 0 => g,
                _ => return error("reference to non-existent subpattern", self.pos - 1),
            },
            None => n,
        })
    }

    /// `\g<name>`, `\g<1>`, `\g'name'` (after the `<` or `'`): a subroutine call.
    pub(super) fn g_call(&mut self, end: u8) -> ParseResult<Node> {
        let at = self.pos;
        let node = if self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || b == b'+' || b == b'-')
        {
            let g = self.group_number()?;
            if self.peek() != Some(end) {
                return error(
                    "syntax error in subpattern name (missing terminator?)",
                    self.pos,
                );
            }
            self.pos += 1;
            Node::Call {
                group: Some(g),
                name: None,
                at,
            }
        } else {
            Node::Call {
                group: None,
                name: Some(self.name(end)?),
                at,
            }
        };
        self.record_call();
        Ok(node)
    }

    /// A conditional group after `(?(`.
    pub(super) fn conditional(&mut self, local: &mut Local, open: usize) -> ParseResult<Node> {
        if self.peek() == Some(b'?') && self.at(1) == Some(b'C') {
            // A callout as the condition: PCRE2 wants an assertion after it.
            while self.peek().is_some_and(|b| b != b')') {
                self.pos += 1;
            }
            return error("assertion expected after (?( or (?(?C)", self.pos + 1);
        }
        let test = if self.peek() == Some(b'?') {
            // The assertion's parentheses are the condition's: parse it from its `(`.
            self.pos -= 1;
            match self.group(local)? {
                Some(Node::Look(look)) => Test::Look(*look),
                _ => return error("assertion expected after (?( or (?(?C)", self.pos),
            }
        } else {
            let test = match self.peek() {
                Some(b'0'..=b'9' | b'+' | b'-') => Test::Group(self.group_number()?),
                Some(b'<') => {
                    self.pos += 1;
                    let at = self.pos;
                    let name = self.name(b'>')?;
                    Test::GroupName(name, at)
                }
                Some(b'\'') => {
                    self.pos += 1;
                    let at = self.pos;
                    let name = self.name(b'\'')?;
                    Test::GroupName(name, at)
                }
                Some(b'R') if self.at(1) == Some(b')') => {
                    self.pos += 1;
                    Test::Recursion(None)
                }
                Some(b'R') if self.at(1).is_some_and(|b| b.is_ascii_digit()) => {
                    self.pos += 1;
                    Test::Recursion(Some(self.group_number()?))
                }
                Some(b'D') if self.p[self.pos..].starts_with(b"DEFINE)") => {
                    self.pos += 6;
                    Test::Define
                }
                Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                    let at = self.pos;
                    let mut end = self.pos;
                    while end < self.p.len()
                        && (self.p[end].is_ascii_alphanumeric() || self.p[end] == b'_')
                    {
                        end += 1;
                    }
                    let name = self.p[self.pos..end].to_vec();
                    self.pos = end;
                    Test::GroupName(name, at)
                }
                _ => return error("assertion expected after (?( or (?(?C)", self.pos),
            };
            if self.peek() != Some(b')') {
                return error("malformed number or name after (?(", self.pos);
            }
            self.pos += 1;
            test
        };
        let body = self.group_body(local, open, |n| n)?.unwrap_or(Node::Empty);
        let (yes, no) = match body {
            Node::Alt(mut v) if v.len() == 2 => {
                let no = v.pop().unwrap_or(Node::Empty);
                (v.pop().unwrap_or(Node::Empty), no)
            }
            Node::Alt(_) => {
                return error(
                    "conditional subpattern contains more than two branches",
                    self.pos - 1,
                );
            }
            other => (other, Node::Empty),
        };
        if matches!(test, Test::Define) && !matches!(no, Node::Empty) {
            return error(
                "DEFINE subpattern contains more than one branch",
                self.pos - 1,
            );
        }
        Ok(Node::Cond(Box::new(Cond { test, yes, no })))
    }
}

/// The lookaround that holds exactly when `look` does not.
pub(super) fn negated(look: &Look) -> Node {
    Node::Look(Box::new(Look {
        behind: look.behind,
        negate: !look.negate,
        body: look.body.clone(),
    }))
}
