//! The totals by PHP's verdict and the list of tests where hippy and php disagree.

use crate::verdict::Verdict;
use std::collections::BTreeMap;

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

pub struct Report {
    pub summary: String,
    pub disagreeing: Vec<(String, String)>,
}

impl Report {
    pub fn new(results: &BTreeMap<String, (Verdict, Verdict)>) -> Report {
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
