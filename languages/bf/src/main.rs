//! `bf [--jit=on|off] FILE`: runs a Brainfuck program.
//!
//! `METAJIT_PARAMS` and `METAJIT_LOG` configure the JIT (see the book).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: bf [--jit=on|off] [--emit-c] [--repeat=N] FILE";

fn main() -> ExitCode {
    let mut switch = metajit::cli::JitSwitch::default();
    let mut emit_c = false;
    let mut repeat = 1usize;
    let mut file: Option<PathBuf> = None;
    for arg in std::env::args_os().skip(1) {
        match switch.take(&arg) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                eprintln!("bf: {e}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
        // Options are ASCII; a file name may be any bytes.
        let text = arg.to_string_lossy();
        match text.as_ref() {
            "--emit-c" => emit_c = true,
            a if a.starts_with("--repeat=") => match a["--repeat=".len()..].parse() {
                Ok(n) if n >= 1 => repeat = n,
                _ => {
                    eprintln!("bf: bad --repeat value in `{a}`\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                let _ = writeln!(std::io::stdout(), "{USAGE}");
                return ExitCode::SUCCESS;
            }
            a if a.starts_with('-') => {
                eprintln!("bf: unknown option `{a}`\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => {
                if file.replace(PathBuf::from(arg)).is_some() {
                    eprintln!("bf: more than one program given\n{USAGE}");
                    return ExitCode::from(2);
                }
            }
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
            eprintln!("bf: cannot read {file}: {e}");
            return ExitCode::from(1);
        }
    };
    let prog = match lang_bf::parse(&src) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("bf: {file}: {e}");
            return ExitCode::from(1);
        }
    };
    if emit_c {
        let mut out = std::io::stdout().lock();
        return match out
            .write_all(lang_bf::to_c(&prog).as_bytes())
            .and_then(|()| out.flush())
        {
            Ok(()) => ExitCode::SUCCESS,
            // The reader went away (`bf --emit-c F | head`): nothing left to do.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bf: write error: {e}");
                ExitCode::from(1)
            }
        };
    }
    let jit = match switch.driver() {
        Ok(j) => j,
        Err(e) => {
            eprintln!("bf: {e}");
            return ExitCode::from(2);
        }
    };
    let mut io = lang_bf::Io::new(Box::new(std::io::stdin()), metajit::cli::Output::stdout());
    // `--repeat=N` runs the program N times with one JIT (for steady-state measurements);
    // each run starts with a fresh tape.
    let mut result = Ok(());
    for i in 0..repeat {
        let mut tape = lang_bf::Tape::new();
        let t0 = std::time::Instant::now();
        result = lang_bf::run(&jit, &prog, &mut tape, &mut io);
        if repeat > 1 {
            let s = jit.stats();
            eprintln!(
                "bf: run {} took {:.3} s (so far: {} entries, {} guard failures, {} blackholed, {} loops, {} bridges)",
                i + 1,
                t0.elapsed().as_secs_f64(),
                s.entries,
                s.guard_failures,
                s.blackholes,
                s.loops,
                s.bridges
            );
        }
        if result.is_err() {
            break;
        }
    }
    if let Some(code) = io.output.finish("bf", 1) {
        return code;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bf: {file}: {e}");
            ExitCode::from(1)
        }
    }
}
