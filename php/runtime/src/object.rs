//! Objects and the classes they belong to.
//!
//! A [`Class`] is made once when the VM loads a program (or at start-up for the built-in
//! classes) and lives for the rest of the run (`&'static`). It holds what every crate needs to
//! know about a class: its name, parent and interfaces, its instance properties in order
//! (inherited ones first, as Zend lays them out), its methods by lowercase name (inherited ones
//! included), its constants and static properties. A user method's body is an index into the
//! VM's table of code ([`MethodBody::User`]): the runtime does not know the VM.
//!
//! A [`PhpObject`] is a counted handle on an [`ObjObj`]: the class, the object's handle number
//! (`#3` in `var_dump`, reused after the object is freed, as Zend reuses them) and its
//! properties as an ordered table. A private property is keyed by its declaring class too
//! (PHP's mangled `"\0Class\0name"`, see [`PropInfo::key`]), so a parent's private `$x`, a
//! subclass's `$x` and a dynamic `$x` can all live in one object; [`Class::access`] says which
//! one a name means for code in a given class (PHP's `zend_get_property_offset`).
//!
//! When the last owner of an object whose class has `__destruct` goes, the object is handed
//! to the destructor hook the VM installed ([`set_destructor_hook`]), which runs the
//! destructor; the object is freed when the destructor's owners are gone too. A freed
//! object's handle goes back on the free list after the objects its properties held
//! (Zend's order, which the handles of later objects show).

use crate::array::{ArrayKey, Table};
use crate::error::PhpError;
use crate::host::Host;
use crate::value::{Header, Kind, PhpRef, Zval, free_block};
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::HashMap;
use std::fmt;
use std::ptr::NonNull;

/// Flags of classes and their members (the values are the AST's modifier bits).
pub mod flags {
    /// `public`.
    pub const PUBLIC: u16 = 1;
    /// `protected`.
    pub const PROTECTED: u16 = 2;
    /// `private`.
    pub const PRIVATE: u16 = 4;
    /// `static`.
    pub const STATIC: u16 = 8;
    /// `abstract`.
    pub const ABSTRACT: u16 = 16;
    /// `final`.
    pub const FINAL: u16 = 32;
    /// `readonly`.
    pub const READONLY: u16 = 64;
    /// An interface (classes only).
    pub const INTERFACE: u16 = 128;
    /// A class that may hold properties it does not declare without a deprecation (every
    /// class in PHP 8.2 but those marked otherwise; kept for `stdClass`-like classes).
    pub const DYNAMIC: u16 = 256;
    /// Any visibility.
    pub const VISIBILITY: u16 = PUBLIC | PROTECTED | PRIVATE;
}

/// A built-in method: the host, the object (`$this`; `null` for static methods) and the
/// arguments.
pub type NativeMethod = fn(&mut dyn Host, &Zval, &[Zval]) -> Result<Zval, PhpError>;

/// How a method runs.
#[derive(Clone, Copy)]
pub enum MethodBody {
    /// Bytecode: an index into the VM's table of loaded code.
    User(u32),
    /// Rust.
    Native(NativeMethod),
}

/// A method as its class sees it (an inherited one names its declaring class).
#[derive(Clone)]
pub struct Method {
    /// The name as declared.
    pub name: Box<[u8]>,
    /// [`flags`] (visibility, `static`, `abstract`, `final`).
    pub flags: u16,
    /// The declaring class's id.
    pub class: u32,
    /// The body.
    pub body: MethodBody,
}

/// An instance property's declaration.
pub struct PropInfo {
    /// The name without `$`.
    pub name: Box<[u8]>,
    /// [`flags`] (visibility, `readonly`).
    pub flags: u16,
    /// The declaring class's id.
    pub class: u32,
    /// The declaring class's name (`var_dump` shows it for private properties).
    pub owner: Box<[u8]>,
    /// The value a new object starts with (unset for a typed property without a default).
    pub default: Zval,
    /// The declared type (the VM's own description of it).
    pub ty: Option<&'static dyn std::any::Any>,
    /// A default that is a constant expression, evaluated when an object is made (the VM's
    /// form of it).
    pub lazy: Option<std::rc::Rc<dyn std::any::Any>>,
}

