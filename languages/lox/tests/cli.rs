//! The `lox` binary: clox's exit codes and messages, the REPL, the JIT switch, output that
//! stops when its reader goes away, and bad command lines.

use std::io::Write;
use std::process::{Command, Stdio};

fn lox() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lox"))
}

fn program(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/programs/{name}.lox"))
}

fn script(source: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lox-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = source.len() ^ source.bytes().map(|b| b as usize).sum::<usize>();
    let path = dir.join(format!("s{n}.lox"));
    std::fs::write(&path, source).unwrap();
    path
}

#[test]
fn exit_codes_are_clox_s() {
    let ok = lox().arg(program("closures")).output().unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let compile = lox().arg(script("print 1 +;")).output().unwrap();
    assert_eq!(compile.status.code(), Some(65));
    assert_eq!(
        String::from_utf8_lossy(&compile.stderr),
        "[line 1] Error at ';': Expect expression.\n"
    );
    let runtime = lox().arg(program("error_arity")).output().unwrap();
    assert_eq!(runtime.status.code(), Some(70));
    assert_eq!(String::from_utf8_lossy(&runtime.stdout), "3\n");
    assert_eq!(
        String::from_utf8_lossy(&runtime.stderr),
        "Expected 2 arguments but got 1.\n[line 2] in call()\n[line 4] in script\n"
    );
}

#[test]
fn a_missing_file_and_bad_flags_are_errors() {
    let missing = lox().arg("/nonexistent/file.lox").output().unwrap();
    assert_eq!(missing.status.code(), Some(74));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("Could not open file"));
    for args in [
        &["--jit=maybe", "x.lox"][..],
        &["--frobnicate"],
        &["a.lox", "b.lox"],
    ] {
        let out = lox().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(64), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: lox"));
    }
    let bad_params = lox()
        .env("METAJIT_PARAMS", "threshold=banana")
        .arg(program("closures"))
        .output()
        .unwrap();
    assert_eq!(bad_params.status.code(), Some(64));
}

#[test]
fn the_jit_switch_does_not_change_output() {
    let on = lox()
        .arg("--jit=on")
        .arg(program("classes"))
        .output()
        .unwrap();
    let off = lox()
        .arg("--jit=off")
        .arg(program("classes"))
        .output()
        .unwrap();
    assert_eq!(on.stdout, off.stdout);
    assert!(on.status.success() && off.status.success());
}

#[test]
fn the_repl_keeps_globals_and_reports_errors() {
    let mut child = lox()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"var a = 1;\nprint a + 1;\nprint b;\nprint a;\nprint 1 +;\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "> > 2\n> > 1\n> > \n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Undefined variable 'b'.\n[line 1] in script\n[line 1] Error at ';': Expect expression.\n"
    );
}

#[test]
fn output_stops_when_the_reader_goes() {
    let path = script("var i = 0; while (true) { print i; i = i + 1; }");
    for jit in ["--jit=off", "--jit=on"] {
        let mut child = lox()
            .arg(jit)
            .arg(&path)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 4];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        assert_eq!(&first, b"0\n1\n");
        drop(child.stdout.take());
        assert!(metajit::testing::exit_after_reader_gone(&mut child, jit).success());
    }
}
