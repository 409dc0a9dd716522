<?php
// `??=` evaluates the keys and property names of its target once; isset() on a
// variable-variable object is quiet; a temporary's element cannot be passed by reference;
// var_dump and print_r show an array that contains itself once.
function id($x) {
    echo "id($x)\n";
    return $x;
}
$ary = [];
$ary[id("foo")] ??= 123;
$ary[id("foo")] ??= 456;
$ary["x"][id("bar")] ??= 1;
var_dump($ary);
$obj = new stdClass;
$obj->{id("p")} ??= 1;
$obj->{id("p")} ??= 2;
var_dump($obj);
class T {
    public static $s;
}
T::${id("s")} ??= 5;
T::${id("s")} ??= 6;
var_dump(T::$s);

$a = 'foo';
var_dump(isset(${$a}->b));
var_dump(isset(${$a}['k']->c));

$fn = function (&$ref) {};
try {
    $fn([0, 1][0]);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
try {
    $fn([0, 1]->prop);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
$fn2 = function ($val) { var_dump($val); };
$fn2([0, 1][1]);

$r = ['a' => ['a' => &$r]];
var_dump($r);
print_r($r);
echo "\n";
foreach (($c = ['a' => ['a' => &$c]]) as $c) {
    var_dump($c);
}

// `$this` outside methods: writing a property is PHP's error, isset() stays quiet.
function no_this() {
    try {
        $this->x = 1;
    } catch (Error $e) {
        echo $e->getMessage(), "\n";
    }
    var_dump(isset($this->x), $this->x ?? 'none');
}
no_this();
try {
    $this->y->z = 1;
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
