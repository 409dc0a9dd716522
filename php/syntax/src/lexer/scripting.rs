//! The scripting state: operators, names and keywords, numbers, comments, casts, tags.

use super::{Halt, LexSeverity, Lexer, Mode, is_label_char, is_label_start};
use crate::number::{IntLiteral, classify_int};
use crate::token::{TokenKind, keyword};

/// Cast names accepted between parentheses, and the token each one becomes.
const CASTS: &[(&[u8], TokenKind)] = &[
    (b"int", TokenKind::IntCast),
    (b"integer", TokenKind::IntCast),
    (b"bool", TokenKind::BoolCast),
    (b"boolean", TokenKind::BoolCast),
    (b"float", TokenKind::DoubleCast),
    (b"double", TokenKind::DoubleCast),
    (b"string", TokenKind::StringCast),
    (b"binary", TokenKind::StringCast),
    (b"array", TokenKind::ArrayCast),
    (b"object", TokenKind::ObjectCast),
    (b"unset", TokenKind::UnsetCast),
];

impl<'s> Lexer<'s> {
    pub(super) fn scan_scripting(&mut self) {
        while matches!(self.peek(0), b' ' | b'\t' | b'\n' | b'\r') && !self.at_end() {
            self.pos += 1;
        }
        if self.at_end() {
            self.finish();
            return;
        }
        let start = self.pos;
        let b = self.peek(0);
        use TokenKind as T;
        match b {
            b'$' => {
                if is_label_start(self.peek(1)) && self.pos + 1 < self.src.len() {
                    let end = self.label_end(start + 1);
                    self.pos = end;
                    self.push(T::Variable, start, end);
                } else {
                    self.op(T::Dollar, 1);
                }
            }
            b'b' | b'B' if matches!(self.peek(1), b'\'' | b'"') => {
                self.pos += 1;
                self.scan_quote(start);
            }
            b'b' | b'B' if self.peek(1) == b'<' && self.try_heredoc(start, start + 1) => {}
            _ if is_label_start(b) => self.scan_word(start),
            b'\\' => {
                if is_label_start(self.peek(1)) && self.pos + 1 < self.src.len() {
                    let end = self.qualified_end(start + 1);
                    self.pos = end;
                    self.push(T::NameFullyQualified, start, end);
                } else {
                    self.op(T::NsSeparator, 1);
                }
            }
            b'0'..=b'9' => self.scan_number(start),
            b'.' if self.peek(1).is_ascii_digit() => self.scan_number(start),
            b'\'' | b'"' => self.scan_quote(start),
            b'`' => {
                self.pos += 1;
                self.push(T::Backtick, start, self.pos);
                self.mode = Mode::Backquote;
            }
            b'#' if self.peek(1) == b'[' => {
                self.enter_nesting(b'[', start);
                self.op(T::Attribute, 2);
            }
            b'#' => self.line_comment(),
            b'/' if self.peek(1) == b'/' => self.line_comment(),
            b'/' if self.peek(1) == b'*' => self.block_comment(start),
            b'(' => {
                if !self.try_cast(start) {
                    self.enter_nesting(b'(', start);
                    self.op(T::LParen, 1);
                }
            }
            b'[' => {
                self.enter_nesting(b'[', start);
                self.op(T::LBracket, 1);
            }
            b'{' => {
                self.enter_nesting(b'{', start);
                self.enter(Mode::Scripting);
                self.op(T::LBrace, 1);
            }
            b')' | b']' | b'}' => {
                if b == b'}' && !self.stack.is_empty() {
                    self.leave();
                }
                if self.exit_nesting(b, start) {
                    let kind = match b {
                        b')' => T::RParen,
                        b']' => T::RBracket,
                        _ => T::RBrace,
                    };
                    self.op(kind, 1);
                }
            }
            b'?' if self.peek(1) == b'>' => {
                let mut end = start + 2;
                match self.src.get(end) {
                    Some(b'\n') => end += 1,
                    Some(b'\r') => {
                        end += if self.src.get(end + 1) == Some(&b'\n') {
                            2
                        } else {
                            1
                        }
                    }
                    _ => {}
                }
                self.pos = end;
                self.mode = Mode::Initial;
                // In parser mode PHP hands `?>` to the parser as an implicit `;`.
                self.push(T::Semicolon, start, end);
            }
            b'<' if self.peek(1) == b'<'
                && self.peek(2) == b'<'
                && self.try_heredoc(start, start) => {}
            _ => self.scan_operator(start, b),
        }
    }

