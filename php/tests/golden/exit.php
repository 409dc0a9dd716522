<?php
// exit inside a function ends the program after printing its message.
function f($x) { if ($x > 2) { exit("bye from f\n"); } return $x; }
echo f(1), "\n";
echo f(5), "never\n";
