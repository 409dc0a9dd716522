//! Object expressions: `new`, properties, method and static calls, class constants, static
//! properties, `instanceof`, `clone`, `$this`.

use super::{Gen, Result, TEMP};
use crate::bytecode::{ARGS_ARRAY, CallKind, Const, NONE, Op, Slot};
use php_syntax::ast::{Access, Args, ClassRef, ExprId, ExprKind, MemberName};

impl<'a> Gen<'a> {
    /// A slot holding the class an expression names: its name as written (`self`, `parent`
    /// and `static` are resolved when the instruction runs), or the value of `$expr::`.
    pub(super) fn class_ref(&mut self, class: &ClassRef) -> Result<Slot> {
        match class {
            ClassRef::Name(n) => {
                let full = self.scope.class(n);
                Ok(self.load_const(Const::Str(full)))
            }
            ClassRef::Expr(e) => self.expr(*e),
        }
    }

    /// A slot holding a member's name.
    pub(super) fn member_name(&mut self, name: &MemberName) -> Result<Slot> {
        match name {
            MemberName::Ident(i) => Ok(self.load_const(Const::Str(i.name.clone()))),
            MemberName::Expr(e) => self.expr(*e),
        }
    }

    /// Evaluates call arguments (by value) into consecutive temporaries: the first one and
    /// how many; with spreads or named arguments, into one array instead (the count is then
    /// [`ARGS_ARRAY`]).
    pub(super) fn plain_args(&mut self, args: &Args) -> Result<(Slot, u32)> {
        let Args::List(args, _) = args else {
            return self.unsupported("first-class callable syntax");
        };
        if args.iter().any(|a| a.name.is_some() || a.unpack) {
            return Ok((self.args_array(args)?, ARGS_ARRAY));
        }
        let base = self.next_temp;
        for _ in args {
            self.temp();
        }
        for (i, a) in args.iter().enumerate() {
            let v = self.expr(a.value)?;
            self.emit(Op::Copy {
                dst: TEMP | (base + i as Slot),
                src: v,
            });
        }
        Ok((TEMP | base, args.len() as u32))
    }

    /// The arguments as one array: positional ones appended, spreads spread, named ones
    /// under their names.
    pub(super) fn args_array(&mut self, args: &[php_syntax::ast::Arg]) -> Result<Slot> {
        let arr = self.temp();
        self.emit(Op::NewArray { dst: arr });
        for a in args {
            let v = self.expr(a.value)?;
            if a.unpack {
                self.emit(Op::ArraySpread { arr, src: v });
            } else if let Some(name) = &a.name {
                let key = self.load_const(Const::Str(name.name.clone()));
                self.emit(Op::ArgNamed { arr, key, val: v });
            } else {
                self.emit(Op::ArrayAppend { arr, val: v });
            }
        }
        Ok(arr)
    }

    /// Declares the anonymous class of a `new class {...}` (the first time it runs: its
    /// declaration is kept, as PHP's) and gives the slot naming it.
    fn anonymous_class(&mut self, decl: &'a php_syntax::ast::ClassDecl) -> Result<Slot> {
        let n = self.unit.late.borrow().len() as u32;
        let name = super::class::anonymous_name(self.unit, decl, &self.scope, n);
        let def = super::class::class_named(self.unit, decl, self.scope.clone(), name.clone())?;
        let index = self.late(crate::bytecode::LateDecl::Class(def));
        self.emit(Op::Declare { index });
        Ok(self.load_const(Const::Str(name)))
    }

