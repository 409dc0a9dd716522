<?php
// A comparison that is not an order (a callback answering at random, or an exception) must
// leave the array a permutation of itself; PHP's order is then unspecified, so only that is
// printed.
$state = 7;
$a = range(1, 300);
foreach (['usort', 'uasort', 'uksort'] as $f) {
    $b = $a;
    $f($b, function ($x, $y) use (&$state) {
        $state = ($state * 1103515245 + 12345) % 2147483648;
        return $state % 3 - 1;
    });
    $c = array_values($b);
    sort($c);
    echo $f, ': ', count($b), ' items, same set: ', var_export($c === $a, true), "\n";
}
$b = $a;
try {
    usort($b, function ($x, $y) {
        if ($x == 150 || $y == 150) {
            throw new Exception("no 150");
        }
        return $x <=> $y;
    });
} catch (Exception $e) {
    echo $e->getMessage(), "\n";
}
$c = $b;
sort($c);
echo count($b), ' ', var_export($c === $a, true), "\n";
