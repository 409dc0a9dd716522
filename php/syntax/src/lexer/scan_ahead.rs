//! Scanning ahead for a heredoc's closing marker, as PHP's scanner does (`heredoc_scan_ahead`
//! in `zend_language_scanner.l`).
//!
//! When a heredoc with a body starts, PHP saves the lexer state and runs the same lexer on in a
//! scan-only mode, from the body with empty bracket and state stacks, until the heredoc's own
//! end token (counting the start and end tokens of nested ones), an error or the end of the
//! file; then it restores the state. The indentation it keeps is PHP's `heredoc_indentation`, a
//! global that every closing marker read by the heredoc body rule overwrites: normally the
//! heredoc's own marker, but if the scan stopped early, the last marker of a nested heredoc
//! read before, or 0. While scanning ahead nested heredocs do not scan ahead, indentation is
//! not checked, and any error just ends the scan (PHP clears it). If the body's first token is
//! an interpolation and the indentation is not 0, PHP reports `Invalid body indentation level`
//! right away: it does so before restoring its state, with no compiled file set, so it names
//! `[no active file]` and line 0 ([`crate::diagnostics::ErrorFile::NoActiveFile`]).
//!
//! PHP then scans ahead again for each nested heredoc when its real lexing reaches it, which
//! is quadratic in the nesting depth. We don't: what a nested heredoc's own scan would find, the
//! outer scan has already read, since the same lexer runs over the same text from the same
//! state. (Only the stacks differ: the nested scan starts with empty ones, the outer scan has
//! the brackets around the nested heredoc on them; but nothing in a heredoc body pops below
//! where the body began without a bracket mismatch, an error that stops both scans at the
//! same place.) That is its first body token, and the last marker read between its start and
//! its end, or the place where the scan stopped. The scan records both for every heredoc it
//! starts, keyed by body offset, and the real pass takes them from there, so each part of the
//! file is lexed a bounded number of times.
//!
//! Two details follow PHP's scan-only (not parser) mode: a closing marker that mixes tabs and
//! spaces still sets the indentation (as tabs) before its error ends the scan, and the scan
//! stops at an invalid `\u{...}` escape in a double-quoted or backquoted string, which PHP
//! checks while lexing and our real pass leaves to the parser.

use super::heredoc::{Heredoc, Indent};
use super::{Halt, Lexed, Lexer, Mode};
use crate::escape::Quote;
use crate::token::TokenKind;

/// What a heredoc's own scan-ahead finds.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Scanned {
    pub(super) indent: Indent,
    /// The body's first token, if the scan read one.
    first: Option<TokenKind>,
}

impl Scanned {
    /// Whether the body begins with `$name`, `${` or `{$`, with no text token before it.
    pub(super) fn starts_with_interpolation(&self) -> bool {
        matches!(
            self.first,
            Some(TokenKind::Variable | TokenKind::DollarOpenCurlyBraces | TokenKind::CurlyOpen)
        )
    }
}

/// The state of one scan-ahead.
pub(super) struct ScanAhead {
    /// Every heredoc started in the scan with a body to scan, the scanned one first.
    entries: Vec<Entry>,
    /// The entry whose first body token is the next token.
    awaiting_first: Option<usize>,
    /// The last closing marker read (PHP's `heredoc_indentation`).
    last_marker: Indent,
    /// How many closing markers have been read.
    markers: u32,
}

struct Entry {
    body: u32,
    /// `ScanAhead::markers` when the heredoc started: its own scan would not see those.
    markers_before: u32,
    first: Option<TokenKind>,
    /// Its own marker, once read.
    closed: Option<Indent>,
}

/// The real pass's state, put aside during a scan.
struct Resume {
    pos: usize,
    mode: Mode,
    stack: Vec<Mode>,
    nesting: Vec<(u8, u32)>,
    heredocs: Vec<Heredoc>,
    halt: Halt,
    out: Lexed,
}

