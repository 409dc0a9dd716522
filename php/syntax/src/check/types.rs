//! Type declarations as PHP's compiler sees them: the builtin-type mask of a declared type,
//! PHP's rules for unions, intersections and `?T` (`Duplicate type int is redundant`, ...),
//! and how PHP prints a type mask in messages.

use crate::ast::{Name, NameKind, TypeHint};
use crate::span::Span;

pub(crate) const NULL: u32 = 1;
pub(crate) const FALSE: u32 = 1 << 1;
pub(crate) const TRUE: u32 = 1 << 2;
pub(crate) const LONG: u32 = 1 << 3;
pub(crate) const DOUBLE: u32 = 1 << 4;
pub(crate) const STRING: u32 = 1 << 5;
pub(crate) const ARRAY: u32 = 1 << 6;
pub(crate) const OBJECT: u32 = 1 << 7;
pub(crate) const RESOURCE: u32 = 1 << 8;
pub(crate) const CALLABLE: u32 = 1 << 9;
pub(crate) const VOID: u32 = 1 << 10;
pub(crate) const STATIC: u32 = 1 << 11;
pub(crate) const NEVER: u32 = 1 << 12;
pub(crate) const BOOL: u32 = FALSE | TRUE;
/// `mixed`.
pub(crate) const ANY: u32 = NULL | BOOL | LONG | DOUBLE | STRING | ARRAY | OBJECT | RESOURCE;

/// A builtin type name (`int`, `iterable`, ...) as PHP's `zend_lookup_builtin_type_by_name`
/// knows them, plus the keywords `array`, `callable` and `static`; `None` for class names.
pub(crate) fn builtin(word: &[u8]) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    Some(match &w[..] {
        b"int" => LONG,
        b"float" => DOUBLE,
        b"string" => STRING,
        b"bool" => BOOL,
        b"void" => VOID,
        b"null" => NULL,
        b"false" => FALSE,
        b"true" => TRUE,
        b"object" => OBJECT,
        b"mixed" => ANY,
        b"never" => NEVER,
        b"array" => ARRAY,
        b"callable" => CALLABLE,
        b"static" => STATIC,
        // iterable is `Traversable|array`: the array bit plus a class.
        b"iterable" => ARRAY,
        _ => return None,
    })
}

/// The builtin mask and whether a class is part of a declared type.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct Mask {
    pub(crate) bits: u32,
    /// A class name (including `iterable`'s `Traversable`, `self`, `parent`).
    pub(crate) complex: bool,
}

fn single(n: &Name) -> Mask {
    match builtin(&n.text) {
        Some(bits) if n.text.eq_ignore_ascii_case(b"iterable") => Mask {
            bits,
            complex: true,
        },
        Some(bits) if n.kind == NameKind::Unqualified || is_keyword_type(&n.text) => Mask {
            bits,
            complex: false,
        },
        _ => Mask {
            bits: 0,
            complex: true,
        },
    }
}

fn is_keyword_type(w: &[u8]) -> bool {
    [&b"array"[..], b"callable", b"static"]
        .iter()
        .any(|k| w.eq_ignore_ascii_case(k))
}

/// The mask of a whole declared type; `implicit_null` for `T $x = null`.
pub(crate) fn mask(t: &TypeHint) -> Mask {
    match t {
        TypeHint::Named(n) => single(n),
        TypeHint::Nullable(inner, _) => {
            let mut m = mask(inner);
            m.bits |= NULL;
            m
        }
        TypeHint::Union(parts, _) => parts.iter().fold(Mask::default(), |acc, p| {
            let m = mask(p);
            Mask {
                bits: acc.bits | m.bits,
                complex: acc.complex || m.complex,
            }
        }),
        TypeHint::Intersection(..) => Mask {
            bits: 0,
            complex: true,
        },
    }
}

/// PHP's `zend_type_to_string` of a pure mask (no classes).
pub(crate) fn mask_to_string(bits: u32) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if bits == ANY {
        return "mixed".into();
    }
    for (bit, word) in [
        (STATIC, "static"),
        (CALLABLE, "callable"),
        (OBJECT, "object"),
        (ARRAY, "array"),
        (STRING, "string"),
        (LONG, "int"),
        (DOUBLE, "float"),
    ] {
        if bits & bit != 0 {
            parts.push(word);
        }
    }
    if bits & BOOL == BOOL {
        parts.push("bool");
    } else if bits & FALSE != 0 {
        parts.push("false");
    } else if bits & TRUE != 0 {
        parts.push("true");
    }
    if bits & VOID != 0 {
        parts.push("void");
    }
    if bits & NEVER != 0 {
        parts.push("never");
    }
    if bits & NULL != 0 {
        if parts.len() == 1 {
            return format!("?{}", parts[0]);
        }
        parts.push("null");
    }
    parts.join("|")
}

