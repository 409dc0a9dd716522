//! The pattern parser: the text between the delimiters to a [`Node`] tree, with PCRE2's
//! error messages and offsets.
//!
//! It descends recursively into groups, bounded by [`MAX_DEPTH`] (PCRE2's own nesting limit),
//! so no pattern can exhaust the native stack. Escapes are read by [`escape`](super::escape),
//! character classes by [`class`](super::class).

use super::ast::{Assertion, Greed, Look, Node, Repeat, Test};
use super::chars;
use super::escape::Escape;

/// How deeply parentheses may nest (PCRE2's default `PARENS_NEST_LIMIT`).
pub const MAX_DEPTH: usize = 250;

/// The largest number in a `{}` quantifier.
const MAX_REPEAT: u32 = 65535;

/// A compilation error: PCRE2's message and the offset it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub msg: String,
    pub at: usize,
}

pub type ParseResult<T> = Result<T, ParseError>;

/// An error at `at`.
pub fn error<T>(msg: &str, at: usize) -> ParseResult<T> {
    Err(ParseError {
        msg: msg.to_string(),
        at,
    })
}

/// The modifiers after the closing delimiter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    pub caseless: bool,
    pub multiline: bool,
    pub dotall: bool,
    pub extended: bool,
    pub ungreedy: bool,
    pub utf: bool,
    pub dollar_endonly: bool,
    pub anchored: bool,
    pub no_auto_capture: bool,
    pub dupnames: bool,
}

/// The flags `(?i)` and friends can change inside the pattern.
#[derive(Debug, Clone, Copy)]
pub(super) struct Local {
    pub i: bool,
    pub m: bool,
    pub s: bool,
    pub x: bool,
    pub ungreedy: bool,
    pub n: bool,
}

/// A parsed pattern: its tree, the number of capturing groups, and the named ones in order.
#[derive(Debug)]
pub struct Parsed {
    pub node: Node,
    pub groups: u32,
    pub names: Vec<(Vec<u8>, u32)>,
    /// Whether a group is called (`(?R)`, `(?1)`...), so group ends must return.
    pub calls: bool,
}

/// Parses the pattern `p` (the part between the delimiters) under `flags`.
pub fn parse(p: &[u8], flags: &Flags) -> ParseResult<Parsed> {
    if flags.utf
        && let Some((msg, at)) = chars::utf8_error(p)
    {
        return error(&format!("UTF-8 error: {msg}"), at);
    }
    let mut parser = Parser {
        p,
        pos: 0,
        utf: flags.utf,
        dollar_endonly: flags.dollar_endonly,
        dupnames: flags.dupnames,
        groups: 0,
        names: Vec::new(),
        backrefs: Vec::new(),
        depth: 0,
        quoted: Vec::new(),
        calls: false,
    };
    let mut local = Local {
        i: flags.caseless,
        m: flags.multiline,
        s: flags.dotall,
        x: flags.extended,
        ungreedy: flags.ungreedy,
        n: flags.no_auto_capture,
    };
    let node = parser.alternation(&mut local)?;
    if parser.pos < p.len() {
        return error("unmatched closing parenthesis", parser.pos);
    }
    for (g, at) in numbered_refs(&node) {
        if g > parser.groups {
            return error("reference to non-existent subpattern", at);
        }
    }
    for &(g, at) in &parser.backrefs {
        if g > parser.groups {
            return error("reference to non-existent subpattern", at);
        }
    }
    for (name, at) in named_refs(&node) {
        if !parser.names.iter().any(|(n, _)| *n == name) {
            return error("reference to non-existent subpattern", at);
        }
    }
    Ok(Parsed {
        node,
        groups: parser.groups,
        names: parser.names,
        calls: parser.calls,
    })
}

/// The numbered calls of a tree (iterative, as [`named_refs`]).
fn numbered_refs(node: &Node) -> Vec<(u32, usize)> {
    let mut out = Vec::new();
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        match n {
            Node::Call {
                group: Some(g), at, ..
            } => out.push((*g, *at)),
            Node::Group(b, _) | Node::Atomic(b) => todo.push(b),
            Node::Look(l) => todo.push(&l.body),
            Node::Repeat(r) => todo.push(&r.node),
            Node::Concat(v) | Node::Alt(v) => todo.extend(v.iter()),
            Node::Cond(c) => {
                if let Test::Look(l) = &c.test {
                    todo.push(&l.body);
                }
                todo.push(&c.yes);
                todo.push(&c.no);
            }
            _ => {}
        }
    }
    out
}

