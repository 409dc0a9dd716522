<?php
// Nested, keyed (literal and computed keys), skipped entries.
[$a, [$b, $c]] = [1, [2, 3]];
var_dump($a, $b, $c);
['x' => $x, 'y' => ['z' => $z]] = ['x' => 'X', 'y' => ['z' => 'Z']];
var_dump($x, $z);
$k = 'dyn';
[$k => $d, 'o' . 'k' => $ok] = ['dyn' => 4, 'ok' => true];
var_dump($d, $ok);
[, , $third] = [1, 2, 3];
var_dump($third);
list($p, list(, $q)) = [5, [6, 7]];
var_dump($p, $q);

// Into elements, properties and static properties.
class Box { public $v; public static $s; public $arr = []; }
$o = new Box;
$arr = [];
[$arr[], $arr['k'], $o->v, Box::$s, $o->arr[2]] = ['first', 'second', 'prop', 'static', 'deep'];
var_dump($arr, $o, Box::$s);

// Non-arrays give nulls silently; missing keys warn.
[$n1, $n2] = 42;
var_dump($n1, $n2);
[$m1, $m2] = [1];
var_dump($m1, $m2);

// Swapping and self-reference.
$s1 = 1; $s2 = 2;
[$s1, $s2] = [$s2, $s1];
var_dump($s1, $s2);
$self = [10, 20];
[$self, $other] = $self;
var_dump($self, $other);

// By reference.
$src = [1, [2, 3]];
[&$r1, [$v2, &$r3]] = $src;
$r1 = 'one';
$r3 = 'three';
var_dump($src, $v2);
$data = ['a' => 1, 'b' => 2];
['a' => &$ra, 'b' => $vb] = $data;
$ra++;
var_dump($data, $vb);
$empty = [];
[&$made] = $empty;
var_dump($empty);

// foreach with patterns and other targets.
$rows = [[1, 2], [3, 4]];
foreach ($rows as [$c1, $c2]) {
    echo "$c1-$c2\n";
}
foreach ($rows as [$c1, &$c2]) {
    $c2 *= 10;
}
unset($c2);
var_dump($rows);
$collected = [];
foreach (['x', 'y'] as $collected[]) {
}
var_dump($collected);
$box = new Box;
foreach (['p', 'q'] as $box->v) {
}
var_dump($box->v);

// The value of a destructuring assignment is its right-hand side.
var_dump([$u, $w] = [7, 8]);

// Results of functions not returning references.
function pair() { return [1, 2]; }
[&$fr] = pair();
var_dump($fr);
