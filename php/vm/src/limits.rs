//! PHP's resource limits: `memory_limit` (counted by `php_runtime::memory`) and
//! `max_execution_time` (a timer thread). Both raise metajit's interrupt flag; the dispatch
//! loop polls it at loop back-edges and calls ([`interrupted`] turns it into PHP's fatal
//! error), so compiled loops stop too, through one guard per iteration. The cycle collector
//! raises the same flag when its buffer of possible roots is full, and collects at that poll
//! (`zend.enable_gc` is applied here too).

use crate::vm::{Frame, Vm, vm_of};
use php_runtime::{PhpError, memory};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// The timer's generation: each new time limit makes the older timers' wake-ups stale.
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// The limit (seconds) a timer ran out of, or 0.
static TIMED_OUT: AtomicI64 = AtomicI64::new(0);

/// Applies the `memory_limit`, `max_execution_time`, `precision` and `serialize_precision`
/// settings (at start-up and when `ini_set` changes them).
pub fn apply(vm: &Vm, key: &str) {
    match key {
        "memory_limit" => {
            let limit = vm.ini.get(key).and_then(|v| memory::parse_quantity(v));
            memory::set_limit(limit);
        }
        "max_execution_time" => {
            let secs = vm.ini.get(key).map_or(0, |v| {
                php_runtime::convert::to_int(&php_runtime::Zval::str(v))
            });
            set_time_limit(secs);
        }
        "precision" | "serialize_precision" => {
            let p = vm.ini.get(key).map_or(-1, |v| {
                php_runtime::convert::to_int(&php_runtime::Zval::str(v))
            });
            if key == "precision" {
                php_runtime::format::set_precision(p);
            } else {
                php_runtime::format::set_serialize_precision(p);
            }
        }
        "zend.enable_gc" => {
            let on = vm.ini.get(key).is_some_and(|v| crate::startup::ini_true(v));
            php_runtime::gc::set_enabled(on);
        }
        _ => {}
    }
}

/// Starts counting `secs` seconds from now (0: no limit), forgetting any earlier limit.
pub fn set_time_limit(secs: i64) {
    let generation = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    if secs <= 0 {
        return;
    }
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(secs as u64));
        if GENERATION.load(Ordering::SeqCst) == generation {
            TIMED_OUT.store(secs, Ordering::SeqCst);
            metajit::interrupt::request();
        }
    });
}

/// Handles a raised interrupt flag: PHP's fatal error for the limit that ran out. The limits
/// are lifted afterwards, so that shutdown functions and destructors can run.
#[metajit::dont_look_inside]
pub fn interrupted(frame: &mut Frame) -> Result<(), PhpError> {
    metajit::interrupt::clear();
    // The cycle collector's buffer of possible roots is full.
    php_runtime::gc::collect_if_requested();
    let line = crate::ops::vars::line(frame);
    if let Some(size) = memory::take_exceeded() {
        let limit = memory::limit().unwrap_or(usize::MAX);
        memory::set_limit(None);
        // As PHP does when its heap runs out: the output buffers are thrown away.
        vm_of(frame).buffers.clear();
        return Err(PhpError::Fatal {
            message: memory::exhausted(limit, size as u128),
            line,
        });
    }
    let secs = TIMED_OUT.swap(0, Ordering::SeqCst);
    if secs > 0 {
        // Shutdown functions get the same time again (an endless one ends too).
        set_time_limit(secs);
        let unit = if secs == 1 { "second" } else { "seconds" };
        return Err(PhpError::Fatal {
            message: format!("Maximum execution time of {secs} {unit} exceeded"),
            line,
        });
    }
    Ok(())
}
