//! The bytecode: register instructions over a frame's slots.
//!
//! A function's frame has one slot per compiled variable (its parameters first, then every
//! other `$name` the body uses, as Zend's CVs) followed by temporaries. Instructions name slots
//! by number. Every slot owns its value; writing a slot releases what it held.

pub use crate::refop::{CallKind, RefNeed, RefOp};
pub use crate::typespec::TypeSpec;

/// A slot number in the frame.
pub type Slot = u32;

/// "No slot" where an instruction's slot is optional (a `foreach` without a key).
pub const NONE: Slot = u32::MAX;

/// The argument count of a call whose `args` slot holds one array of the arguments (a call
/// with spreads or named arguments: string keys are names).
pub const ARGS_ARRAY: u32 = u32::MAX;

// Instructions are green data of the VM's dispatch loop and of its residual calls.
metajit::green_type!(Op);
metajit::green_type!(BinOp);
metajit::green_type!(UnOp);
metajit::green_type!(Step);

/// A literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// `null`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(Box<[u8]>),
    /// An array literal of constants (property defaults, parameter defaults).
    Array(Vec<(Option<Const>, Const)>),
    /// `Class::NAME` in a declaration's initializer, resolved when the class is loaded.
    ClassConst(Box<[u8]>, Box<[u8]>),
    /// A constant not known at compile time (`define`d, or of an extension), by name.
    Named(Box<[u8]>),
    /// An operator on constants, evaluated when the code is loaded.
    Binary(BinOp, Box<[Const; 2]>),
    /// A prefix operator on a constant.
    Unary(UnOp, Box<Const>),
    /// `a ? b : c` (`b` `None`: `a ?: c`) on constants.
    Ternary(Box<(Const, Option<Const>, Const)>),
    /// `a[k]` on constants (a missing element is `null`).
    Dim(Box<[Const; 2]>),
    /// `...a` as an item of an array literal of constants.
    Spread(Box<Const>),
    /// `new Class(args)` (parameter and static-variable defaults, global constants).
    New(Box<NewConst>),
}

/// `new Class(args)` in a constant expression: a new object each time it is evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct NewConst {
    /// The class's full name, or `self`/`parent` to resolve in the scope the expression is
    /// evaluated in.
    pub class: Box<[u8]>,
    /// The arguments in order, named ones with their names.
    pub args: Vec<(Option<Box<[u8]>>, Const)>,
}

/// A binary operator that computes a value from two operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `.`
    Concat,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `xor`
    Xor,
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
    /// `===`
    Identical,
    /// `!==`
    NotIdentical,
    /// `<` (`>` swaps the operands)
    Less,
    /// `<=` (`>=` swaps the operands)
    LessEqual,
    /// `<=>`
    Spaceship,
}

impl BinOp {
    /// Every operator, in declaration order (`ALL[op as usize] == op`).
    pub const ALL: [BinOp; 20] = {
        use BinOp::*;
        [
            Add,
            Sub,
            Mul,
            Div,
            Mod,
            Pow,
            Concat,
            Shl,
            Shr,
            BitAnd,
            BitOr,
            BitXor,
            Xor,
            Equal,
            NotEqual,
            Identical,
            NotIdentical,
            Less,
            LessEqual,
            Spaceship,
        ]
    };

    /// The operator as PHP writes it (for messages such as "Unsupported operand types").
    pub fn symbol(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
            Pow => "**",
            Concat => ".",
            Shl => "<<",
            Shr => ">>",
            BitAnd => "&",
            BitOr => "|",
            BitXor => "^",
            Xor => "xor",
            Equal => "==",
            NotEqual => "!=",
            Identical => "===",
            NotIdentical => "!==",
            Less => "<",
            LessEqual => "<=",
            Spaceship => "<=>",
        }
    }
}

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum UnOp {
    /// `!`
    Not,
    /// `-` (PHP computes `a * -1`)
    Neg,
    /// `+` (PHP computes `a * 1`)
    Plus,
    /// `~`
    BitNot,
    /// `(bool)`
    Bool,
    /// `(int)`
    Int,
    /// `(float)`
    Float,
    /// `(string)`
    String,
    /// `isset`: not `null`.
    IsSet,
    /// `(array)`
    Array,
    /// `(object)`
    Object,
}

