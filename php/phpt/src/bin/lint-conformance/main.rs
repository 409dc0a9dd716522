//! `lint-conformance`: runs hippy's lint and `php -n -l` over the `--FILE--` sections of
//! php-src's `.phpt` tests and reports how often they agree.
//!
//! ```text
//! cargo run --release -p php-phpt --bin lint-conformance -- [--php-src DIR] [--list FILE]
//!     [--results FILE] [--check | --write] [--php BIN] [--jobs N] [--extract DIR]
//! ```
//! `--extract DIR` only writes every `--FILE--` section to `DIR/NNNNN.php` (the corpus of
//! the syntax throughput benchmark, `benches/php-syntax/run.sh`) and exits.
//! `--mutations N [--seed S]` instead lints N mutants of the files PHP accepts (one token
//! deleted, or a token inserted before or after one, at random) with both and reports how
//! often verdict, line and message agree; `--dump FILE` then lists the mutants that differ.
//! It prints the totals. With `--write` it also rewrites the results file (`--results`, by
//! default the committed `php/conformance/lint-results.txt`: totals and the sorted list of
//! disagreeing tests). With `--check` it compares against that file and fails (exit 1) on a
//! regression: a test that agreed before and disagrees now. If php or the php-src tree is
//! missing it prints why and exits 0 (nothing to compare against).
//!
//! PHP's verdicts are cached (by content hash) in `$TMPDIR/lint-conformance-php-cache.tsv`,
//! so a re-run only starts php for files it has not seen.
//!
//! hippy's side runs in this process through `php_vm::lint::lint`, the lint behind
//! `hippy -l`; PHP's side is one `php -n -l` process per file.

mod cache;
mod mutations;
mod report;
mod verdict;

use cache::{fnv, load_cache, save_cache};
use report::Report;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use verdict::{Verdict, file_section, hippy_verdict, php_verdict};

