//! Streams: the payload of PHP's `stream` resources, and opening them by name.
//!
//! A [`Stream`] reads and writes one backend: a file, memory (`php://memory`, `php://temp`),
//! the process's standard streams, or the program's output (`php://output`). Like PHP it keeps
//! its own position (what `ftell` reports) and end-of-file flag, which is set when a read
//! finds nothing more, and cleared by a seek. Files and standard input are read through a
//! buffer (so `fgets` reads a line without a system call per byte); the buffer is given back
//! to the file (by seeking) before a write or a seek.
//!
//! Writes to standard output go through [`Host::write`] with the output buffers set aside
//! (PHP's CLI writes `STDOUT` straight to the process's output, past `ob_start`), so they
//! come out in order with `echo`; `php://output` writes like `echo`.

use php_runtime::resource::{PhpResource, reserve_id, reset_ids};
use php_runtime::value::View;
use php_runtime::{Host, PhpError, Zval};
use std::cell::Cell;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};

/// How much a buffered read asks the backend for.
const CHUNK: usize = 8192;

thread_local! {
    /// Whether the default stream context (a resource PHP makes at the first file operation
    /// that takes a context) has taken its number.
    static CONTEXT_MADE: Cell<bool> = const { Cell::new(false) };
}

/// Takes the default context's resource number if it was not taken yet (PHP makes the context
/// on the first call of `fopen`, `file_get_contents`, `unlink`... so later numbers match).
pub fn default_context() {
    if !CONTEXT_MADE.with(|c| c.replace(true)) {
        reserve_id();
    }
}

/// Where a stream's bytes go and come from.
enum Backend {
    /// A file.
    File(File),
    /// Memory: the bytes, whether writes are refused (`php://memory` opened for reading),
    /// and where the next read or write happens.
    Memory(Vec<u8>, bool, usize),
    /// The process's standard input.
    Stdin,
    /// The process's standard output.
    Stdout,
    /// The process's standard error.
    Stderr,
    /// The program's output (`php://output`).
    Output,
}

/// An open stream.
pub struct Stream {
    backend: Backend,
    /// The position PHP reports (`None` after a failed seek on memory: `ftell` is false).
    pos: Option<u64>,
    /// Whether a read found the end.
    eof: bool,
    /// Read-ahead bytes (`buf[start..]` are unread).
    buf: Vec<u8>,
    start: usize,
    /// The name it was opened with.
    pub uri: String,
    /// The mode it was opened with.
    pub mode: String,
}

/// A failed operation: an OS error, or a silent refusal.
pub enum Failure {
    /// PHP's notice names the OS error.
    Os(io::Error),
    /// No message (writing to read-only memory).
    Silent,
}

impl Stream {
    fn new(backend: Backend, uri: &str, mode: &str) -> Stream {
        Stream {
            backend,
            pos: Some(0),
            eof: false,
            buf: Vec::new(),
            start: 0,
            uri: uri.to_string(),
            mode: mode.to_string(),
        }
    }

    /// A stream on a file already open.
    pub fn file(f: File, uri: &str, mode: &str) -> Stream {
        Stream::new(Backend::File(f), uri, mode)
    }

    /// A memory stream holding `data` (`read_only`: writes are refused).
    pub fn memory(data: Vec<u8>, read_only: bool, uri: &str, mode: &str) -> Stream {
        Stream::new(Backend::Memory(data, read_only, 0), uri, mode)
    }

