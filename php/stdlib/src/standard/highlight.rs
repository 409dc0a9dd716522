//! Source highlighting and stripping: `highlight_string`, `highlight_file` (alias
//! `show_source`) and `php_strip_whitespace`.
//!
//! PHP runs its scanner in non-parser mode and colours every token by kind, using the
//! `highlight.*` ini settings: inline HTML, comments, "default" (open and close tags, magic
//! constants and every token that carries a value: names, variables, numbers), strings, and
//! "keyword" for the rest (keywords, operators, punctuation). Whitespace takes no colour of
//! its own. Characters are escaped for HTML, with `&nbsp;` for spaces and `<br />` for
//! newlines.
//!
//! The lexer of `php-syntax` works in parser mode: it drops whitespace, comments and open
//! tags and turns `?>` into `;`. [`pieces`] gets them back from the gaps between the tokens'
//! spans, so every byte of the source lands in exactly one piece, in order. Where the lexer
//! stops early (`__halt_compiler`, an unmatched bracket), PHP's scanner would go on, so the
//! rest is lexed again as code.

use crate::args;
use crate::standard::file::path_arg;
use crate::standard::stream::{self, OpenError};
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};
use php_syntax::ShortTags;
use php_syntax::lexer::lex;
use php_syntax::token::TokenKind;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("highlight_string", highlight_string),
    ("highlight_file", highlight_file),
    ("show_source", show_source),
    ("php_strip_whitespace", php_strip_whitespace),
];

/// What a piece of source is, as far as highlighting and stripping care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `T_WHITESPACE`: shown in the current colour; one space when stripping.
    Whitespace,
    /// `T_INLINE_HTML`.
    Html,
    /// `T_COMMENT`, `T_DOC_COMMENT`.
    Comment,
    /// Tags, magic constants and valued tokens.
    Default,
    /// Quotes and string contents.
    String,
    /// Keywords, operators and punctuation.
    Keyword,
    /// `T_END_HEREDOC` (a keyword, which stripping follows with a newline).
    EndHeredoc,
}

/// A run of the source: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    kind: Kind,
    start: usize,
    end: usize,
}

/// How many times [`pieces`] lexes the rest of the source again (after an error or
/// `__halt_compiler`) before it shows the rest unlexed: each round reads the whole rest, so a
/// source made of thousands of stray brackets would otherwise take quadratic time.
const MAX_RELEX: usize = 256;

/// What PHP's scanner would return for `src`, as pieces covering every byte in order.
fn pieces(src: &[u8], short_tags: ShortTags) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    // Where the part still to lex starts, and whether it starts inside PHP code. Each round
    // moves `from` forward, so the loop ends.
    let mut from = 0;
    let mut scripting = false;
    let mut rounds = 0;
    while from < src.len() {
        rounds += 1;
        if rounds > MAX_RELEX {
            out.push(Piece {
                kind: Kind::Default,
                start: from,
                end: src.len(),
            });
            break;
        }
        let prefix: &[u8] = if scripting { b"<?php " } else { b"" };
        let buf = [prefix, &src[from..]].concat();
        let lexed = lex(&buf, short_tags);
        let shift = |p: usize| p - prefix.len() + from;
        let mut local: Vec<Piece> = Vec::new();
        let mut pos = prefix.len();
        let mut failed = false;
        for t in &lexed.tokens {
            let (s, e) = (t.span.start as usize, t.span.end as usize);
            match t.kind {
                TokenKind::Eof => break,
                TokenKind::Error => {
                    failed = true;
                    break;
                }
                _ if s < pos || e > buf.len() => continue,
                kind => {
                    trivia(&buf, pos, s, &mut local);
                    local.push(Piece {
                        kind: token_kind(kind, &buf[s..e]),
                        start: s,
                        end: e,
                    });
                    pos = e;
                }
            }
        }
        let next = match lexed.halt_offset.map(|h| h as usize) {
            // PHP's scanner does not stop at `__halt_compiler();`.
            Some(h) if h < buf.len() && h >= pos => {
                trivia(&buf, pos, h, &mut local);
                scripting = !local
                    .last()
                    .is_some_and(|p| buf[p.start..p.end].starts_with(b"?>"));
                Some(h)
            }
            _ if failed => {
                // Where the lexer stops on an error (an unmatched bracket, an invalid number),
                // PHP's scanner returns a token and goes on: show the token as PHP does (a
                // name or number, else one byte as a keyword) and lex the rest as code.
                let q = trivia(&buf, pos, buf.len(), &mut local);
                let word = buf[q..].iter().take_while(|&&b| is_word(b)).count();
                let (kind, len) = if word > 0 {
                    (Kind::Default, word)
                } else {
                    (Kind::Keyword, 1)
                };
                (q < buf.len()).then(|| {
                    local.push(Piece {
                        kind,
                        start: q,
                        end: q + len,
                    });
                    scripting = true;
                    q + len
                })
            }
            _ => {
                trivia(&buf, pos, buf.len(), &mut local);
                None
            }
        };
        out.extend(local.into_iter().map(|p| Piece {
            kind: p.kind,
            start: shift(p.start),
            end: shift(p.end),
        }));
        match next.map(shift) {
            Some(n) if n > from => from = n,
            Some(_) => {
                // No progress (which the cases above rule out): the rest as it is.
                let done = out.last().map_or(0, |p| p.end);
                out.push(Piece {
                    kind: Kind::Default,
                    start: done,
                    end: src.len(),
                });
                break;
            }
            None => break,
        }
    }
    attach_heredoc_indent(src, &mut out);
    out
}

