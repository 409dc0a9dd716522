<?php
// memory_limit: going over it is a fatal error (its byte counts differ from PHP's, so the
// message is shown only up to them); output buffers are thrown away.
register_shutdown_function(function () {
    $e = error_get_last();
    echo "shutdown: type ", $e['type'], ", ", explode(" (", $e['message'])[0], "\n";
    var_dump(memory_get_usage() > 0);
});
echo "start\n";
ini_set('display_errors', '0');
var_dump(ini_set('memory_limit', '4M'));
ob_start();
echo "never shown\n";
$a = [];
while (true) {
    $a[] = str_repeat("x", 100);
}
