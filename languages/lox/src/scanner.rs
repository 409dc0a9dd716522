//! The scanner: turns Lox source text into [`Token`]s on demand, one at a time, with clox's
//! rules (the same token kinds, the same line counting, the same error tokens).
//!
//! As in clox, a NUL byte ends the source (clox reads the program as a C string), a number is
//! digits with an optional `.digits` part, identifiers are ASCII letters, digits and `_`, and any
//! other byte (including every byte of a non-ASCII character) is an "Unexpected character." error
//! token.

/// The kind of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `(`
    LeftParen,
    /// `)`
    RightParen,
    /// `{`
    LeftBrace,
    /// `}`
    RightBrace,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `-`
    Minus,
    /// `+`
    Plus,
    /// `;`
    Semicolon,
    /// `/`
    Slash,
    /// `*`
    Star,
    /// `!`
    Bang,
    /// `!=`
    BangEqual,
    /// `=`
    Equal,
    /// `==`
    EqualEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// A name.
    Identifier,
    /// A string literal, quotes included in the lexeme.
    String,
    /// A number literal.
    Number,
    /// `and`
    And,
    /// `class`
    Class,
    /// `else`
    Else,
    /// `false`
    False,
    /// `for`
    For,
    /// `fun`
    Fun,
    /// `if`
    If,
    /// `nil`
    Nil,
    /// `or`
    Or,
    /// `print`
    Print,
    /// `return`
    Return,
    /// `super`
    Super,
    /// `this`
    This,
    /// `true`
    True,
    /// `var`
    Var,
    /// `while`
    While,
    /// A scanning error; the token's [`Token::text`] is the error message.
    Error,
    /// The end of the source.
    Eof,
}

/// A token: its kind, its text and the line it ends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'src> {
    /// What kind of token it is.
    pub kind: TokenKind,
    /// The lexeme (for [`TokenKind::Error`], the error message; for [`TokenKind::Eof`], empty).
    pub text: &'src str,
    /// The source line (1-based) the scanner was on when the token ended, as clox counts it.
    pub line: u32,
}

/// A scanner over one source text, producing tokens on demand with [`Scanner::scan_token`].
#[derive(Clone, Debug)]
pub struct Scanner<'src> {
    /// The source, cut at its first NUL byte.
    src: &'src str,
    /// Where the current token starts (a byte offset).
    start: usize,
    /// The next byte to read.
    current: usize,
    /// The current line.
    line: u32,
}

impl<'src> Scanner<'src> {
    /// A scanner at the start of `source` (line 1). The source ends at its first NUL byte, if any.
    pub fn new(source: &'src str) -> Self {
        let src = match source.find('\0') {
            Some(end) => &source[..end],
            None => source,
        };
        Scanner {
            src,
            start: 0,
            current: 0,
            line: 1,
        }
    }

