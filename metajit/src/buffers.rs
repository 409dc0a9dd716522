//! Buffers for runs of compiled code: the inputs of a run and the words its exit writes (sized
//! once for any exit, `backend::MAX_EXIT_WORDS`). Runs nest when compiled code calls back into
//! the interpreter, so the driver keeps a pool: each run takes a pair and gives it back, and
//! no run allocates after the first few.

use std::cell::RefCell;

/// The pool of buffer pairs of one JIT instance.
#[derive(Default)]
pub(crate) struct BufferPool {
    free: RefCell<Vec<(Vec<i64>, Vec<i64>)>>,
}

impl BufferPool {
    /// A pair for one run, given back when dropped.
    pub(crate) fn take(&self) -> RunBuffers<'_> {
        let (buf, inputs) = self.free.borrow_mut().pop().unwrap_or_default();
        RunBuffers {
            pool: self,
            buf,
            inputs,
        }
    }
}

/// The buffers of one run: `inputs`, and the output (`buf`, also what the value derefs to).
pub(crate) struct RunBuffers<'a> {
    pool: &'a BufferPool,
    pub buf: Vec<i64>,
    pub inputs: Vec<i64>,
}

impl std::ops::Deref for RunBuffers<'_> {
    type Target = Vec<i64>;
    fn deref(&self) -> &Vec<i64> {
        &self.buf
    }
}

impl std::ops::DerefMut for RunBuffers<'_> {
    fn deref_mut(&mut self) -> &mut Vec<i64> {
        &mut self.buf
    }
}

impl Drop for RunBuffers<'_> {
    fn drop(&mut self) {
        let pair = (
            std::mem::take(&mut self.buf),
            std::mem::take(&mut self.inputs),
        );
        self.pool.free.borrow_mut().push(pair);
    }
}
