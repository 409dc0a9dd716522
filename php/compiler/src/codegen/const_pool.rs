//! A function's constant pool: each literal is stored once ([`ConstPool::index`]). Scalars
//! and strings are found by hash (a generated file may hold hundreds of thousands of
//! literals); other constants (arrays, expressions), which are rare, by comparison.

use crate::bytecode::Const;
use std::collections::HashMap;

/// What identifies a scalar or string constant (a float by its bits: `0.0` and `-0.0` differ,
/// a `NAN` is found again).
#[derive(Hash, PartialEq, Eq)]
enum Key {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(Box<[u8]>),
}

impl Key {
    fn of(k: &Const) -> Option<Key> {
        Some(match k {
            Const::Null => Key::Null,
            Const::Bool(b) => Key::Bool(*b),
            Const::Int(i) => Key::Int(*i),
            Const::Float(f) => Key::Float(f.to_bits()),
            Const::Str(s) => Key::Str(s.clone()),
            _ => None?,
        })
    }
}

/// The index of the scalar and string constants of a function's pool.
#[derive(Default)]
pub(super) struct ConstPool {
    by_key: HashMap<Key, u32>,
}

impl ConstPool {
    /// The index of `k` in `pool`, added if it is not there.
    pub(super) fn index(&mut self, pool: &mut Vec<Const>, k: Const) -> u32 {
        let key = Key::of(&k);
        if let Some(key) = &key {
            if let Some(&i) = self.by_key.get(key) {
                return i;
            }
        } else if let Some(i) = pool.iter().position(|c| *c == k) {
            return i as u32;
        }
        let i = pool.len() as u32;
        pool.push(k);
        if let Some(key) = key {
            self.by_key.insert(key, i);
        }
        i
    }
}