impl UnOp {
    /// Every operator, in declaration order (`ALL[op as usize] == op`).
    pub const ALL: [UnOp; 11] = {
        use UnOp::*;
        [
            Not, Neg, Plus, BitNot, Bool, Int, Float, String, IsSet, Array, Object,
        ]
    };
}

impl Step {
    /// Every step, in declaration order (`ALL[s as usize] == s`).
    pub const ALL: [Step; 4] = [Step::PreInc, Step::PreDec, Step::PostInc, Step::PostDec];
}

/// `++`/`--`, before or after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Step {
    /// `++$a`: the result is the new value.
    PreInc,
    /// `--$a`
    PreDec,
    /// `$a++`: the result is the old value.
    PostInc,
    /// `$a--`
    PostDec,
}

/// One instruction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// `dst = constants[k]`.
    Const { dst: Slot, k: u32 },
    /// `dst = $cv`, with PHP's warning when the variable is undefined (then `null`).
    Load { dst: Slot, cv: Slot },
    /// `dst = $cv` without a warning (`??`, `isset`).
    LoadQuiet { dst: Slot, cv: Slot },
    /// `$cv = src` (a copy; the result of the assignment is `src`).
    Assign { cv: Slot, src: Slot },
    /// `dst = src` between temporaries (a copy).
    Copy { dst: Slot, src: Slot },
    /// `$cv = &$src`: both variables hold one PHP reference.
    AssignRef { cv: Slot, src: Slot },
    /// `dst =` a reference to `$cv` (an argument passed by reference).
    MakeRef { dst: Slot, cv: Slot },
    /// `global $cv;`: binds the variable to the global of the name `constants[name]`.
    BindGlobal { cv: Slot, name: u32 },
    /// `static $cv = constants[init];` (`init` `NONE`: `null`): binds the variable to the
    /// function's static variable, made on first use.
    BindStatic { cv: Slot, init: u32 },
    /// `dst = a op b`.
    Binary {
        op: BinOp,
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    /// `dst = op a`.
    Unary { op: UnOp, dst: Slot, a: Slot },
    /// `++`/`--` on `$cv`; the result goes to `dst`.
    Step { step: Step, cv: Slot, dst: Slot },
    /// Jumps forward to `to`.
    Jump { to: u32 },
    /// Jumps back to `to`, a loop's head (where the JIT may enter).
    Loop { to: u32 },
    /// Jumps to `to` if `cond` is truthy.
    JumpIf { cond: Slot, to: u32 },
    /// Jumps to `to` if `cond` is falsy.
    JumpIfNot { cond: Slot, to: u32 },
    /// Jumps to `to` if `src` is not `null` (`??`).
    JumpIfNotNull { src: Slot, to: u32 },
    /// `echo src` (and `print`).
    Echo { src: Slot },
    /// Calls the function named by `constants[name]` with the `argc` values in slots
    /// `args..args + argc`; the result goes to `dst`.
    Call {
        name: u32,
        args: Slot,
        argc: u32,
        dst: Slot,
    },
    /// Returns `src`.
    Return { src: Slot },
    /// Calls the function named by `constants[name]` with the values of the array in `args`
    /// (a call with `...` spreads); the result goes to `dst`.
    CallArray { name: u32, args: Slot, dst: Slot },
    /// Appends the values of the array in `src` to the array being built in `arr` (`...$src`
    /// among a call's arguments).
    ArraySpread { arr: Slot, src: Slot },
    /// Adds the elements of the array or `Traversable` in `src` to the array literal being
    /// built in `arr` (`[...$src]`): string keys kept, int keys appended.
    ArrayUnpack { arr: Slot, src: Slot },
    /// `dst = []`.
    NewArray { dst: Slot },
    /// `arr[] = val` on an array being built (a literal).
    ArrayAppend { arr: Slot, val: Slot },
    /// `arr[key] = val` on an array being built (a literal).
    ArrayInsert { arr: Slot, key: Slot, val: Slot },
    /// The named argument `key: val` added to a call's argument array `arr` (PHP's error if
    /// the name is already there).
    ArgNamed { arr: Slot, key: Slot, val: Slot },
    /// `dst = base[key]`, with PHP's warnings (undefined keys, offsets on scalars).
    FetchDim { dst: Slot, base: Slot, key: Slot },
    /// `dst = base[key]` without warnings (`isset`, `empty`, `??`): `null` when absent.
    FetchDimQuiet { dst: Slot, base: Slot, key: Slot },
    /// `dst = base[key]` as `isset`/`empty` test it: `FetchDimQuiet`, except that a string's
    /// offset must be an int or an integer string (`"1x"`, `"1.0"` are not set).
    IssetDim { dst: Slot, base: Slot, key: Slot },
    /// `dst = base[key]` as `empty` tests it: `IssetDim`, except that an `ArrayAccess`
    /// object is asked `offsetExists` and then `offsetGet` (`isset` only asks the first).
    EmptyDim { dst: Slot, base: Slot, key: Slot },
    /// `dst = base[key]` for destructuring (`[$a, $b] = ...`): warns about missing keys of an
    /// array, gives `null` for anything that is not an array.
    FetchList { dst: Slot, base: Slot, key: Slot },
    /// `dst = $cv[k1]...[kn]` (`append`: `[]`, a new element), the object of a property
    /// write (`$a[k]->p = v`): with `create`, the element (`null`) and the arrays on its way
    /// are made, as PHP's fetch for writing does (with `warn`, after PHP's warning for a
    /// missing key: `op=`, `++`); without (`unset`), only read. The root as in `AssignDim`.
    /// A string offset there is PHP's error.
    FetchDimObj {
        dst: Slot,
        cv: Slot,
        prop: Slot,
        keys: Slot,
        n: u32,
        append: bool,
        create: bool,
        warn: bool,
    },
    /// `$cv[k1]...[kn] = val`, the keys in slots `keys..keys + n`; with `append` the last
    /// dimension is `[]` (and has no key slot). When `prop` is not `NONE` the root is not the
    /// variable `cv` but the property named by slot `prop` of the object in slot `cv` (the
    /// same holds for the other element instructions).
    AssignDim {
        cv: Slot,
        prop: Slot,
        keys: Slot,
        n: u32,
        append: bool,
        val: Slot,
    },
    /// `$cv[k1]...[kn] op= val`; the result goes to `dst`.
    AssignDimOp {
        op: BinOp,
        cv: Slot,
        prop: Slot,
        keys: Slot,
        n: u32,
        val: Slot,
        dst: Slot,
    },
    /// `++`/`--` on `$cv[k1]...[kn]`; the expression's value goes to `dst`.
    StepDim {
        step: Step,
        cv: Slot,
        prop: Slot,
        keys: Slot,
        n: u32,
        dst: Slot,
    },
    /// `unset($cv[k1]...[kn])`.
    UnsetDim {
        cv: Slot,
        prop: Slot,
        keys: Slot,
        n: u32,
    },
    /// `unset($cv)`.
    UnsetCv { cv: Slot },
    /// Starts `foreach` over `src` (position slot `pos`); jumps to `exit` when `src` is not
    /// an array (with PHP's warning).
    IterInit { src: Slot, pos: Slot, exit: u32 },
    /// The next entry of the `foreach` over `src`: its key to `$key` (unless `NONE`), its
    /// value to `$val`; at the end, jumps to `exit`.
    IterNext {
        src: Slot,
        pos: Slot,
        key: Slot,
        val: Slot,
        exit: u32,
    },
    /// Throws `UnhandledMatchError` for the subject in `src`.
    MatchError { src: Slot },
    /// `exit`/`die`, with the value in `src` (or `NONE`).
    Exit { src: Slot },
    /// `dst =` the constant named by `constants[name]` (one not known at compile time).
    FetchConst { dst: Slot, name: u32 },
    /// `const NAME = src;`
    DeclareConst { name: u32, src: Slot },
    /// `$cv .= val` as a statement (no result): appends in place when the string is not
    /// shared.
    ConcatAssign { cv: Slot, val: Slot },
    /// `dst = new cls(args...)`: `cls` holds the class name (or an object, whose class is
    /// meant); the constructor gets the `argc` values in the slots from `args`.
    New {
        cls: Slot,
        args: Slot,
        argc: u32,
        dst: Slot,
    },
    /// `dst = obj->name` (`name` holds the property name); `quiet` for `isset`/`??`.
    FetchProp {
        dst: Slot,
        obj: Slot,
        name: Slot,
        quiet: bool,
    },
    /// `dst =` property `name` of `obj` as `isset` tests it: its value, or for one the code
    /// cannot reach, `true` or `null` as `__isset` says (without `__get`).
    IssetProp { dst: Slot, obj: Slot, name: Slot },
    /// `obj->name = val`.
    AssignProp { obj: Slot, name: Slot, val: Slot },
    /// `obj->name op= val`; the result to `dst`.
    AssignPropOp {
        op: BinOp,
        obj: Slot,
        name: Slot,
        val: Slot,
        dst: Slot,
    },
    /// `++`/`--` on `obj->name`; the expression's value to `dst`.
    StepProp {
        step: Step,
        obj: Slot,
        name: Slot,
        dst: Slot,
    },
    /// `unset(obj->name)`.
    UnsetProp { obj: Slot, name: Slot },
    /// `dst = obj->name(args...)`.
    CallMethod {
        obj: Slot,
        name: Slot,
        args: Slot,
        argc: u32,
        dst: Slot,
    },
    /// `dst = cls::name(args...)` (`cls` holds the class name, `self`, `parent` or `static`).
    CallStatic {
        cls: Slot,
        name: Slot,
        args: Slot,
        argc: u32,
        dst: Slot,
    },
    /// `dst = cls::NAME` (`name` a constant index; `class` gives the class's name).
    FetchClassConst { dst: Slot, cls: Slot, name: u32 },
    /// `dst =` a reference to the static property `cls::$name` (reads and writes go through
    /// it as through a variable bound by reference).
    StaticPropRef { dst: Slot, cls: Slot, name: Slot },
    /// `dst = src instanceof cls`.
    InstanceOf { dst: Slot, src: Slot, cls: Slot },
    /// `dst = clone src`.
    Clone { dst: Slot, src: Slot },
    /// `throw src`.
    Throw { src: Slot },
    /// `dst =` a new `Closure` of the program's closure `func`, binding the `n` values in the
    /// slots from `captures` to its `use` variables (and `$this`, when the code has one).
    MakeClosure {
        dst: Slot,
        func: u32,
        captures: Slot,
        n: u32,
    },
    /// `dst = callee(args...)`: a call of a value (a closure, a function name, an array of
    /// an object or class and a method name, an object with `__invoke`).
    CallValue {
        callee: Slot,
        args: Slot,
        argc: u32,
        dst: Slot,
    },
    /// `dst =` a reference to the element `$cv[k1]...[kn]` (or `[]`, a new one, with
    /// `append`), made a reference in place; the root as in `AssignDim`.
    MakeRefDim {
        dst: Slot,
        cv: Slot,
        prop: Slot,
        keys: Slot,
        n: u32,
        append: bool,
    },
    /// `dst =` a reference to property `name` of the object in `obj`.
    MakeRefProp { dst: Slot, obj: Slot, name: Slot },
    /// `$cv[k1]...[kn] = &...`: the element becomes the reference in `src`.
    AssignRefDim {
        cv: Slot,
        prop: Slot,
        keys: Slot,
        n: u32,
        append: bool,
        src: Slot,
    },
    /// `obj->name = &...`: the property becomes the reference in `src`.
    AssignRefProp { obj: Slot, name: Slot, src: Slot },
    /// Starts `foreach` by reference over the array the reference in `src` refers to.
    IterInitRef { src: Slot, pos: Slot, exit: u32 },
    /// The next entry of a `foreach` by reference: `$val` is bound to the element (made a
    /// reference), `$key` gets its key; at the end, jumps to `exit`.
    IterNextRef {
        src: Slot,
        pos: Slot,
        key: Slot,
        val: Slot,
        exit: u32,
    },
    /// Ends a `foreach` by reference (at its end or on `break`): the array forgets the
    /// loop's position.
    IterFreeRef { src: Slot, pos: Slot },
    /// `dst = include src` (`kind`: 0 `include`, 1 `include_once`, 2 `require`, 3
    /// `require_once`).
    Include { dst: Slot, src: Slot, kind: u8 },
    /// `dst = eval(src)`.
    Eval { dst: Slot, src: Slot },
    /// `dst = $$name` (`quiet`: without the warning for an undefined variable).
    LoadVarVar { dst: Slot, name: Slot, quiet: bool },
    /// `dst =` a reference to the variable named by the value in `name` (made if missing).
    VarVarRef { dst: Slot, name: Slot },
    /// `dst = $GLOBALS` (a copy of the global variables, as an array).
    Globals { dst: Slot },
    /// `dst =` a reference to the global variable named by the value in `name` (a write to
    /// `$GLOBALS['name']`).
    GlobalRef { dst: Slot, name: Slot },
    /// `dst = $GLOBALS[name]` (a read: the global is not made; PHP's warning if missing).
    GlobalFetch { dst: Slot, name: Slot },
    /// `unset($GLOBALS[name])`.
    GlobalUnset { name: Slot },
    /// Checks (and in coercive mode converts) the value in `src` a function is about to
    /// return against its return type; `src` `NONE`: the function ends without `return`.
    VerifyReturn { src: Slot },
    /// The start of a function with typed parameters, which the call checked (errors about
    /// them are reported at this instruction's line, the declaration's). Does nothing.
    RecvTyped,
    /// Declares the program's late declaration `index` (a function or class declared in a
    /// block).
    Declare { index: u32 },
    /// The call that follows keeps a reference its callee returns (`$a = &f()`).
    KeepRef,
    /// The end of a statement under `declare(ticks=every)`: every `every`th one runs the
    /// functions `register_tick_function` registered.
    Tick { every: u32 },
    /// Releases the temporaries `from..from + n` (the end of a statement: what they hold,
    /// such as an object, must not outlive it).
    FreeTemps { from: Slot, n: u32 },
    /// Starts `@expr`: saves the error-reporting level in `save` and silences diagnostics.
    Silence { save: Slot },
    /// Ends `@expr`: restores the level saved in `save`.
    Unsilence { save: Slot },
    /// A reference instruction (destructuring by reference, bindings, notices).
    Ref(RefOp),
}

