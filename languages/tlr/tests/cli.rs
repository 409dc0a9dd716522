//! The `tlr` binary: output is streamed, a reader that goes away stops the program, a full
//! device is an error, and file names need not be UTF-8.

use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};

fn example(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("examples/{name}.tlr"))
}

#[test]
fn output_streams_and_stops_when_the_reader_goes() {
    for jit in ["--jit=off", "--jit=on"] {
        // Counts down from 10^12: it only ends because its reader goes away.
        let mut child = Command::new(env!("CARGO_BIN_EXE_tlr"))
            .arg(jit)
            .arg(example("countdown"))
            .arg("1000000000000")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 26];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        assert_eq!(&first, b"1000000000000\n999999999999");
        drop(child.stdout.take());
        assert!(metajit::testing::exit_after_reader_gone(&mut child, jit).success());
    }
}

#[test]
fn a_full_device_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // no /dev/full on this system
    };
    let out = Command::new(env!("CARGO_BIN_EXE_tlr"))
        .arg(example("countdown"))
        .arg("3")
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("write error"));
}

#[test]
fn file_names_need_not_be_utf8() {
    let dir = std::env::temp_dir().join(format!("tlr-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(std::ffi::OsStr::from_bytes(b"\xff.tlr"));
    std::fs::copy(example("countdown"), &file).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tlr"))
        .arg(&file)
        .arg("2")
        .output()
        .unwrap();
    assert_eq!(
        (out.status.code(), out.stdout.as_slice()),
        (Some(0), &b"2\n1\n0\n"[..])
    );
}
