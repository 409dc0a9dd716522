<?php
// Compound assignments on appended elements, variable variables and $GLOBALS entries.
$a = [1];
$a[] += 5;
$a[] .= "x";
$b = null;
$b[] -= 2;
$c = [[1]];
$c[0][] *= 3;
var_dump($a, $b, $c);
$f = false;
$f[] .= "y";
var_dump($f);
$full = [PHP_INT_MAX => 1];
try {
    $full[] += 1;
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}

$x = 'y';
$$x .= "a";
$$x .= "b";
var_dump($y);
$n = 'cnt';
for ($i = 0; $i < 3; $i++) {
    $$n += 2;
}
var_dump($cnt);
function f() {
    $k = 'z';
    $$k -= 1;
    var_dump($z);
    $GLOBALS["w"] += 2;
    $GLOBALS["w"] += 3;
}
f();
var_dump($w);

set_error_handler(function ($no, $msg) {
    throw new Exception($msg);
});
try {
    $GLOBALS["missing"] .= "xyz";
} catch (Exception $e) {
    echo $e->getMessage(), "\n";
}
var_dump(isset($missing));
