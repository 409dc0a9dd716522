//! Evaluating constant expressions (the compiler's [`Const`] trees): parameter and
//! static-variable defaults, class constants, property defaults.
//!
//! One evaluator, [`evaluate`], walks a tree and asks a [`ConstEnv`] for what depends on the
//! program: constants, operators and objects. Two environments use it:
//! - [`const_value`]: folding without a running program (when code and classes are loaded,
//!   and for printing defaults). Nothing fails: what would throw folds to `null`, and `new`
//!   never occurs (the checker allows it only where [`FrameEnv`] evaluates).
//! - [`FrameEnv`]: evaluation in a running frame (`zend_ast_evaluate`), with PHP's errors,
//!   autoloading and constructors; `self` and `parent` mean the frame's class.
//!
//! Trees come from source text, so their depth is bounded by the parser's; the walk grows
//! the stack when it runs low all the same.

use crate::frame::Frame;
use php_compiler::{BinOp, Const, NewConst, UnOp};
use php_runtime::convert::{to_bool, to_int};
use php_runtime::object::{Class, ClassConst};
use php_runtime::value::View;
use php_runtime::{ArrayKey, PhpArray, PhpError, PhpString, Zval};

/// What evaluating a constant expression needs of the program.
pub trait ConstEnv {
    /// `class::name`, or with an empty `class` the named constant `name`.
    fn constant(&mut self, class: &[u8], name: &[u8]) -> Result<Zval, PhpError>;
    /// `a op b`.
    fn binary(&mut self, op: BinOp, a: &Zval, b: &Zval) -> Result<Zval, PhpError>;
    /// A new object of `class` (a name, `self` or `parent`), its constructor not yet run.
    fn instantiate(&mut self, class: &[u8]) -> Result<Zval, PhpError>;
    /// Runs the constructor of `object` (if it has one) with `args`.
    fn construct(&mut self, object: &Zval, args: crate::ops::call::Args) -> Result<(), PhpError>;
    /// An `Error` exception with `message`.
    fn error(&mut self, message: String) -> PhpError;
}

/// The value of the constant expression `k` in `env`.
pub fn evaluate(k: &Const, env: &mut dyn ConstEnv) -> Result<Zval, PhpError> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || evaluate_inner(k, env))
}

fn evaluate_inner(k: &Const, env: &mut dyn ConstEnv) -> Result<Zval, PhpError> {
    Ok(match k {
        Const::Null => Zval::NULL,
        Const::Bool(b) => Zval::bool(*b),
        Const::Int(i) => Zval::int(*i),
        Const::Float(f) => Zval::float(*f),
        Const::Str(s) => Zval::string(PhpString::new(s)),
        Const::Array(items) => array(items, env)?,
        Const::ClassConst(class, name) => env.constant(class, name)?,
        Const::Named(name) => env.constant(b"", name)?,
        Const::Binary(op, pair) => {
            let [a, b] = &**pair;
            let (a, b) = (evaluate(a, env)?, evaluate(b, env)?);
            env.binary(*op, &a, &b)?
        }
        Const::Unary(op, a) => {
            let a = evaluate(a, env)?;
            match op {
                UnOp::Not => Zval::bool(!to_bool(&a)),
                UnOp::Bool => Zval::bool(to_bool(&a)),
                UnOp::IsSet => Zval::bool(!a.is_null()),
                UnOp::Neg => env.binary(BinOp::Mul, &a, &Zval::int(-1))?,
                UnOp::Plus => env.binary(BinOp::Mul, &a, &Zval::int(1))?,
                UnOp::BitNot => Zval::int(!to_int(&a)),
                _ => Zval::NULL,
            }
        }
        Const::Dim(pair) => {
            let [a, k] = &**pair;
            let (a, k) = (evaluate(a, env)?, evaluate(k, env)?);
            match (a.view(), k.view()) {
                (View::Array(arr), View::Int(i)) => arr
                    .get(php_runtime::array::KeyRef::Int(i))
                    .map_or(Zval::NULL, |v| v.clone()),
                (View::Array(arr), _) => {
                    let mut out = Vec::new();
                    php_runtime::convert::push_string(&mut out, &k);
                    arr.get(php_runtime::array::KeyRef::from_bytes(&out))
                        .map_or(Zval::NULL, |v| v.clone())
                }
                _ => Zval::NULL,
            }
        }
        Const::Spread(a) => evaluate(a, env)?,
        Const::Ternary(t) => {
            let (c, then, otherwise) = &**t;
            let c = evaluate(c, env)?;
            if to_bool(&c) {
                match then {
                    Some(x) => evaluate(x, env)?,
                    None => c,
                }
            } else {
                evaluate(otherwise, env)?
            }
        }
        Const::New(n) => new_object(n, env)?,
    })
}

