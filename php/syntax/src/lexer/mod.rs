//! The lexer: PHP source bytes to the token stream the parser reads.
//!
//! It follows the state machine of PHP's scanner: inline HTML until an open tag, then
//! scripting; double-quoted strings, backquotes and heredocs switch to string states whose
//! interpolations (`$a`, `$a[0]`, `$a->b`, `{$expr}`, `${name}`) push further states. Whitespace,
//! comments and open tags are dropped here (doc comments are kept aside for declarations), `?>`
//! becomes `;` and `<?=` becomes `echo`, as PHP's scanner does in parser mode.
//!
//! The whole file is tokenized before parsing. A lexer error (bad nesting, invalid numeric
//! literal, bad heredoc indentation, ...) becomes an [`TokenKind::Error`] token and ends the
//! stream, so the parser reports it exactly when PHP's parser would have asked for that token.
//!
//! A heredoc's closing-marker indentation is needed before its body is read. PHP finds it by
//! running this same lexer ahead in a scan-only mode (`scan_ahead.rs`); so do we, once per
//! outermost heredoc, caching what the scan learns about every heredoc nested in it, so the
//! lexer stays linear however deep heredocs nest. Heredoc bodies and markers: `heredoc.rs`.

mod heredoc;
mod scan_ahead;
mod scripting;
mod strings;

use crate::diagnostics::ErrorFile;
use crate::span::Span;
use crate::token::{Token, TokenKind};
use heredoc::Heredoc;
use scan_ahead::{ScanAhead, Scanned};
use std::collections::HashMap;

/// Whether `<?` alone opens PHP code (`short_open_tag`, on in PHP's built-in defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ShortTags {
    /// `<?` opens code (PHP's default without an ini file).
    #[default]
    On,
    /// Only `<?php` and `<?=` open code.
    Off,
}

/// Severity of a diagnostic raised while lexing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexSeverity {
    /// `Parse error: ...`
    Parse,
    /// `Fatal error: ...`
    Fatal,
}

/// A lexer error: the message and the byte offset whose line PHP reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    /// The message without the `Parse error: ` prefix.
    pub message: String,
    /// Offset of the position PHP's scanner had reached.
    pub offset: u32,
    /// Parse error or fatal error.
    pub severity: LexSeverity,
    /// The file PHP names: the linted one, or none for an error raised in a scan-ahead.
    pub file: ErrorFile,
}

/// The closing-marker indentation PHP strips from a heredoc or nowdoc body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeredocIndent {
    /// Offset of the `<<<` token (of its `b` prefix, if any).
    pub start: u32,
    /// Indentation in characters (spaces or tabs, never both).
    pub indent: u32,
}

/// The result of lexing a whole file.
#[derive(Debug, Default)]
pub struct Lexed {
    /// Significant tokens, ending with exactly one `Eof` or `Error`.
    pub tokens: Vec<Token>,
    /// The error behind a trailing `Error` token.
    pub error: Option<LexError>,
    /// Spans of `/** ... */` comments, in order.
    pub doc_comments: Vec<Span>,
    /// Where the data after `__halt_compiler();` starts, if the file has it.
    pub halt_offset: Option<u32>,
    /// Start of an unclosed `'...` string (returned as string content to the end of the
    /// file; PHP reports it on the line where it starts, as it counts no line in it).
    pub unclosed_quote: Option<u32>,
    /// The indentation of every heredoc and nowdoc start token, in token order.
    pub heredoc_indents: Vec<HeredocIndent>,
}

/// The scanner's states (PHP's `ST_*` start conditions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Initial,
    Scripting,
    DoubleQuotes,
    Backquote,
    /// In a heredoc or nowdoc body; the index into `Lexer::heredocs`.
    Heredoc,
    LookingForProperty,
    VarOffset,
    LookingForVarname,
}

/// Countdown of the tokens that still belong to `__halt_compiler ( ) ;`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Halt {
    No,
    Remaining(u8),
}

