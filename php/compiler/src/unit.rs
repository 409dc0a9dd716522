//! Compiled units: functions with their parameters and `try` regions, class declarations,
//! and the program of a file; printed by `hippy --dump-bytecode`.

use crate::bytecode::{Const, NONE, Op, Slot, TypeSpec};
use std::fmt;

/// A parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// Its name without `$`.
    pub name: Box<[u8]>,
    /// Its default, if it has one: an index into the function's constants.
    pub default: Option<u32>,
    /// `&$name`: passed by reference.
    pub by_ref: bool,
    /// `...$name`: collects the remaining arguments in an array (the last parameter).
    pub variadic: bool,
    /// The declared type.
    pub ty: Option<TypeSpec>,
    /// `#[SensitiveParameter]`: stack traces show its argument as a `SensitiveParameterValue`.
    pub sensitive: bool,
    /// A default written as a constant's name (`PHP_INT_MAX`, resolved against the
    /// namespace), which PHP's messages print rather than its value.
    pub default_name: Option<Box<[u8]>>,
}

/// A compiled function (or the main script).
#[derive(Clone, Debug)]
pub struct Function {
    /// The name as declared (`{main}` for the script).
    pub name: Box<[u8]>,
    /// The line the declaration starts on (1 for the script).
    pub line: u32,
    /// The parameters (slots `0..params.len()`).
    pub params: Vec<Param>,
    /// Names of the compiled variables, slot by slot.
    pub cvs: Vec<Box<[u8]>>,
    /// Slots in all: variables then temporaries.
    pub slots: u32,
    /// The instructions.
    pub ops: Vec<Op>,
    /// The source line of each instruction.
    pub lines: Vec<u32>,
    /// The literals.
    pub constants: Vec<Const>,
    /// The class a method belongs to (`None` for functions and the script).
    pub class: Option<Box<[u8]>>,
    /// The slot of `$this` (methods that are not static).
    pub this: Option<Slot>,
    /// The `try` regions: an instruction's region is `regions[try_of[pc]]` (`NONE`: none).
    pub try_of: Vec<u32>,
    /// The `try` regions, inner ones pointing to the enclosing one.
    pub regions: Vec<TryRegion>,
    /// The `@` regions: the instructions `from..to` of each silenced expression, `to` being
    /// its `Unsilence` (whose slot holds the level to restore when an exception leaves it).
    pub silences: Vec<(u32, u32)>,
    /// A closure's `use` variables (slots after its parameters), by reference or not.
    pub uses: Vec<bool>,
    /// A closure declared `static` (it binds no `$this`).
    pub is_static: bool,
    /// Compiled under `declare(strict_types=1)`: the calls it makes check their arguments
    /// strictly, and so do its `return`s and property writes.
    pub strict: bool,
    /// The declared return type.
    pub ret: Option<TypeSpec>,
    /// Declared `function &name()`: it returns a reference.
    pub returns_ref: bool,
    /// `#[\ReturnTypeWillChange]`: a return type incompatible with a built-in method's
    /// tentative one is not reported.
    pub will_change: bool,
}

/// One `try` block's handlers (or the catch blocks of a `try` with `finally`, which only run
/// the `finally` block on the way out).
#[derive(Clone, Debug)]
pub struct TryRegion {
    /// The enclosing region (`NONE`: none).
    pub parent: u32,
    /// The `catch` clauses in order: the classes each catches, the variable (`NONE` without
    /// one) and where its block starts.
    pub catches: Vec<Catch>,
    /// The `finally` block run for an exception: where it starts, and the slot that keeps the
    /// exception for the rethrow at its end.
    pub finally: Option<(u32, Slot)>,
}

/// One `catch (A | B $e)`.
#[derive(Clone, Debug)]
pub struct Catch {
    /// The class names.
    pub classes: Vec<Box<[u8]>>,
    /// The variable's slot (`NONE`: none).
    pub var: Slot,
    /// The block's first instruction.
    pub to: u32,
}

/// A property declaration.
#[derive(Clone, Debug)]
pub struct PropDef {
    /// The name without `$`.
    pub name: Box<[u8]>,
    /// Modifier flags (the AST's bits).
    pub flags: u16,
    /// The default value (`None`: a typed property without one, unset until assigned).
    pub default: Option<Const>,
    /// The declared type.
    pub ty: Option<TypeSpec>,
}

/// A compiled class (or interface).
#[derive(Clone, Debug)]
pub struct ClassDef {
    /// The name as declared.
    pub name: Box<[u8]>,
    /// The line of the declaration.
    pub line: u32,
    /// Modifier flags (the AST's bits, plus 128 for an interface).
    pub flags: u16,
    /// `extends` (a class's parent).
    pub parent: Option<Box<[u8]>>,
    /// `implements` (a class) or `extends` (an interface).
    pub interfaces: Vec<Box<[u8]>>,
    /// The constants: name, flags, value.
    pub consts: Vec<(Box<[u8]>, u16, Const)>,
    /// The properties, static ones included.
    pub props: Vec<PropDef>,
    /// The methods: modifier flags and code.
    pub methods: Vec<(u16, Function)>,
}

/// A compiled file.
#[derive(Clone, Debug)]
pub struct Program {
    /// The script's own code.
    pub main: Function,
    /// The functions it declares (all at the top level, so all declared before it runs).
    pub functions: Vec<Function>,
    /// The classes it declares at the top level, in order.
    pub classes: Vec<ClassDef>,
    /// The closures and arrow functions (`Op::MakeClosure` names them by index).
    pub closures: Vec<Function>,
    /// Functions and classes declared inside blocks, made when their declaration runs
    /// (`Op::Declare` names them by index).
    pub late: Vec<LateDecl>,
}

/// A declaration made when it runs (inside an `if`, a function...).
#[derive(Clone, Debug)]
pub enum LateDecl {
    /// `function f() {}`
    Function(Function),
    /// `class C {}`
    Class(ClassDef),
    /// A class declared at the top level, `Program::classes[i]`: made when the file loads if
    /// PHP would bind it then (no interfaces, its parent already made, the checks decided),
    /// otherwise when its declaration runs.
    TopClass(u32),
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "function {} ({} params, {} variables, {} slots)",
            String::from_utf8_lossy(&self.name),
            self.params.len(),
            self.cvs.len(),
            self.slots
        )?;
        for (i, name) in self.cvs.iter().enumerate() {
            writeln!(f, "  ${i} = ${}", String::from_utf8_lossy(name))?;
        }
        for (i, k) in self.constants.iter().enumerate() {
            match k {
                Const::Str(b) => writeln!(f, "  k{i} = {:?}", String::from_utf8_lossy(b))?,
                _ => writeln!(f, "  k{i} = {k:?}")?,
            }
        }
        for (pc, (op, line)) in self.ops.iter().zip(&self.lines).enumerate() {
            match self.try_of.get(pc) {
                Some(&r) if r != NONE => writeln!(f, "  {pc:4} L{line:<4} try{r} {op:?}")?,
                _ => writeln!(f, "  {pc:4} L{line:<4} {op:?}")?,
            }
        }
        for (i, r) in self.regions.iter().enumerate() {
            writeln!(f, "  try{i}: {r:?}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.main)?;
        for func in &self.functions {
            write!(f, "{func}")?;
        }
        for func in &self.closures {
            write!(f, "{func}")?;
        }
        for class in &self.classes {
            writeln!(f, "class {}", String::from_utf8_lossy(&class.name))?;
            for (_, m) in &class.methods {
                write!(f, "{m}")?;
            }
        }
        Ok(())
    }
}
