//! Objects: cells, closures, classes, instances, properties and methods.

use crate::code::Code;
use crate::error::LoxError;
use crate::object::{
    BoundMethod, Cell, Class, Closure, Header, INSTANCE_FIELDS, Instance, Kind, LoxString, Map,
};
use crate::ops::call::undefined_property;
use crate::table::AddrMap;
use crate::value::{Value, tag};
use crate::vm::{Frame, Vm, runtime_error, vm_of};
use metajit::{JitArray, Ref};

/// `BoxLocal(n)`: puts slot `n`'s value into a new cell.
#[metajit::dont_look_inside]
pub fn box_local(frame: &mut Frame, n: usize) {
    let vm = vm_of(frame);
    vm.safepoint(frame);
    let cell = vm.heap.alloc(Cell {
        header: Header::new(Kind::Cell),
        value: frame.slots[n],
    });
    frame.slots[n] = Value::object(tag::CELL, cell);
}

/// A closure of `code` over `upvalues` (the caller has passed a safepoint).
pub fn new_closure(
    vm: &mut Vm,
    code: &'static Code,
    upvalues: JitArray<Ref<Cell>>,
) -> Ref<Closure> {
    vm.heap.alloc(Closure {
        header: Header::new(Kind::Closure),
        code,
        upvalues,
    })
}

/// `Closure(k)`: slot `at` = a closure of function constant `k` of `code`, capturing cells of
/// `frame` and of its closure.
#[metajit::dont_look_inside]
pub fn make_closure(frame: &mut Frame, at: usize, code: &'static Code, k: usize) {
    let vm = vm_of(frame);
    let code = code.functions[k].expect("closure of a function constant");
    vm.safepoint(frame);
    let cells: Vec<Ref<Cell>> = code
        .upvalues
        .iter()
        .map(|c| match *c {
            crate::chunk::Capture::Local(n) => frame.slots[n as usize].as_ref::<Cell>(),
            crate::chunk::Capture::Upvalue(n) => frame.closure.upvalues[n as usize],
        })
        .collect();
    let mut upvalues = JitArray::new(cells.len(), Ref::dangling());
    upvalues.as_mut_slice().copy_from_slice(&cells);
    frame.slots[at] = Value::object(tag::CLOSURE, new_closure(vm, code, upvalues));
}

/// `Class(k)`: slot `at` = a new class named `name`, without methods.
#[metajit::dont_look_inside]
pub fn new_class(frame: &mut Frame, at: usize, name: u64) {
    let vm = vm_of(frame);
    let name = metajit::ref_from_addr::<LoxString>(name);
    vm.safepoint(frame);
    let class = vm.heap.alloc(Class {
        header: Header::new(Kind::Class),
        name,
        methods: AddrMap::default(),
        init: None,
    });
    frame.slots[at] = Value::object(tag::CLASS, class);
}

/// A new instance of `class` without fields, with room for [`INSTANCE_FIELDS`] (the caller
/// has passed a safepoint). Traced code allocates it in the trace: an instance that does not
/// escape is never allocated.
#[metajit::jit]
pub fn new_instance(vm: Ref<Vm>, class: Ref<Class>) -> Ref<Instance> {
    let map = vm.empty_map;
    metajit::new!(Instance {
        class,
        map,
        fields: JitArray::new(INSTANCE_FIELDS, Value::NIL),
    })
}

/// The address of `class`'s `init` method, or 0. Elidable, as [`method_of`].
#[metajit::elidable]
pub fn init_of(class: Ref<Class>) -> u64 {
    match class.init {
        Some(m) => m.addr() as u64,
        None => 0,
    }
}

/// The map `map` becomes when field `name` is added (made on first use, the same ever after;
/// names are interned). Elidable: in traces, a constant map and name fold to the next map.
#[metajit::elidable]
pub fn map_with(map: Ref<Map>, name: u64) -> Ref<Map> {
    map.with_field(metajit::ref_from_addr(name))
}

/// How many fields `map` lays out (folded in traces).
#[metajit::elidable]
pub fn map_len(map: Ref<Map>) -> u32 {
    map.len()
}

/// A safepoint for traced code, before it allocates: collects when allocations made by
/// compiled code (which never collects) made a collection due ([`Vm::gc_due`]). In traces a
/// load and a guard; the collection is a residual call, before which the frame is written back,
/// so the roots are complete.
#[metajit::jit]
pub fn safepoint_if_due(frame: &mut Frame) {
    if frame.vm.gc_due {
        safepoint(frame);
    }
}

/// [`Vm::safepoint`] from traced code.
#[metajit::dont_look_inside]
fn safepoint(frame: &mut Frame) {
    let vm = vm_of(frame);
    vm.safepoint(frame);
}

/// `Inherit`: copies the methods of the superclass in slot `at` into the class above it.
#[metajit::dont_look_inside]
pub fn inherit(frame: &mut Frame, at: usize) -> Result<(), LoxError> {
    let superclass = frame.slots[at];
    if superclass.tag != tag::CLASS {
        let pc = frame.pc;
        let msg = "Superclass must be a class.".to_string();
        return Err(runtime_error(frame, pc, msg));
    }
    let superclass = superclass.as_ref::<Class>();
    // SAFETY: the class is alive (in a slot) and nothing else borrows it now.
    let class = unsafe { frame.slots[at + 1].as_ref::<Class>().get_mut() };
    for (&name, &m) in superclass.methods.iter() {
        class.methods.insert(name, m);
    }
    class.init = superclass.init;
    Ok(())
}

