//! The reference instructions ([`Op::Ref`](crate::Op::Ref)): destructuring by reference,
//! variables named at run time (`global $$name`, `unset($$name)`), and PHP's diagnostics
//! about values that cannot be references.
//!
//! They are one family of the bytecode, kept apart from [`bytecode`](crate::bytecode) so
//! that the main instruction table stays readable; every slot they name is visited by
//! [`RefOp::for_each_slot`].

use crate::bytecode::{NONE, Slot};

metajit::green_type!(RefOp);
metajit::green_type!(RefNeed);
metajit::green_type!(CallKind);

/// Where PHP wanted a reference but may get a plain value: selects the notice of
/// [`RefOp::Expect`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum RefNeed {
    /// `$a = &f()`: "Only variables should be assigned by reference".
    Assigned,
    /// `return expr;` in `function &f()`: "Only variable references should be returned by
    /// reference".
    Returned,
    /// `f(g())` for a by-reference parameter: "Only variables should be passed by reference".
    Passed,
}

impl RefNeed {
    /// Every kind, in declaration order (`ALL[k as usize] == k`).
    pub const ALL: [RefNeed; 3] = [RefNeed::Assigned, RefNeed::Returned, RefNeed::Passed];

    /// PHP's notice for a plain value where a reference was wanted.
    pub fn message(self) -> &'static str {
        match self {
            RefNeed::Assigned => "Only variables should be assigned by reference",
            RefNeed::Returned => "Only variable references should be returned by reference",
            RefNeed::Passed => "Only variables should be passed by reference",
        }
    }
}

/// A call whose target is found when it runs, so that whether each argument goes by
/// reference is decided then ([`RefOp::SendModes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum CallKind {
    /// `$obj->name(...)`: `target` holds the object, `name` the method name.
    Method,
    /// `Class::name(...)`: `target` holds the class (a name, `self`, `parent`, `static`, or
    /// an object), `name` the method name.
    Static,
    /// `$f(...)`: `target` holds the callable value.
    Value,
    /// `new Class(...)`: `target` holds the class; the constructor is called.
    New,
}

impl CallKind {
    /// Every kind, in declaration order (`ALL[k as usize] == k`).
    pub const ALL: [CallKind; 4] = [
        CallKind::Method,
        CallKind::Static,
        CallKind::Value,
        CallKind::New,
    ];
}

/// One reference instruction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RefOp {
    /// `[&$x] = ...`: `dst =` a reference to the element `key` of the container the
    /// reference in `base` refers to (made where it is, as `$r = &$c[key]`). When `base`
    /// holds a plain value (the result of a function not returning by reference), PHP's
    /// notice "Attempting to set reference to non referenceable value" and a new reference
    /// to the element's value.
    FetchList { dst: Slot, base: Slot, key: Slot },
    /// The notice of `need` unless `src` holds a reference (then nothing).
    Expect { src: Slot, need: RefNeed },
    /// `f(1)` for a by-reference parameter: throws PHP's `Error` "f(): Argument #n ($p)
    /// cannot be passed by reference" for argument `n` (0-based) of the function named by
    /// constant `name`, if that is a user function whose parameter `n` is by reference.
    NotPassable { name: u32, n: u32 },
    /// `f(...$a)` where `f` (named by constant `name`) has by-reference parameters: appends
    /// the elements of the array the reference in `src` refers to to the arguments being
    /// built in `arr`; those landing on by-reference parameters are made references where
    /// they are (string keys are names, as in [`Op::ArraySpread`](crate::Op::ArraySpread)).
    SpreadArgs { arr: Slot, src: Slot, name: u32 },
    /// PHP's `INIT_*_CALL` for a call whose target is found at run time: finds what the
    /// call of `kind` on `target` (and method name `name`, `NONE` for the other kinds) will
    /// call, and sets slots `dst..dst + argc` to whether each positional argument goes to a
    /// by-reference parameter (all `false` when nothing callable is found: the call itself
    /// reports that).
    SendModes {
        dst: Slot,
        kind: CallKind,
        target: Slot,
        name: Slot,
        argc: u32,
    },
    /// [`RefOp::SendModes`] for the named argument `param` (a constant: the name): slot `dst`
    /// gets whether it goes to a by-reference parameter of the call of `kind` on `target`
    /// and `name` (a function called by name is `CallKind::Value` on its name).
    NamedMode {
        dst: Slot,
        kind: CallKind,
        target: Slot,
        name: Slot,
        param: u32,
    },
    /// When slot `mode` (set by [`RefOp::SendModes`]) is `true`: PHP's `Error` "...:
    /// Argument #n ($p) cannot be passed by reference" for argument `n` (0-based), a value
    /// that is no variable, of the call `SendModes` described.
    CannotPass {
        mode: Slot,
        kind: CallKind,
        target: Slot,
        name: Slot,
        n: u32,
    },
    /// `global $$name;`: the variable named by the value in slot `name` is bound to the
    /// global variable of that name.
    BindGlobal { name: Slot },
    /// `unset($$name)`: the variable named by the value in slot `name`.
    UnsetVar { name: Slot },
    /// `$GLOBALS[name] = &...`: the global variable named by the value in slot `name` is
    /// bound to the reference in slot `src`.
    AssignGlobal { name: Slot, src: Slot },
    /// `$$name = &...`: the variable named by the value in slot `name` is bound to the
    /// reference in slot `src` (a plain value there, a call's result, is assigned).
    AssignVarVar { name: Slot, src: Slot },
    /// `f($a[])` passing the argument by value: PHP's `Error` "Cannot use [] for reading".
    /// Zend decides when the call runs for a callee unknown at compile time (its
    /// `FETCH_DIM_FUNC_ARG`); the syntax check reports the cases it knows at compile time.
    AppendRead,
}

impl RefOp {
    /// Calls `f` on every slot the instruction names (not on `NONE`).
    pub fn for_each_slot(&mut self, mut f: impl FnMut(&mut Slot)) {
        let slots: &mut [&mut Slot] = match self {
            RefOp::FetchList { dst, base, key } => &mut [dst, base, key],
            RefOp::Expect { src, .. } => &mut [src],
            RefOp::NotPassable { .. } | RefOp::AppendRead => &mut [],
            RefOp::SpreadArgs { arr, src, .. } => &mut [arr, src],
            RefOp::BindGlobal { name } | RefOp::UnsetVar { name } => &mut [name],
            RefOp::AssignGlobal { name, src } | RefOp::AssignVarVar { name, src } => {
                &mut [name, src]
            }
            RefOp::SendModes {
                dst, target, name, ..
            }
            | RefOp::NamedMode {
                dst, target, name, ..
            } => &mut [dst, target, name],
            RefOp::CannotPass {
                mode, target, name, ..
            } => &mut [mode, target, name],
        };
        for s in slots.iter_mut() {
            if **s != NONE {
                f(s);
            }
        }
    }
}

/// In a built-in function's by-reference positions (the library's `BY_REF` tables): every
/// argument after the last position listed is by reference too (`array_multisort`'s
/// `&...$rest`).
pub const REST_BY_REF: usize = usize::MAX;

/// Whether argument `n` (0-based) of a built-in function with by-reference `positions` is
/// passed by reference.
pub fn builtin_by_ref(positions: &[usize], n: usize) -> bool {
    positions.contains(&n)
        || (positions.contains(&REST_BY_REF)
            && positions.iter().all(|&p| p == REST_BY_REF || p < n))
}