/// An array literal of constants.
fn array(items: &[(Option<Const>, Const)], env: &mut dyn ConstEnv) -> Result<Zval, PhpError> {
    let mut a = PhpArray::new();
    for (key, v) in items {
        if let Const::Spread(inner) = v {
            // `...x`: its elements, string keys kept, int keys renumbered.
            if let View::Array(src) = evaluate(inner, env)?.view() {
                for (k, v) in src.iter() {
                    match k {
                        ArrayKey::Str(_) => drop(a.insert(k.clone(), v.clone())),
                        ArrayKey::Int(_) => drop(a.append(v.clone())),
                    }
                }
            }
            continue;
        }
        let key = match key {
            Some(k) => Some(evaluate(k, env)?),
            None => None,
        };
        let v = evaluate(v, env)?;
        match key {
            Some(k) => {
                let key = match k.view() {
                    View::Int(i) => ArrayKey::Int(i),
                    View::Bool(b) => ArrayKey::Int(i64::from(b)),
                    View::Float(f) => ArrayKey::Int(php_runtime::number::float_to_int(f)),
                    _ => {
                        let mut out = Vec::new();
                        php_runtime::convert::push_string(&mut out, &k);
                        ArrayKey::from_bytes(&out)
                    }
                };
                drop(a.insert(key, v));
            }
            None => {
                let _ = a.append(v);
            }
        }
    }
    Ok(Zval::array(a))
}

/// `new Class(args)`: PHP's order is the object, then its arguments, then the constructor.
fn new_object(n: &NewConst, env: &mut dyn ConstEnv) -> Result<Zval, PhpError> {
    let object = env.instantiate(&n.class)?;
    let mut args = crate::ops::call::Args::default();
    for (name, k) in &n.args {
        let v = evaluate(k, env)?;
        match name {
            None => args.list.push(v),
            Some(name) if args.named.iter().any(|(n, _)| n[..] == name[..]) => {
                let msg = format!(
                    "Named parameter ${} overwrites previous argument",
                    String::from_utf8_lossy(name)
                );
                return Err(env.error(msg));
            }
            Some(name) => args.named.push((name.to_vec(), v)),
        }
    }
    env.construct(&object, args)?;
    Ok(object)
}

/// Constant `k` of the code running in `frame`: a constant expression (unset among the
/// loaded constants) is evaluated now, in `frame`; `new` in it makes a new object each time.
pub fn constant_in(frame: &mut Frame, k: usize) -> Result<Zval, PhpError> {
    let code = frame.code;
    let v = code.constants[k];
    if v.tag != php_runtime::tag::UNDEF {
        // SAFETY: loaded constants are live for the program's life.
        return Ok(unsafe { Zval::from_borrowed(v) });
    }
    evaluate(&code.func.constants[k], &mut FrameEnv::new(frame))
}

