//! Questions about files: `file_exists`, `is_file`, `is_dir`, `is_readable`..., `filesize`,
//! `filemtime`, `stat`, `fstat`, `realpath`, the working directory (`getcwd`, `chdir`) and
//! directory listings (`scandir`, `glob`).

use crate::args;
use crate::standard::file::path_arg;
use crate::standard::stream::{self, Stream, os_message};
use php_runtime::{ArrayKey, Builtin, Host, PhpArray, PhpError, PhpString, Zval};
use std::fs::{self, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("file_exists", file_exists),
    ("is_file", is_file),
    ("is_dir", is_dir),
    ("is_link", is_link),
    ("is_readable", is_readable),
    ("is_writable", is_writable),
    ("is_writeable", is_writeable),
    ("is_executable", is_executable),
    ("filesize", filesize),
    ("filemtime", filemtime),
    ("fileatime", fileatime),
    ("filectime", filectime),
    ("fileperms", fileperms),
    ("stat", stat),
    ("fstat", fstat),
    ("clearstatcache", clearstatcache),
    ("realpath", realpath),
    ("getcwd", getcwd),
    ("chdir", chdir),
    ("scandir", scandir),
    ("glob", glob),
];

/// The path argument of a test; `None` (the test is false) for an empty path.
fn test_path(h: &mut dyn Host, func: &str, a: &[Zval]) -> Result<Option<String>, PhpError> {
    args::arity(h, func, a, 1, 1)?;
    let p = path_arg(h, func, 1, "filename", &a[0], true)?;
    Ok(if p.is_empty() { None } else { Some(p) })
}

fn test(h: &mut dyn Host, func: &str, a: &[Zval], f: fn(&str) -> bool) -> Result<Zval, PhpError> {
    Ok(Zval::bool(test_path(h, func, a)?.is_some_and(|p| f(&p))))
}

fn file_exists(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "file_exists", a, |p| fs::metadata(p).is_ok())
}

fn is_file(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_file", a, |p| {
        fs::metadata(p).is_ok_and(|m| m.is_file())
    })
}

fn is_dir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_dir", a, |p| {
        fs::metadata(p).is_ok_and(|m| m.is_dir())
    })
}

fn is_link(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_link", a, |p| {
        fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// `access(2)` with `mode`.
fn access(path: &str, mode: libc::c_int) -> bool {
    let Ok(c) = std::ffi::CString::new(path) else {
        return false;
    };
    // SAFETY: `c` is a NUL-terminated string that lives for the call.
    unsafe { libc::access(c.as_ptr(), mode) == 0 }
}

fn is_readable(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_readable", a, |p| access(p, libc::R_OK))
}

fn is_writable(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_writable", a, |p| access(p, libc::W_OK))
}

fn is_writeable(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_writeable", a, |p| access(p, libc::W_OK))
}

fn is_executable(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    test(h, "is_executable", a, |p| {
        access(p, libc::X_OK) && fs::metadata(p).is_ok_and(|m| !m.is_dir())
    })
}

/// A file's metadata, with PHP's warning ("stat failed for ...") when there is none.
fn meta(h: &mut dyn Host, func: &str, a: &[Zval]) -> Result<Option<Metadata>, PhpError> {
    args::arity(h, func, a, 1, 1)?;
    let p = path_arg(h, func, 1, "filename", &a[0], true)?;
    match fs::metadata(&p) {
        Ok(m) => Ok(Some(m)),
        Err(_) => {
            h.warn(&format!("{func}(): stat failed for {p}"))?;
            Ok(None)
        }
    }
}

fn meta_int(
    h: &mut dyn Host,
    func: &str,
    a: &[Zval],
    f: fn(&Metadata) -> i64,
) -> Result<Zval, PhpError> {
    Ok(match meta(h, func, a)? {
        Some(m) => Zval::int(f(&m)),
        None => Zval::bool(false),
    })
}

fn filesize(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    meta_int(h, "filesize", a, |m| m.size() as i64)
}

fn filemtime(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    meta_int(h, "filemtime", a, |m| m.mtime())
}

fn fileatime(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    meta_int(h, "fileatime", a, |m| m.atime())
}

fn filectime(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    meta_int(h, "filectime", a, |m| m.ctime())
}

fn fileperms(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    meta_int(h, "fileperms", a, |m| i64::from(m.mode()))
}

/// `stat`'s array: the thirteen fields by number, then by name.
fn stat_array(fields: [i64; 13]) -> Zval {
    const NAMES: [&str; 13] = [
        "dev", "ino", "mode", "nlink", "uid", "gid", "rdev", "size", "atime", "mtime", "ctime",
        "blksize", "blocks",
    ];
    let mut out = PhpArray::new();
    for (i, v) in fields.iter().enumerate() {
        out.insert(ArrayKey::Int(i as i64), Zval::int(*v));
    }
    for (n, v) in NAMES.iter().zip(fields) {
        out.insert(ArrayKey::from_bytes(n.as_bytes()), Zval::int(v));
    }
    Zval::array(out)
}

fn meta_fields(m: &Metadata) -> [i64; 13] {
    [
        m.dev() as i64,
        m.ino() as i64,
        i64::from(m.mode()),
        m.nlink() as i64,
        i64::from(m.uid()),
        i64::from(m.gid()),
        m.rdev() as i64,
        m.size() as i64,
        m.atime(),
        m.mtime(),
        m.ctime(),
        m.blksize() as i64,
        m.blocks() as i64,
    ]
}

fn stat(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    Ok(match meta(h, "stat", a)? {
        Some(m) => stat_array(meta_fields(&m)),
        None => Zval::bool(false),
    })
}

fn fstat(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fstat", a, 1, 1)?;
    let r = stream::arg(h, "fstat", 1, &a[0])?;
    let s = r.payload::<Stream>().expect("checked by stream::arg");
    Ok(match (s.stat(), s.memory_len()) {
        (Some(m), _) => stat_array(meta_fields(&m)),
        (None, Some(len)) => {
            stat_array([12, 0, 0o100666, 1, 0, 0, -1, len as i64, 0, 0, 0, -1, -1])
        }
        (None, None) => stat_array([0, 0, 0o10666, 1, 0, 0, 0, 0, 0, 0, 0, -1, -1]),
    })
}

fn clearstatcache(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "clearstatcache", a, 0, 2)?;
    Ok(Zval::NULL)
}

fn path_zval(p: &std::path::Path) -> Zval {
    Zval::string(PhpString::new(p.as_os_str().as_bytes()))
}

fn realpath(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "realpath", a, 1, 1)?;
    let p = path_arg(h, "realpath", 1, "path", &a[0], true)?;
    let p = if p.is_empty() { ".".to_string() } else { p };
    Ok(match fs::canonicalize(&p) {
        Ok(r) => path_zval(&r),
        Err(_) => Zval::bool(false),
    })
}

fn getcwd(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "getcwd", a, 0, 0)?;
    Ok(match std::env::current_dir() {
        Ok(d) => path_zval(&d),
        Err(_) => Zval::bool(false),
    })
}

fn chdir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "chdir", a, 1, 1)?;
    let p = path_arg(h, "chdir", 1, "directory", &a[0], true)?;
    match std::env::set_current_dir(&p) {
        Ok(()) => Ok(Zval::bool(true)),
        Err(e) => {
            let code = e.raw_os_error().unwrap_or(0);
            h.warn(&format!("chdir(): {} (errno {code})", os_message(&e)))?;
            Ok(Zval::bool(false))
        }
    }
}

fn scandir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "scandir", a, 1, 3)?;
    let dir = path_arg(h, "scandir", 1, "directory", &a[0], false)?;
    let order = match a.get(1) {
        Some(v) => args::int(h, "scandir", 2, "sorting_order", v)?,
        None => 0,
    };
    stream::default_context();
    let entries = match fs::read_dir(&dir) {
        Ok(r) => r,
        Err(e) => {
            let code = e.raw_os_error().unwrap_or(0);
            let msg = os_message(&e);
            h.warn(&format!("scandir({dir}): Failed to open directory: {msg}"))?;
            h.warn(&format!("scandir(): (errno {code}): {msg}"))?;
            return Ok(Zval::bool(false));
        }
    };
    let mut names: Vec<Vec<u8>> = vec![b".".to_vec(), b"..".to_vec()];
    names.extend(entries.flatten().map(|e| e.file_name().as_bytes().to_vec()));
    match order {
        0 => names.sort(),
        1 => names.sort_by(|x, y| y.cmp(x)),
        _ => {}
    }
    Ok(Zval::array(PhpArray::from_list(
        names.iter().map(|n| Zval::string(PhpString::new(n))),
    )))
}

/// `GLOB_MARK`.
const GLOB_MARK: i64 = 2;
/// `GLOB_NOSORT`.
const GLOB_NOSORT: i64 = 4;
/// `GLOB_NOCHECK`.
const GLOB_NOCHECK: i64 = 16;
/// `GLOB_NOESCAPE`.
const GLOB_NOESCAPE: i64 = 64;
/// `GLOB_ONLYDIR`.
const GLOB_ONLYDIR: i64 = 8192;