impl PropInfo {
    /// Whether it is `private` (keyed by its declaring class too).
    pub fn is_private(&self) -> bool {
        self.flags & flags::PRIVATE != 0
    }

    /// The key of the property in an object's table. A private property is keyed by its
    /// declaring class too (PHP's mangled `"\0Class\0name"`), so that a subclass's property
    /// of the same name, or a dynamic one, lives beside it; the others by their name.
    pub fn key(&self) -> ArrayKey {
        if self.is_private() {
            ArrayKey::Str(crate::PhpString::new(&mangle(&self.owner, &self.name)))
        } else {
            prop_key(&self.name)
        }
    }
}

/// PHP's mangled name of a private (`owner` a class name) or protected (`owner` `*`)
/// property: `"\0owner\0name"`.
pub fn mangle(owner: &[u8], name: &[u8]) -> Vec<u8> {
    [b"\0", owner, b"\0", name].concat()
}

/// The class (or `*`) and name of a mangled property name; `None` for a plain name. The
/// name follows the last NUL byte (an anonymous class's name holds one).
pub fn unmangle(key: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = key.strip_prefix(b"\0")?;
    let end = rest.iter().rposition(|&b| b == 0)?;
    Some((&rest[..end], &rest[end + 1..]))
}

/// A class name as PHP prints it: up to the NUL byte of an anonymous class's name.
pub fn until_nul(name: &[u8]) -> &[u8] {
    name.iter()
        .position(|&b| b == 0)
        .map_or(name, |i| &name[..i])
}

/// How a key of an object's table shows in `var_dump` and `print_r`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shown<'a> {
    /// A public (or dynamic) property.
    Public,
    /// A protected property.
    Protected,
    /// A private property of the named class.
    Private(&'a [u8]),
}