impl Op {
    /// Calls `f` on every slot the instruction names (not on `NONE`).
    pub fn for_each_slot(&mut self, mut f: impl FnMut(&mut Slot)) {
        let mut each = |slots: &mut [&mut Slot]| {
            for s in slots.iter_mut() {
                if **s != NONE {
                    f(s);
                }
            }
        };
        match self {
            Op::Const { dst, .. } | Op::NewArray { dst } | Op::FetchConst { dst, .. } => {
                each(&mut [dst])
            }
            Op::DeclareConst { src, .. } => each(&mut [src]),
            Op::Silence { save } | Op::Unsilence { save } => each(&mut [save]),
            Op::New { cls, args, dst, .. } => each(&mut [cls, args, dst]),
            Op::FetchProp { dst, obj, name, .. } | Op::IssetProp { dst, obj, name } => {
                each(&mut [dst, obj, name])
            }
            Op::AssignProp { obj, name, val } => each(&mut [obj, name, val]),
            Op::AssignPropOp {
                obj,
                name,
                val,
                dst,
                ..
            } => each(&mut [obj, name, val, dst]),
            Op::StepProp { obj, name, dst, .. } => each(&mut [obj, name, dst]),
            Op::UnsetProp { obj, name } => each(&mut [obj, name]),
            Op::CallMethod {
                obj,
                name,
                args,
                dst,
                ..
            } => each(&mut [obj, name, args, dst]),
            Op::CallStatic {
                cls,
                name,
                args,
                dst,
                ..
            } => each(&mut [cls, name, args, dst]),
            Op::FetchClassConst { dst, cls, .. } => each(&mut [dst, cls]),
            Op::StaticPropRef { dst, cls, name } => each(&mut [dst, cls, name]),
            Op::InstanceOf { dst, src, cls } => each(&mut [dst, src, cls]),
            Op::Clone { dst, src } => each(&mut [dst, src]),
            Op::Throw { src } => each(&mut [src]),
            Op::FreeTemps { from, .. } => each(&mut [from]),
            Op::Include { dst, src, .. } | Op::Eval { dst, src } => each(&mut [dst, src]),
            Op::Globals { dst } => each(&mut [dst]),
            Op::LoadVarVar { dst, name, .. } | Op::VarVarRef { dst, name } => {
                each(&mut [dst, name])
            }
            Op::GlobalRef { dst, name } | Op::GlobalFetch { dst, name } => each(&mut [dst, name]),
            Op::GlobalUnset { name } => each(&mut [name]),
            Op::MakeRefDim {
                dst,
                cv,
                prop,
                keys,
                ..
            } => each(&mut [dst, cv, prop, keys]),
            Op::MakeRefProp { dst, obj, name } => each(&mut [dst, obj, name]),
            Op::AssignRefDim {
                cv,
                prop,
                keys,
                src,
                ..
            } => each(&mut [cv, prop, keys, src]),
            Op::AssignRefProp { obj, name, src } => each(&mut [obj, name, src]),
            Op::IterInitRef { src, pos, .. } | Op::IterFreeRef { src, pos } => {
                each(&mut [src, pos])
            }
            Op::IterNextRef {
                src, pos, key, val, ..
            } => each(&mut [src, pos, key, val]),
            Op::MakeClosure { dst, captures, .. } => each(&mut [dst, captures]),
            Op::CallValue {
                callee, args, dst, ..
            } => each(&mut [callee, args, dst]),
            Op::Load { dst, cv } | Op::LoadQuiet { dst, cv } => each(&mut [dst, cv]),
            Op::Assign { cv, src } => each(&mut [cv, src]),
            Op::Copy { dst, src } | Op::MakeRef { dst, cv: src } => each(&mut [dst, src]),
            Op::AssignRef { cv, src } | Op::ConcatAssign { cv, val: src } => each(&mut [cv, src]),
            Op::BindGlobal { cv, .. } | Op::BindStatic { cv, .. } => each(&mut [cv]),
            Op::Binary { dst, a, b, .. } => each(&mut [dst, a, b]),
            Op::Unary { dst, a, .. } => each(&mut [dst, a]),
            Op::Step { cv, dst, .. } => each(&mut [cv, dst]),
            Op::JumpIf { cond, .. } | Op::JumpIfNot { cond, .. } => each(&mut [cond]),
            Op::JumpIfNotNull { src, .. } | Op::Echo { src } | Op::Return { src } => {
                each(&mut [src])
            }
            Op::Call { args, dst, .. } | Op::CallArray { args, dst, .. } => each(&mut [args, dst]),
            Op::ArraySpread { arr, src } => each(&mut [arr, src]),
            Op::ArrayUnpack { arr, src } => each(&mut [arr, src]),
            Op::Jump { .. }
            | Op::Loop { .. }
            | Op::RecvTyped
            | Op::Declare { .. }
            | Op::Tick { .. }
            | Op::KeepRef => {}
            Op::VerifyReturn { src } => each(&mut [src]),
            Op::ArrayAppend { arr, val } => each(&mut [arr, val]),
            Op::ArrayInsert { arr, key, val } | Op::ArgNamed { arr, key, val } => {
                each(&mut [arr, key, val])
            }
            Op::FetchDim { dst, base, key }
            | Op::FetchDimQuiet { dst, base, key }
            | Op::IssetDim { dst, base, key }
            | Op::EmptyDim { dst, base, key }
            | Op::FetchList { dst, base, key } => each(&mut [dst, base, key]),
            Op::FetchDimObj {
                dst,
                cv,
                prop,
                keys,
                ..
            } => each(&mut [dst, cv, prop, keys]),
            Op::AssignDim {
                cv,
                prop,
                keys,
                val,
                ..
            } => each(&mut [cv, prop, keys, val]),
            Op::AssignDimOp {
                cv,
                prop,
                keys,
                val,
                dst,
                ..
            } => each(&mut [cv, prop, keys, val, dst]),
            Op::StepDim {
                cv,
                prop,
                keys,
                dst,
                ..
            } => each(&mut [cv, prop, keys, dst]),
            Op::UnsetDim { cv, prop, keys, .. } => each(&mut [cv, prop, keys]),
            Op::UnsetCv { cv } | Op::MatchError { src: cv } | Op::Exit { src: cv } => {
                each(&mut [cv])
            }
            Op::IterInit { src, pos, .. } => each(&mut [src, pos]),
            Op::IterNext {
                src, pos, key, val, ..
            } => each(&mut [src, pos, key, val]),
            Op::Ref(r) => r.for_each_slot(f),
        }
    }
}

pub use crate::unit::{Catch, ClassDef, Function, LateDecl, Param, Program, PropDef, TryRegion};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_tables_match_the_discriminants() {
        for (i, op) in BinOp::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
        }
        for (i, op) in UnOp::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
        }
        for (i, s) in Step::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
        }
    }
}
