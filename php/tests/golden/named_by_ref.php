<?php
// Named arguments to by-reference parameters: of built-ins (their declarations name them),
// of methods and of callables found at run time.

var_dump(preg_match('/(b)(c)/', 'abcd', matches: $m), $m);
var_dump(preg_replace('/a/', 'b', 'aaa', count: $count), $count);
$a = [3, 1, 2];
sort(array: $a);
var_dump($a);
$stack = [1, 2];
var_dump(array_pop(array: $stack), $stack);

class C {
    public function m($a = 'a', &$out = null) {
        $out = "set by m";
        return $a;
    }
    public static function s(&$x, $y = 1) {
        $x = $y * 2;
    }
    public function __construct(&$r = null, $v = 'ctor') {
        $r = $v;
    }
}
$o = new C(v: 'made', r: $made);
var_dump($made);
var_dump($o->m(out: $out), $out);
$name = 'm';
var_dump($o->$name('A', out: $out2), $out2);
C::s(y: 21, x: $x);
var_dump($x);
$static = 's';
C::$static(x: $x2, y: 4);
var_dump($x2);

function f(&$ref, $value = 5) {
    $ref = $value;
}
$f = 'f';
$f(value: 6, ref: $r1);
var_dump($r1);
$closure = function (&$ref, $value = 7) {
    $ref = $value;
};
$closure(ref: $r2);
var_dump($r2);
[$o, 'm'](out: $r3);
var_dump($r3);

// A by-value parameter given a variable by name is not made a reference.
$keep = 1;
$f2 = fn($a, $b = 0) => $a + $b;
var_dump($f2(b: $keep, a: 1), $keep);
$copy = [1, 2];
$arr = $copy;
var_dump(count(value: $arr), $copy);

// Named variadic arguments of the wrong type are numbered after the positional ones.
function ints(int ...$nums) {
    return $nums;
}
try {
    ints(1, 2, a: 3, b: "x");
} catch (TypeError $e) {
    echo $e->getMessage(), "\n";
}

// A built-in calling back passes values: a by-reference parameter named gets PHP's warning.
$inc = function (&$ref, $by = 1) {
    $ref += $by;
    return $ref;
};
$n = 1;
var_dump(call_user_func($inc, by: 2, ref: $n), $n);
var_dump(call_user_func_array($inc, ['ref' => $n]), $n);
