//! Executable memory shared by all the modules of one backend.
//!
//! `cranelift-jit` gives every module its own pages, so each compiled piece used to start on a
//! page of its own: a loop with a few bridges spread over as many pages, and the processor's
//! instruction TLB missed on every jump between them. Mandelbrot in Brainfuck (about 730
//! pieces) ran 20% slower that way than with the pieces packed together. This arena is one
//! reserved range of address space from which every module of a backend takes its code,
//! packed at cache-line (64-byte) alignment, so pieces compiled one after another sit side by
//! side. (Not less: a piece's loop then starts at any 16-byte offset of a cache line, and tlr's
//! `fib` loop, a few instructions per iteration, measured 0.62 s instead of 0.37 s for 10^9
//! iterations at 16-byte alignment; Mandelbrot is the same either way.)
//!
//! W^X still holds: a page is read-write only while a module is writing into it (between
//! `allocate` and `finalize`, a stretch of the compiler in which no compiled code runs) and
//! read-execute otherwise; pages with no live code at all are inaccessible, so a jump into
//! freed code faults instead of running stale bytes. Freed blocks are coalesced and reused
//! first-fit. Data objects (which the backend does not declare today) go to `cranelift-jit`'s
//! own provider.

use cranelift_jit::{BranchProtection, JITMemoryKind, JITMemoryProvider, SystemMemoryProvider};
use cranelift_module::ModuleResult;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

/// Address space reserved per backend for code (committed page by page as it is used).
const RESERVE: usize = 1 << 30;
/// Alignment of every block of code: a cache line.
const BLOCK_ALIGN: usize = 64;

/// One backend's code memory; cheap to clone (all clones share the range).
#[derive(Clone)]
pub(super) struct CodeArena {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    /// The reserved range (unmapped when the last module using it is dropped).
    _mapping: ::region::Allocation,
    base: usize,
    page: usize,
    /// Offset of the first byte never handed out.
    top: usize,
    /// Free blocks below `top`: offset to length, coalesced (no two adjacent).
    free: BTreeMap<usize, usize>,
    /// Pages being written by some module, with the number of writers.
    writers: HashMap<usize, u32>,
}

// SAFETY: `Inner` holds raw addresses of memory it owns; all access goes through the mutex.
unsafe impl Send for Inner {}

impl CodeArena {
    /// Reserves the address space (inaccessible until code is placed in it).
    pub(super) fn new() -> io::Result<CodeArena> {
        let mut mapping =
            ::region::alloc(RESERVE, ::region::Protection::NONE).map_err(io::Error::other)?;
        let base = mapping.as_mut_ptr::<u8>() as usize;
        Ok(CodeArena {
            inner: Arc::new(Mutex::new(Inner {
                _mapping: mapping,
                base,
                page: ::region::page::size(),
                top: 0,
                free: BTreeMap::new(),
                writers: HashMap::new(),
            })),
        })
    }

