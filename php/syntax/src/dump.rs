//! A compact, deterministic dump of an [`Ast`] for snapshot tests, and the span invariants
//! checked on the way.
//!
//! The tree is first turned into generic [`Node`]s (label, span, children); one walk thus
//! serves both the text dump (one node per line, indented, `label @start..end`) and
//! [`check_spans`], which verifies that every node's span lies inside its parent's and that
//! siblings come in source order without overlapping.

use crate::ast::*;
use crate::span::Span;
use std::fmt::Write;

/// A generic tree node: what the dump prints and the span checker walks.
pub struct Node {
    /// Kind and payload, e.g. `Binary +` or `Variable $a`.
    pub label: String,
    /// Where it is, if it has a span of its own.
    pub span: Option<Span>,
    /// Children in source order.
    pub children: Vec<Node>,
}

impl Node {
    fn new(label: impl Into<String>, span: Span) -> Node {
        Node {
            label: label.into(),
            span: Some(span),
            children: Vec::new(),
        }
    }

    /// A grouping node without a span of its own (`args`, `else`, ...).
    fn group(label: &str, children: Vec<Node>) -> Node {
        Node {
            label: label.into(),
            span: None,
            children,
        }
    }

    fn with(mut self, children: Vec<Node>) -> Node {
        self.children.extend(children);
        self
    }
}

/// Renders the whole tree.
pub fn dump(ast: &Ast) -> String {
    let mut out = String::new();
    for n in tree(ast) {
        render(&n, 0, &mut out);
    }
    out
}

/// The generic tree of the file's top-level statements.
pub fn tree(ast: &Ast) -> Vec<Node> {
    let b = Builder { ast };
    ast.top.iter().map(|&s| b.stmt(s)).collect()
}

fn render(n: &Node, depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push_str(&n.label);
    if let Some(s) = n.span {
        let _ = write!(out, " @{s}");
    }
    out.push('\n');
    for c in &n.children {
        render(c, depth + 1, out);
    }
}

/// A violated span invariant.
#[derive(Debug)]
pub struct SpanError(pub String);

/// Checks that children lie within their parent and siblings are ordered and disjoint.
pub fn check_spans(nodes: &[Node], src_len: u32) -> Result<(), SpanError> {
    let root = Span::new(0, src_len);
    check_level(nodes, root, "file")
}

fn check_level(nodes: &[Node], parent: Span, parent_label: &str) -> Result<(), SpanError> {
    let mut prev_end = parent.start;
    for n in nodes {
        let bound = match n.span {
            Some(s) => {
                if s.start > s.end {
                    return Err(SpanError(format!("{} has an inverted span {s}", n.label)));
                }
                if !parent.contains(s) {
                    return Err(SpanError(format!(
                        "{} {s} is outside its parent {parent_label} {parent}",
                        n.label
                    )));
                }
                if s.start < prev_end {
                    return Err(SpanError(format!(
                        "{} {s} overlaps or precedes its previous sibling in {parent_label}",
                        n.label
                    )));
                }
                prev_end = s.end;
                s
            }
            None => parent,
        };
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            check_level(&n.children, bound, &n.label)
        })?;
    }
    Ok(())
}

fn text(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    format!("{s:?}")
}

struct Builder<'a> {
    ast: &'a Ast,
}

impl<'a> Builder<'a> {
    fn stmts(&self, label: &str, ids: &[StmtId]) -> Node {
        Node::group(label, ids.iter().map(|&s| self.stmt(s)).collect())
    }

    fn opt_expr(&self, e: Option<ExprId>) -> Vec<Node> {
        e.map(|e| self.expr(e)).into_iter().collect()
    }

    fn exprs(&self, ids: &[ExprId]) -> Vec<Node> {
        ids.iter().map(|&e| self.expr(e)).collect()
    }

