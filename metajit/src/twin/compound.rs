//! Compound values: small `#[repr(C)]` `Copy` structs of word-sized JIT values, such as a
//! tagged value (a tag and a payload: a Lox value, a PHP zval), which traced code keeps as one
//! trace value per part.
//!
//! `#[derive(metajit::JitCompound)]` describes the parts ([`JitCompound::PARTS`]). In twin code
//! a red compound is a [`Compound<T>`]: the concrete value plus, per part, the trace value that
//! holds it (or nothing, for a constant part). Reading a part (`v.tag`) gives that part's `Sym`
//! and records nothing; a struct literal with red parts builds a `Compound` and records
//! nothing; a compound stored into a field, an array item or a virtualizable location becomes
//! one store per part, and loading one becomes one load per part. So a tag the trace wrote as
//! a constant stays a constant wherever the value travels inside the trace, and a guard on it
//! folds.

use super::recorder::Recorder;
use super::sym::Sym;
use crate::ir::OpRef;
use crate::value::{IntRepr, JitValue, Kind, normalize_int};

/// The most parts a compound may have.
pub const MAX_PARTS: usize = 4;

/// One part of a compound value: a word-sized JIT value at an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// The field's name.
    pub name: &'static str,
    /// Its byte offset in the struct.
    pub offset: usize,
    /// Its IR kind.
    pub kind: Kind,
    /// Its width and signedness.
    pub repr: IntRepr,
}

impl Part {
    /// The part of `T` (a JIT value) named `name` at `offset` (generated code).
    pub const fn of<T: JitValue>(name: &'static str, offset: usize) -> Part {
        Part {
            name,
            offset,
            kind: T::KIND,
            repr: T::REPR,
        }
    }
}

/// A `#[repr(C)]` `Copy` struct whose fields are JIT values, which traced code keeps part by
/// part. Implemented by `#[derive(metajit::JitCompound)]`.
///
/// # Safety
/// `PARTS` must list every field with its true offset, kind and representation, the fields
/// must not overlap, and the all-zero bit pattern must be a valid value of the struct.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is built from red values in traced code, but it is not a compound value",
    note = "struct literals with red fields are traceable for small value types (a tag and a payload) that `#[derive(metajit::JitCompound)]`; build other structs from green values only, or in a #[metajit::dont_look_inside] function"
)]
pub unsafe trait JitCompound: Copy + 'static {
    /// The struct's name (for descriptors and logs).
    const NAME: &'static str;
    /// Its fields, in declaration order (at most [`MAX_PARTS`]).
    const PARTS: &'static [Part];
}

/// Reads part `p` of `v` as 64 raw bits (`p` must describe a field of `T`).
pub fn part_bits<T>(v: &T, p: &Part) -> i64 {
    let base = v as *const T as *const u8;
    // SAFETY: `p` is a field of `T` (the caller's promise, kept by the `JitCompound` and
    // `ArrayItem` contracts) of `p.repr.size` bytes, or a whole word for floats and references.
    let raw = unsafe {
        let at = base.add(p.offset);
        match (p.kind, p.repr.size) {
            (Kind::Int, 1) => std::ptr::read_unaligned(at) as i64,
            (Kind::Int, 2) => std::ptr::read_unaligned(at as *const u16) as i64,
            (Kind::Int, 4) => std::ptr::read_unaligned(at as *const u32) as i64,
            _ => std::ptr::read_unaligned(at as *const i64),
        }
    };
    match p.kind {
        Kind::Int => normalize_int(raw, p.repr),
        _ => raw,
    }
}

/// Writes 64 raw bits into part `p` of `v` (`p` must describe a field of `T`).
pub fn set_part_bits<T>(v: &mut T, p: &Part, bits: i64) {
    let base = v as *mut T as *mut u8;
    // SAFETY: as for `part_bits`; any bits of the part's width are a valid value of it for
    // integers, and floats and references take whatever the trace computed for them.
    unsafe {
        let at = base.add(p.offset);
        match (p.kind, p.repr.size) {
            (Kind::Int, 1) => std::ptr::write_unaligned(at, bits as u8),
            (Kind::Int, 2) => std::ptr::write_unaligned(at as *mut u16, bits as u16),
            (Kind::Int, 4) => std::ptr::write_unaligned(at as *mut u32, bits as u32),
            _ => std::ptr::write_unaligned(at as *mut i64, bits),
        }
    }
}

