//! The code generator: one pass over a function's statements ([`stmt`]), expressions
//! ([`expr`]) and the places they write ([`place`]).

use crate::CompileError;
use crate::bytecode::{
    BinOp, ClassDef, Const, Function, NONE, Op, Param, Program, Slot, TryRegion, UnOp,
};
use by_ref::RefParams;
use php_syntax::ast::{Ast, ExprId, ExprKind, FunctionDecl, NameKind, StmtId, StmtKind, UnaryOp};
use php_syntax::span::{LineIndex, Span};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Temporaries are numbered from this bit until the function is complete.
const TEMP: Slot = 1 << 31;

type Result<T> = std::result::Result<T, CompileError>;

/// Compiles a parsed file; `file` is its full path (for `__FILE__` and `__DIR__`);
/// `builtin_refs` names the by-reference parameters (0-based) of built-in functions.
pub fn compile(
    ast: &Ast,
    src: &[u8],
    file: &[u8],
    builtin_refs: &[(&str, &[usize])],
) -> Result<Program> {
    compile_unit(ast, src, file, builtin_refs, false)
}

/// [`compile`] for the code of `eval`, which returns `null` when it does not `return`.
pub fn compile_eval(
    ast: &Ast,
    src: &[u8],
    file: &[u8],
    builtin_refs: &[(&str, &[usize])],
) -> Result<Program> {
    compile_unit(ast, src, file, builtin_refs, true)
}

fn compile_unit(
    ast: &Ast,
    src: &[u8],
    file: &[u8],
    builtin_refs: &[(&str, &[usize])],
    eval: bool,
) -> Result<Program> {
    let lines = LineIndex::new(src);
    let mut functions = Vec::new();
    let mut classes = Vec::new();
    let mut main_body = Vec::new();
    // A top-level class is compiled once, and its declaration stays in the script's code:
    // the loader decides whether it is made then or when the declaration runs.
    let mut top_classes = HashMap::new();
    names::with_scopes(ast, &ast.top, |s, scope| match &ast.stmt(s).kind {
        StmtKind::Function(decl) => functions.push((decl.as_ref(), scope.clone())),
        StmtKind::Class(decl) => {
            top_classes.insert(s, classes.len() as u32);
            classes.push((decl.as_ref(), scope.clone()));
            main_body.push((s, scope.clone()));
        }
        _ => main_body.push((s, scope.clone())),
    });
    let mut names = HashMap::new();
    for (decl, scope) in &functions {
        let lower = scope.declare(&decl.name.name).to_ascii_lowercase();
        if let Some(line) = names.insert(lower, line_of(&lines, decl.span)) {
            return Err(CompileError {
                message: format!(
                    "Cannot redeclare {}() (previously declared in {}:{line})",
                    decl.name.text(),
                    String::from_utf8_lossy(file)
                ),
                line: line_of(&lines, decl.name.span),
                fatal: true,
            });
        }
    }
    // Which parameters of each function are by reference (call sites pass references there).
    let mut by_ref: HashMap<Vec<u8>, RefParams> = builtin_refs
        .iter()
        .map(|(name, refs)| {
            let n = refs.iter().max().map_or(0, |m| m + 1);
            let params = RefParams {
                refs: (0..n).map(|i| refs.contains(&i)).collect(),
                names: Vec::new(),
                rest_by_ref: false,
            };
            (name.as_bytes().to_vec(), params)
        })
        .collect();
    by_ref.extend(functions.iter().map(|(d, scope)| {
        let params = RefParams {
            refs: d.params.iter().map(|p| p.by_ref).collect(),
            names: d.params.iter().map(|p| p.name.name.clone()).collect(),
            rest_by_ref: d.params.last().is_some_and(|p| p.variadic && p.by_ref),
        };
        (scope.declare(&d.name.name).to_ascii_lowercase(), params)
    }));
    let unit = Unit {
        ast,
        lines: &lines,
        by_ref: &by_ref,
        file,
        closures: RefCell::new(Vec::new()),
        late: RefCell::new(Vec::new()),
        top_classes,
        strict: types::strict_types(ast),
        src,
    };
    let mut main_gen = Gen::new(&unit, b"{main}");
    main_gen.eval = eval;
    let main = main_gen.finish_main(&main_body)?;
    let functions = functions
        .into_iter()
        .map(|(d, scope)| {
            let mut g = Gen::new(&unit, &scope.declare(&d.name.name));
            g.scope = scope;
            g.function(d)
        })
        .collect::<Result<Vec<_>>>()?;
    let classes = classes
        .into_iter()
        .map(|(d, scope)| class::class(&unit, d, scope))
        .collect::<Result<Vec<ClassDef>>>()?;
    Ok(Program {
        main,
        functions,
        classes,
        closures: unit.closures.into_inner(),
        late: unit.late.into_inner(),
    })
}

