//! Green expressions: which expressions are computed only from greens and constants (so they
//! stay plain Rust in the twin), and their printing with local reads substituted.

use crate::lower::{Lowerer, Var};
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Expr, ExprPath};

/// Names of the hints the codewriter understands (called as `metajit::NAME(..)` or `NAME(..)`).
pub const HINTS: &[&str] = &["promote", "we_are_jitted", "is_constant", "assert_green"];

/// Path prefixes of functions that are pure and may run natively on green arguments.
const PURE_PREFIXES: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
    "f64", "bool", "char", "str", "std", "core", "alloc",
];

/// The hint a call path names, if any.
pub fn hint_name(path: &syn::Path) -> Option<String> {
    let last = path.segments.last()?.ident.to_string();
    if !HINTS.contains(&last.as_str()) {
        return None;
    }
    match path.segments.len() {
        1 => Some(last),
        2 if path.segments[0].ident == "metajit" => Some(last),
        _ => None,
    }
}

/// Whether a call path is a constructor (tuple struct or enum variant): last segment
/// capitalized.
pub fn is_constructor(path: &syn::Path) -> bool {
    path.segments
        .last()
        .and_then(|s| s.ident.to_string().chars().next())
        .is_some_and(|c| c.is_uppercase())
}

/// Whether a call path names a pure standard-library function (`i64::max`, `std::cmp::min`).
pub fn is_pure_std(path: &syn::Path) -> bool {
    path.segments.len() >= 2 && PURE_PREFIXES.contains(&path.segments[0].ident.to_string().as_str())
}

impl Lowerer<'_> {
    /// Whether `e` is a format string literal naming a red local inline (`"{acc}"`).
    pub fn formats_red_local(&self, e: &Expr) -> bool {
        let Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = e
        else {
            return false;
        };
        let text = s.value();
        let mut rest = text.as_str();
        while let Some(i) = rest.find('{') {
            rest = &rest[i + 1..];
            if rest.starts_with('{') {
                rest = &rest[1..];
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some(Var::Slot(s)) = self.lookup(&name)
                && self.slot_is_red(s)
            {
                return true;
            }
        }
        false
    }

    /// Whether `e` is green: it reads only green locals and calls nothing that makes red values.
    /// Control-flow expressions are never green (they are lowered into blocks).
    pub fn is_green(&self, e: &Expr) -> bool {
        match e {
            Expr::Lit(_) => true,
            Expr::Path(p) => match p.path.get_ident().and_then(|i| self.lookup(&i.to_string())) {
                Some(Var::Slot(s)) => !self.slot_is_red(s),
                Some(Var::Direct(_)) => true,
                None => true,
            },
            Expr::Paren(p) => self.is_green(&p.expr),
            Expr::Group(g) => self.is_green(&g.expr),
            Expr::Unary(u) => self.is_green(&u.expr),
            Expr::Binary(b) => {
                !is_assign_op(&b.op) && self.is_green(&b.left) && self.is_green(&b.right)
            }
            Expr::Cast(c) => self.is_green(&c.expr),
            Expr::Field(f) => self.is_green(&f.base),
            Expr::Index(i) => self.is_green(&i.expr) && self.is_green(&i.index),
            Expr::Tuple(t) => t.elems.iter().all(|x| self.is_green(x)),
            Expr::Array(a) => a.elems.iter().all(|x| self.is_green(x)),
            Expr::Repeat(r) => self.is_green(&r.expr) && self.is_green(&r.len),
            Expr::Struct(s) => {
                s.fields.iter().all(|f| self.is_green(&f.expr))
                    && s.rest.as_ref().is_none_or(|r| self.is_green(r))
            }
            Expr::Reference(r) => self.is_green(&r.expr),
            Expr::Range(r) => {
                r.start.as_ref().is_none_or(|x| self.is_green(x))
                    && r.end.as_ref().is_none_or(|x| self.is_green(x))
            }
            Expr::MethodCall(m) => {
                self.is_green(&m.receiver) && m.args.iter().all(|x| self.is_green(x))
            }
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => {
                    let args_green = c.args.iter().all(|x| self.is_green(x));
                    match hint_name(&p.path).as_deref() {
                        // Hints are lowered by the codewriter (promote() gives a constant of the
                        // trace, not a green value; the others answer differently in twin code).
                        Some(_) => false,
                        None => (is_constructor(&p.path) || is_pure_std(&p.path)) && args_green,
                    }
                }
                _ => false,
            },
            Expr::Closure(c) => self.closure_green(c),
            Expr::Unsafe(u) => {
                u.block.stmts.len() == 1
                    && matches!(&u.block.stmts[0], syn::Stmt::Expr(x, None) if self.is_green(x))
            }
            _ => false,
        }
    }

    fn closure_green(&self, c: &syn::ExprClosure) -> bool {
        let mut uses = Vec::new();
        let mut ok = true;
        let mut v = Subst {
            low: self,
            uses: &mut uses,
            shadow: Vec::new(),
            ok: &mut ok,
        };
        let mut body = (*c.body).clone();
        v.shadow
            .push(c.inputs.iter().flat_map(pat_idents).collect());
        v.visit_expr_mut(&mut body);
        ok && uses.iter().all(|&s| !self.slot_is_red(s))
    }

    /// Prints a green expression with local reads replaced by slot reads; returns the slots
    /// read.
    pub fn green_tokens(&self, e: &Expr) -> (TokenStream, Vec<usize>) {
        let mut uses = Vec::new();
        let mut ok = true;
        let mut e = e.clone();
        let mut v = Subst {
            low: self,
            uses: &mut uses,
            shadow: Vec::new(),
            ok: &mut ok,
        };
        v.visit_expr_mut(&mut e);
        uses.sort_unstable();
        uses.dedup();
        (e.to_token_stream(), uses)
    }
}

