//! Positions PHP reports: a declaration's line is its keyword's (after attributes and
//! modifiers), a heredoc's is its first body line; helpers that skip whitespace and comments
//! in the source to find them.

use super::walk::Walker;
use crate::ast::*;

impl<'a> Walker<'a> {
    /// Where a declaration's keyword is: its span starts at its attributes, PHP's line is
    /// the keyword's.
    pub(crate) fn after_attributes(&self, start: u32, attrs: &[AttributeGroup]) -> u32 {
        let mut at = match attrs.last() {
            Some(last) => self.skip_trivia(last.span.end),
            None => start,
        };
        // Then the modifiers: PHP's line is the `function`/`class` keyword's.
        let src = self.src;
        loop {
            let rest = &src[(at as usize).min(src.len())..];
            let word = [
                &b"public"[..],
                b"protected",
                b"private",
                b"static",
                b"abstract",
                b"final",
                b"readonly",
            ]
            .into_iter()
            .find(|w| {
                rest.len() > w.len()
                    && rest[..w.len()].eq_ignore_ascii_case(w)
                    && !crate::lexer::is_label_char(rest[w.len()])
            });
            match word {
                Some(w) => at = self.skip_trivia(at + w.len() as u32),
                None => return at,
            }
        }
    }

    /// The line PHP gives an expression's node: a heredoc's is that of its first body line.
    pub(crate) fn node_start(&self, e: ExprId) -> u32 {
        let start = self.ast.expr(e).span.start;
        let src = self.src;
        if src[start as usize..].starts_with(b"<<<")
            && let Some(nl) = src[start as usize..].iter().position(|&c| c == b'\n')
        {
            return start + nl as u32 + 1;
        }
        start
    }

    /// The first token inside an array literal starting at `at` (`[` or `array(`).
    pub(crate) fn after_opening_bracket(&self, at: u32) -> u32 {
        let src = self.src;
        let mut i = at as usize;
        while i < src.len() && !matches!(src[i], b'[' | b'(') {
            i += 1;
        }
        self.skip_trivia((i + 1).min(src.len()) as u32)
    }

    /// The offset after whitespace and comments from `from`.
    pub(crate) fn skip_trivia(&self, from: u32) -> u32 {
        let src = self.src;
        let mut i = from as usize;
        while i < src.len() {
            match src[i] {
                b' ' | b'\t' | b'\n' | b'\r' => i += 1,
                b'#' if src.get(i + 1) != Some(&b'[') => {
                    while i < src.len() && src[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if src.get(i + 1) == Some(&b'/') => {
                    while i < src.len() && src[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if src.get(i + 1) == Some(&b'*') => {
                    i += 2;
                    while i + 1 < src.len() && !(src[i] == b'*' && src[i + 1] == b'/') {
                        i += 1;
                    }
                    i = (i + 2).min(src.len());
                }
                _ => break,
            }
        }
        i as u32
    }
}
