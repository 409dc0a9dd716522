//! The cycle collector: frees garbage that reference counting cannot (an object holding
//! itself, `$a[] = &$a`, parents and children pointing at each other), as PHP's
//! `gc_collect_cycles()` does.
//!
//! The algorithm is Zend's: synchronous trial deletion (Bacon and Rajan) over a buffer of
//! *possible roots*. A possible root is an array, object or PHP reference whose count was
//! decremented to a non-zero value: only such a block can have become the entry to an
//! unreachable cycle. The buffer is a slot vector; a block's slot number lives in its
//! [`Header`] (so that the block leaves the buffer in O(1) when it is freed), and a block is
//! buffered at most once. Adding costs the decrement path one test of the header word it
//! already touches; the buffering itself is a cold call.
//!
//! A collection ([`collect_cycles`]) works on the counts in place, with a colour in each
//! header (so it needs no side table, whatever the size of the heap it walks):
//! 1. *Mark* (gray): from every buffered root, walk everything it reaches (array elements,
//!    object properties and the values of built-in objects' internal state a tracer reports,
//!    referenced values), taking each reference among the walked blocks off the count of the
//!    block it refers to.
//! 2. *Scan*: a walked block with a count left is held from outside the walked graph (a
//!    variable, a constant, a VM temporary, a built-in object's state no tracer reports): it
//!    and everything it reaches is live (black), their counts given back. The rest (white)
//!    is garbage: every owner it has is itself garbage. Black roots leave the buffer.
//! 3. *List* the white blocks, giving their references back to the counts.
//! 4. *Destructors*: garbage objects whose `__destruct` has not run get it run first, and
//!    they and everything they reach are kept for this run: a destructor may store `$this`
//!    somewhere live again. As Zend does, the collection then runs once more, which frees
//!    them if they are still garbage.
//! 5. *Free*: the collector holds each remaining garbage block, takes the contents out of
//!    each and drops them (which counts the other garbage blocks down to the collector's hold
//!    and frees what only the garbage held), then drops its holds, which frees the now empty
//!    blocks.
//!
//! The count returned is PHP's: freed arrays and objects (PHP references are not counted).
//! Every walk uses an explicit work list: no native recursion, whatever the shape of the heap.
//!
//! Automatic collection: when the buffer reaches the threshold (10001 slots, Zend's number),
//! the collector raises metajit's interrupt flag instead of collecting inside a decrement;
//! the VM collects at its next poll (a loop back-edge or a call), where no Rust code holds a
//! borrow into the heap, and adjusts the threshold as Zend does (a run that freed fewer than
//! 100 blocks raises it by 10000, so programs with many long-lived blocks do not collect
//! over and over).

use crate::array::ArrObj;
use crate::object::ObjObj;
use crate::value::{Header, Kind, RefObj, Zval, free_block, tag};
use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::ptr::NonNull;

/// Zend's first threshold: 10000 roots (plus its unused slot 0).
const THRESHOLD_DEFAULT: usize = 10_001;
/// How much a collection that freed little raises the threshold.
const THRESHOLD_STEP: usize = 10_000;
/// The highest threshold.
const THRESHOLD_MAX: usize = 1_000_000_000;
/// A collection freeing fewer blocks than this raises the threshold.
const THRESHOLD_TRIGGER: usize = 100;
/// The most slots the buffer has (the header keeps 24 bits of slot number); blocks that would
/// go past it are not buffered (they are freed at the end of the program).
const MAX_SLOTS: usize = (1 << 24) - 1;

/// Reports the values a built-in object's internal state owns (one call of the callback per
/// counted reference it holds).
///
/// A tracer must report exactly values the state owns a count of: reporting a value the state
/// only borrows would make the collector free a live block. Leaving one out is safe (the
/// block it refers to looks held from outside, so it and what it reaches are not collected).
pub type Tracer = fn(&dyn Any, &mut dyn FnMut(&Zval));

/// The buffer of possible roots.
struct Roots {
    /// The buffered blocks (`None`: a free slot), each with whether it is a garbage object
    /// whose destructor the collection running now is to call (cleared when the slot is
    /// freed, so a block that takes the slot later is not mistaken for it).
    slots: Vec<(Option<NonNull<Header>>, bool)>,
    /// Free slot numbers.
    free: Vec<u32>,
    /// The number of buffered blocks.
    live: usize,
}

