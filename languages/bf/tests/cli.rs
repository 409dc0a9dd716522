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
