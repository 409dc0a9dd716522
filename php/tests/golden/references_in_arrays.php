<?php
$a = [1, 2, 3];
foreach ($a as &$v) { $v *= 2; }
unset($v);
print_r($a);
foreach ($a as $k => &$v) { if ($k == 0) $a[] = 99; $v++; }
print_r($a);
$b = ['x' => ['y' => 1]];
$r = &$b['x']['y'];
$r = 5;
echo $b['x']['y'], "\n";
$b['x']['y'] = 7;
echo $r, "\n";
$c = [1, 2];
$d = &$c[5];
var_dump($c);
function addOne(array &$arr) { $arr[] = 1; }
$e = ['l' => []];
addOne($e['l']); addOne($e['l']);
print_r($e);
class H { public $items = []; function add($x) { array_push($this->items, $x); sort($this->items); } }
$h = new H; $h->add(3); $h->add(1); print_r($h->items);
$x = 1; $y = 2;
$arr = [&$x, &$y];
$arr[0] = 10;
echo $x, "\n";
$copy = $arr; $copy[1] = 20; echo $y, "\n";
$o = new stdClass; $o->p = 1; $ref = &$o->p; $ref = 9; echo $o->p, "\n";
$list = [3, 1, 2];
foreach ($list as $i => &$val) { $val = $val * 10 + $i; }
var_dump($list);
$m = [[1, 2], [3, 4]];
foreach ($m as &$row) { foreach ($row as &$cell) { $cell *= 2; } }
unset($row, $cell);
echo json_encode_like($m), "\n";
function json_encode_like($m) { $s = []; foreach ($m as $r) $s[] = implode(",", $r); return implode(";", $s); }