/// The collector's settings and counters (`gc_status()`).
#[derive(Clone, Copy)]
struct State {
    /// Whether collection is automatic (`gc_enable`, `zend.enable_gc`).
    enabled: bool,
    /// Whether a collection is running (a destructor calling `gc_collect_cycles` gets 0).
    active: bool,
    /// Whether garbage is being freed (no block is buffered meanwhile).
    protected: bool,
    /// Whether an automatic collection waits for the VM's next poll.
    requested: bool,
    /// Collections run (a run after destructors counts again, as in Zend).
    runs: u64,
    /// Blocks freed by collections.
    collected: u64,
    /// The number of roots that starts an automatic collection.
    threshold: usize,
}

thread_local! {
    static ROOTS: RefCell<Roots> = const {
        RefCell::new(Roots { slots: Vec::new(), free: Vec::new(), live: 0 })
    };
    static STATE: Cell<State> = const {
        Cell::new(State {
            enabled: true,
            active: false,
            protected: false,
            requested: false,
            runs: 0,
            collected: 0,
            threshold: THRESHOLD_DEFAULT,
        })
    };
    static TRACERS: RefCell<Vec<(TypeId, Tracer)>> = const { RefCell::new(Vec::new()) };
}

fn state() -> State {
    STATE.with(|s| s.get())
}

fn update(f: impl FnOnce(&mut State)) {
    STATE.with(|s| {
        let mut st = s.get();
        f(&mut st);
        s.set(st);
    });
}

/// Notes that a block's count was decremented to a non-zero value.
#[inline(always)]
pub(crate) fn possible_root(h: &Header) {
    if h.root() == 0 {
        add_root(h);
    }
}

#[cold]
#[inline(never)]
fn add_root(h: &Header) {
    let st = state();
    if st.protected {
        return;
    }
    let full = ROOTS.with(|r| {
        let mut r = r.borrow_mut();
        let slot = match r.free.pop() {
            Some(s) => s,
            None if r.slots.len() < MAX_SLOTS => {
                r.slots.push((None, false));
                (r.slots.len() - 1) as u32
            }
            None => return false,
        };
        r.slots[slot as usize] = (Some(NonNull::from(h)), false);
        h.set_root(slot + 1);
        r.live += 1;
        r.live >= st.threshold
    });
    if full && st.enabled && !st.active && !st.requested {
        update(|s| s.requested = true);
        metajit::interrupt::request();
    }
}

/// Takes a block out of the buffer (it is being freed, or was found live).
#[inline(always)]
pub(crate) fn forget(h: &Header) {
    if h.root() != 0 {
        remove_root(h);
    }
}

#[cold]
#[inline(never)]
fn remove_root(h: &Header) {
    let slot = h.root() - 1;
    h.set_root(0);
    ROOTS.with(|r| {
        let mut r = r.borrow_mut();
        r.slots[slot as usize] = (None, false);
        r.live -= 1;
        if r.live == 0 {
            r.slots.clear();
            r.free.clear();
        } else {
            r.free.push(slot);
        }
    });
}

/// Registers the tracer of built-in objects whose internal state is a `type_id` (see
/// [`Tracer`]); registering a type again replaces its tracer.
pub fn register_tracer(type_id: TypeId, tracer: Tracer) {
    TRACERS.with(|t| {
        let mut t = t.borrow_mut();
        t.retain(|(id, _)| *id != type_id);
        t.push((type_id, tracer));
    });
}

/// Whether collection is automatic.
pub fn enabled() -> bool {
    state().enabled
}

/// Turns automatic collection on or off (`gc_enable()`, `gc_disable()`, `zend.enable_gc`).
/// Possible roots are buffered either way, and `gc_collect_cycles()` collects either way.
pub fn set_enabled(on: bool) {
    update(|s| s.enabled = on);
}

/// `gc_status()`: collections run, blocks they freed, the threshold and the roots buffered.
pub fn status() -> (u64, u64, usize, usize) {
    let st = state();
    let roots = ROOTS.with(|r| r.borrow().live);
    (st.runs, st.collected, st.threshold, roots)
}

