//! `phpt`: runs php-src's `.phpt` tests on hippy (or another PHP binary).
//!
//! ```text
//! cargo run --release -p php-phpt --bin phpt -- --php-src DIR --list FILE [--list FILE ...]
//!     [--binary PATH] [--jobs N] [--timeout SECONDS] [--results FILE] [--write | --check]
//!     [--zend-not-passing FILE] [--show NAME]
//! ```
//! It prints the report (totals, the pass rate over the tests Zend passes here, per-folder
//! counts, the tests that do not pass). `--write` also writes it to the results file
//! (`--results`, by default `php/conformance/phpt-results.txt`); `--check` instead compares
//! with that file and exits 1 on a regression: a test the file has as passing that fails now
//! (a timeout is first retried once, alone). `--show NAME` runs one test and prints its
//! output. Without the php-src tree it says so and exits 0.

use php_phpt::results::Results;
use php_phpt::run::{Runner, Status};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct Args {
    php_src: PathBuf,
    lists: Vec<PathBuf>,
    binary: PathBuf,
    jobs: usize,
    timeout: Duration,
    results: PathBuf,
    write: bool,
    check: bool,
    zend_not_passing: Option<PathBuf>,
    show: Option<String>,
}

fn usage() -> &'static str {
    "usage: phpt --php-src DIR --list FILE [--list FILE ...] [--binary PATH] [--jobs N] \
     [--timeout SECONDS] [--results FILE] [--write | --check] [--zend-not-passing FILE] [--show NAME]"
}

fn parse() -> Result<Args, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut a = Args {
        php_src: std::env::var_os("PHP_SRC")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                    .join(".cache/php-src-8.2")
            }),
        lists: Vec::new(),
        binary: exe.with_file_name("hippy"),
        jobs: 2,
        timeout: Duration::from_secs(10),
        results: PathBuf::from("php/conformance/phpt-results.txt"),
        write: false,
        check: false,
        zend_not_passing: None,
        show: None,
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        let arg = arg.to_string_lossy().into_owned();
        let mut value = || {
            it.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{arg} needs a value\n{}", usage()))
        };
        match arg.as_str() {
            "--php-src" => a.php_src = value()?,
            "--list" => a.lists.push(value()?),
            "--binary" => a.binary = value()?,
            "--results" => a.results = value()?,
            "--zend-not-passing" => a.zend_not_passing = Some(value()?),
            "--show" => a.show = Some(value()?.to_string_lossy().into_owned()),
            "--jobs" => {
                a.jobs = value()?
                    .to_string_lossy()
                    .parse()
                    .map_err(|_| format!("--jobs takes a number\n{}", usage()))?
            }
            "--timeout" => {
                let s: u64 = value()?
                    .to_string_lossy()
                    .parse()
                    .map_err(|_| format!("--timeout takes seconds\n{}", usage()))?;
                a.timeout = Duration::from_secs(s);
            }
            "--write" => a.write = true,
            "--check" => a.check = true,
            "-h" | "--help" => return Err(usage().to_string()),
            other => return Err(format!("unknown argument `{other}`\n{}", usage())),
        }
    }
    if a.lists.is_empty() && a.show.is_none() {
        return Err(format!("no --list given\n{}", usage()));
    }
    if a.write && a.check {
        return Err(format!(
            "--write and --check exclude each other\n{}",
            usage()
        ));
    }
    Ok(a)
}

fn read_lines(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect())
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if !args.php_src.join("Zend").is_dir() {
        println!(
            "phpt: no php-src tree at {} (fetch it with ../shared/conformance/get-php-src.sh); nothing run",
            args.php_src.display()
        );
        return ExitCode::SUCCESS;
    }
    if !args.binary.is_file() {
        eprintln!("phpt: no binary at {}", args.binary.display());
        return ExitCode::from(2);
    }
    let runner = Runner {
        binary: &args.binary,
        timeout: args.timeout,
    };
    if let Some(name) = &args.show {
        let (status, out) = runner.run(&args.php_src.join(name));
        println!("{}\n{}", status.name(), String::from_utf8_lossy(&out));
        return ExitCode::SUCCESS;
    }
    let mut tests = Vec::new();
    for l in &args.lists {
        match read_lines(l) {
            Ok(t) => tests.extend(t),
            Err(e) => {
                eprintln!("phpt: {e}");
                return ExitCode::from(2);
            }
        }
    }
    tests.sort();
    tests.dedup();
    let not_passing: Vec<String> = match &args.zend_not_passing {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => t
                .lines()
                .filter_map(|l| l.split_once('\t').map(|(_, t)| t.trim().to_string()))
                .collect(),
            Err(e) => {
                eprintln!("phpt: {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
        None => Vec::new(),
    };
    let statuses = Mutex::new(std::collections::BTreeMap::new());
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..args.jobs.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(t) = tests.get(i) else { break };
                    let (status, _) = runner.run(&args.php_src.join(t));
                    statuses
                        .lock()
                        .expect("no panics while held")
                        .insert(t.clone(), status);
                }
            });
        }
    });
    let mut results = Results {
        statuses: statuses.into_inner().expect("threads done"),
    };
    // Timeouts happen on a loaded machine: each is retried once, alone.
    let timed_out: Vec<String> = results
        .statuses
        .iter()
        .filter(|(_, s)| **s == Status::Timeout)
        .map(|(t, _)| t.clone())
        .collect();
    for t in timed_out {
        let (status, _) = runner.run(&args.php_src.join(&t));
        results.statuses.insert(t, status);
    }
    let lists: Vec<String> = args
        .lists
        .iter()
        .map(|l| {
            l.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let title = format!("hippy on {} (php-src 8.2.32)", lists.join(", "));
    let report = results.render(&title, &|t| !not_passing.iter().any(|n| n == t));
    print!("{report}");
    if args.write {
        if let Err(e) = std::fs::write(&args.results, &report) {
            eprintln!("phpt: {}: {e}", args.results.display());
            return ExitCode::from(2);
        }
        println!("phpt: wrote {}", args.results.display());
    }
    if args.check {
        let committed = match std::fs::read_to_string(&args.results) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("phpt: {}: {e}", args.results.display());
                return ExitCode::from(2);
            }
        };
        let before = Results::passing_in(&committed, &tests);
        let regressions: Vec<&String> = before
            .iter()
            .filter(|t| results.statuses.get(*t) != Some(&Status::Pass))
            .collect();
        if !regressions.is_empty() {
            println!(
                "phpt: {} regressions (passing in {}):",
                regressions.len(),
                args.results.display()
            );
            for t in regressions {
                println!(
                    "  {} {t}",
                    results.statuses.get(t).map_or("MISSING", |s| s.name())
                );
            }
            return ExitCode::from(1);
        }
        let now = results
            .statuses
            .values()
            .filter(|s| **s == Status::Pass)
            .count();
        if now > before.len() {
            println!(
                "phpt: no regressions; {} more tests pass than in {} (rerun with --write)",
                now - before.len(),
                args.results.display()
            );
        } else {
            println!("phpt: no regressions");
        }
    }
    ExitCode::SUCCESS
}
