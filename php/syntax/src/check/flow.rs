//! One function's control flow as PHP's compiler tracks it: loops, `finally` blocks, labels
//! and `goto`s (resolved, like PHP's `pass_two`, when the function is complete), and
//! `return` against the declared return type.

use super::CResult;
use super::literals::is_null_literal;
use super::types::{self, Mask};
use super::walk::Walker;
use crate::ast::*;
use std::collections::HashMap;

/// A label's or a jump's place: the loops and `finally` blocks around it.
#[derive(Clone, Default)]
struct Place {
    loops: Vec<u32>,
    finallies: Vec<u32>,
}

/// One function's compile state (the file's top-level code is a function too).
#[derive(Default)]
pub(crate) struct FnCtx {
    /// `Some` inside a function or method, `None` for top-level code.
    pub(crate) kind: Option<FnKind>,
    /// The declared return type's mask, if any.
    pub(super) ret: Option<(Mask, bool)>,
    pub(super) generator: bool,
    pub(crate) by_ref: bool,
    place: Place,
    next_id: u32,
    /// `finally` depth at each enclosing loop.
    loop_finally: Vec<usize>,
    labels: HashMap<Vec<u8>, Place>,
    /// Jumps in source order: gotos (label, place, offset) and breaks out of `finally`.
    jumps: Vec<Jump>,
}

impl FnCtx {
    /// The state at the start of a function's body.
    pub(super) fn new(
        kind: FnKind,
        ret: Option<(Mask, bool)>,
        by_ref: bool,
        generator: bool,
    ) -> Self {
        FnCtx {
            kind: Some(kind),
            ret,
            generator,
            by_ref,
            ..FnCtx::default()
        }
    }
}

enum Jump {
    Goto(Ident, Place),
    OutOfFinally(u32),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FnKind {
    Function,
    Method,
    Closure,
}

impl<'a> Walker<'a> {
    // ---- loops, finally, goto ----
    pub(crate) fn enter_loop(&mut self) {
        let id = self.func.next_id;
        self.func.next_id += 1;
        self.func.place.loops.push(id);
        let depth = self.func.place.finallies.len();
        self.func.loop_finally.push(depth);
    }

    pub(crate) fn leave_loop(&mut self) {
        self.func.place.loops.pop();
        self.func.loop_finally.pop();
    }

    pub(crate) fn in_finally(&mut self, f: impl FnOnce(&mut Self) -> CResult) -> CResult {
        let id = self.func.next_id;
        self.func.next_id += 1;
        self.func.place.finallies.push(id);
        let r = f(self);
        self.func.place.finallies.pop();
        r
    }

    pub(crate) fn record_break(&mut self, level: Option<ExprId>, at: u32) {
        let depth = match level.map(|e| &self.ast.expr(e).kind) {
            Some(ExprKind::Int(n)) => *n as usize,
            _ => 1,
        };
        let loops = &self.func.loop_finally;
        if depth == 0 || depth > loops.len() {
            return;
        }
        let target_finally = loops[loops.len() - depth];
        if target_finally < self.func.place.finallies.len() {
            self.func.jumps.push(Jump::OutOfFinally(at));
        }
    }

    pub(crate) fn record_goto(&mut self, label: &Ident) {
        let place = self.func.place.clone();
        self.func.jumps.push(Jump::Goto(label.clone(), place));
    }

    pub(crate) fn define_label(&mut self, label: &Ident) -> CResult {
        let place = self.func.place.clone();
        if self
            .func
            .labels
            .insert(label.name.to_vec(), place)
            .is_some()
        {
            return self.err(
                label.span.start,
                format!("Label '{}' already defined", label.text()),
            );
        }
        Ok(())
    }

    /// PHP's `pass_two`: resolves gotos and checks jumps out of and into `finally`.
    pub(crate) fn end_function(&mut self) -> CResult {
        let jumps = std::mem::take(&mut self.func.jumps);
        for j in &jumps {
            match j {
                Jump::OutOfFinally(at) => {
                    return self.err(*at, "jump out of a finally block is disallowed");
                }
                Jump::Goto(label, from) => {
                    let Some(dest) = self.func.labels.get(&label.name[..]) else {
                        return self.err(
                            label.span.start,
                            format!("'goto' to undefined label '{}'", label.text()),
                        );
                    };
                    if !from.loops.starts_with(&dest.loops) {
                        return self.err(
                            label.span.start,
                            "'goto' into loop or switch statement is disallowed",
                        );
                    }
                    let mut ids: Vec<u32> = from
                        .finallies
                        .iter()
                        .chain(&dest.finallies)
                        .copied()
                        .collect();
                    ids.sort_unstable();
                    ids.dedup();
                    for id in ids {
                        let (src_in, dst_in) =
                            (from.finallies.contains(&id), dest.finallies.contains(&id));
                        if !src_in && dst_in {
                            return self
                                .err(label.span.start, "jump into a finally block is disallowed");
                        }
                        if src_in && !dst_in {
                            return self.err(
                                label.span.start,
                                "jump out of a finally block is disallowed",
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }

    // ---- return ----

    pub(crate) fn check_return(&mut self, e: Option<ExprId>, at: u32) -> CResult {
        if self.func.generator {
            return Ok(());
        }
        let Some((m, _)) = self.func.ret else {
            return Ok(());
        };
        if m.bits & types::VOID != 0 {
            if let Some(e) = e {
                if is_null_literal(self.ast, e) {
                    return self.err(
                        at,
                        "A void function must not return a value (did you mean \"return;\" instead of \"return null;\"?)",
                    );
                }
                return self.err(at, "A void function must not return a value");
            }
            return Ok(());
        }
        if m.bits & types::NEVER != 0 {
            return self.err(at, "A never-returning function must not return");
        }
        if e.is_none() {
            if m.bits & types::NULL != 0 {
                return self.err(
                    at,
                    "A function with return type must return a value (did you mean \"return null;\" instead of \"return;\"?)",
                );
            }
            return self.err(at, "A function with return type must return a value");
        }
        Ok(())
    }
}
