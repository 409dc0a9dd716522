//! Declarations: functions, classes and their members, parameters, types, modifiers.

use super::{AttributeGroup, ConstItem, ExprId, Ident, Name, StmtId};
use crate::span::Span;

/// A set of modifiers (`public static final ...`) and where they were written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// Bit set of `Modifiers::*` flags.
    pub flags: u16,
    /// Span of the modifier keywords (empty when none).
    pub span: Span,
}

impl Modifiers {
    /// `public`
    pub const PUBLIC: u16 = 1;
    /// `protected`
    pub const PROTECTED: u16 = 2;
    /// `private`
    pub const PRIVATE: u16 = 4;
    /// `static`
    pub const STATIC: u16 = 8;
    /// `abstract`
    pub const ABSTRACT: u16 = 16;
    /// `final`
    pub const FINAL: u16 = 32;
    /// `readonly`
    pub const READONLY: u16 = 64;
    /// Any visibility.
    pub const VISIBILITY: u16 = Self::PUBLIC | Self::PROTECTED | Self::PRIVATE;

    /// Whether `flag` is set.
    pub fn has(self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// The keywords, in a fixed order, for dumps.
    pub fn words(self) -> Vec<&'static str> {
        [
            (Self::PUBLIC, "public"),
            (Self::PROTECTED, "protected"),
            (Self::PRIVATE, "private"),
            (Self::STATIC, "static"),
            (Self::ABSTRACT, "abstract"),
            (Self::FINAL, "final"),
            (Self::READONLY, "readonly"),
        ]
        .into_iter()
        .filter(|&(f, _)| self.has(f))
        .map(|(_, w)| w)
        .collect()
    }
}

/// A type declaration.
#[derive(Clone, Debug)]
pub enum TypeHint {
    /// A class or builtin type name (`int`, `array`, `static`, `Foo\Bar`).
    Named(Name),
    /// `?T`
    Nullable(Box<TypeHint>, Span),
    /// `A|B`
    Union(Vec<TypeHint>, Span),
    /// `A&B`
    Intersection(Vec<TypeHint>, Span),
}

impl TypeHint {
    /// Where it is.
    pub fn span(&self) -> Span {
        match self {
            TypeHint::Named(n) => n.span,
            TypeHint::Nullable(_, s) | TypeHint::Union(_, s) | TypeHint::Intersection(_, s) => *s,
        }
    }
}

/// A function or method parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// Attributes.
    pub attrs: Vec<AttributeGroup>,
    /// Constructor promotion modifiers (visibility, `readonly`).
    pub modifiers: Modifiers,
    /// The type.
    pub ty: Option<TypeHint>,
    /// `&$x`.
    pub by_ref: bool,
    /// `...$x`.
    pub variadic: bool,
    /// Name without `$`.
    pub name: Ident,
    /// Default value.
    pub default: Option<ExprId>,
    /// The whole parameter.
    pub span: Span,
}

/// A function or method.
#[derive(Clone, Debug)]
pub struct FunctionDecl {
    /// Attributes.
    pub attrs: Vec<AttributeGroup>,
    /// Modifiers (methods only).
    pub modifiers: Modifiers,
    /// `function &name()`.
    pub by_ref: bool,
    /// The name.
    pub name: Ident,
    /// Parameters.
    pub params: Vec<Param>,
    /// Return type.
    pub return_type: Option<TypeHint>,
    /// Body; `None` for abstract and interface methods.
    pub body: Option<Vec<StmtId>>,
    /// Doc comment span.
    pub doc_comment: Option<Span>,
    /// The whole declaration.
    pub span: Span,
}

/// Which kind of class-like declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassKind {
    /// `class`
    Class,
    /// `interface`
    Interface,
    /// `trait`
    Trait,
    /// `enum`
    Enum,
}

/// A class, interface, trait or enum (also anonymous classes).
#[derive(Clone, Debug)]
pub struct ClassDecl {
    /// Attributes.
    pub attrs: Vec<AttributeGroup>,
    /// `abstract`, `final`, `readonly`.
    pub modifiers: Modifiers,
    /// Which kind.
    pub kind: ClassKind,
    /// The name; `None` for anonymous classes.
    pub name: Option<Ident>,
    /// `extends` (one for classes, several for interfaces).
    pub extends: Vec<Name>,
    /// `implements` (classes, enums).
    pub implements: Vec<Name>,
    /// Backing type of a backed enum.
    pub enum_type: Option<TypeHint>,
    /// Members in order.
    pub members: Vec<Member>,
    /// Doc comment span.
    pub doc_comment: Option<Span>,
    /// The whole declaration.
    pub span: Span,
}

/// A class member.
#[derive(Clone, Debug)]
pub enum Member {
    /// `public int $a = 1, $b;`
    Property(PropertyDecl),
    /// `const A = 1;`
    Const(ClassConstDecl),
    /// A method.
    Method(FunctionDecl),
    /// `use A, B { ... }`
    TraitUse(TraitUse),
    /// `case A = 1;`
    EnumCase(EnumCase),
}

/// A property declaration statement.
#[derive(Clone, Debug)]
pub struct PropertyDecl {
    /// Attributes.
    pub attrs: Vec<AttributeGroup>,
    /// Modifiers (`var` is `public`).
    pub modifiers: Modifiers,
    /// The type.
    pub ty: Option<TypeHint>,
    /// The properties declared.
    pub props: Vec<PropertyItem>,
    /// Doc comment span.
    pub doc_comment: Option<Span>,
    /// The whole declaration.
    pub span: Span,
}

/// One `$name = default`.
#[derive(Clone, Debug)]
pub struct PropertyItem {
    /// Name without `$`.
    pub name: Ident,
    /// Default value.
    pub default: Option<ExprId>,
    /// The whole item.
    pub span: Span,
}

/// A class constant declaration.
#[derive(Clone, Debug)]
pub struct ClassConstDecl {
    /// Attributes.
    pub attrs: Vec<AttributeGroup>,
    /// Modifiers.
    pub modifiers: Modifiers,
    /// The constants.
    pub items: Vec<ConstItem>,
    /// The whole declaration.
    pub span: Span,
}

/// `use A, B { adaptations }` inside a class.
#[derive(Clone, Debug)]
pub struct TraitUse {
    /// The traits.
    pub traits: Vec<Name>,
    /// `insteadof` / `as` rules.
    pub adaptations: Vec<TraitAdaptation>,
    /// The whole statement.
    pub span: Span,
}

/// One trait adaptation rule.
#[derive(Clone, Debug)]
pub enum TraitAdaptation {
    /// `T::m insteadof A, B;`
    Insteadof {
        /// The trait and method kept.
        method: TraitMethodRef,
        /// The traits whose method is excluded.
        instead_of: Vec<Name>,
        /// The whole rule.
        span: Span,
    },
    /// `m as protected alias;`
    Alias {
        /// The method.
        method: TraitMethodRef,
        /// New visibility.
        modifiers: Modifiers,
        /// New name.
        alias: Option<Ident>,
        /// The whole rule.
        span: Span,
    },
}

/// `method` or `Trait::method`.
#[derive(Clone, Debug)]
pub struct TraitMethodRef {
    /// The trait, if given.
    pub trait_name: Option<Name>,
    /// The method.
    pub method: Ident,
}

/// `case NAME = value;` in an enum.
#[derive(Clone, Debug)]
pub struct EnumCase {
    /// Attributes.
    pub attrs: Vec<AttributeGroup>,
    /// The case name.
    pub name: Ident,
    /// Its value (backed enums).
    pub value: Option<ExprId>,
    /// The whole declaration.
    pub span: Span,
}
