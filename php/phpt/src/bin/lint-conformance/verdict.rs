//! Each side's verdict on a file: PHP's read from `php -n -l`'s output, hippy's from the
//! same lint `hippy -l` runs ([`php_vm::lint::lint`], in this process), and the `--FILE--`
//! section of a `.phpt` they are given.

use std::path::Path;
use std::process::Command;

/// One side's verdict on a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
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
    pub fn class(&self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Parse { .. } => "parse",
            Verdict::Fatal { .. } => "fatal",
            Verdict::Crash => "crash",
        }
    }

    pub fn line(&self) -> u32 {
        match self {
            Verdict::Parse { line, .. } | Verdict::Fatal { line, .. } => *line,
            _ => 0,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Verdict::Parse { message, .. } | Verdict::Fatal { message, .. } => message,
            _ => "",
        }
    }

    pub fn short(&self) -> String {
        match self {
            Verdict::Ok | Verdict::Crash => self.class().to_string(),
            _ => format!("{}:{}", self.class(), self.line()),
        }
    }
}

/// The `--FILE--` section of a `.phpt`, if it has one.
pub fn file_section(phpt: &[u8]) -> Option<Vec<u8>> {
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
pub fn php_verdict(php: &str, file: &Path) -> Verdict {
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

pub fn hippy_verdict(src: Vec<u8>) -> Verdict {
    let worker = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            std::panic::catch_unwind(|| {
                php_vm::lint::lint(
                    &src,
                    b"Standard input code",
                    php_syntax::ParseOptions {
                        builtins: Some(builtin_by_ref),
                        ..Default::default()
                    },
                    php_stdlib::classes::CLASSES,
                )
                .result
            })
        });
    let Ok(handle) = worker else {
        return Verdict::Crash;
    };
    match handle.join() {
        Ok(Ok(Ok(()))) => Verdict::Ok,
        Ok(Ok(Err(d))) => {
            // PHP's output is read as lossy UTF-8: the message's bytes are shown the same way.
            let message =
                String::from_utf8_lossy(&php_syntax::lossless::bytes(&d.message)).into_owned();
            match d.severity {
                php_syntax::Severity::Parse => Verdict::Parse {
                    line: d.line,
                    message,
                },
                // Only errors end a lint; warnings are not compared.
                _ => Verdict::Fatal {
                    line: d.line,
                    message,
                },
            }
        }
        _ => Verdict::Crash,
    }
}

/// The by-reference parameters of hippy's built-in function `name` (lowercase), `None` if
/// there is none: what `hippy -l` tells the checks of internal functions.
fn builtin_by_ref(name: &[u8]) -> Option<&'static [usize]> {
    php_stdlib::lookup(name)?;
    Some(
        php_stdlib::BY_REF
            .iter()
            .find(|(n, _)| n.as_bytes() == name)
            .map_or(&[][..], |(_, positions)| *positions),
    )
}
