<?php
function f() { return count($_GET) . " " . $_SERVER["argc"] . " " . basename($_SERVER["PHP_SELF"]); }
echo f(), "\n";
var_dump($_SERVER["argv"], isset($_SERVER["REQUEST_TIME"]), $_POST);
$g = fn() => $_SERVER["SCRIPT_NAME"]; echo $g(), "\n";