/// Starts `gc_status()`'s counters and the threshold afresh (a new program).
pub fn reset_counters() {
    update(|s| {
        s.runs = 0;
        s.collected = 0;
        s.threshold = THRESHOLD_DEFAULT;
        s.requested = false;
    });
}

/// Runs the automatic collection the buffer asked for, if it did (the VM's poll); returns
/// whether it ran.
pub fn collect_if_requested() -> bool {
    if !state().requested {
        return false;
    }
    update(|s| s.requested = false);
    if !state().enabled {
        return false;
    }
    let count = collect_cycles();
    let roots = ROOTS.with(|r| r.borrow().live);
    update(|s| {
        if count < THRESHOLD_TRIGGER || roots >= s.threshold {
            s.threshold = (s.threshold + THRESHOLD_STEP).min(THRESHOLD_MAX);
        } else if s.threshold > THRESHOLD_DEFAULT {
            s.threshold = (s.threshold - THRESHOLD_STEP).max(THRESHOLD_DEFAULT);
        }
    });
    true
}

/// Collects garbage cycles now (`gc_collect_cycles()`); returns the number of arrays and
/// objects freed. Destructors of garbage objects run first; 0 while a collection runs
/// already (a destructor calling this) or a block is being freed (blocks queued to be freed
/// have no owners left, like the garbage, but are not the collector's to free).
pub fn collect_cycles() -> usize {
    let st = state();
    if st.active || st.protected || crate::value::freeing() {
        return 0;
    }
    update(|s| s.active = true);
    let mut total = 0;
    let mut reran = false;
    while ROOTS.with(|r| r.borrow().live) > 0 {
        update(|s| s.runs += 1);
        let (count, destructed) = collect_once();
        total += count;
        if !destructed || reran {
            break;
        }
        reran = true;
    }
    update(|s| {
        s.active = false;
        s.collected += total as u64;
    });
    total
}

/// Colours of a collection (in the block's header; black outside collections).
mod color {
    /// Live, or not part of the collection running now.
    pub const BLACK: u32 = 0;
    /// Reached from a root; its count has the references from other gray blocks taken off.
    pub const GRAY: u32 = 1;
    /// Found to have no owners but other white blocks: garbage, unless a black block reaches it.
    pub const WHITE: u32 = 2;
    /// Garbage, listed (its count is whole again).
    pub const LISTED: u32 = 3;
}

/// The header of a walked block.
fn header<'a>(b: NonNull<Header>) -> &'a Header {
    // SAFETY: the collector walks live blocks only (nothing is freed during a walk).
    unsafe { b.as_ref() }
}

/// Calls `f` on the blocks `b` holds.
fn each_child(b: NonNull<Header>, kids: &mut Vec<NonNull<Header>>, mut f: impl FnMut(&Header)) {
    kids.clear();
    // SAFETY: walked blocks are live and no PHP code runs during a walk.
    unsafe { children(b, kids) };
    for &k in kids.iter() {
        f(header(k));
    }
}

/// The blocks `h` holds a count of, appended to `out` (strings and resources left out:
/// they hold nothing).
///
/// # Safety
/// `h` is a live block and no PHP code runs while this borrows it.
unsafe fn children(h: NonNull<Header>, out: &mut Vec<NonNull<Header>>) {
    let mut push = |v: &Zval| {
        if matches!(v.tag(), tag::ARRAY | tag::OBJECT | tag::REFERENCE)
            && let Some(p) = NonNull::new(v.value().bits as *mut Header)
        {
            out.push(p);
        }
    };
    // SAFETY: `h` is live (the caller's contract).
    match unsafe { h.as_ref() }.kind() {
        Kind::Array => {
            // SAFETY: as above; the kind says what the block is.
            for (_, v) in unsafe { ArrObj::table_of(h) }.iter() {
                push(v);
            }
        }
        // SAFETY: likewise.
        Kind::Reference => push(unsafe { RefObj::value_of(h) }),
        Kind::Object => {
            // SAFETY: likewise; no PHP code runs while the parts are borrowed.
            let (props, internal) = unsafe { ObjObj::of(h).parts() };
            for (_, v) in props.iter() {
                push(v);
            }
            if let Some(state) = internal {
                let id = state.type_id();
                let tracer =
                    TRACERS.with(|t| t.borrow().iter().find(|(t, _)| *t == id).map(|(_, f)| *f));
                if let Some(trace) = tracer {
                    trace(state, &mut push);
                }
            }
        }
        Kind::String | Kind::Resource => {}
    }
}

