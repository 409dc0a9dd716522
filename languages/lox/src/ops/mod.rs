//! The instructions' work beyond moving values between slots, by family: arithmetic
//! ([`arith`]), calls ([`call`]) and objects ([`object`]).

pub mod arith;
pub mod call;
pub mod object;