    fn op(&mut self, kind: TokenKind, len: usize) {
        let start = self.pos;
        self.pos += len;
        self.push(kind, start, self.pos);
    }

    fn scan_operator(&mut self, start: usize, b: u8) {
        use TokenKind as T;
        let (b1, b2) = (self.peek(1), self.peek(2));
        let (kind, len) = match b {
            b';' => (T::Semicolon, 1),
            b',' => (T::Comma, 1),
            b'~' => (T::Tilde, 1),
            b'@' => (T::At, 1),
            b':' if b1 == b':' => (T::DoubleColon, 2),
            b':' => (T::Colon, 1),
            b'.' if b1 == b'.' && b2 == b'.' => (T::Ellipsis, 3),
            b'.' if b1 == b'=' => (T::ConcatEqual, 2),
            b'.' => (T::Dot, 1),
            b'+' if b1 == b'+' => (T::Inc, 2),
            b'+' if b1 == b'=' => (T::PlusEqual, 2),
            b'+' => (T::Plus, 1),
            b'-' if b1 == b'>' => {
                self.op(T::ObjectOperator, 2);
                self.enter(Mode::LookingForProperty);
                return;
            }
            b'-' if b1 == b'-' => (T::Dec, 2),
            b'-' if b1 == b'=' => (T::MinusEqual, 2),
            b'-' => (T::Minus, 1),
            b'*' if b1 == b'*' && b2 == b'=' => (T::PowEqual, 3),
            b'*' if b1 == b'*' => (T::Pow, 2),
            b'*' if b1 == b'=' => (T::MulEqual, 2),
            b'*' => (T::Star, 1),
            b'/' if b1 == b'=' => (T::DivEqual, 2),
            b'/' => (T::Slash, 1),
            b'%' if b1 == b'=' => (T::ModEqual, 2),
            b'%' => (T::Percent, 1),
            b'=' if b1 == b'=' && b2 == b'=' => (T::IsIdentical, 3),
            b'=' if b1 == b'=' => (T::IsEqual, 2),
            b'=' if b1 == b'>' => (T::DoubleArrow, 2),
            b'=' => (T::Equals, 1),
            b'!' if b1 == b'=' && b2 == b'=' => (T::IsNotIdentical, 3),
            b'!' if b1 == b'=' => (T::IsNotEqual, 2),
            b'!' => (T::Bang, 1),
            b'<' if b1 == b'=' && b2 == b'>' => (T::Spaceship, 3),
            b'<' if b1 == b'<' && b2 == b'=' => (T::SlEqual, 3),
            b'<' if b1 == b'<' => (T::Sl, 2),
            b'<' if b1 == b'=' => (T::IsSmallerOrEqual, 2),
            b'<' if b1 == b'>' => (T::IsNotEqual, 2),
            b'<' => (T::Lt, 1),
            b'>' if b1 == b'>' && b2 == b'=' => (T::SrEqual, 3),
            b'>' if b1 == b'>' => (T::Sr, 2),
            b'>' if b1 == b'=' => (T::IsGreaterOrEqual, 2),
            b'>' => (T::Gt, 1),
            b'?' if b1 == b'-' && b2 == b'>' => {
                self.op(T::NullsafeObjectOperator, 3);
                self.enter(Mode::LookingForProperty);
                return;
            }
            b'?' if b1 == b'?' && b2 == b'=' => (T::CoalesceEqual, 3),
            b'?' if b1 == b'?' => (T::Coalesce, 2),
            b'?' => (T::Question, 1),
            b'|' if b1 == b'|' => (T::BooleanOr, 2),
            b'|' if b1 == b'=' => (T::OrEqual, 2),
            b'|' => (T::Pipe, 1),
            b'^' if b1 == b'=' => (T::XorEqual, 2),
            b'^' => (T::Caret, 1),
            b'&' if b1 == b'&' => (T::BooleanAnd, 2),
            b'&' if b1 == b'=' => (T::AndEqual, 2),
            b'&' => {
                let mut i = start + 1;
                while matches!(self.src.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                    i += 1;
                }
                let rest = &self.src[i.min(self.src.len())..];
                let to_var = rest.first() == Some(&b'$') || rest.starts_with(b"...");
                let kind = if to_var {
                    T::AmpersandFollowedByVarOrVararg
                } else {
                    T::Ampersand
                };
                (kind, 1)
            }
            _ => (T::BadCharacter, 1),
        };
        let _ = start;
        self.op(kind, len);
    }

