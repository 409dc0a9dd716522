<?php
// Array literals, reads with their warnings, nested writes, copy-on-write, foreach, unset, isset.
$a = [1, 2, "x" => 3];
echo $a[5];
echo $a["y"];
$n = null; echo $n[1];
$i = 5; echo $i[0];
$s = "abc"; echo $s[1], $s[-1], "\n"; echo $s[10];
$a[] = 4; $a["k"]["j"] = 5; $a[1.5] = 6; $a[true] = 7; $a[null] = 8;
print_r($a); echo "\n";
var_dump($a);
$b = $a; $b[0] = 100; echo $a[0], " ", $b[0], "\n";
foreach ($a as $k => $v) { if (!is_array($v)) echo "$k=$v "; }
echo "\n", count($a), "\n";
$c = []; $c["m"] = 1; $c["m"] += 5; $c["q"] .= "x"; $c["z"]++; print_r($c);
unset($c["m"]); print_r($c); var_dump(isset($c["q"]), isset($c["nope"]), empty($c["z"]), $c["nope"] ?? "dflt");
echo implode(",", [1, 2, 3]), "\n";
$x = 5; $x[0] = 1;
