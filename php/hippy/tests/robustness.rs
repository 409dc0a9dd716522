//! Inputs that stress the compiler and the VM natively: they must run (or fail with PHP's
//! error), never overflow the Rust stack.

use std::process::Command;

fn run_source(name: &str, source: &str) -> (String, i32) {
    let dir = std::env::temp_dir().join(format!("hippy-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join(name);
    std::fs::write(&path, source).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_hippy"))
        .arg(&path)
        .output()
        .expect("hippy runs");
    let _ = std::fs::remove_file(&path);
    (
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        out.status.code().unwrap_or(-1),
    )
}

/// A left-deep chain of 200,000 additions (Zend itself crashes on this one).
#[test]
fn long_operator_chains_compile() {
    let source = format!("<?php $x = 1{}; echo $x, \"\\n\";", " + 1".repeat(200_000));
    assert_eq!(run_source("chain.php", &source), ("200001\n".into(), 0));
}

/// Arrays nested 100,000 deep: built, compared and freed; 2,000 deep: printed (the text of
/// `print_r` grows with the square of the depth).
#[test]
fn deeply_nested_arrays() {
    let source = "<?php
        $a = 0; $b = 0;
        for ($i = 0; $i < 100000; $i++) { $a = [$a]; $b = [$b]; }
        var_dump($a == $b);
        $c = 0;
        for ($i = 0; $i < 2000; $i++) { $c = [$c]; }
        echo strlen(print_r($c, true)), \"\\n\";
    ";
    // The length is what `php -n` prints for the same program.
    assert_eq!(
        run_source("nested.php", source),
        ("bool(true)\n48020001\n".into(), 0)
    );
}
