//! Assignments: `=`, `=&`, `op=` and `??=` to every place, and destructuring
//! (`[$a, 'k' => [&$b, $o->p]] = ...`, also in `foreach`).
//!
//! A destructuring pattern reads its container with `Op::FetchList` (PHP's quiet read:
//! `null` for what is not an array); an element bound by reference, or a nested pattern that
//! binds one, fetches its element for writing instead (`RefOp::FetchList`), from a reference
//! to the container. Each element's target is evaluated after its element is fetched, as
//! PHP does.

use super::place::Place;
use super::{Gen, Result};
use crate::CompileError;
use crate::bytecode::{Const, NONE, Op, RefNeed, RefOp, Slot};
use php_syntax::ast::{ArraySyntax, BinaryOp, ExprId, ExprKind};

impl Gen<'_> {
    /// `target = value`, its result in the returned slot.
    pub(super) fn assign_to(&mut self, target: ExprId, value: ExprId) -> Result<Slot> {
        if is_pattern(&self.ast.expr(target).kind) {
            if !self.binds_ref(target) {
                let v = self.expr(value)?;
                self.destructure(target, v, false)?;
                return Ok(v);
            }
            let Some(c) = self.ref_of(value)? else {
                return Err(self.fatal("Cannot assign reference to non referenceable value"));
            };
            self.destructure(target, c, true)?;
            let v = self.temp();
            self.emit(Op::Load { dst: v, cv: c });
            return Ok(v);
        }
        Ok(match self.place(target, true)? {
            Place::Dim(mut d) => {
                let v = self.expr(value)?;
                self.reach(&mut d);
                self.emit(Op::AssignDim {
                    cv: d.cv,
                    prop: d.prop,
                    keys: d.keys,
                    n: d.n,
                    append: d.append,
                    val: v,
                });
                v
            }
            Place::Prop { obj, name } => {
                let v = self.expr(value)?;
                self.emit(Op::AssignProp { obj, name, val: v });
                v
            }
            Place::Var(cv) => {
                let v = self.expr(value)?;
                self.emit(Op::Assign { cv, src: v });
                v
            }
        })
    }

    /// `target = &value`, its result in the returned slot.
    pub(super) fn assign_ref(&mut self, target: ExprId, value: ExprId) -> Result<Slot> {
        let call = is_call(&self.ast.expr(value).kind);
        let src = match self.ref_of(value)? {
            Some(r) => r,
            None => self.expr(value)?,
        };
        self.bind_ref(target, src, call)
    }

    /// Binds `target` to the reference in slot `src`; the result of `=&` in the returned slot.
    /// With `call`, `src` holds a call's result: PHP's notice when it is no reference (after
    /// the target's element or property is reached, as PHP fetches it first).
    fn bind_ref(&mut self, target: ExprId, src: Slot, call: bool) -> Result<Slot> {
        let expect = Op::Ref(RefOp::Expect {
            src,
            need: RefNeed::Assigned,
        });
        // `$GLOBALS['name'] = &...` binds the global variable itself.
        if let ExprKind::ArrayDim {
            base,
            dim: Some(name),
        } = &self.ast.expr(target).kind
            && matches!(&self.ast.expr(*base).kind, ExprKind::Variable(n) if &n[..] == b"GLOBALS")
        {
            let name = self.expr(*name)?;
            if call {
                self.emit(expect);
            }
            self.emit(Op::Ref(RefOp::AssignGlobal { name, src }));
            return Ok(src);
        }
        // `$$name = &...` binds the variable itself.
        if let ExprKind::VariableVariable(x) = &self.ast.expr(target).kind {
            let name = self.expr(*x)?;
            if call {
                self.emit(expect);
            }
            self.emit(Op::Ref(RefOp::AssignVarVar { name, src }));
            return Ok(src);
        }
        Ok(match self.place(target, true)? {
            Place::Var(cv) => {
                if call {
                    self.emit(expect);
                }
                self.emit(Op::AssignRef { cv, src });
                let t = self.temp();
                self.emit(Op::LoadQuiet { dst: t, cv });
                t
            }
            Place::Dim(mut d) => {
                self.reach(&mut d);
                self.emit(Op::AssignRefDim {
                    cv: d.cv,
                    prop: d.prop,
                    keys: d.keys,
                    n: d.n,
                    append: d.append,
                    src,
                });
                if call {
                    self.emit(expect);
                }
                src
            }
            Place::Prop { obj, name } => {
                self.emit(Op::AssignRefProp { obj, name, src });
                if call {
                    self.emit(expect);
                }
                src
            }
        })
    }

    /// `target op= value` (and `??=`), its result in the returned slot.
    pub(super) fn assign_op(
        &mut self,
        op: BinaryOp,
        target: ExprId,
        value: ExprId,
    ) -> Result<Slot> {
        if op == BinaryOp::Coalesce {
            return self.assign_coalesce(target, value);
        }
        let Some(bop) = super::expr::arith_op(op) else {
            return self.unsupported("this compound assignment");
        };
        let place = match &self.ast.expr(target).kind {
            // `$$x op= v` reads the variable first, with the warning if it is undefined.
            ExprKind::VariableVariable(x) => {
                let name = self.expr(*x)?;
                let t = self.temp();
                self.emit(Op::LoadVarVar {
                    dst: t,
                    name,
                    quiet: false,
                });
                self.emit(Op::VarVarRef { dst: t, name });
                Place::Var(t)
            }
            // `$GLOBALS['name'] op= v` reads the global first, with the warning if it is
            // missing (made only after that).
            ExprKind::ArrayDim {
                base,
                dim: Some(name),
            } if matches!(&self.ast.expr(*base).kind, ExprKind::Variable(n) if &n[..] == b"GLOBALS") =>
            {
                let name = self.expr(*name)?;
                let t = self.temp();
                self.emit(Op::GlobalFetch { dst: t, name });
                self.emit(Op::GlobalRef { dst: t, name });
                Place::Var(t)
            }
            // `$a[] op= v` appends `null op v`.
            ExprKind::ArrayDim { dim: None, .. } => {
                let Place::Dim(mut d) = self.place(target, true)? else {
                    return self.unsupported("this compound assignment");
                };
                let v = self.expr(value)?;
                let null = self.load_const(Const::Null);
                let dst = self.temp();
                self.emit(Op::Binary {
                    op: bop,
                    dst,
                    a: null,
                    b: v,
                });
                self.reach(&mut d);
                self.emit(Op::AssignDim {
                    cv: d.cv,
                    prop: d.prop,
                    keys: d.keys,
                    n: d.n,
                    append: true,
                    val: dst,
                });
                return Ok(dst);
            }
            _ => self.place(target, false)?,
        };
        let v = self.expr(value)?;
        let dst = self.temp();
        match place {
            Place::Dim(mut d) => {
                self.reach(&mut d);
                self.emit(Op::AssignDimOp {
                    op: bop,
                    cv: d.cv,
                    prop: d.prop,
                    keys: d.keys,
                    n: d.n,
                    val: v,
                    dst,
                })
            }
            Place::Prop { obj, name } => self.emit(Op::AssignPropOp {
                op: bop,
                obj,
                name,
                val: v,
                dst,
            }),
            // A variable, or a reference to a global or a static property.
            Place::Var(cv) => {
                self.emit(Op::Load { dst, cv });
                self.emit(Op::Binary {
                    op: bop,
                    dst,
                    a: dst,
                    b: v,
                });
                self.emit(Op::Assign { cv, src: dst })
            }
        };
        Ok(dst)
    }

    /// `target ??= value`: `target` read quietly, assigned when `null`.
    fn assign_coalesce(&mut self, target: ExprId, value: ExprId) -> Result<Slot> {
        let dst = self.temp();
        if let Some(cv) = self.plain_var(target) {
            self.emit(Op::LoadQuiet { dst, cv });
            let j = self.emit(Op::JumpIfNotNull { src: dst, to: 0 });
            let v = self.expr(value)?;
            self.emit(Op::Assign { cv, src: v });
            self.emit(Op::Copy { dst, src: v });
            let h = self.here();
            self.patch(j, h);
            return Ok(dst);
        }
        if let Some(done) = self.coalesce_place(target, value, dst)? {
            return Ok(done);
        }
        let cur = self.quiet_value(target)?;
        self.emit(Op::Copy { dst, src: cur });
        let j = self.emit(Op::JumpIfNotNull { src: dst, to: 0 });
        let v = self.assign_to(target, value)?;
        self.emit(Op::Copy { dst, src: v });
        let h = self.here();
        self.patch(j, h);
        Ok(dst)
    }

    /// `target ??= value` for an element (without an inner `[]`) or a property: its keys,
    /// object and name are evaluated once, for the read and the write (`None` for other
    /// targets, with nothing emitted).
    fn coalesce_place(&mut self, target: ExprId, value: ExprId, dst: Slot) -> Result<Option<Slot>> {
        let mut e = target;
        while let ExprKind::ArrayDim { base, dim: Some(_) } = &self.ast.expr(e).kind {
            e = *base;
        }
        let root_ok = match &self.ast.expr(e).kind {
            ExprKind::Variable(n) => &n[..] != b"this" && &n[..] != b"GLOBALS",
            ExprKind::Property { .. } => true,
            _ => false,
        };
        let is_dim = matches!(&self.ast.expr(target).kind, ExprKind::ArrayDim { .. });
        let is_prop = matches!(
            &self.ast.expr(target).kind,
            ExprKind::Property { .. } | ExprKind::StaticProperty { .. }
        );
        if !(is_prop || is_dim && root_ok) {
            return Ok(None);
        }
        match self.place(target, false)? {
            Place::Dim(mut d) => {
                let mut cur = d.cv;
                if d.prop != NONE {
                    cur = self.temp();
                    self.emit(Op::FetchProp {
                        dst: cur,
                        obj: d.cv,
                        name: d.prop,
                        quiet: true,
                    });
                }
                for i in 0..d.n {
                    let t = self.temp();
                    self.emit(Op::FetchDimQuiet {
                        dst: t,
                        base: cur,
                        key: d.keys + i,
                    });
                    cur = t;
                }
                self.emit(Op::Copy { dst, src: cur });
                let j = self.emit(Op::JumpIfNotNull { src: dst, to: 0 });
                let v = self.expr(value)?;
                self.reach(&mut d);
                self.emit(Op::AssignDim {
                    cv: d.cv,
                    prop: d.prop,
                    keys: d.keys,
                    n: d.n,
                    append: false,
                    val: v,
                });
                self.emit(Op::Copy { dst, src: v });
                let h = self.here();
                self.patch(j, h);
            }
            Place::Prop { obj, name } => {
                self.emit(Op::FetchProp {
                    dst,
                    obj,
                    name,
                    quiet: true,
                });
                let j = self.emit(Op::JumpIfNotNull { src: dst, to: 0 });
                let v = self.expr(value)?;
                self.emit(Op::AssignProp { obj, name, val: v });
                self.emit(Op::Copy { dst, src: v });
                let h = self.here();
                self.patch(j, h);
            }
            // A static property, through a reference to it.
            Place::Var(cv) => {
                self.emit(Op::LoadQuiet { dst, cv });
                let j = self.emit(Op::JumpIfNotNull { src: dst, to: 0 });
                let v = self.expr(value)?;
                self.emit(Op::Assign { cv, src: v });
                self.emit(Op::Copy { dst, src: v });
                let h = self.here();
                self.patch(j, h);
            }
        }
        Ok(Some(dst))
    }

    /// Writes the value in slot `src` to `target`: a variable, an element, a property, a
    /// static property or a destructuring pattern (a `foreach` target).
    pub(super) fn assign_slot(&mut self, target: ExprId, src: Slot) -> Result<()> {
        if is_pattern(&self.ast.expr(target).kind) {
            return self.destructure(target, src, false);
        }
        match self.place(target, true)? {
            Place::Var(cv) => self.emit(Op::Assign { cv, src }),
            Place::Dim(mut d) => {
                self.reach(&mut d);
                self.emit(Op::AssignDim {
                    cv: d.cv,
                    prop: d.prop,
                    keys: d.keys,
                    n: d.n,
                    append: d.append,
                    val: src,
                })
            }
            Place::Prop { obj, name } => self.emit(Op::AssignProp {
                obj,
                name,
                val: src,
            }),
        };
        Ok(())
    }

    /// Binds `target` (a place or a pattern) to the reference in slot `r` (a `foreach` by
    /// reference).
    pub(super) fn assign_ref_slot(&mut self, target: ExprId, r: Slot) -> Result<()> {
        if is_pattern(&self.ast.expr(target).kind) {
            return self.destructure(target, r, true);
        }
        self.bind_ref(target, r, false)?;
        Ok(())
    }

    /// `[$a, 'k' => $b, [&$c]] = v`: assigns the elements of the container in slot `v`, which
    /// holds a reference to it when `by_ref` (the pattern binds references).
    pub(super) fn destructure(&mut self, pattern: ExprId, v: Slot, by_ref: bool) -> Result<()> {
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || {
            self.destructure_inner(pattern, v, by_ref)
        })
    }

    fn destructure_inner(&mut self, pattern: ExprId, v: Slot, by_ref: bool) -> Result<()> {
        let (ExprKind::List { items, syntax } | ExprKind::Array { items, syntax }) =
            &self.ast.expr(pattern).kind
        else {
            return self.unsupported("this destructuring pattern");
        };
        if items.iter().flatten().next().is_none() {
            return Err(self.fatal("Cannot use empty list"));
        }
        let keyed = items.iter().flatten().filter(|i| i.key.is_some()).count();
        if keyed != 0 && keyed != items.iter().flatten().count() {
            return Err(self.fatal("Cannot mix keyed and unkeyed array entries in assignments"));
        }
        for (index, item) in items.iter().enumerate() {
            let Some(item) = item else {
                if keyed != 0 {
                    let msg = "Cannot use empty array entries in keyed array assignment";
                    return Err(self.fatal(msg));
                }
                continue;
            };
            if item.unpack {
                return Err(self.fatal("Spread operator is not supported in assignments"));
            }
            let nested = match &self.ast.expr(item.value).kind {
                ExprKind::Array {
                    syntax: ArraySyntax::Long,
                    ..
                } => return Err(self.fatal("Cannot assign to array(), use [] instead")),
                ExprKind::List { syntax: s, .. } | ExprKind::Array { syntax: s, .. } => {
                    if s != syntax {
                        return Err(self.fatal("Cannot mix [] and list()"));
                    }
                    true
                }
                _ => false,
            };
            let key = match item.key {
                Some(k) => self.expr(k)?,
                None => self.load_const(Const::Int(index as i64)),
            };
            let t = self.temp();
            if item.by_ref || (nested && self.binds_ref(item.value)) {
                self.emit(Op::Ref(RefOp::FetchList {
                    dst: t,
                    base: v,
                    key,
                }));
                self.assign_ref_slot(item.value, t)?;
                continue;
            }
            let base = if by_ref {
                // The container's current value (earlier elements may have changed it).
                let b = self.temp();
                self.emit(Op::Load { dst: b, cv: v });
                b
            } else {
                v
            };
            self.emit(Op::FetchList { dst: t, base, key });
            self.assign_slot(item.value, t)?;
        }
        Ok(())
    }

    /// Whether a destructuring pattern binds anything by reference, at any depth.
    pub(super) fn binds_ref(&self, pattern: ExprId) -> bool {
        let mut todo = vec![pattern];
        while let Some(p) = todo.pop() {
            let (ExprKind::List { items, .. } | ExprKind::Array { items, .. }) =
                &self.ast.expr(p).kind
            else {
                continue;
            };
            for item in items.iter().flatten() {
                if item.by_ref {
                    return true;
                }
                if is_pattern(&self.ast.expr(item.value).kind) {
                    todo.push(item.value);
                }
            }
        }
        false
    }

    /// A compile-time error PHP reports as fatal, at the current line.
    pub(super) fn fatal(&self, message: &str) -> CompileError {
        CompileError {
            message: message.into(),
            line: self.line,
            fatal: true,
        }
    }
}

/// Whether an expression on the left of `=` is a destructuring pattern.
pub(super) fn is_pattern(kind: &ExprKind) -> bool {
    matches!(kind, ExprKind::List { .. } | ExprKind::Array { .. })
}

/// Whether an expression is a call (whose result may be a reference).
pub(super) fn is_call(kind: &ExprKind) -> bool {
    matches!(
        kind,
        ExprKind::Call { .. } | ExprKind::MethodCall { .. } | ExprKind::StaticCall { .. }
    )
}
