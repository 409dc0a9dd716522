//! The `standard` extension, by family.

pub mod array;
pub mod array_build;
pub mod array_lookup;
pub mod array_natsort;
pub mod array_replace;
pub mod array_set;
pub mod array_slice;
pub mod array_walk;
pub mod callbacks;
pub mod encoding;
pub mod escape;
pub mod hash;
pub mod html;
pub mod html_entities;
pub mod math;
pub mod math_float;
pub mod number_base;
pub mod output;
pub mod phonetic;
pub mod printf;
pub mod random;
pub mod string;
pub mod string_compare;
pub mod string_search;
pub mod string_transform;
pub mod var;
