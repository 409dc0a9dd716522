<?php
// var_export of every kind of value, settype.
class A { public $a = 1; protected $b = [2]; }
$o = new stdClass; $o->x = [1];
var_export([1, [2, 3], "a" => ["b" => true, "c" => null], "s" => "it's \\ a\0b", 1.5, -0.0, 1e100, new A, $o]);
echo "\n";
var_export(1.0); echo "\n"; var_export("x"); var_export(false); echo "\n";
echo var_export([1], true), "\n";
$a = "12abc"; var_dump(settype($a, "integer"), $a);
$c = 1; settype($c, "array"); var_dump($c);
try { settype($c, "foo"); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }
