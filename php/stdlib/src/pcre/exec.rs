//! The matcher: runs a [`Program`] over a subject by backtracking, with an explicit stack.
//!
//! Choices push a [`Frame::Branch`]; writes to capture slots and loop registers push the old
//! value, so failing restores them. Atomic groups and lookarounds push a
//! [`Frame::Barrier`]: reaching their end cuts the choices above it (keeping the restore
//! entries), and failing down to a negative lookaround's barrier means it holds. The stack
//! lives on the heap and is bounded ([`MAX_STACK`]); the work per start position is bounded
//! by `pcre.backtrack_limit` (counted in choices made, as PCRE2 counts its match calls), so
//! no pattern can hang or overflow the native stack.

use super::ast::{Assertion, Greed};
use super::chars;
use super::compile::{Inst, Program};

/// The most frames a match PHP would run on the JIT may hold (then PHP's JIT stack limit
/// error; the real JIT stack holds fewer).
const JIT_FRAMES: usize = 100_000;

/// How far ahead a required byte is looked for before matching (PCRE2's `REQ_CU_MAX`).
const REQUIRED_WINDOW: usize = 5000;

/// The most frames the backtracking stack may ever hold.
const MAX_STACK: usize = 2 << 20;

/// Why a match ended without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecError {
    BacktrackLimit,
    /// More frames than `pcre.recursion_limit` (PCRE2's depth limit).
    RecursionLimit,
    StackLimit,
}

/// The bounds of one match call: `pcre.backtrack_limit` (choices per start position) and
/// `pcre.recursion_limit` (frames on the backtracking stack).
///
/// PHP runs most matches on PCRE2's JIT (`pcre.jit`), which ignores the depth limit and
/// fails on its own small stack instead; it uses the interpreter, which applies the depth
/// limit, when the JIT is off and to retry at the place of an empty match. The error a deep
/// match reports follows the same rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub backtrack: u64,
    pub depth: usize,
    pub jit: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            backtrack: 1_000_000,
            depth: 100_000,
            jit: true,
        }
    }
}

/// Options of one match call.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExecOptions {
    /// Match only at the start position.
    pub anchored: bool,
    /// An empty match at the start position does not count (after an empty match, to find
    /// the next one).
    pub not_empty_at_start: bool,
}

/// A match: capture slots, two per group (start, end), `usize::MAX` when unset.
pub type Slots = Vec<usize>;

/// The unset slot value.
pub const UNSET: usize = usize::MAX;

#[derive(Debug, Clone, Copy)]
enum Frame {
    Branch {
        pc: u32,
        pos: usize,
    },
    Slot {
        idx: u32,
        old: usize,
    },
    Reg {
        idx: u32,
        old: usize,
    },
    Barrier {
        kind: BarrierKind,
        pc: u32,
        pos: usize,
    },
    /// A greedy one-character repeat at `pos` that may give characters back down to `floor`;
    /// `pc` is where matching continues.
    Greedy {
        pc: u32,
        floor: usize,
        pos: usize,
    },
    /// A lazy one-character repeat (its instruction at `pc`) that has matched `count` times,
    /// ending at `pos`.
    Lazy {
        pc: u32,
        count: u32,
        pos: usize,
    },
    /// A call was made: backtracking past it drops it.
    CallUndo,
    /// A call returned: backtracking past it makes it running again.
    ReturnUndo,
}

