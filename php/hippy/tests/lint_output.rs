//! `hippy -l` output details, compared with what `php -n -l` printed for the same files
//! (recorded from PHP 8.2's CLI): bytes that are not UTF-8 in messages come out as they are,
//! linking deprecations come before the verdict, a function declared twice is reported where
//! PHP's compiler meets it, and `memory_limit` holds while linting.

use std::process::Command;

fn lint(dir: &std::path::Path, args: &[&str], name: &str, src: &[u8]) -> (Vec<u8>, i32) {
    std::fs::write(dir.join(name), src).expect("write the file");
    let out = Command::new(env!("CARGO_BIN_EXE_hippy"))
        .current_dir(dir)
        .args(args)
        .arg("-l")
        .arg(name)
        .output()
        .expect("hippy runs");
    (out.stdout, out.status.code().unwrap_or(-1))
}

fn tmp(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hippy-lint-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir
}

#[test]
fn messages_keep_bytes_that_are_not_utf8() {
    let dir = tmp("bytes");
    let cases: &[(&[u8], &[u8])] = &[
        (
            b"<?php\n$a = \"x\" \xe9t\xe9;\n",
            b"\nParse error: syntax error, unexpected identifier \"\xe9t\xe9\" in b.php on line 2\n",
        ),
        (
            b"<?php\nclass A { function \xe9() {} function \xe9() {} }\n",
            b"\nFatal error: Cannot redeclare A::\xe9() in b.php on line 2\n",
        ),
        (
            b"<?php\nclass A\xe9 { final function f() {} }\nclass B extends A\xe9 { function f() {} }\n",
            b"\nFatal error: Cannot override final method A\xe9::f() in b.php on line 3\n",
        ),
    ];
    for (src, message) in cases {
        let expected = [*message, b"Errors parsing b.php\n"].concat();
        assert_eq!(lint(&dir, &["-n"], "b.php", src), (expected, 255));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn functions_declared_twice() {
    let dir = tmp("redeclare");
    let cases: &[(&[u8], &[u8])] = &[
        (
            b"<?php\nnamespace N;\nfunction f() {}\n\nfunction\n  F() {\n}\n",
            b"Cannot redeclare N\\F() (previously declared in r.php:3) in r.php on line 5",
        ),
        (
            b"<?php\nfunction STRLEN() {}\n",
            b"Cannot redeclare STRLEN() in r.php on line 2",
        ),
        (
            b"<?php\nif (1) { function f() {} }\nfunction f() {}\nfunction f() {}\n",
            b"Cannot redeclare f() (previously declared in r.php:3) in r.php on line 4",
        ),
        (
            b"<?php\nfunction f() {}\nfunction f() { $this = 1; }\n",
            b"Cannot re-assign $this in r.php on line 3",
        ),
        (
            b"<?php\nfunction f\xe9() {} function f\xe9() {}\n",
            b"Cannot redeclare f\xe9() (previously declared in r.php:2) in r.php on line 2",
        ),
        (
            b"<?php\nclass A { final function f() {} }\nclass B extends A { function f() {} }\n\
              function g() {}\nfunction g() {}\n",
            b"Cannot override final method A::f() in r.php on line 3",
        ),
        (
            b"<?php\nfunction g() {}\nfunction g() {}\nclass A { final function f() {} }\n\
              class B extends A { function f() {} }\n",
            b"Cannot redeclare g() (previously declared in r.php:2) in r.php on line 3",
        ),
    ];
    for (src, message) in cases {
        let expected = [b"\nFatal error: ", *message, b"\nErrors parsing r.php\n"].concat();
        assert_eq!(lint(&dir, &["-n"], "r.php", src), (expected, 255));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn linking_deprecations_come_before_the_verdict() {
    let dir = tmp("deprecated");
    let src = b"<?php\nclass A extends ArrayIterator { function count() {} }\n";
    let expected = "\nDeprecated: Return type of A::count() should either be compatible with \
                    ArrayIterator::count(): int, or the #[\\ReturnTypeWillChange] attribute \
                    should be used to temporarily suppress the notice in d.php on line 2\n\
                    No syntax errors detected in d.php\n";
    assert_eq!(
        lint(&dir, &["-n"], "d.php", src),
        (expected.as_bytes().to_vec(), 0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// PHP stops where its heap runs out (the line and the size it tried depend on its
/// allocator, so only the form is compared); without a limit the file is fine.
#[test]
fn memory_limit_holds_while_linting() {
    let dir = tmp("memory");
    let mut src = b"<?php\n".to_vec();
    for i in 0..40_000 {
        src.extend_from_slice(
            format!("function f{i}($a, $b = 2) {{ $x = [$a, $b, {i}]; return $x; }}\n").as_bytes(),
        );
    }
    let (out, code) = lint(&dir, &["-n", "-d", "memory_limit=8M"], "m.php", &src);
    let text = String::from_utf8_lossy(&out);
    assert_eq!(code, 255, "{text}");
    assert!(
        text.starts_with(
            "\nFatal error: Allowed memory size of 8388608 bytes exhausted (tried to allocate "
        ) && text.ends_with("Errors parsing m.php\n"),
        "{text}"
    );
    let (out, code) = lint(&dir, &["-n", "-d", "memory_limit=-1"], "m.php", &src);
    assert_eq!(
        (String::from_utf8_lossy(&out).as_ref(), code),
        ("No syntax errors detected in m.php\n", 0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
