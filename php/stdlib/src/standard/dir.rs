//! Directory handles (`opendir`, `readdir`, `rewinddir`, `closedir`) and `umask`.
//!
//! A directory handle is a "stream" resource holding the directory's entries, read once
//! when it is opened (`.` and `..` first, then the entries in the order the system gives
//! them); the functions whose handle argument is optional use the last one opened.

use crate::args;
use php_runtime::resource::PhpResource;
use php_runtime::value::View;
use php_runtime::{Builtin, Host, PhpError, PhpString, Zval};
use std::cell::RefCell;
use std::os::unix::ffi::OsStrExt;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("opendir", opendir),
    ("readdir", readdir),
    ("rewinddir", rewinddir),
    ("closedir", closedir),
    ("umask", umask),
];

/// An open directory: its entries and the next one to read.
struct DirHandle {
    entries: Vec<Vec<u8>>,
    next: usize,
}

thread_local! {
    /// The directory opened last (for `readdir()` without an argument).
    static LAST: RefCell<Option<PhpResource>> = const { RefCell::new(None) };
}

fn opendir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "opendir", a, 1, 2)?;
    let path = args::string(h, "opendir", 1, "directory", &a[0])?;
    let shown = String::from_utf8_lossy(path.as_bytes()).into_owned();
    let os = std::ffi::OsStr::from_bytes(path.as_bytes());
    let list = match std::fs::read_dir(os) {
        Ok(l) => l,
        Err(e) => {
            let why = crate::standard::stream::os_message(&e);
            h.warn(&format!(
                "opendir({shown}): Failed to open directory: {why}"
            ))?;
            return Ok(Zval::bool(false));
        }
    };
    let mut entries = vec![b".".to_vec(), b"..".to_vec()];
    entries.extend(list.flatten().map(|e| e.file_name().as_bytes().to_vec()));
    let r = PhpResource::new("stream", Box::new(DirHandle { entries, next: 0 }));
    LAST.with(|l| *l.borrow_mut() = Some(r.clone()));
    Ok(Zval::resource(r))
}

/// The handle argument of `func` (the last opened one when absent or `null`).
fn handle(h: &mut dyn Host, func: &str, a: &[Zval]) -> Result<Option<PhpResource>, PhpError> {
    args::arity(h, func, a, 0, 1)?;
    let r = match a.first().map(|v| v.deref()) {
        Some(v) if !matches!(v.view(), View::Null) => {
            crate::args::resource(h, func, 1, "dir_handle", &v)?
        }
        _ => match LAST.with(|l| l.borrow().clone()) {
            Some(r) => r,
            None => {
                let msg = "No resource supplied";
                return Err(h.throw("TypeError", msg.into()));
            }
        },
    };
    if r.payload::<DirHandle>().is_none() {
        let msg = format!("{func}(): supplied resource is not a valid Directory resource");
        return Err(h.throw("TypeError", msg));
    }
    Ok(Some(r))
}

fn readdir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let Some(r) = handle(h, "readdir", a)? else {
        return Ok(Zval::bool(false));
    };
    let Some(mut d) = r.payload::<DirHandle>() else {
        return Ok(Zval::bool(false));
    };
    let Some(name) = d.entries.get(d.next).cloned() else {
        return Ok(Zval::bool(false));
    };
    d.next += 1;
    Ok(Zval::string(PhpString::new(&name)))
}

fn rewinddir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    if let Some(r) = handle(h, "rewinddir", a)?
        && let Some(mut d) = r.payload::<DirHandle>()
    {
        d.next = 0;
    }
    Ok(Zval::NULL)
}

fn closedir(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    if let Some(r) = handle(h, "closedir", a)? {
        drop(r.close());
        LAST.with(|l| {
            let mut l = l.borrow_mut();
            if l.as_ref().is_some_and(|x| PhpResource::ptr_eq(x, &r)) {
                *l = None;
            }
        });
    }
    Ok(Zval::NULL)
}

/// `umask(?int $mask = null)`: the old mask.
fn umask(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "umask", a, 0, 1)?;
    let new = match a.first().map(|v| v.deref()) {
        Some(v) if !matches!(v.view(), View::Null) => Some(args::int(h, "umask", 1, "mask", &v)?),
        _ => None,
    };
    // SAFETY: umask(2) only swaps the process's file mode creation mask.
    let old = unsafe { libc::umask(new.unwrap_or(0) as libc::mode_t & 0o777) };
    if new.is_none() {
        // SAFETY: as above; this puts back the mask read.
        unsafe { libc::umask(old) };
    }
    Ok(Zval::int(i64::from(old)))
}
