//! Call frames: one call's slots, function and caller ([`Frame`]), made once per call depth
//! and reused ([`enter_frame`], [`leave_frame`]).

use crate::code::Code;
use crate::vm::Vm;
use metajit::{JitArray, Ref};
use php_compiler::NONE;
use php_runtime::{Value, Zval};

/// One call's state: its slots (variables, then temporaries), the function, and its caller.
/// It is the JIT's virtualizable: in traces, the slots and `pc` live in registers.
#[derive(metajit::JitStruct)]
#[repr(C)]
pub struct Frame {
    /// The slots.
    #[jit(virtualizable_array)]
    pub slots: JitArray<Value>,
    /// The instruction being run, kept up to date where an error or a call may need it.
    #[jit(virtualizable)]
    pub pc: usize,
    /// The function running in this frame.
    #[jit(immutable)]
    pub code: &'static Code,
    /// The VM.
    #[jit(immutable)]
    pub vm: Ref<Vm>,
    /// The caller's frame (`None` for the script).
    pub parent: Option<Ref<Frame>>,
    /// 1 for the script, one more per call.
    pub depth: u32,
    /// The number of arguments the call passed.
    pub argc: u32,
    /// The class `static` means in the call (late static binding): an id, or `NONE`.
    pub static_class: u32,
}

/// The VM a frame belongs to.
pub fn vm_of<'a>(frame: &Frame) -> &'a mut Vm {
    // SAFETY: the VM outlives every frame (frames exist only while `Vm::run_program` runs),
    // and the interpreter touches it through one path at a time.
    unsafe { frame.vm.get_mut() }
}

/// The frame for a call at `depth` running `code`, called from `caller`: the depth's frame,
/// every slot unset (the arguments are copied in after).
pub fn enter_frame(
    vm: Ref<Vm>,
    depth: u32,
    code: &'static Code,
    caller: Option<Ref<Frame>>,
) -> Ref<Frame> {
    // SAFETY: as in `vm_of`.
    let vm_mut = unsafe { vm.get_mut() };
    while vm_mut.frames.len() < depth as usize {
        let d = vm_mut.frames.len() as u32 + 1;
        vm_mut.frames.push(Box::new(Frame {
            slots: JitArray::new(0, Value::UNDEF),
            pc: 0,
            code,
            vm,
            parent: caller,
            depth: d,
            argc: 0,
            static_class: NONE,
        }));
    }
    let frame = &mut vm_mut.frames[depth as usize - 1];
    let needed = code.func.slots as usize;
    if frame.slots.len() != needed {
        frame.slots = JitArray::new(needed, Value::UNDEF);
    }
    frame.code = code;
    frame.parent = caller;
    frame.pc = 0;
    frame.static_class = NONE;
    Ref::new_mut(&mut **frame)
}

/// The script's own frame (depth 1), which holds the global variables.
pub fn main_frame<'a>(vm: &mut Vm) -> Option<&'a mut Frame> {
    let f: *mut Frame = &mut **vm.frames.first_mut()?;
    // SAFETY: frames are boxed and live while the program runs; callers use it only when the
    // frame they run in is another one.
    Some(unsafe { &mut *f })
}

/// Releases every slot of a frame that is done (a return, or an error leaving it).
pub fn leave_frame(frame: &mut Frame) {
    let depth = frame.depth as usize;
    let dynamic = vm_of(frame).dynamic_vars.get_mut(depth).map(std::mem::take);
    drop(dynamic);
    for s in frame.slots.as_mut_slice() {
        let v = std::mem::replace(s, Value::UNDEF);
        // SAFETY: each slot owned its value.
        drop(unsafe { Zval::from_raw(v) });
    }
}
