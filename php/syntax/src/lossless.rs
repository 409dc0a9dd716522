//! Text that keeps the bytes of PHP source that are not UTF-8, for messages.
//!
//! PHP's names and messages are bytes: `function f\xe9() {}` declared twice is reported as
//! `Cannot redeclare f\xe9()` with the byte `\xe9` as it is. Messages here are Rust strings,
//! so [`text`] maps each byte that is not part of valid UTF-8 to one character of the last
//! block of Unicode's private use area, U+10FF80 + (byte - 0x80), and [`bytes`] maps such a
//! character back to its byte when the message is written out. A valid UTF-8 character in
//! that block gets the same treatment byte by byte, so any bytes round-trip exactly (the
//! scheme of Python's `surrogateescape`, on characters Rust strings can hold).
//!
//! Invariant: text made by [`text`] and written with [`bytes`] gives the original bytes;
//! text that never went through [`text`] is written unchanged unless it holds characters of
//! that block.

use std::borrow::Cow;

/// The character standing for byte `0x80`; bytes `0x80..=0xFF` map to the 128 from here.
const BASE: u32 = 0x10FF80;

/// `bytes` as text, each byte that is not UTF-8 kept as a private-use character.
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.chars().any(is_escape) => Cow::Borrowed(s),
        _ => Cow::Owned(escape(bytes)),
    }
}

/// The bytes `text` stands for: [`text`] undone.
pub fn bytes(text: &str) -> Cow<'_, [u8]> {
    if !text.chars().any(is_escape) {
        return Cow::Borrowed(text.as_bytes());
    }
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if is_escape(c) {
            out.push((c as u32 - BASE + 0x80) as u8);
        } else {
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    Cow::Owned(out)
}

fn is_escape(c: char) -> bool {
    c as u32 >= BASE
}

fn escape(mut rest: &[u8]) -> String {
    let mut out = String::with_capacity(rest.len() + 8);
    let escaped = |b: u8| char::from_u32(BASE + u32::from(b) - 0x80).unwrap_or('\u{FFFD}');
    while !rest.is_empty() {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(s) => (s, 0),
            Err(e) => {
                // The first `valid_up_to` bytes are UTF-8 (the error's contract).
                let valid = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default();
                (valid, e.error_len().unwrap_or(rest.len() - e.valid_up_to()))
            }
        };
        for c in valid.chars() {
            if is_escape(c) {
                let mut buf = [0u8; 4];
                out.extend(c.encode_utf8(&mut buf).bytes().map(escaped));
            } else {
                out.push(c);
            }
        }
        let at = valid.len();
        out.extend(rest[at..at + bad].iter().copied().map(escaped));
        rest = &rest[at + bad..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_bytes_round_trip() {
        let cases: &[&[u8]] = &[
            b"plain",
            b"f\xe9",
            b"\xff\xfe\x80",
            "caf\u{e9} \u{10FF80}\u{10FFFF}".as_bytes(),
            b"\xf4\x8f\xbe",
            b"",
        ];
        for &c in cases {
            assert_eq!(&bytes(&text(c))[..], c);
        }
        assert!(matches!(text(b"ok"), Cow::Borrowed(_)));
        assert_eq!(text(b"a\xe9b"), "a\u{10FFE9}b");
    }
}
