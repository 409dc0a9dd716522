//! Streams from PHP: `fopen` and the functions on open streams (`fread`, `fgets`, `fwrite`,
//! `fseek`...), whole-file reads and writes (`file_get_contents`, `file_put_contents`,
//! `file`, `readfile`), `fprintf`, and the resource functions (`is_resource`...).

use crate::args;
use crate::standard::stream::{self, Failure, OpenError, Stream, os_message};
use php_runtime::resource::PhpResource;
use php_runtime::value::View;
use php_runtime::{Builtin, Host, PhpArray, PhpError, PhpString, Zval};
use std::cell::RefMut;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("fopen", fopen),
    ("fclose", fclose),
    ("fread", fread),
    ("fwrite", fwrite),
    ("fputs", fputs),
    ("fgets", fgets),
    ("fgetc", fgetc),
    ("feof", feof),
    ("fflush", fflush),
    ("ftell", ftell),
    ("fseek", fseek),
    ("rewind", rewind),
    ("ftruncate", ftruncate),
    ("fpassthru", fpassthru),
    ("stream_get_contents", stream_get_contents),
    ("file_get_contents", file_get_contents),
    ("file_put_contents", file_put_contents),
    ("file", file),
    ("readfile", readfile),
    ("fprintf", fprintf),
    ("vfprintf", vfprintf),
    ("is_resource", is_resource),
    ("get_resource_type", get_resource_type),
    ("get_resource_id", get_resource_id),
];

/// `FILE_USE_INCLUDE_PATH`.
const USE_INCLUDE_PATH: i64 = 1;
/// `FILE_IGNORE_NEW_LINES`.
const IGNORE_NEW_LINES: i64 = 2;
/// `FILE_SKIP_EMPTY_LINES`.
const SKIP_EMPTY_LINES: i64 = 4;
/// `FILE_APPEND`.
const APPEND: i64 = 8;

/// A path argument: PHP's errors for an empty path and for NUL bytes.
pub(crate) fn path_arg(
    h: &mut dyn Host,
    func: &str,
    n: usize,
    param: &str,
    v: &Zval,
    allow_empty: bool,
) -> Result<String, PhpError> {
    let s = args::string(h, func, n, param, v)?;
    if s.as_bytes().contains(&0) {
        return Err(h.throw(
            "ValueError",
            format!("{func}(): Argument #{n} (${param}) must not contain any null bytes"),
        ));
    }
    if s.is_empty() && !allow_empty {
        return Err(h.throw("ValueError", "Path cannot be empty".into()));
    }
    Ok(String::from_utf8_lossy(s.as_bytes()).into_owned())
}

/// Opens `name` for `func`, with PHP's warning on failure (`None`).
fn open_warn(
    h: &mut dyn Host,
    func: &str,
    name: &str,
    mode: &str,
) -> Result<Option<(Stream, u32)>, PhpError> {
    stream::default_context();
    match stream::open(name, mode) {
        Ok(s) => Ok(Some(s)),
        Err(e) => {
            let why = match e {
                OpenError::Os(e) => os_message(&e),
                OpenError::Message(m) => m,
            };
            h.warn(&format!("{func}({name}): Failed to open stream: {why}"))?;
            Ok(None)
        }
    }
}

/// The open stream of argument 1.
fn with<R>(
    h: &mut dyn Host,
    func: &str,
    v: &Zval,
    f: impl FnOnce(&mut dyn Host, &mut Stream) -> Result<R, PhpError>,
) -> Result<R, PhpError> {
    let r = stream::arg(h, func, 1, v)?;
    let mut s: RefMut<'_, Stream> = r.payload::<Stream>().expect("checked by stream::arg");
    f(h, &mut s)
}

/// PHP's notice for a failed read or write; `false`.
fn io_notice(
    h: &mut dyn Host,
    func: &str,
    what: &str,
    n: usize,
    e: &std::io::Error,
) -> Result<Zval, PhpError> {
    let code = e.raw_os_error().unwrap_or(0);
    h.notice(&format!(
        "{func}(): {what} of {n} bytes failed with errno={code} {}",
        os_message(e)
    ))?;
    Ok(Zval::bool(false))
}

fn bytes(v: Vec<u8>) -> Zval {
    Zval::string(PhpString::new(&v))
}

fn fopen(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fopen", a, 2, 4)?;
    let name = path_arg(h, "fopen", 1, "filename", &a[0], false)?;
    let mode = args::string(h, "fopen", 2, "mode", &a[1])?;
    let mode = String::from_utf8_lossy(mode.as_bytes()).into_owned();
    Ok(match open_warn(h, "fopen", &name, &mode)? {
        Some((s, extra)) => stream::make_resource(s, extra),
        None => Zval::bool(false),
    })
}

