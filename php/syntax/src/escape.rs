//! Escape sequences of double-quoted strings, backquotes and heredocs, as PHP's
//! `zend_scan_escape_string` processes them.
//!
//! The parser uses this for string values; the lexer, while scanning ahead for a heredoc's
//! closing marker, to stop where PHP's scanner stops: at an invalid `\u{...}`, the only escape
//! that is an error. An octal escape above `\377` is a warning ([`OctalOverflow`]), which
//! PHP raises when it reads the token, not while scanning ahead.

/// Which quote a segment came from; decides which escapes are recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quote {
    Double,
    Backtick,
    Heredoc,
}

/// An invalid `\u{...}` escape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EscapeError {
    /// PHP's message.
    pub(crate) message: &'static str,
    /// Line breaks before the escape: PHP counts them while unescaping, so it reports the
    /// escape's own line.
    pub(crate) line_breaks: u32,
}

/// An octal escape greater than `\377` (PHP keeps its low byte and warns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OctalOverflow {
    /// The three digits as written.
    pub(crate) digits: [u8; 3],
    /// Line breaks before the escape (PHP reports the escape's own line).
    pub(crate) line_breaks: u32,
}

impl OctalOverflow {
    /// PHP's message.
    pub(crate) fn message(&self) -> String {
        format!(
            "Octal escape sequence overflow \\{} is greater than \\377",
            String::from_utf8_lossy(&self.digits)
        )
    }
}

const INVALID: &str = "Invalid UTF-8 codepoint escape sequence";
const TOO_LARGE: &str = "Invalid UTF-8 codepoint escape sequence: Codepoint too large";

impl EscapeError {
    fn new(message: &'static str, before: &[u8]) -> EscapeError {
        EscapeError {
            message,
            line_breaks: line_breaks(before),
        }
    }
}

/// Line breaks in `text` as PHP counts them (`\r\n` is one).
fn line_breaks(text: &[u8]) -> u32 {
    text.iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'\n' || (c == b'\r' && text.get(i + 1) != Some(&b'\n')))
        .count() as u32
}

/// Processes escape sequences as PHP's scanner does for `quote`; octal escapes that overflow
/// a byte are pushed on `overflows`.
pub(crate) fn unescape(
    s: &[u8],
    quote: Quote,
    overflows: &mut Vec<OctalOverflow>,
) -> Result<Vec<u8>, EscapeError> {
    if !s.contains(&b'\\') {
        return Ok(s.to_vec());
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c != b'\\' || i + 1 >= s.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = s[i + 1];
        i += 2;
        match n {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'v' => out.push(0x0b),
            b'e' => out.push(0x1b),
            b'f' => out.push(0x0c),
            b'\\' => out.push(b'\\'),
            b'$' => out.push(b'$'),
            b'"' if quote == Quote::Double => out.push(b'"'),
            b'`' if quote == Quote::Backtick => out.push(b'`'),
            b'x' | b'X' if s.get(i).is_some_and(u8::is_ascii_hexdigit) => {
                let mut v = 0u32;
                let mut k = 0;
                while k < 2 && s.get(i).is_some_and(u8::is_ascii_hexdigit) {
                    v = v * 16 + (s[i] as char).to_digit(16).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                out.push(v as u8);
            }
            b'0'..=b'7' => {
                let start = i - 1;
                let mut v = (n - b'0') as u32;
                let mut k = 1;
                while k < 3 && s.get(i).is_some_and(|c| (b'0'..=b'7').contains(c)) {
                    v = v * 8 + (s[i] - b'0') as u32;
                    i += 1;
                    k += 1;
                }
                if v > 0o377 {
                    overflows.push(OctalOverflow {
                        digits: [s[start], s[start + 1], s[start + 2]],
                        line_breaks: line_breaks(&s[..start]),
                    });
                }
                out.push(v as u8);
            }
            b'u' if s.get(i) == Some(&b'{') => {
                let close = s[i..].iter().position(|&c| c == b'}');
                let Some(close) = close else {
                    return Err(EscapeError::new(INVALID, &s[..i - 2]));
                };
                let hex = &s[i + 1..i + close];
                if hex.is_empty() || !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err(EscapeError::new(INVALID, &s[..i - 2]));
                }
                let cp = hex.iter().try_fold(0u32, |acc, &h| {
                    acc.checked_mul(16)?.checked_add((h as char).to_digit(16)?)
                });
                let Some(ch) = cp.filter(|&c| c <= 0x10FFFF) else {
                    return Err(EscapeError::new(TOO_LARGE, &s[..i - 2]));
                };
                encode_utf8(ch, &mut out);
                i += close + 1;
            }
            _ => {
                out.push(b'\\');
                out.push(n);
            }
        }
    }
    Ok(out)
}

fn encode_utf8(cp: u32, out: &mut Vec<u8>) {
    // PHP encodes surrogates too, so this cannot go through `char`.
    match cp {
        0..=0x7F => out.push(cp as u8),
        0x80..=0x7FF => out.extend_from_slice(&[0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8]),
        0x800..=0xFFFF => out.extend_from_slice(&[
            0xE0 | (cp >> 12) as u8,
            0x80 | ((cp >> 6) & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]),
        _ => out.extend_from_slice(&[
            0xF0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3F) as u8,
            0x80 | ((cp >> 6) & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]),
    }
}
