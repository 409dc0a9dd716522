//! The one declarative table of IR operations.
//!
//! Every operation is one line of [`opcodes!`]: its variant, its text-format name, its arity,
//! the kind of its result and its flags. Everything else (the `Opcode` enum, names, the parser's
//! name lookup, arity checks, flag queries) is generated from the table, so adding an operation
//! is adding a line. Operation semantics are defined once, by the reference interpreter
//! (`backend::interp`), which is the oracle every other backend and pass is tested against.

use crate::value::Kind;

/// How many arguments an operation takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// Exactly this many.
    Fixed(u8),
    /// Any number (calls, `label`, `jump`, `finish`, `debug_merge_point`).
    Variadic,
}

/// Where the kind of an operation's result comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultKind {
    /// Always this kind.
    Fixed(Kind),
    /// Chosen per operation (loads and calls take it from their descriptor; `same_as` and
    /// `input` from their argument or declaration). Stored on the op.
    PerOp,
}

/// Operation property flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags(u16);

impl Flags {
    /// No side effects and never fails: may be folded, CSE'd and removed when unused.
    pub const PURE: Flags = Flags(1);
    /// A guard: checks a condition and leaves the trace when it does not hold.
    pub const GUARD: Flags = Flags(2);
    /// Writes memory or has other effects that must happen in order.
    pub const EFFECT: Flags = Flags(4);
    /// Reads memory: its result depends on the heap, so it is not `PURE`.
    pub const READ: Flags = Flags(8);
    /// A call to a function.
    pub const CALL: Flags = Flags(16);
    /// Allocates a new object.
    pub const ALLOC: Flags = Flags(32);
    /// Ends or structures the trace (`label`, `jump`, `finish`).
    pub const CONTROL: Flags = Flags(64);
    /// Overflow-checked arithmetic: must be followed by `guard_no_overflow`/`guard_overflow`.
    pub const OVF: Flags = Flags(128);
    /// Commutative binary operation.
    pub const COMMUTATIVE: Flags = Flags(256);
    /// A comparison producing 0 or 1.
    pub const COMPARISON: Flags = Flags(512);
    /// Has no effect on execution (debugging markers).
    pub const MARKER: Flags = Flags(1024);
    /// No flags.
    pub const NONE: Flags = Flags(0);

    /// The union of two flag sets.
    pub const fn or(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }

    /// Whether all of `other` is set.
    pub const fn has(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
}

macro_rules! flags {
    () => { Flags::NONE };
    ($first:ident $(| $rest:ident)*) => { Flags::$first$(.or(Flags::$rest))* };
}

macro_rules! arity {
    (*) => {
        Arity::Variadic
    };
    ($n:literal) => {
        Arity::Fixed($n)
    };
}

macro_rules! result_kind {
    (int) => {
        ResultKind::Fixed(Kind::Int)
    };
    (float) => {
        ResultKind::Fixed(Kind::Float)
    };
    (ref) => {
        ResultKind::Fixed(Kind::Ref)
    };
    (void) => {
        ResultKind::Fixed(Kind::Void)
    };
    (per_op) => {
        ResultKind::PerOp
    };
}

macro_rules! opcodes {
    ($( $variant:ident $name:literal ($($arity:tt)*) -> $res:tt [$($flag:ident)|*]; )*) => {
        /// An IR operation. See the table in `ir/opcode.rs` for arity, result and flags.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)]
        pub enum Opcode { $($variant,)* }

        impl Opcode {
            /// Every opcode, in table order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$variant,)*];

            /// The name in the text format (`int_add`).
            pub const fn name(self) -> &'static str {
                match self { $(Opcode::$variant => $name,)* }
            }

            /// How many arguments the operation takes.
            pub const fn arity(self) -> Arity {
                match self { $(Opcode::$variant => arity!($($arity)*),)* }
            }

            /// The kind of the result.
            pub const fn result_kind(self) -> ResultKind {
                match self { $(Opcode::$variant => result_kind!($res),)* }
            }

            /// The property flags.
            pub const fn flags(self) -> Flags {
                match self { $(Opcode::$variant => flags!($($flag)|*),)* }
            }
        }
    };
}

