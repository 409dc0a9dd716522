//! Statement nodes.

use super::{Bytes, ClassDecl, ExprId, FunctionDecl, Ident, Name, StmtId};
use crate::span::Span;

/// A statement and its span.
#[derive(Clone, Debug)]
pub struct Stmt {
    /// What it is.
    pub kind: StmtKind,
    /// Where it is.
    pub span: Span,
}

/// `if: ... endif;` versus `if { ... }`: kept so tools can print the source form back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockSyntax {
    /// Braces or a single statement.
    Normal,
    /// `:` ... `endif;` / `endwhile;` / ...
    Alternative,
}

/// Every kind of PHP statement.
#[derive(Clone, Debug)]
pub enum StmtKind {
    /// `expr;`
    Expr(ExprId),
    /// `echo a, b;` (also `<?= ... ?>`)
    Echo(Vec<ExprId>),
    /// Text outside PHP tags.
    InlineHtml(Bytes),
    /// `{ ... }`
    Block(Vec<StmtId>),
    /// `if`, with its `elseif`s and `else`.
    If {
        /// Condition.
        cond: ExprId,
        /// Then branch.
        then: StmtId,
        /// `elseif` branches.
        elseifs: Vec<ElseIf>,
        /// `else` branch.
        otherwise: Option<StmtId>,
        /// Which syntax.
        syntax: BlockSyntax,
    },
    /// `while (cond) body`
    While {
        /// Condition.
        cond: ExprId,
        /// Body.
        body: StmtId,
        /// Which syntax.
        syntax: BlockSyntax,
    },
    /// `do body while (cond);`
    DoWhile {
        /// Body.
        body: StmtId,
        /// Condition.
        cond: ExprId,
    },
    /// `for (init; cond; step) body`
    For {
        /// Initializers.
        init: Vec<ExprId>,
        /// Conditions (the last one decides).
        cond: Vec<ExprId>,
        /// Step expressions.
        step: Vec<ExprId>,
        /// Body.
        body: StmtId,
        /// Which syntax.
        syntax: BlockSyntax,
    },
    /// `foreach (expr as key => value) body`
    Foreach {
        /// The iterated value.
        expr: ExprId,
        /// Key target.
        key: Option<ExprId>,
        /// Value target (a variable, `list(...)` or `[...]`).
        value: ExprId,
        /// `as &$v`.
        by_ref: bool,
        /// Body.
        body: StmtId,
        /// Which syntax.
        syntax: BlockSyntax,
    },
    /// `switch (subject) { case ...: ... }`
    Switch {
        /// The subject.
        subject: ExprId,
        /// The cases.
        cases: Vec<SwitchCase>,
        /// Which syntax.
        syntax: BlockSyntax,
    },
    /// `break;`, `break 2;`
    Break(Option<ExprId>),
    /// `continue;`, `continue 2;`
    Continue(Option<ExprId>),
    /// `return;`, `return expr;`
    Return(Option<ExprId>),
    /// `global $a, $b;`
    Global(Vec<ExprId>),
    /// `static $a = 1, $b;`
    Static(Vec<StaticVar>),
    /// `unset($a, $b);`
    Unset(Vec<ExprId>),
    /// `try { } catch (...) { } finally { }`
    Try {
        /// Protected block.
        body: Vec<StmtId>,
        /// Catch clauses.
        catches: Vec<Catch>,
        /// `finally` block.
        finally: Option<Vec<StmtId>>,
    },
    /// `goto label;`
    Goto(Ident),
    /// `label:`
    Label(Ident),
    /// `declare(ticks=1) ...`
    Declare {
        /// The directives.
        directives: Vec<DeclareDirective>,
        /// The body, if any.
        body: DeclareBody,
    },
    /// `;`
    Nop,
    /// `__halt_compiler();`
    HaltCompiler,
    /// `namespace X;` or `namespace X { ... }`
    Namespace {
        /// The name (absent for the global namespace block).
        name: Option<Name>,
        /// The braced body, or `None` for the statement form.
        body: Option<Vec<StmtId>>,
    },
    /// `use A\B as C, D;`, `use function ...`, `use const ...`
    Use {
        /// Which table the names live in.
        kind: UseKind,
        /// The imports.
        uses: Vec<UseItem>,
    },
    /// `use A\{B, function c};`
    GroupUse {
        /// Which table (for items without their own kind).
        kind: UseKind,
        /// The common prefix.
        prefix: Name,
        /// The imports.
        uses: Vec<UseItem>,
    },
    /// `const A = 1, B = 2;`
    Const(Vec<ConstItem>),
    /// `function f() { ... }`
    Function(Box<FunctionDecl>),
    /// `class`, `interface`, `trait`, `enum`
    Class(Box<ClassDecl>),
}

/// One `elseif`.
#[derive(Clone, Debug)]
pub struct ElseIf {
    /// Condition.
    pub cond: ExprId,
    /// Branch.
    pub body: StmtId,
    /// The whole clause.
    pub span: Span,
}

/// One `case`/`default` of a switch.
#[derive(Clone, Debug)]
pub struct SwitchCase {
    /// The value; `None` for `default`.
    pub cond: Option<ExprId>,
    /// The statements.
    pub body: Vec<StmtId>,
    /// The whole case.
    pub span: Span,
}

/// One `static` variable.
#[derive(Clone, Debug)]
pub struct StaticVar {
    /// Name without `$`.
    pub name: Ident,
    /// Initializer.
    pub default: Option<ExprId>,
    /// The whole item.
    pub span: Span,
}

/// One `catch (A | B $e) { ... }`.
#[derive(Clone, Debug)]
pub struct Catch {
    /// Caught classes.
    pub types: Vec<Name>,
    /// The variable (optional since PHP 8).
    pub var: Option<Ident>,
    /// The block.
    pub body: Vec<StmtId>,
    /// The whole clause.
    pub span: Span,
}

/// One `name=value` of `declare`.
#[derive(Clone, Debug)]
pub struct DeclareDirective {
    /// The directive name.
    pub name: Ident,
    /// Its value.
    pub value: ExprId,
}

/// What follows `declare(...)`.
#[derive(Clone, Debug)]
pub enum DeclareBody {
    /// `declare(...);`
    None,
    /// `declare(...) stmt`, `declare(...) { ... }`
    Stmt(StmtId),
    /// `declare(...): ... enddeclare;`
    Alternative(Vec<StmtId>),
}

/// Which symbol table a `use` imports from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UseKind {
    /// Classes and namespaces.
    Normal,
    /// `use function`
    Function,
    /// `use const`
    Const,
}

/// One import.
#[derive(Clone, Debug)]
pub struct UseItem {
    /// Per-item kind inside a mixed group use; else the statement's kind.
    pub kind: UseKind,
    /// The imported name.
    pub name: Name,
    /// `as alias`.
    pub alias: Option<Ident>,
    /// The whole item.
    pub span: Span,
}

/// One `NAME = value` of `const` (top-level or class).
#[derive(Clone, Debug)]
pub struct ConstItem {
    /// The constant's name.
    pub name: Ident,
    /// Its value.
    pub value: ExprId,
    /// The whole item.
    pub span: Span,
}
