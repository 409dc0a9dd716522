//! What a program starts with: the ini settings of `php -n` and the superglobals of a CLI
//! script.

use php_runtime::{PhpString, Zval};
use std::collections::HashMap;

/// The superglobals of a CLI script: `$_SERVER` (the environment, then the script's path,
/// arguments and start time), `$_ENV` and the empty request arrays. `$_SERVER` and `$_ENV`
/// stay empty unless `variables_order` has `S` and `E`.
pub fn superglobals(
    file: &str,
    argv: &[Vec<u8>],
    variables_order: &str,
) -> Vec<(&'static str, Zval)> {
    use php_runtime::PhpArray;
    let mut env = PhpArray::new();
    for (k, v) in std::env::vars_os() {
        use std::os::unix::ffi::OsStrExt;
        let key = php_runtime::ArrayKey::from_bytes(k.as_bytes());
        drop(env.insert(key, Zval::string(PhpString::new(v.as_bytes()))));
    }
    let mut server = env.clone();
    let script = argv.first().cloned().unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let script_z = Zval::string(PhpString::new(&script));
    let path = Zval::str(file);
    let entries: [(&str, Zval); 9] = [
        ("PHP_SELF", script_z.clone()),
        ("SCRIPT_NAME", script_z.clone()),
        ("SCRIPT_FILENAME", script_z.clone()),
        ("PATH_TRANSLATED", path.clone()),
        ("DOCUMENT_ROOT", Zval::str("")),
        ("REQUEST_TIME_FLOAT", Zval::float(now.as_secs_f64())),
        ("REQUEST_TIME", Zval::int(now.as_secs() as i64)),
        (
            "argv",
            Zval::array(PhpArray::from_list(
                argv.iter().map(|a| Zval::string(PhpString::new(a))),
            )),
        ),
        ("argc", Zval::int(argv.len() as i64)),
    ];
    for (k, v) in entries {
        drop(server.insert(k.into(), v));
    }
    let empty = || Zval::array(PhpArray::new());
    let has = |c: char| variables_order.contains([c, c.to_ascii_lowercase()]);
    if !has('S') {
        server = PhpArray::new();
    }
    if !has('E') {
        env = PhpArray::new();
    }
    vec![
        ("_SERVER", Zval::array(server)),
        ("_ENV", Zval::array(env)),
        ("_GET", empty()),
        ("_POST", empty()),
        ("_COOKIE", empty()),
        ("_FILES", empty()),
        ("_REQUEST", empty()),
    ]
}

/// The ini settings a program starts with (`php -n`'s built-in defaults).
pub fn default_ini() -> HashMap<String, String> {
    [
        ("precision", "14"),
        ("serialize_precision", "-1"),
        ("display_errors", "1"),
        ("display_startup_errors", "1"),
        ("error_reporting", ""),
        ("log_errors", "0"),
        ("ignore_repeated_errors", "0"),
        ("ignore_repeated_source", "0"),
        ("allow_url_include", "0"),
        ("html_errors", "0"),
        ("memory_limit", "128M"),
        ("max_execution_time", "0"),
        ("default_charset", "UTF-8"),
        ("input_encoding", ""),
        ("internal_encoding", ""),
        ("output_encoding", ""),
        ("short_open_tag", "1"),
        ("output_buffering", "0"),
        ("implicit_flush", "1"),
        ("error_log", ""),
        ("error_log_mode", "0644"),
        ("sys_temp_dir", ""),
        ("include_path", ".:/usr/share/php"),
        ("zend.assertions", "1"),
        ("assert.warning", "1"),
        ("assert.bail", "0"),
        ("assert.callback", ""),
        ("assert.active", "1"),
        ("assert.exception", "1"),
        ("date.timezone", ""),
        ("arg_separator.output", "&"),
        ("auto_detect_line_endings", "0"),
        ("zend.enable_gc", "1"),
        ("xmlrpc_errors", "0"),
        ("docref_root", ""),
        ("error_prepend_string", ""),
        ("error_append_string", ""),
        ("register_argc_argv", "1"),
        ("variables_order", "EGPCS"),
        ("allow_url_fopen", "1"),
        ("user_agent", ""),
        ("default_socket_timeout", "60"),
        ("auto_prepend_file", ""),
        ("auto_append_file", ""),
        ("open_basedir", ""),
        ("disable_functions", ""),
        ("max_input_time", "-1"),
        ("ignore_user_abort", "0"),
        ("pcre.backtrack_limit", "1000000"),
        ("pcre.recursion_limit", "100000"),
        ("pcre.jit", "1"),
        ("highlight.comment", "#FF8000"),
        ("highlight.default", "#0000BB"),
        ("highlight.html", "#000000"),
        ("highlight.keyword", "#007700"),
        ("highlight.string", "#DD0000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Whether an ini value means "on" (a non-zero number, or on/yes/true).
pub fn ini_true(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "on" | "yes" | "true"
    ) || v.trim().parse::<i64>().is_ok_and(|n| n != 0)
}
