//! Command-line parsing with php's flags and php's messages for bad ones.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::OsStrExt;

/// What the command line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Run,
    Lint,
    Help,
    Version,
    Modules,
    /// `-i`: `phpinfo()`.
    Info,
    /// `-s`: the script's source highlighted as HTML (`highlight_file`).
    Highlight,
    /// `-w`: the script's source without comments and whitespace (`php_strip_whitespace`).
    Strip,
}

/// Parsed command line.
#[derive(Debug)]
pub struct Options {
    pub mode: Mode,
    /// `-d` settings in order (later ones win).
    pub ini: Vec<(String, String)>,
    /// The script, if given (any bytes: file names need not be UTF-8).
    pub file: Option<OsString>,
    /// `-r CODE`: code to run instead of a script.
    pub code: Option<OsString>,
    /// The arguments after the script (its `$argv[1..]`).
    pub script_args: Vec<OsString>,
    /// `--jit=on|off`; lint ignores it.
    #[allow(dead_code)]
    pub jit: bool,
    /// `--dump-bytecode`: print the compiled program instead of running it.
    pub dump_bytecode: bool,
}

impl Options {
    /// The last value set for `key` with `-d`.
    pub fn ini(&self, key: &str) -> Option<&str> {
        self.ini
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A command-line error, worded as php words it.
#[derive(Debug)]
pub struct ArgError(String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const USAGE_HEAD: &str = "Usage: php [options] [-f] <file> [--] [args...]
   php [options] -r <code> [--] [args...]
   php [options] [-B <begin_code>] -R <code> [-E <end_code>] [--] [args...]
   php [options] [-B <begin_code>] -F <file> [-E <end_code>] [--] [args...]
   php [options] -S <addr>:<port> [-t docroot] [router]
   php [options] -- [args...]
   php [options] -a
";

pub const USAGE_BODY: &str = "
  -c <path>|<file> Look for php.ini file in this directory
  -n               No configuration (ini) files will be used
  -d foo[=bar]     Define INI entry foo with value 'bar'
  -f <file>        Parse and execute <file>.
  -h               This help
  -i               PHP information
  -l               Syntax check only (lint)
  -m               Show compiled in modules
  -r <code>        Run PHP <code> without using script tags <?..?>
  -s               Output HTML syntax highlighted source.
  -v               Version number
  -w               Output source with stripped comments and whitespace.
  --jit=on|off     hippy: enable or disable the JIT compiler
  --dump-bytecode  hippy: print the compiled bytecode instead of running

  args...          Arguments passed to script. Use -- args when first argument
                   starts with - or script is read from stdin
";

/// Parses php-style arguments (`-l file`, `-dkey=value`, `-d key=value`, `-n`, ...).
pub fn parse_args(args: &[OsString]) -> Result<Options, ArgError> {
    let mut opts = Options {
        mode: Mode::Run,
        ini: Vec::new(),
        file: None,
        code: None,
        script_args: Vec::new(),
        jit: true,
        dump_bytecode: false,
    };
    let mut i = 0;
    while i < args.len() {
        let raw = &args[i];
        // Flags are ASCII; only a file name keeps its bytes.
        let text = raw.to_string_lossy();
        let a = text.as_ref();
        let argno = i + 1;
        i += 1;
        if a == "--" {
            // No more options: the rest are the script's arguments (the script itself comes
            // from `-f`, or is read from standard input).
            opts.script_args.extend(args[i..].iter().cloned());
            break;
        }
        if a == "--dump-bytecode" {
            opts.dump_bytecode = true;
            continue;
        }
        let mut switch = metajit::cli::JitSwitch { on: opts.jit };
        match switch.take(raw) {
            Ok(true) => {
                opts.jit = switch.on;
                continue;
            }
            Ok(false) => {}
            Err(e) => return Err(ArgError(format!("hippy: {e}"))),
        }
        if !a.starts_with('-') || a == "-" {
            // The script; everything after it is the script's.
            if opts.code.is_none() {
                opts.file = Some(raw.clone());
            } else {
                opts.script_args.push(raw.clone());
            }
            opts.script_args.extend(args[i..].iter().cloned());
            break;
        }
        // A cluster of one-letter flags (`-ln`); a flag taking a value takes the rest of the
        // cluster or the next argument.
        let bytes = raw.as_bytes();
        let mut j = 1;
        while j < bytes.len() {
            let c = bytes[j] as char;
            j += 1;
            match c {
                'l' => opts.mode = Mode::Lint,
                'n' | 'q' | 'H' | 'e' => {}
                'h' | '?' => opts.mode = Mode::Help,
                'v' => opts.mode = Mode::Version,
                'm' => opts.mode = Mode::Modules,
                'i' => opts.mode = Mode::Info,
                's' => opts.mode = Mode::Highlight,
                'w' => opts.mode = Mode::Strip,
                'd' | 'f' | 'c' | 'r' => {
                    let value = if j < bytes.len() {
                        OsString::from(OsStr::from_bytes(&bytes[j..]))
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        return Err(ArgError(format!(
                            "Error in argument {argno}, char {j}: no argument for option {c}"
                        )));
                    };
                    j = bytes.len();
                    match c {
                        'd' => {
                            let value = value.to_string_lossy();
                            let (k, v) = value.split_once('=').unwrap_or((value.as_ref(), "1"));
                            opts.ini.push((k.trim().to_string(), v.to_string()));
                        }
                        'f' => opts.file = Some(value),
                        'r' => opts.code = Some(value),
                        _ => {}
                    }
                }
                _ => {
                    return Err(ArgError(format!(
                        "Error in argument {argno}, char {}: option not found {c}",
                        j
                    )));
                }
            }
        }
    }
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Options {
        parse_args(&a.iter().map(OsString::from).collect::<Vec<_>>()).expect("valid")
    }

    #[test]
    fn flags_like_php() {
        let o = parse(&[
            "-n",
            "-d",
            "display_errors=0",
            "-dlog_errors=1",
            "-l",
            "x.php",
        ]);
        assert_eq!(o.mode, Mode::Lint);
        assert_eq!(o.ini("display_errors"), Some("0"));
        assert_eq!(o.ini("log_errors"), Some("1"));
        assert_eq!(o.file.as_deref(), Some(OsStr::new("x.php")));
        assert!(parse_args(&["-Z".into()]).is_err());
        assert!(parse_args(&["-d".into()]).is_err());
    }
}
