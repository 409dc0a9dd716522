//! The children of AST nodes, listed once: [`expr_children`] gives the direct sub-expressions
//! and nested statements of an expression, [`stmt_children`] those of a statement, so a pass
//! that needs every node walks them with an explicit stack ([`walk_exprs`]) instead of listing
//! each node's children itself.

use crate::ast::{
    Args, Ast, ClassRef, ExprId, ExprKind, MemberName, NewClass, StmtId, StmtKind, StringPart,
};

/// A child of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Child {
    /// A sub-expression.
    Expr(ExprId),
    /// A statement (closure bodies, blocks).
    Stmt(StmtId),
}

fn args(a: &Args, f: &mut impl FnMut(Child)) {
    if let Args::List(list, _) = a {
        for arg in list {
            f(Child::Expr(arg.value));
        }
    }
}

fn class_ref(c: &ClassRef, f: &mut impl FnMut(Child)) {
    if let ClassRef::Expr(e) = c {
        f(Child::Expr(*e));
    }
}

fn member(m: &MemberName, f: &mut impl FnMut(Child)) {
    if let MemberName::Expr(e) = m {
        f(Child::Expr(*e));
    }
}

/// Calls `f` on each direct child of an expression, in source order. A closure's body
/// statements and parameter defaults are children; an anonymous class's members are not.
pub fn expr_children(kind: &ExprKind, mut f: impl FnMut(Child)) {
    use ExprKind as E;
    let f = &mut f;
    let e = |f: &mut dyn FnMut(Child), x: ExprId| f(Child::Expr(x));
    match kind {
        E::Variable(_)
        | E::Int(_)
        | E::Float(_)
        | E::String(_)
        | E::Constant(_)
        | E::MagicConstant(_) => {}
        E::VariableVariable(x)
        | E::Unary { expr: x, .. }
        | E::Cast { expr: x, .. }
        | E::Empty(x)
        | E::Print(x)
        | E::Include { expr: x, .. }
        | E::Eval(x)
        | E::Clone(x)
        | E::Throw(x)
        | E::YieldFrom(x) => e(f, *x),
        E::Interpolated { parts, .. } => {
            for p in parts {
                if let StringPart::Expr(x) = p {
                    e(f, *x);
                }
            }
        }
        E::Array { items, .. } | E::List { items, .. } => {
            for item in items.iter().flatten() {
                if let Some(k) = item.key {
                    e(f, k);
                }
                e(f, item.value);
            }
        }
        E::ArrayDim { base, dim } => {
            e(f, *base);
            if let Some(d) = dim {
                e(f, *d);
            }
        }
        E::Property { object, name, .. } => {
            e(f, *object);
            member(name, f);
        }
        E::StaticProperty { class, name } => {
            class_ref(class, f);
            member(name, f);
        }
        E::ClassConstant { class, .. } => class_ref(class, f),
        E::Call { callee, args: a } => {
            if let crate::ast::Callee::Expr(x) = callee {
                e(f, *x);
            }
            args(a, f);
        }
        E::MethodCall {
            object,
            name,
            args: a,
            ..
        } => {
            e(f, *object);
            member(name, f);
            args(a, f);
        }
        E::StaticCall {
            class,
            name,
            args: a,
        } => {
            class_ref(class, f);
            member(name, f);
            args(a, f);
        }
        E::New { class, args: a } => {
            if let NewClass::Class(c) = class {
                class_ref(c, f);
            }
            if let Some(a) = a {
                args(a, f);
            }
        }
        E::Binary { left, right, .. } => {
            e(f, *left);
            e(f, *right);
        }
        E::Assign { target, value }
        | E::AssignRef { target, value }
        | E::AssignOp { target, value, .. } => {
            e(f, *target);
            e(f, *value);
        }
        E::IncDec { target, .. } => e(f, *target),
        E::Ternary {
            cond,
            then,
            otherwise,
        } => {
            e(f, *cond);
            if let Some(t) = then {
                e(f, *t);
            }
            e(f, *otherwise);
        }
        E::Instanceof { expr, class } => {
            e(f, *expr);
            class_ref(class, f);
        }
        E::Isset(list) => {
            for &x in list {
                e(f, x);
            }
        }
        E::Exit(x) => {
            if let Some(x) = x {
                e(f, *x);
            }
        }
        E::Closure(c) => {
            for p in &c.params {
                if let Some(d) = p.default {
                    e(f, d);
                }
            }
            for &s in &c.body {
                f(Child::Stmt(s));
            }
        }
        E::ArrowFunction(a) => {
            for p in &a.params {
                if let Some(d) = p.default {
                    e(f, d);
                }
            }
            e(f, a.body);
        }
        E::Match { subject, arms } => {
            e(f, *subject);
            for arm in arms {
                for &c in arm.conds.iter().flatten() {
                    e(f, c);
                }
                e(f, arm.body);
            }
        }
        E::Yield { key, value } => {
            if let Some(k) = key {
                e(f, *k);
            }
            if let Some(v) = value {
                e(f, *v);
            }
        }
    }
}

