//! The signatures of built-in classes' methods, as PHP's stubs declare them: what the
//! inheritance checks compare a user method against when it overrides or implements a
//! built-in one (`ArrayAccess::offsetGet(mixed $offset): mixed`), and the abstract methods of
//! the built-in interfaces a concrete class must implement.
//!
//! The built-in classes themselves carry native bodies without signatures; the declarations
//! here are compiled from PHP text the first time a check needs them. A tentative return type
//! (PHP's `@tentative-return-type`) only makes an incompatible override deprecated.
//!
//! Some built-in interfaces also check the classes that implement them ([`implement_check`]:
//! PHP's `interface_gets_implemented` handlers).

use php_compiler::bytecode::Function;
use std::cell::OnceCell;
use std::collections::HashMap;

/// How a built-in method's return type binds its overrides.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ret {
    /// An incompatible return type is an error.
    Real,
    /// An incompatible (or missing) return type is deprecated.
    Tentative,
}

use Ret::{Real, Tentative};

/// The stubs: class, how its return type binds, declaration (as in php-src's `*.stub.php`).
const STUBS: &[(&str, Ret, &str)] = &[
    (
        "IteratorAggregate",
        Tentative,
        "public function getIterator(): Traversable;",
    ),
    ("Iterator", Tentative, "public function current(): mixed;"),
    ("Iterator", Tentative, "public function next(): void;"),
    ("Iterator", Tentative, "public function key(): mixed;"),
    ("Iterator", Tentative, "public function valid(): bool;"),
    ("Iterator", Tentative, "public function rewind(): void;"),
    (
        "ArrayAccess",
        Tentative,
        "public function offsetExists(mixed $offset): bool;",
    ),
    (
        "ArrayAccess",
        Tentative,
        "public function offsetGet(mixed $offset): mixed;",
    ),
    (
        "ArrayAccess",
        Tentative,
        "public function offsetSet(mixed $offset, mixed $value): void;",
    ),
    (
        "ArrayAccess",
        Tentative,
        "public function offsetUnset(mixed $offset): void;",
    ),
    ("Countable", Tentative, "public function count(): int;"),
    ("Stringable", Real, "public function __toString(): string;"),
    (
        "JsonSerializable",
        Tentative,
        "public function jsonSerialize(): mixed;",
    ),
    ("Throwable", Real, "public function getMessage(): string;"),
    ("Throwable", Real, "public function getCode();"),
    ("Throwable", Real, "public function getFile(): string;"),
    ("Throwable", Real, "public function getLine(): int;"),
    ("Throwable", Real, "public function getTrace(): array;"),
    (
        "Throwable",
        Real,
        "public function getPrevious(): ?Throwable;",
    ),
    (
        "Throwable",
        Real,
        "public function getTraceAsString(): string;",
    ),
    ("Exception", Tentative, "public function __wakeup(): void;"),
    ("Exception", Real, "public function __toString(): string;"),
    ("Error", Tentative, "public function __wakeup(): void;"),
    ("Error", Real, "public function __toString(): string;"),
    // SPL's array classes (`spl_array.stub.php`), every return type tentative.
    (
        "ArrayObject",
        Tentative,
        "public function offsetExists(mixed $key): bool;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function offsetGet(mixed $key): mixed;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function offsetSet(mixed $key, mixed $value): void;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function offsetUnset(mixed $key): void;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function append(mixed $value): void;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function getArrayCopy(): array;",
    ),
    ("ArrayObject", Tentative, "public function count(): int;"),
    ("ArrayObject", Tentative, "public function getFlags(): int;"),
    (
        "ArrayObject",
        Tentative,
        "public function setFlags(int $flags): void;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function asort(int $flags = SORT_REGULAR): bool;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function ksort(int $flags = SORT_REGULAR): bool;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function uasort(callable $callback): bool;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function uksort(callable $callback): bool;",
    ),
    ("ArrayObject", Tentative, "public function natsort(): bool;"),
    (
        "ArrayObject",
        Tentative,
        "public function natcasesort(): bool;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function unserialize(string $data): void;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function serialize(): string;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function __serialize(): array;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function __unserialize(array $data): void;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function getIterator(): Iterator;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function exchangeArray(array|object $array): array;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function setIteratorClass(string $iteratorClass): void;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function getIteratorClass(): string;",
    ),
    (
        "ArrayObject",
        Tentative,
        "public function __debugInfo(): array;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function offsetExists(mixed $key): bool;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function offsetGet(mixed $key): mixed;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function offsetSet(mixed $key, mixed $value): void;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function offsetUnset(mixed $key): void;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function append(mixed $value): void;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function getArrayCopy(): array;",
    ),
    ("ArrayIterator", Tentative, "public function count(): int;"),
    (
        "ArrayIterator",
        Tentative,
        "public function getFlags(): int;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function setFlags(int $flags): void;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function asort(int $flags = SORT_REGULAR): bool;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function ksort(int $flags = SORT_REGULAR): bool;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function uasort(callable $callback): bool;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function uksort(callable $callback): bool;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function natsort(): bool;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function natcasesort(): bool;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function unserialize(string $data): void;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function serialize(): string;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function __serialize(): array;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function __unserialize(array $data): void;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function rewind(): void;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function current(): mixed;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function key(): string|int|null;",
    ),
    ("ArrayIterator", Tentative, "public function next(): void;"),
    ("ArrayIterator", Tentative, "public function valid(): bool;"),
    (
        "ArrayIterator",
        Tentative,
        "public function seek(int $offset): void;",
    ),
    (
        "ArrayIterator",
        Tentative,
        "public function __debugInfo(): array;",
    ),
];