thread_local! {
    /// The class constants whose expressions are being evaluated through others (PHP's
    /// `IS_CONSTANT_VISITED`): one met again refers to itself.
    static VISITING: std::cell::RefCell<Vec<*const ClassConst>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The value of `class::name` (declared or inherited; `null` if there is none), its
/// constant expression evaluated the first time, in the class that declares it.
pub fn class_constant_in(
    frame: &mut Frame,
    class: &'static Class,
    name: &[u8],
) -> Result<Zval, PhpError> {
    let Some(c) = class.consts.get(name) else {
        return Ok(Zval::NULL);
    };
    let current = c.value.borrow().clone();
    if !matches!(current.view(), View::Undef) {
        return Ok(current);
    }
    let Some(k) = c.lazy.as_ref().and_then(|l| l.downcast_ref::<Const>()) else {
        return Ok(Zval::NULL);
    };
    let scope = crate::vm::vm_of(frame)
        .class_list
        .get(c.class as usize)
        .copied();
    let v = evaluate(k, &mut FrameEnv { frame, scope })?;
    *c.value.borrow_mut() = v.clone();
    Ok(v)
}

/// Whether a constant needs the program to be evaluated (a constant expression or an array
/// holding one).
pub fn needs_runtime(k: &Const) -> bool {
    match k {
        Const::Null | Const::Bool(_) | Const::Int(_) | Const::Float(_) | Const::Str(_) => false,
        Const::Array(items) => items
            .iter()
            .any(|(key, v)| key.as_ref().is_some_and(needs_runtime) || needs_runtime(v)),
        _ => true,
    }
}

/// The value of a constant without a running program; `resolve` gives class constants
/// (`Class::NAME`) and, with an empty class, named constants.
pub fn const_value(k: &Const, resolve: &dyn Fn(&[u8], &[u8]) -> Zval) -> Zval {
    evaluate(k, &mut Folding(resolve)).unwrap_or(Zval::NULL)
}

/// The environment of [`const_value`].
struct Folding<'a>(&'a dyn Fn(&[u8], &[u8]) -> Zval);

impl ConstEnv for Folding<'_> {
    fn constant(&mut self, class: &[u8], name: &[u8]) -> Result<Zval, PhpError> {
        Ok((self.0)(class, name))
    }

    fn binary(&mut self, op: BinOp, a: &Zval, b: &Zval) -> Result<Zval, PhpError> {
        Ok(fold(op, a, b))
    }

    fn instantiate(&mut self, _class: &[u8]) -> Result<Zval, PhpError> {
        Ok(Zval::NULL)
    }

    fn construct(&mut self, _: &Zval, _: crate::ops::call::Args) -> Result<(), PhpError> {
        Ok(())
    }

    fn error(&mut self, message: String) -> PhpError {
        PhpError::Fatal { message, line: 0 }
    }
}

/// `a op b` on constant values (no diagnostics: what would warn or throw folds to `null`).
fn fold(op: BinOp, a: &Zval, b: &Zval) -> Zval {
    use php_runtime::arith as ar;
    use php_runtime::convert::{Operand, to_operand};
    let num = |v: &Zval| match to_operand(v) {
        Operand::Num(n) | Operand::Leading(n) => Some(n),
        Operand::Unsupported => None,
    };
    let cmp = |a: &Zval, b: &Zval| php_runtime::compare::compare(a, b).unwrap_or(1);
    match op {
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow | BinOp::Mod => {
            let (Some(x), Some(y)) = (num(a), num(b)) else {
                return Zval::NULL;
            };
            match op {
                BinOp::Add => Zval::from(ar::add(x, y)),
                BinOp::Sub => Zval::from(ar::sub(x, y)),
                BinOp::Mul => Zval::from(ar::mul(x, y)),
                BinOp::Pow => Zval::from(ar::pow(x, y)),
                BinOp::Div => ar::div(x, y).map_or(Zval::NULL, Zval::from),
                _ => ar::modulo(to_int(a), to_int(b)).map_or(Zval::NULL, Zval::int),
            }
        }
        BinOp::Concat => {
            let mut out = Vec::new();
            php_runtime::convert::push_string(&mut out, a);
            php_runtime::convert::push_string(&mut out, b);
            Zval::string(PhpString::new(&out))
        }
        BinOp::Shl => ar::shl(to_int(a), to_int(b)).map_or(Zval::NULL, Zval::int),
        BinOp::Shr => ar::shr(to_int(a), to_int(b)).map_or(Zval::NULL, Zval::int),
        BinOp::BitAnd => Zval::int(to_int(a) & to_int(b)),
        BinOp::BitOr => Zval::int(to_int(a) | to_int(b)),
        BinOp::BitXor => Zval::int(to_int(a) ^ to_int(b)),
        BinOp::Xor => Zval::bool(to_bool(a) != to_bool(b)),
        BinOp::Equal => Zval::bool(cmp(a, b) == 0),
        BinOp::NotEqual => Zval::bool(cmp(a, b) != 0),
        BinOp::Identical => Zval::bool(php_runtime::compare::identical(a, b).unwrap_or(false)),
        BinOp::NotIdentical => Zval::bool(!php_runtime::compare::identical(a, b).unwrap_or(false)),
        BinOp::Less => Zval::bool(cmp(a, b) < 0),
        BinOp::LessEqual => Zval::bool(cmp(a, b) <= 0),
        BinOp::Spaceship => Zval::int(i64::from(cmp(a, b).signum())),
    }
}

