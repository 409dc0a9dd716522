//! `php -l`: the syntax and compile-time checks of `php-syntax`, plus what PHP's compiler
//! finds with its function and class tables: a top-level function declared twice (or with a
//! built-in function's name), and the errors of linking classes while compiling the file
//! (early binding).
//!
//! PHP links a class declared at the top level (in a namespace too, not inside a block or
//! function) to its parent as soon as it has compiled it when the class has no interfaces
//! and uses no traits, its name is free and its parent is already known: a built-in class or
//! one linked earlier in the file. A class without a parent is entered as it is. The
//! inheritance checks of that linking are the VM's own ([`crate::inherit`]), run on a VM
//! that holds the built-in classes and the file's classes declared so far, with no code run;
//! their failure is a compile-time fatal error, their deprecations compile-time diagnostics.
//!
//! PHP compiles top to bottom and stops at the first error, so a class is linked only if the
//! checks found no error before its end; its error hides the checks' diagnostics after it.
//! PHP enters a function in its table once it has compiled its body, so a redeclaration is
//! raised at the function's end, as a class's linking error is.

use crate::inherit::LinkError;
use crate::vm::Vm;
use metajit::JitDriver;
use metajit::cli::Output;
use php_runtime::object::ClassSpec;
use php_syntax::ast::Ast;
use php_syntax::span::LineIndex;
use php_syntax::{Diagnostic, ErrorFile, ParseOptions, Severity};

/// What `php -l` reports on a file.
#[derive(Debug)]
pub struct Linted {
    /// Diagnostics that do not stop compilation, in the order PHP prints them.
    pub warnings: Vec<Diagnostic>,
    /// Whether the file compiles, else the error that stopped it (printed last).
    pub result: Result<(), Diagnostic>,
}

/// Lints `src`, the file PHP names `file` (bytes that are not UTF-8 kept as
/// [`php_syntax::lossless`] text), as `php -n -l` does, with `classes` the built-in classes.
pub fn lint(
    src: &[u8],
    file: &[u8],
    options: ParseOptions,
    classes: &'static [ClassSpec],
) -> Linted {
    let mut warnings = Vec::new();
    let ast = match php_syntax::parse_reporting(src, options, &mut warnings) {
        Ok(ast) => ast,
        Err(d) => {
            return Linted {
                warnings,
                result: Err(d),
            };
        }
    };
    let parsed = warnings.len();
    let checked = php_syntax::check::check(&ast, src, options.builtins, &mut warnings);
    let compiled = warnings.split_off(parsed);
    let lines = LineIndex::new(src);
    let stop = checked.as_ref().err().map(|d| d.line);
    let mut bound = early_bind(&ast, src, &lines, classes, stop);
    // The first of a redeclared function and a class that failed to link stops the file.
    if let Some((d, end)) = redeclared(&ast, &lines, file, options)
        && stop.is_none_or(|s| end < s)
        && bound.error.as_ref().is_none_or(|(_, e)| end < *e)
    {
        bound.error = Some((d, end));
    }
    // The checks' diagnostics up to each class's end come before what linking it raised.
    let mut compiled = compiled.into_iter().peekable();
    let last = bound.error.as_ref().map_or(u32::MAX, |(_, end)| *end);
    for (d, end) in bound.deprecations.into_iter().filter(|(_, e)| *e <= last) {
        while let Some(w) = compiled.next_if(|w| w.line <= end) {
            warnings.push(w);
        }
        warnings.push(d);
    }
    let result = match bound.error {
        Some((d, end)) => {
            warnings.extend(compiled.take_while(|w| w.line <= end));
            Err(d)
        }
        None => {
            warnings.extend(compiled);
            checked
        }
    };
    Linted { warnings, result }
}

/// What early binding raised: deprecations and the error that stopped it, each with the
/// last line of the class it linked.
#[derive(Default)]
struct Bound {
    deprecations: Vec<(Diagnostic, u32)>,
    error: Option<(Diagnostic, u32)>,
}

/// PHP's error for the first top-level function whose name is taken (by a function declared
/// before it at the top level, or a built-in one), with the function's last line.
fn redeclared(
    ast: &Ast,
    lines: &LineIndex,
    file: &[u8],
    options: ParseOptions,
) -> Option<(Diagnostic, u32)> {
    let mut seen = std::collections::HashMap::new();
    for (name, decl) in php_compiler::top_functions(ast) {
        let line = lines.line(decl.span.start);
        let lower = name.to_ascii_lowercase();
        let shown = php_syntax::lossless::text(&name);
        let message = if options.builtins.is_some_and(|b| b(&lower).is_some()) {
            format!("Cannot redeclare {shown}()")
        } else if let Some(first) = seen.get(&lower) {
            let file = php_syntax::lossless::text(file);
            format!("Cannot redeclare {shown}() (previously declared in {file}:{first})")
        } else {
            seen.insert(lower, line);
            continue;
        };
        let d = Diagnostic {
            severity: Severity::Fatal,
            message,
            line,
            file: ErrorFile::Compiled,
        };
        return Some((d, lines.line_after(decl.span.end)));
    }
    None
}

/// Links the top-level classes of `ast` that PHP links while compiling it, those ending
/// before line `stop` (where the checks found an error).
fn early_bind(
    ast: &Ast,
    src: &[u8],
    lines: &LineIndex,
    classes: &'static [ClassSpec],
    stop: Option<u32>,
) -> Bound {
    let mut bound = Bound::default();
    let decls = php_compiler::compile_top_classes(ast, src, b"");
    if decls.is_empty() {
        return bound;
    }
    let mut vm = Vm::new(Output::memory(), JitDriver::new(), String::new(), |_| None);
    vm.class_specs = classes;
    crate::classes::declare_builtin(&mut vm);
    let diagnostic = |severity, message, line| Diagnostic {
        severity,
        message,
        line,
        file: ErrorFile::Compiled,
    };
    for (stmt, def) in decls {
        let end = lines.line_after(ast.stmt(stmt).span.end);
        if stop.is_some_and(|s| end >= s) {
            break;
        }
        // A class the compiler cannot handle yet is left unlinked, as are its subclasses.
        let Ok(def) = def else { continue };
        match crate::classes::early_bind(&vm, &def) {
            Ok(Some(mut linked)) => {
                for (message, line) in std::mem::take(&mut linked.deprecations) {
                    let d = diagnostic(Severity::Deprecated, message, line);
                    bound.deprecations.push((d, end));
                }
                crate::classes::declare(&mut vm, def, linked, "");
            }
            Ok(None) | Err(LinkError::Unresolved(..)) => {}
            Err(LinkError::Fatal(message, line)) => {
                bound.error = Some((diagnostic(Severity::Fatal, message, line), end));
                break;
            }
            // PHP reports these without a place ("in Unknown on line 0"); only a class
            // naming interfaces raises them, and those are not linked here.
            Err(LinkError::Core(message)) => {
                bound.error = Some((diagnostic(Severity::Fatal, message, 0), end));
                break;
            }
        }
    }
    bound
}
