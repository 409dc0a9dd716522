//! The `.phpt` format: `--NAME--` lines start sections.

use std::collections::BTreeMap;

/// A parsed test: its sections by name (the text between the markers).
#[derive(Debug, Default)]
pub struct Test {
    /// Section name (`FILE`, `EXPECTF`, ...) to its bytes, as `run-tests.php` reads them:
    /// without the final newline, except `FILE` (the script keeps it) and `FILEEOF` (without
    /// any trailing line breaks); a script section ends at a `===DONE===` line.
    pub sections: BTreeMap<String, Vec<u8>>,
}

impl Test {
    /// Splits a test file into its sections.
    pub fn parse(text: &[u8]) -> Test {
        let mut sections: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut current: Option<String> = None;
        let mut body: Vec<u8> = Vec::new();
        let mut done = false;
        let is_script = |name: &str| matches!(name, "FILE" | "FILEEOF" | "FILE_EXTERNAL");
        for line in text.split_inclusive(|&b| b == b'\n') {
            let trimmed = line.strip_suffix(b"\n").unwrap_or(line);
            let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
            if let Some(name) = section_name(trimmed) {
                if let Some(c) = current.take() {
                    sections.insert(c, std::mem::take(&mut body));
                }
                current = Some(name);
                done = false;
                continue;
            }
            if current.is_some() && !done {
                body.extend_from_slice(line);
                done = current.as_deref().is_some_and(is_script)
                    && trimmed.starts_with(b"===DONE===")
                    && trimmed[10..].iter().all(u8::is_ascii_whitespace);
            }
        }
        if let Some(c) = current {
            sections.insert(c, body);
        }
        // The last newline of each section belongs to the format, not the content; the
        // script keeps it (`run-tests.php` writes the section as it is).
        for (name, v) in sections.iter_mut() {
            match name.as_str() {
                "FILE" => {}
                "FILEEOF" => {
                    while v.ends_with(b"\n") || v.ends_with(b"\r") {
                        v.pop();
                    }
                }
                _ => {
                    if v.ends_with(b"\n") {
                        v.pop();
                        if v.ends_with(b"\r") {
                            v.pop();
                        }
                    }
                }
            }
        }
        Test { sections }
    }

    /// The section `name`, if present.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.sections.get(name).map(Vec::as_slice)
    }

    /// Whether the section `name` is present.
    pub fn has(&self, name: &str) -> bool {
        self.sections.contains_key(name)
    }
}

/// `--NAME--` with an upper-case name (letters, digits, `_`).
fn section_name(line: &[u8]) -> Option<String> {
    let inner = line.strip_prefix(b"--")?.strip_suffix(b"--")?;
    if inner.is_empty()
        || !inner
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
    {
        return None;
    }
    Some(String::from_utf8_lossy(inner).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections() {
        let t = Test::parse(b"--TEST--\nA test\n--FILE--\n<?php\necho 1;\n?>\n--EXPECT--\n1\n");
        assert_eq!(t.get("TEST"), Some(&b"A test"[..]));
        assert_eq!(t.get("FILE"), Some(&b"<?php\necho 1;\n?>\n"[..]));
        assert_eq!(t.get("EXPECT"), Some(&b"1"[..]));
        assert!(!t.has("SKIPIF"));
        // `--` lines that are not section markers are content.
        let t = Test::parse(b"--FILE--\n<?php\n--$x;\n--EXPECT--\n");
        assert_eq!(t.get("FILE"), Some(&b"<?php\n--$x;\n"[..]));
        // A script ends at `===DONE===`.
        let t = Test::parse(b"--FILE--\n<?php\n===DONE===\nmore\n--EXPECT--\n");
        assert_eq!(t.get("FILE"), Some(&b"<?php\n===DONE===\n"[..]));
    }
}
