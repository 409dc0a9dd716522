<?php
function f($a, $b = 2, $c = 3) { return "$a-$b-$c"; }
echo f(1, c: 9), "\n";
echo f(c: 7, a: 0), "\n";
echo f(...['a' => 4, 'c' => 6]), "\n";
echo f(...[1, 2], ...['c' => 5]), "\n";
function v($x, ...$rest) { var_dump($rest); }
v(1, 2, k: 3);
class P { function __construct(public int $x = 0, public int $y = 0) {} function m($p, $q = 'q') { return "$p$q"; } }
$p = new P(y: 5);
echo $p->x, $p->y, $p->m(q: 'Q', p: 'P'), "\n";
try { f(1, d: 2); } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { f(1, a: 2); } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { f(b: 2); } catch (ArgumentCountError $e) { echo $e->getMessage(), "\n"; }
