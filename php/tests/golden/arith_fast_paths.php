<?php
// Ints and floats through the dispatch loop's fast paths (and, in a loop, through traces):
// mixed operands, NaN and infinities, division by zero, `===` across types, ++/-- overflow.
$values = [0, 1, -1, PHP_INT_MAX, PHP_INT_MIN, 0.0, -0.0, 0.5, -2.5, NAN, INF, -INF];
function combine($x, $y) {
    $r = [$x + $y, $x - $y, $x * $y, $x < $y, $x <= $y, $x > $y, $x >= $y,
          $x == $y, $x != $y, $x === $y, $x !== $y];
    try {
        $r[] = $x / $y;
    } catch (DivisionByZeroError $e) {
        $r[] = $e->getMessage();
    }
    return var_export($x, true) . ' ' . var_export($y, true) . ': ' . json_encode(array_map('strval', $r));
}
$lines = [];
for ($round = 0; $round < 3; $round++) {
    foreach ($values as $x) {
        foreach ($values as $y) {
            $line = combine($x, $y);
            if ($round == 2) {
                $lines[] = $line;
            }
        }
    }
}
echo implode("\n", $lines), "\n";
$i = PHP_INT_MAX - 3;
for ($k = 0; $k < 6; $k++) {
    $j = $i++;
    var_dump($j);
}
var_dump($i);
$i = PHP_INT_MIN + 2;
for ($k = 0; $k < 4; $k++) {
    --$i;
}
var_dump($i);
$f = 1.5;
for ($k = 0; $k < 3; $k++) {
    $f++;
    $g = $f--;
    $f++;
}
var_dump($f, $g);
$s = 0.0;
for ($k = 1; $k <= 100; $k++) {
    $s = $s + 1 / $k;
    $s = $s * 1.0000001 - 0.0000001;
}
var_dump($s);
