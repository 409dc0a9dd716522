//! metajit-macros: the codewriter of metajit.
//!
//! A proc macro sees tokens, not types, so instead of compiling Rust itself it emits Rust that
//! rustc types: for each annotated function a *twin*, a function generic over an executor,
//! flattened into numbered blocks (so that execution can resume in the middle of it), whose
//! operations on red values go through `metajit::twin` traits and so become trace operations
//! when the tracer runs it. Pipeline: `lower.rs` (Rust to blocks) -> `analysis.rs` (red/green
//! fixpoint, liveness) -> `emit.rs` (the twin's Rust). `portal.rs` handles the dispatch
//! function, `funcs.rs` the call annotations, `jitstruct.rs` the derive.
#![warn(missing_docs)]

mod analysis;
mod cfg;
mod compound;
mod emit;
mod funcs;
mod green;
mod jitstruct;
mod lower;
mod methods;
mod portal;
mod portal_call;
mod twin_fn;

use proc_macro::TokenStream;

/// Marks an interpreter's dispatch function:
/// `#[metajit::interpreter(greens(pc, code), reds(frame), driver = jit)]`.
///
/// The body must contain a top-level `loop` whose first statement is `metajit::merge_point!()`;
/// locals declared before it and used inside it must be listed as greens (constant for a
/// given position in the user's program) or reds (everything else). `driver` is an expression
/// of type `&metajit::JitDriver`. Back-edges of the user's program are marked with
/// `metajit::can_enter_jit!()`.
#[proc_macro_attribute]
pub fn interpreter(attr: TokenStream, item: TokenStream) -> TokenStream {
    portal::expand(attr.into(), item.into()).into()
}

/// A function traced code looks into (its operations are inlined into traces). Optional
/// `greens(a, b)` names parameters that must be green (plain values) in traced code. A
/// function containing loops is called, not inlined, unless it is `#[unroll_safe]`.
#[proc_macro_attribute]
pub fn jit(attr: TokenStream, item: TokenStream) -> TokenStream {
    funcs::expand(funcs::Kind::Inline, attr.into(), item.into()).into()
}

/// Like `#[jit]`, for functions whose loops run a small, fixed number of times: the loops are
/// unrolled into the trace.
#[proc_macro_attribute]
pub fn unroll_safe(attr: TokenStream, item: TokenStream) -> TokenStream {
    funcs::expand(funcs::Kind::UnrollSafe, attr.into(), item.into()).into()
}

/// A pure function: with constant arguments it is evaluated while tracing and its result is a
/// constant; otherwise it is a call the optimizer may share or remove.
#[proc_macro_attribute]
pub fn elidable(attr: TokenStream, item: TokenStream) -> TokenStream {
    funcs::expand(funcs::Kind::Elidable, attr.into(), item.into()).into()
}

/// A function traced code calls without looking inside (a residual call): anything the JIT
/// cannot trace (I/O, allocation, loops) goes behind one.
#[proc_macro_attribute]
pub fn dont_look_inside(attr: TokenStream, item: TokenStream) -> TokenStream {
    funcs::expand(funcs::Kind::Residual, attr.into(), item.into()).into()
}

/// On an inherent `impl` block: its methods annotated `#[metajit::jit]`,
/// `#[metajit::unroll_safe]`, `#[metajit::elidable]` or `#[metajit::dont_look_inside]` are
/// traceable, called as `recv.method(args)` in traced code.
#[proc_macro_attribute]
pub fn methods(attr: TokenStream, item: TokenStream) -> TokenStream {
    methods::expand(attr.into(), item.into()).into()
}

/// Describes a `#[repr(C)]` struct's fields to the JIT. Field attributes:
/// `#[jit(immutable)]`, `#[jit(quasi_immutable)]`.
#[proc_macro_derive(JitStruct, attributes(jit))]
pub fn derive_jit_struct(input: TokenStream) -> TokenStream {
    jitstruct::expand(input.into()).into()
}

/// Describes a small `#[repr(C)]` `Copy` struct of JIT values (a tag and a payload) that
/// traced code keeps part by part: a red value of it is one trace value per field, its fields
/// are read without recording anything, and struct literals of it are traceable. It may be a
/// field of a `JitStruct` and the item type of a `JitArray` (virtualizable ones included).
#[proc_macro_derive(JitCompound)]
pub fn derive_jit_compound(input: TokenStream) -> TokenStream {
    compound::expand(input.into()).into()
}
