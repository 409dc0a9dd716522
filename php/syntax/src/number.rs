//! Integer and float literal values, shared by the lexer (which must know whether an integer
//! literal overflows, since PHP then makes it a float token) and the parser (which builds
//! the value).

/// What an integer literal's text denotes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IntLiteral {
    /// Fits in a PHP int.
    Fits(i64),
    /// Too large: PHP turns it into a float.
    Overflows,
    /// A leading-zero octal literal with an 8 or 9 in it.
    Invalid,
}

fn radix_of(text: &[u8]) -> (u32, &[u8]) {
    if text.len() > 2 && text[0] == b'0' {
        match text[1] {
            b'x' | b'X' => return (16, &text[2..]),
            b'b' | b'B' => return (2, &text[2..]),
            b'o' | b'O' => return (8, &text[2..]),
            _ => {}
        }
    }
    if text.len() > 1 && text[0] == b'0' {
        (8, &text[1..])
    } else {
        (10, text)
    }
}

/// Classifies the text of an integer literal (digits, optional prefix, `_` separators).
pub fn classify_int(text: &[u8]) -> IntLiteral {
    let (radix, digits) = radix_of(text);
    let mut value: u64 = 0;
    let mut overflow = false;
    for &c in digits {
        if c == b'_' {
            continue;
        }
        let Some(d) = (c as char).to_digit(radix) else {
            return IntLiteral::Invalid;
        };
        match value
            .checked_mul(radix as u64)
            .and_then(|v| v.checked_add(d as u64))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    if overflow || value > i64::MAX as u64 {
        IntLiteral::Overflows
    } else {
        IntLiteral::Fits(value as i64)
    }
}

/// The float value of a literal: a decimal float, or an integer literal that overflowed.
pub fn float_value(text: &[u8]) -> f64 {
    let clean: String = text
        .iter()
        .filter(|&&c| c != b'_')
        .map(|&c| c as char)
        .collect();
    let (radix, digits) = radix_of(clean.as_bytes());
    let is_decimal_float = clean.bytes().any(|c| matches!(c, b'.' | b'e' | b'E')) && radix != 16;
    if radix == 10 || is_decimal_float {
        return clean.parse::<f64>().unwrap_or(f64::INFINITY);
    }
    digits.iter().fold(0.0, |acc, &c| {
        acc * radix as f64 + (c as char).to_digit(radix).unwrap_or(0) as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify() {
        assert_eq!(classify_int(b"1_000"), IntLiteral::Fits(1000));
        assert_eq!(
            classify_int(b"0x7FFFFFFFFFFFFFFF"),
            IntLiteral::Fits(i64::MAX)
        );
        assert_eq!(classify_int(b"0x8000000000000000"), IntLiteral::Overflows);
        assert_eq!(classify_int(b"9223372036854775808"), IntLiteral::Overflows);
        assert_eq!(classify_int(b"0777"), IntLiteral::Fits(511));
        assert_eq!(classify_int(b"0o17"), IntLiteral::Fits(15));
        assert_eq!(classify_int(b"08"), IntLiteral::Invalid);
        assert_eq!(classify_int(b"0b101"), IntLiteral::Fits(5));
        assert_eq!(float_value(b"1_0.5e1"), 105.0);
        assert_eq!(float_value(b"0x10000000000000000"), 18446744073709551616.0);
    }
}
