//! Phonetic keys of English words: `soundex` and `metaphone`.

use crate::args;
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[("soundex", soundex), ("metaphone", metaphone)];

/// The soundex digit of each letter A..Z (0: vowels and H, W, Y, which are not coded).
const SOUNDEX: &[u8; 26] = b"01230120022455012623010202";

fn soundex(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "soundex", a, 1, 1)?;
    let s = args::string(h, "soundex", 1, "string", &a[0])?;
    let mut key = Vec::with_capacity(4);
    let mut last = 0u8;
    for c in s.as_bytes().iter().map(u8::to_ascii_uppercase) {
        if key.len() == 4 {
            break;
        }
        if !c.is_ascii_uppercase() {
            continue;
        }
        let code = SOUNDEX[(c - b'A') as usize] - b'0';
        if key.is_empty() {
            key.push(c);
        } else if code != last && code != 0 {
            key.push(b'0' + code);
        }
        if key.len() == 1 || code != last {
            last = code;
        }
    }
    key.resize(4, b'0');
    Ok(Zval::string(PhpString::new(&key)))
}

/// The word being keyed: its uppercase letters, NUL past its end.
struct Word(Vec<u8>);

impl Word {
    fn at(&self, i: isize) -> u8 {
        if i < 0 {
            return 0;
        }
        self.0.get(i as usize).copied().unwrap_or(0)
    }
}

fn vowel(c: u8) -> bool {
    matches!(c, b'A' | b'E' | b'I' | b'O' | b'U')
}

/// Letters before which C and G are soft.
fn softens(c: u8) -> bool {
    matches!(c, b'E' | b'I' | b'Y')
}

/// The metaphone key of `w` (uppercase letters), stopping after `max` phonemes (0: no limit).
fn metaphone_key(w: &Word, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i: isize = 0;
    while !w.at(i).is_ascii_alphabetic() {
        if w.at(i) == 0 {
            return out;
        }
        i += 1;
    }
    let next = w.at(i + 1);
    match w.at(i) {
        b'A' if next == b'E' => {
            out.push(b'E');
            i += 2;
        }
        b'A' => {
            out.push(b'A');
            i += 1;
        }
        b'G' | b'K' | b'P' if next == b'N' => {
            out.push(b'N');
            i += 2;
        }
        b'W' if next == b'R' => {
            out.push(b'R');
            i += 2;
        }
        b'W' if next == b'H' || vowel(next) => {
            out.push(b'W');
            i += 2;
        }
        b'X' => {
            out.push(b'S');
            i += 1;
        }
        c @ (b'E' | b'I' | b'O' | b'U') => {
            out.push(c);
            i += 1;
        }
        _ => {}
    }
    while w.at(i) != 0 && (max == 0 || out.len() < max) {
        let c = w.at(i);
        let (prev, next) = (w.at(i - 1), w.at(i + 1));
        let after = if next == 0 { 0 } else { w.at(i + 2) };
        let mut skip = 0;
        if !c.is_ascii_alphabetic() || (c == prev && c != b'C') {
            i += 1;
            continue;
        }
        match c {
            b'B' if prev != b'M' => out.push(b'B'),
            b'C' => {
                if softens(next) {
                    if next == b'I' && after == b'A' {
                        out.push(b'X');
                    } else if prev != b'S' {
                        out.push(b'S');
                    }
                } else if next == b'H' {
                    out.push(b'X');
                    skip = 1;
                } else {
                    out.push(b'K');
                }
            }
            b'D' => {
                if next == b'G' && softens(after) {
                    out.push(b'J');
                    skip = 1;
                } else {
                    out.push(b'T');
                }
            }
            b'G' => {
                if next == b'H' {
                    if !(matches!(w.at(i - 3), b'B' | b'D' | b'H') || w.at(i - 4) == b'H') {
                        out.push(b'F');
                        skip = 1;
                    }
                } else if next == b'N' {
                    let ahead3 = if after == 0 { 0 } else { w.at(i + 3) };
                    if !(!after.is_ascii_alphabetic() || (after == b'E' && ahead3 == b'D')) {
                        out.push(b'K');
                    }
                } else if softens(next) && prev != b'G' {
                    out.push(b'J');
                } else {
                    out.push(b'K');
                }
            }
            b'H' if vowel(next) && !matches!(prev, b'C' | b'G' | b'P' | b'S' | b'T') => {
                out.push(b'H');
            }
            b'K' if prev != b'C' => out.push(b'K'),
            b'P' => out.push(if next == b'H' { b'F' } else { b'P' }),
            b'Q' => out.push(b'K'),
            b'S' => {
                if next == b'I' && (after == b'O' || after == b'A') {
                    out.push(b'X');
                } else if next == b'H' {
                    out.push(b'X');
                    skip = 1;
                } else {
                    out.push(b'S');
                }
            }
            b'T' => {
                if next == b'I' && (after == b'O' || after == b'A') {
                    out.push(b'X');
                } else if next == b'H' {
                    out.push(b'0');
                    skip = 1;
                } else if !(next == b'C' && after == b'H') {
                    out.push(b'T');
                }
            }
            b'V' => out.push(b'F'),
            b'W' | b'Y' if vowel(next) => out.push(c),
            b'X' => out.extend_from_slice(b"KS"),
            b'Z' => out.push(b'S'),
            b'F' | b'J' | b'L' | b'M' | b'N' | b'R' => out.push(c),
            _ => {}
        }
        i += 1 + skip;
    }
    out
}

fn metaphone(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "metaphone", a, 1, 2)?;
    let s = args::string(h, "metaphone", 1, "string", &a[0])?;
    let max = if a.len() == 2 {
        args::int(h, "metaphone", 2, "max_phonemes", &a[1])?
    } else {
        0
    };
    if max < 0 {
        let msg = "metaphone(): Argument #2 ($max_phonemes) must be greater than or equal to 0";
        return Err(h.throw("ValueError", msg.into()));
    }
    let b = s.as_bytes();
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    let word = Word(b[..end].to_ascii_uppercase());
    let key = metaphone_key(&word, usize::try_from(max).unwrap_or(usize::MAX));
    Ok(Zval::string(PhpString::new(&key)))
}
