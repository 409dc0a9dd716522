//! `array_multisort`: sorts several arrays of one size together, as the rows of a table whose
//! columns they are, each column with its own order and comparison flags.
//!
//! Its parameters prefer references (`ZEND_SEND_PREFER_REF`): a variable is sorted in place,
//! a value (a literal, an array `call_user_func_array` passes) is sorted and dropped. The sort
//! is stable, as PHP's sorts are since 8.0; keys are rebuilt as `sort` rebuilds them for a
//! list, but string keys are kept.

use super::array_set::flag_compare;
use super::callbacks::put_back;
use php_runtime::value::View;
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, Zval};
use std::cmp::Ordering;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[("array_multisort", array_multisort)];

/// The by-reference parameters of this family: all of `array_multisort`'s.
pub const BY_REF: &[(&str, &[usize])] = &[("array_multisort", &[0, REST_BY_REF])];

/// The compiler's mark for "and every argument after" (`php_compiler::refop::REST_BY_REF`;
/// the library does not depend on the compiler).
const REST_BY_REF: usize = usize::MAX;

const SORT_REGULAR: i64 = 0;
const SORT_NUMERIC: i64 = 1;
const SORT_STRING: i64 = 2;
const SORT_DESC: i64 = 3;
const SORT_ASC: i64 = 4;
const SORT_LOCALE_STRING: i64 = 5;
const SORT_NATURAL: i64 = 6;
const SORT_FLAG_CASE: i64 = 8;

/// One column: an argument that is an array, with the flags after it.
struct Column {
    /// The argument's position.
    arg: usize,
    /// The values, in order, with their keys.
    entries: Vec<(ArrayKey, Zval)>,
    /// `SORT_DESC` was given.
    descending: bool,
    /// The comparison flags (`SORT_REGULAR`...).
    flags: i64,
    /// Whether an order flag and a comparison flag may still follow.
    order_open: bool,
    type_open: bool,
}

/// `array_multisort(array &$array, mixed &...$rest): bool`.
fn array_multisort(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    crate::args::arity(h, "array_multisort", a, 1, usize::MAX)?;
    let mut columns: Vec<Column> = Vec::new();
    for (i, v) in a.iter().enumerate() {
        let v = v.deref();
        match v.view() {
            View::Array(arr) => columns.push(Column {
                arg: i,
                entries: arr.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                descending: false,
                flags: SORT_REGULAR,
                order_open: true,
                type_open: true,
            }),
            View::Int(flag) => {
                let column = columns.last_mut();
                match flag & !SORT_FLAG_CASE {
                    SORT_ASC | SORT_DESC => match column {
                        Some(c) if c.order_open => {
                            c.descending = flag & !SORT_FLAG_CASE == SORT_DESC;
                            c.order_open = false;
                        }
                        _ => return Err(already_specified(h, i)),
                    },
                    SORT_REGULAR | SORT_NUMERIC | SORT_STRING | SORT_LOCALE_STRING
                    | SORT_NATURAL => match column {
                        Some(c) if c.type_open => {
                            c.flags = flag;
                            c.type_open = false;
                        }
                        _ => return Err(already_specified(h, i)),
                    },
                    _ => {
                        let msg = format!(
                            "array_multisort(): Argument #{}{} must be a valid sort flag",
                            i + 1,
                            param(i)
                        );
                        return Err(h.throw("ValueError", msg));
                    }
                }
            }
            _ => {
                let msg = format!(
                    "array_multisort(): Argument #{}{} must be an array or a sort flag",
                    i + 1,
                    param(i)
                );
                return Err(h.throw("TypeError", msg));
            }
        }
    }
    let rows = columns.first().map_or(0, |c| c.entries.len());
    if columns.iter().any(|c| c.entries.len() != rows) {
        let msg = "Array sizes are inconsistent".to_string();
        return Err(h.throw("ValueError", msg));
    }
    let order = super::stable_sort::stable_order(rows, |x, y| compare_rows(h, &columns, x, y))?;
    for c in &columns {
        let mut out = PhpArray::new();
        for &r in &order {
            let (k, v) = &c.entries[r];
            match k {
                ArrayKey::Str(_) => drop(out.insert(k.clone(), v.clone())),
                ArrayKey::Int(_) => drop(out.append(v.clone())),
            }
        }
        put_back(&a[c.arg], out);
    }
    Ok(Zval::bool(true))
}

/// How PHP's messages name argument `i` (0-based): `$array` for the first, nothing for the
/// variadic rest.
fn param(i: usize) -> &'static str {
    if i == 0 { " ($array)" } else { "" }
}

fn already_specified(h: &mut dyn Host, i: usize) -> PhpError {
    let msg = format!(
        "array_multisort(): Argument #{}{} must be an array or a sort flag that has not already been specified",
        i + 1,
        param(i)
    );
    h.throw("TypeError", msg)
}

/// Compares rows `x` and `y`, column by column.
fn compare_rows(
    h: &mut dyn Host,
    columns: &[Column],
    x: usize,
    y: usize,
) -> Result<Ordering, PhpError> {
    for c in columns {
        let o = flag_compare(h, c.flags, &c.entries[x].1, &c.entries[y].1)?;
        let o = if c.descending { o.reverse() } else { o };
        if o != Ordering::Equal {
            return Ok(o);
        }
    }
    Ok(Ordering::Equal)
}
