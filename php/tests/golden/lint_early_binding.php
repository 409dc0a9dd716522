<?php
// PHP links a class to its parent while it compiles the file only when every check can be
// decided: here the first method checked names classes that do not exist, so B is linked
// when its declaration runs, after the output above it, and fails there.
echo "start\n";
var_dump(class_exists('A', false), class_exists('B', false));
class A { function g(): X {} final function f() {} }
class B extends A { function g(): Y {} function f() {} }
echo "not reached\n";
