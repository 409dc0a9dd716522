//! Methods: modifiers of interface and abstract methods, and the signatures PHP requires
//! of magic methods (`__get`, `__toString`, ...).

use super::CResult;
use super::literals::is_null_literal;
use super::types;
use super::walk::Walker;
use crate::ast::*;
use crate::diagnostics::Severity;

pub(super) const MAGIC_ARGS: &[(&str, u32)] = &[
    ("__destruct", 0),
    ("__clone", 0),
    ("__get", 1),
    ("__set", 2),
    ("__unset", 1),
    ("__isset", 1),
    ("__call", 2),
    ("__callstatic", 2),
    ("__tostring", 0),
    ("__debuginfo", 0),
    ("__serialize", 0),
    ("__unserialize", 1),
    ("__set_state", 1),
    ("__sleep", 0),
    ("__wakeup", 0),
];

impl<'a> Walker<'a> {
    pub(super) fn begin_method(&mut self, f: &FunctionDecl) -> CResult {
        let at = self.after_attributes(f.span.start, &f.attrs);
        if self.class.is_none() {
            return Ok(());
        }
        if f.modifiers.has(Modifiers::READONLY) {
            return self.err(at, "Cannot use 'readonly' as method modifier");
        }
        if f.modifiers.has(Modifiers::PRIVATE)
            && f.modifiers.has(Modifiers::FINAL)
            && !f.name.name.eq_ignore_ascii_case(b"__construct")
        {
            self.warn(
                at,
                Severity::CompileWarning,
                "Private methods cannot be final as they are never overridden by other classes",
            );
        }
        let Some(c) = &self.class else { return Ok(()) };
        let flags = f.modifiers;
        let cname = c.name.clone();
        let interface = c.decl.kind == ClassKind::Interface;
        let mname = f.name.text();
        if interface {
            if flags.has(Modifiers::PRIVATE) || flags.has(Modifiers::PROTECTED) {
                return self.err(
                    at,
                    format!("Access type for interface method {cname}::{mname}() must be public"),
                );
            }
            if flags.has(Modifiers::FINAL) {
                return self.err(
                    at,
                    format!("Interface method {cname}::{mname}() must not be final"),
                );
            }
            if flags.has(Modifiers::ABSTRACT) {
                return self.err(
                    at,
                    format!("Interface method {cname}::{mname}() must not be abstract"),
                );
            }
        }
        let is_abstract = interface || flags.has(Modifiers::ABSTRACT);
        let word = if interface { "Interface" } else { "Abstract" };
        if is_abstract {
            if flags.has(Modifiers::PRIVATE) && c.decl.kind != ClassKind::Trait {
                return self.err(
                    at,
                    format!("{word} function {cname}::{mname}() cannot be declared private"),
                );
            }
            if f.body.is_some() {
                return self.err(
                    at,
                    format!("{word} function {cname}::{mname}() cannot contain body"),
                );
            }
        } else if f.body.is_none() {
            return self.err(
                at,
                format!("Non-abstract method {cname}::{mname}() must contain body"),
            );
        }
        Ok(())
    }