impl<'s> Lexer<'s> {
    /// What `doc`'s scan-ahead finds: recorded by an earlier scan if `doc` is nested in a
    /// heredoc already scanned, else by scanning now.
    pub(super) fn scan_ahead(&mut self, doc: &Heredoc) -> Scanned {
        if let Some(found) = self.scanned.remove(&doc.body) {
            return found;
        }
        let resume = Resume {
            pos: self.pos,
            mode: self.mode,
            stack: std::mem::take(&mut self.stack),
            nesting: std::mem::take(&mut self.nesting),
            heredocs: std::mem::take(&mut self.heredocs),
            halt: self.halt,
            // Comments and unclosed quotes read by the scan go to a scratch copy.
            out: std::mem::take(&mut self.out),
        };
        self.pos = doc.body as usize;
        self.mode = Mode::Heredoc;
        self.halt = Halt::No;
        self.heredocs.push(Heredoc {
            scan_entry: Some(0),
            ..doc.clone()
        });
        self.scan = Some(ScanAhead {
            entries: vec![Entry {
                body: doc.body,
                markers_before: 0,
                first: None,
                closed: None,
            }],
            awaiting_first: Some(0),
            last_marker: Indent::default(),
            markers: 0,
        });
        self.run();
        let scan = self.scan.take();
        self.pos = resume.pos;
        self.mode = resume.mode;
        self.stack = resume.stack;
        self.nesting = resume.nesting;
        self.heredocs = resume.heredocs;
        self.halt = resume.halt;
        self.out = resume.out;
        self.done = false;
        if let Some(scan) = scan {
            for e in scan.entries {
                // Not closed in the scan: its own scan would stop at the same place.
                let indent = e.closed.unwrap_or(if scan.markers > e.markers_before {
                    scan.last_marker
                } else {
                    Indent::default()
                });
                let found = Scanned {
                    indent,
                    first: e.first,
                };
                self.scanned.insert(e.body, found);
            }
        }
        self.scanned.remove(&doc.body).unwrap_or_default()
    }

    /// Scanning ahead: a nested heredoc with a body starts; its entry.
    pub(super) fn scan_heredoc_started(&mut self, body: u32) -> Option<usize> {
        let scan = self.scan.as_mut()?;
        scan.entries.push(Entry {
            body,
            markers_before: scan.markers,
            first: None,
            closed: None,
        });
        Some(scan.entries.len() - 1)
    }

    /// Scanning ahead: the next token is the first of `entry`'s body.
    pub(super) fn scan_expect_first(&mut self, entry: usize) {
        if let Some(scan) = &mut self.scan {
            scan.awaiting_first = Some(entry);
        }
    }

    /// Scanning ahead: the heredoc body rule read a closing marker (of `entry`).
    pub(super) fn scan_marker_read(&mut self, entry: Option<usize>, indent: Indent) {
        let Some(scan) = &mut self.scan else {
            return;
        };
        scan.last_marker = indent;
        scan.markers += 1;
        if let Some(e) = entry.and_then(|e| scan.entries.get_mut(e)) {
            e.closed = Some(indent);
        }
    }

    /// Scanning ahead: a token was read instead of kept. The scan ends with the scanned
    /// heredoc's end token (the end of the file and errors end it too).
    pub(super) fn scan_saw(&mut self, kind: TokenKind, start: usize, end: usize) {
        if self.invalid_escape(kind, start, end) {
            self.done = true;
            return;
        }
        let Some(scan) = &mut self.scan else {
            return;
        };
        if let Some(e) = scan.awaiting_first.take()
            && let Some(entry) = scan.entries.get_mut(e)
        {
            entry.first = Some(kind);
        }
        if kind == TokenKind::EndHeredoc && self.heredocs.is_empty() {
            self.done = true;
        }
    }

    /// Whether a string token has an invalid escape. PHP's scanner checks escapes of
    /// double-quoted and backquoted text as it reads them (heredoc text only when not
    /// scanning ahead), so its scan stops there; our real pass leaves that to the parser.
    fn invalid_escape(&self, kind: TokenKind, start: usize, end: usize) -> bool {
        let text = &self.src[start..end];
        if !text.contains(&b'\\') {
            return false;
        }
        let (body, quote) = match (kind, self.mode) {
            (TokenKind::ConstantEncapsedString, _) => {
                let quoted = text.strip_prefix(b"b").or_else(|| text.strip_prefix(b"B"));
                let quoted = quoted.unwrap_or(text);
                if quoted.first() != Some(&b'"') || quoted.len() < 2 {
                    return false;
                }
                (&quoted[1..quoted.len() - 1], Quote::Double)
            }
            (TokenKind::EncapsedAndWhitespace, Mode::DoubleQuotes) => (text, Quote::Double),
            (TokenKind::EncapsedAndWhitespace, Mode::Backquote) => (text, Quote::Backtick),
            _ => return false,
        };
        // PHP raises no warning while scanning ahead: octal overflows are not kept.
        crate::escape::unescape(body, quote, &mut Vec::new()).is_err()
    }
}