struct Lexer<'s> {
    src: &'s [u8],
    pos: usize,
    mode: Mode,
    stack: Vec<Mode>,
    /// Open brackets for PHP's nesting check: the bracket and its offset.
    nesting: Vec<(u8, u32)>,
    heredocs: Vec<Heredoc>,
    short_tags: ShortTags,
    halt: Halt,
    out: Lexed,
    done: bool,
    /// Set while scanning ahead for a heredoc's closing marker (PHP's `heredoc_scan_ahead`).
    scan: Option<ScanAhead>,
    /// What earlier scans learned about heredocs not reached yet, by body offset.
    scanned: HashMap<u32, Scanned>,
    /// Asked every [`MEMORY_POLL`] tokens whether `memory_limit` was passed.
    memory_limit: Option<crate::MemoryLimit>,
    /// The token count at which to ask next.
    next_poll: usize,
}

/// Tokenizes a whole PHP file.
pub fn lex(src: &[u8], short_tags: ShortTags) -> Lexed {
    lex_limited(src, short_tags, None)
}

/// How many tokens the lexer reads between two polls of `memory_limit`.
const MEMORY_POLL: usize = 4096;

/// [`lex`], polling `memory_limit` as it goes: past the limit, the tokens end with an error
/// token for PHP's fatal error, where the scanner was.
pub fn lex_limited(
    src: &[u8],
    short_tags: ShortTags,
    memory_limit: Option<crate::MemoryLimit>,
) -> Lexed {
    let mut lx = Lexer {
        src,
        pos: 0,
        mode: Mode::Initial,
        stack: Vec::new(),
        nesting: Vec::new(),
        heredocs: Vec::new(),
        short_tags,
        halt: Halt::No,
        out: Lexed {
            tokens: Vec::with_capacity(src.len() / 4),
            ..Lexed::default()
        },
        done: false,
        scan: None,
        scanned: HashMap::new(),
        memory_limit,
        next_poll: if memory_limit.is_some() {
            MEMORY_POLL
        } else {
            usize::MAX
        },
    };
    // Offsets are u32 everywhere; a larger file is refused rather than silently wrapped.
    if src.len() >= u32::MAX as usize {
        lx.error_at(0, "memory exhausted".into(), LexSeverity::Parse);
        return lx.out;
    }
    // PHP's CLI skips a first line starting with `#!` (its `SHEBANG` state), counting it as a
    // line. Code that is not a file (`-r`, `eval`) starts with `<?php ` here, so skipping is
    // right for every source hippy reads.
    if src.starts_with(b"#!")
        && let Some(nl) = src.iter().position(|&c| c == b'\n')
    {
        lx.pos = nl + 1;
    }
    lx.run();
    lx.out.tokens.shrink_to_fit();
    lx.out
}

pub(crate) fn is_label_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

