//! The benchmark harness: `bench SUITE [--runs N] [--out FILE]`.
//!
//! Runs each program of a suite under every implementation of the suite, `N` times each
//! (interleaved, so that machine noise spreads over all of them), and reports the median wall
//! time of each, the ratios the suite is judged on, and the JIT's own time split (tracing,
//! optimizing, compiling, from `METAJIT_LOG=summary`). All figures of one report come from
//! one run. Timings are never asserted in tests: this is the place that measures them.
//!
//! Suites:
//! - `bf`: Brainfuck Mandelbrot (`../shared/data/bf/mandelbrot.bf`) with the JIT, without it,
//!   and translated to C by `bf --emit-c` and compiled with `gcc -O2`.
//! - `tlr`: loop-heavy tlr programs with the JIT and without it.
//! - `lox`: the book's Lox benchmarks (`../shared/data/lox/test/benchmark/`) with the JIT,
//!   without it, and with clox when `CLOX=/path/to/clox` is given. Their printed timings are
//!   left out of the output comparison; `zoo_batch.lox` runs for a fixed time and is judged by
//!   the count it prints; `string_equality.lox` is left out (it has more constants than clox's
//!   compiler allows, so neither clox nor `lox`, which keeps clox's limits, runs it).
//! - `php`: hippy with and without its JIT, `php -n` and PHP's tracing JIT on php-src's bench
//!   scripts and `benches/php/` (see [`php`]).

mod php;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Variant {
    name: String,
    cmd: Vec<String>,
    env: Vec<(String, String)>,
}

struct Program {
    name: String,
    variants: Vec<Variant>,
    /// (numerator variant, denominator variant, what the ratio means, limit if judged)
    ratios: Vec<(String, String, String, Option<f64>)>,
    /// For programs that run for a fixed time: the line of output (from the end) holding the
    /// amount of work done, which is what they are judged on (more is better).
    score_line: Option<usize>,
}

struct Measured {
    times: Vec<Duration>,
    scores: Vec<f64>,
    jit: Option<String>,
    output_hash: u64,
}

/// The output with timing lines (numbers with a fractional part or an exponent) left out, for
/// programs that print their own elapsed time.
fn without_timings(out: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !(l.parse::<f64>().is_ok() && (l.contains('.') || l.contains('e'))))
        .flat_map(|l| format!("{l}\n").into_bytes())
        .collect()
}

/// The median: the middle value, or the mean of the two middle values of an even count.
fn median(v: &[Duration]) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2
    }
}

