<?php
// An error thrown two calls deep: PHP's fatal error with the stack trace.
function inner($a, $b) { return $a % $b; }
function outer($x, $s) { echo "outer $s\n"; return inner($x, 0); }
echo "start\n";
echo outer(10, "a string longer than fifteen bytes"), "\n";
echo "not reached\n";