opcodes! {
    // --- values entering the trace
    Input "input" (0) -> per_op [NONE];
    SameAs "same_as" (1) -> per_op [PURE];

    // --- integer arithmetic (wrapping, 64-bit)
    IntAdd "int_add" (2) -> int [PURE | COMMUTATIVE];
    IntSub "int_sub" (2) -> int [PURE];
    IntMul "int_mul" (2) -> int [PURE | COMMUTATIVE];
    // Truncating division and remainder (Rust's and C's). Traced code guards the divisor
    // against 0 (and the i64::MIN / -1 case) before these; they are pure.
    IntDiv "int_div" (2) -> int [PURE];
    IntMod "int_mod" (2) -> int [PURE];
    UintDiv "uint_div" (2) -> int [PURE];
    UintMod "uint_mod" (2) -> int [PURE];
    IntAnd "int_and" (2) -> int [PURE | COMMUTATIVE];
    IntOr "int_or" (2) -> int [PURE | COMMUTATIVE];
    IntXor "int_xor" (2) -> int [PURE | COMMUTATIVE];
    // Shifts take the amount modulo 64.
    IntShl "int_shl" (2) -> int [PURE];
    IntShr "int_shr" (2) -> int [PURE];
    UintShr "uint_shr" (2) -> int [PURE];
    IntNeg "int_neg" (1) -> int [PURE];
    IntInvert "int_invert" (1) -> int [PURE];
    // Sign-extends the low N bytes (N = second argument, a constant 1, 2 or 4).
    IntSignext "int_signext" (2) -> int [PURE];
    IntLt "int_lt" (2) -> int [PURE | COMPARISON];
    IntLe "int_le" (2) -> int [PURE | COMPARISON];
    IntEq "int_eq" (2) -> int [PURE | COMPARISON | COMMUTATIVE];
    IntNe "int_ne" (2) -> int [PURE | COMPARISON | COMMUTATIVE];
    IntGt "int_gt" (2) -> int [PURE | COMPARISON];
    IntGe "int_ge" (2) -> int [PURE | COMPARISON];
    UintLt "uint_lt" (2) -> int [PURE | COMPARISON];
    UintLe "uint_le" (2) -> int [PURE | COMPARISON];
    UintGt "uint_gt" (2) -> int [PURE | COMPARISON];
    UintGe "uint_ge" (2) -> int [PURE | COMPARISON];
    IntIsZero "int_is_zero" (1) -> int [PURE | COMPARISON];
    IntIsTrue "int_is_true" (1) -> int [PURE | COMPARISON];
    // Overflow-checked: the next op is guard_no_overflow or guard_overflow.
    IntAddOvf "int_add_ovf" (2) -> int [OVF | COMMUTATIVE];
    IntSubOvf "int_sub_ovf" (2) -> int [OVF];
    IntMulOvf "int_mul_ovf" (2) -> int [OVF | COMMUTATIVE];

    // --- floats
    FloatAdd "float_add" (2) -> float [PURE | COMMUTATIVE];
    FloatSub "float_sub" (2) -> float [PURE];
    FloatMul "float_mul" (2) -> float [PURE | COMMUTATIVE];
    FloatDiv "float_div" (2) -> float [PURE];
    FloatNeg "float_neg" (1) -> float [PURE];
    FloatAbs "float_abs" (1) -> float [PURE];
    FloatLt "float_lt" (2) -> int [PURE | COMPARISON];
    FloatLe "float_le" (2) -> int [PURE | COMPARISON];
    FloatEq "float_eq" (2) -> int [PURE | COMPARISON | COMMUTATIVE];
    FloatNe "float_ne" (2) -> int [PURE | COMPARISON | COMMUTATIVE];
    FloatGt "float_gt" (2) -> int [PURE | COMPARISON];
    FloatGe "float_ge" (2) -> int [PURE | COMPARISON];
    CastIntToFloat "cast_int_to_float" (1) -> float [PURE];
    // Saturating, NaN to 0: Rust's `as` semantics.
    CastFloatToInt "cast_float_to_int" (1) -> int [PURE];
    // The bits of a float as an int, and back (no conversion: `f64::to_bits`/`from_bits`).
    ConvertFloatBytesToLonglong "convert_float_bytes_to_longlong" (1) -> int [PURE];
    ConvertLonglongBytesToFloat "convert_longlong_bytes_to_float" (1) -> float [PURE];
    // An address as a reference and back (a tagged value's payload that points to an object).
    CastIntToPtr "cast_int_to_ptr" (1) -> ref [PURE];
    CastPtrToInt "cast_ptr_to_int" (1) -> int [PURE];
    PtrEq "ptr_eq" (2) -> int [PURE | COMPARISON | COMMUTATIVE];
    PtrNe "ptr_ne" (2) -> int [PURE | COMPARISON | COMMUTATIVE];

    // --- guards (leave the trace when the condition does not hold)
    GuardTrue "guard_true" (1) -> void [GUARD];
    GuardFalse "guard_false" (1) -> void [GUARD];
    GuardValue "guard_value" (2) -> void [GUARD];
    GuardClass "guard_class" (2) -> void [GUARD];
    GuardNonnull "guard_nonnull" (1) -> void [GUARD];
    GuardIsnull "guard_isnull" (1) -> void [GUARD];
    GuardNoOverflow "guard_no_overflow" (0) -> void [GUARD];
    GuardOverflow "guard_overflow" (0) -> void [GUARD];
    GuardNoException "guard_no_exception" (0) -> void [GUARD];
    GuardNotInvalidated "guard_not_invalidated" (0) -> void [GUARD];
    GuardNotForced "guard_not_forced" (0) -> void [GUARD];

    // --- heap (field and array descriptors say offsets, sizes and kinds)
    GetField "getfield" (1) -> per_op [READ];
    SetField "setfield" (2) -> void [EFFECT];
    GetArrayItem "getarrayitem" (2) -> per_op [READ];
    SetArrayItem "setarrayitem" (3) -> void [EFFECT];
    ArrayLen "arraylen" (1) -> int [READ];
    RawLoad "raw_load" (2) -> per_op [READ];
    RawStore "raw_store" (3) -> void [EFFECT];
    // Reads the type id of an object (what guard_class compares).
    GetClass "getclass" (1) -> int [READ];
    // Marks a read of a quasi-immutable field: the trace depends on it staying unchanged.
    QuasiimmutField "quasiimmut_field" (1) -> void [NONE];

    // --- allocation
    New "new" (0) -> ref [ALLOC];
    NewWithVtable "new_with_vtable" (0) -> ref [ALLOC];
    NewArray "new_array" (1) -> ref [ALLOC];

    // --- calls (the descriptor names the function, argument kinds and effects)
    Call "call" (*) -> per_op [CALL | EFFECT];
    CallPure "call_pure" (*) -> per_op [CALL];
    CallMayForce "call_may_force" (*) -> per_op [CALL | EFFECT];
    CallAssembler "call_assembler" (*) -> per_op [CALL | EFFECT];
    // cond_call(c, args...): calls when c is non-zero; no result.
    CondCall "cond_call" (*) -> void [CALL | EFFECT];

    // --- control
    Label "label" (*) -> void [CONTROL];
    Jump "jump" (*) -> void [CONTROL];
    Finish "finish" (*) -> void [CONTROL];
    DebugMergePoint "debug_merge_point" (*) -> void [MARKER];
    // record_known_result(result, args...): the elidable function of the call descriptor
    // returns `result` for `args` (metajit::record_known_result!). The pure pass uses it and
    // drops it; it does nothing at run time.
    RecordKnownResult "record_known_result" (*) -> void [MARKER];
    // record_exact_class(obj, class): the object's type id is `class`
    // (metajit::record_exact_class); what guard_class would establish, with no check. It does
    // nothing at run time.
    RecordExactClass "record_exact_class" (2) -> void [MARKER];
}

