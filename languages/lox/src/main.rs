//! `lox [--jit=on|off] [FILE]`: runs a Lox script, or starts a REPL without a file.
//! `METAJIT_PARAMS` and `METAJIT_LOG` configure the JIT. Exit codes are clox's: 64 for a bad
//! command line, 65 for compile errors, 70 for a runtime error, 74 for an unreadable file or a
//! failed output.

use lang_lox::{LoxError, Vm};
use metajit::cli::{JIT_USAGE, JitSwitch, Output};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn usage() -> String {
    format!("Usage: lox [{JIT_USAGE}] [path]")
}

fn main() -> ExitCode {
    let mut switch = JitSwitch::default();
    let mut file: Option<PathBuf> = None;
    for arg in std::env::args_os().skip(1) {
        match switch.take(&arg) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                eprintln!("lox: {e}\n{}", usage());
                return ExitCode::from(64);
            }
        }
        let text = arg.to_string_lossy();
        if text == "-h" || text == "--help" {
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        if text.starts_with('-') && text.len() > 1 {
            eprintln!("lox: unknown option `{text}`\n{}", usage());
            return ExitCode::from(64);
        }
        if file.is_some() {
            eprintln!("{}", usage());
            return ExitCode::from(64);
        }
        file = Some(PathBuf::from(arg));
    }
    let jit = match switch.driver_over(lang_lox::JIT_DEFAULTS) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("lox: {e}");
            return ExitCode::from(64);
        }
    };
    match file {
        Some(path) => run_file(&path, jit),
        None => repl(jit),
    }
}

fn run_file(path: &std::path::Path, jit: metajit::JitDriver) -> ExitCode {
    let source = match std::fs::read(path) {
        Ok(s) => s,
        Err(_) => {
            eprintln!("Could not open file \"{}\".", path.display());
            return ExitCode::from(74);
        }
    };
    // Lox source is text; bytes that are not UTF-8 can only be inside strings or comments, or
    // be unexpected characters, so they are read as U+FFFD.
    let source = String::from_utf8_lossy(&source);
    let mut vm = Vm::new(Output::stdout(), jit);
    let result = vm.interpret(&source);
    finish(&mut vm, result)
}

/// Flushes the output and reports the result; the exit code.
fn finish(vm: &mut Vm, result: Result<(), LoxError>) -> ExitCode {
    if let Some(code) = vm.output.finish("lox", 74) {
        return code;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn repl(jit: metajit::JitDriver) -> ExitCode {
    let mut vm = Vm::new(Output::stdout(), jit);
    let stdin = std::io::stdin();
    let mut line = String::new();
    loop {
        print!("> ");
        let _ = std::io::stdout().flush();
        line.clear();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => {
                println!();
                return ExitCode::SUCCESS;
            }
            Ok(_) => {}
        }
        let result = vm.interpret(&line);
        vm.output.flush();
        if vm.output.reader_gone() || vm.output.error().is_some() {
            return finish(&mut vm, result);
        }
        if let Err(e) = result {
            eprint!("{e}");
        }
    }
}
