//! The virtual machine: loaded code ([`Code`]), its state ([`Vm`]), call frames ([`Frame`])
//! and the dispatch loop ([`run`]), annotated for metajit.
//!
//! Each PHP call runs in its own invocation of [`run`] with its own frame (RPython's call
//! design, as Lox's: the portal is re-entered per call). Calls are residual calls for now: the
//! callee's `run` keeps its JIT, but traces do not inline calls yet. Frames are made once per
//! call depth and reused.
//!
//! Every slot of a frame owns its value: writing a slot releases what it held
//! ([`ops::put`](crate::ops::put)), copying a value into a slot adds a reference.

use crate::ops::{
    self, arith, array, call, callable, exception, object, output, props, refs, vars,
};
use metajit::JitDriver;
use metajit::cli::Output;
use php_compiler::{NONE, Op, RefOp};
use php_runtime::PhpError;
use php_runtime::object::Class;
use php_runtime::value::PhpRef;
use php_runtime::{Builtin, Value, Zval, tag};
use std::collections::HashMap;
use std::rc::Rc;

/// The most nested calls: one more is PHP's memory-limit error (frames are what recursion
/// uses up; the figure keeps the native stack of the VM's thread, which re-enters the loop
/// per call, within its size).
pub const MAX_DEPTH: u32 = 50_000;

pub use crate::code::{Callee, Code};
pub use crate::frame::{Frame, enter_frame, leave_frame, main_frame, vm_of};

