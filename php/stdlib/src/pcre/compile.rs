//! Lowers a pattern's [`Node`] tree to a [`Program`]: a flat list of instructions for the
//! backtracking matcher in [`exec`](super::exec).
//!
//! Counted repeats are unrolled (`x{2,4}` is `xx(x(x)?)?`) as PCRE does, so the program size is
//! bounded by [`MAX_PROGRAM`]. A loop whose body can match the empty string records where each
//! iteration started ([`Inst::Mark`]) and stops when one makes no progress, which is PCRE's
//! rule and keeps `(a*)*` from looping forever. The walk recurses over the tree, whose depth
//! the parser bounds.

use super::ast::{Assertion, Class, Cond, Greed, Node, Test};
use super::chars;
use super::parse::{Flags, ParseError, ParseResult, Parsed};

/// The most instructions a program may have ("regular expression is too large" beyond).
const MAX_PROGRAM: usize = 1 << 19;

/// One instruction. Jump targets are indices into [`Program::insts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inst {
    /// One byte (a pattern character is split into its UTF-8 bytes with `/u`).
    Byte(u8),
    /// One ASCII letter in either case (lower, upper).
    ByteFold(u8, u8),
    /// One non-ASCII code point compared by case folding (`/iu`); holds the folded form.
    CharFold(u32),
    /// `.` with `s`.
    Any,
    /// `.` without `s`.
    AnyNoNewline,
    /// A class of [`Program::classes`].
    Class(u32),
    Assert(Assertion),
    /// Sets capture slot `n` (group `n / 2`, start or end) to the position.
    Save(u32),
    /// Repeats the one-character instruction that follows (`min..=max` times, `u32::MAX`
    /// for no bound), then continues after it. A greedy or lazy repeat keeps one
    /// backtracking frame, not one per character.
    RepeatOne {
        min: u32,
        max: u32,
        greed: Greed,
    },
    /// Continues at the first target, backtracking to the second.
    Split(u32, u32),
    Jmp(u32),
    /// Sets loop register `n` to the position.
    Mark(u32),
    /// Jumps to the target when the position moved since register `n` was marked.
    LoopIfProgress(u32, u32),
    Backref {
        group: u32,
        fold: bool,
    },
    AtomicStart,
    /// Drops the backtracking points of the innermost atomic group or lookahead.
    AtomicEnd,
    /// Starts a lookaround: `behind` characters back (0 for a lookahead); `end` is the
    /// instruction after its [`Inst::LookEnd`].
    LookStart {
        behind: u32,
        negate: bool,
        end: u32,
    },
    LookEnd,
    /// `\K`: the reported match starts here.
    Keep,
    /// Calls group `group`, whose code starts at `target`.
    Call {
        target: u32,
        group: u32,
    },
    /// The end of group `n`: returns when the innermost running call is of it.
    Return(u32),
    /// Continues only when group `group` has captured (`want`) or has not.
    GroupSet {
        group: u32,
        want: bool,
    },
    /// Continues only when a call of `group` (`u32::MAX`: any) is running (`want`) or not.
    InRecursion {
        group: u32,
        want: bool,
    },
    Match,
}

/// A compiled pattern.
#[derive(Debug)]
pub struct Program {
    pub insts: Vec<Inst>,
    pub classes: Vec<Class>,
    /// The number of capture slots: two per group, group 0 included.
    pub slots: usize,
    /// The number of loop registers.
    pub regs: usize,
    pub utf: bool,
    /// Matches only at the start position (`/A`, or a leading `^`/`\A`/`\G` without `m`).
    pub anchored: bool,
    /// The bytes a match can start with, when they are fewer than all.
    pub first: Option<Box<[bool; 256]>>,
    /// A byte every match contains (the last such literal): a subject without it cannot
    /// match, which PCRE2 checks before matching (its "last required code unit").
    pub required: Option<u8>,
    /// Named groups, in the order they appear.
    pub names: Vec<(Vec<u8>, u32)>,
    pub groups: u32,
}

