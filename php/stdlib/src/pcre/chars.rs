//! Characters as the regex engine sees them: UTF-8 decoding and validation (for the `/u`
//! modifier), case folding, and the character types behind `\d`, `\w`, `\s` and the POSIX
//! classes.
//!
//! Without `/u` a character is a byte and only ASCII letters fold (PCRE's C-locale tables).
//! With `/u` a character is a code point, folding is Unicode simple case folding, and the
//! types follow Unicode (PHP sets PCRE2_UCP with `/u`). Unicode categories come from Rust's
//! `char` predicates, which approximate PCRE's property tables (documented per function).

/// Decodes the UTF-8 character at `pos` of a subject already known to be valid UTF-8:
/// (code point, length). A stray byte decodes as itself with length 1, so a bad subject can
/// never make the engine loop or panic.
pub fn decode(s: &[u8], pos: usize) -> (u32, usize) {
    let b0 = s[pos] as u32;
    let need = match b0 {
        0x00..=0x7f => return (b0, 1),
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return (b0, 1),
    };
    if pos + need > s.len() {
        return (b0, 1);
    }
    let mut c = b0 & (0x7f >> need);
    for &b in &s[pos + 1..pos + need] {
        if b & 0xc0 != 0x80 {
            return (b0, 1);
        }
        c = (c << 6) | (b as u32 & 0x3f);
    }
    (c, need)
}

/// The start of the UTF-8 character that ends just before `pos` (`pos > 0`).
pub fn prev_start(s: &[u8], pos: usize) -> usize {
    let mut p = pos - 1;
    let floor = pos.saturating_sub(4);
    while p > floor && s[p] & 0xc0 == 0x80 {
        p -= 1;
    }
    if decode(s, p).1 == pos - p {
        p
    } else {
        pos - 1
    }
}

/// Appends the UTF-8 encoding of `c` (a valid code point).
pub fn encode(c: u32, out: &mut Vec<u8>) {
    match char::from_u32(c) {
        Some(ch) => {
            let mut buf = [0; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        None => out.push(c as u8),
    }
}

/// Why `s` is not valid UTF-8, as PCRE2 words it, and the offset of the bad character.
pub fn utf8_error(s: &[u8]) -> Option<(&'static str, usize)> {
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        let need = match b {
            0x00..=0x7f => {
                i += 1;
                continue;
            }
            0x80..=0xbf => return Some(("isolated byte with 0x80 bit set", i)),
            0xc0..=0xdf => 1,
            0xe0..=0xef => 2,
            0xf0..=0xf7 => 3,
            0xf8..=0xfb => 4,
            0xfc..=0xfd => 5,
            _ => return Some(("illegal byte (0xfe or 0xff)", i)),
        };
        if i + need >= s.len() {
            const MISSING: [&str; 6] = [
                "",
                "1 byte missing at end",
                "2 bytes missing at end",
                "3 bytes missing at end",
                "4 bytes missing at end",
                "5 bytes missing at end",
            ];
            return Some((MISSING[i + need + 1 - s.len()], i));
        }
        for k in 1..=need {
            if s[i + k] & 0xc0 != 0x80 {
                const TOP: [&str; 6] = [
                    "",
                    "byte 2 top bits not 0x80",
                    "byte 3 top bits not 0x80",
                    "byte 4 top bits not 0x80",
                    "byte 5 top bits not 0x80",
                    "byte 6 top bits not 0x80",
                ];
                return Some((TOP[k], i));
            }
        }
        if need > 3 {
            return Some((
                if need == 4 {
                    "5-byte character is not allowed (RFC 3629)"
                } else {
                    "6-byte character is not allowed (RFC 3629)"
                },
                i,
            ));
        }
        let (c, _) = decode(s, i);
        let overlong = match need {
            1 => c < 0x80,
            2 => c < 0x800,
            _ => c < 0x10000,
        };
        if overlong {
            return Some((
                match need {
                    1 => "overlong 2-byte sequence",
                    2 => "overlong 3-byte sequence",
                    _ => "overlong 4-byte sequence",
                },
                i,
            ));
        }
        if (0xd800..=0xdfff).contains(&c) {
            return Some(("code points 0xd800-0xdfff are not defined", i));
        }
        if c > 0x10ffff {
            return Some(("code points greater than 0x10ffff are not defined", i));
        }
        i += need + 1;
    }
    None
}

/// The case-folded form of `c`: ASCII only without `/u`, Unicode simple folding with it.
pub fn fold(c: u32, utf: bool) -> u32 {
    if c < 128 || !utf {
        return if (b'A' as u32..=b'Z' as u32).contains(&c) {
            c + 32
        } else {
            c
        };
    }
    match char::from_u32(c) {
        Some(ch) => {
            let mut lower = ch.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l as u32,
                _ => c,
            }
        }
        None => c,
    }
}

