<?php
// The precision and serialize_precision settings: echo, var_dump, var_export, serialize and
// json_encode follow them; messages do not. error_log() to a file.
$v = [123456789.012345678901234567890, 10/3, 987e100, 10.0000001, 0.00001234, 1e15, -0.5];
foreach ([-1, 0, 1, 9, 14, 17, 25, 60] as $p) {
    ini_set('precision', $p);
    ini_set('serialize_precision', $p);
    echo "precision $p\n";
    echo join(' ', $v), "\n";
    var_dump($v[1], $v[4]);
    echo serialize($v), "\n";
    var_export($v[0]);
    echo "\n", json_encode($v), "\n";
    echo "$v[1] ", $v[2] . "", " ", strval($v[5]), "\n";
}
ini_set('precision', 2);
ini_set('serialize_precision', 2);
$a = [];
$a[1.2345] = 1;
ini_set('precision', 14);
ini_set('serialize_precision', -1);
$f = __DIR__ . '/stdlib0_precision.log';
var_dump(error_log("one\n", 3, $f), error_log("two", 3, $f));
echo file_get_contents($f), "\n";
unlink($f);
try {
    error_log("x", 2);
} catch (ValueError $e) {
    echo $e->getMessage(), "\n";
}