/// Whether a variable name is one of PHP's superglobals (visible in every function).
pub(super) fn is_superglobal(name: &[u8]) -> bool {
    matches!(
        name,
        b"_SERVER"
            | b"_GET"
            | b"_POST"
            | b"_COOKIE"
            | b"_FILES"
            | b"_ENV"
            | b"_REQUEST"
            | b"_SESSION"
    )
}

fn line_of(lines: &LineIndex, span: Span) -> u32 {
    lines.line(span.start)
}

/// Where `break` and `continue` of one loop (or `switch`) jump.
struct LoopCtx {
    /// A `switch`, which `break` leaves but `continue` does not target yet.
    is_switch: bool,
    /// Jumps to patch to the loop's end.
    breaks: Vec<usize>,
    /// Jumps to patch to the loop's continue point.
    continues: Vec<usize>,
}

/// What every function of a file is compiled with.
struct Unit<'a> {
    ast: &'a Ast,
    lines: &'a LineIndex,
    /// The by-reference parameters of every function of the file, by lowercase name.
    by_ref: &'a HashMap<Vec<u8>, RefParams>,
    /// The file's full path.
    file: &'a [u8],
    /// The closures compiled so far (`Op::MakeClosure` names them by index).
    closures: RefCell<Vec<Function>>,
    /// The declarations inside blocks compiled so far (`Op::Declare` names them by index).
    late: RefCell<Vec<crate::bytecode::LateDecl>>,
    /// The top-level class declarations: their index in `Program::classes`.
    top_classes: HashMap<php_syntax::ast::StmtId, u32>,
    /// `declare(strict_types=1)`.
    strict: bool,
    /// The file's source (for the text of an asserted expression).
    src: &'a [u8],
}

struct Gen<'a> {
    unit: &'a Unit<'a>,
    ast: &'a Ast,
    /// The by-reference parameters of every function of the file, by lowercase name.
    by_ref: &'a HashMap<Vec<u8>, RefParams>,
    /// The file's full path.
    file: &'a [u8],
    lines: &'a LineIndex,
    f: Function,
    cv_of: HashMap<Box<[u8]>, Slot>,
    next_temp: Slot,
    max_temp: Slot,
    /// The highest temporary the statement being compiled used, plus one.
    stmt_high: Slot,
    /// The code of `eval` (it returns `null` by default).
    eval: bool,
    /// `label:` positions by name.
    labels: HashMap<Box<[u8]>, u32>,
    /// `goto` jumps to patch: the jump, the label and the line.
    gotos: Vec<(usize, Box<[u8]>, u32)>,
    /// The namespace and imports names resolve against.
    scope: Rc<names::Scope>,
    /// A function declared `function &f()`: `return $place` returns a reference.
    returns_ref: bool,
    /// The next call compiled is in a reference context (`=& f()`): it keeps a reference
    /// the callee returns.
    keep_ref_next: bool,
    loops: Vec<LoopCtx>,
    line: u32,
    /// The innermost `try` region of the code being emitted (`NONE`: none).
    region: u32,
    /// The `finally` blocks enclosing the code being emitted, innermost last, with the
    /// number of loops open where each starts (`return` runs them all; `break` those inside
    /// the loop it leaves).
    finallies: Vec<(&'a [StmtId], usize, u32)>,
}

