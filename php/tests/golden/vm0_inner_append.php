<?php
// `[]` before the last dimension: each part up to it is fetched for writing.
$a[][] = 1;
$a[][] = 2;
$a[0][] = 3;
var_dump($a);

$b = ['x' => []];
$b['x'][]['y'][] = 'deep';
$b['x'][]['y'] = 'other';
var_dump($b);

// The value is evaluated before the new elements are made.
$c[][] = count($c ?? []);
$c[][] = count($c);
var_dump($c);

// Compound assignments and increments.
$d = [];
$d[][1] = 5;
$d[][1] .= 'x';
$d[]['n']++;
var_dump($d);

// References.
$r = &$e[]['k'];
$r = 'through';
unset($r);
var_dump($e);
function fill(&$x) { $x = 'filled'; }
fill($f[][3]);
var_dump($f);

// Copies do not share the new elements.
$g = [[1]];
$g[0][][] = 2;
$h = $g;
$h[0][1][0] = 3;
var_dump($g[0][1][0], $h[0][1][0]);

// Objects: the fetch gives null, as in PHP.
try {
    $o[][]->p = 1;
} catch (Error $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}

// Errors of the containers.
$s = 'str';
try {
    $s[][] = 1;
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
$i = 1;
try {
    $i[][] = 1;
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
$full = [PHP_INT_MAX => 1];
try {
    $full[][] = 1;
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
foreach ([1, 2] as $k => $l[][]) {
}
var_dump($l);
[$m[][]] = [5];
var_dump($m);
