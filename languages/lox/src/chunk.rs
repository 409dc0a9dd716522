//! Compiled Lox: each function is a [`Proto`], a list of [`Op`]s for a stack machine in the
//! style of clox, plus the facts the VM and the JIT need about it (source lines, the stack depth
//! before every instruction, which locals live in cells).
//!
//! The stack of a call frame is an array of slots: slot 0 holds the callee (or `this` in a
//! method), slots `1..=arity` the arguments, then the locals in declaration order, then
//! temporaries. Because every instruction's stack depth is fixed at compile time
//! ([`Proto::depth`]), the VM addresses slots by constant indices.
//!
//! Variables captured by a closure live in **cells**: a captured local's slot holds a cell
//! created where the local is declared ([`Op::BoxLocal`]), and both the declaring function
//! ([`Op::GetCell`]/[`Op::SetCell`]) and the closures that capture it (through their upvalues)
//! read and write the cell. This has the semantics of clox's open and closed upvalues (a
//! variable declared inside a loop body is a new variable, and so a new cell, per iteration)
//! without pointers into a frame's slots.

use std::rc::Rc;

/// One instruction. Operands are constant-pool indices, slot numbers, upvalue numbers,
/// argument counts and absolute jump targets (indices into [`Proto::ops`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Pushes constant `k` (a number or a string).
    Constant(u8),
    /// Pushes `nil`.
    Nil,
    /// Pushes `true`.
    True,
    /// Pushes `false`.
    False,
    /// Pops one value.
    Pop,
    /// Pushes the value of slot `n`.
    GetLocal(u8),
    /// Stores the top of the stack into slot `n` (the value stays on the stack).
    SetLocal(u8),
    /// Replaces the value in slot `n` by a new cell holding it (a captured local's declaration).
    BoxLocal(u8),
    /// Pushes the value held by the cell in slot `n`.
    GetCell(u8),
    /// Stores the top of the stack into the cell in slot `n` (the value stays on the stack).
    SetCell(u8),
    /// Pushes global `name` (constant `k`, a string); an error if it is undefined.
    GetGlobal(u8),
    /// Defines global `name` (constant `k`) as the top of the stack, and pops it.
    DefineGlobal(u8),
    /// Assigns global `name` (constant `k`); an error if it is undefined. The value stays.
    SetGlobal(u8),
    /// Pushes the value of the current closure's upvalue `n` (a cell).
    GetUpvalue(u8),
    /// Stores the top of the stack into the current closure's upvalue `n`; the value stays.
    SetUpvalue(u8),
    /// Replaces the instance on top of the stack by its property `name` (constant `k`): a
    /// field, or a method bound to the instance.
    GetProperty(u8),
    /// `instance.name = value`: pops the value and the instance, pushes the value.
    SetProperty(u8),
    /// Pops the superclass and `this`, pushes `this`'s method `name` from the superclass, bound.
    GetSuper(u8),
    /// Pops two values, pushes whether they are equal.
    Equal,
    /// Pops two numbers, pushes `a > b`.
    Greater,
    /// Pops two numbers, pushes `a < b`.
    Less,
    /// Pops two numbers (sum) or two strings (concatenation).
    Add,
    /// Pops two numbers, pushes `a - b`.
    Subtract,
    /// Pops two numbers, pushes `a * b`.
    Multiply,
    /// Pops two numbers, pushes `a / b`.
    Divide,
    /// Replaces the top of the stack by its falsiness.
    Not,
    /// Negates the number on top of the stack.
    Negate,
    /// Pops a value and prints it.
    Print,
    /// Continues at `target`.
    Jump(u32),
    /// Continues at `target` if the top of the stack is falsey (it is not popped).
    JumpIfFalse(u32),
    /// Continues at `target`, a loop's start (before the current instruction).
    Loop(u32),
    /// Calls the value below the `n` arguments on top of the stack; the result replaces them.
    Call(u8),
    /// `receiver.name(args)`: operands are the name's constant and the argument count.
    Invoke(u8, u8),
    /// `super.name(args)`: the superclass is on top of the stack, above the arguments.
    SuperInvoke(u8, u8),
    /// Pushes a new closure of the function in constant `k`, capturing the cells listed in that
    /// function's [`Proto::upvalues`].
    Closure(u8),
    /// Returns the top of the stack from the current function.
    Return,
    /// Pushes a new class named by constant `k`.
    Class(u8),
    /// Copies the methods of the superclass (below the top) into the class on top, pops the
    /// class.
    Inherit,
    /// Pops the closure on top and adds it to the class below as method `name` (constant `k`).
    Method(u8),
}

/// A constant of a function.
#[derive(Clone, Debug)]
pub enum Constant {
    /// A number literal.
    Number(f64),
    /// A string literal, or a name (of a global, property or method).
    Str(Rc<str>),
    /// A nested function (the operand of [`Op::Closure`]).
    Function(Rc<Proto>),
}

/// Where a closure's upvalue comes from when the closure is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// The cell in slot `n` of the function creating the closure.
    Local(u8),
    /// Upvalue `n` of the function creating the closure.
    Upvalue(u8),
}

/// What kind of function a prototype is (it decides what `return` and `this` do).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// The top-level script.
    Script,
    /// A function declared with `fun`.
    Function,
    /// A method.
    Method,
    /// An `init` method: returns `this`.
    Initializer,
}

/// A compiled function.
#[derive(Clone, Debug)]
pub struct Proto {
    /// The function's name; `None` for the script.
    pub name: Option<Rc<str>>,
    /// What kind of function it is.
    pub kind: FunctionKind,
    /// The number of parameters.
    pub arity: u8,
    /// The instructions.
    pub ops: Vec<Op>,
    /// The source line of each instruction.
    pub lines: Vec<u32>,
    /// The stack depth (number of slots in use, slot 0 included) before each instruction.
    pub depth: Vec<u16>,
    /// The most slots the function ever uses.
    pub max_depth: u16,
    /// The constant pool.
    pub constants: Vec<Constant>,
    /// The upvalues a closure of this function captures, in order.
    pub upvalues: Vec<Capture>,
}
