//! Checks within one declaration: repeated parameters, duplicate class members, promoted
//! properties outside constructors.

use super::{CResult, fatal};
use crate::ast::*;
use crate::span::LineIndex;
use std::collections::HashSet;

fn lower(b: &[u8]) -> Vec<u8> {
    b.to_ascii_lowercase()
}

/// `Redefinition of parameter $a`, `Cannot use $this as parameter`, promotion rules; PHP
/// reports them on the function's line (`at`).
pub(crate) fn params(
    lines: &LineIndex,
    params: &[Param],
    is_constructor: bool,
    at: u32,
) -> CResult {
    let mut seen = HashSet::new();
    for p in params {
        if &*p.name.name == b"this" {
            return Err(fatal(lines, at, "Cannot use $this as parameter"));
        }
        if !seen.insert(&p.name.name) {
            return Err(fatal(
                lines,
                at,
                format!("Redefinition of parameter ${}", p.name.text()),
            ));
        }
        if p.modifiers.flags != 0 && !is_constructor {
            return Err(fatal(
                lines,
                at,
                "Cannot declare promoted property outside a constructor",
            ));
        }
        if p.modifiers.flags != 0 && p.variadic {
            return Err(fatal(
                lines,
                at,
                "Cannot declare variadic promoted property",
            ));
        }
    }
    Ok(())
}

/// Duplicate methods, properties, constants and enum cases of one class.
pub(crate) fn class_members(lines: &LineIndex, class: &ClassDecl) -> CResult {
    let name = class
        .name
        .as_ref()
        .map_or_else(|| "class@anonymous".to_string(), |n| n.text().into_owned());
    let mut methods = HashSet::new();
    let mut props = HashSet::new();
    let mut consts = HashSet::new();
    for m in &class.members {
        match m {
            Member::Method(f) => {
                if !methods.insert(lower(&f.name.name)) {
                    return Err(fatal(
                        lines,
                        f.span.start,
                        format!("Cannot redeclare {name}::{}()", f.name.text()),
                    ));
                }
                if f.name.name.eq_ignore_ascii_case(b"__construct") {
                    for p in f.params.iter().filter(|p| p.modifiers.flags != 0) {
                        if !props.insert(p.name.name.clone()) {
                            return Err(fatal(
                                lines,
                                f.span.start,
                                format!("Cannot redeclare {name}::${}", p.name.text()),
                            ));
                        }
                    }
                }
            }
            Member::Property(p) => {
                for item in &p.props {
                    if !props.insert(item.name.name.clone()) {
                        return Err(fatal(
                            lines,
                            item.span.start,
                            format!("Cannot redeclare {name}::${}", item.name.text()),
                        ));
                    }
                }
            }
            Member::Const(c) => {
                for item in &c.items {
                    if !consts.insert(item.name.name.clone()) {
                        return Err(fatal(
                            lines,
                            item.span.start,
                            format!(
                                "Cannot redefine class constant {name}::{}",
                                item.name.text()
                            ),
                        ));
                    }
                }
            }
            Member::EnumCase(e) => {
                if !consts.insert(e.name.name.clone()) {
                    return Err(fatal(
                        lines,
                        e.span.start,
                        format!("Cannot redefine class constant {name}::{}", e.name.text()),
                    ));
                }
            }
            Member::TraitUse(_) => {}
        }
    }
    Ok(())
}
