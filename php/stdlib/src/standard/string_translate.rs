//! `strtr`: translating bytes (`strtr($s, $from, $to)`) or replacing substrings by an array
//! of pairs, longest match first, never replacing inside what was replaced.

use crate::args;
use php_runtime::convert::push_string;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpError, PhpString, Zval};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[("strtr", strtr)];

/// `strtr(string $string, string|array $from, ?string $to = null)`.
fn strtr(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "strtr", a, 2, 3)?;
    let s = args::string(h, "strtr", 1, "string", &a[0])?;
    let from = a[1].deref();
    let to = match a.get(2).map(|v| v.deref()) {
        Some(v) if !matches!(v.view(), View::Null) => Some(args::string(h, "strtr", 3, "to", &v)?),
        _ => None,
    };
    if let View::Array(pairs) = from.view() {
        if to.is_some() {
            let msg = "strtr(): Argument #2 ($from) must be of type string when argument #3 ($to) is specified";
            return Err(h.throw("TypeError", msg.into()));
        }
        let mut list: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for (k, v) in pairs.iter() {
            let key = match k {
                ArrayKey::Int(i) => i.to_string().into_bytes(),
                ArrayKey::Str(t) => t.as_bytes().to_vec(),
            };
            if key.is_empty() {
                h.warn("strtr(): Ignoring replacement of empty string")?;
                continue;
            }
            let v = v.deref();
            let value = args::string(h, "strtr", 2, "from", &v)?;
            list.push((key, value.as_bytes().to_vec()));
        }
        return Ok(Zval::string(PhpString::new(&replace_pairs(
            s.as_bytes(),
            &list,
        ))));
    }
    let Some(to) = to else {
        let msg = "strtr(): Argument #2 ($from) must be of type array, string given";
        return Err(h.throw("TypeError", msg.into()));
    };
    let from = match from.view() {
        View::Str(f) => f.as_bytes().to_vec(),
        _ => {
            let mut out = Vec::new();
            push_string(&mut out, &from);
            out
        }
    };
    let n = from.len().min(to.len());
    let mut map: [u8; 256] = std::array::from_fn(|i| i as u8);
    for (f, t) in from[..n].iter().zip(&to.as_bytes()[..n]) {
        map[*f as usize] = *t;
    }
    let out: Vec<u8> = s.as_bytes().iter().map(|b| map[*b as usize]).collect();
    Ok(Zval::string(PhpString::new(&out)))
}

/// `s` with each occurrence of a key of `pairs` replaced by its value, trying the longest
/// keys first at each position.
fn replace_pairs(s: &[u8], pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    if pairs.is_empty() {
        return s.to_vec();
    }
    let mut sorted: Vec<&(Vec<u8>, Vec<u8>)> = pairs.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
    let mut first = [false; 256];
    for (k, _) in &sorted {
        first[k[0] as usize] = true;
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if first[s[i] as usize]
            && let Some((k, v)) = sorted.iter().find(|(k, _)| s[i..].starts_with(k))
        {
            out.extend_from_slice(v);
            i += k.len();
            continue;
        }
        out.push(s[i]);
        i += 1;
    }
    out
}
