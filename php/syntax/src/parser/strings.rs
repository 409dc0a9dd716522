//! String literals: escape sequences, interpolation (`$a`, `$a[0]`, `$a->b`, `{$expr}`,
//! `${name}`, `${expr}`), heredoc indentation removal and nowdocs.

use super::{Cost, PResult, Parser};
use crate::ast::*;
use crate::diagnostics::{Diagnostic, ErrorFile, Severity};
use crate::escape::{OctalOverflow, Quote};
use crate::span::Span;
use crate::token::{Token, TokenKind as T};

impl<'s> Parser<'s> {
    /// The value of a `'...'` or `"..."` token without interpolation.
    pub(crate) fn constant_string_value(&mut self, t: Token) -> PResult<Bytes> {
        let text = self.text(t.span);
        let text = if matches!(text.first(), Some(b'b' | b'B')) {
            &text[1..]
        } else {
            text
        };
        let body = &text[1..text.len() - 1];
        if text[0] == b'\'' {
            let mut out = Vec::with_capacity(body.len());
            let mut i = 0;
            while i < body.len() {
                if body[i] == b'\\' && matches!(body.get(i + 1), Some(b'\\' | b'\'')) {
                    out.push(body[i + 1]);
                    i += 2;
                } else {
                    out.push(body[i]);
                    i += 1;
                }
            }
            return Ok(out.into());
        }
        let body = body.to_vec();
        self.unescape(&body, Quote::Double, t.span.start, Overflows::Report)
            .map(Into::into)
    }

    /// Processes escape sequences of `s`, a token's text starting at `at` (perhaps
    /// dedented); an invalid `\u{...}` is a parse error on its line. Octal overflows are
    /// warned about if `overflows` says so (once per token: a heredoc's text is unescaped
    /// again when the heredoc is complete).
    fn unescape(
        &mut self,
        s: &[u8],
        quote: Quote,
        at: u32,
        overflows: Overflows,
    ) -> PResult<Vec<u8>> {
        let mut found: Vec<OctalOverflow> = Vec::new();
        let r = crate::escape::unescape(s, quote, &mut found).map_err(|e| {
            let mut d = self.parse_error_at(e.message, at);
            d.line += e.line_breaks;
            d
        });
        if overflows == Overflows::Report && !found.is_empty() {
            // (`line_at` counts lines from the start: only when there is something to say.)
            let line = self.line_at(at);
            for o in found {
                self.warnings.push(Diagnostic {
                    severity: Severity::CompileWarning,
                    message: o.message(),
                    line: line + o.line_breaks,
                    file: ErrorFile::Compiled,
                });
            }
        }
        r
    }

    fn parse_error_at(&self, message: &str, at: u32) -> Box<Diagnostic> {
        Box::new(Diagnostic {
            severity: Severity::Parse,
            message: message.into(),
            line: self.line_at(at),
            file: ErrorFile::Compiled,
        })
    }

    /// `"..."` with interpolation.
    pub(crate) fn double_quoted(&mut self) -> PResult<ExprId> {
        let start = self.bump().span.start;
        // The opening quote stays on PHP's parser stack under the parts.
        let parts = self.nest(Cost::One, |p| p.encaps_list(T::DoubleQuote, Quote::Double))?;
        self.expect(T::DoubleQuote, &[T::DoubleQuote])?;
        let span = self.span_from(start);
        Ok(self.mk(
            ExprKind::Interpolated {
                kind: InterpolatedKind::DoubleQuoted,
                parts,
            },
            span,
        ))
    }

    /// `` `...` ``
    pub(crate) fn backticks(&mut self) -> PResult<ExprId> {
        let start = self.bump().span.start;
        let parts = self.nest(Cost::One, |p| p.encaps_list(T::Backtick, Quote::Backtick))?;
        self.expect(T::Backtick, &[T::Backtick])?;
        let span = self.span_from(start);
        Ok(self.mk(
            ExprKind::Interpolated {
                kind: InterpolatedKind::ShellExec,
                parts,
            },
            span,
        ))
    }