/// The other cases of `c` (lower and upper), for case-insensitive class membership.
pub fn other_cases(c: u32, utf: bool) -> [u32; 2] {
    if c < 128 || !utf {
        let b = c as u8;
        let other = if b.is_ascii_lowercase() {
            b.to_ascii_uppercase()
        } else {
            b.to_ascii_lowercase()
        };
        return [other as u32, other as u32];
    }
    let Some(ch) = char::from_u32(c) else {
        return [c, c];
    };
    [single(ch.to_lowercase(), c), single(ch.to_uppercase(), c)]
}

/// The one character of a case mapping, or `c` when the mapping is not a single character.
fn single(mut it: impl Iterator<Item = char>, c: u32) -> u32 {
    match (it.next(), it.next()) {
        (Some(x), None) => x as u32,
        _ => c,
    }
}

/// The character types of escapes and POSIX classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Digit,
    Word,
    Space,
    HSpace,
    VSpace,
    Alpha,
    Alnum,
    Upper,
    Lower,
    Punct,
    Graph,
    Print,
    Cntrl,
    XDigit,
    Blank,
    Ascii,
    Any,
    /// Unicode letter (`\p{L}`): Rust's `is_alphabetic`, which also counts letter numbers and
    /// a few combining marks.
    Letter,
    /// `\p{N}`: Rust's `is_numeric`.
    Number,
    /// `\p{Zs}` / `\p{Z}`: white space that is not a control character.
    Separator,
    /// `\p{P}`: ASCII and Latin-1 punctuation, and the General Punctuation and CJK
    /// punctuation blocks.
    Punctuation,
    /// `\p{Lo}`: letters without case.
    OtherLetter,
    /// `\p{No}`: numbers that are not decimal digits.
    OtherNumber,
    /// `\p{Zs}`: separators other than the line and paragraph separators.
    SpaceSeparator,
    /// The code points in these ranges (marks, symbols, scripts: see `props`).
    Range(&'static [(u32, u32)]),
}