/// The named backreferences of a tree, for checking they exist (iterative: trees are
/// shallow, but the walk needs no bound this way).
fn named_refs(node: &Node) -> Vec<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        match n {
            Node::NamedBackref { name, at, .. }
            | Node::Call {
                name: Some(name),
                at,
                ..
            } => out.push((name.clone(), *at)),
            Node::Cond(c) => {
                if let Test::GroupName(name, at) = &c.test {
                    out.push((name.clone(), *at));
                }
                if let Test::Look(l) = &c.test {
                    todo.push(&l.body);
                }
                todo.push(&c.yes);
                todo.push(&c.no);
            }
            Node::Group(b, _) | Node::Atomic(b) => todo.push(b),
            Node::Look(l) => todo.push(&l.body),
            Node::Repeat(r) => todo.push(&r.node),
            Node::Concat(v) | Node::Alt(v) => todo.extend(v.iter()),
            _ => {}
        }
    }
    out
}

pub(super) struct Parser<'a> {
    pub p: &'a [u8],
    pub pos: usize,
    pub utf: bool,
    dollar_endonly: bool,
    dupnames: bool,
    groups: u32,
    names: Vec<(Vec<u8>, u32)>,
    /// Numbered backreferences and their offsets, checked once all groups are known.
    pub backrefs: Vec<(u32, usize)>,
    depth: usize,
    /// The characters of a `\Q...\E` before its last one (which is the atom).
    quoted: Vec<Node>,
    /// Whether the pattern calls a group (`(?R)`, `(?1)`...).
    calls: bool,
}