impl<'a> Gen<'a> {
    fn new(unit: &'a Unit<'a>, name: &[u8]) -> Gen<'a> {
        Gen {
            unit,
            ast: unit.ast,
            by_ref: unit.by_ref,
            file: unit.file,
            lines: unit.lines,
            f: Function {
                name: name.into(),
                line: 1,
                params: Vec::new(),
                cvs: Vec::new(),
                slots: 0,
                ops: Vec::new(),
                lines: Vec::new(),
                constants: Vec::new(),
                class: None,
                this: None,
                try_of: Vec::new(),
                regions: Vec::<TryRegion>::new(),
                silences: Vec::new(),
                uses: Vec::new(),
                is_static: false,
                strict: unit.strict,
                ret: None,
                returns_ref: false,
                will_change: false,
            },
            cv_of: HashMap::new(),
            next_temp: 0,
            max_temp: 0,
            stmt_high: 0,
            eval: false,
            labels: HashMap::new(),
            gotos: Vec::new(),
            scope: Rc::default(),
            returns_ref: false,
            keep_ref_next: false,
            loops: Vec::new(),
            line: 1,
            region: NONE,
            finallies: Vec::new(),
        }
    }

    fn unsupported<T>(&self, what: &str) -> Result<T> {
        Err(CompileError {
            message: format!("{what} is not supported yet"),
            line: self.line,
            fatal: false,
        })
    }

    fn finish_main(mut self, body: &[(StmtId, Rc<names::Scope>)]) -> Result<Function> {
        for (s, scope) in body {
            self.scope = scope.clone();
            self.stmt(*s)?;
        }
        self.finish_checked()
    }

    /// [`finish`](Gen::finish) after the `goto` jumps are pointed at their labels.
    fn finish_checked(mut self) -> Result<Function> {
        for (at, label, line) in std::mem::take(&mut self.gotos) {
            let Some(&to) = self.labels.get(&label) else {
                return Err(CompileError {
                    message: format!(
                        "'goto' to undefined label '{}'",
                        String::from_utf8_lossy(&label)
                    ),
                    line,
                    fatal: true,
                });
            };
            self.patch(at, to);
        }
        Ok(self.finish())
    }

    /// Compiles a function, or a method (`this`: one that is not static, whose `$this` gets a
    /// slot after the parameters).
    fn function(self, decl: &'a FunctionDecl) -> Result<Function> {
        self.function_with(decl, false)
    }

    fn function_with(mut self, decl: &'a FunctionDecl, this: bool) -> Result<Function> {
        self.line = line_of(self.lines, decl.span);
        self.f.line = self.line;
        self.returns_ref = decl.by_ref;
        self.f.returns_ref = decl.by_ref;
        self.f.will_change = decl.attrs.iter().flat_map(|g| &g.attrs).any(|a| {
            let full = self.scope.class(&a.name);
            full.strip_prefix(b"\\")
                .unwrap_or(&full)
                .eq_ignore_ascii_case(b"ReturnTypeWillChange")
        });
        self.params(&decl.params)?;
        self.f.ret = self.return_type(decl.return_type.as_ref())?;
        self.function_rest(decl, this)
    }

    /// Compiles parameters: their slots come first, in order.
    fn params(&mut self, params: &'a [php_syntax::ast::Param]) -> Result<()> {
        let last_required = params
            .iter()
            .rposition(|p| p.default.is_none() && !p.variadic);
        for (i, p) in params.iter().enumerate() {
            let mut default = match p.default {
                Some(e) => Some(self.constant_expr(e)?),
                None => None,
            };
            let default_name = p.default.and_then(|e| match &self.ast.expr(e).kind {
                ExprKind::Constant(n)
                    if !matches!(
                        &n.text.to_ascii_lowercase()[..],
                        b"true" | b"false" | b"null"
                    ) =>
                {
                    Some(self.scope.constant(n))
                }
                _ => None,
            });
            let ty = self.param_type(p, &mut default)?;
            // An optional parameter before a required one is required (PHP deprecates the
            // form at compile time); its default is dropped.
            let optional = last_required.is_none_or(|r| i > r);
            let default = default.filter(|_| optional).map(|k| self.constant(k));
            if self.cv_of.contains_key(&p.name.name) {
                return Err(CompileError {
                    message: format!("Redefinition of parameter ${}", p.name.text()),
                    line: line_of(self.lines, p.span),
                    fatal: true,
                });
            }
            self.cv(&p.name.name);
            let sensitive = p.attrs.iter().flat_map(|g| &g.attrs).any(|a| {
                let full = self.scope.class(&a.name);
                full.strip_prefix(b"\\")
                    .unwrap_or(&full)
                    .eq_ignore_ascii_case(b"SensitiveParameter")
            });
            self.f.params.push(Param {
                name: p.name.name.clone(),
                default,
                by_ref: p.by_ref,
                variadic: p.variadic,
                ty,
                sensitive,
                default_name,
            });
        }
        if self.f.params.iter().any(|p| p.ty.is_some()) {
            self.emit(Op::RecvTyped);
        }
        Ok(())
    }

    fn function_rest(mut self, decl: &'a FunctionDecl, this: bool) -> Result<Function> {
        if this {
            self.f.this = Some(self.cv(b"this"));
        }
        // Promoted constructor parameters: `$this->name = $name;` first.
        for p in decl.params.iter().filter(|p| p.modifiers.flags != 0) {
            let cv = self.cv(&p.name.name);
            let (Some(obj), name) = (
                self.f.this,
                self.load_const(Const::Str(p.name.name.clone())),
            ) else {
                break;
            };
            let t = self.temp();
            if p.by_ref {
                // `public array &$a`: the property and the parameter share the reference.
                self.emit(Op::MakeRef { dst: t, cv });
                self.emit(Op::AssignRefProp { obj, name, src: t });
            } else {
                self.emit(Op::Load { dst: t, cv });
                self.emit(Op::AssignProp { obj, name, val: t });
            }
            self.next_temp = 0;
        }
        let body = decl.body.as_deref().unwrap_or(&[]);
        self.bind_superglobals(body.iter().map(|&s| php_syntax::visit::Child::Stmt(s)));
        for &s in body {
            self.stmt(s)?;
        }
        if decl.body.is_some() {
            self.implicit_return(Some(decl.span));
            if self.returns_ref {
                // The implicit `return null;` returns no variable.
                self.line = self.lines.line(decl.span.end.saturating_sub(1));
                let src = self.load_const(Const::Null);
                self.emit(Op::Ref(crate::bytecode::RefOp::Expect {
                    src,
                    need: crate::bytecode::RefNeed::Returned,
                }));
            }
        }
        self.finish_checked()
    }

    /// In a function: binds the superglobals (`$_SERVER`...) the code uses to the globals,
    /// first thing.
    pub(super) fn bind_superglobals(
        &mut self,
        roots: impl Iterator<Item = php_syntax::visit::Child>,
    ) {
        let mut found: Vec<Box<[u8]>> = Vec::new();
        for root in roots {
            php_syntax::visit::walk_exprs(
                self.ast,
                root,
                |k| !matches!(k, ExprKind::Closure(_) | ExprKind::ArrowFunction(_)),
                |_, k| {
                    if let ExprKind::Variable(n) = k
                        && is_superglobal(n)
                        && !found.contains(n)
                    {
                        found.push(n.clone());
                    }
                },
            );
        }
        for n in found {
            let cv = self.cv(&n);
            let name = self.constant(Const::Str(n));
            self.emit(Op::BindGlobal { cv, name });
        }
    }

    /// Ends the function with `return null;` and moves temporaries above the variables.
    fn finish(mut self) -> Function {
        // A file's code returns 1 (what `include` gives); a function returns `null`.
        let k = if &self.f.name[..] == b"{main}" && !self.eval {
            self.constant(Const::Int(1))
        } else {
            self.constant(Const::Null)
        };
        let t = self.temp();
        self.emit(Op::Const { dst: t, k });
        self.emit(Op::Return { src: t });
        let base = self.f.cvs.len() as Slot;
        let fix = |s: &mut Slot| {
            if *s & TEMP != 0 {
                *s = base + (*s & !TEMP);
            }
        };
        for op in &mut self.f.ops {
            op.for_each_slot(fix);
        }
        for r in &mut self.f.regions {
            if let Some((_, slot)) = &mut r.finally {
                fix(slot);
            }
        }
        self.f.slots = base + self.max_temp;
        self.f
    }

    fn emit(&mut self, op: Op) -> usize {
        self.f.ops.push(op);
        self.f.lines.push(self.line);
        self.f.try_of.push(self.region);
        self.f.ops.len() - 1
    }

    fn here(&self) -> u32 {
        self.f.ops.len() as u32
    }

    /// Points the jump at `at` to `to`.
    fn patch(&mut self, at: usize, to: u32) {
        match &mut self.f.ops[at] {
            Op::Jump { to: t }
            | Op::JumpIf { to: t, .. }
            | Op::JumpIfNot { to: t, .. }
            | Op::JumpIfNotNull { to: t, .. }
            | Op::IterInit { exit: t, .. }
            | Op::IterNext { exit: t, .. }
            | Op::IterInitRef { exit: t, .. }
            | Op::IterNextRef { exit: t, .. } => *t = to,
            op => unreachable!("patching {op:?}"),
        }
    }

    fn constant(&mut self, k: Const) -> u32 {
        if let Some(i) = self.f.constants.iter().position(|c| *c == k) {
            return i as u32;
        }
        self.f.constants.push(k);
        self.f.constants.len() as u32 - 1
    }

    fn cv(&mut self, name: &[u8]) -> Slot {
        if let Some(&s) = self.cv_of.get(name) {
            return s;
        }
        let s = self.f.cvs.len() as Slot;
        self.f.cvs.push(name.into());
        self.cv_of.insert(name.into(), s);
        s
    }

    fn temp(&mut self) -> Slot {
        let t = self.next_temp;
        self.next_temp += 1;
        self.max_temp = self.max_temp.max(self.next_temp);
        self.stmt_high = self.stmt_high.max(self.next_temp);
        TEMP | t
    }

    /// A value known at compile time (parameter defaults).
    fn constant_expr(&mut self, e: ExprId) -> Result<Const> {
        let expr = self.ast.expr(e);
        Ok(match &expr.kind {
            ExprKind::Int(i) => Const::Int(*i),
            ExprKind::Float(f) => Const::Float(*f),
            ExprKind::String(s) => Const::Str(s.clone()),
            ExprKind::Constant(name) => match self.named_constant(name)? {
                Some(k) => k,
                None => Const::Named(self.scope.constant(name)),
            },
            ExprKind::Binary { op, left, right } => {
                use php_syntax::ast::BinaryOp as B;
                let (op, swap) = match op {
                    B::Greater => (BinOp::Less, true),
                    B::GreaterEqual => (BinOp::LessEqual, true),
                    B::Equal => (BinOp::Equal, false),
                    B::NotEqual => (BinOp::NotEqual, false),
                    B::Identical => (BinOp::Identical, false),
                    B::NotIdentical => (BinOp::NotIdentical, false),
                    B::Less => (BinOp::Less, false),
                    B::LessEqual => (BinOp::LessEqual, false),
                    B::Spaceship => (BinOp::Spaceship, false),
                    B::LogicalXor => (BinOp::Xor, false),
                    B::And | B::LogicalAnd | B::Or | B::LogicalOr | B::Coalesce => {
                        // Short-circuit operators: a ternary of constants.
                        let (a, b) = (self.constant_expr(*left)?, self.constant_expr(*right)?);
                        let t = match op {
                            B::And | B::LogicalAnd => (
                                a,
                                Some(Const::Unary(UnOp::Bool, Box::new(b))),
                                Const::Bool(false),
                            ),
                            B::Coalesce => {
                                (Const::Unary(UnOp::IsSet, Box::new(a.clone())), Some(a), b)
                            }
                            _ => (
                                a,
                                Some(Const::Bool(true)),
                                Const::Unary(UnOp::Bool, Box::new(b)),
                            ),
                        };
                        return Ok(Const::Ternary(Box::new(t)));
                    }
                    other => match expr::arith_op(*other) {
                        Some(o) => (o, false),
                        None => return self.unsupported("this constant expression"),
                    },
                };
                let (a, b) = (self.constant_expr(*left)?, self.constant_expr(*right)?);
                let pair = if swap { [b, a] } else { [a, b] };
                Const::Binary(op, Box::new(pair))
            }
            ExprKind::Unary { op, expr: inner } if *op != UnaryOp::Neg => {
                let op = match op {
                    UnaryOp::Not => UnOp::Not,
                    UnaryOp::Plus => UnOp::Plus,
                    UnaryOp::BitNot => UnOp::BitNot,
                    _ => return self.unsupported("this constant expression"),
                };
                Const::Unary(op, Box::new(self.constant_expr(*inner)?))
            }
            ExprKind::ArrayDim {
                base,
                dim: Some(dim),
            } => {
                let (a, k) = (self.constant_expr(*base)?, self.constant_expr(*dim)?);
                Const::Dim(Box::new([a, k]))
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                let c = self.constant_expr(*cond)?;
                let t = match then {
                    Some(t) => Some(self.constant_expr(*t)?),
                    None => None,
                };
                let o = self.constant_expr(*otherwise)?;
                Const::Ternary(Box::new((c, t, o)))
            }
            ExprKind::MagicConstant(_) => {
                // The same value as in code.
                let t = self.expr(e)?;
                let _ = t;
                match self.f.ops.last() {
                    Some(Op::Const { k, .. }) => self.f.constants[*k as usize].clone(),
                    _ => return self.unsupported("this constant expression"),
                }
            }
            ExprKind::Array { items, .. } => {
                let mut list = Vec::new();
                for item in items {
                    let Some(item) = item else {
                        return self.unsupported("this constant expression");
                    };
                    if item.by_ref {
                        return self.unsupported("this constant expression");
                    }
                    if item.unpack {
                        let v = self.constant_expr(item.value)?;
                        list.push((None, Const::Spread(Box::new(v))));
                        continue;
                    }
                    let key = match item.key {
                        Some(k) => Some(self.constant_expr(k)?),
                        None => None,
                    };
                    list.push((key, self.constant_expr(item.value)?));
                }
                Const::Array(list)
            }
            ExprKind::ClassConstant {
                class: php_syntax::ast::ClassRef::Name(class),
                name,
            } => {
                let class = match (&class.text.to_ascii_lowercase()[..], &self.f.class) {
                    (b"self" | b"static", Some(c)) => c.clone(),
                    _ => self.scope.class(class),
                };
                if name.name.eq_ignore_ascii_case(b"class") {
                    Const::Str(class)
                } else {
                    Const::ClassConst(class, name.name.clone())
                }
            }
            ExprKind::Unary {
                op: UnaryOp::Neg,
                expr: inner,
            } => match self.constant_expr(*inner)? {
                Const::Int(i) => i
                    .checked_neg()
                    .map_or(Const::Float(-(i as f64)), Const::Int),
                Const::Float(f) => Const::Float(-f),
                other => Const::Unary(UnOp::Neg, Box::new(other)),
            },
            _ => return self.unsupported("this constant expression"),
        })
    }

    /// The predefined constants known so far.
    fn named_constant(&self, name: &php_syntax::ast::Name) -> Result<Option<Const>> {
        if name.kind == NameKind::Relative || name.kind == NameKind::Qualified {
            return Ok(None);
        }
        // In a file that ends with `__halt_compiler();`, where its data starts.
        if &name.text[..] == b"__COMPILER_HALT_OFFSET__"
            && let Some(&last) = self.ast.top.last()
            && matches!(self.ast.stmt(last).kind, StmtKind::HaltCompiler)
            && let Some(offset) = self.ast.halt_offset
        {
            return Ok(Some(Const::Int(i64::from(offset))));
        }
        let lower = name.text.to_ascii_lowercase();
        Ok(Some(match &lower[..] {
            b"true" => Const::Bool(true),
            b"false" => Const::Bool(false),
            b"null" => Const::Null,
            _ => match &name.text[..] {
                b"PHP_EOL" => Const::Str(b"\n"[..].into()),
                b"PHP_INT_MAX" => Const::Int(i64::MAX),
                b"PHP_INT_MIN" => Const::Int(i64::MIN),
                b"PHP_INT_SIZE" => Const::Int(8),
                b"PHP_FLOAT_EPSILON" => Const::Float(f64::EPSILON),
                b"PHP_FLOAT_MAX" => Const::Float(f64::MAX),
                b"PHP_FLOAT_MIN" => Const::Float(f64::MIN_POSITIVE),
                b"NAN" => Const::Float(f64::NAN),
                b"INF" => Const::Float(f64::INFINITY),
                b"M_PI" => Const::Float(std::f64::consts::PI),
                b"M_E" => Const::Float(std::f64::consts::E),
                b"PHP_VERSION" => Const::Str(b"8.2.32"[..].into()),
                b"PHP_MAJOR_VERSION" => Const::Int(8),
                b"PHP_MINOR_VERSION" => Const::Int(2),
                b"PHP_RELEASE_VERSION" => Const::Int(32),
                b"PHP_VERSION_ID" => Const::Int(80232),
                b"PHP_OS" | b"PHP_OS_FAMILY" => Const::Str(b"Linux"[..].into()),
                b"STR_PAD_LEFT" => Const::Int(0),
                b"STR_PAD_RIGHT" => Const::Int(1),
                b"STR_PAD_BOTH" => Const::Int(2),
                b"E_ALL" => Const::Int(32767),
                b"INFO_GENERAL" => Const::Int(1),
                b"INFO_CREDITS" => Const::Int(2),
                b"INFO_CONFIGURATION" => Const::Int(4),
                b"INFO_MODULES" => Const::Int(8),
                b"INFO_ENVIRONMENT" => Const::Int(16),
                b"INFO_VARIABLES" => Const::Int(32),
                b"INFO_LICENSE" => Const::Int(64),
                b"INFO_ALL" => Const::Int(4294967295),
                b"E_ERROR" => Const::Int(1),
                b"E_WARNING" => Const::Int(2),
                b"E_NOTICE" => Const::Int(8),
                b"E_DEPRECATED" => Const::Int(8192),
                b"E_STRICT" => Const::Int(2048),
                b"E_USER_ERROR" => Const::Int(256),
                b"E_USER_WARNING" => Const::Int(512),
                b"E_USER_NOTICE" => Const::Int(1024),
                b"E_USER_DEPRECATED" => Const::Int(16384),
                b"M_SQRT2" => Const::Float(std::f64::consts::SQRT_2),
                b"M_SQRT1_2" => Const::Float(std::f64::consts::FRAC_1_SQRT_2),
                b"M_LN2" => Const::Float(std::f64::consts::LN_2),
                b"M_LN10" => Const::Float(std::f64::consts::LN_10),
                b"M_LOG2E" => Const::Float(std::f64::consts::LOG2_E),
                b"M_LOG10E" => Const::Float(std::f64::consts::LOG10_E),
                b"M_PI_2" => Const::Float(std::f64::consts::FRAC_PI_2),
                b"M_PI_4" => Const::Float(std::f64::consts::FRAC_PI_4),
                b"M_1_PI" => Const::Float(std::f64::consts::FRAC_1_PI),
                b"M_2_PI" => Const::Float(std::f64::consts::FRAC_2_PI),
                b"E_PARSE" => Const::Int(4),
                b"E_CORE_ERROR" => Const::Int(16),
                b"E_CORE_WARNING" => Const::Int(32),
                b"E_COMPILE_ERROR" => Const::Int(64),
                b"E_COMPILE_WARNING" => Const::Int(128),
                b"E_RECOVERABLE_ERROR" => Const::Int(4096),
                b"SORT_REGULAR" => Const::Int(0),
                b"SORT_NUMERIC" => Const::Int(1),
                b"SORT_STRING" => Const::Int(2),
                b"SORT_LOCALE_STRING" => Const::Int(5),
                b"SORT_NATURAL" => Const::Int(6),
                b"SORT_FLAG_CASE" => Const::Int(8),
                b"SORT_ASC" => Const::Int(4),
                b"SORT_DESC" => Const::Int(3),
                b"COUNT_NORMAL" => Const::Int(0),
                b"COUNT_RECURSIVE" => Const::Int(1),
                b"ARRAY_FILTER_USE_BOTH" => Const::Int(1),
                b"ARRAY_FILTER_USE_KEY" => Const::Int(2),
                b"MT_RAND_MT19937" => Const::Int(0),
                b"MT_RAND_PHP" => Const::Int(1),
                b"PHP_ROUND_HALF_UP" => Const::Int(1),
                b"PHP_ROUND_HALF_DOWN" => Const::Int(2),
                b"PHP_ROUND_HALF_EVEN" => Const::Int(3),
                b"PHP_ROUND_HALF_ODD" => Const::Int(4),
                b"ENT_COMPAT" => Const::Int(2),
                b"ENT_QUOTES" => Const::Int(3),
                b"ENT_NOQUOTES" => Const::Int(0),
                b"ENT_HTML401" => Const::Int(0),
                b"ENT_XML1" => Const::Int(16),
                b"ENT_XHTML" => Const::Int(32),
                b"ENT_HTML5" => Const::Int(48),
                b"ENT_IGNORE" => Const::Int(4),
                b"ENT_SUBSTITUTE" => Const::Int(8),
                b"ENT_DISALLOWED" => Const::Int(128),
                b"PHP_MAXPATHLEN" => Const::Int(4096),
                b"PHP_DEBUG" => Const::Int(0),
                b"PHP_ZTS" => Const::Int(0),
                b"PHP_EXTRA_VERSION" => Const::Str(b""[..].into()),
                b"PHP_SAPI" => Const::Str(b"cli"[..].into()),
                b"DIRECTORY_SEPARATOR" => Const::Str(b"/"[..].into()),
                b"PATH_SEPARATOR" => Const::Str(b":"[..].into()),
                b"PHP_FLOAT_DIG" => Const::Int(15),
                b"FILE_USE_INCLUDE_PATH" => Const::Int(1),
                b"FILE_IGNORE_NEW_LINES" => Const::Int(2),
                b"FILE_SKIP_EMPTY_LINES" => Const::Int(4),
                b"FILE_APPEND" => Const::Int(8),
                b"FILE_NO_DEFAULT_CONTEXT" => Const::Int(16),
                b"LOCK_SH" => Const::Int(1),
                b"LOCK_EX" => Const::Int(2),
                b"LOCK_UN" => Const::Int(3),
                b"LOCK_NB" => Const::Int(4),
                b"SEEK_SET" => Const::Int(0),
                b"SEEK_CUR" => Const::Int(1),
                b"SEEK_END" => Const::Int(2),
                b"PATHINFO_DIRNAME" => Const::Int(1),
                b"PATHINFO_BASENAME" => Const::Int(2),
                b"PATHINFO_EXTENSION" => Const::Int(4),
                b"PATHINFO_FILENAME" => Const::Int(8),
                b"PATHINFO_ALL" => Const::Int(15),
                b"GLOB_ERR" => Const::Int(1),
                b"GLOB_MARK" => Const::Int(2),
                b"GLOB_NOSORT" => Const::Int(4),
                b"GLOB_NOCHECK" => Const::Int(16),
                b"GLOB_NOESCAPE" => Const::Int(64),
                b"GLOB_BRACE" => Const::Int(1024),
                b"GLOB_ONLYDIR" => Const::Int(8192),
                b"GLOB_AVAILABLE_FLAGS" => Const::Int(9303),
                b"SCANDIR_SORT_ASCENDING" => Const::Int(0),
                b"SCANDIR_SORT_DESCENDING" => Const::Int(1),
                b"SCANDIR_SORT_NONE" => Const::Int(2),
                b"PREG_PATTERN_ORDER" => Const::Int(1),
                b"PREG_SET_ORDER" => Const::Int(2),
                b"PREG_OFFSET_CAPTURE" => Const::Int(256),
                b"PREG_UNMATCHED_AS_NULL" => Const::Int(512),
                b"PREG_SPLIT_NO_EMPTY" => Const::Int(1),
                b"PREG_SPLIT_DELIM_CAPTURE" => Const::Int(2),
                b"PREG_SPLIT_OFFSET_CAPTURE" => Const::Int(4),
                b"PREG_GREP_INVERT" => Const::Int(1),
                b"PREG_NO_ERROR" => Const::Int(0),
                b"PREG_INTERNAL_ERROR" => Const::Int(1),
                b"PREG_BACKTRACK_LIMIT_ERROR" => Const::Int(2),
                b"PREG_RECURSION_LIMIT_ERROR" => Const::Int(3),
                b"PREG_BAD_UTF8_ERROR" => Const::Int(4),
                b"PREG_BAD_UTF8_OFFSET_ERROR" => Const::Int(5),
                b"PREG_JIT_STACKLIMIT_ERROR" => Const::Int(6),
                // The PCRE2 release whose behaviour the pcre engine follows.
                b"PCRE_VERSION" => Const::Str(b"10.42 2022-12-11"[..].into()),
                b"PCRE_VERSION_MAJOR" => Const::Int(10),
                b"PCRE_VERSION_MINOR" => Const::Int(42),
                b"PCRE_JIT_SUPPORT" => Const::Bool(false),
                _ => return Ok(None),
            },
        }))
    }
}

mod assign;
mod by_ref;
mod class;
mod closure;
mod expr;
mod names;
mod object;
mod place;
mod stmt;
mod try_catch;
mod types;
