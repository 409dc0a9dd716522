//! Class declarations: constants, properties (promoted constructor parameters included) and
//! methods, each method compiled as a function with the class as its scope.

use super::types::Site;
use super::{Gen, Result, Unit, line_of};
use crate::CompileError;
use crate::bytecode::{ClassDef, Const, PropDef};
use php_syntax::ast::{ClassDecl, ClassKind, Member, Modifiers};

/// The flag [`ClassDef::flags`] gives interfaces.
pub const INTERFACE: u16 = 128;
/// The class flag of `#[AllowDynamicProperties]` (the runtime's `flags::DYNAMIC`).
pub const DYNAMIC: u16 = 256;

/// Compiles a class or interface declared at the top level.
pub(super) fn class<'a>(
    unit: &'a Unit<'a>,
    decl: &'a ClassDecl,
    scope: std::rc::Rc<super::names::Scope>,
) -> Result<ClassDef> {
    let Some(name) = &decl.name else {
        return Err(CompileError {
            message: "anonymous classes is not supported yet".into(),
            line: line_of(unit.lines, decl.span),
            fatal: false,
        });
    };
    let full_name = scope.declare(&name.name);
    class_named(unit, decl, scope, full_name)
}

/// The name PHP gives the anonymous class `decl` (the `n`th of its file): its parent's (or
/// first interface's) name or `class`, `@anonymous`, a NUL byte, then where it is declared.
/// What comes after the NUL is not printed in messages and `var_dump`.
pub(super) fn anonymous_name(
    unit: &Unit<'_>,
    decl: &ClassDecl,
    scope: &super::names::Scope,
    n: u32,
) -> Box<[u8]> {
    let prefix = match decl.extends.first().or(decl.implements.first()) {
        Some(p) => {
            let full = scope.class(p);
            full.strip_prefix(b"\\").unwrap_or(&full).to_vec()
        }
        None => b"class".to_vec(),
    };
    let line = line_of(unit.lines, decl.span);
    let mut name = prefix;
    name.extend_from_slice(b"@anonymous\0");
    name.extend_from_slice(unit.file);
    name.extend_from_slice(format!(":{line}${n:x}").as_bytes());
    name.into()
}

/// Compiles a class under its full name (an anonymous class's made-up one included).
pub(super) fn class_named<'a>(
    unit: &'a Unit<'a>,
    decl: &'a ClassDecl,
    scope: std::rc::Rc<super::names::Scope>,
    full_name: Box<[u8]>,
) -> Result<ClassDef> {
    let line = line_of(unit.lines, decl.span);
    let unsupported = |what: &str| {
        Err(CompileError {
            message: format!("{what} is not supported yet"),
            line,
            fatal: false,
        })
    };
    let mut flags = decl.modifiers.flags;
    let allows_dynamic = decl.attrs.iter().flat_map(|g| &g.attrs).any(|a| {
        let full = scope.class(&a.name);
        full.strip_prefix(b"\\")
            .unwrap_or(&full)
            .eq_ignore_ascii_case(b"AllowDynamicProperties")
    });
    if allows_dynamic {
        flags |= DYNAMIC;
    }
    let (parent, interfaces) = match decl.kind {
        ClassKind::Class => (
            decl.extends.first().map(|n| scope.class(n)),
            decl.implements.iter().map(|n| scope.class(n)).collect(),
        ),
        ClassKind::Interface => {
            flags |= INTERFACE;
            (None, decl.extends.iter().map(|n| scope.class(n)).collect())
        }
        ClassKind::Trait => return unsupported("traits"),
        ClassKind::Enum => return unsupported("enums"),
    };
    let mut def = ClassDef {
        name: full_name.clone(),
        line,
        flags,
        parent,
        interfaces,
        consts: Vec::new(),
        props: Vec::new(),
        methods: Vec::new(),
    };
    // Initializers are compiled by a generator with the class as its scope.
    let mut consts_gen = Gen::new(unit, b"");
    consts_gen.f.class = Some(full_name.clone());
    consts_gen.scope = scope.clone();
    for member in &decl.members {
        match member {
            Member::Const(c) => {
                for item in &c.items {
                    let k = consts_gen.constant_expr(item.value)?;
                    def.consts
                        .push((item.name.name.clone(), c.modifiers.flags, k));
                }
            }
            Member::Property(p) => {
                for item in &p.props {
                    let mut default = match item.default {
                        Some(e) => Some(consts_gen.constant_expr(e)?),
                        None if p.ty.is_some() => None,
                        None => Some(Const::Null),
                    };
                    let ty = match &p.ty {
                        Some(t) => {
                            let what = format!(
                                "{}::${}",
                                String::from_utf8_lossy(&full_name),
                                item.name.text()
                            );
                            Some(consts_gen.prop_type(t, &what, &mut default, item.span)?)
                        }
                        None => None,
                    };
                    def.props.push(PropDef {
                        name: item.name.name.clone(),
                        flags: visibility(p.modifiers.flags),
                        default,
                        ty,
                    });
                }
            }
            Member::Method(m) => {
                let mflags = visibility(m.modifiers.flags)
                    | if decl.kind == ClassKind::Interface {
                        Modifiers::ABSTRACT
                    } else {
                        0
                    };
                if &m.name.name.to_ascii_lowercase()[..] == b"__construct" {
                    for p in m.params.iter().filter(|p| p.modifiers.flags != 0) {
                        def.props.push(PropDef {
                            name: p.name.name.clone(),
                            flags: visibility(p.modifiers.flags),
                            default: if p.ty.is_some() {
                                None
                            } else {
                                Some(Const::Null)
                            },
                            ty: match &p.ty {
                                Some(t) => {
                                    let what = String::from_utf8_lossy(&p.name.name).into_owned();
                                    Some(consts_gen.type_spec(t, Site::Property, &what)?)
                                }
                                None => None,
                            },
                        });
                    }
                }
                let mut g = Gen::new(unit, &m.name.name);
                g.f.class = Some(full_name.clone());
                g.scope = scope.clone();
                let this = !m.modifiers.has(Modifiers::STATIC);
                let f = g.function_with(m, this)?;
                def.methods.push((mflags, f));
            }
            Member::TraitUse(_) => return unsupported("traits"),
            Member::EnumCase(_) => return unsupported("enums"),
        }
    }
    // A class or interface declaring `__toString` implements `Stringable` (listed after the
    // ones it names, as PHP adds it when it compiles the method).
    let stringable = |n: &[u8]| n.eq_ignore_ascii_case(b"stringable");
    if def
        .methods
        .iter()
        .any(|(_, f)| f.name.eq_ignore_ascii_case(b"__tostring"))
        && !def.interfaces.iter().any(|n| stringable(n))
    {
        def.interfaces.push(b"Stringable"[..].into());
    }
    Ok(def)
}

/// Modifier flags with `public` made explicit when no visibility was written.
fn visibility(flags: u16) -> u16 {
    if flags & Modifiers::VISIBILITY == 0 {
        flags | Modifiers::PUBLIC
    } else {
        flags
    }
}