    /// End of a `Name\Name...` whose first label starts at `from`.
    pub(super) fn qualified_end(&self, from: usize) -> usize {
        let mut end = self.label_end(from);
        while self.src.get(end) == Some(&b'\\')
            && self.src.get(end + 1).is_some_and(|&c| is_label_start(c))
        {
            end = self.label_end(end + 1);
        }
        end
    }

    fn scan_word(&mut self, start: usize) {
        use TokenKind as T;
        let label_end = self.label_end(start);
        if self.src.get(label_end) == Some(&b'\\')
            && self
                .src
                .get(label_end + 1)
                .is_some_and(|&c| is_label_start(c))
        {
            let end = self.qualified_end(start);
            let relative = self.src[start..label_end].eq_ignore_ascii_case(b"namespace");
            self.pos = end;
            let kind = if relative {
                T::NameRelative
            } else {
                T::NameQualified
            };
            self.push(kind, start, end);
            return;
        }
        self.pos = label_end;
        let word = &self.src[start..label_end];
        let kind = if word.len() <= 15 {
            let mut buf = [0u8; 15];
            let lower = &mut buf[..word.len()];
            lower.copy_from_slice(word);
            lower.make_ascii_lowercase();
            keyword(lower)
        } else {
            None
        };
        let kind = match kind {
            Some(T::Yield) => {
                let ws_end = self.skip_ws(label_end);
                if ws_end > label_end
                    && self.starts_with_ci(ws_end, b"from")
                    && !self.src.get(ws_end + 4).is_some_and(|&c| is_label_char(c))
                {
                    self.pos = ws_end + 4;
                    T::YieldFrom
                } else {
                    T::Yield
                }
            }
            Some(T::Enum) => {
                let ws_end = self.skip_ws(label_end);
                // `enum` is a keyword only before whitespace and a name other than
                // `extends`/`implements` (so `enum` stays usable as an identifier).
                let names_follow = ws_end > label_end
                    && ws_end < self.src.len()
                    && is_label_start(self.src[ws_end])
                    && !self.starts_with_ci(ws_end, b"extends")
                    && !self.starts_with_ci(ws_end, b"implements");
                if names_follow { T::Enum } else { T::Ident }
            }
            Some(T::HaltCompiler) => {
                self.halt = Halt::Remaining(4);
                T::HaltCompiler
            }
            Some(k) => k,
            None => T::Ident,
        };
        self.push(kind, start, self.pos);
    }