impl Parser<'_> {
    pub fn peek(&self) -> Option<u8> {
        self.p.get(self.pos).copied()
    }

    pub fn at(&self, k: usize) -> Option<u8> {
        self.p.get(self.pos + k).copied()
    }

    pub fn groups_so_far(&self) -> u32 {
        self.groups
    }

    /// Notes that the pattern calls a group.
    pub fn record_call(&mut self) {
        self.calls = true;
    }

    /// Reads one literal character (a code point with `/u`).
    pub fn literal(&mut self) -> u32 {
        if self.utf {
            let (c, n) = chars::decode(self.p, self.pos);
            self.pos += n;
            c
        } else {
            self.pos += 1;
            self.p[self.pos - 1] as u32
        }
    }

    /// Skips white space and `#` comments under `x`.
    fn skip_extended(&mut self, local: &Local) {
        if !local.x {
            return;
        }
        while let Some(b) = self.peek() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                self.pos += 1;
            } else if b == b'#' {
                while let Some(b) = self.peek() {
                    self.pos += 1;
                    if b == b'\n' {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    /// Alternatives up to a `)` or the end.
    fn alternation(&mut self, local: &mut Local) -> ParseResult<Node> {
        let mut alts = Vec::new();
        let mut seq = Vec::new();
        loop {
            self.skip_extended(local);
            match self.peek() {
                None | Some(b')') => break,
                Some(b'|') => {
                    self.pos += 1;
                    alts.push(concat(std::mem::take(&mut seq)));
                }
                Some(_) => {
                    let start = self.pos;
                    if let Some(atom) = self.atom(local)? {
                        seq.append(&mut self.quoted);
                        let node = self.quantified(atom, start, local)?;
                        seq.push(node);
                    }
                }
            }
        }
        alts.push(concat(seq));
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    /// One atom, or `None` for something that matches nothing (an option setting, a comment).
    fn atom(&mut self, local: &mut Local) -> ParseResult<Option<Node>> {
        let start = self.pos;
        let Some(b) = self.peek() else {
            return Ok(Some(Node::Empty));
        };
        Ok(Some(match b {
            b'(' => return self.group(local),
            b'[' => {
                self.pos += 1;
                let class = self.class(local)?;
                Node::Class(Box::new(class))
            }
            b'.' => {
                self.pos += 1;
                Node::Any { dotall: local.s }
            }
            b'^' => {
                self.pos += 1;
                Node::Assert(if local.m {
                    Assertion::LineStart
                } else {
                    Assertion::Start
                })
            }
            b'$' => {
                self.pos += 1;
                Node::Assert(if local.m {
                    Assertion::LineEnd
                } else if self.dollar_endonly {
                    Assertion::End
                } else {
                    Assertion::EndOrFinalNewline
                })
            }
            b'*' | b'+' | b'?' => {
                return error("quantifier does not follow a repeatable item", start);
            }
            b'{' if let Some((_, _, _, end)) = self.quantifier_at(self.pos) => {
                return error("quantifier does not follow a repeatable item", end);
            }
            b'\\' => {
                self.pos += 1;
                match self.escape(local)? {
                    Escape::Char(c) => char_node(c, local.i, self.utf),
                    Escape::Node(n) => n,
                    Escape::Quoted(mut cs) => {
                        // A quantifier after \Q...\E applies to the last character only.
                        let Some(last) = cs.pop() else {
                            return Ok(None);
                        };
                        let utf = self.utf;
                        self.quoted
                            .extend(cs.into_iter().map(|c| char_node(c, local.i, utf)));
                        char_node(last, local.i, utf)
                    }
                    Escape::Nothing => return Ok(None),
                }
            }
            _ => {
                let c = self.literal();
                char_node(c, local.i, self.utf)
            }
        }))
    }

    /// A `{n}`, `{n,}` or `{n,m}` quantifier at `at`: (min, max, end) without checking the
    /// numbers' size (`None` when the brace is a literal).
    fn quantifier_at(&self, at: usize) -> Option<(u64, Option<u64>, usize, usize)> {
        let p = self.p;
        let mut i = at + 1;
        let digits = |i: &mut usize| -> Option<u64> {
            let s = *i;
            let mut v: u64 = 0;
            while *i < p.len() && p[*i].is_ascii_digit() {
                v = v.saturating_mul(10).saturating_add((p[*i] - b'0') as u64);
                *i += 1;
            }
            (*i > s).then_some(v)
        };
        let min = digits(&mut i)?;
        let min_end = i;
        let max = if p.get(i) == Some(&b',') {
            i += 1;
            digits(&mut i)
        } else {
            Some(min)
        };
        (p.get(i) == Some(&b'}')).then_some((min, max, min_end, i))
    }

    /// Applies the quantifiers following an atom.
    fn quantified(&mut self, atom: Node, _start: usize, local: &Local) -> ParseResult<Node> {
        self.skip_extended(local);
        let (min, max) = match self.peek() {
            Some(b'*') => (0, None),
            Some(b'+') => (1, None),
            Some(b'?') => (0, Some(1)),
            Some(b'{') => match self.quantifier_at(self.pos) {
                Some((min, max, min_end, end)) => {
                    if min > MAX_REPEAT as u64 {
                        return error("number too big in {} quantifier", min_end);
                    }
                    if max.is_some_and(|m| m > MAX_REPEAT as u64) {
                        return error("number too big in {} quantifier", end);
                    }
                    if max.is_some_and(|m| m < min) {
                        return error("numbers out of order in {} quantifier", end);
                    }
                    self.pos = end;
                    (min as u32, max.map(|m| m as u32))
                }
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        self.pos += 1;
        let greed = match self.peek() {
            Some(b'+') => {
                self.pos += 1;
                Greed::Possessive
            }
            Some(b'?') => {
                self.pos += 1;
                if local.ungreedy {
                    Greed::Greedy
                } else {
                    Greed::Lazy
                }
            }
            _ if local.ungreedy => Greed::Lazy,
            _ => Greed::Greedy,
        };
        self.skip_extended(local);
        match self.peek() {
            Some(b'*' | b'+' | b'?') => {
                return error("quantifier does not follow a repeatable item", self.pos);
            }
            Some(b'{') => {
                if let Some((_, _, _, end)) = self.quantifier_at(self.pos) {
                    return error("quantifier does not follow a repeatable item", end);
                }
            }
            _ => {}
        }
        Ok(Node::Repeat(Box::new(Repeat {
            node: atom,
            min,
            max,
            greed,
        })))
    }

    /// A parenthesized construct, at its `(`.
    pub(super) fn group(&mut self, local: &mut Local) -> ParseResult<Option<Node>> {
        let open = self.pos;
        self.pos += 1;
        if self.peek() == Some(b'*') {
            return error("(*VERB) not recognized or malformed", self.verb_end());
        }
        if self.peek() != Some(b'?') {
            if local.n {
                return self.group_body(local, open, |n| Node::Group(Box::new(n), None));
            }
            self.groups += 1;
            let idx = self.groups;
            return self.group_body(local, open, move |n| Node::Group(Box::new(n), Some(idx)));
        }
        self.pos += 1;
        let look = |behind, negate| {
            move |n: Node| {
                Node::Look(Box::new(Look {
                    behind,
                    negate,
                    body: n,
                }))
            }
        };
        match self.peek() {
            Some(b'#') => {
                while let Some(b) = self.peek() {
                    self.pos += 1;
                    if b == b')' {
                        return Ok(None);
                    }
                }
                error("missing ) after (?# comment", self.pos)
            }
            Some(b':') => {
                self.pos += 1;
                self.group_body(local, open, |n| Node::Group(Box::new(n), None))
            }
            Some(b'|') => {
                self.pos += 1;
                self.branch_reset(local, open)
            }
            Some(b'>') => {
                self.pos += 1;
                self.group_body(local, open, |n| Node::Atomic(Box::new(n)))
            }
            Some(b'=') => {
                self.pos += 1;
                self.group_body(local, open, look(false, false))
            }
            Some(b'!') => {
                self.pos += 1;
                self.group_body(local, open, look(false, true))
            }
            Some(b'<') if self.at(1) == Some(b'=') => {
                self.pos += 2;
                self.lookbehind(local, open, false)
            }
            Some(b'<') if self.at(1) == Some(b'!') => {
                self.pos += 2;
                self.lookbehind(local, open, true)
            }
            Some(b'<') => {
                self.pos += 1;
                self.named_group(local, open, b'>')
            }
            Some(b'\'') => {
                self.pos += 1;
                self.named_group(local, open, b'\'')
            }
            Some(b'P') if self.at(1) == Some(b'<') => {
                self.pos += 2;
                self.named_group(local, open, b'>')
            }
            Some(b'P') if self.at(1) == Some(b'=') => {
                self.pos += 2;
                let at = self.pos;
                let name = self.name(b')')?;
                Ok(Some(Node::NamedBackref {
                    name,
                    fold: local.i,
                    at,
                }))
            }
            Some(b'(') => {
                self.pos += 1;
                self.conditional(local, open).map(Some)
            }
            Some(b'R' | b'&' | b'+' | b'0'..=b'9') => self.call().map(Some),
            Some(b'-') if self.at(1).is_some_and(|b| b.is_ascii_digit()) => self.call().map(Some),
            Some(b'P') if self.at(1) == Some(b'>') => self.call().map(Some),
            Some(b'-' | b'^' | b'i' | b'm' | b's' | b'x' | b'U' | b'n' | b'J' | b')') => {
                self.options(local, open)
            }
            _ => error("unrecognized character after (? or (?-", self.pos),
        }
    }

    /// The offset PCRE2 reports for a `(*` verb it does not know: after the name.
    fn verb_end(&self) -> usize {
        let mut i = self.pos + 1;
        while i < self.p.len() && (self.p[i].is_ascii_alphanumeric() || self.p[i] == b'_') {
            i += 1;
        }
        i
    }

    /// The body of a group up to its `)`, wrapped by `make`; the group's option changes end
    /// with it.
    pub(super) fn group_body(
        &mut self,
        local: &mut Local,
        open: usize,
        make: impl FnOnce(Node) -> Node,
    ) -> ParseResult<Option<Node>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return error("parentheses are too deeply nested", open);
        }
        let mut inner = *local;
        let body = self.alternation(&mut inner)?;
        self.depth -= 1;
        if self.peek() != Some(b')') {
            return error("missing closing parenthesis", self.p.len());
        }
        self.pos += 1;
        Ok(Some(make(body)))
    }

    /// `(?|...)`: each alternative numbers its groups from the same start.
    fn branch_reset(&mut self, local: &mut Local, open: usize) -> ParseResult<Option<Node>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return error("parentheses are too deeply nested", open);
        }
        let base = self.groups;
        let mut most = base;
        let mut inner = *local;
        let mut alts = Vec::new();
        loop {
            self.groups = base;
            let mut seq = Vec::new();
            loop {
                self.skip_extended(&inner);
                match self.peek() {
                    None | Some(b')') | Some(b'|') => break,
                    Some(_) => {
                        let start = self.pos;
                        if let Some(atom) = self.atom(&mut inner)? {
                            seq.append(&mut self.quoted);
                            seq.push(self.quantified(atom, start, &inner)?);
                        }
                    }
                }
            }
            most = most.max(self.groups);
            alts.push(concat(seq));
            if self.peek() == Some(b'|') {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.groups = most;
        self.depth -= 1;
        if self.peek() != Some(b')') {
            return error("missing closing parenthesis", self.p.len());
        }
        self.pos += 1;
        let body = if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        };
        Ok(Some(Node::Group(Box::new(body), None)))
    }

    /// A lookbehind, checked to have a fixed length per top-level alternative.
    fn lookbehind(
        &mut self,
        local: &mut Local,
        open: usize,
        negate: bool,
    ) -> ParseResult<Option<Node>> {
        let Some(Node::Look(look)) = self.group_body(local, open, |n| {
            Node::Look(Box::new(Look {
                behind: true,
                negate,
                body: n,
            }))
        })?
        else {
            return Ok(None);
        };
        let alts = match look.body {
            Node::Alt(v) => v,
            other => vec![other],
        };
        if alts.iter().any(|a| a.fixed_length().is_none()) {
            return error("lookbehind assertion is not fixed length", open);
        }
        let mut looks: Vec<Node> = alts
            .into_iter()
            .map(|body| {
                Node::Look(Box::new(Look {
                    behind: true,
                    negate,
                    body,
                }))
            })
            .collect();
        // (?<=a|bc) holds when one alternative does; (?<!a|bc) when none does.
        Ok(Some(if looks.len() == 1 {
            looks.pop().unwrap_or(Node::Empty)
        } else if negate {
            Node::Concat(looks)
        } else {
            Node::Alt(looks)
        }))
    }

    /// A group name up to `end` (the position is after the terminator on success).
    pub fn name(&mut self, end: u8) -> ParseResult<Vec<u8>> {
        let start = self.pos;
        if self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return error("subpattern name must start with a non-digit", self.pos);
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
        {
            self.pos += 1;
        }
        if self.pos == start {
            return error("subpattern name expected", self.pos);
        }
        if self.pos - start > 32 {
            return error(
                "subpattern name is too long (maximum 32 code units)",
                self.pos,
            );
        }
        if self.peek() != Some(end) {
            return error(
                "syntax error in subpattern name (missing terminator?)",
                self.pos,
            );
        }
        self.pos += 1;
        Ok(self.p[start..self.pos - 1].to_vec())
    }

    fn named_group(
        &mut self,
        local: &mut Local,
        open: usize,
        end: u8,
    ) -> ParseResult<Option<Node>> {
        let name = self.name(end)?;
        if !self.dupnames && self.names.iter().any(|(n, _)| *n == name) {
            return error(
                "two named subpatterns have the same name (PCRE2_DUPNAMES not set)",
                self.pos,
            );
        }
        self.groups += 1;
        let idx = self.groups;
        self.names.push((name, idx));
        self.group_body(local, open, move |n| Node::Group(Box::new(n), Some(idx)))
    }

    /// `(?imsx-imsx)` or `(?imsx-imsx:...)`.
    fn options(&mut self, local: &mut Local, open: usize) -> ParseResult<Option<Node>> {
        let mut new = *local;
        let mut on = true;
        if self.peek() == Some(b'^') {
            self.pos += 1;
            new.i = false;
            new.m = false;
            new.s = false;
            new.x = false;
            new.n = false;
        }
        loop {
            let Some(b) = self.peek() else {
                return error("missing closing parenthesis", self.p.len());
            };
            self.pos += 1;
            match b {
                b'-' if on => on = false,
                b'i' => new.i = on,
                b'm' => new.m = on,
                b's' => new.s = on,
                b'x' => new.x = on,
                b'U' => new.ungreedy = on,
                b'n' => new.n = on,
                b'J' => self.dupnames = on,
                b')' => {
                    *local = new;
                    return Ok(None);
                }
                b':' => {
                    let mut inner = new;
                    return self.group_body(&mut inner, open, |n| Node::Group(Box::new(n), None));
                }
                _ => return error("unrecognized character after (? or (?-", self.pos - 1),
            }
        }
    }
}

/// A sequence of nodes, without a wrapper for zero or one.
fn concat(mut v: Vec<Node>) -> Node {
    match v.len() {
        0 => Node::Empty,
        1 => v.pop().unwrap_or(Node::Empty),
        _ => Node::Concat(v),
    }
}

/// A literal character, folding only when it has another case.
pub(super) fn char_node(c: u32, fold: bool, utf: bool) -> Node {
    let fold = fold && chars::other_cases(c, utf).iter().any(|&o| o != c);
    Node::Char { c, fold }
}
