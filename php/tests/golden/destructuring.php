<?php
// Destructuring: list(), [], keys, nesting, skipped entries, in foreach, missing keys.
[$a, $b] = [1, 2]; echo "$a $b\n";
list($x, , $z) = ["x", "y", "z"]; echo "$x $z\n";
['k' => $k, 'm' => $m] = ['m' => 'em', 'k' => 'kay']; echo "$k $m\n";
[$p, [$q, $r]] = [1, [2, 3]]; echo "$p $q $r\n";
[$s, $t] = [1]; var_dump($t);
[$u] = null; var_dump($u);
[$a, $b] = [$b, $a]; echo "$a $b\n";
foreach ([[1, 'one'], [2, 'two']] as [$num, $word]) { echo "$num=$word "; }
echo "\n";
foreach (['a' => ['x' => 1, 'y' => 2]] as $key => ['x' => $xx, 'y' => $yy]) { echo "$key $xx $yy\n"; }
$result = [$c1, $c2] = [7, 8]; print_r($result);
