//! hippy's PHP runtime: the data every other PHP crate works on.
//!
//! - [`value`]: the 16-byte `#[repr(C)]` tagged value ([`Value`], a copyable handle the VM and
//!   the JIT see) and its owning form ([`Zval`], which counts references).
//! - [`string`]: refcounted byte strings ([`PhpString`]) with a cached hash.
//! - [`array`]: PHP's ordered hash map ([`PhpArray`]) with a packed form and copy-on-write.
//! - [`object`]: classes ([`object::Class`]) and objects ([`object::PhpObject`]).
//! - [`resource`]: resources ([`resource::PhpResource`]): numbered handles on streams.
//! - [`number`]: numeric strings and the conversions between PHP's scalar types.
//! - [`convert`]: conversions of whole values (to bool, int, float, string, operand).
//! - [`arith`]: PHP 8's arithmetic on numbers (int overflow to float, division and modulo
//!   errors).
//! - [`format`]: floats printed exactly as PHP prints them (precision 14 for `echo`, the
//!   shortest round trip for `var_dump`, `var_export` and JSON).
//! - [`compare`]: PHP 8's `==`, `===` and `<=>`.
//! - [`incdec`]: `++`/`--` on strings (PHP's "string increment").
//! - [`gc`]: the cycle collector (`gc_collect_cycles`): trial deletion over a buffer of
//!   possible roots.
//! - [`error`]: how a program ends early ([`PhpError`]), printed as PHP prints it.
//! - [`host`]: the interface built-in functions use to reach the VM ([`Host`]).
//!
//! Nothing here prints: an operation that PHP would warn about says so in its result (for
//! example [`number::Numeric`] tells a whole numeric string from a leading-numeric one), and
//! the VM turns that into PHP's diagnostic.

pub mod arith;
pub mod array;
pub mod compare;
pub mod convert;
pub mod error;
pub mod format;
pub mod gc;
pub mod host;
pub mod incdec;
pub mod memory;
pub mod number;
pub mod object;
pub mod resource;
pub mod string;
pub mod value;

pub use array::{ArrayKey, PhpArray};
pub use error::PhpError;
pub use host::{Builtin, Host};
pub use string::PhpString;
pub use value::{Value, Zval, tag};
