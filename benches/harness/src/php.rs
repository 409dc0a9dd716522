//! The `php` suite: hippy with its JIT and without it, side by side with Zend PHP (`php -n`)
//! and Zend PHP with opcache's tracing JIT, on php-src's `Zend/bench.php` and
//! `Zend/micro_bench.php` and on the CPU-bound scripts in `benches/php/`.
//!
//! Reports, all from one run: the median wall time of each program per variant and its ratios
//! against `php -n` and against PHP's tracing JIT; for the two php-src scripts, which print the
//! time of each of their functions, the median of each printed line per variant; the peak memory
//! (max RSS, from `/usr/bin/time -f %M` around the warm-up run) of each variant; and the start-up
//! time (`-r 'echo 1;'`, median of [`STARTUP_RUNS`] runs). The warm-up run checks that every
//! variant prints the same output, with the php-src scripts' own timings masked (only the names
//! and the shape of their lines must agree). Whatever is missing (the php-src tree, `php`, a
//! working opcache JIT) is reported as skipped rather than failing the suite.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{Variant, bin, fnv, host, jit_times, median, median_f, run_once};

/// How many times each variant runs `-r 'echo 1;'` for the start-up figure.
const STARTUP_RUNS: usize = 50;

const HIPPY_JIT: &str = "hippy --jit=on";
const HIPPY_INTERP: &str = "hippy --jit=off";
const PHP: &str = "php -n";
const PHP_JIT: &str = "php -n, tracing JIT";

/// The opcache settings that turn on Zend's tracing JIT on the command line.
const OPCACHE_JIT: &[&str] = &[
    "-d",
    "zend_extension=opcache.so",
    "-d",
    "opcache.enable_cli=1",
    "-d",
    "opcache.jit=tracing",
    "-d",
    "opcache.jit_buffer_size=64M",
];

/// One implementation: its name and the command line a script path is appended to.
struct Impl {
    name: &'static str,
    prefix: Vec<String>,
}

impl Impl {
    fn with_args(&self, args: &[&str]) -> Variant {
        let mut cmd = self.prefix.clone();
        cmd.extend(args.iter().map(|s| s.to_string()));
        Variant {
            name: self.name.into(),
            cmd,
            env: Vec::new(),
        }
    }
}

struct Script {
    name: String,
    path: String,
    /// Prints the time of each of its parts (php-src's bench scripts).
    self_timed: bool,
}

/// What one variant did on one script.
struct Runs {
    times: Vec<Duration>,
    /// The printed per-line times of each measured run, for self-timed scripts.
    lines: Vec<Vec<(String, f64)>>,
    max_rss_kb: Option<u64>,
    jit: Option<String>,
}

/// A number as the php-src bench scripts print them (`number_format($t, 3)`).
fn is_timing(tok: &str) -> bool {
    tok.contains('.') && tok.replace(',', "").parse::<f64>().is_ok()
}

/// The lines of a self-timed script's output that end in timings: the name (the text before
/// the numbers) and the first number (the part's own time; `micro_bench.php` follows it with
/// the time less the empty loop's).
fn timed_lines(out: &str) -> Vec<(String, f64)> {
    out.lines()
        .filter_map(|l| {
            let toks: Vec<&str> = l.split_whitespace().collect();
            let n = toks.iter().rev().take_while(|t| is_timing(t)).count();
            if n == 0 || n == toks.len() {
                return None;
            }
            let first = toks[toks.len() - n].replace(',', "").parse().ok()?;
            Some((toks[..toks.len() - n].join(" "), first))
        })
        .collect()
}

