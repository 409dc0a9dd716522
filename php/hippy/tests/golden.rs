//! Golden tests: every `php/tests/golden/NAME.php` run by hippy prints exactly
//! `NAME.out`, the output of `php -n` 8.2 recorded by `regen.sh` (with the directory's path
//! as `%DIR%`), with the JIT off, at the defaults and with the eager set. No PHP needed.

use std::path::{Path, PathBuf};
use std::process::Command;

const EAGER: &str = "threshold=1,function_threshold=1,trace_eagerness=1";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/golden")
        .canonicalize()
        .expect("php/tests/golden exists")
}

fn run(dir: &Path, file: &str, jit: &str, params: Option<&str>) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hippy"));
    cmd.current_dir(dir).arg(jit).arg(file);
    cmd.env_remove("METAJIT_PARAMS").env_remove("METAJIT_LOG");
    if let Some(p) = params {
        cmd.env("METAJIT_PARAMS", p);
    }
    let out = cmd.output().expect("hippy runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn golden_programs_in_three_modes() {
    let dir = golden_dir();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("golden dir")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.ends_with(".php").then_some(name)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the golden programs are there");
    let mut failures = Vec::new();
    for file in &files {
        // Outputs may hold any bytes; both sides are compared as lossy text.
        let expected = std::fs::read(dir.join(file.replace(".php", ".out")))
            .expect("every program has its .out");
        let expected = String::from_utf8_lossy(&expected).replace("%DIR%", &dir.to_string_lossy());
        for (mode, jit, params) in [
            ("--jit=off", "--jit=off", None),
            ("defaults", "--jit=on", None),
            ("eager set", "--jit=on", Some(EAGER)),
        ] {
            let got = run(&dir, file, jit, params);
            if got != expected {
                failures.push(format!(
                    "{file} [{mode}]:\n--- expected\n{expected}\n--- got\n{got}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
