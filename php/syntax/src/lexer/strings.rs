//! Quoted strings, backquotes, heredocs and nowdocs, and the states inside interpolations.

use super::{LexSeverity, Lexer, Mode, is_label_char, is_label_start};
use crate::token::TokenKind;

impl<'s> Lexer<'s> {
    /// A `'...'` or `"..."` literal (after an optional `b` prefix at `start`).
    pub(super) fn scan_quote(&mut self, start: usize) {
        let src = self.src;
        let quote = src[self.pos];
        let mut i = self.pos + 1;
        if quote == b'\'' {
            while i < src.len() {
                match src[i] {
                    b'\'' => {
                        self.pos = i + 1;
                        self.push(TokenKind::ConstantEncapsedString, start, self.pos);
                        return;
                    }
                    b'\\' => i += 2,
                    _ => i += 1,
                }
            }
            // Unclosed: PHP returns the rest as string content, which no rule accepts.
            self.out.unclosed_quote = Some(start as u32);
            self.pos = src.len();
            self.push(TokenKind::EncapsedAndWhitespace, start, self.pos);
            return;
        }
        // A double-quoted string with nothing to interpolate is one constant token.
        while i < src.len() {
            match src[i] {
                b'"' => {
                    self.pos = i + 1;
                    self.push(TokenKind::ConstantEncapsedString, start, self.pos);
                    return;
                }
                b'\\' => i += 2,
                b'$' if src
                    .get(i + 1)
                    .is_some_and(|&c| is_label_start(c) || c == b'{') =>
                {
                    break;
                }
                b'{' if src.get(i + 1) == Some(&b'$') => break,
                _ => i += 1,
            }
        }
        self.pos += 1;
        self.push(TokenKind::DoubleQuote, start, self.pos);
        self.mode = Mode::DoubleQuotes;
    }

    /// Inside `"..."`, `` `...` `` or a heredoc body.
    pub(super) fn scan_encaps(&mut self) {
        let src = self.src;
        let start = self.pos;
        if self.mode == Mode::Heredoc {
            if self.try_heredoc_end() {
                return;
            }
            if self.heredocs.last().is_some_and(|d| d.nowdoc) {
                self.scan_heredoc_text(start);
                return;
            }
        }
        if self.at_end() {
            self.finish();
            return;
        }
        let closing = match self.mode {
            Mode::DoubleQuotes => Some(b'"'),
            Mode::Backquote => Some(b'`'),
            _ => None,
        };
        let b = src[start];
        if Some(b) == closing {
            self.pos += 1;
            let kind = if b == b'"' {
                TokenKind::DoubleQuote
            } else {
                TokenKind::Backtick
            };
            self.push(kind, start, self.pos);
            self.mode = Mode::Scripting;
            return;
        }
        let interpolation = b == b'$' || (b == b'{' && src.get(start + 1) == Some(&b'$'));
        if interpolation
            && self.mode == Mode::Heredoc
            && start > 0
            && matches!(src[start - 1], b'\n' | b'\r')
            && let Some((at, msg)) = self.check_heredoc_indent(start, start)
        {
            self.error_at(at, msg, LexSeverity::Parse);
            return;
        }
        if b == b'$' && src.get(start + 1).is_some_and(|&c| is_label_start(c)) {
            let end = self.label_end(start + 1);
            self.pos = end;
            self.push(TokenKind::Variable, start, end);
            let rest = &src[end..];
            let prop = |skip: usize| rest.get(skip).is_some_and(|&c| is_label_start(c));
            if (rest.starts_with(b"->") && prop(2)) || (rest.starts_with(b"?->") && prop(3)) {
                self.enter(Mode::LookingForProperty);
            } else if rest.first() == Some(&b'[') {
                self.enter(Mode::VarOffset);
            }
            return;
        }
        if b == b'$' && src.get(start + 1) == Some(&b'{') {
            self.pos += 2;
            self.enter_nesting(b'{', start);
            self.push(TokenKind::DollarOpenCurlyBraces, start, self.pos);
            self.enter(Mode::LookingForVarname);
            return;
        }
        if b == b'{' && src.get(start + 1) == Some(&b'$') {
            self.pos += 1;
            self.enter_nesting(b'{', start);
            self.push(TokenKind::CurlyOpen, start, self.pos);
            self.enter(Mode::Scripting);
            return;
        }
        if self.mode == Mode::Heredoc {
            self.scan_heredoc_text(start);
            return;
        }
        let mut i = start;
        while i < src.len() {
            let c = src[i];
            if Some(c) == closing
                || (c == b'$'
                    && src
                        .get(i + 1)
                        .is_some_and(|&n| is_label_start(n) || n == b'{'))
                || (c == b'{' && src.get(i + 1) == Some(&b'$'))
            {
                break;
            }
            i += if c == b'\\' { 2 } else { 1 };
        }
        self.pos = i.min(src.len());
        self.push(TokenKind::EncapsedAndWhitespace, start, self.pos);
    }

