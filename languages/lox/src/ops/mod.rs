//! The instructions' work beyond moving values between slots, by family: arithmetic
//! ([`arith`]), calls ([`call`]), globals ([`globals`]), objects ([`object`]) and output
//! ([`output`]). Functions marked `#[metajit::dont_look_inside]` are what traced code calls
//! rather than traces; they receive the frame, so the trace writes its slots back before the
//! call and reads them again after it.

pub mod arith;
pub mod call;
pub mod globals;
pub mod object;
pub mod output;
