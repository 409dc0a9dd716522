<?php
class A { public $n; function __construct($n) { $this->n = $n; echo "make $n\n"; } function __destruct() { echo "destroy {$this->n}\n"; } }
function g() { $a = new A(1); echo "in g\n"; }
g();
$b = new A(2);
$b = null;
$c = new A(3);
$d = new A(4);
abstract class Sh { abstract function area(); function show() { echo static::class, " ", $this->area(), "\n"; } }
class Sq extends Sh { function __construct(private $s) {} function area() { return $this->s ** 2; } }
(new Sq(3))->show();
interface I { const X = 10; function m(); }
class Impl implements I { function m() { return self::X; } }
echo (new Impl)->m(), "\n";
var_dump(new Impl instanceof I);
$o = new stdClass;
$o->a = 1; $o->b[] = 2;
var_dump($o);
class Cnt { static $n = 0; static function inc() { return ++static::$n; } }
Cnt::inc(); Cnt::inc();
echo Cnt::$n, "\n";
function thrower($x) { throw new RuntimeException("deep $x"); }
class T { function run() { thrower([1]); } }
echo "end\n";
(new T)->run();
