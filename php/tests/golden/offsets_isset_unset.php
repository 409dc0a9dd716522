<?php
// isset/empty/unset on string offsets, arrays and other containers, with illegal offsets.
$str = "test0123";
function t($f) { try { $f(); } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; } }
foreach ([-1, -10, 0, 4, 8, '-1', '1', ' 1', '1 ', '1.0', '1x', 'good', true, false, null,
          -1.1, 0.9, 1e30, [], [1]] as $k) {
    echo var_export($k, true), ": ";
    var_dump(isset($str[$k]), empty($str[$k]));
    t(function () use ($str, $k) { var_dump(isset($str[$k][0])); });
}
var_dump(isset($str[1][0]), isset($str[1][1]), empty($str[4]), empty($str[4][0]));
var_dump(isset($str["1"]["0"]), isset($str["1"][" 0"]));
$a = [1];
foreach ([[], new stdClass] as $k) {
    t(function () use ($a, $k) { var_dump(isset($a[$k])); });
    t(function () use ($a, $k) { var_dump(empty($a[$k])); });
    t(function () use ($a, $k) { var_dump($a[$k] ?? 1); });
    t(function () use ($a, $k) { var_dump(isset($a[$k][0])); });
    t(function () use ($a, $k) { unset($a[$k]); });
    t(function () use ($a, $k) { unset($a[0][$k]); });
    t(function () use ($a, $k) { unset($a[$k][0]); });
    t(function () use ($a, $k) { $a[$k] = 1; });
    t(function () use ($a, $k) { echo $a[$k]; });
}
t(function() { $i = 1; unset($i[0][1]); var_dump($i); });
t(function() { $i = 1; unset($i[0]); var_dump($i); });
t(function() { $i = false; unset($i[0]); var_dump($i); });
t(function() { $i = null; unset($i[0][1]); var_dump($i); });
t(function() { $i = new stdClass; unset($i[0]); });
t(function() { $i = [1, [2]]; unset($i[0][1]); var_dump($i); });
t(function() { $i = [1, [2, 3]]; $r = &$i[1]; unset($i[1][0]); var_dump($r); });
t(function() { $i = [1, "abc"]; unset($i[1][0]); var_dump($i); });
$o = new stdClass;
t(function () use ($o) { var_dump($o[1]); });
t(function () use ($o) { var_dump(isset($o[1])); });
t(function () use ($o) { var_dump($o[1] ?? 5); });
t(function () use ($o) { [$x] = $o; });
