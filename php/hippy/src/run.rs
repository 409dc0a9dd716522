//! `hippy FILE`: parse, compile and run a script on the VM, with PHP's output and exit codes.

use crate::cli::Options;
use metajit::cli::{JitSwitch, Output};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::process::ExitCode;

/// `-s` (`strip` false) or `-w`: prints the source of the script of `opts` (a file, or standard
/// input) highlighted or stripped, as `highlight_file` and `php_strip_whitespace` make them
/// (with the `-d` settings: `highlight.*`, `short_open_tag`).
pub fn show_source(opts: &Options, strip: bool) -> ExitCode {
    if opts.code.is_some() {
        crate::out("Either execute direct code, process stdin or use a file.\n");
        return ExitCode::from(1);
    }
    // The file's path as a PHP single-quoted literal (its bytes as they are).
    let source = match opts.file.as_deref() {
        Some(path) => {
            if std::fs::File::open(path).is_err() {
                crate::out_bytes(
                    &[b"Could not open input file: ", path.as_bytes(), b"\n"].concat(),
                );
                return ExitCode::from(1);
            }
            let mut lit = b"'".to_vec();
            for &b in path.as_bytes() {
                if b == b'\\' || b == b'\'' {
                    lit.push(b'\\');
                }
                lit.push(b);
            }
            lit.push(b'\'');
            lit
        }
        None => b"'php://stdin'".to_vec(),
    };
    let code = if strip {
        [b"echo php_strip_whitespace(".as_slice(), &source, b");"].concat()
    } else if opts.file.is_some() {
        [b"highlight_file(".as_slice(), &source, b");"].concat()
    } else {
        [
            b"highlight_string(file_get_contents(".as_slice(),
            &source,
            b"));",
        ]
        .concat()
    };
    let opts = Options {
        mode: crate::cli::Mode::Run,
        ini: opts.ini.clone(),
        file: None,
        code: Some(std::ffi::OsStr::from_bytes(&code).to_os_string()),
        script_args: Vec::new(),
        jit: false,
        dump_bytecode: false,
    };
    run(&opts)
}

/// Runs the script of `opts`: a file, `-r` code, or the script on standard input.
pub fn run(opts: &Options) -> ExitCode {
    let (src, shown): (Vec<u8>, String) = if let Some(code) = &opts.code {
        let mut src = b"<?php ".to_vec();
        src.extend_from_slice(code.as_bytes());
        (src, "Command line code".into())
    } else if let Some(path) = opts.file.as_deref() {
        let src = match std::fs::read(path) {
            Ok(s) => s,
            Err(_) => {
                crate::out_bytes(
                    &[b"Could not open input file: ", path.as_bytes(), b"\n"].concat(),
                );
                return ExitCode::from(1);
            }
        };
        // PHP names the script by its full path in messages.
        let shown = std::fs::canonicalize(path)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| path.to_string_lossy().into_owned());
        (src, shown)
    } else {
        let mut src = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut src);
        (src, "Standard input code".into())
    };
    // `$argv`: the script as given (`Standard input code` for `-r` and standard input), then
    // its arguments.
    let name: Vec<u8> = match (&opts.code, opts.file.as_deref()) {
        (None, Some(path)) => path.as_bytes().to_vec(),
        _ => b"Standard input code".to_vec(),
    };
    let argv: Vec<Vec<u8>> = std::iter::once(name)
        .chain(opts.script_args.iter().map(|a| a.as_bytes().to_vec()))
        .collect();
    let switch = JitSwitch { on: opts.jit };
    let dump = opts.dump_bytecode;
    let ini = opts.ini.clone();
    // The VM re-enters its loop natively per PHP call: a big stack for deep recursion (the
    // driver is made on that thread: it is not `Send`).
    let worker = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || match switch.driver_over(php_vm::JIT_DEFAULTS) {
            Ok(jit) => execute(&src, shown, argv, jit, dump, ini),
            Err(e) => {
                eprintln!("hippy: {e}");
                1
            }
        });
    match worker.map(|w| w.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            eprintln!("hippy: the interpreter thread failed");
            ExitCode::from(255)
        }
    }
}

fn execute(
    src: &[u8],
    file: String,
    argv: Vec<Vec<u8>>,
    jit: metajit::JitDriver,
    dump: bool,
    ini: Vec<(String, String)>,
) -> u8 {
    // PHP prints the scanner's and compiler's warnings as it compiles, before running.
    let short_tags = match ini.iter().rev().find(|(k, _)| k == "short_open_tag") {
        Some((_, v)) if !php_syntax::diagnostics::ini_bool(v) => php_syntax::ShortTags::Off,
        _ => php_syntax::ShortTags::On,
    };
    let options = php_syntax::ParseOptions {
        short_tags,
        builtins: Some(crate::lint::builtin_by_ref),
        ..Default::default()
    };
    let linted = php_syntax::lint_reporting(src, options);
    for w in &linted.warnings {
        crate::errors::report(&ini, w, &file);
    }
    let ast = match linted.result {
        Ok(ast) => ast,
        Err(diag) => {
            crate::errors::report(&ini, &diag, &file);
            return 255;
        }
    };
    let program = match php_compiler::compile(&ast, src, file.as_bytes(), php_stdlib::BY_REF) {
        Ok(p) => p,
        Err(e) if e.fatal => {
            crate::out(&format!(
                "\nFatal error: {} in {file} on line {}\n",
                e.message, e.line
            ));
            return 255;
        }
        Err(e) => {
            eprintln!("hippy: {file}:{}: {}", e.line, e.message);
            return 255;
        }
    };
    if dump {
        crate::out(&program.to_string());
        return 0;
    }
    let mut vm = php_vm::Vm::new(Output::stdout(), jit, file.clone(), php_stdlib::lookup);
    vm.class_specs = php_stdlib::classes::CLASSES;
    vm.builtin_refs = php_stdlib::BY_REF;
    if let Ok(exe) = std::env::current_exe() {
        let exe = php_runtime::PhpString::new(exe.as_os_str().as_bytes());
        vm.constants
            .insert(b"PHP_BINARY".to_vec(), php_runtime::Zval::string(exe));
    }
    vm.builtin_names = php_stdlib::names;
    vm.signatures = php_stdlib::signatures::signature;
    for (name, value) in php_stdlib::constants() {
        vm.constants.insert(name.as_bytes().to_vec(), value);
    }
    for (name, value) in php_stdlib::standard::stream::standard_constants() {
        vm.constants.insert(name.as_bytes().to_vec(), value);
    }
    for (k, v) in &ini {
        let v = &php_vm::functions::ini_value(v);
        if k == "error_reporting" {
            vm.error_reporting = php_vm::functions::error_level(v);
        }
        vm.ini.insert(k.clone(), v.clone());
        vm.cfg.insert(k.clone(), v.clone());
    }
    let result = vm.run_program(program, argv);
    let mut code = match &result {
        Ok(()) => 0,
        Err(e) => {
            vm.report_fatal(e, &file);
            e.exit_code()
        }
    };
    if !matches!(result, Err(php_vm::PhpError::Output))
        && let Err(e) = vm.run_shutdown_functions()
    {
        vm.report_fatal(&e, &file);
        code = e.exit_code();
    }
    vm.shutdown(&result);
    if !vm.finish_output() || matches!(result, Err(php_vm::PhpError::Output)) {
        return 255;
    }
    code
}
