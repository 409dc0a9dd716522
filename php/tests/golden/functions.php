<?php
// Functions: defaults, recursion, calls before the declaration, case-insensitive names.
echo add(2, 3), " ", ADD(4), "\n";
function add($a, $b = 10) { return $a + $b; }
function fib($n) { return $n < 2 ? $n : fib($n - 1) + fib($n - 2); }
function fact($n) { if ($n <= 1) { return 1; } return $n * fact($n - 1); }
function noreturn() { echo "side effect\n"; }
function countdown($n) { while ($n > 0) { echo $n, " "; $n--; } echo "\n"; }
echo fib(22), "\n";
echo fact(20), " ", fact(21), "\n";
var_dump(noreturn());
countdown(5);
function swap_and_sum($x, $y) { $t = $x; $x = $y; $y = $t; return "$x,$y=" . ($x + $y); }
echo swap_and_sum(1, 2), "\n";
function depth($n) { return $n == 0 ? 0 : 1 + depth($n - 1); }
echo depth(5000), "\n";
$total = 0;
for ($i = 0; $i < 3000; $i++) { $total += add($i); }
echo $total, "\n";
