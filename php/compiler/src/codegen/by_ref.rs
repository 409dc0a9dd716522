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
                    // Still with the callee: a Traversable's elements for by-reference
                    // parameters get PHP's warning.
                    None => {
                        let src = self.expr(a.value)?;
                        self.emit(Op::Ref(RefOp::SpreadArgs { arr, src, name }))
                    }
                };
            } else if let Some(n) = &a.name
                && refs.names.is_empty()
            {
                // A built-in's parameter names are known at run time: its declaration says
                // whether this one is by reference.
                let target = self.temp();
                self.emit(Op::Const {
                    dst: target,
                    k: name,
                });
                let (v, mode) = (self.temp(), self.temp());
                let param = self.constant(Const::Str(n.name.clone()));
                self.emit(Op::Ref(RefOp::NamedMode {
                    dst: mode,
                    kind: CallKind::Value,
                    target,
                    name: crate::bytecode::NONE,
                    param,
                }));
                self.arg_by_mode(a.value, mode, v, None)?;
                let key = self.load_const(Const::Str(n.name.clone()));
                self.emit(Op::ArgNamed { arr, key, val: v });
            } else if let Some(n) = &a.name {
                let v = match refs.names.iter().position(|p| p[..] == n.name[..]) {
                    Some(i) if refs.by_ref(i) => self.ref_arg(a.value, name, i)?,
                    None if refs.named_by_ref(&n.name) => {
                        self.ref_arg(a.value, name, refs.names.len())?
                    }
                    _ => self.expr(a.value)?,
                };
                let key = self.load_const(Const::Str(n.name.clone()));
                self.emit(Op::ArgNamed { arr, key, val: v });
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
        if list.is_empty() || list.iter().any(|a| a.unpack) {
            return self.plain_args(args);
        }
        if list.iter().any(|a| a.name.is_some()) {
            let arr = self.named_dynamic_args(list, kind, target, name)?;
            return Ok((arr, crate::bytecode::ARGS_ARRAY));
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
            let cannot = RefOp::CannotPass {
                mode,
                kind,
                target,
                name,
                n: i as u32,
            };
            self.arg_by_mode(a.value, mode, dst, Some(cannot))?;
        }
        Ok((TEMP | base, argc))
    }

    /// Slot `dst` gets the argument `value`: a reference if slot `mode` says it goes to a
    /// by-reference parameter and it is a place, else its value (`cannot`: the error for a
    /// value that is no place, when the mode says reference).
    fn arg_by_mode(
        &mut self,
        value: ExprId,
        mode: Slot,
        dst: Slot,
        cannot: Option<RefOp>,
    ) -> Result<()> {
        if self.is_place(value) && self.rooted_in_temporary(value) {
            // `$f([0, 1][0])`: PHP's `Error` when the parameter is by reference.
            let by_value = self.emit(Op::JumpIfNot { cond: mode, to: 0 });
            self.throw_error("Cannot use temporary expression in write context");
            let h = self.here();
            self.patch(by_value, h);
            let v = self.expr(value)?;
            self.emit(Op::Copy { dst, src: v });
        } else if self.is_place(value) {
            let by_value = self.emit(Op::JumpIfNot { cond: mode, to: 0 });
            let r = match self.ref_of(value)? {
                Some(r) => r,
                None => self.expr(value)?,
            };
            self.emit(Op::Copy { dst, src: r });
            let end = self.emit(Op::Jump { to: 0 });
            let h = self.here();
            self.patch(by_value, h);
            let v = self.expr(value)?;
            self.emit(Op::Copy { dst, src: v });
            let h = self.here();
            self.patch(end, h);
        } else if is_call(&self.ast.expr(value).kind) {
            let v = self.expr(value)?;
            self.emit(Op::Copy { dst, src: v });
            let skip = self.emit(Op::JumpIfNot { cond: mode, to: 0 });
            self.emit(Op::Ref(RefOp::Expect {
                src: dst,
                need: RefNeed::Passed,
            }));
            let h = self.here();
            self.patch(skip, h);
        } else {
            let v = self.expr(value)?;
            self.emit(Op::Copy { dst, src: v });
            if let Some(op) = cannot {
                self.emit(Op::Ref(op));
            }
        }
        Ok(())
    }

    /// The arguments, some named, of a call whose target is found at run time, as one
    /// array (as [`args_array`](Gen::args_array)): positional ones go by the modes of
    /// [`RefOp::SendModes`], named ones by [`RefOp::NamedMode`].
    fn named_dynamic_args(
        &mut self,
        list: &[Arg],
        kind: CallKind,
        target: Slot,
        name: Slot,
    ) -> Result<Slot> {
        let positional = list.iter().take_while(|a| a.name.is_none()).count();
        let modes = self.next_temp;
        for _ in 0..positional {
            self.temp();
        }
        if positional > 0 {
            self.emit(Op::Ref(RefOp::SendModes {
                dst: TEMP | modes,
                kind,
                target,
                name,
                argc: positional as u32,
            }));
        }
        let arr = self.temp();
        self.emit(Op::NewArray { dst: arr });
        for (i, a) in list.iter().enumerate() {
            let v = self.temp();
            match &a.name {
                None => {
                    let mode = TEMP | (modes + i as Slot);
                    let cannot = RefOp::CannotPass {
                        mode,
                        kind,
                        target,
                        name,
                        n: i as u32,
                    };
                    self.arg_by_mode(a.value, mode, v, Some(cannot))?;
                    self.emit(Op::ArrayAppend { arr, val: v });
                }
                Some(n) => {
                    let param = self.constant(Const::Str(n.name.clone()));
                    let mode = self.temp();
                    self.emit(Op::Ref(RefOp::NamedMode {
                        dst: mode,
                        kind,
                        target,
                        name,
                        param,
                    }));
                    self.arg_by_mode(a.value, mode, v, None)?;
                    let key = self.load_const(Const::Str(n.name.clone()));
                    self.emit(Op::ArgNamed { arr, key, val: v });
                }
            }
        }
        Ok(arr)
    }

    /// Whether the element or property `e` belongs to a temporary value (a literal, an
    /// operator's result: PHP's `TMP`/`CONST` operands), which cannot be written.
    fn rooted_in_temporary(&self, mut e: ExprId) -> bool {
        loop {
            match &self.ast.expr(e).kind {
                ExprKind::ArrayDim { base, .. } => e = *base,
                ExprKind::Property { object, .. } => e = *object,
                ExprKind::Variable(_)
                | ExprKind::VariableVariable(_)
                | ExprKind::StaticProperty { .. }
                | ExprKind::New { .. } => return false,
                k => return !is_call(k),
            }
        }
    }

    /// Emits `throw new Error(message)`.
    fn throw_error(&mut self, message: &str) {
        let cls = self.load_const(Const::Str(b"Error".as_slice().into()));
        let m = self.load_const(Const::Str(message.as_bytes().into()));
        let args = self.temp();
        self.emit(Op::Copy { dst: args, src: m });
        let dst = self.temp();
        self.emit(Op::New {
            cls,
            args,
            argc: 1,
            dst,
        });
        self.emit(Op::Throw { src: dst });
    }

    /// Whether `e` is a place an argument can be a reference to (a variable other than
    /// `$this`, an element, a property).
    fn is_place(&self, e: ExprId) -> bool {
        if self.through_nullsafe(e) {
            return false;
        }
        match &self.ast.expr(e).kind {
            ExprKind::Variable(n) => &n[..] != b"this" && &n[..] != b"GLOBALS",
            // `$a[]` too: by value, it throws when it runs (`RefOp::AppendRead`).
            ExprKind::ArrayDim { .. } => true,
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
