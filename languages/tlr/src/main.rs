//! `tlr [--jit=on|off] FILE [INT...]`: runs a tlr program with the integers in `r0`, `r1`, ...
//! and prints its result. `METAJIT_PARAMS` and `METAJIT_LOG` configure the JIT.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: tlr [--jit=on|off] FILE [INT...]";

fn main() -> ExitCode {
    let mut switch = metajit::cli::JitSwitch::default();
    let mut file: Option<PathBuf> = None;
    let mut inputs = Vec::new();
    for arg in std::env::args_os().skip(1) {
        if file.is_none() {
            match switch.take(&arg) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => {
                    eprintln!("tlr: {e}\n{USAGE}");
                    return ExitCode::from(2);
                }
            }
        }
        // Options and inputs are ASCII; the file name may be any bytes.
        let text = arg.to_string_lossy();
        match text.as_ref() {
            "-h" | "--help" if file.is_none() => {
                let _ = writeln!(std::io::stdout(), "{USAGE}");
                return ExitCode::SUCCESS;
            }
            a if file.is_none() && a.starts_with('-') => {
                eprintln!("tlr: unknown option `{a}`\n{USAGE}");
                return ExitCode::from(2);
            }
            _ if file.is_none() => file = Some(PathBuf::from(arg)),
            a => match a.parse::<i64>() {
                Ok(v) => inputs.push(v),
                Err(_) => {
                    eprintln!("tlr: input `{a}` is not an integer\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
        }
    }
    let Some(path) = file else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let file = path.display();
    let src = match std::fs::read(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tlr: cannot read {file}: {e}");
            return ExitCode::from(1);
        }
    };
    let Ok(src) = String::from_utf8(src) else {
        eprintln!("tlr: {file}: not UTF-8 text");
        return ExitCode::from(1);
    };
    let prog = match lang_tlr::parse(&src) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("tlr: {file}: {e}");
            return ExitCode::from(1);
        }
    };
    let jit = match switch.driver() {
        Ok(j) => j,
        Err(e) => {
            eprintln!("tlr: {e}");
            return ExitCode::from(2);
        }
    };
    let mut frame = lang_tlr::Frame::new(prog.registers, &inputs, metajit::cli::Output::stdout());
    let result = lang_tlr::run(&jit, &prog, &mut frame);
    let out = frame.output();
    if let Ok(v) = result {
        out.write(format!("{v}\n").as_bytes());
    }
    if let Some(code) = out.finish("tlr", 1) {
        return code;
    }
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tlr: {file}: {e}");
            ExitCode::from(1)
        }
    }
}
