<?php
// Array built-ins: slicing, searching, building, set operations, merging, natural sorting,
// walking, seeded random choices, and their argument errors.
function show($v) { var_dump($v); }
function t($f) {
    try { var_dump($f()); } catch (\Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
}

echo "-- slice, splice, chunk\n";
$a = ['a' => 1, 5 => 2, 3, 'b' => 4, 9 => 5];
show(array_slice($a, 1));
show(array_slice($a, 1, 2, true));
show(array_slice($a, -2));
show(array_slice($a, -10, 2));
show(array_slice($a, 10));
show(array_slice($a, 1, -1));
show(array_slice($a, 0, null, true));
$x = [1, 2, 3, 4, 5];
show(array_splice($x, 1, 2)); show($x);
$x = ['a' => 1, 'b' => 2, 7 => 3, 8 => 4];
show(array_splice($x, 1, 1, ['X', 'Y'])); show($x);
$x = [1, 2, 3];
show(array_splice($x, -1, 1, 'str')); show($x);
$x = [1, 2, 3];
show(array_splice($x, 10, 0, [9])); show($x);
$x = [1, 2, 3, 4];
show(array_splice($x, 1, -1)); show($x);
$x = [1, 2, 3];
show(array_splice($x, 1, null, null)); show($x);
show(array_chunk(['a' => 1, 'b' => 2, 'c' => 3], 2));
show(array_chunk(['a' => 1, 'b' => 2, 'c' => 3], 2, true));
$v = 1; $refs = [&$v, 2, 3];
$copy = array_slice($refs, 0); $copy[0] = 5; echo $v, "\n";
array_splice($refs, 1, 1); $refs[0] = 9; echo $v, "\n";

echo "-- lookups\n";
show(array_search("1", [0, 1, 2]));
show(array_search("1", [0, 1, 2], true));
show(array_search(null, ['a' => 0, 'b' => null]));
show(array_search([1], [[1], [2]]));
show(array_search(5, []));
show(array_key_exists('a', ['a' => null]));
show(key_exists(1, ["1" => 0]));
show(array_key_exists("01", [1 => 0]));
show(array_key_exists(null, ["" => 1]));
show(array_key_exists(1.5, [1 => 2]));
show([array_key_first(['x' => 1, 2]), array_key_last(['x' => 1, 2]), array_key_first([]), array_key_last([])]);
$l = [1, 2, 3]; unset($l[1]);
show([array_is_list([]), array_is_list([1, 2]), array_is_list([1 => 1]), array_is_list(['a' => 1]), array_is_list($l)]);
show([array_product([]), array_product([2, "3", 4.0]), array_product([2, [1], "x"]), array_product([PHP_INT_MAX, 2])]);

echo "-- building\n";
show(array_flip(['a', 'b', 'a', 5 => 'c', 'x' => 10, 1.5, true]));
show(array_count_values(['a', 'b', 'a', 1, '1', 1.5, 'A']));
show(array_fill(5, 3, 'v'));
show(array_fill(-3, 3, 0));
show(array_fill_keys(['a', 5, '7', 1.5, true, null], [1]));
show(array_combine(['a', 'b', 'a'], [1, 2, 3]));
show(array_pad([1, 2], 4, 0));
show(array_pad([1, 2], -4, 0));
show(array_pad(['a' => 1, 5 => 2], 3, 'x'));
$rows = [
    ['id' => 3, 'name' => 'x', 'k' => 'a'],
    ['id' => 5, 'name' => 'y'],
    ['id' => 7, 'k' => 'c'],
    'scalar',
];
show(array_column($rows, 'name'));
show(array_column($rows, 'name', 'id'));
show(array_column($rows, null, 'k'));
class Row { public $a = 1; protected $b = 2; private $c = 3; public $d = 'dd'; }
$o = new Row;
show(array_column([$o, $o], 'a'));
show(array_column([$o], 'b'));
show(array_column([$o], 'a', 'd'));

echo "-- sets\n";
show(array_diff([1, "2", 3.0, "a", "b"], ["1", 3], ["a"]));
show(array_diff([5], [1], ["5"]));
show(array_diff_key(['a' => 1, 'b' => 2, 0 => 3, 1 => 4], ['a' => 9, '0' => 9], [1 => 1]));
show(array_diff_assoc(['a' => 'g', 'b' => 'b', 0 => 'r'], ['a' => 'g', 'b' => 'y', 'r']));
show(array_intersect([1, 2, 3, 4, "5"], [2, "4", 5, 6], [4, 5, 2]));
show(array_intersect_key(['a' => 1, 'b' => 2, 'c' => 3], ['a' => 0, 'c' => 0]));
show(array_intersect_assoc(['a' => 'g', 'b' => 'b', 0 => 'r'], ['a' => 'g', 'b' => 'y', 'r']));
show(array_udiff([1, 5, 3], [3, 4], fn($x, $y) => $x <=> $y));
show(array_uintersect(['a' => 'A', 'b' => 'b'], ['a', 'B'], 'strcasecmp'));
show(array_udiff_assoc(['a' => 'A', 'b' => 'b'], ['a' => 'a', 'b' => 'c'], 'strcasecmp'));
show(array_uintersect_assoc(['a' => "X", 'b' => "y"], ['a' => "x", 'b' => "z"], 'strcasecmp'));
show(array_diff_ukey(['a' => 1, 'B' => 2], ['b' => 0], 'strcasecmp'));
show(array_intersect_ukey(['a' => 1, 'B' => 2], ['b' => 0], 'strcasecmp'));
show(array_unique([3, "3", 1, 'a', 'A', 3.0, 'a']));
show(array_unique([4, "4", "3", 4, 3, "3"], 0));
show(array_unique(["1e1", "10", 10, "x"], 1));
show(array_unique(["b", "a", "B", "A"], 2 | 8));
show(array_unique(["img12", "IMG12", "img10"], 6 | 8));
show(array_diff([[1]], [2]));

echo "-- merging\n";
show(array_merge_recursive(['a' => [1], 'b' => 2], ['a' => [3], 'b' => 4], ['a' => 'x', 'c' => null]));
show(array_merge_recursive(['a' => null, 5 => 'x'], ['a' => 2, 5 => 'y']));
show(array_merge_recursive(['x' => ['y' => ['z' => 1]]], ['x' => ['y' => ['z' => 2]]]));
show(array_replace([1, 2, 3], [1 => 'b'], [3 => 'd']));
show(array_replace_recursive(['a' => [1, 2, 3], 'b' => 'x'], ['a' => [1 => 'B'], 'b' => ['y']]));
show(array_replace_recursive(['a' => ['b' => ['c' => 1, 'd' => 2]]], ['a' => ['b' => ['c' => 9]]]));

echo "-- natural order\n";
$n = ["img12.png", "img10.png", "IMG2.png", "img1.png", "img02.png", " img3", "img 4", "x0.5", "x0.25", "", "10", "9"];
natsort($n); show($n);
natcasesort($n); show($n);

echo "-- walking\n";
$w = ['a' => 1, 'b' => [2, 3, ['c' => 4]], 'd' => 5];
array_walk_recursive($w, function (&$v, $k, $mul) { echo "$k "; $v = $v * $mul; }, 10);
echo "\n";
show($w);
$r = 1; $w2 = [&$r, [2]];
array_walk_recursive($w2, function (&$v) { $v++; });
show([$r, $w2]);
$nested = ['x' => ['y' => 1]];
array_walk_recursive($nested['x'], function (&$v) { $v = 'changed'; });
show($nested);

echo "-- seeded random\n";
mt_srand(1);
echo mt_rand(), " ", mt_rand(), " ", mt_rand(1, 6), " ", mt_rand(-1000, 1000), " ", mt_rand(0, PHP_INT_MAX), " ", mt_rand(PHP_INT_MIN, PHP_INT_MAX), "\n";
srand(5);
echo rand(), " ", rand(10, 1), " ", rand(1, 10), " ", getrandmax(), " ", mt_getrandmax(), "\n";
mt_srand(3);
$s = range(1, 20); shuffle($s); echo implode(",", $s), "\n";
$pick = ['a' => 1, 'b' => 2, 'c' => 3, 'd' => 4, 'e' => 5];
show([array_rand($pick), array_rand($pick, 2), array_rand($pick, 4)]);
mt_srand(7, 1);
echo mt_rand(), " ", mt_rand(1, 100), " ", rand(5, 500), "\n";
mt_srand(99);
$holes = range(0, 99); unset($holes[5]);
echo array_rand($holes), " ", implode(",", array_rand($holes, 3)), "\n";
$ri = random_int(1, 3);
show([$ri >= 1 && $ri <= 3, random_int(5, 5)]);

echo "-- errors\n";
t(fn() => array_chunk([1], 0));
t(fn() => array_fill(0, -1, 0));
t(fn() => array_fill(PHP_INT_MAX, 2, 0));
t(fn() => array_combine([1, 2], [1]));
t(fn() => array_pad([1], 1048578, 0));
t(fn() => array_column([[1]], []));
t(fn() => array_key_exists([], [1]));
t(fn() => array_key_exists(1, "x"));
t(fn() => array_diff(5));
t(fn() => array_diff([1], 5));
t(fn() => array_diff());
t(fn() => array_udiff([1], [2]));
t(fn() => array_udiff([1], [2], 'nope'));
t(fn() => array_udiff([1], 'x', 'strcmp'));
t(fn() => array_merge_recursive([1], 5));
t(fn() => array_merge(5));
t(fn() => array_map(null, [1], 5));
t(fn() => array_replace(5));
t(fn() => array_rand([]));
t(fn() => array_rand([1, 2], 3));
t(fn() => mt_rand(5, 1));
t(fn() => mt_rand(5));
t(fn() => random_int(5, 1));
t(fn() => array_diff([new stdClass], [1]));
t(function () { $s = "str"; return array_splice($s, 1); });
t(function () { return shuffle($undef); });
t(fn() => array_walk_recursive($w, fn() => throw new Exception("boom")));