/// Whether `name` matches the shell pattern `pat` (`*`, `?`, `[...]`, `\` escapes); a
/// leading dot must be matched by a dot.
fn wild_match(pat: &[u8], name: &[u8], escape: bool) -> bool {
    if name.first() == Some(&b'.') && pat.first() != Some(&b'.') {
        return false;
    }
    fn go(p: &[u8], n: &[u8], escape: bool) -> bool {
        let Some(&c) = p.first() else {
            return n.is_empty();
        };
        match c {
            b'*' => (0..=n.len()).any(|k| go(&p[1..], &n[k..], escape)),
            b'?' => !n.is_empty() && go(&p[1..], &n[1..], escape),
            b'[' => {
                let Some(&ch) = n.first() else {
                    return false;
                };
                let mut i = 1;
                let negate = matches!(p.get(1), Some(b'!' | b'^'));
                if negate {
                    i += 1;
                }
                let mut hit = false;
                let start = i;
                while i < p.len() && (p[i] != b']' || i == start) {
                    if p.get(i + 1) == Some(&b'-') && i + 2 < p.len() && p[i + 2] != b']' {
                        hit |= p[i] <= ch && ch <= p[i + 2];
                        i += 3;
                    } else {
                        hit |= p[i] == ch;
                        i += 1;
                    }
                }
                if i >= p.len() {
                    // No closing bracket: a literal `[`.
                    return ch == b'[' && go(&p[1..], &n[1..], escape);
                }
                hit != negate && go(&p[i + 1..], &n[1..], escape)
            }
            b'\\' if escape && p.len() > 1 => {
                n.first() == Some(&p[1]) && go(&p[2..], &n[1..], escape)
            }
            _ => n.first() == Some(&c) && go(&p[1..], &n[1..], escape),
        }
    }
    go(pat, name, escape)
}

fn has_wild(s: &[u8]) -> bool {
    s.iter().any(|c| matches!(c, b'*' | b'?' | b'['))
}

fn glob(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "glob", a, 1, 2)?;
    let pattern = args::string(h, "glob", 1, "pattern", &a[0])?;
    let flags = match a.get(1) {
        Some(v) => args::int(h, "glob", 2, "flags", v)?,
        None => 0,
    };
    let pat = pattern.as_bytes();
    let escape = flags & GLOB_NOESCAPE == 0;
    let absolute = pat.first() == Some(&b'/');
    let parts: Vec<&[u8]> = pat
        .split(|&c| c == b'/')
        .filter(|p| !p.is_empty())
        .collect();
    let mut paths: Vec<Vec<u8>> = vec![if absolute { b"/".to_vec() } else { Vec::new() }];
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let mut next = Vec::new();
        for base in &paths {
            let join = |name: &[u8]| {
                let mut p = base.clone();
                if !p.is_empty() && p.last() != Some(&b'/') {
                    p.push(b'/');
                }
                p.extend_from_slice(name);
                p
            };
            if !has_wild(part) {
                let p = join(part);
                let os = std::ffi::OsStr::from_bytes(&p);
                if fs::symlink_metadata(os).is_ok() && (last || std::path::Path::new(os).is_dir()) {
                    next.push(p);
                }
                continue;
            }
            let dir = if base.is_empty() {
                b".".to_vec()
            } else {
                base.clone()
            };
            let Ok(rd) = fs::read_dir(std::ffi::OsStr::from_bytes(&dir)) else {
                continue;
            };
            let mut names: Vec<Vec<u8>> = rd
                .flatten()
                .map(|e| e.file_name().as_bytes().to_vec())
                .collect();
            names.sort();
            for n in names {
                if wild_match(part, &n, escape) {
                    let p = join(&n);
                    if last || std::path::Path::new(std::ffi::OsStr::from_bytes(&p)).is_dir() {
                        next.push(p);
                    }
                }
            }
        }
        paths = next;
    }
    if parts.is_empty() {
        paths.retain(|p| !p.is_empty());
    }
    let is_dir = |p: &[u8]| std::path::Path::new(std::ffi::OsStr::from_bytes(p)).is_dir();
    if flags & GLOB_ONLYDIR != 0 {
        paths.retain(|p| is_dir(p));
    }
    if flags & GLOB_NOSORT == 0 {
        paths.sort();
    }
    if flags & GLOB_MARK != 0 {
        for p in &mut paths {
            if is_dir(p) && p.last() != Some(&b'/') {
                p.push(b'/');
            }
        }
    }
    if paths.is_empty() && flags & GLOB_NOCHECK != 0 {
        paths.push(pat.to_vec());
    }
    Ok(Zval::array(PhpArray::from_list(
        paths.iter().map(|p| Zval::string(PhpString::new(p))),
    )))
}

#[cfg(test)]
mod tests {
    use super::wild_match;

    #[test]
    fn shell_patterns() {
        assert!(wild_match(b"*.txt", b"a.txt", true));
        assert!(!wild_match(b"*.txt", b".a.txt", true));
        assert!(wild_match(b"a?c", b"abc", true));
        assert!(wild_match(b"[a-c]x", b"bx", true));
        assert!(!wild_match(b"[!a-c]x", b"bx", true));
        assert!(wild_match(b"\\*", b"*", true));
    }
}
