//! The `hippy` binary: command-line compatible with `php`.
//!
//! Implemented so far: `-l` (lint, identical to `php -n -l`), `-n`, `-d key=value`, `-v`,
//! `-h`, and `--jit=on|off` (accepted; lint does not run code). Running a script is not
//! implemented yet and says so.

mod cli;
mod errors;
mod lint;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match cli::parse_args(&args) {
        Ok(o) => o,
        Err(e) => {
            print!("{e}\n{}", cli::USAGE_HEAD);
            return ExitCode::from(1);
        }
    };
    match opts.mode {
        cli::Mode::Help => {
            print!("{}{}", cli::USAGE_HEAD, cli::USAGE_BODY);
            ExitCode::SUCCESS
        }
        cli::Mode::Version => {
            println!("PHP 8.2.32 (cli) (hippy {})", env!("CARGO_PKG_VERSION"));
            println!("Copyright (c) The PHP Group");
            println!(
                "hippy {}: a PHP 8.2 implementation on the metajit meta-tracing JIT",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        cli::Mode::Lint => lint::run(&opts),
        cli::Mode::Run => {
            eprintln!("hippy: running PHP scripts is not implemented yet (only -l, -v and -h are)");
            ExitCode::from(1)
        }
    }
}
