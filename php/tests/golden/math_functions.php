<?php
// Math built-ins: libm functions, rounding modes, and their argument errors.
function str($v) { ob_start(); var_dump($v); return trim(ob_get_clean()); }
function t($f) {
    try { var_dump($f()); } catch (\Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
}
$xs = [0, 0.5, -0.5, 1, -1, 2, 10, 1e-10, 123.456, -7.25, INF, -INF, NAN, "3", true];
foreach (['exp', 'expm1', 'log', 'log10', 'log1p', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh',
          'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'deg2rad', 'rad2deg', 'sqrt', 'floor', 'ceil', 'abs'] as $f) {
    $out = [];
    foreach ($xs as $x) { $out[] = str($f($x)); }
    echo $f, ": ", implode(" ", $out), "\n";
}
var_dump(pi(), log(8, 2), log(100, 10), log(27, 3), log(2, 1), log(0), atan2(1, 1), atan2(-1, -1));
var_dump(hypot(3, 4), fmod(10, 3), fmod(-10, 3), fmod(10.5, 0), fdiv(1, 0), fdiv(-1, 0), fdiv(0, 0), fdiv(10, 4));
var_dump(is_nan(NAN), is_nan(1), is_finite(INF), is_finite(1e308), is_infinite(-INF), is_infinite("1"));
var_dump(intdiv(7, 2), intdiv(-7, 2), abs(PHP_INT_MIN), pow(2, -1), max(1, 2.5, "3"), min([4, "2", 8]), max("apple", "banana"));

echo "-- rounding\n";
foreach ([2.5, -2.5, 3.5, -0.5, 1.55, -1.55, 1.45, 0.285, 1.955, 5.045, 5.055, 12345.5, 25, 15, 1e20, 0.49999999999999994, -1.45] as $v) {
    $out = [];
    foreach ([0, 1, 2, -1, -25] as $p) {
        foreach ([1, 2, 3, 4, 0] as $m) { $out[] = round($v, $p, $m); }
    }
    echo $v, ": ", implode(" ", $out), "\n";
}
mt_srand(42);
for ($i = 0; $i < 40; $i++) {
    $v = mt_rand(-1000000, 1000000) / mt_rand(1, 1000);
    echo round($v, 2), " ", round($v, -2), " ", round($v, 3, 3), " ", number_format($v, 2), "\n";
}
var_dump(round(1.45e30, -25), round(1.5e-24, 24), round(5, 0, 3), round(15, -1, 3), round(-25, -1, 4));

echo "-- errors\n";
t(fn() => sin("abc"));
t(fn() => sin([]));
t(fn() => log(2, 0));
t(fn() => log(1, -2));
t(fn() => atan2(1));
t(fn() => pi(1));
t(fn() => hypot("x", 1));
t(fn() => fmod(1, []));
t(fn() => is_nan(null));
t(fn() => round([]));
t(fn() => intdiv(5, 0));
t(fn() => max());
t(fn() => max(5));
t(fn() => max([]));
t(fn() => min(new stdClass));
