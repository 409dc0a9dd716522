<?php

// By-reference parameters reached through methods, static methods, constructors, closures
// and callable values: decided when the call runs.
class C {
    public $p = 0;
    function __construct(&$x) { $x = 'set by ctor'; }
    function m(&$a, $b) { $a = "m:$b"; }
    static function s(&$a, &...$rest) { $a = 's'; foreach ($rest as &$r) { $r = 'rest'; } }
    function val($a) { return $a; }
}
$o = new C($z);
var_dump($z);
$o->m($x, 1);
var_dump($x);
C::s($q['k'], $r1, $r2[0]);
var_dump($q, $r1, $r2);
$o->m($o->p, 2);
var_dump($o->p);
$f = function (&$r) { $r = [1]; };
$f($w);
var_dump($w);
$f->__invoke($w2);
var_dump($w2);
$m = [$o, 'm'];
$m($mm, 3);
var_dump($mm);
$s = 'C::s';
$s($ss);
var_dump($ss);
$sort = 'sort';
$arr = [3, 1, 2];
$sort($arr);
echo implode(',', $arr), "\n";
// Arguments to by-value parameters stay values (no element is made).
$e = [];
$o->val($e['missing'] ?? null);
var_dump($o->val($e));
try {
    $o->m(1, 2);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
try {
    $f(5);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
function g() { return 5; }
$o->m(g(), 4);
// Built-ins calling back pass values, with PHP's warning.
call_user_func($f, 1);
array_map(function (&$v) {}, [1]);
class P { public function __construct(public array &$list) {} }
$list = [];
$p = new P($list);
$list[] = 42;
var_dump($p->list);

// Writes to a call's result: through a reference it returns, else lost.
function f() { return [1]; }
function &gref() { static $a = [1]; return $a; }
f()[0] = 2; var_dump(f());
gref()[0] = 5; var_dump(gref());
class A implements ArrayAccess { function offsetGet($o): mixed { return 1; } function offsetSet($o, $v): void { echo "set $o\n"; } function offsetExists($o): bool { return true; } function offsetUnset($o): void {} }
function h() { return new A; }
h()['k'] = 1;
