//! Buffers for runs of compiled code: the inputs of a run and the words its exit writes (sized
//! once for any exit, `backend::MAX_EXIT_WORDS`). Runs nest when compiled code calls back into
//! the interpreter, so the driver keeps a pool: each run takes a pair and gives it back, and
//! no run allocates after the first few. A pair travels boxed: taking and giving it back moves
//! one pointer (a traced call through `call_assembler` does both for every call).

use std::cell::RefCell;

/// The buffers of one run.
#[derive(Default)]
pub(crate) struct Pair {
    /// The words the exit writes.
    pub buf: Vec<i64>,
    /// The inputs.
    pub inputs: Vec<i64>,
}

/// The pool of buffer pairs of one JIT instance.
#[derive(Default)]
pub(crate) struct BufferPool {
    /// Boxed on purpose (clippy's `vec_box`): a run moves the box, one pointer, not the pair.
    #[allow(clippy::vec_box)]
    free: RefCell<Vec<Box<Pair>>>,
}

impl BufferPool {
    /// A pair for one run, given back when dropped.
    pub(crate) fn take(&self) -> RunBuffers<'_> {
        let pair = self.free.borrow_mut().pop().unwrap_or_default();
        RunBuffers {
            pool: self,
            pair: Some(pair),
        }
    }
}

/// The buffers of one run (`inputs` and the output `buf`, through `Deref`).
pub(crate) struct RunBuffers<'a> {
    pool: &'a BufferPool,
    /// Present until dropped.
    pair: Option<Box<Pair>>,
}

impl std::ops::Deref for RunBuffers<'_> {
    type Target = Pair;
    fn deref(&self) -> &Pair {
        self.pair.as_deref().expect("a run's buffers until it ends")
    }
}

impl std::ops::DerefMut for RunBuffers<'_> {
    fn deref_mut(&mut self) -> &mut Pair {
        self.pair
            .as_deref_mut()
            .expect("a run's buffers until it ends")
    }
}

impl Drop for RunBuffers<'_> {
    fn drop(&mut self) {
        if let Some(pair) = self.pair.take() {
            self.pool.free.borrow_mut().push(pair);
        }
    }
}