    /// A heredoc or nowdoc.
    pub(crate) fn heredoc(&mut self) -> PResult<ExprId> {
        let open = self.bump();
        let start = open.span.start;
        let nowdoc = self.text(open.span).contains(&b'\'');
        let indent = self.heredoc_indent(start);
        let mut parts = if nowdoc {
            let mut parts = Vec::new();
            if let Some(t) = self.eat(T::EncapsedAndWhitespace) {
                parts.push(StringPart::Literal(self.text(t.span).into(), t.span));
            } else if !self.at(T::EndHeredoc) {
                // Right after the start: content, variables or the end (no list).
                return Err(self.unexpected(&[]));
            }
            if !self.at(T::EndHeredoc) {
                return Err(self.unexpected(&[
                    T::Variable,
                    T::EndHeredoc,
                    T::DollarOpenCurlyBraces,
                    T::CurlyOpen,
                ]));
            }
            parts
        } else {
            self.nest(Cost::One, |p| p.encaps_list(T::EndHeredoc, Quote::Heredoc))?
        };
        self.expect(T::EndHeredoc, &[T::EndHeredoc])?;
        let span = self.span_from(start);
        self.finish_heredoc(&mut parts, indent, nowdoc)?;
        let kind = match parts.as_slice() {
            [] => ExprKind::String(Box::default()),
            [StringPart::Literal(v, _)] => ExprKind::String(v.clone()),
            _ => ExprKind::Interpolated {
                kind: InterpolatedKind::Heredoc,
                parts,
            },
        };
        Ok(self.mk(kind, span))
    }

    /// Removes the closing marker's indentation from every body line, the final newline,
    /// and processes escapes (heredoc only).
    fn finish_heredoc(
        &mut self,
        parts: &mut Vec<StringPart>,
        indent: usize,
        nowdoc: bool,
    ) -> PResult<()> {
        let n = parts.len();
        for (idx, part) in parts.iter_mut().enumerate() {
            let StringPart::Literal(raw, span) = part else {
                continue;
            };
            let raw_text = self.text(*span);
            let at_line_start = matches!(
                self.src.get((span.start as usize).wrapping_sub(1)),
                Some(b'\n' | b'\r')
            );
            let mut text = dedent(raw_text, indent, at_line_start);
            if idx + 1 == n {
                if text.ends_with(b"\r\n") {
                    text.truncate(text.len() - 2);
                } else if text.ends_with(b"\n") || text.ends_with(b"\r") {
                    text.truncate(text.len() - 1);
                }
            }
            *raw = if nowdoc {
                text.into()
            } else {
                self.unescape(&text, Quote::Heredoc, span.start, Overflows::Ignore)?
                    .into()
            };
        }
        parts.retain(|p| !matches!(p, StringPart::Literal(v, _) if v.is_empty()));
        Ok(())
    }

    /// Heredoc text that ends the file with a line break and blanks: PHP's scanner returns it
    /// without stripping or unescaping it.
    fn returned_unprocessed(&self, span: Span) -> bool {
        if span.end as usize != self.src.len() {
            return false;
        }
        let text = self.text(span);
        text.iter()
            .rposition(|&c| c == b'\n' || c == b'\r')
            .is_some_and(|nl| text[nl + 1..].iter().all(|&c| c == b' ' || c == b'\t'))
    }

    /// The closing-marker indentation the lexer settled for the heredoc starting at `start`
    /// (the one PHP strips, found before the body is read).
    fn heredoc_indent(&self, start: u32) -> usize {
        let list = &self.heredoc_indents;
        let i = list.partition_point(|h| h.start < start);
        list.get(i)
            .filter(|h| h.start == start)
            .map_or(0, |h| h.indent as usize)
    }

