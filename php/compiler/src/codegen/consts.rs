//! Constant expressions: parameter and static-variable defaults, class constants and
//! property defaults, compiled to [`Const`] trees the VM evaluates when they are used (or
//! folds when they need nothing of the program's).

use super::{Gen, Result, expr};
use crate::bytecode::{BinOp, Const, NewConst, Op, UnOp};
use php_syntax::ast::{Args, ClassRef, ExprId, ExprKind, NameKind, NewClass, StmtKind, UnaryOp};

impl<'a> Gen<'a> {
    /// A value known at compile time (parameter defaults).
    pub(super) fn constant_expr(&mut self, e: ExprId) -> Result<Const> {
        let expr = self.ast.expr(e);
        Ok(match &expr.kind {
            ExprKind::Int(i) => Const::Int(*i),
            ExprKind::Float(f) => Const::Float(*f),
            ExprKind::String(s) => Const::Str(s.clone()),
            ExprKind::Constant(name) => match self.named_constant(name)? {
                Some(k) => k,
                None => Const::Named(self.scope.constant(name)),
            },
            ExprKind::Binary { op, left, right } => {
                use php_syntax::ast::BinaryOp as B;
                let (op, swap) = match op {
                    B::Greater => (BinOp::Less, true),
                    B::GreaterEqual => (BinOp::LessEqual, true),
                    B::Equal => (BinOp::Equal, false),
                    B::NotEqual => (BinOp::NotEqual, false),
                    B::Identical => (BinOp::Identical, false),
                    B::NotIdentical => (BinOp::NotIdentical, false),
                    B::Less => (BinOp::Less, false),
                    B::LessEqual => (BinOp::LessEqual, false),
                    B::Spaceship => (BinOp::Spaceship, false),
                    B::LogicalXor => (BinOp::Xor, false),
                    B::And | B::LogicalAnd | B::Or | B::LogicalOr | B::Coalesce => {
                        // Short-circuit operators: a ternary of constants.
                        let (a, b) = (self.constant_expr(*left)?, self.constant_expr(*right)?);
                        let t = match op {
                            B::And | B::LogicalAnd => (
                                a,
                                Some(Const::Unary(UnOp::Bool, Box::new(b))),
                                Const::Bool(false),
                            ),
                            B::Coalesce => {
                                (Const::Unary(UnOp::IsSet, Box::new(a.clone())), Some(a), b)
                            }
                            _ => (
                                a,
                                Some(Const::Bool(true)),
                                Const::Unary(UnOp::Bool, Box::new(b)),
                            ),
                        };
                        return Ok(Const::Ternary(Box::new(t)));
                    }
                    other => match expr::arith_op(*other) {
                        Some(o) => (o, false),
                        None => return self.unsupported("this constant expression"),
                    },
                };
                let (a, b) = (self.constant_expr(*left)?, self.constant_expr(*right)?);
                let pair = if swap { [b, a] } else { [a, b] };
                Const::Binary(op, Box::new(pair))
            }
            ExprKind::Unary { op, expr: inner } if *op != UnaryOp::Neg => {
                let op = match op {
                    UnaryOp::Not => UnOp::Not,
                    UnaryOp::Plus => UnOp::Plus,
                    UnaryOp::BitNot => UnOp::BitNot,
                    _ => return self.unsupported("this constant expression"),
                };
                Const::Unary(op, Box::new(self.constant_expr(*inner)?))
            }
            ExprKind::ArrayDim {
                base,
                dim: Some(dim),
            } => {
                let (a, k) = (self.constant_expr(*base)?, self.constant_expr(*dim)?);
                Const::Dim(Box::new([a, k]))
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                let c = self.constant_expr(*cond)?;
                let t = match then {
                    Some(t) => Some(self.constant_expr(*t)?),
                    None => None,
                };
                let o = self.constant_expr(*otherwise)?;
                Const::Ternary(Box::new((c, t, o)))
            }
            ExprKind::MagicConstant(_) => {
                // The same value as in code.
                let t = self.expr(e)?;
                let _ = t;
                match self.f.ops.last() {
                    Some(Op::Const { k, .. }) => self.f.constants[*k as usize].clone(),
                    _ => return self.unsupported("this constant expression"),
                }
            }
            ExprKind::Array { items, .. } => {
                let mut list = Vec::new();
                for item in items {
                    let Some(item) = item else {
                        return self.unsupported("this constant expression");
                    };
                    if item.by_ref {
                        return self.unsupported("this constant expression");
                    }
                    if item.unpack {
                        let v = self.constant_expr(item.value)?;
                        list.push((None, Const::Spread(Box::new(v))));
                        continue;
                    }
                    let key = match item.key {
                        Some(k) => Some(self.constant_expr(k)?),
                        None => None,
                    };
                    list.push((key, self.constant_expr(item.value)?));
                }
                Const::Array(list)
            }
            ExprKind::ClassConstant { class, name } => {
                let ClassRef::Name(class) = &**class else {
                    return self.unsupported("this constant expression");
                };
                let class = match (&class.text.to_ascii_lowercase()[..], &self.f.class) {
                    (b"self" | b"static", Some(c)) => c.clone(),
                    _ => self.scope.class(class),
                };
                if name.name.eq_ignore_ascii_case(b"class") {
                    Const::Str(class)
                } else {
                    Const::ClassConst(class, name.name.clone())
                }
            }
            ExprKind::Unary {
                op: UnaryOp::Neg,
                expr: inner,
            } => match self.constant_expr(*inner)? {
                Const::Int(i) => i
                    .checked_neg()
                    .map_or(Const::Float(-(i as f64)), Const::Int),
                Const::Float(f) => Const::Float(-f),
                other => Const::Unary(UnOp::Neg, Box::new(other)),
            },
            ExprKind::New {
                class: NewClass::Class(ClassRef::Name(class)),
                args,
            } => {
                let mut class = self.scope.class(class);
                if matches!(&class.to_ascii_lowercase()[..], b"self" | b"parent") {
                    class = class.to_ascii_lowercase().into();
                }
                let mut list = Vec::new();
                if let Some(Args::List(items, _)) = args.as_deref() {
                    for a in items {
                        if a.unpack {
                            return self.unsupported("this constant expression");
                        }
                        let name = a.name.as_ref().map(|n| n.name.clone());
                        list.push((name, self.constant_expr(a.value)?));
                    }
                }
                Const::New(Box::new(NewConst { class, args: list }))
            }
            _ => return self.unsupported("this constant expression"),
        })
    }