impl Opcode {
    /// Looks an opcode up by its text-format name.
    pub fn from_name(name: &str) -> Option<Opcode> {
        Opcode::ALL.iter().copied().find(|op| op.name() == name)
    }

    /// Whether the op is a guard.
    pub fn is_guard(self) -> bool {
        self.flags().has(Flags::GUARD)
    }

    /// Whether the op is pure (foldable, CSE-able, removable when unused).
    pub fn is_pure(self) -> bool {
        self.flags().has(Flags::PURE)
    }

    /// Whether the op is a comparison (its result is 0 or 1).
    pub fn is_comparison(self) -> bool {
        self.flags().has(Flags::COMPARISON)
    }

    /// Whether the op is a call.
    pub fn is_call(self) -> bool {
        self.flags().has(Flags::CALL)
    }

    /// Whether the op has effects that keep it alive even when its result is unused.
    pub fn has_effect(self) -> bool {
        let f = self.flags();
        f.has(Flags::EFFECT) || f.has(Flags::GUARD) || f.has(Flags::CONTROL) || f.has(Flags::OVF)
    }

    /// Whether the op ends a trace.
    pub fn is_final(self) -> bool {
        matches!(self, Opcode::Jump | Opcode::Finish)
    }

    /// The comparison with arguments swapped (`a < b` is `b > a`), for canonicalisation.
    pub fn swapped_comparison(self) -> Option<Opcode> {
        use Opcode::*;
        Some(match self {
            IntLt => IntGt,
            IntLe => IntGe,
            IntGt => IntLt,
            IntGe => IntLe,
            UintLt => UintGt,
            UintLe => UintGe,
            UintGt => UintLt,
            UintGe => UintLe,
            FloatLt => FloatGt,
            FloatLe => FloatGe,
            FloatGt => FloatLt,
            FloatGe => FloatLe,
            IntEq | IntNe | FloatEq | FloatNe | PtrEq | PtrNe => self,
            _ => return None,
        })
    }

    /// The integer comparison that is true exactly when this one is false.
    pub fn negated_int_comparison(self) -> Option<Opcode> {
        use Opcode::*;
        Some(match self {
            IntLt => IntGe,
            IntLe => IntGt,
            IntGt => IntLe,
            IntGe => IntLt,
            IntEq => IntNe,
            IntNe => IntEq,
            UintLt => UintGe,
            UintLe => UintGt,
            UintGt => UintLe,
            UintGe => UintLt,
            PtrEq => PtrNe,
            PtrNe => PtrEq,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for &op in Opcode::ALL {
            assert_eq!(Opcode::from_name(op.name()), Some(op));
        }
        let mut names: Vec<_> = Opcode::ALL.iter().map(|o| o.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Opcode::ALL.len());
    }

    #[test]
    fn guards_are_not_pure() {
        for &op in Opcode::ALL {
            assert!(!(op.is_guard() && op.is_pure()), "{}", op.name());
        }
    }
}