pub(crate) fn is_label_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl<'s> Lexer<'s> {
    /// Lexes until the end of the file, an error, or (scanning ahead) the closing marker.
    fn run(&mut self) {
        while !self.done {
            if self.out.tokens.len() >= self.next_poll && self.scan.is_none() {
                self.poll_memory();
                continue;
            }
            match self.mode {
                Mode::Initial => self.scan_initial(),
                Mode::Scripting => self.scan_scripting(),
                Mode::DoubleQuotes | Mode::Backquote | Mode::Heredoc => self.scan_encaps(),
                Mode::LookingForProperty => self.scan_property(),
                Mode::VarOffset => self.scan_var_offset(),
                Mode::LookingForVarname => self.scan_varname(),
            }
        }
    }

    /// Ends the tokens with PHP's fatal error if the memory in use went over the limit.
    fn poll_memory(&mut self) {
        self.next_poll = self.out.tokens.len() + MEMORY_POLL;
        if let Some(message) = self.memory_limit.and_then(|over| over()) {
            self.error_at(self.pos, message, LexSeverity::Fatal);
        }
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.src.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn label_end(&self, from: usize) -> usize {
        let mut i = from;
        while i < self.src.len() && is_label_char(self.src[i]) {
            i += 1;
        }
        i
    }

    fn starts_with_ci(&self, at: usize, word: &[u8]) -> bool {
        self.src.len() >= at + word.len()
            && self.src[at..at + word.len()].eq_ignore_ascii_case(word)
    }

    fn push(&mut self, kind: TokenKind, start: usize, end: usize) {
        if self.scan.is_some() {
            self.scan_saw(kind, start, end);
            return;
        }
        self.out.tokens.push(Token {
            kind,
            span: Span::new(start as u32, end as u32),
        });
        if let Halt::Remaining(n) = self.halt {
            if n <= 1 {
                // PHP stops lexing once `__halt_compiler();` has been read; its end token
                // still checks that every bracket was closed.
                self.out.halt_offset = Some(end as u32);
                self.halt = Halt::No;
                if let Some(&(opening, open_at)) = self.nesting.last() {
                    self.report_bad_nesting(opening, open_at, None, end);
                } else {
                    self.push_eof(end);
                }
            } else {
                self.halt = Halt::Remaining(n - 1);
            }
        }
    }

    fn push_eof(&mut self, at: usize) {
        self.done = true;
        if self.scan.is_some() {
            return;
        }
        self.out.tokens.push(Token {
            kind: TokenKind::Eof,
            span: Span::new(at as u32, at as u32),
        });
        self.halt = Halt::No;
    }

    /// Ends the stream with an error token; `offset` decides the reported line. Scanning
    /// ahead, it only ends the scan, as PHP clears the exception there.
    fn error_at(&mut self, offset: usize, message: String, severity: LexSeverity) {
        self.raise(offset, message, severity, ErrorFile::Compiled);
    }

    /// [`Self::error_at`], naming `file`.
    fn raise(&mut self, offset: usize, message: String, severity: LexSeverity, file: ErrorFile) {
        self.done = true;
        if self.scan.is_some() {
            return;
        }
        let at = offset as u32;
        self.out.tokens.push(Token {
            kind: TokenKind::Error,
            span: Span::new(at, at),
        });
        self.out.error = Some(LexError {
            message,
            offset: at,
            severity,
            file,
        });
    }

    fn enter_nesting(&mut self, bracket: u8, at: usize) {
        self.nesting.push((bracket, at as u32));
    }

    /// PHP's bracket check on a closing bracket; false (and an error token) on a mismatch.
    fn exit_nesting(&mut self, closing: u8, at: usize) -> bool {
        let Some(&(opening, open_at)) = self.nesting.last() else {
            self.error_at(
                at + 1,
                format!("Unmatched '{}'", closing as char),
                LexSeverity::Parse,
            );
            return false;
        };
        let matches = matches!(
            (opening, closing),
            (b'{', b'}') | (b'[', b']') | (b'(', b')')
        );
        if !matches {
            self.report_bad_nesting(opening, open_at, Some(closing), at + 1);
            return false;
        }
        self.nesting.pop();
        true
    }

    fn report_bad_nesting(&mut self, opening: u8, open_at: u32, closing: Option<u8>, at: usize) {
        let open_line = line_of(self.src, open_at as usize);
        let here_line = line_of(self.src, at);
        let mut msg = format!("Unclosed '{}'", opening as char);
        if open_line != here_line {
            msg.push_str(&format!(" on line {open_line}"));
        }
        if let Some(c) = closing {
            msg.push_str(&format!(" does not match '{}'", c as char));
        }
        self.error_at(at, msg, LexSeverity::Parse);
    }

    /// End of input: PHP checks that every bracket was closed.
    fn finish(&mut self) {
        if let Some(&(opening, open_at)) = self.nesting.last() {
            let end = self.src.len();
            self.report_bad_nesting(opening, open_at, None, end);
        } else {
            self.push_eof(self.src.len());
        }
    }

    fn enter(&mut self, mode: Mode) {
        self.stack.push(self.mode);
        self.mode = mode;
    }

    fn leave(&mut self) {
        self.mode = self.stack.pop().unwrap_or(Mode::Scripting);
    }

    /// Inline HTML up to the next open tag, then the tag.
    fn scan_initial(&mut self) {
        let start = self.pos;
        let src = self.src;
        let mut i = self.pos;
        let tag = loop {
            let Some(off) = src[i..].iter().position(|&b| b == b'<') else {
                i = src.len();
                break None;
            };
            i += off;
            if src.get(i + 1) == Some(&b'?') {
                if src.get(i + 2) == Some(&b'=') {
                    break Some((i, 3, true));
                }
                if self.starts_with_ci(i + 2, b"php") {
                    match src.get(i + 5) {
                        None => break Some((i, 5, false)),
                        Some(b' ' | b'\t' | b'\n') => break Some((i, 6, false)),
                        Some(b'\r') => {
                            let len = if src.get(i + 6) == Some(&b'\n') { 7 } else { 6 };
                            break Some((i, len, false));
                        }
                        _ => {}
                    }
                }
                if self.short_tags == ShortTags::On {
                    break Some((i, 2, false));
                }
            }
            i += 1;
        };
        if i > start {
            self.push(TokenKind::InlineHtml, start, i);
        }
        match tag {
            None => {
                self.pos = src.len();
                self.finish();
            }
            Some((at, len, echo)) => {
                self.pos = at + len;
                self.mode = Mode::Scripting;
                if echo {
                    self.push(TokenKind::Echo, at, at + len);
                }
            }
        }
    }

    /// After `->`: whitespace, `->`, and one identifier (even a keyword) as a property name.
    fn scan_property(&mut self) {
        let start = self.pos;
        let b = self.peek(0);
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            while matches!(self.peek(0), b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            }
            return;
        }
        if b == b'#' || (b == b'/' && self.peek(1) == b'/') {
            // A line comment keeps the property state (up to the newline or `?>`).
            while !self.at_end() {
                match self.peek(0) {
                    b'\n' | b'\r' => break,
                    b'?' if self.peek(1) == b'>' => break,
                    _ => self.pos += 1,
                }
            }
            return;
        }
        if b == b'/' && self.peek(1) == b'*' {
            match self.src[start + 2..].windows(2).position(|w| w == b"*/") {
                Some(off) => self.pos = start + 2 + off + 2,
                None => self.pos = self.src.len(),
            }
            return;
        }
        if b == b'-' && self.peek(1) == b'>' {
            self.pos += 2;
            self.push(TokenKind::ObjectOperator, start, self.pos);
            return;
        }
        if b == b'?' && self.peek(1) == b'-' && self.peek(2) == b'>' {
            self.pos += 3;
            self.push(TokenKind::NullsafeObjectOperator, start, self.pos);
            return;
        }
        self.leave();
        if !self.at_end() && is_label_start(b) {
            self.pos = self.label_end(start);
            self.push(TokenKind::Ident, start, self.pos);
        }
    }

    /// After `${` in a string: a bare name followed by `[` or `}` is a variable name.
    fn scan_varname(&mut self) {
        let start = self.pos;
        self.leave();
        self.enter(Mode::Scripting);
        if !self.at_end() && is_label_start(self.peek(0)) {
            let end = self.label_end(start);
            if matches!(self.src.get(end), Some(b'[' | b'}')) {
                self.pos = end;
                self.push(TokenKind::StringVarname, start, end);
            }
        }
    }
}

/// 1-based line of `offset`, counted as PHP counts.
pub(crate) fn line_of(src: &[u8], offset: usize) -> u32 {
    let mut line = 1;
    let end = offset.min(src.len());
    let mut i = 0;
    while i < end {
        match src[i] {
            b'\n' => line += 1,
            b'\r' if src.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
        i += 1;
    }
    line
}

#[cfg(test)]
mod tests;