    fn skip_ws(&self, from: usize) -> usize {
        let mut i = from;
        while matches!(self.src.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        i
    }

    fn line_comment(&mut self) {
        while !self.at_end() {
            match self.peek(0) {
                b'\n' => {
                    self.pos += 1;
                    return;
                }
                b'\r' => {
                    self.pos += if self.peek(1) == b'\n' { 2 } else { 1 };
                    return;
                }
                // `?>` ends a one-line comment and is itself a token.
                b'?' if self.peek(1) == b'>' => return,
                _ => self.pos += 1,
            }
        }
    }

    fn block_comment(&mut self, start: usize) {
        let doc = self.peek(2) == b'*' && matches!(self.peek(3), b' ' | b'\t' | b'\n' | b'\r');
        let body = start + 2;
        match self.src[body..].windows(2).position(|w| w == b"*/") {
            Some(off) => {
                self.pos = body + off + 2;
                if doc {
                    self.out
                        .doc_comments
                        .push(crate::span::Span::new(start as u32, self.pos as u32));
                }
            }
            None => {
                let line = super::line_of(self.src, start);
                self.pos = self.src.len();
                self.error_at(
                    start,
                    format!("Unterminated comment starting line {line}"),
                    LexSeverity::Parse,
                );
            }
        }
    }

    /// `(int)`, `( string )`, ...: a cast only if the whole thing matches.
    fn try_cast(&mut self, start: usize) -> bool {
        let mut i = start + 1;
        while matches!(self.src.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let word_start = i;
        while self.src.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
            i += 1;
        }
        let word = &self.src[word_start..i];
        while matches!(self.src.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if self.src.get(i) != Some(&b')') || word.is_empty() {
            return false;
        }
        let end = i + 1;
        if word.eq_ignore_ascii_case(b"real") {
            self.pos = end;
            self.error_at(
                end,
                "The (real) cast has been removed, use (float) instead".into(),
                LexSeverity::Parse,
            );
            return true;
        }
        let Some(&(_, kind)) = CASTS
            .iter()
            .find(|(name, _)| word.eq_ignore_ascii_case(name))
        else {
            return false;
        };
        self.pos = end;
        self.push(kind, start, end);
        true
    }

    fn scan_number(&mut self, start: usize) {
        let src = self.src;
        let digits = |mut i: usize, ok: fn(u8) -> bool| -> usize {
            // `[d]+(_[d]+)*`: an underscore only between two digits.
            if !src.get(i).is_some_and(|&c| ok(c)) {
                return i;
            }
            loop {
                while src.get(i).is_some_and(|&c| ok(c)) {
                    i += 1;
                }
                if src.get(i) == Some(&b'_') && src.get(i + 1).is_some_and(|&c| ok(c)) {
                    i += 1;
                } else {
                    return i;
                }
            }
        };
        let radix_prefix = |c: u8| {
            src.get(start + 1)
                .is_some_and(|&x| x.eq_ignore_ascii_case(&c))
        };
        if src[start] == b'0' {
            let radix = [(b'x', 16u32), (b'b', 2), (b'o', 8)]
                .into_iter()
                .find(|&(c, r)| {
                    radix_prefix(c) && src.get(start + 2).is_some_and(|&d| (d as char).is_digit(r))
                });
            if let Some((_, r)) = radix {
                let end = match r {
                    16 => digits(start + 2, |c| c.is_ascii_hexdigit()),
                    2 => digits(start + 2, |c| c == b'0' || c == b'1'),
                    _ => digits(start + 2, |c| (b'0'..=b'7').contains(&c)),
                };
                self.pos = end;
                let kind = match classify_int(&src[start..end]) {
                    IntLiteral::Fits(_) => TokenKind::LNumber,
                    _ => TokenKind::DNumber,
                };
                self.push(kind, start, end);
                return;
            }
        }
        let int_end = digits(start, |c| c.is_ascii_digit());
        let mut end = int_end;
        let mut is_float = false;
        if src.get(end) == Some(&b'.') {
            let frac_end = digits(end + 1, |c| c.is_ascii_digit());
            if frac_end > end + 1 || int_end > start {
                end = frac_end;
                is_float = true;
            }
        }
        if matches!(src.get(end), Some(b'e' | b'E')) {
            let mut i = end + 1;
            if matches!(src.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let exp_end = digits(i, |c| c.is_ascii_digit());
            if exp_end > i {
                end = exp_end;
                is_float = true;
            }
        }
        self.pos = end;
        if is_float {
            self.push(TokenKind::DNumber, start, end);
            return;
        }
        match classify_int(&src[start..end]) {
            IntLiteral::Fits(_) => self.push(TokenKind::LNumber, start, end),
            IntLiteral::Overflows => self.push(TokenKind::DNumber, start, end),
            IntLiteral::Invalid => {
                self.error_at(end, "Invalid numeric literal".into(), LexSeverity::Parse)
            }
        }
    }
}