/// A running call of a group: where to return, and the captures to restore then.
#[derive(Debug)]
struct CallEntry {
    ret: u32,
    group: u32,
    pos: usize,
    saved: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BarrierKind {
    Atomic,
    Look,
    NegativeLook,
}

/// Finds the first match at or after `start`.
pub fn exec(
    prog: &Program,
    s: &[u8],
    start: usize,
    opts: ExecOptions,
    limit: Limits,
) -> Result<Option<Slots>, ExecError> {
    let mut m = Matcher {
        prog,
        s,
        start,
        opts,
        limit,
        stack: Vec::new(),
        slots: vec![UNSET; prog.slots],
        regs: vec![0; prog.regs],
        calls: Vec::new(),
        returned: Vec::new(),
    };
    // Like PCRE2, look for a required byte only within a bounded distance.
    if let Some(b) = prog.required {
        let window = &s[start.min(s.len())..s.len().min(start.saturating_add(REQUIRED_WINDOW))];
        if !window.contains(&b) && s.len() - start.min(s.len()) <= REQUIRED_WINDOW {
            return Ok(None);
        }
    }
    let anchored = opts.anchored || prog.anchored;
    let mut at = start;
    loop {
        if at > s.len() {
            return Ok(None);
        }
        if !anchored && let Some(first) = &prog.first {
            match s[at..].iter().position(|&b| first[b as usize]) {
                Some(k) => at += k,
                None => return Ok(None),
            }
        }
        if m.run(at)? {
            return Ok(Some(std::mem::take(&mut m.slots)));
        }
        if anchored || at >= s.len() {
            return Ok(None);
        }
        at += if prog.utf { chars::decode(s, at).1 } else { 1 };
    }
}

struct Matcher<'a> {
    prog: &'a Program,
    s: &'a [u8],
    start: usize,
    opts: ExecOptions,
    limit: Limits,
    stack: Vec<Frame>,
    slots: Vec<usize>,
    regs: Vec<usize>,
    /// The running calls, innermost last.
    calls: Vec<CallEntry>,
    /// Calls that returned, latest last (for undoing the returns).
    returned: Vec<CallEntry>,
}

