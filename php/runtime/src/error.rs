//! Why a PHP program stopped early, and how PHP prints it.

use crate::array::ArrayKey;
use crate::format;
use crate::object::PhpObject;
use crate::value::{View, Zval};
use std::fmt::Write;

/// A PHP program's early end: an error, or `exit`.
#[derive(Clone, Debug)]
pub enum PhpError {
    /// A thrown exception (a `Throwable` object), on its way to a `catch` or out of the
    /// program.
    Exception(PhpObject),
    /// A fatal error (not an exception): PHP's `Fatal error: ...`.
    Fatal {
        /// The message.
        message: String,
        /// Where.
        line: u32,
    },
    /// An error whose text is ready (a parse error in an included file).
    Raw(String),
    /// Standard output failed (its reader went away, or the device is full).
    Output,
    /// `exit`/`die`: the program ends normally with this status.
    Exit(u8),
}

metajit::green_type!(PhpError);

/// An error as PHP reports it: its level (`E_ERROR`, `E_PARSE`...), the label printed before
/// it, the message, the file and the line.
#[derive(Clone, Debug)]
pub struct Report {
    /// The level.
    pub level: i64,
    /// "Fatal error", "Parse error".
    pub label: &'static str,
    /// The message.
    pub message: String,
    /// The file.
    pub file: String,
    /// The line.
    pub line: u32,
}

impl PhpError {
    /// The text PHP prints for it (display_errors on, to standard output), for the script
    /// `file`.
    pub fn render(&self, file: &str) -> String {
        match (self, self.report(file)) {
            (PhpError::Raw(text), _) => text.clone(),
            (_, Some(r)) => format!(
                "\n{}: {} in {} on line {}\n",
                r.label, r.message, r.file, r.line
            ),
            _ => String::new(),
        }
    }

    /// What PHP reports for it as an error that ends the program, for the script `file`
    /// (`None` for `exit`, output failures and ready texts). An uncaught `ParseError` is a
    /// parse error and an uncaught `CompileError` a fatal error, both with the bare message;
    /// other exceptions are "Uncaught" fatal errors with their trace.
    pub fn report(&self, file: &str) -> Option<Report> {
        match self {
            PhpError::Exception(e) => {
                let class = e.class().name.to_ascii_lowercase();
                let (level, label, message) = match &class[..] {
                    b"parseerror" => (4, "Parse error", prop_string(e, b"message")),
                    b"compileerror" => (64, "Fatal error", prop_string(e, b"message")),
                    _ => (
                        1,
                        "Fatal error",
                        format!("Uncaught {}\n  thrown", throwable_string(e)),
                    ),
                };
                Some(Report {
                    level,
                    label,
                    message,
                    file: prop_string(e, b"file"),
                    line: prop_string(e, b"line").parse().unwrap_or(0),
                })
            }
            PhpError::Fatal { message, line } => Some(Report {
                level: 1,
                label: "Fatal error",
                message: message.clone(),
                file: file.to_string(),
                line: *line,
            }),
            PhpError::Raw(_) | PhpError::Output | PhpError::Exit(_) => None,
        }
    }

    /// The process exit code PHP uses for it.
    pub fn exit_code(&self) -> u8 {
        match self {
            PhpError::Exit(code) => *code,
            _ => 255,
        }
    }
}

impl PartialEq for PhpError {
    fn eq(&self, other: &PhpError) -> bool {
        match (self, other) {
            (PhpError::Exception(a), PhpError::Exception(b)) => PhpObject::ptr_eq(a, b),
            (
                PhpError::Fatal { message, line },
                PhpError::Fatal {
                    message: m,
                    line: l,
                },
            ) => message == m && line == l,
            (PhpError::Output, PhpError::Output) => true,
            (PhpError::Raw(a), PhpError::Raw(b)) => a == b,
            (PhpError::Exit(a), PhpError::Exit(b)) => a == b,
            _ => false,
        }
    }
}

