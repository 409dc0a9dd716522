//! Byte-offset spans into the source and the line table that turns offsets into PHP line numbers.
//!
//! Every token and AST node carries a [`Span`]; lines are computed only when a diagnostic needs
//! one, the way PHP counts them: `\n`, `\r\n` and a lone `\r` each end a line.

use std::fmt;

/// A half-open byte range `start..end` of the source text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Whether `inner` lies within this span.
    pub fn contains(self, inner: Span) -> bool {
        self.start <= inner.start && inner.end <= self.end
    }

    /// The covered bytes of `src`.
    pub fn slice(self, src: &[u8]) -> &[u8] {
        &src[self.start as usize..self.end as usize]
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Line starts of a source, for offset -> line lookups.
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    /// Scans `src` once for line breaks.
    pub fn new(src: &[u8]) -> Self {
        let mut starts = vec![0];
        let mut i = 0;
        while i < src.len() {
            match src[i] {
                b'\n' => starts.push(i as u32 + 1),
                b'\r' if src.get(i + 1) != Some(&b'\n') => starts.push(i as u32 + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// 1-based line of the byte at `offset` (an offset at the end of the text is on the last line).
    pub fn line(&self, offset: u32) -> u32 {
        match self.starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// The line PHP reports for a token ending at `end`: PHP counts a token's own line breaks
    /// before it reports an error on it, so this is the line after the token's last break.
    pub fn line_after(&self, end: u32) -> u32 {
        self.line(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_every_newline_style() {
        let idx = LineIndex::new(b"a\nb\r\nc\rd");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 2);
        assert_eq!(idx.line(5), 3);
        assert_eq!(idx.line(7), 4);
        assert_eq!(idx.line(8), 4);
    }
}
