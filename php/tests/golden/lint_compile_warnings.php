<?php
declare(ticks=1);
declare(Unknown_Directive=1);

// Compile-time warnings and deprecations come first, in the order PHP compiles; then the
// script runs as if each construct were written the way PHP treats it.
function optional_first($a = 1, $b, int $c = null, ?int $d = null, $e) {
    return func_num_args();
}

function &by_ref_void(): void {
}

$name = "world";
$names = ['x' => "array"];
echo "hello ${name}\n";
echo "hello ${names['x']}\n";
$var = 'name';
echo "hello ${$var}\n";
echo "octal \400\401\777 and \\400 and \1234\n" === "octal \000\001\377 and \\400 and S4\n" ? "wrapped\n" : "kept\n";
echo <<<EOT
  heredoc ${name} \500
  EOT;
echo "\n";

for ($i = 0; $i < 3; $i++) {
    switch ($i) {
        case 1:
            echo "continue in switch acts as break\n";
            continue;
        default:
            echo "i=$i\n";
    }
    foreach ([1, 2] as $j) {
        switch ($j) {
            case 1:
                continue 2;
        }
        echo "after switch j=$j\n";
    }
}

try {
    optional_first(b: 2, e: 5);
} catch (ArgumentCountError $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
echo optional_first(1, 2, 3, 4, 5), "\n";
$f = function ($x = 1, $y) { return $x + $y; };
echo $f(1, 2), "\n";
