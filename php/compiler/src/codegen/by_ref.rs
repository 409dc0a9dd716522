//! Arguments of by-reference parameters, and PHP's diagnostics for values that cannot be
//! passed by reference.
//!
//! A call of a function the file declares or of a built-in function knows its by-reference
//! parameters when it is compiled. A call whose target is found at run time (a method, a
//! static method, a callable value, a constructor) decides argument by argument when it
//! runs, as Zend's `SEND_VAR_EX`: [`RefOp::SendModes`] finds the target before the
//! arguments are evaluated and sets one flag per argument; an argument that is a variable
//! (or an element, a property) is then compiled twice, as a reference and as a value, and
//! the flag picks one.

use super::assign::is_call;
use super::{Gen, Result, TEMP};
use crate::bytecode::{CallKind, Const, Op, RefNeed, RefOp, Slot};
use php_syntax::ast::{Arg, Args, ExprId, ExprKind};

impl Gen<'_> {
    /// The argument `value` of the by-reference parameter `i` (0-based) of the function named
    /// by constant `name`: a reference to the place, a call's result (PHP's notice at run
    /// time when it is no reference), or a value (PHP's error at run time).
    pub(super) fn ref_arg(&mut self, value: ExprId, name: u32, i: usize) -> Result<Slot> {
        let call = is_call(&self.ast.expr(value).kind);
        match self.ref_of(value)? {
            Some(r) => {
                if call {
                    self.emit(Op::Ref(RefOp::Expect {
                        src: r,
                        need: RefNeed::Passed,
                    }));
                }
                Ok(r)
            }
            None => {
                let v = self.expr(value)?;
                self.emit(Op::Ref(RefOp::NotPassable { name, n: i as u32 }));
                Ok(v)
            }
        }
    }

    /// The arguments of a call with spreads or named arguments as one array (as
    /// [`args_array`](Gen::args_array)), references for the by-reference parameters `refs`
    /// of the function named by constant `name`.
    pub(super) fn ref_args_array(
        &mut self,
        args: &[Arg],
        refs: &RefParams,
        name: u32,
    ) -> Result<Slot> {
        let arr = self.temp();
        self.emit(Op::NewArray { dst: arr });
        // Positional arguments come before spreads and named ones.
        let mut position = 0;
        for a in args {
            if a.unpack {
                // A variable's elements can become references; a call's result is a value.
                let place = match is_call(&self.ast.expr(a.value).kind) {
                    true => None,
                    false => self.ref_of(a.value)?,
                };
                match place {
                    Some(src) => self.emit(Op::Ref(RefOp::SpreadArgs { arr, src, name })),
                    None => {
                        let v = self.expr(a.value)?;
                        self.emit(Op::ArraySpread { arr, src: v })
                    }
                };
            } else if let Some(n) = &a.name {
                let v = match refs.names.iter().position(|p| p[..] == n.name[..]) {
                    Some(i) if refs.by_ref(i) => self.ref_arg(a.value, name, i)?,
                    None if refs.named_by_ref(&n.name) => {
                        self.ref_arg(a.value, name, refs.names.len())?
                    }
                    _ => self.expr(a.value)?,
                };
                let key = self.load_const(Const::Str(n.name.clone()));
                self.emit(Op::ArrayInsert { arr, key, val: v });
            } else {
                let v = match refs.by_ref(position) {
                    true => self.ref_arg(a.value, name, position)?,
                    false => self.expr(a.value)?,
                };
                self.emit(Op::ArrayAppend { arr, val: v });
                position += 1;
            }
        }
        Ok(arr)
    }
}

