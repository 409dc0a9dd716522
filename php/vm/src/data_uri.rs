//! `data:` URLs (RFC 2397) as `include` reads them: PHP's `data://` stream wrapper, which
//! `allow_url_include` must allow.

/// Whether `name` is a `data:` URL (the `data://` wrapper; PHP also accepts `data:`).
pub fn is_data_uri(name: &str) -> bool {
    name.get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
}

/// The bytes a `data:` URL holds, or PHP's warning about why it cannot be read.
pub fn decode(name: &str) -> Result<Vec<u8>, &'static str> {
    let rest = &name[5..];
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let Some(comma) = rest.find(',') else {
        return Err("rfc2397: no comma in URL");
    };
    let (meta, data) = (&rest[..comma], &rest[comma + 1..]);
    let base64 = meta
        .rsplit(';')
        .next()
        .is_some_and(|p| p.eq_ignore_ascii_case("base64"));
    if base64 {
        base64_decode(data.as_bytes()).ok_or("rfc2397: unable to decode")
    } else {
        Ok(url_decode(data.as_bytes()))
    }
}

/// Base64 as PHP's wrapper decodes it (strictly): whitespace is skipped, padding may only
/// end the data; `None` for any other character or a lone sextet left over.
fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let value = |b: u8| match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits, mut count, mut padded) = (0u32, 0u32, 0usize, false);
    for &b in text {
        if b.is_ascii_whitespace() {
            continue;
        }
        if b == b'=' {
            padded = true;
            continue;
        }
        let v = value(b)?;
        if padded {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        count += 1;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (count % 4 != 1).then_some(out)
}

/// `%XX` escapes decoded and `+` as a space (`urldecode`).
fn url_decode(text: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < text.len() => match (hex(text[i + 1]), hex(text[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64_and_escapes() {
        assert_eq!(
            decode("data://text/plain;base64,PD9waHA=").as_deref(),
            Ok(&b"<?php"[..])
        );
        assert_eq!(decode("data:,a%20b+c%2").as_deref(), Ok(&b"a b c%2"[..]));
        assert!(decode("data:text/plain").is_err());
        assert!(decode("data:;base64,!!!").is_err());
        assert!(is_data_uri("DATA://x") && !is_data_uri("dat"));
    }
}
