//! Type declarations: the [`TypeSpec`] of a parameter, return or property type, the errors
//! PHP gives for them at compile time (`void` parameters, defaults of the wrong type, `return`
//! in a `void` function...), and the return checks (`Op::VerifyReturn`) of functions with a
//! return type.

use super::{Gen, Result, line_of};
use crate::CompileError;
use crate::bytecode::{Const, NONE, Op, Slot, TypeSpec};
use php_syntax::ast::{Ast, ExprId, ExprKind, NameKind, StmtKind, TypeHint};
use php_syntax::span::Span;

/// Where a type is declared (its errors differ).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Site {
    /// A parameter.
    Param,
    /// A return type.
    Return,
    /// A property (`class::$name` for messages).
    Property,
}

/// The built-in type a lowercase name means.
fn builtin(lower: &[u8]) -> Option<u16> {
    Some(match lower {
        b"int" => TypeSpec::INT,
        b"float" => TypeSpec::FLOAT,
        b"string" => TypeSpec::STRING,
        b"bool" => TypeSpec::BOOL,
        b"false" => TypeSpec::FALSE,
        b"true" => TypeSpec::TRUE,
        b"null" => TypeSpec::NULL,
        b"array" => TypeSpec::ARRAY,
        b"object" => TypeSpec::OBJECT,
        b"callable" => TypeSpec::CALLABLE,
        b"static" => TypeSpec::STATIC,
        b"void" => TypeSpec::VOID,
        b"never" => TypeSpec::NEVER,
        b"mixed" => TypeSpec::MIXED,
        _ => return None,
    })
}

/// PHP's name of a constant's type (for the errors about defaults).
fn const_type(k: &Const) -> &'static str {
    match k {
        Const::Null => "null",
        Const::Bool(_) => "bool",
        Const::Int(_) => "int",
        Const::Float(_) => "float",
        Const::Str(_) => "string",
        Const::Array(_) => "array",
        Const::ClassConst(..)
        | Const::Named(_)
        | Const::Binary(..)
        | Const::Unary(..)
        | Const::Ternary(_)
        | Const::Dim(_)
        | Const::Spread(_)
        | Const::New(_) => "mixed",
    }
}

impl<'a> Gen<'a> {
    fn type_error<T>(&self, span: Span, message: String) -> Result<T> {
        Err(CompileError {
            message,
            line: line_of(self.lines, span),
            fatal: true,
        })
    }

    /// The [`TypeSpec`] of a declared type.
    pub(super) fn type_spec(&self, t: &TypeHint, site: Site, what: &str) -> Result<TypeSpec> {
        let mut spec = TypeSpec::default();
        self.add_type(&mut spec, t)?;
        let only = |bit: u16| spec.mask & bit != 0;
        if site != Site::Return {
            for (bit, word) in [(TypeSpec::VOID, "void"), (TypeSpec::NEVER, "never")] {
                if only(bit) {
                    let message = match site {
                        Site::Param => format!("{word} cannot be used as a parameter type"),
                        _ => format!("Property {what} cannot have type {word}"),
                    };
                    return self.type_error(t.span(), message);
                }
            }
        }
        if site == Site::Property && only(TypeSpec::CALLABLE) {
            return self.type_error(
                t.span(),
                format!("Property {what} cannot have type callable"),
            );
        }
        if spec.mask & TypeSpec::STATIC != 0 && self.no_scope() {
            let message = "Cannot use \"static\" when no class scope is active".to_string();
            return self.type_error(t.span(), message);
        }
        Ok(spec)
    }

    /// Whether `self`, `parent` and `static` cannot mean a class here (a closure's class is
    /// the one it is bound to when it runs).
    fn no_scope(&self) -> bool {
        self.f.class.is_none() && !self.f.name.ends_with(b"{closure}")
    }

