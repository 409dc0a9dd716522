//! Comparing a test's output with its expectation: `--EXPECT--` exactly, `--EXPECTF--` with
//! run-tests.php's placeholders, `--EXPECTREGEX--` as a regular expression. Both sides have
//! trailing whitespace trimmed and `\r\n` normalized, as run-tests.php does.

use regex::bytes::Regex;

/// What the output must be.
#[derive(Clone, Debug)]
pub enum Expect {
    /// Exactly this.
    Exact(Vec<u8>),
    /// An `EXPECTF` pattern.
    Format(Vec<u8>),
    /// An `EXPECTREGEX` regular expression.
    Regex(Vec<u8>),
}

fn normalize(b: &[u8]) -> Vec<u8> {
    // run-tests.php compares `trim()`med text: PHP's trim set, at both ends.
    let trimmed = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0b);
    let start = b.iter().position(|c| !trimmed(c)).unwrap_or(b.len());
    let b = &b[start..];
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    while out.last().is_some_and(trimmed) {
        out.pop();
    }
    out
}

/// The regular expression of an `EXPECTF` pattern.
pub fn format_to_regex(pattern: &[u8]) -> String {
    let mut re = String::from("(?s-u)^");
    let mut i = 0;
    let lit = |re: &mut String, b: u8| {
        if b.is_ascii_alphanumeric() {
            re.push(b as char);
        } else {
            re.push_str(&format!("\\x{b:02x}"));
        }
    };
    while i < pattern.len() {
        let b = pattern[i];
        if b == b'%' && i + 1 < pattern.len() {
            let c = pattern[i + 1];
            let piece = match c {
                b'e' => Some("/"),
                b's' => Some("[^\\r\\n]+"),
                b'S' => Some("[^\\r\\n]*"),
                b'a' => Some(".+"),
                b'A' => Some(".*"),
                b'w' => Some("\\s*"),
                b'i' => Some("[+-]?\\d+"),
                b'd' => Some("\\d+"),
                b'x' => Some("[0-9a-fA-F]+"),
                b'f' => Some("[+-]?(?:\\d+(?:\\.\\d+)?|\\.\\d+)(?:[Ee][+-]?\\d+)?"),
                b'c' => Some("."),
                b'0' => Some("\\x00"),
                _ => None,
            };
            if let Some(p) = piece {
                re.push_str(p);
                i += 2;
                continue;
            }
            if c == b'r' {
                // `%r...%r`: a raw regular expression.
                if let Some(end) = pattern[i + 2..].windows(2).position(|w| w == b"%r") {
                    re.push_str("(?:");
                    re.push_str(&String::from_utf8_lossy(&pattern[i + 2..i + 2 + end]));
                    re.push(')');
                    i += end + 4;
                    continue;
                }
            }
        }
        lit(&mut re, b);
        i += 1;
    }
    re.push('$');
    re
}

impl Expect {
    /// Whether `output` meets the expectation.
    pub fn matches(&self, output: &[u8]) -> bool {
        let out = normalize(output);
        match self {
            Expect::Exact(e) => normalize(e) == out,
            Expect::Format(p) => Regex::new(&format_to_regex(&normalize(p)))
                .map(|re| re.is_match(&out))
                .unwrap_or(false),
            Expect::Regex(r) => {
                let text = format!("(?s)^(?:{})$", String::from_utf8_lossy(&normalize(r)));
                Regex::new(&text)
                    .map(|re| re.is_match(&out))
                    .unwrap_or(false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_ignores_surrounding_whitespace_and_crlf() {
        let e = Expect::Exact(b"a\r\nb\n\n".to_vec());
        assert!(e.matches(b"a\nb"));
        assert!(e.matches(b"\n a\nb"));
        assert!(!e.matches(b"a\nc"));
    }

    #[test]
    fn format_placeholders() {
        let e = Expect::Format(b"Warning: x in %s on line %d\nfloat(%f) %x|%c|%a".to_vec());
        assert!(e.matches(b"Warning: x in /a/b.php on line 12\nfloat(-1.5e3) ff|?|rest\nof it"));
        assert!(!e.matches(b"Warning: x in /a/b.php on line twelve\nfloat(1) ff|?|r"));
        let r = Expect::Format(b"%rab+%r.".to_vec());
        assert!(r.matches(b"abbb."));
        assert!(!r.matches(b"abbbx"));
    }

    #[test]
    fn regex() {
        assert!(Expect::Regex(b"int\\(\\d+\\)".to_vec()).matches(b"int(42)\n"));
        assert!(!Expect::Regex(b"int\\(\\d+\\)".to_vec()).matches(b"int(x)"));
    }
}