/// What code in some class scope reaches by a property name of an object (PHP's
/// `zend_get_property_offset`).
pub enum PropAccess<'a> {
    /// The declared property.
    Declared(&'a PropInfo),
    /// No declared property the scope may see: a dynamic property of that name.
    Dynamic,
    /// A declared property the scope may not use.
    Denied(&'a PropInfo),
}

/// A class constant.
pub struct ClassConst {
    /// Its value (unset until a constant expression is evaluated, at first use).
    pub value: RefCell<Zval>,
    /// The constant expression still to evaluate (the VM's form of it).
    pub lazy: Option<std::rc::Rc<dyn std::any::Any>>,
    /// [`flags`] (visibility, `final`).
    pub flags: u16,
    /// The declaring class's id.
    pub class: u32,
}

/// A static property: one shared slot (a reference, so subclasses that do not redeclare it
/// share it with the declaring class).
pub struct StaticProp {
    /// The slot.
    pub slot: PhpRef,
    /// [`flags`] (visibility).
    pub flags: u16,
    /// The declaring class's id.
    pub class: u32,
}

/// A class, interface or built-in class.
pub struct Class {
    /// Its index in the VM's class table (the identity classes are compared by).
    pub id: u32,
    /// The name as declared.
    pub name: Box<[u8]>,
    /// The name in lowercase (how PHP looks classes up).
    pub lower: Box<[u8]>,
    /// [`flags`]: `abstract`, `final`, `INTERFACE`.
    pub flags: u16,
    /// The parent class.
    pub parent: Option<&'static Class>,
    /// Every interface it implements, its parents' and the interfaces' own parents included.
    pub interfaces: Vec<&'static Class>,
    /// The instance properties, inherited ones first.
    pub props: Vec<PropInfo>,
    /// The methods by lowercase name, inherited ones included.
    pub methods: HashMap<Box<[u8]>, Method>,
    /// The constants by name, inherited ones included.
    pub consts: HashMap<Box<[u8]>, ClassConst>,
    /// The static properties by name, inherited ones included.
    pub statics: HashMap<Box<[u8]>, StaticProp>,
}

impl Class {
    /// The name as PHP prints it (an anonymous class's up to the NUL byte in it).
    pub fn display(&self) -> String {
        String::from_utf8_lossy(until_nul(&self.name)).into_owned()
    }

    /// Whether objects of this class are instances of `other` (the class itself, an
    /// ancestor, or an interface it implements).
    pub fn is_a(&self, other: &Class) -> bool {
        let mut c = Some(self);
        while let Some(k) = c {
            if k.id == other.id {
                return true;
            }
            c = k.parent;
        }
        self.interfaces.iter().any(|i| i.id == other.id)
    }

    /// [`is_a`](Class::is_a) by the other class's lowercase name.
    pub fn is_a_name(&self, lower: &[u8]) -> bool {
        let mut c = Some(self);
        while let Some(k) = c {
            if &k.lower[..] == lower {
                return true;
            }
            c = k.parent;
        }
        self.interfaces.iter().any(|i| &i.lower[..] == lower)
    }

    /// Whether it is an interface.
    pub fn is_interface(&self) -> bool {
        self.flags & flags::INTERFACE != 0
    }

    /// The method of this lowercase name.
    pub fn method(&self, lower: &[u8]) -> Option<&Method> {
        self.methods.get(lower)
    }

    /// The declaration of the instance property `name` as the class itself sees it: its own,
    /// else the nearest ancestor's (a private one of a parent included).
    pub fn prop(&self, name: &[u8]) -> Option<&PropInfo> {
        self.props.iter().rev().find(|p| &p.name[..] == name)
    }

    /// The ancestor (or the class itself) whose id is `id`.
    fn ancestor(&self, id: u32) -> Option<&Class> {
        let mut c = Some(self);
        while let Some(k) = c {
            if k.id == id {
                return Some(k);
            }
            c = k.parent;
        }
        None
    }

    /// Whether code in class `scope` may use a protected member declared in class `owner`
    /// (an ancestor of this class).
    pub fn protected_visible(&self, scope: Option<&Class>, owner: u32) -> bool {
        let (Some(scope), Some(owner)) = (scope, self.ancestor(owner)) else {
            return false;
        };
        scope.is_a(owner) || owner.is_a(scope)
    }

    /// What code in class `scope` (`None`: outside classes) reaches by property `name` of
    /// an object of this class. A private property of an ancestor is reached from that
    /// ancestor's code even when a subclass declares the name again; from elsewhere an
    /// inherited private property is invisible (the name means a dynamic property).
    pub fn access(&self, scope: Option<&Class>, name: &[u8]) -> PropAccess<'_> {
        let Some(p) = self.prop(name) else {
            return PropAccess::Dynamic;
        };
        if scope.is_some_and(|s| s.id == p.class) {
            return PropAccess::Declared(p);
        }
        if let Some(s) = scope
            && s.id != self.id
            && self.is_a(s)
            && let Some(own) = self
                .props
                .iter()
                .find(|q| q.class == s.id && q.is_private() && &q.name[..] == name)
        {
            return PropAccess::Declared(own);
        }
        if p.flags & flags::PRIVATE != 0 {
            if p.class != self.id {
                return PropAccess::Dynamic;
            }
            return PropAccess::Denied(p);
        }
        if p.flags & flags::PROTECTED != 0 && !self.protected_visible(scope, p.class) {
            return PropAccess::Denied(p);
        }
        PropAccess::Declared(p)
    }

    /// The name by which code in class `scope` sees the entry `key` of the table of an
    /// object of this class, or `None` when the entry is hidden from it (PHP's
    /// `zend_check_property_access`: `foreach`, `get_object_vars`).
    pub fn sees<'a>(&self, scope: Option<&Class>, key: &'a [u8]) -> Option<&'a [u8]> {
        let (name, mangled) = match unmangle(key) {
            Some((_, name)) => (name, true),
            None => (key, false),
        };
        let shown = match self.access(scope, name) {
            PropAccess::Declared(p) if p.is_private() => {
                unmangle(key).is_some_and(|(o, _)| o == &p.owner[..])
            }
            PropAccess::Declared(_) => !mangled || unmangle(key).is_some_and(|(o, _)| o == b"*"),
            PropAccess::Dynamic => !mangled,
            PropAccess::Denied(_) => false,
        };
        shown.then_some(name)
    }

    /// The key of property `name` in this class's objects as the class itself sees it (for
    /// the runtime's own reads and writes, such as an exception's `trace`).
    pub fn prop_key(&self, name: &[u8]) -> ArrayKey {
        match self.prop(name) {
            Some(p) => p.key(),
            None => prop_key(name),
        }
    }

    /// The name of a key of this class's objects and how it shows.
    pub fn shown<'a>(&self, key: &'a [u8]) -> (&'a [u8], Shown<'a>) {
        if let Some((owner, name)) = unmangle(key) {
            return match owner {
                b"*" => (name, Shown::Protected),
                _ => (name, Shown::Private(until_nul(owner))),
            };
        }
        let protected = self
            .props
            .iter()
            .any(|p| &p.name[..] == key && p.flags & flags::PROTECTED != 0);
        match protected {
            true => (key, Shown::Protected),
            false => (key, Shown::Public),
        }
    }

    /// The key `(array)` gives a key of this class's objects (protected properties under
    /// PHP's `"\0*\0name"`; private ones are mangled already).
    pub fn array_key(&self, key: &ArrayKey) -> ArrayKey {
        match key {
            ArrayKey::Str(s) if self.shown(s.as_bytes()).1 == Shown::Protected => {
                match unmangle(s.as_bytes()) {
                    Some(_) => key.clone(),
                    None => ArrayKey::from_bytes(&mangle(b"*", s.as_bytes())),
                }
            }
            _ => key.clone(),
        }
    }
}