/// The all-zero value of a compound.
pub fn zeroed<T: JitCompound>() -> T {
    // SAFETY: the all-zero bit pattern is a valid `T` (the `JitCompound` contract).
    unsafe { std::mem::zeroed() }
}

/// A compound value in twin code: the concrete value and, per part, its trace value.
#[derive(Clone, Copy, Debug)]
pub struct Compound<T> {
    val: T,
    ops: [Option<OpRef>; MAX_PARTS],
}

impl<T: JitCompound> Compound<T> {
    /// A constant.
    #[inline(always)]
    pub fn konst(val: T) -> Compound<T> {
        Compound {
            val,
            ops: [None; MAX_PARTS],
        }
    }

    /// A compound whose part `i` is held by trace value `ops[i]` (`None`: a constant part).
    pub(crate) fn traced(val: T, ops: [Option<OpRef>; MAX_PARTS]) -> Compound<T> {
        let mut ops = ops;
        for o in ops.iter_mut() {
            if o.is_some_and(|r| r.is_const()) {
                *o = None;
            }
        }
        Compound { val, ops }
    }

    /// The concrete value.
    #[inline(always)]
    pub fn value(self) -> T {
        self.val
    }

    /// Whether every part is a constant of the trace.
    pub fn is_const(self) -> bool {
        self.ops.iter().all(|o| o.is_none())
    }

    /// The trace value of part `i`, if it is not a constant.
    pub(crate) fn part_op(self, i: usize) -> Option<OpRef> {
        self.ops[i]
    }

    /// The trace operand of part `i` (interning a constant in `rec`'s trace).
    pub(crate) fn part_operand(self, i: usize, rec: &mut Recorder) -> OpRef {
        match self.ops[i] {
            Some(r) => r,
            None => {
                let p = &T::PARTS[i];
                rec.const_of(p.kind, part_bits(&self.val, p))
            }
        }
    }

    /// The part at byte `offset` as a `Sym` of its field type `F`.
    pub fn project<F: JitValue>(self, offset: usize) -> Sym<F> {
        let i = T::PARTS
            .iter()
            .position(|p| p.offset == offset)
            .unwrap_or_else(|| panic!("metajit: no part of {} at offset {offset}", T::NAME));
        let bits = part_bits(&self.val, &T::PARTS[i]);
        Sym::traced(F::from_bits(bits), self.ops[i])
    }
}

/// Builds a compound from a struct literal in twin code: `val` is the literal computed from
/// the parts' concrete values, `parts` the trace value of each field, by offset (generated
/// code; the struct literal must name every field).
pub fn build<T: JitCompound>(val: T, parts: &[(usize, Option<OpRef>)]) -> Compound<T> {
    let mut ops = [None; MAX_PARTS];
    for &(offset, op) in parts {
        if let Some(i) = T::PARTS.iter().position(|p| p.offset == offset) {
            ops[i] = op;
        }
    }
    Compound::traced(val, ops)
}

/// A field value of a struct literal in twin code: a plain value or a `Sym` of the field's
/// type `F`.
pub trait LiteralPart<F> {
    /// The concrete value and its trace value (if not a constant).
    fn part(&self) -> (F, Option<OpRef>);
}

impl<T: JitValue> LiteralPart<T> for Sym<T> {
    fn part(&self) -> (T, Option<OpRef>) {
        (self.value(), self.op())
    }
}

impl<T: JitValue> LiteralPart<T> for T {
    fn part(&self) -> (T, Option<OpRef>) {
        (*self, None)
    }
}

/// Splits a field value of a struct literal (generated code).
#[inline(always)]
pub fn literal_part<F, X: LiteralPart<F>>(x: &X) -> (F, Option<OpRef>) {
    x.part()
}
