//! Heap objects: strings, cells, closures, classes, instances, bound methods and natives.
//!
//! Every object is `#[repr(C)]` and starts with a [`Header`] that links it into the heap's list
//! of all objects (for the sweep) and holds its mark bit. Objects refer to each other with
//! [`Ref`]s, which do not own: the [`heap`](crate::heap) frees what the last collection did not
//! reach. Instances keep their fields in a flat array laid out by a [`Map`] (a hidden class),
//! shared by every instance that got the same fields in the same order.

use crate::code::Code;
use crate::table::AddrMap;
use crate::value::Value;
use metajit::{JitArray, Ref};
use std::cell::{Cell as StdCell, RefCell};
use std::rc::Rc;

/// What an object is (for the collector, which walks objects without a [`Value`] tag).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// [`LoxString`].
    String,
    /// [`Cell`].
    Cell,
    /// [`Closure`].
    Closure,
    /// [`Class`].
    Class,
    /// [`Instance`].
    Instance,
    /// [`BoundMethod`].
    BoundMethod,
    /// [`Native`].
    Native,
    /// [`Frame`](crate::vm::Frame) made by traced code.
    Frame,
}

/// The start of every object.
#[repr(C)]
pub struct Header {
    /// The next object in the heap's list.
    pub next: *mut Header,
    /// What the object is.
    pub kind: Kind,
    /// Reached by the current collection.
    pub marked: StdCell<bool>,
}

impl Header {
    /// A header for a new object of `kind` (the heap links it).
    pub fn new(kind: Kind) -> Header {
        Header {
            next: std::ptr::null_mut(),
            kind,
            marked: StdCell::new(false),
        }
    }
}

/// An interned string.
#[repr(C)]
pub struct LoxString {
    /// The header.
    pub header: Header,
    /// The characters (shared with the intern table's key).
    pub text: Rc<str>,
}

/// A captured variable: a local that closures share.
#[repr(C)]
#[derive(metajit::JitStruct)]
pub struct Cell {
    /// The header.
    pub header: Header,
    /// The variable's value.
    pub value: Value,
}

/// A function value: code and the cells it captured.
#[repr(C)]
#[derive(metajit::JitStruct)]
pub struct Closure {
    /// The header.
    pub header: Header,
    /// The function's code.
    #[jit(immutable)]
    pub code: &'static Code,
    /// The captured cells, in the order of the code's upvalues.
    #[jit(immutable)]
    pub upvalues: JitArray<Ref<Cell>>,
}

/// A class.
#[repr(C)]
pub struct Class {
    /// The header.
    pub header: Header,
    /// The class's name.
    pub name: Ref<LoxString>,
    /// Its methods (inherited ones copied in), by name.
    pub methods: AddrMap<Ref<Closure>>,
    /// The `init` method, if any.
    pub init: Option<Ref<Closure>>,
}

/// An instance of a class.
#[repr(C)]
#[derive(metajit::JitStruct)]
pub struct Instance {
    /// The header.
    pub header: Header,
    /// Its class.
    pub class: Ref<Class>,
    /// The layout of its fields.
    pub map: Ref<Map>,
    /// The fields' values, at the indices the map gives (the array may be longer than the
    /// map: room to grow).
    pub fields: JitArray<Value>,
}

/// Room for this many fields in a new instance (more grow its array).
pub const INSTANCE_FIELDS: usize = 4;

// SAFETY: `blank` returns a live instance of the current VM's heap whose fields `new!` sets
// (class, map, fields) own nothing: placeholder references and the empty array.
unsafe impl metajit::JitNew for Instance {
    const BLANK_WRITES: Option<&'static [&'static str]> = Some(&["Vm.gc_due"]);

    fn blank() -> Ref<Instance> {
        crate::heap::new_object(Instance {
            header: Header::new(Kind::Instance),
            class: Ref::dangling(),
            map: Ref::dangling(),
            fields: JitArray::empty(),
        })
    }
}

/// A method bound to its receiver (`instance.method` without a call).
#[repr(C)]
pub struct BoundMethod {
    /// The header.
    pub header: Header,
    /// `this`.
    pub receiver: Value,
    /// The method.
    pub method: Ref<Closure>,
}

/// A native function (only `clock` in Lox).
#[repr(C)]
pub struct Native {
    /// The header.
    pub header: Header,
    /// The function.
    pub function: fn(&[Value]) -> Value,
}

/// A hidden class: which field (by interned name) is at which index. Maps form a tree from the
/// empty map, one edge per added field, so instances that gained the same fields in the same
/// order share a map. Maps are never freed while the VM lives (their addresses stay valid),
/// and names are the program's constants, which live as long.
pub struct Map {
    index: AddrMap<u32>,
    len: u32,
    transitions: RefCell<AddrMap<Box<Map>>>,
}

impl Map {
    /// The map with no fields.
    pub fn empty() -> Map {
        Map {
            index: AddrMap::default(),
            len: 0,
            transitions: RefCell::new(AddrMap::default()),
        }
    }

    /// Where field `name` is, if the map has it.
    pub fn index_of(&self, name: Ref<LoxString>) -> Option<u32> {
        self.index.get(&name.addr()).copied()
    }

    /// How many fields the map lays out.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether the map has no fields.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The map with `name` added after this map's fields (created on first use).
    pub fn with_field(&self, name: Ref<LoxString>) -> Ref<Map> {
        let mut transitions = self.transitions.borrow_mut();
        let next = transitions.entry(name.addr()).or_insert_with(|| {
            let mut index = self.index.clone();
            index.insert(name.addr(), self.len);
            Box::new(Map {
                index,
                len: self.len + 1,
                transitions: RefCell::new(AddrMap::default()),
            })
        });
        Ref::new(&**next)
    }
}
