//! The built-in functions running now, for stack traces: when a built-in (`array_map`,
//! `fopen` warning through an error handler, `trigger_error`) calls back into user code, PHP's
//! trace shows the callee as called from `[internal function]`, then the built-in's own call
//! with its arguments at the line of the user code that made it.
//!
//! A record is kept only while a built-in may run user code ([`within`]), keyed by the call
//! depth of the frame that called the built-in: while it runs, every frame one level deeper
//! was called by it. Records nest as the calls do (a stack), and each is removed when the
//! call it describes returns, panics included, so a record never outlives the arguments it
//! points to; that is the invariant [`called_by_builtin`] relies on.

use crate::vm::Frame;
use php_runtime::Zval;
use std::cell::RefCell;

/// A built-in function call in progress.
struct Record {
    /// The depth of the frame that called it.
    depth: u32,
    /// Its name as traces show it.
    name: *const str,
    /// Its arguments.
    args: *const [Zval],
}

thread_local! {
    /// The calls in progress, innermost last (the VM runs on one thread).
    static RUNNING: RefCell<Vec<Record>> = const { RefCell::new(Vec::new()) };
}

/// Removes the innermost record when dropped.
struct Pop;

impl Drop for Pop {
    fn drop(&mut self) {
        RUNNING.with(|r| r.borrow_mut().pop());
    }
}

/// Runs `f` as the built-in `name`, called from `frame` with `args`, which may call back into
/// user code: traces made meanwhile show the built-in's call.
pub fn within<R>(
    frame: &mut Frame,
    name: &str,
    args: &[Zval],
    f: impl FnOnce(&mut Frame) -> R,
) -> R {
    RUNNING.with(|r| {
        r.borrow_mut().push(Record {
            depth: frame.depth,
            name,
            args,
        })
    });
    let _pop = Pop;
    f(frame)
}

/// The built-in that the frame at `depth` is running, if one (its name and arguments), given
/// to `f`.
pub fn called_by_builtin<R>(depth: u32, f: impl FnOnce(Option<(&str, &[Zval])>) -> R) -> R {
    RUNNING.with(|r| {
        let running = r.borrow();
        let found = running.iter().rev().find(|c| c.depth == depth);
        // SAFETY: a record lives only while `within` runs, which borrows its name and
        // arguments for that time (see the module's invariant).
        let call = found.map(|c| unsafe { (&*c.name, &*c.args) });
        f(call)
    })
}