/// The interpreter's state.
#[derive(metajit::JitStruct)]
#[repr(C)]
pub struct Vm {
    /// Where `echo` writes.
    pub output: Output,
    /// The JIT.
    pub jit: Rc<JitDriver>,
    /// The script's path as PHP prints it in messages.
    pub file: String,
    /// The built-in functions: the one of a lowercase name.
    pub(crate) builtins: fn(&[u8]) -> Option<(&'static str, Builtin)>,
    /// User constants (`define`, `const`), by name.
    pub constants: HashMap<Vec<u8>, Zval>,
    /// Global variables that are not variables of the script's own code (made by `global` in
    /// a function), by name.
    pub extra_globals: HashMap<Vec<u8>, PhpRef>,
    /// Static variables, by function (its `Code`'s address) and slot.
    pub statics: HashMap<(usize, usize), PhpRef>,
    /// The error-reporting level: which diagnostics are printed.
    pub error_reporting: i64,
    /// The arguments of each call depth beyond its (non-variadic) parameters, for
    /// `func_get_args()`.
    pub extra_args: Vec<Vec<Zval>>,
    /// Output buffers (`ob_start`), innermost last: output goes to the last one.
    pub buffers: Vec<Vec<u8>>,
    /// The user functions by lowercase name.
    pub functions: HashMap<Vec<u8>, &'static Code>,
    /// The closures of every loaded file (`Op::MakeClosure` names them by index).
    pub closures: Vec<&'static Code>,
    /// The declarations inside blocks of every loaded file, until they run.
    pub late: Vec<Option<(php_compiler::bytecode::LateDecl, &'static str)>>,
    /// The files included so far (for `include_once`), by real path.
    pub included: std::collections::HashSet<std::path::PathBuf>,
    /// The by-reference parameters of the built-in functions (to compile included files).
    pub builtin_refs: &'static [(&'static str, &'static [usize])],
    /// The classes by lowercase name.
    pub classes: HashMap<Vec<u8>, &'static Class>,
    /// The classes by id.
    pub class_list: Vec<&'static Class>,
    /// The code of every method, indexed by [`MethodBody::User`](php_runtime::object::MethodBody).
    pub methods: Vec<&'static Code>,
    /// What linking learned about each class (member order, prototypes) for its subclasses.
    pub links: crate::links::Links,
    /// The built-in classes to make.
    pub class_specs: &'static [php_runtime::object::ClassSpec],
    /// An exception a destructor threw, reported when the program ends.
    pub pending: Option<PhpError>,
    /// The depth of the call running now (1: the script).
    pub depth: u32,
    /// `set_error_handler`: the handlers and their level masks, the current one last.
    pub error_handlers: Vec<(Zval, i64)>,
    /// Whether the error handler is running (it is not called for its own errors).
    pub in_error_handler: bool,
    /// `set_exception_handler`: the handlers, the current one last.
    pub exception_handlers: Vec<Zval>,
    /// `register_shutdown_function`: the callbacks and their arguments.
    pub shutdown_functions: Vec<(Zval, Vec<Zval>)>,
    /// The call depth whose next call keeps a returned reference (`Op::KeepRef`), or 0.
    pub keep_ref: u32,
    /// The ini settings (`ini_get`, `ini_set`, `-d`).
    pub ini: HashMap<String, String>,
    /// The last diagnostic (`error_get_last`): its level, message, file and line.
    pub last_error: Option<(i64, String, String, u32)>,
    /// The configuration (`get_cfg_var`): what `-d` set, as no ini file is read.
    pub cfg: HashMap<String, String>,
    /// Variables only `$$name` made, per call depth (the script's are extra globals).
    pub dynamic_vars: Vec<HashMap<Vec<u8>, PhpRef>>,
    /// `spl_autoload_register`: the autoloaders, in the order they are tried.
    pub autoloaders: Vec<Zval>,
    /// `assert_options(ASSERT_CALLBACK)`: called when an assertion fails.
    pub assert_callback: Option<Zval>,
    /// The names of the built-in functions `builtins` finds (`get_defined_functions`).
    pub builtin_names: fn() -> Vec<&'static str>,
    /// The constants defined before the program starts (the others are the program's).
    pub internal_constants: std::collections::HashSet<Vec<u8>>,
    /// The files included so far, in the order they were first included.
    pub included_list: Vec<std::path::PathBuf>,
    /// The frame of each call depth (index `depth - 1`), made on first use and reused. Boxed:
    /// frames link to their callers and must not move when the vector grows.
    #[allow(clippy::vec_box)]
    pub(crate) frames: Vec<Box<Frame>>,
}

/// Runs `code` in `frame` from `frame.pc` until it returns, leaving the returned value in
/// slot 0, and catches what it throws where a `try` of the function covers the throwing
/// instruction (the dispatch loop is left for that and entered again at the handler).
pub fn execute(jit: &JitDriver, code: &'static Code, frame: &mut Frame) -> Result<(), PhpError> {
    loop {
        match run(jit, code, frame) {
            Err(PhpError::Exception(e)) => frame.pc = crate::ops::exception::catch(frame, e)?,
            result => return result,
        }
    }
}

/// Runs `code` in `frame` until it returns, leaving the returned value in slot 0: the dispatch
/// loop, annotated for the JIT. The position `pc` and the function `code` are green; the frame
/// is red and virtualizable. Ints and floats are computed here (in traces: registers, guarded
/// tags); everything else goes through the residual calls of [`ops`].
#[metajit::interpreter(greens(pc, code), reds(frame), virtualizable(frame), driver = jit)]
pub fn run(jit: &JitDriver, code: &'static Code, frame: &mut Frame) -> Result<(), PhpError> {
    let mut pc = frame.pc;
    loop {
        metajit::merge_point!();
        match code.func.ops[pc] {
            Op::Const { dst, k } => {
                let v = code.constants[k as usize];
                ops::put_copy(frame, dst as usize, v);
            }
            Op::Load { dst, cv } => {
                let v = frame.slots[cv as usize];
                if v.tag == tag::UNDEF {
                    frame.pc = pc;
                    vars::undefined(frame, cv as usize)?;
                    ops::put(frame, dst as usize, Value::NULL);
                } else if v.tag == tag::REFERENCE {
                    vars::load_through(frame, dst as usize, cv as usize);
                } else {
                    ops::put_copy(frame, dst as usize, v);
                }
            }
            Op::LoadQuiet { dst, cv } => {
                let v = frame.slots[cv as usize];
                if v.tag == tag::UNDEF {
                    ops::put(frame, dst as usize, Value::NULL);
                } else if v.tag == tag::REFERENCE {
                    vars::load_through(frame, dst as usize, cv as usize);
                } else {
                    ops::put_copy(frame, dst as usize, v);
                }
            }
            Op::Assign { cv, src } => {
                if frame.slots[cv as usize].tag == tag::REFERENCE {
                    vars::assign_through(frame, cv as usize, src as usize);
                } else {
                    let v = frame.slots[src as usize];
                    ops::put_copy(frame, cv as usize, v);
                }
            }
            Op::Copy { dst, src } => {
                let v = frame.slots[src as usize];
                ops::put_copy(frame, dst as usize, v);
            }
            Op::AssignRef { cv, src } => vars::assign_ref(frame, cv as usize, src as usize),
            Op::MakeRef { dst, cv } => vars::make_ref(frame, dst as usize, cv as usize),
            Op::BindGlobal { cv, name } => vars::bind_global(frame, cv as usize, name as usize),
            Op::BindStatic { cv, init } => vars::bind_static(frame, cv as usize, init as usize),
            Op::Binary { op, dst, a, b } => {
                // Green data live across guards must be plain integers.
                let op = op as u8;
                let (x, y) = (frame.slots[a as usize], frame.slots[b as usize]);
                if x.tag == tag::INT && y.tag == tag::INT {
                    let (i, j) = (x.bits as i64, y.bits as i64);
                    let r = arith::int_binary(op, i, j);
                    if r.tag != tag::UNDEF {
                        ops::put(frame, dst as usize, r);
                    } else {
                        frame.pc = pc;
                        arith::binary(frame, op, dst as usize, a as usize, b as usize)?;
                    }
                } else {
                    frame.pc = pc;
                    arith::binary(frame, op, dst as usize, a as usize, b as usize)?;
                }
            }
            Op::Unary { op, dst, a } => {
                let op = op as u8;
                frame.pc = pc;
                arith::unary(frame, op, dst as usize, a as usize)?;
            }
            Op::Step { step, cv, dst } => {
                let step = step as u8;
                frame.pc = pc;
                vars::step(frame, step, cv as usize, dst as usize)?;
            }
            Op::Jump { to } => {
                pc = to as usize;
                continue;
            }
            Op::Loop { to } => {
                if metajit::interrupt_pending() {
                    frame.pc = pc;
                    crate::limits::interrupted(frame)?;
                }
                pc = to as usize;
                metajit::can_enter_jit!();
                continue;
            }
            Op::JumpIf { cond, to } => {
                if ops::truthy(frame.slots[cond as usize]) {
                    pc = to as usize;
                    continue;
                }
            }
            Op::JumpIfNot { cond, to } => {
                if !ops::truthy(frame.slots[cond as usize]) {
                    pc = to as usize;
                    continue;
                }
            }
            Op::JumpIfNotNull { src, to } => {
                if frame.slots[src as usize].tag != tag::NULL {
                    pc = to as usize;
                    continue;
                }
            }
            Op::Echo { src } => {
                frame.pc = pc;
                output::echo(frame, src as usize)?;
            }
            Op::Call {
                name,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                call::call(
                    frame,
                    name as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::CallArray { name, args, dst } => {
                frame.pc = pc;
                call::call_array(frame, name as usize, args as usize, dst as usize)?;
            }
            Op::ArraySpread { arr, src } => {
                frame.pc = pc;
                array::spread(frame, arr as usize, src as usize)?;
            }
            Op::RecvTyped => {}
            Op::VerifyReturn { src } => {
                frame.pc = pc;
                ops::types::verify_return(frame, src as usize)?;
            }
            Op::Return { src } => {
                ops::return_value(frame, src as usize);
                return Ok(());
            }
            Op::NewArray { dst } => array::new_array(frame, dst as usize),
            Op::ArrayAppend { arr, val } => {
                frame.pc = pc;
                array::literal_item(frame, arr as usize, NONE as usize, val as usize)?;
            }
            Op::ArrayInsert { arr, key, val } => {
                frame.pc = pc;
                array::literal_item(frame, arr as usize, key as usize, val as usize)?;
            }
            Op::FetchDim { dst, base, key } => {
                frame.pc = pc;
                array::fetch_dim(frame, dst as usize, base as usize, key as usize, false)?;
            }
            Op::IssetDim { dst, base, key } => {
                frame.pc = pc;
                array::isset_dim(frame, dst as usize, base as usize, key as usize)?;
            }
            Op::EmptyDim { dst, base, key } => {
                frame.pc = pc;
                ops::array_access::empty_dim(frame, dst as usize, base as usize, key as usize)?;
            }
            Op::FetchDimQuiet { dst, base, key } => {
                frame.pc = pc;
                array::fetch_dim(frame, dst as usize, base as usize, key as usize, true)?;
            }
            Op::FetchDimObj {
                dst,
                cv,
                prop,
                keys,
                n,
                append,
                create,
                warn,
            } => {
                frame.pc = pc;
                array::fetch_dim_obj(
                    frame,
                    dst as usize,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    append,
                    create,
                    warn,
                )?;
            }
            Op::FetchList { dst, base, key } => {
                frame.pc = pc;
                array::fetch_list(frame, dst as usize, base as usize, key as usize)?;
            }
            Op::AssignDim {
                cv,
                prop,
                keys,
                n,
                append,
                val,
            } => {
                frame.pc = pc;
                array::assign_dim(
                    frame,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    append,
                    val as usize,
                )?;
            }
            Op::AssignDimOp {
                op,
                cv,
                prop,
                keys,
                n,
                val,
                dst,
            } => {
                let op = op as u8;
                frame.pc = pc;
                array::assign_dim_op(
                    frame,
                    op,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    val as usize,
                    dst as usize,
                )?;
            }
            Op::StepDim {
                step,
                cv,
                prop,
                keys,
                n,
                dst,
            } => {
                let step = step as u8;
                frame.pc = pc;
                array::step_dim(
                    frame,
                    step,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    dst as usize,
                )?;
            }
            Op::UnsetDim { cv, prop, keys, n } => {
                frame.pc = pc;
                array::unset_dim(frame, cv as usize, prop as usize, keys as usize, n as usize)?;
            }
            Op::UnsetCv { cv } => array::unset_cv(frame, cv as usize),
            Op::ConcatAssign { cv, val } => {
                frame.pc = pc;
                vars::concat_assign(frame, cv as usize, val as usize)?;
            }
            Op::New {
                cls,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                object::new_object(
                    frame,
                    cls as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::FetchProp {
                dst,
                obj,
                name,
                quiet,
            } => {
                frame.pc = pc;
                props::fetch_prop(frame, dst as usize, obj as usize, name as usize, quiet)?;
            }
            Op::IssetProp { dst, obj, name } => {
                frame.pc = pc;
                props::isset_prop(frame, dst as usize, obj as usize, name as usize)?;
            }
            Op::AssignProp { obj, name, val } => {
                frame.pc = pc;
                props::assign_prop(frame, obj as usize, name as usize, val as usize)?;
            }
            Op::AssignPropOp {
                op,
                obj,
                name,
                val,
                dst,
            } => {
                let op = op as u8;
                frame.pc = pc;
                props::assign_prop_op(
                    frame,
                    op,
                    obj as usize,
                    name as usize,
                    val as usize,
                    dst as usize,
                )?;
            }
            Op::StepProp {
                step,
                obj,
                name,
                dst,
            } => {
                let step = step as u8;
                frame.pc = pc;
                props::step_prop(frame, step, obj as usize, name as usize, dst as usize)?;
            }
            Op::UnsetProp { obj, name } => {
                frame.pc = pc;
                props::unset_prop(frame, obj as usize, name as usize)?;
            }
            Op::CallMethod {
                obj,
                name,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                object::call_method(
                    frame,
                    obj as usize,
                    name as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::CallStatic {
                cls,
                name,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                object::call_static(
                    frame,
                    cls as usize,
                    name as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::FetchClassConst { dst, cls, name } => {
                frame.pc = pc;
                object::class_const(frame, dst as usize, cls as usize, name as usize)?;
            }
            Op::StaticPropRef { dst, cls, name } => {
                frame.pc = pc;
                object::static_prop_ref(frame, dst as usize, cls as usize, name as usize)?;
            }
            Op::InstanceOf { dst, src, cls } => {
                frame.pc = pc;
                object::instance_of(frame, dst as usize, src as usize, cls as usize)?;
            }
            Op::Clone { dst, src } => {
                frame.pc = pc;
                object::clone(frame, dst as usize, src as usize)?;
            }
            Op::Throw { src } => {
                frame.pc = pc;
                exception::throw_value(frame, src as usize)?;
            }
            Op::FreeTemps { from, n } => ops::free_temps(frame, from as usize, n as usize),
            Op::Globals { dst } => vars::globals(frame, dst as usize),
            Op::KeepRef => vars::keep_ref(frame),
            Op::Ref(RefOp::FetchList { dst, base, key }) => {
                frame.pc = pc;
                refs::fetch_list(frame, dst as usize, base as usize, key as usize)?;
            }
            Op::Ref(RefOp::Expect { src, need }) => {
                let need = need as u8;
                frame.pc = pc;
                refs::expect(frame, src as usize, need)?;
            }
            Op::Ref(RefOp::NotPassable { name, n }) => {
                frame.pc = pc;
                refs::not_passable(frame, name as usize, n as usize)?;
            }
            Op::Ref(RefOp::SpreadArgs { arr, src, name }) => {
                frame.pc = pc;
                refs::spread_args(frame, arr as usize, src as usize, name as usize)?;
            }
            Op::Ref(RefOp::SendModes {
                dst,
                kind,
                target,
                name,
                argc,
            }) => {
                let kind = kind as u8;
                frame.pc = pc;
                ops::send::send_modes(
                    frame,
                    dst as usize,
                    kind,
                    target as usize,
                    name as usize,
                    argc as usize,
                )?;
            }
            Op::Ref(RefOp::CannotPass {
                mode,
                kind,
                target,
                name,
                n,
            }) => {
                let kind = kind as u8;
                frame.pc = pc;
                ops::send::cannot_pass(
                    frame,
                    mode as usize,
                    kind,
                    target as usize,
                    name as usize,
                    n as usize,
                )?;
            }
            Op::Ref(RefOp::BindGlobal { name }) => {
                frame.pc = pc;
                refs::bind_global(frame, name as usize)?;
            }
            Op::Ref(RefOp::UnsetVar { name }) => {
                frame.pc = pc;
                refs::unset_var(frame, name as usize)?;
            }
            Op::Declare { index } => {
                frame.pc = pc;
                crate::load::declare_late(frame, index as usize)?;
            }
            Op::LoadVarVar { dst, name, quiet } => {
                frame.pc = pc;
                vars::load_var_var(frame, dst as usize, name as usize, quiet)?;
            }
            Op::VarVarRef { dst, name } => vars::var_var_ref(frame, dst as usize, name as usize),
            Op::GlobalRef { dst, name } => vars::global_ref(frame, dst as usize, name as usize),
            Op::GlobalUnset { name } => vars::global_unset(frame, name as usize),
            Op::GlobalFetch { dst, name } => {
                frame.pc = pc;
                vars::global_fetch(frame, dst as usize, name as usize)?;
            }
            Op::Eval { dst, src } => {
                frame.pc = pc;
                crate::load::eval(frame, dst as usize, src as usize)?;
            }
            Op::Include { dst, src, kind } => {
                frame.pc = pc;
                crate::load::include(frame, dst as usize, src as usize, kind)?;
            }
            Op::MakeRefDim {
                dst,
                cv,
                prop,
                keys,
                n,
                append,
            } => {
                frame.pc = pc;
                array::make_ref_dim(
                    frame,
                    dst as usize,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    append,
                )?;
            }
            Op::MakeRefProp { dst, obj, name } => {
                frame.pc = pc;
                props::make_ref_prop(frame, dst as usize, obj as usize, name as usize)?;
            }
            Op::AssignRefDim {
                cv,
                prop,
                keys,
                n,
                append,
                src,
            } => {
                frame.pc = pc;
                array::assign_ref_dim(
                    frame,
                    cv as usize,
                    prop as usize,
                    keys as usize,
                    n as usize,
                    append,
                    src as usize,
                )?;
            }
            Op::AssignRefProp { obj, name, src } => {
                frame.pc = pc;
                props::assign_ref_prop(frame, obj as usize, name as usize, src as usize)?;
            }
            Op::IterInitRef { src, pos, exit } => {
                frame.pc = pc;
                if !ops::iter::iter_init_ref(frame, src as usize, pos as usize)? {
                    pc = exit as usize;
                    continue;
                }
            }
            Op::IterNextRef {
                src,
                pos,
                key,
                val,
                exit,
            } => {
                if !ops::iter::iter_next_ref(
                    frame,
                    src as usize,
                    pos as usize,
                    key as usize,
                    val as usize,
                ) {
                    pc = exit as usize;
                    continue;
                }
            }
            Op::MakeClosure {
                dst,
                func,
                captures,
                n,
            } => {
                frame.pc = pc;
                callable::make_closure(
                    frame,
                    dst as usize,
                    func as usize,
                    captures as usize,
                    n as usize,
                );
            }
            Op::CallValue {
                callee,
                args,
                argc,
                dst,
            } => {
                frame.pc = pc;
                callable::call_value(
                    frame,
                    callee as usize,
                    args as usize,
                    argc as usize,
                    dst as usize,
                )?;
            }
            Op::Silence { save } => vars::silence(frame, save as usize),
            Op::Unsilence { save } => vars::unsilence(frame, save as usize),
            Op::FetchConst { dst, name } => {
                frame.pc = pc;
                vars::fetch_const(frame, dst as usize, name as usize)?;
            }
            Op::DeclareConst { name, src } => {
                frame.pc = pc;
                vars::declare_const(frame, name as usize, src as usize)?;
            }
            Op::Exit { src } => {
                frame.pc = pc;
                output::exit(frame, src as usize)?;
            }
            Op::MatchError { src } => {
                frame.pc = pc;
                vars::match_error(frame, src as usize)?;
            }
            Op::IterInit { src, pos, exit } => {
                frame.pc = pc;
                if !ops::iter::iter_init(frame, src as usize, pos as usize)? {
                    pc = exit as usize;
                    continue;
                }
            }
            Op::IterNext {
                src,
                pos,
                key,
                val,
                exit,
            } => {
                frame.pc = pc;
                if !ops::iter::iter_next(
                    frame,
                    src as usize,
                    pos as usize,
                    key as usize,
                    val as usize,
                )? {
                    pc = exit as usize;
                    continue;
                }
            }
        }
        pc += 1;
    }
}
