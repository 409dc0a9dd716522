//! Running one `.phpt` test on a PHP binary, as run-tests.php does for the CLI.

use crate::expect::Expect;
use crate::phpt::Test;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a test ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// The output matched.
    Pass,
    /// The output did not match.
    Fail,
    /// Skipped (its `SKIPIF` said so, or it needs what a CLI run cannot give).
    Skip,
    /// Failed, as its `XFAIL` section expects.
    Xfail,
    /// Still running after the timeout (killed).
    Timeout,
    /// The test file is malformed (no script or no expectation).
    Bork,
}

impl Status {
    /// The name used in reports and the results file.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
            Status::Xfail => "XFAIL",
            Status::Timeout => "TIMEOUT",
            Status::Bork => "BORK",
        }
    }

    /// The status of a name.
    pub fn from_name(s: &str) -> Option<Status> {
        Some(match s {
            "PASS" => Status::Pass,
            "FAIL" => Status::Fail,
            "SKIP" => Status::Skip,
            "XFAIL" => Status::Xfail,
            "TIMEOUT" => Status::Timeout,
            "BORK" => Status::Bork,
            _ => return None,
        })
    }
}

/// Sections that need a web server, a debugger or other SAPIs: such tests are skipped.
const NOT_CLI: &[&str] = &[
    "POST",
    "POST_RAW",
    "GZIP_POST",
    "DEFLATE_POST",
    "PUT",
    "GET",
    "COOKIE",
    "CGI",
    "PHPDBG",
    "EXPECTHEADERS",
    "HEADERS",
    "REQUEST",
    "WHITESPACE_SENSITIVE",
];

/// The extensions the binary provides (tests needing others are skipped).
const LOADED: &[&str] = &["core", "standard"];

/// What a process printed and how it ended.
struct Ran {
    output: Vec<u8>,
    timed_out: bool,
}

fn run_process(mut cmd: Command, stdin: &[u8], timeout: Duration) -> std::io::Result<Ran> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin);
    }
    // Readers on threads, so a child that fills a pipe does not block.
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut v);
        v
    });
    let start = Instant::now();
    let mut timed_out = false;
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            timed_out = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut output = out_reader.join().unwrap_or_default();
    output.extend(err_reader.join().unwrap_or_default());
    Ok(Ran { output, timed_out })
}

/// How to run the binary under test.
#[derive(Clone, Debug)]
pub struct Runner<'a> {
    /// The PHP binary (hippy).
    pub binary: &'a Path,
    /// Per-process time limit.
    pub timeout: Duration,
}

impl Runner<'_> {
    fn command(
        &self,
        script: &Path,
        ini: &[String],
        args: &[String],
        env: &[(String, String)],
    ) -> Command {
        let mut cmd = Command::new(self.binary);
        cmd.arg("-n");
        for i in ini {
            cmd.arg("-d").arg(i);
        }
        cmd.arg("-f").arg(script);
        if !args.is_empty() {
            cmd.arg("--").args(args);
        }
        if let Some(dir) = script.parent() {
            cmd.current_dir(dir);
        }
        // run-tests.php names the binary under test to the tests.
        let exe = std::fs::canonicalize(self.binary).unwrap_or_else(|_| self.binary.into());
        cmd.env("TEST_PHP_EXECUTABLE", exe);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs the test at `path`: its status and what the script printed.
    pub fn run(&self, path: &Path) -> (Status, Vec<u8>) {
        let Ok(text) = std::fs::read(path) else {
            return (Status::Bork, b"unreadable".to_vec());
        };
        let test = Test::parse(&text);
        if NOT_CLI.iter().any(|s| test.has(s)) {
            return (Status::Skip, Vec::new());
        }
        if let Some(exts) = test.get("EXTENSIONS") {
            let needed = String::from_utf8_lossy(exts).to_ascii_lowercase();
            if needed.split_whitespace().any(|e| !LOADED.contains(&e)) {
                return (Status::Skip, Vec::new());
            }
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let script_text = match (
            test.get("FILE"),
            test.get("FILEEOF"),
            test.get("FILE_EXTERNAL"),
        ) {
            (Some(f), _, _) => f.to_vec(),
            (_, Some(f), _) => f.to_vec(),
            (_, _, Some(ext)) => {
                let name = String::from_utf8_lossy(ext).trim().to_string();
                match std::fs::read(dir.join(name)) {
                    Ok(t) => t,
                    Err(_) => return (Status::Bork, b"missing external file".to_vec()),
                }
            }
            _ => return (Status::Bork, b"no --FILE-- section".to_vec()),
        };
        let expect = match (
            test.get("EXPECT"),
            test.get("EXPECTF"),
            test.get("EXPECTREGEX"),
        ) {
            (Some(e), _, _) => Expect::Exact(e.to_vec()),
            (_, Some(e), _) => Expect::Format(e.to_vec()),
            (_, _, Some(e)) => Expect::Regex(e.to_vec()),
            _ => return (Status::Bork, b"no expectation".to_vec()),
        };
        let ini: Vec<String> = test
            .get("INI")
            .map(|i| {
                String::from_utf8_lossy(i)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with(';'))
                    // run-tests.php trims the name and the value of each setting and
                    // ignores lines without `=`.
                    .filter_map(|l| {
                        let (k, v) = l.split_once('=')?;
                        Some(format!("{}={}", k.trim(), v.trim()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let env: Vec<(String, String)> = test
            .get("ENV")
            .map(|e| {
                String::from_utf8_lossy(e)
                    .lines()
                    .filter_map(|l| l.split_once('='))
                    .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let args: Vec<String> = test
            .get("ARGS")
            .map(|a| {
                String::from_utf8_lossy(a)
                    .split_whitespace()
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let stdin = test.get("STDIN").unwrap_or(b"").to_vec();
        if let Some(skip) = test.get("SKIPIF") {
            let skip_path = dir.join(format!("{stem}.skip.php"));
            if std::fs::write(&skip_path, skip).is_ok() {
                let ran = run_process(self.command(&skip_path, &ini, &[], &env), b"", self.timeout);
                let _ = std::fs::remove_file(&skip_path);
                if let Ok(r) = ran {
                    let out = String::from_utf8_lossy(&r.output)
                        .trim_start()
                        .to_ascii_lowercase();
                    if out.starts_with("skip") {
                        return (Status::Skip, r.output);
                    }
                }
            }
        }
        let script = dir.join(format!("{stem}.php"));
        if std::fs::write(&script, &script_text).is_err() {
            return (
                Status::Bork,
                b"cannot write the script next to the test".to_vec(),
            );
        }
        let ran = run_process(
            self.command(&script, &ini, &args, &env),
            &stdin,
            self.timeout,
        );
        if let Some(clean) = test.get("CLEAN") {
            let clean_path = dir.join(format!("{stem}.clean.php"));
            if std::fs::write(&clean_path, clean).is_ok() {
                let _ = run_process(
                    self.command(&clean_path, &ini, &[], &env),
                    b"",
                    self.timeout,
                );
                let _ = std::fs::remove_file(&clean_path);
            }
        }
        let _ = std::fs::remove_file(&script);
        let Ok(ran) = ran else {
            return (Status::Bork, b"the binary could not be started".to_vec());
        };
        if ran.timed_out {
            return (Status::Timeout, ran.output);
        }
        let status = if expect.matches(&ran.output) {
            Status::Pass
        } else if test.has("XFAIL") {
            Status::Xfail
        } else {
            Status::Fail
        };
        (status, ran.output)
    }
}
