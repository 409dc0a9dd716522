//! The `bf` binary: a reader that goes away is not a crash.

use std::process::{Command, Stdio};

/// Runs `bf ARGS FILE` on `src` with its standard output closed before it writes.
fn run_into_closed_pipe(args: &[&str], src: &str) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("bf-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{}.b", args.join("_").replace(['-', '='], "")));
    std::fs::write(&file, src).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bf"))
        .args(args)
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn emit_c_into_a_closed_pipe_is_not_a_panic() {
    // Far more C than a pipe buffers, so the write fails with a broken pipe.
    let src = "+>-<[>+<-]".repeat(20_000);
    let (code, stderr) = run_into_closed_pipe(&["--emit-c"], &src);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn program_output_into_a_closed_pipe_is_not_a_panic() {
    // Prints 200,000 bytes.
    let src = format!("{}[.>]", "+".repeat(65)).replace("[.>]", "[.]");
    let src = src.replace("[.]", &".".repeat(200_000));
    let (code, stderr) = run_into_closed_pipe(&[], &src);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(code.is_some(), "killed by a signal: {stderr}");
}

/// Waits up to a minute for `child`; kills it and fails if it is still running.
fn program_file(name: &std::ffi::OsStr, src: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bf-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, src).unwrap();
    file
}

#[test]
fn an_endless_printer_stops_when_its_reader_goes() {
    let file = program_file("endless.b".as_ref(), "+[.]");
    for jit in ["--jit=off", "--jit=on"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bf"))
            .arg(jit)
            .arg(&file)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 10];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        assert_eq!(first, [1; 10]);
        drop(child.stdout.take());
        assert!(metajit::testing::exit_after_reader_gone(&mut child, jit).success());
    }
}

#[test]
fn a_full_device_is_an_error() {
    let file = program_file("hello.b".as_ref(), &format!("{}.", "+".repeat(65)));
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // no /dev/full on this system
    };
    let out = Command::new(env!("CARGO_BIN_EXE_bf"))
        .arg(&file)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("write error"));
}

#[test]
fn file_names_and_parameters_need_not_be_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let file = program_file(
        std::ffi::OsStr::from_bytes(b"\xff.b"),
        &format!("{}.", "+".repeat(65)),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_bf"))
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        (out.status.code(), out.stdout.as_slice()),
        (Some(0), &b"A"[..])
    );
    let missing = file.with_file_name(std::ffi::OsStr::from_bytes(b"\xfe.b"));
    let out = Command::new(env!("CARGO_BIN_EXE_bf"))
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = Command::new(env!("CARGO_BIN_EXE_bf"))
        .arg(&file)
        .env(
            "METAJIT_PARAMS",
            std::ffi::OsStr::from_bytes(b"threshold=\xff"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("METAJIT_PARAMS: not UTF-8"));
}
