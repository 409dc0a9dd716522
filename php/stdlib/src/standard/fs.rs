//! Changes to the file system: `unlink`, `rename`, `copy`, `touch`, `mkdir`, `rmdir`,
//! temporary files (`tempnam`, `tmpfile`, `sys_get_temp_dir`).

use crate::args;
use crate::standard::file::path_arg;
use crate::standard::stream::{self, Stream, os_message};
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("unlink", unlink),
    ("rename", rename),
    ("copy", copy),
    ("touch", touch),
    ("mkdir", mkdir),
    ("rmdir", rmdir),
    ("tempnam", tempnam),
    ("tmpfile", tmpfile),
    ("sys_get_temp_dir", sys_get_temp_dir),
];

fn unlink(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "unlink", a, 1, 2)?;
    let name = path_arg(h, "unlink", 1, "filename", &a[0], true)?;
    stream::default_context();
    match fs::remove_file(&name) {
        Ok(()) => Ok(Zval::bool(true)),
        Err(e) => {
            h.warn(&format!("unlink({name}): {}", os_message(&e)))?;
            Ok(Zval::bool(false))
        }
    }
}

fn rename(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "rename", a, 2, 3)?;
    let from = path_arg(h, "rename", 1, "from", &a[0], true)?;
    let to = path_arg(h, "rename", 2, "to", &a[1], true)?;
    stream::default_context();
    match fs::rename(&from, &to) {
        Ok(()) => Ok(Zval::bool(true)),
        Err(e) => {
            h.warn(&format!("rename({from},{to}): {}", os_message(&e)))?;
            Ok(Zval::bool(false))
        }
    }
}

fn copy(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "copy", a, 2, 3)?;
    let from = path_arg(h, "copy", 1, "from", &a[0], false)?;
    let to = path_arg(h, "copy", 2, "to", &a[1], false)?;
    stream::default_context();
    if fs::metadata(&from).is_ok_and(|m| m.is_dir()) {
        h.warn("copy(): The first argument to copy() function cannot be a directory")?;
        return Ok(Zval::bool(false));
    }
    let mut src = match File::open(&from) {
        Ok(f) => f,
        Err(e) => {
            h.warn(&format!(
                "copy({from}): Failed to open stream: {}",
                os_message(&e)
            ))?;
            return Ok(Zval::bool(false));
        }
    };
    stream::consume_ids(1);
    let mut dst = match File::create(&to) {
        Ok(f) => f,
        Err(e) => {
            h.warn(&format!(
                "copy({to}): Failed to open stream: {}",
                os_message(&e)
            ))?;
            return Ok(Zval::bool(false));
        }
    };
    stream::consume_ids(1);
    Ok(Zval::bool(std::io::copy(&mut src, &mut dst).is_ok()))
}

fn time_arg(h: &mut dyn Host, a: &[Zval], i: usize, param: &str) -> Result<Option<i64>, PhpError> {
    match a.get(i) {
        Some(v) if !v.is_null() => Ok(Some(args::int(h, "touch", i + 1, param, v)?)),
        _ => Ok(None),
    }
}

fn system_time(secs: i64) -> SystemTime {
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
    }
}

fn touch(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "touch", a, 1, 3)?;
    let name = path_arg(h, "touch", 1, "filename", &a[0], false)?;
    let mtime = time_arg(h, a, 1, "mtime")?;
    let atime = time_arg(h, a, 2, "atime")?.or(mtime);
    let f = match OpenOptions::new().append(true).create(true).open(&name) {
        Ok(f) => f,
        Err(_) if Path::new(&name).is_dir() => match File::open(&name) {
            Ok(f) => f,
            Err(e) => return touch_failed(h, &name, &e),
        },
        Err(e) => return touch_failed(h, &name, &e),
    };
    let now = SystemTime::now();
    let times = fs::FileTimes::new()
        .set_modified(mtime.map_or(now, system_time))
        .set_accessed(atime.map_or(now, system_time));
    match f.set_times(times) {
        Ok(()) => Ok(Zval::bool(true)),
        Err(e) => {
            h.warn(&format!("touch(): Utime failed: {}", os_message(&e)))?;
            Ok(Zval::bool(false))
        }
    }
}

fn touch_failed(h: &mut dyn Host, name: &str, e: &std::io::Error) -> Result<Zval, PhpError> {
    h.warn(&format!(
        "touch(): Unable to create file {name} because {}",
        os_message(e)
    ))?;
    Ok(Zval::bool(false))
}

