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
use php_compiler::{NONE, Op, RefOp};
use php_runtime::PhpError;
use php_runtime::{Value, tag};

/// The most nested calls: one more is PHP's memory-limit error (frames are what recursion
/// uses up; the figure keeps the native stack of the VM's thread, which re-enters the loop
/// per call, within its size).
pub const MAX_DEPTH: u32 = 50_000;

pub use crate::code::{Callee, Code};
pub use crate::frame::{Frame, enter_frame, leave_frame, main_frame, vm_of};

pub use crate::state::Vm;

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
                    frame.pc = pc;
                    vars::load_through_warning(frame, dst as usize, cv as usize)?;
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
            Op::BindStatic { cv, init } => {
                frame.pc = pc;
                vars::bind_static(frame, cv as usize, init as usize)?;
            }
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
                } else if (x.tag == tag::FLOAT || x.tag == tag::INT)
                    && (y.tag == tag::FLOAT || y.tag == tag::INT)
                {
                    // At least one float: both as floats.
                    let f = if x.tag == tag::FLOAT {
                        f64::from_bits(x.bits)
                    } else {
                        x.bits as i64 as f64
                    };
                    let g = if y.tag == tag::FLOAT {
                        f64::from_bits(y.bits)
                    } else {
                        y.bits as i64 as f64
                    };
                    let r = arith::float_binary(op, f, g, x.tag == y.tag);
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
                let r = arith::fast_unary(op, frame.slots[a as usize]);
                if r.tag != tag::UNDEF {
                    ops::put(frame, dst as usize, r);
                } else {
                    frame.pc = pc;
                    arith::unary(frame, op, dst as usize, a as usize)?;
                }
            }
            Op::Step { step, cv, dst } => {
                let step = step as u8;
                let v = frame.slots[cv as usize];
                let new = if v.tag == tag::INT {
                    arith::int_step(step, v.bits as i64)
                } else {
                    Value::UNDEF
                };
                if new.tag == tag::INT {
                    // An int in a variable (not a reference): updated in place.
                    frame.slots[cv as usize] = new;
                    let post = step >= php_compiler::Step::PostInc as u8;
                    ops::put(frame, dst as usize, if post { v } else { new });
                } else {
                    frame.pc = pc;
                    vars::step(frame, step, cv as usize, dst as usize)?;
                }
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
                ops::unpack::spread(frame, arr as usize, src as usize)?;
            }
            Op::ArrayUnpack { arr, src } => {
                frame.pc = pc;
                ops::unpack::array_unpack(frame, arr as usize, src as usize)?;
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
            Op::ArgNamed { arr, key, val } => {
                frame.pc = pc;
                crate::named::named_arg(frame, arr as usize, key as usize, val as usize)?;
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
            Op::Tick { every } => {
                frame.pc = pc;
                crate::ticks::tick(frame, every)?;
            }
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
            Op::Ref(RefOp::NamedMode {
                dst,
                kind,
                target,
                name,
                param,
            }) => {
                frame.pc = pc;
                let (dst, kind, target, name) = (dst as usize, kind as u8, target as usize, name);
                crate::named::named_mode(frame, dst, kind, target, name as usize, param as usize)?;
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
            Op::Ref(RefOp::AssignGlobal { name, src }) => {
                frame.pc = pc;
                refs::assign_global(frame, name as usize, src as usize)?;
            }
            Op::Ref(RefOp::AssignVarVar { name, src }) => {
                frame.pc = pc;
                refs::assign_var_var(frame, name as usize, src as usize)?;
            }
            Op::Ref(RefOp::AppendRead) => {
                frame.pc = pc;
                refs::append_read(frame)?;
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
            Op::IterFreeRef { src, pos } => {
                ops::iter::iter_free_ref(frame, src as usize, pos as usize)
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