/// Compiles a parsed pattern.
pub fn compile(parsed: Parsed, flags: &Flags, pattern_len: usize) -> ParseResult<Program> {
    let mut c = Compiler {
        insts: Vec::new(),
        classes: Vec::new(),
        regs: 0,
        utf: flags.utf,
        names: &parsed.names,
        too_large: false,
        calls: parsed.calls,
        starts: vec![None; parsed.groups as usize + 1],
        call_sites: Vec::new(),
    };
    c.starts[0] = Some(0);
    c.insts.push(Inst::Save(0));
    c.node(&parsed.node)?;
    c.insts.push(Inst::Save(1));
    if c.calls {
        c.insts.push(Inst::Return(0));
    }
    c.insts.push(Inst::Match);
    for (at, g) in std::mem::take(&mut c.call_sites) {
        let target = c.starts.get(g as usize).copied().flatten().unwrap_or(0);
        c.insts[at] = Inst::Call { target, group: g };
    }
    if c.too_large {
        return Err(ParseError {
            msg: "regular expression is too large".into(),
            at: pattern_len,
        });
    }
    let anchored = flags.anchored || starts_anchored(&parsed.node);
    let first = first_bytes(&parsed.node, flags.utf);
    let required = required_byte(&parsed.node, flags.utf);
    Ok(Program {
        insts: c.insts,
        classes: c.classes,
        slots: 2 * (parsed.groups as usize + 1),
        regs: c.regs as usize,
        utf: flags.utf,
        anchored,
        first,
        required,
        names: parsed.names,
        groups: parsed.groups,
    })
}

struct Compiler<'a> {
    insts: Vec<Inst>,
    classes: Vec<Class>,
    regs: u32,
    utf: bool,
    names: &'a [(Vec<u8>, u32)],
    too_large: bool,
    /// Whether groups are called, so their ends must return.
    calls: bool,
    /// Where each group's code starts.
    starts: Vec<Option<u32>>,
    /// Calls to point at their group once all groups are placed.
    call_sites: Vec<(usize, u32)>,
}

