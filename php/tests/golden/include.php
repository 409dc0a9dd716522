<?php
// include/require: the includer's variables, functions and classes declared by included
// files, return values, *_once, a path found from the including file's directory, and the
// warnings and the error for missing files.
$x = 5;
$r = include 'include_files/lib.php';
echo "r=$r y=$y x=$x sibling=$sibling\n";
echo helper(2), "\n";
var_dump(include_once 'include_files/lib2.php', include_once 'include_files/lib2.php');
var_dump((include 'include_files/missing.php'));
function inner() { $local = 3; include __DIR__ . '/include_files/lib3.php'; return $local; }
echo inner(), "\n";
require 'include_files/nope.php';
