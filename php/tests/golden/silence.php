<?php
// The @ operator and error_reporting().
echo @$undefined1, "|\n";
$x = @(1 + "3 apples"); echo $x, "\n";
echo $undefined2, "\n";
var_dump(error_reporting());
var_dump(error_reporting(E_ALL & ~E_WARNING));
echo $undefined3, "quiet\n";
error_reporting(E_ALL);
echo @intdiv(1, 1), "\n";
echo $undefined4, "loud\n";