/// How a class name in a type is printed (`self`, `parent` and `static` as written, other
/// names resolved).
pub(crate) type Resolve<'r> = &'r dyn Fn(&Name) -> String;

/// A whole type as PHP prints it: classes first, in order, then the builtin part.
pub(crate) fn to_string(t: &TypeHint, resolve: Resolve<'_>) -> String {
    let mut classes: Vec<String> = Vec::new();
    let mut bits = 0;
    collect(t, resolve, &mut classes, &mut bits, false);
    let mut out = classes.join("|");
    if bits == 0 {
        return out;
    }
    if bits & NULL != 0 && !out.is_empty() && !out.contains('|') && !out.contains('&') {
        let rest = mask_to_string(bits & !NULL);
        if rest.is_empty() {
            return format!("?{out}");
        }
    }
    let builtins = mask_to_string(bits);
    if out.is_empty() {
        return builtins;
    }
    let builtins = builtins
        .strip_prefix('?')
        .map_or(builtins.clone(), |b| format!("{b}|null"));
    out.push('|');
    out.push_str(&builtins);
    out
}

fn collect(
    t: &TypeHint,
    resolve: Resolve<'_>,
    classes: &mut Vec<String>,
    bits: &mut u32,
    nested: bool,
) {
    match t {
        TypeHint::Named(n) => {
            if n.text.eq_ignore_ascii_case(b"iterable") {
                classes.push("Traversable".into());
                *bits |= ARRAY;
                return;
            }
            let m = single(n);
            if m.complex {
                classes.push(resolve(n));
            } else {
                *bits |= m.bits;
            }
        }
        TypeHint::Nullable(inner, _) => {
            collect(inner, resolve, classes, bits, nested);
            *bits |= NULL;
        }
        TypeHint::Union(parts, _) => {
            for p in parts {
                collect(p, resolve, classes, bits, true);
            }
        }
        TypeHint::Intersection(parts, _) => {
            let names: Vec<String> = parts
                .iter()
                .filter_map(|p| match p {
                    TypeHint::Named(n) => Some(resolve(n)),
                    _ => None,
                })
                .collect();
            let s = names.join("&");
            classes.push(if nested { format!("({s})") } else { s });
        }
    }
}

/// PHP's compile-time rules for a declared type (`zend_compile_typename`); the error is
/// returned with the offset PHP reports it at (the caller decides the line).
pub(crate) fn validate(
    t: &TypeHint,
    implicit_null: bool,
    resolve: Resolve<'_>,
) -> Result<(), String> {
    let marked_nullable = matches!(t, TypeHint::Nullable(..));
    let inner: &TypeHint = match t {
        TypeHint::Nullable(i, _) => i,
        _ => t,
    };
    let m = match inner {
        TypeHint::Union(parts, _) => union(parts, resolve)?,
        TypeHint::Intersection(parts, _) => {
            intersection(parts, resolve)?;
            Mask {
                bits: 0,
                complex: true,
            }
        }
        TypeHint::Named(n) => {
            named(n)?;
            single(n)
        }
        TypeHint::Nullable(..) => mask(inner),
    };
    let mut bits = m.bits;
    if bits == ANY && marked_nullable {
        return Err(
            "Type mixed cannot be marked as nullable since mixed already includes null".into(),
        );
    }
    if bits & NULL != 0 && marked_nullable {
        return Err("null cannot be marked as nullable".into());
    }
    if marked_nullable || implicit_null {
        bits |= NULL;
    }
    if bits & VOID != 0 && (m.complex || bits != VOID) {
        return Err("Void can only be used as a standalone type".into());
    }
    if bits & NEVER != 0 && (m.complex || bits != NEVER) {
        return Err("never can only be used as a standalone type".into());
    }
    Ok(())
}

fn named(n: &Name) -> Result<(), String> {
    if n.kind != NameKind::Unqualified
        && !n.text.contains(&b'\\')
        && builtin(&n.text).is_some()
        && !is_keyword_type(&n.text)
    {
        return Err(format!(
            "Type declaration '{}' must be unqualified",
            String::from_utf8_lossy(&n.text.to_ascii_lowercase())
        ));
    }
    Ok(())
}

