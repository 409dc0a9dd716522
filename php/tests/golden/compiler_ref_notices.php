<?php
function val() { return 5; }
function &ref() { static $v = 1; return $v; }
function &literal() { return 3; }
function &nothing() { }
function &call_val() { return val(); }
function &call_ref() { return ref(); }
function inc(&$x) { $x++; }
function fill(&...$refs) { foreach ($refs as $i => &$r) { $r = $i; } }
function named($a, &$b = null, $c = 0) { $b = "named"; }

$a = &val();
var_dump($a);
$b = &ref();
$b++;
var_dump(ref());
$o = new stdClass;
$o->p = &val();
var_dump($o);
$arr = [];
$arr['k'] = &val();
var_dump($arr);

var_dump(literal());
var_dump(nothing());
var_dump(call_val());
var_dump(call_ref());

$n = 1;
inc($n);
inc(val());
var_dump($n);
$list = [1, 2];
inc($list[5]);
var_dump($list);

$x = $y = $z = 'unset';
fill($x, $y, $z);
var_dump($x, $y, $z);
$nums = [10, 20];
fill(...$nums);
var_dump($nums);
named(1, b: $nb);
var_dump($nb);
named(c: 3, a: 1, b: $nb2);
var_dump($nb2);

try {
    inc(1);
} catch (Error $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
    fill($x, 2);
} catch (Error $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}

// global and unset of variables named at run time.
$g1 = 'global one';
function bind() {
    $name = 'g1';
    global $$name;
    var_dump($g1);
    $g1 = 'changed';
}
bind();
var_dump($g1);
$victim = 1;
$which = 'victim';
unset($$which);
var_dump(isset($victim));

// Compound assignments through $GLOBALS and static properties.
class S { public static $n = 1; public static $a = [1]; }
$counter = 1;
$GLOBALS['counter'] += 2;
$GLOBALS['fresh'] ??= 'default';
S::$n .= 'x';
S::$a[0] += 5;
var_dump($counter, $fresh, S::$n, S::$a);

// Writing to an element of a temporary changes nothing.
function make() { return [1, 2]; }
make()[0] = 9;
var_dump(make());
