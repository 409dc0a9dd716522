//! The syntax tree of a pattern, as [`parse`](super::parse) builds it and
//! [`compile`](super::compile) lowers it to a program.
//!
//! Flags that change meaning locally (`i`, `m`, `s`, `U`, which `(?i)` can switch mid-pattern)
//! are already resolved into the nodes; the pattern-wide ones (`u`, `D`, `A`) live in
//! [`Flags`](super::parse::Flags).

use super::chars::{self, Kind};

/// A node of the pattern.
#[derive(Debug, Clone)]
pub enum Node {
    /// Matches the empty string.
    Empty,
    /// One character (a byte without `/u`, a code point with it).
    Char {
        c: u32,
        fold: bool,
    },
    /// `.`: any character, or any but `\n` unless `dotall`.
    Any {
        dotall: bool,
    },
    /// A character class (also `\d`, `\w`... outside brackets).
    Class(Box<Class>),
    /// A zero-width assertion.
    Assert(Assertion),
    /// A group: capturing when it has an index.
    Group(Box<Node>, Option<u32>),
    /// A lookahead or lookbehind.
    Look(Box<Look>),
    /// An atomic group `(?>...)`.
    Atomic(Box<Node>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Repeat>),
    /// `\1`, `\g{-1}`...: the group's index.
    Backref {
        group: u32,
        fold: bool,
    },
    /// `\K`: the reported match starts here.
    Keep,
    /// A call of a group (`(?1)`, `(?R)` is group 0), by number or by name; `at` is the
    /// offset an error about it reports.
    Call {
        group: Option<u32>,
        name: Option<Vec<u8>>,
        at: usize,
    },
    /// A conditional group.
    Cond(Box<Cond>),
    /// `\k<name>`, `(?P=name)`: resolved once every group is known; `at` is the offset an
    /// error about it reports.
    NamedBackref {
        name: Vec<u8>,
        fold: bool,
        at: usize,
    },
}

/// A zero-width assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assertion {
    /// `^` without `m`, `\A`.
    Start,
    /// `^` with `m`: at the start or after a newline that is not the last character.
    LineStart,
    /// `$` without `m` or `D`, `\Z`: at the end or before a final newline.
    EndOrFinalNewline,
    /// `$` with `m`: at the end or before any newline.
    LineEnd,
    /// `\z`, `$` with `D`.
    End,
    /// `\G`: where this match attempt started.
    StartOffset,
    WordBoundary,
    NotWordBoundary,
}

/// A lookaround assertion.
#[derive(Debug, Clone)]
pub struct Look {
    pub behind: bool,
    pub negate: bool,
    pub body: Node,
}

/// A conditional group: `yes` when the test holds, else `no`.
#[derive(Debug, Clone)]
pub struct Cond {
    pub test: Test,
    pub yes: Node,
    pub no: Node,
}

/// What a conditional group tests.
#[derive(Debug, Clone)]
pub enum Test {
    /// Whether the group has captured.
    Group(u32),
    GroupName(Vec<u8>, usize),
    /// Whether a call is running (of the group, or any).
    Recursion(Option<u32>),
    /// `(?(DEFINE)...)`: never; its groups exist to be called.
    Define,
    /// A lookaround.
    Look(Look),
}

/// How a quantifier prefers to repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Greed {
    Greedy,
    Lazy,
    Possessive,
}

/// A quantified node; `max` is `None` for no upper bound.
#[derive(Debug, Clone)]
pub struct Repeat {
    pub node: Node,
    pub min: u32,
    pub max: Option<u32>,
    pub greed: Greed,
}

/// A character class: a bitmap for characters below 256, and ranges and character types for
/// the code points above (which exist only with `/u`).
#[derive(Debug, Clone)]
pub struct Class {
    pub negated: bool,
    /// Case-insensitive: a character matches when one of its cases is in the class.
    pub fold: bool,
    /// Whether the class works on code points (`/u`).
    pub utf: bool,
    low: [u64; 4],
    ranges: Vec<(u32, u32)>,
    kinds: Vec<(Kind, bool)>,
}

