//! The `hippy` binary: command-line compatible with `php`.
//!
//! Implemented so far: running a script (`hippy FILE`, `-f FILE`, `-r CODE`, or the script on
//! standard input; the part of PHP the compiler covers, anything else is reported as not
//! supported yet), `-l` (lint, identical to `php -n -l`), `-n`, `-d key=value`, `-m`, `-v`,
//! `-h`, `-i`, `-s` and `-w` (the source highlighted or stripped), flag clusters (`-ln`), `--`, and `--jit=on|off` with `METAJIT_PARAMS`. A bad option
//! prints its error on standard error and the help on standard output, as php does.

mod cli;
mod errors;
mod lint;
mod run;

use std::io::Write;
use std::process::ExitCode;

/// The allocator: the system's, counted for `memory_limit` and `memory_get_usage`.
#[global_allocator]
static ALLOCATOR: php_runtime::memory::Counting = php_runtime::memory::Counting;

/// Writes to standard output, ignoring errors as PHP does (a closed pipe is not a crash);
/// bytes of PHP source that are not UTF-8 in `text` are written as they were
/// (`php_syntax::lossless`).
pub(crate) fn out(text: &str) {
    out_bytes(&php_syntax::lossless::bytes(text));
}

/// [`out`] for bytes that need not be UTF-8 (file names).
pub(crate) fn out_bytes(bytes: &[u8]) {
    let _ = std::io::stdout().write_all(bytes);
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let opts = match cli::parse_args(&args) {
        Ok(o) => o,
        Err(e) => {
            // As php: the error on standard error, the help (as `-h` prints it) on standard
            // output.
            eprintln!("{e}");
            out(&format!("{}{}", cli::USAGE_HEAD, cli::USAGE_BODY));
            return ExitCode::from(1);
        }
    };
    match opts.mode {
        cli::Mode::Help => {
            out(&format!("{}{}", cli::USAGE_HEAD, cli::USAGE_BODY));
            ExitCode::SUCCESS
        }
        cli::Mode::Version => {
            let v = env!("CARGO_PKG_VERSION");
            out(&format!(
                "PHP 8.2.32 (cli) (hippy {v})\nCopyright (c) The PHP Group\n\
                 hippy {v}: a PHP 8.2 implementation on the metajit meta-tracing JIT\n"
            ));
            ExitCode::SUCCESS
        }
        cli::Mode::Lint => lint::run(&opts),
        cli::Mode::Modules => {
            out("[PHP Modules]\nCore\nstandard\n\n[Zend Modules]\n\n");
            ExitCode::SUCCESS
        }
        cli::Mode::Run => run::run(&opts),
        cli::Mode::Highlight => run::show_source(&opts, false),
        cli::Mode::Strip => run::show_source(&opts, true),
        cli::Mode::Info => {
            let mut opts = opts;
            opts.code = Some("phpinfo();".into());
            opts.file = None;
            run::run(&opts)
        }
    }
}