fn mkdir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "mkdir", a, 1, 4)?;
    let name = path_arg(h, "mkdir", 1, "directory", &a[0], true)?;
    let mode = match a.get(1) {
        Some(v) => args::int(h, "mkdir", 2, "permissions", v)?,
        None => 0o777,
    };
    let recursive = match a.get(2) {
        Some(v) => args::boolean(h, "mkdir", 3, "recursive", v)?,
        None => false,
    };
    stream::default_context();
    if recursive && Path::new(&name).exists() {
        h.warn("mkdir(): File exists")?;
        return Ok(Zval::bool(false));
    }
    let r = fs::DirBuilder::new()
        .recursive(recursive)
        .mode(mode as u32)
        .create(&name);
    match r {
        Ok(()) => Ok(Zval::bool(true)),
        Err(e) => {
            h.warn(&format!("mkdir(): {}", os_message(&e)))?;
            Ok(Zval::bool(false))
        }
    }
}

fn rmdir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "rmdir", a, 1, 2)?;
    let name = path_arg(h, "rmdir", 1, "directory", &a[0], true)?;
    stream::default_context();
    match fs::remove_dir(&name) {
        Ok(()) => Ok(Zval::bool(true)),
        Err(e) => {
            h.warn(&format!("rmdir({name}): {}", os_message(&e)))?;
            Ok(Zval::bool(false))
        }
    }
}

/// The temporary directory: the `sys_temp_dir` setting, else `$TMPDIR`, without a trailing
/// slash; else `/tmp`.
pub fn temp_dir(h: &mut dyn Host) -> String {
    if let Some(d) = h.ini("sys_temp_dir").filter(|d| !d.is_empty() && d != "/") {
        return d.strip_suffix('/').unwrap_or(&d).to_string();
    }
    match std::env::var("TMPDIR") {
        Ok(d) if !d.is_empty() => {
            let t = d.trim_end_matches('/');
            if t.is_empty() { "/".into() } else { t.into() }
        }
        _ => "/tmp".into(),
    }
}

fn sys_get_temp_dir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "sys_get_temp_dir", a, 0, 0)?;
    Ok(Zval::str(&temp_dir(h)))
}

/// Six characters that make a new name (the process id, the time and a counter mixed).
fn unique_suffix(attempt: u32) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = nanos
        ^ (u64::from(std::process::id()) << 32)
        ^ u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..6)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            CHARS[((x >> 33) % CHARS.len() as u64) as usize] as char
        })
        .collect()
}

/// Creates a new file `dir/prefixXXXXXX` (mode 0600): its path and the open file.
fn create_unique(dir: &str, prefix: &str) -> std::io::Result<(String, File)> {
    let mut attempt = 0;
    loop {
        let path = format!(
            "{}/{prefix}{}",
            dir.trim_end_matches('/'),
            unique_suffix(attempt)
        );
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

fn tempnam(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "tempnam", a, 2, 2)?;
    let dir = path_arg(h, "tempnam", 1, "directory", &a[0], true)?;
    let prefix = path_arg(h, "tempnam", 2, "prefix", &a[1], true)?;
    let prefix = prefix.rsplit('/').next().unwrap_or("");
    let prefix: String = prefix.chars().take(63).collect();
    let real = fs::canonicalize(if dir.is_empty() { "." } else { &dir })
        .ok()
        .filter(|p| p.is_dir())
        .map(|p| p.to_string_lossy().into_owned());
    let dir = match real {
        Some(d) => d,
        None => {
            h.notice("tempnam(): file created in the system's temporary directory")?;
            temp_dir(h)
        }
    };
    match create_unique(&dir, &prefix) {
        Ok((path, _)) => Ok(Zval::string(PhpString::from(path.as_str()))),
        Err(_) => Ok(Zval::bool(false)),
    }
}

fn tmpfile(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "tmpfile", a, 0, 0)?;
    match create_unique(&temp_dir(h), "php") {
        Ok((path, f)) => {
            let _ = fs::remove_file(&path);
            Ok(stream::make_resource(Stream::file(f, &path, "r+b"), 0))
        }
        Err(e) => {
            h.warn(&format!("tmpfile(): {}", os_message(&e)))?;
            Ok(Zval::bool(false))
        }
    }
}
