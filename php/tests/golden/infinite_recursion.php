<?php
// Unbounded recursion ends in PHP's memory-limit error, never a crash of hippy.
function f($n) { return f($n + 1); }
echo "start\n";
f(0);