impl Gen<'_> {
    /// The arguments of a call whose target is found at run time (see the module's
    /// documentation), as [`plain_args`](Gen::plain_args) gives them: `kind`, `target` and
    /// `name` describe the call for [`RefOp::SendModes`]. Calls with spreads or named
    /// arguments pass values.
    pub(super) fn dynamic_args(
        &mut self,
        args: &Args,
        kind: CallKind,
        target: Slot,
        name: Slot,
    ) -> Result<(Slot, u32)> {
        let Args::List(list, _) = args else {
            return self.plain_args(args);
        };
        if list.is_empty() || list.iter().any(|a| a.name.is_some() || a.unpack) {
            return self.plain_args(args);
        }
        let argc = list.len() as Slot;
        let modes = self.next_temp;
        for _ in 0..argc {
            self.temp();
        }
        self.emit(Op::Ref(RefOp::SendModes {
            dst: TEMP | modes,
            kind,
            target,
            name,
            argc,
        }));
        let base = self.next_temp;
        for _ in 0..argc {
            self.temp();
        }
        for (i, a) in list.iter().enumerate() {
            let (mode, dst) = (TEMP | (modes + i as Slot), TEMP | (base + i as Slot));
            if self.is_place(a.value) {
                let by_value = self.emit(Op::JumpIfNot { cond: mode, to: 0 });
                let r = match self.ref_of(a.value)? {
                    Some(r) => r,
                    None => self.expr(a.value)?,
                };
                self.emit(Op::Copy { dst, src: r });
                let end = self.emit(Op::Jump { to: 0 });
                let h = self.here();
                self.patch(by_value, h);
                let v = self.expr(a.value)?;
                self.emit(Op::Copy { dst, src: v });
                let h = self.here();
                self.patch(end, h);
            } else if is_call(&self.ast.expr(a.value).kind) {
                let v = self.expr(a.value)?;
                self.emit(Op::Copy { dst, src: v });
                let skip = self.emit(Op::JumpIfNot { cond: mode, to: 0 });
                self.emit(Op::Ref(RefOp::Expect {
                    src: dst,
                    need: RefNeed::Passed,
                }));
                let h = self.here();
                self.patch(skip, h);
            } else {
                let v = self.expr(a.value)?;
                self.emit(Op::Copy { dst, src: v });
                self.emit(Op::Ref(RefOp::CannotPass {
                    mode,
                    kind,
                    target,
                    name,
                    n: i as u32,
                }));
            }
        }
        Ok((TEMP | base, argc))
    }

    /// Whether `e` is a place an argument can be a reference to (a variable other than
    /// `$this`, an element, a property).
    fn is_place(&self, e: ExprId) -> bool {
        match &self.ast.expr(e).kind {
            ExprKind::Variable(n) => &n[..] != b"this",
            ExprKind::ArrayDim { dim, .. } => dim.is_some(),
            ExprKind::Property { .. }
            | ExprKind::StaticProperty { .. }
            | ExprKind::VariableVariable(_) => true,
            _ => false,
        }
    }
}

/// What call sites need to know of a function's parameters to pass references.
#[derive(Clone, Debug)]
pub(super) struct RefParams {
    /// Whether each parameter is by reference.
    pub(super) refs: Vec<bool>,
    /// The parameters' names (empty for built-in functions).
    pub(super) names: Vec<Box<[u8]>>,
    /// The last parameter is `&...$rest`: every argument from there on is by reference.
    pub(super) rest_by_ref: bool,
}

impl RefParams {
    /// Whether argument `i` (0-based) is passed by reference.
    pub(super) fn by_ref(&self, i: usize) -> bool {
        self.refs.get(i).copied().unwrap_or(self.rest_by_ref)
    }

    /// Whether the argument named `name` is passed by reference.
    pub(super) fn named_by_ref(&self, name: &[u8]) -> bool {
        match self.names.iter().position(|n| n[..] == *name) {
            Some(i) => self.by_ref(i),
            None => self.rest_by_ref,
        }
    }

    /// Whether any argument is passed by reference.
    pub(super) fn any(&self) -> bool {
        self.rest_by_ref || self.refs.contains(&true)
    }
}
