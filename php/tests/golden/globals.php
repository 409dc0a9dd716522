<?php
// $GLOBALS: reads (a copy), writes to globals from functions, array union.
$a = 1;
function f() { $GLOBALS["a"]++; $GLOBALS["b"] = 5; $GLOBALS["c"][] = 1; return $GLOBALS["a"]; }
echo f(), $a, $b, "\n";
print_r($c);
var_dump(isset($GLOBALS["zz"]), isset($GLOBALS["a"]));
var_dump([1, 2] + [5, 6, 7], ["a" => 1] + ["b" => 2, "a" => 3]);
