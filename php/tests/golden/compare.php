<?php
// PHP 8 comparison rules.
var_dump(0 == "a", "1" == "01", "10" == "1e1", 100 == "1e2", "abc" == 0, null == false);
var_dump("1" === "1", 1 === 1.0, "abc" <=> "abd", 2 <=> 1, 1.5 <=> 1.5);
var_dump("9223372036854775808" == "9223372036854775809", "1e1000" == "1e1001");
var_dump(null <=> 0, null <=> -1, true <=> false, "Z" < "a", "10" < "9", "10" < "9a", 10 < "9a");
var_dump(" 1" == 1, "1 " == 1, "0.0" == false, "" == null, "0" == false, NAN == NAN, INF > PHP_INT_MAX);
$a = 5; $b = "5";
var_dump($a == $b, $a === $b, $a != $b, $a !== $b, $a < $b, $a <= $b, $a > $b, $a >= $b);
