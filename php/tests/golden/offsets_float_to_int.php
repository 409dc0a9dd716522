<?php
// The deprecation for implicit float to int conversions that lose precision: fractions,
// floats out of the int range, INF and NAN, and numeric strings ("float-string").
var_dump("1e30" | 0);
var_dump("1.5abc" | 1);
var_dump("1.5" % 2);
var_dump(1.5 << 1);
var_dump(~INF);
var_dump(~NAN);
var_dump(~1e30);
var_dump(~9.2233720368547758E+18);
var_dump(1e30 % 7);
var_dump(-0.0 | 0);
var_dump(3.0 ^ 1);
$x = 7;
$x &= "2.5";
var_dump($x);
$a = [];
$a[INF] = 1;
$a[NAN] = 2;
$a["1.5"] = 3;
$a[-0.0] = 4;
$a[1e121] = 5;
var_dump($a);
var_dump(isset($a[1e30]), $a[1e30] ?? 'd');
var_dump(chr('65.5'), str_repeat('ab', '2.5'), chr(66.5));
$s = "string";
var_dump($s[1e121], $s[2.7]);
