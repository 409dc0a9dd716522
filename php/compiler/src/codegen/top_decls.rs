//! A file's top-level declarations for `php -l`, which runs nothing: its functions by full
//! name (PHP enters them in its function table while it compiles the file, so a name
//! declared twice is a compile-time error), and its classes compiled one by one (PHP binds
//! some of them to their parent while it compiles the file, early binding, and reports the
//! inheritance errors it meets then). One class the compiler cannot handle yet costs that
//! class only, not the file.

use super::{Unit, class, names};
use crate::CompileError;
use crate::bytecode::ClassDef;
use php_syntax::ast::{Ast, FunctionDecl, StmtId, StmtKind};
use php_syntax::span::LineIndex;
use std::cell::RefCell;
use std::collections::HashMap;

/// Compiles each class declared at the top level of `ast` (in a namespace too), in source
/// order: its statement and its declaration, or why it could not be compiled.
pub fn compile_top_classes(
    ast: &Ast,
    src: &[u8],
    file: &[u8],
) -> Vec<(StmtId, Result<ClassDef, CompileError>)> {
    let lines = LineIndex::new(src);
    let mut decls = Vec::new();
    names::with_scopes(ast, &ast.top, |s, scope| {
        if let StmtKind::Class(decl) = &ast.stmt(s).kind {
            decls.push((s, decl.as_ref(), scope.clone()));
        }
    });
    // Method bodies compile without the file's by-reference tables: only the declarations
    // matter to the checks.
    let by_ref = HashMap::new();
    let unit = Unit {
        ast,
        lines: &lines,
        by_ref: &by_ref,
        file,
        closures: RefCell::new(Vec::new()),
        late: RefCell::new(Vec::new()),
        top_classes: HashMap::new(),
        strict: super::types::strict_types(ast),
        src,
    };
    decls
        .into_iter()
        .map(|(s, decl, scope)| (s, class::class(&unit, decl, scope)))
        .collect()
}

/// The functions declared at the top level of `ast` (in a namespace too), in source order,
/// each with its full name.
pub fn top_functions(ast: &Ast) -> Vec<(Box<[u8]>, &FunctionDecl)> {
    let mut out = Vec::new();
    names::with_scopes(ast, &ast.top, |s, scope| {
        if let StmtKind::Function(decl) = &ast.stmt(s).kind {
            out.push((scope.declare(&decl.name.name), decl.as_ref()));
        }
    });
    out
}
