<?php
// References: $b = &$a, by-reference parameters, global, static, unset breaking a reference.
$a = 1; $b = &$a; $b = 2; echo $a, "\n";
$b++; echo $a, "\n";
unset($b); $b = 10; echo $a, " ", $b, "\n";
function addOne(&$x) { $x++; }
$n = 5; addOne($n); addOne($n); echo $n, "\n";
addOne($fresh); var_dump($fresh);
function push(&$arr, $v) { $arr[] = $v; }
$list = []; push($list, "a"); push($list, "b"); print_r($list);
$counter = 0;
function bump() { global $counter; $counter += 10; return $counter; }
bump(); echo bump(), " ", $counter, "\n";
function tally() { static $calls = 0; $calls++; return $calls; }
tally(); tally(); echo tally(), "\n";
function g2() { global $notyet; $notyet = "made"; }
g2(); echo $notyet ?? "not visible", "\n";
$arr = [1, 2, 3]; $r = &$arr; $r[] = 4; echo count($arr), "\n";
function swap(&$x, &$y) { $t = $x; $x = $y; $y = $t; }
$p = "left"; $q = "right"; swap($p, $q); echo "$p $q\n";
$x = 1; $y = &$x; $arr2 = [$x, $y]; $y = 5; print_r($arr2); echo $x, "\n";
$total = 0;
function acc(&$sum, $v) { $sum += $v; }
for ($i = 0; $i < 500; $i++) { acc($total, $i); }
echo $total, "\n";
function counter() { static $n = 0; return ++$n; }
for ($i = 0; $i < 300; $i++) { counter(); }
echo counter(), "\n";