impl Class {
    pub fn new(utf: bool, fold: bool) -> Class {
        Class {
            negated: false,
            fold,
            utf,
            low: [0; 4],
            ranges: Vec::new(),
            kinds: Vec::new(),
        }
    }

    /// A class of one character type (`\d`, `\W`...).
    pub fn of_kind(kind: Kind, negated: bool, utf: bool) -> Class {
        let mut c = Class::new(utf, false);
        c.add_kind(kind, negated);
        c
    }

    /// Adds the characters `lo..=hi`.
    pub fn add_range(&mut self, lo: u32, hi: u32) {
        for c in lo..=hi.min(255) {
            self.low[(c >> 6) as usize] |= 1 << (c & 63);
        }
        if hi > 255 {
            self.ranges.push((lo.max(256), hi));
        }
    }

    /// Adds the characters of a type (or, `negated`, those not of it).
    pub fn add_kind(&mut self, kind: Kind, negated: bool) {
        for c in 0..256 {
            if chars::is(kind, c, self.utf) != negated {
                self.low[(c >> 6) as usize] |= 1 << (c & 63);
            }
        }
        if self.utf {
            self.kinds.push((kind, negated));
        }
    }

    /// Whether `c` is in the class, ignoring negation and case.
    fn contains(&self, c: u32) -> bool {
        if c < 256 {
            return self.low[(c >> 6) as usize] & (1 << (c & 63)) != 0;
        }
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)
            || self
                .kinds
                .iter()
                .any(|&(k, neg)| chars::is(k, c, self.utf) != neg)
    }

    /// Whether the class matches the character `c`.
    pub fn matches(&self, c: u32) -> bool {
        let mut hit = self.contains(c);
        if !hit && self.fold {
            let [a, b] = chars::other_cases(c, self.utf);
            hit = (a != c && self.contains(a)) || (b != c && self.contains(b));
        }
        hit != self.negated
    }
}

impl Node {
    /// The length in characters every match of the node has, if fixed (for lookbehind).
    pub fn fixed_length(&self) -> Option<usize> {
        Some(match self {
            Node::Empty | Node::Assert(_) | Node::Look(_) | Node::Keep => 0,
            Node::Char { .. } | Node::Any { .. } | Node::Class(_) => 1,
            Node::Group(n, _) | Node::Atomic(n) => n.fixed_length()?,
            Node::Concat(v) => {
                let mut n = 0usize;
                for x in v {
                    n = n.checked_add(x.fixed_length()?)?;
                }
                n
            }
            Node::Alt(v) => {
                let first = v.first()?.fixed_length()?;
                for x in &v[1..] {
                    if x.fixed_length()? != first {
                        return None;
                    }
                }
                first
            }
            Node::Repeat(r) if Some(r.min) == r.max => {
                r.node.fixed_length()?.checked_mul(r.min as usize)?
            }
            Node::Cond(c) => {
                let yes = c.yes.fixed_length()?;
                if matches!(c.test, Test::Define) || c.no.fixed_length()? == yes {
                    yes
                } else {
                    return None;
                }
            }
            Node::Repeat(_)
            | Node::Backref { .. }
            | Node::NamedBackref { .. }
            | Node::Call { .. } => return None,
        })
    }

    /// Whether the node can match the empty string (conservatively `true` when unsure).
    pub fn can_be_empty(&self) -> bool {
        match self {
            Node::Char { .. } | Node::Any { .. } | Node::Class(_) => false,
            Node::Group(n, _) | Node::Atomic(n) => n.can_be_empty(),
            Node::Concat(v) => v.iter().all(Node::can_be_empty),
            Node::Alt(v) => v.iter().any(Node::can_be_empty),
            Node::Repeat(r) => r.min == 0 || r.node.can_be_empty(),
            Node::Cond(c) => c.yes.can_be_empty() || c.no.can_be_empty(),
            _ => true,
        }
    }
}
