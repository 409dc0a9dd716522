//! The committed results file: totals, per-folder counts, and every test that does not pass
//! with its status, sorted, so that any change shows in a diff.
//!
//! Pass rates count only the tests Zend itself passes here (`zend_not_passing.txt` lists the
//! others), as `../shared/conformance/README.md` defines them.

use crate::run::Status;
use std::collections::{BTreeMap, BTreeSet};

/// One run's statuses, by test path (relative to the php-src root).
#[derive(Debug, Default)]
pub struct Results {
    /// Test path to status.
    pub statuses: BTreeMap<String, Status>,
}

fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

impl Results {
    /// The report: totals, the pass rate over `zend_passes`, per-folder counts, and the
    /// tests that do not pass.
    pub fn render(&self, title: &str, zend_passes: &dyn Fn(&str) -> bool) -> String {
        let mut out = String::new();
        let count = |s: Status| self.statuses.values().filter(|&&x| x == s).count();
        let (eligible, passed) = self
            .statuses
            .iter()
            .filter(|(t, _)| zend_passes(t))
            .fold((0usize, 0usize), |(e, p), (_, &s)| {
                (e + 1, p + usize::from(s == Status::Pass))
            });
        out.push_str(&format!("# phpt results: {title}\n"));
        out.push_str(&format!(
            "# {} tests: pass {}, fail {}, skip {}, xfail {}, timeout {}, bork {}\n",
            self.statuses.len(),
            count(Status::Pass),
            count(Status::Fail),
            count(Status::Skip),
            count(Status::Xfail),
            count(Status::Timeout),
            count(Status::Bork),
        ));
        let rate = if eligible == 0 {
            0.0
        } else {
            100.0 * passed as f64 / eligible as f64
        };
        out.push_str(&format!(
            "# pass rate over the tests Zend passes here: {passed} / {eligible} ({rate:.1}%)\n"
        ));
        out.push_str("\n## per folder: pass / tests\n");
        let mut folders: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (t, &s) in &self.statuses {
            let e = folders.entry(folder(t)).or_default();
            e.1 += 1;
            e.0 += usize::from(s == Status::Pass);
        }
        for (f, (p, n)) in folders {
            out.push_str(&format!("{f:<44} {p:>5} / {n}\n"));
        }
        out.push_str("\n## not passing\n");
        for (t, &s) in &self.statuses {
            if s != Status::Pass {
                out.push_str(&format!("{} {t}\n", s.name()));
            }
        }
        out
    }

    /// The tests a results file lists as passing: those of its run that it does not list
    /// as not passing (`all` is the run's test list).
    pub fn passing_in(file: &str, all: &[String]) -> BTreeSet<String> {
        let not_passing: BTreeSet<&str> = file
            .split("## not passing")
            .nth(1)
            .unwrap_or("")
            .lines()
            .filter_map(|l| l.split_once(' ').map(|(_, t)| t.trim()))
            .collect();
        all.iter()
            .filter(|t| !not_passing.contains(t.as_str()))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_and_read_back() {
        let mut r = Results::default();
        r.statuses.insert("a/x.phpt".into(), Status::Pass);
        r.statuses.insert("a/y.phpt".into(), Status::Fail);
        r.statuses.insert("b/z.phpt".into(), Status::Skip);
        let text = r.render("test", &|t| t != "b/z.phpt");
        assert!(text.contains("pass rate over the tests Zend passes here: 1 / 2 (50.0%)"));
        assert!(text.contains("FAIL a/y.phpt\nSKIP b/z.phpt\n"));
        let all: Vec<String> = r.statuses.keys().cloned().collect();
        let passing = Results::passing_in(&text, &all);
        assert_eq!(
            passing.into_iter().collect::<Vec<_>>(),
            vec!["a/x.phpt".to_string()]
        );
    }
}