fn union(parts: &[TypeHint], resolve: Resolve<'_>) -> Result<Mask, String> {
    let mut bits = 0u32;
    let mut complex = false;
    let mut only_iterable = true;
    // Class members so far: a single class, or an intersection's classes.
    let mut members: Vec<Vec<String>> = Vec::new();
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    for p in parts {
        if let TypeHint::Intersection(items, _) = p {
            only_iterable = false;
            complex = true;
            intersection(items, resolve)?;
            let new: Vec<String> = items
                .iter()
                .filter_map(|t| match t {
                    TypeHint::Named(n) => Some(resolve(n)),
                    _ => None,
                })
                .collect();
            for prev in &members {
                if prev.len() == 1 {
                    if new.iter().any(|c| same(c, &prev[0])) {
                        return Err(format!(
                            "Type {} is redundant as it is more restrictive than type {}",
                            new.join("&"),
                            prev[0]
                        ));
                    }
                    continue;
                }
                let (small, large, flipped) = if prev.len() < new.len() {
                    (prev, &new, true)
                } else {
                    (&new, prev, false)
                };
                let contained = small.iter().all(|c| large.iter().any(|l| same(l, c)));
                if contained {
                    let _ = flipped;
                    if small.len() == large.len() {
                        return Err(format!(
                            "Type {} is redundant with type {}",
                            new.join("&"),
                            prev.join("&")
                        ));
                    }
                    return Err(format!(
                        "Type {} is redundant as it is more restrictive than type {}",
                        large.join("&"),
                        small.join("&")
                    ));
                }
            }
            members.push(new);
            continue;
        }
        let TypeHint::Named(n) = p else { continue };
        named(n)?;
        let m = single(n);
        if m.bits == ANY {
            return Err("Type mixed can only be used as a standalone type".into());
        }
        let is_iterable = n.text.eq_ignore_ascii_case(b"iterable");
        if m.complex && !is_iterable {
            only_iterable = false;
        }
        let overlap = bits & m.bits;
        if overlap != 0 {
            return Err(format!(
                "Duplicate type {} is redundant",
                mask_to_string(overlap)
            ));
        }
        if (bits & TRUE != 0 && m.bits == FALSE) || (bits & FALSE != 0 && m.bits == TRUE) {
            return Err("Type contains both true and false, bool should be used instead".into());
        }
        bits |= m.bits;
        if m.complex {
            let name = if is_iterable {
                "Traversable".to_string()
            } else {
                resolve(n)
            };
            for prev in &members {
                if prev.len() > 1 {
                    if prev.iter().any(|c| same(c, &name)) {
                        return Err(format!(
                            "Type {} is redundant as it is more restrictive than type {name}",
                            prev.join("&")
                        ));
                    }
                } else if same(&prev[0], &name) {
                    return Err(format!("Duplicate type {name} is redundant"));
                }
            }
            members.push(vec![name]);
            complex = true;
        }
    }
    if bits & OBJECT != 0 && ((!only_iterable && complex) || bits & STATIC != 0) {
        let whole = TypeHint::Union(parts.to_vec(), Span::default());
        return Err(format!(
            "Type {} contains both object and a class type, which is redundant",
            to_string(&whole, resolve)
        ));
    }
    Ok(Mask { bits, complex })
}

fn intersection(parts: &[TypeHint], resolve: Resolve<'_>) -> Result<(), String> {
    let mut seen: Vec<String> = Vec::new();
    for p in parts {
        let TypeHint::Named(n) = p else { continue };
        named(n)?;
        let m = single(n);
        if n.text.eq_ignore_ascii_case(b"iterable") {
            return Err("Type Traversable|array cannot be part of an intersection type".into());
        }
        if !m.complex {
            return Err(format!(
                "Type {} cannot be part of an intersection type",
                mask_to_string(m.bits)
            ));
        }
        if n.is("self") || n.is("parent") {
            return Err(format!(
                "Type {} cannot be part of an intersection type",
                n.text()
            ));
        }
        let name = resolve(n);
        if seen.iter().any(|c| c.eq_ignore_ascii_case(&name)) {
            return Err(format!("Duplicate type {name} is redundant"));
        }
        seen.push(name);
    }
    Ok(())
}