/// Whether `c` is of type `k`: `utf` selects Unicode semantics (PCRE2_UCP).
pub fn is(k: Kind, c: u32, utf: bool) -> bool {
    let ascii = c < 128;
    let b = c as u8;
    let ch = char::from_u32(c);
    let uni = |f: fn(char) -> bool| utf && ch.is_some_and(f);
    match k {
        Kind::Digit => (ascii && b.is_ascii_digit()) || (!ascii && uni(is_decimal)),
        Kind::Word => {
            (ascii && (b.is_ascii_alphanumeric() || b == b'_'))
                || (!ascii && uni(char::is_alphanumeric))
        }
        Kind::Space => {
            (ascii && matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
                || (!ascii && uni(char::is_whitespace))
        }
        Kind::HSpace => {
            matches!(
                c,
                0x09 | 0x20 | 0xa0 | 0x1680 | 0x180e | 0x2000..=0x200a | 0x202f | 0x205f | 0x3000
            ) && (utf || c < 256)
        }
        Kind::VSpace => matches!(c, 0x0a..=0x0d | 0x85 | 0x2028 | 0x2029) && (utf || c < 256),
        Kind::Alpha => (ascii && b.is_ascii_alphabetic()) || (!ascii && uni(char::is_alphabetic)),
        Kind::Alnum => {
            (ascii && b.is_ascii_alphanumeric()) || (!ascii && uni(char::is_alphanumeric))
        }
        Kind::Upper => (ascii && b.is_ascii_uppercase()) || (!ascii && uni(char::is_uppercase)),
        Kind::Lower => (ascii && b.is_ascii_lowercase()) || (!ascii && uni(char::is_lowercase)),
        Kind::Punct => ascii && b.is_ascii_punctuation(),
        Kind::Graph => ascii && b.is_ascii_graphic(),
        Kind::Print => ascii && (b.is_ascii_graphic() || b == b' '),
        Kind::Cntrl => ascii && b.is_ascii_control(),
        Kind::XDigit => ascii && b.is_ascii_hexdigit(),
        Kind::Blank => c == 9 || c == 32,
        Kind::Ascii => ascii,
        Kind::Any => true,
        Kind::Letter => ch.is_some_and(char::is_alphabetic),
        Kind::Number => ch.is_some_and(char::is_numeric),
        Kind::Separator => ch.is_some_and(|x| x.is_whitespace() && !x.is_control()),
        Kind::SpaceSeparator => {
            ch.is_some_and(|x| x.is_whitespace() && !x.is_control()) && c != 0x2028 && c != 0x2029
        }
        Kind::OtherLetter => ch.is_some_and(|x| {
            x.is_alphabetic() && !x.is_uppercase() && !x.is_lowercase() && !x.is_numeric()
        }),
        Kind::OtherNumber => ch.is_some_and(|x| x.is_numeric() && !is_decimal(x)),
        Kind::Range(r) => r.iter().any(|&(lo, hi)| lo <= c && c <= hi),
        Kind::Punctuation => {
            (ascii && b.is_ascii_punctuation() && !b"$+<=>^`|~".contains(&b))
                || matches!(c, 0xa1 | 0xa7 | 0xab | 0xb6 | 0xb7 | 0xbb | 0xbf)
                || (0x2010..=0x2027).contains(&c)
                || (0x2030..=0x205e).contains(&c)
                || (0x3001..=0x3003).contains(&c)
                || (0x3008..=0x3011).contains(&c)
        }
    }
}

/// The digit zeros of the Basic Multilingual Plane's decimal digit runs (`\p{Nd}`): each
/// starts a run of ten.
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
    0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
];

/// A decimal digit (`\p{Nd}`): the BMP runs and the mathematical digits.
fn is_decimal(ch: char) -> bool {
    let c = ch as u32;
    DIGIT_ZEROS.iter().any(|&z| (z..z + 10).contains(&c)) || (0x1d7ce..=0x1d7ff).contains(&c)
}

/// Whether `c` is a word character for `\b`.
pub fn is_word(c: u32, utf: bool) -> bool {
    is(Kind::Word, c, utf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_validates() {
        assert_eq!(decode("é".as_bytes(), 0), (0xe9, 2));
        assert_eq!(prev_start("aé".as_bytes(), 3), 1);
        assert_eq!(utf8_error(b"ok"), None);
        assert_eq!(utf8_error(b"a\xff").map(|e| e.1), Some(1));
        assert_eq!(
            utf8_error(b"\xc3").map(|e| e.0),
            Some("1 byte missing at end")
        );
        assert_eq!(
            utf8_error(b"\xc0\x80").map(|e| e.0),
            Some("overlong 2-byte sequence")
        );
    }

    #[test]
    fn folds() {
        assert_eq!(fold('A' as u32, false), 'a' as u32);
        assert_eq!(fold(0xc9, false), 0xc9);
        assert_eq!(fold(0xc9, true), 0xe9);
        assert_eq!(other_cases('a' as u32, false), ['A' as u32; 2]);
        assert!(is(Kind::Digit, '٣' as u32, true));
        assert!(!is(Kind::Digit, '٣' as u32, false));
    }
}