fn fclose(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fclose", a, 1, 1)?;
    let r = stream::arg(h, "fclose", 1, &a[0])?;
    if let Some(p) = r.close()
        && let Ok(mut s) = p.downcast::<Stream>()
    {
        s.flush();
    }
    Ok(Zval::bool(true))
}

fn fread(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fread", a, 2, 2)?;
    let n = args::int(h, "fread", 2, "length", &a[1])?;
    with(h, "fread", &a[0], |h, s| {
        if n <= 0 {
            return Err(h.throw(
                "ValueError",
                "fread(): Argument #2 ($length) must be greater than 0".into(),
            ));
        }
        match s.read(n as usize) {
            Ok(v) => Ok(bytes(v)),
            Err(e) => io_notice(h, "fread", "Read", 8192, &e),
        }
    })
}

fn write_common(h: &mut dyn Host, func: &str, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, func, a, 2, 3)?;
    let data = args::string(h, func, 2, "data", &a[1])?;
    let limit = match a.get(2) {
        Some(v) if !v.is_null() => Some(args::int(h, func, 3, "length", v)?.max(0) as usize),
        _ => None,
    };
    let d = data.as_bytes();
    let d = &d[..limit.map_or(d.len(), |l| l.min(d.len()))];
    with(h, func, &a[0], |h, s| {
        if d.is_empty() {
            return Ok(Zval::int(0));
        }
        match s.write(h, d)? {
            Ok(n) => Ok(Zval::int(n as i64)),
            Err(Failure::Silent) => Ok(Zval::bool(false)),
            Err(Failure::Os(e)) => io_notice(h, func, "Write", d.len(), &e),
        }
    })
}

fn fwrite(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    write_common(h, "fwrite", a)
}

fn fputs(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    write_common(h, "fputs", a)
}

fn fgets(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fgets", a, 1, 2)?;
    let max = match a.get(1) {
        Some(v) if !v.is_null() => {
            let n = args::int(h, "fgets", 2, "length", v)?;
            if n <= 0 {
                return Err(h.throw(
                    "ValueError",
                    "fgets(): Argument #2 ($length) must be greater than 0".into(),
                ));
            }
            Some(n as usize - 1)
        }
        _ => None,
    };
    with(h, "fgets", &a[0], |h, s| {
        if max == Some(0) {
            return Ok(Zval::bool(false));
        }
        match s.read_line(max) {
            Ok(Some(v)) => Ok(bytes(v)),
            Ok(None) => Ok(Zval::bool(false)),
            Err(e) => io_notice(h, "fgets", "Read", 8192, &e),
        }
    })
}

fn fgetc(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fgetc", a, 1, 1)?;
    with(h, "fgetc", &a[0], |h, s| match s.read(1) {
        Ok(v) if v.is_empty() => Ok(Zval::bool(false)),
        Ok(v) => Ok(bytes(v)),
        Err(e) => io_notice(h, "fgetc", "Read", 8192, &e),
    })
}

fn feof(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "feof", a, 1, 1)?;
    with(h, "feof", &a[0], |_, s| Ok(Zval::bool(s.eof())))
}

fn fflush(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fflush", a, 1, 1)?;
    with(h, "fflush", &a[0], |_, s| Ok(Zval::bool(s.flush())))
}

fn ftell(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ftell", a, 1, 1)?;
    with(h, "ftell", &a[0], |_, s| {
        Ok(match s.tell() {
            Some(p) => Zval::int(p as i64),
            None => Zval::bool(false),
        })
    })
}

fn fseek(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fseek", a, 2, 3)?;
    let offset = args::int(h, "fseek", 2, "offset", &a[1])?;
    let whence = match a.get(2) {
        Some(v) => args::int(h, "fseek", 3, "whence", v)?,
        None => 0,
    };
    with(h, "fseek", &a[0], |_, s| {
        Ok(Zval::int(s.seek(offset, whence)))
    })
}

fn rewind(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "rewind", a, 1, 1)?;
    with(h, "rewind", &a[0], |_, s| Ok(Zval::bool(s.seek(0, 0) == 0)))
}

