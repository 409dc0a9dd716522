<?php
$x = 10;
$add = function ($a) use ($x) { return $a + $x; };
echo $add(5), "\n";
$mul = fn($a) => $a * $x;
echo $mul(3), "\n";
$counter = function () use (&$x) { $x++; };
$counter(); $counter();
echo $x, "\n";
var_dump(array_map(fn($v) => $v * 2, [1, 2, 3]));
var_dump(array_filter([1, 0, 2, null, 3]));
$a = [3, 1, 2];
usort($a, fn($p, $q) => $p <=> $q);
print_r($a);
sort($a); rsort($a); print_r($a);
$k = ['b' => 1, 'a' => 2]; ksort($k); print_r($k);
echo call_user_func('strtoupper', 'abc'), "\n";
echo call_user_func_array([new ArrayObj, 'sum'], [1, 2]), "\n";
class ArrayObj { function sum($a, $b) { return $a + $b; } static function s() { return 's'; } function __invoke($z) { return "inv $z"; }
  function getC() { return function() { return $this->sum(1, 1); }; } }
echo call_user_func('ArrayObj::s'), call_user_func(['ArrayObj', 's']), "\n";
$o = new ArrayObj; echo $o(5), "\n";
$c = $o->getC(); echo $c(), "\n";
var_dump(is_callable('strlen'), is_callable('nope'), is_callable([$o, 'sum']));
$stack = [1, 2]; array_push($stack, 3, 4); echo array_pop($stack), array_shift($stack), count($stack), "\n";
$arr = [1, 2, 3]; echo current($arr), next($arr), next($arr), "\n"; var_dump(next($arr)); echo reset($arr), end($arr), key($arr), "\n";
echo array_reduce([1, 2, 3], fn($c, $i) => $c + $i, 0), "\n";
function gen_adder($n) { return fn($m) => $n + $m; }
echo gen_adder(4)(5), "\n";
try { $f = 'nope'; $f(); } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { array_map('nope', [1]); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
