//! Token kinds, as the parser sees them, and how PHP names each one in a syntax error.
//!
//! The table below is the single place that lists every kind. Its second column is PHP's own
//! description of the token (`%token` aliases of php-src's grammar): a *fixed* token prints as
//! `token "X"` when unexpected and `"X"` when expected; a *valued* one prints its description
//! followed by its text (`identifier "foo"`) when unexpected and the description alone when
//! expected. Whitespace, comments and open tags never reach the parser, as in PHP's parser mode.

use crate::span::Span;

/// How a token kind is described in a syntax error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Describe {
    /// Always the same text: `token "X"` / `"X"`.
    Fixed(&'static str),
    /// A description plus the token's text: `identifier "foo"` / `identifier`.
    Valued(&'static str),
}

macro_rules! token_table {
    ($($(#[$doc:meta])* $name:ident => $describe:ident($text:literal),)*) => {
        /// The kind of a token.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum TokenKind {
            $($(#[$doc])* $name,)*
        }

        impl TokenKind {
            /// PHP's description of this kind in syntax errors.
            pub fn describe(self) -> Describe {
                match self {
                    $(TokenKind::$name => Describe::$describe($text),)*
                }
            }

            /// The variant's name, for token dumps.
            pub fn name(self) -> &'static str {
                match self {
                    $(TokenKind::$name => stringify!($name),)*
                }
            }
        }
    };
}

token_table! {
    /// End of input.
    Eof => Fixed("end of file"),
    /// A lexer error; its message is in the lexer's error list.
    Error => Fixed("error"),
    LNumber => Valued("integer"),
    DNumber => Valued("floating-point number"),
    /// `T_STRING`: an unqualified identifier.
    Ident => Valued("identifier"),
    NameFullyQualified => Valued("fully qualified name"),
    NameRelative => Valued("namespace-relative name"),
    NameQualified => Valued("namespaced name"),
    Variable => Valued("variable"),
    InlineHtml => Valued("T_INLINE_HTML"),
    EncapsedAndWhitespace => Valued("string content"),
    ConstantEncapsedString => Valued("quoted string"),
    StringVarname => Valued("variable name"),
    NumString => Valued("number"),
    BadCharacter => Valued("invalid character"),
    StartHeredoc => Valued("heredoc start"),
    EndHeredoc => Valued("heredoc end"),
    Include => Fixed("include"),
    IncludeOnce => Fixed("include_once"),
    Eval => Fixed("eval"),
    Require => Fixed("require"),
    RequireOnce => Fixed("require_once"),
    LogicalOr => Fixed("or"),
    LogicalXor => Fixed("xor"),
    LogicalAnd => Fixed("and"),
    Print => Fixed("print"),
    Yield => Fixed("yield"),
    YieldFrom => Fixed("yield from"),
    Instanceof => Fixed("instanceof"),
    New => Fixed("new"),
    Clone => Fixed("clone"),
    Exit => Fixed("exit"),
    If => Fixed("if"),
    Elseif => Fixed("elseif"),
    Else => Fixed("else"),
    Endif => Fixed("endif"),
    Echo => Fixed("echo"),
    Do => Fixed("do"),
    While => Fixed("while"),
    Endwhile => Fixed("endwhile"),
    For => Fixed("for"),
    Endfor => Fixed("endfor"),
    Foreach => Fixed("foreach"),
    Endforeach => Fixed("endforeach"),
    Declare => Fixed("declare"),
    Enddeclare => Fixed("enddeclare"),
    As => Fixed("as"),
    Switch => Fixed("switch"),
    Endswitch => Fixed("endswitch"),
    Case => Fixed("case"),
    Default => Fixed("default"),
    Match => Fixed("match"),
    Break => Fixed("break"),
    Continue => Fixed("continue"),
    Goto => Fixed("goto"),
    Function => Fixed("function"),
    Fn => Fixed("fn"),
    Const => Fixed("const"),
    Return => Fixed("return"),
    Try => Fixed("try"),
    Catch => Fixed("catch"),
    Finally => Fixed("finally"),
    Throw => Fixed("throw"),
    Use => Fixed("use"),
    Insteadof => Fixed("insteadof"),
    Global => Fixed("global"),
    Static => Fixed("static"),
    Abstract => Fixed("abstract"),
    Final => Fixed("final"),
    Private => Fixed("private"),
    Protected => Fixed("protected"),
    Public => Fixed("public"),
    Readonly => Fixed("readonly"),
    Var => Fixed("var"),
    Unset => Fixed("unset"),
    Isset => Fixed("isset"),
    Empty => Fixed("empty"),
    HaltCompiler => Fixed("__halt_compiler"),
    Class => Fixed("class"),
    Trait => Fixed("trait"),
    Interface => Fixed("interface"),
    Enum => Fixed("enum"),
    Extends => Fixed("extends"),
    Implements => Fixed("implements"),
    Namespace => Fixed("namespace"),
    List => Fixed("list"),
    Array => Fixed("array"),
    Callable => Fixed("callable"),
    LineC => Fixed("__LINE__"),
    FileC => Fixed("__FILE__"),
    DirC => Fixed("__DIR__"),
    ClassC => Fixed("__CLASS__"),
    TraitC => Fixed("__TRAIT__"),
    MethodC => Fixed("__METHOD__"),
    FuncC => Fixed("__FUNCTION__"),
    NsC => Fixed("__NAMESPACE__"),
    Attribute => Fixed("#["),
    PlusEqual => Fixed("+="),
    MinusEqual => Fixed("-="),
    MulEqual => Fixed("*="),
    DivEqual => Fixed("/="),
    ConcatEqual => Fixed(".="),
    ModEqual => Fixed("%="),
    AndEqual => Fixed("&="),
    OrEqual => Fixed("|="),
    XorEqual => Fixed("^="),
    SlEqual => Fixed("<<="),
    SrEqual => Fixed(">>="),
    CoalesceEqual => Fixed("??="),
    BooleanOr => Fixed("||"),
    BooleanAnd => Fixed("&&"),
    IsEqual => Fixed("=="),
    IsNotEqual => Fixed("!="),
    IsIdentical => Fixed("==="),
    IsNotIdentical => Fixed("!=="),
    IsSmallerOrEqual => Fixed("<="),
    IsGreaterOrEqual => Fixed(">="),
    Spaceship => Fixed("<=>"),
    Sl => Fixed("<<"),
    Sr => Fixed(">>"),
    Inc => Fixed("++"),
    Dec => Fixed("--"),
    IntCast => Fixed("(int)"),
    DoubleCast => Fixed("(double)"),
    StringCast => Fixed("(string)"),
    ArrayCast => Fixed("(array)"),
    ObjectCast => Fixed("(object)"),
    BoolCast => Fixed("(bool)"),
    UnsetCast => Fixed("(unset)"),
    ObjectOperator => Fixed("->"),
    NullsafeObjectOperator => Fixed("?->"),
    DoubleArrow => Fixed("=>"),
    DollarOpenCurlyBraces => Fixed("${"),
    CurlyOpen => Fixed("{$"),
    DoubleColon => Fixed("::"),
    NsSeparator => Fixed("\\"),
    Ellipsis => Fixed("..."),
    Coalesce => Fixed("??"),
    Pow => Fixed("**"),
    PowEqual => Fixed("**="),
    /// `&` followed by a variable or `...` (by-reference parameter or argument).
    AmpersandFollowedByVarOrVararg => Fixed("&"),
    /// Any other `&` (bitwise and, by-reference return).
    Ampersand => Fixed("&"),
    Semicolon => Fixed(";"),
    Colon => Fixed(":"),
    Comma => Fixed(","),
    Dot => Fixed("."),
    Pipe => Fixed("|"),
    Caret => Fixed("^"),
    Plus => Fixed("+"),
    Minus => Fixed("-"),
    Slash => Fixed("/"),
    Star => Fixed("*"),
    Equals => Fixed("="),
    Percent => Fixed("%"),
    Bang => Fixed("!"),
    Tilde => Fixed("~"),
    Dollar => Fixed("$"),
    Lt => Fixed("<"),
    Gt => Fixed(">"),
    Question => Fixed("?"),
    At => Fixed("@"),
    LBracket => Fixed("["),
    RBracket => Fixed("]"),
    LParen => Fixed("("),
    RParen => Fixed(")"),
    LBrace => Fixed("{"),
    RBrace => Fixed("}"),
    DoubleQuote => Fixed("\""),
    Backtick => Fixed("`"),
}

/// One token: its kind and where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

const _: () = assert!(std::mem::size_of::<Token>() == 12);

/// Looks up a keyword, given its text already lowercased; `None` for an ordinary identifier.
pub fn keyword(lower: &[u8]) -> Option<TokenKind> {
    use TokenKind::*;
    Some(match lower {
        b"abstract" => Abstract,
        b"and" => LogicalAnd,
        b"array" => Array,
        b"as" => As,
        b"break" => Break,
        b"callable" => Callable,
        b"case" => Case,
        b"catch" => Catch,
        b"class" => Class,
        b"clone" => Clone,
        b"const" => Const,
        b"continue" => Continue,
        b"declare" => Declare,
        b"default" => Default,
        b"die" | b"exit" => Exit,
        b"do" => Do,
        b"echo" => Echo,
        b"else" => Else,
        b"elseif" => Elseif,
        b"empty" => Empty,
        b"enddeclare" => Enddeclare,
        b"endfor" => Endfor,
        b"endforeach" => Endforeach,
        b"endif" => Endif,
        b"endswitch" => Endswitch,
        b"endwhile" => Endwhile,
        b"enum" => Enum,
        b"eval" => Eval,
        b"extends" => Extends,
        b"final" => Final,
        b"finally" => Finally,
        b"fn" => Fn,
        b"for" => For,
        b"foreach" => Foreach,
        b"function" => Function,
        b"global" => Global,
        b"goto" => Goto,
        b"if" => If,
        b"implements" => Implements,
        b"include" => Include,
        b"include_once" => IncludeOnce,
        b"instanceof" => Instanceof,
        b"insteadof" => Insteadof,
        b"interface" => Interface,
        b"isset" => Isset,
        b"list" => List,
        b"match" => Match,
        b"namespace" => Namespace,
        b"new" => New,
        b"or" => LogicalOr,
        b"print" => Print,
        b"private" => Private,
        b"protected" => Protected,
        b"public" => Public,
        b"readonly" => Readonly,
        b"require" => Require,
        b"require_once" => RequireOnce,
        b"return" => Return,
        b"static" => Static,
        b"switch" => Switch,
        b"throw" => Throw,
        b"trait" => Trait,
        b"try" => Try,
        b"unset" => Unset,
        b"use" => Use,
        b"var" => Var,
        b"while" => While,
        b"xor" => LogicalXor,
        b"yield" => Yield,
        b"__halt_compiler" => HaltCompiler,
        b"__class__" => ClassC,
        b"__trait__" => TraitC,
        b"__function__" => FuncC,
        b"__method__" => MethodC,
        b"__line__" => LineC,
        b"__file__" => FileC,
        b"__dir__" => DirC,
        b"__namespace__" => NsC,
        _ => return None,
    })
}

impl TokenKind {
    /// Whether this kind is a keyword usable as a member name (`semi_reserved` in PHP's
    /// grammar): after `::`, `->`, in method, constant and enum case declarations.
    pub fn is_semi_reserved(self) -> bool {
        use TokenKind::*;
        matches!(
            self,
            Include
                | IncludeOnce
                | Eval
                | Require
                | RequireOnce
                | LogicalOr
                | LogicalXor
                | LogicalAnd
                | Instanceof
                | New
                | Clone
                | Exit
                | If
                | Elseif
                | Else
                | Endif
                | Echo
                | Do
                | While
                | Endwhile
                | For
                | Endfor
                | Foreach
                | Endforeach
                | Declare
                | Enddeclare
                | As
                | Try
                | Catch
                | Finally
                | Throw
                | Use
                | Insteadof
                | Global
                | Var
                | Unset
                | Isset
                | Empty
                | Continue
                | Goto
                | Function
                | Const
                | Return
                | Print
                | Yield
                | List
                | Switch
                | Endswitch
                | Case
                | Default
                | Break
                | Array
                | Callable
                | Extends
                | Implements
                | Namespace
                | Trait
                | Interface
                | Class
                | ClassC
                | TraitC
                | FuncC
                | MethodC
                | LineC
                | FileC
                | DirC
                | NsC
                | Fn
                | Match
                | Enum
                | Static
                | Abstract
                | Final
                | Private
                | Protected
                | Public
                | Readonly
        )
    }

    /// Whether this kind is a reserved keyword that may also appear inside a namespaced name
    /// (`reserved_non_modifiers`): every semi-reserved keyword except the modifiers.
    pub fn is_reserved_non_modifier(self) -> bool {
        use TokenKind::*;
        self.is_semi_reserved()
            && !matches!(
                self,
                Static | Abstract | Final | Private | Protected | Public | Readonly
            )
    }
}