/// Splits `buf[from..to]`, which holds no tokens the lexer kept, into whitespace, comments
/// and open tags, until something else starts; returns where that is (`to` if nothing).
fn trivia(buf: &[u8], from: usize, to: usize, out: &mut Vec<Piece>) -> usize {
    let mut i = from;
    while i < to {
        let start = i;
        let rest = &buf[i..to];
        let kind = if is_space(rest[0]) {
            i += rest.iter().take_while(|&&b| is_space(b)).count();
            Kind::Whitespace
        } else if rest[0] == b'#' || rest.starts_with(b"//") {
            // A one-line comment stops before its newline and before `?>`.
            while i < to && !matches!(buf[i], b'\n' | b'\r') && !buf[i..to].starts_with(b"?>") {
                i += 1;
            }
            Kind::Comment
        } else if rest.starts_with(b"/*") {
            i = match rest[2..].windows(2).position(|w| w == b"*/") {
                Some(off) => i + 2 + off + 2,
                None => to,
            };
            Kind::Comment
        } else if rest.starts_with(b"<?") {
            i += open_tag_len(&buf[i..]).min(rest.len());
            Kind::Default
        } else {
            return i;
        };
        out.push(Piece {
            kind,
            start,
            end: i,
        });
    }
    to
}

/// A byte of a name or number.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The length of the open tag at the start of `s` (`<?php` with the one whitespace character
/// or line break after it, or a short `<?`).
fn open_tag_len(s: &[u8]) -> usize {
    if s.len() >= 5 && s[2..5].eq_ignore_ascii_case(b"php") {
        match s.get(5) {
            None => return 5,
            Some(b' ' | b'\t' | b'\n') => return 6,
            Some(b'\r') => return if s.get(6) == Some(&b'\n') { 7 } else { 6 },
            Some(_) => {}
        }
    }
    2
}

/// How PHP colours a token the lexer kept (`text` tells `?>` and `<?=` from `;` and `echo`).
fn token_kind(kind: TokenKind, text: &[u8]) -> Kind {
    use TokenKind as T;
    match kind {
        T::InlineHtml => Kind::Html,
        T::Semicolon | T::Echo if text.starts_with(b"?>") || text.starts_with(b"<?") => {
            Kind::Default
        }
        T::DoubleQuote | T::EncapsedAndWhitespace | T::ConstantEncapsedString => Kind::String,
        T::LineC | T::FileC | T::DirC | T::TraitC | T::MethodC | T::FuncC | T::NsC | T::ClassC => {
            Kind::Default
        }
        // The tokens PHP's scanner gives a value.
        T::LNumber
        | T::DNumber
        | T::Ident
        | T::NameFullyQualified
        | T::NameRelative
        | T::NameQualified
        | T::Variable
        | T::StringVarname
        | T::NumString => Kind::Default,
        T::EndHeredoc => Kind::EndHeredoc,
        _ => Kind::Keyword,
    }
}