/// `Method(k)`: adds the closure in slot `at + 1` to the class in slot `at` as `name`.
#[metajit::dont_look_inside]
pub fn add_method(frame: &mut Frame, at: usize, name: u64) {
    let vm = vm_of(frame);
    let (class, method) = (frame.slots[at], frame.slots[at + 1]);
    let name = metajit::ref_from_addr::<LoxString>(name);
    // SAFETY: the class is alive (in a slot) and nothing else borrows it now.
    let class = unsafe { class.as_ref::<Class>().get_mut() };
    let method = method.as_ref::<Closure>();
    class.methods.insert(name.addr(), method);
    if name == vm.init_name {
        class.init = Some(method);
    }
}

/// Where field `name` (an interned name's address) is in instances of `map` (-1: absent).
/// Pure: a map never changes, and names are the program's constants. In traces the map is
/// promoted and the name constant, so the lookup folds to a constant index.
#[metajit::elidable]
pub fn field_index(map: Ref<Map>, name: u64) -> i64 {
    match map.index_of(metajit::ref_from_addr(name)) {
        Some(i) => i as i64,
        None => -1,
    }
}

/// The method `name` of `class` (inherited ones included).
pub fn find_method(class: Ref<Class>, name: Ref<LoxString>) -> Option<Ref<Closure>> {
    class.methods.get(&name.addr()).copied()
}

/// The address of method `name` (an interned name's address) of `class`, or 0. Elidable: a
/// class's methods are all added by its declaration, before any of its instances exists (and
/// so before any method call on one can be traced).
#[metajit::elidable]
pub fn method_of(class: Ref<Class>, name: u64) -> u64 {
    match find_method(class, metajit::ref_from_addr(name)) {
        Some(m) => m.addr() as u64,
        None => 0,
    }
}

/// `GetProperty(name)`: replaces the instance in slot `at` by its property `name`.
#[metajit::dont_look_inside]
pub fn get_property(frame: &mut Frame, at: usize, name: u64) -> Result<(), LoxError> {
    let vm = vm_of(frame);
    let pc = frame.pc;
    frame.slots[at] = property(vm, frame, pc, at, metajit::ref_from_addr(name))?;
    Ok(())
}

/// `instance.name` for the value in slot `at`: a field, or a bound method.
fn property(
    vm: &mut Vm,
    frame: &mut Frame,
    pc: usize,
    at: usize,
    name: Ref<LoxString>,
) -> Result<Value, LoxError> {
    let receiver = frame.slots[at];
    if receiver.tag != tag::INSTANCE {
        let msg = "Only instances have properties.".to_string();
        return Err(runtime_error(frame, pc, msg));
    }
    let instance = receiver.as_ref::<Instance>();
    if let Some(i) = instance.map.index_of(name) {
        return Ok(instance.fields[i as usize]);
    }
    match find_method(instance.class, name) {
        Some(method) => Ok(bind(vm, frame, receiver, method)),
        None => {
            frame.pc = pc;
            Err(undefined_property(frame, name))
        }
    }
}

/// `GetSuper(name)`: slot `at` (`this`) = `super.name` bound to `this`, with the superclass in
/// slot `at + 1`.
#[metajit::dont_look_inside]
pub fn get_super(frame: &mut Frame, at: usize, name: u64) -> Result<(), LoxError> {
    let vm = vm_of(frame);
    let name = metajit::ref_from_addr::<LoxString>(name);
    let superclass = frame.slots[at + 1].as_ref::<Class>();
    match find_method(superclass, name) {
        Some(method) => {
            frame.slots[at] = bind(vm, frame, frame.slots[at], method);
            Ok(())
        }
        None => Err(undefined_property(frame, name)),
    }
}

fn bind(vm: &mut Vm, frame: &mut Frame, receiver: Value, method: Ref<Closure>) -> Value {
    vm.safepoint(frame);
    let bound = vm.heap.alloc(BoundMethod {
        header: Header::new(Kind::BoundMethod),
        receiver,
        method,
    });
    Value::object(tag::BOUND_METHOD, bound)
}

/// `instance.name = value` with the instance in slot `at` and the value above it.
#[metajit::dont_look_inside]
pub fn set_property(frame: &mut Frame, at: usize, name: u64) -> Result<(), LoxError> {
    let name = metajit::ref_from_addr::<LoxString>(name);
    let pc = frame.pc;
    let receiver = frame.slots[at];
    if receiver.tag != tag::INSTANCE {
        let msg = "Only instances have fields.".to_string();
        return Err(runtime_error(frame, pc, msg));
    }
    let value = frame.slots[at + 1];
    // SAFETY: the instance is alive (in a slot) and nothing else borrows it now.
    let instance = unsafe { receiver.as_ref::<Instance>().get_mut() };
    match instance.map.index_of(name) {
        Some(i) => instance.fields[i as usize] = value,
        None => {
            let i = instance.map.len() as usize;
            if i >= instance.fields.len() {
                instance.fields = instance.fields.resized((2 * i).max(4), Value::NIL);
            }
            instance.fields[i] = value;
            instance.map = instance.map.with_field(name);
        }
    }
    Ok(())
}