impl Matcher<'_> {
    /// Tries a match starting at `at`; the slots hold it on success.
    fn run(&mut self, at: usize) -> Result<bool, ExecError> {
        self.stack.clear();
        self.calls.clear();
        self.returned.clear();
        self.slots.iter_mut().for_each(|x| *x = UNSET);
        let insts = &self.prog.insts;
        let s = self.s;
        let utf = self.prog.utf;
        // PCRE2 counts the first attempt at a position as one call of its matcher.
        let mut choices: u64 = 1;
        let mut pc = 0usize;
        let mut pos = at;
        loop {
            let ok = match insts[pc] {
                Inst::Byte(_)
                | Inst::ByteFold(..)
                | Inst::CharFold(_)
                | Inst::Any
                | Inst::AnyNoNewline
                | Inst::Class(_) => match self.step(insts[pc], pos) {
                    Some(next) => {
                        pos = next;
                        true
                    }
                    None => false,
                },
                Inst::RepeatOne { min, max, greed } => {
                    let one = insts[pc + 1];
                    let mut n = 0;
                    while n < min {
                        match self.step(one, pos) {
                            Some(next) => pos = next,
                            None => break,
                        }
                        n += 1;
                    }
                    if n < min {
                        false
                    } else {
                        let after = (pc + 2) as u32;
                        if greed == Greed::Lazy {
                            if max > min {
                                choices += 1;
                                self.push(Frame::Lazy {
                                    pc: pc as u32,
                                    count: min,
                                    pos,
                                })?;
                            }
                        } else {
                            let floor = pos;
                            while n < max {
                                match self.step(one, pos) {
                                    Some(next) => pos = next,
                                    None => break,
                                }
                                n += 1;
                            }
                            if greed == Greed::Greedy && pos > floor {
                                choices += 1;
                                self.push(Frame::Greedy {
                                    pc: after,
                                    floor,
                                    pos,
                                })?;
                            }
                        }
                        if choices > self.limit.backtrack {
                            return Err(ExecError::BacktrackLimit);
                        }
                        pc = after as usize;
                        continue;
                    }
                }
                Inst::Assert(a) => self.assert(a, pos),
                Inst::Save(idx) => {
                    let old = self.slots[idx as usize];
                    self.push(Frame::Slot { idx, old })?;
                    self.slots[idx as usize] = pos;
                    true
                }
                Inst::Split(a, b) => {
                    choices += 1;
                    if choices > self.limit.backtrack {
                        return Err(ExecError::BacktrackLimit);
                    }
                    self.push(Frame::Branch { pc: b, pos })?;
                    pc = a as usize;
                    continue;
                }
                Inst::Jmp(a) => {
                    pc = a as usize;
                    continue;
                }
                Inst::Mark(idx) => {
                    let old = self.regs[idx as usize];
                    self.push(Frame::Reg { idx, old })?;
                    self.regs[idx as usize] = pos;
                    true
                }
                Inst::LoopIfProgress(idx, target) => {
                    if pos != self.regs[idx as usize] {
                        pc = target as usize;
                        continue;
                    }
                    true
                }
                Inst::Backref { group, fold } => self.backref(group, fold, &mut pos),
                Inst::AtomicStart => {
                    self.push(Frame::Barrier {
                        kind: BarrierKind::Atomic,
                        pc: 0,
                        pos,
                    })?;
                    true
                }
                Inst::AtomicEnd => {
                    self.cut();
                    true
                }
                Inst::LookStart {
                    behind,
                    negate,
                    end,
                } => {
                    let from = self.back(pos, behind);
                    match (from, negate) {
                        (None, false) => false,
                        (None, true) => {
                            pc = end as usize;
                            continue;
                        }
                        (Some(from), _) => {
                            let kind = if negate {
                                BarrierKind::NegativeLook
                            } else {
                                BarrierKind::Look
                            };
                            self.push(Frame::Barrier { kind, pc: end, pos })?;
                            pos = from;
                            true
                        }
                    }
                }
                Inst::LookEnd => match self.cut() {
                    Some((BarrierKind::NegativeLook, _)) => {
                        // The body matched, so the assertion fails: undo what it set.
                        false
                    }
                    Some((_, orig)) => {
                        pos = orig;
                        true
                    }
                    None => false,
                },
                Inst::Keep => {
                    let old = self.slots[0];
                    self.push(Frame::Slot { idx: 0, old })?;
                    self.slots[0] = pos;
                    true
                }
                Inst::Call { target, group } => {
                    if self.calls.iter().any(|c| c.group == group && c.pos == pos) {
                        // A call that would recurse without consuming anything.
                        false
                    } else {
                        self.push(Frame::CallUndo)?;
                        self.calls.push(CallEntry {
                            ret: pc as u32 + 1,
                            group,
                            pos,
                            saved: self.slots.clone(),
                        });
                        pc = target as usize;
                        continue;
                    }
                }
                Inst::Return(g) => {
                    if self.calls.last().is_some_and(|c| c.group == g) {
                        self.push(Frame::ReturnUndo)?;
                        let Some(entry) = self.calls.pop() else {
                            return Ok(false);
                        };
                        // Captures made inside a call are forgotten when it returns.
                        for (i, &v) in entry.saved.iter().enumerate() {
                            if self.slots[i] != v {
                                let old = self.slots[i];
                                self.push(Frame::Slot { idx: i as u32, old })?;
                                self.slots[i] = v;
                            }
                        }
                        pc = entry.ret as usize;
                        self.returned.push(entry);
                        continue;
                    }
                    true
                }
                Inst::GroupSet { group, want } => {
                    let end = self.slots.get(2 * group as usize + 1).copied();
                    end.is_some_and(|e| e != UNSET) == want
                }
                Inst::InRecursion { group, want } => {
                    let running = match self.calls.last() {
                        Some(c) => group == u32::MAX || c.group == group,
                        None => false,
                    };
                    running == want
                }
                Inst::Match => {
                    if self.opts.not_empty_at_start && pos == at && at == self.start {
                        false
                    } else {
                        return Ok(true);
                    }
                }
            };
            if ok {
                pc += 1;
                continue;
            }
            // Backtrack to the latest choice, undoing writes on the way.
            loop {
                match self.stack.pop() {
                    None => return Ok(false),
                    Some(Frame::Branch { pc: p, pos: q }) => {
                        pc = p as usize;
                        pos = q;
                        break;
                    }
                    Some(Frame::Greedy {
                        pc: p,
                        floor,
                        pos: q,
                    }) => {
                        // Give back one character and retry what follows.
                        let back = if utf {
                            chars::prev_start(s, q).max(floor)
                        } else {
                            q - 1
                        };
                        choices += 1;
                        if choices > self.limit.backtrack {
                            return Err(ExecError::BacktrackLimit);
                        }
                        if back > floor {
                            self.push(Frame::Greedy {
                                pc: p,
                                floor,
                                pos: back,
                            })?;
                        }
                        pc = p as usize;
                        pos = back;
                        break;
                    }
                    Some(Frame::Lazy {
                        pc: p,
                        count,
                        pos: q,
                    }) => {
                        // Take one more character, if the repeat may and it matches.
                        let Inst::RepeatOne { max, .. } = insts[p as usize] else {
                            continue;
                        };
                        let Some(next) = self.step(insts[p as usize + 1], q) else {
                            continue;
                        };
                        choices += 1;
                        if choices > self.limit.backtrack {
                            return Err(ExecError::BacktrackLimit);
                        }
                        if count + 1 < max {
                            self.push(Frame::Lazy {
                                pc: p,
                                count: count + 1,
                                pos: next,
                            })?;
                        }
                        pc = p as usize + 2;
                        pos = next;
                        break;
                    }
                    Some(Frame::Slot { idx, old }) => self.slots[idx as usize] = old,
                    Some(Frame::Reg { idx, old }) => self.regs[idx as usize] = old,
                    Some(f @ (Frame::CallUndo | Frame::ReturnUndo)) => self.undo_call(f),
                    Some(Frame::Barrier {
                        kind: BarrierKind::NegativeLook,
                        pc: p,
                        pos: q,
                    }) => {
                        pc = p as usize;
                        pos = q;
                        break;
                    }
                    Some(Frame::Barrier { .. }) => {}
                }
            }
        }
    }

    /// Undoes a call (`CallUndo`) or a return (`ReturnUndo`) when backtracking past it.
    fn undo_call(&mut self, f: Frame) {
        match f {
            Frame::CallUndo => drop(self.calls.pop()),
            Frame::ReturnUndo => {
                if let Some(entry) = self.returned.pop() {
                    self.calls.push(entry);
                }
            }
            _ => {}
        }
    }

    /// Matches the one-character instruction `inst` at `pos`: the position after it.
    fn step(&self, inst: Inst, pos: usize) -> Option<usize> {
        let s = self.s;
        match inst {
            Inst::Byte(b) => (pos < s.len() && s[pos] == b).then_some(pos + 1),
            Inst::ByteFold(lo, up) => {
                (pos < s.len() && (s[pos] == lo || s[pos] == up)).then_some(pos + 1)
            }
            Inst::CharFold(f) => {
                let (c, n) = self.next_char(pos)?;
                (chars::fold(c, self.prog.utf) == f).then_some(pos + n)
            }
            Inst::Any => self.next_char(pos).map(|(_, n)| pos + n),
            Inst::AnyNoNewline => {
                let (c, n) = self.next_char(pos)?;
                (c != 10).then_some(pos + n)
            }
            Inst::Class(k) => {
                let (c, n) = self.next_char(pos)?;
                self.prog.classes[k as usize].matches(c).then_some(pos + n)
            }
            _ => None,
        }
    }

    fn push(&mut self, f: Frame) -> Result<(), ExecError> {
        let interpreted = !self.limit.jit || self.opts.not_empty_at_start;
        if interpreted && self.stack.len() >= self.limit.depth {
            return Err(ExecError::RecursionLimit);
        }
        if !interpreted && self.stack.len() >= JIT_FRAMES {
            return Err(ExecError::StackLimit);
        }
        if self.stack.len() >= MAX_STACK {
            return Err(ExecError::StackLimit);
        }
        self.stack.push(f);
        Ok(())
    }

    /// Ends the innermost atomic group or lookaround: drops its barrier and the choices above
    /// it. A negative lookaround also undoes the writes of its body; the others keep them.
    /// Returns the barrier's kind and saved position.
    fn cut(&mut self) -> Option<(BarrierKind, usize)> {
        let bi = self
            .stack
            .iter()
            .rposition(|f| matches!(f, Frame::Barrier { .. }))?;
        let Frame::Barrier { kind, pos, .. } = self.stack[bi] else {
            return None;
        };
        if kind == BarrierKind::NegativeLook {
            while self.stack.len() > bi + 1 {
                match self.stack.pop() {
                    Some(Frame::Slot { idx, old }) => self.slots[idx as usize] = old,
                    Some(Frame::Reg { idx, old }) => self.regs[idx as usize] = old,
                    Some(f @ (Frame::CallUndo | Frame::ReturnUndo)) => self.undo_call(f),
                    _ => {}
                }
            }
            self.stack.pop();
            return Some((kind, pos));
        }
        let mut w = bi;
        for r in bi + 1..self.stack.len() {
            let f = self.stack[r];
            if matches!(
                f,
                Frame::Slot { .. } | Frame::Reg { .. } | Frame::CallUndo | Frame::ReturnUndo
            ) {
                self.stack[w] = f;
                w += 1;
            }
        }
        self.stack.truncate(w);
        Some((kind, pos))
    }

    /// The character at `pos` and its length.
    fn next_char(&self, pos: usize) -> Option<(u32, usize)> {
        if pos >= self.s.len() {
            None
        } else if self.prog.utf {
            Some(chars::decode(self.s, pos))
        } else {
            Some((self.s[pos] as u32, 1))
        }
    }

    /// The character before `pos`.
    fn prev_char(&self, pos: usize) -> Option<u32> {
        if pos == 0 {
            None
        } else if self.prog.utf {
            Some(chars::decode(self.s, chars::prev_start(self.s, pos)).0)
        } else {
            Some(self.s[pos - 1] as u32)
        }
    }

    /// The position `n` characters before `pos`.
    fn back(&self, pos: usize, n: u32) -> Option<usize> {
        if !self.prog.utf {
            return pos.checked_sub(n as usize);
        }
        let mut p = pos;
        for _ in 0..n {
            if p == 0 {
                return None;
            }
            p = chars::prev_start(self.s, p);
        }
        Some(p)
    }

    fn assert(&self, a: Assertion, pos: usize) -> bool {
        let s = self.s;
        let len = s.len();
        match a {
            Assertion::Start => pos == 0,
            Assertion::LineStart => pos == 0 || (s[pos - 1] == b'\n' && pos < len),
            Assertion::End => pos == len,
            Assertion::EndOrFinalNewline => pos == len || (pos + 1 == len && s[pos] == b'\n'),
            Assertion::LineEnd => pos == len || s[pos] == b'\n',
            Assertion::StartOffset => pos == self.start,
            Assertion::WordBoundary | Assertion::NotWordBoundary => {
                let utf = self.prog.utf;
                let before = self.prev_char(pos).is_some_and(|c| chars::is_word(c, utf));
                let after = self
                    .next_char(pos)
                    .is_some_and(|(c, _)| chars::is_word(c, utf));
                (before != after) == (a == Assertion::WordBoundary)
            }
        }
    }

    /// Matches the text group `g` captured at `pos`: an unset group matches nothing.
    fn backref(&self, g: u32, fold: bool, pos: &mut usize) -> bool {
        let (i, j) = (2 * g as usize, 2 * g as usize + 1);
        let (Some(&from), Some(&to)) = (self.slots.get(i), self.slots.get(j)) else {
            return false;
        };
        if from == UNSET || to == UNSET || to < from {
            return false;
        }
        let want = &self.s[from..to];
        if !fold {
            if self.s[*pos..].starts_with(want) {
                *pos += want.len();
                return true;
            }
            return false;
        }
        let utf = self.prog.utf;
        let (mut a, mut b) = (0, *pos);
        while a < want.len() {
            let Some((cb, nb)) = self.next_char(b) else {
                return false;
            };
            let (ca, na) = if utf {
                chars::decode(want, a)
            } else {
                (want[a] as u32, 1)
            };
            if chars::fold(ca, utf) != chars::fold(cb, utf) {
                return false;
            }
            a += na;
            b += nb;
        }
        *pos = b;
        true
    }
}
