//! `declare(...)` directives: which values PHP accepts for `strict_types`, `ticks` and
//! `encoding`, and where each may stand.

use super::CResult;
use super::walk::Walker;
use crate::ast::*;
use crate::diagnostics::Severity;

impl<'a> Walker<'a> {
    pub(crate) fn declare(
        &mut self,
        id: StmtId,
        directives: &[DeclareDirective],
        body: &DeclareBody,
    ) -> CResult {
        let ast = self.ast;
        // PHP's line for the statement is its first directive's.
        let at = directives
            .first()
            .map_or(ast.stmt(id).span.start, |d| d.name.span.start);
        for d in directives {
            if d.name.name.eq_ignore_ascii_case(b"encoding")
                && !matches!(
                    ast.expr(d.value).kind,
                    ExprKind::String(_) | ExprKind::Int(_) | ExprKind::Float(_)
                )
            {
                return self.err(ast.expr(d.value).span.end, "Encoding must be a literal");
            }
        }
        for d in directives {
            let literal = matches!(
                ast.expr(d.value).kind,
                ExprKind::String(_) | ExprKind::Int(_) | ExprKind::Float(_)
            );
            if !literal {
                return self.err(
                    at,
                    format!("declare({}) value must be a literal", d.name.text()),
                );
            }
            if d.name.name.eq_ignore_ascii_case(b"encoding") && !self.is_first_statement(id, false)
            {
                return self.err(
                    at,
                    "Encoding declaration pragma must be the very first statement in the script",
                );
            }
            let name = &d.name.name;
            if name.eq_ignore_ascii_case(b"strict_types") {
                if !matches!(body, DeclareBody::None) {
                    return self.err(at, "strict_types declaration must not use block mode");
                }
                if !matches!(ast.expr(d.value).kind, ExprKind::Int(0 | 1)) {
                    return self.err(at, "strict_types declaration must have 0 or 1 as its value");
                }
            } else if !name.eq_ignore_ascii_case(b"ticks")
                && !name.eq_ignore_ascii_case(b"encoding")
            {
                self.warn(
                    at,
                    Severity::CompileWarning,
                    format!("Unsupported declare '{}'", d.name.text()),
                );
            }
        }
        Ok(())
    }
}