impl fmt::Debug for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "class {}", self.display())
    }
}

/// The heap block of an object.
#[repr(C)]
pub struct ObjObj {
    /// Reference count and kind.
    pub header: Header,
    /// The class.
    pub class: &'static Class,
    /// The handle number (`#n`).
    pub handle: u32,
    /// Whether the destructor has run (or needs not run).
    destructed: Cell<bool>,
    /// The properties, declared ones first.
    props: UnsafeCell<Table>,
    /// What a built-in class keeps outside properties (a closure's function and bound
    /// variables...).
    internal: UnsafeCell<Option<Box<dyn std::any::Any>>>,
}

/// The key of property `name` in an object's table: always a string key (`$o->{'2'}` is the
/// property "2", not the int key an array would make of it).
pub fn prop_key(name: &[u8]) -> ArrayKey {
    ArrayKey::Str(crate::PhpString::new(name))
}

/// Runs `__destruct` of an object whose last owner went (installed by the VM).
pub type DestructorHook = fn(PhpObject);

thread_local! {
    /// Free handle numbers, the most recently freed last (Zend's free list).
    static FREE_HANDLES: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    /// The next handle number never used.
    static NEXT_HANDLE: Cell<u32> = const { Cell::new(1) };
    /// The VM's destructor hook.
    static DESTRUCTOR: Cell<Option<DestructorHook>> = const { Cell::new(None) };
    /// The live objects by handle number (for the destructors run at shutdown).
    static LIVE: RefCell<Vec<Option<NonNull<ObjObj>>>> = const { RefCell::new(Vec::new()) };
}

