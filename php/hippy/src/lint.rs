//! `hippy -l FILE`: PHP's lint mode, same output and exit code as `php -n -l`.

use crate::cli::Options;
use php_runtime::memory;
use php_syntax::diagnostics::ini_bool;
use php_syntax::{ParseOptions, ShortTags};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::process::ExitCode;

pub fn run(opts: &Options) -> ExitCode {
    let (name, src): (Vec<u8>, Vec<u8>) = match opts.file.as_deref() {
        None => {
            let mut buf = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut buf);
            (b"Standard input code".to_vec(), buf)
        }
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => (path.as_bytes().to_vec(), bytes),
            // A directory reads as empty in PHP, which lints it as valid.
            Err(_) if std::path::Path::new(path).is_dir() => (path.as_bytes().to_vec(), Vec::new()),
            Err(_) => {
                crate::out_bytes(
                    &[b"Could not open input file: ", path.as_bytes(), b"\n"].concat(),
                );
                return ExitCode::from(1);
            }
        },
    };
    let short_tags = match opts.ini("short_open_tag") {
        Some(v) if !ini_bool(v) => ShortTags::Off,
        _ => ShortTags::On,
    };
    // PHP's limit holds while it compiles too (`php -n`: 128M).
    let limit = opts.ini("memory_limit").unwrap_or("128M");
    memory::set_limit(memory::parse_quantity(limit));
    let options = ParseOptions {
        short_tags,
        builtins: Some(builtin_by_ref),
        memory_limit: Some(over_memory_limit),
    };
    let linted = run_on_big_stack(src, name.clone(), options);
    // Messages are text, with bytes that are not UTF-8 kept for the output.
    let shown = php_syntax::lossless::text(&name);
    for w in &linted.warnings {
        crate::errors::report(&opts.ini, w, &shown);
    }
    match linted.result {
        Ok(()) => {
            crate::out_bytes(&[b"No syntax errors detected in ", &name[..], b"\n"].concat());
            ExitCode::SUCCESS
        }
        Err(diag) => {
            crate::errors::report(&opts.ini, &diag, &shown);
            crate::out_bytes(&[b"Errors parsing ", &name[..], b"\n"].concat());
            ExitCode::from(255)
        }
    }
}

/// PHP's fatal error once the memory in use went over the limit (which is then lifted).
fn over_memory_limit() -> Option<String> {
    let size = memory::take_exceeded()?;
    let limit = memory::limit()?;
    memory::set_limit(None);
    Some(memory::exhausted(limit, size as u128))
}

/// The by-reference parameters of hippy's built-in function `name` (lowercase), `None` if
/// it has none of that name: what PHP's compiler knows of internal functions.
pub fn builtin_by_ref(name: &[u8]) -> Option<&'static [usize]> {
    php_stdlib::lookup(name)?;
    Some(
        php_stdlib::BY_REF
            .iter()
            .find(|(n, _)| n.as_bytes() == name)
            .map_or(&[][..], |(_, positions)| *positions),
    )
}

/// The outcome of a lint, with the tree dropped on the worker thread.
struct Outcome {
    warnings: Vec<php_syntax::Diagnostic>,
    result: Result<(), php_syntax::Diagnostic>,
}

/// The parser grows its stack as needed; the big initial stack just avoids growth on
/// ordinary files.
fn run_on_big_stack(src: Vec<u8>, name: Vec<u8>, options: ParseOptions) -> Outcome {
    let worker = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let classes = php_stdlib::classes::CLASSES;
            let linted = php_vm::lint::lint(&src, &name, options, classes);
            Outcome {
                warnings: linted.warnings,
                result: linted.result,
            }
        });
    let internal = |message: &str| Outcome {
        warnings: Vec::new(),
        result: Err(php_syntax::Diagnostic {
            severity: php_syntax::Severity::Fatal,
            message: message.into(),
            line: 0,
            file: php_syntax::ErrorFile::Compiled,
        }),
    };
    match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| internal("hippy internal error: the parser panicked")),
        Err(_) => internal("hippy internal error: could not start the parser thread"),
    }
}
