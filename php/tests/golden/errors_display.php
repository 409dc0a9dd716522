<?php
// error_get_last, error_clear_last, display_errors and error_reporting.
echo $a;
$e = error_get_last(); $e['file'] = basename($e['file']); var_dump($e);
error_clear_last();
var_dump(error_get_last());
ini_set('display_errors', '0');
echo $b;
echo "not displayed\n";
var_dump(error_get_last()['message']);
ini_set('display_errors', '1');
error_reporting(E_ALL & ~E_WARNING);
echo $c;
var_dump(error_get_last()['message']);
set_error_handler(function ($no, $msg) { echo "handler: $msg\n"; return true; });
error_clear_last();
echo $d;
var_dump(error_get_last());
try {
    @strlen();
} catch (ArgumentCountError $e) {
    echo get_class($e), "\n";
}
var_dump(error_reporting() === (E_ALL & ~E_WARNING));
