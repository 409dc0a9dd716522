<?php
// foreach by reference follows the array it walks: appended entries are visited, the
// position survives the table being squeezed and built-ins that rebuild the array.
$a = [1, 2, 3];
foreach ($a as $k => &$v) {
    echo "$k=$v ";
    if ($k < 3) {
        $a[] = $k * 10;
    }
}
echo "\n";
unset($v);

// nested loops over one array, an entry added while dead slots are squeezed out
$a = [0, 1, 2, 3, 4, 5, 6, 7];
unset($a[0], $a[1], $a[2], $a[3]);
foreach ($a as &$x) {
    foreach ($a as &$y) {
        echo "$x-$y ";
        if ($x == 5 && $y == 6) {
            $a[42] = 8;
        }
    }
}
echo "\n";
unset($x, $y);

// array_shift, array_unshift, array_splice, array_pop, array_push inside the loop
$a = [1, 2, 3, 4];
foreach ($a as &$v) {
    echo $v;
    array_shift($a);
}
echo " ", count($a), "\n";
unset($v);
$a = [1, 2, 3];
foreach ($a as &$v) {
    echo $v;
    if ($v == 2) {
        array_unshift($a, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
echo " ", count($a), "\n";
unset($v);
foreach ([[1, 2], [1, 3], [3, 0], [2, 2]] as [$at, $len]) {
    $a = [0, 1, 2, 3, 4];
    $done = false;
    foreach ($a as &$v) {
        echo $v;
        if (!$done && $v == $at) {
            $done = true;
            array_splice($a, 1, $len, ['x', 'y']);
        }
    }
    unset($v);
    echo " ";
}
echo "\n";
$a = [1, 2, 3, 4];
foreach ($a as $k => &$v) {
    echo "$k=$v ";
    array_pop($a);
}
echo "\n";
unset($v);
$a = [1];
foreach ($a as $k => &$v) {
    echo "$k=$v ";
    if ($k < 4) {
        array_push($a, $k + 10);
    }
}
echo "\n";
unset($v);

// the variable given another array: the loop starts again on it
$a = [1, 2, 3];
foreach ($a as $k => &$v) {
    echo "$k=$v ";
    if ($k == 1 && count($a) == 3) {
        $a = ['x', 'y', 'z', 'w'];
    }
}
echo "\n";
unset($v);

// break, return and nested loops leave no position behind that confuses the outer loop
function first_big(array &$arr) {
    foreach ($arr as &$x) {
        if ($x > 1) {
            return $x;
        }
    }
    return null;
}
$a = [1, 2, 3];
foreach ($a as &$v) {
    for ($i = 0; $i < 20; $i++) {
        first_big($a);
        foreach ($a as &$w) {
            break;
        }
    }
    echo $v;
}
echo "\n";
unset($v, $w);

// array_walk walks the array itself, by reference
$a = [1, 2, 3, 4, 5];
foreach ($a as &$v) {
    echo "$v ";
    if ($v == 3) {
        array_walk($a, function (&$x) { $x += 10; });
    }
}
echo "\n";
unset($v);
$b = ['x' => 1, 'y' => 2];
array_walk($b, function (&$v, $k, $extra) use (&$b) {
    if ($k == 'x') {
        $b['z'] = 9;
    }
    $v += $extra;
}, 100);
var_dump($b);