/// A built-in method's signature.
pub struct Proto {
    /// The declaration compiled (its parameters, defaults and return type).
    pub func: Function,
    /// Its modifiers (`public abstract` for an interface's).
    pub flags: u16,
    /// How its return type binds overrides.
    pub ret: Ret,
}

/// Each class's methods (by lowercase class name): lowercase name and signature, in order.
type Stubs = HashMap<Vec<u8>, Vec<(Box<[u8]>, Proto)>>;

/// The stubs compiled on first use.
#[derive(Default)]
pub struct Prototypes {
    compiled: OnceCell<Stubs>,
}

impl Prototypes {
    /// The methods the stubs declare for the built-in class `lower` (a lowercase name):
    /// lowercase name and signature, in the stub's order.
    pub fn of(&self, lower: &[u8]) -> &[(Box<[u8]>, Proto)] {
        self.compiled
            .get_or_init(compile_all)
            .get(lower)
            .map_or(&[], |v| &v[..])
    }

    /// The signature of `class::method` (lowercase names), if a stub declares it.
    pub fn get(&self, class: &[u8], method: &[u8]) -> Option<&Proto> {
        self.of(class)
            .iter()
            .find(|(m, _)| m[..] == *method)
            .map(|(_, p)| p)
    }
}

/// Compiles every stub: one interface per class, its methods in order. A stub that does not
/// compile (our bug) leaves its class without signatures.
fn compile_all() -> Stubs {
    let mut out = Stubs::new();
    let mut classes: Vec<&str> = STUBS.iter().map(|s| s.0).collect();
    classes.dedup();
    for class in classes {
        let decls: Vec<&(&str, Ret, &str)> = STUBS.iter().filter(|s| s.0 == class).collect();
        let body: String = decls.iter().map(|s| s.2).collect::<Vec<_>>().join("\n");
        let src = format!("<?php interface {class} {{\n{body}\n}}\n");
        let Some(program) = php_syntax::lint(src.as_bytes(), Default::default())
            .ok()
            .and_then(|ast| php_compiler::compile(&ast, src.as_bytes(), b"", &[]).ok())
        else {
            continue;
        };
        let Some(def) = program.classes.into_iter().next() else {
            continue;
        };
        let list = def
            .methods
            .into_iter()
            .zip(decls)
            .map(|((flags, func), stub)| {
                let lower: Box<[u8]> = func.name.to_ascii_lowercase().into();
                let proto = Proto {
                    func,
                    flags,
                    ret: stub.1,
                };
                (lower, proto)
            })
            .collect();
        out.insert(class.to_ascii_lowercase().into_bytes(), list);
    }
    out
}

/// What a built-in interface requires of a (non-interface) class implementing it: `iface` is
/// the interface's lowercase name, `all` the lowercase names of every interface the class
/// implements, `root` its topmost ancestor's name (itself without a parent). PHP's message if
/// the class does not qualify.
pub fn implement_check(
    class: &str,
    explicit_abstract: bool,
    root: &[u8],
    iface: &[u8],
    all: &[&[u8]],
) -> Option<String> {
    let has = |n: &[u8]| all.contains(&n);
    match iface {
        b"throwable" if root != b"Exception" && root != b"Error" => Some(format!(
            "Class {class} cannot implement interface Throwable, extend Exception or Error instead"
        )),
        b"traversable" if !explicit_abstract && !has(b"iterator") && !has(b"iteratoraggregate") => {
            Some(format!(
                "Class {class} must implement interface Traversable as part of either Iterator or IteratorAggregate"
            ))
        }
        b"iterator" | b"iteratoraggregate" if has(b"iterator") && has(b"iteratoraggregate") => {
            Some(format!(
                "Class {class} cannot implement both Iterator and IteratorAggregate at the same time"
            ))
        }
        _ => None,
    }
}