impl Compiler<'_> {
    fn pc(&self) -> u32 {
        self.insts.len() as u32
    }

    fn emit(&mut self, i: Inst) -> usize {
        if self.insts.len() >= MAX_PROGRAM {
            self.too_large = true;
        } else {
            self.insts.push(i);
        }
        self.insts.len().saturating_sub(1)
    }

    /// Points the jump at `at` (emitted as a placeholder) to `target`.
    fn patch(&mut self, at: usize, target: u32, second: bool) {
        if let Some(i) = self.insts.get_mut(at) {
            match i {
                Inst::Split(a, b) => *(if second { b } else { a }) = target,
                Inst::Jmp(a) => *a = target,
                Inst::LookStart { end, .. } => *end = target,
                Inst::LoopIfProgress(_, t) => *t = target,
                _ => {}
            }
        }
    }

    fn node(&mut self, n: &Node) -> ParseResult<()> {
        if self.too_large {
            return Ok(());
        }
        match n {
            Node::Empty => {}
            Node::Char { c, fold } => self.char(*c, *fold),
            Node::Any { dotall } => {
                self.emit(if *dotall {
                    Inst::Any
                } else {
                    Inst::AnyNoNewline
                });
            }
            Node::Class(class) => {
                self.classes.push((**class).clone());
                self.emit(Inst::Class(self.classes.len() as u32 - 1));
            }
            Node::Assert(a) => {
                self.emit(Inst::Assert(*a));
            }
            Node::Keep => {
                self.emit(Inst::Keep);
            }
            Node::Group(body, idx) => match idx {
                Some(g) => {
                    let start = self.emit(Inst::Save(2 * g)) as u32;
                    if let Some(slot) = self.starts.get_mut(*g as usize) {
                        slot.get_or_insert(start);
                    }
                    self.node(body)?;
                    self.emit(Inst::Save(2 * g + 1));
                    if self.calls {
                        self.emit(Inst::Return(*g));
                    }
                }
                None => self.node(body)?,
            },
            Node::Atomic(body) => {
                self.emit(Inst::AtomicStart);
                self.node(body)?;
                self.emit(Inst::AtomicEnd);
            }
            Node::Look(look) => {
                let behind = if look.behind {
                    look.body.fixed_length().unwrap_or(0) as u32
                } else {
                    0
                };
                let start = self.emit(Inst::LookStart {
                    behind,
                    negate: look.negate,
                    end: 0,
                });
                self.node(&look.body)?;
                self.emit(Inst::LookEnd);
                let end = self.pc();
                self.patch(start, end, false);
            }
            Node::Concat(v) => {
                for x in v {
                    self.node(x)?;
                }
            }
            Node::Alt(v) => {
                let mut exits = Vec::new();
                for (k, x) in v.iter().enumerate() {
                    if k + 1 < v.len() {
                        let split = self.emit(Inst::Split(0, 0));
                        self.patch(split, split as u32 + 1, false);
                        self.node(x)?;
                        exits.push(self.emit(Inst::Jmp(0)));
                        let next = self.pc();
                        self.patch(split, next, true);
                    } else {
                        self.node(x)?;
                    }
                }
                let end = self.pc();
                for e in exits {
                    self.patch(e, end, false);
                }
            }
            Node::Repeat(r) if self.single_char(&r.node) => {
                self.emit(Inst::RepeatOne {
                    min: r.min,
                    max: r.max.unwrap_or(u32::MAX),
                    greed: r.greed,
                });
                self.node(&r.node)?;
            }
            Node::Repeat(r) => {
                if r.greed == Greed::Possessive {
                    self.emit(Inst::AtomicStart);
                }
                let lazy = r.greed == Greed::Lazy;
                for _ in 0..r.min {
                    self.node(&r.node)?;
                    if self.too_large {
                        return Ok(());
                    }
                }
                match r.max {
                    None => self.star(&r.node, lazy)?,
                    Some(max) => {
                        let mut exits = Vec::new();
                        for _ in r.min..max {
                            exits.push(self.split_over(lazy));
                            self.node(&r.node)?;
                            if self.too_large {
                                return Ok(());
                            }
                        }
                        let end = self.pc();
                        for e in exits {
                            self.patch(e, end, !lazy);
                        }
                    }
                }
                if r.greed == Greed::Possessive {
                    self.emit(Inst::AtomicEnd);
                }
            }
            Node::Backref { group, fold } => {
                self.emit(Inst::Backref {
                    group: *group,
                    fold: *fold,
                });
            }
            Node::Call { group, name, at } => {
                let g = match (group, name) {
                    (Some(g), _) => *g,
                    (None, Some(name)) => self.group_named(name, *at)?,
                    (None, None) => 0,
                };
                let site = self.emit(Inst::Call {
                    target: 0,
                    group: g,
                });
                self.call_sites.push((site, g));
            }
            Node::Cond(c) => self.conditional(c)?,
            Node::NamedBackref { name, fold, at } => {
                let Some(&(_, g)) = self.names.iter().find(|(n, _)| n == name) else {
                    return Err(ParseError {
                        msg: "reference to non-existent subpattern".into(),
                        at: *at,
                    });
                };
                self.emit(Inst::Backref {
                    group: g,
                    fold: *fold,
                });
            }
        }
        Ok(())
    }

    /// The number of the group called `name`.
    fn group_named(&self, name: &[u8], at: usize) -> ParseResult<u32> {
        match self.names.iter().find(|(n, _)| n == name) {
            Some(&(_, g)) => Ok(g),
            None => Err(ParseError {
                msg: "reference to non-existent subpattern".into(),
                at,
            }),
        }
    }

    /// A conditional group: two branches, each starting with a check of the condition (the
    /// second with the opposite check), so failing in `yes` never tries `no`.
    fn conditional(&mut self, c: &Cond) -> ParseResult<()> {
        let check = |want: bool| -> ParseResult<Option<Inst>> {
            Ok(match &c.test {
                Test::Group(g) => Some(Inst::GroupSet { group: *g, want }),
                Test::GroupName(name, at) => Some(Inst::GroupSet {
                    group: self.group_named(name, *at)?,
                    want,
                }),
                Test::Recursion(g) => Some(Inst::InRecursion {
                    group: g.unwrap_or(u32::MAX),
                    want,
                }),
                Test::Define | Test::Look(_) => None,
            })
        };
        let (yes_check, no_check) = (check(true)?, check(false)?);
        if matches!(c.test, Test::Define) {
            let skip = self.emit(Inst::Jmp(0));
            self.node(&c.yes)?;
            let end = self.pc();
            self.patch(skip, end, false);
            return Ok(());
        }
        let split = self.emit(Inst::Split(0, 0));
        self.patch(split, split as u32 + 1, false);
        match (&c.test, yes_check) {
            (Test::Look(look), _) => self.node(&Node::Look(Box::new(look.clone())))?,
            (_, Some(i)) => {
                self.emit(i);
            }
            _ => {}
        }
        self.node(&c.yes)?;
        let exit = self.emit(Inst::Jmp(0));
        let no = self.pc();
        self.patch(split, no, true);
        match (&c.test, no_check) {
            (Test::Look(look), _) => self.node(&super::subroutine::negated(look))?,
            (_, Some(i)) => {
                self.emit(i);
            }
            _ => {}
        }
        self.node(&c.no)?;
        let end = self.pc();
        self.patch(exit, end, false);
        Ok(())
    }

    /// Whether `n` compiles to one instruction that matches one character.
    fn single_char(&self, n: &Node) -> bool {
        match n {
            Node::Char { c, fold } => *c < 128 || !self.utf || *fold,
            Node::Any { .. } | Node::Class(_) => true,
            _ => false,
        }
    }

    /// A split whose preferred branch is the next instruction (greedy) or the other one
    /// (lazy); the other target is patched later.
    fn split_over(&mut self, lazy: bool) -> usize {
        let at = self.emit(Inst::Split(0, 0));
        let next = at as u32 + 1;
        self.patch(at, next, lazy);
        at
    }

    /// `x*`: a loop, guarded against empty iterations when `x` can match empty.
    fn star(&mut self, body: &Node, lazy: bool) -> ParseResult<()> {
        let top = self.split_over(lazy);
        let guard = body.can_be_empty();
        let reg = self.regs;
        if guard {
            self.regs += 1;
            self.emit(Inst::Mark(reg));
        }
        self.node(body)?;
        if guard {
            let back = self.emit(Inst::LoopIfProgress(reg, 0));
            self.patch(back, top as u32, false);
        } else {
            let back = self.emit(Inst::Jmp(0));
            self.patch(back, top as u32, false);
        }
        let end = self.pc();
        self.patch(top, end, !lazy);
        Ok(())
    }

    fn char(&mut self, c: u32, fold: bool) {
        if fold && c < 128 {
            let b = c as u8;
            self.emit(Inst::ByteFold(
                b.to_ascii_lowercase(),
                b.to_ascii_uppercase(),
            ));
        } else if fold {
            self.emit(Inst::CharFold(chars::fold(c, self.utf)));
        } else if self.utf {
            let mut buf = Vec::with_capacity(4);
            chars::encode(c, &mut buf);
            for b in buf {
                self.emit(Inst::Byte(b));
            }
        } else {
            self.emit(Inst::Byte(c as u8));
        }
    }
}

