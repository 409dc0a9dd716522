<?php
if (!function_exists('helper')) {
    function helper() { return "helper v1"; }
}
echo helper(), "\n";
function outer() {
    function inner() { return "inner"; }
    return inner();
}
echo outer(), "\n";
if (true) {
    class Late { function hi() { return "late class"; } }
}
echo (new Late)->hi(), "\n";
var_dump(class_exists('Late'), function_exists('inner'));
outer();
