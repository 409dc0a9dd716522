//! The code generator: one pass over a function's statements and expressions.

use crate::CompileError;
use crate::bytecode::{BinOp, Const, Function, NONE, Op, Param, Program, Slot, Step, UnOp};
use php_syntax::ast::{
    Args, Ast, BinaryOp, Callee, CastKind, ExprId, ExprKind, FunctionDecl, IncDecOp, NameKind,
    StmtId, StmtKind, StringPart, UnaryOp,
};
use php_syntax::span::{LineIndex, Span};
use std::collections::HashMap;

/// Temporaries are numbered from this bit until the function is complete.
const TEMP: Slot = 1 << 31;

type Result<T> = std::result::Result<T, CompileError>;

/// Compiles a parsed file; `file` is its full path (for `__FILE__` and `__DIR__`).
pub fn compile(ast: &Ast, src: &[u8], file: &[u8]) -> Result<Program> {
    let lines = LineIndex::new(src);
    let mut functions = Vec::new();
    let mut main_body = Vec::new();
    for &s in &ast.top {
        match &ast.stmt(s).kind {
            StmtKind::Function(decl) => functions.push(decl.as_ref()),
            _ => main_body.push(s),
        }
    }
    let mut names = HashMap::new();
    for decl in &functions {
        let lower = decl.name.name.to_ascii_lowercase();
        if let Some(line) = names.insert(lower, line_of(&lines, decl.span)) {
            let _ = line;
            return Err(CompileError {
                message: format!(
                    "Cannot redeclare {}() (previously declared)",
                    decl.name.text()
                ),
                line: line_of(&lines, decl.name.span),
                fatal: true,
            });
        }
    }
    // Which parameters of each function are by reference (call sites pass references there).
    let by_ref: HashMap<Vec<u8>, Vec<bool>> = functions
        .iter()
        .map(|d| {
            let flags = d.params.iter().map(|p| p.by_ref).collect();
            (d.name.name.to_ascii_lowercase(), flags)
        })
        .collect();
    let main = Gen::new(ast, &lines, b"{main}", &by_ref, file).finish_main(&main_body)?;
    let functions = functions
        .into_iter()
        .map(|d| Gen::new(ast, &lines, &d.name.name, &by_ref, file).function(d))
        .collect::<Result<Vec<_>>>()?;
    Ok(Program { main, functions })
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

struct Gen<'a> {
    ast: &'a Ast,
    /// The by-reference parameters of every function of the file, by lowercase name.
    by_ref: &'a HashMap<Vec<u8>, Vec<bool>>,
    /// The file's full path.
    file: &'a [u8],
    lines: &'a LineIndex,
    f: Function,
    cv_of: HashMap<Box<[u8]>, Slot>,
    next_temp: Slot,
    max_temp: Slot,
    loops: Vec<LoopCtx>,
    line: u32,
}

