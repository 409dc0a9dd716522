//! `++` and `--` on strings.
//!
//! A numeric string is incremented or decremented as its number (`"9"` becomes the int 10).
//! Otherwise `++` is PHP's alphanumeric increment: the last letter or digit steps forward
//! (`z` to `a`, `Z` to `A`, `9` to `0` carry into the character before), and a carry out of the
//! first character prepends `1`, `a` or `A`; a non-alphanumeric character stops the carry.
//! The empty string becomes `"1"`. `--` leaves a non-numeric string unchanged, except the
//! empty string, which becomes the int -1.

use crate::arith::{add, sub};
use crate::number::{Num, Numeric, parse_numeric};
use crate::string::PhpString;

/// The result of `++`/`--` on a string.
#[derive(Debug, PartialEq)]
pub enum Stepped {
    /// A number (the string was numeric, or was empty and decremented).
    Num(Num),
    /// A string.
    Str(PhpString),
}

/// `$s++`.
pub fn increment(s: &[u8]) -> Stepped {
    if s.is_empty() {
        return Stepped::Str(PhpString::from("1"));
    }
    if let Numeric::Whole(n) = parse_numeric(s) {
        return Stepped::Num(add(n, Num::Int(1)));
    }
    let mut out = s.to_vec();
    let mut i = out.len();
    loop {
        if i == 0 {
            // Carried out of the first character: prepend what it wrapped to, stepped once.
            let first = match out[0] {
                b'0' => b'1',
                b'a' => b'a',
                _ => b'A',
            };
            out.insert(0, first);
            break;
        }
        i -= 1;
        let c = out[i];
        let (next, carry) = match c {
            b'z' => (b'a', true),
            b'Z' => (b'A', true),
            b'9' => (b'0', true),
            b'a'..=b'y' | b'A'..=b'Y' | b'0'..=b'8' => (c + 1, false),
            _ => break,
        };
        out[i] = next;
        if !carry {
            break;
        }
    }
    Stepped::Str(PhpString::new(&out))
}

/// `$s--`.
pub fn decrement(s: &[u8]) -> Stepped {
    if s.is_empty() {
        return Stepped::Num(Num::Int(-1));
    }
    match parse_numeric(s) {
        Numeric::Whole(n) => Stepped::Num(sub(n, Num::Int(1))),
        _ => Stepped::Str(PhpString::new(s)),
    }
}

#[cfg(test)]
mod tests {
    // Expected values are what `php -n` 8.2 prints for `$s++` and `$s--`.
    use super::*;

    fn inc(s: &str) -> String {
        match increment(s.as_bytes()) {
            Stepped::Str(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            Stepped::Num(n) => format!("{n:?}"),
        }
    }

    #[test]
    fn alphanumeric_increment() {
        let cases = [
            ("", "1"),
            ("5a", "5b"),
            ("a", "b"),
            ("z", "aa"),
            ("Az", "Ba"),
            ("zz", "aaa"),
            ("a9", "b0"),
            ("Zz", "AAa"),
            ("zZ9", "aaA0"),
            ("a-", "a-"),
            ("-a", "-b"),
            ("abc", "abd"),
            (" ", " "),
            ("-", "-"),
            ("0x9", "0y0"),
            ("\u{e9}", "\u{e9}"),
            ("-z", "-a"),
            ("a-z", "a-a"),
            ("9-9", "9-0"),
            ("Z-z", "Z-a"),
        ];
        for (s, want) in cases {
            assert_eq!(inc(s), want, "{s:?}++");
        }
    }

    #[test]
    fn numeric_strings_step_as_numbers() {
        assert_eq!(increment(b" 5"), Stepped::Num(Num::Int(6)));
        assert_eq!(increment(b"5 "), Stepped::Num(Num::Int(6)));
        assert_eq!(increment(b"99"), Stepped::Num(Num::Int(100)));
        assert_eq!(increment(b"9.5"), Stepped::Num(Num::Float(10.5)));
        assert_eq!(increment(b"1e2"), Stepped::Num(Num::Float(101.0)));
        assert_eq!(
            increment(b"9223372036854775807"),
            Stepped::Num(Num::Float(9.223372036854776e18))
        );
        assert_eq!(decrement(b""), Stepped::Num(Num::Int(-1)));
        assert_eq!(decrement(b"9"), Stepped::Num(Num::Int(8)));
        assert_eq!(decrement(b"5a"), Stepped::Str(PhpString::from("5a")));
        assert_eq!(decrement(b"abc"), Stepped::Str(PhpString::from("abc")));
    }
}
