//! The code generator: one pass over a function's statements ([`stmt`]), expressions
//! ([`expr`]) and the places they write ([`place`]).

use crate::CompileError;
use crate::bytecode::{ClassDef, Const, Function, NONE, Op, Param, Program, Slot, TryRegion};
use by_ref::RefParams;
use php_syntax::ast::{Ast, ExprKind, FunctionDecl, StmtId, StmtKind};
use php_syntax::span::{LineIndex, Span};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Temporaries are numbered from this bit until the function is complete.
const TEMP: Slot = 1 << 31;

type Result<T> = std::result::Result<T, CompileError>;

pub use top_decls::{compile_top_classes, top_functions};

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
            use crate::refop::REST_BY_REF;
            let listed = refs.iter().filter(|&&i| i != REST_BY_REF);
            let n = listed.max().map_or(0, |m| m + 1);
            let params = RefParams {
                refs: (0..n).map(|i| refs.contains(&i)).collect(),
                names: Vec::new(),
                rest_by_ref: refs.contains(&REST_BY_REF),
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
pub fn is_superglobal(name: &[u8]) -> bool {
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
    /// `declare(ticks=N)` in force: `N`, or 0.
    ticks: u32,
    /// The short-circuit of `?->`.
    short: nullsafe::ShortCircuit,
    /// The index of the constants.
    pool: const_pool::ConstPool,
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
            ticks: 0,
            short: Default::default(),
            pool: Default::default(),
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
        // Included code may run in a function: its superglobals are still the globals.
        self.bind_superglobals(body.iter().map(|(s, _)| php_syntax::visit::Child::Stmt(*s)));
        for (s, scope) in body {
            self.scope = scope.clone();
            self.stmt(*s)?;
        }
        // Included in a method, the code's `$this` is the method's (bound by name): what
        // it uses, and what a static call of an instance method or a closure takes.
        let mut wants_this = false;
        for (s, _) in body {
            php_syntax::visit::walk_exprs(
                self.ast,
                php_syntax::visit::Child::Stmt(*s),
                |_| true,
                |_, k| {
                    wants_this |= matches!(k, ExprKind::StaticCall { .. } | ExprKind::Closure(_))
                },
            );
        }
        if wants_this {
            self.cv(b"this");
        }
        self.f.this = self.cv_of.get(&b"this"[..]).copied();
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
                // The reference `Expect` made is what the function returns.
                self.emit(Op::Return { src });
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
        self.pool.index(&mut self.f.constants, k)
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
}

mod assign;
mod by_ref;
mod class;
mod closure;
mod const_pool;
mod consts;
mod expr;
mod fetch_chain;
mod names;
mod nullsafe;
mod object;
mod place;
mod stmt;
mod top_decls;
mod try_catch;
mod types;
