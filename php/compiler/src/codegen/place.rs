//! Places written or read without warnings: variables, array elements, destructuring patterns.

use super::{Gen, Result, TEMP};
use crate::CompileError;
use crate::bytecode::{Const, Op, Slot};
use php_syntax::ast::{ExprId, ExprKind};

impl Gen<'_> {
    /// The variable an assignment writes.
    pub(super) fn target_cv(&mut self, target: ExprId) -> Result<Slot> {
        match &self.ast.expr(target).kind {
            ExprKind::Variable(name) if &name[..] != b"this" => Ok(self.cv(name)),
            _ => self.unsupported("assigning to anything but a variable"),
        }
    }

    /// The value `isset`/`empty`/`??` read without warnings: a variable, or dimensions of one
    /// (`$a['k'][0]`).
    pub(super) fn quiet_value(&mut self, e: ExprId) -> Result<Slot> {
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
    pub(super) fn destructure(&mut self, pattern: ExprId, v: Slot) -> Result<()> {
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
    pub(super) fn plain_var(&mut self, e: ExprId) -> Option<Slot> {
        match &self.ast.expr(e).kind {
            ExprKind::Variable(n) if &n[..] != b"this" => Some(self.cv(n)),
            _ => None,
        }
    }

    /// Whether `e` is an array element (`$a[k]`, `$a[]`).
    pub(super) fn is_dim(&self, e: ExprId) -> bool {
        matches!(self.ast.expr(e).kind, ExprKind::ArrayDim { .. })
    }

    /// The variable and keys of a written array element `$v[k1]...[kn]`: the keys evaluated
    /// into `n` consecutive temporaries. `[]` may only be the last dimension, and only when
    /// `append_ok` (a plain assignment).
    pub(super) fn dim_path(
        &mut self,
        target: ExprId,
        append_ok: bool,
    ) -> Result<(Slot, Slot, u32, bool)> {
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
}