/// Whether every match must start at the start position (a leading `^`, `\A` or `\G`).
fn starts_anchored(n: &Node) -> bool {
    match n {
        Node::Assert(Assertion::Start | Assertion::StartOffset) => true,
        Node::Concat(v) => v.first().is_some_and(starts_anchored),
        Node::Group(b, _) | Node::Atomic(b) => starts_anchored(b),
        Node::Alt(v) => v.iter().all(starts_anchored),
        _ => false,
    }
}

/// The last literal byte every match must contain, if one is easy to see.
fn required_byte(n: &Node, utf: bool) -> Option<u8> {
    match n {
        Node::Char { c, fold: false } if *c < 128 || !utf => Some(*c as u8),
        Node::Group(b, _) | Node::Atomic(b) => required_byte(b, utf),
        Node::Repeat(r) if r.min >= 1 => required_byte(&r.node, utf),
        Node::Concat(v) => v.iter().rev().find_map(|x| required_byte(x, utf)),
        _ => None,
    }
}

/// The bytes a match can start with; `None` when any byte can (or the match can be empty).
fn first_bytes(n: &Node, utf: bool) -> Option<Box<[bool; 256]>> {
    let mut set = Box::new([false; 256]);
    match first_into(n, utf, &mut set) {
        First::Consumes => Some(set),
        First::MaybeEmpty | First::Anything => None,
    }
}

enum First {
    /// Every match of the node consumes a byte in the set.
    Consumes,
    /// The node can match empty: what follows may supply the first byte.
    MaybeEmpty,
    /// Cannot tell.
    Anything,
}

fn first_into(n: &Node, utf: bool, set: &mut [bool; 256]) -> First {
    match n {
        Node::Empty | Node::Assert(_) | Node::Keep | Node::Look(_) => First::MaybeEmpty,
        Node::Char { c, fold } => {
            if *fold && (*c >= 128 || utf && matches!(*c as u8, b'k' | b's' | b'K' | b'S')) {
                return First::Anything;
            }
            if utf && *c >= 128 {
                let mut buf = Vec::new();
                chars::encode(*c, &mut buf);
                set[buf[0] as usize] = true;
            } else {
                set[*c as usize] = true;
                if *fold {
                    set[chars::other_cases(*c, false)[0] as usize] = true;
                }
            }
            First::Consumes
        }
        Node::Any { .. } => First::Anything,
        Node::Class(class) => {
            for b in 0..128u32 {
                if class.matches(b) {
                    set[b as usize] = true;
                }
            }
            for b in 128..256u32 {
                if utf {
                    set[b as usize] |= b >= 0xc0;
                } else if class.matches(b) {
                    set[b as usize] = true;
                }
            }
            First::Consumes
        }
        Node::Group(b, _) | Node::Atomic(b) => first_into(b, utf, set),
        Node::Concat(v) => {
            for x in v {
                match first_into(x, utf, set) {
                    First::MaybeEmpty => {}
                    other => return other,
                }
            }
            First::MaybeEmpty
        }
        Node::Alt(v) => {
            let mut result = First::Consumes;
            for x in v {
                match first_into(x, utf, set) {
                    First::Anything => return First::Anything,
                    First::MaybeEmpty => result = First::MaybeEmpty,
                    First::Consumes => {}
                }
            }
            result
        }
        Node::Repeat(r) => match first_into(&r.node, utf, set) {
            First::Consumes if r.min == 0 => First::MaybeEmpty,
            other => other,
        },
        Node::Backref { .. } | Node::NamedBackref { .. } | Node::Call { .. } | Node::Cond(_) => {
            First::Anything
        }
    }
}
