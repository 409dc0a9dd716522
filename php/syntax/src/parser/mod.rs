//! The hand-written recursive-descent parser for PHP 8.2.
//!
//! It reads the token vector produced by [`crate::lexer`] and builds an [`Ast`]. Like PHP it
//! stops at the first error, and the error is PHP's: the unexpected token described as
//! `zend_yytnamerr` does, with an `expecting ...` list where PHP's parser state has at most
//! four expected tokens (we list them by hand at the places where PHP does).
//!
//! Submodules by grammar area: [`stmt`] (statements and control flow), [`expr`] (operator
//! precedence and postfix chains), [`strings`] (literals and interpolation), [`decl`]
//! (functions, parameters, types, attributes), [`class`] (class-likes and members).
//!
//! Nesting: PHP's LALR parser has a stack of 10,000 states and prints `memory exhausted` when
//! it overflows. [`Parser::nest`] charges each nested construct roughly the states it costs
//! PHP and reports the same error past the limit, and every recursive entry point also runs
//! under `stacker::maybe_grow`, so deep input can never overflow the Rust stack.

mod class;
mod control;
mod decl;
mod expr;
mod primary;
mod stmt;
mod strings;
mod toplevel;

use crate::ast::{Ast, Ident, Name, NameKind};
use crate::diagnostics::{Diagnostic, ErrorFile, Severity};
use crate::lexer::{HeredocIndent, LexSeverity, Lexed};
use crate::span::Span;
use crate::token::{Describe, Token, TokenKind};

/// Result of a parsing step; the error is the first diagnostic, as PHP stops there.
pub(crate) type PResult<T> = Result<T, Box<Diagnostic>>;

/// PHP's parser stack limit (`YYMAXDEPTH`), less the states the file level always holds.
const MAX_DEPTH: u32 = 9995;

/// Stack PHP's parser uses per nesting level of common constructs.
#[derive(Clone, Copy)]
pub(crate) enum Cost {
    /// `(expr)`, `[...]`, a prefix operator.
    One = 1,
    /// An argument list, a `{}` block, a right-associative operator.
    Two = 2,
    /// An `if`/`while`/`for`... around its body block.
    Control = 4,
    /// A function or class body around its block.
    Declaration = 9,
}

pub(crate) struct Parser<'s> {
    pub(crate) src: &'s [u8],
    toks: Vec<Token>,
    pos: usize,
    pub(crate) ast: Ast,
    lexed_error: Option<crate::lexer::LexError>,
    doc_comments: Vec<Span>,
    depth: u32,
    unclosed_quote: Option<u32>,
    /// The closing-marker indentation of every heredoc start token, by offset.
    heredoc_indents: Vec<HeredocIndent>,
    /// Fatal errors PHP raises while parsing (modifier checks, ...) are reported at once.
    pub(crate) in_class: u32,
    /// Warnings PHP's scanner raises as it reads tokens (octal escape overflows), in order.
    pub(crate) warnings: Vec<Diagnostic>,
    /// Asked at every statement whether `memory_limit` was passed.
    memory_limit: Option<crate::MemoryLimit>,
}

/// Parses a whole lexed file; the scanner's warnings up to the end or the error are pushed
/// on `warnings`.
pub(crate) fn parse_file(
    src: &[u8],
    lexed: Lexed,
    warnings: &mut Vec<Diagnostic>,
    memory_limit: Option<crate::MemoryLimit>,
) -> PResult<Ast> {
    let mut p = Parser {
        src,
        toks: lexed.tokens,
        pos: 0,
        ast: Ast {
            halt_offset: lexed.halt_offset,
            ..Ast::default()
        },
        lexed_error: lexed.error,
        doc_comments: lexed.doc_comments,
        depth: 0,
        unclosed_quote: lexed.unclosed_quote,
        heredoc_indents: lexed.heredoc_indents,
        in_class: 0,
        warnings: Vec::new(),
        memory_limit,
    };
    p.ast.exprs.reserve(p.toks.len() / 2);
    let top = p.top_statements();
    warnings.append(&mut p.warnings);
    p.ast.top = top?;
    // The tokens go with the parser; the tree stays for the checks (and the compiler), so
    // it gives back what its vectors reserved beyond their length.
    p.ast.exprs.shrink_to_fit();
    p.ast.stmts.shrink_to_fit();
    Ok(p.ast)
}

impl<'s> Parser<'s> {
    pub(crate) fn tok(&self) -> Token {
        self.toks[self.pos.min(self.toks.len() - 1)]
    }

    pub(crate) fn kind(&self) -> TokenKind {
        self.tok().kind
    }

    pub(crate) fn peek(&self, n: usize) -> TokenKind {
        self.toks
            .get(self.pos + n)
            .map_or(TokenKind::Eof, |t| t.kind)
    }

