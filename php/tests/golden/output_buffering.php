<?php
// Output buffering, in-place appends, element reads of unset and referenced variables.
ob_start();
echo "inside";
$got = ob_get_clean();
echo strtoupper($got), " ", ob_get_level(), "\n";
ob_start(); echo "a"; ob_start(); echo "b"; $inner = ob_get_contents(); ob_end_flush(); echo "c"; $outer = ob_get_clean();
echo "$inner|$outer\n";
var_dump(ob_end_clean());
$s .= "x"; $s .= 1; $s .= 2.5; echo $s, "\n";
echo $nothere[1], "|\n";
$arr = [1, 2]; $r = &$arr; echo $r[1], $arr[0], "\n";
$big = "";
for ($i = 0; $i < 100000; $i++) { $big .= "ab"; }
echo strlen($big), "\n";
$t = "t"; $u = $t; $u .= "u"; echo "$t $u\n";
echo number_format(1234567.891), " ", number_format(1234567.891, 2), " ", number_format(0.5), " ", number_format(-1234.567, 2, ',', '.'), " ", number_format(-0.4), "\n";
var_dump(function_exists("strlen"), function_exists("nope"), function_exists("STRLEN"));
$h = hrtime(); var_dump(is_array($h) && count($h) == 2 && is_int($h[0]), is_int(hrtime(true)));
ob_start();
echo "left in a buffer at exit\n";