    fn add_type(&self, spec: &mut TypeSpec, t: &TypeHint) -> Result<()> {
        match t {
            TypeHint::Named(n) => {
                let lower = n.text.to_ascii_lowercase();
                if n.kind == NameKind::Unqualified {
                    if let Some(bit) = builtin(&lower) {
                        if spec.mask & bit == bit && bit != TypeSpec::MIXED {
                            let message =
                                format!("Duplicate type {} is redundant", lower_str(&lower));
                            return self.type_error(n.span, message);
                        }
                        spec.mask |= bit;
                        return Ok(());
                    }
                    if &lower[..] == b"iterable" {
                        spec.mask |= TypeSpec::ARRAY;
                        spec.classes.push(vec![b"Traversable"[..].into()]);
                        return Ok(());
                    }
                    if matches!(&lower[..], b"self" | b"parent") && self.no_scope() {
                        let message = format!(
                            "Cannot use \"{}\" when no class scope is active",
                            lower_str(&lower)
                        );
                        return self.type_error(n.span, message);
                    }
                }
                spec.classes.push(vec![self.scope.class(n)]);
            }
            TypeHint::Nullable(inner, span) => {
                self.add_type(spec, inner)?;
                if spec.mask & TypeSpec::MIXED == TypeSpec::MIXED {
                    let message =
                        "Type mixed cannot be marked as nullable since mixed already includes null"
                            .to_string();
                    return self.type_error(*span, message);
                }
                spec.mask |= TypeSpec::NULL;
            }
            TypeHint::Union(list, _) => {
                for t in list {
                    self.add_type(spec, t)?;
                }
            }
            TypeHint::Intersection(list, _) => {
                let mut names = Vec::new();
                for t in list {
                    if let TypeHint::Named(n) = t {
                        names.push(self.scope.class(n));
                    }
                }
                spec.classes.push(names);
            }
        }
        Ok(())
    }

    /// A function's return type.
    pub(super) fn return_type(&self, t: Option<&TypeHint>) -> Result<Option<TypeSpec>> {
        t.map(|t| self.type_spec(t, Site::Return, "")).transpose()
    }

    /// A parameter's type, with PHP's checks of its default value: `null` makes the type
    /// nullable; an int default of a float parameter becomes a float.
    pub(super) fn param_type(
        &mut self,
        p: &php_syntax::ast::Param,
        default: &mut Option<Const>,
    ) -> Result<Option<TypeSpec>> {
        let Some(t) = &p.ty else {
            return Ok(None);
        };
        let mut spec = self.type_spec(t, Site::Param, "")?;
        if let Some(k) = default {
            if *k == Const::Null {
                spec.mask |= TypeSpec::NULL;
            } else if !default_fits(&spec, k) {
                let message = format!(
                    "Cannot use {} as default value for parameter ${} of type {}",
                    const_type(k),
                    p.name.text(),
                    spec.display(|n| n.to_vec())
                );
                return self.type_error(p.span, message);
            } else if let (Const::Int(i), false) = (&*k, spec.mask & TypeSpec::INT != 0) {
                *k = Const::Float(*i as f64);
            }
        }
        Ok(Some(spec))
    }

    /// A property's type, with PHP's checks of its default value (`what`: `A::$x`).
    pub(super) fn prop_type(
        &self,
        t: &TypeHint,
        what: &str,
        default: &mut Option<Const>,
        span: Span,
    ) -> Result<TypeSpec> {
        let spec = self.type_spec(t, Site::Property, what)?;
        if let Some(k) = default {
            if *k == Const::Null && spec.mask & TypeSpec::NULL == 0 {
                let shown = spec.display(|n| n.to_vec());
                let message = format!(
                    "Default value for property of type {shown} may not be null. Use the nullable type ?{shown} to allow null default value"
                );
                return self.type_error(span, message);
            }
            if !default_fits(&spec, k) {
                let message = format!(
                    "Cannot use {} as default value for property {what} of type {}",
                    const_type(k),
                    spec.display(|n| n.to_vec())
                );
                return self.type_error(span, message);
            }
            if let (Const::Int(i), false) = (&*k, spec.mask & TypeSpec::INT != 0) {
                *k = Const::Float(*i as f64);
            }
        }
        Ok(spec)
    }

