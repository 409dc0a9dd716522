//! The shape of the framework's source: layers that only look down and files of a readable
//! size. No import cycle among `metajit/src`'s modules spans more than 3 files, and no source
//! file of `metajit/src` or `metajit-macros/src` is over 1,200 lines.
//!
//! A module's imports are the `crate::...` and `super::...` paths in its code (comments and its
//! `#[cfg(test)] mod tests` excluded), resolved to the longest module path that exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `twin/ops/mod.rs` -> `twin::ops`; `lib.rs` -> `` (the crate root).
fn module_of(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without comments and without its unit-test module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths following `prefix` (`crate::` or `super::`) in `code`, including each name of a
/// `prefix{a, b::c}` group.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let path: String = rest
            .chars()
            .take_while(|&c| c.is_alphanumeric() || c == '_' || c == ':')
            .collect();
        let path = path.trim_end_matches(':').to_string();
        if rest[path.len()..].trim_start_matches(':').starts_with('{') {
            let open = rest.find('{').unwrap();
            let close = rest[open..].find('}').map_or(rest.len(), |j| open + j);
            for name in rest[open + 1..close].split(',') {
                let name = name.trim().split(' ').next().unwrap_or("");
                if !name.is_empty() && name != "self" {
                    out.push(if path.is_empty() {
                        name.to_string()
                    } else {
                        format!("{path}::{name}")
                    });
                }
            }
        }
        out.push(path);
    }
    out
}

fn resolve(modules: &BTreeSet<String>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len())
        .rev()
        .map(|k| parts[..k].join("::"))
        .find(|m| modules.contains(m))
}

/// The import graph of a crate's modules.
fn import_graph(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let code: BTreeMap<String, String> = files
        .iter()
        .map(|f| {
            (
                module_of(root, f),
                code_of(&std::fs::read_to_string(f).unwrap()),
            )
        })
        .collect();
    let modules: BTreeSet<String> = code.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (m, text) in &code {
        let parent = m.rsplit_once("::").map_or("", |(p, _)| p);
        let mut targets = BTreeSet::new();
        for p in paths_after(text, "crate::") {
            targets.extend(resolve(&modules, &p));
        }
        for p in paths_after(text, "super::") {
            let full = if parent.is_empty() {
                p
            } else {
                format!("{parent}::{p}")
            };
            targets.extend(resolve(&modules, &full));
        }
        targets.remove(m);
        targets.remove("");
        graph.insert(m.clone(), targets);
    }
    graph
}

fn reachable(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for t in &graph[&m] {
            if seen.insert(t.clone()) {
                todo.push(t.clone());
            }
        }
    }
    seen
}

/// The import cycles (strongly connected components of more than one module).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reachable(graph, m))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for m in graph.keys() {
        let scc: BTreeSet<String> = graph
            .keys()
            .filter(|n| *n == m || (reach[m].contains(*n) && reach[*n].contains(m)))
            .cloned()
            .collect();
        if scc.len() > 1 && !out.contains(&scc) {
            out.push(scc);
        }
    }
    out
}

#[test]
fn the_checker_sees_a_cycle() {
    let g: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]
        .iter()
        .map(|(x, y)| (x.to_string(), BTreeSet::from([y.to_string()])))
        .collect();
    assert_eq!(
        cycles(&g),
        vec![BTreeSet::from(["a".into(), "b".into(), "c".into()])]
    );
    assert_eq!(
        paths_after(
            "use crate::{ir::Op, twin};\nx = super::fold::f(crate::log::X);",
            "crate::"
        ),
        vec!["ir::Op", "twin", "", "log::X"]
    );
}

#[test]
fn no_import_cycle_spans_more_than_three_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = import_graph(&root);
    assert!(graph.len() > 40, "found only {} modules", graph.len());
    let big: Vec<_> = cycles(&graph).into_iter().filter(|c| c.len() > 3).collect();
    assert!(
        big.is_empty(),
        "import cycles of more than 3 files: {big:?}"
    );
}

#[test]
fn no_source_file_is_over_1200_lines() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&here.join("src"), &mut files);
    rust_files(&here.join("../metajit-macros/src"), &mut files);
    let long: Vec<_> = files
        .iter()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|&(_, n)| n > 1200)
        .collect();
    assert!(long.is_empty(), "files over 1,200 lines: {long:?}");
}
