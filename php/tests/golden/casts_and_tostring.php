<?php
class A { public $a = 1; protected $b = 2; private $c = 3; function __toString(): string { return "A!"; } }
var_dump((array) new A);
var_dump((object) ['x' => 1, 2 => 'two']);
var_dump((array) 5, (array) null, (object) 'str');
$a = new A;
echo $a, " ", "x$a", " ", $a . "y", " ", (string) $a, " ", strlen($a), "\n";
class B {}
try { echo new B; } catch (Error $e) { echo $e->getMessage(), "\n"; }