    /// The object expressions of [`expr_kind`](Gen::expr_kind).
    pub(super) fn object_expr(&mut self, kind: &'a ExprKind) -> Result<Slot> {
        Ok(match kind {
            ExprKind::New { class, args } => {
                let cls = match class {
                    php_syntax::ast::NewClass::Class(class) => self.class_ref(class)?,
                    php_syntax::ast::NewClass::Anonymous(decl) => self.anonymous_class(decl)?,
                };
                let (args, argc) = match args {
                    Some(a) => self.dynamic_args(a, CallKind::New, cls, NONE)?,
                    None => (TEMP | self.next_temp, 0),
                };
                let dst = self.temp();
                self.emit(Op::New {
                    cls,
                    args,
                    argc,
                    dst,
                });
                dst
            }
            ExprKind::Property {
                access: Access::Normal,
                ..
            } => self.read_chain(kind)?,
            // `?->`.
            ExprKind::Property { object, name, .. } => {
                let obj = self.object_of(*object)?;
                self.nullsafe(obj);
                let name = self.member_name(name)?;
                let dst = self.temp();
                self.emit(Op::FetchProp {
                    dst,
                    obj,
                    name,
                    quiet: false,
                });
                dst
            }
            ExprKind::MethodCall {
                object,
                name,
                args,
                access,
            } => {
                let keep = std::mem::take(&mut self.keep_ref_next);
                let obj = self.object_of(*object)?;
                if *access == Access::Nullsafe {
                    self.nullsafe(obj);
                }
                let name = self.member_name(name)?;
                let (args, argc) = self.dynamic_args(args, CallKind::Method, obj, name)?;
                let dst = self.temp();
                self.keep_ref(keep);
                self.emit(Op::CallMethod {
                    obj,
                    name,
                    args,
                    argc,
                    dst,
                });
                dst
            }
            ExprKind::StaticCall { class, name, args } => {
                let keep = std::mem::take(&mut self.keep_ref_next);
                let cls = self.class_ref(class)?;
                let name = self.member_name(name)?;
                let (args, argc) = self.dynamic_args(args, CallKind::Static, cls, name)?;
                let dst = self.temp();
                self.keep_ref(keep);
                self.emit(Op::CallStatic {
                    cls,
                    name,
                    args,
                    argc,
                    dst,
                });
                dst
            }
            ExprKind::ClassConstant { class, name } => {
                if let (ClassRef::Name(n), true) =
                    (&**class, name.name.eq_ignore_ascii_case(b"class"))
                {
                    let lower = n.text.to_ascii_lowercase();
                    if !matches!(&lower[..], b"self" | b"static" | b"parent") {
                        let full = self.scope.class(n);
                        return Ok(self.load_const(Const::Str(full)));
                    }
                }
                let cls = self.class_ref(class)?;
                let name = self.constant(Const::Str(name.name.clone()));
                let dst = self.temp();
                self.emit(Op::FetchClassConst { dst, cls, name });
                dst
            }
            ExprKind::StaticProperty { .. } => {
                let r = self.static_prop_ref(kind)?;
                let dst = self.temp();
                self.emit(Op::Load { dst, cv: r });
                dst
            }
            ExprKind::Instanceof { expr, class } => {
                let src = self.expr(*expr)?;
                let cls = self.class_ref(class)?;
                let dst = self.temp();
                self.emit(Op::InstanceOf { dst, src, cls });
                dst
            }
            ExprKind::Clone(e) => {
                let src = self.expr(*e)?;
                let dst = self.temp();
                self.emit(Op::Clone { dst, src });
                dst
            }
            _ => unreachable!("not an object expression"),
        })
    }

    /// A slot holding the object of `obj->...`: a variable is read in place.
    pub(super) fn object_of(&mut self, e: ExprId) -> Result<Slot> {
        match &self.ast.expr(e).kind {
            // Outside methods and closures, read: PHP's error where there is no `$this` (an
            // included file's code may have its includer's).
            ExprKind::Variable(n) if &n[..] == b"this" && self.f.this.is_none() => {
                let cv = self.this_slot();
                let dst = self.temp();
                self.emit(Op::Load { dst, cv });
                Ok(dst)
            }
            ExprKind::Variable(n) if &n[..] == b"this" => Ok(self.this_slot()),
            _ => self.expr(e),
        }
    }

    /// The object of a property written `how`: an element `$a[k]` is fetched for writing,
    /// as PHP does (made `null` when missing, PHP's error for a string offset); anything
    /// else as [`Gen::object_of`].
    pub(super) fn object_for_write(&mut self, e: ExprId, how: ObjectWrite) -> Result<Slot> {
        if !matches!(&self.ast.expr(e).kind, ExprKind::ArrayDim { .. }) {
            return self.object_of(e);
        }
        let create = how != ObjectWrite::Unset;
        let mut d = self.dim_path(e, create)?;
        self.reach(&mut d);
        let dst = self.temp();
        self.emit(Op::FetchDimObj {
            dst,
            cv: d.cv,
            prop: d.prop,
            keys: d.keys,
            n: d.n,
            append: d.append,
            create,
            warn: how == ObjectWrite::Modify,
        });
        Ok(dst)
    }

    /// The slot of `$this` (a variable named `this` outside methods, never set, whose read
    /// is PHP's error).
    pub(super) fn this_slot(&mut self) -> Slot {
        match self.f.this {
            Some(s) => s,
            None => self.cv(b"this"),
        }
    }

    /// A temporary holding a reference to the static property of `Class::$name`.
    pub(super) fn static_prop_ref(&mut self, kind: &ExprKind) -> Result<Slot> {
        let ExprKind::StaticProperty { class, name } = kind else {
            unreachable!("a static property")
        };
        let cls = self.class_ref(class)?;
        // `C::$$x`, `C::${expr}`: the property is named by the value of `$x`, of `expr`.
        let name = match name {
            MemberName::Expr(e) => match &self.ast.expr(*e).kind {
                ExprKind::VariableVariable(inner) => self.expr(*inner)?,
                _ => self.member_name(name)?,
            },
            MemberName::Ident(_) => self.member_name(name)?,
        };
        let dst = self.temp();
        self.emit(Op::StaticPropRef { dst, cls, name });
        Ok(dst)
    }
}

/// How the property of an element (`$a[k]->p`) is written: what fetching the element does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ObjectWrite {
    /// `=`, `[]=`, `&`: a missing element is made `null`.
    Assign,
    /// `op=`, `++`: the same, after PHP's warning for the missing key.
    Modify,
    /// `unset`: nothing is made.
    Unset,
}
