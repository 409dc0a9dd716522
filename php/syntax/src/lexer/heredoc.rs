//! Heredocs and nowdocs: the start token, body text, closing marker and indentation rules.
//!
//! PHP strips the closing marker's indentation from every body line and rejects a line that is
//! indented less (unless blank) or with the other blank character. So the indentation must be
//! known before the body is read. A nowdoc's body is one text token, which finds its marker
//! itself. A heredoc's marker can only be found by lexing the body, interpolations included
//! (they can hold further heredocs with the same label): [`super::scan_ahead`] does that.
//!
//! A closing marker is, at a line start, blanks, then the label, not followed by a label
//! character and not ending the file (PHP wants a byte after it: `length < YYLIMIT - YYCURSOR`).
//! The body's first line is checked when the start token is read (a heredoc closed at once is
//! not scanned ahead); every later line by the text token that reaches it.

use super::{HeredocIndent, LexSeverity, Lexer, Mode, is_label_char, is_label_start};
use crate::diagnostics::ErrorFile;
use crate::span::Span;
use crate::token::TokenKind;

const MIXED: &str = "Invalid indentation - tabs and spaces cannot be mixed";

/// PHP's message for a body line indented less than the closing marker.
fn body_indent_message(indent: usize) -> String {
    format!("Invalid body indentation level (expecting an indentation level of at least {indent})")
}

/// `<<<A` / `<<<"A"` (interpolating) or `<<<'A'` (literal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DocKind {
    Heredoc,
    Nowdoc,
}

/// A closing marker's indentation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Indent {
    /// In characters.
    pub(super) width: usize,
    /// `b' '` or `b'\t'`; `None` when `width` is 0.
    pub(super) char: Option<u8>,
}

/// An open heredoc or nowdoc.
#[derive(Clone, Debug)]
pub(super) struct Heredoc {
    pub(super) label: Span,
    pub(super) kind: DocKind,
    /// Offset of the body's first byte (just after the start token's line break).
    pub(super) body: u32,
    /// The closing marker's indentation.
    pub(super) indent: Indent,
    /// While scanning ahead: this heredoc's record in the scan (see [`super::scan_ahead`]).
    pub(super) scan_entry: Option<usize>,
}

/// A closing marker: its line start, and the end of its label.
struct Marker {
    line: usize,
    label_at: usize,
    end: usize,
}

impl Indent {
    /// The indentation `blanks` stand for; PHP takes a mix of tabs and spaces as tabs (it
    /// strips with spaces only when spaces alone were seen).
    fn of(blanks: &[u8]) -> Indent {
        let char = match blanks.first() {
            None => None,
            Some(_) if blanks.contains(&b'\t') => Some(b'\t'),
            Some(_) => Some(b' '),
        };
        Indent {
            width: blanks.len(),
            char,
        }
    }
}

impl Marker {
    fn indent(&self, src: &[u8]) -> Indent {
        Indent::of(&src[self.line..self.label_at])
    }

    fn mixes_tabs_and_spaces(&self, src: &[u8]) -> bool {
        let blanks = &src[self.line..self.label_at];
        blanks.contains(&b' ') && blanks.contains(&b'\t')
    }
}

/// How far one body text token reaches, and why it stops there.
struct Text {
    end: usize,
    stop: Stop,
}

enum Stop {
    /// Before the closing marker's line.
    Marker(Marker),
    /// Before an interpolation.
    Interpolation,
    /// At the end of the file; the start of its last line, if the text has a line break.
    End { last_line: Option<usize> },
    /// At the end of the file, after a line break and only blanks: PHP returns such text at
    /// once, without stripping indentation or checking escapes.
    BlankTail,
}

impl Stop {
    fn marker(&self) -> Option<&Marker> {
        match self {
            Stop::Marker(m) => Some(m),
            _ => None,
        }
    }
}