fn ftruncate(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "ftruncate", a, 2, 2)?;
    let size = args::int(h, "ftruncate", 2, "size", &a[1])?;
    with(h, "ftruncate", &a[0], |h, s| {
        if size < 0 {
            return Err(h.throw(
                "ValueError",
                "ftruncate(): Argument #2 ($size) must be greater than or equal to 0".into(),
            ));
        }
        if !s.seekable() {
            h.warn("ftruncate(): Can't truncate this stream!")?;
            return Ok(Zval::bool(false));
        }
        Ok(Zval::bool(s.truncate(size as u64)))
    })
}

fn fpassthru(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fpassthru", a, 1, 1)?;
    with(h, "fpassthru", &a[0], |h, s| match s.read_all() {
        Ok(v) => {
            h.write(&v)?;
            Ok(Zval::int(v.len() as i64))
        }
        Err(e) => io_notice(h, "fpassthru", "Read", 8192, &e),
    })
}

fn stream_get_contents(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "stream_get_contents", a, 1, 3)?;
    let length = match a.get(1) {
        Some(v) if !v.is_null() => Some(args::int(h, "stream_get_contents", 2, "length", v)?),
        _ => None,
    };
    let offset = match a.get(2) {
        Some(v) => args::int(h, "stream_get_contents", 3, "offset", v)?,
        None => -1,
    };
    with(h, "stream_get_contents", &a[0], |h, s| {
        if let Some(l) = length
            && l < -1
        {
            return Err(h.throw(
                "ValueError",
                "stream_get_contents(): Argument #2 ($length) must be greater than or equal to -1"
                    .into(),
            ));
        }
        if offset >= 0 && s.seek(offset, 0) != 0 {
            h.warn(&format!(
                "stream_get_contents(): Failed to seek to position {offset} in the stream"
            ))?;
            return Ok(Zval::bool(false));
        }
        let r = match length {
            Some(l) if l >= 0 => {
                if l == 0 {
                    return Ok(Zval::str(""));
                }
                s.read(l as usize)
            }
            _ => s.read_all(),
        };
        match r {
            Ok(v) => Ok(bytes(v)),
            Err(e) => io_notice(h, "stream_get_contents", "Read", 8192, &e),
        }
    })
}

fn file_get_contents(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    const F: &str = "file_get_contents";
    args::arity(h, F, a, 1, 5)?;
    let name = path_arg(h, F, 1, "filename", &a[0], false)?;
    let offset = match a.get(3) {
        Some(v) => args::int(h, F, 4, "offset", v)?,
        None => 0,
    };
    let length = match a.get(4) {
        Some(v) if !v.is_null() => {
            let l = args::int(h, F, 5, "length", v)?;
            if l < 0 {
                return Err(h.throw(
                    "ValueError",
                    format!("{F}(): Argument #5 ($length) must be greater than or equal to 0"),
                ));
            }
            Some(l as usize)
        }
        _ => None,
    };
    let Some((mut s, extra)) = open_warn(h, F, &name, "rb")? else {
        return Ok(Zval::bool(false));
    };
    stream::consume_ids(1 + extra);
    if offset != 0 && s.seek(offset, if offset < 0 { 2 } else { 0 }) != 0 {
        h.warn(&format!(
            "{F}(): Failed to seek to position {offset} in the stream"
        ))?;
        return Ok(Zval::bool(false));
    }
    let r = match length {
        Some(l) => s.read(l),
        None => s.read_all(),
    };
    match r {
        Ok(v) => Ok(bytes(v)),
        Err(e) => {
            io_notice(h, F, "Read", 12288, &e)?;
            Ok(Zval::str(""))
        }
    }
}

/// The bytes `file_put_contents` writes: a string, an array's values joined, or the rest of
/// a stream.
fn put_data(h: &mut dyn Host, v: &Zval) -> Result<Vec<u8>, PhpError> {
    const F: &str = "file_put_contents";
    match v.view() {
        View::Array(arr) => {
            let mut out = Vec::new();
            for (_, item) in arr.iter() {
                out.extend_from_slice(args::string(h, F, 2, "data", &item.deref())?.as_bytes());
            }
            Ok(out)
        }
        View::Resource(_) => with(h, F, v, |_, s| Ok(s.read_all().unwrap_or_default())),
        View::Ref(r) => put_data(h, &r.get()),
        View::Object(_) => Ok(args::string(h, F, 2, "data", v)?.as_bytes().to_vec()),
        _ => Ok(args::string(h, F, 2, "data", v)?.as_bytes().to_vec()),
    }
}