    pub(super) fn magic_method(&mut self, f: &FunctionDecl) -> CResult {
        let Some(c) = &self.class else { return Ok(()) };
        let lname = f.name.text().to_ascii_lowercase();
        if !lname.starts_with("__") {
            return Ok(());
        }
        let at = self.after_attributes(f.span.start, &f.attrs);
        let cname = c.name.clone();
        let mname = f.name.text().into_owned();
        let is_static = f.modifiers.has(Modifiers::STATIC);
        let num_args = f.params.iter().filter(|p| !p.variadic).count() as u32;
        let args = |w: &Self, n: u32| -> CResult {
            if num_args != n {
                let msg = match n {
                    0 => format!("Method {cname}::{mname}() cannot take arguments"),
                    1 => format!("Method {cname}::{mname}() must take exactly 1 argument"),
                    _ => format!("Method {cname}::{mname}() must take exactly {n} arguments"),
                };
                return w.err(at, msg);
            }
            if f.params.iter().take(n as usize).any(|p| p.by_ref) {
                return w.err(
                    at,
                    format!("Method {cname}::{mname}() cannot take arguments by reference"),
                );
            }
            Ok(())
        };
        let non_static = |w: &Self| -> CResult {
            if is_static {
                return w.err(at, format!("Method {cname}::{mname}() cannot be static"));
            }
            Ok(())
        };
        let must_static = |w: &Self| -> CResult {
            if !is_static {
                return w.err(at, format!("Method {cname}::{mname}() must be static"));
            }
            Ok(())
        };
        let arg_type = |w: &Self, i: usize, bits: u32| -> CResult {
            if let Some(p) = f.params.get(i)
                && let Some(t) = &p.ty
            {
                let m = types::mask(t);
                let implicit = p.default.is_some_and(|d| is_null_literal(w.ast, d));
                let mb = if implicit {
                    m.bits | types::NULL
                } else {
                    m.bits
                };
                if mb & bits == 0 {
                    return w.err(
                        at,
                        format!(
                            "{cname}::{mname}(): Parameter #{} (${}) must be of type {} when declared",
                            i + 1,
                            p.name.text(),
                            types::mask_to_string(bits)
                        ),
                    );
                }
            }
            Ok(())
        };
        let ret_type = |w: &Self, bits: u32| -> CResult {
            let Some(t) = &f.return_type else {
                return Ok(());
            };
            let m = types::mask(t);
            if m.bits & types::NEVER != 0 {
                return Ok(());
            }
            let mut complex = m.complex;
            let mut extra = m.bits & !bits;
            if extra & types::STATIC != 0 {
                extra &= !types::STATIC;
                complex = true;
            }
            if extra != 0 || (complex && bits != types::OBJECT) {
                return w.err(
                    at,
                    format!(
                        "{cname}::{mname}(): Return type must be {} when declared",
                        types::mask_to_string(bits)
                    ),
                );
            }
            Ok(())
        };
        let no_ret = |w: &Self| -> CResult {
            if f.return_type.is_some() {
                return w.err(
                    at,
                    format!("Method {cname}::{mname}() cannot declare a return type"),
                );
            }
            Ok(())
        };
        let public = |w: &mut Self| {
            if f.modifiers.has(Modifiers::PRIVATE) || f.modifiers.has(Modifiers::PROTECTED) {
                w.warn(
                    at,
                    Severity::Warning,
                    format!("The magic method {cname}::{mname}() must have public visibility"),
                );
            }
        };
        let _ = MAGIC_ARGS;
        use types::{ARRAY, BOOL, NULL, OBJECT, STRING, VOID};
        match &lname[..] {
            "__construct" => {
                non_static(self)?;
                no_ret(self)
            }
            "__destruct" => {
                args(self, 0)?;
                non_static(self)?;
                no_ret(self)
            }
            "__clone" => {
                args(self, 0)?;
                non_static(self)?;
                ret_type(self, VOID)
            }
            "__get" => {
                args(self, 1)?;
                non_static(self)?;
                public(self);
                arg_type(self, 0, STRING)
            }
            "__set" => {
                args(self, 2)?;
                non_static(self)?;
                public(self);
                arg_type(self, 0, STRING)?;
                ret_type(self, VOID)
            }
            "__unset" => {
                args(self, 1)?;
                non_static(self)?;
                public(self);
                arg_type(self, 0, STRING)?;
                ret_type(self, VOID)
            }
            "__isset" => {
                args(self, 1)?;
                non_static(self)?;
                public(self);
                arg_type(self, 0, STRING)?;
                ret_type(self, BOOL)
            }
            "__call" => {
                args(self, 2)?;
                non_static(self)?;
                public(self);
                arg_type(self, 0, STRING)?;
                arg_type(self, 1, ARRAY)
            }
            "__callstatic" => {
                args(self, 2)?;
                must_static(self)?;
                public(self);
                arg_type(self, 0, STRING)?;
                arg_type(self, 1, ARRAY)
            }
            "__tostring" => {
                args(self, 0)?;
                non_static(self)?;
                public(self);
                ret_type(self, STRING)
            }
            "__debuginfo" => {
                args(self, 0)?;
                non_static(self)?;
                public(self);
                ret_type(self, ARRAY | NULL)
            }
            "__serialize" | "__sleep" => {
                args(self, 0)?;
                non_static(self)?;
                public(self);
                ret_type(self, ARRAY)
            }
            "__unserialize" => {
                args(self, 1)?;
                non_static(self)?;
                public(self);
                arg_type(self, 0, ARRAY)?;
                ret_type(self, VOID)
            }
            "__set_state" => {
                args(self, 1)?;
                must_static(self)?;
                public(self);
                arg_type(self, 0, ARRAY)?;
                ret_type(self, OBJECT)
            }
            "__invoke" => {
                non_static(self)?;
                public(self);
                Ok(())
            }
            "__wakeup" => {
                args(self, 0)?;
                non_static(self)?;
                public(self);
                ret_type(self, VOID)
            }
            _ => Ok(()),
        }
    }
}