/// A self-timed script's output with its timings masked: what must agree between variants.
fn shape(out: &str) -> String {
    out.lines()
        .map(|l| {
            l.split_whitespace()
                .map(|t| if is_timing(t) { "<t>" } else { t })
                .collect::<Vec<_>>()
                .join(" ")
                + "\n"
        })
        .collect()
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn geo_mean(v: &[f64]) -> f64 {
    (v.iter().map(|r| r.ln()).sum::<f64>() / v.len() as f64).exp()
}

/// `php`, if it runs.
fn php_version() -> Option<String> {
    let out = Command::new("php").args(["-n", "-v"]).output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

/// Whether the opcache settings really turn the tracing JIT on here.
fn php_jit_works() -> bool {
    Command::new("php")
        .args(["-n"])
        .args(OPCACHE_JIT)
        .args([
            "-r",
            "var_dump(opcache_get_status()['jit']['on'] ?? false);",
        ])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"bool(true)"))
}

/// The commit hippy was built from (read-only git queries).
fn commit() -> String {
    let git = |args: &[&str]| Command::new("git").args(args).output().ok();
    let Some(head) = git(&["rev-parse", "--short", "HEAD"]).filter(|o| o.status.success()) else {
        return "unknown commit".into();
    };
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let dirty = git(&[
        "diff",
        "--quiet",
        "HEAD",
        "--",
        "php",
        "metajit",
        "Cargo.lock",
    ])
    .is_some_and(|o| !o.status.success());
    if dirty {
        format!("`{head}` with uncommitted changes to php/ or metajit/")
    } else {
        format!("`{head}`")
    }
}

