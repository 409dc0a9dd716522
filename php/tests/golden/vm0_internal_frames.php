<?php
// Calls made by built-in functions come from `[internal function]`, then the built-in's call.
function handler($no, $str) {
    // The handler's third argument is this file's path, shown cut to 15 bytes: printed as
    // FILE... so that the output does not depend on where the checkout is.
    ob_start();
    debug_print_backtrace();
    echo str_replace("'" . substr(__FILE__, 0, 15) . "...'", "'FILE...'", ob_get_clean());
    return true;
}
function thrower($x) {
    throw new Exception("from $x");
}
set_error_handler('handler');
$fp = @fopen('/nonexistent/vm0', 'r');
$fp = fopen('/nonexistent/vm0', 'r');
trigger_error('user');
$u = $undefined;
try {
    array_map('thrower', [1]);
} catch (Exception $e) {
    echo $e->getTraceAsString(), "\n";
}
try {
    call_user_func('thrower', 2);
} catch (Exception $e) {
    echo $e->getTraceAsString(), "\n";
}
function nested() {
    return array_map(function ($v) {
        return array_filter([$v], function ($w) {
            debug_print_backtrace();
            return true;
        });
    }, [5]);
}
nested();
$t = [3, 1, 2];
usort($t, function ($a, $b) {
    static $once = false;
    if (!$once) {
        $once = true;
        var_dump(count(debug_backtrace()));
    }
    return $a <=> $b;
});

// An error handler called as an included file fails to open.
include 'vm0_no_such_file.php';
eval('$v = $undefined_in_eval;');
function in_function() {
    eval('debug_print_backtrace();');
}
in_function();