impl<'a> Gen<'a> {
    fn new(
        ast: &'a Ast,
        lines: &'a LineIndex,
        name: &[u8],
        by_ref: &'a HashMap<Vec<u8>, Vec<bool>>,
        file: &'a [u8],
    ) -> Gen<'a> {
        Gen {
            ast,
            by_ref,
            file,
            lines,
            f: Function {
                name: name.into(),
                line: 1,
                params: Vec::new(),
                cvs: Vec::new(),
                slots: 0,
                ops: Vec::new(),
                lines: Vec::new(),
                constants: Vec::new(),
            },
            cv_of: HashMap::new(),
            next_temp: 0,
            max_temp: 0,
            loops: Vec::new(),
            line: 1,
        }
    }

    fn unsupported<T>(&self, what: &str) -> Result<T> {
        Err(CompileError {
            message: format!("{what} is not supported yet"),
            line: self.line,
            fatal: false,
        })
    }

    fn finish_main(mut self, body: &[StmtId]) -> Result<Function> {
        for &s in body {
            self.stmt(s)?;
        }
        Ok(self.finish())
    }

    fn function(mut self, decl: &FunctionDecl) -> Result<Function> {
        self.line = line_of(self.lines, decl.span);
        self.f.line = self.line;
        if decl.by_ref {
            return self.unsupported("returning by reference");
        }
        for p in &decl.params {
            if p.by_ref && p.variadic {
                return self.unsupported("variadic parameters by reference");
            }
            if p.ty.is_some() {
                return self.unsupported("parameter types");
            }
            let default = match p.default {
                Some(e) => Some(self.constant_expr(e)?),
                None => None,
            };
            if self.cv_of.contains_key(&p.name.name) {
                return Err(CompileError {
                    message: format!("Redefinition of parameter ${}", p.name.text()),
                    line: line_of(self.lines, p.span),
                    fatal: true,
                });
            }
            self.cv(&p.name.name);
            self.f.params.push(Param {
                name: p.name.name.clone(),
                default,
                by_ref: p.by_ref,
                variadic: p.variadic,
            });
        }
        if decl.return_type.is_some() {
            return self.unsupported("return types");
        }
        for &s in decl.body.as_deref().unwrap_or(&[]) {
            self.stmt(s)?;
        }
        Ok(self.finish())
    }

    /// Ends the function with `return null;` and moves temporaries above the variables.
    fn finish(mut self) -> Function {
        let k = self.constant(Const::Null);
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
        self.f.slots = base + self.max_temp;
        self.f
    }

    fn emit(&mut self, op: Op) -> usize {
        self.f.ops.push(op);
        self.f.lines.push(self.line);
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
            | Op::IterNext { exit: t, .. } => *t = to,
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
                None => return self.unsupported("this constant expression"),
            },
            ExprKind::Unary {
                op: UnaryOp::Neg,
                expr: inner,
            } => match self.constant_expr(*inner)? {
                Const::Int(i) => i
                    .checked_neg()
                    .map_or(Const::Float(-(i as f64)), Const::Int),
                Const::Float(f) => Const::Float(-f),
                _ => return self.unsupported("this constant expression"),
            },
            _ => return self.unsupported("this constant expression"),
        })
    }

    /// The predefined constants known so far.
    fn named_constant(&self, name: &php_syntax::ast::Name) -> Result<Option<Const>> {
        if name.kind == NameKind::Relative || name.kind == NameKind::Qualified {
            return Ok(None);
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
                b"PHP_FLOAT_DIG" => Const::Int(15),
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
                _ => return Ok(None),
            },
        }))
    }

    fn stmts(&mut self, list: &[StmtId]) -> Result<()> {
        for &s in list {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: StmtId) -> Result<()> {
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: StmtId) -> Result<()> {
        let stmt = self.ast.stmt(s);
        self.line = line_of(self.lines, stmt.span);
        // Temporaries live for one statement.
        let mark = self.next_temp;
        match &stmt.kind {
            StmtKind::Expr(e) => match &self.ast.expr(*e).kind {
                // `$s .= x;` appends in place (the string is not shared with a result).
                ExprKind::AssignOp {
                    op: BinaryOp::Concat,
                    target,
                    value,
                } if self.plain_var(*target).is_some() => {
                    let cv = self.plain_var(*target).expect("checked");
                    self.line = line_of(self.lines, self.ast.expr(*e).span);
                    let v = self.expr(*value)?;
                    self.emit(Op::ConcatAssign { cv, val: v });
                }
                _ => {
                    self.expr(*e)?;
                }
            },
            StmtKind::Echo(list) => {
                for &e in list {
                    let v = self.expr(e)?;
                    self.emit(Op::Echo { src: v });
                }
            }
            StmtKind::InlineHtml(text) => {
                let k = self.constant(Const::Str(text.clone()));
                let t = self.temp();
                self.emit(Op::Const { dst: t, k });
                self.emit(Op::Echo { src: t });
            }
            StmtKind::Block(list) => self.stmts(list)?,
            StmtKind::Nop => {}
            StmtKind::If {
                cond,
                then,
                elseifs,
                otherwise,
                ..
            } => {
                let mut ends = Vec::new();
                let c = self.expr(*cond)?;
                let mut skip = self.emit(Op::JumpIfNot { cond: c, to: 0 });
                self.next_temp = mark;
                self.stmt(*then)?;
                for ei in elseifs {
                    ends.push(self.emit(Op::Jump { to: 0 }));
                    let h = self.here();
                    self.patch(skip, h);
                    self.line = line_of(self.lines, ei.span);
                    let c = self.expr(ei.cond)?;
                    skip = self.emit(Op::JumpIfNot { cond: c, to: 0 });
                    self.next_temp = mark;
                    self.stmt(ei.body)?;
                }
                if let Some(o) = otherwise {
                    ends.push(self.emit(Op::Jump { to: 0 }));
                    let h = self.here();
                    self.patch(skip, h);
                    self.stmt(*o)?;
                } else {
                    let h = self.here();
                    self.patch(skip, h);
                }
                let h = self.here();
                for j in ends {
                    self.patch(j, h);
                }
            }
            StmtKind::While { cond, body, .. } => {
                let head = self.here();
                let c = self.expr(*cond)?;
                let exit = self.emit(Op::JumpIfNot { cond: c, to: 0 });
                self.next_temp = mark;
                self.loop_body(*body)?;
                self.close_loop(head, head, Some(exit));
            }
            StmtKind::DoWhile { body, cond } => {
                let head = self.here();
                self.loop_body(*body)?;
                let cont = self.here();
                self.line = line_of(self.lines, self.ast.expr(*cond).span);
                let c = self.expr(*cond)?;
                let exit = self.emit(Op::JumpIfNot { cond: c, to: 0 });
                self.close_loop(head, cont, Some(exit));
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
                ..
            } => {
                for &e in init {
                    self.expr(e)?;
                }
                self.next_temp = mark;
                let head = self.here();
                let mut exit = None;
                for (i, &e) in cond.iter().enumerate() {
                    let c = self.expr(e)?;
                    if i + 1 == cond.len() {
                        exit = Some(self.emit(Op::JumpIfNot { cond: c, to: 0 }));
                    }
                }
                self.next_temp = mark;
                self.loop_body(*body)?;
                let cont = self.here();
                for &e in step {
                    self.expr(e)?;
                }
                self.next_temp = mark;
                self.close_loop(head, cont, exit);
            }
            StmtKind::Break(n) | StmtKind::Continue(n) => {
                let is_break = matches!(stmt.kind, StmtKind::Break(_));
                let levels = match n {
                    None => 1,
                    Some(e) => match self.ast.expr(*e).kind {
                        ExprKind::Int(i) if i >= 1 => i as usize,
                        _ => return self.unsupported("this break/continue operand"),
                    },
                };
                let word = if is_break { "break" } else { "continue" };
                if self.loops.is_empty() {
                    return Err(CompileError {
                        message: format!("'{word}' not in the 'loop' or 'switch' context"),
                        line: self.line,
                        fatal: true,
                    });
                }
                if levels > self.loops.len() {
                    let s = if levels == 1 { "" } else { "s" };
                    return Err(CompileError {
                        message: format!("Cannot '{word}' {levels} level{s}"),
                        line: self.line,
                        fatal: true,
                    });
                }
                let depth = self.loops.len() - levels;
                if !is_break && self.loops[depth].is_switch {
                    return self.unsupported("continue targeting switch");
                }
                let j = self.emit(Op::Jump { to: 0 });
                let ctx = &mut self.loops[depth];
                if is_break {
                    ctx.breaks.push(j);
                } else {
                    ctx.continues.push(j);
                }
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.expr(*e)?,
                    None => self.load_const(Const::Null),
                };
                self.emit(Op::Return { src: v });
            }
            StmtKind::Function(_) => return self.unsupported("a function declared inside a block"),
            StmtKind::Foreach {
                expr,
                key,
                value,
                by_ref,
                body,
                ..
            } => {
                if *by_ref {
                    return self.unsupported("foreach by reference");
                }
                let key_cv = match key {
                    Some(k) => self.target_cv(*k)?,
                    None => NONE,
                };
                let pattern = matches!(
                    self.ast.expr(*value).kind,
                    ExprKind::List { .. } | ExprKind::Array { .. }
                );
                let val_cv = if pattern {
                    // The entry goes to a hidden variable, destructured at the top of the body.
                    self.cv(b"\0foreach")
                } else {
                    self.target_cv(*value)?
                };
                let v = self.expr(*expr)?;
                // The array and the position live in temporaries for the whole loop: the
                // body's statements take theirs above them.
                let src = self.temp();
                let pos = self.temp();
                self.emit(Op::Copy { dst: src, src: v });
                let init = self.emit(Op::IterInit { src, pos, exit: 0 });
                let head = self.here();
                let next = self.emit(Op::IterNext {
                    src,
                    pos,
                    key: key_cv,
                    val: val_cv,
                    exit: 0,
                });
                self.loops.push(LoopCtx {
                    is_switch: false,
                    breaks: Vec::new(),
                    continues: Vec::new(),
                });
                if pattern {
                    let mark = self.next_temp;
                    let t = self.temp();
                    self.emit(Op::Load { dst: t, cv: val_cv });
                    self.destructure(*value, t)?;
                    self.next_temp = mark;
                }
                self.stmt(*body)?;
                self.close_loop(head, head, Some(next));
                let end = self.here();
                self.patch(init, end);
                // Drop the loop's copy of the array now (PHP frees it at the loop's end).
                let k = self.constant(Const::Null);
                self.emit(Op::Const { dst: src, k });
            }
            StmtKind::Unset(list) => {
                for &e in list {
                    match &self.ast.expr(e).kind {
                        ExprKind::Variable(name) if &name[..] != b"this" => {
                            let cv = self.cv(name);
                            self.emit(Op::UnsetCv { cv });
                        }
                        ExprKind::ArrayDim { dim: Some(_), .. } => {
                            let (cv, keys, n, _) = self.dim_path(e, false)?;
                            self.emit(Op::UnsetDim { cv, keys, n });
                        }
                        _ => return self.unsupported("unset of this expression"),
                    }
                }
            }
            StmtKind::Switch { subject, cases, .. } => {
                let v = self.expr(*subject)?;
                let s = self.temp();
                self.emit(Op::Copy { dst: s, src: v });
                // The tests, in order, each jumping to its case's body; then to `default`.
                let mut to_body = Vec::new();
                for case in cases {
                    if let Some(c) = case.cond {
                        let c = self.expr(c)?;
                        let t = self.temp();
                        self.emit(Op::Binary {
                            op: BinOp::Equal,
                            dst: t,
                            a: s,
                            b: c,
                        });
                        to_body.push(Some(self.emit(Op::JumpIf { cond: t, to: 0 })));
                    } else {
                        to_body.push(None);
                    }
                }
                let to_default = self.emit(Op::Jump { to: 0 });
                self.loops.push(LoopCtx {
                    is_switch: true,
                    breaks: vec![to_default],
                    continues: Vec::new(),
                });
                for (case, jump) in cases.iter().zip(to_body) {
                    let h = self.here();
                    match jump {
                        Some(j) => self.patch(j, h),
                        None => {
                            // `default`: where no case matched.
                            let ctx = self.loops.last_mut().expect("the switch");
                            ctx.breaks.retain(|&b| b != to_default);
                            self.patch(to_default, h);
                        }
                    }
                    self.stmts(&case.body)?;
                }
                let end = self.here();
                let ctx = self.loops.pop().expect("the switch");
                for j in ctx.breaks {
                    self.patch(j, end);
                }
            }
            StmtKind::Const(items) => {
                for item in items {
                    let v = self.expr(item.value)?;
                    let k = self.constant(Const::Str(item.name.name.clone()));
                    self.emit(Op::DeclareConst { name: k, src: v });
                }
            }
            StmtKind::Global(vars) => {
                for &e in vars {
                    let ExprKind::Variable(n) = &self.ast.expr(e).kind else {
                        return self.unsupported("global of anything but a plain variable");
                    };
                    let cv = self.cv(n);
                    let name = self.constant(Const::Str(n.clone()));
                    self.emit(Op::BindGlobal { cv, name });
                }
            }
            StmtKind::Static(vars) => {
                for v in vars {
                    let init = match v.default {
                        Some(e) => {
                            let k = self.constant_expr(e)?;
                            self.constant(k)
                        }
                        None => NONE,
                    };
                    let cv = self.cv(&v.name.name);
                    self.emit(Op::BindStatic { cv, init });
                }
            }
            StmtKind::Try { .. } => return self.unsupported("try"),
            StmtKind::Class(_) => return self.unsupported("classes"),
            _ => return self.unsupported("this statement"),
        }
        self.next_temp = mark;
        Ok(())
    }

    fn loop_body(&mut self, body: StmtId) -> Result<()> {
        self.loops.push(LoopCtx {
            is_switch: false,
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        self.stmt(body)
    }

    /// Emits the back edge to `head` and patches the loop's exits and continues.
    fn close_loop(&mut self, head: u32, cont: u32, exit: Option<usize>) {
        self.emit(Op::Loop { to: head });
        let end = self.here();
        let ctx = self.loops.pop().expect("inside a loop");
        for j in ctx.breaks.into_iter().chain(exit) {
            self.patch(j, end);
        }
        for j in ctx.continues {
            self.patch(j, cont);
        }
    }

    fn load_const(&mut self, k: Const) -> Slot {
        let k = self.constant(k);
        let t = self.temp();
        self.emit(Op::Const { dst: t, k });
        t
    }

    /// Compiles `e` into a temporary holding its value (on a stack grown on demand: a chain
    /// of a million `+` is a million nested calls).
    fn expr(&mut self, e: ExprId) -> Result<Slot> {
        let expr = self.ast.expr(e);
        let saved = self.line;
        self.line = line_of(self.lines, expr.span);
        let r = stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.expr_kind(&expr.kind));
        self.line = saved;
        r
    }

    fn expr_kind(&mut self, kind: &ExprKind) -> Result<Slot> {
        Ok(match kind {
            ExprKind::Int(i) => self.load_const(Const::Int(*i)),
            ExprKind::Float(f) => self.load_const(Const::Float(*f)),
            ExprKind::String(s) => self.load_const(Const::Str(s.clone())),
            ExprKind::Constant(name) => match self.named_constant(name)? {
                Some(k) => self.load_const(k),
                None if name.kind == NameKind::Unqualified
                    || name.kind == NameKind::FullyQualified =>
                {
                    let k = self.constant(Const::Str(name.text.clone()));
                    let dst = self.temp();
                    self.emit(Op::FetchConst { dst, name: k });
                    dst
                }
                None => return self.unsupported("namespaced constants"),
            },
            ExprKind::Variable(name) => {
                if &name[..] == b"this" {
                    return self.unsupported("$this");
                }
                let cv = self.cv(name);
                let t = self.temp();
                self.emit(Op::Load { dst: t, cv });
                t
            }
            ExprKind::Interpolated { kind, parts } => {
                if *kind == php_syntax::ast::InterpolatedKind::ShellExec {
                    return self.unsupported("shell execution");
                }
                let dst = self.load_const(Const::Str(Box::default()));
                for part in parts {
                    let v = match part {
                        StringPart::Literal(text, _) => self.load_const(Const::Str(text.clone())),
                        StringPart::Expr(e) => self.expr(*e)?,
                    };
                    self.emit(Op::Binary {
                        op: BinOp::Concat,
                        dst,
                        a: dst,
                        b: v,
                    });
                }
                dst
            }
            ExprKind::Assign { target, value }
                if matches!(
                    self.ast.expr(*target).kind,
                    ExprKind::List { .. } | ExprKind::Array { .. }
                ) =>
            {
                let v = self.expr(*value)?;
                self.destructure(*target, v)?;
                v
            }
            ExprKind::Assign { target, value } if self.is_dim(*target) => {
                let (cv, keys, n, append) = self.dim_path(*target, true)?;
                let v = self.expr(*value)?;
                self.emit(Op::AssignDim {
                    cv,
                    keys,
                    n,
                    append,
                    val: v,
                });
                v
            }
            ExprKind::Assign { target, value } => {
                let cv = self.target_cv(*target)?;
                let v = self.expr(*value)?;
                self.emit(Op::Assign { cv, src: v });
                v
            }
            ExprKind::AssignRef { target, value } => {
                let cv = self.target_cv(*target)?;
                let src = match &self.ast.expr(*value).kind {
                    ExprKind::Variable(n) if &n[..] != b"this" => self.cv(n),
                    _ => return self.unsupported("references to anything but a variable"),
                };
                self.emit(Op::AssignRef { cv, src });
                let t = self.temp();
                self.emit(Op::LoadQuiet { dst: t, cv });
                t
            }
            ExprKind::AssignOp { op, target, value }
                if self.is_dim(*target) && *op != BinaryOp::Coalesce =>
            {
                let Some(bop) = arith_op(*op) else {
                    return self.unsupported("this compound assignment");
                };
                let (cv, keys, n, _) = self.dim_path(*target, false)?;
                let v = self.expr(*value)?;
                let dst = self.temp();
                self.emit(Op::AssignDimOp {
                    op: bop,
                    cv,
                    keys,
                    n,
                    val: v,
                    dst,
                });
                dst
            }
            ExprKind::AssignOp { op, target, value } => {
                let cv = self.target_cv(*target)?;
                if *op == BinaryOp::Coalesce {
                    let dst = self.temp();
                    self.emit(Op::LoadQuiet { dst, cv });
                    let j = self.emit(Op::JumpIfNotNull { src: dst, to: 0 });
                    let v = self.expr(*value)?;
                    self.emit(Op::Assign { cv, src: v });
                    self.emit(Op::Copy { dst, src: v });
                    let h = self.here();
                    self.patch(j, h);
                    return Ok(dst);
                }
                let Some(bop) = arith_op(*op) else {
                    return self.unsupported("this compound assignment");
                };
                let v = self.expr(*value)?;
                let cur = self.temp();
                self.emit(Op::Load { dst: cur, cv });
                self.emit(Op::Binary {
                    op: bop,
                    dst: cur,
                    a: cur,
                    b: v,
                });
                self.emit(Op::Assign { cv, src: cur });
                cur
            }
            ExprKind::IncDec { op, target } => {
                let step = match op {
                    IncDecOp::PreInc => Step::PreInc,
                    IncDecOp::PreDec => Step::PreDec,
                    IncDecOp::PostInc => Step::PostInc,
                    IncDecOp::PostDec => Step::PostDec,
                };
                if self.is_dim(*target) {
                    let (cv, keys, n, _) = self.dim_path(*target, false)?;
                    let dst = self.temp();
                    self.emit(Op::StepDim {
                        step,
                        cv,
                        keys,
                        n,
                        dst,
                    });
                    return Ok(dst);
                }
                let cv = self.target_cv(*target)?;
                let dst = self.temp();
                self.emit(Op::Step { step, cv, dst });
                dst
            }
            ExprKind::Array { items, .. } => {
                let dst = self.temp();
                self.emit(Op::NewArray { dst });
                for item in items {
                    let Some(item) = item else {
                        return Err(CompileError {
                            message: "Cannot use empty array elements in arrays".into(),
                            line: self.line,
                            fatal: true,
                        });
                    };
                    if item.by_ref || item.unpack {
                        return self.unsupported("by-reference and unpacked array elements");
                    }
                    match item.key {
                        Some(k) => {
                            let key = self.expr(k)?;
                            let val = self.expr(item.value)?;
                            self.emit(Op::ArrayInsert { arr: dst, key, val });
                        }
                        None => {
                            let val = self.expr(item.value)?;
                            self.emit(Op::ArrayAppend { arr: dst, val });
                        }
                    }
                }
                dst
            }
            ExprKind::ArrayDim { base, dim } => {
                let Some(dim) = dim else {
                    return Err(CompileError {
                        message: "Cannot use [] for reading".into(),
                        line: self.line,
                        fatal: true,
                    });
                };
                // A variable is read in place (a copy in a temporary would share the array
                // and make the next write to it copy the whole array).
                let b = match self.plain_var(*base) {
                    Some(cv) => cv,
                    None => self.expr(*base)?,
                };
                let key = self.expr(*dim)?;
                let dst = self.temp();
                self.emit(Op::FetchDim { dst, base: b, key });
                dst
            }
            ExprKind::Binary { op, left, right } => self.binary(*op, *left, *right)?,
            ExprKind::Unary {
                op: UnaryOp::Silence,
                expr,
            } => {
                let save = self.temp();
                self.emit(Op::Silence { save });
                let v = self.expr(*expr)?;
                self.emit(Op::Unsilence { save });
                v
            }
            ExprKind::Unary { op, expr } => {
                let op = match op {
                    UnaryOp::Not => UnOp::Not,
                    UnaryOp::Neg => UnOp::Neg,
                    UnaryOp::Plus => UnOp::Plus,
                    UnaryOp::BitNot => UnOp::BitNot,
                    UnaryOp::Silence => unreachable!("compiled above"),
                };
                let a = self.expr(*expr)?;
                let dst = self.temp();
                self.emit(Op::Unary { op, dst, a });
                dst
            }
            ExprKind::Cast { kind, expr } => {
                let op = match kind {
                    CastKind::Int => UnOp::Int,
                    CastKind::Float => UnOp::Float,
                    CastKind::String => UnOp::String,
                    CastKind::Bool => UnOp::Bool,
                    _ => return self.unsupported("this cast"),
                };
                let a = self.expr(*expr)?;
                let dst = self.temp();
                self.emit(Op::Unary { op, dst, a });
                dst
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                let dst = self.temp();
                let c = self.expr(*cond)?;
                match then {
                    Some(t) => {
                        let to_else = self.emit(Op::JumpIfNot { cond: c, to: 0 });
                        let v = self.expr(*t)?;
                        self.emit(Op::Copy { dst, src: v });
                        let to_end = self.emit(Op::Jump { to: 0 });
                        let h = self.here();
                        self.patch(to_else, h);
                        let v = self.expr(*otherwise)?;
                        self.emit(Op::Copy { dst, src: v });
                        let h = self.here();
                        self.patch(to_end, h);
                    }
                    None => {
                        self.emit(Op::Copy { dst, src: c });
                        let to_end = self.emit(Op::JumpIf { cond: c, to: 0 });
                        let v = self.expr(*otherwise)?;
                        self.emit(Op::Copy { dst, src: v });
                        let h = self.here();
                        self.patch(to_end, h);
                    }
                }
                dst
            }
            ExprKind::Isset(list) => {
                let dst = self.load_const(Const::Bool(true));
                let mut exits = Vec::new();
                for &e in list {
                    let t = self.quiet_value(e)?;
                    self.emit(Op::Unary {
                        op: UnOp::IsSet,
                        dst,
                        a: t,
                    });
                    exits.push(self.emit(Op::JumpIfNot { cond: dst, to: 0 }));
                }
                let h = self.here();
                for j in exits {
                    self.patch(j, h);
                }
                dst
            }
            ExprKind::Empty(e) => {
                let t = self.quiet_value(*e)?;
                self.emit(Op::Unary {
                    op: UnOp::Not,
                    dst: t,
                    a: t,
                });
                t
            }
            ExprKind::Print(e) => {
                let v = self.expr(*e)?;
                self.emit(Op::Echo { src: v });
                self.load_const(Const::Int(1))
            }
            ExprKind::Call { callee, args } => {
                let Callee::Name(name) = callee else {
                    return self.unsupported("calling a function by value");
                };
                let Args::List(args, _) = args else {
                    return self.unsupported("first-class callable syntax");
                };
                if args.iter().any(|a| a.name.is_some()) {
                    return self.unsupported("named arguments");
                }
                if args.iter().any(|a| a.unpack) {
                    if self
                        .by_ref
                        .get(&name.text.to_ascii_lowercase())
                        .is_some_and(|r| r.contains(&true))
                    {
                        return self
                            .unsupported("spreading arguments into by-reference parameters");
                    }
                    let arr = self.temp();
                    self.emit(Op::NewArray { dst: arr });
                    for a in args {
                        let v = self.expr(a.value)?;
                        if a.unpack {
                            self.emit(Op::ArraySpread { arr, src: v });
                        } else {
                            self.emit(Op::ArrayAppend { arr, val: v });
                        }
                    }
                    let k = self.constant(Const::Str(name.text.clone()));
                    let dst = self.temp();
                    self.emit(Op::CallArray {
                        name: k,
                        args: arr,
                        dst,
                    });
                    return Ok(dst);
                }
                let base = self.next_temp;
                for _ in args {
                    self.temp();
                }
                let refs = self.by_ref.get(&name.text.to_ascii_lowercase()).cloned();
                for (i, a) in args.iter().enumerate() {
                    let dst = TEMP | (base + i as Slot);
                    if refs.as_ref().is_some_and(|r| r.get(i) == Some(&true)) {
                        match &self.ast.expr(a.value).kind {
                            ExprKind::Variable(n) if &n[..] != b"this" => {
                                let cv = self.cv(n);
                                self.emit(Op::MakeRef { dst, cv });
                            }
                            _ => {
                                return self
                                    .unsupported("passing anything but a variable by reference");
                            }
                        }
                        continue;
                    }
                    let v = self.expr(a.value)?;
                    self.emit(Op::Copy { dst, src: v });
                }
                let k = self.constant(Const::Str(name.text.clone()));
                let dst = self.temp();
                self.emit(Op::Call {
                    name: k,
                    args: TEMP | base,
                    argc: args.len() as u32,
                    dst,
                });
                dst
            }
            ExprKind::Match { subject, arms } => {
                let v = self.expr(*subject)?;
                let s = self.temp();
                self.emit(Op::Copy { dst: s, src: v });
                let dst = self.temp();
                let mut ends = Vec::new();
                let mut default = None;
                for arm in arms {
                    let Some(conds) = &arm.conds else {
                        default = Some(arm.body);
                        continue;
                    };
                    let mut to_body = Vec::new();
                    for &c in conds {
                        let c = self.expr(c)?;
                        let t = self.temp();
                        self.emit(Op::Binary {
                            op: BinOp::Identical,
                            dst: t,
                            a: s,
                            b: c,
                        });
                        to_body.push(self.emit(Op::JumpIf { cond: t, to: 0 }));
                    }
                    let skip = self.emit(Op::Jump { to: 0 });
                    let h = self.here();
                    for j in to_body {
                        self.patch(j, h);
                    }
                    let r = self.expr(arm.body)?;
                    self.emit(Op::Copy { dst, src: r });
                    ends.push(self.emit(Op::Jump { to: 0 }));
                    let h = self.here();
                    self.patch(skip, h);
                }
                match default {
                    Some(body) => {
                        let r = self.expr(body)?;
                        self.emit(Op::Copy { dst, src: r });
                    }
                    None => {
                        self.emit(Op::MatchError { src: s });
                    }
                }
                let h = self.here();
                for j in ends {
                    self.patch(j, h);
                }
                dst
            }
            ExprKind::Exit(e) => {
                let src = match e {
                    Some(e) => self.expr(*e)?,
                    None => NONE,
                };
                self.emit(Op::Exit { src });
                self.load_const(Const::Null)
            }
            ExprKind::Closure(_) | ExprKind::ArrowFunction(_) => {
                return self.unsupported("closures");
            }
            ExprKind::New { .. }
            | ExprKind::Property { .. }
            | ExprKind::MethodCall { .. }
            | ExprKind::StaticCall { .. }
            | ExprKind::StaticProperty { .. }
            | ExprKind::ClassConstant { .. }
            | ExprKind::Instanceof { .. }
            | ExprKind::Clone(_) => return self.unsupported("objects"),
            ExprKind::Include { .. } => return self.unsupported("include and require"),
            ExprKind::MagicConstant(m) => {
                use php_syntax::ast::MagicConstant as M;
                let function = if &self.f.name[..] == b"{main}" {
                    Box::default()
                } else {
                    self.f.name.clone()
                };
                let k = match m {
                    M::Line => Const::Int(i64::from(self.line)),
                    M::File => Const::Str(self.file.into()),
                    M::Dir => {
                        let dir = match self.file.iter().rposition(|&b| b == b'/') {
                            Some(0) => &b"/"[..],
                            Some(i) => &self.file[..i],
                            None => &b"."[..],
                        };
                        Const::Str(dir.into())
                    }
                    M::Function | M::Method => Const::Str(function),
                    M::Class | M::Trait | M::Namespace => Const::Str(Box::default()),
                };
                self.load_const(k)
            }
            _ => return self.unsupported("this expression"),
        })
    }

    /// The variable an assignment writes.
    fn target_cv(&mut self, target: ExprId) -> Result<Slot> {
        match &self.ast.expr(target).kind {
            ExprKind::Variable(name) if &name[..] != b"this" => Ok(self.cv(name)),
            _ => self.unsupported("assigning to anything but a variable"),
        }
    }

    /// The value `isset`/`empty`/`??` read without warnings: a variable, or dimensions of one
    /// (`$a['k'][0]`).
    fn quiet_value(&mut self, e: ExprId) -> Result<Slot> {
        match &self.ast.expr(e).kind {
            ExprKind::Variable(name) if &name[..] != b"this" => {
                let cv = self.cv(name);
                let t = self.temp();
                self.emit(Op::LoadQuiet { dst: t, cv });
                Ok(t)
            }
            ExprKind::ArrayDim {
                base,
                dim: Some(dim),
            } => {
                let b = match self.plain_var(*base) {
                    Some(cv) => cv,
                    None => self.quiet_value(*base)?,
                };
                let key = self.expr(*dim)?;
                let dst = self.temp();
                self.emit(Op::FetchDimQuiet { dst, base: b, key });
                Ok(dst)
            }
            _ => {
                self.unsupported("isset, empty and ?? of anything but variables and array elements")
            }
        }
    }

    /// `[$a, 'k' => $b, [$c]] = v`: assigns the elements of the value in slot `v`.
    fn destructure(&mut self, pattern: ExprId, v: Slot) -> Result<()> {
        let (ExprKind::List { items, .. } | ExprKind::Array { items, .. }) =
            &self.ast.expr(pattern).kind
        else {
            return self.unsupported("this destructuring pattern");
        };
        let keyed = items.iter().flatten().filter(|i| i.key.is_some()).count();
        if keyed != 0 && keyed != items.iter().flatten().count() {
            return Err(CompileError {
                message: "Cannot mix keyed and unkeyed array entries in assignments".into(),
                line: self.line,
                fatal: true,
            });
        }
        let mut index = 0;
        for item in items {
            let Some(item) = item else {
                index += 1;
                continue;
            };
            if item.by_ref || item.unpack {
                return self.unsupported("references and spreads in destructuring");
            }
            let key = match item.key {
                Some(k) => self.expr(k)?,
                None => {
                    index += 1;
                    self.load_const(Const::Int(index - 1))
                }
            };
            let t = self.temp();
            self.emit(Op::FetchList {
                dst: t,
                base: v,
                key,
            });
            match &self.ast.expr(item.value).kind {
                ExprKind::Variable(n) if &n[..] != b"this" => {
                    let cv = self.cv(n);
                    self.emit(Op::Assign { cv, src: t });
                }
                ExprKind::List { .. } | ExprKind::Array { .. } => {
                    self.destructure(item.value, t)?
                }
                _ => return self.unsupported("destructuring into anything but variables"),
            }
        }
        Ok(())
    }

    /// The slot of `e` if it is a plain variable (not `$this`).
    fn plain_var(&mut self, e: ExprId) -> Option<Slot> {
        match &self.ast.expr(e).kind {
            ExprKind::Variable(n) if &n[..] != b"this" => Some(self.cv(n)),
            _ => None,
        }
    }

    /// Whether `e` is an array element (`$a[k]`, `$a[]`).
    fn is_dim(&self, e: ExprId) -> bool {
        matches!(self.ast.expr(e).kind, ExprKind::ArrayDim { .. })
    }

    /// The variable and keys of a written array element `$v[k1]...[kn]`: the keys evaluated
    /// into `n` consecutive temporaries. `[]` may only be the last dimension, and only when
    /// `append_ok` (a plain assignment).
    fn dim_path(&mut self, target: ExprId, append_ok: bool) -> Result<(Slot, Slot, u32, bool)> {
        let mut dims = Vec::new();
        let mut e = target;
        let cv = loop {
            match &self.ast.expr(e).kind {
                ExprKind::ArrayDim { base, dim } => {
                    dims.push(*dim);
                    e = *base;
                }
                ExprKind::Variable(name) if &name[..] != b"this" => break self.cv(name),
                _ => return self.unsupported("writing to an element of anything but a variable"),
            }
        };
        dims.reverse();
        let append = dims.last() == Some(&None);
        if append {
            dims.pop();
            if !append_ok {
                return Err(CompileError {
                    message: "Cannot use [] for reading".into(),
                    line: self.line,
                    fatal: true,
                });
            }
        }
        if dims.iter().any(Option::is_none) {
            return self.unsupported("[] before the last dimension");
        }
        let base = self.next_temp;
        for _ in &dims {
            self.temp();
        }
        for (i, d) in dims.iter().enumerate() {
            let k = self.expr(d.expect("checked above"))?;
            self.emit(Op::Copy {
                dst: TEMP | (base + i as Slot),
                src: k,
            });
        }
        Ok((cv, TEMP | base, dims.len() as u32, append))
    }

    fn binary(&mut self, op: BinaryOp, left: ExprId, right: ExprId) -> Result<Slot> {
        use BinaryOp as B;
        match op {
            B::And | B::LogicalAnd | B::Or | B::LogicalOr => {
                let is_and = matches!(op, B::And | B::LogicalAnd);
                let dst = self.temp();
                let a = self.expr(left)?;
                self.emit(Op::Unary {
                    op: UnOp::Bool,
                    dst,
                    a,
                });
                let j = if is_and {
                    self.emit(Op::JumpIfNot { cond: dst, to: 0 })
                } else {
                    self.emit(Op::JumpIf { cond: dst, to: 0 })
                };
                let b = self.expr(right)?;
                self.emit(Op::Unary {
                    op: UnOp::Bool,
                    dst,
                    a: b,
                });
                let h = self.here();
                self.patch(j, h);
                Ok(dst)
            }
            B::Coalesce => {
                let dst = self.temp();
                let a = match &self.ast.expr(left).kind {
                    ExprKind::Variable(name) if &name[..] != b"this" => self.quiet_value(left)?,
                    ExprKind::ArrayDim { dim: Some(_), .. } => self.quiet_value(left)?,
                    _ => self.expr(left)?,
                };
                self.emit(Op::Copy { dst, src: a });
                let j = self.emit(Op::JumpIfNotNull { src: dst, to: 0 });
                let b = self.expr(right)?;
                self.emit(Op::Copy { dst, src: b });
                let h = self.here();
                self.patch(j, h);
                Ok(dst)
            }
            _ => {
                let a = self.expr(left)?;
                let b = self.expr(right)?;
                let dst = self.temp();
                let (op, a, b) = match op {
                    B::Greater => (BinOp::Less, b, a),
                    B::GreaterEqual => (BinOp::LessEqual, b, a),
                    B::Equal => (BinOp::Equal, a, b),
                    B::NotEqual => (BinOp::NotEqual, a, b),
                    B::Identical => (BinOp::Identical, a, b),
                    B::NotIdentical => (BinOp::NotIdentical, a, b),
                    B::Less => (BinOp::Less, a, b),
                    B::LessEqual => (BinOp::LessEqual, a, b),
                    B::Spaceship => (BinOp::Spaceship, a, b),
                    B::LogicalXor => (BinOp::Xor, a, b),
                    other => match arith_op(other) {
                        Some(o) => (o, a, b),
                        None => return self.unsupported("this operator"),
                    },
                };
                self.emit(Op::Binary { op, dst, a, b });
                Ok(dst)
            }
        }
    }
}

/// The instruction of an arithmetic, bitwise or string operator (also in `op=`).
fn arith_op(op: BinaryOp) -> Option<BinOp> {
    use BinaryOp as B;
    Some(match op {
        B::Add => BinOp::Add,
        B::Sub => BinOp::Sub,
        B::Mul => BinOp::Mul,
        B::Div => BinOp::Div,
        B::Mod => BinOp::Mod,
        B::Pow => BinOp::Pow,
        B::Concat => BinOp::Concat,
        B::Shl => BinOp::Shl,
        B::Shr => BinOp::Shr,
        B::BitAnd => BinOp::BitAnd,
        B::BitOr => BinOp::BitOr,
        B::BitXor => BinOp::BitXor,
        _ => return None,
    })
}
