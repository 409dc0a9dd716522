<?php
// foreach over an object's properties follows additions and removals, nested loops keep
// their own positions, and an (object) cast's mangled keys show by their bare names.
$o = (object)['a' => 0, 'b' => 1, 'c' => 2, 'd' => 3, 'e' => 4, 'f' => 5, 'g' => 6, 'h' => 7];
unset($o->a, $o->b, $o->c, $o->d);
foreach ($o as $v1) {
    foreach ($o as $v2) {
        echo "$v1-$v2 ";
        if ($v1 == 5 && $v2 == 6) {
            $o->i = 8;
        }
    }
}
echo "\n";

$o = new stdClass;
$o->a = 1;
$o->b = 2;
foreach ($o as $k => &$v) {
    echo "$k ";
    $v *= 10;
    if ($k == 'a') {
        $o->c = 3;
    }
}
unset($v);
var_dump($o);

$obj = (object)["\0A\0b" => 42, "\0*\0c" => 24, "d" => 1];
foreach ($obj as $k => $v) {
    var_dump($k, $v);
}