/// PHP's `T_END_HEREDOC` holds the closing marker's indentation; the lexer leaves it in the
/// gap before the marker, so it moves from that whitespace to the marker.
fn attach_heredoc_indent(src: &[u8], out: &mut [Piece]) {
    for i in 1..out.len() {
        if out[i].kind != Kind::EndHeredoc || out[i - 1].kind != Kind::Whitespace {
            continue;
        }
        let ws = out[i - 1];
        let indent = src[ws.start..ws.end]
            .iter()
            .rev()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        out[i - 1].end -= indent;
        out[i].start -= indent;
    }
}

/// The `highlight.*` colours, by [`Kind`].
struct Colours {
    html: String,
    comment: String,
    default: String,
    string: String,
    keyword: String,
}

impl Colours {
    fn from_ini(h: &mut dyn Host) -> Colours {
        let mut get = |key: &str, fallback: &str| h.ini(key).unwrap_or_else(|| fallback.into());
        Colours {
            html: get("highlight.html", "#000000"),
            comment: get("highlight.comment", "#FF8000"),
            default: get("highlight.default", "#0000BB"),
            string: get("highlight.string", "#DD0000"),
            keyword: get("highlight.keyword", "#007700"),
        }
    }

    /// The colour of a kind other than whitespace. Pieces of the same colour share a span,
    /// whatever their kinds (PHP compares the settings' interned strings).
    fn of(&self, kind: Kind) -> &str {
        match kind {
            Kind::Html | Kind::Whitespace => &self.html,
            Kind::Comment => &self.comment,
            Kind::Default => &self.default,
            Kind::String => &self.string,
            Kind::Keyword | Kind::EndHeredoc => &self.keyword,
        }
    }
}

/// Writes `text` escaped as PHP's highlighter does.
fn html_escape(out: &mut Vec<u8>, text: &[u8]) {
    for &b in text {
        match b {
            b'\n' => out.extend_from_slice(b"<br />"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b' ' => out.extend_from_slice(b"&nbsp;"),
            b'\t' => out.extend_from_slice(b"&nbsp;&nbsp;&nbsp;&nbsp;"),
            _ => out.push(b),
        }
    }
}

/// The highlighted HTML of `src`.
fn highlight(src: &[u8], colours: &Colours, short_tags: ShortTags) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len() * 2 + 64);
    let html = colours.html.as_str();
    out.extend_from_slice(format!("<code><span style=\"color: {html}\">\n").as_bytes());
    let mut last = html;
    for p in pieces(src, short_tags) {
        let text = &src[p.start..p.end];
        let next = colours.of(p.kind);
        if p.kind != Kind::Whitespace && next != last {
            if last != html {
                out.extend_from_slice(b"</span>");
            }
            last = next;
            if last != html {
                out.extend_from_slice(format!("<span style=\"color: {last}\">").as_bytes());
            }
        }
        html_escape(&mut out, text);
    }
    if last != html {
        out.extend_from_slice(b"</span>\n");
    }
    out.extend_from_slice(b"</span>\n</code>");
    out
}

/// `src` without comments, whitespace runs cut to one space (PHP's `zend_strip`).
fn strip(src: &[u8], short_tags: ShortTags) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len());
    let mut space = false;
    let mut list = pieces(src, short_tags).into_iter();
    while let Some(p) = list.next() {
        match p.kind {
            Kind::Whitespace => {
                if !space {
                    out.push(b' ');
                    space = true;
                }
            }
            Kind::Comment => {}
            Kind::EndHeredoc => {
                // The marker's line ends here: what follows it (`;`, or whitespace, which
                // goes) and then a newline.
                out.extend_from_slice(&src[p.start..p.end]);
                if let Some(n) = list.next()
                    && n.kind != Kind::Whitespace
                {
                    out.extend_from_slice(&src[n.start..n.end]);
                }
                out.push(b'\n');
                space = true;
            }
            _ => {
                out.extend_from_slice(&src[p.start..p.end]);
                space = false;
            }
        }
    }
    out
}

