//! `syntax-throughput DIR [ROUNDS]`: lexing+parsing throughput of `php_syntax::parse` over
//! every `.php` file in DIR, on one core, in MB/s: the median of ROUNDS rounds (default 7)
//! and the spread (slowest..fastest round).
//! Run by `benches/php-syntax/run.sh`, which also times Zend's tokenizer on the same files.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: syntax-throughput DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(7).max(1);
    let mut files: Vec<Vec<u8>> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            if e.path().extension().is_some_and(|x| x == "php")
                && let Ok(b) = std::fs::read(e.path())
            {
                files.push(b);
            }
        }
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    // One worker thread with a big stack: the measurement is single-core.
    let result = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut times = Vec::with_capacity(rounds);
            let mut errors = 0;
            for _ in 0..rounds {
                let start = Instant::now();
                errors = 0;
                for f in &files {
                    errors += usize::from(php_syntax::parse(f).is_err());
                }
                times.push(start.elapsed().as_secs_f64());
            }
            times.sort_by(f64::total_cmp);
            (times, errors, files.len())
        });
    let Ok(Ok((times, errors, count))) = result.map(|h| h.join()) else {
        eprintln!("syntax-throughput: worker failed");
        std::process::exit(1);
    };
    let mb = bytes as f64 / 1e6;
    let n = times.len();
    let median = if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2.0
    };
    println!(
        "hippy php-syntax: {count} files, {mb:.2} MB, median of {rounds}: {median:.3} s, {:.1} MB/s (spread {:.1}..{:.1} MB/s; {errors} files with parse errors)",
        mb / median,
        mb / times[n - 1],
        mb / times[0]
    );
}