/// Runs `v`, under `/usr/bin/time` when `rss` (to learn its peak memory).
fn run(
    v: &Variant,
    summary: bool,
    rss: Option<&Path>,
) -> Result<(Duration, String, String, Option<u64>), String> {
    let wrapped;
    let v = match rss {
        Some(f) => {
            let mut cmd: Vec<String> = ["/usr/bin/time", "-f", "%M", "-o"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            cmd.push(f.to_string_lossy().into_owned());
            cmd.extend(v.cmd.iter().cloned());
            wrapped = Variant {
                name: v.name.clone(),
                cmd,
                env: v.env.clone(),
            };
            &wrapped
        }
        None => v,
    };
    let (dt, out, err) = run_once(v, summary)?;
    let kb = rss.and_then(|f| std::fs::read_to_string(f).ok()?.trim().parse().ok());
    Ok((dt, String::from_utf8_lossy(&out).into_owned(), err, kb))
}

/// The warm-up run (output check, peak memory, JIT summary) and `runs` measured rounds of every
/// variant on one script, interleaved.
fn measure(s: &Script, impls: &[Impl], runs: usize, tmp: &Path) -> Result<Vec<Runs>, String> {
    let mut res: Vec<Runs> = impls
        .iter()
        .map(|_| Runs {
            times: Vec::new(),
            lines: Vec::new(),
            max_rss_kb: None,
            jit: None,
        })
        .collect();
    let has_time = Path::new("/usr/bin/time").exists();
    let mut hashes = Vec::new();
    for r in 0..=runs {
        for (i, imp) in impls.iter().enumerate() {
            let v = imp.with_args(&[&s.path]);
            let rss_file = tmp.join("rss");
            let warm = r == 0;
            let (dt, out, err, kb) = run(
                &v,
                warm && imp.name == HIPPY_JIT,
                (warm && has_time).then_some(rss_file.as_path()),
            )?;
            if warm {
                let norm = if s.self_timed { shape(&out) } else { out };
                hashes.push(fnv(norm.as_bytes()));
                res[i].max_rss_kb = kb;
                res[i].jit = jit_times(&err);
            } else {
                res[i].times.push(dt);
                if s.self_timed {
                    res[i].lines.push(timed_lines(&out));
                }
            }
        }
        eprint!(".");
    }
    eprintln!();
    for (imp, h) in impls.iter().zip(&hashes) {
        if *h != hashes[0] {
            return Err(format!(
                "{}: {} prints something else than {}",
                s.name, imp.name, impls[0].name
            ));
        }
    }
    Ok(res)
}

/// `a / b` as a ratio cell.
fn ratio(a: f64, b: Option<f64>) -> String {
    match b {
        Some(b) if b > 0.0 => format!("{:.2}x", a / b),
        _ => "–".into(),
    }
}

/// The report of the `php` suite.
pub(crate) fn report(runs: usize) -> Result<String, String> {
    let built = bin("hippy");
    if !Path::new(&built).exists() {
        return Err(format!(
            "{built} not found (cargo build --release -p hippy)"
        ));
    }
    // A copy, so that a rebuild while the suite runs does not change what is measured.
    let tmp = std::env::temp_dir().join(format!("metajit-bench-php-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let hippy = tmp.join("hippy");
    std::fs::copy(&built, &hippy).map_err(|e| format!("copying {built}: {e}"))?;
    let hippy = hippy.to_string_lossy().into_owned();
    let commit = commit();
    let mut skipped = Vec::new();
    let mut impls = vec![
        Impl {
            name: HIPPY_JIT,
            prefix: vec![hippy.clone(), "--jit=on".into()],
        },
        Impl {
            name: HIPPY_INTERP,
            prefix: vec![hippy.clone(), "--jit=off".into()],
        },
    ];
    let php = php_version();
    match &php {
        None => skipped.push("`php -n` and PHP's tracing JIT: `php` not found".to_string()),
        Some(_) => {
            impls.push(Impl {
                name: PHP,
                prefix: vec!["php".into(), "-n".into()],
            });
            if php_jit_works() {
                let mut prefix = vec!["php".to_string(), "-n".into()];
                prefix.extend(OPCACHE_JIT.iter().map(|s| s.to_string()));
                impls.push(Impl {
                    name: PHP_JIT,
                    prefix,
                });
            } else {
                skipped.push(
                    "PHP's tracing JIT: `opcache_get_status()['jit']['on']` is not true with \
                     the opcache settings"
                        .into(),
                );
            }
        }
    }

    let php_src = std::env::var_os("PHP_SRC")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/php-src-8.2")))
        .unwrap_or_default();
    let mut scripts = Vec::new();
    for f in ["bench.php", "micro_bench.php"] {
        let p = php_src.join("Zend").join(f);
        if p.exists() {
            scripts.push(Script {
                name: format!("Zend/{f}"),
                path: p.to_string_lossy().into_owned(),
                self_timed: true,
            });
        } else {
            skipped.push(format!(
                "Zend/{f}: {} not found (../shared/conformance/get-php-src.sh fetches php-src; \
                 PHP_SRC names another tree)",
                p.display()
            ));
        }
    }
    for f in ["arith.php", "calls.php", "objects.php"] {
        scripts.push(Script {
            name: f.into(),
            path: format!("benches/php/{f}"),
            self_timed: false,
        });
    }

    let all = (|| {
        let mut measured = Vec::new();
        for s in &scripts {
            eprint!("{} ", s.name);
            measured.push(measure(s, &impls, runs, &tmp)?);
        }
        eprint!("start-up ");
        Ok::<_, String>((measured, startup_times(&impls)?))
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    let (measured, startup) = all?;

    let mut out = String::new();
    let w = &mut out;
    let idx = |name: &str| impls.iter().position(|i| i.name == name);
    let (i_php, i_pjit) = (idx(PHP), idx(PHP_JIT));
    let _ = write!(
        w,
        "# Benchmark `php`\n\nMedian wall time of {runs} runs per variant (interleaved), after one \
         warm-up run that checks outputs agree and measures peak memory (max RSS, \
         `/usr/bin/time -f %M`). Machine: {}. hippy at {}; {}.\n\n",
        host(),
        commit,
        php.as_deref().unwrap_or("no `php`"),
    );
    out.push_str("Variants:\n\n");
    for i in &impls {
        let mut cmd = i.prefix.clone();
        if let Some(c) = cmd.first_mut()
            && c.ends_with("/hippy")
        {
            *c = "hippy".into();
        }
        let _ = writeln!(out, "- {}: `{} SCRIPT`", i.name, cmd.join(" "));
    }
    out.push_str(
        "\nRatios are times divided by the time of `php -n` or of PHP's tracing JIT in the same \
         run: above 1 means slower than PHP.\n\n",
    );
    if !skipped.is_empty() {
        out.push_str("Skipped:\n\n");
        for s in &skipped {
            let _ = writeln!(out, "- {s}");
        }
        out.push('\n');
    }

    // The summary table: one row per script, the ratios that matter alongside.
    out.push_str("## Summary\n\n| program |");
    for i in &impls {
        let _ = write!(out, " {} |", i.name);
    }
    out.push_str(" JIT / php -n | JIT / PHP JIT | jit=off / php -n | jit=off / jit=on |\n|---|");
    out.push_str(&"---:|".repeat(impls.len() + 4));
    out.push('\n');
    let mut geo: [Vec<f64>; 4] = Default::default();
    for (s, m) in scripts.iter().zip(&measured) {
        let med: Vec<f64> = m.iter().map(|r| secs(median(&r.times))).collect();
        let _ = write!(out, "| {} |", s.name);
        for t in &med {
            let _ = write!(out, " {t:.3} s |");
        }
        let rs = [
            (med[0], i_php.map(|i| med[i])),
            (med[0], i_pjit.map(|i| med[i])),
            (med[1], i_php.map(|i| med[i])),
            (med[1], Some(med[0])),
        ];
        for (k, (a, b)) in rs.iter().enumerate() {
            if let Some(b) = b {
                geo[k].push(a / b);
            }
            let _ = write!(out, " {} |", ratio(*a, *b));
        }
        out.push('\n');
    }
    let _ = write!(out, "| geometric mean |{}", " |".repeat(impls.len()));
    for g in &geo {
        if g.is_empty() {
            out.push_str(" – |");
        } else {
            let _ = write!(out, " **{:.2}x** |", geo_mean(g));
        }
    }
    out.push_str("\n\n");

    // Start-up.
    let _ = write!(
        out,
        "## Start-up\n\n`-r 'echo 1;'`, median of {STARTUP_RUNS} runs each (interleaved).\n\n\
         | variant | median | / php -n |\n|---|---:|---:|\n"
    );
    let st_php = i_php.map(|i| secs(startup[i]));
    for (i, t) in impls.iter().zip(&startup) {
        let _ = writeln!(
            out,
            "| {} | {:.1} ms | {} |",
            i.name,
            secs(*t) * 1e3,
            ratio(secs(*t), st_php)
        );
    }
    out.push('\n');

    // Each script: the runs, the ratios, memory, and the per-function table.
    for (s, m) in scripts.iter().zip(&measured) {
        let _ = write!(
            out,
            "## {}\n\n| variant | median | / php -n | / PHP JIT | max RSS | runs |\n\
             |---|---:|---:|---:|---:|---|\n",
            s.name
        );
        let med: Vec<f64> = m.iter().map(|r| secs(median(&r.times))).collect();
        for ((i, r), t) in impls.iter().zip(m).zip(&med) {
            let list: Vec<String> = r.times.iter().map(|t| format!("{:.3}", secs(*t))).collect();
            let rss = r
                .max_rss_kb
                .map_or("–".into(), |k| format!("{:.1} MB", k as f64 / 1024.0));
            let _ = writeln!(
                out,
                "| {} | {t:.3} s | {} | {} | {rss} | {} |",
                i.name,
                ratio(*t, i_php.map(|i| med[i])),
                ratio(*t, i_pjit.map(|i| med[i])),
                list.join(" ")
            );
        }
        out.push('\n');
        for (i, r) in impls.iter().zip(m) {
            if let Some(j) = &r.jit {
                let _ = writeln!(out, "- JIT work in `{}` (warm-up run): {j}", i.name);
            }
        }
        if s.self_timed {
            per_line(&mut out, &impls, m, i_php, i_pjit);
        }
        out.push('\n');
    }
    Ok(out)
}

/// The table of a self-timed script's printed lines: the median over the runs of each line's
/// time, per variant, and hippy's ratios.
fn per_line(
    out: &mut String,
    impls: &[Impl],
    m: &[Runs],
    i_php: Option<usize>,
    i_pjit: Option<usize>,
) {
    let names: Vec<String> = m[0]
        .lines
        .first()
        .map(|l| l.iter().map(|(n, _)| n.clone()).collect())
        .unwrap_or_default();
    if names.is_empty() {
        return;
    }
    out.push_str(
        "\nThe script's own timings (first number of each line, in seconds), median over the \
         runs. The script prints milliseconds, so ratios to times of a few ms are coarse, and \
         none is given against 0.000.\n\n| line |",
    );
    for i in impls {
        let _ = write!(out, " {} |", i.name);
    }
    out.push_str(" JIT / php -n | JIT / PHP JIT | jit=off / jit=on |\n|---|");
    out.push_str(&"---:|".repeat(impls.len() + 3));
    out.push('\n');
    for (k, name) in names.iter().enumerate() {
        let med: Vec<f64> = m
            .iter()
            .map(|r| {
                let v: Vec<f64> = r
                    .lines
                    .iter()
                    .filter_map(|l| l.get(k).filter(|(n, _)| n == name).map(|(_, t)| *t))
                    .collect();
                median_f(&v)
            })
            .collect();
        let name = name.replace('|', "\\|");
        let _ = write!(out, "| `{name}` |");
        for t in &med {
            let _ = write!(out, " {t:.3} |");
        }
        let _ = writeln!(
            out,
            " {} | {} | {} |",
            ratio(med[0], i_php.map(|i| med[i])),
            ratio(med[0], i_pjit.map(|i| med[i])),
            ratio(med[1], Some(med[0])),
        );
    }
}

/// The median time of `-r 'echo 1;'` per implementation.
fn startup_times(impls: &[Impl]) -> Result<Vec<Duration>, String> {
    let mut times = vec![Vec::new(); impls.len()];
    for r in 0..=STARTUP_RUNS {
        for (i, imp) in impls.iter().enumerate() {
            let v = imp.with_args(&["-r", "echo 1;"]);
            let (dt, out, _) = run_once(&v, false)?;
            if out != b"1" {
                return Err(format!(
                    "{}: `-r 'echo 1;'` printed `{}`",
                    imp.name,
                    String::from_utf8_lossy(&out)
                ));
            }
            if r > 0 {
                times[i].push(dt);
            }
        }
        if r % 10 == 0 {
            eprint!(".");
        }
    }
    eprintln!();
    Ok(times.iter().map(|t| median(t)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MICRO: &str = "empty_loop         0.017\n\
                         func()             0.043    0.026\n\
                         $x = $f ?: tmp     0.284    -0.082\n\
                         ------------------------\n\
                         Total              2.291\n";

    #[test]
    fn timed_lines_take_the_name_and_the_first_time() {
        let l = timed_lines(MICRO);
        assert_eq!(l.len(), 4);
        assert_eq!(l[0], ("empty_loop".into(), 0.017));
        assert_eq!(l[1], ("func()".into(), 0.043));
        assert_eq!(l[2], ("$x = $f ?: tmp".into(), 0.284));
        assert_eq!(l[3], ("Total".into(), 2.291));
        assert_eq!(timed_lines("ackermann(7)       1,021.500\n")[0].1, 1021.5);
    }

    #[test]
    fn shape_masks_only_the_timings() {
        let other = MICRO.replace("0.043", "1.250").replace("-0.082", "0.500");
        assert_eq!(shape(MICRO), shape(&other));
        assert_ne!(shape(MICRO), shape(&MICRO.replace("func()", "f()")));
        assert_eq!(shape("ackermann(7)  0.021\n"), "ackermann(7) <t>\n");
    }
}
