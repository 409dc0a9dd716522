//! Time: the clock (`time`, `microtime`), sleeping (`sleep`, `usleep`), and the basics of
//! the date extension in UTC, the time zone `php -n` uses (`mktime`, `gmmktime`, `date`,
//! `gmdate`, `checkdate`, `date_default_timezone_get`).
//!
//! Dates are proleptic Gregorian, converted with the days-from-civil algorithm (no table of
//! months); time zones other than UTC are not supported.

use crate::args;
use php_runtime::value::View;
use php_runtime::{Builtin, Host, PhpError, Zval};
use std::fmt::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("time", time),
    ("microtime", microtime),
    ("sleep", sleep),
    ("usleep", usleep),
    ("mktime", mktime),
    ("gmmktime", gmmktime),
    ("date", date),
    ("gmdate", gmdate),
    ("checkdate", checkdate),
    ("date_default_timezone_get", date_default_timezone_get),
];

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

fn time(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "time", a, 0, 0)?;
    Ok(Zval::int(now().as_secs() as i64))
}

/// `microtime(bool $as_float = false)`: "usec sec" or seconds as a float.
fn microtime(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "microtime", a, 0, 1)?;
    let as_float = match a.first() {
        Some(v) => args::boolean(h, "microtime", 1, "as_float", v)?,
        None => false,
    };
    let t = now();
    if as_float {
        return Ok(Zval::float(t.as_secs_f64()));
    }
    let micros = t.subsec_micros();
    Ok(Zval::str(&format!("0.{micros:06}00 {}", t.as_secs())))
}

fn sleep(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "sleep", a, 1, 1)?;
    let s = args::int(h, "sleep", 1, "seconds", &a[0])?;
    if s < 0 {
        let msg = "sleep(): Argument #1 ($seconds) must be greater than or equal to 0";
        return Err(h.throw("ValueError", msg.into()));
    }
    std::thread::sleep(Duration::from_secs(s as u64));
    Ok(Zval::int(0))
}

fn usleep(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "usleep", a, 1, 1)?;
    let us = args::int(h, "usleep", 1, "microseconds", &a[0])?;
    if us < 0 {
        let msg = "usleep(): Argument #1 ($microseconds) must be greater than or equal to 0";
        return Err(h.throw("ValueError", msg.into()));
    }
    std::thread::sleep(Duration::from_micros(us as u64));
    Ok(Zval::NULL)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month and day may overflow: they
/// carry into the year and month as `mktime` does).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let m0 = month - 1;
    let y = year + m0.div_euclid(12);
    let m = m0.rem_euclid(12) + 1;
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468 + (day - 1)
}

/// The date of a day since 1970-01-01: year, month (1-12), day (1-31).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `mktime`/`gmmktime(int $hour, ?int $minute = null, ?int $second = null, ?int $month = null,
/// ?int $day = null, ?int $year = null)`: the parts not given are now's.
fn make_time(h: &mut dyn Host, name: &str, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 6)?;
    let t = now().as_secs() as i64;
    let (y, mo, d) = civil_from_days(t.div_euclid(86400));
    let secs = t.rem_euclid(86400);
    let current = [secs / 3600, secs / 60 % 60, secs % 60, mo, d, y];
    let params = ["hour", "minute", "second", "month", "day", "year"];
    let mut parts = current;
    for (i, v) in a.iter().enumerate() {
        if matches!(v.deref().view(), View::Null) {
            continue;
        }
        parts[i] = args::int(h, name, i + 1, params[i], v)?;
    }
    let [hour, minute, second, month, day, mut year] = parts;
    if a.len() == 6 {
        if (0..70).contains(&year) {
            year += 2000;
        } else if (70..=100).contains(&year) {
            year += 1900;
        }
    }
    let days = days_from_civil(year, month, day);
    let total = days
        .checked_mul(86400)
        .and_then(|s| s.checked_add(hour.checked_mul(3600)?))
        .and_then(|s| s.checked_add(minute.checked_mul(60)?))
        .and_then(|s| s.checked_add(second));
    Ok(total.map_or(Zval::bool(false), Zval::int))
}

fn mktime(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    make_time(h, "mktime", a)
}

fn gmmktime(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    make_time(h, "gmmktime", a)
}

/// The ISO-8601 week-numbering year and week of a day since 1970-01-01.
fn iso_week(days: i64) -> (i64, i64) {
    let weekday = (days + 3).rem_euclid(7) + 1; // 1 = Monday
    let thursday = days - weekday + 4;
    let (wy, _, _) = civil_from_days(thursday);
    let jan1 = days_from_civil(wy, 1, 1);
    (wy, (thursday - jan1) / 7 + 1)
}

