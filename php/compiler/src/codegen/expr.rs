//! Expressions: literals, variables, operators, calls, arrays, `match`.

use super::place::Place;
use super::{Gen, Result, TEMP, line_of};
use crate::CompileError;
use crate::bytecode::{BinOp, CallKind, Const, NONE, Op, RefOp, Slot, Step, UnOp};
use php_syntax::ast::{
    Arg, Args, BinaryOp, Callee, CastKind, ExprId, ExprKind, IncDecOp, StringPart, UnaryOp,
};

impl<'a> Gen<'a> {
    /// For a call of `assert` with one argument: the description PHP passes as its second,
    /// `assert(<source of the argument>)` (the source as written; PHP prints the compiled
    /// expression back, which reads the same for conventionally written code). A named
    /// argument's text includes its name, and the description is then passed by name too.
    fn assert_description(&self, name: &php_syntax::ast::Name, args: &[Arg]) -> Option<Box<[u8]>> {
        let full = self.scope.function(name);
        let global = full.strip_prefix(b"\\").unwrap_or(&full);
        let unqualified = name.kind == php_syntax::ast::NameKind::Unqualified;
        let is_assert = global.eq_ignore_ascii_case(b"assert")
            || (unqualified && name.text.eq_ignore_ascii_case(b"assert"));
        if !is_assert || args.len() != 1 || args[0].unpack {
            return None;
        }
        let src = self.unit.src;
        // The argument's text runs from the call's `(` to its matching `)` (the spans of
        // parenthesized expressions leave their parentheses out).
        let mut open = match &args[0].name {
            Some(n) => n.span.start as usize,
            None => self.ast.expr(args[0].value).span.start as usize,
        };
        let mut i = open;
        while i > 0 && (src[i - 1].is_ascii_whitespace() || src[i - 1] == b'(') {
            i -= 1;
            if src[i] == b'(' {
                open = i;
            }
        }
        let close = matching_paren(src, open)?;
        let inner = src.get(open + 1..close)?.trim_ascii();
        let inner = inner.strip_suffix(b",").unwrap_or(inner).trim_ascii();
        let mut text = b"assert(".to_vec();
        text.extend_from_slice(inner);
        text.push(b')');
        Some(text.into())
    }

    pub(super) fn load_const(&mut self, k: Const) -> Slot {
        let k = self.constant(k);
        let t = self.temp();
        self.emit(Op::Const { dst: t, k });
        t
    }

