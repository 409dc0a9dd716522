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
//! hippy's side runs in this process through `php_syntax::lint`, the same function behind
//! `hippy -l`; PHP's side is one `php -n -l` process per file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One side's verdict on a file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Verdict {
    Ok,
    Parse {
        line: u32,
        message: String,
    },
    Fatal {
        line: u32,
        message: String,
    },
    /// hippy panicked: always a disagreement.
    Crash,
}

impl Verdict {
    fn class(&self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Parse { .. } => "parse",
            Verdict::Fatal { .. } => "fatal",
            Verdict::Crash => "crash",
        }
    }

    fn line(&self) -> u32 {
        match self {
            Verdict::Parse { line, .. } | Verdict::Fatal { line, .. } => *line,
            _ => 0,
        }
    }

    fn message(&self) -> &str {
        match self {
            Verdict::Parse { message, .. } | Verdict::Fatal { message, .. } => message,
            _ => "",
        }
    }

    fn short(&self) -> String {
        match self {
            Verdict::Ok | Verdict::Crash => self.class().to_string(),
            _ => format!("{}:{}", self.class(), self.line()),
        }
    }
}

struct Args {
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

/// The `--FILE--` section of a `.phpt`, if it has one.
fn file_section(phpt: &[u8]) -> Option<Vec<u8>> {
    let mut lines = phpt.split_inclusive(|&b| b == b'\n');
    lines.by_ref().find(|l| trim_eol(l) == b"--FILE--")?;
    let mut out = Vec::new();
    for l in lines {
        let t = trim_eol(l);
        if t.len() > 4
            && t.starts_with(b"--")
            && t.ends_with(b"--")
            && t[2..t.len() - 2]
                .iter()
                .all(|c| c.is_ascii_uppercase() || *c == b'_')
        {
            break;
        }
        out.extend_from_slice(l);
    }
    Some(out)
}

fn trim_eol(l: &[u8]) -> &[u8] {
    let l = l.strip_suffix(b"\n").unwrap_or(l);
    l.strip_suffix(b"\r").unwrap_or(l)
}

/// Reads PHP's verdict from `php -n -l` output.
fn php_verdict(php: &str, file: &Path) -> Verdict {
    let out = match Command::new(php).args(["-n", "-l"]).arg(file).output() {
        Ok(o) => o,
        Err(_) => return Verdict::Crash,
    };
    if out.status.code() == Some(0) {
        return Verdict::Ok;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let name = file.display().to_string();
    for l in text.lines() {
        for (prefix, fatal) in [("Parse error: ", false), ("Fatal error: ", true)] {
            if let Some(rest) = l.strip_prefix(prefix) {
                let marker = format!(" in {name} on line ");
                // PHP names no file for an error raised while its scanner scans ahead for
                // a heredoc's closing marker (`ErrorFile::NoActiveFile`); the line is 0.
                let marker = if rest.contains(&marker) {
                    marker
                } else {
                    " in [no active file] on line ".to_string()
                };
                if let Some(at) = rest.rfind(&marker) {
                    let message = rest[..at].to_string();
                    let line = rest[at + marker.len()..].trim().parse().unwrap_or(0);
                    return if fatal {
                        Verdict::Fatal { line, message }
                    } else {
                        Verdict::Parse { line, message }
                    };
                }
            }
        }
    }
    Verdict::Fatal {
        line: 0,
        message: "unrecognised php output".into(),
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn cache_path() -> PathBuf {
    std::env::temp_dir().join("lint-conformance-php-cache.tsv")
}

fn load_cache() -> std::collections::HashMap<u64, Verdict> {
    let text = std::fs::read_to_string(cache_path()).unwrap_or_default();
    let mut map = std::collections::HashMap::new();
    for l in text.lines() {
        let f: Vec<&str> = l.splitn(4, '\t').collect();
        let [h, class, line, message] = f[..] else {
            continue;
        };
        let (Ok(h), Ok(line)) = (h.parse::<u64>(), line.parse::<u32>()) else {
            continue;
        };
        let message = message.to_string();
        if message == "unrecognised php output" {
            continue; // asked again: the output parser may have learnt the form
        }
        let v = match class {
            "ok" => Verdict::Ok,
            "parse" => Verdict::Parse { line, message },
            "fatal" => Verdict::Fatal { line, message },
            _ => continue,
        };
        map.insert(h, v);
    }
    map
}

fn save_cache(map: &std::collections::HashMap<u64, Verdict>) {
    let mut text = String::new();
    for (h, v) in map {
        if *v != Verdict::Crash {
            text.push_str(&format!(
                "{h}\t{}\t{}\t{}\n",
                v.class(),
                v.line(),
                v.message().replace('\n', " ")
            ));
        }
    }
    let _ = std::fs::write(cache_path(), text);
}

fn hippy_verdict(src: Vec<u8>) -> Verdict {
    let worker = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            std::panic::catch_unwind(|| {
                php_syntax::lint(&src, php_syntax::ParseOptions::default()).map(|_| ())
            })
        });
    let Ok(handle) = worker else {
        return Verdict::Crash;
    };
    match handle.join() {
        Ok(Ok(Ok(()))) => Verdict::Ok,
        Ok(Ok(Err(d))) => match d.severity {
            php_syntax::Severity::Parse => Verdict::Parse {
                line: d.line,
                message: d.message,
            },
            // Only errors end a lint; warnings are not compared.
            _ => Verdict::Fatal {
                line: d.line,
                message: d.message,
            },
        },
        _ => Verdict::Crash,
    }
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
        return mutation_run(&args, &tests);
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

/// Tokens inserted by the mutation run: punctuation, keywords and operands that make most
/// syntax errors PHP's parser can meet.
const INSERTS: &[&str] = &[
    ";",
    ",",
    ")",
    "(",
    "]",
    "[",
    "{",
    "}",
    "=>",
    "->",
    "::",
    "$x",
    "foo",
    "1",
    "'s'",
    "function",
    "class",
    "static",
    "new",
    "fn",
    "&",
    "...",
    "?",
    ":",
    "=",
    "as",
    "use",
    "const",
    "public",
    "case",
    "default",
    "yield",
    "else",
    "if",
    "array",
    "list",
    "#[",
    "\\",
    "$",
    "\"",
    "namespace",
    "<<<EOT\n",
    "?>",
    "<?php",
];

/// A small deterministic generator (xorshift) for reproducible mutants.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutant of `src`: a token deleted, or a token inserted before or after one.
fn mutate(src: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let lexed = php_syntax::lexer::lex(src, php_syntax::ShortTags::default());
    let tokens: Vec<_> = lexed
        .tokens
        .iter()
        .filter(|t| t.span.end > t.span.start)
        .collect();
    if tokens.len() < 3 {
        return None;
    }
    let t = tokens[rng.below(tokens.len())];
    let (start, end) = (t.span.start as usize, t.span.end as usize);
    let insert = INSERTS[rng.below(INSERTS.len())].as_bytes();
    let mut out = Vec::with_capacity(src.len() + 16);
    match rng.below(10) {
        0..=3 => {
            out.extend_from_slice(&src[..start]);
            out.extend_from_slice(&src[end..]);
        }
        4..=6 => {
            out.extend_from_slice(&src[..start]);
            out.extend_from_slice(insert);
            out.push(b' ');
            out.extend_from_slice(&src[start..]);
        }
        _ => {
            out.extend_from_slice(&src[..end]);
            out.push(b' ');
            out.extend_from_slice(insert);
            out.extend_from_slice(&src[end..]);
        }
    }
    Some(out)
}

/// `--mutations N`: verdicts of php and hippy on mutants of the files PHP accepts.
fn mutation_run(args: &Args, tests: &[String]) -> ExitCode {
    let mut rng = Rng(args.seed.max(1) | 1 << 40);
    let sources: Vec<Vec<u8>> = tests
        .iter()
        .filter_map(|t| std::fs::read(args.php_src.join(t)).ok())
        .filter_map(|p| file_section(&p))
        .collect();
    let cache = Mutex::new(load_cache());
    // Mutants of files PHP accepts (by the cache; unknown files are checked below).
    let mut mutants = Vec::new();
    let mut tries = 0;
    while mutants.len() < args.mutations && tries < args.mutations * 20 && !sources.is_empty() {
        tries += 1;
        let src = &sources[rng.below(sources.len())];
        let accepted = cache
            .lock()
            .ok()
            .and_then(|c| c.get(&fnv(src)).cloned())
            .is_some_and(|v| v == Verdict::Ok);
        if !accepted {
            continue;
        }
        if let Some(m) = mutate(src, &mut rng) {
            mutants.push(m);
        }
    }
    let tmp = std::env::temp_dir().join(format!("lint-mutants-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Verdict, Verdict)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for w in 0..args.jobs.max(1) {
            let (mutants, next, results, tmp, cache) = (&mutants, &next, &results, &tmp, &cache);
            s.spawn(move || {
                let file = tmp.join(format!("m{w}.php"));
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(src) = mutants.get(i) else { break };
                    let key = fnv(src);
                    let cached = cache.lock().ok().and_then(|c| c.get(&key).cloned());
                    let php = match cached {
                        Some(v) => v,
                        None => {
                            if std::fs::write(&file, src).is_err() {
                                continue;
                            }
                            let v = php_verdict(&args.php, &file);
                            if let Ok(mut c) = cache.lock() {
                                c.insert(key, v.clone());
                            }
                            v
                        }
                    };
                    let hippy = hippy_verdict(src.clone());
                    if let Ok(mut r) = results.lock() {
                        r.push((i, php, hippy));
                    }
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&tmp);
    if let Ok(c) = cache.lock() {
        save_cache(&c);
    }
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|r| r.0);
    let (mut verdict, mut line, mut message) = (0, 0, 0);
    let mut listing = String::new();
    for (i, php, hippy) in &results {
        let v = php.class() == hippy.class();
        let l = v && php.line() == hippy.line();
        let m = l && php.message() == hippy.message();
        verdict += usize::from(v);
        line += usize::from(l);
        message += usize::from(m);
        if !m {
            listing.push_str(&format!(
                "=== mutant {i}: php {} {} | hippy {} {}\n{}\n",
                php.short(),
                php.message(),
                hippy.short(),
                hippy.message(),
                String::from_utf8_lossy(&mutants[*i])
            ));
        }
    }
    let n = results.len().max(1) as f64;
    println!(
        "mutants (seed {}): {}, same verdict {:.2}%, same verdict+line {:.2}%, same message {:.2}%",
        args.seed,
        results.len(),
        verdict as f64 * 100.0 / n,
        line as f64 * 100.0 / n,
        message as f64 * 100.0 / n
    );
    if let Some(path) = &args.dump {
        let _ = std::fs::write(path, listing);
    }
    ExitCode::SUCCESS
}

/// Compile-time errors that need the class hierarchy (inheritance, interfaces, traits) or
/// PHP's internal classes and functions: they belong with the classes issue, so they are
/// counted apart. Matched on php's message.
fn needs_hierarchy(message: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "Access level to ",
        "Declaration of ",
        "Cannot make non static method ",
        "Cannot make static method ",
        "Cannot override final method ",
        "Cannot redeclare non static ",
        "Cannot redeclare static ",
        "Cannot redeclare non-readonly property ",
        "Cannot redeclare readonly property ",
        "Type of ",
        "Readonly class ",
        "Non-readonly class ",
    ];
    const INFIXES: &[&str] = &[
        " abstract method",
        " cannot extend ",
        " cannot implement ",
        " cannot override final constant ",
        " must be compatible with ",
        " has not been applied ",
        " collides with ",
        "Cannot redeclare strlen()",
    ];
    PREFIXES.iter().any(|p| message.starts_with(p)) || INFIXES.iter().any(|i| message.contains(i))
}

struct Report {
    summary: String,
    disagreeing: Vec<(String, String)>,
}

impl Report {
    fn new(results: &BTreeMap<String, (Verdict, Verdict)>) -> Report {
        #[derive(Default)]
        struct Tally {
            files: usize,
            verdict: usize,
            line: usize,
            message: usize,
        }
        let mut by_class: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut disagreeing = Vec::new();
        let mut crashes = 0;
        for (path, (php, hippy)) in results {
            let class = match php {
                Verdict::Fatal { message, .. } if needs_hierarchy(message) => "fatal (hierarchy)",
                Verdict::Fatal { .. } => "fatal (local)",
                _ => php.class(),
            };
            let t = by_class.entry(class).or_default();
            t.files += 1;
            let same_verdict = php.class() == hippy.class();
            let same_line = same_verdict && php.line() == hippy.line();
            let same_message = same_line && php.message() == hippy.message();
            t.verdict += usize::from(same_verdict);
            t.line += usize::from(same_line);
            t.message += usize::from(same_message);
            crashes += usize::from(*hippy == Verdict::Crash);
            if !same_line {
                disagreeing.push((
                    path.clone(),
                    format!("php={}\thippy={}", php.short(), hippy.short()),
                ));
            } else if !same_message && php.class() == "parse" {
                disagreeing.push((
                    path.clone(),
                    format!(
                        "php={}\thippy={}\tmessage\tphp: {}\thippy: {}",
                        php.short(),
                        hippy.short(),
                        php.message(),
                        hippy.message()
                    ),
                ));
            }
        }
        let pct = |a: usize, b: usize| {
            if b == 0 {
                100.0
            } else {
                a as f64 * 100.0 / b as f64
            }
        };
        let mut s = String::from(
            "# hippy -l vs php -n -l over the --FILE-- sections of php-src 8.2.32's tests\n",
        );
        s.push_str("# php verdict: files, same verdict, same verdict+line, same message\n");
        for (class, t) in &by_class {
            s.push_str(&format!(
                "{class}: {} files, {} same verdict, {} same line, {} same message\n",
                t.files, t.verdict, t.line, t.message
            ));
        }
        let get = |c: &str| by_class.get(c);
        let (mut f, mut v, mut l) = (0, 0, 0);
        for c in ["ok", "parse"] {
            if let Some(t) = get(c) {
                f += t.files;
                v += t.verdict;
                l += t.line;
            }
        }
        s.push_str(&format!(
            "accepted or parse error: {f} files, verdict {:.2}%, verdict+line {:.2}%\n",
            pct(v, f),
            pct(l, f)
        ));
        if let Some(t) = get("parse") {
            s.push_str(&format!(
                "parse error messages: {} of {} exact\n",
                t.message, t.files
            ));
        }
        for (label, class) in [
            ("single functions, statements and classes", "fatal (local)"),
            ("class hierarchy or internal symbols", "fatal (hierarchy)"),
        ] {
            if let Some(t) = get(class) {
                s.push_str(&format!(
                    "compile-time fatal, {label}: {} files, verdict {:.2}%, verdict+line {:.2}%, message {:.2}%\n",
                    t.files,
                    pct(t.verdict, t.files),
                    pct(t.line, t.files),
                    pct(t.message, t.files)
                ));
            }
        }
        s.push_str(&format!("hippy crashes: {crashes}\n"));
        Report {
            summary: s,
            disagreeing,
        }
    }
}
