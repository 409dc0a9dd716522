<?php
// Compile-time warnings of code eval() compiles: printed with the eval'd file name, or
// given to the error handler; ignore_repeated_errors; a NUL in a variable's name.

eval('class A { private function __invoke() { } }');

set_error_handler(function ($no, $msg, $file, $line) {
    echo "handler: $no $msg (", basename($file), ":$line)\n";
});
eval("\n\nclass B { protected function __invoke() { } }");
restore_error_handler();

ini_set('ignore_repeated_errors', '1');
$u + $u;
$u + 1;
ini_set('ignore_repeated_source', '1');
for ($i = 0; $i < 3; $i++) {
    $v;
    echo $v;
}
ini_set('ignore_repeated_errors', '0');

$name = "a\0b";
echo $$name;
echo "done\n";