    pub(crate) fn at(&self, kind: TokenKind) -> bool {
        self.kind() == kind
    }

    pub(crate) fn bump(&mut self) -> Token {
        let t = self.tok();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    pub(crate) fn eat(&mut self, kind: TokenKind) -> Option<Token> {
        if self.at(kind) {
            Some(self.bump())
        } else {
            None
        }
    }

    /// Consumes `kind` or fails with PHP's message listing `expected`.
    pub(crate) fn expect(&mut self, kind: TokenKind, expected: &[TokenKind]) -> PResult<Token> {
        if self.at(kind) {
            Ok(self.bump())
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// End offset of the last consumed token.
    pub(crate) fn prev_end(&self) -> u32 {
        if self.pos == 0 {
            0
        } else {
            self.toks[self.pos - 1].span.end
        }
    }

    pub(crate) fn text(&self, span: Span) -> &'s [u8] {
        span.slice(self.src)
    }

    pub(crate) fn ident_of(&self, tok: Token) -> Ident {
        Ident {
            name: self.text(tok.span).into(),
            span: tok.span,
        }
    }

    /// `$name` token as an identifier without the `$`.
    pub(crate) fn var_ident(&self, tok: Token) -> Ident {
        let span = tok.span;
        Ident {
            name: self.text(Span::new(span.start + 1, span.end)).into(),
            span,
        }
    }

    pub(crate) fn line_at(&self, offset: u32) -> u32 {
        crate::lexer::line_of(self.src, offset as usize)
    }

    /// A fatal error PHP raises during compilation of this file.
    pub(crate) fn fatal(&self, message: impl Into<String>, offset: u32) -> Box<Diagnostic> {
        Box::new(Diagnostic {
            severity: Severity::Fatal,
            message: message.into(),
            line: self.line_at(offset),
            file: ErrorFile::Compiled,
        })
    }

    /// A fatal error raised while parsing: PHP reports the line its scanner has reached,
    /// which is the line of the last token read.
    pub(crate) fn fatal_here(&self, message: impl Into<String>) -> Box<Diagnostic> {
        let t = self.tok();
        Box::new(Diagnostic {
            severity: Severity::Fatal,
            message: message.into(),
            line: self.token_line(t),
            file: ErrorFile::Compiled,
        })
    }

    /// The line PHP reports for an error on `t`: the line its scanner is on after reading it.
    fn token_line(&self, t: Token) -> u32 {
        let text = self.text(t.span);
        if t.kind == TokenKind::Semicolon && text.starts_with(b"?>") {
            // PHP counts the newline after `?>` only once the next token is read.
            return self.line_at(t.span.start);
        }
        if self.unclosed_quote == Some(t.span.start) {
            return self.line_at(t.span.start);
        }
        self.line_at(t.span.end)
    }

    /// PHP's syntax error for the current token.
    pub(crate) fn unexpected(&self, expected: &[TokenKind]) -> Box<Diagnostic> {
        let t = self.tok();
        if t.kind == TokenKind::Error
            && let Some(e) = &self.lexed_error
        {
            let severity = match e.severity {
                LexSeverity::Parse => Severity::Parse,
                LexSeverity::Fatal => Severity::Fatal,
            };
            let line = match e.file {
                ErrorFile::Compiled => self.line_at(e.offset),
                ErrorFile::NoActiveFile => 0,
            };
            return Box::new(Diagnostic {
                severity,
                message: e.message.clone(),
                line,
                file: e.file,
            });
        }
        let mut message = format!("syntax error, unexpected {}", self.describe_unexpected(t));
        if !expected.is_empty() && expected.len() <= 4 {
            message.push_str(", expecting ");
            for (i, k) in expected.iter().enumerate() {
                if i > 0 {
                    message.push_str(" or ");
                }
                match k.describe() {
                    // PHP's grammar names this token `amp`; only an unexpected one is
                    // rewritten to `token "&"`.
                    Describe::Fixed(_) if *k == TokenKind::Ampersand => message.push_str("amp"),
                    Describe::Fixed(s) if *k == TokenKind::Eof => message.push_str(s),
                    Describe::Fixed(s) => {
                        message.push('"');
                        message.push_str(s);
                        message.push('"');
                    }
                    Describe::Valued(s) => message.push_str(s),
                }
            }
        }
        Box::new(Diagnostic {
            severity: Severity::Parse,
            message,
            line: self.token_line(t),
            file: ErrorFile::Compiled,
        })
    }

    /// How PHP names an unexpected token (`zend_yytnamerr`).
    fn describe_unexpected(&self, t: Token) -> String {
        match t.kind {
            TokenKind::Eof => return "end of file".into(),
            TokenKind::DoubleQuote => return "double-quote mark".into(),
            _ => {}
        }
        let label = match t.kind.describe() {
            Describe::Fixed(s) => return format!("token \"{s}\""),
            Describe::Valued(s) => s,
        };
        let mut content = self.text(t.span);
        if t.kind == TokenKind::BadCharacter && content.len() == 1 {
            return format!("character 0x{:02X}", content[0]);
        }
        if let Some(nl) = content.iter().position(|&c| c == b'\n') {
            content = &content[..nl];
        }
        let label = match (t.kind, content.first()) {
            (TokenKind::ConstantEncapsedString, Some(b'"')) => "double-quoted string",
            (TokenKind::ConstantEncapsedString, Some(b'\'')) => "single-quoted string",
            _ => label,
        };
        if let Some(b'\'' | b'"') = content.first() {
            content = &content[1..];
        }
        if let Some(b'\'' | b'"') = content.last() {
            content = &content[..content.len() - 1];
        }
        let shown = crate::lossless::text(if content.len() > 33 {
            &content[..30]
        } else {
            content
        });
        let dots = if content.len() > 33 { "..." } else { "" };
        format!("{label} \"{shown}{dots}\"")
    }

    /// Runs `f` one nesting level deeper; past PHP's parser stack limit, `memory exhausted`.
    pub(crate) fn nest<T>(
        &mut self,
        cost: Cost,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        let cost = cost as u32;
        self.depth += cost;
        if self.depth > MAX_DEPTH {
            let t = self.tok();
            return Err(Box::new(Diagnostic {
                severity: Severity::Parse,
                message: "memory exhausted".into(),
                line: self.token_line(t),
                file: ErrorFile::Compiled,
            }));
        }
        let r = stacker::maybe_grow(64 * 1024, 1024 * 1024, || f(self));
        self.depth -= cost;
        r
    }

    /// The last doc comment between the previous token and `start`, as PHP attaches it.
    pub(crate) fn doc_comment_before(&self, start_tok: usize) -> Option<Span> {
        let start = self.toks.get(start_tok)?.span.start;
        let prev_end = if start_tok == 0 {
            0
        } else {
            self.toks[start_tok - 1].span.end
        };
        let i = self.doc_comments.partition_point(|d| d.start < start);
        let d = *self.doc_comments.get(i.checked_sub(1)?)?;
        (d.start >= prev_end).then_some(d)
    }

    pub(crate) fn token_at(&self, i: usize) -> Token {
        self.toks[i.min(self.toks.len() - 1)]
    }

    pub(crate) fn rewind(&mut self, to: usize) {
        self.pos = to;
    }

    pub(crate) fn token_index(&self) -> usize {
        self.pos
    }

    /// A name token (`Foo`, `Foo\Bar`, `\Foo`, `namespace\Foo`) as a [`Name`].
    pub(crate) fn name_from(&self, t: Token) -> Name {
        let text = self.text(t.span);
        let (kind, body): (NameKind, &[u8]) = match t.kind {
            TokenKind::NameFullyQualified => (NameKind::FullyQualified, &text[1..]),
            TokenKind::NameRelative => (NameKind::Relative, &text[10..]),
            TokenKind::NameQualified => (NameKind::Qualified, text),
            _ => (NameKind::Unqualified, text),
        };
        Name {
            kind,
            text: body.into(),
            span: t.span,
        }
    }

    pub(crate) fn at_name(&self) -> bool {
        matches!(
            self.kind(),
            TokenKind::Ident
                | TokenKind::NameQualified
                | TokenKind::NameFullyQualified
                | TokenKind::NameRelative
        )
    }

    /// `name` in PHP's grammar: any of the four name tokens.
    pub(crate) fn name(&mut self, expected: &[TokenKind]) -> PResult<Name> {
        if self.at_name() {
            let t = self.bump();
            Ok(self.name_from(t))
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// `identifier` in PHP's grammar: `T_STRING` or any semi-reserved keyword.
    pub(crate) fn identifier(&mut self, expected: &[TokenKind]) -> PResult<Ident> {
        let k = self.kind();
        if k == TokenKind::Ident || k.is_semi_reserved() {
            let t = self.bump();
            if self.text(t.span).starts_with(b"<?=") {
                return Err(Box::new(Diagnostic {
                    severity: Severity::Parse,
                    message: "Cannot use \"<?=\" as an identifier".into(),
                    line: self.token_line(t),
                    file: ErrorFile::Compiled,
                }));
            }
            Ok(self.ident_of(t))
        } else {
            Err(self.unexpected(expected))
        }
    }

    pub(crate) fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.prev_end().max(start))
    }
}