/// Evaluation in a running frame: PHP's errors, autoloading and constructors.
pub struct FrameEnv<'f> {
    /// The frame the expression is evaluated in (a function's, for its parameter defaults).
    pub frame: &'f mut Frame,
    /// The class `self` and `parent` are relative to.
    pub scope: Option<&'static Class>,
}

impl<'f> FrameEnv<'f> {
    /// Evaluation in `frame`, `self` meaning the class of its code.
    pub fn new(frame: &'f mut Frame) -> FrameEnv<'f> {
        let scope = frame.code.class();
        FrameEnv { frame, scope }
    }

    /// The class `self` or `parent` means, PHP's error if there is none; `None` for another
    /// name.
    fn relative(&mut self, class: &[u8]) -> Option<Result<&'static Class, PhpError>> {
        let (found, missing) = match &class.to_ascii_lowercase()[..] {
            b"self" => (
                self.scope,
                "Cannot access \"self\" when no class scope is active",
            ),
            b"parent" if self.scope.is_some() => (
                self.scope.and_then(|c| c.parent),
                "Cannot access \"parent\" when current class scope has no parent",
            ),
            b"parent" => (
                None,
                "Cannot access \"parent\" when no class scope is active",
            ),
            _ => return None,
        };
        Some(found.ok_or_else(|| self.error(missing.into())))
    }
}

impl ConstEnv for FrameEnv<'_> {
    fn constant(&mut self, class: &[u8], name: &[u8]) -> Result<Zval, PhpError> {
        if class.is_empty() {
            let vm = crate::vm::vm_of(self.frame);
            return Ok(crate::classes::named(&vm.constants, name));
        }
        let found = match self.relative(class) {
            Some(c) => c?,
            None => crate::ops::object::class_by_name(self.frame, class)?,
        };
        let Some(c) = found.consts.get(name) else {
            let msg = format!(
                "Undefined constant {}::{}",
                found.display(),
                String::from_utf8_lossy(name)
            );
            return Err(self.error(msg));
        };
        if VISITING.with(|v| v.borrow().contains(&(c as *const ClassConst))) {
            let msg = format!(
                "Cannot declare self-referencing constant {}::{}",
                String::from_utf8_lossy(class),
                String::from_utf8_lossy(name)
            );
            return Err(self.error(msg));
        }
        VISITING.with(|v| v.borrow_mut().push(c));
        let v = class_constant_in(self.frame, found, name);
        VISITING.with(|v| v.borrow_mut().pop());
        v
    }

    fn binary(&mut self, op: BinOp, a: &Zval, b: &Zval) -> Result<Zval, PhpError> {
        crate::ops::arith::compute(self.frame, op, a, b)
    }

    fn instantiate(&mut self, class: &[u8]) -> Result<Zval, PhpError> {
        let class = match self.relative(class) {
            Some(c) => c?,
            None => crate::ops::object::class_by_name(self.frame, class)?,
        };
        let object = crate::ops::object::instantiate(self.frame, class)?;
        Ok(Zval::object(object))
    }

    fn construct(&mut self, object: &Zval, args: crate::ops::call::Args) -> Result<(), PhpError> {
        let View::Object(o) = object.view() else {
            return Ok(());
        };
        let class = o.class();
        let Some(ctor) = class.method(b"__construct").cloned() else {
            return Ok(());
        };
        let vm = crate::vm::vm_of(self.frame);
        if !crate::ops::object::visible(vm, self.scope, ctor.flags, ctor.class) {
            let msg = format!(
                "Call to {} {}::__construct() from {}",
                crate::ops::object::visibility_word(ctor.flags),
                class.display(),
                crate::ops::object::scope_text(self.frame)
            );
            return Err(self.error(msg));
        }
        crate::ops::object::invoke(self.frame, &ctor, Some(object.clone()), class, args)?;
        Ok(())
    }

    fn error(&mut self, message: String) -> PhpError {
        crate::ops::exception::throwable(self.frame, "Error", message)
    }
}