/// Runs the destructors of the objects still alive, in the order they were made (the end of
/// a program, after its global variables were released). The objects stay alive.
pub fn call_remaining_destructors() {
    let mut handle = 0;
    loop {
        let next = LIVE.with(|l| {
            let l = l.borrow();
            (handle..l.len()).find_map(|h| l[h].map(|p| (h, p)))
        });
        let Some((h, p)) = next else {
            break;
        };
        handle = h + 1;
        // SAFETY: objects in `LIVE` are alive (freeing one removes it first).
        let obj = unsafe { p.as_ref() };
        let Some(hook) = DESTRUCTOR.with(|d| d.get()) else {
            break;
        };
        if obj.destructed.get() {
            continue;
        }
        obj.destructed.set(true);
        obj.header.inc();
        // The hook owns the share added here.
        hook(PhpObject { ptr: p });
    }
}

/// Installs the function that runs destructors (`None`: objects are freed without them).
pub fn set_destructor_hook(hook: Option<DestructorHook>) {
    DESTRUCTOR.with(|d| d.set(hook));
}

/// An owned, shared handle on an object.
#[repr(transparent)]
pub struct PhpObject {
    ptr: NonNull<ObjObj>,
}

impl PhpObject {
    /// A new object of `class` with its declared properties at their defaults.
    pub fn new(class: &'static Class) -> PhpObject {
        let mut props = Table::new();
        for p in &class.props {
            // A typed property without a default starts unset, its place kept for when it is
            // first set (the table's tombstone for its key).
            if matches!(p.default.view(), crate::value::View::Undef) {
                props.insert(p.key(), Zval::NULL);
                drop(props.remove(p.key().as_ref()));
            } else {
                props.insert(p.key(), p.default.clone());
            }
        }
        PhpObject::with_props(class, props)
    }

    /// A new object of `class` holding `props`.
    pub fn with_props(class: &'static Class, props: Table) -> PhpObject {
        let handle = FREE_HANDLES
            .with(|f| f.borrow_mut().pop())
            .unwrap_or_else(|| NEXT_HANDLE.with(|n| n.replace(n.get() + 1)));
        let b = Box::new(ObjObj {
            header: Header::new(Kind::Object),
            class,
            handle,
            destructed: Cell::new(!class.methods.contains_key(&b"__destruct"[..])),
            props: UnsafeCell::new(props),
            internal: UnsafeCell::new(None),
        });
        let ptr = NonNull::from(Box::leak(b));
        LIVE.with(|l| {
            let mut l = l.borrow_mut();
            let h = handle as usize;
            if l.len() <= h {
                l.resize(h + 1, None);
            }
            l[h] = Some(ptr);
        });
        PhpObject { ptr }
    }

    fn obj(&self) -> &ObjObj {
        // SAFETY: the block lives while this handle does.
        unsafe { self.ptr.as_ref() }
    }

