//! `error_log`: a message to the error log (the `error_log` setting's file, else standard
//! error), to a file of the caller's choosing, or to the SAPI's log (the CLI's standard
//! error).

use crate::args;
use crate::standard::file::path_arg;
use php_runtime::{Builtin, Host, PhpError, Zval};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[("error_log", error_log)];

/// An integer setting as PHP reads it: `0x` hex, `0o` or a leading `0` octal, else decimal.
fn ini_int(v: &str) -> Option<i64> {
    let v = v.trim();
    let (digits, radix) = if let Some(h) = v.strip_prefix("0x").or(v.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(o) = v.strip_prefix("0o").or(v.strip_prefix("0O")) {
        (o, 8)
    } else if v.len() > 1 && v.starts_with('0') {
        (&v[1..], 8)
    } else {
        (v, 10)
    };
    i64::from_str_radix(digits, radix).ok()
}

/// Writes `message` to the log as PHP's `php_log_err` does: with a time stamp to the
/// `error_log` file (created with `error_log_mode`), else to standard error.
fn log(h: &mut dyn Host, message: &[u8]) {
    if let Some(path) = h
        .ini("error_log")
        .filter(|p| !p.is_empty() && p != "syslog")
    {
        let mode = h
            .ini("error_log_mode")
            .and_then(|m| ini_int(&m))
            .filter(|m| (1..=0o777).contains(m))
            .unwrap_or(0o644);
        let opened = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(mode as u32)
            .open(&path);
        if let Ok(mut f) = opened {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            let stamp = crate::standard::time::format_date(b"d-M-Y H:i:s e", now);
            let line = [format!("[{stamp}] ").as_bytes(), message, b"\n"].concat();
            let _ = f.write_all(&line);
            return;
        }
    }
    let _ = std::io::stderr().write_all(&[message, b"\n"].concat());
}

/// `error_log(string $message, int $message_type = 0, ?string $destination = null,
/// ?string $additional_headers = null)`.
fn error_log(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    const F: &str = "error_log";
    args::arity(h, F, a, 1, 4)?;
    let message = args::string(h, F, 1, "message", &a[0])?;
    let kind = match a.get(1) {
        Some(v) => args::int(h, F, 2, "message_type", v)?,
        None => 0,
    };
    let destination = match a.get(2) {
        Some(v) if !v.is_null() => Some(path_arg(h, F, 3, "destination", v, true)?),
        _ => None,
    };
    match kind {
        // Mail needs a mailer, which hippy does not run.
        1 => Ok(Zval::bool(false)),
        2 => Err(h.throw(
            "ValueError",
            "TCP/IP option is not available for error logging".into(),
        )),
        3 => {
            let path = destination.unwrap_or_default();
            match std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
            {
                Ok(mut f) => Ok(Zval::bool(f.write_all(message.as_bytes()).is_ok())),
                Err(e) => {
                    let why = crate::standard::stream::os_message(&e);
                    h.warn(&format!("{F}({path}): Failed to open stream: {why}"))?;
                    Ok(Zval::bool(false))
                }
            }
        }
        4 => {
            let _ = std::io::stderr().write_all(&[message.as_bytes(), b"\n"].concat());
            Ok(Zval::bool(true))
        }
        _ => {
            log(h, message.as_bytes());
            Ok(Zval::bool(true))
        }
    }
}