fn file_put_contents(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    const F: &str = "file_put_contents";
    args::arity(h, F, a, 2, 4)?;
    let name = path_arg(h, F, 1, "filename", &a[0], false)?;
    let data = put_data(h, &a[1])?;
    let flags = match a.get(2) {
        Some(v) => args::int(h, F, 3, "flags", v)?,
        None => 0,
    };
    let mode = if flags & APPEND != 0 { "ab" } else { "wb" };
    let Some((mut s, extra)) = open_warn(h, F, &name, mode)? else {
        return Ok(Zval::bool(false));
    };
    stream::consume_ids(1 + extra);
    if data.is_empty() {
        return Ok(Zval::int(0));
    }
    match s.write(h, &data)? {
        Ok(n) => Ok(Zval::int(n as i64)),
        Err(Failure::Silent) => Ok(Zval::bool(false)),
        Err(Failure::Os(e)) => io_notice(h, F, "Write", data.len(), &e),
    }
}

fn file(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "file", a, 1, 3)?;
    let name = path_arg(h, "file", 1, "filename", &a[0], false)?;
    let flags = match a.get(1) {
        Some(v) => args::int(h, "file", 2, "flags", v)?,
        None => 0,
    };
    if !(0..=(USE_INCLUDE_PATH | IGNORE_NEW_LINES | SKIP_EMPTY_LINES | 16)).contains(&flags) {
        return Err(h.throw(
            "ValueError",
            "file(): Argument #2 ($flags) must be a valid flag value".into(),
        ));
    }
    let Some((mut s, extra)) = open_warn(h, "file", &name, "rb")? else {
        return Ok(Zval::bool(false));
    };
    stream::consume_ids(1 + extra);
    let data = match s.read_all() {
        Ok(d) => d,
        Err(e) => return io_notice(h, "file", "Read", 12288, &e),
    };
    let mut out = PhpArray::new();
    let mut rest = &data[..];
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let mut line = &rest[..end];
        rest = &rest[end..];
        if flags & IGNORE_NEW_LINES != 0 && line.last() == Some(&b'\n') {
            line = &line[..line.len() - 1];
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
        }
        if flags & SKIP_EMPTY_LINES != 0 && flags & IGNORE_NEW_LINES != 0 && line.is_empty() {
            continue;
        }
        let _ = out.append(Zval::string(PhpString::new(line)));
    }
    Ok(Zval::array(out))
}

fn readfile(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "readfile", a, 1, 3)?;
    let name = path_arg(h, "readfile", 1, "filename", &a[0], false)?;
    let Some((mut s, extra)) = open_warn(h, "readfile", &name, "rb")? else {
        return Ok(Zval::bool(false));
    };
    stream::consume_ids(1 + extra);
    match s.read_all() {
        Ok(v) => {
            h.write(&v)?;
            Ok(Zval::int(v.len() as i64))
        }
        Err(e) => io_notice(h, "readfile", "Read", 8192, &e),
    }
}

/// Writes formatted text to a stream (`fprintf`, `vfprintf`): the length written.
fn print_to(h: &mut dyn Host, func: &str, stream: &Zval, text: &[u8]) -> Result<Zval, PhpError> {
    with(h, func, stream, |h, s| {
        if !text.is_empty() {
            let _ = s.write(h, text)?;
        }
        Ok(Zval::int(text.len() as i64))
    })
}

fn fprintf(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "fprintf", a, 2, usize::MAX)?;
    stream::arg(h, "fprintf", 1, &a[0])?;
    let text = crate::standard::printf::format(h, "fprintf", &a[1..], false)?;
    print_to(h, "fprintf", &a[0], &text)
}

fn vfprintf(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "vfprintf", a, 3, 3)?;
    stream::arg(h, "vfprintf", 1, &a[0])?;
    let fmt = args::string(h, "vfprintf", 2, "format", &a[1])?;
    let values = args::array(h, "vfprintf", 3, "values", &a[2])?;
    let mut all = vec![Zval::string(fmt)];
    all.extend(values.iter().map(|(_, v)| v.deref()));
    let text = crate::standard::printf::format(h, "vfprintf", &all, true)?;
    print_to(h, "vfprintf", &a[0], &text)
}

fn is_resource(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "is_resource", a, 1, 1)?;
    Ok(Zval::bool(stream::is_open_resource(&a[0])))
}

fn resource_arg(h: &mut dyn Host, func: &str, a: &[Zval]) -> Result<PhpResource, PhpError> {
    args::arity(h, func, a, 1, 1)?;
    args::resource(h, func, 1, "resource", &a[0])
}

fn get_resource_type(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let r = resource_arg(h, "get_resource_type", a)?;
    Ok(Zval::str(r.type_name()))
}

fn get_resource_id(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    let r = resource_arg(h, "get_resource_id", a)?;
    Ok(Zval::int(r.id()))
}
