//! The heap: allocation, string interning, and a mark-and-sweep collector that reclaims
//! everything unreachable, cycles included.
//!
//! **When it collects.** Only at *safepoints*: the VM calls [`Heap::due`] at the start of an
//! instruction that allocates, before it has taken anything off its stack, and collects there
//! with its frames as roots. At that point every live value is in a frame's slots, a global, a
//! constant or an object reachable from those, so the roots are complete. Allocation itself
//! never collects, so a Rust local holding an object between two allocations stays valid. This
//! is also the contract with the JIT: compiled code and resume data never see a collection in
//! the middle of an instruction (see the book's memory chapter).

use crate::object::{BoundMethod, Cell, Class, Closure, Header, Instance, Kind, LoxString, Native};
use crate::value::{Value, tag};
use crate::vm::Frame;
use metajit::Ref;
use std::collections::HashMap;
use std::rc::Rc;

/// Bytes allocated before the first collection.
const FIRST_GC: usize = 1 << 20;

/// All objects, the intern table, and the collector's accounting.
pub struct Heap {
    objects: *mut Header,
    strings: HashMap<Rc<str>, Ref<LoxString>>,
    allocated: usize,
    next_gc: usize,
    gray: Vec<*mut Header>,
    /// Collections so far.
    pub collections: u64,
}

/// The approximate size of an object, for the collection schedule.
fn size_of_object(h: *mut Header) -> usize {
    // SAFETY: `h` is a live object of the heap; its kind says its type.
    unsafe {
        match (*h).kind {
            Kind::String => {
                let s = &*(h as *const LoxString);
                std::mem::size_of::<LoxString>() + s.text.len()
            }
            Kind::Cell => std::mem::size_of::<Cell>(),
            Kind::Closure => {
                let c = &*(h as *const Closure);
                std::mem::size_of::<Closure>() + 8 * c.upvalues.len()
            }
            Kind::Class => std::mem::size_of::<Class>(),
            Kind::Instance => {
                let i = &*(h as *const Instance);
                std::mem::size_of::<Instance>() + 16 * i.fields.len()
            }
            Kind::BoundMethod => std::mem::size_of::<BoundMethod>(),
            Kind::Native => std::mem::size_of::<Native>(),
            Kind::Frame => {
                let f = &*(h as *const Frame);
                std::mem::size_of::<Frame>() + 16 * f.slots.len()
            }
        }
    }
}

impl Default for Heap {
    fn default() -> Heap {
        Heap::new()
    }
}

impl Heap {
    /// An empty heap.
    pub fn new() -> Heap {
        Heap {
            objects: std::ptr::null_mut(),
            strings: HashMap::new(),
            allocated: 0,
            next_gc: FIRST_GC,
            gray: Vec::new(),
            collections: 0,
        }
    }

    /// Whether enough has been allocated since the last collection to collect at this
    /// safepoint.
    pub fn due(&self) -> bool {
        self.allocated > self.next_gc
    }

    /// Moves `object` to the heap and links it; `object` must be `#[repr(C)]` with a
    /// [`Header`] first.
    fn link<T>(&mut self, object: T) -> Ref<T> {
        let p = Box::into_raw(Box::new(object));
        let h = p as *mut Header;
        // SAFETY: every object type starts with its header (`#[repr(C)]`).
        unsafe { (*h).next = self.objects };
        self.objects = h;
        self.allocated += size_of_object(h);
        Ref::from_ptr(p)
    }

    /// The interned string with this text.
    pub fn intern(&mut self, text: &str) -> Ref<LoxString> {
        if let Some(&s) = self.strings.get(text) {
            return s;
        }
        self.intern_new(Rc::from(text))
    }

    /// The interned string with this text, taking a text built at run time.
    pub fn intern_owned(&mut self, text: String) -> Ref<LoxString> {
        if let Some(&s) = self.strings.get(text.as_str()) {
            return s;
        }
        self.intern_new(Rc::from(text))
    }

    fn intern_new(&mut self, text: Rc<str>) -> Ref<LoxString> {
        let s = self.link(LoxString {
            header: Header::new(Kind::String),
            text: text.clone(),
        });
        self.strings.insert(text, s);
        s
    }

    /// Allocates `object` (any object type but strings, which are interned).
    pub fn alloc<T: HeapObject>(&mut self, object: T) -> Ref<T> {
        self.link(object)
    }

    /// Marks a value as reachable.
    pub fn mark_value(&mut self, v: Value) {
        if v.tag >= tag::STRING {
            self.mark(v.bits as usize as *mut Header);
        }
    }

    /// Marks an object as reachable.
    pub fn mark_object<T>(&mut self, r: Ref<T>) {
        self.mark(r.as_ptr() as *mut Header);
    }

    fn mark(&mut self, h: *mut Header) {
        // SAFETY: `h` is an object of this heap (values and fields only hold live objects).
        let header = unsafe { &*h };
        if !header.marked.replace(true) {
            self.gray.push(h);
        }
    }

