<?php
// array_multisort: columns sorted together, flags, errors, and values for its by-reference parameters.
$data = [3, 1, 2];
$other = ['c', 'a', 'b'];
var_dump(array_multisort($data, $other), $data, $other);
$a1 = [10, 100, 100, 0];
$a2 = [1, 3, 2, 4];
array_multisort($a1, $a2);
var_dump($a1, $a2);
$ar = [["10", 11, 100, 100, "a"], [1, 2, "2", 3, 1]];
array_multisort($ar[0], SORT_ASC, SORT_STRING, $ar[1], SORT_NUMERIC, SORT_DESC);
var_dump($ar);
$k = ['x' => 3, 5 => 1, 'y' => 2, 9 => 0];
array_multisort($k);
var_dump($k);
$m = ['B', 'a', 'C'];
array_multisort($m, SORT_FLAG_CASE | SORT_STRING);
var_dump($m);
var_dump(array_multisort([3, 2, 1]));
foreach ([[[1], 'x'], [SORT_ASC, [1]], [[1], SORT_ASC, SORT_DESC], [[1], 99], [[1, 2], [1]], [[1], SORT_STRING, SORT_NUMERIC]] as $args) {
    try {
        array_multisort(...$args);
    } catch (Error $e) {
        echo get_class($e), ": ", $e->getMessage(), "\n";
    }
}
$e = [];
var_dump(array_multisort($e));
// Its parameters prefer references: values are taken without a warning.
$args = [[3, 2, 1]];
var_dump(call_user_func_array('array_multisort', $args), $args);
$list = [3, 2, 1];
var_dump(call_user_func('array_multisort', $list), $list);
$byRef = [[2, 1]];
call_user_func_array('array_multisort', [&$byRef[0]]);
var_dump($byRef);