/// Calls `f` on each direct child of a statement, in source order (declarations' bodies are
/// not children: functions and classes are their own scopes).
pub fn stmt_children(kind: &StmtKind, mut f: impl FnMut(Child)) {
    use StmtKind as S;
    let f = &mut f;
    let e = |f: &mut dyn FnMut(Child), x: ExprId| f(Child::Expr(x));
    let s = |f: &mut dyn FnMut(Child), x: StmtId| f(Child::Stmt(x));
    match kind {
        S::Expr(x) => e(f, *x),
        S::Echo(list) | S::Global(list) | S::Unset(list) => {
            for &x in list {
                e(f, x);
            }
        }
        S::Block(list) => {
            for &x in list {
                s(f, x);
            }
        }
        S::If {
            cond,
            then,
            elseifs,
            otherwise,
            ..
        } => {
            e(f, *cond);
            s(f, *then);
            for ei in elseifs {
                e(f, ei.cond);
                s(f, ei.body);
            }
            if let Some(o) = otherwise {
                s(f, *o);
            }
        }
        S::While { cond, body, .. } => {
            e(f, *cond);
            s(f, *body);
        }
        S::DoWhile { body, cond } => {
            s(f, *body);
            e(f, *cond);
        }
        S::For {
            init,
            cond,
            step,
            body,
            ..
        } => {
            for &x in init.iter().chain(cond).chain(step) {
                e(f, x);
            }
            s(f, *body);
        }
        S::Foreach {
            expr,
            key,
            value,
            body,
            ..
        } => {
            e(f, *expr);
            if let Some(k) = key {
                e(f, *k);
            }
            e(f, *value);
            s(f, *body);
        }
        S::Switch { subject, cases, .. } => {
            e(f, *subject);
            for c in cases {
                if let Some(x) = c.cond {
                    e(f, x);
                }
                for &x in &c.body {
                    s(f, x);
                }
            }
        }
        S::Break(x) | S::Continue(x) | S::Return(x) => {
            if let Some(x) = x {
                e(f, *x);
            }
        }
        S::Static(vars) => {
            for v in vars {
                if let Some(d) = v.default {
                    e(f, d);
                }
            }
        }
        S::Try {
            body,
            catches,
            finally,
        } => {
            for &x in body {
                s(f, x);
            }
            for c in catches {
                for &x in &c.body {
                    s(f, x);
                }
            }
            for &x in finally.iter().flatten() {
                s(f, x);
            }
        }
        S::Const(items) => {
            for item in items {
                e(f, item.value);
            }
        }
        S::Declare { body, .. } => match body {
            crate::ast::DeclareBody::None => {}
            crate::ast::DeclareBody::Stmt(x) => s(f, *x),
            crate::ast::DeclareBody::Alternative(list) => {
                for &x in list {
                    s(f, x);
                }
            }
        },
        S::Namespace { body, .. } => {
            for &x in body.iter().flatten() {
                s(f, x);
            }
        }
        S::InlineHtml(_)
        | S::Goto(_)
        | S::Label(_)
        | S::Nop
        | S::HaltCompiler
        | S::Use { .. }
        | S::GroupUse { .. }
        | S::Function(_)
        | S::Class(_) => {}
    }
}

/// Calls `visit` on every expression under `root` (itself included), depth first with an
/// explicit stack; `enter(kind)` says whether to look inside an expression's children.
pub fn walk_exprs(
    ast: &Ast,
    root: Child,
    mut enter: impl FnMut(&ExprKind) -> bool,
    mut visit: impl FnMut(ExprId, &ExprKind),
) {
    let mut stack = vec![root];
    while let Some(c) = stack.pop() {
        let start = stack.len();
        match c {
            Child::Expr(x) => {
                let kind = &ast.expr(x).kind;
                visit(x, kind);
                if enter(kind) {
                    expr_children(kind, |ch| stack.push(ch));
                }
            }
            Child::Stmt(x) => stmt_children(&ast.stmt(x).kind, |ch| stack.push(ch)),
        }
        // Children in source order.
        stack[start..].reverse();
    }
}
