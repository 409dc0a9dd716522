//! `phpinfo()` (and `hippy -i`) as PHP's CLI prints it, in text: the general information, the
//! ini settings, the loaded modules, the environment and the license, chosen by the `INFO_*`
//! flags.

use crate::vm::Vm;
use std::fmt::Write;

/// `INFO_GENERAL`.
const GENERAL: i64 = 1;
/// `INFO_CONFIGURATION`.
const CONFIGURATION: i64 = 4;
/// `INFO_MODULES`.
const MODULES: i64 = 8;
/// `INFO_ENVIRONMENT`.
const ENVIRONMENT: i64 = 16;
/// `INFO_LICENSE`.
const LICENSE: i64 = 64;

/// The text of `phpinfo($flags)`.
pub fn text(vm: &Vm, flags: i64) -> String {
    let mut s = String::from("phpinfo()\n");
    if flags & GENERAL != 0 {
        general(&mut s);
    }
    if flags & CONFIGURATION != 0 {
        configuration(&mut s, vm);
    }
    if flags & MODULES != 0 {
        s.push_str("\nAdditional Modules\n\nModule Name\n");
    }
    if flags & ENVIRONMENT != 0 {
        s.push_str("\nEnvironment\n\nVariable => Value\n");
        let mut vars: Vec<(String, String)> = std::env::vars_os()
            .map(|(k, v)| (k.to_string_lossy().into(), v.to_string_lossy().into()))
            .collect();
        vars.sort();
        for (k, v) in vars {
            let _ = writeln!(s, "{k} => {v}");
        }
    }
    if flags & LICENSE != 0 {
        s.push_str(
            "\nPHP License\nhippy is free software, distributed under the terms of its own \
             license (see its source).\nIt implements the PHP language as published by the \
             PHP Group.\n",
        );
    }
    s
}

fn general(s: &mut String) {
    let uname = php_runtime_uname();
    let _ = write!(
        s,
        "PHP Version => 8.2.32\n\n\
         System => {uname}\n\
         Build System => Linux\n\
         Server API => Command Line Interface\n\
         Virtual Directory Support => disabled\n\
         Configuration File (php.ini) Path => (none)\n\
         Loaded Configuration File => (none)\n\
         Scan this dir for additional .ini files => (none)\n\
         Additional .ini files parsed => (none)\n\
         PHP API => 20220829\n\
         PHP Extension => 20220829\n\
         Zend Extension => 420220829\n\
         Debug Build => no\n\
         Thread Safety => disabled\n\
         Zend Memory Manager => disabled\n\
         Zend Multibyte Support => disabled\n\
         \n\
         Registered PHP Streams => php, file\n\
         \n\
         This program makes use of the Zend Scripting Language Engine:\n\
         Zend Engine v4.2.32, Copyright (c) Zend Technologies\n    \
         with hippy {}, a PHP implementation on the metajit tracing JIT\n\n",
        env!("CARGO_PKG_VERSION")
    );
}

/// The system's name, as `php_uname()` gives it.
fn php_runtime_uname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/ostype")
        .map(|t| t.trim().to_string())
        .unwrap_or_else(|_| "Linux".into())
        + " "
        + std::fs::read_to_string("/proc/sys/kernel/hostname")
            .unwrap_or_default()
            .trim()
        + " "
        + std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .unwrap_or_default()
            .trim()
}

fn configuration(s: &mut String, vm: &Vm) {
    s.push_str("\nConfiguration\n\nCore\n\nPHP Version => 8.2.32\n\n");
    s.push_str("Directive => Local Value => Master Value\n");
    let defaults = crate::startup::default_ini();
    let mut keys: Vec<&String> = vm.ini.keys().collect();
    keys.sort();
    let shown = |v: Option<&String>| match v.map(String::as_str) {
        None | Some("") => "no value".to_string(),
        Some(v) => v.to_string(),
    };
    for k in keys {
        let master = vm.cfg.get(k).or(defaults.get(k));
        let _ = writeln!(s, "{k} => {} => {}", shown(vm.ini.get(k)), shown(master));
    }
}
