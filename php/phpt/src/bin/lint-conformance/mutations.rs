//! `--mutations N`: php and hippy on mutants of the files PHP accepts (one token deleted, or
//! a token inserted before or after one, at random).

use crate::Args;
use crate::cache::{fnv, load_cache, save_cache};
use crate::verdict::{Verdict, file_section, hippy_verdict, php_verdict};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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
pub fn mutation_run(args: &Args, tests: &[String]) -> ExitCode {
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
