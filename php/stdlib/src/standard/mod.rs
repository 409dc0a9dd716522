//! The `standard` extension, by family.

pub mod array;
pub mod callbacks;
pub mod math;
pub mod output;
pub mod printf;
pub mod string;
pub mod var;