/// A property of an exception as a string (`""` if it is not set).
pub fn prop_string(e: &PhpObject, name: &[u8]) -> String {
    let mut out = Vec::new();
    if let Some(v) = e.get(name) {
        crate::convert::push_string(&mut out, &v.deref());
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An argument as a stack trace shows it.
pub fn trace_arg(v: &Zval) -> String {
    match v.view() {
        View::Undef | View::Null => "NULL".into(),
        View::Bool(b) => (if b { "true" } else { "false" }).into(),
        View::Int(i) => i.to_string(),
        View::Float(f) => format::float_to_string(f, format::Style::Echo),
        View::Str(s) => {
            let b = s.as_bytes();
            let shown = escaped(&b[..b.len().min(15)]);
            if b.len() > 15 {
                format!("'{shown}...'")
            } else {
                format!("'{shown}'")
            }
        }
        View::Array(_) => "Array".into(),
        View::Object(o) => format!("Object({})", o.class().display()),
        View::Resource(r) => format!("Resource id #{}", r.id()),
        View::Ref(r) => r.with(trace_arg),
    }
}

/// Bytes as PHP shows them in traces and messages: `\n`, `\t`, `\\`... escaped, other control
/// bytes and those above 126 as `\xHH`.
fn escaped(b: &[u8]) -> String {
    let mut out = String::new();
    for &c in b {
        match c {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x0c => out.push_str("\\f"),
            0x0b => out.push_str("\\v"),
            0x1b => out.push_str("\\e"),
            b'\\' => out.push_str("\\\\"),
            c if !(32..=126).contains(&c) => {
                let _ = write!(out, "\\x{c:02X}");
            }
            c => out.push(c as char),
        }
    }
    out
}

/// `getTraceAsString()`: the frames of an exception's `trace` property, then `{main}`.
pub fn trace_string(e: &PhpObject) -> String {
    let trace = e.get(b"trace").map(|t| t.deref());
    let (mut s, mut n) = (String::new(), 0);
    if let Some(t) = &trace
        && let View::Array(frames) = t.view()
    {
        s = trace_lines(frames);
        n = frames.len();
    }
    let _ = write!(s, "#{n} {{main}}");
    s
}

/// The lines of a trace (as `debug_backtrace()` makes it), one per entry, each ending with
/// a newline: what `debug_print_backtrace()` prints.
pub fn trace_lines(frames: &crate::PhpArray) -> String {
    let mut s = String::new();
    for (n, (_, frame)) in frames.iter().enumerate() {
        let View::Array(f) = frame.view() else {
            continue;
        };
        let field = |k: &str| {
            f.get(ArrayKey::from(k).as_ref()).map(|v| {
                let mut out = Vec::new();
                crate::convert::push_string(&mut out, v);
                String::from_utf8_lossy(&out).into_owned()
            })
        };
        let args: Vec<String> = match f.get(ArrayKey::from("args").as_ref()).map(Zval::view) {
            // Named arguments show as `name: value`.
            Some(View::Array(a)) => a
                .iter()
                .map(|(k, v)| match k {
                    ArrayKey::Str(name) => {
                        format!(
                            "{}: {}",
                            String::from_utf8_lossy(name.as_bytes()),
                            trace_arg(v)
                        )
                    }
                    ArrayKey::Int(_) => trace_arg(v),
                })
                .collect(),
            _ => Vec::new(),
        };
        let place = match (field("file"), field("line")) {
            (Some(file), Some(line)) => format!("{file}({line})"),
            _ => "[internal function]".into(),
        };
        let _ = writeln!(
            s,
            "#{n} {place}: {}{}{}({})",
            field("class").unwrap_or_default(),
            field("type").unwrap_or_default(),
            field("function").unwrap_or_default(),
            args.join(", ")
        );
    }
    s
}

/// The default `__toString()` of a `Throwable`: the previous exceptions first, each followed
/// by `Next` and the one it led to.
pub fn throwable_string(e: &PhpObject) -> String {
    let mut s = String::new();
    let mut cur = Some(e.clone());
    let mut depth = 0;
    while let Some(x) = cur {
        let mut message = prop_string(&x, b"message");
        // Zend's `Exception::__toString`: where a user function whose argument was wrong is.
        if matches!(&x.class().lower[..], b"typeerror" | b"argumentcounterror")
            && message.contains(", called in ")
        {
            message.push_str(" and defined");
        }
        let head = if message.is_empty() {
            x.class().display()
        } else {
            format!("{}: {message}", x.class().display())
        };
        let this = format!(
            "{head} in {}:{}\nStack trace:\n{}",
            prop_string(&x, b"file"),
            prop_string(&x, b"line"),
            trace_string(&x)
        );
        s = if s.is_empty() {
            this
        } else {
            format!("{this}\n\nNext {s}")
        };
        cur = match x.get(b"previous").map(|p| p.deref()) {
            Some(p) => match p.view() {
                View::Object(o) if depth < 10_000 => Some(o.clone()),
                _ => None,
            },
            None => None,
        };
        depth += 1;
    }
    s
}
