//! PHP's error output for the CLI: where a diagnostic goes for the `display_errors`,
//! `log_errors`, `error_log`, `html_errors` and `error_reporting` settings (`-d`), with PHP's
//! built-in defaults (display on stdout, no log). Messages and file names hold bytes that
//! are not UTF-8 as `php_syntax::lossless` text; they are written as the original bytes.

use php_syntax::Diagnostic;
use php_syntax::diagnostics::{DisplayTarget, ini_bool};
use php_syntax::lossless;
use std::io::Write;

/// Writes `diag` where PHP would for the `-d` settings `ini` (later ones win).
pub fn report(ini: &[(String, String)], diag: &Diagnostic, file: &str) {
    let setting = |key: &str| {
        ini.iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let reporting = setting("error_reporting").map_or(i64::from(u32::MAX), |v| {
        php_vm::functions::error_level(&php_vm::functions::ini_value(v))
    });
    if reporting & diag.severity.error_type() == 0 {
        return;
    }
    if setting("log_errors").is_some_and(ini_bool) {
        let line = diag.log_text(file);
        match setting("error_log").filter(|p| !p.is_empty()) {
            Some(path) => {
                let stamp = utc_timestamp();
                if let Ok(mut f) = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                {
                    let _ = f.write_all(&lossless::bytes(&format!("[{stamp}] {line}\n")));
                }
            }
            None => {
                let _ = std::io::stderr().write_all(&lossless::bytes(&format!("{line}\n")));
            }
        }
    }
    let target = setting("display_errors").map_or(DisplayTarget::Stdout, DisplayTarget::from_ini);
    let html = setting("html_errors").is_some_and(ini_bool);
    let text = if html {
        diag.html_text(file)
    } else {
        diag.display_text(file)
    };
    match target {
        DisplayTarget::Off => {}
        DisplayTarget::Stdout => {
            let _ = std::io::stdout().write_all(&lossless::bytes(&text));
        }
        DisplayTarget::Stderr => {
            // On stderr PHP's CLI omits the blank line it prints before the message on stdout.
            let text = text.strip_prefix('\n').unwrap_or(&text);
            let _ = std::io::stderr().write_all(&lossless::bytes(text));
        }
    }
}

/// `25-Nov-2026 08:12:12 UTC`, PHP's log timestamp without a configured time zone.
fn utc_timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{day:02}-{}-{year} {:02}:{:02}:{:02} UTC",
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
