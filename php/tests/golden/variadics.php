<?php
// Variadic parameters, spreading arguments, func_get_args and friends.
function sum(...$nums) { $t = 0; foreach ($nums as $n) { $t += $n; } return $t; }
echo sum(), " ", sum(1), " ", sum(1, 2, 3), "\n";
function head($first, ...$rest) { return "$first:" . count($rest) . ":" . implode(",", $rest); }
echo head(1), " ", head(1, 2, 3), "\n";
$args = [4, 5, 6];
echo sum(...$args), " ", sum(1, ...$args), " ", head(...[7, 8]), "\n";
function info() { return func_num_args() . ":" . implode(",", func_get_args()); }
echo info(), " ", info(1, "a", 2.5), "\n";
function second($a, $b) { $a = "changed"; return func_get_arg(0) . func_get_arg(2) . count(func_get_args()); }
echo second("x", "y", "z"), "\n";
function pair($a, $b = "dflt") { return "$a/$b"; }
echo pair(...["only"]), " ", pair(...["p", "q"]), "\n";
var_dump(sum(...[]));
echo func_num_args();
