//! Places written or read without warnings: variables, array elements, properties.

use super::object::ObjectWrite;
use super::{Gen, Result, TEMP};
use crate::CompileError;
use crate::bytecode::{NONE, Op, RefOp, Slot};
use php_syntax::ast::{ExprId, ExprKind};

impl Gen<'_> {
    /// The variable an assignment writes.
    pub(super) fn target_cv(&mut self, target: ExprId) -> Result<Slot> {
        match &self.ast.expr(target).kind {
            ExprKind::Variable(name) if &name[..] != b"this" => Ok(self.cv(name)),
            ExprKind::VariableVariable(e) => {
                let name = self.expr(*e)?;
                let dst = self.temp();
                self.emit(Op::VarVarRef { dst, name });
                Ok(dst)
            }
            other => {
                let name = super::stmt::variant_name(&format!("{other:?}"));
                self.unsupported(&format!("assigning to {name}"))
            }
        }
    }

    /// The value `isset`/`empty`/`??` read without warnings: a variable, or dimensions of one
    /// (`$a['k'][0]`).
    pub(super) fn quiet_value(&mut self, e: ExprId) -> Result<Slot> {
        match &self.ast.expr(e).kind {
            ExprKind::Variable(name) if &name[..] != b"this" && &name[..] != b"GLOBALS" => {
                let cv = self.cv(name);
                let t = self.temp();
                self.emit(Op::LoadQuiet { dst: t, cv });
                Ok(t)
            }
            // `isset($this)`: false where there is none.
            ExprKind::Variable(name) if &name[..] == b"this" => {
                let cv = self.this_slot();
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
                    None if matches!(
                        &self.ast.expr(*base).kind,
                        ExprKind::Property { .. }
                            | ExprKind::ArrayDim { .. }
                            | ExprKind::StaticProperty { .. }
                            | ExprKind::VariableVariable(_)
                    ) =>
                    {
                        self.quiet_value(*base)?
                    }
                    None => self.expr(*base)?,
                };
                let key = self.expr(*dim)?;
                let dst = self.temp();
                self.emit(Op::FetchDimQuiet { dst, base: b, key });
                Ok(dst)
            }
            ExprKind::Property { object, name, .. } => {
                let obj = match self.plain_var(*object) {
                    Some(cv) => {
                        let t = self.temp();
                        self.emit(Op::LoadQuiet { dst: t, cv });
                        t
                    }
                    None if matches!(
                        &self.ast.expr(*object).kind,
                        ExprKind::Property { .. }
                            | ExprKind::ArrayDim { .. }
                            | ExprKind::VariableVariable(_)
                    ) =>
                    {
                        self.quiet_value(*object)?
                    }
                    None => self.object_of(*object)?,
                };
                let name = self.member_name(name)?;
                let dst = self.temp();
                self.emit(Op::FetchProp {
                    dst,
                    obj,
                    name,
                    quiet: true,
                });
                Ok(dst)
            }
            k @ ExprKind::StaticProperty { .. } => {
                let cv = self.static_prop_ref(k)?;
                let t = self.temp();
                self.emit(Op::LoadQuiet { dst: t, cv });
                Ok(t)
            }
            ExprKind::VariableVariable(x) => {
                let name = self.expr(*x)?;
                let dst = self.temp();
                self.emit(Op::LoadVarVar {
                    dst,
                    name,
                    quiet: true,
                });
                Ok(dst)
            }
            _ => self.expr(e),
        }
    }

    /// The value `isset`/`empty` test: [`Gen::quiet_value`], its last dimension (if it ends
    /// in one) read as `isset` reads it.
    pub(super) fn isset_value(&mut self, e: ExprId) -> Result<Slot> {
        let t = self.quiet_value(e)?;
        if let Some(last) = self.f.ops.last_mut()
            && let Op::FetchDimQuiet { dst, base, key } = *last
            && dst == t
        {
            *last = Op::IssetDim { dst, base, key };
        }
        Ok(t)
    }

    /// `unset(e)` of what is not a variable, an element or a property: `$$name`, and what
    /// PHP rejects.
    pub(super) fn unset_other(&mut self, e: ExprId) -> Result<()> {
        match &self.ast.expr(e).kind {
            ExprKind::VariableVariable(x) => {
                let name = self.expr(*x)?;
                self.emit(Op::Ref(RefOp::UnsetVar { name }));
                Ok(())
            }
            ExprKind::Variable(_) => Err(self.fatal("Cannot unset $this")),
            ExprKind::ArrayDim { dim: None, .. } => Err(self.fatal("Cannot use [] for unsetting")),
            _ => self.unsupported("unset of this expression"),
        }
    }

    /// Whether a `[]` dimension is on the path to the place `e` (through the containers of
    /// elements and the objects of properties).
    pub(super) fn appends_on_path(&self, mut e: ExprId) -> bool {
        loop {
            match &self.ast.expr(e).kind {
                ExprKind::ArrayDim { dim: None, .. } => return true,
                ExprKind::ArrayDim { base, .. } => e = *base,
                ExprKind::Property { object, .. } => e = *object,
                _ => return false,
            }
        }
    }

    /// The slot of `e` if it is a plain variable (not `$this`).
    pub(super) fn plain_var(&mut self, e: ExprId) -> Option<Slot> {
        match &self.ast.expr(e).kind {
            ExprKind::Variable(n) if &n[..] != b"this" && &n[..] != b"GLOBALS" => Some(self.cv(n)),
            _ => None,
        }
    }

    /// The root and keys of a written array element `$v[k1]...[kn]`: the root as the
    /// element instructions name it (`cv`, and `prop` for a property of the object in `cv`),
    /// the keys evaluated into `n` consecutive temporaries. A last `[]` is allowed only when
    /// `append_ok` (a plain assignment); an inner one (`$a[][k] = v`) splits the path (see
    /// [`Gen::reach`]).
    pub(super) fn dim_path(&mut self, target: ExprId, append_ok: bool) -> Result<DimPath> {
        let mut dims = Vec::new();
        let mut e = target;
        let (cv, prop) = loop {
            match &self.ast.expr(e).kind {
                // `$GLOBALS['name']...`: the global variable is the root.
                ExprKind::ArrayDim {
                    base,
                    dim: Some(name),
                } if matches!(&self.ast.expr(*base).kind, ExprKind::Variable(n) if &n[..] == b"GLOBALS") =>
                {
                    let name = self.expr(*name)?;
                    let dst = self.temp();
                    self.emit(Op::GlobalRef { dst, name });
                    break (dst, NONE);
                }
                ExprKind::ArrayDim { base, dim } => {
                    dims.push(*dim);
                    e = *base;
                }
                ExprKind::Variable(name) if &name[..] != b"this" => break (self.cv(name), NONE),
                ExprKind::Property { object, name, .. } => {
                    let obj = self.object_for_write(*object, ObjectWrite::Assign)?;
                    let name = self.member_name(name)?;
                    break (obj, name);
                }
                k @ ExprKind::StaticProperty { .. } => break (self.static_prop_ref(k)?, NONE),
                ExprKind::VariableVariable(x) => {
                    let name = self.expr(*x)?;
                    let dst = self.temp();
                    self.emit(Op::VarVarRef { dst, name });
                    break (dst, NONE);
                }
                // A call's result: a reference it returns is written through
                // (`$o->getRef()[0] = 1`), a value only in the temporary, as in PHP.
                k if super::assign::is_call(k) => {
                    self.keep_ref_next = true;
                    let v = self.expr(e)?;
                    self.keep_ref_next = false;
                    break (v, NONE);
                }
                // Another temporary: the write changes only the temporary.
                _ => break (self.expr(e)?, NONE),
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
        // The keys, in order, into consecutive temporaries (none for an inner `[]`).
        let base = self.next_temp;
        let count = dims.iter().flatten().count();
        for _ in 0..count {
            self.temp();
        }
        for (i, d) in dims.iter().flatten().enumerate() {
            let k = self.expr(*d)?;
            self.emit(Op::Copy {
                dst: TEMP | (base + i as Slot),
                src: k,
            });
        }
        // An inner `[]` splits the path: each part up to one is fetched for writing (as a
        // reference to the new element), and the next part starts from there.
        let mut path = DimPath {
            cv,
            prop,
            keys: TEMP | base,
            n: 0,
            append,
            pre: Vec::new(),
        };
        let mut used = 0;
        for d in &dims {
            match d {
                Some(_) => {
                    path.n += 1;
                    used += 1;
                }
                None => {
                    let dst = self.temp();
                    path.pre.push(Op::MakeRefDim {
                        dst,
                        cv: path.cv,
                        prop: path.prop,
                        keys: path.keys,
                        n: path.n,
                        append: true,
                    });
                    path.cv = dst;
                    path.prop = NONE;
                    path.keys = TEMP | (base + used);
                    path.n = 0;
                }
            }
        }
        Ok(path)
    }

    /// Emits what must run just before the instruction that writes `d` (the fetches of its
    /// inner `[]` dimensions), after everything the write evaluates first.
    pub(super) fn reach(&mut self, d: &mut DimPath) {
        for op in std::mem::take(&mut d.pre) {
            self.emit(op);
        }
    }

    /// What an assignment, `op=` or `++`/`--` writes.
    pub(super) fn place(&mut self, target: ExprId, append_ok: bool) -> Result<Place> {
        Ok(match &self.ast.expr(target).kind {
            ExprKind::ArrayDim {
                base,
                dim: Some(name),
            } if matches!(&self.ast.expr(*base).kind, ExprKind::Variable(n) if &n[..] == b"GLOBALS") =>
            {
                let name = self.expr(*name)?;
                let dst = self.temp();
                self.emit(Op::GlobalRef { dst, name });
                Place::Var(dst)
            }
            ExprKind::ArrayDim { .. } => Place::Dim(self.dim_path(target, append_ok)?),
            ExprKind::Property { object, name, .. } => {
                // A compound assignment (`append_ok` false) reads the element first.
                let how = if append_ok {
                    ObjectWrite::Assign
                } else {
                    ObjectWrite::Modify
                };
                let obj = self.object_for_write(*object, how)?;
                let name = self.member_name(name)?;
                Place::Prop { obj, name }
            }
            k @ ExprKind::StaticProperty { .. } => Place::Var(self.static_prop_ref(k)?),
            _ => Place::Var(self.target_cv(target)?),
        })
    }
}

impl Gen<'_> {
    /// A temporary holding a reference to the place `e` (a variable, an element, a
    /// property, a static property), made a reference where it is; `None` if `e` is not a
    /// place (a call's result: passed by value).
    pub(super) fn ref_of(&mut self, e: ExprId) -> Result<Option<Slot>> {
        if self.through_nullsafe(e) {
            return Ok(None);
        }
        Ok(Some(match &self.ast.expr(e).kind {
            // `$GLOBALS` is no variable (a by-reference argument is PHP's error).
            ExprKind::Variable(n) if &n[..] == b"GLOBALS" => return Ok(None),
            // `&$this`: a reference to a copy (the object's handle); `$this` stays itself.
            ExprKind::Variable(n) if &n[..] == b"this" => {
                let cv = self.this_slot();
                let dst = self.temp();
                self.emit(Op::Load { dst, cv });
                let r = self.temp();
                self.emit(Op::MakeRef { dst: r, cv: dst });
                r
            }
            ExprKind::Variable(n) => {
                let cv = self.cv(n);
                let dst = self.temp();
                self.emit(Op::MakeRef { dst, cv });
                dst
            }
            // `$GLOBALS['name']`: the global variable's reference.
            ExprKind::ArrayDim { base, dim: Some(_) } if matches!(&self.ast.expr(*base).kind, ExprKind::Variable(n) if &n[..] == b"GLOBALS") => {
                match self.place(e, true)? {
                    Place::Var(r) => r,
                    _ => return self.unsupported("this reference to $GLOBALS"),
                }
            }
            ExprKind::ArrayDim { .. } => {
                let mut d = self.dim_path(e, true)?;
                self.reach(&mut d);
                let dst = self.temp();
                self.emit(Op::MakeRefDim {
                    dst,
                    cv: d.cv,
                    prop: d.prop,
                    keys: d.keys,
                    n: d.n,
                    append: d.append,
                });
                dst
            }
            ExprKind::Property { object, name, .. } => {
                let obj = self.object_for_write(*object, ObjectWrite::Assign)?;
                let name = self.member_name(name)?;
                let dst = self.temp();
                self.emit(Op::MakeRefProp { dst, obj, name });
                dst
            }
            k @ ExprKind::StaticProperty { .. } => self.static_prop_ref(k)?,
            ExprKind::VariableVariable(x) => {
                let name = self.expr(*x)?;
                let dst = self.temp();
                self.emit(Op::VarVarRef { dst, name });
                dst
            }
            // `f($b =& $a)`: the variable just bound.
            ExprKind::AssignRef { target, .. } if self.plain_var(*target).is_some() => {
                let cv = self.plain_var(*target).expect("checked");
                self.expr(e)?;
                let dst = self.temp();
                self.emit(Op::MakeRef { dst, cv });
                dst
            }
            // A call of a function returning by reference gives its reference.
            ExprKind::Call { .. } | ExprKind::MethodCall { .. } | ExprKind::StaticCall { .. } => {
                self.keep_ref_next = true;
                let v = self.expr(e)?;
                self.keep_ref_next = false;
                v
            }
            _ => return Ok(None),
        }))
    }
}

/// An array element being written: see [`Gen::dim_path`].
pub(super) struct DimPath {
    pub cv: Slot,
    pub prop: Slot,
    pub keys: Slot,
    pub n: u32,
    pub append: bool,
    /// The fetches of inner `[]` dimensions, emitted by [`Gen::reach`].
    pub pre: Vec<Op>,
}

/// A place written by an assignment.
pub(super) enum Place {
    /// A variable (or a temporary holding a reference, as for static properties).
    Var(Slot),
    /// An array element.
    Dim(DimPath),
    /// A property of the object in `obj`, named by `name`.
    Prop { obj: Slot, name: Slot },
}
