<?php
// var_dump shows & only on references that more than one holder shares.
$array = ['a', 'b', 'c'];
foreach ($array as &$v) {
}
var_dump($array, array_values($array), array_reverse($array), array_merge($array));
unset($v);
var_dump($array);
$x = 1;
$b = [&$x];
unset($x);
var_dump([...$b]);
$copy = $b;
$copy[0] = 2;
var_dump($b, $copy);
// Constants hold no references.
$y = 7;
$z = [&$y];
define('K', $z);
$z[0] = 3;
var_dump($y, K);
$rec = [];
$rec[0] = &$rec;
try {
    define('R', $rec);
} catch (ValueError $e) {
    echo $e->getMessage(), "\n";
}
