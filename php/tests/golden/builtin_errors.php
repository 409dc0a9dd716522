<?php
// Errors thrown by built-in functions show the built-in's frame in the stack trace.
function wrap($n) { return str_repeat("ab", $n); }
echo wrap(2), "\n";
echo wrap(-1);