/// One run: finds the garbage reachable from the buffered roots, runs pending destructors,
/// frees the rest; returns the count freed and whether destructors ran.
///
/// The counts are changed in place while the colours are not black (Bacon and Rajan's trial
/// deletion): marking takes the references among gray blocks off their counts, scanning
/// gives them back to what black blocks reach, and listing the garbage gives them back to
/// the rest, so every count is whole again before any PHP code runs.
fn collect_once() -> (usize, bool) {
    let roots: Vec<NonNull<Header>> =
        ROOTS.with(|r| r.borrow().slots.iter().filter_map(|s| s.0).collect());
    let mut work: Vec<NonNull<Header>> = Vec::new();
    let mut kids = Vec::new();
    // 1. Mark: take the references among the blocks the roots reach off their counts.
    for &r in &roots {
        if header(r).color() == color::GRAY {
            continue;
        }
        header(r).set_color(color::GRAY);
        work.push(r);
        while let Some(b) = work.pop() {
            each_child(b, &mut kids, |t| {
                t.refcount.set(t.refcount.get().wrapping_sub(1));
                if t.color() != color::GRAY {
                    t.set_color(color::GRAY);
                    work.push(NonNull::from(t));
                }
            });
        }
    }
    // 2. Scan: a gray block with owners left is held from outside; it and what it reaches
    //    are black (their counts restored); the other gray blocks are white.
    let mut black = Vec::new();
    for &r in &roots {
        work.push(r);
        while let Some(b) = work.pop() {
            let h = header(b);
            if h.color() != color::GRAY {
                continue;
            }
            if h.refcount.get() != 0 {
                h.set_color(color::BLACK);
                black.push(b);
                while let Some(x) = black.pop() {
                    each_child(x, &mut kids, |t| {
                        t.refcount.set(t.refcount.get().wrapping_add(1));
                        if t.color() != color::BLACK {
                            t.set_color(color::BLACK);
                            black.push(NonNull::from(t));
                        }
                    });
                }
                continue;
            }
            h.set_color(color::WHITE);
            each_child(b, &mut kids, |t| {
                if t.color() == color::GRAY {
                    work.push(NonNull::from(t));
                }
            });
        }
    }
    // 3. List the white blocks (in the order the roots reach them), giving back the counts
    //    their references took off; live roots leave the buffer.
    let mut garbage = Vec::new();
    for &r in &roots {
        if header(r).color() == color::BLACK {
            forget(header(r));
            continue;
        }
        work.push(r);
        while let Some(b) = work.pop() {
            let h = header(b);
            if h.color() != color::WHITE {
                continue;
            }
            h.set_color(color::LISTED);
            garbage.push(b);
            each_child(b, &mut kids, |t| {
                t.refcount.set(t.refcount.get().wrapping_add(1));
                if t.color() == color::WHITE {
                    work.push(NonNull::from(t));
                }
            });
        }
    }
    // 4. Garbage objects whose destructor is pending, and the garbage they reach, stay for
    //    this run (black again); the destructors run once every colour is black.
    let pending: Vec<NonNull<Header>> = garbage
        .iter()
        .copied()
        .filter(|&b| {
            header(b).kind() == Kind::Object
                // SAFETY: an object's header.
                && unsafe { ObjObj::of(b) }.destructor_pending()
        })
        .collect();
    for &d in &pending {
        if header(d).color() != color::LISTED {
            continue;
        }
        header(d).set_color(color::BLACK);
        work.push(d);
        while let Some(b) = work.pop() {
            each_child(b, &mut kids, |t| {
                if t.color() == color::LISTED {
                    t.set_color(color::BLACK);
                    work.push(NonNull::from(t));
                }
            });
        }
    }
    garbage.retain(|&b| {
        let h = header(b);
        let listed = h.color() == color::LISTED;
        h.set_color(color::BLACK);
        listed
    });
    let destructed = !pending.is_empty();
    if destructed {
        run_destructors(&pending);
    }
    (free_garbage(&garbage), destructed)
}

