//! Expression nodes.

use super::{Bytes, ClassDecl, ExprId, Ident, Name, Param, StmtId, TypeHint};
use crate::span::Span;

/// An expression and its span.
#[derive(Clone, Debug)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// Every kind of PHP expression.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// `$name`
    Variable(Bytes),
    /// `$$expr`, `${expr}`
    VariableVariable(ExprId),
    /// An integer literal.
    Int(i64),
    /// A float literal (or an integer literal too large for an int).
    Float(f64),
    /// A string without interpolation: its value.
    String(Bytes),
    /// `"...$x..."`, heredoc with interpolation, or `` `...` `` ([`InterpolatedKind`]).
    Interpolated {
        /// Which syntax.
        kind: InterpolatedKind,
        /// Literal pieces and embedded expressions, in order.
        parts: Vec<StringPart>,
    },
    /// A constant: `FOO`, `\Ns\FOO`, `true`, `null`.
    Constant(Name),
    /// `__LINE__`, `__CLASS__`, ...
    MagicConstant(MagicConstant),
    /// `[...]` or `array(...)`.
    Array {
        /// Which syntax.
        syntax: ArraySyntax,
        /// The items; `None` is a skipped slot (only valid when destructuring).
        items: Vec<Option<ArrayItem>>,
    },
    /// `list(...)` or `[...]` on the left of `=` or in `foreach`.
    List {
        /// Which syntax.
        syntax: ArraySyntax,
        /// The items; `None` is a skipped slot.
        items: Vec<Option<ArrayItem>>,
    },
    /// `base[dim]`, or `base[]` when `dim` is `None`; `base{dim}` is a parse error in PHP 8.
    ArrayDim {
        /// The array.
        base: ExprId,
        /// The key, if any.
        dim: Option<ExprId>,
    },
    /// `obj->name`, `obj?->name`
    Property {
        /// The object.
        object: ExprId,
        /// The property name.
        name: MemberName,
        /// `->` or `?->`.
        access: Access,
    },
    /// `Class::$name`
    StaticProperty {
        /// The class.
        class: Box<ClassRef>,
        /// The property (a name or `$$expr`).
        name: MemberName,
    },
    /// `Class::NAME`, `Class::class`
    ClassConstant {
        /// The class.
        class: Box<ClassRef>,
        /// The constant's name.
        name: Ident,
    },
    /// `f(args)`
    Call {
        /// A name or a callable expression.
        callee: Callee,
        /// The arguments.
        args: Box<Args>,
    },
    /// `obj->name(args)`, `obj?->name(args)`
    MethodCall {
        /// The object.
        object: ExprId,
        /// The method name.
        name: MemberName,
        /// `->` or `?->`.
        access: Access,
        /// The arguments.
        args: Box<Args>,
    },
    /// `Class::name(args)`
    StaticCall {
        /// The class.
        class: Box<ClassRef>,
        /// The method name.
        name: MemberName,
        /// The arguments.
        args: Box<Args>,
    },
    /// `new Class(args)`, `new class(...) {...}`
    New {
        /// What to instantiate.
        class: NewClass,
        /// Constructor arguments (`None` when written without parentheses).
        args: Option<Box<Args>>,
    },
    /// A prefix operator.
    Unary {
        /// Which.
        op: UnaryOp,
        /// Operand.
        expr: ExprId,
    },
    /// A binary operator (including `??`, `and`, `or`, `xor`).
    Binary {
        /// Which.
        op: BinaryOp,
        /// Left operand.
        left: ExprId,
        /// Right operand.
        right: ExprId,
    },
    /// `target = value`
    Assign {
        /// What is assigned to (a variable, property, list...).
        target: ExprId,
        /// The value.
        value: ExprId,
    },
    /// `target = &value`
    AssignRef {
        /// What is bound.
        target: ExprId,
        /// The referenced variable (or `new`/call expression).
        value: ExprId,
    },
    /// `target op= value`
    AssignOp {
        /// The operator (`+` for `+=`, `??` for `??=`).
        op: BinaryOp,
        /// What is assigned to.
        target: ExprId,
        /// The value.
        value: ExprId,
    },
    /// `++$a`, `$a--`, ...
    IncDec {
        /// Which.
        op: IncDecOp,
        /// The variable.
        target: ExprId,
    },
    /// `cond ? then : else`, `cond ?: else`
    Ternary {
        /// Condition.
        cond: ExprId,
        /// `None` for `?:`.
        then: Option<ExprId>,
        /// Else branch.
        otherwise: ExprId,
    },
    /// `expr instanceof Class`
    Instanceof {
        /// The value.
        expr: ExprId,
        /// The class.
        class: ClassRef,
    },
    /// `(int) expr`, ...
    Cast {
        /// Target type.
        kind: CastKind,
        /// Operand.
        expr: ExprId,
    },
    /// `isset(a, b, ...)`
    Isset(Vec<ExprId>),
    /// `empty(expr)`
    Empty(ExprId),
    /// `exit`, `exit(expr)`, `die(...)`
    Exit(Option<ExprId>),
    /// `print expr`
    Print(ExprId),
    /// `include`, `require`, ...
    Include {
        /// Which.
        kind: IncludeKind,
        /// The path.
        expr: ExprId,
    },
    /// `eval(expr)`
    Eval(ExprId),
    /// `clone expr`
    Clone(ExprId),
    /// `function (...) use (...) { ... }`
    Closure(Box<Closure>),
    /// `fn (...) => expr`
    ArrowFunction(Box<ArrowFunction>),
    /// `match (subject) { ... }`
    Match {
        /// The subject.
        subject: ExprId,
        /// The arms.
        arms: Vec<MatchArm>,
    },
    /// `throw expr`
    Throw(ExprId),
    /// `yield`, `yield value`, `yield key => value`
    Yield {
        /// The key, if given.
        key: Option<ExprId>,
        /// The value, if given.
        value: Option<ExprId>,
    },
    /// `yield from expr`
    YieldFrom(ExprId),
}