    /// The class.
    pub fn class(&self) -> &'static Class {
        self.obj().class
    }

    /// The handle number.
    pub fn handle(&self) -> u32 {
        self.obj().handle
    }

    /// The number of owners.
    pub fn refcount(&self) -> u32 {
        self.obj().header.refcount.get()
    }

    /// Whether two handles are the same object.
    pub fn ptr_eq(a: &PhpObject, b: &PhpObject) -> bool {
        a.ptr == b.ptr
    }

    /// The properties (borrowed: do not run PHP code while holding them).
    pub fn props(&self) -> &Table {
        // SAFETY: single-threaded; writers go through `props_mut`, whose borrows end before
        // PHP code runs.
        unsafe { &*self.obj().props.get() }
    }

    /// The properties, for writing (the borrow must end before PHP code runs).
    #[allow(clippy::mut_from_ref)]
    pub fn props_mut(&self) -> &mut Table {
        // SAFETY: as in `props`: objects are shared handles with interior mutability, and
        // callers keep no other borrow of the table alive meanwhile.
        unsafe { &mut *self.obj().props.get() }
    }

    /// A copy of property `name` as the object's class sees it (without dereferencing), if
    /// the object has it.
    pub fn get(&self, name: &[u8]) -> Option<Zval> {
        let key = self.class().prop_key(name);
        self.props().get(key.as_ref()).cloned()
    }

    /// Stores property `name` as the object's class sees it, returning the old value (for
    /// the caller to drop after the store).
    pub fn set(&self, name: &[u8], value: Zval) -> Option<Zval> {
        let key = self.class().prop_key(name);
        self.props_mut().insert(key, value)
    }

    /// `(array)` of the object: every property, private and protected ones under PHP's
    /// mangled names (uninitialized ones left out).
    pub fn to_array(&self) -> crate::PhpArray {
        let mut out = crate::PhpArray::new();
        for (k, v) in self.props().iter() {
            if !matches!(v.view(), crate::value::View::Undef) {
                drop(out.insert(self.class().array_key(k), v.clone()));
            }
        }
        out
    }

    /// Sets the internal state of a built-in class's object.
    pub fn set_internal(&self, state: Box<dyn std::any::Any>) {
        // SAFETY: single-threaded; no borrow of the state outlives `internal`'s callers.
        let old = unsafe { (*self.obj().internal.get()).replace(state) };
        drop(old);
    }

    /// The internal state, if it is a `T`.
    pub fn internal<T: 'static>(&self) -> Option<&T> {
        // SAFETY: as in `set_internal`; the state is replaced only by `set_internal`, which
        // callers do not call while holding this borrow.
        unsafe { (*self.obj().internal.get()).as_ref()?.downcast_ref::<T>() }
    }

    /// Gives up this handle as a raw pointer (for a [`Value`](crate::Value)).
    pub fn into_raw(self) -> *const ObjObj {
        let p = self.ptr.as_ptr();
        std::mem::forget(self);
        p
    }

    /// Takes back a handle given up by [`into_raw`](Self::into_raw).
    ///
    /// # Safety
    /// `p` came from `into_raw` and is taken back once.
    pub unsafe fn from_raw(p: *const ObjObj) -> PhpObject {
        PhpObject {
            // SAFETY: `into_raw` never returns null.
            ptr: unsafe { NonNull::new_unchecked(p as *mut ObjObj) },
        }
    }

    /// Borrows the object a payload refers to, without taking a reference.
    ///
    /// # Safety
    /// The slot holds a pointer from `into_raw` whose share is alive while it is borrowed.
    pub unsafe fn borrow_raw(slot: &u64) -> &PhpObject {
        // SAFETY: `PhpObject` is a transparent non-null pointer the size of a `u64`.
        unsafe { &*(slot as *const u64 as *const PhpObject) }
    }

    /// Marks the destructor as run (or never to run: objects left at shutdown after
    /// `exit` in a destructor).
    pub fn mark_destructed(&self) {
        self.obj().destructed.set(true);
    }

    /// Frees a block whose count reached zero.
    ///
    /// # Safety
    /// `h` is the header of an `ObjObj` made by `with_props` with no owners left.
    pub(crate) unsafe fn free(h: NonNull<Header>) {
        // SAFETY: the caller's contract; the box is rebuilt exactly once.
        let b = unsafe { Box::from_raw(h.as_ptr() as *mut ObjObj) };
        let handle = b.handle;
        LIVE.with(|l| l.borrow_mut()[handle as usize] = None);
        // As Zend: the handle is free once the properties are gone (objects they held free
        // theirs first, and objects their destructors make do not get this one).
        drop(b);
        crate::value::after_free(release_handle, handle);
    }
}

impl ObjObj {
    /// The object whose header is `h`, borrowed (for the cycle collector).
    ///
    /// # Safety
    /// `h` is a live `ObjObj`'s header.
    pub(crate) unsafe fn of<'a>(h: NonNull<Header>) -> &'a ObjObj {
        // SAFETY: the caller's contract; the header is the block's first field.
        unsafe { &*(h.as_ptr() as *const ObjObj) }
    }

    /// The properties and the internal state, borrowed (for the cycle collector).
    ///
    /// # Safety
    /// No `&mut` to either exists meanwhile (no PHP code runs while they are borrowed).
    pub(crate) unsafe fn parts(&self) -> (&Table, Option<&dyn std::any::Any>) {
        // SAFETY: the caller's contract.
        unsafe { (&*self.props.get(), (*self.internal.get()).as_deref()) }
    }