impl<'s> Lexer<'s> {
    /// `<<<LABEL`, `<<<"LABEL"`, `<<<'LABEL'` followed by a newline; false if not a heredoc.
    /// PHP's `T_START_HEREDOC` rule: it also settles the closing marker's indentation.
    pub(super) fn try_heredoc(&mut self, start: usize, arrows: usize) -> bool {
        let src = self.src;
        if !src[arrows..].starts_with(b"<<<") {
            return false;
        }
        let mut i = arrows + 3;
        while matches!(src.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let quote = match src.get(i) {
            Some(&q @ (b'\'' | b'"')) => {
                i += 1;
                Some(q)
            }
            _ => None,
        };
        if !src.get(i).is_some_and(|&c| is_label_start(c)) {
            return false;
        }
        let label_start = i;
        let label_end = self.label_end(i);
        i = label_end;
        if let Some(q) = quote {
            if src.get(i) != Some(&q) {
                return false;
            }
            i += 1;
        }
        match src.get(i) {
            Some(b'\n') => i += 1,
            Some(b'\r') => i += if src.get(i + 1) == Some(&b'\n') { 2 } else { 1 },
            _ => return false,
        }
        self.pos = i;
        let mut doc = Heredoc {
            label: Span::new(label_start as u32, label_end as u32),
            kind: if quote == Some(b'\'') {
                DocKind::Nowdoc
            } else {
                DocKind::Heredoc
            },
            body: i as u32,
            indent: Indent::default(),
            scan_entry: None,
        };
        let mut blanks_end = i;
        while matches!(src.get(blanks_end), Some(b' ' | b'\t')) {
            blanks_end += 1;
        }
        // Only blanks left: PHP measures nothing.
        if blanks_end < src.len() {
            if let Some(m) = self.closing_marker(&doc, i) {
                // Closed on its first line: the indentation is known without a scan.
                if m.mixes_tabs_and_spaces(src) {
                    self.error_at(i, MIXED.into(), LexSeverity::Parse);
                    return true;
                }
                doc.indent = m.indent(src);
            } else if doc.kind == DocKind::Nowdoc {
                if self.scan.is_none() {
                    doc.indent = self.nowdoc_indent(&doc);
                }
            } else if self.scan.is_some() {
                // Scanning ahead, a nested heredoc does not scan ahead itself.
                doc.scan_entry = self.scan_heredoc_started(doc.body);
            } else {
                let found = self.scan_ahead(&doc);
                doc.indent = found.indent;
                if found.starts_with_interpolation() && doc.indent.width > 0 {
                    // No text token precedes the interpolation, so PHP checks this case in
                    // the start rule, before it restores the file it is compiling.
                    self.raise(
                        i,
                        body_indent_message(doc.indent.width),
                        LexSeverity::Parse,
                        ErrorFile::NoActiveFile,
                    );
                    return true;
                }
            }
        }
        if self.scan.is_none() {
            self.out.heredoc_indents.push(HeredocIndent {
                start: start as u32,
                indent: doc.indent.width as u32,
            });
        }
        self.push(TokenKind::StartHeredoc, start, i);
        if self.done {
            return true;
        }
        if let Some(entry) = doc.scan_entry {
            self.scan_expect_first(entry);
        }
        self.heredocs.push(doc);
        self.enter(Mode::Heredoc);
        true
    }

    /// The indentation PHP's nowdoc rule strips from the body, which is one text token: its
    /// closing marker's, or in an unclosed nowdoc, that of its last line.
    fn nowdoc_indent(&self, doc: &Heredoc) -> Indent {
        let src = self.src;
        match self.heredoc_text(doc, doc.body as usize).stop {
            Stop::Marker(m) => m.indent(src),
            Stop::End {
                last_line: Some(line),
            } => {
                let blanks = src[line..].iter().take_while(|&&c| c == b' ' || c == b'\t');
                Indent::of(&src[line..line + blanks.count()])
            }
            _ => Indent::default(),
        }
    }

    /// The closing marker of `doc` on the line starting at `line`, if it is there.
    fn closing_marker(&self, doc: &Heredoc, line: usize) -> Option<Marker> {
        let src = self.src;
        let label = doc.label.slice(src);
        let mut i = line;
        while matches!(src.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let end = i + label.len();
        let found = end < src.len() && &src[i..end] == label && !is_label_char(src[end]);
        found.then_some(Marker {
            line,
            label_at: i,
            end,
        })
    }

    /// At a heredoc line start: the closing marker, if it is there.
    pub(super) fn try_heredoc_end(&mut self) -> bool {
        let start = self.pos;
        // The start token ends with a line break, so the body's first line qualifies too.
        if !matches!(self.src.get(start.wrapping_sub(1)), Some(b'\n' | b'\r')) {
            return false;
        }
        let Some(doc) = self.heredocs.last() else {
            return false;
        };
        let Some(m) = self.closing_marker(doc, start) else {
            return false;
        };
        // PHP's scan remembers the markers its heredoc body rule reads: not a nowdoc's, nor
        // one on the first line (read by the start rule).
        if doc.kind == DocKind::Heredoc && start != doc.body as usize {
            let entry = doc.scan_entry;
            self.scan_marker_read(entry, m.indent(self.src));
        }
        self.pos = m.end;
        self.heredocs.pop();
        self.leave();
        self.push(TokenKind::EndHeredoc, start, m.end);
        true
    }

    /// Heredoc or nowdoc text up to an interpolation or the line before the closing marker.
    pub(super) fn scan_heredoc_text(&mut self, start: usize) {
        let src = self.src;
        let Some(doc) = self.heredocs.last() else {
            return;
        };
        let text = self.heredoc_text(doc, start);
        self.pos = text.end;
        if let Some(m) = text.stop.marker().filter(|m| m.mixes_tabs_and_spaces(src)) {
            // Scanning ahead, PHP's heredoc rule goes on after raising this and records the
            // marker's indentation; the error then ends the scan.
            if doc.kind == DocKind::Heredoc {
                let entry = doc.scan_entry;
                self.scan_marker_read(entry, m.indent(src));
            }
            // Raised while the text token is read, so on the line where it starts.
            self.error_at(start, MIXED.into(), LexSeverity::Parse);
            return;
        }
        // PHP strips the indentation, and finds bad lines, only when not scanning ahead.
        if self.scan.is_none()
            && !matches!(text.stop, Stop::BlankTail)
            && let Some((at, message)) = self.check_heredoc_indent(start, text.end)
        {
            self.error_at(at, message, LexSeverity::Parse);
            return;
        }
        if text.end > start {
            self.push(TokenKind::EncapsedAndWhitespace, start, text.end);
        } else if text.end >= src.len() {
            self.finish();
        }
    }

    /// One body text token from `start` (PHP's `ST_HEREDOC` / `ST_NOWDOC` rules): it ends
    /// before an interpolation, at the start of the closing marker's line, or at the end.
    fn heredoc_text(&self, doc: &Heredoc, start: usize) -> Text {
        let src = self.src;
        let nowdoc = doc.kind == DocKind::Nowdoc;
        let mut i = start;
        let mut last_line = None;
        while i < src.len() {
            let c = src[i];
            if c == b'\n' || c == b'\r' {
                let mut next = i + 1;
                if c == b'\r' && src.get(next) == Some(&b'\n') {
                    next += 1;
                }
                if let Some(marker) = self.closing_marker(doc, next) {
                    return Text {
                        end: next,
                        stop: Stop::Marker(marker),
                    };
                }
                last_line = Some(next);
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
                return Text {
                    end: i,
                    stop: Stop::Interpolation,
                };
            }
            // An escaped line break still ends the line, so the closing marker is checked.
            let escapes_next =
                c == b'\\' && !nowdoc && !matches!(src.get(i + 1), Some(b'\n' | b'\r'));
            i += if escapes_next { 2 } else { 1 };
        }
        let blank_tail =
            last_line.is_some_and(|l| src[l..].iter().all(|&c| c == b' ' || c == b'\t'));
        Text {
            end: src.len(),
            stop: if blank_tail {
                Stop::BlankTail
            } else {
                Stop::End { last_line }
            },
        }
    }

    /// Checks every line of `start..end` that begins a body line against the closing
    /// marker's indentation; the offset of a bad line and PHP's message.
    fn check_heredoc_indent(&self, start: usize, end: usize) -> Option<(usize, String)> {
        let src = self.src;
        let doc = self.heredocs.last()?;
        let indent = doc.indent;
        if indent.width == 0 {
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
                while j < end && j - ls < indent.width && matches!(src[j], b' ' | b'\t') {
                    if Some(src[j]) != indent.char {
                        return Some((ls, MIXED.into()));
                    }
                    j += 1;
                }
                let blank = j >= src.len() || matches!(src[j], b'\n' | b'\r');
                if j - ls < indent.width && !blank {
                    return Some((ls, body_indent_message(indent.width)));
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
}