/// Which syntax an interpolated string used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InterpolatedKind {
    /// `"..."`
    DoubleQuoted,
    /// `<<<EOT`
    Heredoc,
    /// `` `...` `` (shell execution)
    ShellExec,
}

/// A piece of an interpolated string.
#[derive(Clone, Debug)]
pub enum StringPart {
    /// Literal text (its value) and span.
    Literal(Bytes, Span),
    /// An embedded expression.
    Expr(ExprId),
}

/// The magic constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MagicConstant {
    /// `__LINE__`
    Line,
    /// `__FILE__`
    File,
    /// `__DIR__`
    Dir,
    /// `__CLASS__`
    Class,
    /// `__TRAIT__`
    Trait,
    /// `__METHOD__`
    Method,
    /// `__FUNCTION__`
    Function,
    /// `__NAMESPACE__`
    Namespace,
}

/// `array(...)` or `[...]` (and `list(...)` or `[...]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArraySyntax {
    /// `array(...)` / `list(...)`
    Long,
    /// `[...]`
    Short,
}

/// One array element: `value`, `key => value`, `&value`, `...value`.
#[derive(Clone, Debug)]
pub struct ArrayItem {
    /// The key, if given.
    pub key: Option<ExprId>,
    /// The value.
    pub value: ExprId,
    /// `&value`.
    pub by_ref: bool,
    /// `...value`.
    pub unpack: bool,
    /// The whole element.
    pub span: Span,
}

/// `->` or `?->`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// `->`
    Normal,
    /// `?->`
    Nullsafe,
}

/// A property or method name: written literally or computed.
#[derive(Clone, Debug)]
pub enum MemberName {
    /// `->name`, `::name`, `::$name` (for static properties, without the `$`).
    Ident(Ident),
    /// `->{expr}`, `->$var`, `::$$var`, `::{expr}()`.
    Expr(ExprId),
}

/// The class part of `X::...`, `new X`, `instanceof X`.
#[derive(Clone, Debug)]
pub enum ClassRef {
    /// A class name, including `self`, `parent` and `static`.
    Name(Name),
    /// An expression: `$obj::X`, `$class::X`.
    Expr(ExprId),
}

/// What a call calls.
#[derive(Clone, Debug)]
pub enum Callee {
    /// A function name.
    Name(Name),
    /// Any callable expression.
    Expr(ExprId),
}

/// What `new` instantiates.
#[derive(Clone, Debug)]
pub enum NewClass {
    /// A class name or expression.
    Class(ClassRef),
    /// `new class(...) { ... }`
    Anonymous(Box<ClassDecl>),
}

/// Call arguments, or `(...)` (first-class callable syntax).
#[derive(Clone, Debug)]
pub enum Args {
    /// `(a, b, ...)`
    List(Vec<Arg>, Span),
    /// `(...)`
    FirstClassCallable(Span),
}