    /// At a heredoc line start: the closing marker, if it is there.
    fn try_heredoc_end(&mut self) -> bool {
        let Some(doc) = self.heredocs.last() else {
            return false;
        };
        let src = self.src;
        let start = self.pos;
        // The start token ends with a line break, so the body's first line qualifies too.
        let at_line_start = matches!(src.get(start.wrapping_sub(1)), Some(b'\n' | b'\r'));
        if !at_line_start {
            return false;
        }
        let label = doc.label.slice(src);
        let mut i = start;
        while matches!(src.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if !src[i..].starts_with(label)
            || src.get(i + label.len()).is_some_and(|&c| is_label_char(c))
        {
            return false;
        }
        let end = i + label.len();
        self.pos = end;
        self.heredocs.pop();
        self.leave();
        self.push(TokenKind::EndHeredoc, start, end);
        true
    }

    /// Heredoc or nowdoc text up to an interpolation or the line before the closing marker.
    fn scan_heredoc_text(&mut self, start: usize) {
        let src = self.src;
        let Some(doc) = self.heredocs.last() else {
            return;
        };
        let nowdoc = doc.nowdoc;
        let label = doc.label.slice(src);
        let mut i = start;
        let mut end = src.len();
        while i < src.len() {
            let c = src[i];
            if c == b'\n' || c == b'\r' {
                let mut next = i + 1;
                if c == b'\r' && src.get(next) == Some(&b'\n') {
                    next += 1;
                }
                let mut j = next;
                while matches!(src.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
                if src[j..].starts_with(label)
                    && !src.get(j + label.len()).is_some_and(|&c| is_label_char(c))
                {
                    end = next;
                    break;
                }
                i = next;
                continue;
            }
            if !nowdoc
                && ((c == b'$'
                    && src
                        .get(i + 1)
                        .is_some_and(|&n| is_label_start(n) || n == b'{'))
                    || (c == b'{' && src.get(i + 1) == Some(&b'$')))
            {
                end = i;
                break;
            }
            // An escaped line break still ends the line, so the closing marker is checked.
            let escapes_next =
                c == b'\\' && !nowdoc && !matches!(src.get(i + 1), Some(b'\n' | b'\r'));
            i += if escapes_next { 2 } else { 1 };
        }
        let end = end.min(src.len());
        if let Some(bad) = self.check_heredoc_indent(start, end) {
            self.pos = end;
            self.error_at(bad.0, bad.1, LexSeverity::Parse);
            return;
        }
        self.pos = end;
        if end > start {
            self.push(TokenKind::EncapsedAndWhitespace, start, end);
        } else if end >= src.len() {
            self.finish();
        }
    }

    /// Checks every line of `start..end` that begins a body line against the closing
    /// marker's indentation; the offset of a bad line and PHP's message.
    fn check_heredoc_indent(&self, start: usize, end: usize) -> Option<(usize, String)> {
        let src = self.src;
        let doc = self.heredocs.last()?;
        if doc.indent == 0 {
            return None;
        }
        let mut line = if matches!(src.get(start.wrapping_sub(1)), Some(b'\n' | b'\r')) {
            Some(start)
        } else {
            None
        };
        let mut i = start;
        loop {
            if let Some(ls) = line.take() {
                let mut j = ls;
                while j < end && j - ls < doc.indent && matches!(src[j], b' ' | b'\t') {
                    if Some(src[j]) != doc.indent_char {
                        return Some((
                            ls,
                            "Invalid indentation - tabs and spaces cannot be mixed".into(),
                        ));
                    }
                    j += 1;
                }
                let blank = j >= src.len() || matches!(src[j], b'\n' | b'\r');
                if j - ls < doc.indent && !blank {
                    return Some((
                        ls,
                        format!(
                            "Invalid body indentation level (expecting an indentation level of at least {})",
                            doc.indent
                        ),
                    ));
                }
            }
            let Some(off) = src[i..end].iter().position(|&c| c == b'\n' || c == b'\r') else {
                break;
            };
            let nl = i + off;
            i = if src[nl] == b'\r' && src.get(nl + 1) == Some(&b'\n') {
                nl + 2
            } else {
                nl + 1
            };
            // A line that starts right where an interpolation begins has no indentation.
            if i < end || (i == end && matches!(src.get(end), Some(b'$' | b'{'))) {
                line = Some(i);
            }
        }
        None
    }

    /// `$var[...]` inside a string: a single key, then `]`.
    pub(super) fn scan_var_offset(&mut self) {
        let src = self.src;
        let start = self.pos;
        if self.at_end() {
            self.finish();
            return;
        }
        let b = src[start];
        use TokenKind as T;
        match b {
            b'0'..=b'9' => {
                let mut i = start;
                while src
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                self.pos = i;
                self.push(T::NumString, start, i);
            }
            b'$' if src.get(start + 1).is_some_and(|&c| is_label_start(c)) => {
                let end = self.label_end(start + 1);
                self.pos = end;
                self.push(T::Variable, start, end);
            }
            _ if is_label_start(b) => {
                let end = self.label_end(start);
                self.pos = end;
                self.push(T::Ident, start, end);
            }
            b']' => {
                self.leave();
                self.pos += 1;
                self.push(T::RBracket, start, self.pos);
            }
            b' ' | b'\n' | b'\r' | b'\t' | b'\\' | b'\'' | b'#' => {
                // PHP returns an empty string-content token here for a clearer syntax error.
                self.leave();
                self.push(T::EncapsedAndWhitespace, start, start);
            }
            _ => {
                let kind = single_char_token(b).unwrap_or(T::BadCharacter);
                self.pos += 1;
                self.push(kind, start, self.pos);
            }
        }
    }
}

/// Tokens PHP's `var offset` state returns one character at a time.
fn single_char_token(b: u8) -> Option<TokenKind> {
    use TokenKind as T;
    Some(match b {
        b';' => T::Semicolon,
        b':' => T::Colon,
        b',' => T::Comma,
        b'.' => T::Dot,
        b'|' => T::Pipe,
        b'^' => T::Caret,
        b'&' => T::Ampersand,
        b'+' => T::Plus,
        b'-' => T::Minus,
        b'/' => T::Slash,
        b'*' => T::Star,
        b'=' => T::Equals,
        b'%' => T::Percent,
        b'!' => T::Bang,
        b'~' => T::Tilde,
        b'$' => T::Dollar,
        b'<' => T::Lt,
        b'>' => T::Gt,
        b'?' => T::Question,
        b'@' => T::At,
        b'[' => T::LBracket,
        b'(' => T::LParen,
        b')' => T::RParen,
        b'{' => T::LBrace,
        b'}' => T::RBrace,
        b'"' => T::DoubleQuote,
        b'`' => T::Backtick,
        _ => return None,
    })
}