/// Whether a binary operator is a compound assignment.
pub fn is_assign_op(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// Identifiers a pattern binds.
pub fn pat_idents(p: &syn::Pat) -> Vec<String> {
    let mut out = Vec::new();
    collect_pat_idents(p, &mut out);
    out
}

fn collect_pat_idents(p: &syn::Pat, out: &mut Vec<String>) {
    match p {
        // `None`, a unit variant or a constant is a path, not a binding (by Rust's naming
        // conventions, bindings start with a lowercase letter or `_`).
        syn::Pat::Ident(i) if i.subpat.is_none() && is_path_like(&i.ident) => {}
        syn::Pat::Ident(i) => {
            out.push(i.ident.to_string());
            if let Some((_, sub)) = &i.subpat {
                collect_pat_idents(sub, out);
            }
        }
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| collect_pat_idents(e, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|e| collect_pat_idents(e, out)),
        syn::Pat::Struct(s) => s
            .fields
            .iter()
            .for_each(|f| collect_pat_idents(&f.pat, out)),
        syn::Pat::Or(o) => {
            if let Some(first) = o.cases.first() {
                collect_pat_idents(first, out)
            }
        }
        syn::Pat::Paren(p) => collect_pat_idents(&p.pat, out),
        syn::Pat::Reference(r) => collect_pat_idents(&r.pat, out),
        syn::Pat::Type(t) => collect_pat_idents(&t.pat, out),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|e| collect_pat_idents(e, out)),
        syn::Pat::Guard(g) => collect_pat_idents(&g.pat, out),
        _ => {}
    }
}

/// Substitutes local reads in green code.
struct Subst<'l, 'a> {
    low: &'l Lowerer<'a>,
    uses: &'l mut Vec<usize>,
    shadow: Vec<Vec<String>>,
    ok: &'l mut bool,
}

impl Subst<'_, '_> {
    fn shadowed(&self, name: &str) -> bool {
        self.shadow.iter().any(|s| s.iter().any(|n| n == name))
    }

    fn replacement(&mut self, name: &str, span: proc_macro2::Span) -> Option<Expr> {
        if self.shadowed(name) {
            return None;
        }
        if let Some(e) = self.low.driver_read(name) {
            return Some(e);
        }
        if self.low.invalid.contains(name) {
            self.low.deferred.borrow_mut().push(syn::Error::new(
                span,
                format!("`{name}` is declared before the dispatch loop but is neither a green nor a red; list it in greens(..) or reds(..)"),
            ));
            return None;
        }
        match self.low.lookup(name)? {
            Var::Slot(s) => {
                self.uses.push(s);
                let id = crate::emit::slot_ident(s);
                Some(syn::parse_quote!(#id.get()))
            }
            Var::Direct(i) => Some(syn::parse_quote!(#i)),
        }
    }
}

impl VisitMut for Subst<'_, '_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Path(ExprPath {
                path, qself: None, ..
            }) if path.get_ident().is_some() => {
                let ident = path.get_ident().cloned();
                let name = ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
                let span = ident
                    .map(|i| i.span())
                    .unwrap_or_else(proc_macro2::Span::call_site);
                if let Some(r) = self.replacement(&name, span) {
                    *e = r;
                }
            }
            Expr::Closure(c) => {
                self.shadow
                    .push(c.inputs.iter().flat_map(pat_idents).collect());
                self.visit_expr_mut(&mut c.body);
                self.shadow.pop();
            }
            Expr::Struct(s) => {
                for f in s.fields.iter_mut() {
                    if f.colon_token.is_none()
                        && let syn::Member::Named(id) = &f.member
                        && let Some(r) = self.replacement(&id.to_string(), id.span())
                    {
                        f.colon_token = Some(Default::default());
                        f.expr = r;
                        continue;
                    }
                    self.visit_expr_mut(&mut f.expr);
                }
                if let Some(r) = &mut s.rest {
                    self.visit_expr_mut(r);
                }
            }
            Expr::Macro(_) => *self.ok = false,
            _ => syn::visit_mut::visit_expr_mut(self, e),
        }
    }
}

/// Whether a lone identifier in a pattern names a constant or unit variant (`None`, `MAX`)
/// rather than a new binding.
pub fn is_path_like(i: &syn::Ident) -> bool {
    i.to_string().starts_with(|c: char| c.is_ascii_uppercase())
}