    /// The checks of `return expr;` (`None`: `return;`) in a function with a return type:
    /// PHP's compile errors, or `Op::VerifyReturn` on the value in `v`.
    pub(super) fn verify_return(&mut self, e: Option<ExprId>, v: Slot) -> Result<()> {
        let Some(spec) = &self.f.ret else {
            return Ok(());
        };
        let err = |message: &str| {
            Err(CompileError {
                message: message.to_string(),
                line: self.line,
                fatal: true,
            })
        };
        if spec.mask & TypeSpec::VOID != 0 {
            return match e {
                None => Ok(()),
                Some(e) if self.is_null_literal(e) => err(
                    "A void function must not return a value (did you mean \"return;\" instead of \"return null;\"?)",
                ),
                Some(_) => err("A void function must not return a value"),
            };
        }
        if spec.mask & TypeSpec::NEVER != 0 {
            return err("A never-returning function must not return");
        }
        if e.is_none() {
            return if spec.mask & TypeSpec::NULL != 0 {
                err(
                    "A function with return type must return a value (did you mean \"return null;\" instead of \"return;\"?)",
                )
            } else {
                err("A function with return type must return a value")
            };
        }
        if spec.mask & TypeSpec::MIXED != TypeSpec::MIXED {
            self.emit(Op::VerifyReturn { src: v });
        }
        Ok(())
    }

    fn is_null_literal(&self, e: ExprId) -> bool {
        matches!(&self.ast.expr(e).kind, ExprKind::Constant(n) if n.is("null"))
    }

    /// The end of a function with a return type that did not `return` (reported on the line
    /// of `end`, the declaration's end): PHP's error unless the type is `void`.
    pub(super) fn implicit_return(&mut self, end: Option<Span>) {
        let Some(spec) = &self.f.ret else {
            return;
        };
        if spec.mask & TypeSpec::VOID != 0 {
            return;
        }
        if let Some(end) = end {
            self.line = self.lines.line(end.end.saturating_sub(1));
        }
        self.emit(Op::VerifyReturn { src: NONE });
    }
}

/// Whether the file starts with `declare(strict_types=1)`.
pub(super) fn strict_types(ast: &Ast) -> bool {
    ast.top.iter().any(|&s| match &ast.stmt(s).kind {
        StmtKind::Declare { directives, .. } => directives.iter().any(|d| {
            d.name.name.eq_ignore_ascii_case(b"strict_types")
                && matches!(ast.expr(d.value).kind, ExprKind::Int(1))
        }),
        _ => false,
    })
}

/// Whether a constant default value fits a type (without the conversions done at run time,
/// but an int fits `float`).
fn default_fits(spec: &TypeSpec, k: &Const) -> bool {
    let m = spec.mask;
    match k {
        Const::Null => m & TypeSpec::NULL != 0,
        Const::Bool(b) => m & if *b { TypeSpec::TRUE } else { TypeSpec::FALSE } != 0,
        Const::Int(_) => m & (TypeSpec::INT | TypeSpec::FLOAT) != 0,
        Const::Float(_) => m & TypeSpec::FLOAT != 0,
        Const::Str(_) => m & (TypeSpec::STRING | TypeSpec::CALLABLE) != 0,
        Const::Array(_) => m & (TypeSpec::ARRAY | TypeSpec::CALLABLE) != 0,
        Const::ClassConst(..)
        | Const::Named(_)
        | Const::Binary(..)
        | Const::Unary(..)
        | Const::Ternary(_)
        | Const::Dim(_)
        | Const::Spread(_)
        | Const::New(_) => true,
    }
}

fn lower_str(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
