//! `tlr [--jit=on|off] FILE [INT...]`: runs a tlr program with the integers in `r0`, `r1`, ...
//! and prints its result. `METAJIT_PARAMS` and `METAJIT_LOG` configure the JIT.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: tlr [--jit=on|off] FILE [INT...]";

fn main() -> ExitCode {
    let mut jit_on = true;
    let mut file = None;
    let mut inputs = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--jit=on" => jit_on = true,
            "--jit=off" => jit_on = false,
            "-h" | "--help" => {
                let _ = writeln!(std::io::stdout(), "{USAGE}");
                return ExitCode::SUCCESS;
            }
            a if file.is_none() && a.starts_with('-') => {
                eprintln!("tlr: unknown option `{a}`\n{USAGE}");
                return ExitCode::from(2);
            }
            a if file.is_none() => file = Some(a.to_string()),
            a => match a.parse::<i64>() {
                Ok(v) => inputs.push(v),
                Err(_) => {
                    eprintln!("tlr: input `{a}` is not an integer\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
        }
    }
    let Some(file) = file else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let src = match std::fs::read_to_string(&file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tlr: cannot read {file}: {e}");
            return ExitCode::from(1);
        }
    };
    let prog = match lang_tlr::parse(&src) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("tlr: {file}: {e}");
            return ExitCode::from(1);
        }
    };
    let jit = match metajit::JitDriver::from_env() {
        Ok(j) => j,
        Err(e) => {
            eprintln!("tlr: METAJIT_PARAMS: {e}");
            return ExitCode::from(2);
        }
    };
    if !jit_on {
        jit.set_enabled(false);
    }
    let mut frame = lang_tlr::Frame::new(prog.registers, &inputs);
    let result = lang_tlr::run(&jit, &prog, &mut frame);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(frame.output());
    match result {
        Ok(v) => {
            let _ = writeln!(out, "{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = out.flush();
            eprintln!("tlr: {file}: {e}");
            ExitCode::from(1)
        }
    }
}