    /// The next token. After the end of the source, every call returns [`TokenKind::Eof`].
    pub fn scan_token(&mut self) -> Token<'src> {
        self.skip_whitespace();
        self.start = self.current;
        let Some(c) = self.advance() else {
            return self.make(TokenKind::Eof);
        };
        if is_alpha(c) {
            return self.identifier();
        }
        if c.is_ascii_digit() {
            return self.number();
        }
        let kind = match c {
            b'(' => TokenKind::LeftParen,
            b')' => TokenKind::RightParen,
            b'{' => TokenKind::LeftBrace,
            b'}' => TokenKind::RightBrace,
            b';' => TokenKind::Semicolon,
            b',' => TokenKind::Comma,
            b'.' => TokenKind::Dot,
            b'-' => TokenKind::Minus,
            b'+' => TokenKind::Plus,
            b'/' => TokenKind::Slash,
            b'*' => TokenKind::Star,
            b'!' => self.either(TokenKind::BangEqual, TokenKind::Bang),
            b'=' => self.either(TokenKind::EqualEqual, TokenKind::Equal),
            b'<' => self.either(TokenKind::LessEqual, TokenKind::Less),
            b'>' => self.either(TokenKind::GreaterEqual, TokenKind::Greater),
            b'"' => return self.string(),
            _ => return self.error("Unexpected character."),
        };
        self.make(kind)
    }

    /// The byte at `current`, if any.
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.current).copied()
    }

    /// The byte after the one at `current`, if any.
    fn peek_next(&self) -> Option<u8> {
        self.src.as_bytes().get(self.current + 1).copied()
    }

    /// Consumes one byte.
    fn advance(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.current += 1;
        Some(c)
    }

    /// `two` if the next byte is `=` (consuming it), else `one`.
    fn either(&mut self, two: TokenKind, one: TokenKind) -> TokenKind {
        if self.peek() == Some(b'=') {
            self.current += 1;
            two
        } else {
            one
        }
    }

    /// A token of `kind` spanning `start..current`.
    fn make(&self, kind: TokenKind) -> Token<'src> {
        // `start` and `current` always sit on ASCII bytes or the ends, so this slice is valid.
        let text = self.src.get(self.start..self.current).unwrap_or("");
        Token {
            kind,
            text,
            line: self.line,
        }
    }

    /// An error token carrying `message`.
    fn error(&self, message: &'static str) -> Token<'src> {
        Token {
            kind: TokenKind::Error,
            text: message,
            line: self.line,
        }
    }

    /// Skips spaces, tabs, carriage returns, newlines (counting lines) and `//` comments.
    fn skip_whitespace(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\r' | b'\t') => self.current += 1,
                Some(b'\n') => {
                    self.line = self.line.saturating_add(1);
                    self.current += 1;
                }
                Some(b'/') if self.peek_next() == Some(b'/') => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.current += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// Scans the rest of an identifier or keyword.
    fn identifier(&mut self) -> Token<'src> {
        while self
            .peek()
            .is_some_and(|c| is_alpha(c) || c.is_ascii_digit())
        {
            self.current += 1;
        }
        let kind = keyword(&self.src[self.start..self.current]);
        self.make(kind)
    }

    /// Scans the rest of a number: digits, then optionally `.` and at least one digit.
    fn number(&mut self) -> Token<'src> {
        self.skip_digits();
        if self.peek() == Some(b'.') && self.peek_next().is_some_and(|c| c.is_ascii_digit()) {
            self.current += 1;
            self.skip_digits();
        }
        self.make(TokenKind::Number)
    }

    /// Skips ASCII digits.
    fn skip_digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.current += 1;
        }
    }

    /// Scans the rest of a string literal (which may span lines).
    fn string(&mut self) -> Token<'src> {
        loop {
            match self.peek() {
                None => return self.error("Unterminated string."),
                Some(b'"') => break,
                Some(c) => {
                    if c == b'\n' {
                        self.line = self.line.saturating_add(1);
                    }
                    self.current += 1;
                }
            }
        }
        self.current += 1;
        self.make(TokenKind::String)
    }
}

/// Whether `c` can start an identifier.
fn is_alpha(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

/// The keyword kind of `word`, or [`TokenKind::Identifier`].
fn keyword(word: &str) -> TokenKind {
    match word {
        "and" => TokenKind::And,
        "class" => TokenKind::Class,
        "else" => TokenKind::Else,
        "false" => TokenKind::False,
        "for" => TokenKind::For,
        "fun" => TokenKind::Fun,
        "if" => TokenKind::If,
        "nil" => TokenKind::Nil,
        "or" => TokenKind::Or,
        "print" => TokenKind::Print,
        "return" => TokenKind::Return,
        "super" => TokenKind::Super,
        "this" => TokenKind::This,
        "true" => TokenKind::True,
        "var" => TokenKind::Var,
        "while" => TokenKind::While,
        _ => TokenKind::Identifier,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, String, u32)> {
        let mut s = Scanner::new(src);
        let mut out = Vec::new();
        loop {
            let t = s.scan_token();
            out.push((t.kind, t.text.to_string(), t.line));
            if t.kind == TokenKind::Eof {
                return out;
            }
        }
    }

    #[test]
    fn scans_operators_keywords_and_lines() {
        let toks = kinds("var x = 1.5;\n// c\nif (x >= 2) print \"a\nb\"; 3.");
        let k: Vec<TokenKind> = toks.iter().map(|t| t.0).collect();
        use TokenKind::*;
        assert_eq!(
            k,
            vec![
                Var,
                Identifier,
                Equal,
                Number,
                Semicolon,
                If,
                LeftParen,
                Identifier,
                GreaterEqual,
                Number,
                RightParen,
                Print,
                String,
                Semicolon,
                Number,
                Dot,
                Eof
            ]
        );
        assert_eq!(toks[3].1, "1.5");
        assert_eq!(toks[5].2, 3);
        assert_eq!(toks[12].2, 4, "a string's line is where it ends");
    }

    #[test]
    fn errors_and_nul() {
        let toks = kinds("@ \"abc");
        assert_eq!(toks[0].0, TokenKind::Error);
        assert_eq!(toks[0].1, "Unexpected character.");
        assert_eq!(toks[1].1, "Unterminated string.");
        let toks = kinds("é");
        assert_eq!(toks.len(), 3, "one error per byte");
        let toks = kinds("a\0b");
        assert_eq!(toks.len(), 2, "NUL ends the source");
    }
}
