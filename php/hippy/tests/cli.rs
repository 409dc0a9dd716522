//! The command line end to end (`-l` with the error settings, `-r`, `-s`, `-w`...): stdout,
//! stderr and exit code compared with what `php -n` printed for the same arguments (recorded
//! from PHP 8.2's CLI).

use std::process::Command;

const BAD: &str = "<?php\nfunction f( {\n";
const MSG: &str = "syntax error, unexpected token \"{\", expecting variable in e1.php on line 2";

fn run(dir: &std::path::Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_hippy"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("hippy runs");
    (
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn lint_matches_php_cli() {
    let dir = std::env::temp_dir().join(format!("hippy-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    std::fs::write(dir.join("e1.php"), BAD).expect("write");
    std::fs::write(dir.join("ok.php"), "<?php\necho 1;\n").expect("write");
    let shown = format!("\nParse error: {MSG}\nErrors parsing e1.php\n");
    let hidden = "Errors parsing e1.php\n".to_string();
    let logged = format!("PHP Parse error:  {MSG}\n");
    let cases: &[(&[&str], &str, &str, i32)] = &[
        (&["-n", "-l", "e1.php"], &shown, "", 255),
        (
            &["-n", "-d", "display_errors=0", "-l", "e1.php"],
            &hidden,
            "",
            255,
        ),
        (
            &[
                "-n",
                "-d",
                "log_errors=1",
                "-d",
                "display_errors=0",
                "-l",
                "e1.php",
            ],
            &hidden,
            &logged,
            255,
        ),
        (
            &["-n", "-d", "display_errors=stderr", "-l", "e1.php"],
            &hidden,
            &format!("Parse error: {MSG}\n"),
            255,
        ),
        (
            &["-n", "-l", "ok.php"],
            "No syntax errors detected in ok.php\n",
            "",
            0,
        ),
        (
            &["-n", "--jit=off", "-l", "ok.php"],
            "No syntax errors detected in ok.php\n",
            "",
            0,
        ),
        // Recorded from php -n: flag clusters, `-l -`, `-r`, bad options.
        (
            &["-n", "-ln", "ok.php"],
            "No syntax errors detected in ok.php\n",
            "",
            0,
        ),
        (&["-n", "-l", "-"], "Could not open input file: -\n", "", 1),
        (
            &["-n", "-r", "echo $argc, implode(\",\", $argv);", "a", "-b"],
            "3Standard input code,a,-b",
            "",
            0,
        ),
        (&["-n", "-r", "echo 1+2, \"\\n\";"], "3\n", "", 0),
        (
            &["-n", "-r", "echo intdiv(1, 0);"],
            "\nFatal error: Uncaught DivisionByZeroError: Division by zero in Command line code:1\nStack trace:\n#0 Command line code(1): intdiv(1, 0)\n#1 {main}\n  thrown in Command line code on line 1\n",
            "",
            255,
        ),
        (
            &["-n", "-l", "missing.php"],
            "Could not open input file: missing.php\n",
            "",
            1,
        ),
    ];
    for (args, stdout, stderr, code) in cases {
        let got = run(&dir, args);
        assert_eq!(
            got,
            (stdout.to_string(), stderr.to_string(), *code),
            "hippy {args:?}"
        );
    }
    // A bad option: the error on stderr, then the help exactly as `-h` prints it (php does
    // the same with its own help).
    let (help, _, _) = run(&dir, &["-h"]);
    assert_eq!(
        run(&dir, &["-n", "-Z"]),
        (
            help.clone(),
            "Error in argument 2, char 2: option not found Z\n".into(),
            1
        )
    );
    assert_eq!(
        run(&dir, &["-n", "-r"]),
        (
            help,
            "Error in argument 2, char 2: no argument for option r\n".into(),
            1
        )
    );
    let (out, _, code) = run(&dir, &["-v"]);
    assert!(out.starts_with("PHP 8.2.32 (cli)") && code == 0);
    // Running a script (recorded from `php -n ok.php` and `php -n missing.php`).
    assert_eq!(run(&dir, &["-n", "ok.php"]), ("1".into(), String::new(), 0));
    assert_eq!(
        run(&dir, &["missing.php"]),
        (
            "Could not open input file: missing.php\n".into(),
            String::new(),
            1
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// File names are bytes: PHP prints them back as given (recorded from `php -n -l`).
#[test]
fn file_names_need_not_be_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = std::env::temp_dir().join(format!("hippy-bytes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let name = std::ffi::OsStr::from_bytes(b"\xff.php");
    std::fs::write(dir.join(name), "<?php echo 1;").expect("write");
    let lint = |file: &std::ffi::OsStr| {
        let out = Command::new(env!("CARGO_BIN_EXE_hippy"))
            .current_dir(&dir)
            .arg("-l")
            .arg(file)
            .output()
            .expect("hippy runs");
        (out.stdout, out.status.code())
    };
    assert_eq!(
        lint(name),
        (b"No syntax errors detected in \xff.php\n".to_vec(), Some(0))
    );
    assert_eq!(
        lint(std::ffi::OsStr::from_bytes(b"\xfe.php")),
        (b"Could not open input file: \xfe.php\n".to_vec(), Some(1))
    );
}

/// Compile-time warnings and deprecations come before the verdict, in PHP's order (the
/// scanner's first), and honour `error_reporting` and `display_errors` (recorded from
/// `php -n -l w.php` and `php -n -d ... -l w.php`).
#[test]
fn lint_prints_compile_warnings() {
    let dir = std::env::temp_dir().join(format!("hippy-cli-warn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let src = "<?php\n$b = 1;\necho \"${b}\\n\";\nfunction f($a = 1, $b) {}\necho \"\\400\";\n\
               switch (1) { case 1: continue; }\ndeclare(foo=1);\nvar_dump($a[]);\n";
    std::fs::write(dir.join("w.php"), src).expect("write");
    std::fs::write(
        dir.join("ok.php"),
        "<?php\ndeclare(strict_types=1, ticks=1);\n",
    )
    .expect("write");
    let octal =
        "Warning: Octal escape sequence overflow \\400 is greater than \\377 in w.php on line 5";
    let dollar =
        "Deprecated: Using ${var} in strings is deprecated, use {$var} instead in w.php on line 3";
    let optional = "Deprecated: Optional parameter $a declared before required parameter $b is implicitly treated as a required parameter in w.php on line 4";
    let cont =
        "Warning: \"continue\" targeting switch is equivalent to \"break\" in w.php on line 6";
    let declare = "Warning: Unsupported declare 'foo' in w.php on line 7";
    let fatal = "Fatal error: Cannot use [] for reading in w.php on line 8";
    let shown = format!(
        "\n{octal}\n\n{dollar}\n\n{optional}\n\n{cont}\n\n{declare}\n\n{fatal}\nErrors parsing w.php\n"
    );
    assert_eq!(
        run(&dir, &["-n", "-l", "w.php"]),
        (shown, String::new(), 255)
    );
    let args = [
        "-n",
        "-d",
        "error_reporting=E_ALL & ~E_DEPRECATED",
        "-d",
        "display_errors=stderr",
        "-l",
        "w.php",
    ];
    assert_eq!(
        run(&dir, &args),
        (
            "Errors parsing w.php\n".into(),
            format!("{octal}\n{cont}\n{declare}\n{fatal}\n"),
            255
        )
    );
    assert_eq!(
        run(&dir, &["-n", "-l", "ok.php"]),
        (
            "No syntax errors detected in ok.php\n".into(),
            String::new(),
            0
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn info_and_error_settings() {
    let dir = std::env::temp_dir().join(format!("hippy-cli-info-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let (out, _, code) = run(&dir, &["-n", "-d", "memory_limit=64M", "-i"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("phpinfo()\nPHP Version => 8.2.32\n"),
        "{out}"
    );
    assert!(out.contains("\nmemory_limit => 64M => 64M\n"), "{out}");
    // -d values are read as PHP's ini scanner reads them; diagnostics go where
    // display_errors and log_errors say.
    let code_arg = "echo ini_get('error_reporting'), \"\\n\"; echo $x; echo \"done\\n\";";
    let (out, err, code) = run(
        &dir,
        &[
            "-n",
            "-d",
            "error_reporting=E_ALL & ~E_NOTICE",
            "-d",
            "display_errors=stderr",
            "-d",
            "log_errors=On",
            "-r",
            code_arg,
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(out, "32759\ndone\n");
    assert_eq!(
        err,
        "PHP Warning:  Undefined variable $x in Command line code on line 1\n\
         Warning: Undefined variable $x in Command line code on line 1\n"
    );
}

#[test]
fn source_flags_match_php_cli() {
    let dir = std::env::temp_dir().join(format!("hippy-cli-src-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    std::fs::write(
        dir.join("s.php"),
        "<?php\n// note\n$a = 1; /* c */ echo \"x$a\";\n",
    )
    .expect("write");
    // What `php -n -s s.php` and `php -n -w s.php` print (PHP 8.2's CLI).
    let highlighted = "<code><span style=\"color: #000000\">\n<span style=\"color: #0000BB\">&lt;?php<br /></span><span style=\"color: #FF8000\">//&nbsp;note<br /></span><span style=\"color: #0000BB\">$a&nbsp;</span><span style=\"color: #007700\">=&nbsp;</span><span style=\"color: #0000BB\">1</span><span style=\"color: #007700\">;&nbsp;</span><span style=\"color: #FF8000\">/*&nbsp;c&nbsp;*/&nbsp;</span><span style=\"color: #007700\">echo&nbsp;</span><span style=\"color: #DD0000\">\"x</span><span style=\"color: #0000BB\">$a</span><span style=\"color: #DD0000\">\"</span><span style=\"color: #007700\">;<br /></span>\n</span>\n</code>";
    assert_eq!(
        run(&dir, &["-n", "-s", "s.php"]),
        (highlighted.to_string(), String::new(), 0)
    );
    assert_eq!(
        run(&dir, &["-n", "-w", "s.php"]),
        (
            "<?php\n $a = 1; echo \"x$a\"; ".to_string(),
            String::new(),
            0
        )
    );
    assert_eq!(
        run(&dir, &["-s", "missing.php"]),
        (
            "Could not open input file: missing.php\n".to_string(),
            String::new(),
            1
        )
    );
    assert_eq!(
        run(&dir, &["-s", "-r", "echo 1;"]),
        (
            "Either execute direct code, process stdin or use a file.\n".to_string(),
            String::new(),
            1
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}