/// One argument: `value`, `...value`, `name: value`.
#[derive(Clone, Debug)]
pub struct Arg {
    /// `name:` for named arguments.
    pub name: Option<Ident>,
    /// The value.
    pub value: ExprId,
    /// `...value`.
    pub unpack: bool,
    /// The whole argument.
    pub span: Span,
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `~`
    BitNot,
    /// `-`
    Neg,
    /// `+`
    Plus,
    /// `@`
    Silence,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
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
    /// `&&`
    And,
    /// `||`
    Or,
    /// `and`
    LogicalAnd,
    /// `or`
    LogicalOr,
    /// `xor`
    LogicalXor,
    /// `==`
    Equal,
    /// `!=`, `<>`
    NotEqual,
    /// `===`
    Identical,
    /// `!==`
    NotIdentical,
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
    /// `<=>`
    Spaceship,
    /// `??`
    Coalesce,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
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
            And => "&&",
            Or => "||",
            LogicalAnd => "and",
            LogicalOr => "or",
            LogicalXor => "xor",
            Equal => "==",
            NotEqual => "!=",
            Identical => "===",
            NotIdentical => "!==",
            Less => "<",
            LessEqual => "<=",
            Greater => ">",
            GreaterEqual => ">=",
            Spaceship => "<=>",
            Coalesce => "??",
        }
    }
}

/// `++`/`--`, prefix or postfix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncDecOp {
    /// `++$a`
    PreInc,
    /// `--$a`
    PreDec,
    /// `$a++`
    PostInc,
    /// `$a--`
    PostDec,
}

/// Cast target types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CastKind {
    /// `(int)`
    Int,
    /// `(float)`
    Float,
    /// `(string)`
    String,
    /// `(array)`
    Array,
    /// `(object)`
    Object,
    /// `(bool)`
    Bool,
    /// `(unset)` (rejected at compile time in PHP 8)
    Unset,
}

/// `include`, `include_once`, `require`, `require_once`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncludeKind {
    /// `include`
    Include,
    /// `include_once`
    IncludeOnce,
    /// `require`
    Require,
    /// `require_once`
    RequireOnce,
}

/// `static` before a closure or arrow function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Staticness {
    /// No `static`.
    Instance,
    /// `static function` / `static fn`.
    Static,
}

/// `function (...) use (...) { ... }`
#[derive(Clone, Debug)]
pub struct Closure {
    /// Attributes.
    pub attrs: Vec<AttributeGroup>,
    /// `static function`.
    pub staticness: Staticness,
    /// `function &(...)`.
    pub by_ref: bool,
    /// Parameters.
    pub params: Vec<Param>,
    /// `use (...)` variables.
    pub uses: Vec<ClosureUse>,
    /// Return type.
    pub return_type: Option<TypeHint>,
    /// Body.
    pub body: Vec<StmtId>,
    /// Doc comment span.
    pub doc_comment: Option<Span>,
}

/// One `use` variable of a closure.
#[derive(Clone, Debug)]
pub struct ClosureUse {
    /// Variable name without `$`.
    pub name: Ident,
    /// `&$name`.
    pub by_ref: bool,
    /// The whole item.
    pub span: Span,
}

/// `fn (...) => expr`
#[derive(Clone, Debug)]
pub struct ArrowFunction {
    /// Attributes.
    pub attrs: Vec<AttributeGroup>,
    /// `static fn`.
    pub staticness: Staticness,
    /// `fn &(...)`.
    pub by_ref: bool,
    /// Parameters.
    pub params: Vec<Param>,
    /// Return type.
    pub return_type: Option<TypeHint>,
    /// The body expression.
    pub body: ExprId,
    /// Doc comment span.
    pub doc_comment: Option<Span>,
}

/// One arm of `match`.
#[derive(Clone, Debug)]
pub struct MatchArm {
    /// The conditions; `None` for `default`.
    pub conds: Option<Vec<ExprId>>,
    /// The result.
    pub body: ExprId,
    /// The whole arm.
    pub span: Span,
}

/// An attribute group `#[A, B(1)]`.
#[derive(Clone, Debug)]
pub struct AttributeGroup {
    /// The attributes.
    pub attrs: Vec<Attribute>,
    /// The whole group.
    pub span: Span,
}

/// One attribute `Name(args)`.
#[derive(Clone, Debug)]
pub struct Attribute {
    /// The attribute class.
    pub name: Name,
    /// Arguments, if written.
    pub args: Option<Args>,
    /// The whole attribute.
    pub span: Span,
}
