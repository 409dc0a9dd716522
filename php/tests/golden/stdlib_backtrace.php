<?php
// debug_backtrace/debug_print_backtrace, SensitiveParameter, assert.
function test($a, #[SensitiveParameter] $secret, ...$rest)
{
    debug_print_backtrace();
    var_dump(array_map(fn($f) => ['file' => basename($f['file'])] + $f, debug_backtrace(DEBUG_BACKTRACE_IGNORE_ARGS)));
    var_dump(count(debug_backtrace(0, 1)));
    $t = (new Exception)->getTrace();
    var_dump($t[0]['args'][1] instanceof SensitiveParameterValue, $t[0]['args'][1]->getValue());
}
class K {
    function m($x) { test($x, 'pw', 3, 4); }
    static function s() { (new K)->m(1); }
}
K::s();
$v = new SensitiveParameterValue([1, 2]);
var_dump($v, (array) $v, $v->getValue());
$c = clone $v;
var_dump($c->getValue());
var_dump(count(debug_backtrace(0, -1)));
try {
    assert(1 + 1 === 3);
} catch (AssertionError $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
try {
    assert(false, new RuntimeException("custom"));
} catch (RuntimeException $e) {
    echo $e->getMessage(), "\n";
}
var_dump(assert(true), assert_options(ASSERT_ACTIVE));
ini_set('assert.exception', '0');
var_dump(assert(strlen('ab') == 3));
var_dump(assert(false, "described"));
