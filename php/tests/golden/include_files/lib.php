<?php
$y = $x * 2;
$x = 7;
function helper($n) { return $n * 100; }
include "lib4.php";