pub struct Args {
    php_src: PathBuf,
    list: Option<PathBuf>,
    results: PathBuf,
    check: bool,
    write: bool,
    extract: Option<PathBuf>,
    php: String,
    jobs: usize,
    dump: Option<PathBuf>,
    mutations: usize,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let home = std::env::var("HOME").unwrap_or_default();
    let default_src = std::env::var("PHP_SRC").unwrap_or(format!("{home}/.cache/php-src-8.2"));
    let mut a = Args {
        php_src: default_src.into(),
        list: None,
        results: "php/conformance/lint-results.txt".into(),
        check: false,
        write: false,
        extract: None,
        dump: None,
        mutations: 0,
        seed: 1,
        php: "php".into(),
        jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--php-src" => a.php_src = value()?.into(),
            "--list" => a.list = Some(value()?.into()),
            "--results" => a.results = value()?.into(),
            "--php" => a.php = value()?,
            "--jobs" => a.jobs = value()?.parse().map_err(|_| "--jobs takes a number")?,
            "--check" => a.check = true,
            "--write" => a.write = true,
            "--extract" => a.extract = Some(value()?.into()),
            "--dump" => a.dump = Some(value()?.into()),
            "--mutations" => {
                a.mutations = value()?.parse().map_err(|_| "--mutations takes a number")?
            }
            "--seed" => a.seed = value()?.parse().map_err(|_| "--seed takes a number")?,
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    Ok(a)
}

fn collect_tests(args: &Args) -> Vec<String> {
    if let Some(list) = &args.list {
        let text = std::fs::read_to_string(list).unwrap_or_default();
        return text
            .lines()
            .map(str::trim)
            .filter(|l| l.ends_with(".phpt"))
            .map(String::from)
            .collect();
    }
    let mut out = Vec::new();
    let mut stack = vec![args.php_src.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "phpt")
                && let Ok(rel) = p.strip_prefix(&args.php_src)
            {
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("lint-conformance: {e}");
            return ExitCode::from(2);
        }
    };
    if !args.php_src.join("Zend").is_dir() {
        println!(
            "lint-conformance: skipped: no php-src tree at {} (get it with get-php-src.sh)",
            args.php_src.display()
        );
        return ExitCode::SUCCESS;
    }
    if Command::new(&args.php).arg("-v").output().is_err() {
        println!(
            "lint-conformance: skipped: `{}` is not installed (apt-get install php-cli)",
            args.php
        );
        return ExitCode::SUCCESS;
    }
    let tests = collect_tests(&args);
    if let Some(dir) = &args.extract {
        let _ = std::fs::create_dir_all(dir);
        let mut n = 0;
        for t in &tests {
            let Some(src) = std::fs::read(args.php_src.join(t))
                .ok()
                .and_then(|p| file_section(&p))
            else {
                continue;
            };
            if std::fs::write(dir.join(format!("{n:05}.php")), src).is_ok() {
                n += 1;
            }
        }
        println!("extracted {n} files to {}", dir.display());
        return ExitCode::SUCCESS;
    }
    if args.mutations > 0 {
        return mutations::mutation_run(&args, &tests);
    }
    let tmp = std::env::temp_dir().join(format!("lint-conformance-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<String, (Verdict, Verdict)>> = Mutex::new(BTreeMap::new());
    let cache = Mutex::new(load_cache());
    std::thread::scope(|s| {
        for w in 0..args.jobs.max(1) {
            let (tests, next, results, tmp, args, cache) =
                (&tests, &next, &results, &tmp, &args, &cache);
            s.spawn(move || {
                let file = tmp.join(format!("w{w}.php"));
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(test) = tests.get(i) else { break };
                    let Ok(phpt) = std::fs::read(args.php_src.join(test)) else {
                        continue;
                    };
                    let Some(src) = file_section(&phpt) else {
                        continue;
                    };
                    let key = fnv(&src);
                    let cached = cache.lock().ok().and_then(|c| c.get(&key).cloned());
                    let php = match cached {
                        Some(v) => v,
                        None => {
                            if std::fs::write(&file, &src).is_err() {
                                continue;
                            }
                            let v = php_verdict(&args.php, &file);
                            if let Ok(mut c) = cache.lock() {
                                c.insert(key, v.clone());
                            }
                            v
                        }
                    };
                    let hippy = hippy_verdict(src);
                    if let Ok(mut r) = results.lock() {
                        r.insert(test.clone(), (php, hippy));
                    }
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&tmp);
    if let Ok(c) = cache.lock() {
        save_cache(&c);
    }
    let results = results.into_inner().unwrap_or_default();
    if let Some(path) = &args.dump {
        let mut text = String::new();
        for (p, (php, hippy)) in &results {
            text.push_str(&format!(
                "{p}\t{}\t{}\t{}\t{}\t{}\n",
                php.short(),
                php.message().replace('\n', " "),
                hippy.short(),
                hippy.message().replace('\n', " "),
                if php == hippy { "same" } else { "differ" }
            ));
        }
        let _ = std::fs::write(path, text);
    }
    let report = Report::new(&results);
    print!("{}", report.summary);
    if args.check {
        let committed = std::fs::read_to_string(&args.results).unwrap_or_default();
        let known: std::collections::HashSet<&str> = committed
            .lines()
            .filter_map(|l| l.split('\t').next())
            .filter(|p| p.ends_with(".phpt"))
            .collect();
        let regressions: Vec<&String> = report
            .disagreeing
            .iter()
            .map(|(p, _)| p)
            .filter(|p| !known.contains(p.as_str()))
            .collect();
        for r in &regressions {
            println!("REGRESSION: {r}");
        }
        if !regressions.is_empty() {
            println!(
                "{} regressions against {}",
                regressions.len(),
                args.results.display()
            );
            return ExitCode::from(1);
        }
        println!("no regressions against {}", args.results.display());
        return ExitCode::SUCCESS;
    }
    if !args.write {
        println!("(not written: --write rewrites {})", args.results.display());
        return ExitCode::SUCCESS;
    }
    let mut text = report.summary.clone();
    text.push_str(
        "\n# tests where hippy -l and php -n -l differ (verdict or line; for parse errors also the\n# message): path, php, hippy[, message, php's, hippy's]\n",
    );
    for (p, why) in &report.disagreeing {
        text.push_str(&format!("{p}\t{why}\n"));
    }
    if let Some(dir) = args.results.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = std::fs::write(&args.results, text) {
        eprintln!(
            "lint-conformance: cannot write {}: {e}",
            args.results.display()
        );
        return ExitCode::from(2);
    }
    println!("wrote {}", args.results.display());
    ExitCode::SUCCESS
}
