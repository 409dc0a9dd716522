#!/usr/bin/env php
<?php
// A first line starting with #! is skipped (and counted): this is line 3.
echo __LINE__, "\n";
var_dump(__COMPILER_HALT_OFFSET__);
$data = file_get_contents(__FILE__, false, null, __COMPILER_HALT_OFFSET__);
var_dump($data);
var_dump(define("__COMPILER_HALT_OFFSET__", 1));
function f() { return __COMPILER_HALT_OFFSET__; }
var_dump(f());
__halt_compiler();data after ?> the halt
<?php echo "not code";
