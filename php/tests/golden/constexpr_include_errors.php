<?php
// include/require failures: a parse error in the included file is a catchable ParseError;
// its compile-time warnings reach the error handler; data: URLs need allow_url_include.

foreach (['include', 'require'] as $how) {
    try {
        $how === 'include'
            ? include __DIR__ . '/include_files/constexpr_unclosed.php'
            : require __DIR__ . '/include_files/constexpr_unclosed.php';
    } catch (ParseError $e) {
        echo get_class($e), ': ', $e->getMessage(), ' in ', basename($e->getFile()), ':', $e->getLine(), "\n";
    }
}

set_error_handler(function ($no, $msg, $file, $line) {
    echo "handler: $msg (", basename($file), ":$line)\n";
});
var_dump(include __DIR__ . '/include_files/constexpr_warns.php');
restore_error_handler();

var_dump(include 'data://text/plain;base64,' . base64_encode('<?php return 1;'));
try {
    require 'data:text/plain,<?php return 2;';
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
var_dump(ini_get('allow_url_include'));
echo "done\n";