    /// The parts of an interpolated string up to `close` (not consumed).
    fn encaps_list(&mut self, close: T, quote: Quote) -> PResult<Vec<StringPart>> {
        let mut parts = Vec::new();
        loop {
            let t = self.tok();
            match t.kind {
                T::EncapsedAndWhitespace => {
                    self.bump();
                    let raw = self.text(t.span).to_vec();
                    let value = if quote == Quote::Heredoc {
                        // The value is made once the heredoc is complete, but PHP unescapes
                        // each text token as it reads it, so a bad escape fails here.
                        // (Stripping indentation first cannot change that: no escape spans
                        // a line start.)
                        if raw.contains(&b'\\') && !self.returned_unprocessed(t.span) {
                            self.unescape(&raw, quote, t.span.start, Overflows::Report)?;
                        }
                        raw
                    } else {
                        self.unescape(&raw, quote, t.span.start, Overflows::Report)?
                    };
                    parts.push(StringPart::Literal(value.into(), t.span));
                }
                T::Variable => {
                    let e = self.encaps_var()?;
                    parts.push(StringPart::Expr(e));
                }
                T::DollarOpenCurlyBraces => {
                    let e =
                        self.after_parts(&parts, |p| p.nest(Cost::Two, |p| p.dollar_brace()))?;
                    parts.push(StringPart::Expr(e));
                }
                T::CurlyOpen => {
                    self.bump();
                    let e = self.after_parts(&parts, |p| p.nest(Cost::Two, |p| p.variable()))?;
                    // After the variable PHP's parser is in its dereferencing state.
                    self.expect(
                        T::RBrace,
                        &[
                            T::ObjectOperator,
                            T::NullsafeObjectOperator,
                            T::LBrace,
                            T::LBracket,
                        ],
                    )?;
                    parts.push(StringPart::Expr(e));
                }
                k if k == close => return Ok(parts),
                _ => {
                    // PHP's states: right after the opening quote every part (and for a
                    // heredoc its end) is possible; after a first literal part an embedded
                    // variable must follow (or the heredoc end); after that, any part or
                    // the end again (five or more tokens: no list).
                    let first_literal =
                        parts.len() == 1 && matches!(parts[0], StringPart::Literal(..));
                    let expected: &[T] = match (quote, parts.is_empty(), first_literal) {
                        // `backticks_expr` reduces by default: only the closing backtick.
                        (Quote::Backtick, _, _) => &[T::Backtick],
                        (Quote::Heredoc, true, _) => &[],
                        (Quote::Heredoc, _, true) => &[
                            T::Variable,
                            T::EndHeredoc,
                            T::DollarOpenCurlyBraces,
                            T::CurlyOpen,
                        ],
                        (_, _, true) => &[T::Variable, T::DollarOpenCurlyBraces, T::CurlyOpen],
                        (Quote::Double, true, _) => &[
                            T::Variable,
                            T::EncapsedAndWhitespace,
                            T::DollarOpenCurlyBraces,
                            T::CurlyOpen,
                        ],
                        _ => &[],
                    };
                    return Err(self.unexpected(expected));
                }
            }
        }
    }

    /// Runs `f` for an interpolation; after the first part PHP's parser stack also holds
    /// the list or text before it (`encaps_list: encaps_var | T_ENCAPSED_AND_WHITESPACE
    /// encaps_var | encaps_list encaps_var`).
    fn after_parts<R>(
        &mut self,
        parts: &[StringPart],
        f: impl FnOnce(&mut Self) -> PResult<R>,
    ) -> PResult<R> {
        if parts.is_empty() {
            f(self)
        } else {
            self.nest(Cost::One, f)
        }
    }

    /// `$a`, `$a[key]`, `$a->b`, `$a?->b` inside a string.
    fn encaps_var(&mut self) -> PResult<ExprId> {
        let t = self.bump();
        let name = self.var_ident(t).name;
        let var = self.mk(ExprKind::Variable(name), t.span);
        match self.kind() {
            T::LBracket => {
                self.bump();
                let key = self.encaps_offset()?;
                self.expect(T::RBracket, &[T::RBracket])?;
                let span = self.span_from(t.span.start);
                Ok(self.mk(
                    ExprKind::ArrayDim {
                        base: var,
                        dim: Some(key),
                    },
                    span,
                ))
            }
            k @ (T::ObjectOperator | T::NullsafeObjectOperator) => {
                self.bump();
                let prop = self.expect(T::Ident, &[T::Ident])?;
                let access = if k == T::ObjectOperator {
                    Access::Normal
                } else {
                    Access::Nullsafe
                };
                let name = MemberName::Ident(self.ident_of(prop));
                let span = self.span_from(t.span.start);
                Ok(self.mk(
                    ExprKind::Property {
                        object: var,
                        name,
                        access,
                    },
                    span,
                ))
            }
            _ => Ok(var),
        }
    }