    /// The predefined constants known so far.
    pub(super) fn named_constant(&self, name: &php_syntax::ast::Name) -> Result<Option<Const>> {
        if name.kind == NameKind::Relative || name.kind == NameKind::Qualified {
            return Ok(None);
        }
        // In a file that ends with `__halt_compiler();`, where its data starts.
        if &name.text[..] == b"__COMPILER_HALT_OFFSET__"
            && let Some(&last) = self.ast.top.last()
            && matches!(self.ast.stmt(last).kind, StmtKind::HaltCompiler)
            && let Some(offset) = self.ast.halt_offset
        {
            return Ok(Some(Const::Int(i64::from(offset))));
        }
        let lower = name.text.to_ascii_lowercase();
        Ok(Some(match &lower[..] {
            b"true" => Const::Bool(true),
            b"false" => Const::Bool(false),
            b"null" => Const::Null,
            _ => match &name.text[..] {
                b"PHP_EOL" => Const::Str(b"\n"[..].into()),
                b"PHP_INT_MAX" => Const::Int(i64::MAX),
                b"PHP_INT_MIN" => Const::Int(i64::MIN),
                b"PHP_INT_SIZE" => Const::Int(8),
                b"PHP_FLOAT_EPSILON" => Const::Float(f64::EPSILON),
                b"PHP_FLOAT_MAX" => Const::Float(f64::MAX),
                b"PHP_FLOAT_MIN" => Const::Float(f64::MIN_POSITIVE),
                b"NAN" => Const::Float(f64::NAN),
                b"INF" => Const::Float(f64::INFINITY),
                b"M_PI" => Const::Float(std::f64::consts::PI),
                b"M_E" => Const::Float(std::f64::consts::E),
                b"PHP_VERSION" => Const::Str(b"8.2.32"[..].into()),
                b"PHP_MAJOR_VERSION" => Const::Int(8),
                b"PHP_MINOR_VERSION" => Const::Int(2),
                b"PHP_RELEASE_VERSION" => Const::Int(32),
                b"PHP_VERSION_ID" => Const::Int(80232),
                b"PHP_OS" | b"PHP_OS_FAMILY" => Const::Str(b"Linux"[..].into()),
                b"STR_PAD_LEFT" => Const::Int(0),
                b"STR_PAD_RIGHT" => Const::Int(1),
                b"STR_PAD_BOTH" => Const::Int(2),
                b"E_ALL" => Const::Int(32767),
                b"INFO_GENERAL" => Const::Int(1),
                b"INFO_CREDITS" => Const::Int(2),
                b"INFO_CONFIGURATION" => Const::Int(4),
                b"INFO_MODULES" => Const::Int(8),
                b"INFO_ENVIRONMENT" => Const::Int(16),
                b"INFO_VARIABLES" => Const::Int(32),
                b"INFO_LICENSE" => Const::Int(64),
                b"INFO_ALL" => Const::Int(4294967295),
                b"E_ERROR" => Const::Int(1),
                b"E_WARNING" => Const::Int(2),
                b"E_NOTICE" => Const::Int(8),
                b"E_DEPRECATED" => Const::Int(8192),
                b"E_STRICT" => Const::Int(2048),
                b"E_USER_ERROR" => Const::Int(256),
                b"E_USER_WARNING" => Const::Int(512),
                b"E_USER_NOTICE" => Const::Int(1024),
                b"E_USER_DEPRECATED" => Const::Int(16384),
                b"M_SQRT2" => Const::Float(std::f64::consts::SQRT_2),
                b"M_SQRT1_2" => Const::Float(std::f64::consts::FRAC_1_SQRT_2),
                b"M_LN2" => Const::Float(std::f64::consts::LN_2),
                b"M_LN10" => Const::Float(std::f64::consts::LN_10),
                b"M_LOG2E" => Const::Float(std::f64::consts::LOG2_E),
                b"M_LOG10E" => Const::Float(std::f64::consts::LOG10_E),
                b"M_PI_2" => Const::Float(std::f64::consts::FRAC_PI_2),
                b"M_PI_4" => Const::Float(std::f64::consts::FRAC_PI_4),
                b"M_1_PI" => Const::Float(std::f64::consts::FRAC_1_PI),
                b"M_2_PI" => Const::Float(std::f64::consts::FRAC_2_PI),
                b"E_PARSE" => Const::Int(4),
                b"E_CORE_ERROR" => Const::Int(16),
                b"E_CORE_WARNING" => Const::Int(32),
                b"E_COMPILE_ERROR" => Const::Int(64),
                b"E_COMPILE_WARNING" => Const::Int(128),
                b"E_RECOVERABLE_ERROR" => Const::Int(4096),
                b"SORT_REGULAR" => Const::Int(0),
                b"SORT_NUMERIC" => Const::Int(1),
                b"SORT_STRING" => Const::Int(2),
                b"SORT_LOCALE_STRING" => Const::Int(5),
                b"SORT_NATURAL" => Const::Int(6),
                b"SORT_FLAG_CASE" => Const::Int(8),
                b"SORT_ASC" => Const::Int(4),
                b"SORT_DESC" => Const::Int(3),
                b"COUNT_NORMAL" => Const::Int(0),
                b"COUNT_RECURSIVE" => Const::Int(1),
                b"ARRAY_FILTER_USE_BOTH" => Const::Int(1),
                b"ARRAY_FILTER_USE_KEY" => Const::Int(2),
                b"MT_RAND_MT19937" => Const::Int(0),
                b"MT_RAND_PHP" => Const::Int(1),
                b"PHP_ROUND_HALF_UP" => Const::Int(1),
                b"PHP_ROUND_HALF_DOWN" => Const::Int(2),
                b"PHP_ROUND_HALF_EVEN" => Const::Int(3),
                b"PHP_ROUND_HALF_ODD" => Const::Int(4),
                b"ENT_COMPAT" => Const::Int(2),
                b"ENT_QUOTES" => Const::Int(3),
                b"ENT_NOQUOTES" => Const::Int(0),
                b"ENT_HTML401" => Const::Int(0),
                b"ENT_XML1" => Const::Int(16),
                b"ENT_XHTML" => Const::Int(32),
                b"ENT_HTML5" => Const::Int(48),
                b"ENT_IGNORE" => Const::Int(4),
                b"ENT_SUBSTITUTE" => Const::Int(8),
                b"ENT_DISALLOWED" => Const::Int(128),
                b"PHP_MAXPATHLEN" => Const::Int(4096),
                b"PHP_DEBUG" => Const::Int(0),
                b"PHP_ZTS" => Const::Int(0),
                b"PHP_EXTRA_VERSION" => Const::Str(b""[..].into()),
                b"PHP_SAPI" => Const::Str(b"cli"[..].into()),
                b"DIRECTORY_SEPARATOR" => Const::Str(b"/"[..].into()),
                b"PATH_SEPARATOR" => Const::Str(b":"[..].into()),
                b"PHP_FLOAT_DIG" => Const::Int(15),
                b"FILE_USE_INCLUDE_PATH" => Const::Int(1),
                b"FILE_IGNORE_NEW_LINES" => Const::Int(2),
                b"FILE_SKIP_EMPTY_LINES" => Const::Int(4),
                b"FILE_APPEND" => Const::Int(8),
                b"FILE_NO_DEFAULT_CONTEXT" => Const::Int(16),
                b"LOCK_SH" => Const::Int(1),
                b"LOCK_EX" => Const::Int(2),
                b"LOCK_UN" => Const::Int(3),
                b"LOCK_NB" => Const::Int(4),
                b"SEEK_SET" => Const::Int(0),
                b"SEEK_CUR" => Const::Int(1),
                b"SEEK_END" => Const::Int(2),
                b"PATHINFO_DIRNAME" => Const::Int(1),
                b"PATHINFO_BASENAME" => Const::Int(2),
                b"PATHINFO_EXTENSION" => Const::Int(4),
                b"PATHINFO_FILENAME" => Const::Int(8),
                b"PATHINFO_ALL" => Const::Int(15),
                b"GLOB_ERR" => Const::Int(1),
                b"GLOB_MARK" => Const::Int(2),
                b"GLOB_NOSORT" => Const::Int(4),
                b"GLOB_NOCHECK" => Const::Int(16),
                b"GLOB_NOESCAPE" => Const::Int(64),
                b"GLOB_BRACE" => Const::Int(1024),
                b"GLOB_ONLYDIR" => Const::Int(8192),
                b"GLOB_AVAILABLE_FLAGS" => Const::Int(9303),
                b"SCANDIR_SORT_ASCENDING" => Const::Int(0),
                b"SCANDIR_SORT_DESCENDING" => Const::Int(1),
                b"SCANDIR_SORT_NONE" => Const::Int(2),
                b"PREG_PATTERN_ORDER" => Const::Int(1),
                b"PREG_SET_ORDER" => Const::Int(2),
                b"PREG_OFFSET_CAPTURE" => Const::Int(256),
                b"PREG_UNMATCHED_AS_NULL" => Const::Int(512),
                b"PREG_SPLIT_NO_EMPTY" => Const::Int(1),
                b"PREG_SPLIT_DELIM_CAPTURE" => Const::Int(2),
                b"PREG_SPLIT_OFFSET_CAPTURE" => Const::Int(4),
                b"PREG_GREP_INVERT" => Const::Int(1),
                b"PREG_NO_ERROR" => Const::Int(0),
                b"PREG_INTERNAL_ERROR" => Const::Int(1),
                b"PREG_BACKTRACK_LIMIT_ERROR" => Const::Int(2),
                b"PREG_RECURSION_LIMIT_ERROR" => Const::Int(3),
                b"PREG_BAD_UTF8_ERROR" => Const::Int(4),
                b"PREG_BAD_UTF8_OFFSET_ERROR" => Const::Int(5),
                b"PREG_JIT_STACKLIMIT_ERROR" => Const::Int(6),
                // The PCRE2 release whose behaviour the pcre engine follows.
                b"PCRE_VERSION" => Const::Str(b"10.42 2022-12-11"[..].into()),
                b"PCRE_VERSION_MAJOR" => Const::Int(10),
                b"PCRE_VERSION_MINOR" => Const::Int(42),
                b"PCRE_JIT_SUPPORT" => Const::Bool(false),
                _ => return Ok(None),
            },
        }))
    }
}