    /// The stream type `stream_get_meta_data` shows.
    pub fn stream_type(&self) -> &'static str {
        match self.backend {
            Backend::File(_) => "STDIO",
            Backend::Memory(..) => "MEMORY",
            Backend::Output => "Output",
            _ => "STDIO",
        }
    }

    /// Whether it can seek.
    pub fn seekable(&self) -> bool {
        matches!(self.backend, Backend::File(_) | Backend::Memory(..))
    }

    /// Reads from the backend once, at most `n` bytes (memory reads from the position).
    fn raw_read(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut out = vec![0; n];
        let got = match &mut self.backend {
            Backend::File(f) => f.read(&mut out)?,
            Backend::Stdin => io::stdin().read(&mut out)?,
            Backend::Memory(data, _, p) => {
                let at = (*p).min(data.len());
                let k = n.min(data.len() - at);
                out[..k].copy_from_slice(&data[at..at + k]);
                *p = at + k;
                k
            }
            _ => 0,
        };
        out.truncate(got);
        Ok(out)
    }

    /// Adds one backend read to the buffer; `false` (and the end-of-file flag) when nothing
    /// more came.
    fn fill(&mut self) -> io::Result<bool> {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
        let more = self.raw_read(CHUNK)?;
        if more.is_empty() {
            self.eof = true;
            return Ok(false);
        }
        self.buf.extend_from_slice(&more);
        Ok(true)
    }

    /// Takes `n` buffered bytes (the caller checked there are that many).
    fn take(&mut self, n: usize) -> Vec<u8> {
        let out = self.buf[self.start..self.start + n].to_vec();
        self.start += n;
        if let Some(p) = &mut self.pos {
            *p += n as u64;
        }
        out
    }

    fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// `fread`: up to `n` bytes (files and memory are read until `n` or the end; standard
    /// input returns what one read gave).
    pub fn read(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let greedy = !matches!(self.backend, Backend::Stdin);
        while self.buffered() < n {
            if !self.fill()? || !greedy {
                break;
            }
        }
        let k = n.min(self.buffered());
        Ok(self.take(k))
    }

    /// `fgets`: a line with its newline, at most `max` bytes; `None` at the end.
    pub fn read_line(&mut self, max: Option<usize>) -> io::Result<Option<Vec<u8>>> {
        let mut scanned = 0;
        loop {
            let avail = &self.buf[self.start..];
            let limit = max.map_or(avail.len(), |m| m.min(avail.len()));
            if let Some(i) = avail[scanned..limit].iter().position(|&b| b == b'\n') {
                return Ok(Some(self.take(scanned + i + 1)));
            }
            scanned = limit;
            if max.is_some_and(|m| limit >= m) {
                return Ok(Some(self.take(limit)));
            }
            if !self.fill()? {
                let k = self.buffered();
                return Ok(if k == 0 { None } else { Some(self.take(k)) });
            }
        }
    }

    /// Gives unread buffered bytes back to the backend (before a write or a seek).
    fn unread(&mut self) -> io::Result<()> {
        let k = self.buffered();
        if k > 0 {
            match &mut self.backend {
                Backend::File(f) => {
                    f.seek(SeekFrom::Current(-(k as i64)))?;
                }
                Backend::Memory(_, _, p) => *p -= k,
                _ => {}
            }
        }
        self.buf.clear();
        self.start = 0;
        Ok(())
    }

    /// `fwrite`: the number of bytes written.
    pub fn write(
        &mut self,
        h: &mut dyn Host,
        bytes: &[u8],
    ) -> Result<Result<usize, Failure>, PhpError> {
        if let Err(e) = self.unread() {
            return Ok(Err(Failure::Os(e)));
        }
        let r = match &mut self.backend {
            Backend::File(f) => f.write_all(bytes).map_err(Failure::Os),
            Backend::Memory(_, true, _) => Err(Failure::Silent),
            Backend::Memory(data, false, p) => {
                let at = if self.mode.starts_with('a') {
                    data.len()
                } else {
                    *p
                };
                if data.len() < at + bytes.len() {
                    data.resize(at + bytes.len(), 0);
                }
                data[at..at + bytes.len()].copy_from_slice(bytes);
                *p = at + bytes.len();
                Ok(())
            }
            Backend::Stdout => {
                write_stdout(h, bytes)?;
                Ok(())
            }
            Backend::Output => {
                h.write(bytes)?;
                Ok(())
            }
            Backend::Stderr => {
                let mut e = io::stderr();
                e.write_all(bytes)
                    .and_then(|_| e.flush())
                    .map_err(Failure::Os)
            }
            Backend::Stdin => Err(Failure::Os(io::Error::from_raw_os_error(9))),
        };
        Ok(r.map(|()| {
            if let Some(p) = &mut self.pos {
                *p += bytes.len() as u64;
            }
            bytes.len()
        }))
    }

    /// `fseek`: 0, or -1 when the position is not valid.
    pub fn seek(&mut self, offset: i64, whence: i64) -> i64 {
        if !self.seekable() {
            return -1;
        }
        let len = match &self.backend {
            Backend::File(f) => f.metadata().map(|m| m.len()).unwrap_or(0),
            Backend::Memory(d, _, _) => d.len() as u64,
            _ => 0,
        };
        let base = match whence {
            0 => 0,
            1 => self.pos.unwrap_or(0) as i64,
            2 => len as i64,
            _ => return -1,
        };
        let Some(target) = base.checked_add(offset).filter(|&t| t >= 0) else {
            if matches!(self.backend, Backend::Memory(..)) {
                self.pos = None;
            }
            return -1;
        };
        if matches!(self.backend, Backend::Memory(..)) && target as u64 > len {
            self.pos = None;
            return -1;
        }
        if self.unread().is_err() {
            return -1;
        }
        let moved = match &mut self.backend {
            Backend::File(f) => f.seek(SeekFrom::Start(target as u64)).is_ok(),
            Backend::Memory(_, _, p) => {
                *p = target as usize;
                true
            }
            _ => true,
        };
        if !moved {
            return -1;
        }
        self.pos = Some(target as u64);
        self.eof = false;
        0
    }

    /// `ftell` (`None`: false).
    pub fn tell(&self) -> Option<u64> {
        self.pos
    }

    /// `feof`.
    pub fn eof(&self) -> bool {
        self.eof && self.buffered() == 0
    }

    /// `fflush`.
    pub fn flush(&mut self) -> bool {
        match &mut self.backend {
            Backend::File(f) => f.flush().is_ok(),
            _ => true,
        }
    }

    /// `ftruncate`.
    pub fn truncate(&mut self, size: u64) -> bool {
        if self.unread().is_err() {
            return false;
        }
        match &mut self.backend {
            Backend::File(f) => f.set_len(size).is_ok(),
            Backend::Memory(d, false, _) => {
                d.resize(size as usize, 0);
                true
            }
            _ => false,
        }
    }

    /// The size and modification time for `fstat` (memory: its length, no time).
    pub fn stat(&self) -> Option<std::fs::Metadata> {
        match &self.backend {
            Backend::File(f) => f.metadata().ok(),
            _ => None,
        }
    }

    /// The length of a memory stream.
    pub fn memory_len(&self) -> Option<usize> {
        match &self.backend {
            Backend::Memory(d, _, _) => Some(d.len()),
            _ => None,
        }
    }

    /// Everything from the position to the end (`stream_get_contents`).
    pub fn read_all(&mut self) -> io::Result<Vec<u8>> {
        while self.fill()? {}
        let k = self.buffered();
        Ok(self.take(k))
    }
}