    /// Finishes marking (from the roots marked so far) and frees every unmarked object.
    pub fn collect(&mut self) {
        while let Some(h) = self.gray.pop() {
            self.blacken(h);
        }
        // Interned strings are weak: forget those nobody reached.
        self.strings.retain(|_, s| s.header.marked.get());
        let mut link: *mut *mut Header = &mut self.objects;
        let mut live = 0usize;
        // SAFETY: the list holds exactly the heap's objects; an unmarked one is unreachable
        // (the roots were complete) and is unlinked before it is freed.
        unsafe {
            while !(*link).is_null() {
                let h = *link;
                if (*h).marked.replace(false) {
                    live += size_of_object(h);
                    link = &mut (*h).next;
                } else {
                    *link = (*h).next;
                    free(h);
                }
            }
        }
        self.allocated = live;
        self.next_gc = (live * 2).max(FIRST_GC);
        self.collections += 1;
    }

    fn blacken(&mut self, h: *mut Header) {
        // SAFETY: `h` is a marked, live object; its kind says its type.
        unsafe {
            match (*h).kind {
                Kind::String | Kind::Native => {}
                Kind::Cell => self.mark_value((*(h as *mut Cell)).value),
                Kind::Closure => {
                    let c = &*(h as *mut Closure);
                    for &cell in c.upvalues.as_slice() {
                        self.mark_object(cell);
                    }
                }
                Kind::Class => {
                    let c = &*(h as *mut Class);
                    self.mark_object(c.name);
                    let methods: Vec<Ref<Closure>> = c.methods.values().copied().collect();
                    for m in methods {
                        self.mark_object(m);
                    }
                }
                Kind::Instance => {
                    let i = &*(h as *mut Instance);
                    self.mark_object(i.class);
                    for k in 0..i.fields.len() {
                        self.mark_value(i.fields[k]);
                    }
                }
                Kind::BoundMethod => {
                    let b = &*(h as *mut BoundMethod);
                    self.mark_value(b.receiver);
                    self.mark_object(b.method);
                }
                Kind::Frame => {
                    let f = &*(h as *mut Frame);
                    for k in 0..f.slots.len() {
                        self.mark_value(f.slots[k]);
                    }
                    // A frame made by traced code has its closure unless the collection runs
                    // while compiled code is making it (then it is still the placeholder).
                    if f.closure != Ref::dangling() {
                        self.mark_object(f.closure);
                    }
                }
            }
        }
    }
}

/// Frees one object.
///
/// # Safety
/// `h` must be an unlinked object of the heap that nothing refers to any more.
unsafe fn free(h: *mut Header) {
    // SAFETY: the caller's promise; the kind says which type the box was made with.
    unsafe {
        match (*h).kind {
            Kind::String => drop(Box::from_raw(h as *mut LoxString)),
            Kind::Cell => drop(Box::from_raw(h as *mut Cell)),
            Kind::Closure => drop(Box::from_raw(h as *mut Closure)),
            Kind::Class => drop(Box::from_raw(h as *mut Class)),
            Kind::Instance => drop(Box::from_raw(h as *mut Instance)),
            Kind::BoundMethod => drop(Box::from_raw(h as *mut BoundMethod)),
            Kind::Native => drop(Box::from_raw(h as *mut Native)),
            Kind::Frame => drop(Box::from_raw(h as *mut Frame)),
        }
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        self.strings.clear();
        // SAFETY: the heap is going away with everything in it.
        unsafe {
            let mut h = self.objects;
            while !h.is_null() {
                let next = (*h).next;
                free(h);
                h = next;
            }
        }
    }
}

thread_local! {
    /// The VM running on this thread (what objects that compiled code allocates belong to).
    static CURRENT_VM: std::cell::Cell<*mut crate::vm::Vm> = const { std::cell::Cell::new(std::ptr::null_mut()) };
}

/// Makes `vm` the VM whose heap objects made by compiled code join ([`new_object`]).
pub fn set_current_vm(vm: &mut crate::vm::Vm) {
    CURRENT_VM.with(|c| c.set(vm));
}

/// Allocates `object` in the current VM's heap, for an allocation traced code recorded (in
/// `JitNew::blank`: natively, in compiled code or on resume). It never collects; when a
/// collection is due it tells traced code so (`Vm::gc_due`), which then passes a safepoint.
pub fn new_object<T: HeapObject>(object: T) -> Ref<T> {
    let vm = CURRENT_VM.with(|c| c.get());
    assert!(!vm.is_null(), "an allocation outside Vm::interpret");
    // SAFETY: the current VM is running (`Vm::interpret` set it and is on the stack), and
    // allocation touches only its heap and flag, which nothing else borrows during the call.
    let vm = unsafe { &mut *vm };
    let r = vm.heap.alloc(object);
    vm.gc_due = vm.heap.due();
    r
}

/// The object types [`Heap::alloc`] accepts.
///
/// # Safety
/// The type is `#[repr(C)]`, starts with a [`Header`] whose kind names it, and is not a
/// string (strings are interned).
pub unsafe trait HeapObject {}
// SAFETY: each of these is `#[repr(C)]` with its header first (object.rs).
unsafe impl HeapObject for Cell {}
// SAFETY: as above.
unsafe impl HeapObject for Closure {}
// SAFETY: as above.
unsafe impl HeapObject for Class {}
// SAFETY: as above.
unsafe impl HeapObject for Instance {}
// SAFETY: as above.
unsafe impl HeapObject for BoundMethod {}
// SAFETY: as above.
unsafe impl HeapObject for Native {}
// SAFETY: as above (`Frame` is `#[repr(C)]` with its header first).
unsafe impl HeapObject for Frame {}
