//! Quoted strings, backquotes and the interpolation tokens they share with heredoc bodies
//! (whose text and closing markers are in `heredoc.rs`), and the states inside interpolations.

use super::heredoc::DocKind;
use super::{Lexer, Mode, is_label_start};
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
            if self
                .heredocs
                .last()
                .is_some_and(|d| d.kind == DocKind::Nowdoc)
            {
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
