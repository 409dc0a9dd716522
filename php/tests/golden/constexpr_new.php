<?php
// `new` in initializers: parameter defaults, static variables, global constants.

class Point {
    public function __construct(public int $x = 0, public int $y = 0) {
        echo "Point($x, $y)\n";
    }
}

function make($p = new Point(1, 2)) {
    return $p;
}

$a = make();
$b = make();
var_dump($a === $b, $a == $b);
var_dump(make(new Point(5, 6))->x);

function counter() {
    static $state = new ArrayObject([]);
    $state[] = count($state);
    return count($state);
}
counter();
counter();
echo counter(), "\n";

const ORIGIN = new Point();
var_dump(ORIGIN->x, ORIGIN->y);

// Named arguments, nested `new`, arrays.
function named($p = new Point(y: 7), $list = [new Point(x: 3), 'k' => new Point(4, y: 5)]) {
    echo $p->x, ',', $p->y, ' ', count($list), ' ', $list['k']->y, "\n";
}
named();

// `self` and `parent` mean the method's class.
class Base {}
class Child extends Base {
    public static function pair($a = new self, $b = new parent) {
        echo get_class($a), ' ', get_class($b), "\n";
    }
}
Child::pair();

function noScope($x = new self) {}
try {
    noScope();
} catch (Error $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}

// Errors thrown while evaluating an initializer.
function missing($x = new DoesNotExist) {}
try {
    missing();
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}

class Fails {
    public function __construct() {
        throw new RuntimeException("constructor failed");
    }
}
function failing($x = new Fails) { return $x; }
try {
    failing();
} catch (RuntimeException $e) {
    echo $e->getMessage(), "\n";
}
var_dump(failing(1));

function dup() {
    static $v = new Point(x: 1, x: 2);
}
try {
    dup();
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}

// A static initializer that throws is tried again on the next call.
function retry() {
    static $n = 1 % 0;
    return $n;
}
for ($i = 0; $i < 2; $i++) {
    try {
        retry();
    } catch (DivisionByZeroError $e) {
        echo $e->getMessage(), "\n";
    }
}

class Priv {
    private function __construct() {}
    public static function make($p = new Priv) { return $p; }
}
var_dump(get_class(Priv::make()));
function outside($p = new Priv) {}
try {
    outside();
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