/// Runs the destructors of garbage objects, as Zend does: each is buffered as a root (for
/// the run that follows) and marked in its slot; then each object still marked gets its
/// destructor run, held by the collector during the call only. A destructor may free others
/// of them (they are then destructed and freed by their counts as usual, and leave the
/// buffer, so they are skipped here). An object whose count falls to zero when the collector
/// lets go stays in the buffer, and the next run frees it (and counts it, as PHP does).
fn run_destructors(objects: &[NonNull<Header>]) {
    let mut slots = Vec::with_capacity(objects.len());
    for &o in objects {
        // SAFETY: the objects are alive (nothing is freed before this).
        let h = unsafe { o.as_ref() };
        possible_root(h);
        if h.root() != 0 {
            let slot = h.root() - 1;
            ROOTS.with(|r| r.borrow_mut().slots[slot as usize].1 = true);
            slots.push(slot);
        }
    }
    for slot in slots {
        let marked = ROOTS.with(|r| {
            let mut r = r.borrow_mut();
            let s = r.slots.get_mut(slot as usize)?;
            let block = s.0.filter(|_| s.1)?;
            s.1 = false;
            Some(block)
        });
        let Some(o) = marked else {
            continue;
        };
        // SAFETY: a marked slot holds a live block (freeing one clears its slot).
        let h = unsafe { o.as_ref() };
        h.inc();
        // SAFETY: held.
        unsafe { crate::object::destruct(o) };
        h.dec();
    }
}

/// What the collector took out of a garbage block.
enum Contents {
    Table(crate::array::Table),
    Value(Zval),
    Object(crate::array::Table, Option<Box<dyn Any>>),
}

impl Contents {
    /// Drops what was taken out (releasing its counts).
    fn release(self) {
        match self {
            Contents::Table(t) => drop(t),
            Contents::Value(v) => drop(v),
            Contents::Object(props, internal) => {
                drop(props);
                drop(internal);
            }
        }
    }
}

/// Frees garbage blocks (nothing outside them holds them); returns the arrays and objects
/// among them.
fn free_garbage(garbage: &[NonNull<Header>]) -> usize {
    if garbage.is_empty() {
        return 0;
    }
    update(|s| s.protected = true);
    for &b in garbage {
        // SAFETY: garbage blocks are alive until the holds taken here go.
        let h = unsafe { b.as_ref() };
        h.inc();
        forget(h);
    }
    // Dropping each block's contents counts the other garbage blocks down to the
    // collector's holds (and frees blocks only the garbage held, running their destructors:
    // those cannot reach the garbage).
    for &b in garbage {
        // SAFETY: alive (held); no borrow of their contents exists: the program cannot reach
        // garbage, and the collector's own borrows ended with the walks.
        let contents = unsafe {
            match b.as_ref().kind() {
                Kind::Array => Contents::Table(ArrObj::take_table(b)),
                Kind::Reference => Contents::Value(RefObj::take_value(b)),
                Kind::Object => {
                    let (props, internal) = ObjObj::of(b).take_parts();
                    Contents::Object(props, internal)
                }
                Kind::String | Kind::Resource => continue,
            }
        };
        contents.release();
    }
    let mut count = 0;
    for &b in garbage {
        // SAFETY: held until here.
        let h = unsafe { b.as_ref() };
        let kind = h.kind();
        if kind != Kind::Reference {
            count += 1;
        }
        if h.dec() != 0 {
            // Something took it back meanwhile: it stays, empty.
            continue;
        }
        let free: unsafe fn(NonNull<Header>) = match kind {
            Kind::Array => crate::array::PhpArray::free,
            Kind::Reference => crate::value::PhpRef::free,
            Kind::Object => crate::object::PhpObject::free,
            Kind::String | Kind::Resource => continue,
        };
        // SAFETY: no owners are left; `free` is this kind's.
        unsafe { free_block(b, free) };
    }
    update(|s| s.protected = false);
    count
}

#[cfg(test)]
mod tests;
