//! Statements: control flow, loops with `break`/`continue`, `foreach`, `switch`, declarations.

use super::{Gen, LoopCtx, Result, TEMP, line_of};
use crate::CompileError;
use crate::bytecode::{BinOp, Const, NONE, Op, RefNeed, RefOp, Slot};
use php_syntax::ast::{BinaryOp, ExprId, ExprKind, StmtId, StmtKind};

impl Gen<'_> {
    pub(super) fn stmts(&mut self, list: &[StmtId]) -> Result<()> {
        for &s in list {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub(super) fn stmt(&mut self, s: StmtId) -> Result<()> {
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.stmt_inner(s))?;
        // Under `declare(ticks)`, every statement but a block or a label ticks after it,
        // unless it did nothing after the last tick (`$v;`, an `if` ending in a statement
        // that ticked, where only our release of temporaries follows): PHP never emits two
        // ticks in a row.
        let last = self
            .f
            .ops
            .iter()
            .rev()
            .find(|op| !matches!(op, Op::FreeTemps { .. }));
        if self.ticks > 0
            && !matches!(
                self.ast.stmt(s).kind,
                StmtKind::Block(_) | StmtKind::Label(_)
            )
            && !matches!(last, Some(Op::Tick { .. }))
        {
            self.emit(Op::Tick { every: self.ticks });
        }
        Ok(())
    }

    pub(super) fn stmt_inner(&mut self, s: StmtId) -> Result<()> {
        let stmt = self.ast.stmt(s);
        self.line = line_of(self.lines, stmt.span);
        // Temporaries live for one statement.
        let mark = self.next_temp;
        let outer_high = std::mem::replace(&mut self.stmt_high, mark);
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
                // `$v;` reads nothing (PHP frees the variable's value unread: no warning).
                ExprKind::Variable(_) if self.plain_var(*e).is_some() => {}
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
            // The last statement of the file (the scanner reads nothing after it).
            StmtKind::Nop | StmtKind::HaltCompiler => {}
            // `strict_types` is a property of the whole file (see `Unit::strict`).
            StmtKind::Declare { directives, body } => {
                // `ticks` holds for the block, or without one for the rest of the file.
                let outer = self.ticks;
                for d in directives {
                    if d.name.name.eq_ignore_ascii_case(b"ticks")
                        && let ExprKind::Int(n) = self.ast.expr(d.value).kind
                    {
                        self.ticks = u32::try_from(n).unwrap_or(0);
                    }
                }
                match body {
                    php_syntax::ast::DeclareBody::None => {}
                    php_syntax::ast::DeclareBody::Stmt(s) => self.stmt(*s)?,
                    php_syntax::ast::DeclareBody::Alternative(list) => self.stmts(list)?,
                }
                if !matches!(body, php_syntax::ast::DeclareBody::None) {
                    self.ticks = outer;
                }
            }
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
                // `continue` targeting a switch is `break` (the checks warn about it).
                let is_break = is_break || self.loops[depth].is_switch;
                self.leave_finallies(Some(depth))?;
                let j = self.emit(Op::Jump { to: 0 });
                let ctx = &mut self.loops[depth];
                if is_break {
                    ctx.breaks.push(j);
                } else {
                    ctx.continues.push(j);
                }
            }
            StmtKind::Return(e) => {
                let place_ref = match e {
                    Some(e) if self.returns_ref => self.ref_of(*e)?,
                    _ => None,
                };
                let not_place = place_ref.is_none()
                    || e.is_some_and(|e| super::assign::is_call(&self.ast.expr(e).kind));
                let v = match (place_ref, e) {
                    (Some(r), _) => r,
                    (None, Some(e)) => self.expr(*e)?,
                    (None, None) => self.load_const(Const::Null),
                };
                if self.returns_ref && not_place {
                    self.emit(Op::Ref(RefOp::Expect {
                        src: v,
                        need: RefNeed::Returned,
                    }));
                }
                self.verify_return(*e, v)?;
                if !self.finallies.is_empty() {
                    // The value is kept before the finally blocks run.
                    let t = self.temp();
                    self.emit(Op::Copy { dst: t, src: v });
                    self.leave_finallies(None)?;
                    self.emit(Op::Return { src: t });
                } else {
                    self.emit(Op::Return { src: v });
                }
            }
            StmtKind::Function(decl) => {
                let mut g = Gen::new(self.unit, &self.scope.declare(&decl.name.name));
                g.scope = self.scope.clone();
                let f = g.function(decl)?;
                let index = self.late(crate::bytecode::LateDecl::Function(f));
                self.emit(Op::Declare { index });
            }
            StmtKind::Foreach {
                expr,
                key,
                value,
                by_ref,
                body,
                ..
            } => {
                // A pattern binding references walks the array by reference.
                let by_ref = &(*by_ref
                    || (super::assign::is_pattern(&self.ast.expr(*value).kind)
                        && self.binds_ref(*value)));
                // A target that is not a plain variable (a pattern, an element, a property)
                // gets its entry through a hidden variable, at the top of the body.
                let key_cv = match key {
                    Some(k) => self
                        .plain_var(*k)
                        .unwrap_or_else(|| self.cv(b"\0foreach_key")),
                    None => NONE,
                };
                let val_cv = self
                    .plain_var(*value)
                    .unwrap_or_else(|| self.cv(b"\0foreach"));
                // By reference, the loop walks the array itself through a reference to it.
                let v = match by_ref {
                    true => match self.ref_of(*expr)? {
                        Some(r) => r,
                        None => {
                            let v = self.expr(*expr)?;
                            let r = self.temp();
                            self.emit(Op::MakeRef { dst: r, cv: v });
                            r
                        }
                    },
                    false => self.expr(*expr)?,
                };
                // The array and the position live in temporaries for the whole loop: the
                // body's statements take theirs above them.
                let src = self.temp();
                let pos = self.temp();
                self.emit(Op::Copy { dst: src, src: v });
                let (init, head, next) = if *by_ref {
                    let init = self.emit(Op::IterInitRef { src, pos, exit: 0 });
                    let head = self.here();
                    let next = self.emit(Op::IterNextRef {
                        src,
                        pos,
                        key: key_cv,
                        val: val_cv,
                        exit: 0,
                    });
                    (init, head, next)
                } else {
                    let init = self.emit(Op::IterInit { src, pos, exit: 0 });
                    let head = self.here();
                    let next = self.emit(Op::IterNext {
                        src,
                        pos,
                        key: key_cv,
                        val: val_cv,
                        exit: 0,
                    });
                    (init, head, next)
                };
                self.loops.push(LoopCtx {
                    is_switch: false,
                    breaks: Vec::new(),
                    continues: Vec::new(),
                });
                self.foreach_targets(*key, key_cv, *value, val_cv, *by_ref)?;
                self.stmt(*body)?;
                self.close_loop(head, head, Some(next));
                let end = self.here();
                self.patch(init, end);
                if *by_ref {
                    self.emit(Op::IterFreeRef { src, pos });
                }
                // Drop the loop's copy of the array now (PHP frees it at the loop's end).
                let k = self.constant(Const::Null);
                self.emit(Op::Const { dst: src, k });
            }
            StmtKind::Unset(list) => {
                for &e in list {
                    if self.appends_on_path(e) {
                        return Err(self.fatal("Cannot use [] for unsetting"));
                    }
                    match &self.ast.expr(e).kind {
                        ExprKind::Variable(name) if &name[..] != b"this" => {
                            let cv = self.cv(name);
                            self.emit(Op::UnsetCv { cv });
                        }
                        ExprKind::ArrayDim {
                            base,
                            dim: Some(name),
                        } if matches!(&self.ast.expr(*base).kind, ExprKind::Variable(n) if &n[..] == b"GLOBALS") =>
                        {
                            let name = self.expr(*name)?;
                            self.emit(Op::GlobalUnset { name });
                        }
                        ExprKind::ArrayDim { dim: Some(_), .. } => {
                            let d = self.dim_path(e, false)?;
                            self.emit(Op::UnsetDim {
                                cv: d.cv,
                                prop: d.prop,
                                keys: d.keys,
                                n: d.n,
                            });
                        }
                        ExprKind::Property { object, name, .. } => {
                            let obj =
                                self.object_for_write(*object, super::object::ObjectWrite::Unset)?;
                            let name = self.member_name(name)?;
                            self.emit(Op::UnsetProp { obj, name });
                        }
                        _ => self.unset_other(e)?,
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
                    let full = self.scope.declare(&item.name.name);
                    let k = self.constant(Const::Str(full));
                    self.emit(Op::DeclareConst { name: k, src: v });
                }
            }
            StmtKind::Global(vars) => {
                for &e in vars {
                    let n = match &self.ast.expr(e).kind {
                        ExprKind::Variable(n) => n,
                        ExprKind::VariableVariable(x) => {
                            let name = self.expr(*x)?;
                            self.emit(Op::Ref(RefOp::BindGlobal { name }));
                            continue;
                        }
                        _ => return self.unsupported("global of this expression"),
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
                    // A function has one static variable per name: its first value is the
                    // one the last declaration of the name gives.
                    for op in &mut self.f.ops {
                        if let Op::BindStatic { cv: c, init: i } = op
                            && *c == cv
                        {
                            *i = init;
                        }
                    }
                    self.emit(Op::BindStatic { cv, init });
                }
            }
            StmtKind::Try {
                body,
                catches,
                finally,
            } => self.try_stmt(body, catches, finally.as_deref())?,
            StmtKind::Class(decl) => {
                let d = match self.unit.top_classes.get(&s) {
                    Some(&i) => crate::bytecode::LateDecl::TopClass(i),
                    None => crate::bytecode::LateDecl::Class(super::class::class(
                        self.unit,
                        decl,
                        self.scope.clone(),
                    )?),
                };
                let index = self.late(d);
                self.emit(Op::Declare { index });
            }
            StmtKind::Label(name) => {
                let here = self.here();
                if self.labels.insert(name.name.clone(), here).is_some() {
                    return Err(CompileError {
                        message: format!("Label '{}' already defined", name.text()),
                        line: self.line,
                        fatal: true,
                    });
                }
            }
            StmtKind::Goto(name) => {
                let j = self.emit(Op::Jump { to: 0 });
                self.gotos.push((j, name.name.clone(), self.line));
            }
            other => {
                let name = variant_name(&format!("{other:?}"));
                return self.unsupported(&format!("the statement {name}"));
            }
        }
        if self.stmt_high > mark && frees_temps(&stmt.kind) {
            self.emit(Op::FreeTemps {
                from: TEMP | mark,
                n: self.stmt_high - mark,
            });
        }
        self.stmt_high = self.stmt_high.max(outer_high);
        self.next_temp = mark;
        Ok(())
    }

    /// Records a declaration made when it runs; its index.
    pub(super) fn late(&mut self, d: crate::bytecode::LateDecl) -> u32 {
        let mut list = self.unit.late.borrow_mut();
        list.push(d);
        list.len() as u32 - 1
    }

    /// Assigns a `foreach` entry to its key and value targets that are not plain variables:
    /// the loop put the entry in the hidden variables `key_cv` and `val_cv`.
    fn foreach_targets(
        &mut self,
        key: Option<ExprId>,
        key_cv: Slot,
        value: ExprId,
        val_cv: Slot,
        by_ref: bool,
    ) -> Result<()> {
        let mark = self.next_temp;
        if self.plain_var(value).is_none() {
            let t = self.temp();
            if by_ref {
                self.emit(Op::MakeRef { dst: t, cv: val_cv });
                self.assign_ref_slot(value, t)?;
            } else {
                self.emit(Op::Load { dst: t, cv: val_cv });
                self.assign_slot(value, t)?;
            }
            // The hidden variable must not keep the entry (a reference to the element).
            self.emit(Op::UnsetCv { cv: val_cv });
        }
        if let Some(k) = key
            && self.plain_var(k).is_none()
        {
            let t = self.temp();
            self.emit(Op::Load { dst: t, cv: key_cv });
            self.assign_slot(k, t)?;
        }
        self.next_temp = mark;
        Ok(())
    }

    pub(super) fn loop_body(&mut self, body: StmtId) -> Result<()> {
        self.loops.push(LoopCtx {
            is_switch: false,
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        self.stmt(body)
    }

    /// Emits the back edge to `head` and patches the loop's exits and continues.
    pub(super) fn close_loop(&mut self, head: u32, cont: u32, exit: Option<usize>) {
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
}

/// Whether a statement's temporaries are released at its end: statements that only jump or
/// only hold other statements leave theirs to be overwritten.
fn frees_temps(kind: &StmtKind) -> bool {
    !matches!(
        kind,
        StmtKind::Block(_)
            | StmtKind::Nop
            | StmtKind::Return(_)
            | StmtKind::Break(_)
            | StmtKind::Continue(_)
            | StmtKind::InlineHtml(_)
    )
}

/// The variant name at the start of a `Debug` text (`Goto(...)` gives `Goto`).
pub(super) fn variant_name(debug: &str) -> String {
    debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}