/// `date()`'s text of timestamp `t` in UTC.
pub(crate) fn format_date(format: &[u8], t: i64) -> String {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let (hour, minute, second) = (secs / 3600, secs / 60 % 60, secs % 60);
    let w = (days + 4).rem_euclid(7);
    let doy = days - days_from_civil(y, 1, 1);
    let mut s = String::new();
    let mut i = 0;
    while i < format.len() {
        let c = format[i];
        i += 1;
        let _ = match c {
            b'd' => write!(s, "{d:02}"),
            b'D' => write!(s, "{}", &DAYS[w as usize][..3]),
            b'j' => write!(s, "{d}"),
            b'l' => write!(s, "{}", DAYS[w as usize]),
            b'N' => write!(s, "{}", if w == 0 { 7 } else { w }),
            b'S' => write!(
                s,
                "{}",
                match d {
                    1 | 21 | 31 => "st",
                    2 | 22 => "nd",
                    3 | 23 => "rd",
                    _ => "th",
                }
            ),
            b'w' => write!(s, "{w}"),
            b'z' => write!(s, "{doy}"),
            b'W' => write!(s, "{:02}", iso_week(days).1),
            b'o' => write!(s, "{}", iso_week(days).0),
            b'F' => write!(s, "{}", MONTHS[m as usize - 1]),
            b'M' => write!(s, "{}", &MONTHS[m as usize - 1][..3]),
            b'm' => write!(s, "{m:02}"),
            b'n' => write!(s, "{m}"),
            b't' => write!(s, "{}", days_in_month(y, m)),
            b'L' => write!(s, "{}", i32::from(is_leap(y))),
            b'Y' => write!(s, "{y}"),
            b'y' => write!(s, "{:02}", y.rem_euclid(100)),
            b'a' => write!(s, "{}", if hour < 12 { "am" } else { "pm" }),
            b'A' => write!(s, "{}", if hour < 12 { "AM" } else { "PM" }),
            b'B' => write!(s, "{:03}", ((secs + 3600) % 86400) * 1000 / 86400),
            b'g' => write!(s, "{}", if hour % 12 == 0 { 12 } else { hour % 12 }),
            b'G' => write!(s, "{hour}"),
            b'h' => write!(s, "{:02}", if hour % 12 == 0 { 12 } else { hour % 12 }),
            b'H' => write!(s, "{hour:02}"),
            b'i' => write!(s, "{minute:02}"),
            b's' => write!(s, "{second:02}"),
            b'u' => write!(s, "000000"),
            b'v' => write!(s, "000"),
            b'e' | b'T' => write!(s, "UTC"),
            b'I' | b'Z' => write!(s, "0"),
            b'O' => write!(s, "+0000"),
            b'P' => write!(s, "+00:00"),
            b'p' => write!(s, "Z"),
            b'c' => write!(s, "{}", format_date(b"Y-m-d\\TH:i:sP", t)),
            b'r' => write!(s, "{}", format_date(b"D, d M Y H:i:s O", t)),
            b'U' => write!(s, "{t}"),
            b'\\' => {
                if let Some(&n) = format.get(i) {
                    s.push(n as char);
                    i += 1;
                }
                Ok(())
            }
            other => {
                s.push(other as char);
                Ok(())
            }
        };
    }
    s
}

fn date_of(h: &mut dyn Host, name: &str, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, name, a, 1, 2)?;
    let format = args::string(h, name, 1, "format", &a[0])?;
    let t = match a.get(1).map(|v| v.deref()) {
        None => now().as_secs() as i64,
        Some(v) if matches!(v.view(), View::Null) => now().as_secs() as i64,
        Some(v) => args::int(h, name, 2, "timestamp", &v)?,
    };
    // Bytes beyond ASCII are copied as they are.
    let text = format_date(format.as_bytes(), t);
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    Ok(Zval::string(php_runtime::PhpString::new(&bytes)))
}

fn date(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    date_of(h, "date", a)
}

fn gmdate(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    date_of(h, "gmdate", a)
}

fn checkdate(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "checkdate", a, 3, 3)?;
    let m = args::int(h, "checkdate", 1, "month", &a[0])?;
    let d = args::int(h, "checkdate", 2, "day", &a[1])?;
    let y = args::int(h, "checkdate", 3, "year", &a[2])?;
    let ok =
        (1..=12).contains(&m) && (1..=32767).contains(&y) && d >= 1 && d <= days_in_month(y, m);
    Ok(Zval::bool(ok))
}

fn date_default_timezone_get(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "date_default_timezone_get", a, 0, 0)?;
    Ok(Zval::str("UTC"))
}