/// The median of measured counts.
fn median_f(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn run_once(v: &Variant, want_summary: bool) -> Result<(Duration, Vec<u8>, String), String> {
    let mut c = Command::new(&v.cmd[0]);
    c.args(&v.cmd[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, val) in &v.env {
        c.env(k, val);
    }
    if want_summary {
        c.env("METAJIT_LOG", "summary");
    }
    let t0 = Instant::now();
    let out = c.output().map_err(|e| format!("{}: {e}", v.cmd[0]))?;
    let dt = t0.elapsed();
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            v.cmd.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok((
        dt,
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The JIT summary's timing lines.
fn jit_times(stderr: &str) -> Option<String> {
    let line = stderr.lines().find(|l| l.contains("time tracing"))?;
    let counts = stderr
        .lines()
        .find(|l| l.contains("loops compiled"))
        .unwrap_or("");
    Some(format!(
        "{} | {}",
        line.trim(),
        counts.split_whitespace().collect::<Vec<_>>().join(" ")
    ))
}

fn measure(p: &Program, runs: usize) -> Result<Vec<Measured>, String> {
    let mut res: Vec<Measured> = p
        .variants
        .iter()
        .map(|_| Measured {
            times: Vec::new(),
            scores: Vec::new(),
            jit: None,
            output_hash: 0,
        })
        .collect();
    // Round 0 is the warm-up; `runs` measured rounds follow.
    for r in 0..=runs {
        for (i, v) in p.variants.iter().enumerate() {
            let (dt, out, err) = run_once(v, r == 0 && v.name.contains("jit=on"))?;
            if r == 0 {
                res[i].output_hash = fnv(&without_timings(&out));
                res[i].jit = jit_times(&err);
            } else {
                res[i].times.push(dt);
                if let Some(k) = p.score_line {
                    let text = String::from_utf8_lossy(&out).into_owned();
                    let line = text.lines().rev().nth(k).unwrap_or("");
                    let score = line
                        .trim()
                        .parse::<f64>()
                        .map_err(|_| format!("{}: no count in `{line}`", p.name))?;
                    res[i].scores.push(score);
                }
            }
        }
        eprint!(".");
    }
    eprintln!();
    // The first round (with the summary log on the JIT variant) only checks outputs.
    let h = res[0].output_hash;
    for (v, m) in p.variants.iter().zip(&res) {
        if p.score_line.is_none() && m.output_hash != h {
            return Err(format!(
                "{}: {} prints something else than {}",
                p.name, v.name, p.variants[0].name
            ));
        }
    }
    Ok(res)
}

/// The machine's CPU model.
fn host() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn report(suite: &str, progs: &[Program], runs: usize) -> Result<String, String> {
    let mut out = String::new();
    let host = host();
    out.push_str(&format!("# Benchmark `{suite}`\n\nMedian wall time of {} runs per variant (interleaved), after one warm-up run that checks outputs agree. Machine: {host}.\n\n", runs));
    let mut failed = Vec::new();
    let mut geo: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for p in progs {
        let m = measure(p, runs)?;
        out.push_str(&format!(
            "## {}\n\n| variant | median | runs |\n|---|---:|---|\n",
            p.name
        ));
        for (v, mm) in p.variants.iter().zip(&m) {
            if p.score_line.is_some() {
                let list: Vec<String> = mm.scores.iter().map(|s| format!("{s}")).collect();
                out.push_str(&format!(
                    "| {} | {} (count) | {} |\n",
                    v.name,
                    median_f(&mm.scores),
                    list.join(" ")
                ));
                continue;
            }
            let list: Vec<String> = mm
                .times
                .iter()
                .map(|t| format!("{:.3}", t.as_secs_f64()))
                .collect();
            out.push_str(&format!(
                "| {} | {:.3} s | {} |\n",
                v.name,
                median(&mm.times).as_secs_f64(),
                list.join(" ")
            ));
        }
        out.push('\n');
        for (a, b, what, limit) in &p.ratios {
            let ia = p
                .variants
                .iter()
                .position(|v| &v.name == a)
                .expect("variant");
            let ib = p
                .variants
                .iter()
                .position(|v| &v.name == b)
                .expect("variant");
            // For a fixed-time program the ratio of counts, inverted: work of the second
            // variant over work of the first, so that both kinds read as "time of a / time of b".
            let r = if p.score_line.is_some() {
                median_f(&m[ib].scores) / median_f(&m[ia].scores)
            } else {
                median(&m[ia].times).as_secs_f64() / median(&m[ib].times).as_secs_f64()
            };
            geo.entry(what.clone()).or_default().push(r);
            let verdict = match limit {
                Some(l) if r <= *l => format!(" (target <= {l}: met)"),
                Some(l) => {
                    failed.push(format!("{}: {what} = {r:.2} > {l}", p.name));
                    format!(" (target <= {l}: NOT met)")
                }
                None => String::new(),
            };
            out.push_str(&format!("- {what}: **{r:.2}x**{verdict}\n"));
        }
        for (v, mm) in p.variants.iter().zip(&m) {
            if let Some(j) = &mm.jit {
                out.push_str(&format!("- JIT work in `{}` (first run): {j}\n", v.name));
            }
        }
        out.push('\n');
    }
    if progs.len() > 1 {
        out.push_str("## Geometric means over the programs\n\n");
        for (what, rs) in &geo {
            let g = (rs.iter().map(|r| r.ln()).sum::<f64>() / rs.len() as f64).exp();
            out.push_str(&format!("- {what}: **{g:.2}x** ({} programs)\n", rs.len()));
        }
        out.push('\n');
    }
    if !failed.is_empty() {
        out.push_str(&format!("Targets not met: {}\n", failed.join("; ")));
    }
    Ok(out)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
}

fn bin(name: &str) -> String {
    target_dir()
        .join("release")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn variant(name: &str, cmd: &[&str]) -> Variant {
    Variant {
        name: name.into(),
        cmd: cmd.iter().map(|s| s.to_string()).collect(),
        env: Vec::new(),
    }
}

fn bf_suite() -> Result<Vec<Program>, String> {
    let mandel = Path::new("../shared/data/bf/mandelbrot.bf");
    if !mandel.exists() {
        return Err("skipped: ../shared/data/bf/mandelbrot.bf not found".into());
    }
    let bf = bin("bf");
    let c = Command::new(&bf)
        .args(["--emit-c", "../shared/data/bf/mandelbrot.bf"])
        .output()
        .map_err(|e| format!("{bf}: {e}"))?;
    let dir = std::env::temp_dir().join(format!("metajit-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let csrc = dir.join("mandelbrot.c");
    std::fs::write(&csrc, &c.stdout).map_err(|e| e.to_string())?;
    let exe = dir.join("mandelbrot-c");
    let st = Command::new("gcc")
        .args(["-O2", "-o"])
        .arg(&exe)
        .arg(&csrc)
        .status()
        .map_err(|e| format!("gcc: {e}"))?;
    if !st.success() {
        return Err("gcc failed".into());
    }
    let m = "../shared/data/bf/mandelbrot.bf";
    Ok(vec![Program {
        name: "mandelbrot.bf".into(),
        variants: vec![
            variant("C (bf --emit-c, gcc -O2)", &[&exe.to_string_lossy()]),
            variant("bf --jit=on", &[&bf, m]),
            variant("bf --jit=off", &[&bf, "--jit=off", m]),
        ],
        ratios: vec![
            (
                "bf --jit=on".into(),
                "C (bf --emit-c, gcc -O2)".into(),
                "JIT time / C time".into(),
                Some(2.5),
            ),
            (
                "bf --jit=off".into(),
                "bf --jit=on".into(),
                "interpreter time / JIT time".into(),
                None,
            ),
        ],
        score_line: None,
    }])
}

fn tlr_suite() -> Result<Vec<Program>, String> {
    let tlr = bin("tlr");
    let progs: &[(&str, &str)] = &[
        ("primes.tlr", "300000"),
        ("collatz.tlr", "300000"),
        ("fib.tlr", "100000000"),
    ];
    Ok(progs
        .iter()
        .map(|(f, arg)| {
            let path = format!("languages/tlr/examples/{f}");
            Program {
                name: format!("{f} {arg}"),
                variants: vec![
                    variant("tlr --jit=on", &[&tlr, &path, arg]),
                    variant("tlr --jit=off", &[&tlr, "--jit=off", &path, arg]),
                ],
                ratios: vec![(
                    "tlr --jit=off".into(),
                    "tlr --jit=on".into(),
                    "JIT speedup over the interpreter".into(),
                    None,
                )],
                score_line: None,
            }
        })
        .collect())
}

fn lox_suite() -> Result<Vec<Program>, String> {
    let dir = Path::new("../shared/data/lox/test/benchmark");
    if !dir.is_dir() {
        return Err("skipped: ../shared/data/lox/test/benchmark not found".into());
    }
    let lox = bin("lox");
    let clox = std::env::var("CLOX").ok();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "lox"))
        .filter(|p| !p.ends_with("string_equality.lox"))
        .collect();
    files.sort();
    Ok(files
        .iter()
        .map(|f| {
            let path = f.to_string_lossy().into_owned();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let mut variants = vec![
                variant("lox --jit=on", &[&lox, &path]),
                variant("lox --jit=off", &[&lox, "--jit=off", &path]),
            ];
            let mut ratios = vec![(
                "lox --jit=off".to_string(),
                "lox --jit=on".to_string(),
                "interpreter time / JIT time".to_string(),
                None,
            )];
            if let Some(c) = &clox {
                variants.push(variant("clox", &[c, &path]));
                ratios.push((
                    "clox".to_string(),
                    "lox --jit=on".to_string(),
                    "clox time / JIT time (the target is a geometric mean of at least 2)"
                        .to_string(),
                    None,
                ));
            }
            Program {
                // zoo_batch prints its count, the batch number and its time, last.
                score_line: (name == "zoo_batch.lox").then_some(1),
                name,
                variants,
                ratios,
            }
        })
        .collect())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut suite = None;
    let mut runs = 6;
    let mut out_file = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().and_then(|n| n.parse().ok()).unwrap_or(6).max(1),
            "--out" => out_file = it.next().cloned(),
            s if suite.is_none() => suite = Some(s.to_string()),
            other => {
                eprintln!("bench: unexpected argument `{other}`");
                std::process::exit(2);
            }
        }
    }
    let Some(suite) = suite else {
        eprintln!("usage: bench bf|tlr|lox|php [--runs N] [--out FILE]");
        std::process::exit(2);
    };
    let progs = match suite.as_str() {
        "bf" => bf_suite(),
        "tlr" => tlr_suite(),
        "lox" => lox_suite(),
        "php" => Ok(Vec::new()),
        other => Err(format!("unknown suite `{other}` (bf, tlr, lox, php)")),
    };
    let text = match progs.and_then(|p| match suite.as_str() {
        "php" => php::report(runs),
        _ => report(&suite, &p, runs),
    }) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::exit(1);
        }
    };
    print!("{text}");
    if let Some(f) = out_file
        && let Err(e) = std::fs::write(&f, &text)
    {
        eprintln!("bench: cannot write {f}: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|&x| Duration::from_millis(x))
                .collect::<Vec<_>>()
        };
        assert_eq!(median(&ms(&[3, 1, 2])), Duration::from_millis(2));
        assert_eq!(
            median(&ms(&[1443, 1394, 1406, 1416, 1512, 1449])),
            Duration::from_millis(1429) + Duration::from_micros(500)
        );
    }
}