/// Writes to the process's standard output past the output buffers, in order with `echo`.
pub fn write_stdout(h: &mut dyn Host, bytes: &[u8]) -> Result<(), PhpError> {
    let saved = std::mem::take(h.buffers());
    let r = h.write(bytes);
    *h.buffers() = saved;
    r
}

/// The text of an OS error as `strerror` gives it.
pub fn os_message(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Why a stream could not be opened (the text after "Failed to open stream: ").
pub enum OpenError {
    /// An OS error.
    Os(io::Error),
    /// PHP's own words.
    Message(String),
}

/// The options a mode string (`r`, `w+`, `ab`...) gives, or `None` if it is not a mode.
pub fn parse_mode(mode: &str) -> Option<OpenOptions> {
    let m = mode.as_bytes();
    let plus = m[1..].contains(&b'+');
    let mut o = OpenOptions::new();
    match m.first()? {
        b'r' => o.read(true).write(plus),
        b'w' => o.write(true).read(plus).create(true).truncate(true),
        b'a' => o.append(true).read(plus).create(true),
        b'x' => o.write(true).read(plus).create_new(true),
        b'c' => o.write(true).read(plus).create(true),
        _ => return None,
    };
    Some(o)
}

/// Opens `name` with `mode` (files and the `php://` streams); the stream and how many
/// resource numbers beyond its own PHP uses for it.
pub fn open(name: &str, mode: &str) -> Result<(Stream, u32), OpenError> {
    if let Some(rest) = strip_prefix_ci(name, "php://") {
        let lower = rest.to_ascii_lowercase();
        let writable = mode.contains(['w', 'a', 'x', 'c', '+']);
        let backend = match lower.as_str() {
            "memory" => Backend::Memory(Vec::new(), !writable, 0),
            t if t == "temp" || t.starts_with("temp/") => {
                return Ok((Stream::memory(Vec::new(), false, name, mode), 1));
            }
            "stdin" => Backend::Stdin,
            "stdout" => Backend::Stdout,
            "stderr" => Backend::Stderr,
            "output" => Backend::Output,
            _ => {
                return Err(OpenError::Message(format!(
                    "operation failed (php://{rest} is not supported)"
                )));
            }
        };
        return Ok((Stream::new(backend, name, mode), 0));
    }
    let path = strip_prefix_ci(name, "file://").unwrap_or(name);
    let Some(opts) = parse_mode(mode) else {
        return Err(OpenError::Message(format!(
            "`{mode}' is not a valid mode for fopen"
        )));
    };
    match opts.open(path) {
        Ok(f) => Ok((Stream::file(f, name, mode), 0)),
        Err(e) => Err(OpenError::Os(e)),
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Takes `n` resource numbers (a stream PHP opens and closes inside a function, such as
/// `file_get_contents`'s, still takes its number).
pub fn consume_ids(n: u32) {
    for _ in 0..n {
        reserve_id();
    }
}

/// Makes a resource for a stream (taking `extra` more numbers after its own).
pub fn make_resource(s: Stream, extra: u32) -> Zval {
    let r = PhpResource::new("stream", Box::new(s));
    for _ in 0..extra {
        reserve_id();
    }
    Zval::resource(r)
}

/// The stream resource argument `n` of `func` (PHP's `TypeError`s for a value that is not a
/// resource, or a resource that is not an open stream).
pub fn arg(h: &mut dyn Host, func: &str, n: usize, v: &Zval) -> Result<PhpResource, PhpError> {
    let r = crate::args::resource(h, func, n, "stream", v)?;
    if r.payload::<Stream>().is_none() {
        return Err(h.throw(
            "TypeError",
            format!("{func}(): supplied resource is not a valid stream resource"),
        ));
    }
    Ok(r)
}

/// The constants `STDIN`, `STDOUT` and `STDERR` (resources 1, 2 and 3: call once, at the
/// start of a program, before any other resource is made).
pub fn standard_constants() -> Vec<(&'static str, Zval)> {
    reset_ids();
    CONTEXT_MADE.with(|c| c.set(false));
    vec![
        (
            "STDIN",
            make_resource(Stream::new(Backend::Stdin, "php://stdin", "r"), 0),
        ),
        (
            "STDOUT",
            make_resource(Stream::new(Backend::Stdout, "php://stdout", "w"), 0),
        ),
        (
            "STDERR",
            make_resource(Stream::new(Backend::Stderr, "php://stderr", "w"), 0),
        ),
    ]
}

/// Whether `v` is an open resource (`is_resource`).
pub fn is_open_resource(v: &Zval) -> bool {
    match v.view() {
        View::Resource(r) => !r.is_closed(),
        View::Ref(r) => r.with(is_open_resource),
        _ => false,
    }
}
