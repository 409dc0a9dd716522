<?php
// max_execution_time ends a busy loop with PHP's fatal error, also when the loop is compiled;
// shutdown functions still run, and see the error.
register_shutdown_function(function () {
    $e = error_get_last();
    echo "shutdown: type ", $e['type'], ", ", $e['message'], "\n";
});
set_time_limit(1);
$i = 0;
while (true) {
    $i++;
}
