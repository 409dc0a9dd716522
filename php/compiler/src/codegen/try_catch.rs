//! `try`/`catch`/`finally`.
//!
//! Every instruction records its innermost `try` region ([`Function::try_of`]); the VM looks
//! the region of a throwing instruction up and jumps to the first matching `catch`, or to the
//! region's `finally` copy for exceptions, which ends by rethrowing. A `finally` block is
//! compiled once per way out of the `try`: after the normal end, on the exception path, and
//! before each `return`, `break` or `continue` that leaves it (javac's scheme), each copy in
//! the region around the `try`.
//!
//! [`Function::try_of`]: crate::bytecode::Function::try_of

use super::{Gen, Result};
use crate::bytecode::{Catch, NONE, Op, TryRegion};
use php_syntax::ast::StmtId;

impl<'a> Gen<'a> {
    pub(super) fn try_stmt(
        &mut self,
        body: &'a [StmtId],
        catches: &'a [php_syntax::ast::Catch],
        finally: Option<&'a [StmtId]>,
    ) -> Result<()> {
        let outer = self.region;
        let exc = self.temp();
        let body_region = self.new_region(outer, finally.map(|_| exc));
        if let Some(f) = finally {
            self.finallies.push((f, self.loops.len(), outer));
        }
        self.region = body_region;
        self.stmts(body)?;
        // The catch blocks run in a region of their own when a `finally` must follow them.
        self.region = match finally {
            Some(_) => self.new_region(outer, Some(exc)),
            None => outer,
        };
        let catch_region = self.region;
        let mut ends = vec![self.emit(Op::Jump { to: 0 })];
        for c in catches {
            let to = self.here();
            let var = match &c.var {
                Some(v) => self.cv(&v.name),
                None => NONE,
            };
            self.f.regions[body_region as usize].catches.push(Catch {
                classes: c.types.iter().map(|t| self.scope.class(t)).collect(),
                var,
                to,
            });
            self.stmts(&c.body)?;
            ends.push(self.emit(Op::Jump { to: 0 }));
        }
        self.region = outer;
        if let Some(f) = finally {
            self.finallies.pop();
            // The exception path: the finally block, then the exception again.
            let at = self.here();
            for r in [body_region, catch_region] {
                self.f.regions[r as usize].finally = Some((at, exc));
            }
            self.stmts(f)?;
            self.emit(Op::Throw { src: exc });
        }
        let h = self.here();
        for j in ends {
            self.patch(j, h);
        }
        if let Some(f) = finally {
            self.stmts(f)?;
        }
        Ok(())
    }

    fn new_region(&mut self, parent: u32, finally: Option<u32>) -> u32 {
        self.f.regions.push(TryRegion {
            parent,
            catches: Vec::new(),
            finally: finally.map(|slot| (0, slot)),
        });
        self.f.regions.len() as u32 - 1
    }

    /// Compiles the `finally` blocks a jump out of the code being emitted leaves, innermost
    /// first: those started inside the loop at depth `target` (all of them for `return`,
    /// `None`).
    pub(super) fn leave_finallies(&mut self, target: Option<usize>) -> Result<()> {
        let saved = self.finallies.clone();
        let region = self.region;
        while let Some(&(body, depth, outer)) = self.finallies.last() {
            if target.is_some_and(|d| depth <= d) {
                break;
            }
            self.finallies.pop();
            self.region = outer;
            self.stmts(body)?;
        }
        self.finallies = saved;
        self.region = region;
        Ok(())
    }
}
