<?php
// if/elseif/else, while, do-while, for, break and continue with levels, ?:, ??, logic.
for ($i = 0; $i < 15; $i++) {
    if ($i % 15 == 0) { echo "FizzBuzz"; }
    elseif ($i % 3 == 0) { echo "Fizz"; }
    elseif ($i % 5 == 0) { echo "Buzz"; }
    else { echo $i; }
    echo " ";
}
echo "\n";
$i = 0;
while ($i < 10) { $i++; if ($i == 3) continue; if ($i == 7) break; echo $i; }
echo "\n";
$j = 5;
do { echo $j--; } while ($j > 0);
echo "\n";
for ($a = 0; $a < 3; $a++) {
    for ($b = 0; $b < 3; $b++) {
        if ($b == 1) continue 2;
        if ($a == 2) break 2;
        echo "$a$b ";
    }
}
echo "\n";
for ($a = 0, $b = 10; $a < $b; $a += 3, $b--) { echo "$a-$b "; }
echo "\n";
$u = null;
echo $u ?? "default", " ", $missing ?? "also", " ", 0 ?: "falsy", " ", 5 ?: "no", "\n";
$v = 1;
echo $v > 0 ? "pos" : "neg", " ", $v ? ($v > 5 ? "big" : "small") : "zero", "\n";
var_dump(true && false, true || false, !true, true xor true, 1 and 0, 0 or 1);
var_dump(isset($v), isset($nothing), isset($v, $nothing), empty($nothing), empty($v), empty($u));
$w = null; $w ??= "set"; $w ??= "again"; echo $w, "\n";
$c = 0;
while (true) { if (++$c >= 1000) { break; } }
echo $c, "\n";
