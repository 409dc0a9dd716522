<?php
function &counter() { static $c = 0; $c++; return $c; }
$x = &counter();
$x += 10;
echo counter(), "\n";
class Reg { private $items = ['a' => 1]; function &get($k) { return $this->items[$k]; } function dump() { print_r($this->items); } }
$r = new Reg;
$v = &$r->get('a');
$v = 99;
$w = $r->get('a');
$w = 5;
$r->dump();
function &arr() { static $a = []; return $a; }
$a = &arr(); $a[] = 1; $b = &arr(); echo count($b), "\n";
$f = function &() { static $z = 1; return $z; };
$z = &$f(); $z = 7; echo $f(), "\n";