/// Whether `<?` opens code (`short_open_tag`).
fn short_tags(h: &mut dyn Host) -> ShortTags {
    let on = h.ini("short_open_tag").is_none_or(|v| {
        let v = v.trim().to_ascii_lowercase();
        matches!(v.as_str(), "on" | "yes" | "true") || v.parse::<i64>().is_ok_and(|n| n != 0)
    });
    if on { ShortTags::On } else { ShortTags::Off }
}

/// Prints `html`, or returns it when `ret` is set (`true` otherwise).
fn emit(h: &mut dyn Host, html: Vec<u8>, ret: bool) -> Result<Zval, PhpError> {
    if ret {
        return Ok(Zval::string(PhpString::new(&html)));
    }
    h.write(&html)?;
    Ok(Zval::bool(true))
}

fn highlight_string(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "highlight_string", a, 1, 2)?;
    let src = args::string(h, "highlight_string", 1, "string", &a[0])?;
    let ret = match a.get(1) {
        Some(v) => args::boolean(h, "highlight_string", 2, "return", v)?,
        None => false,
    };
    let colours = Colours::from_ini(h);
    let tags = short_tags(h);
    emit(h, highlight(src.as_bytes(), &colours, tags), ret)
}

/// Reads `filename` for `func`, with PHP's warning when it cannot be opened.
fn read_source(h: &mut dyn Host, func: &str, filename: &str) -> Result<Option<Vec<u8>>, PhpError> {
    let why = match stream::open(filename, "rb") {
        Ok((mut s, extra)) => {
            stream::consume_ids(1 + extra);
            match s.read_all() {
                Ok(src) => return Ok(Some(src)),
                Err(e) => stream::os_message(&e),
            }
        }
        Err(OpenError::Os(e)) => stream::os_message(&e),
        Err(OpenError::Message(m)) => m,
    };
    h.warn(&format!("{func}({filename}): Failed to open stream: {why}"))?;
    Ok(None)
}

/// `highlight_file` and its alias `show_source`.
fn highlight_file_as(h: &mut dyn Host, func: &str, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, func, a, 1, 2)?;
    let filename = path_arg(h, func, 1, "filename", &a[0], true)?;
    let ret = match a.get(1) {
        Some(v) => args::boolean(h, func, 2, "return", v)?,
        None => false,
    };
    let Some(src) = read_source(h, func, &filename)? else {
        h.warn(&format!(
            "{func}(): Failed opening '{filename}' for highlighting"
        ))?;
        return Ok(Zval::bool(false));
    };
    let colours = Colours::from_ini(h);
    let tags = short_tags(h);
    emit(h, highlight(&src, &colours, tags), ret)
}

fn highlight_file(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    highlight_file_as(h, "highlight_file", a)
}

fn show_source(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    highlight_file_as(h, "show_source", a)
}

fn php_strip_whitespace(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "php_strip_whitespace", a, 1, 1)?;
    let filename = path_arg(h, "php_strip_whitespace", 1, "filename", &a[0], true)?;
    let Some(src) = read_source(h, "php_strip_whitespace", &filename)? else {
        return Ok(Zval::str(""));
    };
    let tags = short_tags(h);
    Ok(Zval::string(PhpString::new(&strip(&src, tags))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, String)> {
        pieces(src.as_bytes(), ShortTags::On)
            .into_iter()
            .map(|p| (p.kind, src[p.start..p.end].to_string()))
            .collect()
    }

    #[test]
    fn pieces_cover_the_source() {
        for src in [
            "<br /><?php echo \"foo\"; ?><br />",
            "<?php $a = <<<EOT\n  x {$a} y\n  EOT;\n/* c */ # d\n// e\n(int) 1.5 ?>\nhtml",
            "<?php } foo(); __halt_compiler(); bar ?> x",
            "<?php /* unterminated",
            "a <? b ?> c <?= 1 ?>",
        ] {
            let joined: String = kinds(src).into_iter().map(|(_, t)| t).collect();
            assert_eq!(joined, src);
        }
    }

    #[test]
    fn heredoc_marker_keeps_its_indent() {
        let k = kinds("<?php <<<EOT\n  x\n  EOT;");
        assert!(k.contains(&(Kind::EndHeredoc, "  EOT".into())), "{k:?}");
    }
}