    fn stmt(&self, id: StmtId) -> Node {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.stmt_inner(id))
    }

    fn stmt_inner(&self, id: StmtId) -> Node {
        let s = self.ast.stmt(id);
        let n = |label: &str| Node::new(label, s.span);
        match &s.kind {
            StmtKind::Expr(e) => n("ExprStmt").with(vec![self.expr(*e)]),
            StmtKind::Echo(es) => n("Echo").with(self.exprs(es)),
            StmtKind::InlineHtml(t) => n(&format!("InlineHtml {}", text(t))),
            StmtKind::Block(list) => n("Block").with(list.iter().map(|&s| self.stmt(s)).collect()),
            StmtKind::If {
                cond,
                then,
                elseifs,
                otherwise,
                syntax,
            } => {
                let mut c = vec![self.expr(*cond), self.stmt(*then)];
                for ei in elseifs {
                    c.push(
                        Node::new("ElseIf", ei.span)
                            .with(vec![self.expr(ei.cond), self.stmt(ei.body)]),
                    );
                }
                if let Some(o) = otherwise {
                    c.push(Node::group("else", vec![self.stmt(*o)]));
                }
                n(&format!("If {syntax:?}")).with(c)
            }
            StmtKind::While { cond, body, syntax } => {
                n(&format!("While {syntax:?}")).with(vec![self.expr(*cond), self.stmt(*body)])
            }
            StmtKind::DoWhile { body, cond } => {
                n("DoWhile").with(vec![self.stmt(*body), self.expr(*cond)])
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
                syntax,
            } => n(&format!("For {syntax:?}")).with(vec![
                Node::group("init", self.exprs(init)),
                Node::group("cond", self.exprs(cond)),
                Node::group("step", self.exprs(step)),
                self.stmt(*body),
            ]),
            StmtKind::Foreach {
                expr,
                key,
                value,
                by_ref,
                body,
                syntax,
            } => {
                let mut c = vec![self.expr(*expr)];
                if let Some(k) = key {
                    c.push(Node::group("key", vec![self.expr(*k)]));
                }
                c.push(Node::group(
                    if *by_ref { "value &" } else { "value" },
                    vec![self.expr(*value)],
                ));
                c.push(self.stmt(*body));
                n(&format!("Foreach {syntax:?}")).with(c)
            }
            StmtKind::Switch {
                subject,
                cases,
                syntax,
            } => {
                let mut c = vec![self.expr(*subject)];
                for case in cases {
                    let label = if case.cond.is_some() {
                        "Case"
                    } else {
                        "Default"
                    };
                    let mut cc = self.opt_expr(case.cond);
                    cc.extend(case.body.iter().map(|&s| self.stmt(s)));
                    c.push(Node::new(label, case.span).with(cc));
                }
                n(&format!("Switch {syntax:?}")).with(c)
            }
            StmtKind::Break(e) => n("Break").with(self.opt_expr(*e)),
            StmtKind::Continue(e) => n("Continue").with(self.opt_expr(*e)),
            StmtKind::Return(e) => n("Return").with(self.opt_expr(*e)),
            StmtKind::Global(es) => n("Global").with(self.exprs(es)),
            StmtKind::Static(vars) => n("StaticVars").with(
                vars.iter()
                    .map(|v| {
                        Node::new(format!("StaticVar ${}", v.name.text()), v.span)
                            .with(self.opt_expr(v.default))
                    })
                    .collect(),
            ),
            StmtKind::Unset(es) => n("Unset").with(self.exprs(es)),
            StmtKind::Try {
                body,
                catches,
                finally,
            } => {
                let mut c = vec![self.stmts("body", body)];
                for cat in catches {
                    let types: Vec<String> =
                        cat.types.iter().map(|t| t.text().into_owned()).collect();
                    let var = cat
                        .var
                        .as_ref()
                        .map_or(String::new(), |v| format!(" ${}", v.text()));
                    c.push(
                        Node::new(format!("Catch {}{var}", types.join("|")), cat.span)
                            .with(cat.body.iter().map(|&s| self.stmt(s)).collect()),
                    );
                }
                if let Some(f) = finally {
                    c.push(self.stmts("finally", f));
                }
                n("Try").with(c)
            }
            StmtKind::Goto(l) => n(&format!("Goto {}", l.text())),
            StmtKind::Label(l) => n(&format!("Label {}", l.text())),
            StmtKind::Declare { directives, body } => {
                let mut c: Vec<Node> = directives
                    .iter()
                    .map(|d| {
                        Node::new(
                            format!("Directive {}", d.name.text()),
                            d.name.span.to(self.ast.expr(d.value).span),
                        )
                        .with(vec![self.expr(d.value)])
                    })
                    .collect();
                match body {
                    DeclareBody::None => {}
                    DeclareBody::Stmt(s) => c.push(self.stmt(*s)),
                    DeclareBody::Alternative(list) => c.push(self.stmts("alt", list)),
                }
                n("Declare").with(c)
            }
            StmtKind::Nop => n("Nop"),
            StmtKind::HaltCompiler => n("HaltCompiler"),
            StmtKind::Namespace { name, body } => {
                let label = format!(
                    "Namespace {}",
                    name.as_ref()
                        .map_or("<global>".into(), |n| n.text().into_owned())
                );
                let c = body
                    .as_ref()
                    .map(|b| vec![self.stmts("body", b)])
                    .unwrap_or_default();
                n(&label).with(c)
            }
            StmtKind::Use { kind, uses } => {
                n(&format!("Use {kind:?}")).with(uses.iter().map(|u| self.use_item(u)).collect())
            }
            StmtKind::GroupUse { kind, prefix, uses } => {
                n(&format!("GroupUse {kind:?} {}", prefix.text()))
                    .with(uses.iter().map(|u| self.use_item(u)).collect())
            }
            StmtKind::Const(items) => {
                n("Const").with(items.iter().map(|c| self.const_item(c)).collect())
            }
            StmtKind::Function(f) => self.function("Function", f),
            StmtKind::Class(c) => self.class(c),
        }
    }

    fn use_item(&self, u: &UseItem) -> Node {
        let alias = u
            .alias
            .as_ref()
            .map_or(String::new(), |a| format!(" as {}", a.text()));
        Node::new(
            format!(
                "UseItem {:?} {:?} {}{alias}",
                u.kind,
                u.name.kind,
                u.name.text()
            ),
            u.span,
        )
    }

    fn const_item(&self, c: &ConstItem) -> Node {
        Node::new(format!("ConstItem {}", c.name.text()), c.span).with(vec![self.expr(c.value)])
    }

    fn attrs(&self, groups: &[AttributeGroup]) -> Vec<Node> {
        groups
            .iter()
            .map(|g| {
                Node::new("AttributeGroup", g.span).with(
                    g.attrs
                        .iter()
                        .map(|a| {
                            Node::new(format!("Attribute {}", a.name.text()), a.span)
                                .with(a.args.iter().map(|x| self.args(x)).collect())
                        })
                        .collect(),
                )
            })
            .collect()
    }

    fn type_hint(&self, t: &TypeHint) -> Node {
        match t {
            TypeHint::Named(n) => {
                Node::new(format!("Type {}{}", name_prefix(n.kind), n.text()), n.span)
            }
            TypeHint::Nullable(inner, s) => {
                Node::new("Nullable", *s).with(vec![self.type_hint(inner)])
            }
            TypeHint::Union(ts, s) => {
                Node::new("Union", *s).with(ts.iter().map(|t| self.type_hint(t)).collect())
            }
            TypeHint::Intersection(ts, s) => {
                Node::new("Intersection", *s).with(ts.iter().map(|t| self.type_hint(t)).collect())
            }
        }
    }

    fn params(&self, params: &[Param]) -> Node {
        Node::group(
            "params",
            params
                .iter()
                .map(|p| {
                    let mut label = String::from("Param");
                    for w in p.modifiers.words() {
                        label.push(' ');
                        label.push_str(w);
                    }
                    label.push_str(if p.by_ref { " &" } else { " " });
                    label.push_str(if p.variadic { "..." } else { "" });
                    label.push_str(&format!("${}", p.name.text()));
                    let mut c = self.attrs(&p.attrs);
                    c.extend(p.ty.iter().map(|t| self.type_hint(t)));
                    c.extend(self.opt_expr(p.default));
                    Node::new(label, p.span).with(c)
                })
                .collect(),
        )
    }

    fn function(&self, what: &str, f: &FunctionDecl) -> Node {
        let mut label = format!("{what} {}", f.name.text());
        for w in f.modifiers.words() {
            label.push(' ');
            label.push_str(w);
        }
        if f.by_ref {
            label.push_str(" &");
        }
        let mut c = self.attrs(&f.attrs);
        c.push(self.params(&f.params));
        c.extend(
            f.return_type
                .iter()
                .map(|t| Node::group("returns", vec![self.type_hint(t)])),
        );
        match &f.body {
            Some(b) => c.push(self.stmts("body", b)),
            None => c.push(Node::group("abstract", Vec::new())),
        }
        Node::new(label, f.span).with(c)
    }

    fn class(&self, d: &ClassDecl) -> Node {
        let mut label = format!(
            "{:?} {}",
            d.kind,
            d.name
                .as_ref()
                .map_or("<anonymous>".into(), |n| n.text().into_owned())
        );
        for w in d.modifiers.words() {
            label.push(' ');
            label.push_str(w);
        }
        for e in &d.extends {
            label.push_str(&format!(" extends {}", e.text()));
        }
        for i in &d.implements {
            label.push_str(&format!(" implements {}", i.text()));
        }
        let mut c = self.attrs(&d.attrs);
        c.extend(
            d.enum_type
                .iter()
                .map(|t| Node::group("backed", vec![self.type_hint(t)])),
        );
        for m in &d.members {
            c.push(self.member(m));
        }
        Node::new(label, d.span).with(c)
    }

    fn member(&self, m: &Member) -> Node {
        let mods = |m: Modifiers| {
            m.words()
                .iter()
                .map(|w| format!(" {w}"))
                .collect::<String>()
        };
        match m {
            Member::Property(p) => {
                let mut c = self.attrs(&p.attrs);
                c.extend(p.ty.iter().map(|t| self.type_hint(t)));
                c.extend(p.props.iter().map(|i| {
                    Node::new(format!("Prop ${}", i.name.text()), i.span)
                        .with(self.opt_expr(i.default))
                }));
                Node::new(format!("Property{}", mods(p.modifiers)), p.span).with(c)
            }
            Member::Const(k) => {
                let mut c = self.attrs(&k.attrs);
                c.extend(k.items.iter().map(|i| self.const_item(i)));
                Node::new(format!("ClassConst{}", mods(k.modifiers)), k.span).with(c)
            }
            Member::Method(f) => self.function("Method", f),
            Member::TraitUse(t) => {
                let names: Vec<String> = t.traits.iter().map(|n| n.text().into_owned()).collect();
                let c = t
                    .adaptations
                    .iter()
                    .map(|a| match a {
                        TraitAdaptation::Insteadof {
                            method,
                            instead_of,
                            span,
                        } => {
                            let others: Vec<String> =
                                instead_of.iter().map(|n| n.text().into_owned()).collect();
                            Node::new(
                                format!(
                                    "Insteadof {} insteadof {}",
                                    method_ref(method),
                                    others.join(", ")
                                ),
                                *span,
                            )
                        }
                        TraitAdaptation::Alias {
                            method,
                            modifiers,
                            alias,
                            span,
                        } => {
                            let alias = alias
                                .as_ref()
                                .map_or(String::new(), |a| format!(" {}", a.text()));
                            Node::new(
                                format!(
                                    "Alias {} as{}{alias}",
                                    method_ref(method),
                                    mods(*modifiers)
                                ),
                                *span,
                            )
                        }
                    })
                    .collect();
                Node::new(format!("TraitUse {}", names.join(", ")), t.span).with(c)
            }
            Member::EnumCase(e) => {
                let mut c = self.attrs(&e.attrs);
                c.extend(self.opt_expr(e.value));
                Node::new(format!("EnumCase {}", e.name.text()), e.span).with(c)
            }
        }
    }

    fn args(&self, a: &Args) -> Node {
        match a {
            Args::FirstClassCallable(s) => Node::new("Args ...", *s),
            Args::List(list, s) => Node::new("Args", *s).with(
                list.iter()
                    .map(|a| {
                        let label = match (&a.name, a.unpack) {
                            (Some(n), _) => format!("Arg {}:", n.text()),
                            (None, true) => "Arg ...".into(),
                            (None, false) => "Arg".into(),
                        };
                        Node::new(label, a.span).with(vec![self.expr(a.value)])
                    })
                    .collect(),
            ),
        }
    }

    fn member_name(&self, m: &MemberName) -> (String, Vec<Node>) {
        match m {
            MemberName::Ident(i) => (i.text().into_owned(), Vec::new()),
            MemberName::Expr(e) => ("{}".into(), vec![self.expr(*e)]),
        }
    }

    fn class_ref(&self, c: &ClassRef) -> (String, Vec<Node>) {
        match c {
            ClassRef::Name(n) => (format!("{}{}", name_prefix(n.kind), n.text()), Vec::new()),
            ClassRef::Expr(e) => ("{}".into(), vec![self.expr(*e)]),
        }
    }

    fn items(&self, items: &[Option<ArrayItem>]) -> Vec<Node> {
        items
            .iter()
            .map(|i| match i {
                None => Node::group("Skip", Vec::new()),
                Some(i) => {
                    let label = format!(
                        "Item{}{}",
                        if i.by_ref { " &" } else { "" },
                        if i.unpack { " ..." } else { "" }
                    );
                    let mut c = self.opt_expr(i.key);
                    c.push(self.expr(i.value));
                    Node::new(label, i.span).with(c)
                }
            })
            .collect()
    }

    fn expr(&self, id: ExprId) -> Node {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(id))
    }

    fn expr_inner(&self, id: ExprId) -> Node {
        let e = self.ast.expr(id);
        let n = |label: String| Node::new(label, e.span);
        match &e.kind {
            ExprKind::Variable(v) => n(format!("Variable ${}", String::from_utf8_lossy(v))),
            ExprKind::VariableVariable(inner) => {
                n("VariableVariable".into()).with(vec![self.expr(*inner)])
            }
            ExprKind::Int(v) => n(format!("Int {v}")),
            ExprKind::Float(v) => n(format!("Float {v:?}")),
            ExprKind::String(v) => n(format!("String {}", text(v))),
            ExprKind::Interpolated { kind, parts } => n(format!("Interpolated {kind:?}")).with(
                parts
                    .iter()
                    .map(|p| match p {
                        StringPart::Literal(v, s) => Node::new(format!("Literal {}", text(v)), *s),
                        StringPart::Expr(e) => self.expr(*e),
                    })
                    .collect(),
            ),
            ExprKind::Constant(name) => n(format!(
                "Constant {}{}",
                name_prefix(name.kind),
                name.text()
            )),
            ExprKind::MagicConstant(m) => n(format!("MagicConstant {m:?}")),
            ExprKind::Array { syntax, items } => {
                n(format!("Array {syntax:?}")).with(self.items(items))
            }
            ExprKind::List { syntax, items } => {
                n(format!("List {syntax:?}")).with(self.items(items))
            }
            ExprKind::ArrayDim { base, dim } => {
                let mut c = vec![self.expr(*base)];
                c.extend(self.opt_expr(*dim));
                n("ArrayDim".into()).with(c)
            }
            ExprKind::Property {
                object,
                name,
                access,
            } => {
                let (label, extra) = self.member_name(name);
                let mut c = vec![self.expr(*object)];
                c.extend(extra);
                n(format!("Property {access:?} {label}")).with(c)
            }
            ExprKind::StaticProperty { class, name } => {
                let (cl, mut c) = self.class_ref(class);
                let (label, extra) = self.member_name(name);
                c.extend(extra);
                n(format!("StaticProperty {cl}::${label}")).with(c)
            }
            ExprKind::ClassConstant { class, name } => {
                let (cl, c) = self.class_ref(class);
                n(format!("ClassConstant {cl}::{}", name.text())).with(c)
            }
            ExprKind::Call { callee, args } => {
                let (label, mut c) = match callee {
                    Callee::Name(name) => (
                        format!("Call {}{}", name_prefix(name.kind), name.text()),
                        Vec::new(),
                    ),
                    Callee::Expr(e) => ("Call {}".to_string(), vec![self.expr(*e)]),
                };
                c.push(self.args(args));
                n(label).with(c)
            }
            ExprKind::MethodCall {
                object,
                name,
                access,
                args,
            } => {
                let (label, extra) = self.member_name(name);
                let mut c = vec![self.expr(*object)];
                c.extend(extra);
                c.push(self.args(args));
                n(format!("MethodCall {access:?} {label}")).with(c)
            }
            ExprKind::StaticCall { class, name, args } => {
                let (cl, mut c) = self.class_ref(class);
                let (label, extra) = self.member_name(name);
                c.extend(extra);
                c.push(self.args(args));
                n(format!("StaticCall {cl}::{label}")).with(c)
            }
            ExprKind::New { class, args } => {
                let (label, mut c) = match class {
                    NewClass::Class(r) => {
                        let (l, c) = self.class_ref(r);
                        (format!("New {l}"), c)
                    }
                    NewClass::Anonymous(d) => {
                        // The arguments sit between `class` and the body, inside the class span.
                        let mut class = self.class(d);
                        let at = d.attrs.len();
                        for (i, a) in args.iter().enumerate() {
                            class.children.insert(at + i, self.args(a));
                        }
                        return n("New".to_string()).with(vec![class]);
                    }
                };
                c.extend(args.iter().map(|a| self.args(a)));
                n(label).with(c)
            }
            ExprKind::Unary { op, expr } => n(format!("Unary {op:?}")).with(vec![self.expr(*expr)]),
            ExprKind::Binary { op, left, right } => {
                n(format!("Binary {}", op.symbol())).with(vec![self.expr(*left), self.expr(*right)])
            }
            ExprKind::Assign { target, value } => {
                n("Assign".into()).with(vec![self.expr(*target), self.expr(*value)])
            }
            ExprKind::AssignRef { target, value } => {
                n("AssignRef".into()).with(vec![self.expr(*target), self.expr(*value)])
            }
            ExprKind::AssignOp { op, target, value } => n(format!("AssignOp {}=", op.symbol()))
                .with(vec![self.expr(*target), self.expr(*value)]),
            ExprKind::IncDec { op, target } => {
                n(format!("IncDec {op:?}")).with(vec![self.expr(*target)])
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                let mut c = vec![self.expr(*cond)];
                c.extend(self.opt_expr(*then));
                c.push(self.expr(*otherwise));
                n(if then.is_some() {
                    "Ternary".into()
                } else {
                    "ShortTernary".into()
                })
                .with(c)
            }
            ExprKind::Instanceof { expr, class } => {
                let (cl, extra) = self.class_ref(class);
                let mut c = vec![self.expr(*expr)];
                c.extend(extra);
                n(format!("Instanceof {cl}")).with(c)
            }
            ExprKind::Cast { kind, expr } => {
                n(format!("Cast {kind:?}")).with(vec![self.expr(*expr)])
            }
            ExprKind::Isset(es) => n("Isset".into()).with(self.exprs(es)),
            ExprKind::Empty(x) => n("Empty".into()).with(vec![self.expr(*x)]),
            ExprKind::Exit(x) => n("Exit".into()).with(self.opt_expr(*x)),
            ExprKind::Print(x) => n("Print".into()).with(vec![self.expr(*x)]),
            ExprKind::Include { kind, expr } => {
                n(format!("Include {kind:?}")).with(vec![self.expr(*expr)])
            }
            ExprKind::Eval(x) => n("Eval".into()).with(vec![self.expr(*x)]),
            ExprKind::Clone(x) => n("Clone".into()).with(vec![self.expr(*x)]),
            ExprKind::Closure(c) => {
                let mut ch = self.attrs(&c.attrs);
                ch.push(self.params(&c.params));
                if !c.uses.is_empty() {
                    ch.push(Node::group(
                        "uses",
                        c.uses
                            .iter()
                            .map(|u| {
                                Node::new(
                                    format!(
                                        "Use {}${}",
                                        if u.by_ref { "&" } else { "" },
                                        u.name.text()
                                    ),
                                    u.span,
                                )
                            })
                            .collect(),
                    ));
                }
                ch.extend(
                    c.return_type
                        .iter()
                        .map(|t| Node::group("returns", vec![self.type_hint(t)])),
                );
                ch.push(self.stmts("body", &c.body));
                n(format!(
                    "Closure {:?}{}",
                    c.staticness,
                    if c.by_ref { " &" } else { "" }
                ))
                .with(ch)
            }
            ExprKind::ArrowFunction(f) => {
                let mut ch = self.attrs(&f.attrs);
                ch.push(self.params(&f.params));
                ch.extend(
                    f.return_type
                        .iter()
                        .map(|t| Node::group("returns", vec![self.type_hint(t)])),
                );
                ch.push(self.expr(f.body));
                n(format!(
                    "ArrowFunction {:?}{}",
                    f.staticness,
                    if f.by_ref { " &" } else { "" }
                ))
                .with(ch)
            }
            ExprKind::Match { subject, arms } => {
                let mut c = vec![self.expr(*subject)];
                for arm in arms {
                    let mut ac = arm
                        .conds
                        .as_deref()
                        .map(|cs| self.exprs(cs))
                        .unwrap_or_default();
                    ac.push(self.expr(arm.body));
                    c.push(
                        Node::new(
                            if arm.conds.is_some() {
                                "Arm"
                            } else {
                                "DefaultArm"
                            },
                            arm.span,
                        )
                        .with(ac),
                    );
                }
                n("Match".into()).with(c)
            }
            ExprKind::Throw(x) => n("Throw".into()).with(vec![self.expr(*x)]),
            ExprKind::Yield { key, value } => {
                let mut c = self.opt_expr(*key);
                c.extend(self.opt_expr(*value));
                n("Yield".into()).with(c)
            }
            ExprKind::YieldFrom(x) => n("YieldFrom".into()).with(vec![self.expr(*x)]),
        }
    }
}

fn name_prefix(kind: NameKind) -> &'static str {
    match kind {
        NameKind::FullyQualified => "\\",
        NameKind::Relative => "namespace\\",
        _ => "",
    }
}

fn method_ref(m: &TraitMethodRef) -> String {
    match &m.trait_name {
        Some(t) => format!("{}::{}", t.text(), m.method.text()),
        None => m.method.text().into_owned(),
    }
}