    /// A memory provider for one new module.
    pub(super) fn provider(&self) -> Box<dyn JITMemoryProvider + Send> {
        Box::new(ArenaProvider {
            arena: self.clone(),
            blocks: Vec::new(),
            writing: Vec::new(),
            data: SystemMemoryProvider::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The offset above which nothing of the range is in use, for tests.
    #[cfg(test)]
    pub(super) fn high_water(&self) -> usize {
        self.lock().top
    }
}

impl Inner {
    /// Takes `size` bytes: the first free block that fits, else fresh space at the top.
    fn take(&mut self, size: usize) -> io::Result<usize> {
        let size = size.max(1).next_multiple_of(BLOCK_ALIGN);
        let found = self
            .free
            .iter()
            .find(|&(_, &len)| len >= size)
            .map(|(&off, &len)| (off, len));
        if let Some((off, len)) = found {
            self.free.remove(&off);
            if len > size {
                self.free.insert(off + size, len - size);
            }
            return Ok(off);
        }
        if self.top + size > RESERVE {
            return Err(io::Error::new(
                io::ErrorKind::OutOfMemory,
                "the JIT's code memory is exhausted",
            ));
        }
        let off = self.top;
        self.top += size;
        Ok(off)
    }

    /// Gives a block back, merging it with free neighbours; pages left with no code at all
    /// become inaccessible.
    fn give_back(&mut self, off: usize, len: usize) {
        let (mut start, mut end) = (off, off + len);
        if let Some((&p, &plen)) = self.free.range(..start).next_back()
            && p + plen == start
        {
            self.free.remove(&p);
            start = p;
        }
        if let Some(&nlen) = self.free.get(&end) {
            self.free.remove(&end);
            end += nlen;
        }
        // Whole pages inside [start, end) hold nothing live, nor does anything above the top.
        let first = start.next_multiple_of(self.page);
        let last = if end == self.top {
            self.top = start;
            end.next_multiple_of(self.page)
        } else {
            self.free.insert(start, end - start);
            end / self.page * self.page
        };
        for page in (first..last).step_by(self.page) {
            if !self.writers.contains_key(&page) {
                self.protect(page, ::region::Protection::NONE);
            }
        }
    }

    /// The offsets of the pages that `[off, off + len)` touches.
    fn pages(&self, off: usize, len: usize) -> impl Iterator<Item = usize> + use<> {
        let first = off / self.page * self.page;
        (first..off + len.max(1)).step_by(self.page)
    }

    fn protect(&self, page: usize, protection: ::region::Protection) {
        // SAFETY: the page lies inside `mapping`, which this arena owns; changing its
        // protection affects only code of this arena, and no compiled code runs while the
        // compiler holds the arena (the driver compiles between runs of compiled code).
        unsafe { ::region::protect((self.base + page) as *const u8, self.page, protection) }
            .expect("mprotect of reserved JIT memory");
    }

    /// Marks the pages of a block as being written (read-write).
    fn start_writing(&mut self, page: usize) {
        let n = self.writers.entry(page).or_insert(0);
        *n += 1;
        if *n == 1 {
            self.protect(page, ::region::Protection::READ_WRITE);
        }
    }

    /// Ends one writer of `page`; the last makes it executable.
    fn stop_writing(&mut self, page: usize) {
        let n = self
            .writers
            .get_mut(&page)
            .expect("a page being written has a writer");
        *n -= 1;
        if *n == 0 {
            self.writers.remove(&page);
            let ptr = (self.base + page) as *const std::ffi::c_void;
            // Instruction caches are coherent on x86-64; elsewhere this makes the new code
            // visible to instruction fetch.
            // SAFETY: the page is mapped and owned by this arena.
            unsafe { wasmtime_internal_jit_icache_coherence::clear_cache(ptr, self.page) }
                .expect("instruction cache flush");
            self.protect(page, ::region::Protection::READ_EXECUTE);
        }
    }
}

/// The provider of one module: the blocks it took and the pages it is writing.
struct ArenaProvider {
    arena: CodeArena,
    blocks: Vec<(usize, usize)>,
    writing: Vec<usize>,
    data: SystemMemoryProvider,
}

impl ArenaProvider {
    /// Makes every page this module was writing executable again.
    fn end_writing(&mut self, inner: &mut Inner) {
        for page in self.writing.drain(..) {
            inner.stop_writing(page);
        }
    }
}

impl JITMemoryProvider for ArenaProvider {
    fn allocate(&mut self, size: usize, align: u64, kind: JITMemoryKind) -> io::Result<*mut u8> {
        if !matches!(kind, JITMemoryKind::Executable) {
            return self.data.allocate(size, align, kind);
        }
        if align as usize > BLOCK_ALIGN {
            return Err(io::Error::other(format!(
                "code alignment {align} above {BLOCK_ALIGN}"
            )));
        }
        let mut inner = self.arena.lock();
        let off = inner.take(size)?;
        self.blocks
            .push((off, size.max(1).next_multiple_of(BLOCK_ALIGN)));
        for page in inner.pages(off, size) {
            if !self.writing.contains(&page) {
                inner.start_writing(page);
                self.writing.push(page);
            }
        }
        Ok((inner.base + off) as *mut u8)
    }

    unsafe fn free_memory(&mut self) {
        let arena = self.arena.clone();
        let mut inner = arena.lock();
        self.end_writing(&mut inner);
        for (off, len) in self.blocks.drain(..) {
            inner.give_back(off, len);
        }
        drop(inner);
        // SAFETY: the caller guarantees that nothing uses this module's memory any more.
        unsafe { self.data.free_memory() };
    }

    fn finalize(&mut self, branch_protection: BranchProtection) -> ModuleResult<()> {
        let arena = self.arena.clone();
        let mut inner = arena.lock();
        self.end_writing(&mut inner);
        drop(inner);
        self.data.finalize(branch_protection)
    }
}

impl Drop for ArenaProvider {
    fn drop(&mut self) {
        // A module dropped without `free_memory` keeps its code (compiled code may still be
        // referenced); only pages it was still writing are made executable.
        if !self.writing.is_empty() {
            let arena = self.arena.clone();
            let mut inner = arena.lock();
            self.end_writing(&mut inner);
        }
    }
}