    /// Takes the properties and the internal state out (for the cycle collector, freeing a
    /// garbage cycle: the object is marked destructed, its destructor has run or there is
    /// none).
    ///
    /// # Safety
    /// No borrow of either is alive.
    pub(crate) unsafe fn take_parts(&self) -> (Table, Option<Box<dyn std::any::Any>>) {
        self.destructed.set(true);
        // SAFETY: the caller's contract.
        unsafe {
            (
                std::mem::take(&mut *self.props.get()),
                (*self.internal.get()).take(),
            )
        }
    }

    /// Whether `__destruct` is still to run.
    pub(crate) fn destructor_pending(&self) -> bool {
        !self.destructed.get()
    }
}

/// Runs the destructor of the object whose header is `h` unless it ran already (the cycle
/// collector's call, for a garbage object; the collector holds it meanwhile).
///
/// # Safety
/// `h` is a live `ObjObj`'s header.
pub(crate) unsafe fn destruct(h: NonNull<Header>) {
    // SAFETY: the caller's contract.
    let obj = unsafe { ObjObj::of(h) };
    if obj.destructed.replace(true) {
        return;
    }
    let Some(hook) = DESTRUCTOR.with(|d| d.get()) else {
        return;
    };
    obj.header.inc();
    // The hook owns the share added here.
    hook(PhpObject { ptr: h.cast() });
}

/// Puts a freed object's handle number on the free list.
fn release_handle(handle: u32) {
    FREE_HANDLES.with(|f| f.borrow_mut().push(handle));
}

impl Clone for PhpObject {
    fn clone(&self) -> PhpObject {
        self.obj().header.inc();
        PhpObject { ptr: self.ptr }
    }
}

impl Drop for PhpObject {
    fn drop(&mut self) {
        let o = self.obj();
        if o.header.refcount.get() == 1
            && !o.destructed.get()
            && let Some(hook) = DESTRUCTOR.with(|d| d.get())
        {
            o.destructed.set(true);
            // The hook takes this owner's share: the object is freed when it is done.
            hook(PhpObject { ptr: self.ptr });
            return;
        }
        if o.header.dec() == 0 {
            // SAFETY: the last owner is gone; `free` is this kind's.
            unsafe { free_block(self.ptr.cast(), PhpObject::free) };
        } else {
            crate::gc::possible_root(&o.header);
        }
    }
}

impl fmt::Debug for PhpObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "object({})#{}", self.class().display(), self.handle())
    }
}

/// A built-in class as a library declares it (the VM makes the [`Class`]).
pub struct ClassSpec {
    /// The name.
    pub name: &'static str,
    /// The parent class's name.
    pub parent: Option<&'static str>,
    /// The interfaces it implements (or, for an interface, extends).
    pub interfaces: &'static [&'static str],
    /// [`flags`] of the class.
    pub flags: u16,
    /// The instance properties it declares.
    pub props: &'static [PropSpec],
    /// The methods it declares: name, [`flags`], body.
    pub methods: &'static [(&'static str, u16, NativeMethod)],
}

/// A built-in class's property.
pub struct PropSpec {
    /// The name.
    pub name: &'static str,
    /// [`flags`] (visibility).
    pub flags: u16,
    /// The default value.
    pub default: SpecValue,
}

/// A default value in a [`ClassSpec`].
#[derive(Clone, Copy)]
pub enum SpecValue {
    /// `null`.
    Null,
    /// An int.
    Int(i64),
    /// A string.
    Str(&'static str),
    /// `[]`.
    EmptyArray,
}

impl SpecValue {
    /// The value.
    pub fn to_zval(self) -> Zval {
        match self {
            SpecValue::Null => Zval::NULL,
            SpecValue::Int(i) => Zval::int(i),
            SpecValue::Str(s) => Zval::str(s),
            SpecValue::EmptyArray => Zval::array(crate::PhpArray::new()),
        }
    }
}