    /// Compiles `e` into a temporary holding its value (on a stack grown on demand: a chain
    /// of a million `+` is a million nested calls).
    pub(super) fn expr(&mut self, e: ExprId) -> Result<Slot> {
        let expr = self.ast.expr(e);
        let saved = self.line;
        self.line = line_of(self.lines, expr.span);
        let r = stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || {
            self.short_circuit(e, &expr.kind, |g| g.expr_kind(&expr.kind))
        });
        self.line = saved;
        r
    }

    pub(super) fn expr_kind(&mut self, kind: &'a ExprKind) -> Result<Slot> {
        Ok(match kind {
            ExprKind::Int(i) => self.load_const(Const::Int(*i)),
            ExprKind::Float(f) => self.load_const(Const::Float(*f)),
            ExprKind::String(s) => self.load_const(Const::Str(s.clone())),
            ExprKind::Constant(name) => match self.named_constant(name)? {
                Some(k) => self.load_const(k),
                None => {
                    let full = self.scope.constant(name);
                    let k = self.constant(Const::Str(full));
                    let dst = self.temp();
                    self.emit(Op::FetchConst { dst, name: k });
                    dst
                }
            },
            ExprKind::VariableVariable(e) => {
                let name = self.expr(*e)?;
                let dst = self.temp();
                self.emit(Op::LoadVarVar {
                    dst,
                    name,
                    quiet: false,
                });
                dst
            }
            ExprKind::Variable(name) if &name[..] == b"GLOBALS" => {
                let dst = self.temp();
                self.emit(Op::Globals { dst });
                dst
            }
            ExprKind::Variable(name) => {
                let cv = if &name[..] == b"this" {
                    self.this_slot()
                } else {
                    self.cv(name)
                };
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
            ExprKind::Assign { target, value } => self.assign_to(*target, *value)?,
            ExprKind::AssignRef { target, value } => self.assign_ref(*target, *value)?,
            ExprKind::AssignOp { op, target, value } => self.assign_op(*op, *target, *value)?,
            ExprKind::IncDec { op, target } => {
                let step = match op {
                    IncDecOp::PreInc => Step::PreInc,
                    IncDecOp::PreDec => Step::PreDec,
                    IncDecOp::PostInc => Step::PostInc,
                    IncDecOp::PostDec => Step::PostDec,
                };
                let dst = self.temp();
                match self.place(*target, false)? {
                    Place::Dim(mut d) => {
                        self.reach(&mut d);
                        self.emit(Op::StepDim {
                            step,
                            cv: d.cv,
                            prop: d.prop,
                            keys: d.keys,
                            n: d.n,
                            dst,
                        })
                    }
                    Place::Prop { obj, name } => self.emit(Op::StepProp {
                        step,
                        obj,
                        name,
                        dst,
                    }),
                    Place::Var(cv) => self.emit(Op::Step { step, cv, dst }),
                };
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
                    if item.unpack {
                        let v = self.expr(item.value)?;
                        self.emit(Op::ArrayUnpack { arr: dst, src: v });
                        continue;
                    }
                    let key = match item.key {
                        Some(k) => Some(self.expr(k)?),
                        None => None,
                    };
                    let val = match item.by_ref {
                        true => match self.ref_of(item.value)? {
                            Some(r) => r,
                            None => self.expr(item.value)?,
                        },
                        false => self.expr(item.value)?,
                    };
                    match key {
                        Some(key) => self.emit(Op::ArrayInsert { arr: dst, key, val }),
                        None => self.emit(Op::ArrayAppend { arr: dst, val }),
                    };
                }
                dst
            }
            ExprKind::ArrayDim { base, dim } => {
                let Some(dim) = dim else {
                    // The syntax check let it through: an argument whose callee Zend does
                    // not know at compile time, passed by value when it runs.
                    self.emit(Op::Ref(RefOp::AppendRead));
                    return Ok(self.load_const(Const::Null));
                };
                // `$GLOBALS['x']`: the global itself.
                if matches!(&self.ast.expr(*base).kind, ExprKind::Variable(n) if &n[..] == b"GLOBALS")
                {
                    let name = self.expr(*dim)?;
                    let dst = self.temp();
                    self.emit(Op::GlobalFetch { dst, name });
                    return Ok(dst);
                }
                // With the links below it, in PHP's order (a variable container is read in
                // place: a copy in a temporary would share the array and make the next
                // write to it copy the whole array).
                self.read_chain(kind)?
            }
            ExprKind::Binary { op, left, right } => self.binary(*op, *left, *right)?,
            ExprKind::Unary {
                op: UnaryOp::Silence,
                expr,
            } => {
                let save = self.temp();
                let from = self.emit(Op::Silence { save }) as u32 + 1;
                let v = self.expr(*expr)?;
                let to = self.emit(Op::Unsilence { save }) as u32;
                self.f.silences.push((from, to));
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
                    CastKind::Array => UnOp::Array,
                    CastKind::Object => UnOp::Object,
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
                    let t = self.isset_value(e)?;
                    // The last property is tested without `__get`.
                    if let Some(last) = self.f.ops.last_mut()
                        && let Op::FetchProp {
                            dst,
                            obj,
                            name,
                            quiet: true,
                        } = *last
                        && dst == t
                    {
                        *last = Op::IssetProp { dst, obj, name };
                    }
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
                let t = self.isset_value(*e)?;
                if let Some(last) = self.f.ops.last_mut()
                    && let Op::IssetDim { dst, base, key } = *last
                    && dst == t
                {
                    *last = Op::EmptyDim { dst, base, key };
                }
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
                let keep = std::mem::take(&mut self.keep_ref_next);
                let name = match callee {
                    Callee::Name(name) => name,
                    Callee::Expr(e) => {
                        let callee = self.expr(*e)?;
                        let (args, argc) =
                            self.dynamic_args(args, CallKind::Value, callee, NONE)?;
                        let dst = self.temp();
                        self.keep_ref(keep);
                        self.emit(Op::CallValue {
                            callee,
                            args,
                            argc,
                            dst,
                        });
                        return Ok(dst);
                    }
                };
                let Args::List(args, _) = &**args else {
                    return self.unsupported("first-class callable syntax");
                };
                let full = self.scope.function(name);
                // The by-reference parameters: of the namespaced function, or the global one
                // an unqualified name falls back to.
                let refs = self
                    .by_ref
                    .get(&full.to_ascii_lowercase())
                    .or_else(|| self.by_ref.get(&name.text.to_ascii_lowercase()))
                    .cloned();
                let k = self.constant(Const::Str(full));
                // `assert($e)` gets the description PHP makes of `$e`'s source.
                let description = self.assert_description(name, args);
                if args.iter().any(|a| a.unpack || a.name.is_some()) {
                    let arr = match &refs {
                        Some(r) if r.any() => self.ref_args_array(args, r, k)?,
                        _ => self.args_array(args)?,
                    };
                    if let Some(text) = description {
                        let key = self.load_const(Const::Str(b"description"[..].into()));
                        let val = self.load_const(Const::Str(text));
                        self.emit(Op::ArgNamed { arr, key, val });
                    }
                    let dst = self.temp();
                    self.keep_ref(keep);
                    self.emit(Op::CallArray {
                        name: k,
                        args: arr,
                        dst,
                    });
                    return Ok(dst);
                }
                let argc = args.len() + usize::from(description.is_some());
                let base = self.next_temp;
                for _ in 0..argc {
                    self.temp();
                }
                for (i, a) in args.iter().enumerate() {
                    let dst = TEMP | (base + i as Slot);
                    let v = match &refs {
                        Some(r) if r.by_ref(i) => self.ref_arg(a.value, k, i)?,
                        _ => self.expr(a.value)?,
                    };
                    self.emit(Op::Copy { dst, src: v });
                }
                if let Some(text) = description {
                    let dst = TEMP | (base + args.len() as Slot);
                    let v = self.load_const(Const::Str(text));
                    self.emit(Op::Copy { dst, src: v });
                }
                let argc = argc as u32;
                let dst = self.temp();
                self.keep_ref(keep);
                self.emit(Op::Call {
                    name: k,
                    args: TEMP | base,
                    argc,
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
            ExprKind::Closure(c) => self.closure(c)?,
            ExprKind::ArrowFunction(a) => self.arrow(a)?,
            k @ (ExprKind::New { .. }
            | ExprKind::Property { .. }
            | ExprKind::MethodCall { .. }
            | ExprKind::StaticCall { .. }
            | ExprKind::StaticProperty { .. }
            | ExprKind::ClassConstant { .. }
            | ExprKind::Instanceof { .. }
            | ExprKind::Clone(_)) => self.object_expr(k)?,
            ExprKind::Throw(e) => {
                let src = self.expr(*e)?;
                self.emit(Op::Throw { src });
                src
            }
            ExprKind::Eval(e) => {
                let src = self.expr(*e)?;
                // Zend's `eval` is on its argument's line, which for a heredoc is the line
                // its text starts on (after `<<<LABEL`).
                let start = self.ast.expr(*e).span.start;
                let heredoc = self.unit.src.get(start as usize..);
                self.line = match heredoc.is_some_and(|s| s.starts_with(b"<<<")) {
                    true => self.lines.line(start) + 1,
                    false => self.lines.line(start),
                };
                let dst = self.temp();
                self.emit(Op::Eval { dst, src });
                dst
            }
            ExprKind::Include { kind, expr } => {
                use php_syntax::ast::IncludeKind as K;
                let kind = match kind {
                    K::Include => 0,
                    K::IncludeOnce => 1,
                    K::Require => 2,
                    K::RequireOnce => 3,
                };
                let src = self.expr(*expr)?;
                let dst = self.temp();
                self.emit(Op::Include { dst, src, kind });
                dst
            }
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
                    M::Function => Const::Str(function),
                    M::Method => match &self.f.class {
                        Some(c) if &self.f.name[..] != b"" => {
                            Const::Str([&c[..], b"::", &self.f.name[..]].concat().into())
                        }
                        _ => Const::Str(function),
                    },
                    M::Class => Const::Str(self.f.class.clone().unwrap_or_default()),
                    M::Namespace => Const::Str(self.scope.ns.clone()),
                    M::Trait => Const::Str(Box::default()),
                };
                self.load_const(k)
            }
            other => {
                let name = super::stmt::variant_name(&format!("{other:?}"));
                return self.unsupported(&format!("the expression {name}"));
            }
        })
    }

    /// Marks the call about to be emitted as keeping a returned reference (`keep`).
    pub(super) fn keep_ref(&mut self, keep: bool) {
        if keep {
            self.emit(Op::KeepRef);
        }
    }

    /// Whether evaluating `e` cannot change a variable: a literal, a variable, a constant.
    fn is_inert(&self, e: ExprId) -> bool {
        matches!(
            &self.ast.expr(e).kind,
            ExprKind::Int(_)
                | ExprKind::Float(_)
                | ExprKind::String(_)
                | ExprKind::Variable(_)
                | ExprKind::Constant(_)
        )
    }

    pub(super) fn binary(&mut self, op: BinaryOp, left: ExprId, right: ExprId) -> Result<Slot> {
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
                    ExprKind::ArrayDim { dim: Some(_), .. }
                    | ExprKind::Property { .. }
                    | ExprKind::StaticProperty { .. } => self.quiet_value(left)?,
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
                // PHP reads a variable operand when the operator runs: after the right
                // operand, which may change it (`$a . ($a = $b)`, `$x - $x++`).
                let a = match self.plain_var(left) {
                    Some(cv) if !self.is_inert(right) => cv,
                    _ => self.expr(left)?,
                };
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
pub(super) fn arith_op(op: BinaryOp) -> Option<BinOp> {
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

/// The offset of the `)` matching the `(` at `open` (skipping quoted strings).
fn matching_paren(src: &[u8], open: usize) -> Option<usize> {
    if src.get(open) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    let mut i = open;
    while i < src.len() {
        match src[i] {
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < src.len() && src[i] != q {
                    i += if src[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}