    /// The key in `"$a[key]"`: a bare word (string), a number, `-number`, or a variable.
    fn encaps_offset(&mut self) -> PResult<ExprId> {
        let t = self.tok();
        match t.kind {
            T::Ident => {
                self.bump();
                Ok(self.mk(ExprKind::String(self.text(t.span).into()), t.span))
            }
            T::NumString => {
                self.bump();
                Ok(self.num_string(self.text(t.span), t.span, false))
            }
            T::Minus if self.peek(1) == T::NumString => {
                self.bump();
                let n = self.bump();
                let span = t.span.to(n.span);
                Ok(self.num_string(self.text(n.span), span, true))
            }
            T::Variable => {
                self.bump();
                let name = self.var_ident(t).name;
                Ok(self.mk(ExprKind::Variable(name), t.span))
            }
            _ => Err(self.unexpected(&[T::Minus, T::Ident, T::Variable, T::NumString])),
        }
    }

    /// A numeric key is an int only in canonical decimal form that fits; else a string.
    fn num_string(&mut self, digits: &[u8], span: Span, negative: bool) -> ExprId {
        let canonical =
            digits.iter().all(u8::is_ascii_digit) && (digits == b"0" || digits[0] != b'0');
        let mut text = Vec::with_capacity(digits.len() + 1);
        if negative {
            text.push(b'-');
        }
        text.extend_from_slice(digits);
        let parsed = std::str::from_utf8(&text)
            .ok()
            .and_then(|s| s.parse::<i64>().ok());
        match parsed {
            Some(v) if canonical && !(negative && v == 0) => self.mk(ExprKind::Int(v), span),
            _ => self.mk(ExprKind::String(text.into()), span),
        }
    }

    /// `${name}`, `${name[expr]}`, `${expr}`.
    fn dollar_brace(&mut self) -> PResult<ExprId> {
        let start = self.bump().span.start;
        if let Some(t) = self.eat(T::StringVarname) {
            let name = self.text(t.span).into();
            let var = self.mk(ExprKind::Variable(name), t.span);
            let e = if self.eat(T::LBracket).is_some() {
                let dim = self.expr()?;
                self.expect(T::RBracket, &[])?;
                let span = self.span_from(start);
                self.mk(
                    ExprKind::ArrayDim {
                        base: var,
                        dim: Some(dim),
                    },
                    span,
                )
            } else {
                var
            };
            self.expect(T::RBrace, &[T::RBrace])?;
            let span = self.span_from(start);
            self.ast.exprs[e.0 as usize].span = span;
            self.ast.dollar_braces.insert(e);
            return Ok(e);
        }
        let inner = self.expr()?;
        self.expect(T::RBrace, &[])?;
        let span = self.span_from(start);
        let e = self.mk(ExprKind::VariableVariable(inner), span);
        self.ast.dollar_braces.insert(e);
        Ok(e)
    }
}

/// Whether [`Parser::unescape`] reports octal overflows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Overflows {
    Report,
    Ignore,
}

/// Strips up to `indent` leading blanks from every line of `text` that starts a line.
fn dedent(text: &[u8], indent: usize, at_line_start: bool) -> Vec<u8> {
    if indent == 0 {
        return text.to_vec();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    let mut line_start = at_line_start;
    while i < text.len() {
        if line_start {
            let mut k = 0;
            while k < indent && matches!(text.get(i), Some(b' ' | b'\t')) {
                i += 1;
                k += 1;
            }
            line_start = false;
            continue;
        }
        let c = text[i];
        out.push(c);
        i += 1;
        if c == b'\n' || (c == b'\r' && text.get(i) != Some(&b'\n')) {
            line_start = true;
        }
    }
    out
}
